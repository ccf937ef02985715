"""What a teacher reads after grading: an HTML report of the class, and a feedback notebook per learner.

:func:`course_lib.grading.grade` writes both beside ``grades.json`` and ``grades.csv``:

* ``report.html``, one self-contained file (the chart is an embedded PNG, nothing is loaded
  from the network): how many hand-ins passed each exercise (which exercises the class found
  hard), one row per learner with the score and the reason for each exercise, and the
  submissions that could not be graded;
* ``feedback/<name>.ipynb``, a copy of each learner's notebook with every verdict written in a
  markdown cell under its check cell, as nbgrader's feedback does.
"""

import base64
import html
import io
from pathlib import Path

import nbformat
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course_lib import validation

#: The statuses of a hand-in that was run and judged (a time-out is judged on what ran).
GRADED = ("graded", "timed out")


def _results(results):
    """Return ``results`` if it is a list or tuple of grading Results, else raise a TypeError."""
    from course_lib.grading import Result

    validation.instance_of(results, "results", (list, tuple), "a list of grading.Result (what grade() returns)")
    for result in results:
        validation.instance_of(result, "each of results", Result, "a grading.Result")
    return results


def verdict_markdown(exercise):
    """Return the feedback cell's text for one judged exercise (a :class:`~course_lib.grading.Exercise`).

    >>> from course_lib.grading import Exercise
    >>> verdict_markdown(Exercise("02-ex1-check", 1.0, passed=True, reason="right"))
    '**Grader: passed, 1/1.** right'
    """
    from course_lib.grading import Exercise

    validation.instance_of(exercise, "exercise", Exercise, "a grading.Exercise")
    earned = exercise.points if exercise.passed else 0
    state = "passed" if exercise.passed else "not passed"
    return f"**Grader: {state}, {earned:g}/{exercise.points:g}.** {exercise.reason}"


def _exercise_chart(results):
    """A PNG (bytes) of how many graded hand-ins passed and failed each exercise, or None if none."""
    counts = {}
    for result in results:
        if result.status in GRADED:
            for exercise in result.exercises:
                passed, failed = counts.get(exercise.grade_id, (0, 0))
                counts[exercise.grade_id] = (passed + exercise.passed, failed + (not exercise.passed))
    if not counts:
        return None
    names = sorted(counts)
    figure = Figure(figsize=(max(5, 0.8 * len(names) + 3), 3.2))
    axes = figure.subplots()
    passed = [counts[name][0] for name in names]
    axes.bar(names, passed, color="#3a7d44", label="passed")
    axes.bar(names, [counts[name][1] for name in names], bottom=passed, color="#c0392b", label="not passed")
    axes.set_ylabel("hand-ins")
    axes.set_title("Hand-ins that passed each exercise")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # hand-ins are counted, not measured
    axes.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize="small")  # beside the bars, never on them
    axes.tick_params(axis="x", labelrotation=45, labelsize="small")
    figure.tight_layout()
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=100)
    return png.getvalue()


def html_report(results):
    """Return the class report as one self-contained HTML page.

    Args:
        results: the :class:`~course_lib.grading.Result` list of :func:`~course_lib.grading.grade`.

    Returns:
        The page, as a string: the chart as a ``data:image/png;base64`` image, one table row per
        learner (score, and per exercise whether it passed and why), then the hand-ins that
        could not be graded with the reason.
    """
    _results(results)
    escape = html.escape
    chart = _exercise_chart(results)
    graded = [r for r in results if r.status in GRADED]
    ungraded = [r for r in results if r.status not in GRADED]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Grades</title><style>',
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}"
        ".passed{color:#3a7d44}.failed{color:#c0392b}",
        "</style></head><body>",
        f"<h1>Grades: {len(results)} hand-ins, {len(graded)} graded</h1>",
    ]
    if chart:
        parts.append(
            f'<img alt="hand-ins that passed each exercise" src="data:image/png;base64,{base64.b64encode(chart).decode()}">'
        )
    parts.append("<h2>Per learner</h2><table><tr><th>submission</th><th>notebook</th><th>score</th><th>exercises</th></tr>")
    for r in graded:
        exercises = "<br>".join(
            f'<span class="{"passed" if e.passed else "failed"}">{escape(e.grade_id)}: '
            f'{"passed" if e.passed else "not passed"}</span>, {escape(e.reason)}'
            for e in r.exercises
        )
        notes = [r.status + (f": {r.detail}" if r.detail else "")] if r.status != "graded" else []
        notes += [f"stopped by the sandbox: {'; '.join(r.stopped)}"] if r.stopped else []
        exercises += "".join(f"<br><em>{escape(note)}</em>" for note in notes)
        parts.append(
            f"<tr><td>{escape(Path(r.submission).name)}</td><td>{escape(r.notebook)}</td>"
            f"<td>{r.score:g}/{r.max_score:g}</td><td>{exercises}</td></tr>"
        )
    parts.append("</table><h2>Could not be graded</h2>")
    if ungraded:
        parts.append("<table><tr><th>submission</th><th>why</th></tr>")
        parts.extend(
            f"<tr><td>{escape(Path(r.submission).name)}</td><td>{escape(r.status)}: {escape(r.detail)}</td></tr>"
            for r in ungraded
        )
        parts.append("</table>")
    else:
        parts.append("<p>None: every hand-in was graded.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def feedback_notebook(notebook, result):
    """Return a copy of a learner's ``notebook`` with each verdict of ``result`` under its check cell.

    Args:
        notebook: the learner's notebook (an ``nbformat`` node), as handed in; it is not changed.
        result: its :class:`~course_lib.grading.Result`.

    Returns:
        A new notebook: a markdown cell with the score first, then after each check cell (found
        by its nbgrader grade id) a markdown cell with :func:`verdict_markdown`. An exercise whose
        check cell was deleted has its verdict in the first cell.
    """
    from course_lib.grading import Result

    validation.instance_of(notebook, "notebook", nbformat.NotebookNode, "an nbformat notebook (nbformat.read)")
    validation.instance_of(result, "result", Result, "a grading.Result")
    verdicts = {e.grade_id: e for e in result.exercises}
    feedback = nbformat.from_dict(dict(notebook, cells=[]))
    present = set()
    for cell in notebook.cells:
        feedback.cells.append(nbformat.from_dict(dict(cell)))
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in verdicts:
            present.add(grade_id)
            feedback.cells.append(nbformat.v4.new_markdown_cell(verdict_markdown(verdicts[grade_id])))
    summary = [f"**Grader: {result.score:g}/{result.max_score:g}** ({result.notebook}, {result.status})."]
    summary += [verdict_markdown(e) for e in result.exercises if e.grade_id not in present]
    feedback.cells.insert(0, nbformat.v4.new_markdown_cell("\n\n".join(summary)))
    return feedback


def write_feedback(results, notebooks, folder):
    """Write one feedback notebook per graded hand-in into ``folder``; return ``{submission: path}``.

    Args:
        results: the :class:`~course_lib.grading.Result` list.
        notebooks: ``{submission: notebook}``, the notebooks as read for grading.
        folder: where to write ``<file name>.ipynb`` (two hand-ins with one name get ``-2``, ...).
    """
    _results(results)
    validation.instance_of(notebooks, "notebooks", dict, "a dict {submission: notebook}")
    validation.instance_of(folder, "folder", (str, Path), "a folder path")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, taken = {}, set()
    for result in results:
        if result.status not in GRADED or result.submission not in notebooks:
            continue
        stem, number = Path(result.submission).stem, 1
        name = stem
        while name in taken:  # hand-ins from several folders may share a file name
            number += 1
            name = f"{stem}-{number}"
        taken.add(name)
        written[result.submission] = folder / f"{name}.ipynb"
        nbformat.write(feedback_notebook(notebooks[result.submission], result), written[result.submission])
    return written

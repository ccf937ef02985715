"""Grading submissions with nbval: scores, tampering, time-outs, broken files, reports.

A small instructor's notebook (no TensorFlow, so each run takes seconds) stands in for the
course; one end-to-end test grades the learners' edition of a real course notebook.
"""

import csv
import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from course_lib import exercises, grading

SOLUTIONS = {
    "x": "x = np.zeros((5, 7), dtype=np.float32)\nx[2, 4] = 1",
    "answer": 'answer = "receptive field"',
    "corr2d": "kh, kw = kernel.shape\nreturn conv2d(image, kernel)",
}


def instructor_notebook(prefix):
    cells = [
        nbformat.v4.new_markdown_cell(f"# {prefix} · fixture"),
        nbformat.v4.new_code_cell(
            "import numpy as np\nfrom course_lib import checks\nfrom course_lib.conv import conv2d"
        ),
        nbformat.v4.new_code_cell(f"# BEGIN SOLUTION\n{SOLUTIONS['x']}\n# END SOLUTION"),
        nbformat.v4.new_code_cell("checks.check_single_pixel_image(x)"),
        nbformat.v4.new_code_cell(f"# BEGIN SOLUTION\n{SOLUTIONS['answer']}\n# END SOLUTION"),
        nbformat.v4.new_code_cell("checks.check_glossary_term(answer)"),
        nbformat.v4.new_code_cell(
            "def corr2d(image, kernel):\n    # BEGIN SOLUTION\n    "
            + SOLUTIONS["corr2d"].replace("\n", "\n    ")
            + "\n    # END SOLUTION"
        ),
        nbformat.v4.new_code_cell("checks.check_corr2d(corr2d)"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    exercises.mark_exercises(notebook, prefix)
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    nbformat.write(instructor_notebook("98"), folder / "98_other.ipynb")
    nbformat.write(instructor_notebook("99"), folder / "99_fixture.ipynb")
    return folder


def learners(course, prefix="99"):
    name = "99_fixture.ipynb" if prefix == "99" else "98_other.ipynb"
    return exercises.learners_edition(nbformat.read(course / name, as_version=4))


def cells_of(notebook, which, kind):
    """Index of the answer or check cell of exercise ``which``, found by its nbgrader grade id."""
    grade_id = f"{notebook.cells[0].source[2:4]}-ex{which}-{kind}"
    return next(
        i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def solve(notebook, which):
    """Put the instructor's solution of exercise ``which`` (1-based) back into a learners' copy."""
    answer = cells_of(notebook, which, "answer")
    key = ["x", "answer", "corr2d"][which - 1]
    source = notebook.cells[answer].source
    indent = "    " if key == "corr2d" else ""
    body = indent + SOLUTIONS[key].replace("\n", "\n" + indent)
    notebook.cells[answer].source = source.replace(
        f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError", body
    )
    return notebook


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """Grade a folder of typical submissions once; the tests below read the results."""
    folder = tmp_path_factory.mktemp("submissions")
    write = lambda name, nb: nbformat.write(nb, folder / name)  # noqa: E731
    write("99_correct.ipynb", nbformat.read(course / "99_fixture.ipynb", as_version=4))
    write("99_blank.ipynb", learners(course))
    write("99_partial.ipynb", solve(learners(course), 2))
    tampered = learners(course)
    for which in (1, 2, 3):
        tampered.cells[cells_of(tampered, which, "check")].source = 'print("Correct: trust me")'
    write("99_edited_checks.ipynb", tampered)
    deleted = solve(solve(solve(learners(course), 1), 2), 3)
    del deleted.cells[cells_of(deleted, 1, "check")]
    write("99_deleted_check.ipynb", deleted)
    looping = solve(solve(learners(course), 2), 3)
    looping.cells[cells_of(looping, 1, "answer")].source = "while True:\n    pass"
    write("99_infinite_loop.ipynb", looping)
    crashing = solve(solve(solve(learners(course), 1), 2), 3)
    crashing.cells.insert(cells_of(crashing, 1, "check") + 1, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    write("99_kernel_dies.ipynb", crashing)
    (folder / "99_truncated.ipynb").write_text(json.dumps(nbformat.writes(learners(course)))[:200])
    (folder / "99_empty.ipynb").write_text("")
    write("99_from_another_exercise.ipynb", solve(learners(course, "98"), 1))
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    out = tmp_path_factory.mktemp("grades")
    results = grading.grade([folder], out, jobs=2, course=course, cell_timeout=10, notebook_timeout=120)
    return {Path(r.submission).name: r for r in results}, out, folder, hashes


def test_scores(graded):
    results = graded[0]
    assert (results["99_correct.ipynb"].score, results["99_correct.ipynb"].max_score) == (3, 3)
    assert results["99_blank.ipynb"].score == 0
    assert results["99_partial.ipynb"].score == 1
    assert [e.passed for e in results["99_partial.ipynb"].exercises] == [False, True, False]


def test_edited_or_deleted_check_cells_earn_nothing(graded):
    results = graded[0]
    assert results["99_edited_checks.ipynb"].score == 0
    deleted = results["99_deleted_check.ipynb"]
    assert deleted.score == 2 and deleted.exercises[0].reason == "check cell deleted"


def test_an_infinite_loop_times_out_and_the_rest_is_graded(graded):
    looping = graded[0]["99_infinite_loop.ipynb"]
    assert looping.status == "graded" and looping.score == 2
    assert looping.exercises[0].reason in ("check failed", "check errored")


def test_a_dead_kernel_fails_what_comes_after_it(graded):
    crashed = graded[0]["99_kernel_dies.ipynb"]
    assert [e.passed for e in crashed.exercises] == [True, False, False]


def test_broken_files_are_reported_and_not_run(graded):
    results = graded[0]
    assert results["99_truncated.ipynb"].status == "malformed"
    assert results["99_empty.ipynb"].status == "empty"
    other = results["99_from_another_exercise.ipynb"]
    assert (
        other.status == "wrong notebook" and "expected notebook 99, but this is notebook 98" in other.detail
    )


def test_submissions_are_never_modified(graded):
    _, _, folder, hashes = graded
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == hashes


def test_json_and_csv_reports(graded):
    results, out, _, _ = graded
    records = {Path(r["submission"]).name: r for r in json.loads((out / "grades.json").read_text())}
    assert records["99_partial.ipynb"]["score"] == 1 and records["99_partial.ipynb"]["max_score"] == 3
    assert [e["grade_id"] for e in records["99_partial.ipynb"]["exercises"]] == [
        "99-ex1-check",
        "99-ex2-check",
        "99-ex3-check",
    ]
    rows = list(csv.DictReader(open(out / "grades.csv")))
    partial = [r for r in rows if r["submission"].endswith("99_partial.ipynb")]
    assert [(r["exercise"], r["passed"]) for r in partial] == [
        ("99-ex1-check", "False"),
        ("99-ex2-check", "True"),
        ("99-ex3-check", "False"),
    ]
    assert any(r["status"] == "empty" for r in rows)
    text = grading.table(list(results.values()))
    assert "3/3" in text and "99-ex1-check (check cell deleted)" in text


def test_a_notebook_timeout_stops_one_submission_and_the_next_is_graded(course, tmp_path):
    looping = learners(course)
    looping.cells[cells_of(looping, 1, "answer")].source = "while True:\n    pass"
    nbformat.write(looping, tmp_path / "99_a_loop.ipynb")
    nbformat.write(nbformat.read(course / "99_fixture.ipynb", as_version=4), tmp_path / "99_b_correct.ipynb")
    results = grading.grade(
        [tmp_path / "99_a_loop.ipynb", tmp_path / "99_b_correct.ipynb"],
        tmp_path / "out",
        jobs=1,
        course=course,
        cell_timeout=60,
        notebook_timeout=40,
    )
    assert results[0].status == "timed out" and results[0].score == 0
    assert results[1].status == "graded" and results[1].score == 3


def test_learners_code_cannot_write_the_course_when_isolation_is_available(course, tmp_path):
    if grading.isolation() != "nobody":
        pytest.skip("learners' code runs as the grader here: not root, or 'nobody' cannot run this Python")
    attack = solve(solve(solve(learners(course), 1), 2), 3)
    target = course / "99_fixture.ipynb"
    attack.cells.insert(2, nbformat.v4.new_code_cell(f"open({str(target)!r}, 'w').write('')"))
    nbformat.write(attack, tmp_path / "99_attack.ipynb")
    before = target.read_bytes()
    grading.grade([tmp_path / "99_attack.ipynb"], tmp_path / "out", course=course)
    assert target.read_bytes() == before


def test_missing_submission_path_is_named():
    with pytest.raises(FileNotFoundError, match="no submission at"):
        grading.submissions(["does/not/exist.ipynb"])

"""Grade learners' notebooks with the course's own checks, using nbval as the grading engine.

    python -m course_lib.grading SUBMISSION [SUBMISSION ...] --out grades/ [--jobs 2]

A submission is an ``.ipynb`` file or a folder of them. For each one the grader

1. reads it (an empty, truncated or malformed file is reported as such and not run);
2. finds the course notebook it belongs to from its nbgrader grade ids (``02-ex1-check``) and
   its file name, and reports a notebook from another exercise;
3. builds a copy in a fresh temporary folder: outputs cleared, and every check cell replaced by
   the instructor's version (matched by grade id), so an edited check earns nothing and a
   deleted one scores zero;
4. runs the copy with ``pytest --nbval-lax`` in a separate process group, with a per-cell and a
   per-notebook time limit, and as the unprivileged user ``nobody`` where it can (the grader runs
   as root and ``nobody`` can run the course's Python): the learner's code then cannot write the
   course's files or other submissions' results. :func:`isolation` says which applies;
5. scores each exercise from the outcome of its check cell, outside the learner's kernel.

Results are printed as a table and written to ``grades.json`` and ``grades.csv``. Submissions
are never modified.
"""

import argparse
import concurrent.futures
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from course_lib.exercises import find_exercises
from course_lib.notebook_files import NOTEBOOK_GLOB, course_notebooks, notebook_number
from course_lib.session import QUIET_ENVIRONMENT

COURSE_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
# After a cell times out, nbval reports the later cells as XFAIL/XPASS ("expected to fail"):
# XPASS means the cell ran without error, which for a check cell is a pass.
_RESULT_LINE = re.compile(r"::Cell (\d+) (PASSED|FAILED|ERROR|SKIPPED|XPASS|XFAIL)")


@dataclass
class Exercise:
    grade_id: str
    points: float
    passed: bool = False
    reason: str = ""


@dataclass
class Result:
    submission: str
    notebook: str = ""
    status: str = "graded"  # or: empty, malformed, unknown notebook, wrong notebook, timed out
    detail: str = ""
    score: float = 0.0
    max_score: float = 0.0
    exercises: list = field(default_factory=list)
    seconds: float = 0.0
    isolation: str = ""  # "nobody": the learner's code ran as that user; "none": as the grader


# --------------------------------------------------------------------------- reading


def _instructor_notebooks(course):
    """Return ``{prefix: path}`` for the instructor's notebooks, e.g. ``{"02": .../02_convolution.ipynb}``."""
    return {notebook_number(path): path for path in course_notebooks(course)}


def _grade_ids(notebook):
    return {
        cell.metadata["nbgrader"]["grade_id"]: index
        for index, cell in enumerate(notebook.cells)
        if "nbgrader" in cell.get("metadata", {}) and "grade_id" in cell.metadata["nbgrader"]
    }


def _read(path):
    """Return ``(notebook, None)`` or ``(None, (status, detail))`` for a file that cannot be graded."""
    data = Path(path).read_bytes()
    if not data.strip():
        return None, ("empty", "the file is empty")
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except (
        UnicodeDecodeError,
        json.JSONDecodeError,
        nbformat.ValidationError,
        KeyError,
        ValueError,
    ) as error:
        return None, ("malformed", f"not a readable notebook ({type(error).__name__}: {str(error)[:120]})")
    return notebook, None


def _identify(path, notebook, instructors, expected=None):
    """Return ``(prefix, None)`` or ``(None, (status, detail))``."""
    prefixes = {grade_id.split("-")[0] for grade_id in _grade_ids(notebook)} & set(instructors)
    by_name = notebook_number(path) if Path(path).match(NOTEBOOK_GLOB) else None
    expected = expected or (by_name if by_name in instructors else None)
    if len(prefixes) > 1:
        return None, ("wrong notebook", f"cells from several course notebooks: {', '.join(sorted(prefixes))}")
    found = prefixes.pop() if prefixes else None
    if found and expected and found != expected:
        return None, ("wrong notebook", f"expected notebook {expected}, but this is notebook {found}")
    if not (found or expected):
        return None, ("unknown notebook", "no course grade ids and no course notebook number in its name")
    return found or expected, None


# --------------------------------------------------------------------------- preparing and running


def prepare(submission, instructor):
    """Return the notebook to run: the submission with cleared outputs and the instructor's check cells.

    Also returns ``{grade_id: code cell number}`` for the check cells present, and the list of
    check grade ids the submission lost.
    """
    checks = {}
    for _, check in find_exercises(instructor):
        cell = instructor.cells[check]
        checks[cell.metadata["nbgrader"]["grade_id"]] = cell
    prepared = nbformat.v4.new_notebook(metadata=instructor.metadata)
    code_number, positions = 0, {}
    for cell in submission.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in checks:
            cell = checks[grade_id]
        cell = nbformat.from_dict(dict(cell))
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if grade_id in checks:
                positions[grade_id] = code_number
            code_number += 1
        prepared.cells.append(cell)
    missing = [grade_id for grade_id in checks if grade_id not in positions]
    return prepared, positions, missing


def _become_nobody():
    """In a child process: become the unprivileged user ``nobody``."""
    import pwd

    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)


_ISOLATION = {}


def isolation():
    """Return ``"nobody"`` if learners' code can run as that user here, else ``"none"``.

    Only root can switch users, and ``nobody`` must be able to run this Python and import the
    course (a Python installed under a private home folder, such as ``/root``, prevents it).
    """
    if "mode" not in _ISOLATION:
        mode = "none"
        if os.geteuid() == 0:
            try:
                probe = subprocess.run(
                    [sys.executable, "-c", "import course_lib, nbval"],
                    preexec_fn=_become_nobody,
                    capture_output=True,
                    cwd="/",
                )
                mode = "nobody" if probe.returncode == 0 else "none"
            except OSError:  # nobody may not even execute the interpreter
                mode = "none"
        _ISOLATION["mode"] = mode
    return _ISOLATION["mode"]


def _child_setup():
    """In the child process: a process group of its own (to kill the kernel with it), then drop rights."""
    os.setsid()
    if isolation() == "nobody":
        _become_nobody()


def run(notebook_path, cell_timeout, notebook_timeout):
    """Run one prepared notebook under nbval; return ``({code cell number: outcome}, timed_out, log)``."""
    folder = notebook_path.parent
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(QUIET_ENVIRONMENT, HOME=str(folder), MPLCONFIGDIR=str(folder), KERAS_HOME=str(folder / ".keras"))
    command = [
        sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-o", "addopts=", "-c", os.devnull,
        "--rootdir", str(folder), "--nbval-lax", "--nbval-current-env",
        "--nbval-cell-timeout", str(cell_timeout), notebook_path.name,
    ]  # fmt: skip
    log_path = folder / "nbval.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_child_setup
        )
        try:
            process.wait(timeout=notebook_timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the kernel too: it is in the same group
            process.wait()
            timed_out = True
    text = log_path.read_text(errors="replace")
    outcomes = {int(number): outcome for number, outcome in _RESULT_LINE.findall(text)}
    return outcomes, timed_out, text


def grade_one(path, course=COURSE_NOTEBOOKS, expected=None, cell_timeout=60, notebook_timeout=300):
    """Grade one submission file; return a :class:`Result`. Never modifies the file."""
    start = time.perf_counter()
    result = Result(submission=str(path))
    instructors = _instructor_notebooks(course)
    notebook, problem = _read(path)
    if problem is None:
        prefix, problem = _identify(path, notebook, instructors, expected)
    if problem is not None:
        result.status, result.detail = problem
        return result
    instructor = nbformat.read(instructors[prefix], as_version=4)
    result.notebook = instructors[prefix].name
    prepared, positions, missing = prepare(notebook, instructor)
    for _, check in find_exercises(instructor):
        meta = instructor.cells[check].metadata["nbgrader"]
        result.exercises.append(Exercise(meta["grade_id"], float(meta.get("points", 1))))
    result.max_score = sum(e.points for e in result.exercises)
    folder = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        os.chmod(folder, 0o777)  # the unprivileged kernel writes its scratch files here
        target = folder / "submission.ipynb"
        nbformat.write(prepared, target)
        os.chmod(target, 0o644)
        result.isolation = isolation()
        outcomes, timed_out, log = run(target, cell_timeout, notebook_timeout)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for exercise in result.exercises:
        if exercise.grade_id in missing:
            exercise.reason = "check cell deleted"
            continue
        outcome = outcomes.get(positions[exercise.grade_id])
        exercise.passed = outcome in ("PASSED", "XPASS")
        if not exercise.passed:
            exercise.reason = {
                None: "not run (notebook timed out)" if timed_out else "not run",
                "FAILED": "check failed",
                "XFAIL": "check failed",
                "ERROR": "check errored",
                "SKIPPED": "check skipped",
            }.get(outcome, outcome)
    result.score = sum(e.points for e in result.exercises if e.passed)
    if timed_out:
        result.status, result.detail = "timed out", f"stopped after {notebook_timeout} s"
    elif not outcomes:
        result.status, result.detail = (
            "not run",
            log.strip().splitlines()[-1][:200] if log.strip() else "no output",
        )
    result.seconds = round(time.perf_counter() - start, 1)
    return result


# --------------------------------------------------------------------------- many submissions and reports


def submissions(paths):
    """Expand files and folders into the list of ``.ipynb`` files to grade, sorted."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"no submission at {path}")
    return found


def grade(paths, out, jobs=2, **options):
    """Grade every submission under ``paths`` in parallel; write ``grades.json`` and ``grades.csv`` to ``out``."""
    files = submissions(paths)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(lambda path: grade_one(path, **options), files))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "grades.json").write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["submission", "notebook", "status", "score", "max_score", "exercise", "passed", "reason"]
        )
        for r in results:
            for e in r.exercises or [Exercise("", 0)]:
                writer.writerow(
                    [r.submission, r.notebook, r.status, r.score, r.max_score, e.grade_id, e.passed, e.reason]
                )
    return results


def table(results):
    """Return the results as a plain-text table, one line per submission."""
    lines = [f"{'submission':<40} {'notebook':<32} {'score':>9}  status"]
    for r in results:
        score = f"{r.score:g}/{r.max_score:g}" if r.max_score else "-"
        status = r.status + (f": {r.detail}" if r.detail else "")
        failed = [f"{e.grade_id} ({e.reason})" for e in r.exercises if not e.passed]
        lines.append(f"{Path(r.submission).name:<40} {r.notebook:<32} {score:>9}  {status}")
        lines.extend(f"{'':<40}   failed: {item}" for item in failed)
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Grade learners' notebooks with the course's checks.")
    parser.add_argument("submissions", nargs="+", help=".ipynb files or folders of them")
    parser.add_argument("--out", default="grades", help="folder for grades.json and grades.csv")
    parser.add_argument("--course", default=str(COURSE_NOTEBOOKS), help="the instructor's notebooks")
    parser.add_argument("--notebook", help="the notebook number every submission must be, e.g. 02")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    parser.add_argument("--cell-timeout", type=int, default=60, help="seconds one cell may run")
    parser.add_argument("--notebook-timeout", type=int, default=300, help="seconds one submission may run")
    args = parser.parse_args(argv)
    results = grade(
        args.submissions,
        args.out,
        jobs=args.jobs,
        course=args.course,
        expected=args.notebook,
        cell_timeout=args.cell_timeout,
        notebook_timeout=args.notebook_timeout,
    )
    print(table(results))
    print(f"\nwritten: {Path(args.out) / 'grades.json'}, {Path(args.out) / 'grades.csv'}")


if __name__ == "__main__":
    main()

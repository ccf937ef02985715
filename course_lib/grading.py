"""Grade learners' notebooks with the course's own checks: each hand-in run by nbval in a
sandbox, each exercise judged in the grader's own process.

    python -m course_lib.grading SUBMISSION [SUBMISSION ...] --out grades/ [--jobs 2 | --scheduler ADDRESS]

A submission is an ``.ipynb`` file or a folder of them. For each one the grader

1. reads it (an empty, truncated or malformed file is reported as such and not run);
2. finds the course notebook it belongs to from its nbgrader grade ids (``02-ex1-check``) and
   its file name, and reports a notebook from another exercise;
3. builds a copy in a fresh scratch folder: outputs cleared, and every check cell replaced by
   the instructor's version (matched by grade id), so an edited check earns nothing and a
   deleted one scores zero;
4. runs the copy with ``pytest --nbval-lax`` in the sandbox of :mod:`course_lib.sandbox` (no view
   of the instructor's edition, of other hand-ins or of the results; read-only course library;
   no network; limits on memory, processes and file size; as ``nobody`` when the grader is
   root), with a per-cell and a per-notebook time limit. In that run every check only
   *collects*: it calls the learner's function on the check's inputs and saves the answers as
   JSON and ``.npy`` in the scratch folder (``COURSE_CHECKS_COLLECT_INTO``);
5. judges each exercise here, in the grader's process, from that plain data alone
   (:func:`judge_collected`): nothing from the learner is unpickled or run, and neither what the
   notebook printed nor a "passed" claim counts. A hand-in that replaces the checks, patches
   ``course_lib``, NumPy or the built-ins in its kernel, or prints "Correct", changes only what
   its own kernel did: the verdict is recomputed with the grader's own code.

What the grader must still trust: the learner's code decides what its function returns on the
check's inputs, and it may write the collected data itself. Both amount to the same thing, an
answer for each of the check's inputs, and that answer is exactly what is graded (a hand-in
that calls the course's own reference function, which it can import, therefore passes too).

Results are printed as a table and written to ``grades.json``, ``grades.csv``, ``report.html``
(the class at a glance) and ``feedback/<name>.ipynb`` (each learner's notebook with the verdicts
under the check cells; :mod:`course_lib.grade_report`). Submissions are never modified.
"""

import argparse
import ast
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

from course_lib.checks import REGISTRY, Verdict, load_collected
from course_lib.checks._common import COLLECT_INTO_VARIABLE, _encode
from course_lib.exercises import find_exercises, is_untouched
from course_lib.grade_report import GRADED, html_report, write_feedback
from course_lib.notebook_files import NOTEBOOK_GLOB, course_notebooks, notebook_number
from course_lib.sandbox import (
    SCRATCH,
    Limits,
    bwrap_arguments,
    limit_resources,
    prepare_scratch,
    sandbox_problem,
)
from course_lib.progress import LIVE_VARIABLE
from course_lib.session import QUIET_ENVIRONMENT
from course_lib.validation import boolean, instance_of, number, text

COURSE_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
# After a cell times out, nbval reports the later cells as XFAIL/XPASS ("expected to fail").
_RESULT_LINE = re.compile(r"::Cell (\d+) (PASSED|FAILED|ERROR|SKIPPED|XPASS|XFAIL)")


class UsageError(ValueError):
    """A mistake in how the grader was called: ``main`` prints it as one line and exits with 2."""


@dataclass
class Exercise:
    grade_id: str
    points: float
    check: str = ""  # the check's name, e.g. check_corr2d
    passed: bool = False
    reason: str = ""  # the check's message, "not attempted", "timed out before this check", ...


@dataclass
class Result:
    submission: str
    notebook: str = ""
    status: str = "graded"  # or: empty, malformed, unknown notebook, wrong notebook, timed out, not run
    detail: str = ""
    score: float = 0.0
    max_score: float = 0.0
    exercises: list = field(default_factory=list)
    seconds: float = 0.0
    isolation: str = ""  # how the learner's code ran: see isolation()
    stopped: list = field(default_factory=list)  # what the sandbox stopped, in words


def _run_options(cell_timeout, notebook_timeout, sandboxed):
    """Check the options every run shares: two time limits in seconds (> 0) and the sandbox flag."""
    for value, name in ((cell_timeout, "cell_timeout"), (notebook_timeout, "notebook_timeout")):
        number(value, name, above=0)
    boolean(sandboxed, "sandboxed")


def isolation():
    """Return how a sandboxed run isolates the learner's code here, in words."""
    return "sandbox, as nobody" if os.geteuid() == 0 else "sandbox, in a user namespace"


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
    for value, name in ((submission, "submission"), (instructor, "instructor")):
        instance_of(value, name, nbformat.NotebookNode, "a notebook as nbformat.read(path, as_version=4) returns it")
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


def check_call(cell):
    """Return ``(check name, options)`` of an instructor's check cell ``checks.check_xxx(answer)``.

    The options (keyword arguments) must be literals: the grader judges with the instructor's
    options, never with the ones the learner's kernel reports.

    Raises:
        ValueError: the cell is not one call of a registered check.
    """
    instance_of(getattr(cell, "source", None), "cell.source", str, "a cell's source text (give an nbformat cell)")
    try:
        (statement,) = ast.parse(cell.source).body
        call = statement.value
        name = call.func.attr
        options = {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords}
    except (SyntaxError, ValueError, AttributeError):
        name = None
    if name is None or name not in REGISTRY or call.func.value.id != "checks":
        raise ValueError(
            f"check cell {cell.source!r} is not one call checks.check_xxx(...) of a registered check; "
            "write each check cell as that one call (CONTRIBUTING.md, Adding an exercise)"
        )
    return name, options


def run(notebook_path, cell_timeout, notebook_timeout, sandboxed=True, limits=Limits()):
    """Run one prepared notebook under nbval; return ``({code cell number: outcome}, timed_out, log)``.

    The notebook lies in its scratch folder, which the run may write; its checks save what they
    collect into ``collected/`` there. With ``sandboxed``, the run is in :mod:`course_lib.sandbox`
    and sees the scratch folder as ``/scratch``.
    """
    instance_of(notebook_path, "notebook_path", Path, "a pathlib.Path of the prepared notebook")
    _run_options(cell_timeout, notebook_timeout, sandboxed)
    scratch = notebook_path.parent
    inside = Path(SCRATCH) if sandboxed else scratch
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "PYTHONPATH")}
    env.update(
        QUIET_ENVIRONMENT,
        HOME=str(inside),
        MPLCONFIGDIR=str(inside / ".matplotlib"),
        KERAS_HOME=str(inside / ".keras"),
        **{LIVE_VARIABLE: "0"},  # nobody watches a graded run: fits print their summary only
        **{COLLECT_INTO_VARIABLE: str(inside / "collected")},
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",  # nbval only: no other installed plugin runs in a hand-in's run
    )
    command = [
        sys.executable, "-m", "pytest", "-v", "-p", "nbval.plugin", "-p", "no:cacheprovider", "-o", "addopts=",
        "-c", os.devnull, "--rootdir", str(inside), "--nbval-lax", "--nbval-current-env",
        "--nbval-cell-timeout", str(cell_timeout), str(inside / notebook_path.name),
    ]  # fmt: skip
    if sandboxed:
        command = bwrap_arguments(scratch, env) + command
    log_path = scratch.parent / "nbval.log"  # outside the scratch folder: the run cannot replace it
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=scratch, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=limit_resources(limits)
        )
        try:
            process.wait(timeout=notebook_timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # bubblewrap or pytest; the sandbox dies with it
            process.wait()
            timed_out = True
    text = log_path.read_text(errors="replace")
    outcomes = {int(number): outcome for number, outcome in _RESULT_LINE.findall(text)}
    return outcomes, timed_out, text


def judge_collected(folder, check, options):
    """Judge, in this process, what the learner's kernel saved for ``check`` into ``folder``.

    Everything in ``folder`` may be forged by the hand-in: the data is read as JSON and ``.npy``
    only (:func:`~course_lib.checks.load_collected`), the check's name and the instructor's
    ``options`` replace what the data claims, and the verdict recomputes everything from the
    learner's recorded answers (a "passed" field, if any, is never read).

    Returns:
        A :class:`~course_lib.checks.Verdict`, or None when nothing was collected.
    """
    instance_of(folder, "folder", Path, "a pathlib.Path of the folder the checks saved into")
    text(check, "check")
    instance_of(options, "options", dict, "a dict of the check's keyword arguments")
    if folder.resolve() != folder.absolute():
        return Verdict(False, "the collected data is behind a link, which the grader does not follow")
    try:
        collected = load_collected(folder)
    except FileNotFoundError:
        return None
    except (ValueError, OSError) as error:
        return Verdict(False, f"the collected data could not be read: {error}")
    if not isinstance(collected, dict) or collected.get("check") != check:
        return Verdict(False, f"the collected data is not that of {check}")
    collected["options"] = {key: _encode(value) for key, value in options.items()}
    try:
        return REGISTRY[check].verdict(collected)
    except Exception as error:  # noqa: BLE001 - forged data may break the replay in any way
        return Verdict(False, f"the collected data does not fit {check} ({type(error).__name__}: {error})")


# What the sandbox makes the learner's code raise, as nbval's log shows it, and what that means.
_SANDBOX_STOPS = (
    ("Read-only file system", "a write to a read-only file"),
    ("Permission denied", "a file access the sandbox's user may not make"),
    ("File too large", "a file larger than the limit"),
    ("Network is unreachable", "a network connection"),
    ("Temporary failure in name resolution", "a network connection"),
    ("Resource temporarily unavailable", "more processes than the limit"),
    ("Unable to allocate", "more memory than the limit"),
    ("MemoryError", "more memory than the limit"),
)


def stopped_by_sandbox(log, hidden):
    """Return what the sandbox stopped, in words, from a run's nbval ``log``.

    Args:
        log: the run's nbval output (failing cells show their traceback there).
        hidden: host paths the sandbox hides; a traceback naming one means the code looked for it.

    Returns:
        A sorted list of distinct phrases such as ``"a network connection"``.
    """
    instance_of(log, "log", str, "the run's nbval output as text")
    for path in instance_of(hidden, "hidden", (tuple, list, set, frozenset), "a list of host paths"):
        instance_of(path, "hidden[]", (str, os.PathLike), "a path")
    stops = {words for signature, words in _SANDBOX_STOPS if signature in log}
    stops |= {f"access to {path}, which the sandbox hides" for path in hidden if str(path) in log}
    return sorted(stops)


def _not_attempted(submission, grade_id):
    """True if the answer cell of the exercise checked by ``grade_id`` still has the placeholder."""
    answer_id = grade_id.replace("-check", "-answer")
    return any(
        cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == answer_id
        and is_untouched(cell.source)
        for cell in submission.cells
    )


def _reason_without_data(outcome, timed_out):
    """Why a check cell that ran, or did not, left nothing to judge."""
    if outcome is None:
        return "timed out before this check" if timed_out else "not run: the notebook stopped before this check"
    return "the check cell raised an error, so nothing was collected"


def grade_one(
    path,
    course=COURSE_NOTEBOOKS,
    expected=None,
    cell_timeout=60,
    notebook_timeout=300,
    sandboxed=True,
    limits=Limits(),
    hidden=(),
):
    """Grade one submission file; return a :class:`Result`. Never modifies the file.

    Args:
        path: the ``.ipynb`` file.
        course: the folder of the instructor's notebooks.
        expected: the notebook number every submission must be (``"02"``), or None.
        cell_timeout, notebook_timeout: seconds one cell, and the whole notebook, may run.
        sandboxed: run the notebook in :mod:`course_lib.sandbox` (else as the grader).
        limits: the sandbox's :class:`~course_lib.sandbox.Limits`.
        hidden: host paths the sandbox hides, to name them in the report when the code looked.
    """
    instance_of(path, "path", (str, os.PathLike), "the path of an .ipynb file")
    _run_options(cell_timeout, notebook_timeout, sandboxed)
    start = time.perf_counter()
    result = Result(submission=str(path), isolation=isolation() if sandboxed else "none")
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
    options = {}
    for _, check in find_exercises(instructor):
        cell = instructor.cells[check]
        name, check_options = check_call(cell)
        meta = cell.metadata["nbgrader"]
        result.exercises.append(Exercise(meta["grade_id"], float(meta.get("points", 1)), check=name))
        options[meta["grade_id"]] = check_options
    result.max_score = sum(e.points for e in result.exercises)
    folder = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        scratch = folder / "scratch"
        scratch.mkdir()
        prepare_scratch(scratch)
        nbformat.write(prepared, scratch / "submission.ipynb")
        outcomes, timed_out, log = run(scratch / "submission.ipynb", cell_timeout, notebook_timeout, sandboxed, limits)
        for exercise in result.exercises:
            if exercise.grade_id in missing:
                exercise.reason = "check cell deleted"
                continue
            verdict = judge_collected(
                scratch / "collected" / exercise.check, exercise.check, options[exercise.grade_id]
            )
            if verdict is None:
                exercise.reason = _reason_without_data(outcomes.get(positions[exercise.grade_id]), timed_out)
            else:
                exercise.passed = verdict.passed
                exercise.reason = " ".join(verdict.message.split())
            if not exercise.passed and _not_attempted(notebook, exercise.grade_id):
                exercise.reason = "not attempted"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result.score = sum(e.points for e in result.exercises if e.passed)
    result.stopped = stopped_by_sandbox(log, hidden) if sandboxed else []
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
    """Expand files and folders into the list of ``.ipynb`` files to grade, sorted.

    Raises:
        UsageError: a path does not exist, or nothing to grade was found.
    """
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts))
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(f"no submission at {path}: give .ipynb files or folders of them")
    if not found:
        raise UsageError(f"no .ipynb file in {', '.join(map(str, paths))}: nothing to grade")
    return found


def _check_course(course):
    """Raise :class:`UsageError` unless ``course`` is a folder with numbered notebooks."""
    if not Path(course).is_dir():
        raise UsageError(f"--course {course} is not a folder: give the folder of the instructor's notebooks")
    if not _instructor_notebooks(course):
        raise UsageError(f"--course {course} has no NN_name.ipynb notebooks: give the instructor's notebooks folder")


def _writable_out(out):
    """Create ``out`` and return it as a Path; raise :class:`UsageError` if it cannot be written."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise UsageError(f"--out {out} cannot be written ({error.strerror}): choose a writable folder") from None
    return out


# Seconds to reach a Dask scheduler: a wrong --scheduler is reported soon, not after Dask's 30 s.
SCHEDULER_CONNECT_SECONDS = 5


def _connect(scheduler, sandboxed):
    """Return a ``distributed.Client`` of the Dask scheduler at ``scheduler`` whose workers can grade.

    Raises:
        UsageError: Dask's ``distributed`` is not installed, the scheduler cannot be reached in
            :data:`SCHEDULER_CONNECT_SECONDS`, it has no workers, or (when ``sandboxed``) a
            worker cannot run the sandbox.
    """
    try:
        import distributed
    except ImportError:
        raise UsageError("--scheduler needs Dask's distributed: pip install distributed") from None
    try:
        client = distributed.Client(scheduler, timeout=f"{SCHEDULER_CONNECT_SECONDS}s")
    except (OSError, ValueError, TypeError) as error:
        raise UsageError(
            f"--scheduler {scheduler} cannot be reached ({type(error).__name__}: {str(error).splitlines()[0][:120]}); "
            "give the address a running `dask scheduler` prints, e.g. tcp://HOST:8786"
        ) from None
    problems = {worker: problem for worker, problem in client.run(sandbox_problem).items() if problem}
    if not client.scheduler_info()["workers"] or (sandboxed and problems):
        client.close()
        why = "no workers" if not problems else "no sandbox on " + ", ".join(f"{w}: {p}" for w, p in problems.items())
        raise UsageError(
            f"--scheduler {scheduler} cannot grade: {why}; start `dask worker {scheduler}` where bubblewrap works"
        )
    return client


def _grade_all(files, jobs, scheduler, sandboxed, **options):
    """Grade ``files`` with :func:`grade_one`: ``jobs`` at once here, or on the Dask ``scheduler``'s workers.

    Returns:
        The list of :class:`Result`, in the order of ``files``.
    """
    if scheduler is None:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(lambda path: grade_one(path, sandboxed=sandboxed, **options), files))
    with _connect(scheduler, sandboxed) as client:
        # pure=False: the same file given twice is graded twice, as here
        return client.gather(client.map(grade_one, files, sandboxed=sandboxed, pure=False, **options))


def grade(paths, out, jobs=2, sandboxed=True, course=COURSE_NOTEBOOKS, scheduler=None, **options):
    """Grade every submission under ``paths`` in parallel; write the reports to ``out``.

    The reports: ``grades.json``, ``grades.csv``, ``report.html`` and ``feedback/<name>.ipynb``.

    Args:
        paths: ``.ipynb`` files and folders of them.
        out: the folder for the reports.
        jobs: submissions graded at once.
        sandboxed: run each hand-in in the sandbox. Where it cannot work, grading is refused
            (:class:`UsageError`) unless this is False; the reports then say so.
        course: the folder of the instructor's notebooks.
        scheduler: the address of a Dask scheduler (``tcp://HOST:8786``) whose workers grade the
            hand-ins instead of ``jobs`` threads here. Every worker needs the course installed at
            the same path, the submissions and ``course`` at the same paths, and bubblewrap.
        **options: passed on to :func:`grade_one` (``expected``, time limits, ``limits``).

    Returns:
        The list of :class:`Result`, in the order of :func:`submissions`.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"--jobs is {jobs!r}; expected a whole number of 1 or more, e.g. --jobs 2")
    files = submissions(paths)
    _check_course(course)
    out = _writable_out(out)
    problem = sandbox_problem() if scheduler is None else None  # else each worker is asked (_connect)
    if sandboxed and problem:
        raise UsageError(f"no sandbox here: {problem}; install bubblewrap, or grade with --no-sandbox")
    hidden = sorted({Path(course).resolve(), out.resolve(), *(Path(p).resolve() for p in paths)})
    results = _grade_all(files, jobs, scheduler, sandboxed, course=course, hidden=hidden, **options)
    if not sandboxed:
        for result in results:
            result.isolation = f"none: {problem or 'graded with --no-sandbox'}"
    (out / "grades.json").write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["submission", "notebook", "status", "score", "max_score", "exercise", "passed", "reason", "stopped"]
        )
        for r in results:
            for e in r.exercises or [Exercise("", 0)]:
                writer.writerow(
                    [r.submission, r.notebook, r.status, r.score, r.max_score, e.grade_id, e.passed, e.reason,
                     "; ".join(r.stopped)]
                )  # fmt: skip
    (out / "report.html").write_text(html_report(results))
    graded = {r.submission: _read(r.submission)[0] for r in results if r.status in GRADED}
    write_feedback(results, graded, out / "feedback")
    return results


def table(results):
    """Return the results as a plain-text table, one line per submission, then its failed exercises."""
    for result in instance_of(results, "results", (tuple, list), "a list of Result, as grade returns"):
        instance_of(result, "results[]", Result, "a Result, as grade_one returns")
    lines = [f"{'submission':<40} {'notebook':<32} {'score':>9}  status"]
    for r in results:
        score = f"{r.score:g}/{r.max_score:g}" if r.max_score else "-"
        status = r.status + (f": {r.detail}" if r.detail else "")
        lines.append(f"{Path(r.submission).name:<40} {r.notebook:<32} {score:>9}  {status}")
        lines.extend(f"{'':<40}   failed: {e.grade_id} ({e.reason})" for e in r.exercises if not e.passed)
        if r.stopped:
            lines.append(f"{'':<40}   stopped by the sandbox: {'; '.join(r.stopped)}")
    return "\n".join(lines)


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a mistake in the call is one line on stderr (and exit status 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message}\n")


def main(argv=None):
    parser = _OneLineParser(
        prog="python -m course_lib.grading", description="Grade learners' notebooks with the course's checks."
    )
    parser.add_argument("submissions", nargs="+", help=".ipynb files or folders of them")
    parser.add_argument("--out", default="grades", help="folder for grades.json and grades.csv")
    parser.add_argument("--course", default=str(COURSE_NOTEBOOKS), help="the instructor's notebooks")
    parser.add_argument("--notebook", help="the notebook number every submission must be, e.g. 02")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    parser.add_argument(
        "--scheduler",
        help="grade on the workers of this Dask scheduler (tcp://HOST:8786) instead of --jobs here",
    )
    parser.add_argument("--cell-timeout", type=int, default=60, help="seconds one cell may run")
    parser.add_argument("--notebook-timeout", type=int, default=300, help="seconds one submission may run")
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run hand-ins without the sandbox where bubblewrap cannot work (they can then read and write what the grader can)",
    )
    args = parser.parse_args(argv)
    try:
        results = grade(
            args.submissions,
            args.out,
            jobs=args.jobs,
            sandboxed=not args.no_sandbox,
            course=args.course,
            scheduler=args.scheduler,
            expected=args.notebook,
            cell_timeout=args.cell_timeout,
            notebook_timeout=args.notebook_timeout,
        )
    except UsageError as error:
        parser.error(str(error))
    print(table(results))
    if args.no_sandbox:
        print(f"\nnot sandboxed: {results[0].isolation if results else ''}")
    out = Path(args.out)
    print(f"\nwritten: {out / 'grades.json'}, {out / 'grades.csv'}, {out / 'report.html'}, {out / 'feedback'}/")


if __name__ == "__main__":
    # Run the package's module, not this __main__ copy of it: grade_report checks that it is given
    # course_lib.grading's Result and Exercise, which a second copy of the classes would not be.
    from course_lib.grading import main as _main

    _main()

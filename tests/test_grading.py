"""Grading submissions with nbval: scores, tampering, hostile hand-ins, time-outs, broken files,
reports, mistakes in the call.

A small instructor's notebook (no TensorFlow, so each run takes seconds) stands in for the
course. Two module fixtures grade every hand-in once (the tests read their results): the
sandboxed hand-ins run only where bubblewrap works, and say why they are skipped elsewhere.
"""

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import course_lib
from course_lib import exercises, grading
from course_lib.sandbox import sandbox_problem

# make test runs this whole file on one xdist worker (conftest.py): else each worker would grade a
# module fixture's hand-ins again, and a fork bomb, which takes every process the sandbox's user
# may have, could run beside another test's hand-ins.

SANDBOX_PROBLEM = sandbox_problem()
needs_sandbox = pytest.mark.skipif(SANDBOX_PROBLEM is not None, reason=f"no sandbox here: {SANDBOX_PROBLEM}")

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
    notebook.cells[answer].source = source.replace(placeholder_of(key), body)
    return notebook


def placeholder_of(key):
    """The placeholder the learners' edition shows in place of ``SOLUTIONS[key]``."""
    indent = "    " if key == "corr2d" else ""
    return "\n".join(exercises.placeholder(SOLUTIONS[key].splitlines(), indent))


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """Grade a folder of typical submissions once; the tests below read the results."""
    folder = tmp_path_factory.mktemp("submissions")
    write = lambda name, nb: nbformat.write(nb, folder / name)  # noqa: E731
    write("99_correct.ipynb", nbformat.read(course / "99_fixture.ipynb", as_version=4))
    write("99_blank.ipynb", learners(course))
    write("99_partial.ipynb", solve(learners(course), 2))
    # Several tricks in one hand-in (each run costs seconds): edited check cells, checks replaced in
    # the kernel, then data forged for every check. Exercises 2 and 3 are solved, so only the forged
    # data is there to judge, and each reason shows it was judged (and refused) on its own.
    tampered = with_cell(solve(solve(learners(course), 2), 3), REPLACE_CHECKS)
    for which in (1, 2, 3):
        tampered.cells[cells_of(tampered, which, "check")].source = 'print("Correct: trust me")'
    write("99_tampered.ipynb", with_cell(tampered, FORGE_COLLECTED_DATA.replace("INSTRUCTORS", str(course)), at_end=True))
    # A cell timeout in exercise 1, and a solved exercise 3 whose check cell is deleted.
    looping = solve(solve(learners(course), 2), 3)
    looping.cells[cells_of(looping, 1, "answer")].source = "while True:\n    pass"
    del looping.cells[cells_of(looping, 3, "check")]
    write("99_loop_and_deleted_check.ipynb", looping)
    crashing = solve(solve(solve(learners(course), 1), 2), 3)
    crashing.cells.insert(cells_of(crashing, 1, "check") + 1, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    write("99_kernel_dies.ipynb", crashing)
    (folder / "99_truncated.ipynb").write_text(json.dumps(nbformat.writes(learners(course)))[:200])
    (folder / "99_empty.ipynb").write_text("")
    write("99_from_another_exercise.ipynb", solve(learners(course, "98"), 1))
    out = tmp_path_factory.mktemp("grades")
    # Wrong answers judged right by a patched NumPy and course_lib; where the sandbox works, the
    # same hand-in also tries everything the sandbox must stop (without it these would really do it).
    patched = with_cell(solve(wrong_answers(learners(course)), 2), PATCH_NUMPY_AND_COURSE)
    if SANDBOX_PROBLEM is None:
        for attack in ATTACKS:
            attack = attack.replace("COURSE", str(course)).replace("SUBMISSIONS", str(folder))
            patched = with_cell(patched, attack.replace("OUT", str(out)))
    write("99_patched_and_hostile.ipynb", patched)
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    course_files = tree_hashes(course) | tree_hashes(Path(course_lib.__file__).parent)
    results = grading.grade(
        [folder], out, jobs=2, sandboxed=SANDBOX_PROBLEM is None, course=course, cell_timeout=5, notebook_timeout=120
    )
    assert tree_hashes(course) | tree_hashes(Path(course_lib.__file__).parent) == course_files
    return {Path(r.submission).name: r for r in results}, out, folder, hashes


def tree_hashes(folder):
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def with_cell(notebook, source, at_end=False):
    """Add a code cell right after the imports (or at the end) of a learners' copy."""
    notebook.cells.insert(len(notebook.cells) if at_end else 2, nbformat.v4.new_code_cell(source))
    return notebook


def wrong_answers(notebook):
    """Fill exercises 1 and 3 with wrong answers of the right shape."""
    for which, wrong in ((1, "x = np.ones((5, 7))"), (3, "    return np.zeros((image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1))")):
        cell = notebook.cells[cells_of(notebook, which, "answer")]
        cell.source = cell.source.replace(placeholder_of(["x", "answer", "corr2d"][which - 1]), wrong)
    return notebook


# Tampering: each changes the learner's kernel only; the verdicts are computed by the grader.
REPLACE_CHECKS = """
for name in dir(checks):
    if name.startswith("check_"):
        setattr(checks, name, lambda *answers, **options: print("Correct: trust me"))
"""
PATCH_NUMPY_AND_COURSE = """
import builtins
import course_lib.conv
from course_lib.checks import _common
np.allclose = np.array_equal = lambda *arguments, **keywords: True
course_lib.conv.conv2d = lambda image, kernel: np.zeros((image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1))
_common._fail = _common._fail_not_attempted = lambda *arguments: None
_common._same_array = lambda *arguments, **keywords: None
builtins.AssertionError = type("NeverRaised", (Exception,), {})
"""
# (Not "COURSE" for the course folder, as in ATTACKS: that would also rewrite the variable's name.)
FORGE_COLLECTED_DATA = """
import os
from course_lib import checks
root = os.environ.get("COURSE_CHECKS_COLLECT_INTO", "no-grader")
checks.save_collected(
    {"check": "check_single_pixel_image", "passed": True, "answers": [{"value": {"python": None}}], "options": {}},
    os.path.join(root, "check_single_pixel_image"),
)
checks.save_collected(
    {"check": "check_glossary_search", "answers": [{"value": {"python": "receptive field"}}], "options": {}},
    os.path.join(root, "check_glossary_term"),
)
os.makedirs(os.path.join(root, "check_corr2d"), exist_ok=True)
os.symlink("INSTRUCTORS/99_fixture.ipynb", os.path.join(root, "check_corr2d", "collected.json"))
"""
# Hostile hand-ins: each cell tries one thing the sandbox must stop.
ATTACKS = [
    "import course_lib\nopen(course_lib.__file__, 'a').write('# taken over')",
    "open('COURSE/99_fixture.ipynb', 'w').write('')",
    "print(open('COURSE/99_fixture.ipynb').read())",
    "print(open('SUBMISSIONS/99_correct.ipynb').read())",
    "open('OUT/grades.json', 'w').write('[]')",
    "import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=3)",
]
FORK_WITHOUT_LIMIT = """
import os
children = []
try:
    while True:
        child = os.fork()
        if child == 0:
            os.execv("/bin/sleep", ["sleep", "30"])
        children.append(child)
finally:
    for child in children:
        os.kill(child, 9)
        os.waitpid(child, 0)
"""
ALLOCATE_64_GB = "hog = np.ones((64, 2**30), dtype=np.uint8)"


def test_scores(graded):
    results = graded[0]
    assert (results["99_correct.ipynb"].score, results["99_correct.ipynb"].max_score) == (3, 3)
    assert results["99_blank.ipynb"].score == 0
    assert results["99_partial.ipynb"].score == 1
    assert [e.passed for e in results["99_partial.ipynb"].exercises] == [False, True, False]


def test_a_deleted_check_cell_scores_zero_and_an_infinite_loop_times_out_its_cell(graded):
    both = graded[0]["99_loop_and_deleted_check.ipynb"]
    assert both.status == "graded" and [e.passed for e in both.exercises] == [False, True, False]
    assert both.exercises[0].reason == "the check cell raised an error, so nothing was collected"
    assert both.exercises[2].reason == "check cell deleted"


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
    assert "3/3" in text and "99-ex3-check (check cell deleted)" in text


def test_html_report_has_the_chart_each_learner_and_what_could_not_be_graded(graded):
    results, out, _, _ = graded
    page = (out / "report.html").read_text()
    assert '<img alt="hand-ins that passed each exercise" src="data:image/png;base64,iVBOR' in page
    assert "http://" not in page and "https://" not in page  # self-contained: nothing to load
    for name, result in results.items():
        assert name in page
    ungraded = page[page.index("Could not be graded"):]
    assert "99_empty.ipynb</td><td>empty" in ungraded and "99_correct.ipynb" not in ungraded
    assert "99-ex3-check: not passed</span>, check cell deleted" in page


def test_feedback_notebook_has_each_verdict_under_its_check_cell(graded):
    results, out, _, _ = graded
    feedback = nbformat.read(out / "feedback" / "99_partial.ipynb", as_version=4)
    verdicts = {}
    for cell, after in zip(feedback.cells, feedback.cells[1:]):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("-check"):
            assert after.cell_type == "markdown"
            verdicts[grade_id] = after.source
    assert verdicts == {
        "99-ex1-check": "**Grader: not passed, 0/1.** not attempted",
        "99-ex2-check": f"**Grader: passed, 1/1.** {results['99_partial.ipynb'].exercises[1].reason}",
        "99-ex3-check": "**Grader: not passed, 0/1.** not attempted",
    }
    assert feedback.cells[0].source.startswith("**Grader: 1/3**")
    deleted = nbformat.read(out / "feedback" / "99_loop_and_deleted_check.ipynb", as_version=4)
    assert "**Grader: not passed, 0/1.** check cell deleted" in deleted.cells[0].source
    assert not (out / "feedback" / "99_empty.ipynb").exists()


def test_edited_or_replaced_checks_and_forged_data_earn_nothing(graded):
    tampered = graded[0]["99_tampered.ipynb"]
    assert tampered.score == 0 and [e.passed for e in tampered.exercises] == [False, False, False]
    # Each reason is the forged data's own: a "passed" claim, another check's data, a link.
    assert tampered.exercises[0].reason == "not attempted"
    assert tampered.exercises[1].reason == "the collected data is not that of check_glossary_term"
    assert "plain file" in tampered.exercises[2].reason


def test_patching_numpy_or_the_course_in_the_kernel_earns_nothing(graded):
    patched = graded[0]["99_patched_and_hostile.ipynb"]
    assert [e.passed for e in patched.exercises] == [False, True, False]
    assert "expected" in patched.exercises[2].reason or "differs" in patched.exercises[2].reason


def test_forged_data_reasons_name_the_problem(tmp_path):
    """Each way of forging the data, judged directly, gets a reason that names it."""
    from course_lib.checks import save_collected

    claim = {"check": "check_glossary_term", "passed": True, "answers": [{"value": {"python": 42}}], "options": {}}
    save_collected(claim, tmp_path / "claim")
    assert not grading.judge_collected(tmp_path / "claim", "check_glossary_term", {}).passed
    save_collected({"check": "check_glossary_search", "answers": [], "options": {}}, tmp_path / "wrong")
    assert "not that of check_glossary_term" in grading.judge_collected(tmp_path / "wrong", "check_glossary_term", {}).message
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / "collected.json").symlink_to(tmp_path / "wrong" / "collected.json")
    assert "plain file" in grading.judge_collected(tmp_path / "link", "check_glossary_term", {}).message
    (tmp_path / "linked_folder").symlink_to(tmp_path / "wrong")
    assert "link" in grading.judge_collected(tmp_path / "linked_folder", "check_glossary_term", {}).message
    save_collected({"check": "check_corr2d", "answers": [{"calls": []}], "options": {}}, tmp_path / "short")
    assert "does not fit" in grading.judge_collected(tmp_path / "short", "check_corr2d", {}).message
    assert grading.judge_collected(tmp_path / "nothing", "check_corr2d", {}) is None


@needs_sandbox
def test_hostile_code_is_stopped_and_the_rest_is_graded(graded, course):
    results, out, folder, _ = graded
    attacks = results["99_patched_and_hostile.ipynb"]
    assert attacks.status == "graded" and [e.passed for e in attacks.exercises] == [False, True, False]
    assert attacks.isolation == "sandbox, as nobody" or "user namespace" in attacks.isolation
    assert {"a write to a read-only file", "a file access the sandbox's user may not make"} & set(attacks.stopped)
    for stop in (
        "a network connection",
        f"access to {Path(course).resolve()}, which the sandbox hides",
        f"access to {folder.resolve()}, which the sandbox hides",
        f"access to {out.resolve()}, which the sandbox hides",
    ):
        assert stop in attacks.stopped
    assert results["99_correct.ipynb"].stopped == []
    assert json.loads((out / "grades.json").read_text())  # the results were not overwritten


@pytest.fixture(scope="module")
def timed(course, tmp_path_factory):
    """Grade one at a time (a fork bomb takes every process its user may have): an endless (sleeping) loop,
    then a fork bomb with a 64 GB array where the sandbox works, else a right answer."""
    folder = tmp_path_factory.mktemp("timed")
    # The loop sleeps: the timeout counts wall-clock time, and the graded fixture's loop already burns a core.
    looping = learners(course)
    looping.cells[cells_of(looping, 1, "answer")].source = "import time\nwhile True:\n    time.sleep(1)"
    nbformat.write(looping, folder / "99_a_loop.ipynb")
    if SANDBOX_PROBLEM is None:
        hog = with_cell(with_cell(solve(solve(solve(learners(course), 1), 2), 3), ALLOCATE_64_GB), FORK_WITHOUT_LIMIT)
        nbformat.write(hog, folder / "99_b_fork_and_64_gb.ipynb")
    else:
        nbformat.write(nbformat.read(course / "99_fixture.ipynb", as_version=4), folder / "99_b_correct.ipynb")
    # The endless loop costs all of the notebook timeout; the fork bomb took 10 s beside other
    # tests on a loaded 2-core machine (5 s when idle), so 20 s leaves it a margin.
    results = grading.grade(
        [folder], folder / "out", jobs=1, sandboxed=SANDBOX_PROBLEM is None, course=course,
        cell_timeout=60, notebook_timeout=20,
    )  # fmt: skip
    return {Path(r.submission).name: r for r in results}


def test_a_notebook_timeout_stops_one_submission_and_the_next_is_graded(timed):
    assert timed["99_a_loop.ipynb"].status == "timed out" and timed["99_a_loop.ipynb"].score == 0
    assert timed["99_a_loop.ipynb"].exercises[0].reason == "timed out before this check"
    (after,) = (result for name, result in timed.items() if name.startswith("99_b_"))
    assert after.status == "graded" and after.score == 3


@needs_sandbox
def test_processes_and_memory_are_limited(timed):
    hog = timed["99_b_fork_and_64_gb.ipynb"]
    assert hog.status == "graded" and hog.score == 3
    assert {"more processes than the limit", "more memory than the limit"} <= set(hog.stopped)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["no/such/folder"], "no submission at no/such/folder"),
        (["EMPTY"], "no .ipynb file in"),
        (["SUBMISSION", "--course", "EMPTY"], "has no NN_name.ipynb notebooks"),
        (["SUBMISSION", "--out", "SUBMISSION"], "cannot be written"),
        (["SUBMISSION", "--jobs", "0"], "--jobs is 0; expected a whole number of 1 or more"),
        (["SUBMISSION", "--jobs", "two"], "invalid int value: 'two'"),
        (["SUBMISSION", "--no-sandbox", "--scheduler", "nonsense"], "--scheduler nonsense cannot be reached"),
        (["SUBMISSION", "--no-sandbox", "--scheduler", "tcp://127.0.0.1:9"], "cannot be reached (OSError: Timed out"),
    ],
)
def test_mistakes_in_the_call_get_one_line_and_status_2(arguments, message, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(grading, "SCHEDULER_CONNECT_SECONDS", 1)
    (tmp_path / "empty").mkdir()
    (tmp_path / "99_hand_in.ipynb").write_text("{}")
    arguments = [a.replace("EMPTY", str(tmp_path / "empty")).replace("SUBMISSION", str(tmp_path / "99_hand_in.ipynb")) for a in arguments]
    with pytest.raises(SystemExit) as stopped:
        grading.main(arguments)
    error = capsys.readouterr().err
    assert stopped.value.code == 2 and message in error and error.count("\n") == 1


def test_the_private_tmp_is_mounted_before_the_folders_the_sandbox_shows(tmp_path):
    """A course cloned under /tmp (as CI may) must stay visible: bubblewrap mounts in order."""
    from course_lib import sandbox

    arguments = sandbox.bwrap_arguments(tmp_path, {"PATH": "/usr/bin"})
    assert arguments.index("--tmpfs") < arguments.index("--ro-bind")
    assert arguments.index("--tmpfs") < arguments.index("--dir")


def test_the_command_line_writes_its_report(tmp_path):
    """As instructors run it, python -m course_lib.grading: the module then runs as __main__, a
    second copy of grading's classes, which the report must not be handed."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "02_hand_in.ipynb").write_text("{")  # malformed: reported, no kernel started
    run = subprocess.run(
        [sys.executable, "-m", "course_lib.grading", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
         "--no-sandbox"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "02_hand_in.ipynb" in (tmp_path / "out" / "report.html").read_text()


def test_in_a_graders_kernel_a_check_saves_what_it_collected_instead_of_judging(tmp_path, monkeypatch, capsys):
    from course_lib import checks

    checks.check_glossary_term("receptive field")  # the learner's view: judged at once
    assert capsys.readouterr().out.startswith("Correct: ")
    monkeypatch.setenv(checks._common.COLLECT_INTO_VARIABLE, str(tmp_path))
    checks.check_glossary_term("not a term")  # no CheckFailed: the grader judges
    assert capsys.readouterr().out == "Collected for grading: check_glossary_term.\n"
    verdict = grading.judge_collected(tmp_path / "check_glossary_term", "check_glossary_term", {})
    assert not verdict.passed


def test_a_dask_cluster_grades_the_hand_ins_in_its_workers(course, tmp_path):
    distributed = pytest.importorskip("distributed", reason="Dask's distributed is not installed")
    nbformat.write(nbformat.read(course / "99_fixture.ipynb", as_version=4), tmp_path / "99_correct.ipynb")
    nbformat.write(learners(course), tmp_path / "99_blank.ipynb")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        results = grading.grade(
            [tmp_path], tmp_path / "out", sandboxed=SANDBOX_PROBLEM is None, course=course,
            scheduler=cluster.scheduler_address, cell_timeout=10, notebook_timeout=60,
        )  # fmt: skip
        assert "grade_one" in cluster.scheduler.task_prefixes  # graded by the workers, not here
    assert {Path(r.submission).name: r.score for r in results} == {"99_blank.ipynb": 0, "99_correct.ipynb": 3}
    assert all(r.isolation.startswith("sandbox") for r in results) == (SANDBOX_PROBLEM is None)

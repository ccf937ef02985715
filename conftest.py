"""Test-suite set-up shared by unit tests, doctests and notebooks (nbval).

* TensorFlow is quiet and deterministic in every process (``course_lib.session.QUIET_ENVIRONMENT``).
* Every notebook is compared as if on another CPU (``tools/summation_orders.py``), so an output
  that holds on the machine that stored it only fails here, not on a learner's laptop.
* nbval does not compare stderr: ipykernel forwards C-level stderr in Jupyter but not under
  pytest, so the two differ for reasons that have nothing to do with the lesson.
* With pytest-xdist (``-n 2``, as ``make test`` runs), all the cells of one notebook go to one
  worker, in order (they share one kernel), and so do the tests of one test file.
* Every notebook should run in under ``NOTEBOOK_BUDGET_S`` seconds (30 s on two cores): the time
  of each is printed at the end, and one over budget is flagged. One over ``NOTEBOOK_LIMIT_S``
  (twice the budget by default) fails the run: wall-clock time also depends on what else the
  machine is doing, and a busy CI machine must not turn a lesson red, while a notebook that has
  really grown slow must. ``make test`` runs one worker more than there are cores, so a notebook
  gets a core's worth of time only cores / workers of the time: both bounds are stretched by
  workers / cores (3/2 on two cores), which keeps them bounds on the notebook alone.
"""

import os
from collections import defaultdict

from course import sharing_factor
from course_lib.progress import LIVE_VARIABLE
from course_lib.session import QUIET_ENVIRONMENT

pytest_plugins = ["summation_orders"]  # tools/, on the test path (pyproject.toml)

for _name, _value in QUIET_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)
os.environ[LIVE_VARIABLE] = "0"  # no live bars in the kernels: nbval compares the fits' summary lines

NOTEBOOK_BUDGET_S = float(os.environ.get("NOTEBOOK_BUDGET_S", "30"))
NOTEBOOK_LIMIT_S = float(os.environ.get("NOTEBOOK_LIMIT_S", str(2 * NOTEBOOK_BUDGET_S)))
_notebook_seconds = defaultdict(float)
def _notebook_of(nodeid):
    path = nodeid.split("::")[0]
    return path if path.endswith(".ipynb") else None


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


# Tests that run whole notebooks for each parameter: each run is a unit of its own.
_ONE_UNIT_PER_PARAMETER = ("tests/test_learners_edition.py::test_every_exercise_is_real[",)
# Test files that take seconds to tens of seconds each (they run many notebooks, hand-ins, a
# browser or hundreds of Keras blocks), roughly the longest first as measured in make test on
# 2026-12-05 before that day's last cuts (test_checks_14 has since fallen from 33 s to 9 s; the
# order was measured twice as it stands, and a reordering once did not measure better).
_LONG_FILES = (
    "tests/test_browser.py", "tests/test_every_check.py", "tests/test_grading.py", "tests/test_checks_14_googlenet.py",
    "tests/test_summation_orders.py", "tests/test_checks_12_alexnet.py", "tests/test_checks_15_resnet.py",
    "tests/test_training.py", "tests/test_nbgrader.py", "tests/test_checks_18_comparing_architectures.py",
    "tests/test_full_profile.py",
)


def _start_order(item):
    """Long units first, short tests last: the workers then finish together (the longest
    processing time rule), instead of one worker starting a 30 s notebook when the other is done."""
    nodeid = item.nodeid
    for rank, name in enumerate(_LONG_FILES):
        if nodeid.startswith(name):
            return 0, rank
    if nodeid.startswith(_ONE_UNIT_PER_PARAMETER) or _notebook_of(nodeid):
        return 1, 0
    return 2, 0


def pytest_collection_modifyitems(items):
    items.sort(key=_start_order)  # stable: a notebook's cells keep their order


def pytest_xdist_make_scheduler(config, log):
    """Share the tests out over xdist's workers by unit: a notebook's cells (they share one kernel),
    a test file's tests (its module fixtures, such as a grading run, are then computed once), or
    one whole-notebook run. xdist's ``--dist loadgroup`` would do this with marks, but it renames
    node ids in a way pytest 9 no longer reads, so its groups are silently ignored.

    The units start in the order :func:`pytest_collection_modifyitems` gave them. By default
    xdist would start the units with the most tests first instead (``--loadscope-reorder``),
    which put a 1,256-case table of quick tests first and the 30 s units last, so that one
    worker ran on alone for the last 30 s."""
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False

    class ByNotebookAndFile(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            if nodeid.startswith(_ONE_UNIT_PER_PARAMETER):
                return nodeid
            return nodeid.split("::")[0]

    return ByNotebookAndFile(config, log)


def pytest_runtest_logreport(report):
    notebook = _notebook_of(report.nodeid)
    if notebook:
        _notebook_seconds[notebook] += report.duration


def _workers(config):
    """xdist's worker count for this run (1 without xdist)."""
    workers = getattr(config.option, "numprocesses", None)
    return workers if isinstance(workers, int) and workers > 0 else 1


def _bounds(config):
    """The budget and the limit of this run, stretched by the sharing factor."""
    factor = sharing_factor(_workers(config), os.cpu_count())
    return factor, NOTEBOOK_BUDGET_S * factor, NOTEBOOK_LIMIT_S * factor


def pytest_terminal_summary(terminalreporter):
    if not _notebook_seconds:
        return
    factor, budget, limit = _bounds(terminalreporter.config)
    shared = f"; {_workers(terminalreporter.config)} workers on {os.cpu_count()} cores: x {factor:g}" if factor > 1 else ""
    terminalreporter.section(
        f"notebook run times (budget {NOTEBOOK_BUDGET_S:.0f} s each, failing above {NOTEBOOK_LIMIT_S:.0f} s{shared})"
    )
    for name, seconds in sorted(_notebook_seconds.items()):
        flag = "  OVER BUDGET" if seconds > budget else ""
        flag = "  OVER THE LIMIT: fails the run" if seconds > limit else flag
        terminalreporter.write_line(f"{seconds:6.1f} s  {name}{flag}")
    terminalreporter.write_line(f"{sum(_notebook_seconds.values()):6.1f} s  all notebooks, one after another")


def pytest_sessionfinish(session, exitstatus):
    _, _, limit = _bounds(session.config)
    slow = [name for name, seconds in _notebook_seconds.items() if seconds > limit]
    if slow and exitstatus == 0:
        session.exitstatus = 1

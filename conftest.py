"""Test-suite set-up shared by unit tests, doctests and notebooks (nbval).

* TensorFlow is quiet and deterministic in every process (also set by ``make test``).
* nbval does not compare stderr: ipykernel forwards C-level stderr in Jupyter but not under
  pytest, so the two differ for reasons that have nothing to do with the lesson.
* Every notebook should run in under ``NOTEBOOK_BUDGET_S`` seconds (the course promises 60 s on
  two cores): the time of each is printed at the end, and one over budget is flagged. One over
  ``NOTEBOOK_LIMIT_S`` (twice the budget by default) fails the run: wall-clock time also depends
  on what else the machine is doing, and a busy CI machine must not turn a lesson red, while a
  notebook that has really grown slow must.
"""

import os
import time
from collections import defaultdict

for _name, _value in {
    "PYTHONHASHSEED": "0",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
}.items():
    os.environ.setdefault(_name, _value)

NOTEBOOK_BUDGET_S = float(os.environ.get("NOTEBOOK_BUDGET_S", "60"))
NOTEBOOK_LIMIT_S = float(os.environ.get("NOTEBOOK_LIMIT_S", str(2 * NOTEBOOK_BUDGET_S)))
_notebook_seconds = defaultdict(float)


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


def pytest_runtest_logreport(report):
    if report.nodeid.split("::")[0].endswith(".ipynb"):
        _notebook_seconds[report.nodeid.split("::")[0]] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _notebook_seconds:
        return
    terminalreporter.section(
        f"notebook run times (budget {NOTEBOOK_BUDGET_S:.0f} s each, failing above {NOTEBOOK_LIMIT_S:.0f} s)"
    )
    for name, seconds in sorted(_notebook_seconds.items()):
        flag = "  OVER BUDGET" if seconds > NOTEBOOK_BUDGET_S else ""
        flag = "  OVER THE LIMIT: fails the run" if seconds > NOTEBOOK_LIMIT_S else flag
        terminalreporter.write_line(f"{seconds:6.1f} s  {name}{flag}")


def pytest_sessionfinish(session, exitstatus):
    slow = [name for name, seconds in _notebook_seconds.items() if seconds > NOTEBOOK_LIMIT_S]
    if slow and exitstatus == 0:
        session.exitstatus = 1

"""``course.py``, the set-up and test commands for every system: the same code runs everywhere.

Windows puts a virtual environment's Python in ``Scripts\\python.exe``, Linux and macOS in
``bin/python``; the commands are built from that one difference, so they are tested here for
both. The real install is what ``make test`` and CI run first.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import course

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize(
    ("os_name", "expected"), [("nt", Path("v", "Scripts", "python.exe")), ("posix", Path("v", "bin", "python"))]
)
def test_the_environment_python_per_system(os_name, expected):
    assert course.venv_python("v", os_name) == expected


@pytest.mark.parametrize("os_name", ["nt", "posix"])
def test_install_creates_the_environment_then_installs_requirements_then_the_course(os_name):
    commands = course.install_commands("v", os_name, base_python="py")
    python = str(course.venv_python("v", os_name))
    assert commands[0] == ["py", "-m", "venv", "v"]
    assert [c[0] for c in commands[1:]] == [python] * 3
    assert commands[2][-2:] == ["-r", "requirements.txt"]
    assert commands[3][-2:] == ["-e", "."]


def _touch(path, mtime):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path, (mtime, mtime))


def test_install_runs_again_only_when_an_input_changed(tmp_path):
    venv = tmp_path / ".venv"
    for name in course.INSTALL_INPUTS:
        _touch(tmp_path / name, 1000)
    assert course.needs_install(tmp_path, venv, "posix"), "no environment yet"
    _touch(course.venv_python(venv, "posix"), 1000)
    assert course.needs_install(tmp_path, venv, "posix"), "never installed"
    _touch(course.stamp(venv), 2000)
    assert not course.needs_install(tmp_path, venv, "posix")
    _touch(tmp_path / "requirements.txt", 3000)
    assert course.needs_install(tmp_path, venv, "posix"), "requirements.txt changed since"


def test_tests_use_one_worker_more_than_the_cores_up_to_four():
    assert [course.worker_count(n) for n in (None, 1, 2, 3, 8)] == [course.worker_count(), 2, 3, 4, 4]
    assert course.worker_count(0) == 2  # os.cpu_count() may return None or 0: taken as one core
    command = course.pytest_command(["tests/test_conv.py"], "v", "nt", cpu_count=1)
    assert command == [str(Path("v", "Scripts", "python.exe")), "-m", "pytest", "-n", "2", "tests/test_conv.py"]


def test_lab_opens_the_welcome_notebook_and_allows_root_only_for_root():
    assert course.lab_command("v", "posix", is_root=False)[1:] == ["-m", "jupyterlab", "notebooks/00_welcome.ipynb"]
    assert course.lab_command("v", "posix", is_root=True)[-1] == "--allow-root"


def test_the_environment_is_the_one_the_course_defines():
    from course_lib.session import QUIET_ENVIRONMENT

    assert QUIET_ENVIRONMENT.items() <= course.quiet_environment().items()


def test_wrong_use_gets_one_line_and_status_2():
    result = subprocess.run(
        [sys.executable, "course.py", "lab", "--port", "9"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "only 'test' takes more arguments" in result.stderr
    result = subprocess.run([sys.executable, "course.py", "teest"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "invalid choice: 'teest'" in result.stderr


def test_notebook_budgets_stretch_when_workers_outnumber_cores():
    assert course.sharing_factor(3, 2) == 1.5
    assert course.sharing_factor(2, 2) == course.sharing_factor(1, 4) == 1.0
    assert course.sharing_factor(2, None) == 2.0  # os.cpu_count() may be None

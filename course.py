"""The course's two commands, on Linux, macOS and Windows alike (only Python 3.11+ needed).

    python course.py lab       create .venv if needed, install the course, open it in JupyterLab
    python course.py test      the same set-up, then run every test (as CI does)
    python course.py install   only the set-up

On Windows write ``py course.py lab``. ``make lab`` and ``make test`` call this file. The set-up
runs once, and again only when ``requirements.txt`` or ``pyproject.toml`` changes. Anything after
``test`` goes to pytest, e.g. ``python course.py test tests/test_conv.py -x``.
"""

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
INSTALL_INPUTS = ("requirements.txt", "pyproject.toml")
MAX_TEST_WORKERS = 4  # each runs a TensorFlow kernel of 1-2 GB


def venv_python(venv=VENV, os_name=os.name):
    """Return the path of the virtual environment's Python (``Scripts\\python.exe`` on Windows)."""
    venv = Path(venv)
    return venv / "Scripts" / "python.exe" if os_name == "nt" else venv / "bin" / "python"


def stamp(venv=VENV):
    """Return the file whose time says when the course was last installed into ``venv``."""
    return Path(venv) / ".installed"


def needs_install(root=ROOT, venv=VENV, os_name=os.name):
    """Return True when ``venv`` has no Python, or was set up before an install input last changed."""
    python, done = venv_python(venv, os_name), stamp(venv)
    if not python.exists() or not done.exists():
        return True
    return any((Path(root) / name).stat().st_mtime > done.stat().st_mtime for name in INSTALL_INPUTS)


def install_commands(venv=VENV, os_name=os.name, base_python=sys.executable):
    """Return the commands that create ``venv`` and install the course into it, in order."""
    python = str(venv_python(venv, os_name))
    pip = [python, "-m", "pip", "install", "--quiet"]
    return [
        [base_python, "-m", "venv", str(venv)],
        [*pip, "--upgrade", "pip"],
        [*pip, "-r", "requirements.txt"],
        [*pip, "--no-deps", "--no-build-isolation", "-e", "."],
    ]


def worker_count(cpu_count=None):
    """Return how many pytest-xdist workers ``test`` starts: one more than the cores, at most 4.

    A worker often waits (for a kernel to start, for the next cell's reply); the extra one keeps
    the cores busy meanwhile. Measured on two cores: 5 min 16-22 s with 3 workers, 5 min 29 s with 2.
    """
    cpu_count = os.cpu_count() if cpu_count is None else cpu_count
    return min((cpu_count or 1) + 1, MAX_TEST_WORKERS)


def sharing_factor(workers, cores):
    """How much longer a process takes with ``workers`` processes on ``cores`` cores than with
    a core of its own: workers / cores when the cores are oversubscribed, else 1. conftest.py
    stretches the notebook budget by it.

    Example:
        >>> sharing_factor(3, 2), sharing_factor(2, 2), sharing_factor(1, 8)
        (1.5, 1.0, 1.0)
    """
    return max(1.0, workers / max(1, cores or 1))


def lab_command(venv=VENV, os_name=os.name, is_root=None):
    """Return the JupyterLab command; as root (containers, CI machines) Jupyter needs --allow-root."""
    if is_root is None:
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    command = [str(venv_python(venv, os_name)), "-m", "jupyterlab", "notebooks/00_welcome.ipynb"]
    return command + ["--allow-root"] if is_root else command


def pytest_command(pytest_args=(), venv=VENV, os_name=os.name, cpu_count=None):
    """Return the pytest command of ``test``: every test, the notebooks shared out over the cores."""
    return [str(venv_python(venv, os_name)), "-m", "pytest", "-n", str(worker_count(cpu_count)), *pytest_args]


def quiet_environment():
    """Return ``os.environ`` with the course's quiet, deterministic TensorFlow settings added.

    They are defined once, in ``course_lib/session.py``; that file imports only the standard
    library, so this launcher reads it before the course is installed.
    """
    spec = importlib.util.spec_from_file_location("_course_session", ROOT / "course_lib" / "session.py")
    session = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(session)
    return {**os.environ, **session.QUIET_ENVIRONMENT}


def _run(command, environment=None):
    print("$", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env=environment).returncode


def install():
    """Create ``.venv`` and install the course when needed; return the exit status."""
    if not needs_install():
        return 0
    if sys.version_info < (3, 11):
        print(f"The course needs Python 3.11 or newer; this is {sys.version.split()[0]}.", file=sys.stderr)
        return 1
    commands = install_commands()
    if venv_python().exists():
        commands = commands[1:]
    for command in commands:
        status = _run(command)
        if status:
            print(f"Set-up failed (exit status {status}); fix the error above and run it again.", file=sys.stderr)
            return status
    stamp().touch()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="course.py")
    parser.add_argument("command", choices=("lab", "test", "install"))
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="for test: passed to pytest")
    args = parser.parse_args(argv)
    if args.pytest_args and args.command != "test":
        parser.error(f"only 'test' takes more arguments; received {' '.join(args.pytest_args)!r}")
    status = install()
    if status or args.command == "install":
        return status
    if args.command == "lab":
        return _run(lab_command(), quiet_environment())
    return _run(pytest_command(args.pytest_args), quiet_environment())


if __name__ == "__main__":
    sys.exit(main())

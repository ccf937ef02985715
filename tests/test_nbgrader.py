"""nbgrader stays a real path: a school copies the notebooks into its course's ``source/`` and runs
``nbgrader generate_assignment`` and ``nbgrader autograde`` as usual (README, For instructors).

The small instructor's notebook of ``test_grading`` (no TensorFlow) stands in for the course.
"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from test_grading import instructor_notebook

pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install nbgrader)")


def nbgrader(root, *arguments):
    """Run one nbgrader command in the course folder ``root``; fail the test with its log."""
    # nbgrader runs the venv's `alembic` program, so the venv's bin folder goes first on PATH, as
    # in an activated venv; PYTHONPATH so that its kernels import this checkout's course_lib.
    env = dict(
        os.environ,
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH")])),
    )
    process = subprocess.run(
        [sys.executable, "-m", "nbgrader", *arguments, f"--CourseDirectory.root={root}"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert process.returncode == 0, process.stdout + process.stderr


def test_generate_assignment_and_autograde(tmp_path):
    from nbgrader.api import Gradebook

    (tmp_path / "source" / "ps1").mkdir(parents=True)
    nbformat.write(instructor_notebook("99"), tmp_path / "source" / "ps1" / "99_fixture.ipynb")
    nbgrader(tmp_path, "generate_assignment", "ps1", "--force")
    released = tmp_path / "release" / "ps1" / "99_fixture.ipynb"
    assert "raise NotImplementedError" in released.read_text()
    for learner, notebook in (("blank", released), ("full", tmp_path / "source" / "ps1" / "99_fixture.ipynb")):
        (tmp_path / "submitted" / learner / "ps1").mkdir(parents=True)
        (tmp_path / "submitted" / learner / "ps1" / "99_fixture.ipynb").write_bytes(notebook.read_bytes())
    nbgrader(tmp_path, "autograde", "ps1", "--force")
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        scores = {
            learner: gradebook.find_submission("ps1", learner).score for learner in ("blank", "full")
        }
        maximum = gradebook.find_assignment("ps1").max_score
    assert scores == {"blank": 0, "full": maximum} and maximum == 3

"""The learners' edition: generated, reproducible, and every exercise in it is real.

"Real" means: run top to bottom, the learners' edition fails at every check cell, and fails
nowhere but in exercise and check cells (no later cell depends on a solution). That run is each
notebook's second in ``make test``, so it takes yet another summation order
(``summation_orders.for_second_run``): the lesson's assertions about trained models must hold there too.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import summation_orders
from course_lib import exercises
from course_lib.notebook_files import NOTES_MARKER, course_notebooks, is_speaker_notes

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
PATHS = course_notebooks(NOTEBOOKS)


def test_generation_is_byte_identical(tmp_path):
    first = [p.read_bytes() for p in exercises.write_learners_edition(NOTEBOOKS, tmp_path / "a")]
    second = [p.read_bytes() for p in exercises.write_learners_edition(NOTEBOOKS, tmp_path / "b")]
    assert first == second and len(first) == len(PATHS)


def test_solutions_are_gone_and_everything_else_is_kept():
    instructor = nbformat.read(PATHS[0], as_version=4)
    learners = exercises.learners_edition(instructor)
    answers = {a for a, _ in exercises.find_exercises(instructor)}
    checks = {c for _, c in exercises.find_exercises(instructor)}
    kept = [(i, c) for i, c in enumerate(instructor.cells) if not is_speaker_notes(c)]
    assert len(kept) < len(instructor.cells), "notebook 00 has speaker notes"
    assert len(learners.cells) == len(kept)
    for (index, mine), theirs in zip(kept, learners.cells):
        if index in answers:
            assert "# YOUR CODE HERE" in theirs.source and "BEGIN SOLUTION" not in theirs.source
            assert theirs.outputs == [] and theirs.metadata == mine.metadata
        elif index in checks:
            assert theirs.source == mine.source and theirs.outputs == []
            assert theirs.metadata.pop("tags") == [exercises.RAISES_EXCEPTION]
            assert theirs.metadata == mine.metadata
        elif mine.cell_type == "code":
            assert theirs.source == mine.source and theirs.metadata == mine.metadata
            assert theirs.outputs == [] and theirs.execution_count is None, "no stored output to read ahead"
        else:
            assert theirs == mine


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_speaker_notes_are_dropped_and_nothing_else(path):
    instructor = nbformat.read(path, as_version=4)
    learners = exercises.learners_edition(instructor)
    assert not any(is_speaker_notes(c) for c in learners.cells)
    assert not any(c.source.lstrip().startswith(NOTES_MARKER) for c in learners.cells)
    kept_ids = [c.id for c in instructor.cells if not is_speaker_notes(c)]
    assert [c.id for c in learners.cells] == kept_ids


# Each notebook run is a unit of its own for make test's workers (conftest.py).
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_every_exercise_is_real(path, monkeypatch):
    _, variables = summation_orders.for_second_run(path)
    for name in summation_orders.VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    instructor = nbformat.read(path, as_version=4)
    found = exercises.find_exercises(instructor)
    learners = exercises.learners_edition(instructor)
    NotebookClient(
        learners,
        timeout=300,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    position = {c.id: i for i, c in enumerate(instructor.cells)}  # speaker notes are not in the edition
    failing = {
        position[c.id] for c in learners.cells if any(o.output_type == "error" for o in c.get("outputs", []))
    }
    exercise_cells = {i for pair in found for i in pair}
    assert failing <= exercise_cells, (
        f"cells that fail without the solutions: {sorted(failing - exercise_cells)}"
    )
    passing_checks = [check for _, check in found if check not in failing]
    assert not passing_checks, f"check cells that pass with no solution: {passing_checks}"


def test_a_value_answer_becomes_ellipsis_and_its_check_says_not_attempted():
    source = "# BEGIN SOLUTION\nx = np.zeros((2, 3))\nx[0, 1] = 1\ny: int = 4\n# END SOLUTION"
    assert exercises.strip_solution(source) == f"{exercises.VALUE_PLACEHOLDER}\nx = ...\ny = ..."
    assert exercises.is_untouched(exercises.strip_solution(source)) and not exercises.is_untouched("x = 3")
    from course_lib import checks

    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_horizontal_edge_filter(...)
    assert str(failure.value) == "kernel is not attempted yet: replace ... with your answer."
    with pytest.raises(checks.CheckFailed, match="^with_bias and without_bias are not attempted yet"):
        checks.check_conv_layer_params(..., ...)


def test_a_region_that_assigns_nothing_keeps_raising():
    assert exercises.strip_solution("# BEGIN SOLUTION\nprint(1)\n# END SOLUTION") == "\n".join(exercises.PLACEHOLDER)


def test_the_placeholder_keeps_the_indentation():
    source = "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n"
    assert exercises.strip_solution(source) == "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError"

"""The learners' edition: generated, reproducible, and every exercise in it is real.

"Real" means: no lesson cell reads an answer (so none depends on a solution, which the learners'
edition replaces by a placeholder: read from the cells' code), and the learners' edition, run as
far as its checks need, fails at every check cell and nowhere else.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

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


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_no_lesson_cell_reads_an_answer(path):
    """In the learners' edition an answer holds its placeholder, so a lesson cell that reads it
    would fail there, or give the exercise away: none does (read from the cells' code)."""
    assert exercises.answer_readers(nbformat.read(path, as_version=4)) == []


# The learners' editions run in a few shared kernels, each group a unit of its own for make test's
# workers (conftest.py): importing TensorFlow costs a kernel 4 s, more than most notebooks' checks
# take. Before each notebook the namespace is emptied (%reset -f), as a fresh kernel's is, so a
# name one notebook binds cannot make another's cell pass; only imported modules are kept. The
# reset's garbage collection walks every object Python tracks (0.35 s each with TensorFlow loaded);
# gc.freeze() then sets aside what survived it, so the next reset walks one notebook's objects only.
GROUP_COUNT = 2
GROUPS = [PATHS[k::GROUP_COUNT] for k in range(GROUP_COUNT)]
RESET = "get_ipython().run_line_magic('reset', '-f')\n__import__('gc').freeze()  # binds no name"


def _group_id(paths):
    return "+".join(path.name[:2] for path in paths)


def test_the_groups_run_every_notebook_once():
    assert sorted(path for group in GROUPS for path in group) == sorted(PATHS)


@pytest.mark.parametrize("paths", GROUPS, ids=_group_id)
def test_every_exercise_is_real(paths):
    """Run each learners' edition as far as its checks need (the set-up, the exercises and the
    cells they read; a lesson cell that reads no answer runs as nbval runs it): every check fails,
    and no other cell does."""
    combined = nbformat.v4.new_notebook()
    origin = {}  # cell id in the combined notebook: (notebook, cell index in the instructor's)
    expected = {}  # notebook: (its exercise cells, its check cells), as indices in the instructor's
    for path in paths:
        instructor = nbformat.read(path, as_version=4)
        found = exercises.find_exercises(instructor)
        expected[path.name] = ({i for pair in found for i in pair}, [check for _, check in found])
        needed = {instructor.cells[i].id: i for i in exercises.cells_the_checks_need(instructor)}
        combined.cells.append(nbformat.v4.new_code_cell(RESET))
        for cell in exercises.learners_edition(instructor).cells:
            if cell.id in needed:
                index = needed[cell.id]
                cell.id = f"{path.name[:2]}-{cell.id}"
                origin[cell.id] = (path.name, index)
                combined.cells.append(cell)
    combined.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(
        combined,
        timeout=300,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    failing = {name: set() for name in expected}
    for cell in combined.cells:
        if any(o.output_type == "error" for o in cell.get("outputs", [])):
            assert cell.id in origin, f"emptying the namespace failed: {cell.outputs}"
            name, index = origin[cell.id]
            failing[name].add(index)
    for name, (exercise_cells, check_cells) in expected.items():
        assert failing[name] <= exercise_cells, (
            f"{name}: cells that fail without the solutions: {sorted(failing[name] - exercise_cells)}"
        )
        passing_checks = [check for check in check_cells if check not in failing[name]]
        assert not passing_checks, f"{name}: check cells that pass with no solution: {passing_checks}"


def _exercise_notebook(*sources):
    cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nbformat.v4.new_notebook(cells=cells)


@pytest.mark.parametrize(
    "lesson, read",
    [
        ("print(scale(2))", ["scale"]),  # calls the exercise's function
        ("def twice(x):\n    return 2 * scale(x)", ["scale"]),  # reads it when called
        ("layer.count_params()", ["layer"]),  # the answer changed this object
        ("[scale(v) for v in range(3)]", ["scale"]),
    ],
)
def test_a_lesson_cell_that_reads_an_answer_is_found(lesson, read):
    notebook = _exercise_notebook(
        "layer = make_layer()",
        "def scale(x):\n    # BEGIN SOLUTION\n    return 3 * x\n    # END SOLUTION\nlayer.trainable = False",
        "checks.check_scale(scale)",
        lesson,
    )
    assert exercises.answer_readers(notebook) == [(3, read)]


@pytest.mark.parametrize(
    "lesson",
    ["scale = lambda x: x\nprint(scale(2))", "def f(scale):\n    return scale", "[x for x in range(3)]", "np.ones(3)"],
)
def test_a_lesson_cell_that_reads_no_answer_passes(lesson):
    notebook = _exercise_notebook(
        "import numpy as np",
        "def scale(x):\n    # BEGIN SOLUTION\n    return np.asarray(x) * 3\n    # END SOLUTION",
        "checks.check_scale(scale)",
        lesson,
    )
    assert exercises.answer_readers(notebook) == []


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

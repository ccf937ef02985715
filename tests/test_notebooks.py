"""The course's promises about every notebook that nbval alone does not check.

nbval re-runs each notebook and compares outputs; these tests check the shape of the lesson:
setup first, a numbered title, at least two marked exercises, a summary and a "where next",
stored outputs from one clean top-to-bottom run, and no noisy metadata.
"""

import copy
import json
import re
from pathlib import Path

import pytest

from course_lib.exercises import find_exercises, mark_exercises
from course_lib.notebook_files import cell_source, course_notebooks, is_speaker_notes, notebook_number

NOTEBOOKS = course_notebooks(Path(__file__).parents[1] / "notebooks")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_notebooks_are_numbered_without_gaps():
    numbers = [int(notebook_number(path)) for path in NOTEBOOKS]
    assert numbers == list(range(len(numbers))), numbers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_shape(path):
    cells = load(path)["cells"]
    assert cells[0]["cell_type"] == "code" and "course_lib.setup(" in cell_source(cells[0]), "first cell: setup"
    assert cells[1]["cell_type"] == "markdown" and cell_source(cells[1]).startswith(f"# {notebook_number(path)} · ")
    markdown = "\n".join(cell_source(c) for c in cells if c["cell_type"] == "markdown")
    assert "## Summary" in markdown
    assert "**Where next:**" in markdown or path.name.startswith("18_")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_are_marked_for_nbgrader(path):
    notebook = load(path)
    assert len(find_exercises(notebook)) >= 2, "every notebook has at least two exercises"
    expected = copy.deepcopy(notebook)
    mark_exercises(expected, notebook_number(path))
    assert [c["metadata"] for c in notebook["cells"]] == [c["metadata"] for c in expected["cells"]], (
        "nbgrader metadata is stale: run tools/execute_notebooks.py"
    )
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", f"stored error output in {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_come_from_one_clean_run(path):
    notebook = load(path)
    assert "widgets" not in notebook["metadata"], "saved widget state: strip it"
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        assert "execution" not in cell["metadata"], "execution timings in the metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_links_to_other_notebooks_resolve(path):
    markdown = "\n".join(cell_source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    existing = {p.name for p in NOTEBOOKS}
    for target in re.findall(r"\]\(([0-9]{2}_[\w-]+\.ipynb)\)", markdown):
        # A link to a notebook the course has not reached yet is allowed; a wrong name is not.
        if int(notebook_number(target)) <= int(notebook_number(NOTEBOOKS[-1])):
            assert target in existing, f"{path.name} links to {target}, which does not exist"


PREDICT_FIRST = "> **Predict first.**"
PARTS_ONE_AND_TWO = [path for path in NOTEBOOKS if int(notebook_number(path)) <= 10]


@pytest.mark.parametrize("path", PARTS_ONE_AND_TWO, ids=lambda p: p.name)
def test_learners_predict_before_a_cell_reveals(path):
    """At least three "Predict first" prompts, in the learners' text (not in speaker notes), each
    right before the code cell that reveals the answer."""
    cells = [c for c in load(path)["cells"] if not is_speaker_notes(c)]
    prompts = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and cell_source(c).startswith(PREDICT_FIRST)]
    assert len(prompts) >= 3, f"{len(prompts)} predict-first prompts"
    for i in prompts:
        assert cells[i + 1]["cell_type"] == "code", f"the prompt {cell_source(cells[i])[:60]!r} is not before code"


@pytest.mark.parametrize("path", PARTS_ONE_AND_TWO[1:], ids=lambda p: p.name)
def test_the_math_is_written_out(path):
    """Each lesson of Parts I and II states its key formula as rendered math (a $$ display)."""
    markdown = [cell_source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown" and not is_speaker_notes(c)]
    displays = sum(text.count("$$") // 2 for text in markdown)
    assert displays >= 1, "no $$ display equation"
    assert all(text.count("$$") % 2 == 0 for text in markdown), "an unclosed $$"

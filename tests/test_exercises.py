"""course_lib.exercises: the exercise convention found and marked in notebook dicts."""

import pytest

import slides
from course_lib import exercises
from course_lib.notebook_files import is_speaker_notes


def code(source):
    return {"cell_type": "code", "source": source, "metadata": {}}


def test_answer_and_check_cells_get_nbgrader_metadata():
    nb = {
        "cells": [
            code("x = 1"),
            code("def f():\n    # BEGIN SOLUTION\n    return 2\n    # END SOLUTION\n"),
            code("checks.check_f(f)"),
            code("# BEGIN SOLUTION\ny = 3\n# END SOLUTION"),
            code("checks.check_y(y)"),
        ]
    }
    assert exercises.find_exercises(nb) == [(1, 2), (3, 4)]
    assert exercises.mark_exercises(nb, "07") == 2
    assert "nbgrader" not in nb["cells"][0]["metadata"]
    answer, check = nb["cells"][3]["metadata"]["nbgrader"], nb["cells"][4]["metadata"]["nbgrader"]
    assert answer == {
        "schema_version": 3,
        "solution": True,
        "grade": False,
        "locked": False,
        "grade_id": "07-ex2-answer",
    }
    assert check == {
        "schema_version": 3,
        "solution": False,
        "grade": True,
        "locked": True,
        "points": 1,
        "grade_id": "07-ex2-check",
    }


@pytest.mark.parametrize(
    ("cells", "match"),
    [
        ([code("# BEGIN SOLUTION\nx = 1"), code("checks.c(x)")], "do not pair up"),
        ([code("# END SOLUTION\nx = 1\n# BEGIN SOLUTION"), code("checks.c(x)")], "do not pair up"),
        ([code("# BEGIN SOLUTION\nx = 1\n# END SOLUTION")], "does not call checks"),
        ([code("# BEGIN SOLUTION\nx = 1\n# END SOLUTION"), code("print(x)")], "does not call checks"),
    ],
)
def test_broken_conventions_are_named(cells, match):
    with pytest.raises(ValueError, match=match):
        exercises.find_exercises({"cells": cells})


def markdown(source, slide_type=None):
    metadata = {"slideshow": {"slide_type": slide_type}} if slide_type else {}
    return {"cell_type": "markdown", "source": source, "metadata": metadata}


def test_the_learners_edition_drops_speaker_notes_and_nothing_else():
    cells = [
        code("import course_lib"),
        markdown("# 99 · Title", "slide"),
        markdown("**Speaker notes** (about 5 min). Ask the room.", "notes"),
        markdown("Notes marked in JupyterLab, without the marker.", "notes"),
        markdown("Some prose.", "-"),
        markdown("Prose with no slide metadata."),
        code("# BEGIN SOLUTION\ny = 3\n# END SOLUTION"),
        code("checks.check_y(y)"),
        markdown("**Speaker notes** after an exercise.", "notes"),
        {"cell_type": "code", "source": "print(2)", "metadata": {"slideshow": {"slide_type": "fragment"}}},
        # The marker decides before tools/slides.py has set the slide type, as it does for slides.
        markdown("**Speaker notes** not yet typed by tools/slides.py."),
        # Only markdown holds notes: tools/slides.py gives a code cell another slide type.
        {"cell_type": "code", "source": "print(3)", "metadata": {"slideshow": {"slide_type": "notes"}}},
    ]
    nb = {"cells": cells}
    edition = exercises.learners_edition(nb)
    assert len(nb["cells"]) == 12, "the instructor's notebook is left alone"
    kept = [cell["source"] for cell in edition["cells"]]
    assert kept == [
        "import course_lib",
        "# 99 · Title",
        "Some prose.",
        "Prose with no slide metadata.",
        f"{exercises.VALUE_PLACEHOLDER}\ny = ...",
        "checks.check_y(y)",
        "print(2)",
        "print(3)",
    ]
    assert [is_speaker_notes(cell) for cell in cells].count(True) == 4
    # The slides hide exactly the cells the learners' edition drops.
    hidden = [cell for cell, kind in zip(cells, slides.slide_types(nb)) if kind == "notes"]
    assert hidden == [cell for cell in cells if is_speaker_notes(cell)]

"""Set every cell's slide type, so that each notebook can be presented as slides.

    python tools/slides.py notebooks/04_padding_and_stride.ipynb [...]

RISE (live slides in JupyterLab) and ``jupyter nbconvert --to slides`` (``make slides``) read
``cell.metadata.slideshow.slide_type``. This script sets it on every cell by the rules below,
chosen for teaching; the first rule that matches a cell decides. "The cell before" means the
nearest earlier cell that is not a speaker note.

1. The first cell (setup and imports): **skip**. It is run before the lecture, not shown.
2. A markdown cell whose text starts with ``**Speaker notes**``, or that is already marked as
   notes (e.g. in JupyterLab's property inspector): **notes**, hidden from the audience and
   shown in the speaker view. This is :func:`course_lib.notebook_files.is_speaker_notes`, the
   rule by which the learners' edition drops them.
3. The title (``# NN · ...``) and each section heading (``## ...``): **slide**, a new column of
   slides. Put a section's speaker notes right after its heading.
4. Each ``### `` heading, exercise statements included: **subslide**, the next slide down.
5. An exercise's answer cell (``# BEGIN SOLUTION``): **fragment**. The statement is shown
   first, and the solution appears on the next key press, after the room has tried.
6. The check cell right after it: **-**, shown with its answer.
7. Prose after a code cell: **subslide**. Each step of the story (text, code, output) gets a
   slide of its own, so that no slide grows taller than the screen.
8. A code cell after prose: **fragment**. Read the text, ask what the code will print, then
   reveal the code and run it.
9. Anything else (prose after prose, code after code): **-**, it stays on the slide.

Every other key of the metadata is left alone. The rules depend only on the cells' text, so a
second run changes nothing. The script also writes two RISE options into the notebook's
metadata (``"rise"``): ``scroll``, since a slide with a figure can be taller than a projector's
screen, and the ``white`` theme, whose fonts ship with RISE (its default theme loads Google
Fonts, which a lecture hall without internet cannot reach). A notebook that is already up to
date is not rewritten. ``tests/test_slides.py`` checks that every notebook is.
"""

import sys

import nbformat

from course_lib.exercises import find_exercises
from course_lib.notebook_files import cell_source, is_speaker_notes, slide_type_of

RISE_OPTIONS = {"scroll": True, "theme": "white"}


def slide_types(notebook):
    """Return the slide type the rules give each cell of a notebook dict, as a list.

    Example:
        >>> cells = [{"cell_type": "code", "source": "import course_lib"},
        ...          {"cell_type": "markdown", "source": "# 01 · Title"},
        ...          {"cell_type": "markdown", "source": "**Speaker notes** Ask the room."},
        ...          {"cell_type": "markdown", "source": "Some prose."},
        ...          {"cell_type": "code", "source": "print(1)"},
        ...          {"cell_type": "markdown", "source": "What it printed."}]
        >>> slide_types({"cells": cells})
        ['skip', 'slide', 'notes', '-', 'fragment', 'subslide']
    """
    cells = notebook["cells"]
    exercises = find_exercises(notebook)
    answers = {answer for answer, _ in exercises}
    checks = {check for _, check in exercises}
    types, before = [], None
    for index, cell in enumerate(cells):
        text = cell_source(cell).lstrip()
        kind = cell.get("cell_type")
        if index == 0:
            slide_type = "skip"
        elif is_speaker_notes(cell):
            slide_type = "notes"
        elif kind == "markdown" and text.startswith(("# ", "## ")):
            slide_type = "slide"
        elif kind == "markdown" and text.startswith("### "):
            slide_type = "subslide"
        elif index in answers:
            slide_type = "fragment"
        elif index in checks:
            slide_type = "-"
        elif kind == "markdown" and before == "code":
            slide_type = "subslide"
        elif kind == "code" and before == "markdown":
            slide_type = "fragment"
        else:
            slide_type = "-"
        types.append(slide_type)
        if slide_type != "notes":
            before = kind
    return types


def set_slide_types(notebook):
    """Write the rules' slide types and ``RISE_OPTIONS`` into a notebook dict; return ``True`` if it changed."""
    changed = False
    for cell, slide_type in zip(notebook["cells"], slide_types(notebook)):
        if slide_type_of(cell) != slide_type:
            cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = slide_type
            changed = True
    rise = notebook.setdefault("metadata", {}).setdefault("rise", {})
    for option, value in RISE_OPTIONS.items():
        if rise.get(option) != value:
            rise[option] = value
            changed = True
    return changed


def main(paths):
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        if set_slide_types(notebook):
            nbformat.write(notebook, path)
            print(f"{path}: slide types set")
        else:
            print(f"{path}: already up to date")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])

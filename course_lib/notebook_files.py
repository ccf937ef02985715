"""The course's notebook files: which files are lessons, their numbers, a cell's text, speaker notes.

One vocabulary for :mod:`course_lib.exercises`, :mod:`course_lib.grading`, ``tools/*`` and the
tests. A cell is a notebook dict's cell or an ``nbformat`` node (both are dicts).

- A lesson is a file ``NN_name.ipynb`` (:data:`NOTEBOOK_GLOB`): two digits, an underscore, a name.
- A *speaker-notes* cell is a markdown cell for the presenter only: its text starts with
  ``**Speaker notes**``, or its slide type is already ``"notes"`` (set in JupyterLab's property
  inspector, say). ``tools/slides.py`` gives such cells the slide type ``"notes"``, and the
  learners' edition (:func:`course_lib.exercises.learners_edition`) drops them: by the same rule.
"""

import os
from collections.abc import Mapping
from pathlib import Path

from course_lib.validation import existing_path

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
NOTES_MARKER = "**Speaker notes**"


def _cell(cell):
    """Return ``cell`` if it is a dict, as nbformat and json read a notebook's cells."""
    if not isinstance(cell, Mapping):
        raise TypeError(
            f"cell must be a notebook cell (a dict with 'cell_type' and 'source'); received cell={cell!r:.80}."
        )
    return cell


def course_notebooks(folder):
    """Return the lessons in ``folder`` (files ``NN_*.ipynb``), sorted by number.

    Example:
        >>> [path.name for path in course_notebooks("notebooks")][:2]
        ['00_welcome.ipynb', '01_images_and_dense_layers.ipynb']
    """
    return sorted(Path(existing_path(folder, "folder", kind="folder")).glob(NOTEBOOK_GLOB))


def notebook_number(path):
    """Return a lesson's number as its file name writes it, two digits: ``"04"`` for ``04_padding_and_stride.ipynb``.

    It prefixes the lesson's title (``# 04 · ...``) and its exercises' grade ids (``04-ex1-answer``).

    Example:
        >>> notebook_number("notebooks/04_padding_and_stride.ipynb")
        '04'
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a notebook's path (a str or a pathlib.Path); received path={path!r}.")
    name = Path(path).name
    if not Path(name).match(NOTEBOOK_GLOB):
        raise ValueError(f"{name!r} is not a lesson's file name: expected NN_name.ipynb, e.g. 04_padding_and_stride.ipynb.")
    return name[:2]


def cell_source(cell):
    """Return a cell's text as one string (a notebook file may store it as a list of lines).

    Example:
        >>> cell_source({"cell_type": "code", "source": ["x = 1\\n", "print(x)"]})
        'x = 1\\nprint(x)'
    """
    source = _cell(cell).get("source", "")
    return "".join(source) if isinstance(source, list) else source


def slide_type_of(cell):
    """Return the slide type stored in a cell's metadata, or ``None`` when it has none.

    Example:
        >>> slide_type_of({"metadata": {"slideshow": {"slide_type": "notes"}}})
        'notes'
    """
    return _cell(cell).get("metadata", {}).get("slideshow", {}).get("slide_type")


def is_speaker_notes(cell):
    """Return ``True`` for a markdown cell meant for the presenter only (see the module docstring).

    Example:
        >>> is_speaker_notes({"cell_type": "markdown", "source": "**Speaker notes** Ask the room."})
        True
        >>> is_speaker_notes({"cell_type": "code", "source": "print(1)"})
        False
    """
    return _cell(cell).get("cell_type") == "markdown" and (
        cell_source(cell).lstrip().startswith(NOTES_MARKER) or slide_type_of(cell) == "notes"
    )

"""Lecture mode: every notebook carries the slide types tools/slides.py gives it and speaker notes,
the other tools keep them, and the static slides load nothing from the network.

The browser side (the slides opened and advanced in Chromium) is in test_browser.py.
"""

import copy
import doctest
import html as html_text
import re
from pathlib import Path

import nbformat
import pytest
from nbconvert import SlidesExporter

import build_slides
import execute_notebooks
import slides
from course_lib.exercises import find_exercises, learners_edition
from course_lib.notebook_files import NOTES_MARKER, course_notebooks, slide_type_of

ROOT = Path(__file__).parents[1]
NOTEBOOKS = course_notebooks(ROOT / "notebooks")


def read(path):
    return nbformat.read(path, as_version=4)


def test_the_tools_examples():
    for module in (slides, build_slides):
        assert doctest.testmod(module).failed == 0, module.__name__


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_slide_types_are_up_to_date(path):
    notebook = read(path)
    assert not slides.set_slide_types(notebook), f"run: .venv/bin/python tools/slides.py notebooks/{path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_has_speaker_notes(path):
    notes = [cell for cell in read(path).cells if slide_type_of(cell) == "notes"]
    assert notes, f"{path.name}: add a markdown cell that starts with {NOTES_MARKER}"


def test_the_rules_on_a_lesson():
    notebook = read(ROOT / "notebooks" / "04_padding_and_stride.ipynb")
    types = slides.slide_types(notebook)
    assert types[0] == "skip" and types[1] == "slide", "setup hidden, title first"
    for cell, slide_type in zip(notebook.cells, types):
        text = cell.source
        if cell.cell_type == "markdown" and text.startswith(NOTES_MARKER):
            assert slide_type == "notes"
        elif cell.cell_type == "markdown" and re.match("##? ", text):
            assert slide_type == "slide", text.splitlines()[0]
        elif text.startswith("### Exercise"):
            assert slide_type == "subslide"
    for answer, check in find_exercises(notebook):
        assert (types[answer], types[check]) == ("fragment", "-")


def test_setting_slide_types_keeps_everything_else():
    notebook = read(ROOT / "notebooks" / "04_padding_and_stride.ipynb")
    notebook.metadata.pop("rise", None)
    for cell in notebook.cells:
        cell.metadata.pop("slideshow", None)
        cell.metadata["tags"] = ["kept"]
    before = copy.deepcopy(notebook)
    assert slides.set_slide_types(notebook)
    assert not slides.set_slide_types(notebook), "a second run changes nothing"
    for old, new in zip(before.cells, notebook.cells):
        assert new.metadata.pop("slideshow") and new == old
    assert notebook.metadata.pop("rise") == slides.RISE_OPTIONS and notebook.metadata == before.metadata


def test_a_cell_marked_as_notes_stays_notes():
    notebook = read(ROOT / "notebooks" / "00_welcome.ipynb")
    cell = nbformat.v4.new_markdown_cell("Say this, not that.", metadata={"slideshow": {"slide_type": "notes"}})
    notebook.cells.insert(3, cell)
    assert slides.slide_types(notebook)[3] == "notes"


def test_tidying_and_the_learners_edition_keep_slide_types():
    notebook = read(ROOT / "notebooks" / "00_welcome.ipynb")
    expected = [cell.metadata["slideshow"] for cell in notebook.cells]
    without_notes = [slideshow for slideshow in expected if slideshow["slide_type"] != "notes"]
    assert len(without_notes) < len(expected), "notebook 00 has speaker notes"
    assert [cell.metadata["slideshow"] for cell in learners_edition(notebook).cells] == without_notes
    execute_notebooks.tidy(notebook, prefix="00")
    assert [cell.metadata["slideshow"] for cell in notebook.cells] == expected
    assert notebook.metadata["rise"] == slides.RISE_OPTIONS


def test_built_slides_load_every_asset_from_the_build_folder(tmp_path):
    notebook = ROOT / "notebooks" / "04_padding_and_stride.ipynb"
    [page] = build_slides.build([notebook], tmp_path)
    html = page.read_text(encoding="utf-8")
    assert build_slides.remote_assets(html) == []
    loaded = re.findall(r'<script[^>]*\bsrc="([^"]+)"|<link[^>]*\bhref="([^"]+)"', html)
    local = [url.split("?")[0] for pair in loaded for url in pair if url and not url.startswith("data:")]
    assert "assets/reveal.js/dist/reveal.js" in local and "assets/mathjax/MathJax.js" in local
    for url in local:
        assert (tmp_path / url).is_file(), f"the page loads {url}, which the build did not write"
    assert html.count('<aside class="notes">') == sum(
        slide_type_of(cell) == "notes" for cell in read(notebook).cells
    )
    assert "course_lib.setup()" not in html, "the setup cell is skipped"


def test_the_offline_check_catches_the_stock_template():
    html, _ = SlidesExporter().from_filename(str(ROOT / "notebooks" / "00_welcome.ipynb"))
    remote = build_slides.remote_assets(html)
    assert any("reveal.js" in url for url in remote) and any("require" in url for url in remote)


def test_built_slides_show_every_line_of_code_whole(tmp_path):
    """Each line of code is a block of its own (long ones wrap with a hanging indent) and the
    code reads exactly as in the notebook; no In/Out prompts take the code's width."""
    notebook = ROOT / "notebooks" / "15_resnet.ipynb"
    [page] = build_slides.build([notebook], tmp_path)
    html = page.read_text(encoding="utf-8")
    shown = [
        html_text.unescape(re.sub(r"<[^>]*>", "", code))
        for code in re.findall(r'<div class="highlight hl-python"><pre>(.*?)</pre></div>', html, re.DOTALL)
    ]
    cells = [cell.source for cell in read(notebook).cells if cell.cell_type == "code" and slide_type_of(cell) != "skip"]
    assert [code.rstrip("\n") for code in shown] == cells
    assert html.count('<span class="line"') == sum(len(code.splitlines()) for code in cells)
    assert 'class="jp-InputPrompt' not in html and 'class="jp-OutputPrompt' not in html


def test_code_that_looks_like_html_is_shown_as_text(tmp_path):
    """The template shows highlighted code without nbconvert's HTML sanitiser (Pygments escapes
    it): a cell whose code holds tags must show them as text, never hand them to the browser."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('print("<script>alert(1)</script><img src=x onerror=alert(2)>")'),
    ])  # fmt: skip
    nbformat.write(notebook, tmp_path / "99_tags.ipynb")
    [page] = build_slides.build([tmp_path / "99_tags.ipynb"], tmp_path / "slides")
    html = page.read_text(encoding="utf-8")
    assert "alert(1)" in html and "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

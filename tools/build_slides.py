"""Build static reveal.js slides of the notebooks that work offline.

    python tools/build_slides.py [NOTEBOOK ...] [--out FOLDER]

Writes ``FOLDER/NN_name.slides.html`` (default folder: ``slides/``) for each notebook given,
or for every ``notebooks/NN_*.ipynb`` when none is, from the stored outputs: nothing is
executed. The slide types come from the cells' metadata (``tools/slides.py``).

The slides are laid out for a 1280x800 projector and nothing on them is cut off: a slide taller
than the screen scrolls (by wheel, and by the presenter's keys, which scroll it before moving on),
long code lines wrap, and figures are never taller than a slide (the template's style sheet and
script; ``tests/test_browser.py`` walks every slide of every deck to check it).

Nothing is fetched from the network, neither while building nor while presenting: the slides
load reveal.js and MathJax from ``FOLDER/assets/``, copied from installed Python packages
(``sphinx-revealjs`` ships reveal.js, ``jupyter-server-mathjax`` ships MathJax 2; both are in
requirements.txt), through the template in ``tools/slides_template/``. The build fails if a
page would still load a script, style sheet, font or image from another host.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

import jupyter_server_mathjax
import sphinx_revealjs
from nbconvert import SlidesExporter
from traitlets.config import Config

from course_lib.notebook_files import course_notebooks

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "slides_template"
REVEAL = Path(sphinx_revealjs.__file__).parent / "_static" / "revealjs"
MATHJAX = Path(jupyter_server_mathjax.__file__).parent / "static"

# Where a page loads something from: src="...", <link href="...">, CSS url(...) and @import "...".
_ASSET_URL = re.compile(
    r"""\bsrc\s*=\s*["']([^"']+)["']"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']([^"']+)["']"""
    r"""|url\(\s*["']?([^"')\s]+)"""
    r"""|@import\s+["']([^"']+)["']""",
    re.IGNORECASE,
)


# A code cell as nbconvert highlights it: Pygments closes every <span> before each newline.
_CODE = re.compile(r'(<div class="highlight[^"]*"><pre>)(.*?)(</pre></div>)', re.DOTALL)
_HANG = 4  # characters: how much further in a wrapped line's continuation starts than the line


def hang_wrapped_lines(html):
    r"""Put each line of highlighted code in a block of its own, so that a line too long for its
    cell wraps with a hanging indent instead of going on at the left edge, where it would read as
    a new, dedented line. The continuation starts ``_HANG`` characters right of the line's own
    indentation (the template's style sheet reads ``--hang``); each line keeps its newline, so
    copied code keeps its lines.

    Example:
        >>> print(hang_wrapped_lines('<div class="highlight"><pre>if a:\n    b\n</pre></div>'))
        <div class="highlight"><pre><span class="line" style="--hang: 4ch">if a:
        </span><span class="line" style="--hang: 8ch">    b
        </span></pre></div>
    """

    def lines(match):
        start, code, end = match.groups()
        blocks = []
        for line in code.removesuffix("\n").split("\n"):
            text = re.sub(r"<[^>]*>", "", line)
            hang = len(text) - len(text.lstrip(" ")) + _HANG
            blocks.append(f'<span class="line" style="--hang: {hang}ch">{line}\n</span>')
        return start + "".join(blocks) + end

    return _CODE.sub(lines, html)


def remote_assets(html):
    """Return the URLs of the scripts, styles, fonts and images a page would load from another host.

    Relative paths and inline ``data:`` URLs are local; anything with a scheme or ``//`` is not.

    Example:
        >>> remote_assets('<script src="assets/reveal.js/dist/reveal.js"></script>')
        []
        >>> remote_assets('<link rel="stylesheet" href="https://unpkg.com/reveal.js/dist/reveal.css">')
        ['https://unpkg.com/reveal.js/dist/reveal.css']
    """
    urls = (next(group for group in match.groups() if group) for match in _ASSET_URL.finditer(html))
    return [url for url in urls if re.match(r"([a-z][a-z0-9+.-]*:|//)", url, re.I) and not url.startswith("data:")]


def copy_assets(out):
    """Copy reveal.js (its dist folder and the speaker-notes plugin) and MathJax 2 into ``out/assets``."""
    assets = out / "assets"
    for source, target in [
        (REVEAL / "dist", assets / "reveal.js" / "dist"),
        (REVEAL / "plugin" / "notes", assets / "reveal.js" / "plugin" / "notes"),
        (MATHJAX, assets / "mathjax"),
    ]:
        shutil.copytree(source, target, dirs_exist_ok=True)
    shutil.copy2(REVEAL / "LICENSE", assets / "reveal.js" / "LICENSE")


def exporter():
    """Return a SlidesExporter that writes pages loading every asset from ``assets/``."""
    config = Config()
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.template_name = "offline_reveal"
    config.SlidesExporter.reveal_url_prefix = "assets/reveal.js"
    config.SlidesExporter.exclude_input_prompt = True  # "In [17]:" means nothing to the room, and its column
    config.SlidesExporter.exclude_output_prompt = True  # is better spent on the code: long lines wrap less
    config.SlidesExporter.reveal_theme = "white"  # its fonts ship with reveal.js; "simple" loads Google Fonts
    config.SlidesExporter.reveal_scroll = True
    config.SlidesExporter.reveal_width = "1280"  # room for 108-character lines of code; longer ones wrap
    config.SlidesExporter.reveal_height = "800"
    config.SlidesExporter.mathjax_url = "assets/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
    return SlidesExporter(config=config)


def build(notebooks, out):
    """Write the slides of every notebook into ``out`` with the assets they load; return the pages written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    slides = exporter()
    written = []
    for notebook in map(Path, notebooks):
        html, _ = slides.from_filename(str(notebook))
        html = hang_wrapped_lines(html)
        remote = remote_assets(html)
        if remote:
            raise RuntimeError(
                f"{notebook.name}: the slides would load {remote[:3]} from the network; "
                "everything must come from assets/ (see tools/slides_template/)."
            )
        page = out / f"{notebook.stem}.slides.html"
        page.write_text(html, encoding="utf-8")
        written.append(page)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "slides", help="default: slides/")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or course_notebooks(ROOT / "notebooks")
    for page in build(notebooks, args.out):
        print(f"wrote {page}")


if __name__ == "__main__":
    sys.exit(main())

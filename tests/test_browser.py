"""The course as people meet it, in a real browser: notebook 04 as static slides, every slide of
every deck on a 1280x800 projector, notebook 04 as live slides (RISE) and, in its learners'
edition, as a notebook in JupyterLab: Run All runs the whole lesson past the unsolved exercises,
and the explorer widget follows its sliders.

The browser is Debian's Chromium (/usr/bin/chromium, which .ci/run installs when it is missing),
driven by Playwright for Python; Playwright's own browser downloads are never used. It runs
headless, with background networking and the other calls home switched off, so the only
requests it makes are the ones the page under test asks for. Without Chromium or Playwright
the tests are skipped, and pytest's -ra summary gives the reason.

Each test saves screenshots under its tmp_path (pytest prints where when a test fails; keep them
with --basetemp=DIR).
"""

import functools
import http.server
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

import build_slides
from course_lib import exercises
from course_lib.notebook_files import course_notebooks, slide_type_of

ROOT = Path(__file__).parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_padding_and_stride.ipynb"
NOTEBOOKS = course_notebooks(ROOT / "notebooks")
PROJECTOR = {"width": 1280, "height": 800}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in CI containers, where Chromium's sandbox cannot start
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-pings",
]
# URLs that never leave the browser; MathJax asks for about:blank while it measures its fonts.
IN_BROWSER = ("data:", "blob:", "about:")
SERVER_START_S = 90
RUN_ALL_S = 240


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright; skip the test when either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's Chromium (apt-get install chromium), as .ci/run does")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed: .venv/bin/pip install -r requirements.txt")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(folder):
    """Serve ``folder`` over HTTP on a free localhost port in a thread; yield the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_static_slides_advance_and_stay_offline(browser, every_deck, tmp_path):
    requests, failures = [], []

    def check_response(response):
        if response.status >= 400:
            failures.append(f"{response.url}: HTTP {response.status}")

    def check_failure(request):
        if not request.url.startswith(IN_BROWSER):
            failures.append(f"{request.url}: {request.failure}")

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", check_response)
    page.on("requestfailed", check_failure)
    base = every_deck  # the decks of every notebook, built once for this module
    page.goto(f"{base}/{NOTEBOOK.stem}.slides.html")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.screenshot(path=tmp_path / "slides_title.png")
    assert "04 · Padding and stride" in page.evaluate("Reveal.getCurrentSlide().textContent")
    # The notebook's $$ formulas are typeset by the bundled MathJax, none left as raw TeX.
    page.wait_for_function("document.querySelectorAll('.mjx-chtml, .MathJax, .MathJax_CHTML, .MathJax_SVG').length > 0",
                           timeout=30_000)
    assert "$$" not in page.evaluate("document.querySelector('.reveal .slides').textContent")
    total = page.evaluate("Reveal.getTotalSlides()")
    seen = {(0, 0)}
    for _ in range(3 * total):  # every slide and fragment, with room to spare
        if page.evaluate("Reveal.isLastSlide() && !Reveal.availableFragments().next"):
            break
        page.keyboard.press("Space")  # what a presenter's clicker sends: the next fragment or slide
        indices = page.evaluate("Reveal.getIndices()")
        seen.add((indices["h"], indices["v"]))
    last = page.evaluate("Reveal.getIndices()")
    page.wait_for_timeout(1000)  # reveal.js's slide transition takes 0.8 s
    page.screenshot(path=tmp_path / "slides_last.png")
    assert "Summary" in page.evaluate("Reveal.getCurrentSlide().textContent")
    page.close()
    assert last["h"] > 0 and len(seen) == total > 10, f"shown {len(seen)} of {total} slides"
    assert any(url.endswith("/assets/reveal.js/dist/reveal.js") for url in requests)
    assert any("/assets/mathjax/MathJax.js" in url for url in requests)
    outside = [url for url in requests if not url.startswith((base + "/", *IN_BROWSER))]
    assert outside == [], f"requests that left localhost: {outside}"
    assert failures == [], f"requests that failed: {failures}"


@pytest.fixture(scope="module")
def every_deck(tmp_path_factory):
    """The static slides of every notebook, built once and served over HTTP; yield the base URL."""
    folder = tmp_path_factory.mktemp("decks")
    build_slides.build(NOTEBOOKS, folder)
    with serve(folder) as base:
        yield base


# Walks every slide of the open deck (Reveal.slide, with every fragment shown) and returns, for
# each, what is cut off: a box of the slide that lies outside what can be seen through its nearest
# ancestor that clips, or outside the screen when none does, where no ancestor in between scrolls.
# A box inside a scrolling one (the slide itself, a code cell's output) can be reached, and the
# scrolling box is checked in turn; so a slide taller than the screen passes only if it scrolls.
# A figure must also fit whole in what shows of its scrolling box, or it can never be seen at once.
# MathJax's inner boxes are skipped (their containers are checked).
CUT_OFF_JS = """
async () => {
    const TOLERANCE = 1;  // px: rounding of reveal.js's scaling
    const MATH = ".MathJax, .MathJax_Display, .MathJax_Preview, .MathJax_CHTML, .MathJax_SVG, .MJX_Assistive_MathML";
    const typeset = () => new Promise(done => (window.MathJax && MathJax.Hub ? MathJax.Hub.Queue(done) : done()));
    const frame = () => new Promise(done => requestAnimationFrame(() => setTimeout(done)));
    // reveal.js centres a slide from its height; one whose height changed since (MathJax typeset
    // it again) waits a frame, for the template to lay it out again, before it is measured.
    const centred = slide => Math.abs(parseFloat(slide.style.top || 0) -
                                      Math.max((Reveal.getConfig().height - slide.scrollHeight) / 2, 0)) < 1;
    const name = el => el.tagName.toLowerCase() + Array.from(el.classList, c => "." + c).join("");
    const px = value => Math.round(value);
    await Promise.all(Array.from(document.images, image => image.decode().catch(() => null)));

    function cutOff(el, slide) {
        const box = el.getBoundingClientRect();
        const found = [];
        for (const [axis, lo, hi, screen] of [["X", "left", "right", innerWidth], ["Y", "top", "bottom", innerHeight]]) {
            let view = {[lo]: 0, [hi]: screen}, by = "the screen", scroller = null;
            for (let up = el === slide ? null : el.parentElement; up; up = up === slide ? null : up.parentElement) {
                const overflow = getComputedStyle(up)["overflow" + axis];
                if (overflow === "auto" || overflow === "scroll") { scroller = up; break; }
                if (overflow !== "visible") { view = up.getBoundingClientRect(); by = name(up); break; }
            }
            if (scroller === null && (box[lo] < view[lo] - TOLERANCE || box[hi] > view[hi] + TOLERANCE)) {
                found.push(`${name(el)} spans ${px(box[lo])}..${px(box[hi])} px in ${axis.toLowerCase()}, ` +
                           `cut off by ${by} (${px(view[lo])}..${px(view[hi])})`);
            }
        }
        if (el.tagName === "IMG") {
            for (const [size, screen] of [["width", innerWidth], ["height", innerHeight]]) {
                let shown = screen;
                for (let up = el.parentElement; up; up = up === slide ? null : up.parentElement) {
                    const style = getComputedStyle(up);
                    if (style.overflowX !== "visible" || style.overflowY !== "visible") {
                        shown = Math.min(shown, up.getBoundingClientRect()[size]);
                    }
                }
                if (box[size] > shown + TOLERANCE) {
                    found.push(`a figure ${px(box[size])} px in ${size}, more than the ${px(shown)} px ` +
                               `that show at once: it can never be seen whole`);
                }
            }
        }
        return found;
    }

    const slides = [];
    const columns = Reveal.getHorizontalSlides();
    for (let h = 0; h < columns.length; h++) {
        const rows = Math.max(columns[h].querySelectorAll(":scope > section").length, 1);
        for (let v = 0; v < rows; v++) {
            Reveal.slide(h, v);
            await typeset();
            const slide = Reveal.getCurrentSlide();
            if (!centred(slide)) {
                await frame();
            }
            const boxes = [slide, ...slide.querySelectorAll("*")].filter(el =>
                (el === slide || !el.parentElement.closest(MATH)) && el.getClientRects().length > 0 &&
                getComputedStyle(el).visibility === "visible");
            const heading = slide.querySelector("h1, h2, h3, p");
            slides.push({
                h, v,
                title: (heading ? heading.textContent : "").replace(/\u00b6/g, "").trim().slice(0, 60),
                cut: boxes.flatMap(el => cutOff(el, slide)),
            });
        }
    }
    return {total: Reveal.getTotalSlides(), slides};
}
"""


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_slide_fits_a_projector_or_scrolls(browser, every_deck, notebook):
    """At 1280x800, with every fragment shown, nothing on any slide is cut off: a slide fits the
    screen, or scrolls where it cannot, and wide code and outputs wrap or scroll sideways."""
    page = browser.new_page(viewport=PROJECTOR)
    # Every fragment shown at once, no transition: the tallest each slide gets, and quick to walk.
    page.goto(f"{every_deck}/{notebook.stem}.slides.html?fragments=false&transition=none")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    result = page.evaluate(CUT_OFF_JS)
    page.close()
    slides = result["slides"]
    assert len(slides) == result["total"], f"walked {len(slides)} of {result['total']} slides"
    cut = [
        f"slide {s['h']}.{s['v']} ({s['title']!r}): {len(s['cut'])} cut off, e.g. " + "; ".join(s["cut"][:2])
        for s in slides if s["cut"]
    ]
    assert not cut, f"{notebook.stem}: {len(cut)} of {len(slides)} slides cut off at 1280x800:\n" + "\n".join(cut)


# Where the presenter is after a key press, once MathJax and reveal.js's layout have settled: the
# slide, how far it is scrolled, and whether the fragment just shown is in view (its top at least).
PRESENTER_VIEW_JS = """
async () => {
    await new Promise(done => (window.MathJax && MathJax.Hub ? MathJax.Hub.Queue(done) : done()));
    await new Promise(done => requestAnimationFrame(() => setTimeout(done)));
    const slide = Reveal.getCurrentSlide(), view = slide.getBoundingClientRect();
    const fragment = slide.querySelector(".fragment.current-fragment");
    const box = fragment && fragment.getBoundingClientRect();
    return {
        ...Reveal.getIndices(),
        scrollTop: slide.scrollTop, clientHeight: slide.clientHeight, scrollHeight: slide.scrollHeight,
        fragmentInView: !box || (box.top >= view.top - 1 &&
                                 (box.bottom <= view.bottom + 1 || box.top <= view.top + 1)),
        end: Reveal.isLastSlide() && !Reveal.availableFragments().next,
    };
}
"""


def test_a_presenter_reaches_the_bottom_of_every_tall_slide(browser, every_deck, tmp_path):
    """Notebook 15's deck as presented, fragments and all: pressing Space (what a clicker sends)
    brings each fragment into view and scrolls a slide taller than the screen down to its bottom
    before it goes on, Page Up scrolls back up, and the mouse wheel scrolls a tall slide too.
    (The issue's example: 15's "When the shape changes" slide, whose diagram ran off the bottom.)"""
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{every_deck}/15_resnet.slides.html?transition=none")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    views = [page.evaluate(PRESENTER_VIEW_JS)]
    while not views[-1]["end"] and len(views) < 500:
        page.keyboard.press("Space")
        views.append(page.evaluate(PRESENTER_VIEW_JS))
    page.screenshot(path=tmp_path / "deck_15_last.png")
    assert views[-1]["end"], "Space never reached the end of the deck"
    where = lambda view: (view["h"], view["v"])  # noqa: E731
    tall = sorted({where(view) for view in views if view["scrollHeight"] > view["clientHeight"] + 1})
    assert tall, "15's deck has no slide taller than the screen any more: walk a deck that has one"
    left = [view for view, after in zip(views, views[1:]) if where(after) != where(view)] + views[-1:]
    unseen = [view for view in left if view["scrollTop"] + view["clientHeight"] < view["scrollHeight"] - 1]
    assert not unseen, "Space went on before the bottom of slides " + ", ".join(
        f"{view['h']}.{view['v']} (scrolled {view['scrollTop']} of {view['scrollHeight'] - view['clientHeight']})"
        for view in unseen)
    fragment = lambda view: -1 if view["f"] is None else view["f"]  # noqa: E731
    shown = [after for view, after in zip(views, views[1:])
             if where(after) == where(view) and fragment(after) > fragment(view)]
    hidden = [(view["h"], view["v"], view["f"]) for view in shown if not view["fragmentInView"]]
    assert shown and not hidden, f"fragments shown out of view (slide h, v, fragment): {hidden}"

    h, v = tall[0]
    page.evaluate(f"Reveal.slide({h}, {v}, 99)")  # every fragment of the slide shown
    scroll_top = "Reveal.getCurrentSlide().scrollTop"
    page.evaluate(f"{scroll_top} = 1e6")
    bottom = page.evaluate(scroll_top)
    page.keyboard.press("PageUp")
    assert page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v]") == [h, v]
    assert page.evaluate(scroll_top) < bottom, "Page Up scrolls a tall slide up before it goes back"
    page.evaluate(f"{scroll_top} = 0")
    centre = page.evaluate("(r => [r.x + r.width / 2, r.y + r.height / 2])(Reveal.getCurrentSlide().getBoundingClientRect())")
    page.mouse.move(*centre)
    page.mouse.wheel(0, 300)
    page.wait_for_function(f"{scroll_top} > 0", timeout=5000)
    assert page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v]") == [h, v], "the wheel scrolls, not turns"
    page.close()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def _stop(server, url, token):
    """Shut JupyterLab and its kernels down: through its API, else by signal to its process group."""
    shutdown = urllib.request.Request(
        f"{url}/api/shutdown", data=b"", method="POST", headers={"Authorization": f"token {token}"}
    )
    try:
        urllib.request.urlopen(shutdown, timeout=5)
        server.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        _signal_group(server, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    _signal_group(server, signal.SIGKILL)  # whatever is left, e.g. the kernel of a server that died
    server.wait()


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """Start JupyterLab on a free localhost port, serving a copy of notebook 04 and, in
    ``learners/``, its learners' edition; yield its URL and token. One server for the module's
    tests: the run-all test runs the learners' copy, the live-slides test opens the instructor's."""
    tmp_path = tmp_path_factory.mktemp("jupyterlab")
    folder = tmp_path / "notebooks"
    (folder / "learners").mkdir(parents=True)
    shutil.copy(NOTEBOOK, folder)
    learners = exercises.learners_edition(nbformat.read(NOTEBOOK, as_version=4))
    nbformat.write(learners, folder / "learners" / NOTEBOOK.name)
    settings = tmp_path / "lab" / "settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')  # no news from the internet
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "lab" / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab" / "workspaces"),
    }
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={folder}", f"--IdentityProvider.token={token}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses root otherwise (CI containers)
    log = (tmp_path / "jupyterlab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(tmp_path / 'jupyterlab.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield url, token
    finally:
        _stop(server, url, token)
        log.close()


def _image_digest(image):
    """Return the SHA-256 of the PNG an <img> of the page shows (ipywidgets serves it as a blob: URL)."""
    return image.evaluate(
        """async img => {
            const bytes = await (await fetch(img.src)).arrayBuffer();
            const digest = await crypto.subtle.digest("SHA-256", bytes);
            return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, "0")).join("");
        }"""
    )


def test_run_all_of_a_learners_copy_and_the_explorer_slider(browser, jupyterlab, tmp_path):
    """A learner opens the learners' edition of 04, with no exercise done, and runs all cells:
    every check says "not attempted yet" in red, the run goes on to the last cell, and the
    explorer widget follows its stride slider."""
    from playwright.sync_api import expect  # here, so that without Playwright the test is skipped, not broken

    url, token = jupyterlab
    original = NOTEBOOK.read_bytes()
    exercise_count = len(exercises.find_exercises(nbformat.read(NOTEBOOK, as_version=4)))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{url}/lab/tree/learners/{NOTEBOOK.name}?token={token}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=SERVER_START_S * 1000)

    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
    # The stored outputs hold no widget view, so a slider appears only once this run reaches it.
    explorer = page.locator(".jp-OutputArea-output:has(.widget-slider)")
    explorer.wait_for(timeout=RUN_ALL_S * 1000)
    # The notebook's last cell moves the stride from code, 1, 2 and then 3: it ran.
    last_output = page.locator(".jp-CodeCell").last.locator(".jp-OutputArea-output")
    expect(last_output).to_contain_text("stride 3: output 2x2", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    unsolved = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                            has_text="not attempted yet")
    expect(unsolved).to_have_count(exercise_count)  # in red: JupyterLab shows errors as stderr

    text, image = explorer.locator(".widget-html"), explorer.locator("img.widget-image")
    expect(text).to_contain_text("stride 3, padding 'valid'")
    expect(text).to_contain_text("does not fit")
    before = _image_digest(image)
    stride = explorer.locator(".widget-slider", has=page.locator("label", has_text=re.compile("^stride$")))
    stride.locator("[role=slider]").press("ArrowLeft")  # as a learner would, from the keyboard

    expect(stride.locator(".widget-readout")).to_have_text("2")
    expect(text).to_contain_text("stride 2, padding 'valid'", timeout=30_000)
    expect(text).to_contain_text("= 3, so 3x3")
    expect(text).to_contain_text("the stride fits")
    deadline = time.monotonic() + 30
    while _image_digest(image) == before and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert _image_digest(image) != before, "the drawing did not change with the stride"
    outside = [request for request in requests if not request.startswith((url + "/", *IN_BROWSER))]
    assert outside == [], f"JupyterLab asked for more than the local server: {outside}"
    explorer.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "jupyterlab_explorer.png")
    page.close()
    assert NOTEBOOK.read_bytes() == original, "the course's notebook must not change"


def _rise_position(page):
    """Return (slide, subslide) from RISE's address, e.g. #/slide-2-6 -> (2, 6)."""
    page.wait_for_function("/^#\\/slide-\\d+-\\d+/.test(location.hash)")
    return tuple(map(int, re.match(r"#/slide-(\d+)-(\d+)", page.evaluate("location.hash")).groups()))


def test_live_slides_in_jupyterlab(browser, jupyterlab, tmp_path):
    url, token = jupyterlab
    slide_types = [slide_type_of(cell) for cell in nbformat.read(NOTEBOOK, as_version=4).cells]
    requests = []
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.on("request", lambda request: requests.append(request.url))
    # What RISE's "Open as Reveal Slideshow" button opens (Alt+R shows the same beside the notebook).
    page.goto(f"{url}/rise/{NOTEBOOK.name}?token={token}")
    page.locator(".reveal .slides > section.present").wait_for(timeout=SERVER_START_S * 1000)
    start = _rise_position(page)
    for _ in range(12):
        page.keyboard.press("Space")
    page.wait_for_timeout(1000)  # the slide transition
    assert _rise_position(page) > start, "Space moves on through the slides"
    assert page.locator(".reveal .slides > section").count() == slide_types.count("slide")
    assert page.locator("aside.notes").count() == slide_types.count("notes"), "speaker notes: in, but hidden"
    page.screenshot(path=tmp_path / "rise_slides.png")
    page.close()
    outside = [request for request in requests if not request.startswith((url + "/", *IN_BROWSER))]
    assert outside == [], f"RISE asked for more than the local server: {outside}"

"""The course as people meet it, in a real browser: notebook 04 as static slides, as live slides
(RISE) and, in its learners' edition, as a notebook in JupyterLab: Run All runs the whole
lesson past the unsolved exercises, and the explorer widget follows its sliders.

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
from course_lib.notebook_files import slide_type_of

ROOT = Path(__file__).parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_padding_and_stride.ipynb"
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


def test_static_slides_advance_and_stay_offline(browser, tmp_path):
    [page_file] = build_slides.build([NOTEBOOK], tmp_path / "slides")
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
    with serve(tmp_path / "slides") as base:
        page.goto(f"{base}/{page_file.name}")
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


@pytest.fixture
def jupyterlab(tmp_path):
    """Start JupyterLab on a free localhost port, serving a copy of notebook 04 and, in
    ``learners/``, its learners' edition; yield its URL and token."""
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

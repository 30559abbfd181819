"""Browser end-to-end harness: a real ``streamlit run app.py`` and headless Chromium via Playwright.

Run with ``python -m pytest tests/e2e -q``. Chromium comes from Debian (``/usr/bin/chromium``,
``apt-get install -y chromium``); ``playwright install`` is never needed or used.

Fixtures
--------
``app_url`` (session)
    Starts ``python -m streamlit run app.py`` from the repository root on a free 127.0.0.1 port
    (headless, no usage stats, ``--server.fileWatcherType none``), waits for ``/_stcore/health``,
    runs the home page once over the websocket (see ``_warm_up``), yields
    ``"http://127.0.0.1:PORT"``, and stops the server afterwards, also when tests fail or the run
    is interrupted. ``LOSSVIZ_E2E_APP=/path/to/app.py`` serves another entry script;
    ``LOSSVIZ_E2E_URL=http://127.0.0.1:PORT`` tests a server that is already running (the nginx
    front of ``deploy/run_replicas.sh``, for instance) instead of starting one.
``fresh_app_url`` (function)
    A server of the test's own that has served nothing yet (no warm-up): for first-visit tests.
``warmed_fresh_app_url`` (function)
    A server of the test's own whose only visit is ``deploy/warm_up.py``'s, as right after a deploy.
``browser`` (session)
    One headless Chromium (``/usr/bin/chromium``). Fails with an install hint if it is missing.
``open_page`` (function)
    A factory: ``open_page(slug="", *, params=None, viewport="desktop", theme="light",
    base_url=None, pin_theme=True)`` opens ``app_url/slug?params`` (or ``base_url/slug?params``)
    in a fresh browser context and returns a :class:`StreamlitPage` once the script run has
    finished and every visible chart has rendered. ``viewport`` is ``"desktop"`` (1440x900) or
    ``"phone"`` (390x844, touch, 2x pixels); ``theme`` is ``"light"`` or ``"dark"``. Every context
    it opened is closed when the test ends. ``pin_theme=False`` leaves ``embed_options`` out of the
    URL, so the app keeps its "Use system setting" theme and follows
    :meth:`StreamlitPage.set_color_scheme` without a reload.
``open_shared_page`` (module)
    The same factory, but its tabs stay open until the test module ends, so that several tests can
    share one load of a page (a test that changes the page must run after the tests that need it
    unchanged; pytest runs a module's tests in the order they are written).
``app_page`` (function)
    ``open_page()``: the home page, desktop, light.
``screenshot_dir`` (session)
    Where :meth:`StreamlitPage.screenshot` writes: ``artifacts/screenshots/`` under the repository,
    or ``$LOSSVIZ_SCREENSHOT_DIR``. The folder and the number of files written are printed at the
    end of the run.

:class:`StreamlitPage` (what ``open_page`` returns)
    ``.page`` (the Playwright page), ``.slug``, ``.viewport``, ``.theme``;
    ``goto(slug, params=None, theme=None, pin_theme=True)``; ``set_color_scheme(theme)`` (switch
    the browser's colour scheme on a page opened with ``pin_theme=False`` and wait until the app
    and its charts show it); ``wait_for_run()`` (no script running, the "running" status widget
    gone, visible charts rendered); ``rerun_after(action)`` (do something that
    triggers a rerun, e.g. a key press, and wait until that rerun has finished);
    ``widget(key)`` (the locator of the widget with that key: Streamlit marks its container with
    the class ``st-key-<key>``); ``query_params()`` (the URL's parameters, without the theme's);
    ``plotly_figures()`` (every rendered Plotly figure as ``{"data", "layout", "frames"}``, with
    Plotly's base64 ``bdata`` arrays decoded to NumPy arrays); ``exceptions()`` (texts of
    ``stException`` elements); ``dialogs()`` (texts of open dialogs, e.g. "Page not found");
    ``background_luminance()`` and ``active_theme()``; ``screenshot(name=None)`` (PNG of the
    whole page, named ``<page>-<viewport>-<theme>.png`` by default; returns the path).

Themes: Streamlit 1.67 follows the ``embed_options=dark_theme`` / ``embed_options=light_theme``
query parameter (read by the frontend whether or not ``embed=true`` is set, and kept in the URL when
bound widgets rewrite it) and otherwise the browser's ``prefers-color-scheme`` (the default
"Use system setting" theme). ``open_page`` sets both; ``active_theme()`` checks what the page shows.
Without the query parameter (``pin_theme=False``) the app follows ``prefers-color-scheme`` live,
Plotly charts included, which lets one load of a page be checked and photographed in both themes.

Writing a page test (what ``tests/e2e/test_pages_in_browser.py`` looks like)::

    @pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
    def test_lesson_renders(open_page, lesson):
        \"\"\"The lesson loads with no exception and at least one chart.\"\"\"
        view = open_page(lesson.slug)
        assert view.exceptions() == [], f"/{lesson.slug} shows exceptions"
        assert view.plotly_figures(), f"/{lesson.slug} shows no Plotly figure"

Every test collected under ``tests/e2e`` gets the ``e2e`` marker (registered in pytest.ini), so
``python -m pytest -m "not e2e"`` runs everything but the browser tests. Nothing here asserts
timings; every wait is bounded (``E2E_TIMEOUT_MS``).
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "E2E_TIMEOUT_MS", "VIEWPORTS", "StreamlitPage"]

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
              "is_mobile": True, "has_touch": True},
}
THEMES = ("light", "dark")
E2E_TIMEOUT_MS = 60_000
MAX_SCREENSHOT_HEIGHT = 16_000
SERVER_START_TIMEOUT_S = 60.0

_screenshots_written: list[Path] = []

# In the page: is a run in progress, and has every visible Plotly chart rendered?
_JS_RUN_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testConnectionState !== 'CONNECTED') return false;
    if (app.dataset.testScriptState !== 'notRunning') return false;
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    if (status && status.offsetParent !== null && /running/i.test(status.innerText)) return false;
    const visible = (el) => el.offsetParent !== null;
    if ([...document.querySelectorAll('[data-testid="stSkeleton"]')].some(visible)) return false;
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
        if (!visible(chart)) continue;
        const gd = chart.querySelector('.js-plotly-plot');
        if (!gd || !gd._fullLayout || !gd.querySelector('.main-svg')) return false;
    }
    return true;
}"""

# Plotly figures as plain JSON: gd.data and gd.layout are the spec Streamlit passed in (arrays may
# be {dtype, bdata, shape} objects, decoded in Python); frames live in gd._transitionData._frames.
_JS_FIGURES = """() => {
    const plain = (value) => JSON.parse(JSON.stringify(value, (key, v) => {
        if (key.startsWith('_')) return undefined;
        if (ArrayBuffer.isView(v)) return Array.from(v);
        return v;
    }));
    return [...document.querySelectorAll('.js-plotly-plot')]
        .filter((gd) => gd._fullLayout)
        .map((gd) => ({
            data: plain(gd.data || []),
            layout: plain(gd.layout || {}),
            frames: plain((gd._transitionData && gd._transitionData._frames) || []),
        }));
}"""

# Does the page show the wanted scheme (argument: true for dark)? The app's background and the paper
# of every visible Plotly chart (a transparent paper shows the app's background) must agree.
_JS_SCHEME_SHOWN = """(dark) => {
    const luminance = (css) => {
        const parts = (css || '').match(/[\\d.]+/g);
        if (!parts || parts.length < 3 || (parts.length > 3 && Number(parts[3]) === 0)) return null;
        const [red, green, blue] = parts.slice(0, 3).map(Number);
        return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255;
    };
    const app = document.querySelector('[data-testid="stApp"]');
    const background = app && luminance(getComputedStyle(app).backgroundColor);
    if (background === null || background === undefined || (background < 0.5) !== dark) return false;
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
        if (chart.offsetParent === null) continue;
        const svg = chart.querySelector('.js-plotly-plot .main-svg');
        if (!svg) return false;
        const paper = luminance(getComputedStyle(svg).backgroundColor);
        if (paper !== null && (paper < 0.5) !== dark) return false;
    }
    return true;
}"""

# The height of everything Streamlit lays out: its main area scrolls inside its own container.
_JS_CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"], '
         + '[data-testid="stSidebarContent"]')].map((el) => el.scrollHeight))"""

_JS_WATCH_RUN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__lossvizRunSeen = false;
    if (window.__lossvizObserver) window.__lossvizObserver.disconnect();
    // A short run can start and end before the callback runs (callbacks are batched, more so on a
    // busy machine): a record whose old value is 'running' proves the run happened just as well.
    // A fragment run of a few milliseconds (an answer to a prediction) may even start and end
    // within one render, so the state never reads 'running': elements the run added or removed
    // prove it too (a key press alone changes a widget's value, never the element list).
    const isElement = (node) => node.nodeType === 1 && (node.matches('[data-testid="stElementContainer"]')
        || node.querySelector('[data-testid="stElementContainer"]'));
    window.__lossvizObserver = new MutationObserver((records) => {
        if (app.dataset.testScriptState === 'running'
                || records.some((record) => record.oldValue === 'running'
                    || [...record.addedNodes, ...record.removedNodes].some(isElement))) {
            window.__lossvizRunSeen = true;
        }
    });
    window.__lossvizObserver.observe(app, {attributes: true, attributeOldValue: true,
                                           attributeFilter: ['data-test-script-state'],
                                           childList: true, subtree: true});
}"""


class StreamlitPage:
    """A browser tab on the app, with helpers that know Streamlit's DOM."""

    def __init__(self, page: Any, base_url: str, screenshot_dir: Path, *, viewport: str,
                 theme: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.screenshot_dir = screenshot_dir
        self.viewport = viewport
        self.theme = theme
        self.pin_theme = True
        self.slug = ""

    def goto(self, slug: str = "", params: dict[str, Any] | None = None, *,
             theme: str | None = None, pin_theme: bool = True) -> StreamlitPage:
        """Open ``/slug?params`` (``params`` values may be lists for repeated keys) and wait.

        ``pin_theme=False`` opens the page without ``embed_options``: the app then follows the
        browser's colour scheme (set to ``theme`` here), and :meth:`set_color_scheme` switches it.
        """
        theme = theme or self.theme
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES}; got {theme!r}")
        query = dict(params or {})
        if pin_theme:
            query["embed_options"] = f"{theme}_theme"
        url = f"{self.base_url}/{slug.strip('/')}?{urllib.parse.urlencode(query, doseq=True)}"
        self.page.emulate_media(color_scheme=theme)
        self.page.goto(url, wait_until="domcontentloaded")
        self.slug = slug.strip("/")
        self.theme = theme
        self.pin_theme = pin_theme
        self.wait_for_run()
        return self

    def set_color_scheme(self, theme: str, timeout_ms: int = E2E_TIMEOUT_MS) -> None:
        """Switch the browser's ``prefers-color-scheme`` and wait until the app and its charts show it.

        Only a page opened with ``pin_theme=False`` follows the switch (no reload, no rerun).
        """
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES}; got {theme!r}")
        if self.pin_theme:
            raise ValueError("set_color_scheme needs a page opened with pin_theme=False; this one "
                             f"pins the {self.theme} theme through embed_options")
        self.page.emulate_media(color_scheme=theme)
        self.page.wait_for_function(_JS_SCHEME_SHOWN, arg=theme == "dark", timeout=timeout_ms,
                                    polling=100)
        self.theme = theme
        self.wait_for_run(timeout_ms)

    def wait_for_run(self, timeout_ms: int = E2E_TIMEOUT_MS) -> None:
        """Wait until no script runs, the status widget shows no run and visible charts rendered."""
        self.page.wait_for_function(_JS_RUN_SETTLED, timeout=timeout_ms, polling=100)

    def rerun_after(self, action: Callable[[], Any], timeout_ms: int = E2E_TIMEOUT_MS) -> None:
        """Do ``action`` (which must trigger a rerun) and wait until that rerun has finished."""
        self.page.evaluate(_JS_WATCH_RUN)
        action()
        self.page.wait_for_function("() => window.__lossvizRunSeen === true", timeout=timeout_ms,
                                    polling=50)
        self.wait_for_run(timeout_ms)

    def widget(self, key: str) -> Any:
        """The locator of the element container of the widget created with ``key=key``."""
        return self.page.locator(f".st-key-{key}")

    def query_params(self) -> dict[str, list[str]]:
        """The current URL's query parameters (bound widgets keep them in sync), theme excluded."""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.page.url).query,
                                      keep_blank_values=True)
        query.pop("embed_options", None)
        return query

    def plotly_figures(self) -> list[dict[str, Any]]:
        """Every rendered Plotly figure as ``{"data", "layout", "frames"}``, bdata decoded."""
        return [_decode_plotly(figure) for figure in self.page.evaluate(_JS_FIGURES)]

    def exceptions(self) -> list[str]:
        """The texts of the ``st.exception`` boxes (uncaught errors included) on the page."""
        return self.page.locator('[data-testid="stException"]').all_inner_texts()

    def dialogs(self) -> list[str]:
        """The texts of open dialogs (Streamlit's "Page not found" modal, ``st.dialog``)."""
        return self.page.locator('[role="dialog"]').all_inner_texts()

    def background_luminance(self) -> float:
        """Relative luminance (0 black .. 1 white) of the app's background colour."""
        rgb = self.page.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")
        red, green, blue = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    def active_theme(self) -> str:
        """``"dark"`` or ``"light"``, judged from the background the user actually sees."""
        return "dark" if self.background_luminance() < 0.5 else "light"

    def screenshot(self, name: str | None = None, *, full_page: bool = True) -> Path:
        """Save a PNG of the page into the screenshot folder and return its path.

        Streamlit scrolls inside its main container, not the document, so a browser "full page"
        shot would stop at the viewport: for ``full_page`` the viewport is stretched to the
        content's height (at most ``MAX_SCREENSHOT_HEIGHT``) for the shot, then restored.
        """
        name = name or f"{self.slug or 'home'}-{self.viewport}-{self.theme}"
        path = self.screenshot_dir / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        size = self.page.viewport_size
        height = min(self.page.evaluate(_JS_CONTENT_HEIGHT), MAX_SCREENSHOT_HEIGHT)
        if full_page and size and height > size["height"]:
            self.page.set_viewport_size({"width": size["width"], "height": height})
            try:
                self.wait_for_run()
                self.page.screenshot(path=str(path))
            finally:
                self.page.set_viewport_size(size)
        else:
            self.page.screenshot(path=str(path))
        _screenshots_written.append(path)
        return path


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The base URL of a ``streamlit run app.py`` on 127.0.0.1, stopped after the session.

    The server has served one run of the home page before the URL is handed out (see
    ``_warm_up``), so that tests see it in its steady state; ``fresh_app_url`` gives a server that
    has served nothing yet, for tests of the first visit.
    """
    external = os.environ.get("LOSSVIZ_E2E_URL")
    if external:
        host = urllib.parse.urlsplit(external).hostname
        if host not in ("127.0.0.1", "localhost"):
            pytest.fail(f"LOSSVIZ_E2E_URL must point at 127.0.0.1; got {external!r}")
        _wait_for_health(external.rstrip("/"), SERVER_START_TIMEOUT_S, None, None)
        _warm_up(external.rstrip("/"))
        yield external.rstrip("/")
        return
    with _serve() as url:
        _warm_up(url)
        yield url


@pytest.fixture
def fresh_app_url() -> Iterator[str]:
    """Like ``app_url``, but a server of its own that has not served any page yet."""
    with _serve() as url:
        yield url


@pytest.fixture
def warmed_fresh_app_url(fresh_app_url: str) -> str:
    """A server of its own whose only visit so far is ``deploy/warm_up.py``'s, as after a deploy."""
    _warm_up(fresh_app_url)
    return fresh_app_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium from /usr/bin/chromium for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the e2e tests drive Debian's Chromium. "
                    "Install it with `apt-get install -y chromium` (never `playwright install`).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package `playwright` is missing: "
                    "`pip install -r requirements-dev.txt`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """The folder screenshots go to (created); ``$LOSSVIZ_SCREENSHOT_DIR`` overrides the default."""
    folder = Path(os.environ.get("LOSSVIZ_SCREENSHOT_DIR", REPO_ROOT / "artifacts" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


@pytest.fixture
def open_page(browser: Any, app_url: str,
              screenshot_dir: Path) -> Iterator[Callable[..., StreamlitPage]]:
    """Factory of :class:`StreamlitPage` tabs, each in its own browser context, closed at the end."""
    with _page_opener(browser, app_url, screenshot_dir) as opener:
        yield opener


@pytest.fixture(scope="module")
def open_shared_page(browser: Any, app_url: str,
                     screenshot_dir: Path) -> Iterator[Callable[..., StreamlitPage]]:
    """Like ``open_page``, but every tab it opened stays open until the test module ends."""
    with _page_opener(browser, app_url, screenshot_dir) as opener:
        yield opener


@contextlib.contextmanager
def _page_opener(browser: Any, app_url: str,
                 screenshot_dir: Path) -> Iterator[Callable[..., StreamlitPage]]:
    """The factory behind ``open_page`` and ``open_shared_page``; closes its contexts on exit."""
    contexts: list[Any] = []

    def _open(slug: str = "", *, params: dict[str, Any] | None = None, viewport: str = "desktop",
              theme: str = "light", base_url: str | None = None,
              pin_theme: bool = True) -> StreamlitPage:
        if viewport not in VIEWPORTS:
            raise ValueError(f"viewport must be one of {sorted(VIEWPORTS)}; got {viewport!r}")
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES}; got {theme!r}")
        context = browser.new_context(color_scheme=theme, reduced_motion="reduce",
                                      **VIEWPORTS[viewport])
        contexts.append(context)
        context.set_default_timeout(E2E_TIMEOUT_MS)
        view = StreamlitPage(context.new_page(), base_url or app_url, screenshot_dir,
                             viewport=viewport, theme=theme)
        return view.goto(slug, params, theme=theme, pin_theme=pin_theme)

    try:
        yield _open
    finally:
        for context in contexts:
            with contextlib.suppress(Exception):
                context.close()


@pytest.fixture
def app_page(open_page: Callable[..., StreamlitPage]) -> StreamlitPage:
    """The home page on a desktop viewport in the light theme."""
    return open_page()


# A browser test that fails is run once more (pytest-rerunfailures) before it counts as failed.
# With two workers each driving Chromium and a Streamlit server on two cores, a run of the full
# suite now and then missed a short rerun in the run watcher, or scanned a page a few milliseconds
# before the accessibility script had marked a scroll region; each such test passed when run again.
# The retry is reported ("R" and "rerun" in the summary), so a test that fails twice still fails.
E2E_RERUNS = 1


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Mark every test under tests/e2e with ``e2e`` (so ``-m "not e2e"`` leaves the browser out)
    and give it one retry."""
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.flaky(reruns=E2E_RERUNS))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say where this run's screenshots are."""
    if _screenshots_written:
        folder = _screenshots_written[0].parent
        terminalreporter.write_line(
            f"e2e screenshots: {len(set(_screenshots_written))} written to {folder}")


def _decode_plotly(value: Any) -> Any:
    """Replace Plotly's ``{"dtype", "bdata"[, "shape"]}`` typed-array objects by NumPy arrays."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            shape = value.get("shape")
            if shape:
                dims = [int(v) for v in str(shape).split(",")] if isinstance(shape, str) else shape
                array = array.reshape(dims)
            return array
        return {key: _decode_plotly(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode_plotly(item) for item in value]
    return value


@contextlib.contextmanager
def _serve() -> Iterator[str]:
    """Run ``streamlit run`` on the app on a free 127.0.0.1 port; stop it on exit, whatever happens."""
    app = Path(os.environ.get("LOSSVIZ_E2E_APP", REPO_ROOT / "app.py")).resolve()
    if not app.is_file():
        pytest.fail(f"the e2e tests need the Streamlit entry script {app}; it does not exist")
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]
    with tempfile.NamedTemporaryFile(prefix="lossviz-e2e-server-", suffix=".log") as log:
        process = subprocess.Popen(command, cwd=app.parent, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for_health(url, SERVER_START_TIMEOUT_S, process, Path(log.name))
            yield url
        finally:
            _stop(process)


def _warm_up(url: str) -> None:
    """Run the home page once over Streamlit's websocket protocol, as a browser's first visit would.

    The first run of a process imports the whole stack; warming up keeps that one-time cost out of
    the page tests' time-outs, with the same ``deploy/warm_up.py`` that deployments run;
    ``test_smoke.py`` tests the first visit on a fresh server, unwarmed and warmed.
    """
    try:
        _deploy_warm_up()(url, SERVER_START_TIMEOUT_S)
    except TimeoutError as exc:
        pytest.fail(f"the warm-up run of the home page failed: {exc}")


def _deploy_warm_up() -> Callable[[str, float], None]:
    """``warm_up`` from deploy/warm_up.py (a script folder, not a package)."""
    spec = importlib.util.spec_from_file_location("lossviz_deploy_warm_up", REPO_ROOT / "deploy" / "warm_up.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.warm_up


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_health(url: str, timeout: float, process: subprocess.Popen[bytes] | None,
                     log: Path | None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:]) if log else ""
    pytest.fail(f"{url}/_stcore/health did not answer within {timeout:.0f} s"
                + (f"; the server's log ends:\n{tail}" if tail else ""))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if it is still alive after 10 s."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

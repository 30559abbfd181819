"""Lessons embedded in someone else's page (issue 14), with Streamlit's own ``embed=true``.

A static "course notes" page is served by Python's ``http.server`` from ``http://localhost:PORT``
while the app runs on ``http://127.0.0.1:APP_PORT``: another origin and, since the host names
differ, another *site*, so the iframes are third-party as on a real LMS. The page embeds two
lessons at different deep links (one in the dark theme through ``embed_options``). Each must
render inside its iframe with the linked values in its widgets and charts, no exception, no
dialog and no navigation sidebar, with the app's default configuration (``server.enableCORS`` and
XSRF protection on): the iframe's document comes from the app's own origin, so its websocket is a
same-origin one. The snippet that "Copy embed code" copies is checked to be the one that works.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TIMEOUT_MS = 60_000
# In a frame: connected, no script running, and every Plotly chart drawn (conftest's check, for a
# frame instead of a page).
_JS_FRAME_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testConnectionState !== 'CONNECTED') return false;
    if (app.dataset.testScriptState !== 'notRunning') return false;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return charts.length > 0 && charts.every((chart) => chart.querySelector('.js-plotly-plot .main-svg'));
}"""

EMBEDS = (
    # (iframe id, lesson path with its deep link, slider key, value the slider must show, dark?)
    ("focal", "focal-loss?focal_gamma=3.5&embed=true", "focal_gamma", "3.50", False),
    ("cemse", "ce-vs-mse?cvm_p=0.05&embed=true&embed_options=dark_theme", "cvm_p", "0.050", True),
)


@contextlib.contextmanager
def _static_site(folder: Path) -> Iterator[int]:
    """Serve ``folder`` on a free port of 127.0.0.1 from a thread; yield the port."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """No access log in the test output."""


@pytest.fixture
def course_notes(tmp_path: Path, app_url: str) -> Iterator[str]:
    """The URL (on localhost, another site than the app's 127.0.0.1) of a page embedding EMBEDS."""
    frames = "\n".join(
        f'<h2>{name}</h2>\n<iframe id="{name}" src="{html.escape(f"{app_url}/{path}")}" '
        f'title="{name} (lossviz)" width="100%" height="900" style="border: 0;" '
        'allow="clipboard-write; fullscreen"></iframe>'
        for name, path, *_ in EMBEDS
    )
    (tmp_path / "index.html").write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>Course notes</title></head>"
        f"<body><h1>Week 3: losses</h1>\n{frames}\n</body></html>",
        encoding="utf-8",
    )
    with _static_site(tmp_path) as port:
        yield f"http://localhost:{port}/index.html"


def test_two_lessons_render_inside_iframes_on_another_site(browser: Any, course_notes: str):
    """Both embedded lessons load with their linked values, their charts and no error or sidebar."""
    context = browser.new_context(viewport={"width": 1280, "height": 2000})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(course_notes, wait_until="domcontentloaded")
        for name, path, key, shown, dark in EMBEDS:
            frame = page.locator(f"#{name}").element_handle().content_frame()
            frame.wait_for_function(_JS_FRAME_SETTLED, timeout=TIMEOUT_MS, polling=100)
            assert "embed=true" in frame.url, f"{name}: the iframe left embed mode ({frame.url})"
            assert frame.locator('[data-testid="stException"]').count() == 0, f"{name}: exception"
            assert frame.locator('[data-testid="stAlert"][kind="error"], [role="alert"]').count() == 0
            assert frame.locator('[role="dialog"]').count() == 0, f"{name}: a dialog is open"
            assert frame.locator('[data-testid="stSidebar"]').count() == 0, f"{name}: sidebar in an iframe"
            assert shown in frame.locator(f".st-key-{key}").inner_text(), f"{name}: {key} is not {shown}"
            charts = frame.locator('[data-testid="stPlotlyChart"] .main-svg')
            assert charts.count() >= 2, f"{name}: its charts did not render"
            background = frame.evaluate(
                "() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")
            red, green, blue = (float(v) for v in re.findall(r"[\d.]+", background)[:3])
            assert (0.2126 * red + 0.7152 * green + 0.0722 * blue < 128) == dark, f"{name}: wrong theme"
        assert errors == [], f"script errors in the embedding page: {errors}"
    finally:
        context.close()


def test_copy_embed_code_gives_the_snippet_that_embeds_this_view(open_page, course_notes: str):
    """"Copy embed code" on a deep link yields an <iframe> of that view with embed=true and a title."""
    view = open_page("focal-loss", params={"focal_gamma": "3.5"})
    view.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    view.page.locator(".lossviz-copy-embed").click()
    box = view.page.locator(".lossviz-share")
    view.page.wait_for_function(
        "() => (document.querySelector('.lossviz-share').dataset.copied || '').startsWith('<iframe')")
    snippet = box.get_attribute("data-copied")
    assert snippet == view.page.evaluate("() => navigator.clipboard.readText()")
    assert 'title="Focal loss (lossviz)"' in snippet and 'height="900"' in snippet
    src = html.unescape(snippet.split('src="', 1)[1].split('"', 1)[0])
    assert "focal_gamma=3.5" in src and src.endswith("embed=true"), src

    view.page.locator(".lossviz-copy-link").click()
    view.page.wait_for_function(
        "() => (document.querySelector('.lossviz-share').dataset.copied || '').startsWith('http')")
    link = box.get_attribute("data-copied")
    assert "focal_gamma=3.5" in link and "embed=true" not in link

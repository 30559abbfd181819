"""Smoke tests that prove the browser harness on the home page (server, Chromium, themes, viewports).

The lesson pages get their own tests in ``test_pages_in_browser.py``, built on the same fixtures. The last
test opens a lesson's deep link on a server that has served nothing yet, the one situation the
shared, warmed-up server of the other tests cannot show.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from lossviz.lessons import HOME, LESSONS

REPO_ROOT = Path(__file__).resolve().parents[2]

# (viewport, theme, expected PNG width in device pixels): 1440 CSS px at 1x, 390 CSS px at 2x,
# from VIEWPORTS in conftest.py.
SCREENSHOT_CASES = [
    ("desktop", "light", 1440),
    ("desktop", "dark", 1440),
    ("phone", "light", 780),
    ("phone", "dark", 780),
]


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (bytes 16..24, big-endian)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"data must be a PNG file; got a header of {data[:8]!r}")
    return struct.unpack(">II", data[16:24])


def test_home_loads_without_exception(app_page):
    """The home page finishes its run with no exception box and no error dialog."""
    assert app_page.exceptions() == [], "the home page shows an exception"
    assert app_page.dialogs() == [], "the home page opens with a dialog (e.g. 'Page not found')"
    assert app_page.page.locator('[data-testid="stMain"]').inner_text().strip(), (
        "the home page's main area is empty")


@pytest.mark.parametrize(("viewport", "theme", "width"), SCREENSHOT_CASES,
                         ids=[f"{v}-{t}" for v, t, _ in SCREENSHOT_CASES])
def test_home_screenshot(open_page, viewport, theme, width):
    """Each viewport and theme renders the home page in that theme and writes a PNG of that width."""
    view = open_page(HOME.slug, viewport=viewport, theme=theme)
    assert view.active_theme() == theme, (
        f"asked for the {theme} theme, the background luminance is {view.background_luminance():.2f}")
    assert view.exceptions() == [], f"the home page shows an exception ({viewport}, {theme})"
    path = view.screenshot()
    data = path.read_bytes()
    assert len(data) > 1000, f"{path} is {len(data)} bytes, too small to hold the page"
    assert _png_size(data)[0] == width, f"{path} is not {width} px wide: {_png_size(data)}"


def test_plotly_reader_sees_every_chart(app_page):
    """The figure reader returns one figure, with a data list, per visible Plotly chart."""
    charts = app_page.page.locator('[data-testid="stPlotlyChart"]:visible').count()
    figures = app_page.plotly_figures()
    assert len(figures) == charts, f"{charts} charts on the page, {len(figures)} figures read"
    for figure in figures:
        assert isinstance(figure["data"], list), "a figure's data must be a list of traces"
        assert isinstance(figure["layout"], dict), "a figure's layout must be a dict"


def _first_lesson_with_a_page():
    for lesson in LESSONS:
        if (REPO_ROOT / lesson.file).is_file():
            return lesson
    return None


def test_deep_link_on_fresh_server_opens_without_dialog(open_page, fresh_app_url):
    """The first visit after a server start, through a lesson's deep link, shows no error dialog.

    Streamlit 1.67 runs a fresh server's first script run as an old-style multipage app whenever a
    folder named ``pages/`` sits next to the entry script; the lessons live in ``lessons/`` so
    that never happens (tests/test_lessons.py guards the folder name).
    """
    lesson = _first_lesson_with_a_page()
    if lesson is None:
        pytest.skip("no lesson page exists yet, so there is no deep link to open")
    view = open_page(lesson.slug, base_url=fresh_app_url)
    assert view.dialogs() == [], f"/{lesson.slug} opened on a fresh server with a dialog"
    assert view.exceptions() == [], f"/{lesson.slug} shows an exception"


def test_deep_link_on_warmed_fresh_server_opens_without_dialog(open_page, warmed_fresh_app_url):
    """After deploy/warm_up.py, a new server's first student through a deep link sees no dialog."""
    lesson = _first_lesson_with_a_page()
    if lesson is None:
        pytest.skip("no lesson page exists yet, so there is no deep link to open")
    view = open_page(lesson.slug, base_url=warmed_fresh_app_url)
    assert view.dialogs() == [], f"/{lesson.slug} opened on a warmed server with a dialog"
    assert view.exceptions() == [], f"/{lesson.slug} shows an exception"
    assert view.plotly_figures(), f"/{lesson.slug} shows no chart"

"""Presentation mode in a real browser (issue 14): what an instructor projects.

1. ``?present=1`` with another deep link, at 1920 x 1080: the toggle is on, the URL keeps
   ``present=true`` and the linked value, the sidebar is collapsed, and every text of every chart
   (axis ticks and titles, legends, annotations, read from the rendered SVG's computed style) and
   the figures' own layout fonts are at least 24 px; the explanations are folded.
2. The keyboard: the E key opens the folded explanation on screen and closes it again, leaving the
   focus on its summary, where Enter toggles it too; an arrow key moves the focused slider.
3. The toggle on the page switches presentation mode on and off in place, sidebar included.
4. Screenshots of the projected view (the viewport, as a projector shows it) at 1920 x 1080 and
   1280 x 720, light and dark, after checking the theme really shows.
"""

from __future__ import annotations

from typing import Any

import pytest

from lossviz.figures._style import PRESENT_FONT_SIZE

PROJECTORS = {"1920x1080": {"width": 1920, "height": 1080}, "1280x720": {"width": 1280, "height": 720}}

# Every visible text of every visible chart: its computed font size and what it says.
_JS_CHART_TEXTS = """() => {
    const out = [];
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
        if (chart.offsetParent === null) continue;
        for (const text of chart.querySelectorAll('.main-svg text')) {
            if (!text.textContent.trim() || !text.getBoundingClientRect().width) continue;
            out.push([parseFloat(getComputedStyle(text).fontSize), text.textContent.slice(0, 40)]);
        }
    }
    return out;
}"""

# The sidebar's right edge (<= 0 when collapsed off screen) or null when there is none.
_JS_SIDEBAR_RIGHT = """() => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    return bar ? bar.getBoundingClientRect().right : null;
}"""

_JS_EXPLANATIONS_OPEN = """() => [...document.querySelectorAll('[data-testid="stExpander"] details')]
    .filter((d) => d.querySelector('summary').innerText.includes('Explanation')).map((d) => d.open)"""


def _projector(view: Any, size: str) -> None:
    view.page.set_viewport_size(PROJECTORS[size])
    view.wait_for_run()


def _layout_font_sizes(figure: dict) -> list[tuple[str, float]]:
    """(where, size) of the fonts the rendered figure's layout states."""
    layout = figure["layout"]
    found = [("layout.font", layout.get("font", {}).get("size"))]
    found.append(("legend.font", layout.get("legend", {}).get("font", {}).get("size")))
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            found.append((f"{key}.tickfont", axis.get("tickfont", {}).get("size")))
    return found


def test_present_link_projects_large_charts_with_the_sidebar_collapsed(open_page):
    """?present=1&focal_gamma=3.5 at 1920x1080: chart text >= 24 px, sidebar collapsed, link kept."""
    view = open_page("focal-loss", params={"present": "1", "focal_gamma": "3.5"})
    _projector(view, "1920x1080")
    assert view.exceptions() == []
    query = view.query_params()
    assert query.get("present") == ["true"], f"the link must keep presentation mode: {query}"
    assert query.get("focal_gamma") == ["3.5"], "presentation mode combines with the other parameters"
    assert view.widget("present").locator("input").is_checked()
    assert "3.50" in view.widget("focal_gamma").inner_text()

    right = view.page.evaluate(_JS_SIDEBAR_RIGHT)
    assert right is not None and right <= 0, f"the sidebar must be collapsed; its right edge is at {right}"

    texts = view.page.evaluate(_JS_CHART_TEXTS)
    assert len(texts) > 50, "the charts' texts were not found"
    small = [(size, text) for size, text in texts if size < PRESENT_FONT_SIZE]
    assert not small, f"chart texts below {PRESENT_FONT_SIZE} px at 1920x1080: {small[:10]}"
    for figure in view.plotly_figures():
        for where, size in _layout_font_sizes(figure):
            assert size is not None and size >= PRESENT_FONT_SIZE, f"{where} is {size} px"

    folded = view.page.evaluate(_JS_EXPLANATIONS_OPEN)
    assert folded and not any(folded), "the explanations must be folded away"


def test_keyboard_reveals_the_explanation_and_moves_the_slider(open_page):
    """E opens and closes the explanation on screen (focus on its summary, Enter toggles); arrows move a slider."""
    view = open_page("focal-loss", params={"present": "true"})
    _projector(view, "1920x1080")
    page = view.page
    page.mouse.click(PROJECTORS["1920x1080"]["width"] - 10, 400)  # focus the page, on no control
    page.keyboard.press("e")
    page.wait_for_function(f"() => ({_JS_EXPLANATIONS_OPEN})().some((open) => open)")
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("e")
    page.wait_for_function(f"() => !({_JS_EXPLANATIONS_OPEN})().some((open) => open)")
    page.keyboard.press("Enter")  # the focused summary is an ordinary button for the keyboard
    page.wait_for_function(f"() => ({_JS_EXPLANATIONS_OPEN})().some((open) => open)")

    slider = view.widget("focal_gamma").get_by_role("slider")
    slider.focus()
    view.rerun_after(lambda: page.keyboard.press("ArrowRight"))
    assert view.query_params().get("focal_gamma") == ["2.1"], "ArrowRight moves γ one step (0.1)"
    assert view.query_params().get("present") == ["true"]


def test_the_toggle_switches_presentation_mode_in_place(open_page):
    """The on-page toggle turns presentation mode on (sidebar collapses, fonts grow) and off again."""
    view = open_page("ce-vs-mse")
    _projector(view, "1280x720")
    assert view.page.evaluate(_JS_SIDEBAR_RIGHT) > 0, "outside presentation mode the sidebar is open"
    normal = min(size for size, _ in view.page.evaluate(_JS_CHART_TEXTS))
    assert normal < PRESENT_FONT_SIZE

    view.rerun_after(lambda: view.widget("present").locator("label").click())
    view.page.wait_for_function(f"() => ({_JS_SIDEBAR_RIGHT})() <= 0")
    assert view.query_params().get("present") == ["true"]
    assert min(size for size, _ in view.page.evaluate(_JS_CHART_TEXTS)) >= PRESENT_FONT_SIZE

    view.rerun_after(lambda: view.widget("present").locator("label").click())
    view.page.wait_for_function(f"() => ({_JS_SIDEBAR_RIGHT})() > 0")
    assert "present" not in view.query_params()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", list(PROJECTORS))
def test_projected_view_screenshots(open_page, theme, size):
    """Screenshots of the projected view (what the projector shows) in both themes and sizes."""
    view = open_page("focal-loss", params={"present": "true", "focal_gamma": "3"}, theme=theme)
    _projector(view, size)
    assert view.active_theme() == theme
    assert view.page.evaluate(_JS_SIDEBAR_RIGHT) <= 0
    section = view.page.get_by_role("heading", name="1. What (1 − p_t)^γ does")
    section.evaluate("(heading) => heading.scrollIntoView({block: 'start'})")  # the section's controls and chart
    view.wait_for_run()
    assert min(size for size, _ in view.page.evaluate(_JS_CHART_TEXTS)) >= PRESENT_FONT_SIZE
    path = view.screenshot(f"focal-loss-present-{size}-{theme}", full_page=False)
    assert path.stat().st_size > 20_000

"""WCAG 2.1 AA contrast of every colour lossviz chooses (issue 13): the theme in .streamlit/config.toml
and the figure palette in lossviz/figures/_style.py, on both the light and the dark background.

Thresholds: 4.5:1 for text (1.4.3), 3:1 for chart lines, markers and control states (1.4.11).
The derived colours are computed the way Streamlit 1.67 derives them, measured with axe-core in
Chromium: captions are the text colour at 60 % opacity; a selected segmented-control option is the
primary colour on a 10 % tint of the primary over the background; a checked box is a white mark on
the primary colour. Changing a colour so that a ratio fails makes the matching test fail.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from lossviz.figures import COLORS, contrast_ratio
from lossviz.figures._style import PAPERS, SEQUENCE

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
THEMES = ("light", "dark")
TEXT, NON_TEXT = 4.5, 3.0


def theme(name: str) -> dict[str, str]:
    """The ``[theme.<name>]`` section of the app's config."""
    return tomllib.loads(CONFIG.read_text())["theme"][name]


def over(color: str, background: str, alpha: float) -> str:
    """``color`` at ``alpha`` opacity composited over ``background`` (both ``#RRGGBB``)."""
    mixed = (
        round(alpha * int(color[i : i + 2], 16) + (1 - alpha) * int(background[i : i + 2], 16)) for i in (1, 3, 5)
    )
    return "#" + "".join(f"{channel:02X}" for channel in mixed)


def test_contrast_ratio_known_values():
    """Black on white is 21:1, a colour on itself 1:1; WCAG's own example #767676 on white is 4.54:1."""
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#0072B2", "#0072B2") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    with pytest.raises(ValueError, match=r"color must be '#RRGGBB'; got 'red'"):
        contrast_ratio("red", "#FFFFFF")


def test_the_check_can_fail():
    """Streamlit's default light primary on its tint (4.47:1) and Okabe–Ito orange on white fail."""
    assert contrast_ratio("#C53948", over("#C53948", "#FFFFFF", 0.1)) < TEXT
    assert contrast_ratio("#E69F00", "#FFFFFF") < NON_TEXT


def test_figure_papers_are_the_theme_backgrounds():
    """Streamlit paints the figures' paper with the app background, so the palette is checked on it."""
    for name in THEMES:
        assert PAPERS[name].upper() == theme(name)["backgroundColor"].upper(), name


@pytest.mark.parametrize("name", THEMES)
def test_theme_text_and_captions(name):
    """Body text and captions (text at 60 % opacity) reach 4.5:1 on the page and the sidebar."""
    colors = theme(name)
    for background in (colors["backgroundColor"], colors["secondaryBackgroundColor"]):
        assert contrast_ratio(colors["textColor"], background) >= TEXT, (name, background)
        caption = over(colors["textColor"], background, 0.6)
        assert contrast_ratio(caption, background) >= TEXT, f"{name} caption {caption} on {background}"


@pytest.mark.parametrize("name", THEMES)
def test_theme_primary_states(name):
    """Slider values and links (primary on the background), a selected option (primary on its 10 %
    tint) reach 4.5:1; the white mark of a checked box on the primary reaches 3:1."""
    colors = theme(name)
    primary, background = colors["primaryColor"], colors["backgroundColor"]
    assert contrast_ratio(primary, background) >= TEXT, f"{name} primary on background"
    selected = over(primary, background, 0.1)
    assert contrast_ratio(primary, selected) >= TEXT, f"{name} selected option: {primary} on {selected}"
    assert contrast_ratio("#FFFFFF", primary) >= NON_TEXT, f"{name} check mark on primary"
    # An unselected option is plain text on the background: test_theme_text_and_captions.


@pytest.mark.parametrize("paper", THEMES)
@pytest.mark.parametrize("color", sorted(set(COLORS.values()) | set(SEQUENCE)))
def test_figure_colors_reach_3_to_1_on_both_papers(color, paper):
    """Every line and marker colour of the figures stands out 3:1 from the light and the dark paper."""
    assert contrast_ratio(color, PAPERS[paper]) >= NON_TEXT, f"{color} on the {paper} paper {PAPERS[paper]}"

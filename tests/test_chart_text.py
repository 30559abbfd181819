"""Every chart of every lesson has a text alternative (issue 13, WCAG 1.1.1), run in Streamlit's AppTest.

``lossviz.ui.chart`` passes ``alt=`` to ``st.plotly_chart``: the page's sentence with its key numbers,
then ``describe_figure``'s summary. The browser side (``role="figure"`` + ``aria-label``) is checked
in tests/e2e/test_accessibility.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lossviz.lessons import available_lessons

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_lesson(lesson) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(lesson.file)
    at.run()
    return at


def chart_texts(at: AppTest) -> list[str]:
    return [element.proto.alt for element in at.get("plotly_chart")]


@pytest.mark.parametrize("lesson", available_lessons(), ids=lambda lesson: lesson.slug)
def test_every_chart_has_a_text_alternative(lesson):
    """Each chart's alt names its axes and is long enough to carry numbers, not just a title."""
    texts = chart_texts(open_lesson(lesson))
    assert texts, f"/{lesson.slug} shows no chart"
    for text in texts:
        assert len(text) > 40 and "axis" in text and any(ch.isdigit() for ch in text), text


def test_chart_text_follows_the_slider():
    """Moving p on /ce-vs-mse changes the key numbers the loss and gradient charts announce."""
    lesson = next(lesson for lesson in available_lessons() if lesson.slug == "ce-vs-mse")
    at = open_lesson(lesson)
    before = chart_texts(at)
    # At p = 0.02, y = 1: ∂CE/∂z = p − y = −0.98 and ∂MSE/∂z = 2(p − y)·p(1 − p) = −0.0384.
    assert before[1].startswith("CE gradient -0.98, MSE gradient -0.03842 (∂/∂z) at p = 0.02, y = 1."), before[1]
    at.slider(key="cvm_p").set_value(0.5).run()
    after = chart_texts(at)
    assert after[0] != before[0] and after[1] != before[1]
    # At p = 1/2, y = 1: ∂CE/∂z = p − y = −0.5 and ∂MSE/∂z = 2(p − y)·p(1 − p) = −0.25.
    assert after[1].startswith("CE gradient -0.5, MSE gradient -0.25 (∂/∂z) at p = 0.5, y = 1."), after[1]

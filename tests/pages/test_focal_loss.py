"""AppTest checks of the "Focal loss" page: the numbers it states, at defaults, deep links and extremes.

Expected values come from lossviz.focal (tested in tests/test_focal.py) or from closed forms
written beside them; the page must show them, not merely run.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lossviz import focal as fc

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/focal_loss.py"


def open_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params = dict(params or {})
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_defaults_show_the_computed_readouts():
    at = open_page()
    shown = metrics(at)
    # p_t = 0.6, γ = 2, α = 0.25, a positive: CE = −log 0.6 = 0.5108, FL = 0.25·0.4²·0.5108 = 0.02043.
    assert shown["cross-entropy −log p_t"] == "0.5108"
    assert shown["focal loss"] == "0.02043"
    assert shown["focal / cross-entropy"] == "4 %"
    # 0.25·0.16·(2·0.6·0.5108/0.4 + 1) = 0.1013 (the closed form in tests/test_focal.py)
    assert shown["gradient ratio ∂FL/∂z ÷ ∂CE/∂z"] == "0.101×"
    text = markdown(at)
    assert "α_t·(1 − p_t)^γ = 0.25 × 0.16 = **4 % of the cross-entropy**" in text
    assert (
        "is 0.101× cross-entropy's |∂CE/∂z| = 1 − p_t = 0.4, more than the loss ratio (4 %)"
        in text
    )
    assert len(at.get("plotly_chart")) == 7, "3 curve figures, 4 training figures"
    assert len(at.latex) >= 1
    keys = {w.key for w in (*at.slider, *at.toggle, *at.radio, *at.select_slider)}
    assert {
        "focal_gamma",
        "focal_alpha",
        "focal_alpha_on",
        "focal_label",
        "focal_pt",
        "focal_seed",
        "focal_repeat",
    } <= keys


def test_predict_then_reveal_gives_one_percent():
    at = open_page()
    assert not at.success, "the answer waits for a prediction"
    at.radio(key="focal_predict").set_value("1 %").run()
    success = at.success[0].value
    assert "Right: 1 %" in success and "(1 − 0.9)² = 0.01" in success
    assert "0.25 % for a positive" in success and "0.75 % for a negative" in success, (
        "times α_t = 0.25 / 0.75"
    )
    at.radio(key="focal_predict").set_value("10 %").run()
    assert "Not quite: the answer is 1 %" in at.warning[0].value


def test_alpha_convention_is_computed():
    text = markdown(open_page())
    assert "weights a positive by **0.25** and a negative by **0.75**" in text
    assert "*down*-weights the positives" in text and "3 to 1" in text


def test_gamma_zero_without_alpha_is_cross_entropy():
    at = open_page({"focal_gamma": "0.0", "focal_alpha_on": "false"})
    shown = metrics(at)
    assert shown["focal / cross-entropy"] == "100 %"
    assert shown["gradient ratio ∂FL/∂z ÷ ∂CE/∂z"] == "1×"
    assert shown["focal loss"] == shown["cross-entropy −log p_t"]
    assert "With γ = 0 the modulating factor is 1 everywhere" in markdown(at)
    assert "the same ratio as the loss: with γ = 0" in markdown(at)
    assert len(at.get("plotly_chart")) == 7, (
        "α off: no third (α-free) run is needed, the figures stay"
    )


def test_negative_example_gets_one_minus_alpha():
    at = open_page({"focal_label": "negative, y = 0"})
    # α_t = 0.75 for a negative: 0.75·0.16 = 12 %
    assert metrics(at)["focal / cross-entropy"] == "12 %"
    assert "α_t = 0.75 (1 − α for a negative)" in markdown(at)


def test_alpha_zero_silences_positives_and_the_page_says_so():
    at = open_page({"focal_alpha": "0.0"})
    assert metrics(at)["focal loss"] == "0"
    assert any("α_t = 0" in w.value and "exactly 0" in w.value for w in at.warning)
    text = markdown(at)
    assert "precision undefined (0 predicted positive)" in text, (
        "no positive predictions: precision is undefined"
    )


def test_hard_example_gradient_note():
    """γ = 2, p_t = 0.1, no α: |∂FL/∂z| is 1.224× CE's (tests/test_focal.py), and the page says so."""
    at = open_page({"focal_pt": "0.1", "focal_alpha_on": "false"})
    assert metrics(at)["gradient ratio ∂FL/∂z ÷ ∂CE/∂z"] == "1.22×"
    assert any("1.22× cross-entropy's" in i.value for i in at.info)


def test_training_section_states_what_the_run_shows():
    at = open_page()
    text = markdown(at)
    ce = fc.train_imbalanced("bce", seed=0)
    focal = fc.train_imbalanced("focal", alpha=0.25, gamma=2.0, seed=0)
    assert (
        f"**lowers** the rare class's recall ({ce.recall:.2f} → {focal.recall:.2f})"
        in text
    )
    assert (
        "recall 0.45 (9 of 20 positives found), precision 0.75 (12 predicted positive)"
        in text
    )
    assert (
        "recall 0.20 (4 of 20 positives found), precision 0.67 (6 predicted positive)"
        in text
    )
    assert "the modulating factor alone (γ = 2, no α) changes recall by +0.00" in text
    assert "**359 easy points** of 400 (355 of them negatives)" in text
    assert "**99.1 % of the cross-entropy** and **50.7 % of the focal loss**" in text
    assert "Focal loss is not a fix for imbalance on every data set" in text


def test_the_loss_chart_shows_the_library_values():
    at = open_page({"focal_gamma": "1.5"})
    spec = figures(at)[0]
    names = [trace.get("name") for trace in spec["data"]]
    assert "γ = 1.5 (yours)" in names, (
        "the learner's γ is added to the family and highlighted"
    )
    marker = spec["data"][-1]
    point = fc.focal_point(0.6, alpha=0.25, gamma=1.5)
    assert math.isclose(marker["y"][0], point.focal, rel_tol=1e-3)


def test_repeat_multiplier_deep_link():
    at = open_page({"focal_repeat": "10"})
    assert at.select_slider(key="focal_repeat").value == "10"
    assert "repeated m = 10 times" in markdown(at)


def test_extremes_stay_healthy():
    for params in (
        {"focal_gamma": "5.0", "focal_pt": "0.99"},
        {"focal_gamma": "5.0", "focal_pt": "0.01", "focal_alpha": "1.0"},
        {"focal_alpha": "1.0", "focal_label": "negative, y = 0"},
        {"focal_seed": "9", "focal_gamma": "0.1"},
    ):
        at = open_page(params)
        assert len(at.get("plotly_chart")) == 7, params

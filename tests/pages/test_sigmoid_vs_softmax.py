"""AppTest checks of the "One sigmoid vs two softmax neurons" page: the numbers it states.

Expected values come from lossviz.twoneuron (tested in tests/test_twoneuron.py) or from closed
forms written beside them; the page must show them, not merely run.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lossviz import twoneuron as tn

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/sigmoid_vs_softmax.py"


def open_page(params: dict | None = None, *, healthy: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params = dict(params or {})
    at.run()
    at.switch_page(PAGE)
    at.run()
    if healthy:
        assert not at.exception, [e.message for e in at.exception]
        assert not at.error, [e.value for e in at.error]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def sci(value: float) -> str:
    """The page's format for tiny numbers."""
    return "0" if value == 0 else f"{value:.2g}"


def test_defaults_show_softmax_equals_sigmoid():
    """Defaults (z0, z1) = (0.5, 2.0): P = σ(1.5) = 0.817574 (1 / (1 + e^−1.5), by hand)."""
    at = open_page()
    shown = metrics(at)
    assert shown["softmax([z0, z1])₁"] == "0.817574"
    assert shown["σ(z1 − z0)"] == "0.817574"
    captions = " ".join(c.value for c in at.caption)
    assert "differ by **0** in float64 (exactly equal)" in captions
    text = markdown(at)
    plane = tn.logit_plane(12.0, 97)
    assert f"only {plane.uncertain_fraction:.0%} of this square has P between 0.01 and 0.99" in text
    assert len(at.get("plotly_chart")) == 3, "plane, gradients, trained samples (the gap plot waits for a prediction)"
    assert len(at.latex) >= 4


def test_loss_identity_and_gradients_are_stated():
    """y = 1 at d = 1.5: BCE = log(1 + e^−1.5) = 0.201413; gradient σ(1.5) − 1 = −0.182426."""
    at = open_page()
    shown = metrics(at)
    assert shown["BCE(z1 − z0, y)"] == shown["CE([z0, z1], y)"] == "0.201413"
    point = tn.head_point(0.5, 2.0, 1)
    text = markdown(at)
    assert "σ(d) − y = -0.182426" in text and "the positive neuron's is -0.182426" in text
    assert f"sum to {sci(point.grad_sum)}" in text
    assert "pushes z1 up and z0 the other way" in text


def test_deep_link_sets_logits_and_label():
    """(z0, z1) = (−3, 4), y = 0: P = σ(7) = 0.999089; BCE = log(1 + e^7) = 7.00091 (math.log1p, 6 digits)."""
    at = open_page({"svs_z0": "-3.0", "svs_z1": "4.0", "svs_y": "y = 0 (negative)"})
    shown = metrics(at)
    assert shown["σ(z1 − z0)"] == f"{1 / (1 + math.exp(-7)):.6g}" == "0.999089"
    assert shown["BCE(z1 − z0, y)"] == f"{math.log1p(math.exp(7)):.6g}" == "7.00091"
    assert "pushes z1 down" in markdown(at)


def test_extreme_logits_keep_six_significant_digits():
    """(z0, z1) = (6, −6): P = σ(−12) = 6.14417e-06 (1 / (1 + e^12), by hand), not a rounded 0.000006."""
    at = open_page({"svs_z0": "6.0", "svs_z1": "-6.0", "svs_y": "y = 0 (negative)"})
    shown = metrics(at)
    assert shown["σ(z1 − z0)"] == f"{1 / (1 + math.exp(12)):.6g}" == "6.14417e-06"
    assert shown["softmax([z0, z1])₁"] == "6.14417e-06"


def test_zero_offset_keeps_the_redundant_direction_at_zero():
    at = open_page({"svs_offset": "0.0"})
    assert "With no weight decay it stays at zero up to rounding" in markdown(at)


def test_predicting_the_shift_reveals_the_shifted_point():
    at = open_page()
    at.radio(key="svs_predict_shift").set_value("It stays exactly the same").run()
    assert at.success, "the right answer is acknowledged"
    assert "differ by 0" in at.success[0].value
    shown = metrics(at)
    assert shown["P(class 1) before"] == shown["after adding c = 5"] == "0.817574"
    assert shown["largest change"] == "0"
    assert at.slider(key="svs_shift").value == 5.0
    at.slider(key="svs_shift").set_value(-6.0).run()
    assert metrics(at)["after adding c = -6"] == "0.817574"
    assert "(0.5, 2) → (-5.5, -4)" in markdown(at)


def test_training_section_states_the_computed_gaps():
    at = open_page()
    result = tn.compare_heads("separable", model="logistic", lr=0.5, epochs=500, weight_decay=0.0, offset=1.0)
    text = markdown(at)
    assert f"**{sci(result.matched_max)}**, the size of float64 rounding" in text
    assert f"the gap reaches {result.same_lr_max:.3g} at epoch {result.same_lr_max_epoch}" in text
    assert f"the two differ by at most {sci(result.double_lr_max)}" in text
    low, high = result.negative_logit_range
    assert f"ends between {low:.3g} and {high:.3g}" in text
    assert result.matched_max < 1e-14 and low < -1 < 1 < high
    shown = metrics(at)
    assert shown["Output-layer parameters"] == "3 vs 6"
    assert shown["‖w0 + w1‖: start → end (matched)"] == "2.828 → 2.828"
    assert "nothing moves it" in text


def test_predicting_the_learning_rate_reveals_the_gap_plot():
    at = open_page()
    at.radio(key="svs_predict_lr").set_value("Yes, at every epoch").run()
    assert at.warning and "moves twice as fast" in at.warning[0].value
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    gap = next(spec for spec in specs if spec["layout"]["yaxis"].get("type") == "log")
    names = [trace["name"] for trace in gap["data"]]
    assert names[:2] == ["matched (head lr 0.25, decay 0)", "same learning rate 0.5"]


def test_weight_decay_shrinks_the_redundant_direction_on_the_page():
    at = open_page({"svs_decay": "0.01", "svs_data": "overlapping"})
    result = tn.compare_heads("overlapping", lr=0.5, epochs=500, weight_decay=0.01, offset=1.0)
    text = markdown(at)
    assert f"× (1 − η·λ)^500 = {result.redundant_expected_end:.4g}" in text
    assert f"the runs end at {result.redundant_end_matched:.4g} (matched)" in text
    assert result.redundant_end_matched == pytest.approx(result.redundant_expected_end, rel=1e-9)


def test_mlp_heads_match_on_the_page():
    at = open_page({"svs_model": "MLP (16 tanh units)", "svs_epochs": "100"})
    result = tn.compare_heads("separable", model="mlp", lr=0.5, epochs=100, offset=1.0)
    shown = metrics(at)
    assert shown["Output-layer parameters"] == "17 vs 34"
    assert f"**{sci(result.matched_max)}**" in markdown(at)
    assert "twice the learning rate" not in markdown(at), "the 2·lr shortcut is stated for the linear model only"


def test_chaotic_learning_rate_is_explained_not_hidden():
    at = open_page({"svs_lr": "100.0", "svs_data": "overlapping"})
    result = tn.compare_heads("overlapping", lr=100.0, epochs=500, offset=1.0)
    text = markdown(at)
    assert not result.matched_identical
    assert "one model in exact arithmetic, but not in float64 at η = 100" in text
    assert f"past 1e-12 at epoch {result.matched_divergence_epoch}" in text
    assert "the size of float64 rounding" not in text


def test_diverging_settings_give_a_message_not_an_error():
    """η = 100, λ = 0.3: each step multiplies the weights by 1 − 30 = −29."""
    at = open_page({"svs_lr": "100.0", "svs_decay": "0.3"})
    assert at.warning and "1 − η·λ = -29" in at.warning[0].value and "diverges" in at.warning[0].value
    assert "Matched, the two heads" not in markdown(at)


@pytest.mark.parametrize("params", [{"svs_lr": "100.0"}, {"svs_lr": "0.01", "svs_epochs": "10"}])
def test_learning_rate_extremes_stay_finite(params):
    at = open_page(params)
    text = markdown(at)
    assert "nan" not in text.lower().replace("finance", "") and "inf" not in text.replace("infinitely", "")
    assert "Matched, the two heads are one model" in text

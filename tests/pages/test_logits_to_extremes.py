"""AppTest checks of the "Why BCE pushes logits to extremes" page: the numbers it states.

Expected values come from lossviz.twoneuron (tested in tests/test_twoneuron.py), recomputed here
for the page's settings; the page must show them, not merely run.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from markdown_tables import markdown_tables
from streamlit.testing.v1 import AppTest

from lossviz import twoneuron as tn

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/logits_to_extremes.py"


def open_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params = dict(params or {})
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def summary_for(kind="separable", model="logistic", loss="bce", lr=0.5, epochs=1000, decay=0.0, smoothing=0.0):
    run = tn.training_run(
        kind,
        model=model,
        loss=loss,
        lr=lr,
        epochs=epochs,
        weight_decay=decay,
        label_smoothing=smoothing,
        frames=50,
        grid_size=50,
    )
    return tn.summarize_run(run.trajectory, run.y)


def test_defaults_state_the_growth_of_weights_and_logits():
    at = open_page()
    s = summary_for()
    text = markdown(at)
    assert f"went from {s.weight_norm_start:.3g} to **{s.weight_norm_end:.3g}**" in text
    assert f"(epochs {s.late_epoch} to {s.last_epoch}) it changed by **{s.late_growth:+.2%}**" in text
    assert "it is **still growing**" in text and s.still_growing
    assert f"max |z| went from {s.max_logit_start:.3g} to **{s.max_logit_end:.3g}**" in text
    assert f"{s.extreme_end:.0%} of the 200 samples end below 0.01 or above 0.99" in text
    assert s.weight_norm_end > 5 and s.max_logit_end > 20 and s.extreme_end > 0.8
    assert "the loss has no minimum at finite weights" in text


def test_the_animation_is_one_figure_with_frames():
    at = open_page()
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert len(specs) == 3, "animation, curves, reliability diagram"
    animation = specs[0]
    assert len(animation["frames"]) == 51, "epoch 0 and every 20th epoch up to 1000"
    assert animation["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"
    assert len(animation["layout"]["sliders"][0]["steps"]) == 51
    spec_text = at.get("plotly_chart")[0].proto.spec
    assert len(spec_text) < 1_500_000 and "bdata" not in spec_text


def test_overlapping_data_levels_off():
    at = open_page({"ext_data": "overlapping"})
    s = summary_for("overlapping")
    text = markdown(at)
    assert "it has **levelled off**" in text and not s.still_growing
    assert f"{s.errors_end} training samples are misclassified" in text
    assert "finite minimum and the weights settle there" in text


def test_label_smoothing_states_the_bound():
    """ls = 0.1: targets 0.95 and 0.05, z* = log(0.95 / 0.05) = log 19 = 2.944."""
    at = open_page({"ext_loss": "label-smoothed BCE"})
    text = markdown(at)
    assert "replaces the targets 1 and 0 by 1 − ls/2 = 0.95 and ls/2 = 0.05" in text
    assert "z* = **2.944**" in text
    s = summary_for(smoothing=0.1)
    assert f"the median |z| is {s.median_logit_end:.3g}" in text
    assert any(r"\frac{0.95}{0.05} = 2.944" in latex.value for latex in at.latex), [x.value for x in at.latex]
    assert abs(s.median_logit_end - math.log(19)) < 0.1, "the median sample sits at the bound"


@pytest.mark.parametrize(("value", "bound"), [("0.5", "1.099"), ("0.0", None)])
def test_label_smoothing_slider_extremes(value, bound):
    """ls = 0.5: z* = log(0.75 / 0.25) = log 3 = 1.099; ls = 0 is plain BCE, with no bound."""
    at = open_page({"ext_loss": "label-smoothed BCE", "ext_ls": value})
    assert at.slider(key="ext_ls").value == float(value)
    text = markdown(at)
    if bound is None:
        assert "Label smoothing ls = 0**" not in text and "still growing" in text
    else:
        assert f"z* = **{bound}**" in text


def test_label_smoothing_slider_only_with_its_loss():
    at = open_page({"ext_ls": "0.3"})
    assert not [s for s in at.slider if s.key == "ext_ls"], "no smoothing slider for plain BCE"
    assert "Label smoothing ls =" not in markdown(at)


def test_mlp_with_label_smoothing_keeps_logits_not_weights_bounded():
    at = open_page({"ext_loss": "label-smoothed BCE", "ext_model": "MLP (16 tanh units)"})
    s = summary_for(model="mlp", smoothing=0.1)
    text = markdown(at)
    assert s.still_growing and s.max_logit_end < 1.5 * math.log(19)
    assert "Label smoothing bounds each sample's optimal logit at ±z* = 2.94, not the weights" in text
    assert "the loss has no minimum at finite weights" not in text


def test_reference_table_and_remedies_read_the_reference_runs():
    at = open_page()
    rows = {row.label: row for row in tn.reference_runs(epochs=2000)}
    sep, over = rows["BCE, separable"], rows["BCE, overlapping"]
    table = markdown_tables(at)[0]
    assert list(table["set-up"]) == list(rows)
    assert table["‖W‖ @ 2000"][0] == f"{sep.weight_norm[2]:.4g}"
    text = markdown(at)
    assert f"{sep.weight_norm[0]:.2f} → {sep.weight_norm[1]:.2f} → {sep.weight_norm[2]:.2f}, still growing" in text
    assert f"{over.weight_norm[1]:.4f} at epoch 1000 and {over.weight_norm[2]:.4f} at 2000: it stopped" in text
    mse = rows["MSE through σ, separable"]
    assert f"more slowly: {mse.weight_norm[2]:.2f} against BCE's {sep.weight_norm[2]:.2f}" in text
    focal = rows["focal loss, separable"]
    assert f"‖W‖ reaches {focal.weight_norm[2]:.3g} instead of {sep.weight_norm[2]:.3g}, still growing" in text


def test_predicting_ten_times_longer_reveals_the_numbers():
    at = open_page()
    at.radio(key="ext_predict_longer").set_value("It grows about 10×").run()
    assert at.warning and "It keeps growing, but slowly" in at.warning[0].value
    sep = tn.reference_runs(epochs=2000)[0]
    text = markdown(at)
    assert f"Ten times the epochs gave {sep.growth_ratio:.2f}× the norm" in text
    assert 1 < sep.growth_ratio < 2


def test_two_softmax_neurons_change_nothing():
    at = open_page()
    # Compared at the 51 epochs the animation records (section 1's run is the sigmoid head).
    twin = tn.compare_heads("separable", lr=0.5, epochs=1000, max_records=50, double_lr=False)
    text = markdown(at)
    assert f"by at most **{twin.matched_max:.2g}** over all samples and the 51 recorded epochs" in text
    assert "switching to two softmax neurons changes nothing about the extremes" in text
    assert twin.matched_max < 1e-14 and twin.same_lr_extreme >= twin.sigmoid_extreme


def test_chaotic_twin_is_explained():
    at = open_page({"ext_lr": "100.0", "ext_data": "overlapping"})
    text = markdown(at)
    assert "equals the single sigmoid neuron's in exact arithmetic" in text
    assert "changes nothing about the extremes.**" not in text


def test_squared_error_has_no_softmax_twin():
    at = open_page({"ext_loss": "MSE through σ"})
    assert any("twin of BCE" in info.value for info in at.info)


def test_diverging_settings_give_a_message_not_an_error():
    at = open_page({"ext_lr": "100.0", "ext_decay": "0.3"})
    assert at.warning and "1 − η·λ = -29" in at.warning[0].value
    assert not at.get("plotly_chart") or len(at.get("plotly_chart")) == 0 or "still growing" not in markdown(at)


def test_huge_learning_rate_stalls_in_floating_point():
    at = open_page({"ext_lr": "100.0", "ext_epochs": "2000"})
    s = summary_for(lr=100.0, epochs=2000)
    text = markdown(at)
    assert "Training has stalled in floating point, not converged" in text
    assert f"|∂ℓ/∂z| is {s.max_gradient_end:.2g}" in text and s.max_gradient_end < 1e-12


def test_overshooting_learning_rate_has_not_settled():
    at = open_page({"ext_lr": "100.0", "ext_data": "overlapping", "ext_epochs": "2000"})
    s = summary_for("overlapping", lr=100.0, epochs=2000)
    assert not s.settled
    assert f"changed by {s.late_growth:+.2%} over the last quarter: the run has not settled yet" in markdown(at)
    assert "it is **still changing**" in markdown(at) and "levelled off" not in markdown(at)


@pytest.mark.parametrize(
    "params",
    [
        {"ext_lr": "100.0", "ext_epochs": "2000"},
        {"ext_lr": "0.01", "ext_epochs": "10"},
        {"ext_data": "imbalanced", "ext_loss": "focal (α = 0.25, γ = 2)"},
        {"ext_model": "MLP (16 tanh units)", "ext_data": "noisy", "ext_epochs": "200"},
    ],
)
def test_extreme_and_other_settings_state_finite_numbers(params):
    at = open_page(params)
    text = markdown(at)
    assert "What this run shows" in " ".join(h.value for h in at.subheader)
    assert " nan" not in text.lower() and "inf%" not in text
    assert len(at.get("plotly_chart")) == 3

"""AppTest checks of "The likelihood view" page: the numbers and verdicts it states.

Expected values come from lossviz.landscape (tested in tests/test_landscape.py); the page must
show them, not merely run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_tables import markdown_tables
from streamlit.testing.v1 import AppTest

from lossviz import landscape as ls

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/likelihood_view.py"


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


def test_defaults_state_the_descent_race_from_the_core():
    at = open_page()
    paths = ls.lesson_descent("separable", w0=-6.0, b0=0.0, lr=1.0, steps=300)
    bce_step = ls.first_step_reaching(paths["bce"], 1.0)
    mse_step = ls.first_step_reaching(paths["mse"], 1.0)
    text = markdown(at)
    assert f"{bce_step} steps; squared error after {mse_step} steps" in text
    assert f"{paths['bce'].grad_norm[0]:.3g} (cross-entropy) and {paths['mse'].grad_norm[0]:.3g}" in text
    assert len(at.get("plotly_chart")) == 4 and len(at.latex) >= 9


def test_likelihood_table_shows_zero_differences():
    at = open_page({"lik_sigma": "0.1"})
    table = markdown_tables(at)[0]
    assert list(table["distribution"]) == ["Bernoulli(p)", "Categorical(softmax(z))", "Gaussian(mean p, σ = 0.1)"]
    for residual in table["NLL − (scale · loss + constant)"]:
        assert abs(float(residual)) < 1e-12
    assert list(table["scale · loss + constant"])[2].startswith("50 · "), "1/(2σ²) = 50 for σ = 0.1"


def test_convexity_is_stated_from_the_surfaces():
    at = open_page()
    land = ls.lesson_landscape("separable")
    text = markdown(at)
    assert "negative at 0.0% of the 14,641 grid points" in text
    assert f"negative at **{land.surfaces['mse'].negative_fraction:.1%}** of the grid" in text
    assert f"**{land.witnesses['mse'].gap:.4f} above the chord**" in text


@pytest.mark.parametrize(
    "kind, phrase",
    [
        ("separable", "multiple local minima, no"),
        ("overlapping", "is not even the best value"),
        ("outlier", "None of them is a finite local minimum"),
    ],
)
def test_seed_003_verdict_follows_the_data(kind, phrase):
    at = open_page({"lik_data": kind})
    text = markdown(at)
    assert phrase in text
    outcomes = ls.lesson_landscape(kind).outcomes["mse"]
    summary = "one place" if len(outcomes) == 1 else f"{len(outcomes)} different places"
    assert f"**Squared error**: descent ends in {summary}" in text
    for outcome in outcomes:
        assert f"reached from {outcome.share:.0%} of the grid" in text


@pytest.mark.parametrize(
    "params",
    [
        {"lik_lr": "30", "lik_steps": "1000", "lik_w0": "10.0", "lik_b0": "-10.0"},
        {"lik_lr": "0.01", "lik_steps": "10", "lik_w0": "-10.0", "lik_b0": "10.0"},
        {"lik_lr": "30", "lik_data": "overlapping"},
    ],
)
def test_learning_rate_and_start_extremes(params):
    at = open_page(params)
    text = markdown(at)
    assert "nan" not in text.lower()
    assert f"with learning rate {float(params['lik_lr']):g}" in text
    if params["lik_lr"] == "30" and "lik_w0" in params:
        assert "leaves the plotted box" in text


def test_predict_then_reveal():
    at = open_page()
    at.radio(key="lik_predict").set_value("Squared error").run()
    (warning,) = [w.value for w in at.warning]
    paths = ls.lesson_descent("separable", w0=-6.0, b0=0.0, lr=1.0, steps=300)
    bce_step = ls.first_step_reaching(paths["bce"], 1.0)
    assert "the answer is Cross-entropy" in warning and f"after {bce_step} steps" in warning

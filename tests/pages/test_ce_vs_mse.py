"""AppTest checks of the "Cross-entropy vs squared error" page: the numbers it states.

Expected values come from lossviz.curves (tested in tests/test_curves.py) or from closed forms
written beside them; the page must show them, not merely run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_tables import markdown_tables
from streamlit.testing.v1 import AppTest

from lossviz import curves as cv

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/ce_vs_mse.py"


def open_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
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


def test_defaults_show_the_marker_numbers():
    """Default marker p = 0.02, y = 1: ∂CE/∂z = −0.98, ∂MSE/∂z = 2(−0.98)(0.02)(0.98) = −0.03842,
    ratio 1/(2·0.02·0.98) = 25.5."""
    at = open_page()
    shown = metrics(at)
    assert shown["∂CE/∂z (cross-entropy)"] == "-0.98"
    assert shown["∂MSE/∂z (squared error)"] == "-0.03842"
    assert shown["ratio |∂CE/∂z| ÷ |∂MSE/∂z|"] == "25.5×"
    text = markdown(at)
    assert "wrong and confident" in text and "25.5× smaller" in text
    assert len(at.get("plotly_chart")) == 3
    assert len(at.latex) >= 7


def test_seed_claims_are_checked_on_the_page():
    at = open_page()
    claims = markdown_tables(at)[1]
    verdicts = list(claims["Verdict"])
    assert verdicts == ["True", "Size right, sign flipped", "True", "Misleading", "True"]
    computed = " ".join(claims["Computed"])
    assert "p = 0.1353 is where the CE loss passes 2" in computed
    assert "cross 0 times" in computed
    assert "500.5 at p = 0.001" in computed  # 1/(2·0.001·0.999) = 500.5
    text = markdown(at)
    assert "**0.2963** (= 8/27, at p = 0.3333)" in text


@pytest.mark.parametrize(
    "params, p",
    [
        ({"cvm_p": "0.001"}, 0.001),
        ({"cvm_p": "0.999"}, 0.999),
        ({"cvm_p": "0.999", "cvm_y": "0"}, 0.999),
        ({"cvm_var": "z", "cvm_z": "-12.0"}, None),
        ({"cvm_var": "z", "cvm_z": "12.0", "cvm_y": "0"}, None),
    ],
)
def test_extremes_show_finite_computed_numbers(params, p):
    at = open_page(params)
    y = int(params.get("cvm_y", "1"))
    variable = params.get("cvm_var", "p")
    value = p if variable == "p" else float(params["cvm_z"])
    expected = cv.marker_readout(value, y, variable=variable)
    shown = metrics(at)
    assert shown["∂CE/∂z (cross-entropy)"] == f"{expected.ce_grad_z:.4g}"
    assert shown["∂MSE/∂z (squared error)"] == f"{expected.mse_grad_z:.4g}"
    assert shown["ratio |∂CE/∂z| ÷ |∂MSE/∂z|"] == f"{expected.ratio:.3g}×"
    assert "nan" not in markdown(at).lower() and "inf" not in " ".join(shown.values())


def test_label_zero_mirrors_the_seed_check():
    at = open_page({"cvm_y": "0", "cvm_p": "0.98"})
    shown = metrics(at)
    assert shown["∂CE/∂z (cross-entropy)"] == "0.98" and shown["ratio |∂CE/∂z| ÷ |∂MSE/∂z|"] == "25.5×"
    assert "p = 0.8647 is where the CE loss passes 2" in " ".join(markdown_tables(at)[1]["Computed"])  # 1 − e⁻²


def test_right_side_explanation():
    at = open_page({"cvm_p": "0.5"})
    assert "leans to the **right** class" in markdown(at)
    assert metrics(at)["ratio |∂CE/∂z| ÷ |∂MSE/∂z|"] == "2×", "the smallest ratio, at p = 1/2"


def test_predict_then_reveal_uses_computed_numbers():
    at = open_page()
    at.radio(key="cvm_predict_01").set_value("Cross-entropy's").run()
    (success,) = [s.value for s in at.success]
    assert "-0.99" in success and "-0.0196" in success and "50.5×" in success  # 1/(2·0.01·0.99)
    at.radio(key="cvm_predict_half").set_value("Squared error's").run()
    (warning,) = [w.value for w in at.warning]
    assert "Cross-entropy's" in warning and "2× larger" in warning

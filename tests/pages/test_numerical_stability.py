"""The numerical-stability page shows the computed break points, the Keras clipping numbers and the
seed snippet's values, follows its deep links, and reveals the predict-first answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_tables import markdown_tables
from streamlit.testing.v1 import AppTest

from lossviz import stability as stab

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/numerical_stability.py"


def open_page(query_params=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params = dict(query_params or {})
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def tables(at) -> list:
    return markdown_tables(at)


def test_defaults_show_float64_break_points():
    at = open_page()
    shown = text(at)
    assert "exp(x) overflows to inf for x > 709.78 and underflows to 0 for x < -745.13" in shown
    assert "z ≥ 36.74" in shown
    assert "first fatal break of any naive formula here is at **z = 36.74**" in shown, "the seed formula's NaN"
    assert "shifted softmax still underflows to 0 at z = -745.13" in shown
    assert "1/(1 + exp(−z)) fails earlier, at z = -709.78" in shown
    table = tables(at)[0]
    assert list(table["formula"]) == [f.label for f in stab.FORMULAS.values()]
    row = list(table["formula"]).index("σ then log")
    assert table["z < 0"][row].startswith("inf for z ≤ -709.78")
    assert table["z > 0"][list(table["formula"]).index("BCE with logits")] == "fine on all of [0, 1000]"
    assert len(at.get("plotly_chart")) == 2


def test_float32_deep_link():
    at = open_page({"num_dtype": "float32"})
    shown = text(at)
    assert "exp(x) overflows to inf for x > 88.72" in shown
    table = tables(at)[0]
    assert table["z < 0"][0].startswith("inf for z ≤ -88.72")
    assert "z ≥ 16.64" in table["z > 0"][0]


def test_label_zero_and_small_range_have_no_breaks():
    at = open_page({"num_y": "0", "num_range": "10"})
    table = tables(at)[0]
    assert set(table["z < 0"]) == {"fine on all of [-10, 0]"}
    assert "no naive formula returns inf or NaN" in text(at)


def test_predict_float32_reveals_the_computed_answer():
    at = open_page()
    radio = next(r for r in at.radio if r.key == "num_predict_f32")
    radio.set_value("z ≈ -88.7").run()
    assert at.success and "Right: z ≈ -88.7" in at.success[0].value
    assert "2.94e-39" in at.success[0].value, "the true σ, a float32 subnormal"


def test_keras_clipping_numbers():
    at = open_page()
    shown = text(at)
    assert "reports **16.1181**, while the loss of this logit is **30**: off by +13.8819" in shown
    assert "∂ℓ/∂z = 0 instead of σ(z) − y = -1" in shown
    metric_values = [m.value for m in at.metric]
    assert "16.1181" in metric_values and "30" in metric_values
    radio = next(r for r in at.radio if r.key == "num_predict_clip")
    radio.set_value("30.0").run()
    assert at.warning and "the answer is 16.1" in at.warning[0].value


def test_keras_epsilon_deep_link_changes_the_cap():
    at = open_page({"num_eps": "1e-3", "num_z": "-10.0"})
    shown = text(at)
    assert "can never exceed −log ε = **6.908**" in shown
    assert "At z = -10 (label 1) the model gives p = 4.54e-05, below ε = 0.001" in shown
    inside = text(open_page({"num_eps": "1e-3", "num_z": "-5.0"}))
    assert "At z = -5 the probability 0.006693 is inside [ε, 1 − ε]" in inside


def test_seed_snippet_values():
    at = open_page()
    codes = [c.value for c in at.code]
    assert stab.SEED_SNIPPET.strip() in [c.strip() for c in codes]
    assert stab.CORRECTED_SNIPPET.strip() in [c.strip() for c in codes]
    shown = text(at)
    assert "returns **5.543208** instead of **5.196604**" in shown
    assert "gives\n   **-0.1535**" in shown or "**-0.1535**" in shown
    values = tables(at)[1]["mean BCE on the seed's inputs"]
    assert values == ["5.196604231088062", "5.196604231088621", "5.196604231088621", "5.196604231088062",
                      "5.196604231088621"]


@pytest.mark.parametrize("z, seed_code, corrected", [(-800.0, ["nan", "inf"], ["0.346574", "400.347"]),
                                                     (9.7, ["5.1966", "0.346574"], ["5.1966", "0.346574"])])
def test_seed_code_at_a_large_logit(z, seed_code, corrected):
    at = open_page({"num_seed_z": repr(z)})
    table = tables(at)[2]
    assert table["the seed's code"][0] == seed_code[0]
    assert table["corrected snippet"][0] == corrected[0]
    if z == -800.0:
        assert table["the seed's code"] == seed_code
        assert table["corrected snippet"] == corrected
        assert "scikit-learn stays finite only because it clips" in text(at)

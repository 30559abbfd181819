"""AppTest checks of the "Categorical CE and softmax gradients" page: the numbers it states.

Expected values come from lossviz.multiclass (tested in tests/test_multiclass.py) or from closed
forms written beside them; the page must show them, not merely run.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/softmax_gradients.py"


def open_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params = dict(params or {})
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def test_defaults_show_the_numbers_and_hold_back_the_gradient():
    at = open_page()
    assert not at.error
    shown = metrics(at)
    # softmax([1.5, 2, 0.5, −1])_0 = e^1.5 / (e^1.5 + e^2 + e^0.5 + e^−1) = 0.3227, −log of it 1.131.
    assert shown["s_t, probability of class 0"] == "0.3227"
    assert shown["loss −log s_t"] == "1.131"
    assert shown["largest push down: class 1"] == "+0.5321"
    assert charts(at) == 3, "probabilities, seed-001 comparison, clipping; the gradient waits for a prediction"
    assert len(at.latex) >= 8
    text = markdown(at)
    assert "raises $z_0$ by η·0.6773" in text
    assert "gradients sum to" in text
    assert [s.key for s in at.slider][:5] == ["smg_c", "smg_z0", "smg_z1", "smg_z2", "smg_z3"]
    assert at.slider(key="smg_z3") and not any(s.key == "smg_z4" for s in at.slider), "C = 4 shows 4 logits"


def test_predicting_reveals_the_gradient_chart():
    at = open_page()
    at.radio(key="smg_predict").set_value("Every logit").run()
    assert charts(at) == 4
    assert "Right: Every logit" in at.success[0].value and "-0.6773 on the true logit" in at.success[0].value
    at.radio(key="smg_predict").set_value("Only the true class's logit").run()
    assert "Not quite" in at.warning[0].value and charts(at) == 4


def test_seed_001_both_readings_are_computed_and_said_plainly():
    at = open_page()
    text = markdown(at)
    # Summed BCE −log 0.7 − 3 log 0.9 = 0.6728 and −log 0.73 − log 0.74 − 2 log 0.95 = 0.7184.
    assert "A 0.6728, B 0.7184: prefers **A**" in text
    assert "$-\\log p_0$: A 0.3567, B 0.3147: prefers **B**" in text, "read literally, as the thread argues"
    assert "losses A 0.3567, B 0.4009: prefers **A**" in text, "Keras renormalises: −log(0.73/1.09) = 0.4009"
    warning = next(w.value for w in at.warning if "Vector B sums to 1.09" in w.value)
    assert "0.73/1.09 = 0.6697" in warning and "prefers B and Keras prefers A" in warning
    assert f"{-2 * math.log(0.73):.4f}" in text, "summed BCE of any valid vector with p_0 = 0.73 is at most −2 log 0.73"
    assert "categorical CE 0.3425 against A's 0.3567 prefers **B**" in text
    assert "summed BCE 0.6850 against A's 0.6728 prefers **A**" in text


def test_editing_the_vectors_and_bad_text():
    at = open_page({"smg_pb": "0.71, 0.29, 0, 0"})
    assert not at.error and not any("sums to" in w.value for w in at.warning), "a valid vector gets no warning"
    assert "prefers **B**" in markdown(at)
    at.text_input(key="smg_pa").set_value("0.7, abc").run()
    assert len(at.error) == 1
    # Error text is Markdown-escaped (lossviz.ui.errors.markdown_literal); drop the escapes to read it.
    shown = re.sub(r"\\(.)", r"\1", at.error[0].value)
    assert "Vector A cannot be used: vector A must hold numbers separated by commas; 'abc' is not a number" in shown
    assert charts(at) == 2 and not at.exception, "the rest of the page goes on"
    at.text_input(key="smg_pa").set_value("0, 0, 0").run()
    assert "positive sum" in at.error[0].value
    at.text_input(key="smg_pa").set_value("__import__('os').system('true')").run()
    assert "is not a number" in at.error[0].value


@pytest.mark.parametrize(("label", "cap"), [("1e-12", 27.63), ("1e-07", 16.12), ("0.1", 2.303)])
def test_eps_extremes(label, cap):
    at = open_page({"smg_eps": label} if label != "1e-07" else None)
    assert at.select_slider(key="smg_eps").value == label
    assert f"−log ε = **{cap:.4g}**" in markdown(at)
    assert not at.error and charts(at) == 3


def test_ten_classes_at_the_logit_extremes_clip_the_keras_path():
    params = {"smg_c": "10", "smg_z0": "-20.0", **{f"smg_z{j}": "20.0" for j in range(1, 10)}}
    at = open_page(params)
    assert sorted(s.key for s in at.slider if s.key.startswith("smg_z")) == sorted(f"smg_z{j}" for j in range(10))
    # loss = logsumexp(z) − z_0 = 20 + log(9 + e^−40) + 20 = 40 + log 9 = 42.20
    assert metrics(at)["loss −log s_t"] == f"{40 + math.log(9):.4g}"
    warning = next(w.value for w in at.warning if "outside [ε, 1 − ε]" in w.value)
    assert "Keras loss 16.12" in warning and "Keras 0" in warning
    at.radio(key="smg_predict").set_value("Every logit").run()
    assert charts(at) == 4 and not at.error


def test_two_classes_and_a_confident_model():
    at = open_page({"smg_c": "2", "smg_true": "class 1", "smg_z0": "-20.0", "smg_z1": "20.0"})
    assert at.button_group(key="smg_true").value == "class 1"
    assert metrics(at)["loss −log s_t"] == "0", "−log(1 − e^−40) = 4e-18 prints as 0 at 4 digits"
    at.radio(key="smg_predict").set_value("Every logit").run()
    assert "exactly 0" in at.success[0].value, "1 − e^−40 rounds to 1: the page says the gradient rounds to 0"
    assert any("outside [ε, 1 − ε]" in w.value for w in at.warning), "p_t > 1 − ε is clipped too"


def test_true_class_follows_the_number_of_classes():
    at = open_page({"smg_true": "class 3"})
    assert "s_t, probability of class 3" in metrics(at)
    at.slider(key="smg_c").set_value(3).run()
    assert not at.exception and "s_t, probability of class 0" in metrics(at), "class 3 no longer exists"


def test_seed_004_typo_is_shown_with_numbers():
    text = markdown(open_page())
    assert "gives 0.3227 for every negative class" in text
    assert "0.5321 (class 1), 0.1187 (class 2), 0.02649 (class 3)" in text
    assert "differ by up to 0.2962" in text, "max |s_0 − s_n| = 0.3227 − 0.02649"

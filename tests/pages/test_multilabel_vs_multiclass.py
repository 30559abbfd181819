"""AppTest checks of the "Multi-label vs multi-class" page: the numbers it states.

Expected values come from lossviz.multiclass / lossviz.metrics (tested in tests/test_multiclass.py
and tests/test_metrics.py) or from closed forms written beside them.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lossviz import multiclass as mc

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/multilabel_vs_multiclass.py"
TRAP_ANSWER = {"mlc_predict_trap": "About 96 % (25/26)"}
HEADS_ANSWER = {"mlc_predict_heads": "1/M each"}


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


def test_defaults_compare_the_heads_on_two_positives():
    at = open_page()
    assert not at.error and not at.warning
    shown = metrics(at)
    z = (2.0, 1.5, -1.0, -0.5, 0.0)
    y = (1.0, 1.0, 0.0, 0.0, 0.0)
    sig, soft = mc.sigmoid_head(z, y), mc.softmax_head(z, y)
    assert shown["sigmoid: Σ_j p_j"] == f"{sig.probability_sum:.3f}" and sig.probability_sum > 1
    assert shown["softmax: Σ_j s_j"] == "1.000"
    assert shown["softmax: CE (1/M, M = 2)"] == f"{soft.loss:.4g}"
    text = markdown(at)
    assert f"log M = {math.log(2):.4g}" in text and "1/M = 0.5" in text
    assert "not above the 0.5 threshold: thresholded, it predicts none of the positives" in text
    assert "differ from $s - y/M$ by at most" in text and "these formulas are right" in text
    assert f"{soft.unscaled_loss:.4g} = 2 × {soft.loss:.4g}" in text
    assert charts(at) == 2, "probabilities and gradients; training and the trap wait for predictions"


def test_heads_prediction_reveals_training_to_one_over_m():
    at = open_page({**HEADS_ANSWER, "mlc_steps": "1000"})
    assert charts(at) == 3
    path = mc.train_logits((2.0, 1.5, -1.0, -0.5, 0.0), (1.0, 1.0, 0.0, 0.0, 0.0), head="softmax", steps=1000)
    assert f"the softmax head gives them {path[-1, 0]:.3f}, {path[-1, 1]:.3f}, heading for 1/M = 0.500" in markdown(at)
    assert "Right: 1/M each" in at.success[0].value


def test_three_positives_and_a_threshold_below_one_over_m():
    at = open_page({"mlc_pos": ["class 0", "class 1", "class 3"]})
    assert "softmax: CE (1/M, M = 3)" in metrics(at)
    assert "each positive 0.3333, below the 0.5 threshold" in markdown(at)


def test_no_positive_class_explains_the_softmax_limit():
    at = open_page()
    at.multiselect(key="mlc_pos").set_value([]).run()
    assert not at.error and not at.exception
    assert any('no way to say "none of these"' in w.value for w in at.warning)
    assert "softmax: Σ_j s_j" not in metrics(at) and charts(at) == 2
    at.radio(key="mlc_predict_heads").set_value("1/M each").run()
    assert charts(at) == 3 and not at.exception, "training shows the sigmoid head alone"


def test_exactly_one_class_mode_is_plain_cross_entropy():
    at = open_page({"mlc_mode": "Exactly one class (multi-class)", "mlc_true": "class 2"})
    assert at.button_group(key="mlc_true").value == "class 2"
    assert not any(m.key == "mlc_pos" for m in at.multiselect)
    shown = metrics(at)
    z = (2.0, 1.5, -1.0, -0.5, 0.0)
    assert shown["softmax: CE (1/M, M = 1)"] == f"{mc.softmax_head(z, (0, 0, 1.0, 0, 0)).loss:.4g}"
    assert "ordinary softmax cross-entropy" in markdown(at)


@pytest.mark.parametrize("n_classes", ["2", "10"])
def test_class_count_and_logit_extremes(n_classes):
    c = int(n_classes)
    params = {"mlc_c": n_classes, **{f"mlc_z{j}": ("20.0" if j % 2 else "-20.0") for j in range(c)}, **HEADS_ANSWER}
    at = open_page(params)
    assert sorted(s.key for s in at.slider if s.key.startswith("mlc_z")) == sorted(f"mlc_z{j}" for j in range(c))
    assert not at.error and charts(at) == 3
    assert at.multiselect(key="mlc_pos").value == ["class 0", "class 1"]


def test_trap_reveal_at_defaults_states_the_25_correct_zeros():
    at = open_page(TRAP_ANSWER)
    assert "Right: About 96 % (25/26)" in at.success[-1].value and "96.15%" in at.success[-1].value
    shown = metrics(at)
    data = mc.keras_trap_data(26, "all_zeros", n_samples=1000, seed=0)
    report = mc.keras_trap_report(data)
    assert shown['binary_accuracy (Keras\' "accuracy")'] == "96.2%"
    assert shown["categorical_accuracy"] == f"{report.categorical_accuracy:.1%}"
    text = markdown(at)
    assert "binary_accuracy on one-hot targets counts the 25 correct zeros" in text
    assert "(0 + 25000) / (1000·26) = 96.15%" in text
    assert f"share of class 0 in these 1000 samples, {report.class0_share:.1%} (1/C = 3.8%)" in text
    assert charts(at) == 4


@pytest.mark.parametrize(
    ("label", "key"),
    [(label, key) for key, label in mc.TRAP_MODELS.items()],
)
def test_trap_every_model(label, key):
    at = open_page(TRAP_ANSWER)
    at.selectbox(key="mlc_trap_model").set_value(label).run()
    assert not at.error and not at.exception and charts(at) == 4
    report = mc.keras_trap_report(mc.keras_trap_data(26, key, n_samples=1000, seed=0))
    assert metrics(at)["categorical_accuracy"] == f"{report.categorical_accuracy:.1%}"
    if key != "all_zeros":
        assert "The useless all-zero model scores 96.15% binary accuracy on the same data" in markdown(at)


@pytest.mark.parametrize(("n_classes", "binary"), [(2, "50.0%"), (100, "99.0%")])
def test_trap_class_count_extremes(n_classes, binary):
    at = open_page({**TRAP_ANSWER, "mlc_trap_c": str(n_classes), "mlc_trap_seed": "9999"})
    assert metrics(at)['binary_accuracy (Keras\' "accuracy")'] == binary, "(C − 1)/C for the all-zero model"
    plural = "s" if n_classes > 2 else ""
    assert f"counts the {n_classes - 1} correct zero{plural}." in markdown(at)
    assert not at.error and charts(at) == 4

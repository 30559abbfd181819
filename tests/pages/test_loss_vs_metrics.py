"""The loss-vs-metrics page states the computed verdict of each configuration, the share of the
loss carried by the worst samples, the metrics at the chosen threshold, follows its deep links
and reveals the predict-first answer."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/loss_vs_metrics.py"


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


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_default_verdict_rising_loss_improving_metrics():
    at = open_page()
    shown = text(at)
    assert "validation loss is lowest at epoch 20 (0.251) and then rises by 68% to 0.423" in shown
    assert "training loss keeps falling (0.122 → 0.023)" in shown
    assert "accuracy went from 93.5% to 95.0% and F1 from 0.683 to 0.783" in shown
    assert "yes, it is possible" in shown
    assert "stopping at the best F1 gives 0.783 (epoch 495)" in shown
    shown_metrics = metrics(at)
    assert shown_metrics["lowest validation loss (epoch 20)"] == "0.251"
    assert shown_metrics["validation F1"] == "0.783"
    assert len(at.get("plotly_chart")) == 4


def test_the_worst_samples_carry_most_of_the_loss():
    shown = text(open_page())
    assert "**The 5 worst samples carry 75% of it**" in shown
    assert "10 samples are misclassified and carry 95% of the loss" in shown
    assert "the 10 samples whose label is an annotation error carry 95%" in shown


def test_parallel_configuration_is_not_overfitting():
    at = open_page({"lvm_scenario": "Same label noise in both sets"})
    shown = text(at)
    assert "The two loss curves run **parallel**" in shown
    assert "parallel curves with a steady gap are not overfitting" in shown
    assert "gap to the training loss is 0.033 at epoch 15 and 0.038 at the end" in shown
    assert not any(s.key == "lvm_noise" for s in at.select_slider), "no extra errors in this configuration"


def test_without_annotation_errors_the_loss_does_not_rise():
    shown = text(open_page({"lvm_noise": "0"}))
    assert "run **parallel**" in shown
    assert "200 points drawn the same way, but 0 of their labels" in shown


def test_epoch_zero_every_sample_costs_log_two():
    at = open_page({"lvm_epoch": "0", "lvm_k": "20"})
    shown = text(at)
    assert "The validation loss at epoch 0 is the mean of these 200 bars, 0.693" in shown
    assert "**The 20 worst samples carry 10% of it**" in shown, "20 of 200 equal losses"
    assert metrics(at)["precision"] == "0.000", "nothing is predicted positive at p = 0.5"


def test_threshold_changes_metrics_not_loss():
    default = text(open_page())
    low = open_page({"lvm_threshold": "0.05"})
    assert "At t = 0.05:" in text(low)
    assert metrics(low)["recall"] != "0.692"
    loss_sentence = "The validation loss at epoch 500 is the mean of these 200 bars, 0.423"
    assert loss_sentence in default and loss_sentence in text(low)


def test_predict_reveals_the_computed_answer():
    at = open_page()
    radio = next(r for r in at.radio if r.key == "lvm_predict")
    radio.set_value("No, it stayed the same or went up").run()
    assert at.success, "accuracy did not go down"
    assert "from 93.5% at epoch 20 to 95.0% at epoch 500" in at.success[0].value

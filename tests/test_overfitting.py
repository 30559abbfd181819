"""Tests for lossviz.overfitting: the lesson's run shows validation loss rising while accuracy and
F1 improve, the rise is carried by a few confident mistakes (the annotation errors), the parallel
scenario is not overfitting, and every per-epoch number agrees with an independent computation.

Reference values marked "scikit-learn" were computed once on this machine with scikit-learn's
precision_score / recall_score / f1_score on the same predictions (not imported here).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossviz import overfitting as ovf
from lossviz.data import make_dataset, train_val_split
from lossviz.metrics import precision_recall_f1


@pytest.fixture(scope="module")
def default_run():
    return ovf.run_scenario("confident-mistakes")


@pytest.fixture(scope="module")
def clean_run():
    return ovf.run_scenario("confident-mistakes", val_label_noise=0.0)


@pytest.fixture(scope="module")
def parallel_run():
    return ovf.run_scenario("parallel")


def independent_bce(logits, y):
    """softplus(−z) for y = 1, softplus(z) for y = 0, via logaddexp (not lossviz)."""
    return np.where(y == 1, np.logaddexp(0.0, -logits), np.logaddexp(0.0, logits))


# --------------------------------------------------------------------------------------------
# The lesson's claims
# --------------------------------------------------------------------------------------------


def test_default_run_rises_while_metrics_improve(default_run):
    v = ovf.curve_verdict(default_run)
    assert 0 < v.best_epoch < default_run.epochs[-1] // 4, "validation loss bottoms out early"
    assert v.val_rise > 0.2, "then rises by more than 20 %"
    assert v.rising and v.overfitting_signature, "while training loss keeps falling"
    assert v.final_train_loss < v.train_loss_at_best
    assert v.metrics_improved, "yet accuracy and F1 end higher than at the loss minimum"
    assert v.final_accuracy > v.accuracy_at_best and v.final_f1 > v.f1_at_best
    assert v.final_gap > v.gap_at_best


def test_default_run_numbers_the_page_states(default_run):
    v = ovf.curve_verdict(default_run)
    assert v.best_epoch == 20 and round(v.val_rise, 2) == 0.68
    assert (round(v.accuracy_at_best, 3), round(v.final_accuracy, 3)) == (0.935, 0.95)
    assert (round(v.f1_at_best, 3), round(v.final_f1, 3)) == (0.683, 0.783)
    assert v.best_f1 == pytest.approx(v.final_f1) and v.best_f1_epoch > v.best_epoch


def test_final_metrics_match_scikit_learn(default_run):
    view = ovf.epoch_view(default_run, 500)
    # scikit-learn: precision_score / recall_score / f1_score(y_val, p > 0.5) at epoch 500
    assert view.precision == pytest.approx(0.9)
    assert view.recall == pytest.approx(0.6923076923076923)
    assert view.f1 == pytest.approx(0.782608695652174)
    # scikit-learn f1_score at epoch 20 (the loss minimum)
    assert ovf.epoch_view(default_run, 20).f1 == pytest.approx(0.6829268292682927)


def test_a_few_confident_mistakes_carry_most_of_the_loss(default_run):
    view = ovf.epoch_view(default_run, 500, k=5)
    assert view.top_k_share > 0.5, "the 5 worst of 200 samples carry most of the loss"
    assert round(view.top_k_share, 2) == 0.75
    assert view.annotation_share > 0.9, "and they are the annotation errors"
    assert view.wrong_share > 0.9
    assert view.n_wrong == 10 and view.confident_wrong == 9
    worst = set(view.order[:5].tolist())
    assert worst <= set(np.flatnonzero(default_run.annotation_error).tolist())


def test_without_annotation_errors_validation_loss_does_not_rise(clean_run):
    assert not clean_run.annotation_error.any()
    v = ovf.curve_verdict(clean_run)
    assert not v.rising and not v.overfitting_signature
    assert v.final_val_loss <= v.best_val_loss * (1 + v.tolerance)


def test_the_training_run_does_not_depend_on_validation_labels(default_run, clean_run):
    np.testing.assert_array_equal(default_run.train_loss, clean_run.train_loss)
    np.testing.assert_array_equal(default_run.val_logits, clean_run.val_logits)


def test_parallel_scenario_is_not_overfitting(parallel_run):
    v = ovf.curve_verdict(parallel_run)
    assert not v.rising and not v.overfitting_signature
    assert abs(v.final_gap - v.gap_at_best) < 0.02, "the gap stays put"
    assert parallel_run.train_label_noise == pytest.approx(0.1)
    assert not parallel_run.annotation_error.any()


# --------------------------------------------------------------------------------------------
# Consistency with the trainer, the data module and the metrics
# --------------------------------------------------------------------------------------------


def test_annotation_errors_are_the_flipped_labels(default_run):
    data = make_dataset("imbalanced-separable", 400, seed=0)
    _, clean = train_val_split(data, n_val=200, seed=0)
    flipped = default_run.y_val != clean.y
    np.testing.assert_array_equal(default_run.annotation_error, flipped)
    assert int(flipped.sum()) == round(0.05 * 200)


@pytest.mark.parametrize("epoch", [0, 20, 250, 500])
def test_per_sample_losses_average_to_the_validation_loss(default_run, epoch):
    view = ovf.epoch_view(default_run, epoch)
    index = view.index
    # atol: bce_with_logits forms (1 − y)·z − log σ(z), a difference of numbers of size |z| <= 20
    # for y = 0, so tiny losses are exact only to a few ulps of |z|.
    np.testing.assert_allclose(view.loss, independent_bce(default_run.val_logits[index], default_run.y_val),
                               rtol=1e-12, atol=1e-13)
    assert view.mean_loss == pytest.approx(default_run.val_loss[index], rel=1e-12)
    assert np.all(np.diff(view.loss[view.order]) <= 0), "sorted from the largest"


@pytest.mark.parametrize("epoch", [0, 20, 500])
def test_metric_arrays_match_the_metrics_module(default_run, epoch):
    view = ovf.epoch_view(default_run, epoch, threshold=0.5)
    i = view.index
    scores = precision_recall_f1(default_run.y_val, default_run.val_probs[i])
    assert (default_run.val_precision[i], default_run.val_recall[i], default_run.val_f1[i]) == (
        scores.precision, scores.recall, scores.f1)
    assert default_run.val_accuracy[i] == view.accuracy
    assert view.accuracy == np.mean((default_run.val_probs[i] > 0.5) == (default_run.y_val == 1))


def test_epoch_zero_is_log_two_everywhere(default_run):
    view = ovf.epoch_view(default_run, 0, k=7)
    np.testing.assert_allclose(view.loss, math.log(2))
    assert view.top_k_share == pytest.approx(7 / default_run.y_val.size)
    assert view.precision == 0.0 and view.recall == 0.0 and view.f1 == 0.0, "nothing predicted positive"


def test_top_k_share_grows_with_k_and_reaches_one(default_run):
    n = default_run.y_val.size
    shares = [ovf.epoch_view(default_run, 500, k=k).top_k_share for k in (1, 5, 20, n)]
    assert shares == sorted(shares) and shares[-1] == pytest.approx(1.0)


def test_threshold_extremes(default_run):
    top = ovf.epoch_view(default_run, 500, threshold=1.0)
    assert (top.precision, top.recall, top.f1) == (0.0, 0.0, 0.0), "p > 1 never happens"
    bottom = ovf.epoch_view(default_run, 500, threshold=0.0)
    assert bottom.recall == 1.0


def test_probability_histogram_counts_every_sample(default_run):
    probs = default_run.val_probs[-1]
    hist = ovf.probability_histogram(probs, default_run.y_val, bins=20)
    assert hist.negative.sum() == np.sum(default_run.y_val == 0)
    assert hist.positive.sum() == np.sum(default_run.y_val == 1)
    edge = ovf.probability_histogram([0.0, 1.0, 0.5], [0, 1, 1], bins=2)
    assert edge.negative.tolist() == [1, 0], "0 in the first bin"
    assert edge.positive.tolist() == [1, 1], "0.5 (an edge) in the lower bin, 1 in the last"
    # At epoch 0 every p is exactly 0.5, predicted negative by p > 0.5: left of the threshold line.
    start = ovf.probability_histogram(default_run.val_probs[0], default_run.y_val, bins=20)
    assert start.negative[9] + start.positive[9] == default_run.y_val.size


def test_runs_are_deterministic(default_run):
    again = ovf.run_scenario("confident-mistakes")
    np.testing.assert_array_equal(again.val_loss, default_run.val_loss)
    np.testing.assert_array_equal(again.y_val, default_run.y_val)


def test_tolerance_decides_what_counts_as_rising(default_run):
    assert not ovf.curve_verdict(default_run, tolerance=1.0).rising


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda run: ovf.run_scenario("mlp"), r'name must be one of "confident-mistakes", "parallel"; got \'mlp\''),
        (lambda run: ovf.run_scenario(val_label_noise=0.7), r"val_label_noise must be in \[0, 0.5\]; got 0.7"),
        (lambda run: ovf.run_scenario(seed=-1), r"seed must be an integer >= 0; got -1"),
        (lambda run: ovf.epoch_view(run, 7), r"epoch must be a recorded epoch \(0 to 500 in steps of 5\); got 7"),
        (lambda run: ovf.epoch_view(run, 5.0), r"epoch must be an integer"),
        (lambda run: ovf.epoch_view(run, 5, k=0), r"k must be an integer in \[1, 200\]; got 0"),
        (lambda run: ovf.epoch_view(run, 5, threshold=1.5), r"threshold must be in \[0, 1\]; got 1.5"),
        (lambda run: ovf.epoch_view("run", 5), r"run must be a LossMetricRun; got str"),
        (lambda run: ovf.curve_verdict(run, tolerance=-0.1), r"tolerance must be in \[0, 1\]"),
        (lambda run: ovf.probability_histogram([0.5], [2]), r"y must hold binary labels"),
        (lambda run: ovf.probability_histogram([1.5], [1]), r"p must hold probabilities in \[0, 1\]"),
        (lambda run: ovf.probability_histogram([0.5], [1], bins=0), r"bins must be an integer in \[1, 200\]"),
    ],
)
def test_errors_name_the_argument(default_run, call, match):
    with pytest.raises(ValueError, match=match):
        call(default_run)

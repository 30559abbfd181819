"""Tests for lossviz.metrics.

Reference values marked "sklearn 1.9.1" were computed once with the locally installed scikit-learn
1.9.1 (NumPy 2.4.6) by running the quoted call on the arrays defined in this file and pasting
``repr`` of the result; scikit-learn is not a test dependency. Keras facts cite the Keras 3 source
(keras/src/metrics/accuracy_metrics.py), whose docstring examples are reproduced here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lossviz.metrics import (
    ConfusionCounts,
    accuracy,
    binarize,
    binary_accuracy,
    categorical_accuracy,
    confusion_counts,
    expected_calibration_error,
    hamming_accuracy,
    keras_accuracy_trap,
    log_loss,
    per_class_precision_recall_f1,
    precision_recall_f1,
    precision_recall_f1_curve,
    reliability_bins,
    sparse_categorical_accuracy,
    subset_accuracy,
)

EPS64 = np.finfo(np.float64).eps

# A binary problem with probabilities exactly 0, 1 and 0.5 (clipping and the threshold rule).
Y_BIN = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0])
P_BIN = np.array([0.1, 0.9, 0.4, 0.6, 0.5, 0.0, 0.3, 1.0, 0.8, 0.5, 0.7, 0.2])

# A 3-class problem; row 3 gives the true class probability 0 (log loss capped by clipping).
P_MC = np.array(
    [
        [0.7, 0.2, 0.1],
        [0.1, 0.8, 0.1],
        [0.3, 0.3, 0.4],
        [0.0, 0.5, 0.5],
        [0.25, 0.5, 0.25],
        [1.0, 0.0, 0.0],
    ]
)
Y_MC = np.array([0, 1, 0, 0, 2, 0])

# A multi-label problem; class 3 has no true positive and one predicted positive.
Y_ML = np.array([[1, 0, 1, 0], [0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]])
P_ML = np.array(
    [
        [0.9, 0.2, 0.6, 0.1],
        [0.4, 0.7, 0.2, 0.3],
        [0.8, 0.3, 0.1, 0.2],
        [0.1, 0.1, 0.4, 0.6],
        [0.6, 0.5, 0.2, 0.1],
    ]
)


# --------------------------------------------------------------------------------------------
# Against scikit-learn
# --------------------------------------------------------------------------------------------


def test_binary_scores_match_sklearn():
    # sklearn 1.9.1: accuracy_score, confusion_matrix(labels=[0, 1]).ravel(), precision_score,
    # recall_score, f1_score of (Y_BIN, (P_BIN > 0.5).astype(int)).
    assert accuracy(Y_BIN, binarize(P_BIN)) == 0.75
    assert binary_accuracy(Y_BIN, P_BIN) == 0.75
    assert confusion_counts(Y_BIN, binarize(P_BIN)) == ConfusionCounts(tp=4, fp=1, fn=2, tn=5)
    assert precision_recall_f1(Y_BIN, P_BIN) == (0.8, 0.6666666666666666, 0.7272727272727273)


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        # sklearn 1.9.1: (precision_score, recall_score, f1_score with zero_division=0,
        # accuracy_score) of (Y_BIN, (P_BIN > t).astype(int)).
        (0.0, (0.5454545454545454, 1.0, 0.7058823529411765, 0.5833333333333334)),
        (0.25, (0.6666666666666666, 1.0, 0.8, 0.75)),
        (0.5, (0.8, 0.6666666666666666, 0.7272727272727273, 0.75)),
        (0.75, (1.0, 0.5, 0.6666666666666666, 0.75)),
        (1.0, (0.0, 0.0, 0.0, 0.5)),
    ],
)
def test_threshold_sweep_matches_sklearn_at_each_threshold(threshold, expected):
    sweep = precision_recall_f1_curve(Y_BIN, P_BIN, thresholds=[threshold])
    got = (sweep.precision[0], sweep.recall[0], sweep.f1[0], sweep.accuracy[0])
    assert got == expected
    assert tuple(precision_recall_f1(Y_BIN, P_BIN, threshold=threshold)) == expected[:3]


def test_log_loss_binary_matches_sklearn_to_the_last_bit():
    # sklearn 1.9.1: log_loss(Y_BIN, P_BIN) and log_loss(Y_BIN, P_BIN, normalize=False).
    assert log_loss(Y_BIN, P_BIN) == 0.3824361538908115
    assert log_loss(Y_BIN, P_BIN, reduction="sum") == 4.589233846689738


def test_log_loss_multiclass_matches_sklearn_to_the_last_bit():
    # sklearn 1.9.1: log_loss(Y_MC, P_MC, labels=[0, 1, 2]) and the same with normalize=False.
    assert log_loss(Y_MC, P_MC) == 6.53562317496932
    assert log_loss(Y_MC, P_MC, reduction="sum") == 39.21373904981592
    assert log_loss(np.eye(3)[Y_MC], P_MC) == 6.53562317496932, "one-hot targets must give the same"


def test_log_loss_clips_at_float64_eps_like_sklearn():
    # sklearn 1.9.1: log_loss([0, 1, 1, 0], [0.0, 1.0, 1.0, 0.0]) and log_loss([0, 1], [1.0, 0.0]):
    # sklearn clips to [eps, 1 - eps] with eps = finfo(float64).eps, so perfect is not 0.
    # −log(1 − ε) rounds to ε + 1 ulp; NumPy's float64 log is within 1 ulp, and its SIMD version
    # (AVX-512 machines) returns ε itself, so the check allows that one ulp and no more.
    assert log_loss([0, 1, 1, 0], [0.0, 1.0, 1.0, 0.0]) == pytest.approx(2.2204460492503136e-16, rel=2.3e-16, abs=0)
    assert log_loss([0, 1], [1.0, 0.0]) == 36.04365338911715
    assert log_loss([0, 1], [1.0, 0.0]) == pytest.approx(-math.log(EPS64), rel=1e-15)


def test_log_loss_rows_are_not_renormalised():
    # sklearn >= 1.5 only warns when rows do not sum to 1; the loss uses the raw column.
    assert log_loss([0], [[0.2, 0.2]]) == pytest.approx(-math.log(0.2), rel=1e-15)


def test_multiclass_accuracy_matches_sklearn():
    # sklearn 1.9.1: accuracy_score(Y_MC, P_MC.argmax(1)) == 0.5 (rows 0, 1, 5 right; row 3's
    # tie between classes 1 and 2 goes to class 1, still wrong).
    assert accuracy(Y_MC, P_MC.argmax(axis=1)) == 0.5
    assert sparse_categorical_accuracy(Y_MC, P_MC) == 0.5
    assert categorical_accuracy(np.eye(3)[Y_MC], P_MC) == 0.5


def test_multilabel_scores_match_sklearn():
    pred = binarize(P_ML)
    # sklearn 1.9.1: hamming_loss(Y_ML, pred) == 0.15, accuracy_score(Y_ML, pred) == 0.6.
    assert hamming_accuracy(Y_ML, P_ML) == pytest.approx(1 - 0.15, rel=1e-15)
    assert subset_accuracy(Y_ML, P_ML) == 0.6
    # sklearn 1.9.1: precision_recall_fscore_support(Y_ML, pred, average=None, zero_division=0).
    per_class = per_class_precision_recall_f1(Y_ML, P_ML)
    np.testing.assert_array_equal(per_class.precision, [1.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(per_class.recall, [1.0, 0.5, 0.5, 0.0])
    np.testing.assert_array_equal(per_class.f1, [1.0, 0.6666666666666666, 0.6666666666666666, 0.0])
    # sklearn 1.9.1: the same with zero_division=1.0: class 3's recall is 0/0, its F1 is 0/1.
    per_class = per_class_precision_recall_f1(Y_ML, P_ML, zero_division=1.0)
    np.testing.assert_array_equal(per_class.recall, [1.0, 0.5, 0.5, 1.0])
    np.testing.assert_array_equal(per_class.f1, [1.0, 0.6666666666666666, 0.6666666666666666, 0.0])
    # sklearn 1.9.1: average="macro" -> (0.75, 0.5, 0.5833333333333333); "micro" below.
    macro = per_class_precision_recall_f1(Y_ML, P_ML)
    assert (macro.precision.mean(), macro.recall.mean()) == (0.75, 0.5)
    assert macro.f1.mean() == pytest.approx(0.5833333333333333, rel=1e-15)
    micro = (0.8333333333333334, 0.7142857142857143, 0.7692307692307693)
    assert precision_recall_f1(Y_ML, P_ML) == micro


@pytest.mark.parametrize(
    ("zero_division", "no_positives", "no_predicted_positives"),
    [
        # sklearn 1.9.1: (precision_score, recall_score, f1_score)(y, zeros(4), zero_division=zd)
        # for y = zeros(4) ("no_positives") and y = [1, 0, 0, 0] ("no_predicted_positives").
        # zero_division="warn" gives the 0.0 row.
        (0.0, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
        (1.0, (1.0, 1.0, 1.0), (1.0, 0.0, 0.0)),
        (math.nan, (math.nan, math.nan, math.nan), (math.nan, 0.0, 0.0)),
    ],
)
def test_zero_division_matches_sklearn(zero_division, no_positives, no_predicted_positives):
    zeros = np.zeros(4)
    got = precision_recall_f1(zeros, zeros, zero_division=zero_division)
    np.testing.assert_array_equal(got, no_positives)
    got = precision_recall_f1([1, 0, 0, 0], zeros, zero_division=zero_division)
    np.testing.assert_array_equal(got, no_predicted_positives)


def test_reliability_bins_match_sklearn_calibration_curve():
    bins = reliability_bins(P_BIN, Y_BIN, n_bins=5)
    # sklearn 1.9.1: calibration_curve(Y_BIN, P_BIN, n_bins=5, strategy="uniform") returns
    # prob_true, prob_pred over the non-empty bins (all five are non-empty here).
    np.testing.assert_array_equal(bins.observed_frequency, [0.0, 0.5, 0.3333333333333333, 1.0, 1.0])
    np.testing.assert_array_equal(
        bins.mean_confidence, [0.10000000000000002, 0.35, 0.5333333333333333, 0.75, 0.95]
    )
    np.testing.assert_array_equal(bins.counts, [3, 2, 3, 2, 2])
    np.testing.assert_array_equal(bins.edges, np.linspace(0.0, 1.0, 6))


def test_probabilities_on_an_edge_go_to_the_lower_bin_like_sklearn():
    # Every P_BIN value is a multiple of 0.1. sklearn 1.9.1: calibration_curve(Y_BIN, P_BIN,
    # n_bins=10) gives prob_pred [0.05, 0.2, 0.3, ..., 1.0]: 0.0 and 0.1 share bin 0 and 0.2 sits
    # in (0.1, 0.2], so an edge value belongs to the bin below it; 1.0 is in the last bin.
    bins = reliability_bins(P_BIN, Y_BIN, n_bins=10)
    np.testing.assert_array_equal(bins.counts, [2, 1, 1, 1, 2, 1, 1, 1, 1, 1])
    np.testing.assert_array_equal(
        bins.mean_confidence, [0.05, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    )
    np.testing.assert_array_equal(bins.observed_frequency, [0, 0, 0, 1, 0.5, 0, 1, 1, 1, 1])


def test_empty_bins_are_nan_and_skipped_by_ece():
    bins = reliability_bins([0.05, 0.95], [0, 1], n_bins=4)
    np.testing.assert_array_equal(bins.counts, [1, 0, 0, 1])
    assert np.isnan(bins.mean_confidence[1:3]).all(), "an empty bin has no mean confidence"
    assert np.isnan(bins.observed_frequency[1:3]).all(), "an empty bin has no frequency"
    # Hand computation: two bins of one sample, gaps |0 - 0.05| and |1 - 0.95|, weights 1/2.
    ece = expected_calibration_error([0.05, 0.95], [0, 1], n_bins=4)
    assert ece == pytest.approx(0.05, rel=1e-12)


def test_ece_by_hand_on_the_binary_data():
    # From the five sklearn bins above with counts [3, 2, 3, 2, 2] of 12:
    # (3·0.1 + 2·0.15 + 3·0.2 + 2·0.25 + 2·0.05) / 12 = 1.8 / 12 = 0.15.
    assert expected_calibration_error(P_BIN, Y_BIN, n_bins=5) == pytest.approx(0.15, rel=1e-12)
    # From the ten edge-rule bins above: gaps |freq - conf| are
    # [0.05, 0.2, 0.3, 0.6, 0, 0.6, 0.3, 0.2, 0.1, 0] with counts [2, 1, 1, 1, 2, 1, 1, 1, 1, 1],
    # so ECE = (2·0.05 + 0.2 + 0.3 + 0.6 + 0.6 + 0.3 + 0.2 + 0.1) / 12 = 2.4 / 12 = 0.2 (the
    # unweighted mean of the gaps would be 0.235).
    assert expected_calibration_error(P_BIN, Y_BIN, n_bins=10) == pytest.approx(0.2, rel=1e-12)
    # One bin sees only the average: mean(P_BIN) = 6.0 / 12 = mean(Y_BIN), so ECE is 0 although
    # the five-bin ECE is not.
    assert expected_calibration_error(P_BIN, Y_BIN, n_bins=1) == pytest.approx(0.0, abs=1e-15)


# --------------------------------------------------------------------------------------------
# Keras semantics and the accuracy trap
# --------------------------------------------------------------------------------------------


def test_keras_docstring_examples():
    # keras/src/metrics/accuracy_metrics.py docstrings: BinaryAccuracy 0.75, CategoricalAccuracy
    # 0.5, SparseCategoricalAccuracy 0.5 on these inputs.
    assert binary_accuracy([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]) == 0.75
    assert categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]) == 0.5
    assert sparse_categorical_accuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]) == 0.5


def test_binary_accuracy_threshold_is_strictly_greater():
    # Keras: y_pred = cast(y_pred > threshold); p == threshold is a negative prediction.
    got = binary_accuracy([1, 0], [0.5, 0.5], reduction="none")
    np.testing.assert_array_equal(got, [0.0, 1.0])
    np.testing.assert_array_equal(binarize([0.3, 0.3000001], threshold=0.3), [0.0, 1.0])
    assert binary_accuracy([0, 1], [0.0, 1.0], threshold=1.0) == 0.5, "nothing exceeds 1.0"


def test_binary_accuracy_means_over_the_last_axis_per_sample():
    y = np.array([[1, 0, 0, 0], [0, 1, 0, 0]])
    p = np.array([[0.9, 0.6, 0.1, 0.1], [0.2, 0.2, 0.2, 0.2]])
    np.testing.assert_array_equal(binary_accuracy(y, p, reduction="none"), [0.75, 0.75])
    assert binary_accuracy(y, p) == 0.75
    np.testing.assert_array_equal(hamming_accuracy(y, p, reduction="none"), [0.75, 0.75])
    np.testing.assert_array_equal(subset_accuracy(y, p, reduction="none"), [0.0, 0.0])


def test_argmax_ties_take_the_first_class():
    p = np.zeros((3, 4))
    np.testing.assert_array_equal(
        sparse_categorical_accuracy([0, 1, 3], p, reduction="none"), [1, 0, 0]
    )
    np.testing.assert_array_equal(
        categorical_accuracy(np.eye(4)[[0, 1, 3]], p, reduction="none"), [1, 0, 0]
    )


def test_keras_trap_all_zero_model_on_26_balanced_classes():
    trap = keras_accuracy_trap(26)
    assert trap.binary_accuracy == pytest.approx(25 / 26, rel=1e-15)
    assert trap.categorical_accuracy == pytest.approx(1 / 26, rel=1e-15)
    assert trap.binary_accuracy > 0.96, "the seed thread's ~96 % accuracy"


def test_keras_trap_categorical_accuracy_of_all_zeros_is_the_share_of_class_0():
    counts = np.arange(1, 27)  # class 0 has 1 of 351 samples
    trap = keras_accuracy_trap(26, class_counts=counts)
    assert trap.categorical_accuracy == pytest.approx(1 / 351, rel=1e-12)
    assert trap.binary_accuracy == pytest.approx(25 / 26, rel=1e-15)
    no_class_0 = keras_accuracy_trap(26, class_counts=[0] + [10] * 25)
    assert no_class_0.categorical_accuracy == 0.0


@pytest.mark.parametrize(
    ("q_true", "q_other", "binary", "categorical"),
    [
        (1 / 26, 1 / 26, 25 / 26, 1 / 26),  # uniform output: a tie, class 0 wins
        (0.3, 0.7 / 25, 25 / 26, 1.0),  # right class first, below threshold: same binary score
        (0.9, 0.1 / 25, 1.0, 1.0),  # confident and right
        (0.0, 0.6, 0.0, 0.0),  # every class but the true one above threshold
    ],
)
def test_keras_trap_closed_forms(q_true, q_other, binary, categorical):
    trap = keras_accuracy_trap(26, true_class_prob=q_true, other_class_prob=q_other)
    assert trap.binary_accuracy == pytest.approx(binary, rel=1e-15)
    assert trap.categorical_accuracy == pytest.approx(categorical, rel=1e-15)


def test_keras_trap_agrees_with_the_metrics_on_a_full_data_set():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 5, size=200)
    y = np.eye(5)[labels]
    trap = keras_accuracy_trap(5, class_counts=np.bincount(labels, minlength=5))
    p = np.zeros_like(y)
    assert trap.binary_accuracy == pytest.approx(binary_accuracy(y, p), rel=1e-14)
    assert trap.categorical_accuracy == pytest.approx(categorical_accuracy(y, p), rel=1e-14)


# --------------------------------------------------------------------------------------------
# Registry of metrics: shared invariances
# --------------------------------------------------------------------------------------------


def _binary_data(rng, n=40):
    y = rng.integers(0, 2, size=n).astype(float)
    y[:2] = [0.0, 1.0]
    return y, rng.random(n)


def _multiclass_data(rng, n=40, c=4):
    return rng.integers(0, c, size=n), rng.dirichlet(np.ones(c), size=n)


def _multilabel_data(rng, n=40, c=4):
    y = rng.integers(0, 2, size=(n, c)).astype(float)
    y[0] = 1.0
    return y, rng.random((n, c))


# name -> (data factory, metric(y, p), value for perfect predictions). Perfect log loss is
# sklearn's clipped value, -log(1 - eps) == 2.2204460492503136e-16 (see above).
METRICS = {
    "accuracy": (_binary_data, lambda y, p: accuracy(y, binarize(p)), 1.0),
    "binary_accuracy": (_binary_data, binary_accuracy, 1.0),
    "precision": (_binary_data, lambda y, p: precision_recall_f1(y, p).precision, 1.0),
    "recall": (_binary_data, lambda y, p: precision_recall_f1(y, p).recall, 1.0),
    "f1": (_binary_data, lambda y, p: precision_recall_f1(y, p).f1, 1.0),
    "ece": (_binary_data, lambda y, p: expected_calibration_error(p, y), 0.0),
    "log_loss": (_binary_data, log_loss, 2.2204460492503136e-16),
    "sparse_categorical_accuracy": (_multiclass_data, sparse_categorical_accuracy, 1.0),
    "categorical_accuracy": (
        _multiclass_data,
        lambda y, p: categorical_accuracy(np.eye(p.shape[1])[y], p),
        1.0,
    ),
    "log_loss_multiclass": (_multiclass_data, log_loss, 2.2204460492503136e-16),
    "hamming_accuracy": (_multilabel_data, hamming_accuracy, 1.0),
    "subset_accuracy": (_multilabel_data, subset_accuracy, 1.0),
    "macro_f1": (_multilabel_data, lambda y, p: per_class_precision_recall_f1(y, p).f1.mean(), 1.0),
    "micro_f1": (_multilabel_data, lambda y, p: precision_recall_f1(y, p).f1, 1.0),
}


def _perfect(y, p):
    """Predictions that are exactly right: the labels themselves, or one-hot rows of them."""
    if p.ndim == 2 and y.ndim == 1:
        return np.eye(p.shape[1])[y]
    return y.astype(float)


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric_is_invariant_to_permuting_samples(name):
    make, metric, _ = METRICS[name]
    rng = np.random.default_rng(0)
    y, p = make(rng)
    order = rng.permutation(len(y))
    assert metric(y[order], p[order]) == pytest.approx(metric(y, p), rel=1e-12, abs=1e-15), (
        f"{name} must not depend on the order of the samples"
    )


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric_of_perfect_predictions(name):
    make, metric, perfect = METRICS[name]
    y, p = make(np.random.default_rng(1))
    assert metric(y, _perfect(y, p)) == pytest.approx(perfect, rel=1e-12, abs=0), (
        f"{name} of exactly right predictions must be {perfect}"
    )


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric_actually_responds_to_errors(name):
    make, metric, perfect = METRICS[name]
    y, p = make(np.random.default_rng(2))
    assert metric(y, p) != pytest.approx(perfect, abs=1e-6), f"{name} must tell noise from perfect"


@pytest.mark.parametrize(
    "metric",
    [
        accuracy,
        binary_accuracy,
        sparse_categorical_accuracy,
        hamming_accuracy,
        subset_accuracy,
        log_loss,
    ],
)
def test_reductions_none_mean_sum_agree(metric):
    rng = np.random.default_rng(4)
    if metric is accuracy:
        y, p = rng.integers(0, 3, size=30), rng.integers(0, 3, size=30)
    elif metric in (sparse_categorical_accuracy, log_loss):
        y, p = _multiclass_data(rng, n=30)
    else:
        y, p = _multilabel_data(rng, n=30)
    values = metric(y, p, reduction="none")
    assert values.shape == (30,), "one value per sample"
    assert metric(y, p, reduction="mean") == pytest.approx(values.mean(), rel=1e-14)
    assert metric(y, p, reduction="sum") == pytest.approx(values.sum(), rel=1e-14)


def test_sweep_equals_pointwise_scores_everywhere():
    rng = np.random.default_rng(5)
    y, p = _binary_data(rng, n=60)
    p[:10] = np.round(p[:10], 1)  # some probabilities exactly on a default threshold
    sweep = precision_recall_f1_curve(y, p)
    assert sweep.thresholds.shape == (101,)
    for i, t in enumerate(sweep.thresholds):
        c = confusion_counts(y, binarize(p, threshold=t))
        assert (sweep.tp[i], sweep.fp[i], sweep.fn[i], sweep.tn[i]) == tuple(c), f"counts at t={t}"
        assert (sweep.precision[i], sweep.recall[i], sweep.f1[i]) == precision_recall_f1(
            y, p, threshold=t
        ), f"scores at t={t}"
        assert sweep.accuracy[i] == pytest.approx(binary_accuracy(y, p, threshold=t), rel=1e-15)
    assert np.all(np.diff(sweep.recall) <= 0), "recall cannot rise as the threshold rises"


def test_metrics_pool_every_element_of_a_mask():
    rng = np.random.default_rng(6)
    y = rng.integers(0, 2, size=(3, 5, 5)).astype(float)
    p = rng.random((3, 5, 5))
    assert precision_recall_f1(y, p) == precision_recall_f1(y.ravel(), p.ravel())
    assert confusion_counts(y, binarize(p)) == confusion_counts(y.ravel(), binarize(p).ravel())
    assert expected_calibration_error(p, y) == expected_calibration_error(p.ravel(), y.ravel())


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

_probs = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def _binary_problem(draw, max_n=30):
    n = draw(st.integers(1, max_n))
    y = draw(arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])))
    p = draw(arrays(np.float64, n, elements=_probs))
    return y, p


@settings(max_examples=60, deadline=None)
@given(_binary_problem(), st.floats(0.0, 1.0), st.integers(1, 20))
def test_binary_metrics_lie_in_unit_interval(problem, threshold, n_bins):
    y, p = problem
    values = {
        "binary_accuracy": binary_accuracy(y, p, threshold=threshold),
        **precision_recall_f1(y, p, threshold=threshold)._asdict(),
        "ece": expected_calibration_error(p, y, n_bins=n_bins),
    }
    for name, value in values.items():
        assert 0.0 <= value <= 1.0, f"{name} = {value} outside [0, 1]"
    c = confusion_counts(y, binarize(p, threshold=threshold))
    assert sum(c) == y.size, "every sample is counted exactly once"
    assert binary_accuracy(y, p, threshold=threshold) == pytest.approx((c.tp + c.tn) / y.size)


@settings(max_examples=60, deadline=None)
@given(_binary_problem())
def test_log_loss_is_bounded_by_the_clipping(problem):
    y, p = problem
    values = log_loss(y, p, reduction="none")
    assert np.all(values >= 0.0), "log loss is non-negative"
    assert np.all(values <= -math.log(EPS64) + 1e-12), "clipping caps each sample at -log(eps)"


@settings(max_examples=60, deadline=None)
@given(_binary_problem(), st.integers(1, 20))
def test_reliability_bins_partition_the_samples(problem, n_bins):
    y, p = problem
    bins = reliability_bins(p, y, n_bins=n_bins)
    assert bins.counts.sum() == y.size, "every probability falls in exactly one bin"
    filled = bins.counts > 0
    lower, upper = bins.edges[:-1][filled], bins.edges[1:][filled]
    conf = bins.mean_confidence[filled]
    assert np.all((conf >= lower - 1e-12) & (conf <= upper + 1e-12)), "bin mean inside its bin"
    assert np.all((bins.observed_frequency[filled] >= 0) & (bins.observed_frequency[filled] <= 1))


@settings(max_examples=60, deadline=None)
@given(_binary_problem(), st.integers(1, 20))
def test_ece_equals_a_sample_by_sample_loop(problem, n_bins):
    y, p = problem
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    residual = np.zeros(n_bins)
    for yi, pi in zip(y, p):
        # The bin rule written out: the number of inner edges strictly below p.
        residual[sum(edge < pi for edge in edges[1:-1])] += yi - pi
    # Σ_B (n_B / N)·|freq_B − conf_B| = (1/N)·Σ_B |Σ_{i∈B} (y_i − p_i)|
    expected = np.abs(residual).sum() / y.size
    assert expected_calibration_error(p, y, n_bins=n_bins) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 8), st.integers(1, 15), st.data())
def test_multilabel_accuracies_are_ordered(c, n, data):
    y = data.draw(arrays(np.float64, (n, c), elements=st.sampled_from([0.0, 1.0])))
    p = data.draw(arrays(np.float64, (n, c), elements=_probs))
    hamming = hamming_accuracy(y, p)
    assert 0.0 <= subset_accuracy(y, p) <= hamming <= 1.0, "exact match is the stricter score"
    assert hamming == binary_accuracy(y, p), "Keras binary_accuracy is Hamming accuracy"


# --------------------------------------------------------------------------------------------
# Error messages
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: binary_accuracy([0, 1], [0.2]),
            r"p must have the same shape as y_true \(2,\); got \(1,\)",
        ),
        (
            lambda: binary_accuracy([0, 1], [math.nan, 0.1]),
            r"p must be finite \(no NaN or inf\); got 1 non-finite",
        ),
        (lambda: binary_accuracy([], []), r"y_true must not be empty; got shape \(0,\)"),
        (
            lambda: binary_accuracy([0, 2], [0.1, 0.2]),
            r"y_true must hold binary labels, each 0 or 1; got 1 other value\(s\), e\.g\. 2",
        ),
        (
            lambda: precision_recall_f1([0, 0.7], [0.1, 0.2]),
            r"y_true must hold binary labels, each 0 or 1; got 1 other value\(s\), e\.g\. 0\.7",
        ),
        (
            lambda: binary_accuracy([0, 1], [-0.1, 0.5]),
            r"p must hold probabilities in \[0, 1\]; got values from -0\.1 to 0\.5",
        ),
        (
            lambda: precision_recall_f1([0, 1], [0.1, 1.2]),
            r"p must hold probabilities in \[0, 1\]; got values from 0\.1 to 1\.2",
        ),
        (
            lambda: binary_accuracy([0, 1], [0.1, 0.2], threshold=1.5),
            r"threshold must be in \[0, 1\]; got 1\.5",
        ),
        (
            lambda: binarize([0.1], threshold="high"),
            r"threshold must be a number in \[0, 1\]; got 'high'",
        ),
        (
            lambda: binary_accuracy([0, 1], [0.1, 0.2], reduction="avg"),
            r'reduction must be one of "none", "mean", "sum"; got \'avg\'',
        ),
        (
            lambda: precision_recall_f1([0, 1], [0.1, 0.2], zero_division=0.5),
            r"zero_division must be 0\.0, 1\.0 or nan; got 0\.5",
        ),
        (
            lambda: precision_recall_f1_curve([0, 1], [0.1, 0.2], thresholds=[-0.1, 0.5]),
            r"thresholds must lie in \[0, 1\]; got values from -0\.1 to 0\.5",
        ),
        (
            lambda: precision_recall_f1_curve([0, 1], [0.1, 0.2], thresholds=[[0.5]]),
            r"thresholds must be a 1-d array; got shape \(1, 1\)",
        ),
        (
            lambda: confusion_counts([0, 1], [1, 3]),
            r"y_pred must hold binary labels, each 0 or 1; got 1 other value\(s\), e\.g\. 3",
        ),
        (
            lambda: confusion_counts([0, 1, 1], [1, 0]),
            r"y_pred must have the same shape as y_true \(3,\); got \(2,\)",
        ),
        (
            lambda: accuracy([[0, 1]], [[0, 1]]),
            r"y_true must be a 1-d array of labels; got shape \(1, 2\) \(for multi-label",
        ),
        (
            lambda: accuracy([0, 1], [0.5, 1]),
            r"y_pred must hold whole-number class indices; got fractional values",
        ),
        (
            lambda: categorical_accuracy([1, 0], [0.9, 0.1]),
            r"p must have shape \(n_samples, \.\.\., n_classes\) with at least 2 classes on the "
            r"last axis; "
            r"got shape \(2,\)",
        ),
        (
            lambda: categorical_accuracy([[1, 0]], [[0.9, 0.1], [0.2, 0.8]]),
            r"p must have the same shape as y_true \(1, 2\); got \(2, 2\)",
        ),
        (
            lambda: categorical_accuracy([[2, 0]], [[0.9, 0.1]]),
            r"y_true must be labels in \[0, 1\]; got values from 0 to 2",
        ),
        (
            lambda: sparse_categorical_accuracy([0, 3], np.ones((2, 3))),
            r"y_true must hold class indices in \[0, 2\]; got values from 0 to 3",
        ),
        (
            lambda: sparse_categorical_accuracy([-1, 0], np.ones((2, 3))),
            r"y_true must hold class indices in \[0, 2\]; got values from -1 to 0",
        ),
        (
            lambda: sparse_categorical_accuracy([0, 1, 2], np.ones((2, 3))),
            r"y_true must hold one class index per row of p, shape \(2,\); got \(3,\)",
        ),
        (
            lambda: log_loss([0, 1], np.full((2, 2, 2), 0.5)),
            r"p must be 1-d \(binary\) or 2-d \(n_samples, n_classes\); got shape \(2, 2, 2\)",
        ),
        (
            lambda: log_loss([0, 1], [[0.2], [0.7]]),
            r"p must have at least 2 columns \(one per class\); got shape \(2, 1\)",
        ),
        (
            lambda: log_loss([[1, 1], [0, 1]], [[0.5, 0.5], [0.5, 0.5]]),
            r"y_true given as one-hot rows must have exactly one 1 per row; got a row with 2",
        ),
        (
            lambda: log_loss([0, 2], [[0.5, 0.5], [0.5, 0.5]]),
            r"y_true must hold class indices in \[0, 1\]; got values from 0 to 2",
        ),
        (
            lambda: log_loss([0, 1, 1], [0.5, 0.5]),
            r"y_true must have the same shape as p \(2,\); got \(3,\)",
        ),
        (
            lambda: reliability_bins([0.2, 0.7], [0, 1], n_bins=0),
            r"n_bins must be an integer >= 1; got 0",
        ),
        (
            lambda: expected_calibration_error([0.2, 0.7], [0, 1], n_bins=2.5),
            r"n_bins must be an integer >= 1; got 2\.5",
        ),
        (
            lambda: expected_calibration_error([0, 1], [0.2, 0.7]),
            r"y must hold binary labels, each 0 or 1; got 2 other value\(s\), e\.g\. 0\.2",
        ),
        (
            lambda: reliability_bins([0.2, 1.7], [0, 1]),
            r"p must hold probabilities in \[0, 1\]; got values from 0\.2 to 1\.7",
        ),
        (
            lambda: reliability_bins([0.2, 0.7], [0, 1, 1]),
            r"y must have the same shape as p \(2,\); got \(3,\)",
        ),
        (lambda: keras_accuracy_trap(1), r"n_classes must be an integer >= 2; got 1"),
        (
            lambda: keras_accuracy_trap(3, true_class_prob=1.5),
            r"true_class_prob must be in \[0, 1\]; got 1\.5",
        ),
        (
            lambda: keras_accuracy_trap(3, class_counts=[1, 2]),
            r"class_counts must have shape \(3,\), one count per class; got \(2,\)",
        ),
        (
            lambda: keras_accuracy_trap(3, class_counts=[1, -2, 1]),
            r"class_counts must be non-negative with a positive total; got minimum -2 and total 0",
        ),
        (
            lambda: keras_accuracy_trap(3, class_counts=[0, 0, 0]),
            r"class_counts must be non-negative with a positive total; got minimum 0 and total 0",
        ),
    ],
)
def test_bad_input_raises_a_value_error_that_names_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()

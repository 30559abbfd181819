"""Classification metrics, matching scikit-learn and Keras, and calibration bins.

A loss is what the optimiser sees; a metric is what a person reads. These functions compute the
metrics the lessons put beside the losses: accuracy in its sklearn and Keras flavours, the Keras
``binary_accuracy`` trap on one-hot targets, precision / recall / F1 and their threshold sweep,
multi-label (Hamming and subset) accuracy, reliability-diagram bins with the expected calibration
error, and scikit-learn's ``log_loss``.

Argument order. A function named after a scikit-learn or Keras metric takes ``(y_true, y_pred)``
in that library's order, so that it reads like the code it mirrors. lossviz's own calibration
helpers (``reliability_bins``, ``expected_calibration_error``) take ``(p, y)`` like the losses.

Thresholding. Wherever probabilities become labels, ``p > threshold`` is the positive class
(strictly greater): Keras' ``binary_accuracy`` computes ``cast(y_pred > threshold)`` and
scikit-learn's ``preprocessing.binarize`` uses the same rule, so p = 0.5 is predicted negative at
the default threshold. Hard 0/1 predictions pass through unchanged for any threshold in [0, 1).

Per-sample metrics take ``reduction="none" | "mean" | "sum"``: "none" gives one value per sample,
"mean" (the default) the number the libraries report, "sum" the total over samples.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from lossviz._validation import (
    as_float_array,
    as_index_array,
    check_binary_targets,
    check_in_range,
    check_probabilities,
    check_reduction,
    check_same_shape,
    reduce,
)

__all__ = [
    "ConfusionCounts",
    "KerasAccuracyTrap",
    "PrecisionRecallF1",
    "ReliabilityBins",
    "ThresholdSweep",
    "accuracy",
    "binarize",
    "binary_accuracy",
    "categorical_accuracy",
    "confusion_counts",
    "expected_calibration_error",
    "hamming_accuracy",
    "keras_accuracy_trap",
    "log_loss",
    "per_class_precision_recall_f1",
    "precision_recall_f1",
    "precision_recall_f1_curve",
    "reliability_bins",
    "sparse_categorical_accuracy",
    "subset_accuracy",
]


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


class ConfusionCounts(NamedTuple):
    """Binary confusion counts: true positives, false positives, false negatives, true negatives."""

    tp: int
    fp: int
    fn: int
    tn: int


class PrecisionRecallF1(NamedTuple):
    """Precision, recall and F1: floats for a pooled score, arrays (one per class) per class."""

    precision: float | np.ndarray
    recall: float | np.ndarray
    f1: float | np.ndarray


@dataclass(frozen=True)
class ThresholdSweep:
    """Metrics of ``p > t`` against ``y`` for every threshold ``t`` (arrays of equal length)."""

    thresholds: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    accuracy: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray


@dataclass(frozen=True)
class ReliabilityBins:
    """Reliability-diagram bins: ``n_bins + 1`` edges, and per bin (length ``n_bins``) the sample
    count, the mean predicted probability and the observed frequency of the positive class
    (both NaN for an empty bin)."""

    edges: np.ndarray
    counts: np.ndarray
    mean_confidence: np.ndarray
    observed_frequency: np.ndarray


@dataclass(frozen=True)
class KerasAccuracyTrap:
    """The two accuracies Keras can report for the same one-hot model (see keras_accuracy_trap)."""

    n_classes: int
    binary_accuracy: float
    categorical_accuracy: float


# --------------------------------------------------------------------------------------------
# Accuracy: scikit-learn and Keras
# --------------------------------------------------------------------------------------------


def accuracy(y_true, y_pred, *, reduction: str = "mean"):
    """Fraction of predicted labels equal to the true labels, as ``sklearn.metrics.accuracy_score``.

    accuracy = (1/N)·Σ_i [ŷ_i = y_i]

    Parameters
    ----------
    y_true, y_pred : array_like, shape (N,)
        Whole-number class labels (any integers, e.g. 0..C−1 or −1/+1). For multi-label
        indicator arrays use ``subset_accuracy`` (what ``accuracy_score`` computes on 2-d input)
        or ``hamming_accuracy``.
    reduction : {"none", "mean", "sum"}
        "none" gives 1.0 / 0.0 per sample, "mean" the accuracy, "sum" the number correct.

    Examples
    --------
    >>> accuracy([0, 1, 2, 2], [0, 2, 2, 2])
    0.75
    """
    reduction = check_reduction(reduction)
    y_true = as_index_array(y_true, "y_true")
    y_pred = as_index_array(y_pred, "y_pred")
    if y_true.ndim != 1:
        raise ValueError(
            f"y_true must be a 1-d array of labels; got shape {y_true.shape} (for multi-label "
            "indicator arrays use subset_accuracy or hamming_accuracy)"
        )
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    return reduce((y_true == y_pred).astype(np.float64), reduction)


def binarize(p, *, threshold: float = 0.5) -> np.ndarray:
    """Hard 0/1 labels from probabilities with the Keras / scikit-learn rule: 1 where p > threshold.

    label = [p > threshold]  (strictly greater: p = threshold gives 0)

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1], any shape.
    threshold : float
        In [0, 1]; default 0.5.

    Returns
    -------
    numpy.ndarray
        float64 array of 0.0 / 1.0, the shape of ``p``.

    Examples
    --------
    >>> binarize([0.2, 0.5, 0.7]).tolist()
    [0.0, 0.0, 1.0]
    """
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0)
    p = as_float_array(p, "p")
    check_probabilities(p, "p")
    return (p > threshold).astype(np.float64)


def binary_accuracy(y_true, p, *, threshold: float = 0.5, reduction: str = "mean"):
    """Keras ``binary_accuracy``: element-wise agreement of ``p > threshold`` with 0/1 labels.

    per sample:  a_i = (1/C)·Σ_c [ [p_ic > threshold] = y_ic ]   (mean over the last axis)
    "mean":      (1/N)·Σ_i a_i  (Keras' BinaryAccuracy, which averages a_i over the batch)

    This is what Keras computes (``keras.metrics.binary_accuracy``:
    ``mean(equal(y_true, cast(y_pred > threshold)), axis=-1)``; Keras 2.0–2.2 wrote it as
    ``round(y_pred)``, which rounds 0.5 down to 0, the same rule at 0.5). On a C-class one-hot
    target it is the per-label (Hamming) accuracy, not "is the predicted class right": see
    ``keras_accuracy_trap``.

    Parameters
    ----------
    y_true : array_like, shape (N,) or (..., C)
        Labels, each exactly 0 or 1.
    p : array_like, same shape
        Probabilities in [0, 1] (0/1 hard predictions work too).
    threshold : float
        In [0, 1]; p > threshold is a positive prediction.
    reduction : {"none", "mean", "sum"}
        "none" returns a_i with shape ``p.shape[:-1]``; a 1-d input is N samples of one label
        each, so "none" returns its N element-wise matches (Keras would average that axis away;
        "mean" is the same number either way).

    Examples
    --------
    >>> binary_accuracy([[1, 0, 0, 0]], [[0.0, 0.0, 0.0, 0.0]])
    0.75
    """
    reduction = check_reduction(reduction)
    y_true, p = _check_labels_and_probabilities(y_true, p)
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0)
    matches = ((p > threshold) == (y_true == 1.0)).astype(np.float64)
    return reduce(_mean_over_labels(matches), reduction)


def categorical_accuracy(y_true, p, *, reduction: str = "mean"):
    """Keras ``categorical_accuracy``: does the arg-max of ``p`` hit the arg-max of the one-hot row?

    per sample:  a_i = [argmax_c p_ic = argmax_c y_ic],  "mean": (1/N)·Σ_i a_i

    Ties take the first (lowest) index, as ``numpy.argmax`` does and as Keras' backends return on
    CPU (TensorFlow documents its tie order as unspecified). So a row of equal scores, e.g. an
    all-zero prediction, predicts class 0.

    Parameters
    ----------
    y_true : array_like, shape (N, ..., C)
        One-hot (or soft) targets in [0, 1]; the true class is the row's arg-max.
    p : array_like, same shape
        Probabilities or logits (the arg-max is the same); any finite values.
    reduction : {"none", "mean", "sum"}
        "none" returns a_i with shape ``p.shape[:-1]``.

    Examples
    --------
    >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    0.5
    """
    reduction = check_reduction(reduction)
    y_true = as_float_array(y_true, "y_true")
    p = as_float_array(p, "p")
    _check_class_axis(p, "p")
    check_same_shape(y_true, p, "y_true", "p")
    check_binary_targets(y_true, "y_true")
    hits = np.argmax(p, axis=-1) == np.argmax(y_true, axis=-1)
    return reduce(hits.astype(np.float64), reduction)


def sparse_categorical_accuracy(y_true, p, *, reduction: str = "mean"):
    """Keras ``sparse_categorical_accuracy``: does the arg-max of ``p`` equal the class index?

    per sample:  a_i = [argmax_c p_ic = y_i],  "mean": (1/N)·Σ_i a_i  (first index on ties)

    Parameters
    ----------
    y_true : array_like, shape p.shape[:-1] (or with a trailing axis of 1, which Keras squeezes)
        Class indices in [0, C). Keras does not check the range; lossviz raises ValueError.
    p : array_like, shape (N, ..., C)
        Probabilities or logits; any finite values.
    reduction : {"none", "mean", "sum"}
        "none" returns a_i with shape ``p.shape[:-1]``.

    Examples
    --------
    >>> sparse_categorical_accuracy([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
    0.5
    """
    reduction = check_reduction(reduction)
    p = as_float_array(p, "p")
    _check_class_axis(p, "p")
    y_true = _check_class_indices(y_true, p.shape, "y_true")
    hits = np.argmax(p, axis=-1) == y_true
    return reduce(hits.astype(np.float64), reduction)


def keras_accuracy_trap(
    n_classes: int = 26,
    *,
    true_class_prob: float = 0.0,
    other_class_prob: float = 0.0,
    class_counts=None,
    threshold: float = 0.5,
) -> KerasAccuracyTrap:
    """Keras' binary vs categorical accuracy for a described model on one-hot data.

    The model outputs ``true_class_prob`` for each sample's true class and ``other_class_prob``
    for every other class (sigmoid outputs: the row need not sum to 1). The defaults describe the
    model that predicts all zeros. Both numbers come from ``binary_accuracy`` and
    ``categorical_accuracy`` on one row per class, weighted by ``class_counts``.

    Closed forms, with q₁ = true_class_prob, q₀ = other_class_prob, t = threshold, N samples,
    N₀ of them in class 0:

    binary accuracy      = ([q₁ > t] + (C − 1)·[q₀ ≤ t]) / C   (the same for every sample)
    categorical accuracy = 1 if q₁ > q₀;  0 if q₁ < q₀;  N₀ / N if q₁ = q₀ (a tie picks class 0)

    So the all-zero model scores (C − 1)/C binary accuracy (25/26 ≈ 96.2 % for C = 26) while its
    categorical accuracy is the share of class 0 in the data: 1/C only when the classes are
    balanced (the default ``class_counts``), 0 when class 0 never occurs. A model that always
    ranks the true class first but with q₁ ≤ t also scores (C − 1)/C binary accuracy: the Keras
    number cannot tell it from the all-zero model.

    Why it happens: standalone Keras 2.x (the seed thread's era) and tf.keras's graph-mode
    training loop resolved ``metrics=["accuracy"]`` to ``binary_accuracy`` whenever the loss was
    ``binary_crossentropy``. tf.keras's later ``compile_utils`` and Keras 3 resolve "accuracy"
    from the output shape alone (a last axis of 1 → binary), so there the trap needs an explicit
    ``"binary_accuracy"`` / ``BinaryAccuracy()``.

    Parameters
    ----------
    n_classes : int
        Number of classes C >= 2.
    true_class_prob, other_class_prob : float
        The model's output for the true class and for each other class, in [0, 1].
    class_counts : array_like of shape (C,), optional
        Samples per true class (non-negative whole numbers, positive total); default one per class.
    threshold : float
        ``binary_accuracy``'s threshold in [0, 1].

    Examples
    --------
    >>> trap = keras_accuracy_trap(26)
    >>> round(trap.binary_accuracy, 4), round(trap.categorical_accuracy, 4)
    (0.9615, 0.0385)
    """
    n_classes = _check_int_at_least(n_classes, "n_classes", 2)
    q_true = check_in_range(true_class_prob, "true_class_prob", 0.0, 1.0)
    q_other = check_in_range(other_class_prob, "other_class_prob", 0.0, 1.0)
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0)
    if class_counts is None:
        weights = np.ones(n_classes)
    else:
        weights = as_index_array(class_counts, "class_counts").astype(np.float64)
        if weights.shape != (n_classes,):
            raise ValueError(
                f"class_counts must have shape ({n_classes},), one count per class; "
                f"got {weights.shape}"
            )
        if weights.min() < 0 or weights.sum() == 0:
            raise ValueError(
                "class_counts must be non-negative with a positive total; got minimum "
                f"{weights.min():g} and total {weights.sum():g}"
            )
    # Row k is a sample of class k; weighting the rows by the counts stands for the whole data set.
    y = np.eye(n_classes)
    p = np.where(y == 1.0, q_true, q_other)
    weights = weights / weights.sum()
    binary = binary_accuracy(y, p, threshold=threshold, reduction="none")
    categorical = categorical_accuracy(y, p, reduction="none")
    return KerasAccuracyTrap(
        n_classes=n_classes,
        binary_accuracy=float(np.dot(weights, binary)),
        categorical_accuracy=float(np.dot(weights, categorical)),
    )


# --------------------------------------------------------------------------------------------
# Precision, recall, F1
# --------------------------------------------------------------------------------------------


def confusion_counts(y_true, y_pred) -> ConfusionCounts:
    """Binary confusion counts (tp, fp, fn, tn), pooled over every element.

    tp = #{y = 1, ŷ = 1},  fp = #{y = 0, ŷ = 1},  fn = #{y = 1, ŷ = 0},  tn = #{y = 0, ŷ = 0}

    For 1-d input this is ``sklearn.metrics.confusion_matrix(y_true, y_pred, labels=[0, 1])``
    read as ``[[tn, fp], [fn, tp]]``; for a label matrix or a segmentation mask every element
    counts once (scikit-learn's "micro" pooling).

    Parameters
    ----------
    y_true, y_pred : array_like, same shape
        Labels, each exactly 0 or 1.

    Examples
    --------
    >>> confusion_counts([1, 1, 0, 0], [1, 0, 1, 0])
    ConfusionCounts(tp=1, fp=1, fn=1, tn=1)
    """
    y_true = _check_binary_labels(as_float_array(y_true, "y_true"), "y_true")
    y_pred = _check_binary_labels(as_float_array(y_pred, "y_pred"), "y_pred")
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    return _counts(y_true == 1.0, y_pred == 1.0)


def precision_recall_f1(
    y_true, p, *, threshold: float = 0.5, zero_division: float = 0.0
) -> PrecisionRecallF1:
    """Precision, recall and F1 of ``p > threshold``, as scikit-learn's scores.

    precision = tp / (tp + fp),  recall = tp / (tp + fn),  F1 = 2·tp / (2·tp + fp + fn)

    Counts are pooled over every element: for 1-d input this equals ``precision_score``,
    ``recall_score`` and ``f1_score`` with the default ``average="binary"``; for a label matrix
    it equals ``average="micro"``. A ratio whose denominator is 0 (no predicted positives for
    precision, no true positives for recall, neither for F1) is ``zero_division``. scikit-learn's
    default ``zero_division="warn"`` returns 0.0 with a warning; lossviz returns 0.0 silently.
    F1 is computed from the counts, so F1 = 0 (not ``zero_division``) when only precision is
    undefined, as in scikit-learn >= 1.3.

    Parameters
    ----------
    y_true : array_like
        Labels, each exactly 0 or 1.
    p : array_like, same shape
        Probabilities in [0, 1], or 0/1 hard predictions.
    threshold : float
        In [0, 1]; p > threshold is a positive prediction.
    zero_division : {0.0, 1.0, nan}
        The value of an undefined ratio.

    Examples
    --------
    >>> precision_recall_f1([1, 1, 0, 0], [0.9, 0.4, 0.6, 0.1])
    PrecisionRecallF1(precision=0.5, recall=0.5, f1=0.5)
    """
    y_true, p = _check_labels_and_probabilities(y_true, p)
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0)
    zero_division = _check_zero_division(zero_division)
    c = _counts(y_true == 1.0, p > threshold)
    precision, recall, f1 = _prf_from_counts(
        np.float64(c.tp), np.float64(c.fp), np.float64(c.fn), zero_division
    )
    return PrecisionRecallF1(float(precision), float(recall), float(f1))


def per_class_precision_recall_f1(
    y_true, p, *, threshold: float = 0.5, zero_division: float = 0.0
) -> PrecisionRecallF1:
    """Precision, recall and F1 of ``p > threshold`` for each class (the last axis).

    For class c, with counts over the samples: precision_c = tp_c / (tp_c + fp_c),
    recall_c = tp_c / (tp_c + fn_c), F1_c = 2·tp_c / (2·tp_c + fp_c + fn_c).

    This is ``precision_recall_fscore_support(y_true, p > threshold, average=None)`` on a
    multi-label indicator matrix; the mean of each array is scikit-learn's ``average="macro"``.
    A 1-d input is one class. Undefined ratios are ``zero_division`` (see precision_recall_f1).

    Parameters
    ----------
    y_true : array_like, shape (N, C) (or (..., C))
        Multi-label indicator: each entry exactly 0 or 1.
    p : array_like, same shape
        Probabilities in [0, 1], or 0/1 hard predictions.
    threshold : float
        In [0, 1]; p > threshold is a positive prediction.
    zero_division : {0.0, 1.0, nan}
        The value of an undefined ratio.

    Returns
    -------
    PrecisionRecallF1
        Each field an array of shape (C,).

    Examples
    --------
    >>> per_class_precision_recall_f1([[1, 0], [1, 1]], [[0.9, 0.2], [0.3, 0.8]]).recall.tolist()
    [0.5, 1.0]
    """
    y_true, p = _check_labels_and_probabilities(y_true, p)
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0)
    zero_division = _check_zero_division(zero_division)
    n_labels = 1 if p.ndim == 1 else p.shape[-1]
    truth = (y_true == 1.0).reshape(-1, n_labels)
    pred = (p > threshold).reshape(-1, n_labels)
    tp = np.sum(truth & pred, axis=0).astype(np.float64)
    fp = np.sum(~truth & pred, axis=0).astype(np.float64)
    fn = np.sum(truth & ~pred, axis=0).astype(np.float64)
    return PrecisionRecallF1(*_prf_from_counts(tp, fp, fn, zero_division))


def precision_recall_f1_curve(
    y_true, p, *, thresholds=None, zero_division: float = 0.0
) -> ThresholdSweep:
    """Precision, recall, F1 and accuracy of ``p > t`` at every threshold t, vectorised.

    For each t: tp(t) = #{y = 1, p > t}, fp(t) = #{y = 0, p > t}, fn = P − tp, tn = N − P − fp,
    then the formulas of ``precision_recall_f1`` and accuracy = (tp + tn) / N. Each value equals
    ``precision_recall_f1(y_true, p, threshold=t)`` at that t. The counts come from sorted
    probabilities and ``searchsorted``, O((N + T)·log N) for T thresholds.

    scikit-learn's ``precision_recall_curve`` counts p >= t instead and returns only the observed
    scores as thresholds; this sweep uses the same strict rule as everything else here.

    Parameters
    ----------
    y_true : array_like
        Labels, each exactly 0 or 1 (any shape; every element counts).
    p : array_like, same shape
        Probabilities in [0, 1].
    thresholds : array_like, shape (T,), optional
        Values in [0, 1]; default ``numpy.linspace(0, 1, 101)``.
    zero_division : {0.0, 1.0, nan}
        The value of an undefined ratio.

    Examples
    --------
    >>> sweep = precision_recall_f1_curve([0, 1, 1], [0.2, 0.6, 0.9], thresholds=[0.1, 0.7])
    >>> sweep.precision.tolist(), sweep.recall.tolist()
    ([0.6666666666666666, 1.0], [1.0, 0.5])
    """
    y_true, p = _check_labels_and_probabilities(y_true, p)
    zero_division = _check_zero_division(zero_division)
    if thresholds is None:
        thresholds = np.linspace(0.0, 1.0, 101)
    else:
        thresholds = as_float_array(thresholds, "thresholds")
        if thresholds.ndim != 1:
            raise ValueError(f"thresholds must be a 1-d array; got shape {thresholds.shape}")
        if thresholds.min() < 0.0 or thresholds.max() > 1.0:
            raise ValueError(
                "thresholds must lie in [0, 1]; got values from "
                f"{thresholds.min():g} to {thresholds.max():g}"
            )
    positive = y_true.ravel() == 1.0
    scores = p.ravel()
    pos_sorted = np.sort(scores[positive])
    neg_sorted = np.sort(scores[~positive])
    # side="right" counts scores <= t, so the remainder is the count of scores > t.
    tp = pos_sorted.size - np.searchsorted(pos_sorted, thresholds, side="right").astype(np.float64)
    fp = neg_sorted.size - np.searchsorted(neg_sorted, thresholds, side="right").astype(np.float64)
    fn = pos_sorted.size - tp
    tn = neg_sorted.size - fp
    precision, recall, f1 = _prf_from_counts(tp, fp, fn, zero_division)
    return ThresholdSweep(
        thresholds=thresholds,
        precision=precision,
        recall=recall,
        f1=f1,
        accuracy=(tp + tn) / scores.size,
        tp=tp.astype(np.int64),
        fp=fp.astype(np.int64),
        fn=fn.astype(np.int64),
        tn=tn.astype(np.int64),
    )


# --------------------------------------------------------------------------------------------
# Multi-label accuracy
# --------------------------------------------------------------------------------------------


def hamming_accuracy(y_true, p, *, threshold: float = 0.5, reduction: str = "mean"):
    """Fraction of individual labels predicted right: 1 − ``sklearn.metrics.hamming_loss``.

    per sample:  h_i = (1/C)·Σ_c [ [p_ic > threshold] = y_ic ],  "mean": (1/N)·Σ_i h_i

    This is exactly Keras' ``binary_accuracy`` under its multi-label name: the number Keras
    reports for a model trained with ``binary_crossentropy`` is a Hamming accuracy.

    Parameters
    ----------
    y_true : array_like, shape (N, C)
        Multi-label indicator: each entry exactly 0 or 1.
    p : array_like, same shape
        Probabilities in [0, 1], or 0/1 hard predictions.
    threshold : float
        In [0, 1]; p > threshold is a positive prediction.
    reduction : {"none", "mean", "sum"}
        "none" returns h_i, shape ``p.shape[:-1]``.

    Examples
    --------
    >>> round(hamming_accuracy([[1, 0, 1], [0, 1, 0]], [[0.9, 0.1, 0.2], [0.1, 0.8, 0.3]]), 4)
    0.8333
    """
    return binary_accuracy(y_true, p, threshold=threshold, reduction=reduction)


def subset_accuracy(y_true, p, *, threshold: float = 0.5, reduction: str = "mean"):
    """Exact-match ratio: the fraction of samples whose every label is right.

    per sample:  s_i = Π_c [ [p_ic > threshold] = y_ic ],  "mean": (1/N)·Σ_i s_i

    ``sklearn.metrics.accuracy_score`` computes this on a multi-label indicator matrix. A 1-d
    input is N samples of one label, where subset accuracy is plain accuracy.

    Parameters
    ----------
    y_true : array_like, shape (N, C)
        Multi-label indicator: each entry exactly 0 or 1.
    p : array_like, same shape
        Probabilities in [0, 1], or 0/1 hard predictions.
    threshold : float
        In [0, 1]; p > threshold is a positive prediction.
    reduction : {"none", "mean", "sum"}
        "none" returns s_i, shape ``p.shape[:-1]``.

    Examples
    --------
    >>> subset_accuracy([[1, 0, 1], [0, 1, 0]], [[0.9, 0.1, 0.2], [0.1, 0.8, 0.3]])
    0.5
    """
    reduction = check_reduction(reduction)
    y_true, p = _check_labels_and_probabilities(y_true, p)
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0)
    matches = (p > threshold) == (y_true == 1.0)
    exact = matches if matches.ndim == 1 else np.all(matches, axis=-1)
    return reduce(exact.astype(np.float64), reduction)


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------


def reliability_bins(p, y, *, n_bins: int = 10) -> ReliabilityBins:
    """Bin predicted probabilities into equal-width bins for a reliability diagram.

    Edges e_k = k / n_bins (``numpy.linspace(0, 1, n_bins + 1)``). Bin 0 is [e_0, e_1]; bin k >= 1
    is (e_k, e_{k+1}]: a probability exactly on an inner edge goes to the lower bin, 0 to the
    first bin and 1 to the last. This is ``sklearn.calibration.calibration_curve(y, p,
    n_bins=n_bins, strategy="uniform")``'s rule (``numpy.searchsorted(edges[1:-1], p)``), whose
    ``prob_pred`` and ``prob_true`` are this function's ``mean_confidence`` and
    ``observed_frequency`` with the empty bins dropped.

    Per bin B: count n_B, mean confidence conf_B = (1/n_B)·Σ_{i∈B} p_i, observed frequency
    freq_B = (1/n_B)·Σ_{i∈B} y_i; both NaN when n_B = 0.

    Parameters
    ----------
    p : array_like
        Predicted probabilities of the positive class in [0, 1], any shape (flattened). For the
        top-label diagram of a multi-class model pass max_c p_c and y = [argmax = true class].
    y : array_like, same shape
        Labels, each exactly 0 or 1.
    n_bins : int
        Number of bins, >= 1.

    Examples
    --------
    >>> bins = reliability_bins([0.1, 0.3, 0.8, 0.9], [0, 1, 1, 1], n_bins=2)
    >>> bins.counts.tolist(), bins.observed_frequency.tolist()
    ([2, 2], [0.5, 1.0])
    """
    p, y = _check_probabilities_and_labels(p, y)
    n_bins = _check_int_at_least(n_bins, "n_bins", 1)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    scores = p.ravel()
    ids = np.searchsorted(edges[1:-1], scores)
    counts = np.bincount(ids, minlength=n_bins)
    prob_sums = np.bincount(ids, weights=scores, minlength=n_bins)
    label_sums = np.bincount(ids, weights=y.ravel(), minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.where(counts > 0, prob_sums / counts, np.nan)
        observed_frequency = np.where(counts > 0, label_sums / counts, np.nan)
    return ReliabilityBins(
        edges=edges,
        counts=counts.astype(np.int64),
        mean_confidence=mean_confidence,
        observed_frequency=observed_frequency,
    )


def expected_calibration_error(p, y, *, n_bins: int = 10) -> float:
    """Expected calibration error over equal-width bins.

    ECE = Σ_B (n_B / N)·|freq_B − conf_B|   over the non-empty bins of ``reliability_bins``

    0 means every bin's observed frequency equals its mean confidence; the value is at most 1.

    Parameters
    ----------
    p : array_like
        Predicted probabilities of the positive class in [0, 1], any shape.
    y : array_like, same shape
        Labels, each exactly 0 or 1.
    n_bins : int
        Number of bins, >= 1 (binning rule: see reliability_bins).

    Examples
    --------
    >>> round(expected_calibration_error([0.1, 0.3, 0.8, 0.9], [0, 1, 1, 1], n_bins=2), 6)
    0.225
    """
    bins = reliability_bins(p, y, n_bins=n_bins)
    filled = bins.counts > 0
    gaps = np.abs(bins.observed_frequency[filled] - bins.mean_confidence[filled])
    return float(np.sum(bins.counts[filled] * gaps) / np.sum(bins.counts))


# --------------------------------------------------------------------------------------------
# Log loss (scikit-learn)
# --------------------------------------------------------------------------------------------


def log_loss(y_true, p, *, reduction: str = "mean"):
    """Cross-entropy of probabilities, as ``sklearn.metrics.log_loss`` (scikit-learn 1.9).

    ℓ_i = −log clip(p_{i, y_i}, ε, 1 − ε),   ε = ``numpy.finfo(float64).eps`` ≈ 2.22e-16

    Binary (1-d ``p``, the positive class's probability): the columns are [1 − p, p], each
    clipped, so ℓ_i = −[y·log clip(p) + (1 − y)·log clip(1 − p)]. Multi-class (``p`` of shape
    (N, C)): p_{i, y_i} is the true class's column. "mean" is ``normalize=True`` (the default)
    and "sum" is ``normalize=False``. Like scikit-learn >= 1.5 the rows are not renormalised
    (scikit-learn only warns when they do not sum to 1), and the clipping caps a sample's loss at
    −log ε ≈ 36.04. The class set is [0, 1] or range(C), i.e. scikit-learn with ``labels`` given,
    so ``y_true`` need not contain every class.

    Parameters
    ----------
    y_true : array_like
        Binary: labels 0/1, shape (N,). Multi-class: class indices in [0, C), shape (N,), or
        one-hot rows, shape (N, C).
    p : array_like, shape (N,) or (N, C)
        Probabilities in [0, 1].
    reduction : {"none", "mean", "sum"}
        "none" returns ℓ_i, shape (N,).

    Examples
    --------
    >>> round(log_loss([1, 0, 0, 1], [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]), 5)
    0.21616
    """
    reduction = check_reduction(reduction)
    p = as_float_array(p, "p")
    check_probabilities(p, "p")
    if p.ndim == 1:
        y = _check_binary_labels(as_float_array(y_true, "y_true"), "y_true")
        check_same_shape(p, y, "p", "y_true")
        true_prob = np.where(y == 1.0, p, 1.0 - p)
    elif p.ndim == 2:
        if p.shape[1] < 2:
            raise ValueError(
                f"p must have at least 2 columns (one per class); got shape {p.shape} "
                "(for binary problems pass the positive-class probabilities as a 1-d array)"
            )
        index = _check_index_or_one_hot(y_true, p.shape)
        true_prob = np.take_along_axis(p, index[:, None], axis=1)[:, 0]
    else:
        raise ValueError(
            f"p must be 1-d (binary) or 2-d (n_samples, n_classes); got shape {p.shape}"
        )
    eps = np.finfo(np.float64).eps
    # scikit-learn's exact recipe: clip, then log, so p = 0 costs −log(eps) rather than inf.
    return reduce(-np.log(np.clip(true_prob, eps, 1.0 - eps)), reduction)


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _mean_over_labels(matches: np.ndarray) -> np.ndarray:
    """Per-sample mean over the last (label) axis; a 1-d array is one label per sample."""
    return matches if matches.ndim == 1 else matches.mean(axis=-1)


def _counts(truth: np.ndarray, pred: np.ndarray) -> ConfusionCounts:
    return ConfusionCounts(
        tp=int(np.count_nonzero(truth & pred)),
        fp=int(np.count_nonzero(~truth & pred)),
        fn=int(np.count_nonzero(truth & ~pred)),
        tn=int(np.count_nonzero(~truth & ~pred)),
    )


def _prf_from_counts(tp, fp, fn, zero_division: float):
    """Precision, recall and F1 from float count arrays, ``zero_division`` where a ratio is 0/0."""
    return (
        _divide(tp, tp + fp, zero_division),
        _divide(tp, tp + fn, zero_division),
        _divide(2.0 * tp, 2.0 * tp + fp + fn, zero_division),
    )


def _divide(numerator, denominator, zero_division: float):
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, zero_division, numerator / safe)


def _check_labels_and_probabilities(y_true, p):
    """(y_true, p) of a thresholded metric: 0/1 labels and probabilities of the same shape."""
    y_true = as_float_array(y_true, "y_true")
    p = as_float_array(p, "p")
    check_same_shape(y_true, p, "y_true", "p")
    _check_binary_labels(y_true, "y_true")
    check_probabilities(p, "p")
    return np.atleast_1d(y_true), np.atleast_1d(p)


def _check_probabilities_and_labels(p, y):
    """(p, y) of a calibration helper: probabilities and 0/1 labels of the same shape."""
    p = as_float_array(p, "p")
    y = as_float_array(y, "y")
    check_same_shape(p, y, "p", "y")
    check_probabilities(p, "p")
    _check_binary_labels(y, "y")
    return p, y


def _check_binary_labels(y: np.ndarray, name: str) -> np.ndarray:
    """Hard binary labels: every value exactly 0 or 1 (soft labels are a loss's business)."""
    bad = (y != 0.0) & (y != 1.0)
    if np.any(bad):
        raise ValueError(
            f"{name} must hold binary labels, each 0 or 1; got {int(np.count_nonzero(bad))} "
            f"other value(s), e.g. {y[bad].flat[0]:g}"
        )
    return y


def _check_class_axis(p: np.ndarray, name: str) -> None:
    """Scores of shape (N, ..., C): a sample axis first, at least 2 classes on the last axis."""
    if p.ndim < 2 or p.shape[-1] < 2:
        raise ValueError(
            f"{name} must have shape (n_samples, ..., n_classes) with at least 2 classes on the "
            f"last axis; got shape {p.shape}"
        )


def _check_class_indices(y_true, p_shape: tuple, name: str) -> np.ndarray:
    """Class indices of shape p_shape[:-1] (a trailing axis of 1 is squeezed) in [0, C)."""
    index = as_index_array(y_true, name)
    expected = p_shape[:-1]
    if index.shape == expected + (1,):
        index = index[..., 0]
    if index.shape != expected:
        raise ValueError(
            f"{name} must hold one class index per row of p, shape {expected}; got {index.shape}"
        )
    n_classes = p_shape[-1]
    if index.size and (index.min() < 0 or index.max() >= n_classes):
        raise ValueError(
            f"{name} must hold class indices in [0, {n_classes - 1}]; got values from "
            f"{index.min()} to {index.max()}"
        )
    return index


def _check_index_or_one_hot(y_true, p_shape: tuple) -> np.ndarray:
    """log_loss targets for an (N, C) p: class indices (N,) or one-hot rows (N, C) -> indices."""
    y = as_float_array(y_true, "y_true")
    if y.shape != p_shape:
        return _check_class_indices(y, p_shape, "y_true")
    _check_binary_labels(y, "y_true")
    ones = y.sum(axis=1)
    if np.any(ones != 1.0):
        raise ValueError(
            "y_true given as one-hot rows must have exactly one 1 per row; got a row with "
            f"{int(ones[ones != 1.0][0])}"
        )
    return np.argmax(y, axis=1)


def _check_zero_division(value) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not (value in (0, 1) or np.isnan(value))
    ):
        raise ValueError(f"zero_division must be 0.0, 1.0 or nan; got {value!r}")
    return float(value)


def _check_int_at_least(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value}")
    return int(value)

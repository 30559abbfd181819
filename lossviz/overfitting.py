"""Loss vs metrics: why validation loss can rise while accuracy and F1 improve (seed 003).

What the "loss vs metrics" lesson needs on top of ``lossviz.train`` and ``lossviz.metrics``:

- ``run_scenario``: a seeded training run with a validation set, and the validation metrics
  (accuracy, precision, recall, F1 at threshold 0.5) at every recorded epoch. Two scenarios:
  "confident-mistakes" (clean, imbalanced, separable training data; a few validation labels are
  annotation errors) where validation loss rises while accuracy and F1 improve, and "parallel"
  (the same 10 % label noise in both sets) where the two loss curves fall together and flatten;
- ``epoch_view``: one epoch in detail: every validation sample's loss, sorted, the share of the
  total carried by the k worst samples, the mistakes and the annotation errors among them, and
  precision / recall / F1 at any threshold;
- ``curve_verdict``: the reading of the curves (epoch of minimal validation loss, how much it
  rose since, the train–validation gap, the metrics then and at the end);
- ``probability_histogram``: predicted probabilities binned separately for each true class.

NumPy only; deterministic for a seed.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from lossviz._validation import as_float_array, check_in_range
from lossviz.data import DATASET_KINDS, make_dataset, train_val_split
from lossviz.losses import bce_with_logits
from lossviz.metrics import binary_accuracy, precision_recall_f1
from lossviz.train import TrainConfig, train

__all__ = [
    "SCENARIOS",
    "CurveVerdict",
    "EpochView",
    "LossMetricRun",
    "ProbabilityHistogram",
    "Scenario",
    "curve_verdict",
    "epoch_view",
    "probability_histogram",
    "run_scenario",
]

_RISE_TOLERANCE = 0.05


@dataclass(frozen=True)
class Scenario:
    """A data configuration of the lesson.

    Attributes
    ----------
    name : str
    label : str
        Short name for the page.
    kind : str
        ``lossviz.data.make_dataset`` kind.
    n, n_val : int
        Points in total, and in the validation part.
    val_label_noise : float
        Default fraction of validation labels flipped after the split (annotation errors).
    epochs, record_every : int
        Length of the run (default ``TrainConfig``: logistic regression, BCE, lr 0.5) and the
        recording interval.
    """

    name: str
    label: str
    kind: str
    n: int
    n_val: int
    val_label_noise: float
    epochs: int = 500
    record_every: int = 5


SCENARIOS = MappingProxyType(
    {
        "confident-mistakes": Scenario(
            "confident-mistakes",
            "Clean training labels, a few wrong validation labels",
            "imbalanced-separable",
            400,
            200,
            0.05,
        ),
        "parallel": Scenario(
            "parallel",
            "The same label noise in both sets",
            "noisy",
            400,
            200,
            0.0,
        ),
    }
)
"""The lesson's two data configurations (read-only); see ``run_scenario``."""


@dataclass(frozen=True)
class LossMetricRun:
    """A training run with per-epoch validation metrics (R recorded epochs, n validation points).

    Attributes
    ----------
    scenario : str
    val_label_noise : float
    seed : int
    epochs : ndarray, shape (R,)
    train_loss, val_loss : ndarray, shape (R,)
        Mean BCE on the training and validation sets.
    train_accuracy : ndarray, shape (R,)
    val_accuracy, val_precision, val_recall, val_f1 : ndarray, shape (R,)
        Of the rule p > 0.5 on the validation set (``lossviz.metrics``).
    val_logits, val_probs : ndarray, shape (R, n)
    y_val : ndarray, shape (n,)
        Validation labels (after the annotation errors).
    annotation_error : ndarray, shape (n,), bool
        Which validation labels were flipped.
    n_train : int
    train_positive_fraction : float
        Share of class 1 in the training labels.
    train_label_noise : float
        Fraction of labels the data set flips in both parts (``DATASET_KINDS``), 0 if none.
    learning_rate : float
        The run's learning rate.
    """

    scenario: str
    val_label_noise: float
    seed: int
    epochs: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray
    val_precision: np.ndarray
    val_recall: np.ndarray
    val_f1: np.ndarray
    val_logits: np.ndarray
    val_probs: np.ndarray
    y_val: np.ndarray
    annotation_error: np.ndarray
    n_train: int
    train_positive_fraction: float
    train_label_noise: float
    learning_rate: float


def run_scenario(
    name: str = "confident-mistakes", *, val_label_noise: float | None = None, seed: int = 0
) -> LossMetricRun:
    """Train the scenario's model and record validation loss and metrics at every recorded epoch.

    Parameters
    ----------
    name : str
        A key of ``SCENARIOS``.
    val_label_noise : float in [0, 0.5], optional
        Fraction of validation labels flipped (default: the scenario's). Only the validation
        labels change: the training run itself is the same for every value.
    seed : int
        Seed of the data, the split and the flips.

    Returns
    -------
    LossMetricRun

    Notes
    -----
    Data: ``make_dataset(kind, n, seed=seed)``, split by ``train_val_split(..., n_val=n_val,
    val_label_noise=..., seed=seed)``; the same split without flips tells which validation
    labels are annotation errors. Model: ``TrainConfig(epochs=...)`` (logistic regression,
    sigmoid head, BCE, lr 0.5), full batch, recorded every ``record_every`` epochs.

    Examples
    --------
    >>> run = run_scenario("confident-mistakes")
    >>> int(run.annotation_error.sum()), int(run.epochs[-1])
    (10, 500)
    """
    scenario = _check_scenario(name)
    noise = scenario.val_label_noise if val_label_noise is None else val_label_noise
    noise = check_in_range(noise, "val_label_noise", 0.0, 0.5)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
    data = make_dataset(scenario.kind, scenario.n, seed=int(seed))
    train_set, val_set = train_val_split(
        data, n_val=scenario.n_val, val_label_noise=noise, seed=int(seed)
    )
    _, clean_val = train_val_split(data, n_val=scenario.n_val, seed=int(seed))
    config = TrainConfig(epochs=scenario.epochs)
    run = train(
        train_set.X,
        train_set.y,
        config,
        X_val=val_set.X,
        y_val=val_set.y,
        record_every=scenario.record_every,
        grid_size=0,
    )
    y_val = val_set.y.astype(np.float64)
    scores = [precision_recall_f1(y_val, p) for p in run.val_probs]
    return LossMetricRun(
        scenario=scenario.name,
        val_label_noise=noise,
        seed=int(seed),
        epochs=run.epochs,
        train_loss=run.loss,
        val_loss=run.val_loss,
        train_accuracy=run.accuracy,
        val_accuracy=np.array([binary_accuracy(y_val, p) for p in run.val_probs]),
        val_precision=np.array([s.precision for s in scores]),
        val_recall=np.array([s.recall for s in scores]),
        val_f1=np.array([s.f1 for s in scores]),
        val_logits=run.val_logits,
        val_probs=run.val_probs,
        y_val=y_val,
        annotation_error=val_set.y != clean_val.y,
        n_train=train_set.n,
        train_positive_fraction=float(train_set.y.mean()),
        train_label_noise=float(DATASET_KINDS[scenario.kind].get("label_noise", 0.0)),
        learning_rate=config.lr,
    )


@dataclass(frozen=True)
class EpochView:
    """One recorded epoch in detail (n validation samples).

    Attributes
    ----------
    epoch, index : int
        The epoch and its position in the run's arrays.
    loss : ndarray, shape (n,)
        Each validation sample's BCE, ℓ_i = BCE(z_i, y_i); their mean is the validation loss.
    order : ndarray, shape (n,)
        Sample indices sorted by decreasing loss.
    mean_loss : float
    k : int
    top_k_share : float
        Σ of the k largest ℓ_i divided by Σ ℓ_i.
    threshold : float
    wrong : ndarray, shape (n,), bool
        Misclassified at ``threshold``: [p_i > threshold] ≠ y_i.
    wrong_share : float
        Share of the total loss carried by the misclassified samples.
    annotation_share : float
        Share carried by the samples whose label is an annotation error.
    confident_wrong : int
        Samples that give their own label a probability below 0.1 (loss above −log 0.1 ≈ 2.3).
    probs, y : ndarray, shape (n,)
    precision, recall, f1, accuracy : float
        Of p > threshold.
    """

    epoch: int
    index: int
    loss: np.ndarray
    order: np.ndarray
    mean_loss: float
    k: int
    top_k_share: float
    threshold: float
    wrong: np.ndarray
    wrong_share: float
    annotation_share: float
    confident_wrong: int
    probs: np.ndarray
    y: np.ndarray
    precision: float
    recall: float
    f1: float
    accuracy: float

    @property
    def n_wrong(self) -> int:
        """Number of misclassified samples at the threshold."""
        return int(np.count_nonzero(self.wrong))


def epoch_view(run: LossMetricRun, epoch: int, *, threshold: float = 0.5, k: int = 5) -> EpochView:
    """Per-sample losses and thresholded metrics of one recorded epoch.

    Parameters
    ----------
    run : LossMetricRun
    epoch : int
        One of ``run.epochs``.
    threshold : float in [0, 1]
        p > threshold predicts class 1 (``lossviz.metrics`` rule).
    k : int
        How many of the worst samples to add up, 1 <= k <= n.

    Returns
    -------
    EpochView

    Examples
    --------
    >>> view = epoch_view(run_scenario(), 0)
    >>> round(view.mean_loss, 6), round(view.top_k_share, 3)
    (0.693147, 0.025)
    """
    if not isinstance(run, LossMetricRun):
        raise ValueError(f"run must be a LossMetricRun; got {type(run).__name__}")
    index = _epoch_index(run, epoch)
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0)
    n = run.y_val.size
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= n:
        raise ValueError(f"k must be an integer in [1, {n}]; got {k!r}")
    loss = bce_with_logits(run.val_logits[index], run.y_val, reduction="none")
    order = np.argsort(-loss, kind="stable")
    total = float(loss.sum())
    probs = run.val_probs[index]
    wrong = (probs > threshold) != (run.y_val == 1.0)
    scores = precision_recall_f1(run.y_val, probs, threshold=threshold)
    return EpochView(
        epoch=int(run.epochs[index]),
        index=index,
        loss=loss,
        order=order,
        mean_loss=float(loss.mean()),
        k=int(k),
        top_k_share=_share(float(loss[order[:k]].sum()), total),
        threshold=threshold,
        wrong=wrong,
        wrong_share=_share(float(loss[wrong].sum()), total),
        annotation_share=_share(float(loss[run.annotation_error].sum()), total),
        confident_wrong=int(np.count_nonzero(np.where(run.y_val == 1.0, probs, 1.0 - probs) < 0.1)),
        probs=probs,
        y=run.y_val,
        precision=scores.precision,
        recall=scores.recall,
        f1=scores.f1,
        accuracy=float(binary_accuracy(run.y_val, probs, threshold=threshold)),
    )


@dataclass(frozen=True)
class CurveVerdict:
    """What the curves say, computed (see ``curve_verdict``).

    Attributes
    ----------
    best_index, best_epoch : int
        Where the validation loss is smallest (the first such epoch).
    best_val_loss, final_val_loss : float
    val_rise : float
        (final − best) / best validation loss: how much it rose since its minimum.
    train_loss_at_best, final_train_loss : float
    gap_at_best, final_gap : float
        Validation minus training loss, at the best epoch and at the end.
    accuracy_at_best, final_accuracy, f1_at_best, final_f1 : float
        Validation accuracy and F1 (threshold 0.5) at the best epoch and at the end.
    best_f1_epoch : int
        The first epoch with the highest validation F1 (what early stopping on F1 would pick).
    best_f1 : float
    rising : bool
        val_rise > tolerance.
    overfitting_signature : bool
        Validation loss rose while training loss kept falling (after the best epoch).
    metrics_improved : bool
        Accuracy and F1 at the end are at least their values at the best epoch, one of them
        strictly higher.
    tolerance : float
    """

    best_index: int
    best_epoch: int
    best_val_loss: float
    final_val_loss: float
    val_rise: float
    train_loss_at_best: float
    final_train_loss: float
    gap_at_best: float
    final_gap: float
    accuracy_at_best: float
    final_accuracy: float
    f1_at_best: float
    final_f1: float
    best_f1_epoch: int
    best_f1: float
    rising: bool
    overfitting_signature: bool
    metrics_improved: bool
    tolerance: float


def curve_verdict(run: LossMetricRun, *, tolerance: float = _RISE_TOLERANCE) -> CurveVerdict:
    """Read the curves: where validation loss bottoms out, how far it rises, what the metrics do.

    best = argmin_e val_loss(e); val_rise = (val_loss(end) − val_loss(best)) / val_loss(best);
    the overfitting signature is val_rise > tolerance with train_loss(end) < train_loss(best);
    the curves run parallel when val_rise <= tolerance (the gap val − train then stays near
    its value at the best epoch).

    Parameters
    ----------
    run : LossMetricRun
    tolerance : float in [0, 1]
        Relative rise of the validation loss below which it counts as flat (default 5 %).

    Examples
    --------
    >>> verdict = curve_verdict(run_scenario("parallel"))
    >>> verdict.rising, verdict.overfitting_signature
    (False, False)
    """
    if not isinstance(run, LossMetricRun):
        raise ValueError(f"run must be a LossMetricRun; got {type(run).__name__}")
    tolerance = check_in_range(tolerance, "tolerance", 0.0, 1.0)
    best = int(np.argmin(run.val_loss))
    best_loss = float(run.val_loss[best])
    final_loss = float(run.val_loss[-1])
    rise = (final_loss - best_loss) / best_loss
    rising = rise > tolerance
    acc_best, acc_end = float(run.val_accuracy[best]), float(run.val_accuracy[-1])
    f1_best, f1_end = float(run.val_f1[best]), float(run.val_f1[-1])
    return CurveVerdict(
        best_index=best,
        best_epoch=int(run.epochs[best]),
        best_val_loss=best_loss,
        final_val_loss=final_loss,
        val_rise=rise,
        train_loss_at_best=float(run.train_loss[best]),
        final_train_loss=float(run.train_loss[-1]),
        gap_at_best=best_loss - float(run.train_loss[best]),
        final_gap=final_loss - float(run.train_loss[-1]),
        accuracy_at_best=acc_best,
        final_accuracy=acc_end,
        f1_at_best=f1_best,
        final_f1=f1_end,
        best_f1_epoch=int(run.epochs[int(np.argmax(run.val_f1))]),
        best_f1=float(np.max(run.val_f1)),
        rising=rising,
        overfitting_signature=rising and float(run.train_loss[-1]) < float(run.train_loss[best]),
        metrics_improved=acc_end >= acc_best and f1_end >= f1_best and (acc_end > acc_best or f1_end > f1_best),
        tolerance=tolerance,
    )


@dataclass(frozen=True)
class ProbabilityHistogram:
    """Counts of predicted probabilities in equal bins of [0, 1], per true class.

    Attributes
    ----------
    edges : ndarray, shape (bins + 1,)
    negative, positive : ndarray, shape (bins,)
        Counts of the samples with y = 0 and with y = 1. Bin 0 is [e_0, e_1], bin k >= 1 is
        (e_k, e_{k+1}]: a probability on an edge goes to the lower bin, so that a sample exactly
        at a threshold t = e_k sits left of it, where the rule p > t puts it (the binning of
        ``lossviz.metrics.reliability_bins``).
    """

    edges: np.ndarray
    negative: np.ndarray
    positive: np.ndarray


def probability_histogram(p, y, *, bins: int = 20) -> ProbabilityHistogram:
    """Histogram of predicted probabilities, split by true class.

    Examples
    --------
    >>> hist = probability_histogram([0.1, 0.5, 0.9], [0, 1, 1], bins=2)
    >>> hist.negative.tolist(), hist.positive.tolist()
    ([1, 0], [1, 1])
    """
    p = as_float_array(p, "p")
    y = as_float_array(y, "y")
    if p.shape != y.shape or p.ndim != 1:
        raise ValueError(f"p and y must be 1-d arrays of the same length; got {p.shape} and {y.shape}")
    if p.min() < 0.0 or p.max() > 1.0:
        raise ValueError(f"p must hold probabilities in [0, 1]; got values from {p.min():g} to {p.max():g}")
    if np.any((y != 0.0) & (y != 1.0)):
        raise ValueError("y must hold binary labels, each 0 or 1")
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or not 1 <= bins <= 200:
        raise ValueError(f"bins must be an integer in [1, 200]; got {bins!r}")
    edges = np.linspace(0.0, 1.0, int(bins) + 1)
    ids = np.searchsorted(edges[1:-1], p, side="left")
    negative = np.bincount(ids[y == 0.0], minlength=int(bins))
    positive = np.bincount(ids[y == 1.0], minlength=int(bins))
    return ProbabilityHistogram(edges=edges, negative=negative, positive=positive)


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _check_scenario(name) -> Scenario:
    if not isinstance(name, str) or name not in SCENARIOS:
        names = ", ".join(f'"{key}"' for key in SCENARIOS)
        raise ValueError(f"name must be one of {names}; got {name!r}")
    return SCENARIOS[name]


def _epoch_index(run: LossMetricRun, epoch) -> int:
    if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral):
        raise ValueError(f"epoch must be an integer, one of the recorded epochs; got {epoch!r}")
    hits = np.flatnonzero(run.epochs == epoch)
    if hits.size == 0:
        raise ValueError(
            f"epoch must be a recorded epoch (0 to {int(run.epochs[-1])} in steps of "
            f"{int(run.epochs[1] - run.epochs[0])}); got {epoch}"
        )
    return int(hits[0])


def _share(part: float, total: float) -> float:
    return part / total if total > 0 else 0.0

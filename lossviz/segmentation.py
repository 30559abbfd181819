"""The numbers behind the pixel-wise softmax lesson: per-pixel losses, class weights, ignored pixels.

Pixel-wise softmax cross-entropy is ``lossviz.cross_entropy`` with the class axis at 1 of
(N, C, H, W) logits and (N, H, W) class-index targets, exactly as ``torch.nn.functional.
cross_entropy``: nothing here re-implements it. With class weights w, ignore_index and label
smoothing ls (NUMERICS.md), the loss of pixel i with true class y_i is

    ℓ_i = (1 − ls)·w_{y_i}·(−log s_{i,y_i}) + (ls/C)·Σ_c w_c·(−log s_{i,c})   (0 if ignored)

and reduction="mean" divides Σ_i ℓ_i by Σ_{i not ignored} w_{y_i} (NaN when that is 0, as in
torch, e.g. when every pixel is ignored). Without weights and ignored pixels that is the plain
mean of the per-pixel loss map.

This module arranges those numbers for the lesson: the synthetic example image
(``lossviz.data.make_segmentation`` / ``segmentation_logits``), an ignored border, inverse-
frequency weights, the per-pixel loss map with per-class shares, a sweep over the rare class's
weight, per-class biases refitted under the weighted loss (what weights change in a prediction),
and the naive softmax-then-log that the seed thread's "for numerical stability" refers to.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from lossviz._validation import (
    as_float_array,
    as_index_array,
    check_in_range,
    check_nonnegative_scalar,
)
from lossviz.activations import softmax
from lossviz.data import make_segmentation, segmentation_logits
from lossviz.losses import cross_entropy, cross_entropy_grad
from lossviz.metrics import PrecisionRecallF1, precision_recall_f1

__all__ = [
    "BiasFit",
    "NaiveCheck",
    "PixelLosses",
    "RegionShare",
    "SegmentationExample",
    "WeightSweep",
    "boundary_pixels",
    "class_names",
    "fit_class_bias",
    "ignore_border",
    "inverse_frequency_weights",
    "make_example",
    "naive_softmax_check",
    "pixel_losses",
    "pixel_table",
    "rare_class_scores",
    "rare_weight_sweep",
    "region_share",
    "with_rare_weight",
]


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentationExample:
    """A synthetic image: ground-truth mask (H, W), logits (1, C, H, W), C, and the rare class."""

    mask: np.ndarray
    logits: np.ndarray
    n_classes: int
    rare_class: int
    names: tuple


@dataclass(frozen=True)
class PixelLosses:
    """Pixel-wise cross-entropy of one image, every per-pixel number, and its reductions.

    Attributes
    ----------
    target : ndarray, shape (H, W), int64
        The targets as given (``ignore_index`` at ignored pixels).
    loss_map : ndarray, shape (H, W)
        ``cross_entropy(logits, target[None], axis=1, ..., reduction="none")[0]``: 0 at ignored
        pixels, as torch.
    valid : ndarray of bool, shape (H, W)
        Pixels whose target is not ``ignore_index``.
    mean : float
        ``cross_entropy(..., reduction="mean")``: ``total / denominator`` (NaN if the denominator
        is 0).
    total : float
        Σ of the loss map (``reduction="sum"``).
    denominator : float
        Σ over valid pixels of w_{y_i} (the number of valid pixels when there are no weights).
    weight : ndarray, shape (C,)
        The class weights used (ones when none were given).
    probabilities : ndarray, shape (C, H, W)
        softmax over the class axis.
    p_true : ndarray, shape (H, W)
        Probability of the true class (NaN at ignored pixels).
    predicted : ndarray, shape (H, W), int64
        Arg-max class per pixel (the predicted mask).
    class_pixels : ndarray, shape (C,), int64
        Valid pixels of each true class.
    class_loss : ndarray, shape (C,)
        Σ of the loss map over the valid pixels of each true class.
    """

    target: np.ndarray
    loss_map: np.ndarray
    valid: np.ndarray
    mean: float
    total: float
    denominator: float
    weight: np.ndarray
    probabilities: np.ndarray
    p_true: np.ndarray
    predicted: np.ndarray
    class_pixels: np.ndarray
    class_loss: np.ndarray

    @property
    def n_valid(self) -> int:
        return int(self.valid.sum())

    @property
    def n_pixels(self) -> int:
        return int(self.valid.size)

    @property
    def map_mean(self) -> float:
        """The plain mean of the whole loss map, ignored pixels (zeros) included."""
        return float(self.loss_map.mean())

    @property
    def valid_map_mean(self) -> float:
        """The plain mean of the loss map over the valid pixels (NaN if there are none)."""
        return float(self.loss_map[self.valid].mean()) if self.n_valid else float("nan")

    @property
    def pixel_accuracy(self) -> float:
        """Share of valid pixels whose arg-max is the true class (NaN if there are none)."""
        if not self.n_valid:
            return float("nan")
        return float(self.correct[self.valid].mean())

    @property
    def correct(self) -> np.ndarray:
        """Per pixel: is the arg-max the true class? (False at ignored pixels.)"""
        return self.valid & (self.predicted == self.target)

    @property
    def class_loss_share(self) -> np.ndarray:
        """Each true class's share of the total loss (NaN when the total is 0)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return (
                self.class_loss / self.total
                if self.total > 0
                else np.full(self.class_loss.shape, np.nan)
            )

    @property
    def class_pixel_share(self) -> np.ndarray:
        """Each class's share of the valid pixels (NaN when no pixel is valid)."""
        count = self.class_pixels.sum()
        return (
            self.class_pixels / count
            if count
            else np.full(self.class_pixels.shape, np.nan)
        )


@dataclass(frozen=True)
class RegionShare:
    """A region's share of the valid pixels and of the total loss (NaN when undefined)."""

    n_pixels: int
    pixel_share: float
    loss_share: float


@dataclass(frozen=True)
class WeightSweep:
    """The mean loss and the rare class's share of the total, as the rare class's weight varies.

    ``rare_mean`` and ``other_mean`` are the mean per-pixel losses (all weights 1) of the valid
    rare-class pixels and of the other valid pixels, ``n_rare`` and ``n_other`` their counts.
    Without label smoothing the weighted mean is exactly
    mean(w) = (n_other·other_mean + w·n_rare·rare_mean) / (n_other + w·n_rare)
    (``predicted_mean``): a weighted average that moves from other_mean (w = 0) toward rare_mean
    (w → ∞). With smoothing, w also enters every pixel's smoothing term, so it is approximate.
    """

    rare_class: int
    weights: np.ndarray
    mean: np.ndarray
    rare_share: np.ndarray
    rare_mean: float
    other_mean: float
    n_rare: int
    n_other: int
    label_smoothing: float

    def predicted_mean(self, w) -> np.ndarray:
        """(n_other·other_mean + w·n_rare·rare_mean) / (n_other + w·n_rare), exact when ls = 0."""
        w = np.asarray(w, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (
                self.n_other * self.other_mean + w * self.n_rare * self.rare_mean
            ) / (self.n_other + w * self.n_rare)


@dataclass(frozen=True)
class BiasFit:
    """Per-class biases b added to fixed logits, fitted by minimising the (weighted) mean loss.

    ``predicted`` is argmax(z + b) per pixel; ``loss_before`` / ``loss_after`` the weighted mean
    loss at b = 0 and at the fitted b; ``success`` is False when there was nothing to fit (no
    valid pixel, or a zero weight sum) or the optimiser did not converge.
    """

    bias: np.ndarray
    predicted: np.ndarray
    loss_before: float
    loss_after: float
    success: bool


@dataclass(frozen=True)
class NaiveCheck:
    """softmax then log, computed naively, against log_softmax, on logits multiplied by ``scale``.

    ``naive_mean`` is the mean of −log(exp(z_y)/Σ exp(z)) over valid pixels (inf or NaN once
    exp overflows or a probability underflows to 0); ``stable_mean`` is ``cross_entropy`` of the
    same logits; ``n_nonfinite`` counts valid pixels where the naive loss is inf or NaN.
    """

    scale: float
    naive_mean: float
    stable_mean: float
    n_nonfinite: int
    n_nan: int
    n_inf: int
    n_valid: int


# --------------------------------------------------------------------------------------------
# The example image and its targets
# --------------------------------------------------------------------------------------------


def class_names(n_classes: int) -> tuple:
    """Display names: "background (0)", "class 1", …, "rare disc (C − 1)".

    Examples
    --------
    >>> class_names(3)
    ('background (0)', 'class 1', 'rare disc (2)')
    """
    n_classes = _check_int(n_classes, "n_classes", minimum=2)
    middle = [f"class {c}" for c in range(1, n_classes - 1)]
    return ("background (0)", *middle, f"rare disc ({n_classes - 1})")


def make_example(
    n_classes: int = 4,
    *,
    seed: int = 0,
    confidence: float = 3.0,
    noise: float = 1.0,
    blur: float = 1.0,
    size: int = 32,
) -> SegmentationExample:
    """A size × size synthetic mask and noisy logits of a pretend model (see ``lossviz.data``).

    The same ``seed`` draws the mask and the logit noise; the rare class is C − 1, a small disc.

    Examples
    --------
    >>> ex = make_example(3, seed=0)
    >>> ex.mask.shape, ex.logits.shape, ex.rare_class
    ((32, 32), (1, 3, 32, 32), 2)
    """
    mask = make_segmentation(size, size, n_classes, seed=seed)
    logits = segmentation_logits(
        mask, n_classes, confidence=confidence, noise=noise, blur=blur, seed=seed
    )
    return SegmentationExample(
        mask=mask,
        logits=logits,
        n_classes=n_classes,
        rare_class=n_classes - 1,
        names=class_names(n_classes),
    )


def ignore_border(mask, width: int, *, ignore_index: int = -100) -> np.ndarray:
    """A copy of ``mask`` with a border ``width`` pixels wide set to ``ignore_index``.

    Segmentation data sets mark pixels without a trustworthy label this way (PASCAL VOC uses 255
    for object outlines); torch's default ``ignore_index`` is −100. A width of half the image or
    more ignores every pixel.

    Examples
    --------
    >>> ignore_border(np.zeros((4, 4), dtype=int), 1)[:, 0].tolist()
    [-100, -100, -100, -100]
    """
    labels = _check_mask(mask)
    width = _check_int(width, "width", minimum=0)
    ignore_index = _check_ignore_index(ignore_index)
    out = labels.copy()
    if width:
        out[:width, :] = ignore_index
        out[-width:, :] = ignore_index
        out[:, :width] = ignore_index
        out[:, -width:] = ignore_index
    return out


def inverse_frequency_weights(
    mask, n_classes: int, *, ignore_index: int = -100
) -> np.ndarray:
    """Class weights w_c = N / (K·n_c), scikit-learn's "balanced" class weights.

    n_c counts the pixels of class c (ignored pixels excluded), N = Σ_c n_c and K is the number of
    classes present (n_c > 0), as ``sklearn.utils.class_weight.compute_class_weight("balanced")``.
    Then Σ_c w_c·n_c = N: the weighted "mean" keeps the unweighted denominator, and every present
    class carries the same total weight N/K. A class with no pixels gets weight 0 (it has nothing
    to weigh); with no valid pixel at all every weight is 0.

    Examples
    --------
    >>> inverse_frequency_weights([[0, 0, 0, 1]], 2).tolist()
    [0.6666666666666666, 2.0]
    """
    labels = _check_mask(mask)
    n_classes = _check_int(n_classes, "n_classes", minimum=2)
    ignore_index = _check_ignore_index(ignore_index)
    kept = labels[labels != ignore_index]
    if kept.size and (kept.min() < 0 or kept.max() >= n_classes):
        raise ValueError(
            f"mask must hold class indices in [0, {n_classes - 1}] or ignore_index ({ignore_index}); "
            f"got values from {kept.min()} to {kept.max()}"
        )
    counts = np.bincount(kept, minlength=n_classes).astype(np.float64)
    present = int((counts > 0).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(counts > 0, counts.sum() / (present * counts), 0.0)
    return weights


def with_rare_weight(
    n_classes: int, rare_weight: float, *, rare_class: int | None = None
) -> np.ndarray:
    """Weights of 1 for every class but the rare one (default C − 1), which gets ``rare_weight``.

    Examples
    --------
    >>> with_rare_weight(3, 10.0).tolist()
    [1.0, 1.0, 10.0]
    """
    n_classes = _check_int(n_classes, "n_classes", minimum=2)
    rare_class = (
        n_classes - 1
        if rare_class is None
        else _check_int(rare_class, "rare_class", minimum=0)
    )
    if rare_class >= n_classes:
        raise ValueError(
            f"rare_class must be in [0, {n_classes - 1}]; got {rare_class}"
        )
    weights = np.ones(n_classes)
    weights[rare_class] = check_nonnegative_scalar(rare_weight, "rare_weight")
    return weights


# --------------------------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------------------------


def pixel_losses(
    logits,
    target,
    *,
    weight=None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> PixelLosses:
    """Per-pixel cross-entropy of one image and its reductions, all from ``lossviz.cross_entropy``.

    Parameters
    ----------
    logits : array_like, shape (1, C, H, W)
        One image's logits, classes on axis 1 (torch's layout).
    target : array_like, shape (H, W)
        Class indices in [0, C), or ``ignore_index``.
    weight : array_like, shape (C,), optional
        Class weights.
    ignore_index : int
        The target value of ignored pixels.
    label_smoothing : float in [0, 1]

    Returns
    -------
    PixelLosses

    Examples
    --------
    >>> z = np.zeros((1, 2, 1, 2)); z[0, 0] = 2.0
    >>> r = pixel_losses(z, [[0, 1]])
    >>> np.round(r.loss_map, 4).tolist(), round(r.mean, 4)
    ([[0.1269, 2.1269]], 1.1269)
    """
    z = _check_logits(logits)
    labels = _check_mask(target, "target")
    if labels.shape != z.shape[2:]:
        raise ValueError(
            f"target must have shape {z.shape[2:]} (H, W) for logits {z.shape}; got {labels.shape}"
        )
    options = {
        "axis": 1,
        "weight": weight,
        "ignore_index": ignore_index,
        "label_smoothing": label_smoothing,
    }
    loss_map = cross_entropy(z, labels[None], reduction="none", **options)[0]
    mean = cross_entropy(z, labels[None], reduction="mean", **options)
    n_classes = z.shape[1]
    w = np.ones(n_classes) if weight is None else as_float_array(weight, "weight")
    valid = labels != ignore_index
    safe = np.where(valid, labels, 0)
    probabilities = softmax(z, axis=1)[0]
    p_true = np.where(
        valid, np.take_along_axis(probabilities, safe[None], axis=0)[0], np.nan
    )
    kept = labels[valid]
    return PixelLosses(
        target=labels,
        loss_map=loss_map,
        valid=valid,
        mean=float(mean),
        total=float(loss_map.sum()),
        denominator=float(w[kept].sum()),
        weight=w,
        probabilities=probabilities,
        p_true=p_true,
        predicted=probabilities.argmax(axis=0),
        class_pixels=np.bincount(kept, minlength=n_classes).astype(np.int64),
        class_loss=np.bincount(
            kept, weights=loss_map[valid], minlength=n_classes
        ).astype(np.float64),
    )


def boundary_pixels(mask) -> np.ndarray:
    """Pixels with a 4-neighbour of another class (in the ground truth): the shapes' outlines.

    Examples
    --------
    >>> boundary_pixels([[0, 0, 1]]).tolist()
    [[False, True, True]]
    """
    labels = _check_mask(mask)
    edge = np.zeros(labels.shape, dtype=bool)
    vertical = labels[1:, :] != labels[:-1, :]
    horizontal = labels[:, 1:] != labels[:, :-1]
    edge[1:, :] |= vertical
    edge[:-1, :] |= vertical
    edge[:, 1:] |= horizontal
    edge[:, :-1] |= horizontal
    return edge


def region_share(result: PixelLosses, region) -> RegionShare:
    """How many of the valid pixels lie in ``region`` (bool (H, W)) and what share of the loss they carry.

    Examples
    --------
    >>> z = np.zeros((1, 2, 1, 2)); z[0, 0] = 2.0
    >>> share = region_share(pixel_losses(z, [[0, 1]]), [[False, True]])
    >>> share.n_pixels, share.pixel_share, round(share.loss_share, 4)
    (1, 0.5, 0.9437)
    """
    inside = np.asarray(region, dtype=bool)
    if inside.shape != result.loss_map.shape:
        raise ValueError(
            f"region must have the image's shape {result.loss_map.shape}; got {inside.shape}"
        )
    counted = inside & result.valid
    n = int(counted.sum())
    pixel_share = n / result.n_valid if result.n_valid else float("nan")
    loss_share = (
        float(result.loss_map[counted].sum()) / result.total
        if result.total > 0
        else float("nan")
    )
    return RegionShare(n_pixels=n, pixel_share=pixel_share, loss_share=loss_share)


def pixel_table(result: PixelLosses, names=None) -> dict:
    """One row per pixel: row, column, true class, predicted class, p(true class), loss, ignored.

    The CSV behind the lesson's maps (ignored pixels keep their target value and a loss of 0).

    Examples
    --------
    >>> z = np.zeros((1, 2, 1, 2)); z[0, 0] = 2.0
    >>> pixel_table(pixel_losses(z, [[0, 1]]))["loss"]
    [0.126928, 2.126928]
    """
    rows, cols = np.indices(result.loss_map.shape)
    n_classes = result.probabilities.shape[0]
    names = (
        tuple(names) if names is not None else tuple(str(c) for c in range(n_classes))
    )

    def name(c):
        return names[c] if 0 <= c < n_classes else "ignored"

    return {
        "row": rows.ravel().tolist(),
        "column": cols.ravel().tolist(),
        "true class": [name(int(c)) for c in result.target.ravel()],
        "predicted class": [name(int(c)) for c in result.predicted.ravel()],
        "p(true class)": [
            None if np.isnan(v) else round(float(v), 6) for v in result.p_true.ravel()
        ],
        "loss": [round(float(v), 6) for v in result.loss_map.ravel()],
        "ignored": (~result.valid).ravel().tolist(),
    }


def rare_weight_sweep(
    logits,
    target,
    weights,
    *,
    rare_class: int,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> WeightSweep:
    """Mean loss and the rare class's share of the total for each rare-class weight (others 1).

    Parameters
    ----------
    logits, target, ignore_index, label_smoothing
        As ``pixel_losses``.
    weights : array_like, shape (k,)
        Non-negative weights of the rare class to try.
    rare_class : int

    Returns
    -------
    WeightSweep
        ``mean[j]`` and ``rare_share[j]`` at ``weights[j]`` (NaN where undefined).

    Examples
    --------
    >>> z = np.zeros((1, 2, 1, 2)); z[0, 0] = 2.0
    >>> s = rare_weight_sweep(z, [[0, 1]], [1.0, 3.0], rare_class=1)
    >>> np.round(s.mean, 4).tolist(), round(s.rare_mean, 4), round(s.other_mean, 4)
    ([1.1269, 1.6269], 2.1269, 0.1269)
    """
    z = _check_logits(logits)
    n_classes = z.shape[1]
    rare_class = _check_int(rare_class, "rare_class", minimum=0)
    if rare_class >= n_classes:
        raise ValueError(
            f"rare_class must be in [0, {n_classes - 1}]; got {rare_class}"
        )
    grid = as_float_array(weights, "weights")
    if grid.ndim != 1 or np.any(grid < 0):
        raise ValueError(
            "weights must be a 1-d array of non-negative rare-class weights"
        )
    base = pixel_losses(
        z, target, ignore_index=ignore_index, label_smoothing=label_smoothing
    )
    labels = base.target[None]
    is_rare = base.valid & (base.target == rare_class)
    options = {
        "axis": 1,
        "ignore_index": ignore_index,
        "label_smoothing": label_smoothing,
    }
    means, shares = [], []
    for w in grid:
        weight = with_rare_weight(n_classes, float(w), rare_class=rare_class)
        loss_map = cross_entropy(z, labels, weight=weight, reduction="none", **options)[
            0
        ]
        means.append(cross_entropy(z, labels, weight=weight, **options))
        total = float(loss_map.sum())
        shares.append(float(loss_map[is_rare].sum()) / total if total > 0 else np.nan)
    n_rare = int(base.class_pixels[rare_class])
    n_other = int(base.class_pixels.sum()) - n_rare
    rare_sum = float(base.class_loss[rare_class])
    other_sum = float(base.class_loss.sum()) - rare_sum
    return WeightSweep(
        rare_class=rare_class,
        weights=grid,
        mean=np.array(means),
        rare_share=np.array(shares),
        rare_mean=rare_sum / n_rare if n_rare else float("nan"),
        other_mean=other_sum / n_other if n_other else float("nan"),
        n_rare=n_rare,
        n_other=n_other,
        label_smoothing=float(label_smoothing),
    )


def fit_class_bias(
    logits,
    target,
    *,
    weight=None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> BiasFit:
    """Fit one bias per class, b, on top of fixed logits by minimising the weighted mean loss.

    The cheapest "training" there is: C parameters, the loss ``cross_entropy(z + b, ...)``
    (convex in b), its gradient Σ_pixels ``cross_entropy_grad`` (L-BFGS-B from b = 0). Class
    weights do not change a model's predictions by themselves (the arg-max of fixed logits is
    the same under any weights); they change what training optimises. Comparing the masks
    predicted after fitting b with and without weights shows that effect.

    Parameters
    ----------
    logits, target, weight, ignore_index, label_smoothing
        As ``pixel_losses``.

    Returns
    -------
    BiasFit

    Notes
    -----
    Adding the same constant to every b changes nothing (softmax is shift invariant), and the
    gradient's components always sum to 0, so the fit starting from b = 0 keeps Σ_c b_c = 0.
    A class whose weight is 0 while the others are positive has no finite optimum (its bias
    keeps falling); the optimiser stops after 20 iterations with a large negative b_c.
    """
    z = _check_logits(logits)
    labels = _check_mask(target, "target")
    options = {
        "axis": 1,
        "weight": weight,
        "ignore_index": ignore_index,
        "label_smoothing": label_smoothing,
    }
    n_classes = z.shape[1]
    start = cross_entropy(z, labels[None], **options)
    if not np.isfinite(start):
        return BiasFit(np.zeros(n_classes), z[0].argmax(axis=0), start, start, False)

    def objective(b):
        shifted = z + b[None, :, None, None]
        value = cross_entropy(shifted, labels[None], **options)
        grad = cross_entropy_grad(shifted, labels[None], **options).sum(axis=(0, 2, 3))
        return value, grad

    result = optimize.minimize(
        objective,
        np.zeros(n_classes),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 20, "gtol": 1e-6},
    )
    bias = result.x - result.x.mean()
    shifted = z + bias[None, :, None, None]
    return BiasFit(
        bias=bias,
        predicted=shifted[0].argmax(axis=0),
        loss_before=float(start),
        loss_after=float(cross_entropy(shifted, labels[None], **options)),
        success=bool(result.success),
    )


def rare_class_scores(
    target, predicted, rare_class: int, *, ignore_index: int = -100
) -> PrecisionRecallF1:
    """Precision, recall and F1 of the rare class over the valid pixels (NaN when undefined).

    precision = #(predicted rare and truly rare) / #(predicted rare), recall = … / #(truly rare),
    via ``lossviz.metrics.precision_recall_f1`` on the valid pixels, with ``zero_division=nan``.

    Examples
    --------
    >>> rare_class_scores([[0, 2, 2]], [[2, 2, 0]], 2)
    PrecisionRecallF1(precision=0.5, recall=0.5, f1=0.5)
    """
    labels = _check_mask(target, "target")
    pred = _check_mask(predicted, "predicted")
    if pred.shape != labels.shape:
        raise ValueError(
            f"predicted must have the shape of target {labels.shape}; got {pred.shape}"
        )
    rare_class = _check_int(rare_class, "rare_class", minimum=0)
    valid = labels != _check_ignore_index(ignore_index)
    if not valid.any():
        nan = float("nan")
        return PrecisionRecallF1(nan, nan, nan)
    truth = (labels[valid] == rare_class).astype(np.float64)
    guess = (pred[valid] == rare_class).astype(np.float64)
    return precision_recall_f1(truth, guess, zero_division=float("nan"))


def naive_softmax_check(
    logits, target, *, scale: float = 1000.0, ignore_index: int = -100
) -> NaiveCheck:
    """Softmax then log, the naive way, against ``cross_entropy`` (log-softmax) at logits × scale.

    The naive per-pixel loss is −log(exp(z_y) / Σ_c exp(z_c)), deliberately computed with
    ``np.exp`` and ``np.log`` as a textbook would. exp overflows to inf above z ≈ 709.8 (inf/inf
    is NaN) and a probability below ~5e−324 underflows to 0 (−log 0 = inf). ``cross_entropy``
    computes logsumexp(z) − z_y, which shifts by the maximum and never overflows: the seed
    thread's "combines the softmax and the loss for numerical stability".

    Examples
    --------
    >>> z = np.zeros((1, 2, 1, 1)); z[0, 0] = 1.0
    >>> c = naive_softmax_check(z, [[1]], scale=1000.0)
    >>> c.n_nonfinite, c.stable_mean
    (1, 1000.0)
    """
    z = _check_logits(logits)
    labels = _check_mask(target, "target")
    scale = check_in_range(scale, "scale", 0.0, 1e6)
    scaled = z * scale
    valid = labels != _check_ignore_index(ignore_index)
    safe = np.where(valid, labels, 0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        e = np.exp(scaled[0])
        s = e / e.sum(axis=0, keepdims=True)
        naive = -np.log(np.take_along_axis(s, safe[None], axis=0)[0])
    naive = naive[valid]
    stable = cross_entropy(scaled, labels[None], axis=1, ignore_index=ignore_index)
    with np.errstate(invalid="ignore"):
        naive_mean = float(naive.mean()) if naive.size else float("nan")
    return NaiveCheck(
        scale=scale,
        naive_mean=naive_mean,
        stable_mean=float(stable),
        n_nonfinite=int((~np.isfinite(naive)).sum()),
        n_nan=int(np.isnan(naive).sum()),
        n_inf=int(np.isinf(naive).sum()),
        n_valid=int(valid.sum()),
    )


# --------------------------------------------------------------------------------------------
# Private checks
# --------------------------------------------------------------------------------------------


def _check_logits(logits) -> np.ndarray:
    z = as_float_array(logits, "logits")
    if z.ndim != 4 or z.shape[0] != 1 or z.shape[1] < 2:
        raise ValueError(
            f"logits must have shape (1, C, H, W) with C >= 2 (one image); got {z.shape}"
        )
    return z


def _check_mask(mask, name: str = "mask") -> np.ndarray:
    labels = as_index_array(mask, name)
    if labels.ndim != 2:
        raise ValueError(f"{name} must be a 2-d array (H, W); got shape {labels.shape}")
    return labels


def _check_ignore_index(value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"ignore_index must be an integer; got {value!r}")
    return int(value)


def _check_int(value, name: str, *, minimum: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < minimum
    ):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)

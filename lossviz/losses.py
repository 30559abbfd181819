"""Classification losses and their gradients, matching PyTorch, torchvision and Keras.

Every loss ``f(prediction, target, *, ..., reduction="mean")`` has a twin ``f_grad`` with the same
signature that returns d(reduced loss)/d(prediction), the same shape as the prediction. Under
``reduction="none"`` the twin returns each element's own derivative. Each pair sits side by side:
a private kernel computes the unreduced values and the unreduced derivatives, the public pair
validates, reduces and scales with the same divisor. The two losses a training loop
calls at every step, ``bce_with_logits`` and ``cross_entropy``, also have a
``*_value_and_grad`` form that validates once and shares the work between the two.

Logit losses work in log space (log σ(z) = min(z, 0) − log(1 + e^(−|z|)), and
−log softmax(z)_c = logsumexp(z) − z_c), so they are exact at logits of ±1e4. Epsilon clipping
appears only in the two Keras probability losses, ``bce`` and
``categorical_ce``, which reproduce what Keras does to probability inputs.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import special

from lossviz._validation import (
    as_float_array,
    as_index_array,
    check_axis,
    check_binary_targets,
    check_in_range,
    check_nonnegative_scalar,
    check_probabilities,
    check_reduction,
    check_same_shape,
    reduce,
)

__all__ = [
    "LOSSES",
    "LossSpec",
    "bce",
    "bce_grad",
    "bce_with_logits",
    "bce_with_logits_grad",
    "bce_with_logits_value_and_grad",
    "categorical_ce",
    "categorical_ce_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "cross_entropy_value_and_grad",
    "mse",
    "mse_grad",
    "multilabel_softmax_ce",
    "multilabel_softmax_ce_grad",
    "sigmoid_focal_loss",
    "sigmoid_focal_loss_grad",
    "sigmoid_mse",
    "sigmoid_mse_grad",
]

KERAS_EPSILON = 1e-7


# --------------------------------------------------------------------------------------------
# Binary cross-entropy on probabilities (Keras binary_crossentropy, from_logits=False)
# --------------------------------------------------------------------------------------------


def bce(p, y, *, eps: float = KERAS_EPSILON, reduction: str = "mean"):
    """Binary cross-entropy on probabilities, as Keras computes it.

    ℓ = −[y·log(p̂) + (1 − y)·log(1 − p̂)]  with  p̂ = clip(p, eps, 1 − eps).

    Parameters
    ----------
    p : array_like
        Predicted probabilities in [0, 1], any shape.
    y : array_like
        Targets in [0, 1] (hard or soft labels), same shape as ``p``.
    eps : float
        Keras' ``epsilon()`` (1e-7). The clipping caps the loss at −log(eps) ≈ 16.1. ``eps=0``
        gives the unclipped textbook formula (infinite at p = 0 with y = 1).
    reduction : {"none", "mean", "sum"}
        "none" returns one value per element. "mean" averages over every element, which equals
        Keras' mean over the last axis followed by its default mean over the batch.

    Notes
    -----
    Keras works in float32, where 1 − 1e-7 rounds to 0.99999988; lossviz computes in float64.

    Examples
    --------
    >>> round(bce([0.9], [1.0]), 6)
    0.105361
    """
    p, y, eps = _check_probability_pair(p, y, eps)
    return reduce(_bce_terms(p, y, eps)[0], check_reduction(reduction))


def bce_grad(p, y, *, eps: float = KERAS_EPSILON, reduction: str = "mean"):
    """d bce / d p.

    dℓ/dp = (p̂ − y) / (p̂·(1 − p̂))  where eps ≤ p ≤ 1 − eps, and 0 outside, because clipping
    passes no gradient (TensorFlow's ``clip_by_value`` and ``torch.clamp`` both do this). "mean"
    divides by the number of elements.
    """
    p, y, eps = _check_probability_pair(p, y, eps)
    grad = _bce_terms(p, y, eps)[1]
    return _scale(grad, check_reduction(reduction), grad.size)


def _bce_terms(p, y, eps):
    clipped = np.clip(p, eps, 1.0 - eps)
    value = -(special.xlogy(y, clipped) + special.xlogy(1.0 - y, 1.0 - clipped))
    inside = (p >= eps) & (p <= 1.0 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        grad = np.where(inside, (clipped - y) / (clipped * (1.0 - clipped)), 0.0)
    return value, grad


# --------------------------------------------------------------------------------------------
# Categorical cross-entropy on probabilities (Keras categorical_crossentropy, from_logits=False)
# --------------------------------------------------------------------------------------------


def categorical_ce(p, y, *, eps: float = KERAS_EPSILON, reduction: str = "mean"):
    """Categorical cross-entropy on probabilities, as Keras computes it (last axis = classes).

    q = p / Σ_k p_k (each row renormalised), q̂ = clip(q, eps, 1 − eps), ℓ = −Σ_j y_j·log(q̂_j).

    Only the true class's term survives for a one-hot ``y``: the errors on the other classes are
    not in the loss (they reach the logits through the softmax instead).

    Parameters
    ----------
    p : array_like, shape (..., C)
        Predicted probabilities (any non-negative scores: each row is renormalised); each row
        must have a positive sum.
    y : array_like, shape (..., C)
        One-hot or soft targets in [0, 1].
    eps : float
        Keras' epsilon (1e-7).
    reduction : {"none", "mean", "sum"}
        "none" returns one value per row (shape ``p.shape[:-1]``); "mean" averages over rows.

    Examples
    --------
    >>> round(categorical_ce([0.7, 0.1, 0.1, 0.1], [1, 0, 0, 0]), 4)
    0.3567
    """
    p, y, eps = _check_categorical_pair(p, y, eps)
    return reduce(_categorical_ce_terms(p, y, eps)[0], check_reduction(reduction))


def categorical_ce_grad(p, y, *, eps: float = KERAS_EPSILON, reduction: str = "mean"):
    """d categorical_ce / d p (with respect to the raw, unnormalised p).

    With S = Σ_k p_k and g_j = dℓ/dq_j = −y_j / q̂_j (0 where q_j was clipped),
    dℓ/dp_k = (g_k − Σ_j g_j·q_j) / S, the chain rule through q_j = p_j / S. "mean" divides by
    the number of rows.
    """
    p, y, eps = _check_categorical_pair(p, y, eps)
    value, grad = _categorical_ce_terms(p, y, eps)
    return _scale(grad, check_reduction(reduction), value.size)


def _categorical_ce_terms(p, y, eps):
    total = p.sum(axis=-1, keepdims=True)
    q = p / total
    clipped = np.clip(q, eps, 1.0 - eps)
    value = -special.xlogy(y, clipped).sum(axis=-1)
    inside = (q >= eps) & (q <= 1.0 - eps)
    dq = np.where(inside, -y / clipped, 0.0)
    grad = (dq - (dq * q).sum(axis=-1, keepdims=True)) / total
    return value, grad


# --------------------------------------------------------------------------------------------
# Binary cross-entropy with logits (torch.nn.functional.binary_cross_entropy_with_logits)
# --------------------------------------------------------------------------------------------


def bce_with_logits(z, y, *, weight=None, pos_weight=None, reduction: str = "mean"):
    """Binary cross-entropy on logits, as ``F.binary_cross_entropy_with_logits``.

    ℓ = w·[(1 − y)·z − (1 + (pw − 1)·y)·log σ(z)]

    which is w·[−pw·y·log σ(z) − (1 − y)·log σ(−z)]. log σ(z) = min(z, 0) − log(1 + e^(−|z|)),
    whose exponential never overflows: exact at z = ±1e4, no epsilon. Without ``pos_weight`` this
    is max(z, 0) − y·z + log(1 + e^(−|z|)).

    Parameters
    ----------
    z : array_like
        Logits, any shape.
    y : array_like
        Targets in [0, 1], same shape as ``z``.
    weight : array_like, optional
        Non-negative rescaling weight, broadcast to ``z``'s shape.
    pos_weight : array_like, optional
        Non-negative weight of the positive term, broadcast along the last (class) axis.
    reduction : {"none", "mean", "sum"}
        "mean" divides by the number of elements (not by the weights).

    Examples
    --------
    >>> round(bce_with_logits([0.0], [1.0]), 6)
    0.693147
    """
    z, y, w, pw = _check_bce_logits(z, y, weight, pos_weight)
    return reduce(_bce_logits_value(z, y, w, pw), check_reduction(reduction))


def bce_with_logits_grad(z, y, *, weight=None, pos_weight=None, reduction: str = "mean"):
    """d bce_with_logits / d z.

    dℓ/dz = w·[(1 + (pw − 1)·y)·σ(z) − pw·y]; with no weights this is σ(z) − y, which neither
    vanishes nor cancels at large |z|. "mean" divides by the number of elements.
    """
    z, y, w, pw = _check_bce_logits(z, y, weight, pos_weight)
    grad = _bce_logits_derivative(z, y, w, pw)
    return _scale(grad, check_reduction(reduction), grad.size)


def bce_with_logits_value_and_grad(z, y, *, weight=None, pos_weight=None, reduction: str = "mean"):
    """``(bce_with_logits(...), bce_with_logits_grad(...))`` from one call, validating once.

    The same two results, bit for bit, as the two separate calls (the same kernels run), at
    the cost of one input check and one exponential e^(−|z|) instead of two of each: what a
    training loop wants at every step.

    Examples
    --------
    >>> value, grad = bce_with_logits_value_and_grad([0.0], [1.0])
    >>> round(value, 6), grad.tolist()
    (0.693147, [-0.5])
    """
    z, y, w, pw = _check_bce_logits(z, y, weight, pos_weight)
    reduction = check_reduction(reduction)
    e = _exp_minus_abs(z)
    value = reduce(_bce_logits_value(z, y, w, pw, e), reduction)
    grad = _bce_logits_derivative(z, y, w, pw, e)  # last: it overwrites e
    return value, _scale(grad, reduction, grad.size)


def _exp_minus_abs(z):
    # e^(−|z|), in (0, 1] so it never overflows: the one exponential BCE with logits needs. The
    # loss takes its softplus log(1 + e), the gradient its sigmoid, so a fused call pays one exp.
    e = np.abs(z)
    np.negative(e, out=e)
    return np.exp(e, out=e)


def _bce_logits_value(z, y, w, pw, e=None):
    # max(z, 0) − y·z + log(1 + e^(−|z|)), with np.log1p: exact where the loss is tiny (z = −30,
    # y = 0 gives 9.358e−14; torch's (1 − y)·z − log σ(z) cancels to 9.237e−14).
    softplus = np.log1p(_exp_minus_abs(z) if e is None else e)
    if pw is None:
        value = np.maximum(z, 0.0)
        value -= y * z
        value += softplus
    else:
        value = (1.0 - y) * z - (1.0 + (pw - 1.0) * y) * (np.minimum(z, 0.0) - softplus)
    return value if w is None else w * value


def _bce_logits_derivative(z, y, w, pw, e=None):
    # σ(z) from e = e^(−|z|), with no second exponential and no branch: σ(|z|) = 1/(1 + e), and
    # σ(z) = σ(|z|)·m with m = 1 where z ≥ 0 and m = e where z < 0 (e/(1 + e), which neither
    # overflows nor cancels). m = max(e, [z ≥ 0]) since e ≤ 1. ``e`` is overwritten.
    e = _exp_minus_abs(z) if e is None else e
    grad = e + 1.0
    np.divide(1.0, grad, out=grad)
    grad *= np.maximum(e, np.greater_equal(z, 0.0), out=e)
    if pw is None:
        grad -= y
    else:
        grad *= 1.0 + (pw - 1.0) * y
        grad -= pw * y
    return grad if w is None else w * grad


# --------------------------------------------------------------------------------------------
# Squared error on probabilities, and through a sigmoid
# --------------------------------------------------------------------------------------------


def mse(p, y, *, reduction: str = "mean"):
    """Squared error, ℓ = (p − y)², as ``F.mse_loss``.

    Examples
    --------
    >>> mse([0.5], [1.0])
    0.25
    """
    p, y = _check_pair(p, "p", y, "y")
    return reduce((p - y) ** 2, check_reduction(reduction))


def mse_grad(p, y, *, reduction: str = "mean"):
    """d mse / d p = 2·(p − y); at most 2 in size for probabilities. "mean" divides by n."""
    p, y = _check_pair(p, "p", y, "y")
    grad = 2.0 * (p - y)
    return _scale(grad, check_reduction(reduction), grad.size)


def sigmoid_mse(z, y, *, reduction: str = "mean"):
    """Squared error through a sigmoid, ℓ = (σ(z) − y)², as a function of the logit z.

    Examples
    --------
    >>> sigmoid_mse([0.0], [1.0])
    0.25
    """
    z, y = _check_pair(z, "z", y, "y")
    check_binary_targets(y, "y")
    return reduce((special.expit(z) - y) ** 2, check_reduction(reduction))


def sigmoid_mse_grad(z, y, *, reduction: str = "mean"):
    """d sigmoid_mse / d z = 2·(p − y)·p·(1 − p) with p = σ(z).

    The factor p·(1 − p) = σ(z)·σ(−z) vanishes at both ends, so the gradient dies exactly where
    the model is confidently wrong (p → 0 with y = 1), unlike cross-entropy's p − y.
    """
    z, y = _check_pair(z, "z", y, "y")
    check_binary_targets(y, "y")
    grad = _sigmoid_mse_derivative(z, y)
    return _scale(grad, check_reduction(reduction), grad.size)


def _sigmoid_mse_derivative(z, y):
    p = special.expit(z)
    return 2.0 * (p - y) * p * special.expit(-z)


# --------------------------------------------------------------------------------------------
# Focal loss (torchvision.ops.sigmoid_focal_loss)
# --------------------------------------------------------------------------------------------


def sigmoid_focal_loss(z, y, *, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "mean"):
    """Sigmoid focal loss, as ``torchvision.ops.sigmoid_focal_loss``.

    ℓ = α_t·(1 − p_t)^γ·BCE(z, y)  with  p_t = σ(z)·y + σ(−z)·(1 − y),
    α_t = α·y + (1 − α)·(1 − y)  (no α weighting when α < 0).

    1 − p_t is computed as y·σ(−z) + (1 − y)·σ(z), not by subtraction, so that it keeps its
    precision for confident predictions. γ = 0 and α < 0 give plain BCE with logits.
    torchvision's default reduction is "none"; lossviz's is "mean" like every other loss.

    Examples
    --------
    >>> round(sigmoid_focal_loss([0.0], [1.0], alpha=-1, gamma=0), 6)
    0.693147
    """
    z, y, alpha, gamma = _check_focal(z, y, alpha, gamma)
    return reduce(_focal_terms(z, y, alpha, gamma)[0], check_reduction(reduction))


def sigmoid_focal_loss_grad(
    z, y, *, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "mean"
):
    """d sigmoid_focal_loss / d z.

    With m = 1 − p_t, B = BCE(z, y), dm/dz = (1 − 2y)·σ(z)·σ(−z) and dB/dz = σ(z) − y:
    dℓ/dz = α_t·[γ·m^(γ−1)·(dm/dz)·B + m^γ·(σ(z) − y)].
    The first term is set to 0 where m = 0, its limit (m^(γ−1) alone would be inf for γ < 1).
    """
    z, y, alpha, gamma = _check_focal(z, y, alpha, gamma)
    grad = _focal_terms(z, y, alpha, gamma)[1]
    return _scale(grad, check_reduction(reduction), grad.size)


def _focal_grad_kernel(y, alpha, gamma: float):
    """``lambda z: _focal_terms(z, y, alpha, gamma)[1]`` for a fixed y, a quarter faster.

    For a training loop, which asks for the gradient of the same targets every epoch: what depends
    on y alone (1 − y, 1 − 2y, α_t) is computed once, and the loss value is not computed at all.
    ``alpha`` may also hold one α per run for logits of runs stacked in front (runs, n): each row
    is then that run's gradient, bit for bit (a run without α weighting is multiplied by 1).
    """
    terms = _focal_kernel(y, alpha, gamma, with_value=False)
    return lambda z: terms(z)[1]


def _focal_terms(z, y, alpha, gamma):
    """Per-example focal loss values and logit gradients (see ``sigmoid_focal_loss_grad``)."""
    return _focal_kernel(y, alpha, gamma, with_value=True)(z)


def _focal_alpha_weights(y, alpha):
    """α_t = α·y + (1 − α)·(1 − y), or None when α < 0 (no weighting).

    With one α per run (a 1-d array), the rows of the runs stacked in front: 1 for a run without
    weighting (multiplying by 1 is exact), None when no run has any.
    """
    if np.ndim(alpha) == 0:
        return alpha * y + (1.0 - alpha) * (1.0 - y) if alpha >= 0 else None
    if all(a < 0 for a in alpha):
        return None
    return np.stack([a * y + (1.0 - a) * (1.0 - y) if a >= 0 else np.ones(np.shape(y)) for a in alpha])


def _focal_kernel(y, alpha, gamma, *, with_value: bool):
    """z -> (value or None, gradient) of the focal loss for fixed targets y and α, γ."""
    one_minus_y = 1.0 - y
    sign = 1.0 - 2.0 * y
    alpha_t = _focal_alpha_weights(y, alpha)

    def terms(z):
        p = special.expit(z)
        q = special.expit(-z)
        m = y * q + one_minus_y * p
        bce_value = _bce_logits_value(z, y, None, None)
        modulation = m**gamma
        dm = sign * p * q
        with np.errstate(divide="ignore", invalid="ignore"):
            modulation_slope = np.where(m > 0.0, gamma * m ** (gamma - 1.0) * dm, 0.0)
        value = modulation * bce_value if with_value else None
        grad = modulation_slope * bce_value + modulation * (p - y)
        if alpha_t is not None:
            grad = alpha_t * grad
            value = None if value is None else alpha_t * value
        return value, grad

    return terms


# --------------------------------------------------------------------------------------------
# Softmax cross-entropy (torch.nn.functional.cross_entropy)
# --------------------------------------------------------------------------------------------


def cross_entropy(
    z,
    target,
    *,
    axis: int = -1,
    weight=None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
):
    """Softmax cross-entropy on logits, as ``torch.nn.functional.cross_entropy``.

    With s = softmax(z) along ``axis``, C classes, class weights w (ones when not given),
    W = Σ_c w_c and ls = label_smoothing:

    * class-index targets (``target`` has z's shape without the class axis):
      ℓ_i = (1 − ls)·w_{y_i}·(−log s_{i,y_i}) + (ls/C)·Σ_c w_c·(−log s_{i,c}); positions whose
      target equals ``ignore_index`` give 0 and "mean" divides Σ ℓ_i by Σ_{i not ignored} w_{y_i}
      (NaN when every position is ignored, as in torch, whose gradient is then 0);
    * class-probability targets (``target`` has z's shape): t' = (1 − ls)·t + ls/C,
      ℓ_i = −Σ_c w_c·t'_c·log s_{i,c}, and "mean" divides by the number of positions.

    Parameters
    ----------
    z : array_like
        Logits with the classes along ``axis``: (C,), (N, C), or (N, C, H, W) with ``axis=1`` for
        pixel-wise softmax.
    target : array_like
        Class indices (whole numbers in [0, C) or ``ignore_index``) or class probabilities.
    axis : int
        The class axis of ``z``.
    weight : array_like, optional
        Non-negative weight per class, shape (C,).
    ignore_index : int
        Index targets equal to it are skipped (only for index targets).
    label_smoothing : float
        In [0, 1].
    reduction : {"none", "mean", "sum"}
        "none" returns one value per position (z's shape without the class axis).

    Notes
    -----
    log s = z − logsumexp(z) (``scipy.special.log_softmax``), never log(softmax(z)), so a row
    like [1e4, −1e4] has a finite loss of 2e4 for the second class.

    Examples
    --------
    >>> round(cross_entropy([[2.0, 0.0, 0.0]], [0]), 6)
    0.239545
    """
    check = _check_cross_entropy(z, target, axis, weight, ignore_index, label_smoothing)
    return _cross_entropy(*check, check_reduction(reduction), with_grad=False)[0]


def cross_entropy_grad(
    z,
    target,
    *,
    axis: int = -1,
    weight=None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
):
    """d cross_entropy / d z, same shape as ``z``.

    Class-index targets: g_j = (1 − ls)·w_y·(s_j − [j = y]) + (ls/C)·(W·s_j − w_j), zero at
    ignored positions. Probability targets: g_j = s_j·Σ_c w_c·t'_c − w_j·t'_j. With no weights
    and no smoothing both are s − y: every logit gets a gradient, not only the true class's.
    "mean" divides by the same weight sum (or position count) as the loss.
    """
    check = _check_cross_entropy(z, target, axis, weight, ignore_index, label_smoothing)
    return _cross_entropy(*check, check_reduction(reduction), with_grad=True, with_value=False)[1]


def cross_entropy_value_and_grad(
    z,
    target,
    *,
    axis: int = -1,
    weight=None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: str = "mean",
):
    """``(cross_entropy(...), cross_entropy_grad(...))`` from one call.

    The same two results, bit for bit, as the two separate calls, from one input check and one
    softmax: the loss needs log-sum-exp and the gradient the softmax, and both come from the
    same exp(z − max z). This is what PyTorch's forward + backward share, and what a training
    loop wants at every step.

    Examples
    --------
    >>> value, grad = cross_entropy_value_and_grad([[0.0, 0.0]], [1])
    >>> round(value, 6), grad.tolist()
    (0.693147, [[0.5, -0.5]])
    """
    check = _check_cross_entropy(z, target, axis, weight, ignore_index, label_smoothing)
    return _cross_entropy(*check, check_reduction(reduction), with_grad=True)


def _classes_last(array, axis):
    return array if axis == array.ndim - 1 else np.moveaxis(array, axis, -1)


def _softmax_parts(logits, *, with_lse: bool = True):
    """exp(z − max z), its sum over the (last) class axis, and log-sum-exp (None without ``with_lse``).

    scipy's ``logsumexp`` and ``softmax`` would each make their own max, exp and sum passes; the
    loss (through log-sum-exp) and its gradient (through the softmax) share this one, which is
    most of the cost (bench/bench_core.py). Subtracting the row maximum keeps exp ≤ 1, so logits
    of ±1e4 never overflow.
    """
    peak = _class_max(logits)
    exp_shifted = np.subtract(logits, peak, order="C")
    np.exp(exp_shifted, out=exp_shifted)
    # A BLAS matrix–vector product sums a short class axis ~5x faster than .sum(axis=-1).
    total = exp_shifted @ np.ones(logits.shape[-1])
    return exp_shifted, total, peak[..., 0] + np.log(total) if with_lse else None


_SHORT_CLASS_AXIS = 8
"""Up to this many classes, ``_class_max`` compares columns instead of reducing rows."""


def _class_max(logits):
    """max over the last (class) axis, keepdims: the same values as ``logits.max(-1, keepdims=True)``.

    NumPy reduces a short last axis one row at a time (6 µs for 200 × 2, 5 ms for 200,000 × 2);
    np.maximum over the few columns does it in 1.4 µs and 0.3 ms. Maxima are exact, so the
    values (NaN included) do not depend on the order.
    """
    classes = logits.shape[-1]
    if not 1 < classes <= _SHORT_CLASS_AXIS:
        return logits.max(axis=-1, keepdims=True)
    peak = logits[..., :1].copy()
    for column in range(1, classes):
        np.maximum(peak, logits[..., column : column + 1], out=peak)
    return peak


def _target_weights(target, weight, ignore_index, n_classes: int | None = None):
    """What index targets contribute, independent of the logits.

    w_{y_i} per position (0 where ignored), the targets with ignored ones set to 0, the mask of
    non-ignored positions, the "mean" divisor Σ w_{y_i}, and the index that picks each
    position's target class out of an array with classes last: a tuple of index arrays, or,
    given ``n_classes``, one index into the flattened (C-ordered) array, which a training loop
    that uses it every epoch applies in half the time.
    """
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    w_y = valid.astype(np.float64) if weight is None else np.where(valid, weight[safe], 0.0)
    if n_classes is None:
        target_index = (*np.indices(safe.shape, sparse=True), safe)
    else:
        target_index = np.arange(safe.size) * n_classes + safe.ravel()
    return w_y, safe, valid, w_y.sum(), target_index


def _cross_entropy_index_grad_kernel(target, n_classes: int, label_smoothing: float = 0.0, runs: int = 1):
    """d(mean CE)/dz for fixed index targets y (n,): no class weights, nothing ignored.

    g_ij = ((1 − ls)·(s_ij − [j = y_i]) + ls·(s_ij − 1/C)) / n with s = softmax(z_i): the same
    operations as ``_cross_entropy``'s gradient, bit for bit, without its checks and the general
    case's bookkeeping (9 µs instead of 25 µs per 200 × 2 step), for a training loop that steps
    the same targets every epoch; the caller has checked them once through the public function.
    The logits may hold ``runs`` runs stacked in front, (runs, n, C), each its own mean over n.
    """
    n = target.size
    scale = 1.0 / n
    flat_target = np.arange(runs * n) * n_classes + np.tile(target.ravel(), runs)
    ones = np.ones(n_classes)
    # _cross_entropy's coefficients with w = (1, …, 1) and every position valid: w_y = 1, Σw = C
    # (the factors of 1 dropped: multiplying by 1.0 is exact).
    coef = (1.0 - label_smoothing) * scale
    smooth = label_smoothing / n_classes * scale
    total_weight = float(n_classes)

    def grad(logits):
        probs = np.subtract(logits, _class_max(logits), order="C")
        np.exp(probs, out=probs)
        total = probs @ ones
        if label_smoothing:
            probs *= (1.0 / total)[..., None]
            gradient = probs * coef
            gradient += smooth * (total_weight * probs - ones)
        else:
            gradient = probs
            gradient *= (coef / total)[..., None]
        gradient.reshape(-1)[flat_target] -= coef
        return gradient

    return grad


def _cross_entropy(
    z,
    target,
    axis,
    weight,
    ignore_index,
    label_smoothing,
    is_index,
    reduction,
    *,
    with_grad,
    with_value=True,
    index_targets=None,
):
    """The reduced loss, and (``with_grad``) its gradient in z's layout, from one softmax pass.

    −log s_c = logsumexp(z) − z_c, so the loss never takes the log of a softmax that may have
    underflowed. "mean" divides by Σ w_{y_i} over non-ignored positions (index targets) or by
    the number of positions (probability targets), for the loss and the gradient alike.
    ``with_value=False`` skips the loss (None is returned in its place); ``index_targets`` is
    ``_target_weights(target, weight, ignore_index)`` made once by a caller that steps the same
    targets many times (a training loop): the results are the same, bit for bit.
    """
    logits = _classes_last(z, axis)
    n_classes = logits.shape[-1]
    w = np.ones(n_classes) if weight is None else weight
    exp_shifted, total, lse = _softmax_parts(logits, with_lse=with_value)
    reduced = None
    if is_index:
        w_y, safe, valid, divisor, target_index = index_targets or _target_weights(target, weight, ignore_index)
        if with_value:
            nll = lse - np.take_along_axis(logits, safe[..., None], axis=-1)[..., 0]
            value = (1.0 - label_smoothing) * w_y * nll
            if label_smoothing:
                smooth = w.sum() * lse - logits @ w  # Σ_c w_c·(−log s_c)
                value += np.where(valid, label_smoothing / n_classes * smooth, 0.0)
    else:
        t = _classes_last(target, axis)
        if label_smoothing:
            t = t * (1.0 - label_smoothing) + label_smoothing / n_classes
        wt = w * t
        if with_value:
            value = wt.sum(axis=-1) * lse - (wt * logits).sum(axis=-1)
        divisor = total.size  # one per position, as lse
    if with_value:
        if reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                reduced = float(np.sum(value) / divisor)
        else:
            reduced = reduce(value, reduction)
    if not with_grad:
        return reduced, None
    # Fold the "mean" divisor into the per-position coefficients: one pass over the logits fewer.
    scale = 1.0 / divisor if reduction == "mean" and divisor else 1.0
    probs = exp_shifted  # turned into the softmax (or the gradient) in place
    if is_index:
        coef = (1.0 - label_smoothing) * scale * w_y
        if label_smoothing:
            probs *= (1.0 / total)[..., None]
            grad = probs * coef[..., None]
            grad += valid[..., None] * (label_smoothing / n_classes * scale) * (w.sum() * probs - w)
        else:
            grad = probs
            grad *= (coef / total)[..., None]
        if isinstance(target_index, tuple):
            grad[target_index] -= coef  # s_j − [j = y] at j = y
        else:
            grad.reshape(-1)[target_index] -= coef.reshape(-1)  # grad is C-ordered: a view
    else:
        probs *= (scale / total)[..., None]
        grad = probs * wt.sum(axis=-1, keepdims=True)
        grad -= scale * wt
    if reduction == "mean" and not divisor:
        # Every position ignored (or weighted 0): the mean is 0/0 = NaN, while torch's gradient
        # stays 0 at ignored positions; only smoothing terms of weighted-out classes divide by 0.
        with np.errstate(invalid="ignore", divide="ignore"):
            grad = np.divide(grad, divisor, out=np.zeros_like(grad), where=grad != 0)
    return reduced, grad if axis == grad.ndim - 1 else np.moveaxis(grad, -1, axis)


# --------------------------------------------------------------------------------------------
# Softmax cross-entropy with several positives per row (seed 004, scaled by 1/M)
# --------------------------------------------------------------------------------------------


def multilabel_softmax_ce(z, y, *, reduction: str = "mean"):
    """Softmax cross-entropy with M positives per row, each row scaled by 1/M.

    ℓ = (1/M)·Σ_{i positive} −log s_i  with  s = softmax(z) over the last axis, M = Σ_j y_j,
    so the loss does not grow with the number of positive classes (the "Facebook paper" scaling
    of the seed tutorial). With one positive it is the ordinary softmax cross-entropy.

    Parameters
    ----------
    z : array_like, shape (..., C)
        Logits, classes on the last axis.
    y : array_like, shape (..., C)
        Multi-hot targets of 0s and 1s with at least one 1 per row.
    reduction : {"none", "mean", "sum"}
        "none" returns one value per row.

    Examples
    --------
    >>> round(multilabel_softmax_ce([0.0, 0.0, 0.0, 0.0], [1, 1, 0, 0]), 6)
    1.386294
    """
    z, y = _check_multilabel(z, y)
    return reduce(_multilabel_terms(z, y)[0], check_reduction(reduction))


def multilabel_softmax_ce_grad(z, y, *, reduction: str = "mean"):
    """d multilabel_softmax_ce / d z = s_j − y_j / M.

    For a positive class this is (1/M)·[(s_k − 1) + (M − 1)·s_k] = s_k − 1/M and for a negative
    class s_n, the seed tutorial's two cases. "mean" divides by the number of rows.
    """
    z, y = _check_multilabel(z, y)
    value, grad = _multilabel_terms(z, y)
    return _scale(grad, check_reduction(reduction), value.size)


def _multilabel_terms(z, y):
    log_s = special.log_softmax(z, axis=-1)
    share = y / y.sum(axis=-1, keepdims=True)
    return -(share * log_s).sum(axis=-1), np.exp(log_s) - share


# --------------------------------------------------------------------------------------------
# The registry read by the app's selectors and the generic tests
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossSpec:
    """One loss as the app and the generic tests see it.

    ``input_kind`` is "probability" or "logit"; ``target_kind`` is "binary" (same shape, in
    [0, 1]), "one_hot" (rows over the last axis), "class_index" (indices, classes on the last
    axis of the input), "class_probabilities" (same shape as the logits) or "multi_hot" (0/1
    rows with at least one 1). ``latex`` is the per-element formula.
    """

    name: str
    value: Callable
    grad: Callable
    input_kind: str
    target_kind: str
    label: str
    latex: str


LOSSES: dict[str, LossSpec] = {
    spec.name: spec
    for spec in (
        LossSpec(
            "bce",
            bce,
            bce_grad,
            "probability",
            "binary",
            "Binary cross-entropy on probabilities (Keras)",
            r"-\left[y\log \hat p + (1-y)\log(1-\hat p)\right],\ \hat p=\mathrm{clip}(p,\epsilon,1-\epsilon)",
        ),
        LossSpec(
            "categorical_ce",
            categorical_ce,
            categorical_ce_grad,
            "probability",
            "one_hot",
            "Categorical cross-entropy on probabilities (Keras)",
            r"-\sum_j y_j \log \mathrm{clip}\!\left(\tfrac{p_j}{\sum_k p_k},\epsilon,1-\epsilon\right)",
        ),
        LossSpec(
            "bce_with_logits",
            bce_with_logits,
            bce_with_logits_grad,
            "logit",
            "binary",
            "Binary cross-entropy with logits (PyTorch BCEWithLogitsLoss)",
            r"-\left[y\log\sigma(z) + (1-y)\log\sigma(-z)\right]",
        ),
        LossSpec(
            "cross_entropy",
            cross_entropy,
            cross_entropy_grad,
            "logit",
            "class_index",
            "Softmax cross-entropy, class indices (PyTorch CrossEntropyLoss)",
            r"-\log \frac{e^{z_y}}{\sum_k e^{z_k}}",
        ),
        LossSpec(
            "cross_entropy_probs",
            cross_entropy,
            cross_entropy_grad,
            "logit",
            "class_probabilities",
            "Softmax cross-entropy, probability targets (PyTorch CrossEntropyLoss)",
            r"-\sum_j t_j \log \frac{e^{z_j}}{\sum_k e^{z_k}}",
        ),
        LossSpec(
            "mse",
            mse,
            mse_grad,
            "probability",
            "binary",
            "Squared error on probabilities",
            r"(p - y)^2",
        ),
        LossSpec(
            "sigmoid_mse",
            sigmoid_mse,
            sigmoid_mse_grad,
            "logit",
            "binary",
            "Squared error through a sigmoid",
            r"(\sigma(z) - y)^2",
        ),
        LossSpec(
            "sigmoid_focal_loss",
            sigmoid_focal_loss,
            sigmoid_focal_loss_grad,
            "logit",
            "binary",
            "Sigmoid focal loss (torchvision)",
            r"-\alpha_t (1-p_t)^\gamma \log p_t",
        ),
        LossSpec(
            "multilabel_softmax_ce",
            multilabel_softmax_ce,
            multilabel_softmax_ce_grad,
            "logit",
            "multi_hot",
            "Softmax cross-entropy with M positives, scaled by 1/M",
            r"-\frac{1}{M}\sum_{i \in \mathrm{pos}} \log \frac{e^{z_i}}{\sum_k e^{z_k}}",
        ),
    )
}


# --------------------------------------------------------------------------------------------
# Private checks and scaling
# --------------------------------------------------------------------------------------------


def _scale(grad: np.ndarray, reduction: str, count: int) -> np.ndarray:
    """Gradient of the reduced loss: divide by the count under "mean", as the value does.

    In place: every caller hands over a gradient array it has just computed (no copy of 16 MB
    for two million logits).
    """
    return np.divide(grad, count, out=grad) if reduction == "mean" else grad


def _check_pair(pred, pred_name, target, target_name):
    pred = as_float_array(pred, pred_name)
    target = as_float_array(target, target_name)
    check_same_shape(pred, target, pred_name, target_name)
    return pred, target


def _check_eps(eps) -> float:
    eps = check_in_range(eps, "eps", 0.0, 0.5)
    if eps >= 0.5:
        raise ValueError(f"eps must be in [0, 0.5) so that eps < 1 - eps; got {eps:g}")
    return eps


def _check_probability_pair(p, y, eps):
    p, y = _check_pair(p, "p", y, "y")
    check_probabilities(p, "p")
    check_binary_targets(y, "y")
    return p, y, _check_eps(eps)


def _check_categorical_pair(p, y, eps):
    p, y = _check_pair(p, "p", y, "y")
    if p.ndim == 0:
        raise ValueError("p needs a class axis (its last axis); got a 0-d (scalar) array")
    if p.min() < 0.0:
        raise ValueError(f"p must be non-negative (Keras renormalises each row); got a minimum of {p.min():g}")
    check_binary_targets(y, "y")
    if np.any(p.sum(axis=-1) <= 0.0):
        raise ValueError("p must have a positive sum in every row (last axis); got a row of zeros")
    return p, y, _check_eps(eps)


def _check_weight_array(weight, name, shape):
    w = as_float_array(weight, name)
    if np.any(w < 0):
        raise ValueError(f"{name} must be non-negative; got a minimum of {w.min():g}")
    try:
        return np.broadcast_to(w, shape)
    except ValueError:
        raise ValueError(f"{name} must broadcast to the logits' shape {shape}; got {w.shape}") from None


def _check_bce_logits(z, y, weight, pos_weight):
    z, y = _check_pair(z, "z", y, "y")
    check_binary_targets(y, "y")
    w = None if weight is None else _check_weight_array(weight, "weight", z.shape)
    pw = None if pos_weight is None else _check_weight_array(pos_weight, "pos_weight", z.shape)
    return z, y, w, pw


def _check_focal(z, y, alpha, gamma):
    z, y = _check_pair(z, "z", y, "y")
    check_binary_targets(y, "y")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], or negative to disable the weighting; got {alpha!r}")
    gamma = check_nonnegative_scalar(gamma, "gamma")
    return z, y, alpha, gamma


def _check_cross_entropy(z, target, axis, weight, ignore_index, label_smoothing):
    z = as_float_array(z, "z")
    axis = check_axis(axis, z.ndim)
    n_classes = z.shape[axis]
    label_smoothing = check_in_range(label_smoothing, "label_smoothing", 0.0, 1.0)
    if weight is not None:
        weight = as_float_array(weight, "weight")
        if weight.shape != (n_classes,):
            raise ValueError(f"weight must have shape ({n_classes},), one per class; got {weight.shape}")
        if np.any(weight < 0):
            raise ValueError(f"weight must be non-negative; got a minimum of {weight.min():g}")
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise ValueError(f"ignore_index must be an integer; got {ignore_index!r}")
    shape = np.shape(as_float_array(target, "target")) if not isinstance(target, np.ndarray) else target.shape
    index_shape = z.shape[:axis] + z.shape[axis + 1 :]
    if shape == z.shape:
        t = as_float_array(target, "target")
        check_probabilities(t, "target")
        return z, t, axis, weight, ignore_index, label_smoothing, False
    if shape != index_shape:
        raise ValueError(
            f"target must have shape {index_shape} (class indices) or {z.shape} (class "
            f"probabilities) for logits of shape {z.shape} with class axis {axis}; got {shape}"
        )
    t = as_index_array(target, "target")
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise ValueError(
            f"target class indices must be in [0, {n_classes - 1}] or equal ignore_index "
            f"({ignore_index}); got {t[bad].ravel()[0]}"
        )
    return z, t, axis, weight, ignore_index, label_smoothing, True


def _check_multilabel(z, y):
    z, y = _check_pair(z, "z", y, "y")
    if z.ndim == 0:
        raise ValueError("z needs a class axis (its last axis); got a 0-d (scalar) array")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must be multi-hot (only 0s and 1s); got other values")
    if np.any(y.sum(axis=-1) == 0):
        raise ValueError("y must have at least one positive class (a 1) in every row; got a row of zeros")
    return z, y

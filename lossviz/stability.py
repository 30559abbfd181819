"""Naive formulas beside stable ones: where the textbook versions return inf, NaN or 0.

This module deliberately contains the naive formulas that the rest of lossviz avoids, so that the
"numerical stability" lesson can show exactly where they break, in float64 and in float32.

Every formula computes the same number: the binary cross-entropy of one logit z against a label
y ∈ {0, 1}, whose exact value is softplus(−z) = −log σ(z) for y = 1 and softplus(z) = −log σ(−z)
for y = 0. The softmax formulas reach it through the two-class row of logits (z, 0): the softmax
gives σ(z) to the first class, so the true class is the first one when y = 1 and the second one
when y = 0 (see the lesson "one sigmoid vs two softmax neurons").

A formula *breaks* at z when it returns, in the chosen float type,

- ``"inf"``: +inf (a logarithm of 0 after an exponential overflowed or underflowed),
- ``"nan"``: NaN (inf/inf, or 0·log 0), or
- ``"zero"``: exactly 0 while the exact loss, rounded to that float type, is positive.

inf and NaN are fatal (one such sample makes the mean loss and every gradient useless); a loss of
exactly 0 instead of, say, 4e−18 is harmless for training but shows that every digit of the small
value is gone. ``break_points`` finds the first z of each kind on each side of 0 by scanning a
grid and bisecting to the exact float boundary.

Also here: Keras' epsilon clipping of probability inputs against the logit loss
(``clipping_curves``, ``clipping_at``), and the seed thread's NumPy snippet, its bugs and its
corrected, stable version (``SEED_SNIPPET``, ``CORRECTED_SNIPPET``, ``seed_check``).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy import special

from lossviz._validation import (
    as_float_array,
    check_binary_targets,
    check_in_range,
    check_same_shape,
)
from lossviz.activations import sigmoid
from lossviz.losses import bce, bce_grad, bce_with_logits, bce_with_logits_grad
from lossviz.metrics import log_loss

__all__ = [
    "BREAK_KINDS",
    "CORRECTED_SNIPPET",
    "DTYPES",
    "FORMULAS",
    "SEED_SNIPPET",
    "SEED_X",
    "SEED_Y",
    "BreakPoint",
    "ClippingCurves",
    "ClippingPoint",
    "DtypeLimits",
    "Formula",
    "LossCurves",
    "SeedCheck",
    "break_points",
    "break_table",
    "clipping_at",
    "clipping_curves",
    "corrected_bce",
    "dtype_limits",
    "exact_loss",
    "formula_loss",
    "loss_curves",
    "naive_sigmoid",
    "seed_check",
    "seed_comment_bce",
    "seed_naive_bce",
    "seed_renamed_bce",
]

DTYPES = ("float64", "float32")
BREAK_KINDS = ("zero", "inf", "nan")
"""What a broken formula returns: exactly 0 (harmless), +inf or NaN (both fatal)."""

_GRID_POINTS = 8193
_FINE_POINTS = 5001
_MAX_ROUNDS = 12


# --------------------------------------------------------------------------------------------
# The formulas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """One way to compute the loss of a logit z against a label y.

    Attributes
    ----------
    name : str
        Registry key.
    label : str
        Short name for legends and tables.
    expression : str
        The computation, in plain text.
    stable : bool
        True for the formulas the libraries use.
    counterpart : str
        The stable formula to show beside this one.
    """

    name: str
    label: str
    expression: str
    stable: bool
    counterpart: str


FORMULAS = MappingProxyType(
    {
        "sigmoid-log": Formula(
            "sigmoid-log",
            "σ then log",
            "σ = 1/(1 + exp(−z)), then −log σ (y = 1) or −log(1 − σ) (y = 0)",
            False,
            "log-sigmoid",
        ),
        "bce-formula": Formula(
            "bce-formula",
            "σ then the BCE formula",
            "σ = 1/(1 + exp(−z)), then −[y·log σ + (1 − y)·log(1 − σ)] (the seed's code)",
            False,
            "log-sigmoid",
        ),
        "softmax-log": Formula(
            "softmax-log",
            "softmax (no shift) then log",
            "s = exp(z_k) / Σ_j exp(z_j) over the row (z, 0), then −log s_true",
            False,
            "log-softmax",
        ),
        "shifted-softmax-log": Formula(
            "shifted-softmax-log",
            "softmax (max shift) then log",
            "s = exp(z_k − m) / Σ_j exp(z_j − m) with m = max_j z_j, then −log s_true",
            False,
            "log-softmax",
        ),
        "log-softmax": Formula(
            "log-softmax",
            "log_softmax",
            "−(z_true − logsumexp(z)) over the row (z, 0) (scipy.special.log_softmax)",
            True,
            "log-softmax",
        ),
        "log-sigmoid": Formula(
            "log-sigmoid",
            "BCE with logits",
            "(1 − y)·z − log σ(z) with log σ = scipy.special.log_expit (torch's BCEWithLogitsLoss)",
            True,
            "log-sigmoid",
        ),
    }
)
"""Every formula, naive and stable, by name (read-only)."""


@dataclass(frozen=True)
class BreakPoint:
    """The first logit, on one side of 0, where a formula returns one kind of wrong value.

    Attributes
    ----------
    formula : str
        The formula's name.
    kind : {"zero", "inf", "nan"}
        What it returns from here on (at least up to the next kind of break).
    z : float
        The first z (signed; the boundary found to float precision) where it does.
    exact : float
        The exact loss at that z (float64), what the formula should have returned.
    """

    formula: str
    kind: str
    z: float
    exact: float

    @property
    def fatal(self) -> bool:
        """inf and NaN are fatal; a tiny loss rounded to 0 is not."""
        return self.kind != "zero"


@dataclass(frozen=True)
class DtypeLimits:
    """Where exp and the naive sigmoid give up in one float type (all found by bisection).

    Attributes
    ----------
    dtype : str
    exp_overflow : float
        Smallest x with exp(x) = inf (log of the largest float: 709.78 / 88.72).
    exp_underflow : float
        Largest x with exp(x) = 0 (below half the smallest subnormal: −745.13 / −103.97).
    sigmoid_zero : float
        Largest z where 1/(1 + exp(−z)) returns exactly 0 (= −exp_overflow).
    sigmoid_zero_exact : float
        The exact σ at ``sigmoid_zero`` (float64), e.g. 3.0e−39 in float32.
    smallest_subnormal : float
        The smallest positive number of the type: the exact σ above is representable when it is
        at least this large, so the naive 0 is a wrong answer, not a rounding.
    expit_at_sigmoid_zero : float
        ``scipy.special.expit`` (``lossviz.sigmoid``) at the same z in the same type: 0 as well,
        which is why a loss must never be computed as the log of a probability.
    sigmoid_one : float
        Smallest z > 0 where 1/(1 + exp(−z)) rounds to exactly 1, so 1 − σ = 0
        (53·log 2 = 36.74 / 24·log 2 = 16.64).
    """

    dtype: str
    exp_overflow: float
    exp_underflow: float
    sigmoid_zero: float
    sigmoid_zero_exact: float
    smallest_subnormal: float
    expit_at_sigmoid_zero: float
    sigmoid_one: float


def naive_sigmoid(z, *, dtype: str = "float64") -> np.ndarray:
    """The textbook sigmoid 1/(1 + exp(−z)), computed in ``dtype`` with its overflow left in.

    For z below −log(max float) (−709.78 in float64, −88.72 in float32) exp(−z) overflows to inf
    and the result is exactly 0, although the true σ(z) is still a representable (subnormal)
    number for a while. Use ``lossviz.sigmoid`` for the real thing.

    Parameters
    ----------
    z : array_like
        Logits (finite).
    dtype : {"float64", "float32"}

    Returns
    -------
    ndarray
        float64 array holding the values computed in ``dtype``.

    Examples
    --------
    >>> naive_sigmoid([-710.0, 0.0]).tolist()
    [0.0, 0.5]
    """
    dt = _check_dtype(dtype)
    values = as_float_array(z, "z", allow_empty=True).astype(dt)
    with np.errstate(all="ignore"):
        return _naive_sigmoid(values).astype(np.float64)


def exact_loss(z, y) -> np.ndarray:
    """The exact loss −log σ(z) (y = 1) or −log σ(−z) (y = 0) in float64, per element.

    ``scipy.special.log_expit`` keeps full relative precision on both sides: the loss of a
    confident right answer (e.g. 4.2e−18 at z = 40, y = 1) keeps its digits, and the loss of a
    confident wrong answer (1e4 at z = −1e4) has no overflow. Every formula is judged against
    this.

    Examples
    --------
    >>> exact_loss([-1e4, 0.0], 1).tolist()
    [10000.0, 0.6931471805599453]
    """
    label = _check_label(y)
    values = as_float_array(z, "z", allow_empty=True)
    return -special.log_expit(values if label == 1 else -values)


def formula_loss(name: str, z, y, *, dtype: str = "float64") -> np.ndarray:
    """One formula's loss for logits ``z`` and label ``y``, computed in ``dtype``.

    Parameters
    ----------
    name : str
        A key of ``FORMULAS``.
    z : array_like
        Logits, any shape (finite).
    y : {0, 1}
        The label (for the softmax formulas: the first class of the row (z, 0) when y = 1).
    dtype : {"float64", "float32"}
        The float type every step is computed in (z is rounded to it first).

    Returns
    -------
    ndarray
        float64 array, the shape of ``z``, holding exactly the values computed in ``dtype``,
        including inf and NaN where the formula breaks (floating-point warnings are silenced:
        the breaks are the point).

    Examples
    --------
    >>> formula_loss("sigmoid-log", [-800.0, 0.0], 1).tolist()
    [inf, 0.6931471805599453]
    >>> formula_loss("log-sigmoid", [-800.0, 0.0], 1).tolist()
    [800.0, 0.6931471805599453]
    """
    formula = _check_formula(name)
    dt = _check_dtype(dtype)
    label = _check_label(y)
    values = as_float_array(z, "z", allow_empty=True).astype(dt)
    with np.errstate(all="ignore"):
        return _EVALUATORS[formula.name](values, label).astype(np.float64)


def break_points(name: str, y, *, z_max: float = 1000.0, dtype: str = "float64") -> tuple:
    """Where a formula first returns 0, inf or NaN, on each side of 0, for |z| <= z_max.

    Parameters
    ----------
    name : str
        A key of ``FORMULAS``.
    y : {0, 1}
        The label.
    z_max : float
        Half-width of the searched range [−z_max, z_max], in [1, 1e4].
    dtype : {"float64", "float32"}

    Returns
    -------
    tuple of BreakPoint
        At most one per (side, kind), sorted by z. A kind that never occurs on a side within the
        range is absent.

    Notes
    -----
    "zero" counts only where the exact loss, rounded to ``dtype``, is positive: a loss below
    the smallest subnormal (e.g. exp(−800) in float64) is correctly 0. The first grid point of
    each kind is found on a grid of |z| (every 0.01 up to 50, where rounding breaks start, so
    the result does not depend on z_max; 8193 points over [0, z_max] beyond), then the boundary
    is narrowed down to adjacent float64 values of z.

    Examples
    --------
    >>> [(b.kind, round(b.z, 2)) for b in break_points("sigmoid-log", 1)]
    [('inf', -709.78), ('zero', 36.74)]
    """
    formula = _check_formula(name)
    dt = _check_dtype(dtype)
    label = _check_label(y)
    z_max = check_in_range(z_max, "z_max", 1.0, 1e4)
    found = []
    t = _search_grid(z_max)
    for side in (-1.0, 1.0):
        masks = _break_masks(formula.name, side * t, label, dt)
        for kind in BREAK_KINDS:
            hits = np.flatnonzero(masks[kind])
            if hits.size == 0:
                continue
            first = int(hits[0])
            if first == 0:
                boundary = 0.0
            else:
                boundary = _first_true(
                    lambda s, kind=kind, side=side: _break_masks(formula.name, side * s, label, dt)[kind],
                    float(t[first - 1]),
                    float(t[first]),
                )
            z = side * boundary
            found.append(BreakPoint(formula.name, kind, float(z), float(exact_loss(z, label))))
    return tuple(sorted(found, key=lambda b: b.z))


def break_table(y, *, z_max: float = 1000.0, dtype: str = "float64") -> dict:
    """``break_points`` of every formula: name -> tuple of BreakPoint (see ``break_points``).

    Examples
    --------
    >>> table = break_table(1, z_max=100.0)
    >>> table["log-sigmoid"]
    ()
    """
    return {name: break_points(name, y, z_max=z_max, dtype=dtype) for name in FORMULAS}


def dtype_limits(dtype: str = "float64") -> DtypeLimits:
    """Where exp and the naive sigmoid give up in ``dtype``, each found by bisection.

    Examples
    --------
    >>> limits = dtype_limits("float32")
    >>> round(limits.exp_overflow, 2), round(limits.sigmoid_zero, 2), round(limits.sigmoid_one, 2)
    (88.72, -88.72, 16.64)
    """
    dt = _check_dtype(dtype)
    info = np.finfo(dt)

    def exp_of(x):
        with np.errstate(all="ignore"):
            return np.exp(np.asarray(x, dtype=np.float64).astype(dt))

    def sigma_of(x):
        with np.errstate(all="ignore"):
            return _naive_sigmoid(np.asarray(x, dtype=np.float64).astype(dt))

    overflow = _first_true(lambda x: np.isinf(exp_of(x)), 0.0, 1e4)
    underflow = -_first_true(lambda x: exp_of(-x) == 0.0, 0.0, 1e4)
    zero_at = -_first_true(lambda x: sigma_of(-x) == 0.0, 0.0, 1e4)
    one_at = _first_true(lambda x: sigma_of(x) == 1.0, 0.0, 1e4)
    return DtypeLimits(
        dtype=dtype,
        exp_overflow=overflow,
        exp_underflow=underflow,
        sigmoid_zero=zero_at,
        # exp(log σ): scipy's expit itself returns 0 below −709.78, where σ is still subnormal.
        sigmoid_zero_exact=float(np.exp(special.log_expit(zero_at))),
        smallest_subnormal=float(info.smallest_subnormal),
        expit_at_sigmoid_zero=float(special.expit(np.array([zero_at], dtype=dt))[0]),
        sigmoid_one=one_at,
    )


@dataclass(frozen=True)
class LossCurves:
    """One naive formula and its stable counterpart along z, for plotting.

    Attributes
    ----------
    formula, counterpart : str
        Names in ``FORMULAS``.
    y : int
    dtype : str
    z : ndarray, shape (n,)
        Sorted grid of [−z_max, z_max], including every break point and its neighbour inside.
    naive, stable : ndarray, shape (n,)
        The two formulas' values in ``dtype`` (inf/NaN/0 where they break), as float64.
    exact : ndarray, shape (n,)
        The exact loss (float64).
    breaks : tuple of BreakPoint
        ``break_points`` of the naive formula.
    """

    formula: str
    counterpart: str
    y: int
    dtype: str
    z: np.ndarray
    naive: np.ndarray
    stable: np.ndarray
    exact: np.ndarray
    breaks: tuple


def loss_curves(
    name: str, y, *, z_max: float = 1000.0, dtype: str = "float64", n: int = 1201
) -> LossCurves:
    """The loss of a formula and of its stable counterpart on a grid of [−z_max, z_max].

    Parameters
    ----------
    name : str
        A key of ``FORMULAS``.
    y : {0, 1}
    z_max : float
        In [1, 1e4].
    dtype : {"float64", "float32"}
    n : int
        Grid points (>= 3), before the break points are inserted.

    Examples
    --------
    >>> curves = loss_curves("sigmoid-log", 1, z_max=1000.0)
    >>> bool(np.isinf(curves.naive[0])), float(curves.stable[0])
    (True, 1000.0)
    """
    formula = _check_formula(name)
    label = _check_label(y)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 3:
        raise ValueError(f"n must be an integer >= 3; got {n!r}")
    breaks = break_points(formula.name, label, z_max=z_max, dtype=dtype)
    z_max = float(z_max)
    inserted = []
    for b in breaks:
        # The last good value just inside the boundary, so a curve ends where the formula breaks.
        inserted += [b.z, float(np.nextafter(b.z, 0.0))]
    z = np.unique(np.concatenate([np.linspace(-z_max, z_max, int(n)), inserted]))
    return LossCurves(
        formula=formula.name,
        counterpart=formula.counterpart,
        y=label,
        dtype=dtype,
        z=z,
        naive=formula_loss(formula.name, z, label, dtype=dtype),
        stable=formula_loss(formula.counterpart, z, label, dtype=dtype),
        exact=exact_loss(z, label),
        breaks=breaks,
    )


# --------------------------------------------------------------------------------------------
# Keras' epsilon clipping of probabilities vs the logit loss
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClippingCurves:
    """Keras' clipped BCE on p = σ(z) beside BCE with logits, and their gradients, along z.

    Attributes
    ----------
    y : int
    eps : float
    z, p : ndarray, shape (n,)
        Logits and the probabilities σ(z) handed to the probability loss.
    clipped, logits : ndarray
        ``bce(p, y, eps=eps)`` and ``bce_with_logits(z, y)`` per point.
    clipped_grad_p : ndarray
        ``bce_grad(p, y, eps=eps)``: 0 wherever p was clipped.
    clipped_grad_z, logits_grad_z : ndarray
        d/dz of each: the first through the chain rule (dℓ/dp)·σ(z)·σ(−z), the second σ(z) − y.
    cap : float
        The largest loss the clipped version can report: −log(eps) for y = 1 (and, up to
        rounding in the 8th digit, for y = 0).
    z_low, z_high : float
        The clip is active for z < z_low = log(eps/(1 − eps)) and z > z_high = −z_low.
    """

    y: int
    eps: float
    z: np.ndarray
    p: np.ndarray
    clipped: np.ndarray
    logits: np.ndarray
    clipped_grad_p: np.ndarray
    clipped_grad_z: np.ndarray
    logits_grad_z: np.ndarray
    cap: float
    z_low: float
    z_high: float


@dataclass(frozen=True)
class ClippingPoint:
    """The two losses and gradients at one logit (see ``ClippingCurves``); ``error`` is
    logit loss − clipped loss (what the clipping hides), ``clipped_active`` whether p was
    outside [eps, 1 − eps], and ``exact`` the exact loss (``exact_loss``). ``logits`` is
    ``lossviz.bce_with_logits``, max(z, 0) − y·z + log(1 + e^(−|z|)), which equals ``exact`` to
    float64 precision even where torch's (1 − y)·z − log σ(z) cancels (torch 2.13 gives
    9.237e−14 at z = −30, y = 0; the loss is 9.358e−14)."""

    z: float
    y: int
    eps: float
    p: float
    clipped: float
    logits: float
    error: float
    clipped_grad_p: float
    clipped_grad_z: float
    logits_grad_z: float
    clipped_active: bool
    exact: float


def clipping_curves(y, *, eps: float = 1e-7, z_max: float = 40.0, n: int = 801) -> ClippingCurves:
    """Keras' clipped probability BCE vs BCE with logits, on a grid of [−z_max, z_max].

    The probability is computed exactly (p = ``lossviz.sigmoid(z)``), so every difference
    between the two curves is the clipping: p̂ = clip(p, eps, 1 − eps) caps the loss at
    −log(eps) (16.12 for Keras' 1e−7) and its gradient is 0 outside the clip, while the logit
    loss keeps growing like |z| with gradient σ(z) − y.

    Parameters
    ----------
    y : {0, 1}
    eps : float
        Keras' epsilon, in [1e−15, 0.1].
    z_max : float
        In [1, 1e4].
    n : int
        Grid points (>= 3); the clip boundaries are added to the grid.

    Examples
    --------
    >>> curves = clipping_curves(1)
    >>> round(curves.cap, 4), round(curves.z_low, 4)
    (16.1181, -16.1181)
    """
    label = _check_label(y)
    eps = _check_eps(eps)
    z_max = check_in_range(z_max, "z_max", 1.0, 1e4)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 3:
        raise ValueError(f"n must be an integer >= 3; got {n!r}")
    z_low = float(special.logit(eps))
    edges = [edge for edge in (z_low, -z_low) if -z_max < edge < z_max]
    z = np.unique(np.concatenate([np.linspace(-z_max, z_max, int(n)), edges]))
    parts = _clipping_parts(z, label, eps)
    # The largest loss the clip allows: at p = 0 (y = 1) or p = 1 (y = 0). For y = 1 it is
    # −log(eps); for y = 0 it is −log(1 − (1 − eps)), which float64 rounds in the 8th digit.
    worst = float(bce([1.0 - label], [float(label)], eps=eps))
    return ClippingCurves(y=label, eps=eps, z=z, cap=worst, z_low=z_low, z_high=-z_low, **parts)


def clipping_at(z: float, y, *, eps: float = 1e-7) -> ClippingPoint:
    """The clipped and the logit loss, and both gradients, at one logit.

    Examples
    --------
    >>> point = clipping_at(-30.0, 1)
    >>> round(point.clipped, 4), round(point.logits, 4), round(point.error, 4)
    (16.1181, 30.0, 13.8819)
    """
    label = _check_label(y)
    eps = _check_eps(eps)
    if np.ndim(z) != 0:
        raise ValueError(f"z must be a single number; got shape {np.shape(z)}")
    value = float(as_float_array(z, "z"))
    parts = {k: float(v[0]) for k, v in _clipping_parts(np.array([value]), label, eps).items()}
    return ClippingPoint(
        z=value,
        y=label,
        eps=eps,
        error=parts["logits"] - parts["clipped"],
        clipped_active=not (eps <= parts["p"] <= 1.0 - eps),
        exact=float(exact_loss(value, label)),
        **parts,
    )


# --------------------------------------------------------------------------------------------
# The seed thread's NumPy snippet (seed 002) and its corrected version
# --------------------------------------------------------------------------------------------

SEED_SNIPPET = '''import numpy as np
from sklearn.metrics import log_loss

import tensorflow as tf


def binary_cross_entropy(X, y):
    m = y.shape[0]
    y = y.reshape((m))
    # apply sigmod 1/(1+e^-x)
    fX = 1 / (1 + np.exp(-X))

    # -Y * log(fX) - (1-Y) * (1-log(fX))
    a = -Y * np.log(fX) - (1 - Y) * np.log(1 - fX)
    ce = np.sum(-Y * np.log(fX) - (1 - Y) * np.log(1 - fX)) / m
    return ce


X = np.array([[9.7], [0]])  # (N, 1)
Y = np.array([[0],[1]])  # (N, 1)

print(binary_cross_entropy(X, Y))
'''
"""The seed thread's code, verbatim (buggy: shown, never run)."""

CORRECTED_SNIPPET = '''import numpy as np


def binary_cross_entropy_with_logits(X, y):
    """Mean binary cross-entropy of logits X against labels y in [0, 1], stable for any X."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(X.shape)
    # -y*log(sigmoid(X)) - (1-y)*log(1-sigmoid(X)), rewritten so that exp never overflows
    # and no logarithm ever sees 0: exp(-|X|) is at most 1.
    loss = np.maximum(X, 0) - X * y + np.log1p(np.exp(-np.abs(X)))
    return loss.mean()


X = np.array([[9.7], [0]])  # (N, 1) logits
Y = np.array([[0], [1]])    # (N, 1) labels

print(binary_cross_entropy_with_logits(X, Y))
'''
"""The corrected, stable snippet; ``corrected_bce`` computes exactly what it prints."""

SEED_X = ((9.7,), (0.0,))
"""The seed snippet's logits X, shape (2, 1)."""
SEED_Y = ((0.0,), (1.0,))
"""The seed snippet's labels Y, shape (2, 1)."""


@dataclass(frozen=True)
class SeedCheck:
    """The seed snippet's inputs through every version of its computation (all means).

    Attributes
    ----------
    as_written : float
        The seed's arithmetic, naive σ then logs (what its code prints: it reads the global
        ``Y``, which holds these labels). inf or NaN at large logits.
    renamed_only : float
        The same after renaming ``Y`` to the parameter ``y`` and nothing else: ``y`` was
        reshaped to (N,), which broadcasts against fX's (N, 1) into an N × N matrix.
    comment_formula : float
        What the code's comment, −Y·log(fX) − (1 − Y)·(1 − log(fX)), would give.
    corrected : float
        The corrected snippet's value.
    lossviz : float
        ``lossviz.bce_with_logits`` (torch semantics), mean.
    log_loss : float
        ``lossviz.metrics.log_loss`` (scikit-learn) on the probabilities σ(X) (NaN for soft
        labels, which it does not accept).
    exact : float
        The mean of the exact per-sample losses softplus(−X) (y = 1) / softplus(X) (y = 0),
        from ``exact_loss`` (hard labels; the corrected value for soft labels).
    """

    as_written: float
    renamed_only: float
    comment_formula: float
    corrected: float
    lossviz: float
    log_loss: float
    exact: float


def seed_naive_bce(X, y) -> float:
    """The seed snippet's arithmetic: mean of −[y·log σ + (1 − y)·log(1 − σ)], σ = 1/(1 + exp(−X)).

    Computed in float64 with the overflow left in: exp(−X) is inf for X < −709.78, so σ = 0 and
    0·log 0 = NaN (y = 0) or −log 0 = inf (y = 1); σ rounds to 1 for X >= 36.74, giving inf
    (y = 0) or NaN (y = 1).

    Parameters
    ----------
    X : array_like, shape (N, 1) or (N,)
        Logits.
    y : array_like, the same number of elements
        Labels in [0, 1].

    Examples
    --------
    >>> round(seed_naive_bce([[9.7], [0.0]], [[0], [1]]), 6)
    5.196604
    """
    X, y = _check_snippet_pair(X, y)
    with np.errstate(all="ignore"):
        fx = _naive_sigmoid(X)
        return float(np.sum(-y * np.log(fx) - (1 - y) * np.log(1 - fx)) / X.shape[0])


def seed_renamed_bce(X, y) -> float:
    """The seed's code with ``Y`` renamed to ``y`` and nothing else fixed.

    ``y = y.reshape((m))`` made the labels shape (N,); against fX of shape (N, 1) NumPy
    broadcasts every label against every logit, so the sum runs over an N × N matrix (each
    sample's loss under every sample's label) and is then divided by N only.

    Examples
    --------
    >>> round(seed_renamed_bce([[9.7], [0.0]], [[0], [1]]), 6)
    5.543208
    """
    X, y = _check_snippet_pair(X, y)
    with np.errstate(all="ignore"):
        fx = _naive_sigmoid(X).reshape(-1, 1)
        flat = y.reshape(-1)
        return float(np.sum(-flat * np.log(fx) - (1 - flat) * np.log(1 - fx)) / X.shape[0])


def seed_comment_bce(X, y) -> float:
    """What the seed's comment −Y·log(fX) − (1 − Y)·(1 − log(fX)) would compute (a mean).

    Not a loss: the second term is −(1 − log fX) instead of −log(1 − fX), which can be
    negative, e.g. −1.00006 for the seed's first sample.

    Examples
    --------
    >>> round(seed_comment_bce([[9.7], [0.0]], [[0], [1]]), 6)
    -0.153457
    """
    X, y = _check_snippet_pair(X, y)
    with np.errstate(all="ignore"):
        fx = _naive_sigmoid(X)
        return float(np.sum(-y * np.log(fx) - (1 - y) * (1 - np.log(fx))) / X.shape[0])


def corrected_bce(X, y) -> float:
    """The corrected snippet's computation: mean of max(X, 0) − X·y + log1p(exp(−|X|)).

    The same loss as the seed's formula, rewritten with softplus(X) = max(X, 0) + log1p(e^(−|X|))
    (TensorFlow's ``sigmoid_cross_entropy_with_logits``): exp only ever sees −|X| <= 0, and no
    logarithm sees 0, so it is finite for every finite logit.

    Examples
    --------
    >>> round(corrected_bce([[9.7], [0.0]], [[0], [1]]), 6)
    5.196604
    """
    X, y = _check_snippet_pair(X, y)
    loss = np.maximum(X, 0) - X * y + np.log1p(np.exp(-np.abs(X)))
    return float(loss.mean())


def seed_check(X=SEED_X, y=SEED_Y) -> SeedCheck:
    """Every version of the seed snippet's computation on the same inputs (default: the seed's).

    Examples
    --------
    >>> check = seed_check()
    >>> round(check.corrected, 6), round(check.lossviz, 6)
    (5.196604, 5.196604)
    """
    X, y = _check_snippet_pair(X, y)
    hard = bool(np.all((y == 0) | (y == 1)))
    corrected = corrected_bce(X, y)
    if hard:
        per_sample = np.where(y == 1, exact_loss(X, 1), exact_loss(X, 0))
    return SeedCheck(
        as_written=seed_naive_bce(X, y),
        renamed_only=seed_renamed_bce(X, y),
        comment_formula=seed_comment_bce(X, y),
        corrected=corrected,
        lossviz=float(bce_with_logits(X, y)),
        log_loss=float(log_loss(y.reshape(-1), sigmoid(X).reshape(-1))) if hard else float("nan"),
        exact=float(per_sample.mean()) if hard else corrected,
    )


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _two_class_row(z):
    """The row of logits (z, 0): its softmax gives σ(z) to the first class."""
    return np.stack([z, np.zeros_like(z)], axis=-1)


def _true_class(y: int) -> int:
    return 0 if y == 1 else 1


def _sigmoid_log(z, y):
    p = _naive_sigmoid(z)
    return -np.log(p) if y == 1 else -np.log(1 - p)


def _bce_formula(z, y):
    p = _naive_sigmoid(z)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _softmax_log(z, y):
    e = np.exp(_two_class_row(z))
    return -np.log((e / e.sum(axis=-1, keepdims=True))[..., _true_class(y)])


def _shifted_softmax_log(z, y):
    row = _two_class_row(z)
    e = np.exp(row - row.max(axis=-1, keepdims=True))
    return -np.log((e / e.sum(axis=-1, keepdims=True))[..., _true_class(y)])


def _log_softmax(z, y):
    return -special.log_softmax(_two_class_row(z), axis=-1)[..., _true_class(y)]


def _log_sigmoid(z, y):
    # bce_with_logits' own formula (torch's), evaluated in the requested float type.
    return (1 - y) * z - special.log_expit(z)


_EVALUATORS: dict[str, Callable] = {
    "sigmoid-log": _sigmoid_log,
    "bce-formula": _bce_formula,
    "softmax-log": _softmax_log,
    "shifted-softmax-log": _shifted_softmax_log,
    "log-softmax": _log_softmax,
    "log-sigmoid": _log_sigmoid,
}


def _search_grid(z_max: float) -> np.ndarray:
    """|z| values to scan: every 0.01 up to 50 (where the rounding breaks start, sometimes
    flickering between right and wrong, so the first hit must not depend on z_max) and
    8193 points over the whole range (overflow and underflow are monotone in |z|)."""
    fine = np.linspace(0.0, 50.0, _FINE_POINTS)
    coarse = np.linspace(0.0, z_max, _GRID_POINTS)
    return np.union1d(fine[fine <= z_max], coarse[coarse > fine[-1]])


def _break_masks(name: str, z: np.ndarray, y: int, dt) -> dict:
    """Per z, whether the formula returns NaN, +inf, or 0 where the exact loss rounded to dt
    is positive (mutually exclusive)."""
    with np.errstate(all="ignore"):
        zd = z.astype(dt)
        values = _EVALUATORS[name](zd, y)
        wide = zd.astype(np.float64)
        expected = (-special.log_expit(wide if y == 1 else -wide)).astype(dt)
    return {
        "zero": (values == 0) & (expected > 0),
        "inf": np.isposinf(values),
        "nan": np.isnan(values),
    }


def _first_true(predicate: Callable[[np.ndarray], np.ndarray], good: float, bad: float) -> float:
    """The boundary between ``good`` (predicate False) and ``bad`` (True), to adjacent floats.

    Each round evaluates the vectorised predicate on 1025 points of the bracket and keeps the
    interval before the first True, so five rounds shrink it by about 1e15.
    """
    for _ in range(_MAX_ROUNDS):
        if np.nextafter(good, bad) == bad:
            break
        points = np.linspace(good, bad, 1025)
        points[-1] = bad
        hits = np.flatnonzero(predicate(points))
        first = int(hits[0]) if hits.size else points.size - 1
        if first == 0:
            break
        good, bad = float(points[first - 1]), float(points[first])
    return float(bad)


def _clipping_parts(z: np.ndarray, y: int, eps: float) -> dict:
    p = sigmoid(z)
    target = np.full(z.shape, float(y))
    grad_p = bce_grad(p, target, eps=eps, reduction="none")
    # dσ/dz = σ(z)·σ(−z), computed without the cancellation of p·(1 − p) near p = 1.
    slope = special.expit(z) * special.expit(-z)
    return {
        "p": p,
        "clipped": bce(p, target, eps=eps, reduction="none"),
        "logits": bce_with_logits(z, target, reduction="none"),
        "clipped_grad_p": grad_p,
        "clipped_grad_z": grad_p * slope,
        "logits_grad_z": bce_with_logits_grad(z, target, reduction="none"),
    }


def _check_snippet_pair(X, y):
    X = as_float_array(X, "X")
    y = as_float_array(y, "y")
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != 1:
        raise ValueError(f"X must have shape (N, 1) or (N,), one logit per sample; got {X.shape}")
    if y.size != X.shape[0]:
        raise ValueError(f"y must hold one label per row of X ({X.shape[0]}); got {y.size} values")
    y = y.reshape(X.shape)
    check_same_shape(X, y, "X", "y")
    check_binary_targets(y, "y")
    return X, y


def _check_formula(name) -> Formula:
    if not isinstance(name, str) or name not in FORMULAS:
        names = ", ".join(f'"{key}"' for key in FORMULAS)
        raise ValueError(f"name must be one of {names}; got {name!r}")
    return FORMULAS[name]


def _check_dtype(dtype):
    if dtype not in DTYPES:
        raise ValueError(f'dtype must be "float64" or "float32"; got {dtype!r}')
    return np.dtype(dtype)


def _check_label(y) -> int:
    if isinstance(y, bool) or not isinstance(y, numbers.Real) or y not in (0, 1):
        raise ValueError(f"y must be the label 0 or 1; got {y!r}")
    return int(y)


def _check_eps(eps) -> float:
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 1e-15 <= eps <= 0.1:
        raise ValueError(f"eps must be a number in [1e-15, 0.1]; got {eps!r}")
    return float(eps)

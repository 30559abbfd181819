"""Cross-entropy and squared error for one binary label, as curves over p and over the logit z,
and the facts the "cross-entropy vs squared error" lesson states about them.

Nothing here re-implements a loss. Values and derivatives come from ``lossviz.losses`` with
reduction="none": over p, ``bce`` with eps=0 (the textbook formula, on an open grid so it stays
finite) and ``mse``; over z, ``bce_with_logits`` and ``sigmoid_mse``; each with its ``_grad``
twin. This module builds the grids, reads derived quantities off the curves (ratios, crossings,
maxima) and checks the claims of seed thread 000 against them.

The facts, for a label y ∈ {0, 1} and p = σ(z):

* ∂CE/∂p = (p − y)/(p(1 − p)) and ∂MSE/∂p = 2(p − y); through the sigmoid (dp/dz = p(1 − p))
  ∂CE/∂z = p − y and ∂MSE/∂z = 2(p − y)·p(1 − p).
* Both ratios |∂CE|/|∂MSE| equal 1/(2p(1 − p)) ≥ 2 (the chain factor cancels), so the CE
  gradient is at least twice the MSE gradient for every p: the curves never cross.
* −log p = 2 at p = e⁻² (y = 1): e⁻² is where the CE *loss* passes 2, the largest value
  |∂MSE/∂p| can take. Seed 000's "the CE gradient is larger whenever p < e⁻²" mixes the two.
* |∂MSE/∂z| is at most 8/27 ≈ 0.296 (at p = 1/3 for y = 1) and tends to 0 as the model becomes
  confidently wrong, while |∂CE/∂z| tends to 1.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy import optimize, special

from lossviz._validation import as_float_array, check_in_range
from lossviz.losses import (
    bce,
    bce_grad,
    bce_with_logits,
    bce_with_logits_grad,
    mse,
    mse_grad,
    sigmoid_mse,
    sigmoid_mse_grad,
)

__all__ = [
    "P_MIN",
    "SEED_LEVEL",
    "VARIABLES",
    "Z_LIMIT",
    "Z_MAX",
    "LossCurves",
    "MarkerReadout",
    "SeedFacts",
    "ce_loss_level",
    "curve_crossings",
    "lesson_curves",
    "logit_grid",
    "loss_curves",
    "marker_readout",
    "probability_grid",
    "seed_facts",
]

VARIABLES = MappingProxyType({"p": "predicted probability p", "z": "logit z"})
"""The two variables the curves are drawn over: name -> axis label."""

P_MIN = 1e-3
"""The lesson's p grid and p slider run over [P_MIN, 1 − P_MIN]."""

Z_MAX = 12.0
"""The lesson's z grid and z slider run over [−Z_MAX, Z_MAX]."""

Z_LIMIT = 30.0
"""Largest |z| accepted: σ(±30) is still strictly inside (0, 1) in float64 (σ(40) rounds to 1)."""

SEED_LEVEL = 2.0
"""Seed 000's threshold e⁻² is where the CE loss −log p equals this level."""


@dataclass(frozen=True)
class LossCurves:
    """CE and MSE with their derivatives over a grid of p or of z, for one label y.

    Attributes
    ----------
    variable : {"p", "z"}
        What ``x`` holds; ``ce_grad`` and ``mse_grad`` are derivatives with respect to it.
    y : float
        The label, 0.0 or 1.0.
    x, p : ndarray, shape (n,)
        The grid, and the probability at each point (p = x, or p = σ(x)).
    ce, mse, ce_grad, mse_grad : ndarray, shape (n,)
        Per-point values from the core, reduction="none".
    """

    variable: str
    y: float
    x: np.ndarray
    p: np.ndarray
    ce: np.ndarray
    mse: np.ndarray
    ce_grad: np.ndarray
    mse_grad: np.ndarray

    @property
    def ratio(self) -> np.ndarray:
        """|∂CE| / |∂MSE| at each point (the same over p and over z): 1/(2p(1 − p))."""
        return np.abs(self.ce_grad) / np.abs(self.mse_grad)


@dataclass(frozen=True)
class MarkerReadout:
    """Everything the lesson reads out at the learner's marker, for one p (or z) and label y."""

    variable: str
    y: float
    p: float
    z: float
    ce: float
    mse: float
    ce_grad_p: float
    mse_grad_p: float
    ce_grad_z: float
    mse_grad_z: float

    @property
    def ratio(self) -> float:
        """|∂CE/∂z| / |∂MSE/∂z|."""
        return abs(self.ce_grad_z) / abs(self.mse_grad_z)

    @property
    def ratio_p(self) -> float:
        """|∂CE/∂p| / |∂MSE/∂p| (equal to ``ratio``: the factor dp/dz cancels)."""
        return abs(self.ce_grad_p) / abs(self.mse_grad_p)

    @property
    def confidently_wrong(self) -> bool:
        """The model leans to the wrong class (p on the far side of 1/2 from y)."""
        return (self.p < 0.5) if self.y == 1.0 else (self.p > 0.5)


@dataclass(frozen=True)
class SeedFacts:
    """Seed 000's claims about CE and MSE for one label, checked on a fine open grid of p.

    Attributes
    ----------
    y : float
        The label.
    grid_size : int
        Number of grid points the checks ran on.
    threshold : float
        The seed's threshold: e⁻² for y = 1, 1 − e⁻² for y = 0.
    gradient_crossings : ndarray
        Where |∂CE/∂p| and |∂MSE/∂p| cross on the grid (empty: they never do).
    ce_larger_share : float
        Share of grid points where |∂CE/∂p| > |∂MSE/∂p| (1.0).
    ce_larger_share_beyond : float
        The same share among the points the seed's "whenever" leaves out (p > e⁻² for y = 1).
    min_ratio, min_ratio_at : float
        The smallest |∂CE/∂z| / |∂MSE/∂z| on the grid and the p where it occurs (2 at p = 1/2).
    ce_loss_at_threshold : float
        The CE loss at the seed's threshold (2, from the core's ``bce``).
    ce_loss_crossing : float
        Where the CE loss curve crosses ``SEED_LEVEL`` on the grid (≈ the threshold).
    mse_grad_p_max : float
        |∂MSE/∂p| at the confidently wrong end p = 1 − y (2, the largest it gets).
    mse_loss_min, mse_loss_max : float
        The range of (p − y)² over p ∈ [0, 1] (0 and 1).
    mse_grad_z_max, mse_grad_z_argmax : float
        The largest |∂MSE/∂z| and the p where it occurs (8/27 at p = 1/3 for y = 1), refined from
        the grid with a bounded scalar search.
    wrong_end_p : float
        The grid's most confidently wrong probability.
    ce_grad_z_wrong_end, mse_grad_z_wrong_end : float
        |∂CE/∂z| and |∂MSE/∂z| there (≈ 1 and ≈ 0).
    seed_ce_grad_error : float
        Largest relative difference between the seed's (p − y)/(p − p²) and the core's ∂CE/∂p.
    seed_mse_grad_negated : bool
        The seed's "2(y − p)" is minus the core's ∂MSE/∂p = 2(p − y) (the descent direction).
    """

    y: float
    grid_size: int
    threshold: float
    gradient_crossings: np.ndarray
    ce_larger_share: float
    ce_larger_share_beyond: float
    min_ratio: float
    min_ratio_at: float
    ce_loss_at_threshold: float
    ce_loss_crossing: float
    mse_grad_p_max: float
    mse_loss_min: float
    mse_loss_max: float
    mse_grad_z_max: float
    mse_grad_z_argmax: float
    wrong_end_p: float
    ce_grad_z_wrong_end: float
    mse_grad_z_wrong_end: float
    seed_ce_grad_error: float
    seed_mse_grad_negated: bool


def probability_grid(n: int = 801, *, p_min: float = 1e-3) -> np.ndarray:
    """An open grid of p in [p_min, 1 − p_min], dense near 0 and 1 where the curves bend.

    p = σ(t) for n values of t evenly spaced in [logit(p_min), logit(1 − p_min)]; symmetric
    about 1/2, and with odd n it contains 1/2 exactly.

    Examples
    --------
    >>> grid = probability_grid(5, p_min=0.1)
    >>> [round(float(v), 3) for v in grid]
    [0.1, 0.25, 0.5, 0.75, 0.9]
    """
    n = _check_count(n, "n")
    p_min = check_in_range(p_min, "p_min", 1e-12, 0.49)
    edge = special.logit(p_min)
    return special.expit(np.linspace(edge, -edge, n))


def logit_grid(n: int = 481, *, z_max: float = 12.0) -> np.ndarray:
    """n evenly spaced logits in [−z_max, z_max] (z_max at most ``Z_LIMIT``)."""
    n = _check_count(n, "n")
    z_max = check_in_range(z_max, "z_max", 1e-3, Z_LIMIT)
    return np.linspace(-z_max, z_max, n)


def loss_curves(x, y, *, variable: str = "p") -> LossCurves:
    """CE and MSE and their derivatives over ``x`` (probabilities or logits) for label ``y``.

    Over p: ``bce(p, y, eps=0)``, ``mse`` and their ``_grad`` twins, so p must avoid exactly 0
    and 1 (where ∂CE/∂p is infinite). Over z: ``bce_with_logits``, ``sigmoid_mse`` and twins.

    Parameters
    ----------
    x : array_like, 1-D
        Probabilities strictly inside (0, 1), or logits with |z| ≤ ``Z_LIMIT``.
    y : {0, 1}
        The label.
    variable : {"p", "z"}

    Examples
    --------
    >>> curves = loss_curves([0.5], 1, variable="p")
    >>> float(curves.ce_grad[0]), float(curves.mse_grad[0])
    (-2.0, -1.0)
    """
    variable = _check_variable(variable)
    y = _check_label(y)
    x = as_float_array(x, variable)
    if x.ndim != 1:
        raise ValueError(f"{variable} must be a 1-D grid; got shape {x.shape}")
    p = _check_open(x, variable) if variable == "p" else special.expit(_check_logits(x))
    target = np.full_like(x, y)
    if variable == "p":
        ce = bce(p, target, eps=0.0, reduction="none")
        ce_grad = bce_grad(p, target, eps=0.0, reduction="none")
        loss_mse = mse(p, target, reduction="none")
        loss_mse_grad = mse_grad(p, target, reduction="none")
    else:
        ce = bce_with_logits(x, target, reduction="none")
        ce_grad = bce_with_logits_grad(x, target, reduction="none")
        loss_mse = sigmoid_mse(x, target, reduction="none")
        loss_mse_grad = sigmoid_mse_grad(x, target, reduction="none")
    return LossCurves(variable, y, x, p, ce, loss_mse, ce_grad, loss_mse_grad)


def lesson_curves(y, *, variable: str = "p") -> LossCurves:
    """``loss_curves`` on the lesson's grids: 801 points of ``probability_grid`` over
    [P_MIN, 1 − P_MIN], or 481 logits over [−Z_MAX, Z_MAX]."""
    grid = probability_grid(801, p_min=P_MIN) if _check_variable(variable) == "p" else logit_grid(481, z_max=Z_MAX)
    return loss_curves(grid, y, variable=variable)


def marker_readout(value, y, *, variable: str = "p") -> MarkerReadout:
    """Both losses and both gradients (w.r.t. p and w.r.t. z) at one p or one z.

    The other variable follows from z = logit(p) = log(p/(1 − p)) or p = σ(z).

    Examples
    --------
    >>> r = marker_readout(0.02, 1)
    >>> round(r.ce_grad_z, 4), round(r.mse_grad_z, 4), round(r.ratio, 2)
    (-0.98, -0.0384, 25.51)
    """
    variable = _check_variable(variable)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{variable} must be a number; got {value!r}")
    point = np.array([float(value)])
    if variable == "p":
        p = _check_open(point, "p")
        z = special.logit(p)
    else:
        z = _check_logits(as_float_array(point, "z"))
        p = special.expit(z)
    y = _check_label(y)
    target = np.array([y])
    over_p = loss_curves(p, y, variable="p")
    over_z = loss_curves(z, y, variable="z")
    ce = over_p.ce if variable == "p" else over_z.ce
    return MarkerReadout(
        variable=variable,
        y=y,
        p=float(p[0]),
        z=float(z[0]),
        ce=float(ce[0]),
        mse=float(mse(p, target, reduction="none")[0]),
        ce_grad_p=float(over_p.ce_grad[0]),
        mse_grad_p=float(over_p.mse_grad[0]),
        ce_grad_z=float(over_z.ce_grad[0]),
        mse_grad_z=float(over_z.mse_grad[0]),
    )


def curve_crossings(x, a, b) -> np.ndarray:
    """The x where curves a and b (sampled on the grid x) cross, by linear interpolation.

    A crossing is a sign change of a − b between neighbouring grid points, or a grid point where
    they are equal. Returns an empty array when they never meet on the grid.

    Examples
    --------
    >>> curve_crossings([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [1.5, 1.5, 1.5]).tolist()
    [1.5]
    """
    x = as_float_array(x, "x")
    a = np.broadcast_to(as_float_array(a, "a"), x.shape)
    b = np.broadcast_to(as_float_array(b, "b"), x.shape)
    d = a - b
    exact = x[d == 0.0]
    change = np.flatnonzero(d[:-1] * d[1:] < 0.0)
    between = x[change] - d[change] * (x[change + 1] - x[change]) / (d[change + 1] - d[change])
    return np.unique(np.concatenate([exact, between]))


def ce_loss_level(level: float, y) -> float:
    """The p at which the CE loss equals ``level``: e^(−level) for y = 1, 1 − e^(−level) for y = 0.

    The inverse of −log p (or −log(1 − p)); ``ce_loss_level(2, 1)`` is the seed's e⁻².

    Examples
    --------
    >>> round(ce_loss_level(2.0, 1), 6)
    0.135335
    """
    level = check_in_range(level, "level", 0.0, 700.0)
    y = _check_label(y)
    return math.exp(-level) if y == 1.0 else -math.expm1(-level)


def seed_facts(y, *, n: int = 4001, p_min: float = 1e-6) -> SeedFacts:
    """Check seed 000's claims about CE and MSE gradients for label ``y`` on an open grid of p.

    See ``SeedFacts`` for what each field holds. The grid is ``probability_grid(n, p_min=p_min)``;
    n must be odd so that p = 1/2, where the ratio is smallest, is on it.

    Examples
    --------
    >>> facts = seed_facts(1)
    >>> facts.gradient_crossings.size, round(facts.min_ratio, 6), round(facts.ce_loss_at_threshold, 6)
    (0, 2.0, 2.0)
    """
    y = _check_label(y)
    n = _check_count(n, "n")
    if n % 2 == 0:
        raise ValueError(f"n must be odd so that the grid contains p = 1/2; got {n}")
    p = probability_grid(n, p_min=p_min)
    over_p = loss_curves(p, y, variable="p")
    over_z = loss_curves(special.logit(p), y, variable="z")
    ce_size, mse_size = np.abs(over_p.ce_grad), np.abs(over_p.mse_grad)
    threshold = ce_loss_level(SEED_LEVEL, y)
    beyond = p > threshold if y == 1.0 else p < threshold
    ratio = over_z.ratio
    wrong = 0 if y == 1.0 else -1
    target = np.array([y])
    ends = np.array([0.0, 1.0])
    mse_closed = mse(ends, np.full(2, y), reduction="none")
    seed_ce_grad = (p - y) / (p - p**2)
    seed_mse_grad = 2.0 * (y - p)
    grad_z_max, grad_z_argmax = _largest_mse_logit_gradient(special.logit(p), np.abs(over_z.mse_grad), y)
    return SeedFacts(
        y=y,
        grid_size=n,
        threshold=threshold,
        gradient_crossings=curve_crossings(p, ce_size, mse_size),
        ce_larger_share=float(np.mean(ce_size > mse_size)),
        ce_larger_share_beyond=float(np.mean(ce_size[beyond] > mse_size[beyond])),
        min_ratio=float(ratio.min()),
        min_ratio_at=float(p[np.argmin(ratio)]),
        ce_loss_at_threshold=float(bce(np.array([threshold]), target, eps=0.0, reduction="none")[0]),
        ce_loss_crossing=float(curve_crossings(p, over_p.ce, SEED_LEVEL)[0]),
        mse_grad_p_max=float(abs(mse_grad(np.array([1.0 - y]), target, reduction="none")[0])),
        mse_loss_min=float(min(mse_closed.min(), over_p.mse.min())),
        mse_loss_max=float(max(mse_closed.max(), over_p.mse.max())),
        mse_grad_z_max=grad_z_max,
        mse_grad_z_argmax=grad_z_argmax,
        wrong_end_p=float(p[wrong]),
        ce_grad_z_wrong_end=float(abs(over_z.ce_grad[wrong])),
        mse_grad_z_wrong_end=float(abs(over_z.mse_grad[wrong])),
        seed_ce_grad_error=float(np.max(np.abs(seed_ce_grad - over_p.ce_grad) / np.abs(over_p.ce_grad))),
        seed_mse_grad_negated=bool(np.allclose(seed_mse_grad, -over_p.mse_grad, rtol=1e-12, atol=0.0)),
    )


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _largest_mse_logit_gradient(z: np.ndarray, size: np.ndarray, y: float) -> tuple[float, float]:
    """Max of |∂MSE/∂z| from the grid, refined by a bounded scalar search between its neighbours."""
    k = int(np.argmax(size))
    low, high = z[max(k - 1, 0)], z[min(k + 1, z.size - 1)]
    target = np.array([y])

    def negative_size(t):
        return -abs(sigmoid_mse_grad(np.array([t]), target, reduction="none")[0])

    result = optimize.minimize_scalar(negative_size, bounds=(low, high), method="bounded", options={"xatol": 1e-12})
    return float(-result.fun), float(special.expit(result.x))


def _check_variable(variable) -> str:
    if variable not in VARIABLES:
        raise ValueError(f'variable must be "p" or "z"; got {variable!r}')
    return variable


def _check_label(y) -> float:
    if isinstance(y, bool) or not isinstance(y, numbers.Real) or y not in (0, 1):
        raise ValueError(f"y must be the label 0 or 1; got {y!r}")
    return float(y)


def _check_open(p: np.ndarray, name: str) -> np.ndarray:
    if p.min() <= 0.0 or p.max() >= 1.0:
        raise ValueError(
            f"{name} must lie strictly between 0 and 1 (the cross-entropy gradient is infinite at "
            f"the ends); got values from {p.min():g} to {p.max():g}"
        )
    return p


def _check_logits(z: np.ndarray) -> np.ndarray:
    if np.abs(z).max() > Z_LIMIT:
        raise ValueError(
            f"z must be within ±{Z_LIMIT:g} (beyond it σ(z) rounds to exactly 0 or 1); "
            f"got values from {z.min():g} to {z.max():g}"
        )
    return z


def _check_count(n, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 3 <= n <= 100_000:
        raise ValueError(f"{name} must be an integer in [3, 100000]; got {n!r}")
    return int(n)

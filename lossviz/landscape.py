"""Loss surfaces of one-feature logistic regression over (w, b), gradient descent on them, and the
likelihood view of the losses.

The model is p = σ(w·x + b) on a tiny seeded 1-D data set. Under binary cross-entropy the mean
loss L(w, b) is convex; under squared error through the sigmoid it is not. This module makes
both statements computed rather than asserted: it evaluates each surface on a grid, the smaller
eigenvalue of its 2×2 Hessian at every grid point (negative = the surface curves down in some
direction), a chord whose midpoint lies below the surface, the places where descent ends (refined with SciPy
and checked), and gradient-descent paths that use the core's analytic gradients.

The per-sample values and first derivatives come from ``lossviz.losses`` (``bce_with_logits``,
``sigmoid_mse`` and their ``_grad`` twins with reduction="none"); the chain rule through
z = w·x + b gives ∂L/∂w = mean(ℓ'(zᵢ)·xᵢ) and ∂L/∂b = mean(ℓ'(zᵢ)). Only the second derivatives
ℓ''(z), which the core does not provide, are written out here (and tested against finite
differences of the core's gradients).

``likelihood_check`` confirms on a few samples that each loss is the mean negative
log-likelihood of a distribution (Bernoulli, categorical, Gaussian with fixed σ), computing the
likelihood with ``scipy.stats`` and the loss with ``lossviz.losses``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable

import numpy as np
from scipy import optimize, special, stats

from lossviz._validation import as_float_array, check_in_range, check_nonnegative_scalar
from lossviz.activations import sigmoid
from lossviz.losses import (
    _bce_logits_derivative,
    _sigmoid_mse_derivative,
    bce,
    bce_with_logits,
    bce_with_logits_grad,
    cross_entropy,
    mse,
    sigmoid_mse,
    sigmoid_mse_grad,
)

__all__ = [
    "BOX",
    "DATASET_PRESETS",
    "GRID_SIZE",
    "LANDSCAPE_LOSSES",
    "ChordWitness",
    "Dataset1D",
    "DescentPath",
    "LessonLandscape",
    "LikelihoodCheck",
    "LikelihoodRow",
    "Outcome",
    "Surface",
    "best_threshold_accuracy",
    "chord_witness",
    "descent_outcomes",
    "feature_grid",
    "first_step_reaching",
    "fitted_probabilities",
    "gradient_descent",
    "lesson_descent",
    "lesson_landscape",
    "likelihood_check",
    "loss_and_gradient",
    "loss_hessian",
    "loss_surface",
    "make_dataset_1d",
    "mse_limit_at_infinity",
    "plateau_fraction",
]

DATASET_PRESETS = MappingProxyType(
    {
        "separable": "two classes with a gap between them",
        "overlapping": "two overlapping classes (no threshold classifies every point)",
        "outlier": "the separable set plus one class-0 point deep inside class 1",
    }
)
"""The lesson's 1-D data sets: preset name -> one-line description."""

LANDSCAPE_LOSSES = MappingProxyType(
    {
        "bce": "binary cross-entropy, −[y·log p + (1 − y)·log(1 − p)]",
        "mse": "squared error through the sigmoid, (p − y)²",
    }
)
"""The two losses compared on the surfaces: name -> formula (p = σ(w·x + b))."""

BOX = (-10.0, 10.0)
"""The lesson's grid box: w and b both range over it."""

GRID_SIZE = 121
"""Grid points per axis in the lesson (121 × 121 = 14,641 evaluations per surface)."""

_OUTLIER_X = 4.0
_MAX_STEPS = 5000
_MAX_GRID = 400


@dataclass(frozen=True)
class Dataset1D:
    """A tiny 1-D binary data set.

    Attributes
    ----------
    x : ndarray, shape (n,)
        The feature.
    y : ndarray, shape (n,)
        Labels, 0.0 or 1.0.
    kind : str
        The preset's name.
    separable : bool
        Whether some threshold on x classifies every point (then the BCE minimum is at infinity).
    """

    x: np.ndarray
    y: np.ndarray
    kind: str
    separable: bool


@dataclass(frozen=True)
class Surface:
    """A mean loss L(w, b) on a grid, with its gradient size and curvature.

    Attributes
    ----------
    loss : str
        "bce" or "mse".
    w, b : ndarray, shapes (n_w,) and (n_b,)
        Grid axes.
    values : ndarray, shape (n_b, n_w)
        L at (w[j], b[i]) in ``values[i, j]`` (rows follow b, as a heatmap's y axis).
    grad_norm : ndarray, shape (n_b, n_w)
        |∇L| = sqrt((∂L/∂w)² + (∂L/∂b)²).
    min_curvature : ndarray, shape (n_b, n_w)
        The smaller eigenvalue of the Hessian of L; negative where the surface is not convex.
    negative : ndarray of bool, shape (n_b, n_w)
        min_curvature < 0 beyond rounding (below −1e-9 times the Hessian's trace).
    """

    loss: str
    w: np.ndarray
    b: np.ndarray
    values: np.ndarray
    grad_norm: np.ndarray
    min_curvature: np.ndarray
    negative: np.ndarray

    @property
    def negative_fraction(self) -> float:
        """Share of grid points where the surface curves down in some direction."""
        return float(np.mean(self.negative))

    @property
    def argmin(self) -> tuple[float, float, float]:
        """(w, b, L) of the lowest grid point."""
        i, j = np.unravel_index(int(np.argmin(self.values)), self.values.shape)
        return float(self.w[j]), float(self.b[i]), float(self.values[i, j])

    @property
    def argmin_on_edge(self) -> bool:
        """Whether the lowest grid point lies on the grid's border (the infimum is further out)."""
        i, j = np.unravel_index(int(np.argmin(self.values)), self.values.shape)
        return i in (0, self.values.shape[0] - 1) or j in (0, self.values.shape[1] - 1)


@dataclass(frozen=True)
class Outcome:
    """One place where descent on L(w, b) ends inside the grid box (see ``descent_outcomes``).

    ``share`` is the fraction of grid points that drain to it; ``on_edge`` says it sits on the
    box's border (the loss keeps falling further out); ``grad_norm`` and ``min_curvature`` (the
    smaller Hessian eigenvalue) are evaluated at (w, b): zero and positive for a true local
    minimum. ``accuracy`` is the training accuracy of the classifier there.
    """

    w: float
    b: float
    value: float
    share: float
    on_edge: bool
    grad_norm: float
    min_curvature: float
    accuracy: float

    @property
    def is_local_minimum(self) -> bool:
        """Inside the box, zero gradient (below 1e-6) and a positive definite Hessian."""
        return (not self.on_edge) and self.grad_norm < 1e-6 and self.min_curvature > 0


@dataclass(frozen=True)
class ChordWitness:
    """A segment along which L is not convex: the midpoint lies above the chord.

    gap = L(midpoint) − (L(start) + L(end)) / 2 > 0 is direct evidence from loss values alone
    (a convex function has gap ≤ 0 on every segment).
    """

    start: tuple[float, float]
    end: tuple[float, float]
    midpoint: tuple[float, float]
    value_start: float
    value_end: float
    value_midpoint: float
    gap: float


@dataclass(frozen=True)
class DescentPath:
    """Full-batch gradient descent on L(w, b): one entry per step, the start included.

    ``accuracy`` is the share of points with (p ≥ 0.5) == y at each step.
    """

    loss: str
    lr: float
    w: np.ndarray
    b: np.ndarray
    values: np.ndarray
    grad_norm: np.ndarray
    accuracy: np.ndarray


@dataclass(frozen=True)
class LikelihoodRow:
    """One distribution: its mean NLL (from scipy.stats) against scale·loss + constant (lossviz).

    residual = mean_nll − (scale·loss_value + constant), zero up to rounding.
    """

    distribution: str
    loss_name: str
    mean_nll: float
    loss_value: float
    scale: float
    constant: float
    residual: float


@dataclass(frozen=True)
class LikelihoodCheck:
    """The samples of ``likelihood_check`` and one row per distribution."""

    p: np.ndarray
    y: np.ndarray
    logits: np.ndarray
    classes: np.ndarray
    sigma: float
    rows: tuple[LikelihoodRow, ...]


@dataclass(frozen=True)
class LessonLandscape:
    """Everything the lesson shows about one preset, computed once: the data, both surfaces on
    the lesson's grid, where descent ends on each, a chord witness of non-convexity (None for a
    convex surface), the plateau shares, the best threshold accuracy and the squared-error
    infimum at infinity. Dictionaries are keyed by loss name ("bce", "mse")."""

    data: Dataset1D
    surfaces: dict
    outcomes: dict
    witnesses: dict
    plateaus: dict
    best_accuracy: float
    mse_limit: float


def lesson_landscape(kind: str) -> LessonLandscape:
    """The lesson's analysis of preset ``kind`` (default seed and size) on the BOX grid."""
    data = make_dataset_1d(kind)
    surfaces = {
        loss: loss_surface(data.x, data.y, loss=loss, w_range=BOX, b_range=BOX, n=GRID_SIZE)
        for loss in LANDSCAPE_LOSSES
    }
    return LessonLandscape(
        data=data,
        surfaces=surfaces,
        outcomes={loss: descent_outcomes(data.x, data.y, s) for loss, s in surfaces.items()},
        witnesses={loss: chord_witness(data.x, data.y, s) for loss, s in surfaces.items()},
        plateaus={loss: plateau_fraction(s) for loss, s in surfaces.items()},
        best_accuracy=best_threshold_accuracy(data.x, data.y),
        mse_limit=mse_limit_at_infinity(data.x, data.y),
    )


def lesson_descent(kind: str, *, w0: float, b0: float, lr: float, steps: int) -> dict:
    """Gradient descent under both losses from the same start on preset ``kind``: loss -> path."""
    data = make_dataset_1d(kind)
    return {
        loss: gradient_descent(data.x, data.y, loss=loss, w0=w0, b0=b0, lr=lr, steps=steps)
        for loss in LANDSCAPE_LOSSES
    }


def make_dataset_1d(kind: str = "separable", *, n: int = 12, seed: int = 0) -> Dataset1D:
    """A seeded 1-D binary data set for the loss-surface lesson.

    Parameters
    ----------
    kind : {"separable", "overlapping", "outlier"}
        "separable": n/2 points of class 0 uniform in [−3, −0.5] and of class 1 in [0.5, 3].
        "overlapping": class 0 ~ N(−0.8, 1), class 1 ~ N(0.8, 1); if the draw happens to be
        separable, the rightmost class-0 and leftmost class-1 points swap places, so the set
        never is. "outlier": the separable set plus one class-0 point at x = 4 (n + 1 points).
    n : int
        Number of points before the outlier, 4 to 200.
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    Dataset1D

    Examples
    --------
    >>> make_dataset_1d("outlier").x.size
    13
    """
    if kind not in DATASET_PRESETS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, DATASET_PRESETS))}; got {kind!r}")
    n = _check_int(n, "n", 4, 200)
    rng = np.random.default_rng(_check_int(seed, "seed", 0, 2**63 - 1))
    n0 = n // 2
    y = np.concatenate([np.zeros(n0), np.ones(n - n0)])
    if kind == "overlapping":
        x = np.concatenate([rng.normal(-0.8, 1.0, n0), rng.normal(0.8, 1.0, n - n0)])
        if _is_separable(x, y):
            i0 = int(np.argmax(np.where(y == 0, x, -np.inf)))
            i1 = int(np.argmin(np.where(y == 1, x, np.inf)))
            x[i0], x[i1] = x[i1], x[i0]
            if _is_separable(x, y):
                # Only reachable when the classes were separable "the wrong way round".
                x[i0] = x[i1] + 0.25
    else:
        x = np.concatenate([-rng.uniform(0.5, 3.0, n0), rng.uniform(0.5, 3.0, n - n0)])
        if kind == "outlier":
            x = np.append(x, _OUTLIER_X)
            y = np.append(y, 0.0)
    return Dataset1D(x=x, y=y, kind=kind, separable=_is_separable(x, y))


def loss_and_gradient(w, b, x, y, *, loss: str) -> tuple[float, float, float]:
    """Mean loss L(w, b) of p = σ(w·x + b) and its gradient (∂L/∂w, ∂L/∂b).

    With zᵢ = w·xᵢ + b and ℓ'(zᵢ) from the core's ``_grad`` (reduction="none"):
    ∂L/∂w = mean(ℓ'(zᵢ)·xᵢ), ∂L/∂b = mean(ℓ'(zᵢ)).

    Examples
    --------
    >>> x, y = np.array([-1.0, 1.0]), np.array([0.0, 1.0])
    >>> [round(v, 6) for v in loss_and_gradient(0.0, 0.0, x, y, loss="bce")]
    [0.693147, -0.5, 0.0]
    """
    x, y = _check_data(x, y)
    w = _check_real(w, "w")
    b = _check_real(b, "b")
    value, grad = _loss_functions(loss)
    z = w * x + b
    g = grad(z, y, reduction="none")
    return float(value(z, y, reduction="mean")), float(np.mean(g * x)), float(np.mean(g))


def loss_hessian(w, b, x, y, *, loss: str) -> np.ndarray:
    """The 2×2 Hessian of L(w, b) in the order (w, b).

    H = mean(ℓ''(zᵢ)·[[xᵢ², xᵢ], [xᵢ, 1]]), with the per-sample second derivative
    ℓ''(z) = p(1 − p) for BCE (never negative, so H is positive semi-definite) and
    ℓ''(z) = 2·p(1 − p)·[p(1 − p) + (p − y)(1 − 2p)] for squared error through the sigmoid
    (for y = 1 this is 2·p(1 − p)²·(3p − 1), negative wherever p < 1/3).
    """
    x, y = _check_data(x, y)
    z = _check_real(w, "w") * x + _check_real(b, "b")
    c = _curvature(loss)(z, y)
    hww, hwb, hbb = np.mean(c * x * x), np.mean(c * x), np.mean(c)
    return np.array([[hww, hwb], [hwb, hbb]])


def loss_surface(
    x,
    y,
    *,
    loss: str,
    w_range: tuple[float, float] = (-10.0, 10.0),
    b_range: tuple[float, float] = (-10.0, 10.0),
    n: int = 121,
) -> Surface:
    """L(w, b), |∇L| and the smaller Hessian eigenvalue on an n × n grid, vectorised.

    The eigenvalue of [[a, c], [c, d]] is (a + d)/2 − sqrt(((a − d)/2)² + c²).

    Parameters
    ----------
    x, y : array_like, shape (m,)
        The data set (labels 0/1).
    loss : {"bce", "mse"}
    w_range, b_range : (low, high)
        The grid box.
    n : int
        Points per axis, 3 to 400.

    Returns
    -------
    Surface
    """
    x, y = _check_data(x, y)
    value, grad = _loss_functions(loss)
    n = _check_int(n, "n", 3, _MAX_GRID)
    w = np.linspace(*_check_range(w_range, "w_range"), n)
    b = np.linspace(*_check_range(b_range, "b_range"), n)
    z = w[None, :, None] * x + b[:, None, None]
    targets = np.broadcast_to(y, z.shape)
    values = value(z, targets, reduction="none").mean(axis=-1)
    g = grad(z, targets, reduction="none")
    grad_norm = np.hypot(np.mean(g * x, axis=-1), np.mean(g, axis=-1))
    c = _curvature(loss)(z, targets)
    hww, hwb, hbb = np.mean(c * x * x, axis=-1), np.mean(c * x, axis=-1), np.mean(c, axis=-1)
    half_trace = (hww + hbb) / 2.0
    min_curvature = half_trace - np.hypot((hww - hbb) / 2.0, hwb)
    negative = min_curvature < -1e-9 * np.abs(hww + hbb)
    return Surface(loss, w, b, values, grad_norm, min_curvature, negative)


def gradient_descent(x, y, *, loss: str, w0: float, b0: float, lr: float, steps: int) -> DescentPath:
    """Full-batch gradient descent (w, b) ← (w, b) − lr·∇L(w, b) from (w0, b0).

    The gradients are the core's (see ``loss_and_gradient``). Both per-sample derivatives are
    bounded (|ℓ'(z)| ≤ 1), so |∂L/∂w| ≤ mean|xᵢ| and |∂L/∂b| ≤ 1: even a huge learning rate gives
    finite numbers, the path jumps about instead of overflowing.

    Returns
    -------
    DescentPath
        ``steps + 1`` entries, the start first.
    """
    x, y = _check_data(x, y)
    value, grad = _loss_functions(loss)
    w = _check_real(w0, "w0")
    b = _check_real(b0, "b0")
    lr = check_nonnegative_scalar(lr, "lr")
    steps = _check_int(steps, "steps", 0, _MAX_STEPS)
    step_grad = _STEP_GRADIENTS[loss]
    ws, bs = np.empty(steps + 1), np.empty(steps + 1)
    for step in range(steps):
        ws[step], bs[step] = w, b
        # The mean loss's gradient, ∂L/∂w = Σ gᵢ·xᵢ, ∂L/∂b = Σ gᵢ, with gᵢ = ℓ'(zᵢ)/n.
        g = step_grad(w * x + b, y)
        w, b = w - lr * float(g @ x), b - lr * float(g.sum())
    ws[steps], bs[steps] = w, b
    # The values along the path in one vectorised call per quantity, after the loop.
    z = ws[:, None] * x + bs[:, None]
    targets = np.broadcast_to(y, z.shape)
    values = value(z, targets, reduction="none").mean(axis=1)
    g = grad(z, targets, reduction="none")
    norms = np.hypot(np.mean(g * x, axis=1), np.mean(g, axis=1))
    accuracy = np.mean((z >= 0.0) == (y == 1.0), axis=1)
    return DescentPath(loss, lr, ws, bs, values, norms, accuracy)


def descent_outcomes(x, y, surface: Surface, *, tol: float = 1e-6) -> tuple[Outcome, ...]:
    """Where descent on L ends inside the grid box, and from what share of the grid, lowest first.

    Every grid point steps to its lowest 8-neighbour while that is strictly lower (discrete
    steepest descent); the points where this stops are refined with L-BFGS-B (the core's
    analytic gradient, bounded by the box). Refined points with the same loss (within ``tol``,
    relative) and position (within 1 % of the box) are one outcome; ``share`` counts the grid
    points that drain to it. An outcome on the box's border means the loss keeps falling beyond
    the box (the infimum is at infinity); one inside with zero gradient and a positive definite
    Hessian is a true local minimum. More than one outcome means descent can end in different
    places depending on where it starts.
    """
    x, y = _check_data(x, y)
    tol = check_nonnegative_scalar(tol, "tol")
    value, grad = _loss_functions(surface.loss)
    ends = _grid_descent_ends(surface.values)
    sinks, counts = np.unique(ends, return_counts=True)
    bounds = [(surface.w[0], surface.w[-1]), (surface.b[0], surface.b[-1])]
    span = np.array([high - low for low, high in bounds])
    spacing = np.array([surface.w[1] - surface.w[0], surface.b[1] - surface.b[0]])

    def objective(theta):
        z = theta[0] * x + theta[1]
        g = grad(z, y, reduction="none")
        return value(z, y, reduction="mean"), np.array([np.mean(g * x), np.mean(g)])

    groups: list[list] = []
    for sink, count in zip(sinks, counts, strict=True):
        i, j = np.unravel_index(int(sink), surface.values.shape)
        result = optimize.minimize(
            objective,
            np.array([surface.w[j], surface.b[i]]),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"gtol": 1e-10, "ftol": 1e-13},
        )
        point, level = result.x, float(result.fun)
        for group in groups:
            same_level = abs(group[1] - level) <= tol * max(1.0, abs(level))
            if same_level and np.all(np.abs(group[0] - point) <= 0.01 * span):
                group[2] += int(count)
                break
        else:
            groups.append([point, level, int(count)])
    outcomes = []
    for point, level, count in sorted(groups, key=lambda g: g[1]):
        w, b = float(point[0]), float(point[1])
        _, gw, gb = loss_and_gradient(w, b, x, y, loss=surface.loss)
        on_edge = any(
            t - low < s / 2 or high - t < s / 2 for t, (low, high), s in zip((w, b), bounds, spacing, strict=True)
        )
        curvature = float(np.linalg.eigvalsh(loss_hessian(w, b, x, y, loss=surface.loss))[0])
        accuracy = float(np.mean((w * x + b >= 0.0) == (y == 1.0)))
        outcomes.append(
            Outcome(w, b, level, count / surface.values.size, on_edge, float(np.hypot(gw, gb)), curvature, accuracy)
        )
    return tuple(outcomes)


def mse_limit_at_infinity(x, y) -> float:
    """The infimum of the squared-error surface far away: 1 − best_threshold_accuracy(x, y).

    Along w → ±∞ with the boundary −b/w held at the best threshold, every p tends to exactly 0 or
    1, so each correctly classified point contributes 0 and each misclassified one 1: the mean
    squared error tends to the error rate. When it is below every finite local minimum, the
    squared-error surface has its best values at infinity.
    """
    return 1.0 - best_threshold_accuracy(x, y)


def chord_witness(x, y, surface: Surface) -> ChordWitness | None:
    """A segment whose midpoint lies above the chord, or None when the grid shows no such place.

    Starts at the grid point with the most negative Hessian eigenvalue and walks along that
    eigenvector, trying half-lengths of 1, 2, 4, … grid spacings (kept inside the box) and
    returning the largest gap found. Loss values only: no derivative enters the verdict.
    """
    x, y = _check_data(x, y)
    if not np.any(surface.negative):
        return None
    i, j = np.unravel_index(int(np.argmin(surface.min_curvature)), surface.values.shape)
    centre = np.array([surface.w[j], surface.b[i]])
    _, vectors = np.linalg.eigh(loss_hessian(centre[0], centre[1], x, y, loss=surface.loss))
    direction = vectors[:, 0]
    spacing = surface.w[1] - surface.w[0]
    low = np.array([surface.w[0], surface.b[0]])
    high = np.array([surface.w[-1], surface.b[-1]])
    best = None
    for half in spacing * 2.0 ** np.arange(8):
        start, end = centre - half * direction, centre + half * direction
        if np.any(np.minimum(start, end) < low) or np.any(np.maximum(start, end) > high):
            break
        values = [loss_and_gradient(*point, x, y, loss=surface.loss)[0] for point in (start, end, centre)]
        gap = values[2] - (values[0] + values[1]) / 2.0
        if gap > 0 and (best is None or gap > best.gap):
            best = ChordWitness(
                tuple(map(float, start)), tuple(map(float, end)), tuple(map(float, centre)), *values, float(gap)
            )
    return best


def plateau_fraction(surface: Surface, *, grad_tol: float = 1e-3, gap: float = 0.05) -> float:
    """Share of the grid that is a plateau: |∇L| < grad_tol while L exceeds its grid minimum by more
    than ``gap``. Gradient descent crawls there although it is far from the best loss."""
    grad_tol = check_nonnegative_scalar(grad_tol, "grad_tol")
    gap = check_nonnegative_scalar(gap, "gap")
    flat = (surface.grad_norm < grad_tol) & (surface.values > surface.values.min() + gap)
    return float(np.mean(flat))


def best_threshold_accuracy(x, y) -> float:
    """The best training accuracy any rule "predict 1 when w·x + b ≥ 0" can reach on (x, y).

    Tries every threshold between consecutive sorted points (and beyond both ends) in both
    orientations; this is what logistic regression can at best achieve on a 1-D set.
    """
    x, y = _check_data(x, y)
    edges = np.unique(x)
    cuts = np.concatenate([[edges[0] - 1.0], (edges[:-1] + edges[1:]) / 2.0, [edges[-1] + 1.0]])
    above = x[None, :] >= cuts[:, None]
    hits = np.mean(above == (y == 1.0), axis=1)
    return float(max(hits.max(), (1.0 - hits).max()))


def first_step_reaching(path: DescentPath, accuracy: float) -> int | None:
    """The first step at which the path's training accuracy is at least ``accuracy`` (None if never)."""
    accuracy = check_in_range(accuracy, "accuracy", 0.0, 1.0)
    reached = np.flatnonzero(path.accuracy >= accuracy - 1e-12)
    return int(reached[0]) if reached.size else None


def feature_grid(x, *, n: int = 201, margin: float = 1.0) -> np.ndarray:
    """n evenly spaced feature values from min(x) − margin to max(x) + margin, to draw model curves."""
    x = as_float_array(x, "x")
    margin = check_nonnegative_scalar(margin, "margin")
    return np.linspace(x.min() - margin, x.max() + margin, _check_int(n, "n", 2, 10_000))


def fitted_probabilities(w, b, x) -> np.ndarray:
    """The model's curve p = σ(w·x + b) at the points ``x`` (any shape)."""
    return sigmoid(_check_real(w, "w") * as_float_array(x, "x") + _check_real(b, "b"))


def likelihood_check(*, sigma: float = 1.0, n: int = 6, n_classes: int = 3, seed: int = 0) -> LikelihoodCheck:
    """Each loss is a mean negative log-likelihood: computed both ways on a few seeded samples.

    Assumptions: independent samples, and the model outputs the distribution's parameter.

    * Bernoulli(p): −log[p^y·(1 − p)^(1 − y)] = BCE(p, y); scale 1, constant 0.
    * Categorical(softmax(z)): −log softmax(z)_y = cross_entropy(z, y); scale 1, constant 0.
    * Gaussian(mean p, fixed σ): −log N(y; p, σ²) = (y − p)²/(2σ²) + ½·log(2πσ²), so
      mean NLL = MSE/(2σ²) + ½·log(2πσ²); scale 1/(2σ²), constant ½·log(2πσ²).

    The NLLs come from ``scipy.stats`` (``bernoulli.logpmf``, ``multinomial.logpmf`` with one
    trial, ``norm.logpdf``), the losses from ``lossviz.losses`` (``bce`` with eps=0,
    ``cross_entropy``, ``mse``).

    Parameters
    ----------
    sigma : float
        The Gaussian's standard deviation, in [0.05, 100].
    n : int
        Number of samples, 1 to 50.
    n_classes : int
        Classes of the categorical example, 2 to 10.
    seed : int
        Seed of ``np.random.default_rng``.
    """
    sigma = check_in_range(sigma, "sigma", 0.05, 100.0)
    n = _check_int(n, "n", 1, 50)
    n_classes = _check_int(n_classes, "n_classes", 2, 10)
    rng = np.random.default_rng(_check_int(seed, "seed", 0, 2**63 - 1))
    p = rng.uniform(0.05, 0.95, n)
    y = (rng.uniform(size=n) < p).astype(float)
    logits = rng.normal(0.0, 2.0, (n, n_classes))
    classes = rng.integers(0, n_classes, n)
    one_hot = np.eye(n_classes)[classes]
    probs = special.softmax(logits, axis=-1)
    variance = sigma**2
    gaussian_constant = 0.5 * np.log(2.0 * np.pi * variance)
    entries = (
        ("Bernoulli(p)", "bce", -np.mean(stats.bernoulli.logpmf(y, p)), bce(p, y, eps=0.0), 1.0, 0.0),
        (
            "Categorical(softmax(z))",
            "cross_entropy",
            -np.mean(stats.multinomial.logpmf(one_hot, 1, probs)),
            cross_entropy(logits, classes),
            1.0,
            0.0,
        ),
        (
            f"Gaussian(mean p, σ = {sigma:g})",
            "mse",
            -np.mean(stats.norm.logpdf(y, loc=p, scale=sigma)),
            mse(p, y),
            1.0 / (2.0 * variance),
            gaussian_constant,
        ),
    )
    rows = tuple(
        LikelihoodRow(name, loss, float(nll), float(value), float(scale), float(const),
                      float(nll - (scale * value + const)))
        for name, loss, nll, value, scale, const in entries
    )
    return LikelihoodCheck(p, y, logits, classes, sigma, rows)


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _bce_curvature(z, y):
    """ℓ''(z) of BCE with logits: d/dz (σ(z) − y) = σ(z)·σ(−z)."""
    return special.expit(z) * special.expit(-z)


def _sigmoid_mse_curvature(z, y):
    """ℓ''(z) of (σ(z) − y)²: d/dz [2(p − y)·p(1 − p)] = 2·p(1 − p)·[p(1 − p) + (p − y)(1 − 2p)]."""
    p, q = special.expit(z), special.expit(-z)
    return 2.0 * p * q * (p * q + (p - y) * (q - p))


_FUNCTIONS: dict[str, tuple[Callable, Callable, Callable]] = {
    "bce": (bce_with_logits, bce_with_logits_grad, _bce_curvature),
    "mse": (sigmoid_mse, sigmoid_mse_grad, _sigmoid_mse_curvature),
}


# The per-step gradients of gradient_descent: the same kernels as bce_with_logits_grad and
# sigmoid_mse_grad with reduction="mean", bit for bit, without re-checking inputs that were checked
# once before the loop. The checks cost more than the arithmetic on a few dozen points, and a
# 1000-step path runs the loop 1000 times per loss (tests/test_landscape.py compares the two).
_STEP_GRADIENTS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "bce": lambda z, y: _bce_logits_derivative(z, y, None, None) / z.size,
    "mse": lambda z, y: _sigmoid_mse_derivative(z, y) / z.size,
}


def _loss_functions(loss) -> tuple[Callable, Callable]:
    if loss not in _FUNCTIONS:
        raise ValueError(f'loss must be "bce" or "mse"; got {loss!r}')
    return _FUNCTIONS[loss][:2]


def _curvature(loss) -> Callable:
    _loss_functions(loss)
    return _FUNCTIONS[loss][2]


def _grid_descent_ends(values: np.ndarray) -> np.ndarray:
    """For every grid point (flat index), the point where discrete steepest descent stops.

    Each point moves to its lowest 8-neighbour when that is strictly lower, so there are no
    cycles; pointer doubling follows the chains in O(log length) vectorised passes.
    """
    n_rows, n_cols = values.shape
    padded = np.pad(values, 1, constant_values=np.inf)
    index = np.arange(values.size).reshape(values.shape)
    padded_index = np.pad(index, 1, constant_values=-1)
    best, target = values.copy(), index.copy()
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                candidate = padded[1 + di : 1 + di + n_rows, 1 + dj : 1 + dj + n_cols]
                lower = candidate < best
                best = np.where(lower, candidate, best)
                target = np.where(lower, padded_index[1 + di : 1 + di + n_rows, 1 + dj : 1 + dj + n_cols], target)
    target = target.ravel()
    while True:
        following = target[target]
        if np.array_equal(following, target):
            return target
        target = following


def _is_separable(x, y) -> bool:
    neg, pos = x[y == 0], x[y == 1]
    if neg.size == 0 or pos.size == 0:
        return True
    return bool(neg.max() < pos.min() or pos.max() < neg.min())


def _check_data(x, y):
    x = as_float_array(x, "x")
    y = as_float_array(y, "y")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D (one feature per sample); got shape {x.shape}")
    if y.shape != x.shape:
        raise ValueError(f"y must have the same shape as x {x.shape}; got {y.shape}")
    if not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError("y must hold labels 0 or 1; got other values")
    return x, y


def _check_real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return float(value)


def _check_int(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer in [{low}, {high}]; got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}]; got {value}")
    return int(value)


def _check_range(bounds, name: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high); got {bounds!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be finite with low < high; got ({low:g}, {high:g})")
    return low, high

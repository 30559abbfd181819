"""The binary-head lessons: one sigmoid neuron vs two softmax neurons, and BCE's push to extremes.

Two logits enter a softmax only through their difference: softmax([z0, z1])₁ = σ(z1 − z0). The
functions here compute what the lessons "One sigmoid vs two softmax neurons" and "Why BCE pushes
logits to extremes" show, on top of ``lossviz.losses`` and the trainer ``lossviz.train``:

* ``head_point``: one pair of logits under both heads (probabilities, losses, gradients, and what
  adding the same constant to both logits changes);
* ``logit_plane``: P(class 1) over the (z0, z1) plane, constant along every diagonal;
* ``compare_heads``: a sigmoid head with BCE trained beside two-neuron softmax heads with CE,
  matched and not, and the redundant direction w0 + w1 that the loss cannot see
  (``sigmoid_runs``: its sigmoid-head runs alone, to reuse for any offset);
* ``training_run``, ``summarize_run``, ``reference_runs``, ``label_smoothing_bound``,
  ``decay_factor``: a toy training run and the numbers that say whether its weights and logits
  keep growing.

Convention: neuron 0 is the negative class (the seed thread's n), neuron 1 the positive class (its
p), as in ``lossviz.train`` and in torch's class indices: P(class 1) = softmax([z0, z1])₁.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields, replace

import numpy as np

from lossviz._validation import as_float_array, check_in_range, check_nonnegative_scalar
from lossviz.activations import sigmoid, softmax
from lossviz.data import make_dataset
from lossviz.losses import (
    bce_with_logits,
    bce_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
    sigmoid_focal_loss_grad,
    sigmoid_mse_grad,
)
from lossviz.metrics import (
    ReliabilityBins,
    expected_calibration_error,
    reliability_bins,
)
from lossviz.train import (
    Params,
    TrainConfig,
    Trajectory,
    init_params,
    loss_and_grad,
    matched_softmax,
    train,
    train_together,
)

__all__ = [
    "EXTREME_PROBABILITY",
    "HeadComparison",
    "HeadPoint",
    "LogitPlane",
    "ReferenceRow",
    "RunSummary",
    "SigmoidRuns",
    "TrainingRun",
    "compare_heads",
    "contour_segments",
    "decay_factor",
    "fraction_within",
    "head_point",
    "label_smoothing_bound",
    "logit_plane",
    "max_abs_logit",
    "plane_limit",
    "reference_runs",
    "sigmoid_runs",
    "smoothed_targets",
    "summarize_run",
    "surface_contours",
    "training_run",
]

EXTREME_PROBABILITY = 0.01
"""A probability below this or above 1 − this counts as "piled up at 0 or 1"."""

_GROWTH_TOLERANCE = 1e-3


# --------------------------------------------------------------------------------------------
# One pair of logits under both heads
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadPoint:
    """One pair of logits (z0, z1) read by a two-neuron softmax head and by a sigmoid head on z1 − z0.

    Attributes
    ----------
    logits : ndarray, shape (2,)
        (z0, z1).
    softmax : ndarray, shape (2,)
        softmax([z0, z1]) = (P(class 0), P(class 1)).
    sigmoid : float
        σ(z1 − z0), the single neuron's P(class 1).
    difference : float
        softmax₁ − σ(z1 − z0): zero up to float64 rounding.
    shift : float
        The constant c added to both logits.
    shifted_softmax : ndarray, shape (2,)
        softmax([z0 + c, z1 + c]).
    shift_change : float
        max |softmax([z0 + c, z1 + c]) − softmax([z0, z1])|.
    label : int
        The true class y (0 or 1).
    bce : float
        bce_with_logits(z1 − z0, y): the sigmoid head's loss.
    ce : float
        cross_entropy([z0, z1], y): the softmax head's loss.
    grad_sigmoid : float
        ∂BCE/∂(z1 − z0) = σ(z1 − z0) − y.
    grad_softmax : ndarray, shape (2,)
        (∂CE/∂z0, ∂CE/∂z1) = softmax − onehot(y).
    """

    logits: np.ndarray
    softmax: np.ndarray
    sigmoid: float
    difference: float
    shift: float
    shifted_softmax: np.ndarray
    shift_change: float
    label: int
    bce: float
    ce: float
    grad_sigmoid: float
    grad_softmax: np.ndarray

    @property
    def shifted_logits(self) -> np.ndarray:
        """(z0 + c, z1 + c)."""
        return self.logits + self.shift

    @property
    def logit_difference(self) -> float:
        """d = z1 − z0, the only thing either head's prediction depends on."""
        return float(self.logits[1] - self.logits[0])

    @property
    def grad_sum(self) -> float:
        """∂CE/∂z0 + ∂CE/∂z1: zero (up to rounding), so no step moves both logits the same way."""
        return float(self.grad_softmax.sum())

    @property
    def grad_gap(self) -> float:
        """∂CE/∂z1 − ∂BCE/∂(z1 − z0): the positive neuron gets exactly the sigmoid head's gradient."""
        return float(self.grad_softmax[1] - self.grad_sigmoid)


def head_point(z0, z1, y: int = 1, *, shift: float = 0.0) -> HeadPoint:
    """Both heads at one pair of logits, and the effect of shifting both logits by ``shift``.

    softmax([z0, z1])₁ = e^z1 / (e^z0 + e^z1) = 1 / (1 + e^−(z1 − z0)) = σ(z1 − z0), so a softmax
    over two neurons is a sigmoid of their difference, and adding c to both logits changes nothing.
    With d = z1 − z0: BCE(d, y) = −[y·log σ(d) + (1 − y)·log σ(−d)] = CE([z0, z1], y), and
    ∂CE/∂z1 = σ(d) − y = ∂BCE/∂d = −∂CE/∂z0.

    Parameters
    ----------
    z0, z1 : float
        The negative-class and positive-class logits.
    y : int
        The true class, 0 or 1.
    shift : float
        The constant c added to both logits.

    Returns
    -------
    HeadPoint

    Examples
    --------
    >>> point = head_point(1.0, 3.0, 1, shift=5.0)
    >>> round(point.sigmoid, 6), point.shift_change < 1e-15, abs(point.grad_sum) < 1e-15
    (0.880797, True, True)
    """
    z0 = _scalar(z0, "z0")
    z1 = _scalar(z1, "z1")
    shift = _scalar(shift, "shift")
    if isinstance(y, bool) or not isinstance(y, numbers.Integral) or y not in (0, 1):
        raise ValueError(f"y must be the class 0 or 1; got {y!r}")
    logits = np.array([z0, z1])
    probabilities = softmax(logits)
    d = np.array([z1 - z0])
    p_sigmoid = float(sigmoid(d)[0])
    shifted = softmax(logits + shift)
    return HeadPoint(
        logits=logits,
        softmax=probabilities,
        sigmoid=p_sigmoid,
        difference=float(probabilities[1] - p_sigmoid),
        shift=shift,
        shifted_softmax=shifted,
        shift_change=float(np.max(np.abs(shifted - probabilities))),
        label=int(y),
        bce=float(bce_with_logits(d, [float(y)])),
        ce=float(cross_entropy(logits[None, :], [y])),
        grad_sigmoid=float(bce_with_logits_grad(d, [float(y)])[0]),
        grad_softmax=cross_entropy_grad(logits[None, :], [y])[0],
    )


# --------------------------------------------------------------------------------------------
# The (z0, z1) plane
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogitPlane:
    """P(class 1) = softmax([z0, z1])₁ on a square grid of the (z0, z1) plane.

    ``prob[i, j]`` is at (z0[j], z1[i]): z0 along the x axis, z1 along the y axis, the row-major
    layout of a Plotly heatmap's ``z``.
    """

    z0: np.ndarray
    z1: np.ndarray
    prob: np.ndarray

    @property
    def uncertain_fraction(self) -> float:
        """Fraction of the grid where 0.01 < P < 0.99: the band around the diagonal."""
        return 1.0 - _extreme_fraction(self.prob)


def logit_plane(limit: float = 12.0, n_points: int = 121) -> LogitPlane:
    """softmax([z0, z1])₁ on [−limit, limit]², computed with the softmax (not with σ(z1 − z0)).

    Every diagonal z1 − z0 = d carries the single value σ(d): the contour lines are parallel to
    the diagonal z1 = z0 (where P = 1/2), because only the difference of the logits matters.

    Parameters
    ----------
    limit : float, > 0
        Half-width of the plotted square.
    n_points : int, >= 2
        Grid points per axis.

    Examples
    --------
    >>> plane = logit_plane(2.0, 5)
    >>> float(plane.prob[0, 0]), float(plane.prob[4, 4])  # two points on the diagonal z1 = z0
    (0.5, 0.5)
    """
    if isinstance(limit, bool) or not isinstance(limit, numbers.Real) or not 0 < limit < np.inf:
        raise ValueError(f"limit must be a finite number > 0; got {limit!r}")
    if isinstance(n_points, bool) or not isinstance(n_points, numbers.Integral) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2; got {n_points!r}")
    axis = np.linspace(-float(limit), float(limit), int(n_points))
    grid = np.stack(np.broadcast_arrays(axis[None, :], axis[:, None]), axis=-1)
    return LogitPlane(z0=axis, z1=axis.copy(), prob=softmax(grid, axis=-1)[..., 1])


def plane_limit(points, *, minimum: float = 12.0, step: float = 4.0) -> float:
    """The half-width of a (z0, z1) square that holds every point: a multiple of ``step``, >= minimum.

    Examples
    --------
    >>> plane_limit([[1.0, -13.2], [0.5, 2.0]])
    16.0
    """
    values = as_float_array(points, "points")
    minimum = check_nonnegative_scalar(minimum, "minimum")
    step = check_nonnegative_scalar(step, "step")
    if step == 0:
        raise ValueError("step must be > 0; got 0")
    return float(max(minimum, step * math.ceil(float(np.max(np.abs(values))) / step)))


# --------------------------------------------------------------------------------------------
# Training both heads side by side
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadComparison:
    """A sigmoid head with BCE and two-neuron softmax heads with CE, trained on the same data.

    Runs: ``sigmoid`` (the reference), ``matched`` (``lossviz.train.matched_softmax``: head
    learning rate halved, head weight decay doubled), ``same_lr`` (the same learning rate and weight
    decay as the sigmoid head). Both softmax heads start from the same weights: the sigmoid head's
    w split as (w0, w1) = (−w/2, w/2), plus ``offset`` added to every weight of both neurons.

    Attributes
    ----------
    epochs : ndarray, shape (R,)
        The recorded epochs.
    matched_gap, same_lr_gap : ndarray, shape (R,)
        max over samples of |P_sigmoid(class 1) − P_softmax(class 1)| at each recorded epoch.
    matched_logit_gap, same_lr_logit_gap : ndarray, shape (R,)
        max over samples of |z_sigmoid − (z1 − z0)|.
    double_lr_gap : ndarray, shape (R,), or None
        Logistic model with ``double_lr`` only: max |P_same_lr − P| of a sigmoid head trained
        with learning rate 2·lr and weight decay λ/2 (the same-lr softmax head's logit
        difference follows exactly that run).
    sigmoid_extreme, same_lr_extreme : float
        Fraction of final probabilities below 0.01 or above 0.99 for each head.
    sigmoid_max_logit, same_lr_max_logit : float
        max |z| (sigmoid) and max |z1 − z0| (same lr) at the last epoch.
    head_parameters : tuple of int
        Parameters in the output layer: (sigmoid, softmax) = (m + 1, 2·(m + 1)).
    redundant_start : float
        ‖w0 + w1‖ of the softmax heads' output weights at epoch 0.
    redundant_end_matched, redundant_end_same_lr : float
        ‖w0 + w1‖ after the last epoch.
    redundant_expected_end : float
        redundant_start · |1 − lr·λ|^epochs: what weight decay alone does to w0 + w1 (the per-step
        factor is 1 − lr·λ for both softmax heads, since (lr/2)·(2λ) = lr·λ).
    redundant_grad : float
        max |∂L/∂w0 + ∂L/∂w1| of the loss alone (no decay) at the matched head's final weights: the
        loss's gradient along the redundant direction, zero up to rounding.
    final_raw_logits : ndarray, shape (n, 2)
        The matched head's (z0, z1) for every training sample after the last epoch.
    y : ndarray, shape (n,)
        The training labels.
    matched_head_lr, matched_head_weight_decay : float
        The matched softmax head's learning rate (lr/2) and weight decay (2λ).
    """

    epochs: np.ndarray
    matched_gap: np.ndarray
    same_lr_gap: np.ndarray
    matched_logit_gap: np.ndarray
    same_lr_logit_gap: np.ndarray
    double_lr_gap: np.ndarray | None
    sigmoid_extreme: float
    same_lr_extreme: float
    sigmoid_max_logit: float
    same_lr_max_logit: float
    head_parameters: tuple[int, int]
    redundant_start: float
    redundant_end_matched: float
    redundant_end_same_lr: float
    redundant_expected_end: float
    redundant_grad: float
    final_raw_logits: np.ndarray
    y: np.ndarray
    matched_head_lr: float
    matched_head_weight_decay: float

    @property
    def matched_max(self) -> float:
        """The largest matched gap over all recorded epochs."""
        return float(np.max(self.matched_gap))

    @property
    def matched_identical(self) -> bool:
        """True when the matched heads agree to 1e-12 at every recorded epoch (float64 rounding).

        Exact arithmetic makes them identical; at very large learning rates gradient descent is
        chaotic and the 1e-16 rounding differences grow geometrically, so this can be False.
        """
        return self.matched_max <= 1e-12

    @property
    def matched_divergence_epoch(self) -> int | None:
        """The first recorded epoch at which the matched heads' predictions differ by more than 1e-12."""
        over = np.flatnonzero(self.matched_gap > 1e-12)
        return int(self.epochs[over[0]]) if over.size else None

    @property
    def same_lr_max(self) -> float:
        """The largest same-learning-rate gap over all recorded epochs."""
        return float(np.max(self.same_lr_gap))

    @property
    def same_lr_max_epoch(self) -> int:
        """The recorded epoch at which the same-learning-rate gap is largest."""
        return int(self.epochs[int(np.argmax(self.same_lr_gap))])

    @property
    def double_lr_max(self) -> float | None:
        """The largest gap between the same-lr softmax head and the 2·lr sigmoid head (logistic only)."""
        return None if self.double_lr_gap is None else float(np.max(self.double_lr_gap))

    @property
    def negative_logit_range(self) -> tuple[float, float]:
        """(min, max) over the samples of the matched head's negative-neuron logit z0, last epoch."""
        z0 = self.final_raw_logits[:, 0]
        return float(z0.min()), float(z0.max())


@dataclass(frozen=True)
class SigmoidRuns:
    """The sigmoid-head runs of a ``compare_heads`` comparison, which ``offset`` does not change.

    Attributes
    ----------
    sigmoid : Trajectory
        The sigmoid head with BCE (the reference every softmax head is compared with).
    double_lr : Trajectory or None
        The logistic model's sigmoid head at learning rate 2·lr and weight decay λ/2, or None.
    """

    sigmoid: Trajectory
    double_lr: Trajectory | None


def sigmoid_runs(
    kind: str = "separable",
    *,
    model: str = "logistic",
    lr: float = 0.5,
    epochs: int = 500,
    weight_decay: float = 0.0,
    label_smoothing: float = 0.0,
    hidden: int = 16,
    n: int = 200,
    seed: int = 0,
    max_records: int = 200,
    double_lr: bool = True,
) -> SigmoidRuns:
    """Train the sigmoid head(s) ``compare_heads`` compares with; the arguments are the same.

    ``compare_heads(..., sigmoid=sigmoid_runs(...))`` gives the same comparison as
    ``compare_heads(...)`` alone, for any ``offset``: a page that lets the offset change keeps these
    runs and trains only the two softmax heads again (two of the four runs instead of four).
    """
    data = make_dataset(kind, n, seed=seed)
    config = _comparison_config(model, lr, epochs, weight_decay, label_smoothing, hidden, seed)
    params = init_params(config, data.X.shape[1])
    every = _record_every(config.epochs, max_records)
    return _train_sigmoid_runs(data, config, params, every, double_lr and config.model == "logistic")


def _train_sigmoid_runs(data, config: TrainConfig, params: Params, every: int, with_double: bool) -> SigmoidRuns:
    if not with_double:
        return SigmoidRuns(train(data.X, data.y, config, init=params, record_every=every, grid_size=0), None)
    double_config = replace(config, lr=2 * config.lr, weight_decay=config.weight_decay / 2)
    sigmoid, double = train_together(
        data.X, data.y, [config, double_config], inits=[params, params], record_every=every
    )
    return SigmoidRuns(sigmoid=sigmoid, double_lr=double)


def _comparison_config(model, lr, epochs, weight_decay, label_smoothing, hidden, seed) -> TrainConfig:
    """The sigmoid head's configuration in a comparison: BCE, the given model and optimiser."""
    return TrainConfig(
        model=model,
        head="sigmoid",
        loss="bce",
        hidden=hidden,
        lr=lr,
        weight_decay=weight_decay,
        label_smoothing=label_smoothing,
        epochs=epochs,
        seed=seed,
    )


def compare_heads(
    kind: str = "separable",
    *,
    model: str = "logistic",
    lr: float = 0.5,
    epochs: int = 500,
    weight_decay: float = 0.0,
    label_smoothing: float = 0.0,
    offset: float = 0.0,
    hidden: int = 16,
    n: int = 200,
    seed: int = 0,
    max_records: int = 200,
    double_lr: bool = True,
    sigmoid: SigmoidRuns | None = None,
) -> HeadComparison:
    """Train a sigmoid head and two softmax heads on ``make_dataset(kind, n, seed=seed)``.

    Parameters
    ----------
    kind : str
        A name from ``lossviz.data.DATASET_KINDS``.
    model : {"logistic", "mlp"}
    lr : float, > 0
        The sigmoid head's learning rate (and the whole MLP's).
    epochs : int, >= 1
    weight_decay : float, >= 0
    label_smoothing : float in [0, 1]
        BCE target y·(1 − ls) + ls/2; CE with torch's label smoothing (the same loss of z1 − z0).
    offset : float
        Added to every output weight of both softmax neurons at epoch 0: w0 + w1 starts at
        2·offset·(1, …, 1) instead of 0, so the negative neuron's logit z0 is far from 0, while
        w1 − w0 (and so every prediction) is unchanged.
    hidden : int
        Hidden units of the MLP.
    n, seed : int
        Data set size and seed (the seed also draws the MLP's initial weights).
    max_records : int, >= 1
        At most about this many recorded epochs.
    double_lr : bool
        Also train the logistic model's sigmoid head at 2·lr and λ/2 (``double_lr_gap``); False
        skips that run (``double_lr_gap`` is then None).
    sigmoid : SigmoidRuns, optional
        The sigmoid runs of this same comparison (``sigmoid_runs`` with the same arguments, or a
        ``training_run`` trajectory of BCE with ``frames = max_records`` and no ``double_lr``),
        used instead of training them again. A ``ValueError`` says when they belong to other
        settings.

    Returns
    -------
    HeadComparison

    Notes
    -----
    With g = ∂L/∂(z1 − z0) per sample, CE gives ∂L/∂z1 = g and ∂L/∂z0 = −g, so the output weights'
    gradients satisfy ∂L/∂w0 + ∂L/∂w1 = hᵀ(−g + g) = 0: the loss never moves w0 + w1, and weight
    decay multiplies it by (1 − lr·λ) per step. Its difference w1 − w0 moves with 2·hᵀg, twice the
    sigmoid head's step at the same learning rate (see ``lossviz.train.matched_softmax``).
    """
    data = make_dataset(kind, n, seed=seed)
    config = _comparison_config(model, lr, epochs, weight_decay, label_smoothing, hidden, seed)
    offset = _scalar(offset, "offset")
    every = _record_every(config.epochs, max_records)
    params = init_params(config, data.X.shape[1])
    matched_config, split = matched_softmax(config, params)
    split = replace(split, head_weight=split.head_weight + offset)
    same_config = replace(config, head="softmax", loss="ce")
    wants_double = double_lr and config.model == "logistic"
    if sigmoid is None:
        sigmoid = _train_sigmoid_runs(data, config, params, every, wants_double)
    else:
        _check_sigmoid_runs(sigmoid, config, every, wants_double)

    sigmoid_run = sigmoid.sigmoid
    # The two softmax heads in one loop (0.7 – 0.8 of two loops' time): the same runs, bit for bit.
    matched_run, same_run = train_together(
        data.X, data.y, [matched_config, same_config], inits=[split, split], record_every=every
    )
    double_gap = _gap(sigmoid.double_lr.probs, same_run.probs) if wants_double else None

    _, grads = loss_and_grad(matched_run.final_params, data.X, data.y, replace(matched_config, head_weight_decay=0.0))
    m = params.head_weight.shape[0]
    return HeadComparison(
        epochs=sigmoid_run.epochs,
        matched_gap=_gap(sigmoid_run.probs, matched_run.probs),
        same_lr_gap=_gap(sigmoid_run.probs, same_run.probs),
        matched_logit_gap=_gap(sigmoid_run.logits, matched_run.logits),
        same_lr_logit_gap=_gap(sigmoid_run.logits, same_run.logits),
        double_lr_gap=double_gap,
        sigmoid_extreme=_extreme_fraction(sigmoid_run.probs[-1]),
        same_lr_extreme=_extreme_fraction(same_run.probs[-1]),
        sigmoid_max_logit=float(np.max(np.abs(sigmoid_run.logits[-1]))),
        same_lr_max_logit=float(np.max(np.abs(same_run.logits[-1]))),
        head_parameters=(m + 1, 2 * (m + 1)),
        redundant_start=_redundant_norm(split),
        redundant_end_matched=_redundant_norm(matched_run.final_params),
        redundant_end_same_lr=_redundant_norm(same_run.final_params),
        redundant_expected_end=_shrink(_redundant_norm(split), config.lr * config.weight_decay, epochs),
        redundant_grad=float(np.max(np.abs(grads.head_weight.sum(axis=1)))),
        final_raw_logits=np.array(matched_run.raw_logits[-1]),
        y=np.array(data.y),
        matched_head_lr=float(matched_config.head_lr),
        matched_head_weight_decay=float(matched_config.head_weight_decay),
    )


def _check_sigmoid_runs(runs, config: TrainConfig, every: int, wants_double: bool) -> None:
    if not isinstance(runs, SigmoidRuns):
        raise ValueError(f"sigmoid must be a SigmoidRuns (from sigmoid_runs) or None; got {type(runs).__name__}")
    recorded = np.unique(np.r_[np.arange(0, config.epochs + 1, every), config.epochs])
    got = runs.sigmoid.config
    if got != config:
        differ = [f.name for f in fields(config) if getattr(got, f.name) != getattr(config, f.name)]
        raise ValueError(
            "sigmoid must be the runs of these settings; got "
            + ", ".join(f"{name}={getattr(got, name)!r}" for name in differ)
            + ", expected "
            + ", ".join(f"{name}={getattr(config, name)!r}" for name in differ)
        )
    if not np.array_equal(runs.sigmoid.epochs, recorded):
        raise ValueError(
            f"sigmoid must record the {recorded.size} epochs this comparison records (one every {every} of "
            f"{config.epochs}); got {runs.sigmoid.epochs.size} records"
        )
    if wants_double and runs.double_lr is None:
        raise ValueError("sigmoid must include the 2·lr run (double_lr=True, logistic model); got double_lr=None")


# --------------------------------------------------------------------------------------------
# One training run and the numbers that describe it
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingRun:
    """A toy data set and one trajectory of the trainer on it (``trajectory`` holds the surface)."""

    X: np.ndarray
    y: np.ndarray
    bayes_error: float
    trajectory: Trajectory


def training_run(
    kind: str = "separable",
    *,
    model: str = "logistic",
    loss: str = "bce",
    lr: float = 0.5,
    epochs: int = 500,
    weight_decay: float = 0.0,
    label_smoothing: float = 0.0,
    hidden: int = 16,
    frames: int = 50,
    grid_size: int = 40,
    n: int = 200,
    seed: int = 0,
) -> TrainingRun:
    """Train a sigmoid head on ``make_dataset(kind, n, seed=seed)``, recording about ``frames`` epochs.

    Parameters
    ----------
    kind : str
        A name from ``lossviz.data.DATASET_KINDS``.
    model : {"logistic", "mlp"}
    loss : {"bce", "mse", "focal"}
        BCE with logits, squared error through the sigmoid, or torchvision's focal loss (α = 0.25,
        γ = 2).
    lr, epochs, weight_decay, label_smoothing, hidden :
        As ``lossviz.train.TrainConfig``.
    frames : int, >= 1
        Epoch 0, then every ⌈epochs / frames⌉-th epoch and the last: at most frames + 2 records.
    grid_size : int, 0 or >= 2
        Decision-surface resolution (grid_size × grid_size).
    n, seed : int
        Data set size and seed.

    Returns
    -------
    TrainingRun

    Examples
    --------
    >>> run = training_run(epochs=100, frames=10, grid_size=0)
    >>> run.trajectory.epochs.tolist()
    [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    """
    data = make_dataset(kind, n, seed=seed)
    config = TrainConfig(
        model=model,
        head="sigmoid",
        loss=loss,
        hidden=hidden,
        lr=lr,
        weight_decay=weight_decay,
        label_smoothing=label_smoothing,
        epochs=epochs,
        seed=seed,
    )
    trajectory = train(
        data.X,
        data.y,
        config,
        record_every=_record_every(config.epochs, frames),
        grid_size=grid_size,
    )
    return TrainingRun(X=data.X, y=data.y, bayes_error=data.bayes_error, trajectory=trajectory)


@dataclass(frozen=True)
class RunSummary:
    """What a trajectory did to the weights, the logits and the probabilities.

    Attributes
    ----------
    first_epoch, last_epoch, late_epoch : int
        Epoch 0, the last epoch, and the recorded epoch nearest to 3/4 of the run (before the last).
    weight_norm_start, weight_norm_late, weight_norm_end : float
        ‖W‖ (biases excluded) at those epochs.
    late_growth : float
        weight_norm_end / weight_norm_late − 1: the growth over the last quarter (inf when the
        norm grew from exactly 0, 0 when it stayed 0).
    still_growing : bool
        late_growth > 1e-3 (0.1 % over the last quarter of training).
    settled : bool
        |late_growth| <= 1e-3: neither growing nor shrinking over the last quarter.
    max_gradient_end : float
        max over the samples of |∂ℓᵢ/∂zᵢ| at the last epoch, for the run's own loss and (smoothed)
        targets. Below about 1e-12 the probabilities have rounded to 0 or 1 in float64 and training
        has stalled, whatever the loss's true infimum.
    max_logit_start, max_logit_late, max_logit_end : float
        max |z| over the training samples.
    median_logit_end : float
        median |z| at the last epoch.
    extreme_start, extreme_end : float
        Fraction of probabilities below 0.01 or above 0.99.
    loss_start, loss_end : float
        Mean training loss.
    accuracy_end : float
        Training accuracy (z > 0 predicts class 1).
    errors_end : int
        Misclassified training samples at the last epoch.
    ece : float
        Expected calibration error at the last epoch (10 equal-width bins).
    bins : ReliabilityBins
        The reliability-diagram bins at the last epoch.
    """

    first_epoch: int
    late_epoch: int
    last_epoch: int
    weight_norm_start: float
    weight_norm_late: float
    weight_norm_end: float
    late_growth: float
    still_growing: bool
    settled: bool
    max_gradient_end: float
    max_logit_start: float
    max_logit_late: float
    max_logit_end: float
    median_logit_end: float
    extreme_start: float
    extreme_end: float
    loss_start: float
    loss_end: float
    accuracy_end: float
    errors_end: int
    ece: float
    bins: ReliabilityBins


def summarize_run(trajectory: Trajectory, y) -> RunSummary:
    """The growth of ‖W‖ and |z|, the pile-up of probabilities, and calibration, for one run.

    Parameters
    ----------
    trajectory : Trajectory
        A run of ``lossviz.train.train``.
    y : array_like, shape (n,)
        Its training labels (0 or 1).

    Returns
    -------
    RunSummary
    """
    if not isinstance(trajectory, Trajectory):
        raise ValueError(f"trajectory must be a Trajectory; got {type(trajectory).__name__}")
    y = as_float_array(y, "y")
    if y.shape != trajectory.probs.shape[1:]:
        raise ValueError(f"y must have shape {trajectory.probs.shape[1:]}, one label per sample; got {y.shape}")
    epochs = trajectory.epochs
    # The recorded epoch nearest to 3/4 of the run, but never the last one itself.
    late = min(int(np.argmin(np.abs(epochs - 0.75 * epochs[-1]))), epochs.size - 2)
    norms = trajectory.weight_norm
    if norms[late] > 0:
        growth = float(norms[-1] / norms[late] - 1.0)
    else:
        growth = math.inf if norms[-1] > 0 else 0.0
    max_logit = max_abs_logit(trajectory)
    final_probs = trajectory.probs[-1]
    errors = round((1.0 - float(trajectory.accuracy[-1])) * y.size)
    return RunSummary(
        first_epoch=int(epochs[0]),
        late_epoch=int(epochs[late]),
        last_epoch=int(epochs[-1]),
        weight_norm_start=float(norms[0]),
        weight_norm_late=float(norms[late]),
        weight_norm_end=float(norms[-1]),
        late_growth=growth,
        still_growing=growth > _GROWTH_TOLERANCE,
        settled=abs(growth) <= _GROWTH_TOLERANCE,
        max_gradient_end=_max_sample_gradient(trajectory, y),
        max_logit_start=float(max_logit[0]),
        max_logit_late=float(max_logit[late]),
        max_logit_end=float(max_logit[-1]),
        median_logit_end=float(np.median(np.abs(trajectory.logits[-1]))),
        extreme_start=_extreme_fraction(trajectory.probs[0]),
        extreme_end=_extreme_fraction(final_probs),
        loss_start=float(trajectory.loss[0]),
        loss_end=float(trajectory.loss[-1]),
        accuracy_end=float(trajectory.accuracy[-1]),
        errors_end=errors,
        ece=expected_calibration_error(final_probs, y),
        bins=reliability_bins(final_probs, y),
    )


@dataclass(frozen=True)
class ReferenceRow:
    """One reference run: what it is, and its weight norm and logits at 1/10, 1/2 and all epochs."""

    label: str
    kind: str
    loss: str
    weight_decay: float
    label_smoothing: float
    epochs: tuple[int, int, int]
    weight_norm: tuple[float, float, float]
    max_logit: tuple[float, float, float]
    extreme: float

    @property
    def growth_ratio(self) -> float:
        """‖W‖ at the last epoch over ‖W‖ at a tenth of the epochs (inf if the latter is 0)."""
        first, _, last = self.weight_norm
        return last / first if first > 0 else math.inf


def reference_runs(
    *, model: str = "logistic", lr: float = 0.5, epochs: int = 2000, seed: int = 0
) -> tuple[ReferenceRow, ...]:
    """The same model on the lesson's six contrasting set-ups, recorded at E/10, E/2 and E.

    The rows: BCE on "separable"; BCE on "overlapping"; squared error through the sigmoid on
    "separable"; BCE with label smoothing 0.1 on "separable"; BCE with weight decay 0.01 on
    "separable"; focal loss (α = 0.25, γ = 2) on "separable". 200 samples each.

    Parameters
    ----------
    model : {"logistic", "mlp"}
    lr : float, > 0
    epochs : int, divisible by 10
    seed : int

    Returns
    -------
    tuple of ReferenceRow
    """
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 10 or epochs % 10:
        raise ValueError(f"epochs must be a positive multiple of 10; got {epochs!r}")
    setups = (
        ("BCE, separable", "separable", "bce", 0.0, 0.0),
        ("BCE, overlapping", "overlapping", "bce", 0.0, 0.0),
        ("MSE through σ, separable", "separable", "mse", 0.0, 0.0),
        ("BCE + label smoothing 0.1, separable", "separable", "bce", 0.0, 0.1),
        ("BCE + weight decay 0.01, separable", "separable", "bce", 0.01, 0.0),
        ("focal loss, separable", "separable", "focal", 0.0, 0.0),
    )
    rows = []
    for label, kind, loss, decay, smoothing in setups:
        run = training_run(
            kind,
            model=model,
            loss=loss,
            lr=lr,
            epochs=int(epochs),
            weight_decay=decay,
            label_smoothing=smoothing,
            frames=10,
            grid_size=0,
            seed=seed,
        ).trajectory
        picks = [int(np.flatnonzero(run.epochs == e)[0]) for e in (epochs // 10, epochs // 2, epochs)]
        max_logit = np.max(np.abs(run.logits), axis=1)
        rows.append(
            ReferenceRow(
                label=label,
                kind=kind,
                loss=loss,
                weight_decay=decay,
                label_smoothing=smoothing,
                epochs=tuple(int(run.epochs[i]) for i in picks),
                weight_norm=tuple(float(run.weight_norm[i]) for i in picks),
                max_logit=tuple(float(max_logit[i]) for i in picks),
                extreme=_extreme_fraction(run.probs[-1]),
            )
        )
    return tuple(rows)


def label_smoothing_bound(label_smoothing: float) -> float:
    """The logit that minimises smoothed BCE for one sample: z* = log((1 − ls/2) / (ls/2)).

    With label smoothing ls the targets become 1 − ls/2 and ls/2, and BCE with target t is
    minimised where σ(z) = t, i.e. z = log(t / (1 − t)): ±z* for the two classes. Without
    smoothing (ls = 0) there is no finite minimiser and the bound is inf.

    Examples
    --------
    >>> round(label_smoothing_bound(0.1), 6)  # log(19)
    2.944439
    """
    ls = check_in_range(label_smoothing, "label_smoothing", 0.0, 1.0)
    if ls == 0.0:
        return math.inf
    return math.log((1.0 - ls / 2.0) / (ls / 2.0))


def contour_segments(x, y, values, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The line(s) where a gridded field crosses ``level`` (marching squares), ready to plot.

    Parameters
    ----------
    x : array_like, shape (nx,)
        Increasing grid coordinates along the columns.
    y : array_like, shape (ny,)
        Increasing grid coordinates along the rows.
    values : array_like, shape (ny, nx)
        The field; ``values[i, j]`` is at (x[j], y[i]) (a decision surface from ``train``).
    level : float
        The level, e.g. 0.5 for the decision boundary P(class 1) = 0.5.

    Returns
    -------
    (xs, ys) : ndarrays of equal length 3·S
        S straight segments, each as (start, end, NaN): the NaN breaks the line between segments,
        as Plotly draws it. Empty when the field never crosses the level.

    Notes
    -----
    Each grid edge whose end values lie on both sides of the level (one > level, the other not) is
    crossed at the linearly interpolated point. A cell crossed on two edges gets one segment
    between them; a cell crossed on all four (a saddle) gets two, paired by the mean of its four
    corners, the usual way to resolve the ambiguity.

    Examples
    --------
    >>> xs, ys = contour_segments([0.0, 1.0], [0.0, 1.0], [[0.0, 1.0], [1.0, 2.0]], 0.5)
    >>> xs.tolist()[:2], ys.tolist()[:2]
    ([0.5, 0.0], [0.0, 0.5])
    """
    x = as_float_array(x, "x")
    y = as_float_array(y, "y")
    v = as_float_array(values, "values")
    if x.ndim != 1 or y.ndim != 1 or v.shape != (y.size, x.size) or x.size < 2 or y.size < 2:
        raise ValueError(
            f"values must have shape (len(y), len(x)) with at least 2 points per axis; got values "
            f"{v.shape}, x {x.shape}, y {y.shape}"
        )
    level = _scalar(level, "level")
    return _marching_squares(x, y, v[None], np.array([level]))[0][0]


def surface_contours(grid_x, grid_y, surface, levels=(0.5,)) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """``contour_segments`` of every frame of a decision surface, at every level.

    Parameters
    ----------
    grid_x, grid_y : array_like
        The grid axes of a ``Trajectory``.
    surface : array_like, shape (R, ny, nx)
        P(class 1) on the grid per recorded epoch.
    levels : sequence of float
        Probability levels, e.g. (0.5, 0.1, 0.9).

    Returns
    -------
    list of R lists of (xs, ys)
        ``result[r][k]`` is the level-``levels[k]`` line of frame r: the same arrays, bit for bit,
        as ``contour_segments(grid_x, grid_y, surface[r], levels[k])``, computed for all frames
        and levels at once (one pass of array operations instead of R × K small ones).
    """
    stack = as_float_array(surface, "surface")
    if stack.ndim != 3:
        raise ValueError(f"surface must have shape (frames, ny, nx); got {stack.shape}")
    x = as_float_array(grid_x, "grid_x")
    y = as_float_array(grid_y, "grid_y")
    if x.ndim != 1 or y.ndim != 1 or stack.shape[1:] != (y.size, x.size) or x.size < 2 or y.size < 2:
        raise ValueError(
            f"surface must have shape (frames, len(grid_y), len(grid_x)) with at least 2 points per axis; "
            f"got surface {stack.shape}, grid_x {x.shape}, grid_y {y.shape}"
        )
    level_values = np.array([_scalar(level, "levels") for level in levels], dtype=float)
    return _marching_squares(x, y, stack, level_values)


def _marching_squares(x, y, stack, levels) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """Contour segments of every field of ``stack`` (F, ny, nx) at every level (K,): F lists of K.

    The fields and levels are broadcast to F·K planes and every step below runs once over all of
    them; each plane's segments come out in the order a single plane's would (cells crossed twice
    in row-major order, then the saddles' first and second segments), so the result does not
    depend on how many planes were computed together.
    """
    n_fields, n_levels = stack.shape[0], levels.size
    v = np.broadcast_to(stack[:, None], (n_fields, n_levels, *stack.shape[1:])).reshape(-1, *stack.shape[1:])
    level = np.tile(levels, n_fields)
    above = v > level[:, None, None]
    # Per cell, its edges in the order bottom, right, top, left: crossed when the edge's two end
    # values lie on both sides of the level. Only the few crossed cells get coordinates.
    h_cross = above[:, :, :-1] != above[:, :, 1:]
    v_cross = above[:, :-1, :] != above[:, 1:, :]
    edges = (h_cross[:, :-1], v_cross[:, :, 1:], h_cross[:, 1:], v_cross[:, :, :-1])
    count = edges[0].view(np.uint8) + edges[1].view(np.uint8) + edges[2].view(np.uint8) + edges[3].view(np.uint8)
    plane, row, col = np.nonzero((count == 2) | (count == 4))
    crossed = np.stack([edge[plane, row, col] for edge in edges], axis=-1)
    lev = level[plane]
    corner = [v[plane, row, col], v[plane, row, col + 1], v[plane, row + 1, col + 1], v[plane, row + 1, col]]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Linear interpolation along each edge from its first end (left or bottom); the fractions
        # of uncrossed edges (0/0, x/0, or overflowing) are masked out.
        bottom = (lev - corner[0]) / (corner[1] - corner[0])
        right = (lev - corner[1]) / (corner[2] - corner[1])
        top = (lev - corner[3]) / (corner[2] - corner[3])
        left = (lev - corner[0]) / (corner[3] - corner[0])
    dx, dy = np.diff(x), np.diff(y)
    px = np.stack(
        [
            x[col] + np.where(crossed[:, 0], bottom, 0.0) * dx[col],
            x[col + 1],
            x[col] + np.where(crossed[:, 2], top, 0.0) * dx[col],
            x[col],
        ],
        axis=-1,
    )
    py = np.stack(
        [
            y[row],
            y[row] + np.where(crossed[:, 1], right, 0.0) * dy[row],
            y[row + 1],
            y[row] + np.where(crossed[:, 3], left, 0.0) * dy[row],
        ],
        axis=-1,
    )
    n_crossed = crossed.sum(axis=-1)
    groups = []  # (plane of each segment, crossing points x and y, first and second edge), in output order
    two = n_crossed == 2
    if np.any(two):
        flags = crossed[two]
        first = np.argmax(flags, axis=1)
        second = 3 - np.argmax(flags[:, ::-1], axis=1)
        groups.append((plane[two], px[two], py[two], first, second))
    four = n_crossed == 4
    if np.any(four):
        corners = np.stack(corner, axis=-1)[four]
        plane_level = lev[four]
        centre_with_a = (corners.mean(axis=1) > plane_level) == (corners[:, 0] > plane_level)
        # Centre on a's side: a and c are joined, so cut off b (bottom–right) and d (top–left);
        # otherwise cut off a (left–bottom) and c (right–top).
        planes = plane[four]
        groups.append((planes, px[four], py[four], np.where(centre_with_a, 0, 3), np.where(centre_with_a, 1, 0)))
        groups.append((planes, px[four], py[four], np.where(centre_with_a, 3, 1), np.where(centre_with_a, 2, 2)))
    n_planes = n_fields * n_levels
    pieces = [([], []) for _ in range(n_planes)]
    for planes, cx, cy, a, b in groups:
        rows = np.arange(a.size)
        gap = np.full(a.size, np.nan)
        xs = np.stack([cx[rows, a], cx[rows, b], gap], axis=1)
        ys = np.stack([cy[rows, a], cy[rows, b], gap], axis=1)
        # planes is sorted (np.nonzero returns C order): split the rows where it changes.
        bounds = np.searchsorted(planes, np.arange(n_planes + 1))
        for plane in np.flatnonzero(np.diff(bounds)):
            lo, hi = bounds[plane], bounds[plane + 1]
            pieces[plane][0].append(xs[lo:hi].ravel())
            pieces[plane][1].append(ys[lo:hi].ravel())
    empty = np.array([])
    lines = [
        (np.concatenate(px_parts), np.concatenate(py_parts)) if px_parts else (empty, empty.copy())
        for px_parts, py_parts in pieces
    ]
    return [lines[f * n_levels : (f + 1) * n_levels] for f in range(n_fields)]


def smoothed_targets(label_smoothing: float) -> tuple[float, float]:
    """The targets of classes 1 and 0 after label smoothing: (1 − ls/2, ls/2).

    Examples
    --------
    >>> smoothed_targets(0.1)
    (0.95, 0.05)
    """
    ls = check_in_range(label_smoothing, "label_smoothing", 0.0, 1.0)
    return 1.0 - ls / 2.0, ls / 2.0


def max_abs_logit(trajectory: Trajectory) -> np.ndarray:
    """max over the samples of |z| at each recorded epoch, shape (R,)."""
    if not isinstance(trajectory, Trajectory):
        raise ValueError(f"trajectory must be a Trajectory; got {type(trajectory).__name__}")
    return np.max(np.abs(trajectory.logits), axis=1)


def fraction_within(logits, bound: float) -> float:
    """Fraction of the logits with |z| <= bound (1.0 for bound = inf).

    Examples
    --------
    >>> fraction_within([-3.0, 1.0, 2.0, 5.0], 2.0)
    0.5
    """
    z = as_float_array(logits, "logits")
    if isinstance(bound, bool) or not isinstance(bound, numbers.Real) or math.isnan(bound) or bound < 0:
        raise ValueError(f"bound must be a number >= 0 (or inf); got {bound!r}")
    return float(np.mean(np.abs(z) <= bound))


def decay_factor(lr: float, weight_decay: float) -> float:
    """1 − lr·λ: what one SGD step with weight decay alone multiplies a weight by.

    |1 − lr·λ| > 1 (lr·λ > 2) makes every weight the loss does not hold in place, such as the
    redundant direction w0 + w1 of a two-neuron head, grow geometrically in size until it
    overflows.
    """
    lr = check_nonnegative_scalar(lr, "lr")
    weight_decay = check_nonnegative_scalar(weight_decay, "weight_decay")
    return 1.0 - lr * weight_decay


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _scalar(value, name: str) -> float:
    arr = as_float_array(value, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single number; got an array of shape {arr.shape}")
    return float(arr)


def _record_every(epochs: int, records) -> int:
    if isinstance(records, bool) or not isinstance(records, numbers.Integral) or records < 1:
        raise ValueError(f"the number of records must be an integer >= 1; got {records!r}")
    return max(1, math.ceil(epochs / int(records)))


def _max_sample_gradient(trajectory: Trajectory, y: np.ndarray) -> float:
    """max |∂ℓᵢ/∂zᵢ| at the last epoch; a softmax head's CE is BCE on z1 − z0 (see matched_softmax)."""
    config = trajectory.config
    z = np.asarray(trajectory.logits[-1])
    ls = config.label_smoothing
    target = y * (1.0 - ls) + ls / 2.0
    if config.loss == "mse":
        grad = sigmoid_mse_grad(z, target, reduction="none")
    elif config.loss == "focal":
        grad = sigmoid_focal_loss_grad(z, target, alpha=config.alpha, gamma=config.gamma, reduction="none")
    else:
        grad = bce_with_logits_grad(z, target, reduction="none")
    return float(np.max(np.abs(grad)))


def _gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.max(np.abs(np.asarray(a) - np.asarray(b)), axis=1)


def _extreme_fraction(probs) -> float:
    probs = np.asarray(probs)
    return float(np.mean((probs < EXTREME_PROBABILITY) | (probs > 1.0 - EXTREME_PROBABILITY)))


def _redundant_norm(params: Params) -> float:
    return float(np.linalg.norm(params.head_weight[:, 0] + params.head_weight[:, 1]))


def _shrink(start: float, rate: float, steps: int) -> float:
    """start·|1 − rate|^steps, computed in log space so a factor above 1 gives inf, not an error."""
    factor = abs(1.0 - rate)
    if start == 0.0 or factor == 0.0:
        return 0.0
    exponent = math.log(start) + steps * math.log(factor)
    return math.exp(exponent) if exponent < 709.0 else math.inf

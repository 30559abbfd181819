"""The numbers behind the focal-loss lesson: curves over p_t, readouts at one point, easy-example shares.

Everything is computed with ``lossviz.losses.sigmoid_focal_loss`` (torchvision semantics) and
``bce_with_logits``, so the lesson shows exactly what those functions return. Notation, as in
Lin et al. (2017) and torchvision: for a label y ∈ {0, 1} and a logit z,

    p_t = σ(z) if y = 1, else 1 − σ(z)          (the probability of the right class)
    α_t = α if y = 1, else 1 − α                 (1 when α < 0: no α weighting)
    FL  = −α_t·(1 − p_t)^γ·log p_t,  CE = −log p_t,  so FL / CE = α_t·(1 − p_t)^γ.

So torchvision's default α = 0.25 multiplies the loss of every *positive* example by 0.25 and of
every negative by 0.75: it down-weights the positives, which are usually the rare class.

A point with p_t > ``EASY_THRESHOLD`` (0.9) is "easy". ``loss_shares`` says which part of a loss
(and of its gradient with respect to the logits) the easy points carry, and ``train_imbalanced``
trains logistic regression on the "imbalanced" toy set (5 % positives) with BCE or focal loss and
records those shares at every recorded epoch.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy import special

from lossviz._validation import (
    as_float_array,
    check_binary_targets,
    check_in_range,
    check_nonnegative_scalar,
)
from lossviz.data import make_dataset
from lossviz.losses import (
    bce_with_logits,
    bce_with_logits_grad,
    sigmoid_focal_loss,
    sigmoid_focal_loss_grad,
)
from lossviz.metrics import precision_recall_f1
from lossviz.train import TrainConfig, train

__all__ = [
    "DEFAULT_GAMMAS",
    "EASY_THRESHOLD",
    "FocalCurves",
    "FocalPoint",
    "ImbalancedRun",
    "LossShares",
    "alpha_t",
    "focal_curves",
    "focal_point",
    "loss_shares",
    "p_t_grid",
    "replicated_share",
    "train_imbalanced",
]

DEFAULT_GAMMAS = (0.0, 0.5, 1.0, 2.0, 5.0)
"""The γ values of Lin et al. (2017), Figure 1."""

EASY_THRESHOLD = 0.9
"""A point with p_t above this is "easy" (the paper's "well-classified examples (p_t > .5)" is
looser; 0.9 singles out the points that are already confidently right)."""


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FocalCurves:
    """Loss, modulating factor and logit gradient over a grid of p_t, one row per γ.

    Attributes
    ----------
    p_t : ndarray, shape (n,)
    gammas : tuple of float, length k
    alpha : float
        α as passed (negative: no α weighting).
    label : int
        The class y of the example (1: positive, 0: negative); it decides α_t and the sign of z.
    alpha_t : float
    z : ndarray, shape (n,)
        The logit with that p_t: logit(p_t) for y = 1, −logit(p_t) for y = 0.
    ce : ndarray, shape (n,)
        Cross-entropy −log p_t (no α).
    ce_grad : ndarray, shape (n,)
        d CE / dz = σ(z) − y.
    loss : ndarray, shape (k, n)
        Focal loss for each γ (with α_t).
    modulating : ndarray, shape (k, n)
        (1 − p_t)^γ.
    grad : ndarray, shape (k, n)
        d FL / dz from ``sigmoid_focal_loss_grad``: negative for y = 1, positive for y = 0.
    """

    p_t: np.ndarray
    gammas: tuple
    alpha: float
    label: int
    alpha_t: float
    z: np.ndarray
    ce: np.ndarray
    ce_grad: np.ndarray
    loss: np.ndarray
    modulating: np.ndarray
    grad: np.ndarray

    @property
    def grad_magnitude(self) -> np.ndarray:
        """|d FL / dz|, the size of the push toward the right class, shape (k, n)."""
        return np.abs(self.grad)

    @property
    def ce_grad_magnitude(self) -> np.ndarray:
        """|d CE / dz| = 1 − p_t."""
        return np.abs(self.ce_grad)


@dataclass(frozen=True)
class FocalPoint:
    """Focal loss against cross-entropy for one example with probability p_t of its right class.

    ``loss_ratio`` = FL / CE = α_t·(1 − p_t)^γ and ``grad_ratio`` = (dFL/dz) / (dCE/dz), both
    computed from the loss functions (the tests check them against the closed forms).
    """

    p_t: float
    label: int
    alpha: float
    gamma: float
    alpha_t: float
    z: float
    modulating: float
    ce: float
    focal: float
    ce_grad: float
    focal_grad: float

    @property
    def loss_ratio(self) -> float:
        """FL / CE (CE > 0 for every p_t < 1)."""
        return self.focal / self.ce

    @property
    def grad_ratio(self) -> float:
        """(dFL/dz) / (dCE/dz); dCE/dz = σ(z) − y is never 0 for p_t < 1."""
        return self.focal_grad / self.ce_grad


@dataclass(frozen=True)
class LossShares:
    """Which part of a loss the easy points (p_t > threshold) carry.

    ``loss_share`` = Σ_easy ℓ_i / Σ_i ℓ_i and ``grad_share`` = Σ_easy |∂ℓ_i/∂z_i| / Σ_i |∂ℓ_i/∂z_i|
    (per-example losses and logit gradients; NaN when the total is 0).
    """

    loss: str
    threshold: float
    p_t: np.ndarray
    easy: np.ndarray
    n_easy: int
    n_easy_negatives: int
    easy_loss: float
    hard_loss: float
    easy_grad: float
    hard_grad: float

    @property
    def loss_share(self) -> float:
        return _ratio(self.easy_loss, self.easy_loss + self.hard_loss)

    @property
    def grad_share(self) -> float:
        return _ratio(self.easy_grad, self.easy_grad + self.hard_grad)


@dataclass(frozen=True)
class ImbalancedRun:
    """Logistic regression trained on the "imbalanced" toy set with one loss, and its easy shares.

    Attributes
    ----------
    loss : {"bce", "focal"}
    alpha, gamma : float
        The focal parameters (unused by "bce").
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,), int64
    epochs : ndarray, shape (R,)
        The recorded epochs.
    mean_loss : ndarray, shape (R,)
        Mean training loss under the run's own loss.
    easy_count : ndarray, shape (R,)
        Number of points with p_t > ``EASY_THRESHOLD``.
    loss_share, grad_share : ndarray, shape (R,)
        Share of the run's own loss, and of its total |∂ℓ/∂z|, carried by the easy points.
    final_logits : ndarray, shape (n,)
    precision, recall, f1 : float
        Of the minority class (y = 1) at the end, predicting 1 where σ(z) > 0.5; precision is
        NaN when nothing is predicted positive (scikit-learn's ``zero_division=np.nan``).
    grid_x, grid_y : ndarray, shape (G,)
    surface : ndarray, shape (G, G)
        P(class 1) on the grid after the last epoch (row i at grid_y[i]).
    """

    loss: str
    alpha: float
    gamma: float
    X: np.ndarray
    y: np.ndarray
    epochs: np.ndarray
    mean_loss: np.ndarray
    easy_count: np.ndarray
    loss_share: np.ndarray
    grad_share: np.ndarray
    final_logits: np.ndarray
    precision: float
    recall: float
    f1: float
    grid_x: np.ndarray
    grid_y: np.ndarray
    surface: np.ndarray

    @property
    def n_positives(self) -> int:
        return int(self.y.sum())

    @property
    def predicted_positives(self) -> int:
        return int((self.final_logits > 0).sum())

    @property
    def true_positives(self) -> int:
        return int(((self.final_logits > 0) & (self.y == 1)).sum())


# --------------------------------------------------------------------------------------------
# Curves and readouts
# --------------------------------------------------------------------------------------------


def p_t_grid(n: int = 199, *, low: float = 0.005, high: float = 0.995) -> np.ndarray:
    """Evenly spaced p_t values in [low, high] ⊂ (0, 1), where every logit is finite.

    Examples
    --------
    >>> p_t_grid(3, low=0.25, high=0.75).tolist()
    [0.25, 0.5, 0.75]
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"n must be an integer >= 2; got {n!r}")
    low = check_in_range(low, "low", 0.0, 1.0)
    high = check_in_range(high, "high", 0.0, 1.0)
    if not 0.0 < low < high < 1.0:
        raise ValueError(
            f"low and high must satisfy 0 < low < high < 1; got low={low:g}, high={high:g}"
        )
    return np.linspace(low, high, int(n))


def alpha_t(alpha: float, label: int) -> float:
    """The α weight of an example of class ``label``: α for y = 1, 1 − α for y = 0, 1 if α < 0.

    Examples
    --------
    >>> alpha_t(0.25, 1), alpha_t(0.25, 0), alpha_t(-1.0, 1)
    (0.25, 0.75, 1.0)
    """
    alpha = _check_alpha(alpha)
    label = _check_label(label)
    if alpha < 0:
        return 1.0
    return alpha if label == 1 else 1.0 - alpha


def focal_curves(
    p_t, gammas=DEFAULT_GAMMAS, *, alpha: float = 0.25, label: int = 1
) -> FocalCurves:
    """Focal loss, modulating factor and d FL/dz over ``p_t`` for several γ.

    Parameters
    ----------
    p_t : array_like, shape (n,)
        Probabilities of the right class, strictly inside (0, 1).
    gammas : sequence of float
        Focusing parameters γ >= 0 (γ = 0 is cross-entropy times α_t).
    alpha : float
        α in [0, 1], or negative for no α weighting (torchvision's convention).
    label : {0, 1}
        The example's class: z = logit(p_t) for y = 1 and −logit(p_t) for y = 0.

    Returns
    -------
    FocalCurves

    Notes
    -----
    Every curve comes from ``sigmoid_focal_loss`` / ``sigmoid_focal_loss_grad`` with
    ``reduction="none"`` at those logits. For y = 1 the gradient is
    dFL/dz = −α_t·(1 − p_t)^γ·[γ·p_t·(−log p_t) + (1 − p_t)], and dCE/dz = −(1 − p_t).

    Examples
    --------
    >>> c = focal_curves([0.9], (0.0, 2.0), alpha=-1)
    >>> [round(float(v), 6) for v in c.loss[:, 0]]
    [0.105361, 0.001054]
    """
    p = _check_open_probabilities(p_t, "p_t")
    gammas = _check_gammas(gammas)
    alpha = _check_alpha(alpha)
    label = _check_label(label)
    z = special.logit(p) if label == 1 else -special.logit(p)
    y = np.full_like(z, float(label))
    loss = np.stack(
        [
            sigmoid_focal_loss(z, y, alpha=alpha, gamma=g, reduction="none")
            for g in gammas
        ]
    )
    grad = np.stack(
        [
            sigmoid_focal_loss_grad(z, y, alpha=alpha, gamma=g, reduction="none")
            for g in gammas
        ]
    )
    one_minus = special.expit(-z) if label == 1 else special.expit(z)
    modulating = np.stack([one_minus**g for g in gammas])
    return FocalCurves(
        p_t=p,
        gammas=gammas,
        alpha=alpha,
        label=label,
        alpha_t=alpha_t(alpha, label),
        z=z,
        ce=bce_with_logits(z, y, reduction="none"),
        ce_grad=bce_with_logits_grad(z, y, reduction="none"),
        loss=loss,
        modulating=modulating,
        grad=grad,
    )


def focal_point(
    p_t: float, *, alpha: float = 0.25, gamma: float = 2.0, label: int = 1
) -> FocalPoint:
    """Focal loss, cross-entropy and their logit gradients for one example.

    Parameters
    ----------
    p_t : float in (0, 1)
        Probability of the example's right class.
    alpha, gamma, label
        As ``focal_curves`` (one γ).

    Examples
    --------
    >>> point = focal_point(0.9, alpha=-1, gamma=2.0)
    >>> round(point.loss_ratio, 6)
    0.01
    """
    p = _check_open_probabilities(p_t, "p_t")
    if p.ndim != 0:
        raise ValueError(f"p_t must be a single number; got shape {p.shape}")
    gamma = check_nonnegative_scalar(gamma, "gamma")
    curves = focal_curves(p.reshape(1), (gamma,), alpha=alpha, label=label)
    return FocalPoint(
        p_t=float(p),
        label=curves.label,
        alpha=curves.alpha,
        gamma=gamma,
        alpha_t=curves.alpha_t,
        z=float(curves.z[0]),
        modulating=float(curves.modulating[0, 0]),
        ce=float(curves.ce[0]),
        focal=float(curves.loss[0, 0]),
        ce_grad=float(curves.ce_grad[0]),
        focal_grad=float(curves.grad[0, 0]),
    )


# --------------------------------------------------------------------------------------------
# Easy examples: their share of the loss and of the gradient
# --------------------------------------------------------------------------------------------


def loss_shares(
    z,
    y,
    *,
    loss: str = "bce",
    alpha: float = 0.25,
    gamma: float = 2.0,
    threshold: float = EASY_THRESHOLD,
) -> LossShares:
    """The share of a loss, and of its logit gradient, carried by the easy points (p_t > threshold).

    Parameters
    ----------
    z : array_like, shape (n,)
        Logits.
    y : array_like, shape (n,)
        Labels 0 or 1.
    loss : {"bce", "focal"}
        "bce" is ``bce_with_logits`` (cross-entropy); "focal" is ``sigmoid_focal_loss`` with
        ``alpha`` and ``gamma``.
    threshold : float in [0, 1)
        p_t above it is easy.

    Returns
    -------
    LossShares

    Examples
    --------
    Two confident negatives (p_t = σ(3) ≈ 0.953) and one wrong one (p_t = σ(−1) ≈ 0.269):

    >>> s = loss_shares([-3.0, -3.0, 1.0], [0, 0, 0], loss="bce")
    >>> s.n_easy, round(s.loss_share, 3)
    (2, 0.069)
    """
    z = as_float_array(z, "z")
    y = as_float_array(y, "y")
    if z.ndim != 1 or y.shape != z.shape:
        raise ValueError(
            f"z and y must be 1-d arrays of the same length; got shapes {z.shape} and {y.shape}"
        )
    check_binary_targets(y, "y")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(
            "y must hold hard labels 0 or 1 (p_t needs a right class); got other values"
        )
    loss = _check_loss(loss)
    threshold = _check_threshold(threshold)
    values, grads = _values_and_grads(z, y, loss, alpha, gamma)
    p_t = np.where(y == 1, special.expit(z), special.expit(-z))
    easy = p_t > threshold
    magnitudes = np.abs(grads)
    return LossShares(
        loss=loss,
        threshold=threshold,
        p_t=p_t,
        easy=easy,
        n_easy=int(easy.sum()),
        n_easy_negatives=int((easy & (y == 0)).sum()),
        easy_loss=float(values[easy].sum()),
        hard_loss=float(values[~easy].sum()),
        easy_grad=float(magnitudes[easy].sum()),
        hard_grad=float(magnitudes[~easy].sum()),
    )


def replicated_share(
    easy_total: float, hard_total: float, factor
) -> np.ndarray | float:
    """The easy points' share if every easy point appeared ``factor`` times (the others once).

    share(m) = m·E / (m·E + H). Dense detectors score ~10⁴–10⁵ candidate boxes per image, almost
    all easy background, against a handful of objects: that is the regime where easy examples
    swamp cross-entropy, which a 400-point toy set only reaches by such a multiplication.

    Parameters
    ----------
    easy_total, hard_total : float, >= 0
        Σ over easy and over the other points (of a loss or of gradient magnitudes).
    factor : float or array_like, >= 0
        The multiplier m.

    Returns
    -------
    float or ndarray
        The share(s), NaN where m·E + H = 0.

    Examples
    --------
    >>> round(replicated_share(1.0, 9.0, 100.0), 4)
    0.9174
    """
    easy_total = check_nonnegative_scalar(easy_total, "easy_total")
    hard_total = check_nonnegative_scalar(hard_total, "hard_total")
    m = as_float_array(factor, "factor")
    if np.any(m < 0):
        raise ValueError(f"factor must be >= 0; got a minimum of {m.min():g}")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = m * easy_total / (m * easy_total + hard_total)
    return float(share) if share.ndim == 0 else share


def train_imbalanced(
    loss: str = "bce",
    *,
    alpha: float = 0.25,
    gamma: float = 2.0,
    seed: int = 0,
    n: int = 400,
    epochs: int = 300,
    lr: float = 2.0,
    record_every: int = 10,
    grid_size: int = 50,
    threshold: float = EASY_THRESHOLD,
) -> ImbalancedRun:
    """Train logistic regression on ``make_dataset("imbalanced", n, seed=seed)`` with one loss.

    Parameters
    ----------
    loss : {"bce", "focal"}
        The trainer's loss: cross-entropy, or torchvision's focal loss with ``alpha``, ``gamma``.
    alpha, gamma : float
        Focal parameters (ignored by "bce").
    seed : int
        Seed of the data set (the logistic model starts at zero, so nothing else is random).
    n, epochs, lr, record_every, grid_size
        Data size and ``lossviz.train.train`` settings (full-batch gradient descent, logistic
        regression starting at zero). Against 5000 epochs, 300 epochs at lr 2 (measured on seeds
        0, 3, 7, γ in {0, 0.5, 2, 5}): without α weighting (and for "bce") the final loss agrees to
        1e-4 and no point changes side; for α in [0.25, 0.9] the loss agrees to 1 % and at most one
        of the 400 points changes side; for α = 0.05–0.1 up to 4 points do and the loss is up to
        10 % higher: α far from 0.5 makes the problem ill-conditioned. α = 0 or 1 has no finite
        optimum at all (one class carries no loss).
    threshold : float
        p_t above it is easy.

    Returns
    -------
    ImbalancedRun

    Examples
    --------
    >>> run = train_imbalanced("bce", epochs=20, grid_size=2)
    >>> run.n_positives, run.epochs.tolist()[-1]
    (20, 20)
    """
    loss = _check_loss(loss)
    threshold = _check_threshold(threshold)
    data = make_dataset("imbalanced", n, seed=seed)
    config = TrainConfig(
        model="logistic",
        head="sigmoid",
        loss=loss,
        alpha=alpha,
        gamma=gamma,
        lr=lr,
        epochs=epochs,
    )
    run = train(data.X, data.y, config, record_every=record_every, grid_size=grid_size)
    y = data.y.astype(np.float64)
    logits = np.asarray(run.logits)
    values, grads = _values_and_grads(
        logits, np.broadcast_to(y, logits.shape), loss, config.alpha, config.gamma
    )
    p_t = np.where(y == 1, special.expit(logits), special.expit(-logits))
    easy = p_t > threshold
    magnitudes = np.abs(grads)
    with np.errstate(invalid="ignore", divide="ignore"):
        loss_share = (values * easy).sum(axis=1) / values.sum(axis=1)
        grad_share = (magnitudes * easy).sum(axis=1) / magnitudes.sum(axis=1)
    final = logits[-1]
    scores = precision_recall_f1(
        data.y, special.expit(final), zero_division=float("nan")
    )
    return ImbalancedRun(
        loss=loss,
        alpha=config.alpha,
        gamma=config.gamma,
        X=data.X,
        y=data.y,
        epochs=np.asarray(run.epochs),
        mean_loss=np.asarray(run.loss),
        easy_count=easy.sum(axis=1),
        loss_share=loss_share,
        grad_share=grad_share,
        final_logits=final,
        precision=scores.precision,
        recall=scores.recall,
        f1=scores.f1,
        grid_x=np.asarray(run.grid_x) if run.grid_x is not None else np.empty(0),
        grid_y=np.asarray(run.grid_y) if run.grid_y is not None else np.empty(0),
        surface=np.asarray(run.surface[-1])
        if run.surface is not None
        else np.empty((0, 0)),
    )


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _values_and_grads(z, y, loss, alpha, gamma):
    """Per-example loss values and logit gradients (reduction "none") of "bce" or "focal"."""
    if loss == "bce":
        return bce_with_logits(z, y, reduction="none"), bce_with_logits_grad(
            z, y, reduction="none"
        )
    options = {"alpha": alpha, "gamma": gamma, "reduction": "none"}
    return sigmoid_focal_loss(z, y, **options), sigmoid_focal_loss_grad(z, y, **options)


def _ratio(part: float, total: float) -> float:
    return part / total if total > 0 else float("nan")


def _check_open_probabilities(p, name: str) -> np.ndarray:
    p = as_float_array(p, name)
    if p.min() <= 0.0 or p.max() >= 1.0:
        raise ValueError(
            f"{name} must be strictly between 0 and 1 (its logit must be finite); "
            f"got values from {p.min():g} to {p.max():g}"
        )
    return p


def _check_gammas(gammas) -> tuple:
    values = as_float_array(gammas, "gammas")
    if values.ndim != 1:
        raise ValueError(
            f"gammas must be a 1-d sequence of numbers; got shape {values.shape}"
        )
    return tuple(check_nonnegative_scalar(float(g), "gamma") for g in values)


def _check_alpha(alpha) -> float:
    if (
        isinstance(alpha, bool)
        or not isinstance(alpha, numbers.Real)
        or not np.isfinite(alpha)
        or alpha > 1
    ):
        raise ValueError(
            f"alpha must be in [0, 1], or negative to disable the weighting; got {alpha!r}"
        )
    return float(alpha)


def _check_label(label) -> int:
    if isinstance(label, bool) or label not in (0, 1):
        raise ValueError(f"label must be 0 or 1; got {label!r}")
    return int(label)


def _check_loss(loss) -> str:
    if loss not in ("bce", "focal"):
        raise ValueError(f'loss must be "bce" or "focal"; got {loss!r}')
    return loss


def _check_threshold(threshold) -> float:
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0)
    if threshold >= 1.0:
        raise ValueError(
            f"threshold must be below 1 (no p_t exceeds 1); got {threshold:g}"
        )
    return threshold

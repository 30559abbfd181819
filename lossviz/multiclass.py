"""Multi-class and multi-label computations behind the softmax lessons (seeds 001 to 004).

Everything here is built on ``lossviz.losses`` and ``lossviz.metrics``: it arranges their numbers
the way the two lessons read them. "Categorical CE and softmax gradients" needs the softmax
cross-entropy of one row with its gradient s − y, the seed-001 comparison of the categorical CE with
summed BCE on hand-typed probability vectors, and what Keras' epsilon clipping does to the loss and
to the gradient. "Multi-label vs multi-class" needs the same logits through a sigmoid head and a
softmax head, gradient descent on those logits alone, and the Keras accuracy trap on a seeded one-hot
data set.

Classes are numbered from 0, as in NumPy, PyTorch and Keras; the thread's y′ = [1, 0, 0, 0] is
class 0.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass

import numpy as np
from scipy import special

from lossviz._validation import as_float_array, as_index_array, check_in_range, check_probabilities
from lossviz.losses import (
    KERAS_EPSILON,
    bce,
    bce_with_logits,
    bce_with_logits_grad,
    categorical_ce,
    categorical_ce_grad,
    cross_entropy,
    cross_entropy_grad,
    multilabel_softmax_ce,
    multilabel_softmax_ce_grad,
)
from lossviz.metrics import (
    binarize,
    binary_accuracy,
    categorical_accuracy,
    confusion_counts,
    subset_accuracy,
)

__all__ = [
    "TRAP_MODELS",
    "HeadResult",
    "KerasClipCurves",
    "ProbabilityVectorLosses",
    "SoftmaxCEBreakdown",
    "TrapData",
    "TrapReport",
    "accuracy_trap_sweep",
    "clip_curve_grid",
    "keras_clip_curves",
    "keras_trap_data",
    "keras_trap_report",
    "parse_vector",
    "probability_vector_losses",
    "seed_004_multilabel_grad",
    "seed_004_softmax_grad_as_written",
    "sigmoid_head",
    "softmax_ce_breakdown",
    "softmax_head",
    "summed_bce_bounds",
    "train_logits",
]

#: The models of the accuracy-trap demo, by key: what each outputs for every class of every sample.
TRAP_MODELS = {
    "all_zeros": "All zeros: outputs 0 for every class",
    "constant": "Constant 1/C for every class",
    "decent": "A decent model (right about 4 times in 5 at C = 26)",
    "random": "Random: uniform in [0, 1] for every class",
}

MAX_VECTOR_LENGTH = 50


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SoftmaxCEBreakdown:
    """Softmax cross-entropy of one row of logits against one true class, and its two gradients.

    ``gradient`` is d(−log s_t)/dz = s − y (the logit path: PyTorch ``cross_entropy``, Keras with
    ``from_logits=True``). ``keras_gradient`` is the gradient of Keras' probability path, softmax
    then clipped ``categorical_crossentropy``, which is s − y while eps ≤ s_t ≤ 1 − eps and 0
    outside; ``keras_loss`` is that path's loss, capped at −log eps.
    """

    logits: np.ndarray
    true_class: int
    probabilities: np.ndarray
    log_probabilities: np.ndarray
    loss: float
    gradient: np.ndarray
    keras_loss: float
    keras_gradient: np.ndarray
    keras_clipped: bool
    eps: float

    @property
    def true_probability(self) -> float:
        return float(self.probabilities[self.true_class])

    @property
    def strongest_wrong_class(self) -> int:
        """The wrong class whose logit is pushed down hardest (largest s_j, first on ties)."""
        wrong = np.where(np.arange(self.logits.size) == self.true_class, -np.inf, self.probabilities)
        return int(np.argmax(wrong))

    @property
    def gradient_sum(self) -> float:
        """Σ_j (s_j − y_j) = 1 − 1 = 0: the pushes down balance the push up (up to rounding)."""
        return float(np.sum(self.gradient))


@dataclass(frozen=True)
class ProbabilityVectorLosses:
    """The seed-001 losses of one typed vector p against the one-hot target of ``true_class``.

    ``literal_ce`` = −log clip(p_t, eps, 1 − eps), the thread's formula read literally (no
    renormalisation); ``keras_ce`` = Keras ``categorical_crossentropy``, which first divides p by
    its sum; ``summed_bce`` = −Σ_j [y_j log p_j + (1 − y_j) log(1 − p_j)] (the thread's proposal),
    and ``mean_bce`` = summed_bce / C, what Keras ``binary_crossentropy`` reports (it averages over
    the last axis).
    """

    p: np.ndarray
    true_class: int
    total: float
    normalised: np.ndarray
    literal_ce: float
    keras_ce: float
    summed_bce: float
    mean_bce: float

    @property
    def is_distribution(self) -> bool:
        """Does p sum to 1 (to 1e-9)?"""
        return abs(self.total - 1.0) <= 1e-9


@dataclass(frozen=True)
class KerasClipCurves:
    """Loss and gradients of −log p_true on the logit path and on Keras' clipped probability path.

    Arrays over ``p`` (the true class's softmax probability). ``dldp`` is the derivative with
    respect to the (renormalised) probability of the true class, ``dldz`` with respect to its
    logit. The Keras path equals the exact one inside [eps, 1 − eps]; outside, its loss is constant
    and both of its gradients are 0.
    """

    p: np.ndarray
    eps: float
    loss_exact: np.ndarray
    loss_keras: np.ndarray
    dldp_exact: np.ndarray
    dldp_keras: np.ndarray
    dldz_exact: np.ndarray
    dldz_keras: np.ndarray

    @property
    def loss_cap(self) -> float:
        """The largest loss the Keras path can report, −log eps."""
        return -math.log(self.eps)

    @property
    def loss_floor(self) -> float:
        """The smallest loss the Keras path can report, −log(1 − eps) (0 for eps = 0)."""
        return -math.log1p(-self.eps)


@dataclass(frozen=True)
class HeadResult:
    """One output head on one row of logits: its probabilities, loss, gradient and labels.

    ``loss`` and ``gradient`` are for one sample. The sigmoid head sums BCE over the classes (as
    seed 002/004 write it; Keras and PyTorch report the mean, ``loss / C``), so its gradient is
    σ(z) − y per class. The softmax head is ``multilabel_softmax_ce`` (1/M scaling), which is the
    ordinary softmax cross-entropy when M = 1; its gradient is s − y/M. ``predicted`` is
    [p > 0.5] per class. For the softmax head, ``unscaled_loss`` = −Σ_{positive} log s_i is what
    Keras ``categorical_crossentropy`` (and PyTorch ``cross_entropy`` with the multi-hot row as a
    probability target) computes on the same target: M × ``loss``.
    """

    kind: str
    probabilities: np.ndarray
    loss: float
    gradient: np.ndarray
    predicted: np.ndarray
    n_positive: int
    unscaled_loss: float | None = None

    @property
    def probability_sum(self) -> float:
        return float(np.sum(self.probabilities))

    @property
    def n_classes(self) -> int:
        return int(self.probabilities.size)

    @property
    def best_positive_probability(self) -> float:
        """The most each positive class can get at this head's optimum: 1 (sigmoid), 1/M (softmax)."""
        return 1.0 if self.kind == "sigmoid" else 1.0 / self.n_positive

    @property
    def loss_floor(self) -> float:
        """The infimum of this head's loss over all logits: 0 (sigmoid), log M (softmax)."""
        return 0.0 if self.kind == "sigmoid" else math.log(self.n_positive)


@dataclass(frozen=True)
class TrapData:
    """A seeded one-hot data set and one model's sigmoid outputs on it (no renormalisation)."""

    labels: np.ndarray
    y: np.ndarray
    p: np.ndarray
    model: str
    seed: int

    @property
    def n_samples(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.y.shape[1])


@dataclass(frozen=True)
class TrapReport:
    """What Keras reports for ``TrapData``, and the counts behind ``binary_accuracy``.

    ``binary_accuracy`` is what ``metrics=["accuracy"]`` showed next to ``binary_crossentropy`` in
    the seed thread's Keras; ``categorical_accuracy`` is the honest "was the top class right";
    ``subset_accuracy`` asks whether all C thresholded labels were right. ``tp, fp, fn, tn`` count
    the N·C thresholded labels. ``class0_share`` is the fraction of samples of class 0: the
    categorical accuracy of any model whose outputs tie in every row (argmax takes index 0).
    ``bce`` is Keras' ``binary_crossentropy`` (clipped, mean over every label).
    """

    n_samples: int
    n_classes: int
    binary_accuracy: float
    categorical_accuracy: float
    subset_accuracy: float
    tp: int
    fp: int
    fn: int
    tn: int
    class0_share: float
    bce: float

    @property
    def correct_zeros_per_sample(self) -> float:
        """Average number of 0-labels per sample the thresholded output gets right."""
        return self.tn / self.n_samples

    @property
    def correct_ones_per_sample(self) -> float:
        return self.tp / self.n_samples


# --------------------------------------------------------------------------------------------
# Lesson "Categorical CE and softmax gradients"
# --------------------------------------------------------------------------------------------


def softmax_ce_breakdown(z, true_class: int, *, eps: float = KERAS_EPSILON) -> SoftmaxCEBreakdown:
    """Softmax probabilities, the loss −log s_t and the gradient s − y of one row of logits.

    loss = −log s_t = logsumexp(z) − z_t,   ∂loss/∂z_j = s_j − [j = t]

    Every logit gets a gradient although only s_t is in the loss: z_t through the numerator and
    the denominator, every other z_j through the denominator Σ_k exp(z_k).

    Keras' probability path (softmax output, ``categorical_crossentropy`` with
    ``from_logits=False``) clips s to [eps, 1 − eps] first: its loss is −log clip(s_t) and its
    gradient, chained through the softmax Jacobian ∂s_j/∂z_k = s_j·([j = k] − s_k), is s − y while
    s_t is inside the clip and 0 once s_t < eps (or s_t > 1 − eps).

    Parameters
    ----------
    z : array_like, shape (C,)
        Logits, C >= 2.
    true_class : int
        The class index t in [0, C).
    eps : float
        Keras' epsilon, in [0, 0.5).

    Returns
    -------
    SoftmaxCEBreakdown

    Examples
    --------
    >>> b = softmax_ce_breakdown([0.0, 0.0], 0)
    >>> round(b.loss, 6), b.gradient.tolist()
    (0.693147, [-0.5, 0.5])
    """
    z = as_float_array(z, "z")
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"z must be one row of at least 2 logits, shape (C,); got shape {z.shape}")
    t = _check_class(true_class, z.size, "true_class")
    y = np.zeros_like(z)
    y[t] = 1.0
    log_s = special.log_softmax(z)
    s = np.exp(log_s)
    keras_loss = categorical_ce(s, y, eps=eps)
    dlds = categorical_ce_grad(s, y, eps=eps)
    keras_gradient = _softmax_backward(s, dlds)
    return SoftmaxCEBreakdown(
        logits=z,
        true_class=t,
        probabilities=s,
        log_probabilities=log_s,
        loss=cross_entropy(z, t),
        gradient=cross_entropy_grad(z, t),
        keras_loss=keras_loss,
        keras_gradient=keras_gradient,
        keras_clipped=bool(s[t] < eps or s[t] > 1.0 - eps),
        eps=float(eps),
    )


def seed_004_softmax_grad_as_written(z, true_class: int) -> np.ndarray:
    """Seed 004's single-label gradient formulas, exactly as the tutorial prints them.

    positive class p:   ∂/∂z_p = e^{z_p} / Σ_j e^{z_j} − 1 = s_p − 1            (right)
    negative class n:   ∂/∂z_n = e^{z_p} / Σ_j e^{z_j}     = s_p                (a typo)

    The negative-class numerator should be e^{z_n}: the correct derivative is s_n (see
    ``softmax_ce_breakdown``). The two agree only where s_n = s_p. The tutorial's multi-label
    formulas (``seed_004_multilabel_grad``) have the right numerator.

    Examples
    --------
    >>> seed_004_softmax_grad_as_written([0.0, 0.0, 0.0, 0.0], 0).tolist()
    [-0.75, 0.25, 0.25, 0.25]
    """
    z = as_float_array(z, "z")
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"z must be one row of at least 2 logits, shape (C,); got shape {z.shape}")
    t = _check_class(true_class, z.size, "true_class")
    s = special.softmax(z)
    written = np.full_like(z, s[t])
    written[t] = s[t] - 1.0
    return written


def probability_vector_losses(p, *, true_class: int = 0, eps: float = KERAS_EPSILON) -> ProbabilityVectorLosses:
    """Seed 001's comparison for one vector: the categorical CE (literal and Keras) and summed BCE.

    literal CE = −log clip(p_t, eps, 1 − eps)
    Keras CE   = −log clip(p_t / Σ_k p_k, eps, 1 − eps)
    summed BCE = −Σ_j [y_j log clip(p_j) + (1 − y_j) log(1 − clip(p_j))],  mean BCE = summed / C

    The two CE readings agree exactly when p sums to 1. The thread's [0.73, 0.26, 0.05, 0.05]
    sums to 1.09: literally −log 0.73 = 0.315, renormalised −log(0.73/1.09) = 0.401.

    Parameters
    ----------
    p : array_like, shape (C,)
        Probabilities in [0, 1], C >= 2, with a positive sum; they need not sum to 1.
    true_class : int
        The index of the 1 in the one-hot target (the thread uses 0).
    eps : float
        Keras' epsilon.

    Examples
    --------
    >>> r = probability_vector_losses([0.7, 0.1, 0.1, 0.1])
    >>> round(r.keras_ce, 4), round(r.summed_bce, 4)
    (0.3567, 0.6728)
    """
    p = as_float_array(p, "p")
    if p.ndim != 1 or p.size < 2:
        raise ValueError(f"p must be one vector of at least 2 probabilities; got shape {p.shape}")
    check_probabilities(p, "p")
    t = _check_class(true_class, p.size, "true_class")
    y = np.zeros_like(p)
    y[t] = 1.0
    keras_ce = categorical_ce(p, y, eps=eps)
    total = float(np.sum(p))
    summed = bce(p, y, eps=eps, reduction="sum")
    return ProbabilityVectorLosses(
        p=p,
        true_class=t,
        total=total,
        normalised=p / total,
        literal_ce=float(-np.log(np.clip(p[t], eps, 1.0 - eps))),
        keras_ce=keras_ce,
        summed_bce=summed,
        mean_bce=summed / p.size,
    )


def summed_bce_bounds(p_true: float, n_classes: int, *, eps: float = KERAS_EPSILON) -> tuple[float, float]:
    """The range of summed BCE over every probability vector (summing to 1) with this p_true.

    With r = 1 − p_true spread over the C − 1 wrong classes, −log(1 − p_j) is convex in p_j, so
    the sum over the wrong classes is smallest when r is split evenly (Jensen) and largest when it
    all sits on one class (a vertex of the simplex):

    low  = −log p_true − (C − 1)·log(1 − r/(C − 1))
    high = −log p_true − log(1 − r) = −2·log p_true

    So for p_true = 0.73 and C = 4, every valid vector has summed BCE ≤ −2 log 0.73 = 0.629, below
    the 0.673 of [0.7, 0.1, 0.1, 0.1]: the thread's 0.72 needs the extra 0.09 of an invalid vector.
    The values come from ``bce`` with Keras' clip, so each zero entry adds −log(1 − eps) ≈ eps.

    Examples
    --------
    >>> [round(v, 4) for v in summed_bce_bounds(0.73, 4)]
    [0.5976, 0.6294]
    """
    p_true = check_in_range(p_true, "p_true", 0.0, 1.0)
    n_classes = _check_int(n_classes, "n_classes", 2)
    rest = 1.0 - p_true
    even = np.full(n_classes, rest / (n_classes - 1))
    even[0] = p_true
    lumped = np.zeros(n_classes)
    lumped[0], lumped[1] = p_true, rest
    y = np.zeros(n_classes)
    y[0] = 1.0
    return bce(even, y, eps=eps, reduction="sum"), bce(lumped, y, eps=eps, reduction="sum")


def keras_clip_curves(p=None, *, eps: float = KERAS_EPSILON) -> KerasClipCurves:
    """Loss and gradients of the true class's −log p, exact vs Keras-clipped, over a grid of p.

    exact:  L = −log p,             ∂L/∂p = −1/p,   ∂L/∂z_t = p − 1 (never 0 for p < 1)
    Keras:  L = −log clip(p, eps, 1 − eps),  ∂L/∂p = −1/p and ∂L/∂z_t = p − 1 inside the clip,
            0 outside (clipping passes no gradient), so the loss caps at −log eps.

    p is the true class's softmax probability (a row summing to 1, so Keras' renormalisation does
    nothing); z_t is its logit. The Keras values come from ``categorical_ce`` and
    ``categorical_ce_grad`` on the rows [p, 1 − p].

    Parameters
    ----------
    p : array_like, 1-d, optional
        Probabilities in (0, 1] (p = 0 has an infinite exact loss). Default:
        ``clip_curve_grid(eps)``, 1e-20 to 1 with the clip edges.
    eps : float
        Keras' epsilon, in [0, 0.5).

    Examples
    --------
    >>> c = keras_clip_curves([1e-9, 0.5], eps=1e-7)
    >>> c.loss_keras.round(4).tolist(), c.dldz_keras.tolist(), c.dldz_exact.tolist()
    ([16.1181, 0.6931], [0.0, -0.5], [-0.999999999, -0.5])
    """
    p = clip_curve_grid(eps) if p is None else as_float_array(p, "p")
    if p.ndim != 1:
        raise ValueError(f"p must be a 1-d grid of probabilities; got shape {p.shape}")
    check_probabilities(p, "p")
    if np.any(p <= 0.0):
        raise ValueError("p must be > 0 (the exact loss −log p is infinite at p = 0); got a 0")
    rows = np.stack([p, 1.0 - p], axis=-1)
    y = np.zeros_like(rows)
    y[:, 0] = 1.0
    loss_keras = categorical_ce(rows, y, eps=eps, reduction="none")
    dldp_keras = _normalised_first_column_grad(rows, y, eps)
    inside = dldp_keras != 0.0
    return KerasClipCurves(
        p=p,
        eps=float(eps),
        loss_exact=-np.log(p),
        loss_keras=loss_keras,
        dldp_exact=-1.0 / p,
        dldp_keras=dldp_keras,
        dldz_exact=p - 1.0,
        dldz_keras=np.where(inside, p - 1.0, 0.0),
    )


def clip_curve_grid(eps: float = KERAS_EPSILON, *, low: float = 1e-20, n: int = 400) -> np.ndarray:
    """A grid of p for ``keras_clip_curves``: log-spaced from ``low`` to 1, plus the clip edges.

    Points just below and at eps and at 1 − eps are added so that the jumps of the clipped
    gradient are drawn as sharp steps, not as slopes between two grid points.

    Examples
    --------
    >>> g = clip_curve_grid(1e-7, n=5)
    >>> bool(g[0] == 1e-20 and g[-1] == 1.0 and 1e-7 in g and np.all(np.diff(g) > 0))
    True
    """
    eps = check_in_range(eps, "eps", 0.0, 0.5)
    low = check_in_range(low, "low", 1e-300, 0.5)
    n = _check_int(n, "n", 2, 100_000)
    edges = [eps * (1.0 - 1e-9), eps, 1.0 - eps, (1.0 - eps) * (1.0 + 1e-12)] if eps > 0 else []
    grid = np.concatenate([np.logspace(np.log10(low), 0.0, n), edges])
    return np.unique(grid[(grid >= low) & (grid <= 1.0)])


def parse_vector(text: str, *, name: str = "vector", max_length: int = MAX_VECTOR_LENGTH) -> np.ndarray:
    """Numbers typed by a learner, e.g. "0.7, 0.1, 0.1, 0.1" or "[0.7 0.1 0.1 0.1]", as an array.

    Separators are commas, semicolons or whitespace; one pair of enclosing brackets or parentheses
    is allowed. Each entry goes through ``float`` (never ``eval``); NaN and inf are rejected.

    Raises
    ------
    ValueError
        Naming ``name`` and the offending entry: empty text, a non-number, a non-finite number,
        or more than ``max_length`` entries.

    Examples
    --------
    >>> parse_vector("[0.7, 0.1; 0.1 0.1]").tolist()
    [0.7, 0.1, 0.1, 0.1]
    """
    if not isinstance(text, str):
        raise ValueError(f"{name} must be text; got {type(text).__name__}")
    body = text.strip()
    if len(body) >= 2 and body[0] + body[-1] in ("[]", "()"):
        body = body[1:-1]
    tokens = [token for token in re.split(r"[,;\s]+", body) if token]
    if not tokens:
        raise ValueError(f"{name} must hold numbers separated by commas, e.g. 0.7, 0.1, 0.2; got empty text")
    if len(tokens) > max_length:
        raise ValueError(f"{name} must have at most {max_length} numbers; got {len(tokens)}")
    values = []
    for token in tokens:
        try:
            values.append(float(token))
        except ValueError:
            shown = token if len(token) <= 20 else token[:17] + "..."
            raise ValueError(f"{name} must hold numbers separated by commas; {shown!r} is not a number") from None
    return as_float_array(values, name)


# --------------------------------------------------------------------------------------------
# Lesson "Multi-label vs multi-class"
# --------------------------------------------------------------------------------------------


def sigmoid_head(z, y) -> HeadResult:
    """C independent sigmoids with binary cross-entropy per class, summed over the classes.

    p_j = σ(z_j),  L = Σ_j BCE(z_j, y_j) = Σ_j −[y_j log σ(z_j) + (1 − y_j) log σ(−z_j)],
    ∂L/∂z_j = σ(z_j) − y_j (each class sees only its own logit). The probabilities need not sum
    to 1, and any number of classes (none, one, all) can be positive.

    Parameters
    ----------
    z : array_like, shape (C,)
        Logits.
    y : array_like, shape (C,)
        Multi-hot target, 0s and 1s (any number of 1s).

    Examples
    --------
    >>> h = sigmoid_head([0.0, 0.0], [1, 1])
    >>> round(h.loss, 6), h.gradient.tolist(), h.probability_sum
    (1.386294, [-0.5, -0.5], 1.0)
    """
    z, y = _check_head_inputs(z, y)
    p = special.expit(z)
    return HeadResult(
        kind="sigmoid",
        probabilities=p,
        loss=bce_with_logits(z, y, reduction="sum"),
        gradient=bce_with_logits_grad(z, y, reduction="sum"),
        predicted=binarize(p),
        n_positive=int(y.sum()),
    )


def softmax_head(z, y) -> HeadResult:
    """One softmax over the C classes with the 1/M-scaled cross-entropy of seed 004.

    s = softmax(z),  L = (1/M)·Σ_{i positive} −log s_i,  ∂L/∂z_j = s_j − y_j/M
    (a positive class: s_k − 1/M; a negative class: s_n). The probabilities always sum to 1, so
    M positives share the mass: the loss is smallest, log M, at s_i = 1/M on every positive, and
    for M >= 2 no positive can pass the 0.5 threshold at that optimum.

    Raises ValueError when y has no positive class: a softmax must put its mass somewhere.

    Examples
    --------
    >>> h = softmax_head([0.0, 0.0, 0.0, 0.0], [1, 1, 0, 0])
    >>> round(h.loss, 6), h.gradient.tolist(), round(h.unscaled_loss, 6)
    (1.386294, [-0.25, -0.25, 0.25, 0.25], 2.772589)
    """
    z, y = _check_head_inputs(z, y)
    s = special.softmax(z)
    return HeadResult(
        kind="softmax",
        probabilities=s,
        loss=multilabel_softmax_ce(z, y),
        gradient=multilabel_softmax_ce_grad(z, y),
        predicted=binarize(s),
        n_positive=int(y.sum()),
        unscaled_loss=cross_entropy(z, y, reduction="sum"),
    )


def seed_004_multilabel_grad(z, y) -> np.ndarray:
    """Seed 004's multi-label softmax gradient, computed from the tutorial's own two cases.

    positive class k:  (1/M)·[(s_k − 1) + (M − 1)·s_k]
    negative class n:  s_n

    Algebra: (1/M)·[(s_k − 1) + (M − 1)·s_k] = (1/M)·(M·s_k − 1) = s_k − 1/M, so both cases are
    ``multilabel_softmax_ce_grad``'s s − y/M (the tutorial is right here).

    Examples
    --------
    >>> seed_004_multilabel_grad([0.0, 0.0, 0.0, 0.0], [1, 1, 0, 0]).tolist()
    [-0.25, -0.25, 0.25, 0.25]
    """
    z, y = _check_head_inputs(z, y)
    m = y.sum()
    if m == 0:
        raise ValueError("y must have at least one positive class (a 1); got none")
    s = special.softmax(z)
    return np.where(y == 1.0, ((s - 1.0) + (m - 1.0) * s) / m, s)


def train_logits(z, y, *, head: str, learning_rate: float = 1.0, steps: int = 200) -> np.ndarray:
    """Plain gradient descent on the logits themselves, z ← z − lr·∂L/∂z, for one head.

    As if the network could set this sample's logits freely: where each head's loss drives them.
    The sigmoid head's gradient is σ(z) − y (``sigmoid_head``), the softmax head's s − y/M
    (``softmax_head``); the first is 0 only at p = y, the second already at s = y/M.

    Parameters
    ----------
    z : array_like, shape (C,)
        Starting logits.
    y : array_like, shape (C,)
        Multi-hot target (at least one 1 for the softmax head).
    head : {"sigmoid", "softmax"}
    learning_rate : float
        In (0, 10].
    steps : int
        Number of updates, 0 to 5000.

    Returns
    -------
    ndarray, shape (steps + 1, C)
        The head's probabilities before the first update and after each one.

    Examples
    --------
    >>> path = train_logits([0.0, 0.0, 0.0], [1, 1, 0], head="softmax", steps=400)
    >>> path[-1].round(2).tolist()
    [0.5, 0.5, 0.0]
    """
    z, y = _check_head_inputs(z, y)
    if head not in ("sigmoid", "softmax"):
        raise ValueError(f'head must be "sigmoid" or "softmax"; got {head!r}')
    learning_rate = check_in_range(learning_rate, "learning_rate", 0.0, 10.0)
    if learning_rate == 0.0:
        raise ValueError("learning_rate must be > 0; got 0")
    steps = _check_int(steps, "steps", 0, 5000)
    if head == "softmax":
        multilabel_softmax_ce_grad(z, y)  # rejects a target without a positive before the loop
        share = y / y.sum()
        activate = _softmax_row
    else:
        share = y
        activate = special.expit
    # The loop uses the two closed forms (s − y/M and σ(z) − y, the values of
    # multilabel_softmax_ce_grad and bce_with_logits_grad(reduction="sum"), checked against them in
    # the tests) because validating inputs on every one of thousands of steps would dominate.
    path = np.empty((steps + 1, z.size))
    path[0] = activate(z)
    for step in range(1, steps + 1):
        z = z - learning_rate * (path[step - 1] - share)
        path[step] = activate(z)
    return path


def keras_trap_data(n_classes: int, model: str, *, n_samples: int = 1000, seed: int = 0) -> TrapData:
    """A one-hot data set with random classes and one model's per-class sigmoid outputs on it.

    Labels are drawn uniformly from the C classes with ``numpy.random.default_rng(seed)``, so the
    share of class 0 is close to, not exactly, 1/C. The models (``TRAP_MODELS``):

    * "all_zeros": p = 0 everywhere;
    * "constant": p = 1/C everywhere (below the 0.5 threshold for C >= 3, equal to it for C = 2);
    * "decent": p = σ(z) with z_true ~ N(0.5, 1.5²) and z_other ~ N(−4, 1.5²);
    * "random": p ~ Uniform(0, 1) for every class.

    Parameters
    ----------
    n_classes : int
        C, 2 to 1000.
    model : str
        A key of ``TRAP_MODELS``.
    n_samples : int
        N, 1 to 100 000.
    seed : int
        Seed of the generator (labels and the random models' outputs), >= 0.

    Examples
    --------
    >>> d = keras_trap_data(26, "all_zeros", n_samples=10)
    >>> d.y.shape, float(d.p.max())
    ((10, 26), 0.0)
    """
    n_classes = _check_int(n_classes, "n_classes", 2, 1000)
    n_samples = _check_int(n_samples, "n_samples", 1, 100_000)
    seed = _check_int(seed, "seed", 0)
    if model not in TRAP_MODELS:
        raise ValueError(f"model must be one of {sorted(TRAP_MODELS)}; got {model!r}")
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_classes, size=n_samples)
    y = np.zeros((n_samples, n_classes))
    y[np.arange(n_samples), labels] = 1.0
    if model == "all_zeros":
        p = np.zeros_like(y)
    elif model == "constant":
        p = np.full_like(y, 1.0 / n_classes)
    elif model == "decent":
        z = np.where(y == 1.0, rng.normal(0.5, 1.5, y.shape), rng.normal(-4.0, 1.5, y.shape))
        p = special.expit(z)
    else:
        p = rng.uniform(0.0, 1.0, y.shape)
    return TrapData(labels=labels, y=y, p=p, model=model, seed=seed)


def keras_trap_report(data: TrapData, *, threshold: float = 0.5) -> TrapReport:
    """Keras' ``binary_accuracy`` vs ``categorical_accuracy`` (and friends) on ``TrapData``.

    binary accuracy      = (tp + tn) / (N·C)   (every label of every sample counts once)
    categorical accuracy = (1/N)·Σ_i [argmax_c p_ic = label_i]   (first index on ties)

    On one-hot targets each sample has C − 1 zeros and one 1, so a model that outputs 0 for
    everything gets (C − 1)/C binary accuracy: ``binary_accuracy`` counts the correct zeros.

    Examples
    --------
    >>> r = keras_trap_report(keras_trap_data(26, "all_zeros", n_samples=260))
    >>> round(r.binary_accuracy, 4), r.tn, r.tp
    (0.9615, 6500, 0)
    """
    if not isinstance(data, TrapData):
        raise ValueError(f"data must be a TrapData from keras_trap_data; got {type(data).__name__}")
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0)
    counts = confusion_counts(data.y, binarize(data.p, threshold=threshold))
    return TrapReport(
        n_samples=data.n_samples,
        n_classes=data.n_classes,
        binary_accuracy=binary_accuracy(data.y, data.p, threshold=threshold),
        categorical_accuracy=categorical_accuracy(data.y, data.p),
        subset_accuracy=subset_accuracy(data.y, data.p, threshold=threshold),
        tp=counts.tp,
        fp=counts.fp,
        fn=counts.fn,
        tn=counts.tn,
        class0_share=float(np.mean(data.labels == 0)),
        bce=bce(data.p, data.y),
    )


def accuracy_trap_sweep(
    model: str, class_counts, *, n_samples: int = 1000, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Binary and categorical accuracy of one model for each number of classes in ``class_counts``.

    Each C gets its own data set from ``keras_trap_data(C, model, n_samples=n_samples, seed=seed)``.

    Returns
    -------
    (binary_accuracy, categorical_accuracy) : two arrays of the length of ``class_counts``

    Examples
    --------
    >>> binary, categorical = accuracy_trap_sweep("all_zeros", [2, 26], n_samples=10)
    >>> binary.round(4).tolist()
    [0.5, 0.9615]
    """
    counts = as_index_array(class_counts, "class_counts")
    if counts.ndim != 1:
        raise ValueError(f"class_counts must be a 1-d list of class numbers; got shape {counts.shape}")
    binary = np.empty(counts.size)
    categorical = np.empty(counts.size)
    for i, n_classes in enumerate(counts.tolist()):
        data = keras_trap_data(n_classes, model, n_samples=n_samples, seed=seed)
        binary[i] = binary_accuracy(data.y, data.p)
        categorical[i] = categorical_accuracy(data.y, data.p)
    return binary, categorical


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _softmax_backward(s: np.ndarray, dlds: np.ndarray) -> np.ndarray:
    """Chain rule through s = softmax(z): ∂L/∂z_k = s_k·(∂L/∂s_k − Σ_j ∂L/∂s_j·s_j)."""
    # Adding 0.0 turns the −0.0 of a fully clipped row into 0.0 for display.
    return s * (dlds - np.sum(dlds * s, axis=-1, keepdims=True)) + 0.0


def _softmax_row(z: np.ndarray) -> np.ndarray:
    """softmax of one row, shifted by its maximum (scipy's wrapper costs more than the maths here)."""
    e = np.exp(z - z.max())
    return e / e.sum()


def _normalised_first_column_grad(rows: np.ndarray, y: np.ndarray, eps: float) -> np.ndarray:
    """∂L/∂q_0 of Keras' categorical CE on two-column rows that sum to 1, y = [1, 0].

    ``categorical_ce_grad`` differentiates through the renormalisation q = p/S:
    g_k = (d_k − Σ_j d_j·q_j)/S with d = −y/q̂ (0 where q was clipped). Here S = 1 and d_1 = 0,
    so g_0 − g_1 = d_0: −1/q̂_0 inside [eps, 1 − eps] and 0 outside.
    """
    g = categorical_ce_grad(rows, y, eps=eps, reduction="none")
    return g[:, 0] - g[:, 1]


def _check_head_inputs(z, y):
    z = as_float_array(z, "z")
    y = as_float_array(y, "y")
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"z must be one row of at least 2 logits, shape (C,); got shape {z.shape}")
    if y.shape != z.shape:
        raise ValueError(f"y must have the same shape as z {z.shape}; got {y.shape}")
    if not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError("y must be multi-hot (only 0s and 1s); got other values")
    return z, y


def _check_class(value, n_classes: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a class index (an integer); got {value!r}")
    if not 0 <= value < n_classes:
        raise ValueError(f"{name} must be in [0, {n_classes - 1}]; got {value}")
    return int(value)


def _check_int(value, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {bound}; got {value}")
    return int(value)

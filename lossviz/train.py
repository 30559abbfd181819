"""A full-batch gradient-descent trainer for the toy binary problems, micrograd-sized.

One loop: forward → loss gradient (the analytic ``*_grad`` functions of ``lossviz.losses``) →
backpropagation through the model by hand → SGD update (torch semantics for momentum and
weight decay). No autograd. ``train`` returns a frozen ``Trajectory`` holding, per recorded
epoch, the loss, accuracy, weight norm, every sample's logit and probability and, for 2-D data,
the decision surface on a grid, ready to animate.

Models: "logistic" (a linear head on the inputs) or "mlp" (one tanh hidden layer, then the
head). Heads: "sigmoid" (one logit z, P(class 1) = σ(z)) with losses "bce"
(``bce_with_logits``), "mse" (``sigmoid_mse``, squared error through the sigmoid) or "focal"
(``sigmoid_focal_loss``); or "softmax" (two logits z0, z1, P(class 1) = softmax(z)₁ =
σ(z1 − z0)) with loss "ce" (``cross_entropy`` with class-index targets).

``matched_softmax`` builds, from a sigmoid-head configuration, the softmax-head configuration
and initial weights whose predictions equal the sigmoid head's at every epoch (lesson "one
sigmoid vs two softmax neurons"); its docstring has the algebra.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
from scipy import special

from lossviz._validation import (
    as_float_array,
    as_index_array,
    check_in_range,
    check_nonnegative_scalar,
)
from lossviz.losses import (
    _bce_logits_derivative,
    _check_cross_entropy,
    _cross_entropy_index_grad_kernel,
    _focal_grad_kernel,
    _scale,
    _sigmoid_mse_derivative,
    bce_with_logits,
    bce_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
    sigmoid_focal_loss,
    sigmoid_focal_loss_grad,
    sigmoid_mse,
    sigmoid_mse_grad,
)

__all__ = [
    "HEADS",
    "LOSSES_BY_HEAD",
    "MODELS",
    "Params",
    "TrainConfig",
    "Trajectory",
    "init_params",
    "loss_and_grad",
    "matched_softmax",
    "train",
    "train_together",
]

MODELS = ("logistic", "mlp")
HEADS = ("sigmoid", "softmax")
LOSSES_BY_HEAD = MappingProxyType({"sigmoid": ("bce", "mse", "focal"), "softmax": ("ce",)})
"""The losses each head accepts; the first is the default."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run (validated on construction).

    Attributes
    ----------
    model : {"logistic", "mlp"}
        A linear model, or one hidden layer of ``hidden`` tanh units.
    head : {"sigmoid", "softmax"}
        One output logit, or two.
    loss : str or None
        "bce", "mse" or "focal" for the sigmoid head, "ce" for the softmax head; None picks
        "bce" resp. "ce".
    hidden : int, >= 1
        Hidden units of the MLP (ignored by "logistic").
    lr : float, > 0
        Learning rate.
    momentum : float in [0, 1)
        Heavy-ball momentum as ``torch.optim.SGD`` (dampening 0, no Nesterov):
        buf ← momentum·buf + g, then θ ← θ − lr·buf.
    weight_decay : float, >= 0
        λ added to the gradient as λ·W, as ``torch.optim.SGD``'s ``weight_decay`` (the gradient
        of the penalty (λ/2)·‖W‖²). It applies to the weight matrices only: biases are never
        decayed (torch decays every parameter it is given; leaving biases out is the common
        practice and keeps the intercept free).
    label_smoothing : float in [0, 1]
        Sigmoid head: the target becomes y' = y·(1 − ls) + ls/2 (for every sigmoid loss).
        Softmax head: ``cross_entropy``'s ``label_smoothing``. For two classes these are the
        same loss of the logit difference (see ``matched_softmax``).
    alpha, gamma : float
        Focal-loss parameters (α in [0, 1], or negative to disable the α weighting; γ >= 0).
    epochs : int, >= 1
        Number of full-batch updates.
    seed : int, >= 0
        Seed of the MLP's initial weights (the logistic model starts at zero).
    head_lr, head_weight_decay : float or None
        Learning rate and weight decay of the head's parameters when they differ from ``lr``
        and ``weight_decay`` (None: the same). ``matched_softmax`` uses them.
    """

    model: str = "logistic"
    head: str = "sigmoid"
    loss: str | None = None
    hidden: int = 16
    lr: float = 0.5
    momentum: float = 0.0
    weight_decay: float = 0.0
    label_smoothing: float = 0.0
    alpha: float = 0.25
    gamma: float = 2.0
    epochs: int = 500
    seed: int = 0
    head_lr: float | None = None
    head_weight_decay: float | None = None

    def __post_init__(self):
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {_quoted(MODELS)}; got {self.model!r}")
        if self.head not in HEADS:
            raise ValueError(f"head must be one of {_quoted(HEADS)}; got {self.head!r}")
        allowed = LOSSES_BY_HEAD[self.head]
        loss = allowed[0] if self.loss is None else self.loss
        if loss not in allowed:
            raise ValueError(
                f"loss must be one of {_quoted(allowed)} for the {self.head} head; got {loss!r}"
            )
        values = {
            "loss": loss,
            "hidden": _check_int(self.hidden, "hidden", minimum=1),
            "lr": _check_positive(self.lr, "lr"),
            "momentum": _check_momentum(self.momentum),
            "weight_decay": check_nonnegative_scalar(self.weight_decay, "weight_decay"),
            "label_smoothing": check_in_range(self.label_smoothing, "label_smoothing", 0.0, 1.0),
            "alpha": _check_alpha(self.alpha),
            "gamma": check_nonnegative_scalar(self.gamma, "gamma"),
            "epochs": _check_int(self.epochs, "epochs", minimum=1),
            "seed": _check_int(self.seed, "seed", minimum=0),
        }
        if self.head_lr is not None:
            values["head_lr"] = _check_positive(self.head_lr, "head_lr")
        if self.head_weight_decay is not None:
            values["head_weight_decay"] = check_nonnegative_scalar(
                self.head_weight_decay, "head_weight_decay"
            )
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def n_outputs(self) -> int:
        """Logits per sample: 1 for the sigmoid head, 2 for the softmax head."""
        return 1 if self.head == "sigmoid" else 2


@dataclass(frozen=True)
class Params:
    """The model's parameters (read-only float64 arrays).

    Attributes
    ----------
    head_weight : ndarray, shape (m, k)
        m = n_features (logistic) or hidden (mlp); k = 1 (sigmoid head) or 2 (softmax head,
        column j gives logit z_j).
    head_bias : ndarray, shape (k,)
    hidden_weight : ndarray, shape (n_features, hidden), or None for the logistic model
    hidden_bias : ndarray, shape (hidden,), or None for the logistic model
    """

    head_weight: np.ndarray
    head_bias: np.ndarray
    hidden_weight: np.ndarray | None = None
    hidden_bias: np.ndarray | None = None

    def __post_init__(self):
        for name in ("head_weight", "head_bias", "hidden_weight", "hidden_bias"):
            value = getattr(self, name)
            if value is not None:
                array = as_float_array(value, name).copy()
                array.flags.writeable = False
                object.__setattr__(self, name, array)
        if (self.hidden_weight is None) != (self.hidden_bias is None):
            raise ValueError(
                "hidden_weight and hidden_bias must be given together (mlp) or both None "
                f"(logistic); got hidden_weight={_kind(self.hidden_weight)}, "
                f"hidden_bias={_kind(self.hidden_bias)}"
            )

    @property
    def weight_norm(self) -> float:
        """The L2 norm of every weight matrix together, biases excluded (what decay shrinks)."""
        return _weight_norm(_param_list(self))


@dataclass(frozen=True)
class Trajectory:
    """Everything recorded by ``train``: R recorded epochs, n training and n_val validation samples.

    Attributes
    ----------
    config : TrainConfig
    epochs : ndarray, shape (R,), int64
        The recorded epochs: 0 (before any update), every ``record_every``-th, and the last.
        Epoch e is the state after e updates.
    loss : ndarray, shape (R,)
        Mean training loss (with label smoothing when set), without the weight-decay penalty.
    accuracy : ndarray, shape (R,)
        Training accuracy of the rule "class 1 when the logit z > 0" (P(class 1) > 0.5).
    weight_norm : ndarray, shape (R,)
        ‖W‖ of all weight matrices, biases excluded (``Params.weight_norm``).
    logits : ndarray, shape (R, n)
        The single logit z (sigmoid head) or the equivalent logit z1 − z0 (softmax head).
    probs : ndarray, shape (R, n)
        P(class 1) = σ(logits).
    raw_logits : ndarray, shape (R, n, 2), or None
        The softmax head's two logits (z0, z1); None for the sigmoid head.
    val_loss, val_accuracy : ndarray, shape (R,), or None
        As ``loss`` and ``accuracy`` on the validation data, when given.
    val_logits, val_probs : ndarray, shape (R, n_val), or None
    val_raw_logits : ndarray, shape (R, n_val, 2), or None
    grid_x, grid_y : ndarray, shape (G,), or None
        Grid coordinates of the decision surface (2-D data only).
    surface : ndarray, shape (R, G, G), or None
        P(class 1) on the grid: ``surface[r, i, j]`` is at (grid_x[j], grid_y[i]), the row-major
        layout of Plotly's heatmap/contour ``z``.
    final_params : Params
        The parameters after the last epoch.
    """

    config: TrainConfig
    epochs: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    weight_norm: np.ndarray
    logits: np.ndarray
    probs: np.ndarray
    raw_logits: np.ndarray | None
    val_loss: np.ndarray | None
    val_accuracy: np.ndarray | None
    val_logits: np.ndarray | None
    val_probs: np.ndarray | None
    val_raw_logits: np.ndarray | None
    grid_x: np.ndarray | None
    grid_y: np.ndarray | None
    surface: np.ndarray | None
    final_params: Params

    def __post_init__(self):
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False


def init_params(config: TrainConfig, n_features: int = 2) -> Params:
    """The initial parameters ``train`` uses when ``init`` is not given.

    Parameters
    ----------
    config : TrainConfig
    n_features : int, >= 1
        Input dimension d.

    Returns
    -------
    Params
        Logistic model: all zeros (the textbook start of a convex problem; ``seed`` is unused).
        MLP: hidden weights ~ N(0, 1/d), hidden biases ~ N(0, 0.5²), head vector v ~ N(0, 1/h),
        head bias 0, drawn from ``np.random.default_rng(config.seed)``. The sigmoid head gets
        w = v; the softmax head gets (w0, w1) = (−v/2, v/2), so that w1 − w0 = v: both heads
        start as the same function, for the same seed.

    Examples
    --------
    >>> init_params(TrainConfig(model="mlp", hidden=3), 2).hidden_weight.shape
    (2, 3)
    """
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig; got {type(config).__name__}")
    n_features = _check_int(n_features, "n_features", minimum=1)
    if config.model == "logistic":
        return Params(
            head_weight=np.zeros((n_features, config.n_outputs)),
            head_bias=np.zeros(config.n_outputs),
        )
    rng = np.random.default_rng(config.seed)
    hidden_weight = rng.standard_normal((n_features, config.hidden)) / np.sqrt(n_features)
    hidden_bias = 0.5 * rng.standard_normal(config.hidden)
    v = rng.standard_normal(config.hidden) / np.sqrt(config.hidden)
    head_weight = v[:, None] if config.head == "sigmoid" else np.stack([-v / 2, v / 2], axis=1)
    return Params(
        head_weight=head_weight,
        head_bias=np.zeros(config.n_outputs),
        hidden_weight=hidden_weight,
        hidden_bias=hidden_bias,
    )


def matched_softmax(
    config: TrainConfig, params: Params | None = None, *, n_features: int = 2
) -> tuple[TrainConfig, Params]:
    """The softmax-head run that makes the same predictions as a sigmoid-head BCE run, every epoch.

    Parameters
    ----------
    config : TrainConfig
        A sigmoid-head configuration with loss "bce".
    params : Params, optional
        Its initial parameters (default ``init_params(config, n_features)``).
    n_features : int
        Input dimension, used only when ``params`` is None.

    Returns
    -------
    (softmax_config, softmax_params) : (TrainConfig, Params)
        ``head="softmax"``, ``loss="ce"``, the head's learning rate halved and its weight decay
        doubled (``head_lr``, ``head_weight_decay``), everything else unchanged; the head split
        as (w0, w1) = (−w/2, w/2), (b0, b1) = (−b/2, b/2), the hidden layer copied.

    Notes
    -----
    Two logits enter the softmax only through their difference: softmax(z0, z1)₁ = σ(z1 − z0),
    and for two classes torch's cross-entropy with label smoothing ls equals BCE on d = z1 − z0
    with target y' = y·(1 − ls) + ls/2 (smoothed class-1 probability (1 − ls) + ls/2 for y = 1,
    ls/2 for y = 0). So with g = dL/dd the softmax head gets dL/dz1 = g and dL/dz0 = −g.

    Write w = w1 − w0 for the head's difference weights (the bias likewise) and h for the
    features. The sigmoid head's step is w ← w − η·(hᵀg + λ·w). Stepping w1 and w0 separately
    with rate η' and decay λ' moves the difference by
    w1 − w0 ← (w1 − w0) − η'·(2·hᵀg + λ'·(w1 − w0)),
    i.e. twice the sigmoid's gradient step when η' = η: the same data, the same loss, but the
    logit difference moves twice as fast. With η' = η/2 and λ' = 2λ this is exactly the sigmoid
    step (η'·λ' = η·λ keeps weight decay's per-step shrink factor 1 − η·λ). Momentum buffers
    are linear in the gradients, so buf1 − buf0 = 2·buf and the update η'·(buf1 − buf0) = η·buf
    agrees too. The sum w1 + w0 only decays (its gradients cancel) and never reaches the
    predictions. Backpropagating into an MLP's hidden layer gives
    g·w1ᵀ − g·w0ᵀ = g·(w1 − w0)ᵀ = g·wᵀ, the sigmoid head's signal, so the hidden layer keeps
    the original η and λ. Starting from w1 − w0 = w, the two runs then produce the same logits
    at every epoch, up to rounding (about 1e-15 after hundreds of epochs in the tests).

    Examples
    --------
    >>> soft, _ = matched_softmax(TrainConfig(lr=0.4, weight_decay=0.01))
    >>> soft.head, soft.head_lr, soft.head_weight_decay
    ('softmax', 0.2, 0.02)
    """
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig; got {type(config).__name__}")
    if config.head != "sigmoid" or config.loss != "bce":
        raise ValueError(
            'config must be a sigmoid-head configuration with loss "bce" (the one loss whose '
            f'two-class softmax twin is "ce"); got head={config.head!r}, loss={config.loss!r}'
        )
    if params is None:
        params = init_params(config, n_features)
    elif not isinstance(params, Params):
        raise ValueError(f"params must be a Params; got {type(params).__name__}")
    source = params.head_weight if params.hidden_weight is None else params.hidden_weight
    _check_params(params, config, source.shape[0], "params")
    head_lr = config.lr if config.head_lr is None else config.head_lr
    head_decay = (
        config.weight_decay if config.head_weight_decay is None else config.head_weight_decay
    )
    softmax_config = replace(
        config,
        head="softmax",
        loss="ce",
        head_lr=head_lr / 2,
        head_weight_decay=2 * head_decay,
    )
    w, b = params.head_weight[:, 0], params.head_bias[0]
    softmax_params = Params(
        head_weight=np.stack([-w / 2, w / 2], axis=1),
        head_bias=np.array([-b / 2, b / 2]),
        hidden_weight=params.hidden_weight,
        hidden_bias=params.hidden_bias,
    )
    return softmax_config, softmax_params


def loss_and_grad(params: Params, X, y, config: TrainConfig) -> tuple[float, Params]:
    """The training objective and its gradient with respect to every parameter.

    Parameters
    ----------
    params : Params
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels 0 or 1.
    config : TrainConfig

    Returns
    -------
    (objective, grads) : (float, Params)
        objective = mean loss + (λ/2)·‖W_hidden‖² + (λ_head/2)·‖W_head‖² (biases not
        penalised); ``grads`` holds d objective / d parameter in the parameters' shapes. The
        gradients are what ``train`` steps with; this function exists to check them.

    Notes
    -----
    Backpropagation: with G = dL/dZ (n, k) from the loss's ``*_grad`` function,
    dW_head = Hᵀ·G + λ_head·W_head, db_head = Σ_n G; for the MLP, H = tanh(A),
    A = X·W_hidden + b_hidden, dA = (G·W_headᵀ) ⊙ (1 − H²), dW_hidden = Xᵀ·dA + λ·W_hidden,
    db_hidden = Σ_n dA.
    """
    X, y = _check_data(X, y, "X", "y")
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig; got {type(config).__name__}")
    _check_params(params, config, X.shape[1], "params")
    problem = _Problem(config, y)
    arrays = _param_list(params)
    hidden, logits = _forward(arrays, X)
    grads = _backward(arrays, X, hidden, problem.grad(logits), problem.decays)
    objective = problem.mean_loss(logits)
    for weight, decay in zip(arrays[::2], problem.decays[::2], strict=True):
        objective += 0.5 * decay * float(np.sum(weight**2))
    return objective, _params_from_list(grads)


def train(
    X,
    y,
    config: TrainConfig | None = None,
    *,
    init: Params | None = None,
    X_val=None,
    y_val=None,
    record_every: int = 5,
    grid_size: int = 60,
    grid_margin: float = 0.1,
    grid_bounds=None,
) -> Trajectory:
    """Full-batch gradient descent; the whole history, ready to animate.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Training inputs.
    y : array_like, shape (n,)
        Training labels, 0 or 1.
    config : TrainConfig, optional
        Model, head, loss and optimiser (default ``TrainConfig()``: logistic regression, sigmoid
        head, BCE, lr 0.5, 500 epochs).
    init : Params, optional
        Initial parameters (default ``init_params(config, d)``).
    X_val, y_val : array_like, optional
        Validation data (both or neither), recorded alongside.
    record_every : int, >= 1
        Record every k-th epoch; epoch 0 and the last epoch are always recorded.
    grid_size : int, 0 or >= 2
        Decision-surface resolution G (G × G points) for 2-D data; 0 records no surface.
    grid_margin : float, >= 0
        Padding of the grid around the data (training and validation), as a fraction of the
        data's extent along each axis.
    grid_bounds : ((x_min, x_max), (y_min, y_max)), optional
        Explicit grid bounds, overriding the data extent and ``grid_margin``.

    Returns
    -------
    Trajectory

    Notes
    -----
    Each epoch: Z = model(X); G = dL/dZ from the loss's analytic ``*_grad`` (mean reduction);
    backpropagation (see ``loss_and_grad``); then for every parameter θ with gradient g:
    g ← g + λ·θ (weight matrices only), buf ← μ·buf + g, θ ← θ − η·buf. The run is
    deterministic: the only randomness is the seeded MLP initialisation.

    Examples
    --------
    >>> from lossviz.data import make_dataset
    >>> data = make_dataset("separable", 100)
    >>> run = train(data.X, data.y, TrainConfig(epochs=50), record_every=10, grid_size=0)
    >>> run.epochs.tolist(), float(run.accuracy[-1])
    ([0, 10, 20, 30, 40, 50], 1.0)
    """
    if config is None:
        config = TrainConfig()
    elif not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig; got {type(config).__name__}")
    X, y = _check_data(X, y, "X", "y")
    n_features = X.shape[1]
    if (X_val is None) != (y_val is None):
        raise ValueError(
            "X_val and y_val must be given together; got "
            f"X_val={_kind(X_val)}, y_val={_kind(y_val)}"
        )
    has_val = X_val is not None
    if has_val:
        X_val, y_val = _check_data(X_val, y_val, "X_val", "y_val")
        if X_val.shape[1] != n_features:
            raise ValueError(
                f"X_val must have {n_features} columns like X; got shape {X_val.shape}"
            )
    if init is None:
        init = init_params(config, n_features)
    else:
        _check_params(init, config, n_features, "init")
    record_every = _check_int(record_every, "record_every", minimum=1)
    grid_size = _check_grid_size(grid_size)
    grid_margin = check_nonnegative_scalar(grid_margin, "grid_margin")
    if grid_bounds is not None:
        grid_bounds = _check_grid_bounds(grid_bounds)

    problem = _Problem(config, y)
    recorded = _recorded_epochs(config.epochs, record_every)
    (snapshots,) = _descend(X, [config], [init], problem, recorded)

    return _assemble(
        config,
        problem,
        X,
        y,
        X_val,
        y_val,
        recorded,
        snapshots,
        grid_size,
        grid_margin,
        grid_bounds,
    )


def train_together(
    X,
    y,
    configs,
    *,
    inits=None,
    record_every: int = 5,
    grid_size: int = 0,
    grid_margin: float = 0.1,
    grid_bounds=None,
) -> tuple[Trajectory, ...]:
    """Several runs on the same data in one loop: ``train(X, y, c, init=i, ...)`` for each.

    The runs may differ in their learning rates, weight decays, focal α and initial parameters;
    model, head, loss, hidden units, momentum, label smoothing, focal γ and epochs must agree.
    Their parameters are stacked on a leading axis, so every epoch is one set of array
    operations for all of them: on 200 samples, where an operation's overhead is most of its
    cost, two runs train in 70 – 80 % of the time of two separate calls. The trajectories are
    those of separate ``train`` calls, bit for bit (tests/test_train.py). A run that diverges
    raises the ``ValueError`` its own ``train`` call would; with several, the first in
    ``configs``'s order.

    Parameters
    ----------
    X, y : array_like
        As for ``train``.
    configs : sequence of TrainConfig
    inits : sequence of Params, optional
        One per config (default ``init_params`` of each).
    record_every, grid_size, grid_margin, grid_bounds
        As for ``train`` (no validation data).
    """
    X, y = _check_data(X, y, "X", "y")
    configs = list(configs) if isinstance(configs, (list, tuple)) else configs
    if not isinstance(configs, list) or not configs or not all(isinstance(c, TrainConfig) for c in configs):
        raise ValueError(f"configs must be a non-empty list or tuple of TrainConfig; got {configs!r}")
    shared = ("model", "head", "loss", "hidden", "momentum", "label_smoothing", "gamma", "epochs")
    for name in shared:
        values = [getattr(c, name) for c in configs]
        if any(value != values[0] for value in values):
            raise ValueError(f"configs must agree on {name} to train together; got {values}")
    n_features = X.shape[1]
    if inits is None:
        inits = [init_params(c, n_features) for c in configs]
    else:
        inits = list(inits) if isinstance(inits, (list, tuple)) else inits
        if not isinstance(inits, list) or len(inits) != len(configs):
            raise ValueError(f"inits must be a list of {len(configs)} Params, one per config; got {inits!r}")
        for index, (config, init) in enumerate(zip(configs, inits, strict=True)):
            _check_params(init, config, n_features, f"inits[{index}]")
    record_every = _check_int(record_every, "record_every", minimum=1)
    grid_size = _check_grid_size(grid_size)
    grid_margin = check_nonnegative_scalar(grid_margin, "grid_margin")
    if grid_bounds is not None:
        grid_bounds = _check_grid_bounds(grid_bounds)
    recorded = _recorded_epochs(configs[0].epochs, record_every)
    alphas = [c.alpha for c in configs] if configs[0].loss == "focal" and len(configs) > 1 else None
    problem = _Problem(configs[0], y, runs=len(configs), alphas=alphas)
    runs = _descend(X, configs, inits, problem, recorded)
    return tuple(
        _assemble(
            config, _Problem(config, y), X, y, None, None, recorded, snapshots, grid_size, grid_margin, grid_bounds
        )
        for config, snapshots in zip(configs, runs, strict=True)
    )


def _recorded_epochs(epochs: int, record_every: int) -> np.ndarray:
    return np.unique(np.r_[np.arange(0, epochs + 1, record_every), epochs])


def _descend(X, configs, inits, problem, recorded) -> list[list]:
    """Full-batch gradient descent of the runs ``configs`` (stacked), recording (logits, params) per run.

    Each parameter of every run lives in one array with the runs on the leading axis (biases as
    (runs, 1, k), so that they broadcast over the samples); learning rates and weight decays are
    arrays over the runs where the runs differ. Every epoch: Z = model(X); G = dL/dZ;
    backpropagation; g ← g + λ·θ (weight matrices), buf ← μ·buf + g, θ ← θ − η·buf.
    """
    runs = len(configs)
    per_run = [_Problem.optimiser(config) for config in configs]
    if runs == 1:
        # One run keeps its own shapes: (n, k) logits, no stacking and no per-run views.
        arrays = [np.array(a) for a in _param_list(inits[0])]
    else:
        arrays = [np.stack([np.array(a) for a in group]) for group in zip(*map(_param_list, inits), strict=True)]
        arrays[1::2] = [bias[:, None, :] for bias in arrays[1::2]]
    lrs = [_per_run([p[0][i] for p in per_run], array) for i, array in enumerate(arrays)]
    decays = [_per_run([p[1][i] for p in per_run], array) for i, array in enumerate(arrays)]
    momentum = configs[0].momentum
    buffers = [np.zeros_like(a) for a in arrays] if momentum else None
    snapshots: list[list] = [[] for _ in range(runs)]
    diverged: list[int | None] = [None] * runs
    next_record = 0
    epochs = configs[0].epochs

    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs + 1):
            hidden, logits = _forward(arrays, X)
            if not np.isfinite(logits).all():
                for run in range(runs):
                    if diverged[run] is None and (runs == 1 or not np.isfinite(logits[run]).all()):
                        diverged[run] = epoch
                # The error is the first run's (in order) that diverges at all, as separate calls.
                if diverged[0] is not None or None not in diverged:
                    break
            if epoch == recorded[next_record]:
                copies = [a.copy() for a in arrays]
                if runs == 1:
                    snapshots[0].append((logits, copies))
                else:
                    for run in range(runs):
                        params = [c[run] if i % 2 == 0 else c[run, 0] for i, c in enumerate(copies)]
                        snapshots[run].append((logits[run], params))
                next_record += 1
            if epoch == epochs:
                break
            grads = _backward(arrays, X, hidden, problem.grad(logits), decays)
            for i, (param, grad) in enumerate(zip(arrays, grads, strict=True)):
                if momentum:
                    buffers[i] *= momentum
                    buffers[i] += grad
                    grad = buffers[i]
                param -= lrs[i] * grad

    for config, epoch in zip(configs, diverged, strict=True):
        if epoch is not None:
            raise ValueError(
                f"lr must be small enough for training to stay finite; got lr={config.lr:g} "
                f"(momentum={config.momentum:g}), which diverged at epoch {epoch} (non-finite "
                "logits)"
            )
    return snapshots


def _per_run(values: list[float], array: np.ndarray):
    """One run's value as a scalar, or the runs' values as an array that broadcasts over ``array``."""
    if all(value == values[0] for value in values):
        return values[0]
    return np.array(values).reshape((len(values),) + (1,) * (array.ndim - 1))


class _Problem:
    """The loss side of a run: targets, the gradient call per epoch, batched loss values."""

    def __init__(self, config: TrainConfig, y: np.ndarray, runs: int = 1, alphas=None):
        self.config = config
        self.softmax = config.head == "softmax"
        self.target = self.targets(y)
        ls = config.label_smoothing
        if config.loss == "ce":
            self._value, self._grad, self._options = (
                cross_entropy,
                cross_entropy_grad,
                {"label_smoothing": ls},
            )
        elif config.loss == "bce":
            self._value, self._grad, self._options = bce_with_logits, bce_with_logits_grad, {}
        elif config.loss == "mse":
            self._value, self._grad, self._options = sigmoid_mse, sigmoid_mse_grad, {}
        else:
            focal = {"alpha": config.alpha, "gamma": config.gamma}
            self._value, self._grad, self._options = (
                sigmoid_focal_loss,
                sigmoid_focal_loss_grad,
                focal,
            )
        self.lrs, self.decays = self.optimiser(config)
        self._kernel = self._step_kernel(len(y), runs, alphas)

    @staticmethod
    def optimiser(config: TrainConfig) -> tuple[list[float], list[float]]:
        """Learning rate and weight decay of each parameter, ordered as ``_param_list``."""
        head_lr = config.lr if config.head_lr is None else config.head_lr
        head_decay = config.weight_decay if config.head_weight_decay is None else config.head_weight_decay
        lrs, decays = [head_lr, head_lr], [head_decay, 0.0]
        if config.model == "mlp":
            lrs += [config.lr, config.lr]
            decays += [config.weight_decay, 0.0]
        return lrs, decays

    def _step_kernel(self, n: int, runs: int, alphas):
        """d(mean loss)/dZ for one epoch's logits (``runs`` runs stacked in front), from the loss's own kernel.

        Bit for bit what the loss's ``*_grad`` function returns with reduction "mean" (the same
        kernel and the same division), without re-checking targets and options on every epoch:
        they are checked here, once, by calling that function. On 200 samples the checks cost
        about as much as the arithmetic (tests/test_train.py compares the two).
        """
        k = 2 if self.softmax else 1
        probe = np.zeros((n, k)) if self.softmax else np.zeros(n)
        self._grad(probe, self.target, **self._options)
        target, loss = self.target, self.config.loss
        if loss == "ce":
            checked = _check_cross_entropy(probe, target, -1, None, -100, self.config.label_smoothing)
            return _cross_entropy_index_grad_kernel(checked[1], k, self.config.label_smoothing, runs)
        # Each run's mean is over its own n samples (z holds ``runs`` of them stacked).
        if loss == "bce":
            return lambda z: _scale(_bce_logits_derivative(z, target, None, None), "mean", n)
        if loss == "mse":
            return lambda z: _scale(_sigmoid_mse_derivative(z, target), "mean", n)
        alpha = float(self.config.alpha) if alphas is None else np.array(alphas, dtype=np.float64)
        focal_grad = _focal_grad_kernel(target, alpha, float(self.config.gamma))
        return lambda z: _scale(focal_grad(z), "mean", n)

    def targets(self, y: np.ndarray) -> np.ndarray:
        """Index targets for the softmax head; smoothed float targets y(1 − ls) + ls/2 otherwise."""
        if self.softmax:
            return y
        ls = self.config.label_smoothing
        return y * (1.0 - ls) + ls / 2 if ls else y.astype(np.float64)

    def grad(self, logits: np.ndarray) -> np.ndarray:
        """dL/dZ for logits Z of shape (n, k), or (runs, n, k) for stacked runs; mean reduction."""
        if self.softmax:
            return self._kernel(logits)
        return self._kernel(logits[..., 0])[..., None]

    def checked_grad(self, logits: np.ndarray) -> np.ndarray:
        """``grad`` through the loss's public, input-checking ``*_grad`` function."""
        if self.softmax:
            return self._grad(logits, self.target, **self._options)
        return self._grad(logits[:, 0], self.target, **self._options)[:, None]

    def mean_loss(self, logits: np.ndarray) -> float:
        """The mean training loss of one set of logits (n, k)."""
        z = logits if self.softmax else logits[:, 0]
        return float(self._value(z, self.target, **self._options))

    def frame_losses(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Mean loss of each frame of stacked logits (R, n, k), in one call to the loss."""
        z = logits if self.softmax else logits[..., 0]
        stacked = np.broadcast_to(target, z.shape[:2])
        values = self._value(z, stacked, reduction="none", **self._options)
        return values.mean(axis=1)


def _forward(arrays, X):
    """Hidden activations H (the inputs themselves for the logistic model) and logits Z (n, k).

    With runs stacked (``_descend``: weights (runs, ·, ·), biases (runs, 1, ·)), Z is (runs, n, k).
    """
    if len(arrays) == 2:
        return X, X @ arrays[0] + arrays[1]
    hidden = np.tanh(X @ arrays[2] + arrays[3])
    return hidden, hidden @ arrays[0] + arrays[1]


def _backward(arrays, X, hidden, grad_logits, decays):
    """Gradients of the objective, ordered as ``arrays``: head W, head b, hidden W, hidden b.

    The sample axis is the second to last, so that stacked runs (``_forward``) work alike; a
    weight decay is a number or an array over the runs, and 0 adds nothing.
    """
    stacked = grad_logits.ndim == 3
    grads = [hidden.swapaxes(-1, -2) @ grad_logits, grad_logits.sum(axis=-2, keepdims=stacked)]
    if not _is_zero(decays[0]):
        grads[0] += decays[0] * arrays[0]
    if len(arrays) == 4:
        grad_pre = (grad_logits @ arrays[0].swapaxes(-1, -2)) * (1.0 - hidden * hidden)
        grads += [X.T @ grad_pre, grad_pre.sum(axis=-2, keepdims=stacked)]
        if not _is_zero(decays[2]):
            grads[2] += decays[2] * arrays[2]
    return grads


def _is_zero(decay) -> bool:
    return not isinstance(decay, np.ndarray) and not decay


def _assemble(
    config, problem, X, y, X_val, y_val, recorded, snapshots, grid_size, grid_margin, grid_bounds
) -> Trajectory:
    """Turn the per-epoch snapshots (logits, parameters) into the recorded arrays."""
    raw = np.stack([logits for logits, _ in snapshots])
    loss = problem.frame_losses(raw, problem.target)
    weight_norm = np.array([_weight_norm(params) for _, params in snapshots])
    logits, probs, accuracy = _predictions(raw, y)

    val = dict.fromkeys(("val_loss", "val_accuracy", "val_logits", "val_probs", "val_raw_logits"))
    if X_val is not None:
        val_raw = np.stack([_forward(params, X_val)[1] for _, params in snapshots])
        val["val_logits"], val["val_probs"], val["val_accuracy"] = _predictions(val_raw, y_val)
        val["val_loss"] = problem.frame_losses(val_raw, problem.targets(y_val))
        val["val_raw_logits"] = val_raw if problem.softmax else None

    grid_x = grid_y = surface = None
    if X.shape[1] == 2 and grid_size:
        points = X if X_val is None else np.concatenate([X, X_val])
        grid_x, grid_y = _grid_axes(points, grid_size, grid_margin, grid_bounds)
        grid = np.stack(np.meshgrid(grid_x, grid_y), axis=-1).reshape(-1, 2)
        surface = _surface([params for _, params in snapshots], grid).reshape(
            -1, grid_size, grid_size
        )

    return Trajectory(
        config=config,
        epochs=recorded.astype(np.int64),
        loss=loss,
        accuracy=accuracy,
        weight_norm=weight_norm,
        logits=logits,
        probs=probs,
        raw_logits=raw if problem.softmax else None,
        grid_x=grid_x,
        grid_y=grid_y,
        surface=surface,
        final_params=_params_from_list(snapshots[-1][1]),
        **val,
    )


def _surface(snapshots, grid: np.ndarray) -> np.ndarray:
    """P(class 1) at every grid point (P, 2) for every snapshot's parameters: shape (R, P).

    The MLP's hidden layer on the grid is R × P × hidden values (about 6e6 for the default
    100 frames of 60 × 60 and 16 units), where ``np.tanh`` dominates the run time; it is computed
    in place as tanh(a) = 1 − 2/(exp(2a) + 1), about twice as fast, with absolute error ~1e-16
    (exp(2a) = inf gives exactly 1), which is far below what a plot can show.
    """
    surface = np.empty((len(snapshots), grid.shape[0]))
    buffer = None
    for frame, arrays in enumerate(snapshots):
        if len(arrays) == 2:
            features = grid
        else:
            if buffer is None:
                buffer = np.empty((grid.shape[0], arrays[2].shape[1]))
            np.matmul(grid, 2.0 * arrays[2], out=buffer)
            buffer += 2.0 * arrays[3]
            with np.errstate(over="ignore"):
                np.exp(buffer, out=buffer)
            buffer += 1.0
            np.divide(-2.0, buffer, out=buffer)
            buffer += 1.0
            features = buffer
        z = features @ arrays[0] + arrays[1]
        surface[frame] = special.expit(z[:, 1] - z[:, 0] if z.shape[1] == 2 else z[:, 0])
    return surface


def _predictions(raw: np.ndarray, y: np.ndarray):
    """Equivalent single logit, P(class 1) and accuracy per frame from stacked logits (R, n, k)."""
    logits = raw[..., 0] if raw.shape[-1] == 1 else raw[..., 1] - raw[..., 0]
    probs = special.expit(logits)
    accuracy = ((logits > 0) == (y == 1)).mean(axis=1)
    return logits, probs, accuracy


def _grid_axes(points, grid_size, grid_margin, grid_bounds):
    if grid_bounds is None:
        low, high = points.min(axis=0), points.max(axis=0)
        span = np.where(high > low, high - low, 2.0)
        centre = (low + high) / 2
        low = centre - span * (0.5 + grid_margin)
        high = centre + span * (0.5 + grid_margin)
        grid_bounds = ((low[0], high[0]), (low[1], high[1]))
    return tuple(np.linspace(lo, hi, grid_size) for lo, hi in grid_bounds)


def _weight_norm(arrays) -> float:
    return float(np.sqrt(sum(float(np.sum(weight * weight)) for weight in arrays[::2])))


def _param_list(params: Params) -> list:
    arrays = [params.head_weight, params.head_bias]
    if params.hidden_weight is not None:
        arrays += [params.hidden_weight, params.hidden_bias]
    return arrays


def _params_from_list(arrays) -> Params:
    if len(arrays) == 2:
        return Params(head_weight=arrays[0], head_bias=arrays[1])
    return Params(arrays[0], arrays[1], hidden_weight=arrays[2], hidden_bias=arrays[3])


def _check_data(X, y, name_x: str, name_y: str):
    X = as_float_array(X, name_x)
    if X.ndim != 2:
        raise ValueError(
            f"{name_x} must be a 2-d array (n_samples, n_features); got shape {X.shape}"
        )
    labels = as_index_array(y, name_y)
    if labels.shape != (X.shape[0],):
        raise ValueError(
            f"{name_y} must have shape ({X.shape[0]},), one label per row of {name_x}; "
            f"got {labels.shape}"
        )
    if labels.min() < 0 or labels.max() > 1:
        raise ValueError(
            f"{name_y} must hold binary labels 0 or 1; "
            f"got values from {labels.min()} to {labels.max()}"
        )
    return X, labels


def _check_params(params, config: TrainConfig, n_features: int, name: str) -> None:
    if not isinstance(params, Params):
        raise ValueError(f"{name} must be a Params; got {type(params).__name__}")
    m = n_features if config.model == "logistic" else config.hidden
    expected = {"head_weight": (m, config.n_outputs), "head_bias": (config.n_outputs,)}
    if config.model == "mlp":
        expected.update(hidden_weight=(n_features, config.hidden), hidden_bias=(config.hidden,))
    elif params.hidden_weight is not None:
        raise ValueError(
            f"{name} must have no hidden layer (hidden_weight=None) for the logistic model; "
            f"got hidden_weight of shape {params.hidden_weight.shape}"
        )
    for field, shape in expected.items():
        value = getattr(params, field)
        got = None if value is None else value.shape
        if got != shape:
            raise ValueError(
                f"{name}.{field} must have shape {shape} for model={config.model!r}, "
                f"head={config.head!r} and {n_features} features; got {got}"
            )


def _check_int(value, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def _check_positive(value, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return float(value)


def _check_momentum(value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"momentum must be a number in [0, 1); got {value!r}")
    return float(value)


def _check_alpha(value) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value > 1
    ):
        raise ValueError(
            f"alpha must be in [0, 1], or negative to disable the weighting; got {value!r}"
        )
    return float(value)


def _check_grid_size(value) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < 0
        or value == 1
    ):
        raise ValueError(f"grid_size must be 0 (no surface) or an integer >= 2; got {value!r}")
    return int(value)


def _check_grid_bounds(value):
    try:
        bounds = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        bounds = None
    if (
        bounds is None
        or bounds.shape != (2, 2)
        or not np.all(np.isfinite(bounds))
        or np.any(bounds[:, 0] >= bounds[:, 1])
    ):
        raise ValueError(
            "grid_bounds must be ((x_min, x_max), (y_min, y_max)) with finite min < max; "
            f"got {value!r}"
        )
    return ((bounds[0, 0], bounds[0, 1]), (bounds[1, 0], bounds[1, 1]))


def _kind(value) -> str:
    return "None" if value is None else type(value).__name__


def _quoted(names) -> str:
    return ", ".join(f'"{name}"' for name in names)

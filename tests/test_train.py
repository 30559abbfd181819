"""Tests for lossviz.train: recording, determinism, backpropagation against finite differences,
the optimiser's torch semantics, the matched softmax head, and the facts the lessons show."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import special

from lossviz.data import make_dataset, train_val_split
from lossviz.losses import bce_with_logits, bce_with_logits_grad, cross_entropy, sigmoid_focal_loss
from lossviz.train import (
    LOSSES_BY_HEAD,
    Params,
    TrainConfig,
    init_params,
    loss_and_grad,
    matched_softmax,
    train,
    train_together,
)

COMBOS = [
    (model, head, loss)
    for model in ("logistic", "mlp")
    for head, losses in LOSSES_BY_HEAD.items()
    for loss in losses
]
PARAM_FIELDS = ("head_weight", "head_bias", "hidden_weight", "hidden_bias")


@pytest.fixture(scope="module")
def separable():
    return make_dataset("separable", 200, seed=0)


@pytest.fixture(scope="module")
def overlapping():
    return make_dataset("overlapping", 200, seed=0)


def long_run(data, **config):
    """2000 epochs recorded every 250, no surface: the shape of a weight-norm curve."""
    return train(data.X, data.y, TrainConfig(epochs=2000, **config), record_every=250, grid_size=0)


def at(run, epoch):
    """The recorded frame of ``epoch``."""
    return int(np.flatnonzero(run.epochs == epoch)[0])


@pytest.fixture(scope="module")
def separable_bce(separable):
    return long_run(separable, loss="bce")


@pytest.fixture(scope="module")
def overlapping_bce(overlapping):
    return long_run(overlapping, loss="bce")


def f1_score(probs: np.ndarray, y: np.ndarray) -> float:
    """F1 of the positive class at threshold 0.5: 2TP / (2TP + FP + FN), the textbook formula."""
    predicted = probs > 0.5
    tp = np.sum(predicted & (y == 1))
    return 2 * tp / (2 * tp + np.sum(predicted & (y == 0)) + np.sum(~predicted & (y == 1)))


# --------------------------------------------------------------------------------------------
# What a trajectory records
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model, head, loss", COMBOS)
def test_trajectory_shapes_and_consistency(model, head, loss, overlapping):
    data = overlapping
    val = make_dataset("overlapping", 50, seed=1)
    config = TrainConfig(model=model, head=head, loss=loss, hidden=5, epochs=23)
    run = train(data.X, data.y, config, X_val=val.X, y_val=val.y, record_every=5, grid_size=9)
    assert run.epochs.tolist() == [0, 5, 10, 15, 20, 23], "epoch 0, every 5th, and the last"
    r = len(run.epochs)
    for name in ("loss", "accuracy", "weight_norm", "val_loss", "val_accuracy"):
        assert getattr(run, name).shape == (r,), name
    assert run.logits.shape == run.probs.shape == (r, 200)
    assert run.val_logits.shape == run.val_probs.shape == (r, 50)
    assert run.grid_x.shape == run.grid_y.shape == (9,) and run.surface.shape == (r, 9, 9)
    np.testing.assert_allclose(run.probs, special.expit(run.logits), rtol=0, atol=0)
    np.testing.assert_array_equal(run.accuracy, ((run.logits > 0) == (data.y == 1)).mean(axis=1))
    assert run.final_params.weight_norm == pytest.approx(run.weight_norm[-1], rel=1e-15)
    if head == "softmax":
        assert run.raw_logits.shape == (r, 200, 2) and run.val_raw_logits.shape == (r, 50, 2)
        np.testing.assert_array_equal(run.logits, run.raw_logits[..., 1] - run.raw_logits[..., 0])
        # P(class 1) is the softmax's second entry.
        np.testing.assert_allclose(
            run.probs, special.softmax(run.raw_logits, axis=-1)[..., 1], atol=1e-15
        )
    else:
        assert run.raw_logits is None and run.val_raw_logits is None
    assert not run.logits.flags.writeable, "trajectory arrays are read-only (safe to cache)"


@pytest.mark.parametrize("loss", ["bce", "mse", "focal"])
def test_recorded_loss_is_the_public_loss(loss, overlapping):
    config = TrainConfig(loss=loss, label_smoothing=0.2, epochs=30)
    run = train(overlapping.X, overlapping.y, config, record_every=10, grid_size=0)
    target = overlapping.y * 0.8 + 0.1
    fn = {
        "bce": bce_with_logits,
        "mse": lambda z, t: np.mean((special.expit(z) - t) ** 2),
        "focal": sigmoid_focal_loss,
    }[loss]
    for frame in range(len(run.epochs)):
        assert run.loss[frame] == pytest.approx(fn(run.logits[frame], target), rel=1e-13)


def test_recorded_softmax_loss_is_cross_entropy(overlapping):
    val = make_dataset("overlapping", 40, seed=2)
    config = TrainConfig(head="softmax", label_smoothing=0.1, epochs=20)
    run = train(overlapping.X, overlapping.y, config, X_val=val.X, y_val=val.y, grid_size=0)
    for frame in (0, -1):
        expected = cross_entropy(run.raw_logits[frame], overlapping.y, label_smoothing=0.1)
        assert run.loss[frame] == pytest.approx(expected, rel=1e-13)
        expected_val = cross_entropy(run.val_raw_logits[frame], val.y, label_smoothing=0.1)
        assert run.val_loss[frame] == pytest.approx(expected_val, rel=1e-13)


def test_epoch_zero_is_the_initial_model(overlapping):
    """The logistic model starts at zero: every probability 1/2 and BCE log 2."""
    run = train(overlapping.X, overlapping.y, TrainConfig(epochs=3), grid_size=0)
    np.testing.assert_array_equal(run.probs[0], 0.5)
    assert run.loss[0] == pytest.approx(math.log(2), rel=1e-15)
    assert run.weight_norm[0] == 0.0


@pytest.mark.parametrize("model, head", [("logistic", "sigmoid"), ("mlp", "softmax")])
def test_surface_is_the_model_on_the_grid(model, head, overlapping):
    """surface[r, i, j] is P(class 1) at (grid_x[j], grid_y[i]): compare with the same model
    evaluated on those points as validation data."""
    bounds = ((-3.0, 2.0), (-1.0, 4.0))
    gx, gy = np.linspace(-3.0, 2.0, 7), np.linspace(-1.0, 4.0, 7)
    points = np.array([[x, y] for y in gy for x in gx])
    config = TrainConfig(model=model, head=head, epochs=40)
    run = train(
        overlapping.X,
        overlapping.y,
        config,
        X_val=points,
        y_val=np.zeros(49),
        record_every=10,
        grid_size=7,
        grid_bounds=bounds,
    )
    np.testing.assert_array_equal(run.grid_x, gx)
    np.testing.assert_array_equal(run.grid_y, gy)
    np.testing.assert_allclose(
        run.surface.reshape(len(run.epochs), -1), run.val_probs, rtol=0, atol=1e-14
    )


def test_grid_covers_the_data_with_a_margin(overlapping):
    val = make_dataset("overlapping", 30, seed=8)
    run = train(
        overlapping.X,
        overlapping.y,
        TrainConfig(epochs=2),
        X_val=val.X,
        y_val=val.y,
        grid_size=11,
        grid_margin=0.1,
    )
    points = np.concatenate([overlapping.X, val.X])
    for axis, grid in enumerate((run.grid_x, run.grid_y)):
        span = np.ptp(points[:, axis])
        assert grid[0] == pytest.approx(points[:, axis].min() - 0.1 * span)
        assert grid[-1] == pytest.approx(points[:, axis].max() + 0.1 * span)


def test_no_surface_without_a_grid_or_for_other_dimensions(overlapping):
    run = train(overlapping.X, overlapping.y, TrainConfig(epochs=2), grid_size=0)
    assert run.surface is None and run.grid_x is None and run.grid_y is None
    X3 = np.column_stack([overlapping.X, overlapping.X[:, 0] * overlapping.X[:, 1]])
    run3 = train(X3, overlapping.y, TrainConfig(model="mlp", epochs=5))
    assert run3.surface is None and run3.logits.shape == (2, 200)


@pytest.mark.parametrize("model, head, loss", COMBOS)
def test_training_is_deterministic(model, head, loss, overlapping):
    config = TrainConfig(model=model, head=head, loss=loss, momentum=0.5, epochs=15, seed=3)
    a = train(overlapping.X, overlapping.y, config, grid_size=5)
    b = train(overlapping.X, overlapping.y, config, grid_size=5)
    np.testing.assert_array_equal(a.logits, b.logits)
    np.testing.assert_array_equal(a.surface, b.surface)


def test_mlp_seed_changes_the_initialisation():
    a, b = (
        init_params(TrainConfig(model="mlp", seed=0)),
        init_params(TrainConfig(model="mlp", seed=1)),
    )
    assert not np.array_equal(a.hidden_weight, b.hidden_weight)
    np.testing.assert_array_equal(
        a.hidden_weight, init_params(TrainConfig(model="mlp", seed=0)).hidden_weight
    )


def test_heads_share_the_initial_function():
    """The softmax head's default init is the sigmoid head's vector split as (−v/2, v/2)."""
    sig = init_params(TrainConfig(model="mlp", seed=4), 2)
    soft = init_params(TrainConfig(model="mlp", head="softmax", seed=4), 2)
    np.testing.assert_array_equal(
        soft.head_weight[:, 1] - soft.head_weight[:, 0], sig.head_weight[:, 0]
    )
    np.testing.assert_array_equal(soft.hidden_weight, sig.hidden_weight)


# --------------------------------------------------------------------------------------------
# Gradients and the optimiser
# --------------------------------------------------------------------------------------------


def random_params(config, n_features, rng):
    """Random non-zero parameters of the right shapes (so no gradient term is trivially 0)."""
    template = init_params(config, n_features)
    return Params(
        **{
            name: None
            if getattr(template, name) is None
            else rng.normal(0, 0.8, getattr(template, name).shape)
            for name in PARAM_FIELDS
        }
    )


@pytest.mark.parametrize("model, head, loss", COMBOS)
def test_backprop_matches_central_differences(model, head, loss):
    """Every parameter's analytic gradient vs (f(θ + h) − f(θ − h)) / 2h of the total objective
    (mean loss + weight-decay penalty), with label smoothing, focal α/γ and per-group decay on."""
    rng = np.random.default_rng(0)
    data = make_dataset("overlapping", 30, seed=5)
    config = TrainConfig(
        model=model,
        head=head,
        loss=loss,
        hidden=4,
        weight_decay=0.1,
        head_weight_decay=0.3,
        label_smoothing=0.1,
        alpha=0.3,
        gamma=1.5,
    )
    params = random_params(config, 2, rng)
    _, grads = loss_and_grad(params, data.X, data.y, config)
    h = 1e-6
    for name in PARAM_FIELDS:
        value = getattr(params, name)
        if value is None:
            continue
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            shifted = []
            for step in (h, -h):
                moved = value.copy()
                moved[index] += step
                shifted.append(
                    loss_and_grad(replace(params, **{name: moved}), data.X, data.y, config)[0]
                )
            numeric[index] = (shifted[0] - shifted[1]) / (2 * h)
        np.testing.assert_allclose(
            getattr(grads, name), numeric, rtol=1e-6, atol=1e-9, err_msg=name
        )


def test_objective_is_mean_loss_plus_half_decay_times_squared_norm():
    data = make_dataset("overlapping", 20, seed=1)
    config = TrainConfig(model="mlp", hidden=3, weight_decay=0.2, head_weight_decay=0.5)
    params = random_params(config, 2, np.random.default_rng(1))
    objective, _ = loss_and_grad(params, data.X, data.y, config)
    z = (
        np.tanh(data.X @ params.hidden_weight + params.hidden_bias) @ params.head_weight
        + params.head_bias
    )[:, 0]
    penalty = 0.1 * np.sum(params.hidden_weight**2) + 0.25 * np.sum(params.head_weight**2)
    assert objective == pytest.approx(bce_with_logits(z, data.y) + penalty, rel=1e-14)


def test_updates_follow_torch_sgd_with_momentum_and_weight_decay():
    """torch.optim.SGD (dampening 0, no Nesterov): buf₁ = g₀, buf₂ = μ·buf₁ + g₁, θ ← θ − η·buf,
    where g already includes λ·W. Two epochs by hand with loss_and_grad."""
    data = make_dataset("overlapping", 40, seed=2)
    config = TrainConfig(model="mlp", hidden=3, lr=0.3, momentum=0.8, weight_decay=0.05, epochs=2)
    theta0 = init_params(config, 2)
    run = train(data.X, data.y, config, record_every=1, grid_size=0)

    def step(params, update):
        return Params(
            **{
                n: None if getattr(params, n) is None else getattr(params, n) - 0.3 * update[n]
                for n in PARAM_FIELDS
            }
        )

    g0 = loss_and_grad(theta0, data.X, data.y, config)[1]
    buf = {n: getattr(g0, n) for n in PARAM_FIELDS}
    theta1 = step(theta0, buf)
    g1 = loss_and_grad(theta1, data.X, data.y, config)[1]
    buf = {n: 0.8 * buf[n] + getattr(g1, n) for n in PARAM_FIELDS}
    theta2 = step(theta1, buf)
    for name in PARAM_FIELDS:
        np.testing.assert_allclose(
            getattr(run.final_params, name), getattr(theta2, name), rtol=1e-13, err_msg=name
        )


def test_biases_are_not_decayed():
    """With zero data gradient (only the penalty acting), weights shrink and biases stay."""
    data = make_dataset("overlapping", 20, seed=3)
    config = TrainConfig(model="mlp", hidden=3, weight_decay=0.5)
    params = random_params(config, 2, np.random.default_rng(2))
    _, with_decay = loss_and_grad(params, data.X, data.y, config)
    _, without = loss_and_grad(params, data.X, data.y, replace(config, weight_decay=0.0))
    np.testing.assert_allclose(with_decay.hidden_bias, without.hidden_bias, rtol=0, atol=0)
    np.testing.assert_allclose(with_decay.head_bias, without.head_bias, rtol=0, atol=0)
    np.testing.assert_allclose(
        with_decay.head_weight - without.head_weight, 0.5 * params.head_weight, rtol=1e-12
    )


# --------------------------------------------------------------------------------------------
# One sigmoid vs two softmax neurons
# --------------------------------------------------------------------------------------------


def test_label_smoothing_agrees_between_heads():
    """Two-class CE with label smoothing ls on (0, d) is BCE on d with target y(1 − ls) + ls/2."""
    rng = np.random.default_rng(3)
    d = rng.normal(0, 4, 50)
    y = rng.integers(0, 2, 50)
    for ls in (0.0, 0.1, 0.6):
        z = np.column_stack([np.zeros(50), d])
        soft = cross_entropy(z, y, label_smoothing=ls, reduction="none")
        sig = bce_with_logits(d, y * (1 - ls) + ls / 2, reduction="none")
        np.testing.assert_allclose(soft, sig, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("model", ["logistic", "mlp"])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"momentum": 0.9, "lr": 0.2},
        {"weight_decay": 0.02, "label_smoothing": 0.1},
        {"head_lr": 0.3, "momentum": 0.5},
    ],
)
def test_matched_softmax_makes_the_same_predictions_every_epoch(model, options):
    data = make_dataset("noisy", 200, seed=0)
    config = TrainConfig(model=model, epochs=150, **options)
    sigmoid_run = train(data.X, data.y, config, record_every=10, grid_size=0)
    softmax_config, softmax_init = matched_softmax(config)
    softmax_run = train(
        data.X, data.y, softmax_config, init=softmax_init, record_every=10, grid_size=0
    )
    np.testing.assert_allclose(softmax_run.logits, sigmoid_run.logits, rtol=0, atol=1e-12)
    np.testing.assert_allclose(softmax_run.probs, sigmoid_run.probs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(softmax_run.loss, sigmoid_run.loss, rtol=1e-12)
    np.testing.assert_array_equal(softmax_run.accuracy, sigmoid_run.accuracy)
    assert np.max(np.abs(sigmoid_run.logits[-1])) > 2, "the run moved far from its start"


@pytest.mark.parametrize("model", ["logistic", "mlp"])
def test_without_matching_the_softmax_head_differs(model):
    """Same init, same lr: the logit difference moves twice as fast, so the runs part ways."""
    data = make_dataset("noisy", 200, seed=0)
    config = TrainConfig(model=model, epochs=150)
    sigmoid_run = train(data.X, data.y, config, record_every=10, grid_size=0)
    naive = train(
        data.X, data.y, replace(config, head="softmax", loss="ce"), record_every=10, grid_size=0
    )
    assert np.max(np.abs(naive.probs - sigmoid_run.probs)) > 1e-2
    # Halving only the learning rate is not enough once weight decay is on.
    decayed = replace(config, weight_decay=0.05)
    half_lr = replace(decayed, head="softmax", loss="ce", head_lr=config.lr / 2)
    softmax_config, softmax_init = matched_softmax(decayed)
    reference = train(data.X, data.y, decayed, record_every=10, grid_size=0)
    matched = train(data.X, data.y, softmax_config, init=softmax_init, record_every=10, grid_size=0)
    unmatched = train(data.X, data.y, half_lr, init=softmax_init, record_every=10, grid_size=0)
    assert np.max(np.abs(matched.probs - reference.probs)) < 1e-12
    assert np.max(np.abs(unmatched.probs - reference.probs)) > 1e-3


def test_matched_softmax_configuration_and_weights():
    config = TrainConfig(model="mlp", lr=0.4, weight_decay=0.01, momentum=0.3, label_smoothing=0.2)
    params = random_params(config, 2, np.random.default_rng(5))
    softmax_config, softmax_params = matched_softmax(config, params)
    assert (softmax_config.head, softmax_config.loss) == ("softmax", "ce")
    assert softmax_config.head_lr == 0.2 and softmax_config.head_weight_decay == 0.02
    assert (
        softmax_config.lr,
        softmax_config.weight_decay,
        softmax_config.momentum,
        softmax_config.label_smoothing,
    ) == (0.4, 0.01, 0.3, 0.2)
    w = softmax_params.head_weight
    np.testing.assert_allclose(w[:, 1] - w[:, 0], params.head_weight[:, 0], rtol=1e-15)
    np.testing.assert_allclose(
        softmax_params.head_bias[1] - softmax_params.head_bias[0], params.head_bias[0]
    )
    np.testing.assert_array_equal(softmax_params.hidden_weight, params.hidden_weight)


# --------------------------------------------------------------------------------------------
# "BCE pushes logits to extremes": facts the lesson shows
# --------------------------------------------------------------------------------------------


def test_separable_bce_keeps_growing_logits(separable_bce):
    run = separable_bce
    norms, max_logit = run.weight_norm[1:], np.abs(run.logits[1:]).max(axis=1)
    assert np.all(np.diff(norms) > 0), f"weight norm must keep growing: {norms}"
    assert np.all(np.diff(max_logit) > 0), f"max |logit| must keep growing: {max_logit}"
    assert norms[-1] > 1.1 * run.weight_norm[at(run, 1000)], "still > 10 % growth late"
    extreme = ((run.probs < 0.01) | (run.probs > 0.99)).mean(axis=1)
    assert np.all(np.diff(extreme[1:]) >= 0) and extreme[-1] > 0.9, (
        f"probabilities pile up at 0 and 1: {extreme}"
    )


def test_overlapping_bce_levels_off(overlapping_bce, separable_bce):
    late = (
        overlapping_bce.weight_norm[-1] / overlapping_bce.weight_norm[at(overlapping_bce, 1000)] - 1
    )
    assert 0 <= late < 1e-4, (
        f"overlapping: weight norm levels off (growth {late:.2e} over 1000 epochs)"
    )
    separable_late = (
        separable_bce.weight_norm[-1] / separable_bce.weight_norm[at(separable_bce, 1000)] - 1
    )
    assert separable_late > 100 * max(late, 1e-6), "separable data grows far faster late on"


def test_mse_through_sigmoid_grows_more_slowly_than_bce(separable, separable_bce):
    mse_run = long_run(separable, loss="mse")
    assert np.all(mse_run.weight_norm[1:] < separable_bce.weight_norm[1:])
    assert np.all(
        np.abs(mse_run.logits[1:]).max(axis=1) < np.abs(separable_bce.logits[1:]).max(axis=1)
    )
    mse_growth = mse_run.weight_norm[-1] - mse_run.weight_norm[at(mse_run, 1000)]
    bce_growth = separable_bce.weight_norm[-1] - separable_bce.weight_norm[at(separable_bce, 1000)]
    assert mse_growth < bce_growth, "from epoch 1000 to 2000, MSE adds less weight norm than BCE"


def test_label_smoothing_optimum_logit():
    """BCE with target 1 − ls/2 is minimised at z* = log((1 − ls/2) / (ls/2)): zero gradient."""
    for ls in (0.05, 0.1, 0.3):
        z_star = math.log((1 - ls / 2) / (ls / 2))
        assert abs(bce_with_logits_grad([z_star], [1 - ls / 2])[0]) < 1e-15
        assert abs(bce_with_logits_grad([-z_star], [ls / 2])[0]) < 1e-15


def test_label_smoothing_bounds_the_logits(separable):
    """Logistic: the weights converge (the loss has a finite minimiser). MLP, flexible enough to
    give each point its own logit: every |logit| gathers near z* = log(19) for ls = 0.1, while
    the same MLP without smoothing is far beyond it after the same 1000 epochs."""
    z_star = math.log((1 - 0.05) / 0.05)
    logistic = long_run(separable, label_smoothing=0.1)
    assert logistic.weight_norm[-1] == pytest.approx(
        logistic.weight_norm[at(logistic, 1000)], rel=1e-6
    )
    runs = {
        ls: train(
            separable.X,
            separable.y,
            TrainConfig(model="mlp", label_smoothing=ls, epochs=1000),
            record_every=500,
            grid_size=0,
        )
        for ls in (0.0, 0.1)
    }
    final = np.abs(runs[0.1].logits[-1])
    assert final.max() < 1.2 * z_star, f"max |logit| {final.max():.3f} vs z* {z_star:.3f}"
    assert np.median(final) == pytest.approx(z_star, rel=0.02)
    unsmoothed = np.abs(runs[0.0].logits[-1])
    assert np.median(unsmoothed) > 3 * z_star, "plain BCE drives the same MLP much further"


def test_weight_decay_bounds_the_weights(separable, separable_bce):
    """The objective starts at log 2 (zero weights) and gradient descent lowers it, so
    (λ/2)·‖w‖² <= log 2 at every epoch: ‖w‖ <= sqrt(2·log 2 / λ)."""
    run = long_run(separable, weight_decay=0.01)
    bound = math.sqrt(2 * math.log(2) / 0.01)
    assert np.all(run.weight_norm <= bound)
    assert run.weight_norm[-1] == pytest.approx(run.weight_norm[at(run, 1000)], rel=1e-6), (
        "converged"
    )
    assert np.abs(run.logits[-1]).max() < 0.5 * np.abs(separable_bce.logits[-1]).max()


# --------------------------------------------------------------------------------------------
# "Loss vs metrics": validation loss rises while accuracy and F1 improve
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_default_loss_vs_metrics_run_shows_rising_loss_and_improving_metrics(seed):
    """The lesson's default: "imbalanced-separable" (400 points, 200 for validation with 5 %
    annotation errors) and the default TrainConfig (logistic, BCE, lr 0.5, 500 epochs)."""
    data = make_dataset("imbalanced-separable", 400, seed=seed)
    train_set, val_set = train_val_split(data, n_val=200, val_label_noise=0.05, seed=seed)
    run = train(
        train_set.X, train_set.y, TrainConfig(), X_val=val_set.X, y_val=val_set.y, grid_size=0
    )
    best = int(np.argmin(run.val_loss))
    assert 0 < best < len(run.epochs) // 4, (
        f"validation loss bottoms out early (epoch {run.epochs[best]})"
    )
    assert run.val_loss[-1] > 1.2 * run.val_loss[best], "and then rises by more than 20 %"
    assert run.val_accuracy[-1] > run.val_accuracy[best], "while validation accuracy improves"
    f1 = [f1_score(p, val_set.y) for p in run.val_probs]
    assert f1[-1] > f1[best], "and validation F1 improves"
    # The rise is confident mistakes: misclassified points carry most of the final loss.
    per_point = bce_with_logits(run.val_logits[-1], val_set.y, reduction="none")
    wrong = (run.val_logits[-1] > 0) != (val_set.y == 1)
    assert per_point[wrong].sum() > 0.8 * per_point.sum()


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"model": "cnn"}, r'model must be one of "logistic", "mlp"; got \'cnn\''),
        ({"head": "tanh"}, r'head must be one of "sigmoid", "softmax"; got \'tanh\''),
        (
            {"loss": "hinge"},
            r'loss must be one of "bce", "mse", "focal" for the sigmoid head; got \'hinge\'',
        ),
        (
            {"head": "softmax", "loss": "bce"},
            r'loss must be one of "ce" for the softmax head; got \'bce\'',
        ),
        (
            {"loss": "ce"},
            r'loss must be one of "bce", "mse", "focal" for the sigmoid head; got \'ce\'',
        ),
        ({"lr": 0.0}, r"lr must be a finite number > 0; got 0.0"),
        ({"lr": -1}, r"lr must be a finite number > 0; got -1"),
        ({"lr": float("inf")}, r"lr must be a finite number > 0; got inf"),
        ({"momentum": 1.0}, r"momentum must be a number in \[0, 1\); got 1.0"),
        ({"momentum": -0.1}, r"momentum must be a number in \[0, 1\); got -0.1"),
        ({"weight_decay": -0.01}, r"weight_decay must be >= 0; got -0.01"),
        ({"label_smoothing": 1.5}, r"label_smoothing must be in \[0, 1\]; got 1.5"),
        (
            {"alpha": 2.0},
            r"alpha must be in \[0, 1\], or negative to disable the weighting; got 2.0",
        ),
        ({"gamma": -1.0}, r"gamma must be >= 0; got -1"),
        ({"epochs": 0}, r"epochs must be an integer >= 1; got 0"),
        ({"epochs": 2.5}, r"epochs must be an integer >= 1; got 2.5"),
        ({"hidden": 0}, r"hidden must be an integer >= 1; got 0"),
        ({"seed": -3}, r"seed must be an integer >= 0; got -3"),
        ({"head_lr": 0.0}, r"head_lr must be a finite number > 0; got 0.0"),
        ({"head_weight_decay": -1.0}, r"head_weight_decay must be >= 0; got -1"),
    ],
)
def test_config_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TrainConfig(**kwargs)


def test_config_defaults_and_normalisation():
    assert TrainConfig().loss == "bce" and TrainConfig(head="softmax").loss == "ce"
    config = TrainConfig(lr=1, epochs=np.int64(5))
    assert isinstance(config.lr, float) and isinstance(config.epochs, int)
    assert hash(config) == hash(TrainConfig(lr=1.0, epochs=5)), "hashable for st.cache_data"


X_OK = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
Y_OK = np.array([0, 1, 1])


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (
            (X_OK[:, 0], Y_OK),
            {},
            r"X must be a 2-d array \(n_samples, n_features\); got shape \(3,\)",
        ),
        ((X_OK, Y_OK[:2]), {}, r"y must have shape \(3,\), one label per row of X; got \(2,\)"),
        ((X_OK, [0, 1, 2]), {}, r"y must hold binary labels 0 or 1; got values from 0 to 2"),
        ((X_OK, [0, 1, 0.5]), {}, r"y must hold whole-number class indices"),
        ((X_OK * np.nan, Y_OK), {}, r"X must be finite \(no NaN or inf\)"),
        ((X_OK, Y_OK, "fast"), {}, r"config must be a TrainConfig; got str"),
        (
            (X_OK, Y_OK),
            {"X_val": X_OK},
            r"X_val and y_val must be given together; got X_val=ndarray, y_val=None",
        ),
        (
            (X_OK, Y_OK),
            {"X_val": X_OK[:, :1], "y_val": Y_OK},
            r"X_val must have 2 columns like X; got shape \(3, 1\)",
        ),
        (
            (X_OK, Y_OK),
            {"X_val": X_OK, "y_val": [1, 1]},
            r"y_val must have shape \(3,\), one label per row of X_val",
        ),
        ((X_OK, Y_OK), {"record_every": 0}, r"record_every must be an integer >= 1; got 0"),
        (
            (X_OK, Y_OK),
            {"grid_size": 1},
            r"grid_size must be 0 \(no surface\) or an integer >= 2; got 1",
        ),
        ((X_OK, Y_OK), {"grid_margin": -0.1}, r"grid_margin must be >= 0; got -0.1"),
        (
            (X_OK, Y_OK),
            {"grid_bounds": ((1, 0), (0, 1))},
            r"grid_bounds must be \(\(x_min, x_max\), \(y_min, y_max\)\) with finite min < max",
        ),
        ((X_OK, Y_OK), {"grid_bounds": (0, 1)}, r"grid_bounds must be \(\(x_min, x_max\)"),
        ((X_OK, Y_OK), {"init": "zeros"}, r"init must be a Params; got str"),
        (
            (X_OK, Y_OK),
            {"init": Params(np.zeros((3, 1)), np.zeros(1))},
            r"init.head_weight must have shape \(2, 1\) for model='logistic', head='sigmoid' "
            r"and 2 features; got \(3, 1\)",
        ),
        (
            (X_OK, Y_OK),
            {"init": Params(np.zeros((2, 1)), np.zeros(1), np.zeros((2, 4)), np.zeros(4))},
            r"init must have no hidden layer \(hidden_weight=None\) for the logistic model",
        ),
    ],
)
def test_train_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(*args, **kwargs)


def test_train_error_for_mlp_init_shapes():
    config = TrainConfig(model="mlp", hidden=4)
    bad = Params(np.zeros((4, 1)), np.zeros(1), np.zeros((2, 3)), np.zeros(3))
    with pytest.raises(
        ValueError, match=r"init.hidden_weight must have shape \(2, 4\) .*got \(2, 3\)"
    ):
        train(X_OK, Y_OK, config, init=bad)


def test_divergence_is_reported():
    with pytest.raises(
        ValueError, match=r"lr must be small enough for training to stay finite; got lr=1e\+308"
    ):
        train(X_OK * 1e3, Y_OK, TrainConfig(lr=1e308, epochs=5))


def test_params_errors():
    with pytest.raises(ValueError, match=r"hidden_weight and hidden_bias must be given together"):
        Params(np.zeros((2, 1)), np.zeros(1), hidden_weight=np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"head_weight must be finite"):
        Params(np.full((2, 1), np.nan), np.zeros(1))


@pytest.mark.parametrize(
    "config, match",
    [
        (
            TrainConfig(head="softmax"),
            r'config must be a sigmoid-head configuration with loss "bce"'
            r".*got head='softmax', loss='ce'",
        ),
        (
            TrainConfig(loss="mse"),
            r'config must be a sigmoid-head configuration with loss "bce".*loss=\'mse\'',
        ),
        ("config", r"config must be a TrainConfig; got str"),
    ],
)
def test_matched_softmax_errors(config, match):
    with pytest.raises(ValueError, match=match):
        matched_softmax(config)


def test_matched_softmax_rejects_mismatched_params():
    params = init_params(TrainConfig(head="softmax"), 2)
    with pytest.raises(ValueError, match=r"params.head_weight must have shape \(2, 1\)"):
        matched_softmax(TrainConfig(), params)
    with pytest.raises(ValueError, match=r"params must be a Params; got dict"):
        matched_softmax(TrainConfig(), {})


def test_loss_and_grad_and_init_errors():
    with pytest.raises(ValueError, match=r"config must be a TrainConfig; got NoneType"):
        loss_and_grad(init_params(TrainConfig()), X_OK, Y_OK, None)
    with pytest.raises(ValueError, match=r"params.head_weight must have shape \(2, 1\)"):
        loss_and_grad(init_params(TrainConfig(), 3), X_OK, Y_OK, TrainConfig())
    with pytest.raises(ValueError, match=r"n_features must be an integer >= 1; got 0"):
        init_params(TrainConfig(), 0)
    with pytest.raises(ValueError, match=r"config must be a TrainConfig; got dict"):
        init_params({}, 2)


@pytest.mark.parametrize(
    "options",
    [
        {"head": "sigmoid", "loss": "bce"},
        {"head": "sigmoid", "loss": "bce", "label_smoothing": 0.2},
        {"head": "sigmoid", "loss": "mse"},
        {"head": "sigmoid", "loss": "focal", "alpha": 0.25, "gamma": 2.0},
        {"head": "sigmoid", "loss": "focal", "alpha": -1, "gamma": 0.5},
        {"head": "softmax", "loss": "ce"},
        {"head": "softmax", "loss": "ce", "label_smoothing": 0.1},
    ],
)
def test_epoch_gradient_kernel_is_bit_for_bit_the_checked_loss_gradient(options):
    from lossviz.train import _Problem

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 50)
    config = TrainConfig(**options)
    problem = _Problem(config, y)
    for scale in (1.0, 30.0, 1e4):
        logits = scale * rng.standard_normal((50, config.n_outputs))
        fast, checked = problem.grad(logits), problem.checked_grad(logits)
        assert fast.shape == checked.shape == logits.shape
        np.testing.assert_array_equal(fast, checked)
        assert np.isfinite(fast).all()


# --------------------------------------------------------------------------------------------
# Several runs in one loop
# --------------------------------------------------------------------------------------------


def _assert_same_trajectory(together, alone):
    for name in ("epochs", "loss", "accuracy", "weight_norm", "logits", "probs"):
        np.testing.assert_array_equal(getattr(together, name), getattr(alone, name), err_msg=name)
    if alone.raw_logits is None:
        assert together.raw_logits is None
    else:
        np.testing.assert_array_equal(together.raw_logits, alone.raw_logits)
    for name in ("head_weight", "head_bias", "hidden_weight", "hidden_bias"):
        a, b = getattr(together.final_params, name), getattr(alone.final_params, name)
        assert (a is None) == (b is None)
        if a is not None:
            assert a.shape == b.shape
            np.testing.assert_array_equal(a, b, err_msg=name)
    assert together.config == alone.config
    for name in ("grid_x", "grid_y", "surface"):
        a, b = getattr(together, name), getattr(alone, name)
        assert (a is None) == (b is None), name
        if a is not None:
            np.testing.assert_array_equal(a, b, err_msg=name)


@pytest.mark.parametrize("model", ["logistic", "mlp"])
@pytest.mark.parametrize(
    "options",
    [
        {"head": "sigmoid", "loss": "bce"},
        {"head": "sigmoid", "loss": "bce", "label_smoothing": 0.2, "momentum": 0.9},
        {"head": "sigmoid", "loss": "mse"},
        {"head": "sigmoid", "loss": "focal", "alpha": 0.25, "gamma": 2.0},
        {"head": "softmax", "loss": "ce"},
        {"head": "softmax", "loss": "ce", "label_smoothing": 0.1, "momentum": 0.5},
    ],
)
def test_train_together_gives_each_run_of_a_separate_train_call_bit_for_bit(model, options):
    data = make_dataset("noisy", 120, seed=2)
    base = TrainConfig(model=model, epochs=60, **options)
    configs = [
        base,
        replace(base, lr=1.5, weight_decay=0.02),
        replace(base, head_lr=0.2, head_weight_decay=0.05),
    ]
    inits = [init_params(base, 2), init_params(replace(base, seed=4), 2), init_params(base, 2)]
    together = train_together(data.X, data.y, configs, inits=inits, record_every=7)
    assert len(together) == 3
    for run, config, init in zip(together, configs, inits, strict=True):
        _assert_same_trajectory(run, train(data.X, data.y, config, init=init, record_every=7, grid_size=0))


@pytest.mark.parametrize("alphas", [(0.25, -1.0), (-1.0, 0.9, 0.5), (-1.0, -1.0)])
def test_train_together_trains_focal_runs_with_different_alphas_and_draws_their_surfaces(alphas):
    data = make_dataset("imbalanced", 150, seed=1)
    base = TrainConfig(loss="focal", gamma=2.0, lr=2.0, epochs=40)
    configs = [replace(base, alpha=alpha) for alpha in alphas]
    together = train_together(data.X, data.y, configs, record_every=6, grid_size=7)
    for run, config in zip(together, configs, strict=True):
        _assert_same_trajectory(run, train(data.X, data.y, config, record_every=6, grid_size=7))
        assert run.surface.shape == (run.epochs.size, 7, 7)


def test_train_together_raises_the_error_of_the_first_run_in_order_that_diverges():
    data = make_dataset("separable", 100, seed=0)
    base = TrainConfig(momentum=0.9, epochs=300)
    fast, slow = replace(base, lr=1e308), replace(base, lr=1e307)  # non-finite at epochs 1 and 9

    def alone(config):
        with pytest.raises(ValueError) as caught:
            train(data.X, data.y, config, record_every=10, grid_size=0)
        return str(caught.value)

    assert "epoch 1 " in alone(fast) and "epoch 9 " in alone(slow)
    # As separate calls in this order would: the first run that diverges at all, at its own epoch,
    # even when a later run went non-finite earlier.
    for configs, expected in (([base, fast, slow], fast), ([base, slow, fast], slow)):
        with pytest.raises(ValueError) as caught:
            train_together(data.X, data.y, configs, record_every=10)
        assert str(caught.value) == alone(expected)


def test_train_together_rejects_runs_that_cannot_share_a_loop():
    data = make_dataset("separable", 50, seed=0)
    with pytest.raises(ValueError, match=r"configs must agree on loss to train together; got \['bce', 'mse'\]"):
        train_together(data.X, data.y, [TrainConfig(loss="bce"), TrainConfig(loss="mse")])
    with pytest.raises(ValueError, match=r"configs must agree on gamma"):
        train_together(data.X, data.y, [TrainConfig(loss="focal", gamma=1.0), TrainConfig(loss="focal")])
    with pytest.raises(ValueError, match=r"grid_size must be"):
        train_together(data.X, data.y, [TrainConfig()], grid_size=1)
    with pytest.raises(ValueError, match=r"configs must agree on epochs"):
        train_together(data.X, data.y, [TrainConfig(epochs=5), TrainConfig(epochs=6)])
    with pytest.raises(ValueError, match=r"configs must be a non-empty list or tuple of TrainConfig; got \[\]"):
        train_together(data.X, data.y, [])
    with pytest.raises(ValueError, match=r"inits must be a list of 2 Params, one per config"):
        train_together(data.X, data.y, [TrainConfig(), TrainConfig()], inits=[init_params(TrainConfig())])
    with pytest.raises(ValueError, match=r"inits\[1\]"):
        train_together(
            data.X, data.y, [TrainConfig(), TrainConfig()], inits=[init_params(TrainConfig()), init_params(TrainConfig(), 3)]
        )

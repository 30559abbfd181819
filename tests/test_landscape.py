"""Tests for lossviz.landscape: data presets, surfaces, curvature, where descent ends, gradient
descent, and the likelihood check.

Gradients and Hessians are checked against central finite differences of the loss values; the
convexity verdicts against chords (loss values only); the seed-003 findings against independent
gradient-descent runs. Closed forms are written beside the assertions that use them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossviz import landscape as ls

KINDS = tuple(ls.DATASET_PRESETS)
LOSSES = tuple(ls.LANDSCAPE_LOSSES)


@pytest.fixture(scope="module")
def lessons():
    """The lesson's analysis of every preset, computed once for the module."""
    return {kind: ls.lesson_landscape(kind) for kind in KINDS}


def numeric_gradient(f, theta, h=1e-6):
    theta = np.asarray(theta, dtype=float)
    grad = np.zeros_like(theta)
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = h
        grad[k] = (f(theta + step) - f(theta - step)) / (2 * h)
    return grad


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def test_presets_are_deterministic_and_labelled():
    for kind in KINDS:
        a, b = ls.make_dataset_1d(kind, seed=3), ls.make_dataset_1d(kind, seed=3)
        assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y), f"{kind} must be reproducible"
        assert set(np.unique(a.y)) <= {0.0, 1.0}
    assert not np.array_equal(ls.make_dataset_1d("overlapping", seed=1).x, ls.make_dataset_1d("overlapping", seed=2).x)


def test_separability_of_the_presets():
    assert ls.make_dataset_1d("separable").separable
    outlier = ls.make_dataset_1d("outlier", n=12)
    assert not outlier.separable and outlier.x.size == 13
    assert (outlier.x[-1], outlier.y[-1]) == (4.0, 0.0), "one class-0 point deep inside class 1"
    for seed in range(40):
        assert not ls.make_dataset_1d("overlapping", seed=seed).separable, f"overlapping seed {seed} is separable"


def test_best_threshold_accuracy_on_hand_made_sets():
    assert ls.best_threshold_accuracy([0.0, 1.0, 2.0, 3.0], [0, 0, 1, 1]) == 1.0
    assert ls.best_threshold_accuracy([0.0, 1.0, 2.0, 3.0], [1, 1, 0, 0]) == 1.0, "either orientation"
    assert ls.best_threshold_accuracy([0.0, 1.0, 2.0, 3.0], [0, 1, 0, 1]) == 0.75
    assert ls.best_threshold_accuracy([1.0, 1.0], [0, 1]) == 0.5, "tied points cannot be split"


# --------------------------------------------------------------------------------------------
# Values, gradients, Hessians
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
def test_gradient_matches_finite_differences(loss):
    data = ls.make_dataset_1d("overlapping")
    for w, b in [(-6.0, 0.0), (0.3, -0.2), (2.0, 1.5), (8.0, -7.0)]:
        _, gw, gb = ls.loss_and_gradient(w, b, data.x, data.y, loss=loss)
        numeric = numeric_gradient(lambda t: ls.loss_and_gradient(t[0], t[1], data.x, data.y, loss=loss)[0], [w, b])
        np.testing.assert_allclose([gw, gb], numeric, rtol=1e-6, atol=1e-10, err_msg=f"{loss} at ({w}, {b})")


@pytest.mark.parametrize("loss", LOSSES)
def test_hessian_matches_finite_differences_of_the_gradient(loss):
    data = ls.make_dataset_1d("outlier")
    for w, b in [(-2.0, 3.0), (0.5, -0.5), (3.0, 0.0)]:
        hessian = ls.loss_hessian(w, b, data.x, data.y, loss=loss)
        rows = [
            numeric_gradient(lambda t, k=k: ls.loss_and_gradient(t[0], t[1], data.x, data.y, loss=loss)[1 + k], [w, b])
            for k in range(2)
        ]
        np.testing.assert_allclose(hessian, np.array(rows), rtol=1e-5, atol=1e-9, err_msg=f"{loss} at ({w}, {b})")


def test_squared_error_curves_down_where_p_is_below_one_third():
    """One sample x = 1, y = 1: H = ℓ''(z)·[[1, 1], [1, 1]] with ℓ'' = 2p(1 − p)²(3p − 1)."""
    x, y = np.array([1.0]), np.array([1.0])
    for p in (0.1, 0.25, 0.5, 0.9):
        z = math.log(p / (1 - p))
        trace = np.trace(ls.loss_hessian(0.0, z, x, y, loss="mse"))
        expected = 2 * (2 * p * (1 - p) ** 2 * (3 * p - 1))
        assert trace == pytest.approx(expected, rel=1e-9), f"p = {p}"
        assert (trace < 0) == (p < 1 / 3)


@pytest.mark.parametrize("loss", LOSSES)
def test_surface_agrees_with_pointwise_evaluation(loss):
    data = ls.make_dataset_1d("separable")
    surface = ls.loss_surface(data.x, data.y, loss=loss, w_range=(-5, 5), b_range=(-4, 6), n=21)
    assert surface.values.shape == (21, 21) and surface.w[0] == -5 and surface.b[-1] == 6
    for i, j in [(0, 0), (3, 17), (10, 10), (20, 4)]:
        value, gw, gb = ls.loss_and_gradient(surface.w[j], surface.b[i], data.x, data.y, loss=loss)
        assert surface.values[i, j] == pytest.approx(value, rel=1e-12)
        assert surface.grad_norm[i, j] == pytest.approx(math.hypot(gw, gb), rel=1e-10, abs=1e-300)
        eigen = np.linalg.eigvalsh(ls.loss_hessian(surface.w[j], surface.b[i], data.x, data.y, loss=loss))[0]
        assert surface.min_curvature[i, j] == pytest.approx(eigen, rel=1e-7, abs=1e-15)


# --------------------------------------------------------------------------------------------
# Convexity: computed, not asserted
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_cross_entropy_has_no_negative_curvature_and_squared_error_has_much(lessons, kind):
    land = lessons[kind]
    assert land.surfaces["bce"].negative_fraction == 0.0, "ℓ'' = p(1 − p) ≥ 0: BCE is convex"
    assert land.surfaces["mse"].negative_fraction > 0.5, "squared error curves down over most of the box"
    assert land.witnesses["bce"] is None


@pytest.mark.parametrize("kind", KINDS)
def test_chord_witness_is_a_real_violation_of_convexity(lessons, kind):
    land = lessons[kind]
    witness = land.witnesses["mse"]
    assert witness is not None
    x, y = land.data.x, land.data.y
    at = [ls.loss_and_gradient(*point, x, y, loss="mse")[0] for point in (witness.start, witness.end, witness.midpoint)]
    np.testing.assert_allclose(at, [witness.value_start, witness.value_end, witness.value_midpoint], rtol=1e-12)
    midpoint = tuple((np.array(witness.start) + np.array(witness.end)) / 2)
    assert midpoint == pytest.approx(witness.midpoint, abs=1e-12)
    assert at[2] - (at[0] + at[1]) / 2 == pytest.approx(witness.gap, rel=1e-12)
    assert witness.gap > 0.01, "the midpoint lies clearly above the chord"


def test_random_chords_never_break_convexity_for_cross_entropy():
    data = ls.make_dataset_1d("outlier")
    rng = np.random.default_rng(0)
    for _ in range(200):
        a, b = rng.uniform(-10, 10, 2), rng.uniform(-10, 10, 2)
        f = [ls.loss_and_gradient(*point, data.x, data.y, loss="bce")[0] for point in (a, b, (a + b) / 2)]
        assert f[2] <= (f[0] + f[1]) / 2 + 1e-12, f"BCE above a chord between {a} and {b}"


# --------------------------------------------------------------------------------------------
# Where descent ends (seed 003: "non-convex with multiple local minima")
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_outcome_shares_cover_the_grid(lessons, kind):
    for loss in LOSSES:
        outcomes = lessons[kind].outcomes[loss]
        assert sum(o.share for o in outcomes) == pytest.approx(1.0, abs=1e-12)
        assert [o.value for o in outcomes] == sorted(o.value for o in outcomes)


def test_separable_data_has_one_outcome_at_the_border_for_both_losses(lessons):
    land = lessons["separable"]
    for loss in LOSSES:
        (only,) = land.outcomes[loss]
        assert only.on_edge and only.w == pytest.approx(ls.BOX[1]), f"{loss}: the infimum is at w → ∞"
        assert only.accuracy == 1.0
    assert land.plateaus["mse"] > 0.01 and land.plateaus["bce"] == 0.0, "plateaus, not extra minima"


def test_overlapping_data_squared_error_has_a_finite_minimum_that_is_not_the_best(lessons):
    land = lessons["overlapping"]
    (bce_min,) = land.outcomes["bce"]
    assert bce_min.is_local_minimum and bce_min.grad_norm < 1e-8
    mse = land.outcomes["mse"]
    assert len(mse) == 2
    finite = [o for o in mse if o.is_local_minimum]
    assert len(finite) == 1 and sum(o.on_edge for o in mse) == 1
    # 11 of 12 points can be classified correctly, so far out the squared error tends to 1/12.
    assert land.best_accuracy == pytest.approx(11 / 12) and land.mse_limit == pytest.approx(1 / 12)
    assert land.mse_limit < finite[0].value, "the finite minimum is only a local one"


def test_outlier_data_squared_error_has_two_separate_valleys(lessons):
    land = lessons["outlier"]
    (bce_min,) = land.outcomes["bce"]
    assert bce_min.is_local_minimum
    good, bad = land.outcomes["mse"]
    assert good.on_edge and bad.on_edge and not good.is_local_minimum and not bad.is_local_minimum
    assert good.accuracy == pytest.approx(12 / 13), "ignores the outlier"
    assert bad.accuracy == pytest.approx(7 / 13), "calls everything left of the outlier class 1"
    assert 0.1 < bad.share < 0.5


def test_the_bad_valley_traps_gradient_descent():
    """Independent of the grid analysis: descent started in the bad valley stays at 7/13."""
    data = ls.make_dataset_1d("outlier")
    trapped = ls.gradient_descent(data.x, data.y, loss="mse", w0=-2.0, b0=8.0, lr=1.0, steps=2000)
    freed = ls.gradient_descent(data.x, data.y, loss="mse", w0=2.0, b0=0.0, lr=1.0, steps=2000)
    assert trapped.accuracy.max() == pytest.approx(7 / 13)
    assert freed.accuracy[-1] == pytest.approx(12 / 13)
    cross_entropy = ls.gradient_descent(data.x, data.y, loss="bce", w0=-2.0, b0=8.0, lr=1.0, steps=2000)
    assert cross_entropy.accuracy[-1] > 7 / 13, "cross-entropy leaves that start"


@pytest.mark.parametrize("kind", KINDS)
def test_squared_error_never_has_two_finite_minima_on_the_presets(lessons, kind):
    """What the seed's "multiple local minima" amounts to here: at most one finite minimum."""
    assert sum(o.is_local_minimum for o in lessons[kind].outcomes["mse"]) <= 1


def test_mse_limit_at_infinity_is_the_error_rate():
    data = ls.make_dataset_1d("overlapping")
    xs = np.sort(data.x)
    best = max(
        (np.mean((data.x >= t) == (data.y == 1)), t) for t in (xs[:-1] + xs[1:]) / 2
    )
    scale = 1e4
    far = ls.loss_and_gradient(scale, -scale * best[1], data.x, data.y, loss="mse")[0]
    assert far == pytest.approx(ls.mse_limit_at_infinity(data.x, data.y), abs=1e-6)


# --------------------------------------------------------------------------------------------
# Gradient descent
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
def test_descent_steps_follow_the_gradient(loss):
    data = ls.make_dataset_1d("overlapping")
    path = ls.gradient_descent(data.x, data.y, loss=loss, w0=-3.0, b0=1.0, lr=0.5, steps=3)
    assert path.w.size == 4 and (path.w[0], path.b[0]) == (-3.0, 1.0)
    for k in range(3):
        value, gw, gb = ls.loss_and_gradient(path.w[k], path.b[k], data.x, data.y, loss=loss)
        assert path.values[k] == pytest.approx(value, rel=1e-12)
        assert path.w[k + 1] == pytest.approx(path.w[k] - 0.5 * gw, rel=1e-12)
        assert path.b[k + 1] == pytest.approx(path.b[k] - 0.5 * gb, rel=1e-12)
        assert path.grad_norm[k] == pytest.approx(math.hypot(gw, gb), rel=1e-12)


@pytest.mark.parametrize("loss", LOSSES)
def test_descent_loop_matches_the_public_gradients_bit_for_bit(loss):
    """The loop's unchecked per-step gradient is the public *_grad (reduction="mean") exactly."""
    from lossviz.losses import bce_with_logits_grad, sigmoid_mse_grad

    grad = {"bce": bce_with_logits_grad, "mse": sigmoid_mse_grad}[loss]
    data = ls.make_dataset_1d("overlapping")
    path = ls.gradient_descent(data.x, data.y, loss=loss, w0=-6.0, b0=2.0, lr=3.0, steps=60)
    w, b = -6.0, 2.0
    for k in range(60):
        g = grad(w * data.x + b, data.y, reduction="mean")
        w, b = w - 3.0 * float(g @ data.x), b - 3.0 * float(g.sum())
        assert (path.w[k + 1], path.b[k + 1]) == (w, b)


def test_zero_learning_rate_and_zero_steps():
    data = ls.make_dataset_1d("separable")
    still = ls.gradient_descent(data.x, data.y, loss="bce", w0=1.0, b0=2.0, lr=0.0, steps=5)
    assert np.all(still.w == 1.0) and np.all(still.b == 2.0)
    assert ls.gradient_descent(data.x, data.y, loss="mse", w0=1.0, b0=2.0, lr=1.0, steps=0).w.size == 1


@pytest.mark.parametrize("lr", [0.01, 30.0])
@pytest.mark.parametrize("loss", LOSSES)
def test_descent_stays_finite_at_the_learning_rate_extremes(loss, lr):
    data = ls.make_dataset_1d("outlier")
    path = ls.gradient_descent(data.x, data.y, loss=loss, w0=10.0, b0=-10.0, lr=lr, steps=1000)
    for name in ("w", "b", "values", "grad_norm", "accuracy"):
        assert np.all(np.isfinite(getattr(path, name))), f"{loss}, lr = {lr}: {name}"


def test_predict_scenario_cross_entropy_is_far_faster():
    """The page's question: separable data, start (−6, 0), lr 1. Cross-entropy's gradient at the
    start is two orders of magnitude larger, and it reaches 100 % in a handful of steps."""
    paths = ls.lesson_descent("separable", w0=-6.0, b0=0.0, lr=1.0, steps=300)
    bce_step = ls.first_step_reaching(paths["bce"], 1.0)
    mse_step = ls.first_step_reaching(paths["mse"], 1.0)
    assert bce_step is not None and mse_step is not None
    assert bce_step <= 10 and mse_step > 20 * bce_step
    assert paths["mse"].grad_norm[0] < paths["bce"].grad_norm[0] / 100
    assert paths["mse"].accuracy[0] == 0.0, "the start is confidently wrong on every point"


def test_first_step_reaching_never():
    data = ls.make_dataset_1d("separable")
    path = ls.gradient_descent(data.x, data.y, loss="mse", w0=-6.0, b0=0.0, lr=0.01, steps=20)
    assert ls.first_step_reaching(path, 1.0) is None
    assert ls.first_step_reaching(path, 0.0) == 0


# --------------------------------------------------------------------------------------------
# The likelihood view
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sigma", [0.1, 1.0, 5.0])
def test_each_loss_is_a_mean_negative_log_likelihood(sigma):
    check = ls.likelihood_check(sigma=sigma)
    rows = {row.loss_name: row for row in check.rows}
    for row in check.rows:
        assert abs(row.residual) < 1e-12, f"{row.distribution}: NLL − (scale·loss + constant) = {row.residual}"
    assert rows["bce"].scale == 1.0 and rows["bce"].constant == 0.0
    assert rows["mse"].scale == pytest.approx(1 / (2 * sigma**2))
    assert rows["mse"].constant == pytest.approx(0.5 * math.log(2 * math.pi * sigma**2))


def test_likelihood_check_by_hand():
    """The Bernoulli and Gaussian NLLs written out with math.log, sample by sample."""
    check = ls.likelihood_check(sigma=0.7, n=5, seed=4)
    rows = {row.loss_name: row for row in check.rows}
    bernoulli = -sum(math.log(p if y == 1 else 1 - p) for p, y in zip(check.p, check.y, strict=True)) / 5
    pairs = list(zip(check.p, check.y, strict=True))
    gaussian = sum((y - p) ** 2 / (2 * 0.49) + 0.5 * math.log(2 * math.pi * 0.49) for p, y in pairs) / 5
    assert rows["bce"].mean_nll == pytest.approx(bernoulli, rel=1e-12)
    assert rows["mse"].mean_nll == pytest.approx(gaussian, rel=1e-12)
    log_s = check.logits - np.log(np.exp(check.logits).sum(axis=1, keepdims=True))
    categorical = -np.mean(log_s[np.arange(5), check.classes])
    assert rows["cross_entropy"].mean_nll == pytest.approx(categorical, rel=1e-12)


def test_fitted_probabilities_and_feature_grid():
    grid = ls.feature_grid([-1.0, 2.0], n=7, margin=0.5)
    assert grid[0] == -1.5 and grid[-1] == 2.5 and grid.size == 7
    np.testing.assert_allclose(ls.fitted_probabilities(2.0, -1.0, [0.5]), [0.5])


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ls.make_dataset_1d("moons"), r"kind must be one of 'separable', 'overlapping', 'outlier'"),
        (lambda: ls.make_dataset_1d("separable", n=2), r"n must be in \[4, 200\]; got 2"),
        (lambda: ls.loss_and_gradient(0.0, 0.0, [1.0], [1.0], loss="hinge"), r'loss must be "bce" or "mse"'),
        (lambda: ls.loss_and_gradient(0.0, 0.0, [1.0, 2.0], [1.0], loss="bce"), r"y must have the same shape as x"),
        (lambda: ls.loss_and_gradient(0.0, 0.0, [1.0], [0.5], loss="bce"), r"y must hold labels 0 or 1"),
        (lambda: ls.loss_and_gradient(float("nan"), 0.0, [1.0], [1.0], loss="bce"), r"w must be a finite number"),
        (lambda: ls.gradient_descent([1.0], [1.0], loss="bce", w0=0, b0=0, lr=-1, steps=3), r"lr must be >= 0"),
        (lambda: ls.gradient_descent([1.0], [1.0], loss="bce", w0=0, b0=0, lr=1, steps=1.5), r"steps must be an int"),
        (lambda: ls.loss_surface([1.0], [1.0], loss="bce", w_range=(2, 1)), r"w_range must be finite with low < high"),
        (lambda: ls.likelihood_check(sigma=0.0), r"sigma must be in \[0.05, 100\]; got 0"),
    ],
)
def test_bad_input_is_rejected_with_a_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()

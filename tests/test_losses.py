"""Tests for lossviz.losses: generic checks over the registry, then each loss's own facts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossviz as lv
from lossviz.losses import LOSSES

REDUCTIONS = ("none", "mean", "sum")


# --------------------------------------------------------------------------------------------
# Inputs for any registered loss, built from its input and target kinds
# --------------------------------------------------------------------------------------------


def make_example(spec, rng, n=5, c=4, scale=3.0):
    """A valid (prediction, target) pair for ``spec``, with n rows of c classes."""
    if spec.input_kind == "logit":
        pred = rng.normal(0.0, scale, (n, c))
    elif spec.target_kind == "one_hot":
        pred = rng.dirichlet(np.ones(c), n) * 0.9 + 0.1 / c
    else:
        pred = rng.uniform(0.02, 0.98, (n, c))
    kind = spec.target_kind
    if kind == "binary":
        target = rng.integers(0, 2, (n, c)).astype(float)
        target[0] = rng.uniform(0, 1, c)  # a soft-label row
    elif kind == "one_hot":
        target = np.eye(c)[rng.integers(0, c, n)]
    elif kind == "class_index":
        target = rng.integers(0, c, n)
    elif kind == "class_probabilities":
        target = rng.dirichlet(np.ones(c), n)
    elif kind == "multi_hot":
        target = (rng.uniform(size=(n, c)) < 0.5).astype(float)
        target[np.arange(n), rng.integers(0, c, n)] = 1.0
    else:  # pragma: no cover - a new kind must be taught to this helper
        raise AssertionError(f"no example generator for target kind {kind!r}")
    return pred, target


def extreme_example(spec, rng, n=4, c=4):
    """Logits of ±1e4 for logit losses; probabilities of exactly 0 and 1 for probability losses."""
    pred, target = make_example(spec, rng, n, c)
    if spec.input_kind == "logit":
        pred = rng.choice([-1e4, 1e4, 0.0, 37.0], size=(n, c))
    elif spec.target_kind == "one_hot":
        pred = np.eye(c)[rng.integers(0, c, n)]  # rows with exact zeros and a one
    else:
        pred = rng.choice([0.0, 1.0], size=(n, c))
    return pred, target


def finite_difference(f, x, h=1e-6):
    """Central differences of the scalar function f at every element of x."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


def total(value):
    return float(np.sum(value))


SPECS = list(LOSSES.values())
SPEC_IDS = list(LOSSES)


# --------------------------------------------------------------------------------------------
# Generic tests: every registered loss x every reduction
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4), c=st.integers(2, 5))
def test_gradient_matches_finite_differences(spec, reduction, seed, n, c):
    rng = np.random.default_rng(seed)
    pred, target = make_example(spec, rng, n, c)
    grad = spec.grad(pred, target, reduction=reduction)
    numeric = finite_difference(lambda x: total(spec.value(x, target, reduction=reduction)), pred)
    assert grad.shape == pred.shape, f"{spec.name}: gradient shape {grad.shape} != input {pred.shape}"
    np.testing.assert_allclose(
        grad, numeric, rtol=1e-5, atol=1e-7, err_msg=f"{spec.name} ({reduction}) gradient is wrong"
    )


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_loss_is_non_negative(spec):
    rng = np.random.default_rng(0)
    for _ in range(20):
        pred, target = make_example(spec, rng, 6, 4, scale=6.0)
        values = spec.value(pred, target, reduction="none")
        assert np.all(values >= 0), f"{spec.name} must be non-negative; got {values.min()}"


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_mean_is_sum_over_count(spec):
    rng = np.random.default_rng(1)
    pred, target = make_example(spec, rng, 7, 3)
    count = np.size(spec.value(pred, target, reduction="none"))
    mean = spec.value(pred, target, reduction="mean")
    assert mean == pytest.approx(spec.value(pred, target, reduction="sum") / count, rel=1e-14)
    np.testing.assert_allclose(
        spec.grad(pred, target, reduction="mean"),
        spec.grad(pred, target, reduction="sum") / count,
        rtol=1e-14,
        err_msg=f"{spec.name}: the gradient must reduce like the value",
    )


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_none_gradient_sums_to_sum_gradient(spec):
    """Each element's own derivative, summed over positions, is the gradient of the sum."""
    rng = np.random.default_rng(2)
    pred, target = make_example(spec, rng, 5, 4)
    np.testing.assert_allclose(
        spec.grad(pred, target, reduction="none"), spec.grad(pred, target, reduction="sum"), rtol=1e-14
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_finite_at_extreme_inputs(spec, reduction):
    rng = np.random.default_rng(3)
    for _ in range(10):
        pred, target = extreme_example(spec, rng)
        value = spec.value(pred, target, reduction=reduction)
        grad = spec.grad(pred, target, reduction=reduction)
        assert np.all(np.isfinite(value)), f"{spec.name} value not finite at {pred.tolist()}"
        assert np.all(np.isfinite(grad)), f"{spec.name} gradient not finite at {pred.tolist()}"


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_unknown_reduction_is_rejected(spec):
    pred, target = make_example(spec, np.random.default_rng(4), 2, 3)
    for fn in (spec.value, spec.grad):
        with pytest.raises(ValueError, match=r'reduction must be one of "none", "mean", "sum"; got \'avg\''):
            fn(pred, target, reduction="avg")


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_nan_input_is_rejected(spec):
    pred, target = make_example(spec, np.random.default_rng(5), 2, 3)
    pred[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"must be finite \(no NaN or inf\); got 1 non-finite"):
        spec.value(pred, target)


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_registry_entry_is_complete(spec):
    assert spec.input_kind in {"probability", "logit"}
    assert spec.label and spec.latex
    assert spec.value.__doc__ and spec.grad.__doc__, "the derivation lives in the docstrings"


# --------------------------------------------------------------------------------------------
# Keras probability losses
# --------------------------------------------------------------------------------------------


def test_seed_001_summed_bce_example():
    """Seed 001: summing BCE over the four outputs gives ~0.67 and ~0.72 (values computed here
    from −Σ[y log p + (1 − y) log(1 − p)], which is what the thread's formula says)."""
    y = np.array([1.0, 0, 0, 0])
    first = lv.bce([0.7, 0.1, 0.1, 0.1], y, reduction="sum")
    second = lv.bce([0.73, 0.26, 0.05, 0.05], y, reduction="sum")
    assert first == pytest.approx(-math.log(0.7) - 3 * math.log(0.9), rel=1e-12)
    assert round(first, 2) == 0.67 and round(second, 2) == 0.72
    assert first < second, "summed BCE prefers the first vector, as the thread says"


def test_seed_001_categorical_ce_and_the_unnormalised_vector():
    """The thread's second vector sums to 1.09. Read literally, −log 0.73 < −log 0.7 so the
    categorical CE prefers it; Keras renormalises it first (0.73/1.09) and then prefers the first."""
    y = np.array([1.0, 0, 0, 0])
    assert lv.categorical_ce([0.7, 0.1, 0.1, 0.1], y) == pytest.approx(-math.log(0.7), rel=1e-12)
    assert lv.categorical_ce([0.73, 0.26, 0.05, 0.05], y) == pytest.approx(-math.log(0.73 / 1.09), rel=1e-12)
    normalised_second = np.array([0.73, 0.26, 0.005, 0.005])  # a vector that does sum to 1
    assert lv.categorical_ce(normalised_second, y) < lv.categorical_ce([0.7, 0.1, 0.1, 0.1], y)


def test_bce_clipping_caps_the_loss_and_kills_the_gradient():
    """TensorFlow backend: clip_by_value(p, 1e-7, 1 − 1e-7) then the usual formula, so the loss
    at p = 0, y = 1 is −log(1e-7) = 16.11809565095832 and clip passes no gradient there."""
    assert lv.bce([0.0], [1.0]) == pytest.approx(16.11809565095832, rel=1e-14)
    assert lv.bce([1.0], [0.0]) == pytest.approx(-math.log(1e-7), rel=1e-9)
    assert lv.bce_grad([0.0, 1e-9], [1.0, 1.0], reduction="none").tolist() == [0.0, 0.0]
    inside = lv.bce_grad([1e-3], [1.0], reduction="none")[0]
    assert inside == pytest.approx(-1 / 1e-3, rel=1e-12)
    assert lv.bce([0.0], [1.0], eps=1e-3) == pytest.approx(-math.log(1e-3), rel=1e-12)


def test_bce_equals_bce_with_logits_for_moderate_logits():
    z = np.linspace(-8, 8, 33)
    y = (np.arange(33) % 2).astype(float)
    np.testing.assert_allclose(lv.bce(lv.sigmoid(z), y, eps=0.0, reduction="none"),
                               lv.bce_with_logits(z, y, reduction="none"), rtol=1e-12)
    # with the p-gradient times dp/dz = p(1 − p), the chain rule gives the logit gradient
    p = lv.sigmoid(z)
    np.testing.assert_allclose(lv.bce_grad(p, y, eps=0.0, reduction="none") * p * (1 - p),
                               lv.bce_with_logits_grad(z, y, reduction="none"), rtol=1e-9, atol=1e-15)


def test_categorical_ce_gradient_at_the_clip():
    g = lv.categorical_ce_grad([[0.0, 0.5, 0.5]], [[1.0, 0, 0]], reduction="none")
    assert np.all(g == 0.0), "a clipped true-class probability passes no gradient"


# --------------------------------------------------------------------------------------------
# Logit losses: identities and known values
# --------------------------------------------------------------------------------------------


def test_bce_with_logits_at_extremes_is_exact():
    """−log σ(−1e4) = 1e4 exactly in float64 (log1p(exp(−1e4)) underflows to 0)."""
    assert lv.bce_with_logits([-1e4], [1.0]) == 1e4
    assert lv.bce_with_logits([1e4], [1.0]) == 0.0
    assert lv.bce_with_logits_grad([-1e4, 1e4], [1.0, 0.0], reduction="none").tolist() == [-1.0, 1.0]


def test_binary_cross_entropy_is_two_class_cross_entropy():
    """Seed 000: BCE on one logit z equals 2-class CE on logits [0, z] (or any [a, a + z])."""
    rng = np.random.default_rng(6)
    z = rng.normal(0, 4, 20)
    y = rng.integers(0, 2, 20)
    two = np.stack([np.full(20, 1.5), 1.5 + z], axis=1)
    np.testing.assert_allclose(lv.bce_with_logits(z, y.astype(float), reduction="none"),
                               lv.cross_entropy(two, y, reduction="none"), rtol=1e-12)
    g2 = lv.cross_entropy_grad(two, y, reduction="none")
    np.testing.assert_allclose(g2.sum(axis=1), 0.0, atol=1e-15, err_msg="2-neuron gradients sum to zero")
    np.testing.assert_allclose(g2[:, 1], lv.bce_with_logits_grad(z, y.astype(float), reduction="none"), rtol=1e-12)


def test_pos_weight_scales_only_the_positive_term():
    z, y = np.array([0.3, -1.2]), np.array([1.0, 0.0])
    plain = lv.bce_with_logits(z, y, reduction="none")
    weighted = lv.bce_with_logits(z, y, pos_weight=[3.0], reduction="none")
    assert weighted[0] == pytest.approx(3 * plain[0], rel=1e-14)
    assert weighted[1] == pytest.approx(plain[1], rel=1e-14)


def test_sigmoid_mse_gradient_vanishes_when_confidently_wrong():
    """dMSE/dz = 2(p − y)p(1 − p) → 0 as z → −∞ with y = 1, while dCE/dz = p − y → −1."""
    z = np.array([-30.0])
    assert abs(lv.sigmoid_mse_grad(z, [1.0])[0]) < 1e-12
    assert lv.bce_with_logits_grad(z, [1.0])[0] == pytest.approx(-1.0, abs=1e-12)


def test_focal_loss_is_bce_when_gamma_is_zero_and_below_it_otherwise():
    rng = np.random.default_rng(7)
    z = rng.normal(0, 4, 50)
    y = rng.integers(0, 2, 50).astype(float)
    np.testing.assert_allclose(lv.sigmoid_focal_loss(z, y, alpha=-1, gamma=0, reduction="none"),
                               lv.bce_with_logits(z, y, reduction="none"), rtol=1e-14)
    for gamma in (0.5, 1.0, 2.0, 5.0):
        focal = lv.sigmoid_focal_loss(z, y, alpha=-1, gamma=gamma, reduction="none")
        assert np.all(focal <= lv.bce_with_logits(z, y, reduction="none")), "focal loss must not exceed BCE"


@pytest.mark.parametrize("gamma", [0.0, 0.3, 0.5, 1.0, 2.0])
def test_focal_gradient_is_finite_where_one_minus_pt_underflows(gamma):
    """At z = 1e4 with y = 1, 1 − p_t = σ(−1e4) = 0 exactly: m^(γ−1) alone would be inf."""
    g = lv.sigmoid_focal_loss_grad([1e4, -1e4], [1.0, 0.0], gamma=gamma, reduction="none")
    assert g.tolist() == [0.0, 0.0]


def test_cross_entropy_ignore_index_and_weights_follow_torch():
    """Hand-derived from NUMERICS.md: mean divides by the weight sum of non-ignored targets."""
    z = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5], [1.0, 3.0, 0.0]])
    t = np.array([0, -100, 1])
    w = np.array([2.0, 0.5, 1.0])
    per = lv.cross_entropy(z, t, weight=w, reduction="none")
    log_s = lv.log_softmax(z)
    assert per[1] == 0.0
    expected = (2.0 * -log_s[0, 0] + 0.5 * -log_s[2, 1]) / (2.0 + 0.5)
    assert lv.cross_entropy(z, t, weight=w) == pytest.approx(expected, rel=1e-14)
    assert np.all(lv.cross_entropy_grad(z, t, weight=w)[1] == 0.0)


def test_cross_entropy_all_ignored_mean_is_nan_as_in_torch():
    assert math.isnan(lv.cross_entropy([[1.0, 2.0]], [-100]))
    assert lv.cross_entropy([[1.0, 2.0]], [-100], reduction="sum") == 0.0


def test_cross_entropy_pixelwise_axis_matches_moving_the_axis():
    rng = np.random.default_rng(8)
    z = rng.normal(0, 2, (2, 4, 3, 5))
    t = rng.integers(0, 4, (2, 3, 5))
    flat = np.moveaxis(z, 1, -1).reshape(-1, 4)
    assert lv.cross_entropy(z, t, axis=1) == pytest.approx(lv.cross_entropy(flat, t.ravel()), rel=1e-14)
    per_pixel = lv.cross_entropy(z, t, axis=1, reduction="none")
    assert per_pixel.shape == (2, 3, 5)
    grad = lv.cross_entropy_grad(z, t, axis=1)
    flat_grad = lv.cross_entropy_grad(flat, t.ravel())
    np.testing.assert_allclose(np.moveaxis(grad, 1, -1).reshape(-1, 4), flat_grad, rtol=1e-14)


def test_cross_entropy_label_smoothing_equals_smoothed_probability_target_without_weights():
    rng = np.random.default_rng(9)
    z = rng.normal(0, 2, (6, 5))
    t = rng.integers(0, 5, 6)
    smoothed = np.eye(5)[t] * 0.8 + 0.2 / 5
    assert lv.cross_entropy(z, t, label_smoothing=0.2) == pytest.approx(lv.cross_entropy(z, smoothed), rel=1e-13)


def test_cross_entropy_probability_gradient_is_softmax_minus_target():
    z = np.array([[1.0, 2.0, 3.0]])
    t = np.array([[0.2, 0.3, 0.5]])
    np.testing.assert_allclose(lv.cross_entropy_grad(z, t), lv.softmax(z) - t, rtol=1e-14)


def test_every_logit_gets_a_gradient():
    """Seed 001/004: only the true class is in the loss, yet every logit is pushed: s − y."""
    z = np.array([1.0, -0.5, 2.0, 0.0])
    g = lv.cross_entropy_grad(z, 2)
    s = lv.softmax(z)
    np.testing.assert_allclose(g, s - np.eye(4)[2], rtol=1e-14)
    assert np.all(g[[0, 1, 3]] > 0) and g[2] < 0


def test_multilabel_softmax_gradient_matches_the_seed_tutorial():
    """Seed 004: positive classes get (1/M)[(s_k − 1) + (M − 1)s_k], negative classes get s_n."""
    z = np.array([0.5, -1.0, 2.0, 0.0, 1.0])
    y = np.array([1.0, 0, 1, 0, 1])
    m = 3
    s = lv.softmax(z)
    g = lv.multilabel_softmax_ce_grad(z, y)
    for k in (0, 2, 4):
        assert g[k] == pytest.approx(((s[k] - 1) + (m - 1) * s[k]) / m, rel=1e-13)
    for n in (1, 3):
        assert g[n] == pytest.approx(s[n], rel=1e-14)
    single = np.array([0.0, 0, 1, 0, 0])
    assert lv.multilabel_softmax_ce(z, single) == pytest.approx(lv.cross_entropy(z, 2), rel=1e-14)


# --------------------------------------------------------------------------------------------
# Error messages
# --------------------------------------------------------------------------------------------


ERROR_CASES = [
    (lambda: lv.bce([0.5, 0.5], [1.0]), r"y must have the same shape as p \(2,\); got \(1,\)"),
    (lambda: lv.bce([1.5], [1.0]), r"p must hold probabilities in \[0, 1\]; got values from 1.5 to 1.5"),
    (lambda: lv.bce([0.5], [2.0]), r"y must be labels in \[0, 1\]; got values from 2 to 2"),
    (lambda: lv.bce([0.5], [1.0], eps=0.5), r"eps must be in \[0, 0.5\) so that eps < 1 - eps; got 0.5"),
    (lambda: lv.bce_with_logits([0.0], [-1.0]), r"y must be labels in \[0, 1\]"),
    (lambda: lv.bce_with_logits([[0.0, 1.0]], [[1.0, 0.0]], pos_weight=[1.0, 2.0, 3.0]),
     r"pos_weight must broadcast to the logits' shape \(1, 2\); got \(3,\)"),
    (lambda: lv.bce_with_logits([0.0], [1.0], weight=[-1.0]), r"weight must be non-negative; got a minimum of -1"),
    (lambda: lv.bce_with_logits(["a"], [1.0]), r"z must be a numeric array; got dtype <U1"),
    (lambda: lv.bce_with_logits([[0.0, 1.0], [2.0]], [1.0]), r"z must be a numeric array"),
    (lambda: lv.bce_with_logits([np.inf], [1.0]), r"z must be finite \(no NaN or inf\)"),
    (lambda: lv.bce_with_logits([], []), r"z must not be empty; got shape \(0,\)"),
    (lambda: lv.cross_entropy([[0.0, 1.0]], [2]), r"target class indices must be in \[0, 1\] or equal ignore_index \(-100\); got 2"),
    (lambda: lv.cross_entropy([[0.0, 1.0]], [-2]), r"target class indices must be in \[0, 1\] or equal ignore_index \(-100\); got -2"),
    (lambda: lv.cross_entropy([[0.0, 1.0]], [0.5]), r"target must hold whole-number class indices"),
    (lambda: lv.cross_entropy([[0.0, 1.0]], [[0, 1], [1, 0]]),
     r"target must have shape \(1,\) \(class indices\) or \(1, 2\) \(class probabilities\)"),
    (lambda: lv.cross_entropy([[0.0, 1.0]], [0], label_smoothing=1.5), r"label_smoothing must be in \[0, 1\]; got 1.5"),
    (lambda: lv.cross_entropy([[0.0, 1.0]], [0], weight=[1.0]), r"weight must have shape \(2,\), one per class; got \(1,\)"),
    (lambda: lv.cross_entropy([[0.0, 1.0]], [0], axis=2), r"axis must be in \[-2, 1\] for a 2-d array; got 2"),
    (lambda: lv.cross_entropy([[0.0, 1.0]], [0], ignore_index=1.5), r"ignore_index must be an integer; got 1.5"),
    (lambda: lv.cross_entropy([[0.0, 1.0]], [[0.5, 1.5]]), r"target must hold probabilities in \[0, 1\]"),
    (lambda: lv.sigmoid_focal_loss([0.0], [1.0], gamma=-1), r"gamma must be >= 0; got -1"),
    (lambda: lv.sigmoid_focal_loss([0.0], [1.0], alpha=2.0), r"alpha must be in \[0, 1\], or negative to disable"),
    (lambda: lv.categorical_ce([[0.0, 0.0]], [[1.0, 0.0]]), r"p must have a positive sum in every row"),
    (lambda: lv.categorical_ce([[-0.1, 1.0]], [[1.0, 0.0]]), r"p must be non-negative"),
    (lambda: lv.multilabel_softmax_ce([[0.0, 1.0]], [[0.0, 0.0]]), r"y must have at least one positive class"),
    (lambda: lv.multilabel_softmax_ce([[0.0, 1.0]], [[0.5, 1.0]]), r"y must be multi-hot \(only 0s and 1s\)"),
    (lambda: lv.softmax(3.0), r"axis needs an array with a class axis; got a 0-d"),
    (lambda: lv.mse([0.1], [0.2], reduction=None), r'reduction must be one of "none", "mean", "sum"; got None'),
]


@pytest.mark.parametrize("call, message", ERROR_CASES, ids=[m[:40] for _, m in ERROR_CASES])
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_cross_entropy_all_ignored_gradient_is_zero_as_in_torch():
    """torch 2.13: F.cross_entropy(x, [-100]) is nan but x.grad is [[0., 0.]] (checked by hand)."""
    for ls in (0.0, 0.1):
        g = lv.cross_entropy_grad([[1.0, 2.0]], [-100], label_smoothing=ls)
        assert g.tolist() == [[0.0, 0.0]]


# --------------------------------------------------------------------------------------------
# The fused value-and-gradient forms: the same numbers as the two separate calls, bit for bit
# --------------------------------------------------------------------------------------------


def _cross_entropy_cases():
    rng = np.random.default_rng(11)
    z = rng.normal(0, 3, (6, 4))
    index = np.array([0, 3, -100, 2, 1, 3])
    probs = rng.dirichlet(np.ones(4), 6)
    pixel_logits = rng.normal(0, 2, (2, 3, 4, 5))
    pixel_target = rng.integers(0, 3, (2, 4, 5))
    pixel_target[0, 0, :2] = 7
    weight = np.array([0.5, 2.0, 1.0, 0.0])
    return {
        "plain": (z, index, {}),
        "weighted+smoothed": (z, index, {"weight": weight, "label_smoothing": 0.2}),
        "probability targets": (z, probs, {"weight": weight, "label_smoothing": 0.1}),
        "pixel-wise axis=1": (pixel_logits, pixel_target, {"axis": 1, "ignore_index": 7}),
        "all ignored": (z[:1], np.array([-100]), {"label_smoothing": 0.1}),
        "extreme logits": (np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]]), np.array([1, 0]), {}),
    }


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", list(_cross_entropy_cases()))
def test_cross_entropy_value_and_grad_equals_the_two_calls(case, reduction):
    z, target, options = _cross_entropy_cases()[case]
    value, grad = lv.cross_entropy_value_and_grad(z, target, reduction=reduction, **options)
    np.testing.assert_array_equal(value, lv.cross_entropy(z, target, reduction=reduction, **options))
    np.testing.assert_array_equal(grad, lv.cross_entropy_grad(z, target, reduction=reduction, **options))
    assert grad.shape == z.shape


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"pos_weight": [3.0, 0.5]}, {"weight": [[1.0, 2.0]], "pos_weight": [2.0, 1.0]}],
                         ids=["plain", "pos_weight", "weight+pos_weight"])
def test_bce_with_logits_value_and_grad_equals_the_two_calls(options, reduction):
    rng = np.random.default_rng(12)
    z = np.concatenate([rng.normal(0, 4, (5, 2)), [[1e4, -1e4], [-40.0, 40.0]]])
    y = np.concatenate([rng.uniform(0, 1, (5, 2)), [[0.0, 1.0], [1.0, 0.0]]])
    value, grad = lv.bce_with_logits_value_and_grad(z, y, reduction=reduction, **options)
    np.testing.assert_array_equal(value, lv.bce_with_logits(z, y, reduction=reduction, **options))
    np.testing.assert_array_equal(grad, lv.bce_with_logits_grad(z, y, reduction=reduction, **options))


def test_value_and_grad_forms_check_their_input_like_the_single_calls():
    with pytest.raises(ValueError, match=r"target class indices must be in \[0, 1\]"):
        lv.cross_entropy_value_and_grad([[0.0, 1.0]], [2])
    with pytest.raises(ValueError, match=r"y must be labels in \[0, 1\]"):
        lv.bce_with_logits_value_and_grad([0.0], [2.0])
    with pytest.raises(ValueError, match=r"reduction must be one of"):
        lv.bce_with_logits_value_and_grad([0.0], [1.0], reduction="avg")


def test_bce_with_logits_keeps_tiny_losses_of_confident_right_answers():
    """log(1 + e^(−40)) = 4.248e-18 (not 0): the softplus keeps relative precision; the value
    is e^(−40)·(1 − e^(−40)/2), exact to float64 here."""
    per = lv.bce_with_logits([40.0, -40.0], [1.0, 0.0], reduction="none")
    np.testing.assert_allclose(per, [math.exp(-40.0)] * 2, rtol=1e-15)


@pytest.mark.parametrize("shape", [(5, 1), (200, 2), (7, 3), (3, 4, 8), (4, 9), (0, 3)])
def test_class_max_is_numpys_max_over_the_class_axis(shape):
    # The softmax kernels take the row maximum column by column for short class axes: the values
    # must be NumPy's own, NaN rows and arrays whose class axis is not contiguous included.
    from lossviz.losses import _class_max

    rng = np.random.default_rng(len(shape))
    z = rng.normal(size=shape) * 1e3
    if z.size:
        z.flat[min(3, z.size - 1)] = np.nan
    np.testing.assert_array_equal(_class_max(z), z.max(axis=-1, keepdims=True))
    if len(shape) == 3:
        moved = np.moveaxis(z, 0, -1)  # a strided class axis, as pixel logits (N, C, H, W) moved last
        np.testing.assert_array_equal(_class_max(moved), moved.max(axis=-1, keepdims=True))


def test_focal_grad_kernel_is_focal_terms_bit_for_bit():
    from lossviz.losses import _focal_grad_kernel, _focal_terms

    rng = np.random.default_rng(7)
    z = np.concatenate([rng.normal(scale=4.0, size=300), [0.0, 40.0, -40.0, 1e4, -1e4]])
    hard = (rng.random(z.size) < 0.3).astype(float)
    soft = rng.random(z.size)
    for y in (hard, soft):
        for alpha in (-1.0, 0.0, 0.25, 1.0):
            for gamma in (0.0, 0.5, 2.0, 5.0):
                kernel = _focal_grad_kernel(y, alpha, gamma)
                expected = _focal_terms(z, y, alpha, gamma)[1]
                np.testing.assert_array_equal(kernel(z), expected, err_msg=f"alpha={alpha}, gamma={gamma}")

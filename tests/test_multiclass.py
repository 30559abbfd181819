"""Tests for lossviz.multiclass: the numbers the two softmax lessons state.

Hard-coded values come from the closed forms written beside them (computed with Python's math
module) or from the seed threads; every gradient is also checked by central finite differences.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

import lossviz as lv
from lossviz import multiclass as mc
from lossviz.metrics import keras_accuracy_trap

SEED_A = [0.7, 0.1, 0.1, 0.1]
SEED_B = [0.73, 0.26, 0.05, 0.05]


def numeric_grad(f, z, h=1e-6):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    for j in range(z.size):
        step = np.zeros_like(z)
        step[j] = h
        out[j] = (f(z + step) - f(z - step)) / (2 * h)
    return out


# --------------------------------------------------------------------------------------------
# softmax_ce_breakdown and seed 004's single-label formulas
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("z", "t"),
    [([1.5, 2.0, 0.5, -1.0], 0), ([0.3, -0.2], 1), ([2.0, -1.0, 0.5, 0.0, 1.0, -0.5, 0.8, -2.0, 0.3, 1.1], 7)],
)
def test_breakdown_gradient_is_s_minus_y_and_matches_finite_differences(z, t):
    b = mc.softmax_ce_breakdown(z, t)
    s = special.softmax(z)
    y = np.eye(len(z))[t]
    np.testing.assert_allclose(b.probabilities, s, rtol=1e-14)
    np.testing.assert_allclose(b.gradient, s - y, rtol=1e-13, atol=1e-16)
    numeric = numeric_grad(lambda v: special.logsumexp(v) - v[t], z)
    np.testing.assert_allclose(b.gradient, numeric, atol=1e-8, err_msg="s − y must be d(−log s_t)/dz")
    assert b.loss == pytest.approx(special.logsumexp(z) - z[t], rel=1e-13)
    assert np.all(b.gradient != 0.0), "every logit gets a gradient although only s_t is in the loss"
    assert b.gradient[t] < 0 and np.all(np.delete(b.gradient, t) > 0)
    assert abs(b.gradient_sum) < 1e-15, "Σ(s − y) = 0: the pushes balance"


def test_breakdown_default_numbers_of_the_page():
    # softmax([1.5, 2, 0.5, −1]) by hand: e^1.5, e^2, e^0.5, e^−1 over their sum.
    z = [1.5, 2.0, 0.5, -1.0]
    e = [math.exp(v) for v in z]
    b = mc.softmax_ce_breakdown(z, 0)
    assert b.true_probability == pytest.approx(e[0] / sum(e), rel=1e-14)
    assert round(b.true_probability, 4) == 0.3227 and round(b.loss, 3) == 1.131
    assert b.strongest_wrong_class == 1, "class 1 has the largest wrong probability (0.532)"
    assert not b.keras_clipped
    np.testing.assert_allclose(b.keras_gradient, b.gradient, rtol=1e-12, atol=1e-16)
    assert b.keras_loss == pytest.approx(b.loss, rel=1e-12)


def test_breakdown_at_slider_extremes_clips_the_keras_path():
    # z_t = −20, nine logits at +20: loss = 40 + log 9 exactly (logsumexp = 20 + log(9 + e^−40)).
    z = [-20.0] + [20.0] * 9
    b = mc.softmax_ce_breakdown(z, 0)
    assert b.loss == pytest.approx(40 + math.log(9 + math.exp(-40)), rel=1e-14)
    assert b.true_probability == pytest.approx(math.exp(-40) / (9 + math.exp(-40)), rel=1e-12)
    assert b.keras_clipped and b.keras_loss == pytest.approx(-math.log(1e-7), rel=1e-12)
    assert np.all(b.keras_gradient == 0.0) and not np.any(np.signbit(b.keras_gradient)), "clipping kills it (+0.0)"
    assert b.gradient[0] == pytest.approx(-1.0, abs=1e-17) and np.all(np.isfinite(b.gradient))
    confident = mc.softmax_ce_breakdown([20.0, -20.0], 0)
    assert confident.gradient[0] == 0.0, "1 − e^−40 rounds to 1 in float64: the true logit's gradient is exactly 0"
    assert confident.gradient[1] > 0.0, "the wrong logit still gets s_1 = e^−40/(1 + e^−40) > 0"
    assert confident.keras_clipped, "s_t > 1 − eps is clipped too"
    assert confident.keras_loss == pytest.approx(-math.log1p(-1e-7), rel=1e-9)


@pytest.mark.parametrize("eps", [1e-12, 1e-7, 0.1])
def test_keras_gradient_matches_finite_differences_through_softmax_and_clip(eps):
    for z, t in (([1.5, 2.0, 0.5, -1.0], 0), ([-8.0, 8.0, 0.0], 0), ([3.0, -3.0, 0.0], 0)):
        b = mc.softmax_ce_breakdown(z, t, eps=eps)
        y = np.eye(len(z))[t]
        numeric = numeric_grad(lambda v, y=y: lv.categorical_ce(special.softmax(v), y, eps=eps), z, h=1e-7)
        np.testing.assert_allclose(b.keras_gradient, numeric, atol=1e-6, err_msg=f"z={z}, eps={eps}")


def test_seed_004_negative_class_formula_has_a_typo():
    z = np.array([1.5, 2.0, 0.5, -1.0])
    written = mc.seed_004_softmax_grad_as_written(z, 0)
    s = special.softmax(z)
    assert written[0] == pytest.approx(s[0] - 1.0, rel=1e-14), "the positive-class formula is right"
    np.testing.assert_allclose(written[1:], s[0], rtol=1e-14, err_msg="as printed: e^{z_p}/Σ for every negative")
    correct = mc.softmax_ce_breakdown(z, 0).gradient
    assert np.max(np.abs(written - correct)) == pytest.approx(np.max(np.abs(s[0] - s[1:])), rel=1e-12)
    equal = mc.seed_004_softmax_grad_as_written([0.0] * 4, 2)
    np.testing.assert_allclose(
        equal,
        mc.softmax_ce_breakdown([0.0] * 4, 2).gradient,
        atol=1e-16,
        err_msg="with equal logits s_n = s_p, so the typo is invisible",
    )


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mc.softmax_ce_breakdown([1.0], 0), "at least 2 logits"),
        (lambda: mc.softmax_ce_breakdown([[1.0, 2.0]], 0), "shape"),
        (lambda: mc.softmax_ce_breakdown([1.0, 2.0], 2), r"true_class must be in \[0, 1\]"),
        (lambda: mc.softmax_ce_breakdown([1.0, 2.0], 0.5), "integer"),
        (lambda: mc.softmax_ce_breakdown([1.0, np.nan], 0), "finite"),
        (lambda: mc.softmax_ce_breakdown([1.0, 2.0], 0, eps=0.5), "eps"),
        (lambda: mc.seed_004_softmax_grad_as_written([1.0, 2.0], -1), "true_class"),
    ],
)
def test_breakdown_rejects_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------------------------
# Seed 001: categorical CE vs summed BCE
# --------------------------------------------------------------------------------------------


def test_seed_001_numbers():
    a = mc.probability_vector_losses(SEED_A)
    b = mc.probability_vector_losses(SEED_B)
    # Summed BCE by hand: −log 0.7 − 3 log 0.9 and −log 0.73 − log 0.74 − 2 log 0.95.
    assert a.summed_bce == pytest.approx(-math.log(0.7) - 3 * math.log(0.9), rel=1e-12)
    assert b.summed_bce == pytest.approx(-math.log(0.73) - math.log(0.74) - 2 * math.log(0.95), rel=1e-12)
    assert (round(a.summed_bce, 2), round(b.summed_bce, 2)) == (0.67, 0.72), "the thread's ≈ 0.67 vs ≈ 0.72"
    assert a.mean_bce == pytest.approx(a.summed_bce / 4, rel=1e-15)
    assert b.total == pytest.approx(1.09, rel=1e-14) and not b.is_distribution and a.is_distribution
    assert b.literal_ce == pytest.approx(-math.log(0.73), rel=1e-14)  # 0.315
    assert a.literal_ce == pytest.approx(-math.log(0.7), rel=1e-14)  # 0.357
    assert b.literal_ce < a.literal_ce, "read literally, the categorical CE prefers B, as the thread argues"
    assert b.normalised[0] == pytest.approx(0.73 / 1.09, rel=1e-14) and round(b.normalised[0], 3) == 0.670
    assert b.keras_ce == pytest.approx(-math.log(0.73 / 1.09), rel=1e-12) and round(b.keras_ce, 3) == 0.401
    assert b.keras_ce > a.keras_ce, "Keras renormalises and then prefers A"
    assert a.keras_ce == pytest.approx(a.literal_ce, rel=1e-12), "for a vector summing to 1 both readings agree"


def test_a_valid_vector_where_ce_and_summed_bce_disagree():
    # The page's suggestion [0.71, 0.29, 0, 0]: CE −log 0.71 < −log 0.7, summed BCE −2 log 0.71 > A's.
    a = mc.probability_vector_losses(SEED_A)
    v = mc.probability_vector_losses([0.71, 0.29, 0.0, 0.0])
    assert v.is_distribution
    assert v.keras_ce < a.keras_ce and v.summed_bce > a.summed_bce
    assert v.summed_bce == pytest.approx(-2 * math.log(0.71) - 2 * math.log(1 - 1e-7), rel=1e-12)


def test_summed_bce_bounds_hold_for_every_probability_vector():
    low, high = mc.summed_bce_bounds(0.73, 4, eps=0.0)
    assert low == pytest.approx(-math.log(0.73) - 3 * math.log(1 - 0.27 / 3), rel=1e-12)
    assert high == pytest.approx(-2 * math.log(0.73), rel=1e-12)
    # Keras' clip adds −log(1 − 1e-7) ≈ 1e-7 for each of the lumped vector's two zeros.
    low, high = mc.summed_bce_bounds(0.73, 4)
    assert high == pytest.approx(-2 * math.log(0.73) - 2 * math.log1p(-1e-7), rel=1e-12)
    assert high < mc.probability_vector_losses(SEED_A).summed_bce, (
        "every valid vector with p_true = 0.73 beats A under summed BCE: the thread's 0.72 needs the extra 0.09"
    )
    rng = np.random.default_rng(0)
    rest = rng.dirichlet(np.ones(3), size=2000) * 0.27
    vectors = np.column_stack([np.full(2000, 0.73), rest])
    values = lv.bce(vectors, np.tile([1.0, 0, 0, 0], (2000, 1)), reduction="none").sum(axis=1)
    assert values.min() >= low - 1e-12 and values.max() <= high + 1e-12
    assert mc.summed_bce_bounds(0.6, 2)[0] == pytest.approx(mc.summed_bce_bounds(0.6, 2)[1], rel=1e-14)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mc.probability_vector_losses([0.5]), "at least 2"),
        (lambda: mc.probability_vector_losses([0.5, 1.5]), r"probabilities in \[0, 1\]"),
        (lambda: mc.probability_vector_losses([0.0, 0.0]), "positive sum"),
        (lambda: mc.probability_vector_losses([0.5, 0.5], true_class=2), "true_class"),
        (lambda: mc.summed_bce_bounds(1.2, 4), "p_true"),
        (lambda: mc.summed_bce_bounds(0.5, 1), "n_classes"),
    ],
)
def test_probability_vector_losses_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.7, 0.1, 0.1, 0.1", [0.7, 0.1, 0.1, 0.1]),
        ("[0.73 0.26;0.05,0.05]", [0.73, 0.26, 0.05, 0.05]),
        ("(1e-3,  .5)", [0.001, 0.5]),
        ("  1,0 ", [1.0, 0.0]),
    ],
)
def test_parse_vector_accepts_common_formats(text, expected):
    np.testing.assert_array_equal(mc.parse_vector(text), expected)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty"),
        ("[]", "empty"),
        ("0.7, abc", "'abc' is not a number"),
        ("__import__('os').getcwd()", "is not a number"),
        ("0.5, nan", "finite"),
        ("inf, 0.5", "finite"),
        (", ".join(["0.1"] * 51), "at most 50"),
    ],
)
def test_parse_vector_rejects_bad_text_without_eval(text, match):
    with pytest.raises(ValueError, match=match):
        mc.parse_vector(text, name="vector A")


def test_parse_vector_names_the_input_and_rejects_non_text():
    with pytest.raises(ValueError, match="^vector B must hold numbers"):
        mc.parse_vector("x", name="vector B")
    with pytest.raises(ValueError, match="must be text"):
        mc.parse_vector([0.5, 0.5])


# --------------------------------------------------------------------------------------------
# Keras epsilon clipping over p_true
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("eps", [1e-12, 1e-7, 1e-3, 0.1])
def test_clip_curves(eps):
    grid = mc.clip_curve_grid(eps)
    c = mc.keras_clip_curves(grid, eps=eps)
    inside = (grid >= eps) & (grid <= 1 - eps)
    assert c.loss_cap == pytest.approx(-math.log(eps), rel=1e-15)
    np.testing.assert_allclose(c.loss_keras[inside], -np.log(grid[inside]), rtol=1e-9)
    np.testing.assert_allclose(c.loss_keras[grid < eps], -math.log(eps), rtol=1e-9)
    # log(1 − eps) of the clipped value loses digits for tiny eps (as in Keras): compare absolutely.
    np.testing.assert_allclose(c.loss_keras[grid > 1 - eps], c.loss_floor, rtol=1e-6, atol=1e-16)
    np.testing.assert_allclose(c.dldp_keras[inside], -1 / grid[inside], rtol=1e-9)
    assert np.all(c.dldp_keras[~inside] == 0) and np.all(c.dldz_keras[~inside] == 0), "clip passes no gradient"
    np.testing.assert_allclose(c.dldz_exact, grid - 1, rtol=1e-15)
    assert np.all(c.dldz_exact[grid < 0.5] < -0.5), "the logit path keeps pushing when p_true → 0"
    assert np.all(np.isfinite(c.loss_exact)) and c.loss_exact.max() == pytest.approx(20 * math.log(10), rel=1e-12)


def test_clip_curves_agree_with_keras_categorical_ce_on_longer_rows():
    p = np.array([1e-9, 1e-4, 0.3, 0.9])
    c = mc.keras_clip_curves(p)
    rows = np.column_stack([p, (1 - p) / 3, (1 - p) / 3, (1 - p) / 3])
    np.testing.assert_allclose(
        c.loss_keras, lv.categorical_ce(rows, np.tile([1.0, 0, 0, 0], (4, 1)), reduction="none"), rtol=1e-12
    )
    # ∂L/∂z_t through a 4-class softmax whose true probability is p (finite differences).
    for k, target in enumerate(p):
        z = np.log(rows[k])
        numeric = numeric_grad(lambda v: lv.categorical_ce(special.softmax(v), [1.0, 0, 0, 0]), z, h=1e-7)[0]
        assert numeric == pytest.approx(c.dldz_keras[k], abs=1e-6), f"p_true = {target}"


def test_clip_curve_grid():
    g = mc.clip_curve_grid(1e-7)
    assert g[0] == 1e-20 and g[-1] == 1.0 and np.all(np.diff(g) > 0)
    assert 1e-7 in g and 1 - 1e-7 in g and np.any((g < 1e-7) & (g > 0.99e-7)), "both sides of the jump"
    assert mc.clip_curve_grid(0.0).size == 400


def test_clip_curves_reject_bad_input():
    with pytest.raises(ValueError, match="p must be > 0"):
        mc.keras_clip_curves([0.0, 0.5])
    with pytest.raises(ValueError, match="1-d"):
        mc.keras_clip_curves([[0.5]])
    with pytest.raises(ValueError, match="eps"):
        mc.keras_clip_curves([0.5], eps=-1.0)


# --------------------------------------------------------------------------------------------
# Two heads on the same logits
# --------------------------------------------------------------------------------------------

Z5 = np.array([2.0, -1.0, 1.5, -0.5, 0.0])
Y_TWO = np.array([1.0, 0, 1, 0, 0])


def test_sigmoid_head():
    h = mc.sigmoid_head(Z5, Y_TWO)
    p = special.expit(Z5)
    np.testing.assert_allclose(h.probabilities, p, rtol=1e-15)
    np.testing.assert_allclose(h.gradient, p - Y_TWO, rtol=1e-14, err_msg="σ(z) − y, seed 002/004")
    numeric = numeric_grad(lambda v: lv.bce_with_logits(v, Y_TWO, reduction="sum"), Z5)
    np.testing.assert_allclose(h.gradient, numeric, atol=1e-8)
    assert h.loss == pytest.approx(-np.sum(Y_TWO * np.log(p) + (1 - Y_TWO) * np.log(1 - p)), rel=1e-12)
    assert h.probability_sum > 1.0, "independent sigmoids need not sum to 1"
    np.testing.assert_array_equal(h.predicted, [1, 0, 1, 0, 0])
    assert h.loss_floor == 0.0 and h.best_positive_probability == 1.0
    none = mc.sigmoid_head(Z5, np.zeros(5))
    assert none.n_positive == 0 and np.all(none.gradient > 0), "no positive class is fine for sigmoids"


def test_softmax_head_one_positive_is_plain_cross_entropy():
    y = np.eye(5)[2]
    h = mc.softmax_head(Z5, y)
    assert h.loss == pytest.approx(lv.cross_entropy(Z5, 2), rel=1e-14)
    np.testing.assert_allclose(h.gradient, lv.cross_entropy_grad(Z5, 2), rtol=1e-14)
    assert h.unscaled_loss == pytest.approx(h.loss, rel=1e-14)
    assert h.probability_sum == pytest.approx(1.0, rel=1e-15)


def test_softmax_head_several_positives_split_the_mass():
    h = mc.softmax_head(Z5, Y_TWO)
    s = special.softmax(Z5)
    np.testing.assert_allclose(h.gradient, s - Y_TWO / 2, rtol=1e-14, err_msg="s − y/M")
    numeric = numeric_grad(lambda v: lv.multilabel_softmax_ce(v, Y_TWO), Z5)
    np.testing.assert_allclose(h.gradient, numeric, atol=1e-8)
    assert h.unscaled_loss == pytest.approx(2 * h.loss, rel=1e-14), "Keras' categorical CE has no 1/M"
    assert h.loss_floor == pytest.approx(math.log(2), rel=1e-15) and h.best_positive_probability == 0.5
    # At the optimum (positives equal and far above the negatives) the loss reaches log M.
    optimum = mc.softmax_head([30.0, -30.0, 30.0, -30.0, -30.0], Y_TWO)
    assert optimum.loss == pytest.approx(math.log(2), rel=1e-12)
    np.testing.assert_allclose(optimum.probabilities[[0, 2]], 0.5, rtol=1e-12)
    assert not optimum.predicted.any(), "at its optimum no positive passes p > 0.5: the softmax predicts nothing"
    three = mc.softmax_head([30.0, 30.0, 30.0, -30.0], [1.0, 1, 1, 0])
    assert three.loss == pytest.approx(math.log(3), rel=1e-12) and not three.predicted.any()


def test_seed_004_multilabel_formulas_are_right():
    for y in (Y_TWO, np.array([1.0, 1, 1, 0, 1]), np.eye(5)[0]):
        m = y.sum()
        got = mc.seed_004_multilabel_grad(Z5, y)
        np.testing.assert_allclose(got, lv.multilabel_softmax_ce_grad(Z5, y), rtol=1e-13, atol=1e-16)
        s = special.softmax(Z5)
        np.testing.assert_allclose(got[y == 1], s[y == 1] - 1 / m, rtol=1e-13)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mc.softmax_head(Z5, np.zeros(5)), "at least one positive"),
        (lambda: mc.seed_004_multilabel_grad(Z5, np.zeros(5)), "at least one positive"),
        (lambda: mc.sigmoid_head(Z5, [1.0, 0, 0.5, 0, 0]), "multi-hot"),
        (lambda: mc.sigmoid_head(Z5, [1.0, 0]), "same shape"),
        (lambda: mc.sigmoid_head([1.0], [1.0]), "at least 2"),
    ],
)
def test_heads_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_train_logits_first_step_uses_the_loss_gradients():
    lr = 0.7
    for head, grad in (
        ("sigmoid", lambda z: lv.bce_with_logits_grad(z, Y_TWO, reduction="sum")),
        ("softmax", lambda z: lv.multilabel_softmax_ce_grad(z, Y_TWO)),
    ):
        path = mc.train_logits(Z5, Y_TWO, head=head, learning_rate=lr, steps=2)
        activate = special.expit if head == "sigmoid" else special.softmax
        z1 = Z5 - lr * grad(Z5)
        z2 = z1 - lr * grad(z1)
        np.testing.assert_allclose(path, [activate(Z5), activate(z1), activate(z2)], rtol=1e-13, err_msg=head)


def test_train_logits_sigmoid_goes_to_the_target_softmax_to_one_over_m():
    y = np.array([1.0, 1, 1, 0, 0, 0])
    soft = mc.train_logits(np.zeros(6), y, head="softmax", steps=2000)
    sig = mc.train_logits(np.zeros(6), y, head="sigmoid", steps=2000)
    np.testing.assert_allclose(soft[-1, :3], 1 / 3, atol=1e-3)
    assert np.all(sig[-1, :3] > 0.99) and np.all(sig[-1, 3:] < 0.01)
    assert soft.shape == (2001, 6) and np.all(np.isfinite(soft))
    extreme = mc.train_logits([20.0, -20.0, 20.0], [0.0, 1, 0], head="softmax", steps=50)
    assert np.all(np.isfinite(extreme)) and extreme[-1, 1] > extreme[0, 1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"head": "tanh"}, "head"),
        ({"head": "sigmoid", "learning_rate": 0.0}, "learning_rate"),
        ({"head": "sigmoid", "steps": -1}, "steps"),
        ({"head": "sigmoid", "steps": 2.5}, "steps"),
    ],
)
def test_train_logits_rejects_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mc.train_logits(Z5, Y_TWO, **kwargs)
    with pytest.raises(ValueError, match="at least one positive"):
        mc.train_logits(Z5, np.zeros(5), head="softmax")


# --------------------------------------------------------------------------------------------
# The Keras accuracy trap (seed 003)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["all_zeros", "constant"])
def test_trap_tied_models_score_c_minus_1_over_c_and_the_share_of_class_0(model):
    data = mc.keras_trap_data(26, model, n_samples=1000, seed=0)
    r = mc.keras_trap_report(data)
    assert r.binary_accuracy == pytest.approx(25 / 26, rel=1e-14), "binary_accuracy counts the 25 correct zeros"
    assert r.tn == 25 * 1000 and r.tp == 0 and r.fn == 1000 and r.fp == 0
    assert r.categorical_accuracy == r.class0_share == np.mean(data.labels == 0), "ties go to class 0"
    described = keras_accuracy_trap(
        26,
        true_class_prob=float(data.p[0, 0]),
        other_class_prob=float(data.p[0, 0]),
        class_counts=np.bincount(data.labels, minlength=26),
    )
    assert r.binary_accuracy == pytest.approx(described.binary_accuracy, rel=1e-14)
    assert r.categorical_accuracy == pytest.approx(described.categorical_accuracy, rel=1e-12)
    assert r.subset_accuracy == 0.0


def test_trap_constant_half_on_two_classes_is_not_above_threshold():
    r = mc.keras_trap_report(mc.keras_trap_data(2, "constant", n_samples=500, seed=1))
    assert r.binary_accuracy == 0.5, "p = 1/2 is not > 0.5, so every label is predicted 0: 1 of 2 right"


def test_trap_decent_and_random_models():
    decent = mc.keras_trap_report(mc.keras_trap_data(26, "decent", seed=0))
    zeros = mc.keras_trap_report(mc.keras_trap_data(26, "all_zeros", seed=0))
    random = mc.keras_trap_report(mc.keras_trap_data(26, "random", seed=0))
    assert decent.categorical_accuracy > 0.75 and zeros.categorical_accuracy < 0.06
    assert 0 < decent.binary_accuracy - zeros.binary_accuracy < 0.03, "binary accuracy barely separates them"
    assert random.binary_accuracy == pytest.approx(0.5, abs=0.02)
    for r in (decent, zeros, random):
        assert r.tp + r.fp + r.fn + r.tn == 1000 * 26
        assert r.binary_accuracy == pytest.approx((r.tp + r.tn) / 26000, rel=1e-14)


def test_trap_data_is_seeded_and_sweep_matches_closed_form():
    a = mc.keras_trap_data(10, "random", n_samples=50, seed=4)
    b = mc.keras_trap_data(10, "random", n_samples=50, seed=4)
    np.testing.assert_array_equal(a.p, b.p)
    np.testing.assert_array_equal(a.labels, b.labels)
    counts = [2, 5, 26, 100]
    binary, categorical = mc.accuracy_trap_sweep("all_zeros", counts, n_samples=200)
    np.testing.assert_allclose(binary, [(c - 1) / c for c in counts], rtol=1e-14)
    for c, value in zip(counts, categorical):
        assert value == mc.keras_trap_report(mc.keras_trap_data(c, "all_zeros", n_samples=200)).class0_share


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mc.keras_trap_data(1, "all_zeros"), "n_classes"),
        (lambda: mc.keras_trap_data(26, "perfect"), "model must be one of"),
        (lambda: mc.keras_trap_data(26, "random", seed=-1), "seed"),
        (lambda: mc.keras_trap_data(26, "random", n_samples=0), "n_samples"),
        (lambda: mc.keras_trap_report("data"), "TrapData"),
        (lambda: mc.accuracy_trap_sweep("all_zeros", [[2, 3]]), "1-d"),
    ],
)
def test_trap_rejects_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()

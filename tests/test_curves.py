"""Tests for lossviz.curves: the CE/MSE curves, the marker readout and the checks of seed 000.

Expected values are closed forms written beside each assertion (for y = 1: CE = −log p,
∂CE/∂p = −1/p, ∂CE/∂z = p − 1, MSE = (1 − p)², ∂MSE/∂p = 2(p − 1), ∂MSE/∂z = 2(p − 1)p(1 − p)),
computed here with plain NumPy, independently of the core losses the module calls.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from lossviz import curves as cv
from lossviz.losses import bce

LABELS = (0, 1)


def closed_forms(p, y):
    """(CE, ∂CE/∂p, MSE, ∂MSE/∂p, ∂CE/∂z, ∂MSE/∂z) by hand."""
    p = np.asarray(p, dtype=float)
    ce = -np.log(p) if y == 1 else -np.log1p(-p)
    ce_p = -1.0 / p if y == 1 else 1.0 / (1.0 - p)
    mse = (p - y) ** 2
    mse_p = 2.0 * (p - y)
    return ce, ce_p, mse, mse_p, p - y, 2.0 * (p - y) * p * (1.0 - p)


# --------------------------------------------------------------------------------------------
# Grids and curves
# --------------------------------------------------------------------------------------------


def test_probability_grid_is_open_symmetric_and_holds_one_half():
    grid = cv.probability_grid(801, p_min=1e-3)
    assert grid.size == 801
    assert grid[0] == pytest.approx(1e-3, rel=1e-12) and grid[-1] == pytest.approx(1 - 1e-3, rel=1e-12)
    assert np.all(np.diff(grid) > 0), "the grid must increase"
    assert grid[400] == 0.5, "an odd grid contains p = 1/2 exactly"
    np.testing.assert_allclose(grid, 1.0 - grid[::-1], atol=1e-15, err_msg="symmetric about 1/2")
    assert np.diff(grid)[0] < np.diff(grid)[400], "denser at the ends than in the middle"


def test_logit_grid_range_and_limit():
    grid = cv.logit_grid(481, z_max=12.0)
    assert grid[0] == -12.0 and grid[-1] == 12.0 and grid.size == 481
    with pytest.raises(ValueError, match=r"z_max must be in \[0.001, 30\]; got 31"):
        cv.logit_grid(11, z_max=31.0)


@pytest.mark.parametrize("y", LABELS)
def test_curves_over_p_match_the_closed_forms(y):
    p = cv.probability_grid(201, p_min=1e-4)
    curves = cv.loss_curves(p, y, variable="p")
    ce, ce_p, mse, mse_p, _, _ = closed_forms(p, y)
    np.testing.assert_allclose(curves.ce, ce, rtol=1e-12)
    np.testing.assert_allclose(curves.ce_grad, ce_p, rtol=1e-9)
    np.testing.assert_allclose(curves.mse, mse, rtol=1e-12)
    np.testing.assert_allclose(curves.mse_grad, mse_p, rtol=1e-12)
    assert curves.p is curves.x or np.array_equal(curves.p, curves.x)


@pytest.mark.parametrize("y", LABELS)
def test_curves_over_z_match_the_closed_forms_and_the_chain_rule(y):
    z = cv.logit_grid(241, z_max=12.0)
    over_z = cv.loss_curves(z, y, variable="z")
    p = special.expit(z)
    *_, ce_z, mse_z = closed_forms(p, y)
    np.testing.assert_allclose(over_z.ce_grad, ce_z, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(over_z.mse_grad, mse_z, rtol=1e-9, atol=1e-18)
    over_p = cv.loss_curves(p, y, variable="p")
    slope = p * (1.0 - p)
    np.testing.assert_allclose(over_z.ce_grad, over_p.ce_grad * slope, rtol=1e-7, atol=1e-15,
                               err_msg="∂CE/∂z must be ∂CE/∂p · dp/dz")
    np.testing.assert_allclose(over_z.mse_grad, over_p.mse_grad * slope, rtol=1e-7, atol=1e-18,
                               err_msg="∂MSE/∂z must be ∂MSE/∂p · dp/dz")
    np.testing.assert_allclose(over_z.ce, over_p.ce, rtol=1e-9, err_msg="the same loss over z and over p")


@pytest.mark.parametrize("variable", ["p", "z"])
@pytest.mark.parametrize("y", LABELS)
def test_ratio_is_one_over_2p1mp_and_at_least_two(y, variable):
    curves = cv.lesson_curves(y, variable=variable)
    expected = 1.0 / (2.0 * curves.p * (1.0 - curves.p))
    np.testing.assert_allclose(curves.ratio, expected, rtol=1e-6)
    assert curves.ratio.min() >= 2.0 - 1e-12, "the CE gradient is at least twice the MSE gradient"


def test_lesson_curves_cover_the_slider_ranges():
    over_p = cv.lesson_curves(1, variable="p")
    over_z = cv.lesson_curves(1, variable="z")
    assert over_p.x[0] == pytest.approx(cv.P_MIN) and over_p.x[-1] == pytest.approx(1 - cv.P_MIN)
    assert over_z.x[0] == -cv.Z_MAX and over_z.x[-1] == cv.Z_MAX
    for curves in (over_p, over_z):
        for name in ("ce", "mse", "ce_grad", "mse_grad"):
            assert np.all(np.isfinite(getattr(curves, name))), f"{curves.variable}: {name} not finite"


# --------------------------------------------------------------------------------------------
# The marker
# --------------------------------------------------------------------------------------------


def test_readout_at_p_002_gives_a_ratio_of_25_5():
    """1/(2·0.02·0.98) = 25.5102…: DESIGN.md's illustrative "12.6×" is not the value at p = 0.02."""
    r = cv.marker_readout(0.02, 1)
    assert r.ratio == pytest.approx(1 / 0.0392, rel=1e-12)
    assert r.ratio_p == pytest.approx(r.ratio, rel=1e-12), "the ratio is the same over p and over z"
    assert r.ce_grad_z == pytest.approx(-0.98, rel=1e-12)
    assert r.mse_grad_z == pytest.approx(2 * -0.98 * 0.02 * 0.98, rel=1e-12)
    assert r.z == pytest.approx(math.log(0.02 / 0.98), rel=1e-12)
    assert r.confidently_wrong


def test_readout_for_the_predict_question():
    """At p = 0.01, y = 1: ∂CE/∂z = −0.99, ∂MSE/∂z = 2(−0.99)(0.01)(0.99) = −0.019602."""
    r = cv.marker_readout(0.01, 1)
    assert r.ce_grad_z == pytest.approx(-0.99, rel=1e-12)
    assert r.mse_grad_z == pytest.approx(-0.019602, rel=1e-12)
    assert abs(r.ce_grad_z) > abs(r.mse_grad_z)


@pytest.mark.parametrize("y", LABELS)
def test_readout_over_z_agrees_with_readout_over_p(y):
    for z in (-7.5, -1.0, 0.0, 2.5, 9.0):
        over_z = cv.marker_readout(z, y, variable="z")
        over_p = cv.marker_readout(over_z.p, y, variable="p")
        for name in ("ce", "mse", "ce_grad_p", "mse_grad_p", "ce_grad_z", "mse_grad_z"):
            assert getattr(over_z, name) == pytest.approx(getattr(over_p, name), rel=1e-8, abs=1e-14), name


@pytest.mark.parametrize("y", LABELS)
@pytest.mark.parametrize(
    "value, variable", [(cv.P_MIN, "p"), (1 - cv.P_MIN, "p"), (-cv.Z_MAX, "z"), (cv.Z_MAX, "z"), (-30.0, "z")]
)
def test_readout_is_finite_at_the_slider_ends(y, value, variable):
    r = cv.marker_readout(value, y, variable=variable)
    for name in ("p", "z", "ce", "mse", "ce_grad_p", "mse_grad_p", "ce_grad_z", "mse_grad_z", "ratio"):
        assert math.isfinite(getattr(r, name)), f"{name} at {variable} = {value}, y = {y}"
    assert r.ratio >= 2.0 - 1e-9


def test_mse_through_the_sigmoid_stops_learning_when_confidently_wrong():
    """As p → 0 with y = 1, ∂MSE/∂z = 2(p − 1)p(1 − p) → 0 while ∂CE/∂z = p − 1 → −1."""
    sizes = [cv.marker_readout(p, 1) for p in (0.1, 0.01, 1e-4, 1e-6)]
    mse = [abs(r.mse_grad_z) for r in sizes]
    ce = [abs(r.ce_grad_z) for r in sizes]
    assert all(a > b for a, b in zip(mse, mse[1:], strict=False)), "the MSE gradient must keep shrinking"
    assert mse[-1] < 3e-6 and ce[-1] > 0.999999 - 1e-12
    assert abs(sizes[-1].mse_grad_p) == pytest.approx(2.0, rel=1e-5), "over p the MSE gradient does not vanish"


def test_confidently_wrong_depends_on_the_label():
    assert cv.marker_readout(0.2, 1).confidently_wrong
    assert not cv.marker_readout(0.2, 0).confidently_wrong
    assert cv.marker_readout(0.8, 0).confidently_wrong


# --------------------------------------------------------------------------------------------
# Derived facts
# --------------------------------------------------------------------------------------------


def test_curve_crossings_on_known_curves():
    x = np.linspace(0.0, 4.0, 5)
    assert cv.curve_crossings(x, x, 2.5).tolist() == [2.5]
    assert cv.curve_crossings(x, x, 2.0).tolist() == [2.0], "a grid point where the curves are equal"
    assert cv.curve_crossings(x, x, 10.0).size == 0
    assert cv.curve_crossings(x, (x - 2.0) ** 2, 0.25).tolist() == pytest.approx([1.75, 2.25])


@pytest.mark.parametrize("y", LABELS)
def test_ce_loss_level_inverts_the_loss(y):
    for level in (0.1, 2.0, 9.0):
        p = cv.ce_loss_level(level, y)
        assert bce(np.array([p]), np.array([float(y)]), eps=0.0) == pytest.approx(level, rel=1e-12)
    assert cv.ce_loss_level(2.0, 1) == pytest.approx(math.exp(-2), rel=1e-15)
    assert cv.ce_loss_level(2.0, 0) == pytest.approx(1 - math.exp(-2), rel=1e-15)


@pytest.mark.parametrize("y", LABELS)
def test_seed_000_gradients_never_cross(y):
    """Seed 000: "the CE gradient is larger than the MSE gradient whenever p < e⁻²" (y = 1).
    1/p > 2(1 − p) for every p in (0, 1) because 2p(1 − p) ≤ 1/2: larger everywhere, no crossing."""
    facts = cv.seed_facts(y)
    assert facts.gradient_crossings.size == 0, f"the gradient curves cross at {facts.gradient_crossings}"
    assert facts.ce_larger_share == 1.0
    assert facts.ce_larger_share_beyond == 1.0, "also where the seed's 'whenever' does not reach"
    assert facts.min_ratio == pytest.approx(2.0, rel=1e-12) and facts.min_ratio_at == 0.5


def test_seed_000_threshold_claim_is_false_for_the_gradients():
    """If e⁻² were where the gradients cross, they would be equal there and swap order after it."""
    t = math.exp(-2)
    at_t = cv.marker_readout(t, 1)
    assert abs(at_t.ce_grad_p) == pytest.approx(math.e**2, rel=1e-12)  # 1/e⁻² = 7.389
    assert abs(at_t.mse_grad_p) == pytest.approx(2 * (1 - t), rel=1e-12)  # 1.729
    for p in (0.2, 0.5, 0.9, 0.999):
        r = cv.marker_readout(p, 1)
        assert abs(r.ce_grad_p) > abs(r.mse_grad_p), f"at p = {p} > e⁻² the CE gradient is still larger"


@pytest.mark.parametrize("y", LABELS)
def test_seed_000_threshold_is_where_the_ce_loss_passes_two(y):
    facts = cv.seed_facts(y)
    assert facts.threshold == pytest.approx(math.exp(-2) if y == 1 else 1 - math.exp(-2), rel=1e-15)
    assert facts.ce_loss_at_threshold == pytest.approx(2.0, rel=1e-12)
    assert facts.ce_loss_crossing == pytest.approx(facts.threshold, rel=1e-4), "the grid crossing agrees"
    assert facts.mse_grad_p_max == 2.0, "2 is the largest |∂MSE/∂p|, reached at p = 1 − y"


@pytest.mark.parametrize("y", LABELS)
def test_seed_000_mse_bounds_and_formulas(y):
    facts = cv.seed_facts(y)
    assert (facts.mse_loss_min, facts.mse_loss_max) == (0.0, 1.0), "MSE loss values lie in [0, 1]"
    assert facts.seed_ce_grad_error < 1e-9, "(p − y)/(p − p²) is ∂CE/∂p"
    assert facts.seed_mse_grad_negated, "2(y − p) is minus ∂MSE/∂p"


@pytest.mark.parametrize("y", LABELS)
def test_largest_mse_gradient_wrt_the_logit_is_8_over_27(y):
    """For y = 1, |∂MSE/∂z| = 2p(1 − p)²; its derivative 2(1 − p)(1 − 3p) vanishes at p = 1/3,
    where the value is 2·(1/3)·(4/9) = 8/27. For y = 0 the mirror image, at p = 2/3."""
    facts = cv.seed_facts(y)
    assert facts.mse_grad_z_max == pytest.approx(8 / 27, rel=1e-10)
    assert facts.mse_grad_z_argmax == pytest.approx(1 / 3 if y == 1 else 2 / 3, abs=1e-6)
    assert facts.ce_grad_z_wrong_end == pytest.approx(1.0, abs=2e-6)
    assert facts.mse_grad_z_wrong_end < 3e-6


def test_seed_facts_grid_size_is_reported():
    assert cv.seed_facts(1, n=1001).grid_size == 1001


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: cv.loss_curves([0.5], 2), r"y must be the label 0 or 1; got 2"),
        (lambda: cv.loss_curves([0.5], 1, variable="q"), r'variable must be "p" or "z"; got \'q\''),
        (lambda: cv.loss_curves([0.0, 0.5], 1), r"p must lie strictly between 0 and 1 .* from 0 to 0.5"),
        (lambda: cv.loss_curves([[0.5]], 1), r"p must be a 1-D grid; got shape \(1, 1\)"),
        (lambda: cv.loss_curves([31.0], 1, variable="z"), r"z must be within ±30"),
        (lambda: cv.marker_readout(1.0, 1), r"p must lie strictly between 0 and 1"),
        (lambda: cv.marker_readout("0.5", 1), r"p must be a number; got '0.5'"),
        (lambda: cv.marker_readout(0.5, True), r"y must be the label 0 or 1; got True"),
        (lambda: cv.seed_facts(1, n=1000), r"n must be odd"),
        (lambda: cv.probability_grid(2), r"n must be an integer in \[3, 100000\]; got 2"),
        (lambda: cv.ce_loss_level(-1.0, 1), r"level must be in \[0, 700\]; got -1"),
    ],
)
def test_bad_input_is_rejected_with_a_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()

"""Tests for lossviz.stability: the naive formulas break where IEEE arithmetic says they must,
the stable ones never return inf or NaN, Keras' clipping caps loss and gradient, and the seed
snippet's numbers (its value, its bugs, the corrected version) are what the lesson states.

Where an expected value is hard-coded, the comment says how it was obtained: closed forms from
the float formats (log of the largest float, k·log 2 for the rounding points), torch 2.13 and
scikit-learn run once on this machine (neither is imported here).
"""

from __future__ import annotations

import ast
import contextlib
import io
import math

import numpy as np
import pytest

from lossviz import stability as stab
from lossviz.losses import bce_with_logits

LN2 = math.log(2.0)
EPS = {"float64": float(np.finfo(np.float64).eps), "float32": float(np.finfo(np.float32).eps)}
# Half a float32 ulp near 100 is 3.8e-6: boundaries found in float64 z land within it.
BOUNDARY_TOL = {"float64": 1e-9, "float32": 2e-5}


# --------------------------------------------------------------------------------------------
# Where exp and the naive sigmoid give up
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype, overflow, underflow, one",
    [
        # log(max float), log(2^-1075) (half the smallest subnormal rounds to 0), 53·log 2
        ("float64", math.log(np.finfo(np.float64).max), -1075 * LN2, 53 * LN2),
        # the same for float32: log(max float32), log(2^-150), 24·log 2
        ("float32", math.log(float(np.finfo(np.float32).max)), -150 * LN2, 24 * LN2),
    ],
)
def test_dtype_limits_match_the_float_format(dtype, overflow, underflow, one):
    limits = stab.dtype_limits(dtype)
    tol = BOUNDARY_TOL[dtype]
    assert limits.exp_overflow == pytest.approx(overflow, abs=tol), "exp overflows above log(max float)"
    assert limits.exp_underflow == pytest.approx(underflow, abs=tol), "exp underflows below log(2^-(p+bias))"
    assert limits.sigmoid_one == pytest.approx(one, abs=tol), "1 + exp(−z) rounds to 1 at exp(−z) = 2^-p"
    assert limits.sigmoid_zero == pytest.approx(-limits.exp_overflow, abs=tol), (
        "the naive sigmoid is 0 exactly where exp(−z) overflows"
    )


@pytest.mark.parametrize("dtype", stab.DTYPES)
def test_naive_sigmoid_zero_is_wrong_not_rounding(dtype):
    """The true σ at the first naive zero is a representable (subnormal) number."""
    limits = stab.dtype_limits(dtype)
    assert limits.sigmoid_zero_exact >= limits.smallest_subnormal
    assert stab.naive_sigmoid([limits.sigmoid_zero], dtype=dtype)[0] == 0.0
    # One float closer to 0 the naive sigmoid is still positive: the boundary is exact.
    inside = np.nextafter(limits.sigmoid_zero, 0.0)
    if dtype == "float32":
        inside = limits.sigmoid_zero + 2 * BOUNDARY_TOL[dtype]
    assert stab.naive_sigmoid([inside], dtype=dtype)[0] > 0.0


def test_scipy_expit_also_returns_zero_where_sigma_is_subnormal():
    """The page says lossviz.sigmoid (scipy's expit) gives 0 there too: the fix is log_expit."""
    for dtype in stab.DTYPES:
        assert stab.dtype_limits(dtype).expit_at_sigmoid_zero == 0.0


def test_float32_answer_of_the_predict_question():
    # In float32, exp(88.73) overflows: 1/(1 + exp(−z)) is exactly 0 from z ≈ −88.72.
    assert round(stab.dtype_limits("float32").sigmoid_zero, 2) == -88.72
    assert round(stab.dtype_limits("float64").sigmoid_zero, 2) == -709.78


# --------------------------------------------------------------------------------------------
# Break points of every formula
# --------------------------------------------------------------------------------------------

# (formula, y, dtype) -> the breaks as (kind, expected z); expected z from the closed forms above:
# O = overflow point, U = underflow point, S = sigmoid-one point, and 54·log 2 = 37.43 where
# σ(z) < 2^-54 makes 1 − σ round to exactly 1.
O64, U64, S64 = math.log(np.finfo(np.float64).max), 1075 * LN2, 53 * LN2
O32, U32, S32 = math.log(float(np.finfo(np.float32).max)), 150 * LN2, 24 * LN2
EXPECTED_BREAKS = {
    ("sigmoid-log", 1, "float64"): [("inf", -O64), ("zero", S64)],
    ("bce-formula", 1, "float64"): [("inf", -O64), ("nan", S64)],
    ("softmax-log", 1, "float64"): [("inf", -U64), ("zero", S64), ("nan", O64)],
    ("shifted-softmax-log", 1, "float64"): [("inf", -U64), ("zero", S64)],
    ("log-softmax", 1, "float64"): [("zero", S64)],
    ("log-sigmoid", 1, "float64"): [],
    ("sigmoid-log", 0, "float64"): [("zero", -54 * LN2), ("inf", S64)],
    ("bce-formula", 0, "float64"): [("nan", -O64), ("zero", -54 * LN2), ("inf", S64)],
    ("softmax-log", 0, "float64"): [("zero", -S64), ("inf", O64)],
    ("shifted-softmax-log", 0, "float64"): [("zero", -S64), ("inf", U64)],
    ("sigmoid-log", 1, "float32"): [("inf", -O32), ("zero", S32)],
    ("bce-formula", 1, "float32"): [("inf", -O32), ("nan", S32)],
    ("softmax-log", 1, "float32"): [("inf", -U32), ("zero", S32), ("nan", O32)],
    ("shifted-softmax-log", 1, "float32"): [("inf", -U32), ("zero", S32)],
    ("log-sigmoid", 1, "float32"): [],
}


@pytest.mark.parametrize("key", list(EXPECTED_BREAKS), ids=lambda k: f"{k[0]}-y{k[1]}-{k[2]}")
def test_break_points_match_the_float_format(key):
    name, y, dtype = key
    found = stab.break_points(name, y, z_max=1e4, dtype=dtype)
    assert [b.kind for b in found] == [kind for kind, _ in EXPECTED_BREAKS[key]], found
    for b, (_, z) in zip(found, EXPECTED_BREAKS[key]):
        # The "zero" of softmax-log rounds e^z/(e^z + 1) instead of 1/(1 + e^-z): within 1e-3.
        tol = 1e-3 if (name == "softmax-log" and b.kind == "zero") else BOUNDARY_TOL[dtype]
        assert b.z == pytest.approx(z, abs=tol), f"{name} {b.kind}"


def test_the_brief_number_745_is_the_underflow_of_exp_not_the_naive_sigmoid():
    """σ then log fails at −709.78 (exp(−z) overflows), before exp(z) underflows at −745.13."""
    sigmoid_log = stab.break_points("sigmoid-log", 1, z_max=1e4)
    shifted = stab.break_points("shifted-softmax-log", 1, z_max=1e4)
    assert sigmoid_log[0].kind == "inf" and round(sigmoid_log[0].z, 2) == -709.78
    assert shifted[0].kind == "inf" and round(shifted[0].z, 2) == -745.13


@pytest.mark.parametrize("dtype", stab.DTYPES)
@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("name", list(stab.FORMULAS))
def test_each_break_is_a_boundary(name, y, dtype):
    """At each reported z the formula returns that kind; just inside it does not."""
    for b in stab.break_points(name, y, z_max=1e4, dtype=dtype):
        value = stab.formula_loss(name, [b.z], y, dtype=dtype)[0]
        assert {"inf": np.isposinf, "nan": np.isnan, "zero": lambda v: v == 0.0}[b.kind](value)
        step = 2 * BOUNDARY_TOL[dtype] if dtype == "float32" else abs(b.z) * 4 * EPS["float64"]
        inside = b.z - math.copysign(step, b.z)
        before = stab.formula_loss(name, [inside], y, dtype=dtype)[0]
        kind_before = "nan" if np.isnan(before) else "inf" if np.isinf(before) else "zero" if before == 0 else ""
        assert kind_before != b.kind, f"{name}: {b.kind} already at z = {inside}"
        assert b.exact == pytest.approx(float(stab.exact_loss(b.z, y)))
        assert b.fatal == (b.kind != "zero")


@pytest.mark.parametrize("dtype", stab.DTYPES)
@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("name", ["log-softmax", "log-sigmoid"])
def test_stable_formulas_never_return_inf_or_nan_and_stay_accurate(name, y, dtype):
    z = np.linspace(-1e4, 1e4, 20001)
    values = stab.formula_loss(name, z, y, dtype=dtype)
    assert np.all(np.isfinite(values)), "a stable formula returned inf or NaN"
    zd = z.astype(dtype).astype(np.float64)
    exact = stab.exact_loss(zd, y)
    # Errors are a few ulps of max(1, |z|): the loss is a sum/difference of terms of size |z|.
    bound = 4 * EPS[dtype] * np.maximum(1.0, np.abs(zd))
    assert np.all(np.abs(values - exact) <= bound)
    assert not any(b.fatal for b in stab.break_points(name, y, z_max=1e4, dtype=dtype))


@pytest.mark.parametrize("dtype", stab.DTYPES)
@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("name", list(stab.FORMULAS))
def test_every_formula_is_right_near_zero(name, y, dtype):
    """All formulas compute the same loss; the naive ones only lose digits, then break, far out."""
    z = np.linspace(-5.0, 5.0, 101)
    rel = 1e-10 if dtype == "float64" else 1e-3
    np.testing.assert_allclose(
        stab.formula_loss(name, z, y, dtype=dtype), stab.exact_loss(z.astype(dtype), y), rtol=rel
    )


@pytest.mark.parametrize("name", list(stab.FORMULAS))
def test_breaks_do_not_depend_on_the_searched_range(name):
    """The fine grid makes the first hit of each kind the same for R = 100 and R = 1e4."""
    for dtype in stab.DTYPES:
        near = stab.break_points(name, 1, z_max=100.0, dtype=dtype)
        far = [b for b in stab.break_points(name, 1, z_max=1e4, dtype=dtype) if abs(b.z) <= 100.0]
        assert near == tuple(far)


def test_no_break_within_ten():
    table = stab.break_table(1, z_max=10.0, dtype="float32")
    assert all(breaks == () for breaks in table.values()), table


def test_formula_values_are_those_of_the_float_type():
    values = stab.formula_loss("sigmoid-log", np.linspace(-20, 20, 41), 0, dtype="float32")
    finite = values[np.isfinite(values)]
    assert values.dtype == np.float64
    np.testing.assert_array_equal(finite.astype(np.float32).astype(np.float64), finite)


def test_exact_loss_matches_bce_with_logits_and_extremes():
    z = np.linspace(-30, 30, 61)
    for y in (0, 1):
        # bce_with_logits computes (1 − y)·z − log σ(z): for y = 0 a difference of two numbers of
        # size |z|, so its error is a few ulps of |z| (1.3 % of the tiny loss 9.4e-14 at z = −30).
        got = bce_with_logits(z, np.full_like(z, y), reduction="none")
        exact = stab.exact_loss(z, y)
        assert np.all(np.abs(got - exact) <= 4 * EPS["float64"] * np.maximum(1.0, np.abs(z)))
        big = exact > 1e-3
        np.testing.assert_allclose(got[big], exact[big], rtol=1e-12)
    assert stab.exact_loss([-1e4], 1)[0] == 1e4
    # 4.248354255291589e-18 = exp(−40) to 16 digits (log1p(e^-40) = e^-40 − e^-80/2).
    assert stab.exact_loss([40.0], 1)[0] == pytest.approx(4.248354255291589e-18, rel=1e-15)


def test_loss_curves_end_where_the_formula_breaks():
    curves = stab.loss_curves("sigmoid-log", 1, z_max=1000.0)
    assert np.all(np.diff(curves.z) > 0) and curves.z[0] == -1000.0 and curves.z[-1] == 1000.0
    for b in curves.breaks:
        assert b.z in curves.z, "each break point is on the grid"
    assert np.isinf(curves.naive[curves.z <= curves.breaks[0].z]).all()
    assert np.isfinite(curves.stable).all()
    np.testing.assert_allclose(curves.stable, curves.exact, rtol=1e-12, atol=1e-300)


# --------------------------------------------------------------------------------------------
# Keras' epsilon clipping
# --------------------------------------------------------------------------------------------


def test_clipped_loss_at_minus_thirty():
    point = stab.clipping_at(-30.0, 1)
    assert point.clipped_active
    assert point.clipped == pytest.approx(-math.log(1e-7), rel=1e-15), "capped at −log(eps) = 16.118"
    # torch 2.13: F.binary_cross_entropy_with_logits(tensor(-30., float64), tensor(1.)) = 30.000000000000092
    assert point.logits == pytest.approx(30.000000000000092, rel=1e-15)
    assert point.error == pytest.approx(30.000000000000092 + math.log(1e-7), rel=1e-12)
    assert round(point.error, 2) == 13.88
    assert point.clipped_grad_p == 0.0 and point.clipped_grad_z == 0.0, "the clip passes no gradient"
    assert point.logits_grad_z == pytest.approx(-1.0, abs=1e-12)


def test_clipped_loss_floor_on_the_confident_side():
    point = stab.clipping_at(30.0, 1)
    # −log(1 − 1e-7) = −log1p(−1e-7) = 1.00000005e-07; lossviz forms 1 − eps first (rel. 5e-9 off).
    assert point.clipped == pytest.approx(-math.log1p(-1e-7), rel=1e-7)
    assert point.logits < 1e-12 < point.clipped


@pytest.mark.parametrize("eps", [1e-3, 1e-7, 1e-12])
@pytest.mark.parametrize("y", [0, 1])
def test_clipping_curves_cap_loss_and_zero_gradient_outside(eps, y):
    curves = stab.clipping_curves(y, eps=eps, z_max=40.0)
    assert curves.cap == pytest.approx(-math.log(eps), rel=1e-5), "−log(eps), up to rounding of 1 − (1 − eps)"
    assert np.all(curves.clipped <= curves.cap)
    assert curves.clipped.max() == curves.cap, "reached where p is clipped on the wrong side"
    assert stab.clipping_at(curves.z_low, y, eps=eps).p == pytest.approx(eps, rel=1e-9), "z_low = logit(eps)"
    outside = (curves.z < curves.z_low - 1e-9) | (curves.z > curves.z_high + 1e-9)
    assert np.all(curves.clipped_grad_z[outside] == 0.0)
    inside = (curves.z > curves.z_low + 1e-6) & (curves.z < curves.z_high - 1e-6)
    # Inside the clip the two agree up to the probability route's own rounding: p = σ(z) carries an
    # absolute error of about eps64/2, so log(1 − p) near p = 1 is off by ~eps64/(1 − p) (1e-4 at |z| = 27).
    smaller = 1.0 / (1.0 + np.exp(np.abs(curves.z[inside])))
    bound = 4 * EPS["float64"] / smaller + 1e-12 * curves.logits[inside]
    assert np.all(np.abs(curves.clipped[inside] - curves.logits[inside]) <= bound)
    np.testing.assert_allclose(curves.clipped_grad_z[inside], curves.logits_grad_z[inside], rtol=2e-4, atol=1e-12)  # 1.1e-4 at eps = 1e-12
    wrong_side = curves.z < curves.z_low if y == 1 else curves.z > curves.z_high
    assert np.all(np.abs(curves.logits_grad_z[wrong_side]) > 0.99), "the logit loss keeps its gradient"


# --------------------------------------------------------------------------------------------
# The seed snippet (seed 002)
# --------------------------------------------------------------------------------------------

# torch 2.13: F.binary_cross_entropy_with_logits(tensor([9.7, 0.], float64), tensor([0., 1.]))
TORCH_SEED_VALUE = 5.196604231088621
# scikit-learn: log_loss([0, 1], 1 / (1 + np.exp(-np.array([9.7, 0.])))) (probabilities, naive 1 − p)
SKLEARN_SEED_VALUE = 5.196604231088062


def softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def test_seed_values():
    check = stab.seed_check()
    exact = (softplus(9.7) + math.log(2)) / 2
    assert check.exact == pytest.approx(exact, rel=1e-15)
    assert check.corrected == pytest.approx(TORCH_SEED_VALUE, rel=1e-15)
    assert check.lossviz == pytest.approx(TORCH_SEED_VALUE, rel=1e-15)
    assert check.log_loss == pytest.approx(SKLEARN_SEED_VALUE, rel=1e-15)
    assert check.as_written == pytest.approx(exact, rel=1e-12), "the seed's printed value is right"
    assert check.as_written != check.exact, "but its last digits are lost in 1 − σ(9.7)"


def test_seed_bugs_give_the_numbers_the_page_states():
    check = stab.seed_check()
    # Renaming Y to y only: the (2,) labels broadcast against (2, 1) probabilities into 2 × 2:
    # sample 1 under both labels (softplus(9.7) + softplus(−9.7)) plus sample 2 twice (2·log 2), / 2.
    assert check.renamed_only == pytest.approx((softplus(9.7) + softplus(-9.7) + 2 * math.log(2)) / 2, rel=1e-12)
    assert round(check.renamed_only, 6) == 5.543208
    # The comment's formula: −(1 − log σ(9.7)) for sample 1, −log σ(0) for sample 2, then the mean.
    assert check.comment_formula == pytest.approx((-(1 + softplus(-9.7)) + math.log(2)) / 2, rel=1e-12)
    assert check.comment_formula < 0, "the comment's formula is not a loss"


def test_seed_snippet_uses_a_global_y_its_parameter_is_lowercase():
    tree = ast.parse(stab.SEED_SNIPPET)
    function = next(node for node in tree.body if isinstance(node, ast.FunctionDef))
    assert [a.arg for a in function.args.args] == ["X", "y"]
    assigned = {t.id for node in ast.walk(function) if isinstance(node, ast.Assign) for t in node.targets
                if isinstance(t, ast.Name)}
    used = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
    assert "Y" in used and "Y" not in assigned, "Y inside the function is the module-level global"
    assert "# -Y * log(fX) - (1-Y) * (1-log(fX))" in stab.SEED_SNIPPET


def test_corrected_snippet_prints_what_corrected_bce_computes():
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        # Runs lossviz's own constant (the code the page displays), never user input.
        exec(compile(stab.CORRECTED_SNIPPET, "corrected_snippet", "exec"), namespace)  # noqa: S102
    assert float(out.getvalue()) == stab.corrected_bce(stab.SEED_X, stab.SEED_Y)
    snippet = namespace["binary_cross_entropy_with_logits"]
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(scale=20, size=(20, 1)), [[-1e4], [-800.0], [800.0], [1e4]]])
    y = rng.integers(0, 2, size=(24, 1)).astype(float)
    assert snippet(X, y) == stab.corrected_bce(X, y)
    assert stab.corrected_bce(X, y) == pytest.approx(bce_with_logits(X, y), rel=1e-12)


def test_seed_code_breaks_at_large_logits_while_the_corrected_one_does_not():
    label0 = stab.seed_check([[-800.0], [0.0]], [[0.0], [1.0]])
    label1 = stab.seed_check([[-800.0], [0.0]], [[1.0], [1.0]])
    assert math.isnan(label0.as_written), "0·log 0"
    assert math.isinf(label1.as_written), "−log 0"
    assert label0.corrected == pytest.approx(math.log(2) / 2, rel=1e-15)
    assert label1.corrected == pytest.approx((800 + math.log(2)) / 2, rel=1e-15)
    # scikit-learn clips p to [eps, 1 − eps] with eps = 2.22e-16: −log(eps) = 36.04, so it reports 18.37.
    assert label1.log_loss == pytest.approx((-math.log(np.finfo(float).eps) + math.log(2)) / 2, rel=1e-12)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: stab.formula_loss("naive", [0.0], 1), r'name must be one of "sigmoid-log", .*; got \'naive\''),
        (lambda: stab.formula_loss("sigmoid-log", [0.0], 1, dtype="float16"),
         r'dtype must be "float64" or "float32"; got \'float16\''),
        (lambda: stab.formula_loss("sigmoid-log", [0.0], 2), r"y must be the label 0 or 1; got 2"),
        (lambda: stab.formula_loss("sigmoid-log", [np.nan], 1), r"z must be finite"),
        (lambda: stab.break_points("sigmoid-log", 1, z_max=2e4), r"z_max must be in \[1, 10000\]; got 20000"),
        (lambda: stab.clipping_curves(1, eps=0.5), r"eps must be a number in \[1e-15, 0.1\]; got 0.5"),
        (lambda: stab.clipping_at([1.0, 2.0], 1), r"z must be a single number; got shape \(2,\)"),
        (lambda: stab.loss_curves("sigmoid-log", 1, n=2), r"n must be an integer >= 3; got 2"),
        (lambda: stab.seed_check([[1.0, 2.0]], [[0.0]]), r"X must have shape \(N, 1\) or \(N,\)"),
        (lambda: stab.seed_check([[1.0], [2.0]], [[0.0]]), r"y must hold one label per row of X \(2\); got 1"),
        (lambda: stab.seed_check([[1.0]], [[2.0]]), r"y must be labels in \[0, 1\]"),
        (lambda: stab.dtype_limits("int8"), r'dtype must be "float64" or "float32"'),
    ],
)
def test_errors_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_clipping_point_logit_loss_is_exact_where_torchs_formula_cancels():
    point = stab.clipping_at(-30.0, 0)
    # torch 2.13: F.binary_cross_entropy_with_logits(tensor(-30., float64), tensor(0.)) = 9.237055564881302e-14,
    # (1 − y)·z − log σ(z) = −30 + 30.0000000000000936 cancelling; the exact loss is
    # log1p(exp(-30)) = 9.357622968839737e-14 (math module), which lossviz returns.
    assert point.exact == pytest.approx(math.log1p(math.exp(-30.0)), rel=1e-15)
    assert point.logits == pytest.approx(point.exact, rel=1e-15)
    assert abs(point.logits - 9.237055564881302e-14) > 1e-15, "torch's rounded value, not the exact one"

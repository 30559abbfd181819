"""Tests for lossviz.focal: focal-loss curves, readouts, easy-example shares and the imbalanced runs.

Reference values marked "torchvision" were computed with torch 2.13 (float64) running the source
of ``torchvision.ops.sigmoid_focal_loss`` (p = σ(z), ce = BCE-with-logits, p_t = p·y + (1 − p)(1 − y),
loss = α_t·ce·(1 − p_t)^γ), gradients by autograd, at z = ±logit(p_t) for p_t = 0.1, 0.5, 0.9.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

import lossviz as lv
from lossviz import focal as fc
from lossviz.data import make_dataset

PTS = (0.1, 0.5, 0.9)
# (label, gamma) -> (loss, dloss/dz) at α = 0.25; torchvision (see the module docstring).
TORCHVISION = {
    (1, 0.0): (
        [0.5756462732485114, 0.17328679513998632, 0.02634012891445657],
        [-0.225, -0.125, -0.025000000000000022],
    ),
    (1, 2.0): (
        [0.46627348133129426, 0.04332169878499658, 0.00026340128914456617],
        [-0.2755046962662589, -0.07457169878499659, -0.0007241223204602198],
    ),
    (1, 5.0): (
        [0.3399133678905135, 0.0054152123481245725, 2.634012891445669e-07],
        [-0.30281693394525677, -0.017444280870311434, -1.4353058011505523e-06],
    ),
    (0, 0.0): (
        [1.7269388197455342, 0.5198603854199589, 0.07902038674336975],
        [0.6749999999999999, 0.375, 0.07499999999999998],
    ),
    (0, 2.0): (
        [1.3988204439938823, 0.12996509635498973, 0.0007902038674336972],
        [0.8265140887987765, 0.22371509635498973, 0.0021723669613806546],
    ),
    (0, 5.0): (
        [1.01974010367154, 0.016245637044373717, 7.902038674336967e-07],
        [0.9084508018357704, 0.052332842610934294, 4.305917403451634e-06],
    ),
}


# --------------------------------------------------------------------------------------------
# Curves and readouts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("label, gamma", list(TORCHVISION))
def test_curves_match_torchvision(label, gamma):
    curves = fc.focal_curves(PTS, (gamma,), alpha=0.25, label=label)
    loss, grad = TORCHVISION[(label, gamma)]
    np.testing.assert_allclose(
        curves.loss[0], loss, rtol=1e-12, err_msg="focal loss differs from torchvision"
    )
    np.testing.assert_allclose(
        curves.grad[0],
        grad,
        rtol=1e-10,
        err_msg="focal gradient differs from torchvision",
    )


def test_gamma_zero_without_alpha_is_cross_entropy():
    grid = fc.p_t_grid()
    for label in (0, 1):
        curves = fc.focal_curves(grid, (0.0,), alpha=-1.0, label=label)
        np.testing.assert_allclose(
            curves.loss[0],
            -np.log(grid),
            rtol=1e-12,
            err_msg="γ = 0, no α must be −log p_t",
        )
        np.testing.assert_allclose(curves.ce, -np.log(grid), rtol=1e-12)
        np.testing.assert_allclose(curves.grad[0], curves.ce_grad, rtol=1e-12)
        np.testing.assert_allclose(
            curves.ce_grad_magnitude, 1 - grid, rtol=1e-12, err_msg="|dCE/dz| = 1 − p_t"
        )
        assert np.all(curves.modulating[0] == 1.0), "(1 − p_t)^0 must be 1"


@pytest.mark.parametrize("alpha", [-1.0, 0.0, 0.25, 0.5, 1.0])
@pytest.mark.parametrize("label", [0, 1])
def test_focal_loss_is_at_most_alpha_t_times_cross_entropy(alpha, label):
    grid = fc.p_t_grid()
    curves = fc.focal_curves(
        grid, fc.DEFAULT_GAMMAS + (0.3, 3.7), alpha=alpha, label=label
    )
    bound = curves.alpha_t * curves.ce
    assert np.all(curves.loss <= bound * (1 + 1e-12)), (
        "focal loss must be ≤ α_t·cross-entropy"
    )
    assert np.all(np.diff(curves.loss, axis=1) <= 1e-15), (
        "the loss must fall as p_t rises"
    )
    ratio = curves.loss / curves.ce
    np.testing.assert_allclose(
        ratio,
        curves.alpha_t * curves.modulating,
        rtol=1e-10,
        atol=1e-300,
        err_msg="FL / CE must be α_t·(1 − p_t)^γ",
    )


def test_gradient_closed_form_for_a_positive():
    """dFL/dz = −α_t·(1 − p_t)^γ·[γ·p_t·(−log p_t) + (1 − p_t)] for y = 1 (the page's formula)."""
    p = fc.p_t_grid(51)
    for gamma in (0.0, 0.5, 2.0, 5.0):
        curves = fc.focal_curves(p, (gamma,), alpha=0.4, label=1)
        q = 1 - p
        expected = -0.4 * q**gamma * (gamma * p * -np.log(p) + q)
        np.testing.assert_allclose(curves.grad[0], expected, rtol=1e-10)


def test_negative_with_alpha_is_positive_with_one_minus_alpha():
    """α_t = α for y = 1 and 1 − α for y = 0: a negative at α is a positive at 1 − α, mirrored."""
    grid = fc.p_t_grid(31)
    neg = fc.focal_curves(grid, (2.0,), alpha=0.25, label=0)
    pos = fc.focal_curves(grid, (2.0,), alpha=0.75, label=1)
    np.testing.assert_allclose(neg.loss, pos.loss, rtol=1e-12)
    np.testing.assert_allclose(neg.grad, -pos.grad, rtol=1e-12)
    assert neg.alpha_t == pos.alpha_t == 0.75


def test_alpha_t_is_torchvisions_convention():
    assert fc.alpha_t(0.25, 1) == 0.25, "α weights the positives (y = 1)"
    assert fc.alpha_t(0.25, 0) == 0.75, (
        "negatives get 1 − α: α = 0.25 down-weights positives 3 to 1"
    )
    assert fc.alpha_t(-1.0, 0) == fc.alpha_t(-0.5, 1) == 1.0, (
        "α < 0 switches the weighting off"
    )
    assert fc.alpha_t(0.0, 1) == 0.0 and fc.alpha_t(1.0, 0) == 0.0


def test_point_readouts_of_the_page():
    # The predict-then-reveal question: γ = 2, p_t = 0.9 keeps (1 − 0.9)² = 1 % of its CE.
    easy = fc.focal_point(0.9, alpha=-1.0, gamma=2.0, label=1)
    assert easy.loss_ratio == pytest.approx(0.01, rel=1e-12)
    assert easy.modulating == pytest.approx(0.01, rel=1e-12)
    assert easy.ce == pytest.approx(-np.log(0.9), rel=1e-12)
    assert easy.z == pytest.approx(special.logit(0.9), rel=1e-12)
    # torchvision's α = 0.25 multiplies that by 0.25 for a positive: 0.25 %.
    assert fc.focal_point(
        0.9, alpha=0.25, gamma=2.0, label=1
    ).loss_ratio == pytest.approx(0.0025, rel=1e-12)
    # Page default: p_t = 0.6, γ = 2, α = 0.25, positive: FL/CE = 0.25·0.4² = 4 %.
    default = fc.focal_point(0.6, alpha=0.25, gamma=2.0, label=1)
    assert default.loss_ratio == pytest.approx(0.04, rel=1e-12)
    # Gradient ratio = α_t·(1 − p)^γ·[γ·p·(−log p)/(1 − p) + 1], by hand: 0.25·0.16·(2·0.6·0.5108/0.4 + 1).
    assert default.grad_ratio == pytest.approx(
        0.25 * 0.16 * (2 * 0.6 * -np.log(0.6) / 0.4 + 1), rel=1e-12
    )


def test_gradient_ratio_is_at_least_the_loss_ratio():
    """The page's readout: |∂FL/∂z| / |∂CE/∂z| = α_t·m^γ·(γ·p·(−log p)/m + 1) ≥ α_t·m^γ = FL / CE."""
    grid = fc.p_t_grid(41)
    for gamma in (0.0, 0.5, 2.0, 5.0):
        for alpha in (-1.0, 0.25):
            ratios = [fc.focal_point(float(p), alpha=alpha, gamma=gamma) for p in grid]
            gaps = np.array([r.grad_ratio - r.loss_ratio for r in ratios])
            if gamma == 0:
                np.testing.assert_allclose(
                    gaps, 0.0, atol=1e-12, err_msg="γ = 0: the two ratios are equal"
                )
            else:
                assert np.all(gaps > 0), (
                    "the modulating factor's derivative adds to the push"
                )


def test_focal_gradient_can_exceed_cross_entropys():
    """The page's note: FL ≤ CE always, but at a hard example |∂FL/∂z| > |∂CE/∂z|.

    γ = 2, p_t = 0.1, no α: 0.81·(2·0.1·2.302585/0.9 + 1) = 1.224465 (by hand); γ = 0.5, p_t = 0.3:
    0.7^0.5·(0.5·0.3·1.203973/0.7 + 1) = 1.052513.
    """
    hard = fc.focal_point(0.1, alpha=-1.0, gamma=2.0, label=1)
    assert hard.loss_ratio < 1 < hard.grad_ratio
    assert hard.grad_ratio == pytest.approx(1.224465, rel=1e-6)
    assert fc.focal_point(0.3, alpha=-1.0, gamma=0.5).grad_ratio == pytest.approx(
        1.052513, rel=1e-6
    )
    assert fc.focal_point(0.9, alpha=-1.0, gamma=2.0).grad_ratio < 0.1, (
        "an easy example's push shrinks"
    )


def test_p_t_grid_stays_inside_the_open_interval():
    grid = fc.p_t_grid()
    assert grid[0] > 0 and grid[-1] < 1 and np.all(np.diff(grid) > 0)
    assert np.all(np.isfinite(special.logit(grid)))


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: fc.focal_curves([0.0, 0.5]),
            r"p_t must be strictly between 0 and 1 .*got values from 0 to 0.5",
        ),
        (lambda: fc.focal_curves([0.5], (-1.0,)), r"gamma must be >= 0; got -1"),
        (
            lambda: fc.focal_curves([0.5], alpha=1.5),
            r"alpha must be in \[0, 1\], or negative .*got 1.5",
        ),
        (lambda: fc.focal_curves([0.5], label=2), r"label must be 0 or 1; got 2"),
        (
            lambda: fc.focal_point([0.5, 0.6]),
            r"p_t must be a single number; got shape \(2,\)",
        ),
        (lambda: fc.focal_point(1.0), r"p_t must be strictly between 0 and 1"),
        (lambda: fc.p_t_grid(1), r"n must be an integer >= 2; got 1"),
        (
            lambda: fc.loss_shares([0.0], [1.0], loss="mse"),
            r'loss must be "bce" or "focal"; got \'mse\'',
        ),
        (lambda: fc.loss_shares([0.0], [0.5]), r"y must hold hard labels 0 or 1"),
        (
            lambda: fc.loss_shares([0.0, 1.0], [1.0]),
            r"z and y must be 1-d arrays of the same length",
        ),
        (
            lambda: fc.loss_shares([0.0], [1.0], threshold=1.0),
            r"threshold must be below 1",
        ),
        (lambda: fc.replicated_share(1.0, 1.0, -2.0), r"factor must be >= 0"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------------------------
# Easy-example shares
# --------------------------------------------------------------------------------------------


def test_loss_shares_by_hand():
    # Two negatives at z = −3 (p_t = σ(3) = 0.9526, easy) and one at z = 1 (p_t = σ(−1) = 0.2689, hard).
    s = fc.loss_shares([-3.0, -3.0, 1.0], [0, 0, 0])
    easy_ce, hard_ce = -np.log(special.expit(3.0)), -np.log(special.expit(-1.0))
    assert s.n_easy == s.n_easy_negatives == 2
    assert s.loss_share == pytest.approx(
        2 * easy_ce / (2 * easy_ce + hard_ce), rel=1e-12
    )
    # |dCE/dz| = 1 − p_t for each example.
    easy_g, hard_g = 1 - special.expit(3.0), 1 - special.expit(-1.0)
    assert s.grad_share == pytest.approx(2 * easy_g / (2 * easy_g + hard_g), rel=1e-12)


def test_easy_is_strictly_above_the_threshold():
    z = special.logit(np.array([0.9, 0.9000001]))
    s = fc.loss_shares(z, [1, 1], threshold=0.9)
    assert s.easy.tolist() == [False, True], (
        "p_t = 0.9 is not easy at threshold 0.9 (strictly greater)"
    )


def test_focal_loss_takes_the_loss_away_from_easy_points():
    rng = np.random.default_rng(0)
    z = rng.normal(-2.0, 2.0, size=500)
    y = (rng.random(500) < 0.1).astype(float)
    ce = fc.loss_shares(z, y, loss="bce")
    fl = fc.loss_shares(z, y, loss="focal", alpha=-1.0, gamma=2.0)
    assert ce.n_easy == fl.n_easy > 0
    assert fl.loss_share < ce.loss_share / 10, (
        "γ = 2 must cut the easy share of the loss by far more than 10×"
    )
    assert fl.grad_share < ce.grad_share


def test_zero_total_loss_gives_nan_shares():
    s = fc.loss_shares([2.0, -2.0], [1.0, 1.0], loss="focal", alpha=0.0)
    assert s.easy_loss == s.hard_loss == 0.0, "α = 0 gives positives zero loss"
    assert np.isnan(s.loss_share) and np.isnan(s.grad_share)


def test_replicated_share_equals_repeating_the_easy_points():
    rng = np.random.default_rng(3)
    z = rng.normal(-2.5, 1.5, size=60)
    y = (rng.random(60) < 0.2).astype(float)
    for loss in ("bce", "focal"):
        s = fc.loss_shares(z, y, loss=loss)
        m = 7
        z_rep = np.concatenate([np.repeat(z[s.easy], m), z[~s.easy]])
        y_rep = np.concatenate([np.repeat(y[s.easy], m), y[~s.easy]])
        direct = fc.loss_shares(z_rep, y_rep, loss=loss)
        assert fc.replicated_share(s.easy_loss, s.hard_loss, m) == pytest.approx(
            direct.loss_share, rel=1e-12
        )
        assert fc.replicated_share(s.easy_loss, s.hard_loss, 1.0) == pytest.approx(
            s.loss_share, rel=1e-12
        )
    shares = fc.replicated_share(1.0, 9.0, [0.0, 1.0, 9.0, 1e9])
    np.testing.assert_allclose(shares, [0.0, 0.1, 0.5, 1e9 / (1e9 + 9)], rtol=1e-12)
    assert np.isnan(fc.replicated_share(0.0, 0.0, 3.0))


# --------------------------------------------------------------------------------------------
# Training on the imbalanced toy set (the page's section 2)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs():
    return {
        "ce": fc.train_imbalanced("bce", seed=0),
        "focal": fc.train_imbalanced("focal", alpha=0.25, gamma=2.0, seed=0),
        "plain": fc.train_imbalanced("focal", alpha=-1.0, gamma=2.0, seed=0),
    }


def test_runs_record_shares_per_epoch(runs):
    for run in runs.values():
        assert run.epochs.tolist() == list(range(0, 301, 10))
        assert run.X.shape == (400, 2) and run.n_positives == 20, (
            "the 'imbalanced' kind: 5 % of 400"
        )
        assert run.easy_count[0] == 0 and run.loss_share[0] == 0.0, (
            "at z = 0 every p_t is 0.5: nothing is easy"
        )
        assert np.all((run.loss_share >= 0) & (run.loss_share <= 1))
        assert run.surface.shape == (50, 50) and np.all(
            (run.surface >= 0) & (run.surface <= 1)
        )
        shares = fc.loss_shares(
            run.final_logits, run.y, loss=run.loss, alpha=run.alpha, gamma=run.gamma
        )
        assert shares.loss_share == pytest.approx(run.loss_share[-1], rel=1e-12)
        assert shares.n_easy == run.easy_count[-1]


def test_page_facts_on_seed_zero(runs):
    """Section 2 at its defaults (seed 0, γ = 2, α = 0.25); the page states these numbers."""
    ce, focal, plain = runs["ce"], runs["focal"], runs["plain"]
    assert (ce.true_positives, ce.predicted_positives) == (9, 12), (
        "CE: recall 9/20 = 0.45, precision 9/12 = 0.75"
    )
    assert ce.recall == pytest.approx(0.45) and ce.precision == pytest.approx(0.75)
    assert (focal.true_positives, focal.predicted_positives) == (4, 6), (
        "focal α = 0.25: recall 0.20, precision 0.67"
    )
    assert focal.recall < ce.recall, (
        "on this toy set focal loss with α = 0.25 lowers the rare class's recall"
    )
    assert plain.recall == pytest.approx(ce.recall), (
        "γ alone (no α) leaves recall where CE has it"
    )
    # Easy points: 359 of 400 for CE carrying ~9.5 % of its loss; focal's easy points ~1 % of its loss.
    assert ce.easy_count[-1] == 359
    assert 0.09 < ce.loss_share[-1] < 0.10
    assert focal.loss_share[-1] < 0.02 < ce.loss_share[-1]
    # Same predictions (the CE model's): easy points carry 9.5 % of CE, 0.1 % of FL; ×1000: 99.1 % vs 50.7 %.
    same_ce = fc.loss_shares(ce.final_logits, ce.y, loss="bce")
    same_fl = fc.loss_shares(ce.final_logits, ce.y, loss="focal", alpha=0.25, gamma=2.0)
    assert same_fl.loss_share < same_ce.loss_share / 50
    assert fc.replicated_share(
        same_ce.easy_loss, same_ce.hard_loss, 1000.0
    ) == pytest.approx(0.991, abs=5e-4)
    assert fc.replicated_share(
        same_fl.easy_loss, same_fl.hard_loss, 1000.0
    ) == pytest.approx(0.507, abs=5e-4)


@pytest.mark.parametrize(
    "loss, alpha, gamma, rel, flips",
    [
        ("bce", 0.25, 2.0, 1e-4, 0),
        ("focal", -1.0, 5.0, 1e-4, 0),
        ("focal", 0.25, 0.0, 1e-2, 1),
        ("focal", 0.9, 5.0, 1e-2, 1),
    ],
)
def test_300_epochs_are_close_to_the_optimum(loss, alpha, gamma, rel, flips):
    """The docstring's measurements: 300 epochs against 5000, loss and points on the other side."""
    short = fc.train_imbalanced(
        loss, alpha=alpha, gamma=gamma, seed=7, grid_size=0, record_every=300
    )
    long = fc.train_imbalanced(
        loss,
        alpha=alpha,
        gamma=gamma,
        seed=7,
        grid_size=0,
        record_every=5000,
        epochs=5000,
    )
    assert int(((short.final_logits > 0) != (long.final_logits > 0)).sum()) <= flips
    assert short.mean_loss[-1] == pytest.approx(long.mean_loss[-1], rel=rel)
    assert short.mean_loss[-1] >= long.mean_loss[-1] * (1 - 1e-9), (
        "more descent cannot raise a convex loss"
    )


def test_alpha_extremes_train_without_error():
    none_ = fc.train_imbalanced("focal", alpha=0.0, gamma=2.0, seed=0, grid_size=0)
    assert none_.predicted_positives == 0 and none_.recall == 0.0, (
        "α = 0: positives weigh nothing"
    )
    assert np.isnan(none_.precision), (
        "no positive predictions: precision is undefined (NaN)"
    )
    all_ = fc.train_imbalanced("focal", alpha=1.0, gamma=2.0, seed=0, grid_size=0)
    assert all_.recall == 1.0, (
        "α = 1: negatives weigh nothing, everything is called positive"
    )


def test_bce_run_matches_the_trainer_directly():
    run = fc.train_imbalanced("bce", seed=1, grid_size=0)
    data = make_dataset("imbalanced", 400, seed=1)
    assert np.array_equal(run.y, data.y) and np.array_equal(run.X, data.X)
    assert run.mean_loss[-1] == pytest.approx(
        lv.bce_with_logits(run.final_logits, run.y.astype(float)), rel=1e-12
    )

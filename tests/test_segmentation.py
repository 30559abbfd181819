"""Tests for lossviz.segmentation: the per-pixel loss map, its reductions, weights, ignored pixels.

Values marked "torch" were computed with torch 2.13 (float64), ``F.cross_entropy`` on the logits
Z below ((1, 3, 3, 4), drawn once with ``np.random.default_rng(7).normal(0, 2)`` and rounded to
2 decimals) and the targets T (255 = ignored), ``ignore_index=255``.
"""

from __future__ import annotations

import numpy as np
import pytest

import lossviz as lv
from lossviz import segmentation as sg

Z = np.array(
    [
        [
            [
                [0.0, 0.6, -0.55, -1.78],
                [-0.91, -1.98, 0.12, 2.68],
                [-0.98, -1.24, 0.98, 0.71],
            ],
            [
                [0.21, -1.86, -0.06, 1.39],
                [-2.69, -0.92, -3.8, -2.58],
                [-3.68, -0.47, -2.53, 0.54],
            ],
            [
                [0.31, -0.37, -5.03, -1.08],
                [-0.1, 0.23, -3.06, -0.96],
                [-1.96, -1.62, 2.12, -1.62],
            ],
        ]
    ]
)
T = np.array([[0, 1, 2, 2], [1, 255, 0, 2], [2, 2, 255, 1]])
W = [0.5, 1.0, 4.0]
# options -> (reduction="none" map, reduction="mean"), torch (see the module docstring)
TORCH = {
    "plain": (
        {},
        [
            [
                1.2801288476740815,
                2.841526170631665,
                5.452160399256363,
                2.589194001469134,
            ],
            [3.008630138424292, 0.0, 0.059613993530056066, 3.6709632996327715],
            [1.3463892351682296, 1.7264166245532797, 0.0, 0.8331829864564698],
        ],
        2.2808205696796344,
    ),
    "weighted": (
        {"weight": W},
        [
            [
                0.6400644238370408,
                2.841526170631665,
                21.808641597025453,
                10.356776005876537,
            ],
            [3.008630138424292, 0.0, 0.029806996765028033, 14.683853198531086],
            [5.3855569406729185, 6.905666498213119, 0.0, 0.8331829864564698],
        ],
        2.7705710398514003,
    ),
    "weighted+smoothing": (
        {"weight": W, "label_smoothing": 0.2},
        [
            [
                0.8847654498834625,
                2.835780532403609,
                18.96537209068103,
                9.093458605239913,
            ],
            [2.7600684948283414, 0.0, 1.1550373950397097, 13.079769102023553],
            [4.884121605433353, 6.068219294240031, 0.0, 1.5423801508658816],
        ],
        2.5528738633599533,
    ),
}


@pytest.fixture(scope="module")
def example():
    return sg.make_example(4, seed=0)


# --------------------------------------------------------------------------------------------
# The loss map and its reductions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(TORCH))
def test_loss_map_and_mean_match_torch(case):
    options, expected_map, expected_mean = TORCH[case]
    r = sg.pixel_losses(Z, T, ignore_index=255, **options)
    np.testing.assert_allclose(
        r.loss_map, expected_map, rtol=1e-12, err_msg=f"{case}: map differs from torch"
    )
    assert r.mean == pytest.approx(expected_mean, rel=1e-12), (
        f"{case}: mean differs from torch"
    )


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"weight": W},
        {"weight": W, "label_smoothing": 0.3},
        {"label_smoothing": 1.0},
    ],
)
def test_the_map_shown_is_cross_entropy_with_axis_1(options):
    """The page's per-pixel values are exactly cross_entropy(..., axis=1, reduction="none")."""
    r = sg.pixel_losses(Z, T, ignore_index=255, **options)
    direct = lv.cross_entropy(
        Z, T[None], axis=1, ignore_index=255, reduction="none", **options
    )
    assert np.array_equal(r.loss_map, direct[0]), (
        "the map must be the library call itself"
    )
    # The same numbers from the rows of an (H·W, C) matrix, class axis last: the "pixel-wise" softmax
    # is the ordinary softmax cross-entropy of each pixel.
    rows = np.moveaxis(Z[0], 0, -1).reshape(-1, 3)
    flat = lv.cross_entropy(
        rows, T.ravel(), ignore_index=255, reduction="none", **options
    )
    np.testing.assert_allclose(r.loss_map.ravel(), flat, rtol=1e-14)
    assert r.mean == lv.cross_entropy(Z, T[None], axis=1, ignore_index=255, **options)


def test_mean_is_the_sum_over_the_weight_sum():
    plain = sg.pixel_losses(Z, T, ignore_index=255)
    assert plain.denominator == 10, "10 of the 12 pixels are not ignored"
    assert plain.mean == pytest.approx(plain.total / 10, rel=1e-14)
    assert plain.mean == pytest.approx(plain.valid_map_mean, rel=1e-14), (
        "without weights: mean of the valid pixels"
    )
    assert plain.map_mean == pytest.approx(plain.total / 12, rel=1e-14), (
        "the whole map's mean counts the zeros"
    )
    weighted = sg.pixel_losses(Z, T, weight=W, ignore_index=255)
    # true classes of the valid pixels: 0 ×2, 1 ×3, 2 ×5 -> 2·0.5 + 3·1 + 5·4 = 24
    assert weighted.denominator == 24.0
    assert weighted.mean == pytest.approx(weighted.total / 24.0, rel=1e-14)
    assert weighted.mean != pytest.approx(weighted.valid_map_mean), (
        "with weights the plain mean is not the loss"
    )


def test_no_weights_no_ignore_is_the_plain_mean_of_the_map(example):
    r = sg.pixel_losses(example.logits, example.mask)
    assert r.n_valid == r.n_pixels == 1024
    assert r.mean == pytest.approx(r.map_mean, rel=1e-14)
    assert r.pixel_accuracy == pytest.approx(
        float((r.predicted == example.mask).mean())
    )


def test_every_pixel_ignored_gives_nan_like_torch(example):
    target = sg.ignore_border(example.mask, 16)
    r = sg.pixel_losses(example.logits, target)
    assert r.n_valid == 0 and r.denominator == 0.0 and r.total == 0.0
    assert np.isnan(r.mean), "torch returns NaN (0/0) when every target is ignored"
    assert np.isnan(r.pixel_accuracy) and np.isnan(r.valid_map_mean)
    assert np.all(np.isnan(r.class_loss_share)) and np.all(
        np.isnan(r.class_pixel_share)
    )
    assert np.all(np.isnan(r.p_true)) and np.all(r.loss_map == 0.0)
    fit = sg.fit_class_bias(example.logits, target)
    assert not fit.success and np.all(fit.bias == 0.0)
    assert all(np.isnan(v) for v in sg.rare_class_scores(target, r.predicted, 3))


def test_probabilities_and_predictions(example):
    r = sg.pixel_losses(example.logits, example.mask)
    np.testing.assert_allclose(r.probabilities.sum(axis=0), 1.0, rtol=1e-14)
    assert np.array_equal(r.predicted, example.logits[0].argmax(axis=0))
    np.testing.assert_allclose(
        -np.log(r.p_true), r.loss_map, rtol=1e-10, err_msg="ℓ = −log p(true class)"
    )
    assert r.class_pixels.sum() == 1024 and r.class_loss.sum() == pytest.approx(
        r.total, rel=1e-12
    )


def test_pixel_table_has_one_row_per_pixel(example):
    r = sg.pixel_losses(example.logits, sg.ignore_border(example.mask, 2))
    table = sg.pixel_table(r, example.names)
    assert {len(column) for column in table.values()} == {1024}
    assert table["true class"].count("ignored") == 1024 - 28 * 28
    assert sum(table["ignored"]) == 1024 - 28 * 28
    assert table["loss"][0] == 0.0 and table["p(true class)"][0] is None


# --------------------------------------------------------------------------------------------
# Targets and weights
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "width, ignored",
    [(0, 0), (1, 1024 - 30 * 30), (5, 1024 - 22 * 22), (16, 1024), (40, 1024)],
)
def test_ignore_border_counts(example, width, ignored):
    for value in (-100, 255):
        target = sg.ignore_border(example.mask, width, ignore_index=value)
        assert int((target == value).sum()) == ignored
        assert np.array_equal(target[target != value], example.mask[target != value]), (
            "the inside is untouched"
        )


def test_inverse_frequency_weights():
    mask = np.array([[0, 0, 0, 1], [0, 0, 2, 2]])
    w = sg.inverse_frequency_weights(mask, 4)
    # n = (5, 1, 2, 0), N = 8, K = 3 classes present: w_c = 8 / (3·n_c), and 0 for the absent class 3
    # (scikit-learn's compute_class_weight("balanced") gives 8/15, 8/3, 4/3 for the three present classes).
    np.testing.assert_allclose(w, [8 / 15, 8 / 3, 4 / 3, 0.0], rtol=1e-15)
    counts = np.bincount(mask.ravel(), minlength=4)
    assert np.dot(w, counts) == pytest.approx(mask.size), (
        "Σ w_c·n_c = N: the denominator keeps the pixel count"
    )
    ignored = sg.inverse_frequency_weights(sg.ignore_border(mask, 1), 4)
    assert np.all(ignored == 0.0), "with every pixel ignored there is nothing to weigh"


def test_balanced_weights_give_every_class_the_same_total_weight(example):
    w = sg.inverse_frequency_weights(example.mask, 4)
    totals = w * np.bincount(example.mask.ravel(), minlength=4)
    np.testing.assert_allclose(totals, 1024 / 4, rtol=1e-12)
    r = sg.pixel_losses(example.logits, example.mask, weight=w)
    assert r.denominator == pytest.approx(1024.0, rel=1e-12)
    assert w[3] == w.max(), "the rare disc gets the largest weight"


def test_with_rare_weight_and_names():
    assert sg.with_rare_weight(4, 10.0).tolist() == [1.0, 1.0, 1.0, 10.0]
    assert sg.with_rare_weight(3, 0.0, rare_class=0).tolist() == [0.0, 1.0, 1.0]
    assert sg.class_names(4) == (
        "background (0)",
        "class 1",
        "class 2",
        "rare disc (3)",
    )


def test_example_has_a_rare_class():
    for n_classes in (3, 4, 5):
        ex = sg.make_example(n_classes, seed=2)
        counts = np.bincount(ex.mask.ravel(), minlength=n_classes)
        assert (
            ex.rare_class == n_classes - 1
            and counts.min() == counts[-1]
            and counts[-1] / 1024 < 0.03
        )
        assert ex.logits.shape == (1, n_classes, 32, 32)


# --------------------------------------------------------------------------------------------
# The rare-class weight
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("border", [0, 3])
def test_sweep_mean_is_the_weighted_average_of_rare_and_other(example, border):
    target = sg.ignore_border(example.mask, border)
    weights = [0.0, 0.1, 1.0, 10.0, 100.0, 1e6]
    sweep = sg.rare_weight_sweep(example.logits, target, weights, rare_class=3)
    np.testing.assert_allclose(
        sweep.mean,
        sweep.predicted_mean(weights),
        rtol=1e-12,
        err_msg="without smoothing, mean(w) = (n_o·a + w·n_r·b)/(n_o + w·n_r) exactly",
    )
    assert sweep.mean[0] == pytest.approx(sweep.other_mean, rel=1e-12), (
        "w = 0: the rare pixels drop out"
    )
    assert sweep.mean[-1] == pytest.approx(sweep.rare_mean, rel=1e-4), (
        "w → ∞: the rare pixels' own mean"
    )
    lo, hi = sorted((sweep.other_mean, sweep.rare_mean))
    assert np.all((sweep.mean >= lo - 1e-12) & (sweep.mean <= hi + 1e-12)), (
        "the mean stays between the two"
    )
    assert np.all(np.diff(sweep.rare_share) > 0), "the rare share grows with its weight"


def test_page_prediction_at_weight_ten_on_the_default_image(example):
    """The page's default (C = 4, seed 0): rare pixels are harder, so w = 10 raises the mean, by far less than 10×."""
    sweep = sg.rare_weight_sweep(
        example.logits, example.mask, [1.0, 10.0], rare_class=3
    )
    assert sweep.rare_mean > sweep.other_mean
    assert sweep.mean[0] < sweep.mean[1] < 2 * sweep.mean[0]
    assert sweep.mean[0] == pytest.approx(0.369, abs=5e-4) and sweep.mean[
        1
    ] == pytest.approx(0.4086, abs=5e-4)
    # With smoothing the closed form no longer holds exactly (w enters every pixel's smoothing term).
    smooth = sg.rare_weight_sweep(
        example.logits, example.mask, [10.0], rare_class=3, label_smoothing=0.5
    )
    assert smooth.mean[0] != pytest.approx(float(smooth.predicted_mean(10.0)), rel=1e-6)


def test_inverse_frequency_raises_the_rare_share(example):
    plain = sg.pixel_losses(example.logits, example.mask)
    balanced = sg.pixel_losses(
        example.logits,
        example.mask,
        weight=sg.inverse_frequency_weights(example.mask, 4),
    )
    assert plain.class_loss_share[3] < 0.05, (
        "unweighted, the 16 rare pixels carry ~3 % of the loss"
    )
    assert balanced.class_loss_share[3] > 0.3, (
        "balanced weights give the rare class a third of it or more"
    )


# --------------------------------------------------------------------------------------------
# Weights act through training: per-class biases
# --------------------------------------------------------------------------------------------


def test_fitted_bias_is_a_stationary_point(example):
    w = sg.with_rare_weight(4, 10.0)
    fit = sg.fit_class_bias(example.logits, example.mask, weight=w)
    assert fit.success and fit.loss_after <= fit.loss_before
    assert abs(fit.bias.sum()) < 1e-9, (
        "softmax is shift invariant; the fit keeps Σ b = 0"
    )
    shifted = example.logits + fit.bias[None, :, None, None]
    grad = lv.cross_entropy_grad(shifted, example.mask[None], axis=1, weight=w).sum(
        axis=(0, 2, 3)
    )
    assert np.max(np.abs(grad)) < 1e-5, (
        "the gradient in the biases must vanish at the fit"
    )
    assert np.array_equal(fit.predicted, shifted[0].argmax(axis=0))


def test_weights_raise_the_rare_bias_and_its_recall(example):
    """The page's section 3 at its defaults with w = 10: recall 0.0625 (1/16) unweighted, 0.75 weighted."""
    plain = sg.fit_class_bias(example.logits, example.mask)
    heavy = sg.fit_class_bias(
        example.logits, example.mask, weight=sg.with_rare_weight(4, 10.0)
    )
    assert heavy.bias[3] > plain.bias[3]
    before = sg.rare_class_scores(example.mask, plain.predicted, 3)
    after = sg.rare_class_scores(example.mask, heavy.predicted, 3)
    assert before.recall == pytest.approx(1 / 16) and after.recall == pytest.approx(
        12 / 16
    )
    assert after.precision < 1


def test_zero_weight_fit_stays_finite(example):
    fit = sg.fit_class_bias(
        example.logits, example.mask, weight=sg.with_rare_weight(4, 0.0)
    )
    assert np.all(np.isfinite(fit.bias)) and fit.bias[3] < fit.bias[:3].min()


def test_rare_class_scores_by_hand():
    scores = sg.rare_class_scores([[0, 2, 2, 255]], [[2, 2, 0, 2]], 2, ignore_index=255)
    assert scores == (0.5, 0.5, 0.5), (
        "1 of 2 predicted rare is right, 1 of 2 rare found; the ignored pixel is out"
    )
    none_predicted = sg.rare_class_scores([[0, 2]], [[0, 0]], 2)
    assert np.isnan(none_predicted.precision) and none_predicted.recall == 0.0


# --------------------------------------------------------------------------------------------
# Boundaries, regions, and the naive softmax
# --------------------------------------------------------------------------------------------


def test_boundary_pixels_and_region_share():
    mask = np.array([[0, 0, 1], [0, 0, 1], [2, 2, 2]])
    edges = sg.boundary_pixels(mask)
    assert edges.tolist() == [
        [False, True, True],
        [True, True, True],
        [True, True, True],
    ]
    z = np.zeros((1, 3, 3, 3))
    r = sg.pixel_losses(z, mask)
    share = sg.region_share(r, edges)
    assert share.n_pixels == 8 and share.pixel_share == pytest.approx(8 / 9)
    assert share.loss_share == pytest.approx(8 / 9), (
        "equal logits: every pixel has loss log 3"
    )


def test_naive_softmax_overflows_where_cross_entropy_does_not(example):
    calm = sg.naive_softmax_check(example.logits, example.mask, scale=1.0)
    assert calm.n_nonfinite == 0 and calm.naive_mean == pytest.approx(
        calm.stable_mean, rel=1e-12
    )
    hot = sg.naive_softmax_check(example.logits, example.mask, scale=1000.0)
    assert hot.n_nonfinite > 0 and np.isnan(hot.naive_mean), (
        "exp(1000·z) overflows: inf/inf = NaN"
    )
    assert np.isfinite(hot.stable_mean)
    assert hot.stable_mean == pytest.approx(
        lv.cross_entropy(1000 * example.logits, example.mask[None], axis=1)
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: sg.pixel_losses(np.zeros((2, 3, 2, 2)), np.zeros((2, 2))),
            r"logits must have shape \(1, C, H, W\)",
        ),
        (
            lambda: sg.pixel_losses(np.zeros((1, 3, 2, 2)), np.zeros((2, 3))),
            r"target must have shape \(2, 2\)",
        ),
        (
            lambda: sg.pixel_losses(np.zeros((1, 3, 2, 2)), [[0, 1], [2, 3]]),
            r"target class indices must be in \[0, 2\]",
        ),
        (
            lambda: sg.pixel_losses(
                np.zeros((1, 3, 2, 2)), [[0, 1], [2, 0]], weight=[1, 2]
            ),
            r"weight must have shape \(3,\)",
        ),
        (lambda: sg.ignore_border([[0]], -1), r"width must be an integer >= 0; got -1"),
        (lambda: sg.ignore_border([0, 1], 1), r"mask must be a 2-d array"),
        (
            lambda: sg.inverse_frequency_weights([[0, 5]], 3),
            r"mask must hold class indices in \[0, 2\]",
        ),
        (lambda: sg.with_rare_weight(3, -1.0), r"rare_weight must be >= 0"),
        (
            lambda: sg.with_rare_weight(3, 1.0, rare_class=3),
            r"rare_class must be in \[0, 2\]",
        ),
        (
            lambda: sg.rare_weight_sweep(Z, T, [-1.0], rare_class=2, ignore_index=255),
            r"weights must be a 1-d array",
        ),
        (
            lambda: sg.rare_class_scores([[0, 1]], [[0]], 1),
            r"predicted must have the shape of target",
        ),
        (
            lambda: sg.region_share(sg.pixel_losses(Z, T, ignore_index=255), [[True]]),
            r"region must have the image's shape",
        ),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_page_configurations_match_torch():
    """The page's image (C = 4, seed 0) under three settings, against F.cross_entropy (torch 2.13,
    float64, on the same logits and targets): the number the page prints beside its code."""
    ex = sg.make_example(4, seed=0)
    cases = [
        (0, None, 0.0, -100, 0.36899063758477074),
        (3, [1.0, 1.0, 1.0, 10.0], 0.2, -100, 1.9873941615851125),
        (2, sg.inverse_frequency_weights(ex.mask, 4), 0.1, 255, 1.9014198355579184),
    ]
    for border, weight, smoothing, ignore, torch_mean in cases:
        target = sg.ignore_border(ex.mask, border, ignore_index=ignore)
        r = sg.pixel_losses(
            ex.logits,
            target,
            weight=weight,
            ignore_index=ignore,
            label_smoothing=smoothing,
        )
        assert r.mean == pytest.approx(torch_mean, rel=1e-13), (
            border,
            smoothing,
            ignore,
        )


def test_with_label_smoothing_weights_reach_every_pixel(example):
    """The page's caveat: torch weights the smoothing term Σ_c w_c·(−log s_c) of every pixel, so with
    smoothing the weighted mean is no longer an average between the two groups and can pass the rare mean."""
    sweep = sg.rare_weight_sweep(
        example.logits, example.mask, [1.0, 10.0], rare_class=3, label_smoothing=0.3
    )
    assert sweep.mean[1] > sweep.rare_mean > sweep.other_mean

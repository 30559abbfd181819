"""Tests for lossviz.data: determinism, shapes, the separability guarantee, label noise and
imbalance, the Bayes error, the train/validation split and the synthetic segmentation image."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, special

from lossviz.data import (
    DATASET_KINDS,
    Dataset,
    make_blobs,
    make_dataset,
    make_segmentation,
    segmentation_logits,
    train_val_split,
)

# The direction u of the class means, as make_blobs documents it: (cos 30°, sin 30°).
U = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])


def linearly_separable(X: np.ndarray, y: np.ndarray) -> bool:
    """Is there (w, b) with (2y − 1)(w·x + b) >= 1 for every point? A feasibility LP.

    Independent of how make_blobs builds its gap: it only asks scipy's LP solver.
    """
    sign = 2.0 * y - 1.0
    a_ub = -sign[:, None] * np.column_stack([X, np.ones(len(y))])
    result = optimize.linprog(
        c=np.zeros(3), A_ub=a_ub, b_ub=-np.ones(len(y)), bounds=[(None, None)] * 3, method="highs"
    )
    return result.status == 0


def rows_sorted(X: np.ndarray, *others: np.ndarray):
    order = np.lexsort(X.T[::-1])
    return (X[order], *(o[order] for o in others))


# --------------------------------------------------------------------------------------------
# Binary blobs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(DATASET_KINDS))
def test_dataset_shapes_types_and_determinism(kind):
    a = make_dataset(kind, 120, seed=3)
    b = make_dataset(kind, 120, seed=3)
    c = make_dataset(kind, 120, seed=4)
    assert isinstance(a, Dataset) and a.kind == kind and a.n == 120
    assert a.X.shape == (120, 2) and a.X.dtype == np.float64
    assert a.y.shape == (120,) and a.y.dtype == np.int64
    assert set(np.unique(a.y)) <= {0, 1}
    np.testing.assert_array_equal(a.X, b.X, err_msg="same seed must give the same points")
    np.testing.assert_array_equal(a.y, b.y, err_msg="same seed must give the same labels")
    assert not np.array_equal(a.X, c.X), "a different seed must give different points"
    assert not a.X.flags.writeable and not a.y.flags.writeable, "dataset arrays are read-only"


def test_dataset_is_frozen_and_kinds_are_read_only():
    data = make_dataset("separable", 10)
    with pytest.raises(AttributeError):
        data.kind = "other"
    with pytest.raises(TypeError):
        DATASET_KINDS["new"] = {}
    with pytest.raises(TypeError):
        DATASET_KINDS["separable"]["margin"] = 0.0


@pytest.mark.parametrize("kind", ["separable", "imbalanced-separable"])
@pytest.mark.parametrize("seed", range(25))
def test_separable_kinds_are_linearly_separable_for_every_seed(kind, seed):
    data = make_dataset(kind, 200, seed=seed)
    assert linearly_separable(data.X, data.y), f"{kind} seed {seed} is not linearly separable"
    margin = DATASET_KINDS[kind]["margin"]
    t = data.X @ U
    gap = t[data.y == 1].min() - t[data.y == 0].max()
    assert gap >= margin, f"the gap along u must be at least the margin {margin}; got {gap}"


def test_the_separability_check_can_fail():
    """The LP check is not vacuous: overlapping and noisy data are not separable."""
    assert not linearly_separable(*_xy(make_dataset("overlapping", 200, seed=0)))
    assert not linearly_separable(*_xy(make_dataset("noisy", 200, seed=0)))


def _xy(data):
    return data.X, data.y


@pytest.mark.parametrize("n, fraction, expected", [(200, 0.05, 10), (200, 0.5, 100), (7, 0.3, 2)])
def test_positive_fraction_is_exact(n, fraction, expected):
    data = make_blobs(n, positive_fraction=fraction, seed=1)
    assert int(data.y.sum()) == expected, "round(positive_fraction * n) positives"


def test_imbalanced_kind_has_five_percent_positives():
    assert make_dataset("imbalanced", 200, seed=5).y.mean() == pytest.approx(0.05)
    assert make_dataset("imbalanced-separable", 400, seed=5).y.mean() == pytest.approx(0.1)


@pytest.mark.parametrize("noise", [0.0, 0.1, 0.25])
def test_label_noise_flips_exactly_that_many_labels(noise):
    """Same seed: the same points (drawn before the flips); round(noise · n) labels differ."""
    clean = make_blobs(200, separation=3.0, seed=9)
    noisy = make_blobs(200, separation=3.0, label_noise=noise, seed=9)
    x_clean, y_clean = rows_sorted(clean.X, clean.y)
    x_noisy, y_noisy = rows_sorted(noisy.X, noisy.y)
    np.testing.assert_array_equal(x_clean, x_noisy)
    assert int((y_clean != y_noisy).sum()) == round(noise * 200)


def test_noisy_kind_flips_ten_percent_of_a_separable_core():
    data = make_dataset("noisy", 200, seed=2)
    core = make_blobs(200, separation=3.0, margin=0.5, seed=2)
    x_core, y_core = rows_sorted(core.X, core.y)
    x_noisy, y_noisy = rows_sorted(data.X, data.y)
    np.testing.assert_array_equal(x_core, x_noisy)
    assert int((y_core != y_noisy).sum()) == 20
    assert linearly_separable(x_core, y_core), "the clean core of the noisy set is separable"


def test_bayes_error_values():
    # Φ(−1) for separation 2 with equal priors: scipy.special.ndtr(-1) = 0.15865525393145707,
    # the standard normal tail at one standard deviation.
    assert make_dataset("overlapping").bayes_error == pytest.approx(0.15865525393145707, rel=1e-12)
    assert make_dataset("separable").bayes_error == 0.0
    assert make_dataset("noisy", 200).bayes_error == pytest.approx(0.1), "η + (1 − 2η)·0"
    assert make_blobs(10, separation=0.0, positive_fraction=0.3).bayes_error == pytest.approx(0.3)


@pytest.mark.parametrize("separation, fraction", [(2.0, 0.5), (2.5, 0.05), (1.0, 0.2)])
def test_bayes_error_matches_the_bayes_rule_on_a_large_sample(separation, fraction):
    """The documented rule, class 1 iff x·u > log(π₀/π₁)/s, errs at the documented rate."""
    data = make_blobs(200_000, separation=separation, positive_fraction=fraction, seed=0)
    threshold = np.log((1 - fraction) / fraction) / separation
    error = np.mean((data.X @ U > threshold) != (data.y == 1))
    std = np.sqrt(data.bayes_error * (1 - data.bayes_error) / data.n)
    assert abs(error - data.bayes_error) < 4 * std, (error, data.bayes_error)
    # Moving the threshold either way must not do better (it is the Bayes rule).
    for shift in (-0.3, 0.3):
        worse = np.mean((data.X @ U > threshold + shift) != (data.y == 1))
        assert worse > error


# --------------------------------------------------------------------------------------------
# Train/validation split
# --------------------------------------------------------------------------------------------


def test_split_is_disjoint_covering_and_stratified():
    data = make_dataset("imbalanced", 200, seed=0)
    train, val = train_val_split(data, n_val=60, seed=1)
    assert (train.n, val.n) == (140, 60)
    both_x = np.concatenate([train.X, val.X])
    both_y = np.concatenate([train.y, val.y])
    np.testing.assert_array_equal(
        *[rows_sorted(x, y)[0] for x, y in ((both_x, both_y), (data.X, data.y))]
    )
    assert int(val.y.sum()) == 3, "round(60 · 10 / 200) positives in the validation part"
    assert int(train.y.sum()) == 7
    assert train.kind == val.kind == "imbalanced"


def test_split_keeps_a_positive_on_each_side():
    data = make_blobs(40, positive_fraction=0.05, seed=0)  # 2 positives
    train, val = train_val_split(data, n_val=4, seed=0)
    assert int(train.y.sum()) == 1 and int(val.y.sum()) == 1


def test_split_val_label_noise_flips_only_validation_labels():
    data = make_dataset("imbalanced-separable", 400, seed=0)
    train0, val0 = train_val_split(data, n_val=200, seed=7)
    train1, val1 = train_val_split(data, n_val=200, val_label_noise=0.05, seed=7)
    np.testing.assert_array_equal(train0.y, train1.y)
    np.testing.assert_array_equal(val0.X, val1.X)
    assert int((val0.y != val1.y).sum()) == 10, "round(0.05 · 200) validation labels flipped"
    assert val1.bayes_error == pytest.approx(0.05) and train1.bayes_error == 0.0


def test_split_is_deterministic():
    data = make_dataset("overlapping", 100, seed=0)
    first = train_val_split(data, n_val=30, seed=2)
    second = train_val_split(data, n_val=30, seed=2)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a.X, b.X)


# --------------------------------------------------------------------------------------------
# Segmentation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(16, 16), (32, 32), (24, 40), (64, 48)])
@pytest.mark.parametrize("n_classes", [2, 3, 4, 5])
def test_segmentation_has_every_class_and_a_rare_one(size, n_classes):
    for seed in range(15):
        mask = make_segmentation(*size, n_classes, seed=seed)
        assert mask.shape == size and mask.dtype == np.int64
        counts = np.bincount(mask.ravel(), minlength=n_classes)
        assert counts.size == n_classes and np.all(counts > 0), f"every class present: {counts}"
        rare = counts[-1] / mask.size
        assert rare < 0.06, f"the last class is rare; got {rare:.3f} of the pixels"
        assert counts[0] == counts.max(), "the background is the largest class"
        if n_classes > 2:
            assert counts[-1] < counts[1:-1].min(), "the rare class is the smallest"


def test_segmentation_is_deterministic():
    np.testing.assert_array_equal(make_segmentation(seed=4), make_segmentation(seed=4))
    assert not np.array_equal(make_segmentation(seed=4), make_segmentation(seed=5))


def test_segmentation_logits_shape_and_agreement():
    mask = make_segmentation(32, 32, 4, seed=0)
    logits = segmentation_logits(mask, 4, seed=0)
    assert logits.shape == (1, 4, 32, 32) and logits.dtype == np.float64
    agreement = np.mean(logits[0].argmax(axis=0) == mask)
    assert agreement > 0.8, f"the argmax mostly matches the mask; got {agreement:.2f}"
    np.testing.assert_array_equal(logits, segmentation_logits(mask, 4, seed=0))


def test_segmentation_logits_confidence_sharpens_the_softmax():
    mask = make_segmentation(32, 32, 4, seed=1)
    peak = []
    for confidence in (1.0, 3.0, 8.0):
        logits = segmentation_logits(mask, 4, confidence=confidence, noise=0.5, seed=0)
        probs = special.softmax(logits[0], axis=0)
        peak.append(np.take_along_axis(probs, mask[None], axis=0).mean())
    assert peak[0] < peak[1] < peak[2], f"mean probability of the true class must rise: {peak}"


def test_segmentation_logits_without_noise_or_blur_are_scaled_one_hot():
    mask = make_segmentation(16, 16, 3, seed=0)
    logits = segmentation_logits(mask, 3, confidence=2.5, noise=0.0, blur=0.0)
    np.testing.assert_array_equal(logits[0], 2.5 * (mask[None] == np.arange(3)[:, None, None]))
    blurred = segmentation_logits(mask, 3, confidence=1.0, noise=0.0, blur=1.0)
    np.testing.assert_allclose(blurred.sum(axis=1), 1.0, err_msg="blurring keeps one-hot sums")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 1}, r"n must be an integer >= 2; got 1"),
        ({"n": 2.5}, r"n must be an integer >= 2; got 2.5"),
        ({"separation": -1.0}, r"separation must be >= 0; got -1"),
        ({"label_noise": 0.7}, r"label_noise must be in \[0, 0.5\]; got 0.7"),
        ({"positive_fraction": 1.0}, r"positive_fraction must be a number in \(0, 1\); got 1.0"),
        (
            {"positive_fraction": 0.001},
            r"positive_fraction must give at least one point of each class",
        ),
        ({"margin": -0.5}, r"margin must be >= 0; got -0.5"),
        ({"seed": -1}, r"seed must be an integer >= 0; got -1"),
        ({"seed": "a"}, r"seed must be an integer >= 0; got 'a'"),
    ],
)
def test_make_blobs_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_blobs(**{"n": 100, **kwargs})


def test_make_dataset_unknown_kind():
    with pytest.raises(ValueError, match=r'kind must be one of "separable", .*; got \'moons\''):
        make_dataset("moons")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_val": 0}, r"n_val must be an integer in \[1, 99\]; got 0"),
        ({"n_val": 100}, r"n_val must be an integer in \[1, 99\]; got 100"),
        ({"n_val": 10, "val_label_noise": 0.6}, r"val_label_noise must be in \[0, 0.5\]; got 0.6"),
    ],
)
def test_split_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_val_split(make_dataset("overlapping", 100), **kwargs)


def test_split_rejects_a_non_dataset():
    with pytest.raises(ValueError, match=r"data must be a Dataset; got tuple"):
        train_val_split((np.zeros((4, 2)), np.zeros(4)), n_val=2)


@pytest.mark.parametrize(
    "args, match",
    [
        ((8, 32, 4), r"height must be an integer >= 16; got 8"),
        ((32, 10, 4), r"width must be an integer >= 16; got 10"),
        ((32, 32, 1), r"n_classes must be an integer in \[2, 5\]; got 1"),
        ((32, 32, 6), r"n_classes must be an integer in \[2, 5\]; got 6"),
    ],
)
def test_make_segmentation_errors(args, match):
    with pytest.raises(ValueError, match=match):
        make_segmentation(*args)


@pytest.mark.parametrize(
    "mask, n_classes, kwargs, match",
    [
        (np.zeros(5), 3, {}, r"mask must be a 2-d array \(H, W\); got shape \(5,\)"),
        (
            np.full((2, 2), 3),
            3,
            {},
            r"mask must hold class indices in \[0, 2\] for n_classes=3; got values from 3 to 3",
        ),
        (np.full((2, 2), 0.5), 3, {}, r"mask must hold whole-number class indices"),
        (np.zeros((2, 2)), 1, {}, r"n_classes must be an integer >= 2; got 1"),
        (np.zeros((2, 2)), 2, {"confidence": -1.0}, r"confidence must be >= 0; got -1"),
        (np.zeros((2, 2)), 2, {"noise": np.nan}, r"noise must be a finite number >= 0; got nan"),
        (np.zeros((2, 2)), 2, {"blur": -0.1}, r"blur must be >= 0; got -0.1"),
    ],
)
def test_segmentation_logits_errors(mask, n_classes, kwargs, match):
    with pytest.raises(ValueError, match=match):
        segmentation_logits(mask, n_classes, **kwargs)

"""Tests for lossviz.twoneuron: the sigmoid-vs-softmax identities, the head comparison, run summaries.

Expected values are either closed forms evaluated independently here with ``math`` (say so at
each) or invariants: softmax₁ = σ(z1 − z0), shift invariance, BCE = two-class CE, zero gradient
along the redundant direction w0 + w1.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from lossviz import twoneuron as tn
from lossviz.losses import bce_with_logits_grad
from lossviz.metrics import expected_calibration_error
from lossviz.train import TrainConfig, train

FLOAT64_EPS = float(np.finfo(np.float64).eps)
GRID = np.linspace(-6.0, 6.0, 13)


# --------------------------------------------------------------------------------------------
# head_point
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("z0", GRID)
@pytest.mark.parametrize("z1", GRID[::3])
def test_softmax_of_two_logits_is_sigmoid_of_their_difference(z0, z1):
    point = tn.head_point(z0, z1)
    assert abs(point.difference) <= FLOAT64_EPS, f"softmax₁ − σ(z1 − z0) = {point.difference:g} at ({z0}, {z1})"
    assert point.softmax.sum() == pytest.approx(1.0, abs=2 * FLOAT64_EPS)


@pytest.mark.parametrize("shift", [-6.0, -0.5, 0.0, 2.5, 5.0, 6.0])
def test_shifting_both_logits_changes_nothing(shift):
    for z0, z1 in [(0.5, 2.0), (-3.0, 4.0), (6.0, -6.0), (1.1, 1.1)]:
        point = tn.head_point(z0, z1, shift=shift)
        # z + c is rounded once per logit, so the difference may move by one ulp of |z + c| <= 12.
        assert point.shift_change <= 4 * FLOAT64_EPS, f"shift {shift} moved P by {point.shift_change:g}"
        np.testing.assert_array_equal(point.shifted_logits, point.logits + shift)


def test_large_shift_is_exact_up_to_rounding_of_the_shifted_logits():
    point = tn.head_point(0.5, 2.0, shift=1e4)
    assert point.shift_change < 1e-12, "1e4 + z loses ~12 bits of z, not the identity"


@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize(("z0", "z1"), [(0.5, 2.0), (-4.0, 3.0), (2.0, -1.5), (0.0, 0.0)])
def test_bce_on_the_difference_is_two_class_cross_entropy(z0, z1, y):
    point = tn.head_point(z0, z1, y)
    d = z1 - z0
    # Closed form, evaluated independently: BCE(d, y) = log(1 + e^(−d)) for y = 1, log(1 + e^d) for y = 0.
    expected = math.log1p(math.exp(-d)) if y == 1 else math.log1p(math.exp(d))
    assert point.bce == pytest.approx(expected, rel=1e-14)
    assert point.ce == pytest.approx(expected, rel=1e-14)
    assert point.logit_difference == d


@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize(("z0", "z1"), [(0.5, 2.0), (-4.0, 3.0), (2.0, -1.5)])
def test_gradients_of_the_two_heads(z0, z1, y):
    point = tn.head_point(z0, z1, y)
    sigma = 1.0 / (1.0 + math.exp(-(z1 - z0)))  # safe here: |z1 − z0| <= 7
    assert point.grad_sigmoid == pytest.approx(sigma - y, abs=1e-15)
    assert abs(point.grad_gap) <= 2 * FLOAT64_EPS, "the positive neuron gets the sigmoid head's gradient"
    assert abs(point.grad_sum) <= 2 * FLOAT64_EPS, "the two softmax gradients sum to zero"
    assert point.grad_softmax[0] == pytest.approx(-(sigma - y), abs=1e-15)


def test_head_point_reference_value():
    # (0.5, 2.0), y = 1: P = σ(1.5) = 1 / (1 + e^−1.5) = 0.8175744761936437 (math.exp by hand).
    point = tn.head_point(0.5, 2.0, 1)
    assert point.sigmoid == pytest.approx(0.8175744761936437, rel=1e-15)
    assert point.softmax[1] == pytest.approx(0.8175744761936437, rel=1e-15)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((0.0, 1.0, 2), {}, r"y must be the class 0 or 1; got 2"),
        ((0.0, 1.0, True), {}, r"y must be the class 0 or 1; got True"),
        ((float("nan"), 1.0), {}, r"z0 must be finite"),
        (([0.0, 1.0], 1.0), {}, r"z0 must be a single number; got an array of shape \(2,\)"),
        ((0.0, "a"), {}, r"z1 must be a numeric array"),
        ((0.0, 1.0), {"shift": float("inf")}, r"shift must be finite"),
    ],
)
def test_head_point_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        tn.head_point(*args, **kwargs)


# --------------------------------------------------------------------------------------------
# logit_plane and contour_segments
# --------------------------------------------------------------------------------------------


def test_plane_is_constant_along_diagonals():
    plane = tn.logit_plane(4.0, 9)  # step 1: grid points lie exactly on the diagonals
    for k in range(1, 4):
        np.testing.assert_allclose(plane.prob[k:, k:], plane.prob[:-k, :-k], atol=FLOAT64_EPS)
    np.testing.assert_array_equal(np.diag(plane.prob), 0.5)


def test_plane_rises_with_z1_and_falls_with_z0():
    plane = tn.logit_plane(6.0, 25)
    assert np.all(np.diff(plane.prob, axis=0) > 0), "P(class 1) grows up the z1 axis"
    assert np.all(np.diff(plane.prob, axis=1) < 0), "P(class 1) falls along the z0 axis"


def test_uncertain_band_matches_its_width():
    # 0.01 < σ(d) < 0.99 ⇔ |d| < log(99); on [−L, L]² the band |z1 − z0| < a covers
    # 1 − (1 − a / (2L))² of the square (two corner triangles removed).
    limit = 12.0
    plane = tn.logit_plane(limit, 401)
    a = math.log(99.0)
    assert plane.uncertain_fraction == pytest.approx(1 - (1 - a / (2 * limit)) ** 2, abs=0.01)


def test_plane_limit_covers_the_points():
    assert tn.plane_limit([[1.0, -13.2], [0.5, 2.0]]) == 16.0
    assert tn.plane_limit([[0.1, 0.2]]) == 12.0
    assert tn.plane_limit([[40.0, 0.0]], minimum=0.0, step=4.0) == 40.0
    with pytest.raises(ValueError, match=r"step must be > 0"):
        tn.plane_limit([[1.0, 2.0]], step=0.0)


@pytest.mark.parametrize("bad", [(0.0, 5), (-1.0, 5), (float("inf"), 5), (1.0, 1), (True, 5)])
def test_logit_plane_errors(bad):
    with pytest.raises(ValueError, match=r"(limit must be a finite number > 0|n_points must be an integer >= 2)"):
        tn.logit_plane(*bad)


def test_contour_of_a_linear_field_is_its_line():
    x = y = np.linspace(-2.0, 2.0, 41)
    field = x[None, :] + 2.0 * y[:, None]
    xs, ys = tn.contour_segments(x, y, field, 0.3)
    ok = ~np.isnan(xs)
    assert ok.sum() > 40
    np.testing.assert_allclose(xs[ok] + 2.0 * ys[ok], 0.3, atol=1e-12)
    assert np.all(np.isnan(xs[2::3])) and np.all(np.isnan(ys[2::3])), "segments are separated by NaN"


def test_contour_of_a_radial_field_is_a_circle():
    x = y = np.linspace(-2.0, 2.0, 81)
    field = x[None, :] ** 2 + y[:, None] ** 2
    xs, ys = tn.contour_segments(x, y, field, 1.0)
    ok = ~np.isnan(xs)
    # Linear interpolation of r² along an edge of length h = 0.05 errs by at most h²/8 in r².
    np.testing.assert_allclose(np.hypot(xs[ok], ys[ok]), 1.0, atol=0.05**2 / 8 + 1e-12)


def test_contour_of_a_saddle_stays_on_the_axes():
    x = y = np.linspace(-1.0, 1.0, 5)
    field = x[None, :] * y[:, None] + 0.01  # no zero exactly on the grid lines: four-crossing cells
    xs, ys = tn.contour_segments(x, y, field, 0.0)
    ok = ~np.isnan(xs)
    # Every crossing point of x·y = −0.01 between grid nodes lies on a grid line, near an axis.
    assert np.all(np.minimum(np.abs(xs[ok]), np.abs(ys[ok])) < 0.05)


def test_contour_without_crossing_is_empty():
    xs, ys = tn.contour_segments([0.0, 1.0], [0.0, 1.0], np.zeros((2, 2)), 0.5)
    assert xs.size == 0 and ys.size == 0


def test_contour_errors():
    with pytest.raises(ValueError, match=r"values must have shape \(len\(y\), len\(x\)\)"):
        tn.contour_segments([0.0, 1.0], [0.0, 1.0, 2.0], np.zeros((2, 2)), 0.5)
    with pytest.raises(ValueError, match=r"surface must have shape \(frames, ny, nx\)"):
        tn.surface_contours([0.0, 1.0], [0.0, 1.0], np.zeros((2, 2)))


def test_surface_contours_equal_contour_segments_of_each_frame():
    # All frames and levels are computed in one pass; each line must be, bit for bit, the one
    # contour_segments draws alone (random fields have saddles, edges with no crossing, and frames
    # without any line at some level).
    rng = np.random.default_rng(3)
    x, y = np.sort(rng.normal(size=9)), np.linspace(-1.0, 2.0, 7)
    fields = rng.normal(size=(6, 7, 9))
    fields[2] = 5.0  # a frame with no crossing at any level
    levels = (0.0, 0.4, -1.2)
    lines = tn.surface_contours(x, y, fields, levels=levels)
    for frame, frame_lines in zip(fields, lines, strict=True):
        for level, (xs, ys) in zip(levels, frame_lines, strict=True):
            want_x, want_y = tn.contour_segments(x, y, frame, level)
            np.testing.assert_array_equal(xs, want_x)
            np.testing.assert_array_equal(ys, want_y)
    assert all(xs.size == 0 for xs, _ in lines[2])
    above = fields > 0.0
    saddle = (above[:, :-1, :-1] == above[:, 1:, 1:]) & (above[:, :-1, 1:] == above[:, 1:, :-1])
    saddle &= above[:, :-1, :-1] != above[:, :-1, 1:]
    assert saddle.any(), "the random fields must include saddle cells"


def test_surface_contours_check_the_grid():
    with pytest.raises(ValueError, match=r"surface must have shape \(frames, len\(grid_y\), len\(grid_x\)\).*got surface \(1, 2, 2\), grid_x \(3,\)"):
        tn.surface_contours([0.0, 1.0, 2.0], [0.0, 1.0], np.zeros((1, 2, 2)))


def test_surface_contours_of_a_trajectory():
    run = tn.training_run("separable", epochs=50, frames=5, grid_size=20)
    t = run.trajectory
    lines = tn.surface_contours(t.grid_x, t.grid_y, t.surface, levels=(0.5, 0.1, 0.9))
    assert len(lines) == t.epochs.size and all(len(frame) == 3 for frame in lines)
    assert lines[0][0][0].size == 0, "epoch 0 of logistic regression is P = 0.5 everywhere: no crossing"
    w, b = t.final_params.head_weight[:, 0], t.final_params.head_bias[0]
    xs, ys = lines[-1][0]
    ok = ~np.isnan(xs)
    # The logistic boundary is the line w·x + b = 0; linear interpolation of σ(w·x + b) is close.
    assert np.abs(w[0] * xs[ok] + w[1] * ys[ok] + b).max() < 0.05


# --------------------------------------------------------------------------------------------
# compare_heads
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def logistic_comparison():
    return tn.compare_heads("separable", epochs=300, offset=1.0)


def test_matched_heads_predict_the_same_at_every_epoch(logistic_comparison):
    c = logistic_comparison
    assert c.matched_max <= 1e-14, f"matched heads differ by {c.matched_max:g}"
    assert np.all(c.matched_logit_gap <= 1e-12)
    assert c.epochs[0] == 0 and c.epochs[-1] == 300


def test_same_learning_rate_is_a_different_run(logistic_comparison):
    c = logistic_comparison
    assert c.same_lr_max > 0.01, f"same lr gap only {c.same_lr_max:g}"
    assert c.same_lr_gap[0] == 0.0, "both start as the same function"
    assert c.same_lr_max_epoch > 0
    # For logistic regression the same-lr softmax head is a sigmoid head at 2·lr, λ/2.
    assert c.double_lr_max <= 1e-14
    assert c.same_lr_max_logit > c.sigmoid_max_logit, "twice the step: larger logits at the same epoch"


def test_redundant_direction_is_invisible_without_decay(logistic_comparison):
    c = logistic_comparison
    # offset 1 in both columns: w0 + w1 = (2, 2), norm 2·√2.
    assert c.redundant_start == pytest.approx(2 * math.sqrt(2), rel=1e-15)
    assert c.redundant_end_matched == pytest.approx(c.redundant_start, rel=1e-13)
    assert c.redundant_end_same_lr == pytest.approx(c.redundant_start, rel=1e-13)
    assert c.redundant_grad < 1e-15
    assert c.head_parameters == (3, 6)


def test_the_negative_neuron_is_not_zero_yet_predictions_match(logistic_comparison):
    low, high = logistic_comparison.negative_logit_range
    assert low < -1.0 and high > 1.0, f"z0 spans [{low:.3g}, {high:.3g}]"
    assert logistic_comparison.final_raw_logits.shape == (200, 2)


def test_weight_decay_alone_shrinks_the_redundant_direction():
    c = tn.compare_heads("overlapping", epochs=200, weight_decay=0.01, offset=0.5)
    # (1 − η·λ)^E with η = 0.5, λ = 0.01, E = 200, from ‖w0 + w1‖ = 2·0.5·√2.
    expected = math.sqrt(2) * (1 - 0.005) ** 200
    assert c.redundant_expected_end == pytest.approx(expected, rel=1e-12)
    assert c.redundant_end_matched == pytest.approx(expected, rel=1e-9)
    assert c.redundant_end_same_lr == pytest.approx(expected, rel=1e-9)
    assert c.matched_max <= 1e-14
    assert (c.matched_head_lr, c.matched_head_weight_decay) == (0.25, 0.02)


def test_huge_learning_rates_amplify_rounding_differences():
    """Exactly equal in real arithmetic; at η = 100 the 1e-16 rounding differences grow geometrically."""
    c = tn.compare_heads("overlapping", lr=100.0, epochs=300, offset=1.0, max_records=300)
    assert not c.matched_identical and c.matched_max > 0.1
    first = c.matched_divergence_epoch
    assert first is not None and 1 < first < 300
    early = c.matched_gap[c.epochs <= 5]
    assert early.max() < 1e-12, "they start together; the gap grows later"
    calm = tn.compare_heads("overlapping", lr=0.5, epochs=300)
    assert calm.matched_identical and calm.matched_divergence_epoch is None


def test_mlp_heads_match_too():
    c = tn.compare_heads("separable", model="mlp", epochs=100, offset=1.0, double_lr=True)
    assert c.matched_max <= 1e-14
    assert c.double_lr_gap is None, "the 2·lr shortcut holds for the linear model only"
    assert c.head_parameters == (17, 34)
    assert c.redundant_end_matched == pytest.approx(c.redundant_start, rel=1e-12)


def test_compare_heads_without_the_double_run():
    c = tn.compare_heads("separable", epochs=20, double_lr=False)
    assert c.double_lr_gap is None and c.double_lr_max is None
    assert c.redundant_start == 0.0 and c.redundant_expected_end == 0.0


def _assert_same_comparison(a, b):
    for field in dataclasses.fields(a):
        got, want = getattr(b, field.name), getattr(a, field.name)
        if want is None:
            assert got is None, field.name
        else:
            np.testing.assert_array_equal(got, want, err_msg=field.name)


@pytest.mark.parametrize("model", ["logistic", "mlp"])
def test_compare_heads_reuses_the_sigmoid_runs_for_any_offset(model):
    # The sigmoid runs do not depend on the offset: kept once, they give, bit for bit, the
    # comparison that trains everything, whatever offset comes next.
    settings = {"model": model, "epochs": 60, "weight_decay": 0.01, "lr": 1.0}
    runs = tn.sigmoid_runs("overlapping", **settings)
    assert (runs.double_lr is None) == (model == "mlp")
    for offset in (0.0, -2.5):
        _assert_same_comparison(
            tn.compare_heads("overlapping", offset=offset, **settings),
            tn.compare_heads("overlapping", offset=offset, sigmoid=runs, **settings),
        )


def test_compare_heads_takes_a_training_run_as_its_sigmoid_run():
    # logits-to-extremes trains the BCE run with frames = 50 and compares the softmax heads with it.
    run = tn.training_run("noisy", model="mlp", epochs=120, frames=50, grid_size=10)
    settings = {"model": "mlp", "epochs": 120, "max_records": 50, "double_lr": False}
    _assert_same_comparison(
        tn.compare_heads("noisy", **settings),
        tn.compare_heads("noisy", sigmoid=tn.SigmoidRuns(run.trajectory, None), **settings),
    )


def test_compare_heads_refuses_sigmoid_runs_of_other_settings():
    with pytest.raises(ValueError, match=r"sigmoid must be the runs of these settings; got epochs=100, expected epochs=500"):
        tn.compare_heads(sigmoid=tn.sigmoid_runs(epochs=100))
    with pytest.raises(ValueError, match=r"got label_smoothing=0\.0, expected label_smoothing=0\.2"):
        tn.compare_heads(epochs=30, label_smoothing=0.2, sigmoid=tn.sigmoid_runs(epochs=30))
    with pytest.raises(ValueError, match=r"sigmoid must record the 168 epochs .* got 11 records"):
        tn.compare_heads(sigmoid=tn.sigmoid_runs(max_records=10))
    with pytest.raises(ValueError, match=r"sigmoid must include the 2·lr run"):
        tn.compare_heads(epochs=30, sigmoid=tn.sigmoid_runs(epochs=30, double_lr=False))
    with pytest.raises(ValueError, match=r"sigmoid must be a SigmoidRuns .* got str"):
        tn.compare_heads(sigmoid="runs")


def test_compare_heads_errors():
    with pytest.raises(ValueError, match=r"kind must be one of"):
        tn.compare_heads("spiral")
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0"):
        tn.compare_heads(lr=0.0)
    with pytest.raises(ValueError, match=r"offset must be finite"):
        tn.compare_heads(offset=float("nan"))
    with pytest.raises(ValueError, match=r"the number of records must be an integer >= 1"):
        tn.compare_heads(max_records=0)


def test_divergent_settings_raise_a_value_error():
    assert tn.decay_factor(30.0, 0.1) == pytest.approx(-2.0)
    with pytest.raises(ValueError, match=r"lr must be small enough for training to stay finite"):
        tn.compare_heads("separable", lr=30.0, weight_decay=0.1, epochs=2000)


# --------------------------------------------------------------------------------------------
# training_run, summarize_run, reference_runs
# --------------------------------------------------------------------------------------------


def test_training_run_records_about_frames_epochs():
    run = tn.training_run(epochs=1000, frames=50, grid_size=10)
    t = run.trajectory
    assert t.epochs.tolist() == list(range(0, 1001, 20))
    assert run.X.shape == (200, 2) and run.y.shape == (200,)
    assert t.surface.shape == (51, 10, 10)
    assert run.bayes_error == 0.0


def test_summary_of_a_separable_bce_run():
    run = tn.training_run("separable", epochs=1000, frames=50, grid_size=0)
    s = tn.summarize_run(run.trajectory, run.y)
    # Recorded every 20 epochs: 740 and 760 are equally near 750; the earlier one is taken.
    assert (s.first_epoch, s.late_epoch, s.last_epoch) == (0, 740, 1000)
    assert s.weight_norm_start == 0.0 and s.weight_norm_end > 5.0
    assert s.still_growing and s.late_growth > 0.03
    assert s.errors_end == 0 and s.accuracy_end == 1.0
    assert s.extreme_start == 0.0 and s.extreme_end > 0.8
    assert s.max_logit_end > 20.0
    assert s.ece == pytest.approx(expected_calibration_error(run.trajectory.probs[-1], run.y))
    assert s.bins.counts.sum() == 200


def test_summary_of_an_overlapping_bce_run_levels_off():
    run = tn.training_run("overlapping", epochs=1000, frames=50, grid_size=0)
    s = tn.summarize_run(run.trajectory, run.y)
    assert not s.still_growing and abs(s.late_growth) < 1e-5, f"growth {s.late_growth:g} over epochs 740-1000"
    assert s.errors_end > 0


def test_summary_detects_a_float64_stall():
    """η = 100 throws every logit past |z| ≈ 37, where σ(z) rounds to 0 or 1: the gradient vanishes."""
    run = tn.training_run("separable", lr=100.0, epochs=50, frames=10, grid_size=0)
    s = tn.summarize_run(run.trajectory, run.y)
    z = run.trajectory.logits[-1]
    expected = np.abs(bce_with_logits_grad(z, run.y.astype(float), reduction="none")).max()
    assert s.max_gradient_end == expected < 1e-12
    assert s.settled and not s.still_growing and s.late_growth == 0.0
    assert s.max_logit_end > 100


def test_summary_gradient_uses_the_runs_own_loss():
    for loss in ("mse", "focal"):
        run = tn.training_run("overlapping", loss=loss, epochs=100, frames=5, grid_size=0)
        s = tn.summarize_run(run.trajectory, run.y)
        assert 0 < s.max_gradient_end < 1, f"{loss}: {s.max_gradient_end}"
    smooth = tn.training_run("separable", epochs=2000, label_smoothing=0.1, frames=5, grid_size=0)
    s = tn.summarize_run(smooth.trajectory, smooth.y)
    assert s.settled and s.max_gradient_end > 0.01, "smoothed BCE: a finite optimum, not a vanishing gradient"


def test_summary_growth_from_zero_is_infinite():
    run = tn.training_run("separable", epochs=10, frames=1, grid_size=0)
    s = tn.summarize_run(run.trajectory, run.y)
    assert run.trajectory.epochs.tolist() == [0, 10]
    assert s.late_epoch == 0 and math.isinf(s.late_growth) and s.still_growing


def test_summary_errors():
    run = tn.training_run(epochs=10, frames=2, grid_size=0)
    with pytest.raises(ValueError, match=r"y must have shape \(200,\), one label per sample; got \(3,\)"):
        tn.summarize_run(run.trajectory, [0, 1, 0])
    with pytest.raises(ValueError, match=r"trajectory must be a Trajectory; got dict"):
        tn.summarize_run({}, run.y)
    with pytest.raises(ValueError, match=r"trajectory must be a Trajectory; got list"):
        tn.max_abs_logit([1.0])


@pytest.fixture(scope="module")
def references():
    return {row.label: row for row in tn.reference_runs(epochs=2000)}


def test_reference_runs_show_what_the_lesson_states(references):
    sep = references["BCE, separable"]
    over = references["BCE, overlapping"]
    mse = references["MSE through σ, separable"]
    ls = references["BCE + label smoothing 0.1, separable"]
    wd = references["BCE + weight decay 0.01, separable"]
    focal = references["focal loss, separable"]
    assert sep.epochs == (200, 1000, 2000)
    assert sep.weight_norm[0] < sep.weight_norm[1] < sep.weight_norm[2], "separable BCE keeps growing"
    assert 1.0 < sep.growth_ratio < 2.0, "10× the epochs, well under 2× the norm (logarithmic growth)"
    assert abs(over.weight_norm[2] / over.weight_norm[1] - 1) < 1e-4, "overlapping BCE levels off"
    assert mse.weight_norm[2] < sep.weight_norm[2] and mse.max_logit[2] < sep.max_logit[2]
    assert mse.weight_norm[2] > mse.weight_norm[1], "squared error still grows, more slowly"
    assert abs(ls.weight_norm[2] / ls.weight_norm[1] - 1) < 1e-9, "label smoothing stops the growth"
    assert abs(wd.weight_norm[2] / wd.weight_norm[1] - 1) < 1e-6, "weight decay stops the growth"
    assert focal.weight_norm[2] < sep.weight_norm[2] and focal.weight_norm[2] > focal.weight_norm[1]
    assert sep.extreme > 0.9 and over.extreme < 0.5


def test_reference_runs_epochs_must_divide_by_ten():
    with pytest.raises(ValueError, match=r"epochs must be a positive multiple of 10; got 25"):
        tn.reference_runs(epochs=25)


# --------------------------------------------------------------------------------------------
# Label smoothing and the small helpers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ls", [0.05, 0.1, 0.3, 0.5, 1.0])
def test_label_smoothing_bound_is_where_the_gradient_vanishes(ls):
    z_star = tn.label_smoothing_bound(ls)
    high, low = tn.smoothed_targets(ls)
    assert (high, low) == (1 - ls / 2, ls / 2)
    assert abs(bce_with_logits_grad([z_star], [high])[0]) < 1e-15
    assert abs(bce_with_logits_grad([-z_star], [low])[0]) < 1e-15


def test_label_smoothing_bound_values():
    assert tn.label_smoothing_bound(0.1) == pytest.approx(math.log(19.0), rel=1e-15)  # 0.95 / 0.05
    assert tn.label_smoothing_bound(1.0) == 0.0
    assert math.isinf(tn.label_smoothing_bound(0.0))
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\]; got 1.5"):
        tn.label_smoothing_bound(1.5)


def test_label_smoothing_keeps_an_mlp_near_the_bound():
    """An MLP can give every sample its own logit: with ls = 0.1 they gather near ±log 19."""
    data = tn.training_run("separable", model="mlp", epochs=10, frames=1, grid_size=0)
    run = train(
        data.X, data.y, TrainConfig(model="mlp", label_smoothing=0.1, epochs=800), record_every=800, grid_size=0
    )
    z_star = tn.label_smoothing_bound(0.1)
    assert tn.fraction_within(run.logits[-1], 1.2 * z_star) == 1.0
    assert np.median(np.abs(run.logits[-1])) == pytest.approx(z_star, rel=0.05)


def test_sigmoid_rounds_to_one_past_log_two_to_the_53():
    """The page's claim: σ(z) == 1.0 in float64 once z > log 2⁵³ ≈ 36.74, so σ(z) − 1 == 0."""
    edge = 53 * math.log(2.0)
    assert round(edge, 2) == 36.74
    point_below = tn.head_point(0.0, edge - 0.05, 1)
    point_above = tn.head_point(0.0, edge + 0.01, 1)
    assert point_below.grad_sigmoid < 0.0 and point_above.grad_sigmoid == 0.0


def test_small_helpers():
    assert tn.fraction_within([-3.0, 1.0, 2.0, 5.0], 2.0) == 0.5
    assert tn.fraction_within([1e300], math.inf) == 1.0
    assert tn.decay_factor(0.5, 0.01) == pytest.approx(0.995)
    run = tn.training_run(epochs=20, frames=2, grid_size=0)
    np.testing.assert_array_equal(tn.max_abs_logit(run.trajectory), np.abs(run.trajectory.logits).max(axis=1))
    with pytest.raises(ValueError, match=r"bound must be a number >= 0"):
        tn.fraction_within([1.0], -1.0)
    with pytest.raises(ValueError, match=r"weight_decay must be >= 0"):
        tn.decay_factor(0.5, -0.1)

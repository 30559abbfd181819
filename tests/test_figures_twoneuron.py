"""Tests for lossviz.figures.twoneuron: trace counts, axis titles, finite and faithful values."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import twoneuron as tn
from lossviz.figures import twoneuron as figs


@pytest.fixture(scope="module")
def plane():
    return tn.logit_plane(12.0, 49)


def finite(values) -> bool:
    arr = np.asarray([v for v in values if v is not None], dtype=float)
    return bool(np.all(np.isfinite(arr)))


def test_plane_figure_shows_the_plane_and_the_point(plane):
    fig = figs.logit_plane_figure(plane.z0, plane.z1, plane.prob, point=(0.5, 2.0), title="t")
    kinds = [trace.type for trace in fig.data]
    assert kinds == ["heatmap", "contour", "scatter", "scatter"], kinds
    heat, contour = fig.data[0], fig.data[1]
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), plane.prob, atol=6e-4)
    assert contour.contours.coloring == "none" and contour.contours.start == 0.1
    assert fig.data[-1].x == (0.5,) and fig.data[-1].y == (2.0,), "the learner's point"
    assert fig.layout.xaxis.title.text.startswith("z0") and fig.layout.yaxis.title.text.startswith("z1")
    assert fig.layout.yaxis.scaleanchor == "x", "a square plane: diagonals at 45°"
    assert finite(np.asarray(heat.z, dtype=float).ravel())


def test_plane_figure_with_a_shift_and_with_samples(plane):
    shifted = figs.logit_plane_figure(plane.z0, plane.z1, plane.prob, point=(0.5, 2.0), shifted=(5.5, 7.0))
    names = [trace.name for trace in shifted.data]
    assert "shift both logits by c" in names and "(z0 + c, z1 + c)" in names
    segment = next(t for t in shifted.data if t.name == "shift both logits by c")
    assert segment.x == (0.5, 5.5) and segment.y == (2.0, 7.0)

    samples = np.array([[-1.0, 3.0], [2.0, -2.0], [0.5, 4.0]])
    fig = figs.logit_plane_figure(plane.z0, plane.z1, plane.prob, samples=samples, sample_labels=[1, 0, 1])
    by_name = {trace.name: trace for trace in fig.data}
    assert list(by_name["class 1 samples"].x) == [-1.0, 0.5]
    assert list(by_name["class 0 samples"].y) == [-2.0]
    assert "rgba(0,114,178,0.35)" in str(fig.data[0].colorscale), "lighter plane under the samples"


def test_gradient_bars(plane):
    point = tn.head_point(0.5, 2.0, 1)
    fig = figs.head_gradients_figure(point.grad_sigmoid, point.grad_softmax, title="g")
    bars = fig.data[0]
    assert bars.type == "bar" and len(bars.x) == 3
    np.testing.assert_allclose(bars.y, [point.grad_sigmoid, *point.grad_softmax], rtol=1e-3)
    assert bars.y[0] == bars.y[2] and bars.y[1] == -bars.y[2]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_gap_figure_draws_zeros_at_the_floor():
    epochs = np.arange(0, 50, 10)
    gaps = {"matched": np.array([0.0, 1e-16, 2e-16, 0.0, 4e-16]), "same lr": np.array([0.0, 0.1, 0.05, 0.02, 0.01])}
    fig = figs.gap_figure(epochs, gaps, title="gap")
    assert [trace.name for trace in fig.data][:2] == ["matched", "same lr"]
    assert fig.data[0].y[0] == figs.GAP_FLOOR and fig.data[0].customdata[0] == 0.0
    assert fig.data[1].y[1] == pytest.approx(0.1)
    assert fig.data[-1].y == (figs.FLOAT64_EPS, figs.FLOAT64_EPS), "machine-epsilon reference line"
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text == "epoch" and fig.layout.yaxis.title.text
    assert all(finite(trace.y) for trace in fig.data)


def test_rounding_keeps_four_significant_digits():
    values = np.array([0.0, 1.234567, -98765.4321, 3.3333333e-17])
    np.testing.assert_allclose(figs._sig(values), [0.0, 1.235, -98770.0, 3.333e-17], rtol=1e-12)

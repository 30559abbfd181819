"""Tests for lossviz.figures.training: the training animation, its curves and the reliability diagram."""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.io as pio
import pytest

from lossviz import twoneuron as tn
from lossviz.figures import training as figs
from lossviz.figures._style import figure_to_html


def animation_for(run, **kwargs):
    t = run.trajectory
    lines = tn.surface_contours(t.grid_x, t.grid_y, t.surface, levels=(0.5, 0.1, 0.9))
    return figs.training_animation_figure(
        run.X,
        run.y,
        t.epochs,
        t.logits,
        t.probs,
        [frame[0] for frame in lines],
        band=[frame[1:] for frame in lines],
        x_range=(t.grid_x[0], t.grid_x[-1]),
        y_range=(t.grid_y[0], t.grid_y[-1]),
        weight_norm=t.weight_norm,
        **kwargs,
    )


@pytest.fixture(scope="module")
def run():
    return tn.training_run("separable", epochs=500, frames=50, grid_size=30)


@pytest.fixture(scope="module")
def animation(run):
    return animation_for(run, title="run")


def test_one_frame_per_recorded_epoch_with_play_and_slider(run, animation):
    epochs = run.trajectory.epochs
    assert len(animation.frames) == epochs.size == 51
    assert [frame.name for frame in animation.frames] == [str(e) for e in epochs]
    play = animation.layout.updatemenus[0].buttons[0]
    assert play.method == "animate" and "Play" in play.label
    assert play.args[1]["frame"]["redraw"] is False, "scatter and bar frames need no full redraw"
    steps = animation.layout.sliders[0].steps
    assert [step.label for step in steps] == [str(e) for e in epochs]
    assert all(step.args[1]["frame"]["redraw"] is False for step in steps)


def test_frames_update_only_the_moving_traces(animation):
    kinds = [trace.type for trace in animation.data]
    assert kinds == ["scatter"] * 4 + ["bar"] * 4 + ["scatter"], kinds
    for frame in animation.frames:
        assert frame.traces == (0, 1, 4, 5, 6, 7, 8)
        assert [trace.type for trace in frame.data] == ["scatter", "scatter", "bar", "bar", "bar", "bar", "scatter"]
        assert frame.layout.xaxis.range is None, "axis ranges are fixed in the figure, not per frame"


def test_histograms_count_every_sample_in_every_frame(run, animation):
    y = run.y
    n0, n1 = int((y == 0).sum()), int((y == 1).sum())
    for frame in animation.frames:
        logit0, prob0, logit1, prob1 = (np.asarray(t.y) for t in frame.data[2:6])
        assert (logit0.sum(), logit1.sum()) == (n0, n1), "every logit inside the fixed range"
        assert (prob0.sum(), prob1.sum()) == (n0, n1)


def test_final_frame_piles_probabilities_at_the_ends(run, animation):
    last = animation.frames[-1].data
    prob_counts = np.asarray(last[3].y) + np.asarray(last[5].y)
    ends = prob_counts[0] + prob_counts[-1]
    assert ends / prob_counts.sum() > 0.8, "separable BCE: most probabilities in the first and last bins"


def test_axes_are_titled_and_fixed(run, animation):
    layout = animation.layout
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3"):
        assert layout[axis].title.text, f"{axis} has no title"
        assert layout[axis].range is not None, f"{axis} range must be fixed across frames"
    half = figs.logit_range(run.trajectory.logits)
    assert tuple(layout.xaxis2.range) == (-half, half)
    assert half >= np.abs(run.trajectory.logits).max()


def test_boundary_line_of_the_last_frame_is_the_model_boundary(run, animation):
    params = run.trajectory.final_params
    w, b = params.head_weight[:, 0], params.head_bias[0]
    xs = np.array([v if v is not None else np.nan for v in animation.frames[-1].data[0].x], dtype=float)
    ys = np.array([v if v is not None else np.nan for v in animation.frames[-1].data[0].y], dtype=float)
    ok = ~np.isnan(xs)
    assert ok.sum() > 10
    assert np.abs(w[0] * xs[ok] + w[1] * ys[ok] + b).max() < 0.1


def test_stats_text_follows_the_frames(run, animation):
    last = animation.frames[-1].data[-1].text[0]
    t = run.trajectory
    assert f"epoch {t.epochs[-1]}" in last
    assert f"max |z| = {np.abs(t.logits[-1]).max():.3g}" in last and f"‖W‖ = {t.weight_norm[-1]:.3g}" in last


def test_animation_json_is_small_and_has_no_binary_arrays(animation):
    text = pio.to_json(animation, validate=False)
    assert len(text) < 1_500_000, f"animation JSON is {len(text) / 1e6:.2f} MB"
    assert '"bdata"' not in text, "Streamlit's plotly.js decodes binary arrays in data but not in frames"
    json.loads(text)  # NaN line breaks must have become null, not the non-JSON NaN


def test_largest_setting_stays_under_the_size_budget():
    big = tn.training_run("noisy", model="mlp", epochs=2000, frames=50, grid_size=50)
    text = pio.to_json(animation_for(big), validate=False)
    assert len(text) < 1_500_000, f"2000-epoch MLP animation JSON is {len(text) / 1e6:.2f} MB"


def test_label_smoothing_bound_is_marked(run):
    fig = animation_for(run, bound=2.944)
    xs = sorted(shape.x0 for shape in fig.layout.shapes)
    assert xs == [-2.944, 2.944]
    assert not animation_for(run, bound=math.inf).layout.shapes, "no line for an infinite bound"


def test_export_plays_offline(animation):
    html = figure_to_html(animation)
    assert "Plotly.addFrames" in html or '"frames"' in html
    assert '"redraw":false' in html


def test_logit_range_is_round_and_covers():
    assert figs.logit_range(np.array([0.3, -0.2])) == 1.0
    assert figs.logit_range(np.array([23.6, -5.0])) == 25.0
    assert figs.logit_range(np.array([-180.0])) == 200.0
    assert figs.logit_range(np.array([9.9])) == 10.0


def test_training_curves(run):
    t = run.trajectory
    fig = figs.training_curves_figure(t.epochs, t.loss, t.weight_norm, tn.max_abs_logit(t), bound=2.9, title="c")
    assert [trace.yaxis for trace in fig.data] == ["y", "y2", "y3", "y3"]
    assert fig.layout.yaxis.type == "log"
    for axis in ("xaxis", "yaxis", "yaxis2", "yaxis3"):
        assert fig.layout[axis].title.text, f"{axis} has no title"
    assert fig.data[-1].y == (2.9, 2.9)
    assert all(np.all(np.isfinite(np.asarray(trace.y, dtype=float))) for trace in fig.data)
    no_bound = figs.training_curves_figure(t.epochs, t.loss, t.weight_norm, tn.max_abs_logit(t), bound=math.inf)
    assert len(no_bound.data) == 3


def test_reliability_diagram_skips_empty_bins(run):
    summary = tn.summarize_run(run.trajectory, run.y)
    bins = summary.bins
    fig = figs.reliability_figure(
        bins.edges, bins.counts, bins.mean_confidence, bins.observed_frequency, ece=summary.ece, title="r"
    )
    model = fig.data[1]
    assert len(model.x) == int((bins.counts > 0).sum())
    assert f"{summary.ece:.3g}" in model.name
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert np.all(np.isfinite(np.asarray(model.x, dtype=float)))

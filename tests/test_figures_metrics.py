"""Tests for lossviz.figures.metrics: trace counts, titles on every axis, finite values, the
inspected epoch and the k worst samples marked, compact figures."""

from __future__ import annotations

import numpy as np
import plotly.io as pio
import pytest

from lossviz import overfitting as ovf
from lossviz.figures import _style
from lossviz.figures.metrics import (
    per_sample_loss_figure,
    probability_histogram_figure,
    threshold_figure,
    training_curves_figure,
)
from lossviz.metrics import precision_recall_f1_curve


@pytest.fixture(scope="module")
def run():
    return ovf.run_scenario("confident-mistakes")


def axis_titles(fig):
    layout = fig.layout
    names = [name for name in layout.to_plotly_json() if name.startswith(("xaxis", "yaxis"))]
    return {name: layout[name].title.text for name in names}


def check_common(fig):
    titles = axis_titles(fig)
    assert titles and all(titles.values()), titles
    for trace in fig.data:
        assert np.all(np.isfinite(np.asarray(trace.y, dtype=float)))
    assert len(pio.to_json(fig)) < 200_000


def test_training_curves_figure(run):
    verdict = ovf.curve_verdict(run)
    fig = training_curves_figure(run, verdict, epoch=250)
    assert [t.name for t in fig.data] == ["training loss", "validation loss", "validation accuracy", "validation F1"]
    assert [t.yaxis for t in fig.data] == ["y", "y", "y2", "y2"]
    assert [s.x0 for s in fig.layout.shapes] == [verdict.best_epoch, 250]
    assert len(fig.data[0].x) == run.epochs.size
    check_common(fig)


@pytest.mark.parametrize("epoch", [0, 20, 500])
def test_per_sample_loss_figure(run, epoch):
    view = ovf.epoch_view(run, epoch, k=5)
    fig = per_sample_loss_figure(view, run.annotation_error)
    assert sum(len(t.x) for t in fig.data) == run.y_val.size, "one bar per validation sample"
    ranks = np.concatenate([np.asarray(t.x) for t in fig.data])
    heights = np.concatenate([np.asarray(t.y, dtype=float) for t in fig.data])
    assert np.all(np.diff(heights[np.argsort(ranks)]) <= 0), "sorted from the largest"
    assert fig.layout.shapes[0].x1 == pytest.approx(5.5), "the 5 worst are shaded"
    assert f"{view.top_k_share:.0%}" in fig.layout.annotations[0].text
    check_common(fig)


def test_per_sample_loss_figure_marks_annotation_errors(run):
    fig = per_sample_loss_figure(ovf.epoch_view(run, 500), run.annotation_error)
    hatched = sum(len(t.x) for t in fig.data if t.marker.pattern.shape == "/")
    assert hatched == int(run.annotation_error.sum())


def test_probability_histogram_figure(run):
    hist = ovf.probability_histogram(run.val_probs[-1], run.y_val)
    fig = probability_histogram_figure(hist, threshold=0.3, epoch=500)
    assert len(fig.data) == 2 and [t.yaxis for t in fig.data] == ["y", "y2"]
    assert sum(np.sum(t.y) for t in fig.data) == run.y_val.size
    assert fig.layout.shapes[0].x0 == 0.3
    check_common(fig)


@pytest.mark.parametrize("threshold", [0.0, 0.5, 1.0])
def test_threshold_figure(run, threshold):
    sweep = precision_recall_f1_curve(run.y_val, run.val_probs[-1])
    fig = threshold_figure(sweep, threshold=threshold, epoch=500)
    assert [t.name for t in fig.data] == ["precision", "recall", "F1", "accuracy"]
    assert fig.layout.shapes[0].x0 == threshold
    check_common(fig)


def test_fast_styling_equals_style_figure(run, monkeypatch):
    """The builders' cached house layout gives exactly what style_figure would."""
    import plotly.graph_objects as go

    import lossviz.figures.metrics as module
    from lossviz.figures import style_figure

    calls = []
    original = module._styled

    def recording(data, layout, **kwargs):
        calls.append((data, layout, kwargs))
        return original(data, layout, **kwargs)

    monkeypatch.setattr(module, "_styled", recording)
    view = ovf.epoch_view(run, 20)
    training_curves_figure(run, ovf.curve_verdict(run), epoch=20)
    per_sample_loss_figure(view, run.annotation_error)
    probability_histogram_figure(ovf.probability_histogram(view.probs, run.y_val), threshold=0.9, epoch=20)
    threshold_figure(precision_recall_f1_curve(run.y_val, view.probs), threshold=0.9, epoch=20)
    assert len(calls) == 4
    for data, layout, kwargs in calls:
        fast = original(data, layout, **kwargs)
        slow = style_figure(go.Figure({"data": data, "layout": layout}), **kwargs)
        # The one deliberate difference: the legend under the plot, with room for it.
        slow.update_layout(legend=_style._LEGEND_BELOW, margin={"b": _style._LEGEND_MARGIN})
        assert fast.layout.to_plotly_json() == slow.layout.to_plotly_json()

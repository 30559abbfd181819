"""Tests for lossviz.figures.stability: trace and marker counts, titles on every axis, drawable
values only (inf/NaN/0-on-log become gaps), a marker per break, and a small figure."""

from __future__ import annotations

import numpy as np
import plotly.io as pio
import pytest

from lossviz import stability as stab
from lossviz.figures import _style
from lossviz.figures.stability import breakdown_figure, clipping_figure


def axis_titles(fig):
    layout = fig.layout
    names = [name for name in layout.to_plotly_json() if name.startswith(("xaxis", "yaxis"))]
    return {name: layout[name].title.text for name in names}


def finite_or_gap(values):
    array = np.asarray(values, dtype=float)
    return np.all(np.isfinite(array) | np.isnan(array))


@pytest.mark.parametrize("log_y", [True, False])
@pytest.mark.parametrize("name", ["sigmoid-log", "bce-formula", "softmax-log", "shifted-softmax-log"])
def test_breakdown_figure(name, log_y):
    curves = stab.loss_curves(name, 1, z_max=1000.0, dtype="float32")
    fig = breakdown_figure(curves, log_y=log_y)
    assert len(fig.data) == 3, "stable, naive, break markers"
    assert [t.name for t in fig.data[:2]] == [
        f"{stab.FORMULAS[curves.counterpart].label} (stable)", f"{stab.FORMULAS[name].label} (naive)"]
    assert len(fig.data[2].x) == len(curves.breaks) and len(fig.layout.shapes) == len(curves.breaks)
    titles = axis_titles(fig)
    assert titles and all(titles.values()), titles
    assert fig.layout.yaxis.type == ("log" if log_y else "linear")
    for trace in fig.data:
        assert finite_or_gap(trace.y) and not np.any(np.isinf(np.asarray(trace.y, dtype=float)))
    naive_y = np.asarray(fig.data[1].y, dtype=float)
    assert np.isnan(naive_y).any(), "the broken stretch is a gap"
    if log_y:
        assert np.all(naive_y[~np.isnan(naive_y)] > 0), "no zeros on a log axis"
    assert len(pio.to_json(fig)) < 300_000


def test_breakdown_figure_without_breaks():
    curves = stab.loss_curves("sigmoid-log", 0, z_max=10.0)
    fig = breakdown_figure(curves, log_y=True)
    assert len(fig.data) == 2 and not fig.layout.shapes
    np.testing.assert_allclose(np.asarray(fig.data[0].y, dtype=float), np.asarray(fig.data[1].y, dtype=float),
                               rtol=1e-9)  # the naive 1 − σ loses ~5 digits at |z| = 10


@pytest.mark.parametrize("y", [0, 1])
def test_clipping_figure(y):
    curves = stab.clipping_curves(y, eps=1e-7, z_max=50.0)
    fig = clipping_figure(curves, stab.clipping_at(-30.0, y))
    assert len(fig.data) == 6, "two losses, two gradients, the marker on each panel"
    titles = axis_titles(fig)
    assert set(titles) == {"xaxis", "yaxis", "xaxis2", "yaxis2"} and all(titles.values()), titles
    for trace in fig.data:
        assert np.all(np.isfinite(np.asarray(trace.y, dtype=float)))
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(bands) == 4, "two clip bands on each of the two panels"
    assert any(s.type == "line" and s.y0 == pytest.approx(curves.cap) for s in fig.layout.shapes)
    assert len(pio.to_json(fig)) < 300_000


def test_fast_styling_equals_style_figure(monkeypatch):
    """The builders' cached house layout gives exactly what style_figure would."""
    import plotly.graph_objects as go

    import lossviz.figures.stability as module
    from lossviz.figures import style_figure

    calls = []
    original = module._styled

    def recording(data, layout, **kwargs):
        calls.append((data, layout, kwargs))
        return original(data, layout, **kwargs)

    monkeypatch.setattr(module, "_styled", recording)
    for log_y in (True, False):
        breakdown_figure(stab.loss_curves("softmax-log", 1, z_max=1000.0), log_y=log_y)
    clipping_figure(stab.clipping_curves(0, eps=1e-3), stab.clipping_at(5.0, 0, eps=1e-3))
    assert len(calls) == 3
    for data, layout, kwargs in calls:
        fast = original(data, layout, **kwargs)
        slow = style_figure(go.Figure({"data": data, "layout": layout}), **kwargs)
        # The one deliberate difference: the legend under the plot, with room for it.
        slow.update_layout(legend=_style._LEGEND_BELOW, margin={"b": _style._LEGEND_MARGIN})
        assert fast.layout.to_plotly_json() == slow.layout.to_plotly_json()

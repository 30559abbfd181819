"""Tests for lossviz.figures.curves: trace counts, axis titles, finite data, the house style, size."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from lossviz import curves as cv
from lossviz.figures import curves as figs
from lossviz.figures._style import COLORS, FONT_SIZE, style_figure

CASES = [(y, v) for y in (0, 1) for v in ("p", "z")]


def marker(y, variable):
    return cv.marker_readout(0.02 if variable == "p" else -3.9, y, variable=variable)


def finite_traces(fig):
    for trace in fig.data:
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None:
                assert np.all(np.isfinite(np.asarray(values, dtype=float))), f"{trace.name}: {axis} not finite"


def axis_titles(fig):
    return fig.layout.xaxis.title.text, fig.layout.yaxis.title.text


@pytest.mark.parametrize("y, variable", CASES)
def test_loss_figure(y, variable):
    fig = figs.loss_figure(cv.lesson_curves(y, variable=variable), marker(y, variable))
    assert [t.name for t in fig.data] == ["cross-entropy", "squared error", "your marker"]
    assert all(axis_titles(fig)), "both axes need titles"
    assert fig.layout.xaxis.title.text == cv.VARIABLES[variable]
    assert fig.data[0].line.color == COLORS["ce"] and fig.data[1].line.color == COLORS["mse"]
    finite_traces(fig)
    r = marker(y, variable)
    assert list(fig.data[2].y) == [r.ce, r.mse], "the marker points sit at the readout's values"
    assert all("%{" in t.hovertemplate for t in fig.data), "hover shows values"


@pytest.mark.parametrize("y, variable", CASES)
def test_gradient_figure(y, variable):
    r = marker(y, variable)
    fig = figs.gradient_figure(cv.lesson_curves(y, variable=variable), r)
    assert len(fig.data) == 3 and all(axis_titles(fig))
    assert fig.layout.yaxis.title.text == f"∂loss/∂{variable}"
    finite_traces(fig)
    expected = [r.ce_grad_p, r.mse_grad_p] if variable == "p" else [r.ce_grad_z, r.mse_grad_z]
    assert list(fig.data[2].y) == expected


def test_gradient_figure_notes_an_off_chart_marker():
    """At p = 0.02, y = 1, ∂CE/∂p = −50 lies below the cut at −8: an annotation gives its value."""
    fig = figs.gradient_figure(cv.lesson_curves(1, variable="p"), cv.marker_readout(0.02, 1))
    assert tuple(fig.layout.yaxis.range) == (-8.0, 1.0)
    (note,) = fig.layout.annotations
    assert "-50" in note.text and "off the chart" in note.text
    inside = figs.gradient_figure(cv.lesson_curves(1, variable="p"), cv.marker_readout(0.5, 1))
    assert not inside.layout.annotations, "no note when the marker is on the chart"


@pytest.mark.parametrize("y", [0, 1])
def test_seed_check_figure(y):
    facts = cv.seed_facts(y)
    fig = figs.seed_check_figure(cv.lesson_curves(y, variable="p"), facts)
    assert len(fig.data) == 4 and fig.layout.yaxis.type == "log"
    assert all(axis_titles(fig))
    finite_traces(fig)
    (point,) = fig.data[3].x
    assert point == pytest.approx(facts.threshold) and fig.data[3].y[0] == cv.SEED_LEVEL
    vertical = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert vertical and vertical[0].x0 == pytest.approx(facts.threshold)


def test_seed_check_figure_rejects_mismatched_curves():
    with pytest.raises(ValueError, match="curves must be over p for label y = 1"):
        figs.seed_check_figure(cv.lesson_curves(1, variable="z"), cv.seed_facts(1))


def test_house_layout_is_style_figure_layout():
    """The memoized layout must be exactly what style_figure produces (template aside)."""
    mine = figs.house_layout(title="T", x_title="X", y_title="Y", height=430)
    reference = style_figure(go.Figure(), title="T", x_title="X", y_title="Y", height=430).layout.to_plotly_json()
    reference.pop("template")
    assert mine == reference
    assert mine["font"]["size"] == FONT_SIZE
    merged = figs.house_layout(title=None, x_title="X", y_title="Y", yaxis={"type": "log"})
    assert merged["yaxis"]["type"] == "log" and merged["yaxis"]["title"]["text"] == "Y", "nested keys merge"
    assert not merged.get("title"), "no title text when title=None"


def test_figures_leave_backgrounds_to_the_theme_and_stay_small():
    r = cv.marker_readout(0.02, 1)
    built = [
        figs.loss_figure(cv.lesson_curves(1, variable="p"), r),
        figs.gradient_figure(cv.lesson_curves(1, variable="p"), r),
        figs.seed_check_figure(cv.lesson_curves(1, variable="p"), cv.seed_facts(1)),
    ]
    total = 0
    for fig in built:
        layout = fig.layout.to_plotly_json()
        assert "paper_bgcolor" not in layout and "plot_bgcolor" not in layout
        total += len(pio.to_json(fig, validate=False))
    assert total < 400_000, f"the page's curve figures weigh {total} bytes"
    assert json.loads(pio.to_json(built[0], validate=False))["data"][0]["x"]["dtype"] == "f4"

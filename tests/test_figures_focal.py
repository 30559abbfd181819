"""Tests for lossviz.figures.focal: trace counts, axis titles, finite values, valid Plotly, size."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from lossviz import focal as fc
from lossviz.figures import FONT_SIZE, figure_to_csv, figure_to_html
from lossviz.figures import focal as figs

GRID = fc.p_t_grid(101)


def assert_well_formed(
    fig: go.Figure, n_traces: int, *, max_json: int = 300_000
) -> None:
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == n_traces, f"expected {n_traces} traces, got {len(fig.data)}"
    go.Figure(
        fig.to_plotly_json()
    )  # rebuilt with Plotly's validation on: raises on an invalid property
    layout = fig.to_plotly_json()["layout"]
    axes = [name for name in layout if name.startswith(("xaxis", "yaxis"))]
    assert {"xaxis", "yaxis"} <= set(axes)
    for name in axes:
        title = (layout[name].get("title") or {}).get("text")
        assert title, f"axis {name} has no title"
        assert layout[name]["title"]["font"]["size"] >= FONT_SIZE, (
            f"axis {name} title is too small to project"
        )
    assert layout["font"]["size"] >= FONT_SIZE
    assert "paper_bgcolor" not in layout and "plot_bgcolor" not in layout, (
        "the dark theme must apply"
    )
    for trace in fig.data:
        for field in ("x", "y", "z"):
            values = getattr(trace, field, None)
            if values is None:
                continue
            flat = np.array(
                [
                    v
                    for v in np.asarray(values, dtype=object).ravel()
                    if isinstance(v, (int, float, np.number))
                ],
                dtype=float,
            )
            assert not np.isinf(flat).any(), f"{trace.name}: infinite {field} values"
        for attr in ("name", "hovertemplate"):
            assert "$" not in str(getattr(trace, attr, "") or ""), (
                "no LaTeX inside Plotly (no MathJax in charts)"
            )
        if getattr(trace, "showlegend", None) is not False and trace.type != "contour":
            assert trace.name, "every legend entry needs a name"
    assert len(fig.to_json()) < max_json, "figure JSON too large for a classroom"


@pytest.mark.parametrize("gamma", [0.0, 2.0, 0.7, 5.0])
@pytest.mark.parametrize(
    "alpha, label", [(0.25, 1), (0.25, 0), (-1.0, 1), (0.0, 1), (1.0, 0)]
)
def test_curve_figures(gamma, alpha, label):
    gammas = (
        fc.DEFAULT_GAMMAS if gamma in fc.DEFAULT_GAMMAS else (*fc.DEFAULT_GAMMAS, gamma)
    )
    curves = fc.focal_curves(GRID, gammas, alpha=alpha, label=label)
    point = fc.focal_point(0.6, alpha=alpha, gamma=gamma, label=label)
    # one curve per distinct γ (the learner's among them), the marker, and a cross-entropy reference
    # for the loss and the gradient.
    n = len(set(gammas))
    assert_well_formed(
        figs.focal_loss_figure(curves, gamma=gamma, point=point, title="t"), n + 1 + 1
    )
    assert_well_formed(figs.modulating_figure(curves, gamma=gamma, point=point), n + 1)
    assert_well_formed(
        figs.focal_gradient_figure(curves, gamma=gamma, point=point), n + 1 + 1
    )


def test_the_learners_gamma_is_highlighted_once():
    curves = fc.focal_curves(GRID, (*fc.DEFAULT_GAMMAS, 1.5), alpha=0.25)
    fig = figs.focal_loss_figure(curves, gamma=1.5)
    names = [trace.name for trace in fig.data]
    assert names.count("γ = 1.5 (yours)") == 1
    assert "γ = 2" in names and "γ = 2 (yours)" not in names
    yours = next(trace for trace in fig.data if trace.name == "γ = 1.5 (yours)")
    assert yours.line.width > max(
        t.line.width
        for t in fig.data
        if t.name not in ("γ = 1.5 (yours)",) and t.line.width
    )
    with pytest.raises(ValueError, match="gamma must be one of the curves' gammas"):
        figs.focal_loss_figure(curves, gamma=3.0)


def test_marker_sits_on_the_curve():
    curves = fc.focal_curves(GRID, fc.DEFAULT_GAMMAS, alpha=0.25)
    point = fc.focal_point(0.6, alpha=0.25, gamma=2.0)
    fig = figs.focal_gradient_figure(curves, gamma=2.0, point=point)
    marker = fig.data[-1]
    assert marker.x[0] == 0.6 and marker.y[0] == pytest.approx(
        abs(point.focal_grad), rel=1e-3
    )


@pytest.fixture(scope="module")
def runs():
    ce = fc.train_imbalanced("bce", seed=0, epochs=60, grid_size=30)
    focal = fc.train_imbalanced("focal", seed=0, epochs=60, grid_size=30)
    plain = fc.train_imbalanced("focal", alpha=-1.0, seed=0, epochs=60, grid_size=30)
    return [("cross-entropy", ce), ("focal", focal), ("focal, no α", plain)]


def test_training_figures(runs):
    # 2 data traces + (contour + legend line) per run
    bounds = figs.boundaries_figure(runs, title="t")
    assert_well_formed(bounds, 2 + 2 * 3)
    assert bounds.layout.yaxis.scaleanchor == "x", (
        "equal axes: the data's geometry is not distorted"
    )
    assert_well_formed(figs.easy_share_figure(runs[:2]), 4)
    metrics = figs.minority_metrics_figure(runs)
    assert_well_formed(metrics, 3)
    assert list(metrics.data[0].x) == ["precision", "recall", "F1"]


def test_undefined_precision_is_labelled(runs):
    degenerate = fc.train_imbalanced("focal", alpha=0.0, seed=0, grid_size=0)
    fig = figs.minority_metrics_figure(
        [("cross-entropy", runs[0][1]), ("α = 0", degenerate)]
    )
    assert fig.data[1].y[0] is None and fig.data[1].text[0] == "undefined"
    assert_well_formed(
        figs.boundaries_figure([("α = 0", degenerate)]), 2, max_json=100_000
    )


def test_replication_figure():
    m = np.geomspace(1, 1e5, 21)
    fig = figs.replication_figure(
        m, m / (m + 9), m / (m + 900), current=(1000.0, 0.99, 0.53)
    )
    assert_well_formed(fig, 4)
    assert fig.layout.xaxis.type == "log"
    assert fig.data[1].y[0] == pytest.approx(99.0) and fig.data[3].y[
        0
    ] == pytest.approx(53.0)
    assert_well_formed(
        figs.replication_figure(
            m, m / (m + 9), np.full(m.shape, np.nan), current=(10.0, 0.5, np.nan)
        ),
        3,
    )


def test_exports_work(runs):
    fig = figs.boundaries_figure(runs)
    csv_text = figure_to_csv(fig)
    assert (
        csv_text.startswith("frame,trace,x,y,z")
        and "boundary" not in csv_text.splitlines()[1]
    )
    assert len(csv_text.splitlines()) > 400
    assert "<html>" in figure_to_html(fig)[:500].lower()

"""Tests for lossviz.figures.multiclass: trace counts, axis titles, finite values, house style, size."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from lossviz import multiclass as mc
from lossviz.figures import FONT_SIZE, figure_to_csv, style_figure
from lossviz.figures import multiclass as figs

Z = (1.5, 2.0, 0.5, -1.0)
Y_MULTI = (1.0, 0.0, 1.0, 0.0, 0.0)
Z5 = (2.0, -1.0, 1.5, -0.5, 0.0)


def axis_names(fig: go.Figure) -> list[str]:
    layout = fig.to_plotly_json()["layout"]
    return sorted(name for name in layout if name.startswith(("xaxis", "yaxis")))


def assert_well_formed(fig: go.Figure, n_traces: int, *, max_json: int = 300_000) -> None:
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == n_traces, f"expected {n_traces} traces, got {len(fig.data)}"
    layout = fig.to_plotly_json()["layout"]
    for name in axis_names(fig):
        title = (layout[name].get("title") or {}).get("text")
        assert title, f"axis {name} has no title"
        assert layout[name]["title"]["font"]["size"] >= FONT_SIZE, f"axis {name} title is too small to project"
    assert fig.layout.font.size >= FONT_SIZE
    assert fig.layout.paper_bgcolor is None and fig.layout.plot_bgcolor is None, "dark theme must apply"
    for trace in fig.data:
        for field in ("x", "y", "z"):
            values = getattr(trace, field, None)
            if values is None:
                continue
            flat = np.asarray(values, dtype=object).ravel()
            numbers = np.array([v for v in flat if isinstance(v, (int, float, np.number))], dtype=float)
            finite_or_gap = np.isfinite(numbers) | np.isnan(numbers)
            assert finite_or_gap.all(), f"{trace.name}: infinite {field} values"
        assert not any("$" in str(getattr(trace, attr, "") or "") for attr in ("name", "hovertemplate")), (
            "no LaTeX inside Plotly (no MathJax in charts)"
        )
    assert len(fig.to_json()) < max_json, "figure JSON too large for a classroom"


def test_house_layout_matches_style_figure():
    """The fast path must give the same layout as style_figure for the keys style_figure sets."""
    fig = figs.probability_bars_figure([0.2, 0.8], 1, title="T")
    reference = style_figure(go.Figure(), title="T", x_title="class j", y_title="softmax probability s_j", legend=False)
    ref = reference.to_plotly_json()["layout"]
    got = fig.to_plotly_json()["layout"]
    for key in ("font", "height", "margin", "colorway", "showlegend", "hoverlabel", "title"):
        assert got[key] == ref[key], key
    assert got["xaxis"]["title"] == ref["xaxis"]["title"] and got["xaxis"]["tickfont"] == ref["xaxis"]["tickfont"]


@pytest.mark.parametrize("z", [Z, (0.0, 0.0), tuple([-20.0] + [20.0] * 9)])
def test_probability_and_gradient_bars(z):
    b = mc.softmax_ce_breakdown(z, 0)
    fig = figs.probability_bars_figure(b.probabilities, 0, title="p")
    assert_well_formed(fig, 1)
    assert list(fig.data[0].x) == [f"class {j}" for j in range(len(z))]
    colors = fig.data[0].marker.color
    assert colors[0] != colors[1], "the true class has its own colour"
    fig = figs.gradient_bars_figure(b.gradient, 0, title="g")
    assert_well_formed(fig, 1)
    np.testing.assert_allclose(fig.data[0].y, b.gradient, rtol=1e-3, atol=1e-20)
    assert fig.data[0].customdata[0] == "raised" or b.gradient[0] == 0
    fig = figs.gradient_bars_figure(b.gradient, 0, keras_gradient=b.keras_gradient, title="g")
    assert_well_formed(fig, 2)
    assert fig.layout.showlegend


def test_seed_001_figure():
    a = mc.probability_vector_losses([0.7, 0.1, 0.1, 0.1])
    b = mc.probability_vector_losses([0.73, 0.26, 0.05, 0.05])
    fig = figs.seed_001_figure(["vector A", "vector B"], [a, b], title="t")
    assert_well_formed(fig, 3)
    summed = next(t for t in fig.data if "summed BCE" in t.name)
    assert [round(v, 2) for v in summed.y] == [0.67, 0.72]
    assert fig.layout.margin.t > 70, "the stacked legend gets room above the plot"


@pytest.mark.parametrize("eps", [1e-12, 1e-7, 0.1])
@pytest.mark.parametrize("current", [None, 0.32, 4.7e-19, 1e-30])
def test_clip_figure(eps, current):
    c = mc.keras_clip_curves(mc.clip_curve_grid(eps), eps=eps)
    fig = figs.clip_figure(c, current_p=current, title="clip")
    assert_well_formed(fig, 6)
    assert axis_names(fig) == ["xaxis", "yaxis", "yaxis2", "yaxis3"]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis2.type == "log"
    keras_dp = fig.data[3]
    assert np.isnan(np.asarray(keras_dp.y, dtype=float)).any(), "the clipped gradient leaves a gap (0 on a log axis)"
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == (0 if current is None else 1)
    if current is not None:
        assert lines[0].x0 >= c.p[0], "a p below the grid is drawn at the axis edge"


def test_heads_figures_with_and_without_softmax():
    sig = mc.sigmoid_head(Z5, Y_MULTI)
    soft = mc.softmax_head(Z5, Y_MULTI)
    fig = figs.heads_probability_figure(Y_MULTI, sig.probabilities, soft.probabilities, title="p")
    assert_well_formed(fig, 3)
    assert list(fig.data[2].y) == list(Y_MULTI), "target markers"
    assert_well_formed(figs.heads_probability_figure(Y_MULTI, sig.probabilities, None, title="p"), 2)
    fig = figs.heads_gradient_figure(sig.gradient, soft.gradient, title="g")
    assert_well_formed(fig, 2)
    assert_well_formed(figs.heads_gradient_figure(sig.gradient, None, title="g"), 1)


@pytest.mark.parametrize("with_softmax", [True, False])
def test_heads_training_figure(with_softmax):
    y = np.array(Y_MULTI)
    sig = mc.train_logits(Z5, y, head="sigmoid", steps=1000)
    soft = mc.train_logits(Z5, y, head="softmax", steps=1000) if with_softmax else None
    fig = figs.heads_training_figure(y, sig, soft, learning_rate=1.0, title="t")
    assert_well_formed(fig, 10 if with_softmax else 5, max_json=500_000)
    assert sum(bool(t.showlegend) for t in fig.data) == 2, "one legend entry per group (positive, negative)"
    assert ("yaxis2" in axis_names(fig)) == with_softmax
    if with_softmax:
        assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].y0 == pytest.approx(0.5), "1/M line"
    # 1,001 recorded steps are drawn at TRAINING_POINTS of them, the first and last included.
    paths = [sig, soft] if with_softmax else [sig]
    for trace_index, trace in enumerate(fig.data):
        path, j = paths[trace_index // 5], trace_index % 5
        x = np.asarray(trace.x)
        assert x.size <= figs.TRAINING_POINTS and x[0] == 0 and x[-1] == 1000
        np.testing.assert_allclose(np.asarray(trace.y, dtype=float), path[x, j], rtol=1e-6, atol=1e-7)
    short = figs.heads_training_figure(y, sig[:51], None, learning_rate=1.0, title="t")
    assert np.asarray(short.data[0].x).tolist() == list(range(51)), "a short path is drawn whole"


@pytest.mark.parametrize(("n_classes", "model"), [(2, "constant"), (26, "all_zeros"), (100, "decent"), (26, "random")])
def test_trap_figures(n_classes, model):
    data = mc.keras_trap_data(n_classes, model, n_samples=200)
    fig = figs.trap_grid_figure(data.y[:8], data.p[:8], title="grid")
    assert_well_formed(fig, 5)
    z = np.array(fig.data[0].z)
    assert z.shape == (8, n_classes) and set(np.unique(z)) <= {0, 1, 2, 3}
    if model == "all_zeros":
        assert (z == 0).sum() == 8 * (n_classes - 1) and (z == 1).sum() == 8, "correct zeros and missed ones"
    binary, categorical = mc.accuracy_trap_sweep(model, [2, 10, n_classes], n_samples=200)
    fig = figs.trap_sweep_figure(
        [2, 10, n_classes], binary, categorical, chosen=(n_classes, binary[-1], categorical[-1]), title="sweep"
    )
    assert_well_formed(fig, 5)
    assert fig.layout.yaxis.tickformat == ".0%"


def test_csv_export_of_a_figure_holds_its_numbers():
    b = mc.softmax_ce_breakdown(Z, 0)
    csv_text = figure_to_csv(figs.gradient_bars_figure(b.gradient, 0, title="g"))
    assert "class 0" in csv_text and f"{b.gradient[1]:.4g}" in csv_text

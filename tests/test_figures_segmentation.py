"""Tests for lossviz.figures.segmentation: trace counts, axis titles, finite values, valid Plotly, size."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from lossviz import segmentation as sg
from lossviz.figures import FONT_SIZE, figure_to_csv
from lossviz.figures import segmentation as figs


def assert_well_formed(
    fig: go.Figure, n_traces: int, *, max_json: int = 400_000
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
    assert len(fig.to_json()) < max_json, "figure JSON too large for a classroom"


@pytest.fixture(scope="module")
def example():
    return sg.make_example(4, seed=0)


@pytest.mark.parametrize("n_classes", [3, 4, 5])
@pytest.mark.parametrize("border", [0, 3, 16])
def test_masks_figure(n_classes, border):
    ex = sg.make_example(n_classes, seed=1)
    target = sg.ignore_border(ex.mask, border)
    r = sg.pixel_losses(ex.logits, target)
    fig = figs.masks_figure(
        [("truth", ex.mask), ("prediction", r.predicted)],
        ex.names,
        valid=r.valid,
        title="t",
    )
    hatched = border > 0
    # per panel a heatmap (+ a hatch trace when pixels are ignored), then one legend square per class
    # (+ one for "ignored")
    assert_well_formed(fig, 2 * (1 + hatched) + n_classes + hatched)
    heat = fig.data[0]
    z = np.array(heat.z)
    assert z.shape == (32, 32) and heat.zmin == -1.5 and heat.zmax == n_classes - 0.5
    assert np.array_equal(z == -1, ~r.valid), (
        "ignored pixels: their own grey category, −1"
    )
    assert np.array_equal(z[r.valid], ex.mask[r.valid]), (
        "other pixels show their class index"
    )
    assert fig.layout.yaxis.autorange == "reversed", "row 0 at the top, like an image"
    assert fig.layout.yaxis2.scaleanchor == "x2", "square pixels in every panel"
    legend = [
        t.name
        for t in fig.data
        if t.type == "scatter" and len(t.x) == 1 and t.x[0] is None
    ]
    assert legend[:n_classes] == list(ex.names)


def test_masks_colours_put_the_rare_class_in_vermillion():
    assert figs.class_colors(3)[-1] == figs.class_colors(5)[-1] == figs.RARE_COLOR
    assert len(set(figs.class_colors(5) + [figs.IGNORED_COLOR])) == 6, (
        "every class and 'ignored' distinct"
    )
    with pytest.raises(ValueError, match="n_classes must be in"):
        figs.class_colors(6)


@pytest.mark.parametrize("border", [0, 4, 16])
def test_loss_map_figure(example, border):
    r = sg.pixel_losses(example.logits, sg.ignore_border(example.mask, border))
    fig = figs.loss_map_figure(r, example.names, title="t")
    assert_well_formed(fig, 1 + (border > 0))
    z = np.array(fig.data[0].z, dtype=float)
    assert np.array_equal(np.isnan(z), ~r.valid), (
        "ignored pixels are gaps (their loss is not in the mean)"
    )
    np.testing.assert_allclose(
        z[r.valid],
        r.loss_map[r.valid],
        rtol=1e-3,
        err_msg="the map shows the loss values",
    )
    assert fig.data[0].colorbar.title.text, "the colour bar needs a title"
    if border:
        assert len(fig.data[1].x) == 1024 - max(0, 32 - 2 * border) ** 2, (
            "one hatch cross per ignored pixel"
        )


def test_class_shares_figure(example):
    w = sg.inverse_frequency_weights(example.mask, 4)
    plain = sg.pixel_losses(example.logits, example.mask)
    weighted = sg.pixel_losses(example.logits, example.mask, weight=w)
    fig = figs.class_shares_figure(
        example.names,
        plain.class_pixel_share,
        plain.class_loss_share,
        weighted.class_loss_share,
        title="t",
    )
    assert_well_formed(fig, 3)
    assert sum(fig.data[1].y) == pytest.approx(100, abs=0.05), (
        "the loss shares add up to 100 %"
    )
    assert_well_formed(
        figs.class_shares_figure(
            example.names, plain.class_pixel_share, plain.class_loss_share
        ),
        2,
    )
    nan = np.full(4, np.nan)
    assert_well_formed(figs.class_shares_figure(example.names, nan, nan), 2)


@pytest.mark.parametrize("smoothing", [0.0, 0.5])
def test_weight_sweep_figure(example, smoothing):
    weights = (0.0,) + tuple(10.0 ** (k / 6) for k in range(-6, 13))
    sweep = sg.rare_weight_sweep(
        example.logits, example.mask, weights, rare_class=3, label_smoothing=smoothing
    )
    fig = figs.weight_sweep_figure(sweep, current=(10.0, 0.41, 0.23), title="t")
    # mean, rare share, two dotted references, the marker on each axis
    assert_well_formed(fig, 6)
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis2.overlaying == "y"
    assert len(fig.data[0].x) == len(weights) - 1, "w = 0 cannot sit on a log axis"
    assert fig.layout.yaxis2.title.text, "the right axis needs its own title"
    assert_well_formed(figs.weight_sweep_figure(sweep, current=(0.0, 0.4, 0.0)), 4)


def test_weight_sweep_figure_when_nothing_counts(example):
    sweep = sg.rare_weight_sweep(
        example.logits, sg.ignore_border(example.mask, 16), [0.1, 1.0], rare_class=3
    )
    assert_well_formed(
        figs.weight_sweep_figure(sweep, current=(1.0, float("nan"), float("nan"))), 2
    )


def test_figures_export_as_csv(example):
    r = sg.pixel_losses(example.logits, example.mask)
    text = figure_to_csv(figs.loss_map_figure(r, example.names))
    assert len(text.splitlines()) == 1 + 1024, "one CSV row per pixel"

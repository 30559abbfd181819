"""Tests for lossviz.figures.landscape: trace counts, axis titles, finite data, size of the page."""

from __future__ import annotations

import numpy as np
import plotly.io as pio
import pytest

from lossviz import landscape as ls
from lossviz.figures import landscape as figs


@pytest.fixture(scope="module")
def outlier():
    land = ls.lesson_landscape("outlier")
    paths = ls.lesson_descent("outlier", w0=-6.0, b0=0.0, lr=1.0, steps=1000)
    return land, paths


def names(fig):
    return [trace.name for trace in fig.data]


def test_surface_figure_for_squared_error(outlier):
    land, paths = outlier
    fig = figs.surface_figure(land.surfaces["mse"], path=paths["mse"], outcomes=land.outcomes["mse"])
    kinds = [trace.type for trace in fig.data]
    # map, two layers of the curvature edge, one cross per outcome, two layers of path, start, end
    assert kinds.count("contour") == 3
    assert names(fig).count("where descent ends") == len(land.outcomes["mse"]) == 2
    assert names(fig)[-2:] == ["start", "after 1000 steps"]
    assert fig.layout.xaxis.title.text == "weight w" and fig.layout.yaxis.title.text == "bias b"
    assert tuple(fig.layout.xaxis.range) == ls.BOX and tuple(fig.layout.yaxis.range) == ls.BOX
    surface_z = np.asarray(fig.data[0].z, dtype=float)
    shown = (ls.GRID_SIZE + 1) // 2
    assert surface_z.shape == (shown, shown) and np.all(np.isfinite(surface_z))
    np.testing.assert_allclose(10 ** surface_z, land.surfaces["mse"].values[::2, ::2], rtol=1e-5,
                               err_msg="the map shows log10 of the loss, every second grid point")
    assert fig.data[0].x[-1] == pytest.approx(ls.BOX[1]) and fig.data[0].y[0] == pytest.approx(ls.BOX[0]), (
        "the thinned map keeps the grid's edges")
    full = figs.surface_figure(land.surfaces["mse"], stride=1)
    assert np.asarray(full.data[0].z).shape == (ls.GRID_SIZE, ls.GRID_SIZE)
    ticks = np.asarray(fig.data[0].colorbar.tickvals, dtype=float)
    assert ticks.size >= 2 and surface_z.min() - 1e-9 <= ticks.min() and ticks.max() <= surface_z.max() + 1e-9
    path_trace = next(t for t in fig.data if t.name == "gradient descent")
    assert len(path_trace.x) <= 250, "the path is thinned"
    assert path_trace.x[-1] == pytest.approx(paths["mse"].w[-1], rel=1e-6), "the last step is kept"


def test_surface_figure_for_cross_entropy_has_no_curvature_edge(outlier):
    land, _ = outlier
    fig = figs.surface_figure(land.surfaces["bce"], outcomes=land.outcomes["bce"])
    assert [t.type for t in fig.data].count("contour") == 1, "BCE has no negative-curvature region to outline"
    assert names(fig).count("where descent ends") == 1


def test_descent_figure(outlier):
    land, paths = outlier
    fig = figs.descent_figure({"CE": paths["bce"], "MSE": paths["mse"]}, best_accuracy=land.best_accuracy)
    assert names(fig) == ["CE: loss", "CE: accuracy", "MSE: loss", "MSE: accuracy"]
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.title.text == "accuracy (%)"
    assert fig.layout.xaxis.title.text == "step" and fig.layout.yaxis.title.text
    for trace in fig.data:
        assert len(trace.x) <= 600 and np.all(np.isfinite(np.asarray(trace.y, dtype=float)))
    (line,) = fig.layout.shapes
    assert line.y0 == pytest.approx(100 * land.best_accuracy)


def test_data_figure(outlier):
    land, paths = outlier
    grid = ls.feature_grid(land.data.x)
    curves = {
        "start": (grid, ls.fitted_probabilities(-6.0, 0.0, grid), "start"),
        "CE": (grid, ls.fitted_probabilities(paths["bce"].w[-1], paths["bce"].b[-1], grid), "bce"),
    }
    fig = figs.data_figure(land.data.x, land.data.y, curves)
    assert names(fig) == ["class 0", "class 1", "start", "CE"]
    assert len(fig.data[0].x) + len(fig.data[1].x) == land.data.x.size
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_the_page_figures_stay_well_under_the_size_budget(outlier):
    land, paths = outlier
    built = [
        figs.surface_figure(land.surfaces[loss], path=paths[loss], outcomes=land.outcomes[loss]) for loss in paths
    ]
    built.append(figs.descent_figure(paths, best_accuracy=land.best_accuracy))
    total = sum(len(pio.to_json(fig, validate=False)) for fig in built)
    assert total < 1_000_000, f"the likelihood page's figures weigh {total} bytes"
    for fig in built:
        layout = fig.layout.to_plotly_json()
        assert "paper_bgcolor" not in layout and "plot_bgcolor" not in layout, "backgrounds follow the theme"

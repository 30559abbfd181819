"""Figures for "the likelihood view": loss surfaces over (w, b) with gradient-descent paths, the
descent curves (loss and accuracy per step), and the 1-D data with the fitted sigmoids.
Plotly only (no Streamlit).

Surfaces are drawn as filled contours of log₁₀(loss), so that the valley near the optimum and the
plateaus far from it are both visible; the colour bar is labelled in loss values and the hover
shows the loss itself. Arrays go out as float32 (compact base64 in Plotly's JSON).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from lossviz.figures._style import COLORS, FONT_SIZE, LINE_WIDTH, fast_figure, thinned_indices
from lossviz.figures.curves import LEGEND_BELOW, house_layout
from lossviz.landscape import DescentPath, Outcome, Surface

__all__ = ["data_figure", "descent_figure", "surface_figure"]

_PATH_POINTS = 250
_LOSS_COLORS = {"bce": COLORS["ce"], "mse": COLORS["mse"]}
_LOSS_NAMES = {"bce": "cross-entropy", "mse": "squared error"}


def surface_figure(
    surface: Surface,
    *,
    path: DescentPath | None = None,
    outcomes: Sequence[Outcome] = (),
    title: str | None = None,
    height: int = 540,
    stride: int = 2,
) -> go.Figure:
    """Filled contours of the mean loss over (w, b), with the negative-curvature region outlined,
    a gradient-descent path from its start (star) to its end (circle), and the places where
    descent ends (crosses).

    The path is thinned to at most 250 points; points outside the box are clipped by the axes.
    The loss map is drawn from every ``stride``-th grid point along each axis (the grid's own
    points, its edges kept when the grid has an odd size): at the default 2, the lesson's
    121 × 121 grid goes out as 61 × 61, a quarter of the data on every change, with contours that
    look the same at the figure's size. The curvature edge keeps the full grid, one byte per
    point. Every computed number comes from the full grid.
    """
    step = slice(None, None, stride)
    w, b = surface.w[step].astype(np.float32), surface.b[step].astype(np.float32)
    values = surface.values[step, step]
    log_values = np.log10(np.maximum(values, np.finfo(float).tiny))
    ticks = _log_ticks(float(log_values.min()), float(log_values.max()))
    data: list[dict] = [
        {
            "type": "contour",
            "x": w,
            "y": b,
            "z": log_values.astype(np.float32),
            "customdata": values.astype(np.float32),
            "colorscale": "Viridis",
            "ncontours": 24,
            "contours": {"coloring": "heatmap", "showlines": True},
            "line": {"width": 0.5, "color": "rgba(0,0,0,0.35)"},
            "colorbar": {
                "title": {"text": "loss", "side": "top"},
                "tickvals": [np.log10(t) for t in ticks],
                "ticktext": [f"{t:g}" for t in ticks],
                "thickness": 14,
                "len": 0.85,
            },
            "name": "loss",
            "showlegend": False,
            "hovertemplate": "w = %{x:.2f}<br>b = %{y:.2f}<br>loss = %{customdata:.4g}<extra></extra>",
        }
    ]
    if np.any(surface.negative) and not np.all(surface.negative):
        # A dark line under a white dashed one stays visible on every colour of the map.
        # The edge keeps the full grid (one byte per point): thinned, its staircase shows.
        mask = surface.negative.astype(np.uint8)
        for color, width, dash in (("black", 4.0, "solid"), ("white", 2.5, "dash")):
            data.append(
                {
                    "type": "contour",
                    "x": surface.w.astype(np.float32),
                    "y": surface.b.astype(np.float32),
                    "z": mask,
                    "autocontour": False,
                    "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                    "line": {"color": color, "width": width, "dash": dash},
                    "showscale": False,
                    "name": "edge of the negative-curvature region",
                    "legendgroup": "curvature",
                    "showlegend": False,
                    "hoverinfo": "skip",
                }
            )
        # The legend entry alone, in grey: white would vanish on a light page, black on a dark one.
        data.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "lines",
                "name": "edge of the negative-curvature region",
                "legendgroup": "curvature",
                "line": {"color": COLORS["neutral"], "width": 3, "dash": "dash"},
                "hoverinfo": "skip",
            }
        )
    for index, outcome in enumerate(outcomes):
        data.append(
            {
                "type": "scatter",
                "x": [outcome.w],
                "y": [outcome.b],
                "mode": "markers",
                "name": "where descent ends",
                "legendgroup": "outcomes",
                "showlegend": index == 0,
                "cliponaxis": False,
                "marker": {"symbol": "x", "size": 16, "color": "white", "line": {"width": 2, "color": "black"}},
                "hovertemplate": (
                    f"descent ends here from {outcome.share:.0%} of the grid<br>"
                    f"w = {outcome.w:.3g}, b = {outcome.b:.3g}<br>loss = {outcome.value:.4g}"
                    + ("<br>(on the border: the loss keeps falling further out)" if outcome.on_edge else "")
                    + "<extra></extra>"
                ),
            }
        )
    if path is not None:
        keep = thinned_indices(path.w.size, _PATH_POINTS)
        path_w, path_b = path.w[keep].astype(np.float32), path.b[keep].astype(np.float32)
        data += [
            {
                "type": "scatter",
                "x": path_w,
                "y": path_b,
                "mode": "lines",
                "line": {"color": "black", "width": LINE_WIDTH + 3},
                "showlegend": False,
                "legendgroup": "path",
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "x": path_w,
                "y": path_b,
                "customdata": np.stack([keep, path.values[keep]], axis=-1).astype(np.float32),
                "mode": "lines+markers",
                "name": "gradient descent",
                "legendgroup": "path",
                "line": {"color": COLORS["accent"], "width": LINE_WIDTH},
                "marker": {"size": 4, "color": COLORS["accent"]},
                "hovertemplate": "step %{customdata[0]:.0f}<br>w = %{x:.3f}, b = %{y:.3f}<br>"
                "loss = %{customdata[1]:.4g}<extra></extra>",
            },
            _endpoint(path.w[0], path.b[0], "start", "star", path.values[0]),
            _endpoint(path.w[-1], path.b[-1], f"after {path.w.size - 1} steps", "circle", path.values[-1]),
        ]
    layout = house_layout(
        title=title or f"{_LOSS_NAMES[surface.loss].capitalize()} over (w, b)",
        x_title="weight w",
        y_title="bias b",
        height=height,
        xaxis={"range": [float(surface.w[0]), float(surface.w[-1])]},
        yaxis={"range": [float(surface.b[0]), float(surface.b[-1])]},
        legend=dict(LEGEND_BELOW),
        margin={"b": 150},
    )
    return fast_figure(data, layout)


def descent_figure(paths: Mapping[str, DescentPath], *, best_accuracy: float, height: int = 540) -> go.Figure:
    """Loss (top, log scale) and training accuracy (bottom) per gradient-descent step, one colour
    per loss; a dotted line marks the best accuracy any threshold reaches on the data."""
    data = []
    for name, path in paths.items():
        steps = np.arange(path.values.size)
        keep = thinned_indices(steps.size, 600)
        color, label = _LOSS_COLORS[path.loss], _LOSS_NAMES[path.loss]
        data += [
            {
                "type": "scatter",
                "x": steps[keep],
                "y": np.maximum(path.values[keep], 1e-300).astype(np.float32),
                "mode": "lines",
                "name": f"{name}: loss",
                "legendgroup": name,
                "line": {"color": color, "width": LINE_WIDTH},
                "xaxis": "x",
                "yaxis": "y",
                "hovertemplate": f"step %{{x}}<br>{label} = %{{y:.4g}}<extra></extra>",
            },
            {
                "type": "scatter",
                "x": steps[keep],
                "y": (100.0 * path.accuracy[keep]).astype(np.float32),
                "mode": "lines",
                "name": f"{name}: accuracy",
                "legendgroup": name,
                "line": {"color": color, "width": LINE_WIDTH, "dash": "dash", "shape": "hv"},
                "xaxis": "x",
                "yaxis": "y2",
                "hovertemplate": "step %{x}<br>accuracy = %{y:.1f} %<extra></extra>",
            },
        ]
    layout = house_layout(
        title="Gradient descent, step by step",
        x_title="step",
        y_title="loss (log scale)",
        height=height,
        xaxis={"anchor": "y2", "domain": [0.0, 1.0]},
        legend=dict(LEGEND_BELOW),
        margin={"b": 130},
        yaxis={"domain": [0.56, 1.0], "type": "log", "exponentformat": "power"},
        shapes=[
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y2",
                "y0": 100.0 * best_accuracy,
                "y1": 100.0 * best_accuracy,
                "line": {"color": COLORS["neutral"], "dash": "dot", "width": 2},
            }
        ],
        annotations=[
            {
                "xref": "paper",
                "x": 1.0,
                "xanchor": "right",
                "yref": "y2",
                "y": 100.0 * best_accuracy,
                "yanchor": "top",
                "text": f"best possible: {best_accuracy:.0%}",
                "showarrow": False,
                "font": {"size": FONT_SIZE - 3},
            }
        ],
    )
    # The second y axis takes the house style of the first, with its own title and range.
    layout["yaxis2"] = {
        **{key: value for key, value in layout["yaxis"].items() if key not in ("domain", "type", "exponentformat")},
        "title": {**layout["yaxis"]["title"], "text": "accuracy (%)"},
        "domain": [0.0, 0.44],
        "range": [-5, 105],
    }
    return fast_figure(data, layout)


def data_figure(
    x,
    y,
    curves: Mapping[str, tuple[np.ndarray, np.ndarray, str]],
    *,
    height: int = 440,
) -> go.Figure:
    """The 1-D data (label 0 or 1 against x) and model curves p = σ(w·x + b).

    ``curves`` maps a legend name to (x_grid, p, role), role being "bce", "mse" or "start".
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    data = [
        {
            "type": "scatter",
            "x": x[y == label],
            "y": y[y == label],
            "mode": "markers",
            "name": f"class {label:g}",
            "marker": {
                "size": 13,
                "symbol": "circle" if label == 1 else "square",
                "color": COLORS["positive"] if label == 1 else COLORS["negative"],
                "line": {"width": 1, "color": COLORS["neutral"]},
            },
            "hovertemplate": f"x = %{{x:.3f}}<br>label {label:g}<extra></extra>",
        }
        for label in (0.0, 1.0)
    ]
    for name, (grid, p, role) in curves.items():
        color = COLORS["neutral"] if role == "start" else _LOSS_COLORS[role]
        data.append(
            {
                "type": "scatter",
                "x": np.asarray(grid, dtype=np.float32),
                "y": np.asarray(p, dtype=np.float32),
                "mode": "lines",
                "name": name,
                "line": {"color": color, "width": LINE_WIDTH, "dash": "dot" if role == "start" else "solid"},
                "hovertemplate": f"x = %{{x:.3f}}<br>p = %{{y:.3f}}<extra>{name}</extra>",
            }
        )
    layout = house_layout(
        title="The data and the fitted curves",
        x_title="feature x",
        y_title="label / p = σ(w·x + b)",
        height=height,
        yaxis={"range": [-0.08, 1.08]},
        legend=dict(LEGEND_BELOW),
        margin={"b": 130},
    )
    return fast_figure(data, layout)


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _endpoint(w, b, name, symbol, value) -> dict:
    return {
        "type": "scatter",
        "x": [float(w)],
        "y": [float(b)],
        "mode": "markers",
        "name": name,
        "marker": {"symbol": symbol, "size": 18, "color": COLORS["accent"], "line": {"width": 2, "color": "black"}},
        "hovertemplate": f"{name}<br>w = %{{x:.3f}}, b = %{{y:.3f}}<br>loss = {value:.4g}<extra></extra>",
    }


def _log_ticks(low: float, high: float) -> list[float]:
    """Loss values for colour-bar ticks: 1, 2, 5 × powers of ten between 10^low and 10^high
    (only the powers of ten when that would give more than 8 ticks)."""
    decades = range(int(np.floor(low)), int(np.ceil(high)) + 1)
    for mantissas in ((1, 2, 5), (1,)):
        ticks = [m * 10.0**e for e in decades for m in mantissas if low <= np.log10(m) + e <= high]
        if len(ticks) <= 8:
            break
    return ticks or [10.0**low, 10.0**high]

"""Figures of the lesson "One sigmoid vs two softmax neurons": arrays (or lossviz.twoneuron results) in.

The (z0, z1) plane coloured by P(class 1) with contour lines parallel to the diagonal, the gradients
of both heads side by side, and the gap between the heads' predictions over training epochs on a
log scale. Figures are built from plain dicts and finished with ``style_figure``; plotted floats
are rounded to 4 significant digits.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from lossviz.figures._style import (
    COLORS,
    DASHES,
    FONT_SIZE,
    LINE_WIDTH,
    fast_figure,
    style_figure,
    styled_figure,
)

__all__ = ["gap_figure", "head_gradients_figure", "logit_plane_figure"]

GAP_FLOOR = 1e-18
"""Where an exact 0 is drawn on the log-scale gap plot (log 0 does not exist)."""

FLOAT64_EPS = float(np.finfo(np.float64).eps)


def logit_plane_figure(
    z0,
    z1,
    prob,
    *,
    point=None,
    shifted=None,
    samples=None,
    sample_labels=None,
    title: str | None = None,
    height: int = 640,
) -> go.Figure:
    """P(class 1) = softmax([z0, z1])₁ over the plane, its contour lines, and optional points.

    Parameters
    ----------
    z0, z1 : array_like, shape (G,)
        Grid axes (x: negative-class logit, y: positive-class logit).
    prob : array_like, shape (G, G)
        ``prob[i, j]`` at (z0[j], z1[i]).
    point : (float, float), optional
        The learner's (z0, z1), drawn as a large marker.
    shifted : (float, float), optional
        The same point with both logits shifted by c, joined to ``point`` by a dotted segment.
    samples : array_like, shape (n, 2), optional
        Trained (z0, z1) per sample, coloured by ``sample_labels`` (0 or 1).
    """
    z0 = np.asarray(z0, dtype=float)
    z1 = np.asarray(z1, dtype=float)
    prob = np.asarray(prob, dtype=float)
    # float32 halves Plotly's binary array encoding; 3 decimals is finer than a colour can show.
    shown = np.round(prob, 3).astype(np.float32)
    low = float(min(z0.min(), z1.min()))
    high = float(max(z0.max(), z1.max()))
    data = [
        {
            "type": "heatmap",
            "x": _sig(z0),
            "y": _sig(z1),
            "z": shown,
            # Interpolated between grid points: a coarse grid shows no cells.
            "zsmooth": "best",
            # Lighter under sample markers, so that each class's markers stand out on its own side.
            "colorscale": _class_colorscale(0.85 if samples is None else 0.35),
            "zmin": 0.0,
            "zmax": 1.0,
            "colorbar": {
                "title": {"text": "P(class 1)", "side": "top"},
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": 1.0,
                "yanchor": "bottom",
                "len": 0.7,
                "thickness": 12,
            },
            "name": "P(class 1)",
            "hovertemplate": "z0 = %{x:.3g}<br>z1 = %{y:.3g}<br>P(class 1) = %{z:.3g}<extra></extra>",
        },
        {
            "type": "contour",
            "x": _sig(z0),
            "y": _sig(z1),
            "z": shown,
            "contours": {
                "coloring": "none",
                "start": 0.1,
                "end": 0.9,
                "size": 0.2,
                "showlabels": True,
                "labelfont": {"size": FONT_SIZE - 2},
            },
            "line": {"color": COLORS["neutral"], "width": 1.5},
            "showscale": False,
            "name": "contours P = 0.1, 0.3, …, 0.9",
            "showlegend": True,
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": [low, high],
            "y": [low, high],
            "mode": "lines",
            "line": {"color": COLORS["neutral"], "width": LINE_WIDTH, "dash": "dash"},
            "name": "diagonal z1 = z0 (P = 0.5)",
            "hoverinfo": "skip",
        },
    ]
    if samples is not None:
        samples = np.asarray(samples, dtype=float)
        labels = np.zeros(samples.shape[0]) if sample_labels is None else np.asarray(sample_labels)
        for cls, color in ((0, COLORS["negative"]), (1, COLORS["positive"])):
            chosen = samples[labels == cls]
            data.append(
                {
                    "type": "scatter",
                    "x": _sig(chosen[:, 0]),
                    "y": _sig(chosen[:, 1]),
                    "mode": "markers",
                    "marker": {
                        "color": color,
                        "size": 9,
                        "symbol": "circle" if cls else "diamond",
                        "line": {"color": COLORS["neutral"], "width": 1.5},
                    },
                    "name": f"class {cls} samples",
                    "hovertemplate": f"class {cls}<br>z0 = %{{x:.3g}}<br>z1 = %{{y:.3g}}<extra></extra>",
                }
            )
    if point is not None and shifted is not None:
        data.append(
            {
                "type": "scatter",
                "x": [float(point[0]), float(shifted[0])],
                "y": [float(point[1]), float(shifted[1])],
                "mode": "lines",
                "line": {"color": COLORS["accent"], "width": LINE_WIDTH, "dash": "dot"},
                "name": "shift both logits by c",
                "hoverinfo": "skip",
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": [float(shifted[0])],
                "y": [float(shifted[1])],
                "mode": "markers",
                "marker": {
                    "color": "rgba(0,0,0,0)",
                    "size": 18,
                    "symbol": "circle",
                    "line": {"color": COLORS["accent"], "width": 3},
                },
                "name": "(z0 + c, z1 + c)",
                "hovertemplate": "shifted point<br>z0 + c = %{x:.3g}<br>z1 + c = %{y:.3g}<extra></extra>",
            }
        )
    if point is not None:
        data.append(
            {
                "type": "scatter",
                "x": [float(point[0])],
                "y": [float(point[1])],
                "mode": "markers",
                "marker": {
                    "color": COLORS["accent"],
                    "size": 18,
                    "symbol": "x",
                    "line": {"color": COLORS["accent"], "width": 2},
                },
                "name": "your logits (z0, z1)",
                "hovertemplate": "your point<br>z0 = %{x:.3g}<br>z1 = %{y:.3g}<extra></extra>",
            }
        )
    layout = {
        "xaxis": {"range": [low, high], "constrain": "domain"},
        "yaxis": {"range": [low, high], "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
    }
    return styled_figure(
        data,
        layout,
        title=title,
        x_title="z0 (class 0 logit)",
        y_title="z1 (class 1 logit)",
        height=height,
        then={
            "legend": {"orientation": "h", "y": -0.22, "yanchor": "top", "x": 0.5, "xanchor": "center"},
            "margin": {"b": 140, "t": 140 if title else 100},
        },
    )


def head_gradients_figure(grad_sigmoid: float, grad_softmax, *, title: str | None = None) -> go.Figure:
    """Bars: the sigmoid head's ∂L/∂(z1 − z0) beside the softmax head's ∂L/∂z0 and ∂L/∂z1.

    Parameters
    ----------
    grad_sigmoid : float
        σ(z1 − z0) − y.
    grad_softmax : array_like, shape (2,)
        softmax([z0, z1]) − onehot(y).
    """
    g = np.asarray(grad_softmax, dtype=float)
    names = ["sigmoid head ∂L/∂(z1 − z0)", "softmax head ∂L/∂z0", "softmax head ∂L/∂z1"]
    values = [float(grad_sigmoid), float(g[0]), float(g[1])]
    colors = [COLORS["sigmoid"], COLORS["softmax"], COLORS["softmax"]]
    bound = max(1.0, max(abs(v) for v in values)) * 1.25
    data = [
        {
            "type": "bar",
            "x": names,
            "y": _sig(values),
            "marker": {"color": colors},
            "text": [f"{v:+.4g}" for v in values],
            "textposition": "outside",
            "cliponaxis": False,
            "name": "gradient",
            "hovertemplate": "%{x}<br>%{y:.6g}<extra></extra>",
        }
    ]
    fig = fast_figure(data, {"yaxis": {"range": [-bound, bound]}})
    style_figure(fig, title=title, x_title="which gradient", y_title="gradient of the loss", legend=False)
    fig.add_hline(y=0, line={"color": COLORS["neutral"], "width": 1})
    return fig


def gap_figure(
    epochs,
    gaps: Mapping[str, np.ndarray],
    *,
    title: str | None = None,
    y_title: str = "max over samples |P_sigmoid − P_softmax|",
    height: int = 420,
) -> go.Figure:
    """The gap between two heads' predictions per recorded epoch, one line per comparison, log y.

    Exact zeros are drawn at ``GAP_FLOOR`` (hover shows the true value); a dotted line marks the
    float64 machine epsilon, 2.2e-16, the size of one rounding step near 1.
    """
    x = _sig(np.asarray(epochs, dtype=float))
    data = []
    for index, (label, values) in enumerate(gaps.items()):
        values = np.asarray(values, dtype=float)
        shown = np.maximum(values, GAP_FLOOR)
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": _sig(shown),
                "customdata": _sig(values),
                "mode": "lines",
                "line": {"width": LINE_WIDTH, "dash": DASHES[index % len(DASHES)]},
                "name": label,
                "hovertemplate": f"{label}<br>epoch %{{x}}<br>gap = %{{customdata:.3g}}<extra></extra>",
            }
        )
    data.append(
        {
            "type": "scatter",
            "x": [x[0], x[-1]],
            "y": [FLOAT64_EPS, FLOAT64_EPS],
            "mode": "lines",
            "line": {"color": COLORS["neutral"], "width": 2, "dash": "dot"},
            "name": "float64 epsilon 2.2e-16",
            "hoverinfo": "skip",
        }
    )
    layout = {"yaxis": {"type": "log", "exponentformat": "power", "range": [np.log10(GAP_FLOOR) - 0.5, 0.3]}}
    return styled_figure(data, layout, title=title, x_title="epoch", y_title=y_title, height=height)


def _class_colorscale(alpha: float) -> list:
    """Negative-class colour at P = 0, nearly transparent at P = 0.5, positive-class colour at P = 1."""
    neg, pos = _rgb(COLORS["negative"]), _rgb(COLORS["positive"])
    return [
        [0.0, f"rgba({neg},{alpha})"],
        [0.5, "rgba(153,153,153,0.08)"],
        [1.0, f"rgba({pos},{alpha})"],
    ]


def _rgb(hex_color: str) -> str:
    value = hex_color.lstrip("#")
    return ",".join(str(int(value[i : i + 2], 16)) for i in (0, 2, 4))


def _sig(values, digits: int = 4) -> np.ndarray:
    """Round to ``digits`` significant digits (keeps the JSON small; a plot shows no more)."""
    arr = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.where(arr == 0, 0, np.floor(np.log10(np.abs(np.where(arr == 0, 1, arr)))))
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.round(arr * scale) / scale

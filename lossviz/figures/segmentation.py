"""Figures of the pixel-wise softmax lesson: masks, the per-pixel loss map, class shares, weight sweep.

Masks are heatmaps with one fixed colour per class (a categorical legend, not a colour bar) and
the image's row 0 at the top; ignored pixels (``ignore_index``) are grey and hatched with thin
crosses. The loss map is a continuous heatmap with a colour bar; ignored pixels are hatched there
too (their loss is 0 and they are not in the mean). Built from plain dicts on the house layout of
``style_figure``; plotted floats are rounded to 4 significant digits.
"""

from __future__ import annotations

import copy

import numpy as np
import plotly.graph_objects as go

from lossviz.figures._style import COLORS, FONT_SIZE, LINE_WIDTH
from lossviz.figures._style import fast_figure as _figure
from lossviz.figures._style import plain_layout as _layout
from lossviz.figures._style import round_significant as _sig

__all__ = [
    "CLASS_COLORS",
    "IGNORED_COLOR",
    "RARE_COLOR",
    "class_colors",
    "class_shares_figure",
    "loss_map_figure",
    "masks_figure",
    "weight_sweep_figure",
]

CLASS_COLORS = ("#56B4E9", "#009E73", "#F0E442", "#CC79A7")
"""Okabe–Ito colours of the background (sky blue) and the large shapes, in class order."""
RARE_COLOR = "#D55E00"
"""The rare class is always vermillion, whatever the number of classes."""
IGNORED_COLOR = "#999999"
_HATCH_COLOR = "#444444"
_GAP = 0.2


def class_colors(n_classes: int) -> list[str]:
    """Colours of classes 0 … C − 1: the fixed palette, the last (rare) class vermillion."""
    if not 2 <= n_classes <= len(CLASS_COLORS) + 1:
        raise ValueError(
            f"n_classes must be in [2, {len(CLASS_COLORS) + 1}]; got {n_classes!r}"
        )
    return [*CLASS_COLORS[: n_classes - 1], RARE_COLOR]


def masks_figure(
    panels, names, *, valid=None, title: str | None = None, height: int = 480
) -> go.Figure:
    """Class masks side by side, one colour per class, ignored pixels grey and hatched.

    Parameters
    ----------
    panels : sequence of (str, ndarray (H, W))
        Panel title and class-index mask; entries outside [0, C) are drawn as ignored.
    names : sequence of str
        Class names, C of them.
    valid : ndarray of bool (H, W), optional
        Pixels in the loss; the others are hatched in every panel.
    """
    n_classes = len(names)
    colors = class_colors(n_classes)
    n = len(panels)
    width = (1.0 - _GAP * (n - 1)) / n
    data, layout_axes, annotations = [], {}, []
    # Value −1 is "ignored", 0 … C − 1 the classes: one colour each, hover shows the index.
    scale = _categorical_scale([IGNORED_COLOR, *colors])
    any_ignored = False
    for k, (panel_title, mask) in enumerate(panels):
        labels = np.asarray(mask)
        inside = (labels >= 0) & (labels < n_classes)
        if valid is not None:
            inside &= np.asarray(valid, dtype=bool)
        any_ignored |= not inside.all()
        z = np.where(inside, labels, -1)
        suffix = "" if k == 0 else str(k + 1)
        data.append(
            {
                "type": "heatmap",
                "z": z.astype(np.int8),
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "colorscale": scale,
                "zmin": -1.5,
                "zmax": n_classes - 0.5,
                "showscale": False,
                "hovertemplate": "row %{y}, column %{x}<br>class %{z}<extra>"
                + panel_title
                + "</extra>",
                "name": panel_title,
            }
        )
        hatch = _hatch(~inside, f"x{suffix}", f"y{suffix}", show=False)
        if hatch is not None:
            data.append(hatch)
        left = k * (width + _GAP)
        layout_axes[f"xaxis{suffix}"] = {
            "domain": [left, left + width],
            "title": {"text": "column"},
            "anchor": f"y{suffix}",
            "showgrid": False,
            "constrain": "domain",
        }
        layout_axes[f"yaxis{suffix}"] = {
            "title": {"text": "row"},
            "anchor": f"x{suffix}",
            "autorange": "reversed",
            "scaleanchor": f"x{suffix}",
            "constrain": "domain",
            "constraintoward": "top",
            "showgrid": False,
            # Later panels show the same rows: no tick labels, so they fit a phone's gap.
            **(
                {}
                if k == 0
                else {"showticklabels": False, "title": {"text": "row", "standoff": 2}}
            ),
        }
        annotations.append(
            {
                "text": f"<b>{panel_title}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": left + width / 2,
                "y": 1.0,
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": FONT_SIZE},
            }
        )
    for name, color in zip(names, colors):
        data.append(_legend_square(name, color))
    if any_ignored:
        data.append(
            _legend_square("ignored (not in the loss)", IGNORED_COLOR, hatch=True)
        )
    layout = _layout(title=title, x_title="column", y_title="row", height=height, annotations=annotations)
    _apply_axes(layout, layout_axes)
    layout["margin"]["t"] += 24
    return _figure(data, layout)


def loss_map_figure(
    result, names, *, title: str | None = None, height: int = 440
) -> go.Figure:
    """The per-pixel loss ℓ_i as a heatmap with a colour bar; ignored pixels hatched.

    ``result`` is a ``lossviz.segmentation.PixelLosses``; the hover text gives each pixel's true
    and predicted class, the probability of the true class and its loss.
    """
    loss = np.where(result.valid, result.loss_map, np.nan)
    # Numbers, not per-pixel strings: they travel as one compact binary array.
    custom = np.stack(
        [
            np.where(result.valid, result.target, -1),
            result.predicted,
            _sig(result.p_true),
        ],
        axis=-1,
    ).astype(np.float32)
    top = float(np.nanmax(loss)) if result.n_valid else 1.0
    data = [
        {
            "type": "heatmap",
            "z": _sig(loss),
            "colorscale": "Viridis",
            "zmin": 0.0,
            "zmax": max(top, 1e-9),
            "colorbar": {
                "title": {"text": "loss ℓ<sub>i</sub>", "side": "right"},
                "thickness": 16,
                "len": 0.85,
            },
            "customdata": custom,
            "hovertemplate": "row %{y}, column %{x}<br>true class %{customdata[0]}, predicted "
            "%{customdata[1]}<br>p(true class) = %{customdata[2]:.3g}<br>loss ℓ = %{z:.4g}<extra></extra>",
            "name": "per-pixel loss",
            "hoverongaps": False,
        }
    ]
    hatch = _hatch(~result.valid, "x", "y", show=True)
    if hatch is not None:
        data.append(hatch)
    layout = _layout(
        title=title,
        height=height,
        x_title="column",
        y_title="row",
        legend=hatch is not None,
        legend_rows=1,
    )
    layout["xaxis"].update({"showgrid": False, "constrain": "domain"})
    layout["yaxis"].update(
        {
            "autorange": "reversed",
            "scaleanchor": "x",
            "constrain": "domain",
            "showgrid": False,
        }
    )
    return _figure(data, layout)


def class_shares_figure(
    names, pixel_share, loss_share, weighted_share=None, *, title: str | None = None
) -> go.Figure:
    """Grouped bars per class: share of the valid pixels, of the loss, and of the weighted loss (%)."""
    colors = class_colors(len(names))
    series = [
        ("share of the pixels", pixel_share, COLORS["neutral"], ""),
        ("share of the loss, all weights 1", loss_share, COLORS["ce"], ""),
    ]
    if weighted_share is not None:
        series.append(
            ("share of the loss, your weights", weighted_share, COLORS["accent"], "/")
        )
    data = []
    for label, values, color, pattern in series:
        y = _sig(100 * np.asarray(values, dtype=float))
        data.append(
            {
                "type": "bar",
                "x": list(names),
                "y": y,
                "name": label,
                "marker": {
                    "color": color,
                    "pattern": {"shape": pattern},
                    "line": {"width": 0},
                },
                "text": ["–" if np.isnan(v) else f"{v:.1f} %" for v in y],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{x}<br>" + label + ": %{y:.3g} %<extra></extra>",
            }
        )
    layout = _layout(
        title=title,
        x_title="true class of the pixel",
        y_title="share (%)",
        height=430,
        legend_rows=2,
        barmode="group",
        yaxis={"range": [0, 110]},
    )
    layout["xaxis"]["tickvals"] = list(names)
    layout["xaxis"]["ticktext"] = [
        f"<span style='color:{c}'>■</span> {n}" for n, c in zip(names, colors)
    ]
    return _figure(data, layout)


def weight_sweep_figure(sweep, *, current=None, title: str | None = None) -> go.Figure:
    """Mean loss (left axis) and the rare class's share of the loss (right axis) vs its weight (log).

    ``sweep`` is a ``lossviz.segmentation.WeightSweep`` (only its positive weights fit the log
    axis); ``current`` = (weight, mean loss, rare share) marks the learner's setting when the
    weight is positive and the mean defined; the rare and other pixels' mean losses are dotted
    reference lines (the two ends the mean moves between).
    """
    order = np.argsort(sweep.weights, kind="stable")
    weights, means, shares = (
        sweep.weights[order],
        sweep.mean[order],
        sweep.rare_share[order],
    )
    positive = weights > 0
    w = _sig(weights[positive])
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": w,
            "y": _sig(means[positive]),
            "name": "mean loss (left axis)",
            "line": {"color": COLORS["ce"], "width": LINE_WIDTH},
            "hovertemplate": "rare weight %{x:.3g}<br>mean loss %{y:.4g}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": w,
            "y": _sig(100 * shares[positive]),
            "yaxis": "y2",
            "name": "rare class's share of the loss (right axis)",
            "line": {"color": RARE_COLOR, "width": LINE_WIDTH, "dash": "dash"},
            "hovertemplate": "rare weight %{x:.3g}<br>rare share %{y:.3g} %<extra></extra>",
        },
    ]
    for value, label in (
        (sweep.rare_mean, "rare pixels' own mean loss"),
        (sweep.other_mean, "other pixels' mean loss"),
    ):
        if np.isfinite(value):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": [w[0], w[-1]] if w.size else [],
                    "y": [round(value, 4)] * 2,
                    "name": label,
                    "line": {"color": COLORS["neutral"], "width": 2, "dash": "dot"},
                    "hovertemplate": label + ": %{y:.4g}<extra></extra>",
                }
            )
    if current is not None and current[0] > 0 and np.isfinite(current[1]):
        weight, mean, share = current
        marker = {
            "color": COLORS["accent"],
            "size": 15,
            "line": {"width": 2, "color": "#333"},
        }
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [weight],
                "y": [round(float(mean), 4)],
                "name": f"your weight {weight:g}",
                "marker": marker,
                "legendgroup": "yours",
                "hovertemplate": "your weight %{x:g}<br>mean loss %{y:.4g}<extra></extra>",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [weight],
                "y": [round(100 * float(share), 3)],
                "yaxis": "y2",
                "showlegend": False,
                "marker": marker,
                "legendgroup": "yours",
                "name": f"your weight {weight:g}",
                "hovertemplate": "your weight %{x:g}<br>rare share %{y:.3g} %<extra></extra>",
            }
        )
    layout = _layout(
        title=title,
        x_title="rare-class weight (log; others 1)",
        y_title="mean loss",
        height=440,
        legend_rows=2,
        xaxis={"type": "log"},
        yaxis={"rangemode": "tozero"},
    )
    layout["yaxis2"] = {
        **copy.deepcopy({k: v for k, v in layout["yaxis"].items() if k != "title"}),
        "title": {
            "text": "rare share of the loss (%)",
            "font": layout["yaxis"]["title"]["font"],
        },
        "overlaying": "y",
        "side": "right",
        "range": [0, 105],
        "tickmode": "linear",
        "tick0": 0,
        "dtick": 20,
        "showgrid": False,
    }
    layout["margin"]["r"] = 80
    return _figure(data, layout)


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _categorical_scale(colors) -> list:
    """A stepped colour scale: value k in [k − 0.5, k + 0.5] gets colors[k] (with zmin −0.5)."""
    n = len(colors)
    scale = []
    for k, color in enumerate(colors):
        scale.append([k / n, color])
        scale.append([(k + 1) / n, color])
    return scale


def _hatch(mask, xaxis: str, yaxis: str, *, show: bool):
    """Thin crosses on every ignored pixel (a hatch pattern heatmaps cannot draw themselves)."""
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        return None
    return {
        "type": "scatter",
        "mode": "markers",
        "x": cols.astype(np.int16),
        "y": rows.astype(np.int16),
        "xaxis": xaxis,
        "yaxis": yaxis,
        "marker": {
            "symbol": "x-thin",
            "size": 7,
            "color": _HATCH_COLOR,
            "line": {"width": 1.2, "color": _HATCH_COLOR},
        },
        "name": "ignored (not in the loss)",
        "showlegend": show,
        "legendgroup": "ignored",
        "hovertemplate": "row %{y}, column %{x}<br>ignored: loss 0, not in the mean<extra></extra>",
    }


def _legend_square(name: str, color: str, *, hatch: bool = False) -> dict:
    marker = {
        "symbol": "square",
        "size": 16,
        "color": color,
        "line": {"width": 1, "color": _HATCH_COLOR},
    }
    if hatch:
        marker["symbol"] = "square-x"
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [None],
        "y": [None],
        "name": name,
        "marker": marker,
        "hoverinfo": "skip",
        "legendgroup": "ignored" if hatch else name,
    }


def _apply_axes(layout: dict, axes: dict) -> None:
    """Give every subplot axis the house axis style, then its own settings."""
    base = {
        name: {k: v for k, v in layout[name].items() if k != "title"}
        for name in ("xaxis", "yaxis")
    }
    title_font = layout["xaxis"]["title"]["font"]
    for name, settings in axes.items():
        merged = copy.deepcopy(base[name[:5]])
        merged.update(settings)
        merged["title"] = {"font": title_font, **settings.get("title", {})}
        layout[name] = merged

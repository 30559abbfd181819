"""Figures for the "numerical stability" lesson: naive vs stable loss along the logit, and Keras'
epsilon clipping vs the logit loss. Plotly only (no Streamlit).

Builders take the core's results (``lossviz.stability.LossCurves``, ``ClippingCurves``,
``ClippingPoint``) and return styled figures built from plain dicts. Values a formula returns as
inf or NaN (and 0 on a log axis) cannot be drawn: they become gaps, and a marker with a label
shows where each break starts.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lossviz.figures._style import COLORS, DASHES, FONT_SIZE, LINE_WIDTH
from lossviz.figures._style import house_figure as _styled
from lossviz.stability import FORMULAS, ClippingCurves, ClippingPoint, LossCurves

__all__ = ["breakdown_figure", "clipping_figure"]

_LOG_FLOOR = 1e-18

_BREAK_TEXT = {"inf": "inf", "nan": "NaN", "zero": "0"}


def breakdown_figure(curves: LossCurves, *, log_y: bool = True, height: int = 520) -> go.Figure:
    """The naive formula's loss and its stable counterpart's against z, with the break points.

    Each break is a vertical dotted line and a marker on the stable curve (the value the naive
    formula should have returned), labelled with what it returns from there on. On a log axis a
    returned 0 leaves a gap, which is the point: the stable curve goes on.
    """
    naive = FORMULAS[curves.formula]
    stable = FORMULAS[curves.counterpart]
    data = [
        _curve(curves.z, curves.stable, f"{stable.label} (stable)", COLORS["ce"], DASHES[0], log_y),
        _curve(curves.z, curves.naive, f"{naive.label} (naive)", COLORS["mse"], DASHES[1], log_y),
    ]
    low, high = _log_range(curves)
    shapes = []
    if curves.breaks:
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": "naive formula breaks (returns inf, NaN or 0 from here)",
                "x": [b.z for b in curves.breaks],
                "y": [min(max(b.exact, low), high) if log_y else b.exact for b in curves.breaks],
                "text": [_break_label(b.kind, b.z) for b in curves.breaks],
                # Beside the marker, on the side where the naive curve stopped; below it when the
                # curve runs flat at the top (a large loss), so the text does not sit on the line.
                "textposition": [
                    f"{'bottom' if b.exact >= 1 else 'middle'} {'left' if b.z < 0 else 'right'}"
                    for b in curves.breaks
                ],
                "textfont": {"size": FONT_SIZE},  # theme text colour: 4.5:1 on both papers
                "marker": {"symbol": "x-thin-open", "size": 16, "line": {"width": 3}, "color": COLORS["accent"]},
                "customdata": [[_BREAK_TEXT[b.kind], b.exact] for b in curves.breaks],
                "hovertemplate": "from z = %{x:.6g} the naive formula returns %{customdata[0]}"
                "<br>exact loss there: %{customdata[1]:.4g}<extra></extra>",
            }
        )
        shapes = [
            {
                "type": "line",
                "x0": b.z,
                "x1": b.z,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": COLORS["accent"], "width": 2, "dash": "dot"},
            }
            for b in curves.breaks
        ]
    layout = {
        "shapes": shapes,
        "yaxis": (
            {"type": "log", "exponentformat": "power", "range": [np.log10(low), np.log10(high)]}
            if log_y
            else {"type": "linear"}
        ),
        "hovermode": "closest",
    }
    return _styled(
        data,
        layout,
        title=f"Loss vs logit, {curves.dtype}, y = {curves.y}",
        x_title="logit z",
        y_title="loss (log scale)" if log_y else "loss",
        height=height,
    )


def clipping_figure(curves: ClippingCurves, point: ClippingPoint, *, height: int = 660) -> go.Figure:
    """Keras' clipped BCE on p = σ(z) vs BCE with logits (top) and their gradients ∂/∂z (bottom).

    The shaded bands are where p falls outside [eps, 1 − eps], so the clipped loss is flat and
    its gradient 0; the marker is the learner's logit.
    """
    clip_name = f"Keras BCE on p = σ(z), eps = {curves.eps:.0e}"
    data = [
        _line(curves.z, curves.logits, "BCE with logits", COLORS["ce"], DASHES[0], "x", "y", "loss"),
        _line(curves.z, curves.clipped, clip_name, COLORS["mse"], DASHES[1], "x", "y", "loss"),
        _line(curves.z, curves.logits_grad_z, "∂/∂z, BCE with logits", COLORS["ce"], DASHES[0], "x2", "y2",
              "∂loss/∂z", legend=False),
        _line(curves.z, curves.clipped_grad_z, "∂/∂z, clipped BCE", COLORS["mse"], DASHES[1], "x2", "y2",
              "∂loss/∂z", legend=False),
        {
            "type": "scatter",
            "mode": "markers",
            "name": f"z = {point.z:g}",
            "x": [point.z, point.z],
            "y": [point.logits, point.clipped],
            "xaxis": "x",
            "yaxis": "y",
            "marker": {"size": 13, "color": COLORS["accent"], "symbol": "circle"},
            "customdata": [["BCE with logits"], ["clipped BCE"]],
            "hovertemplate": "%{customdata[0]} at z = %{x:.4g}: %{y:.6g}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": f"z = {point.z:g}",
            "showlegend": False,
            "x": [point.z, point.z],
            "y": [point.logits_grad_z, point.clipped_grad_z],
            "xaxis": "x2",
            "yaxis": "y2",
            "marker": {"size": 13, "color": COLORS["accent"], "symbol": "circle"},
            "customdata": [["BCE with logits"], ["clipped BCE"]],
            "hovertemplate": "∂/∂z of %{customdata[0]} at z = %{x:.4g}: %{y:.6g}<extra></extra>",
        },
    ]
    z_min, z_max = float(curves.z[0]), float(curves.z[-1])
    shapes = []
    for x0, x1 in ((z_min, curves.z_low), (curves.z_high, z_max)):
        if x1 > x0:
            for yref in ("y domain", "y2 domain"):
                shapes.append(
                    {
                        "type": "rect",
                        "x0": x0,
                        "x1": x1,
                        "xref": "x",
                        "y0": 0,
                        "y1": 1,
                        "yref": yref,
                        "fillcolor": COLORS["neutral"],
                        "opacity": 0.18,
                        "line": {"width": 0},
                        "layer": "below",
                    }
                )
    shapes.append(
        {
            "type": "line",
            "x0": z_min,
            "x1": z_max,
            "xref": "x",
            "y0": curves.cap,
            "y1": curves.cap,
            "yref": "y",
            "line": {"color": COLORS["neutral"], "width": 2, "dash": "dot"},
        }
    )
    annotations = [
        {
            "x": z_max if curves.y == 0 else z_min,
            "y": curves.cap,
            "xref": "x",
            "yref": "y",
            "text": f"cap −log(eps) = {curves.cap:.4g}",
            "showarrow": False,
            "xanchor": "right" if curves.y == 0 else "left",
            "yanchor": "bottom",
            "font": {"size": FONT_SIZE - 2},
        },
        {
            "x": 0.5 * (z_min + curves.z_low) if curves.y == 1 else 0.5 * (curves.z_high + z_max),
            "y": 0.5,
            "xref": "x",
            "yref": "y2 domain",
            "text": "p clipped: gradient 0",
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"size": FONT_SIZE - 2},
        },
    ]
    layout = {
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {"domain": [0, 1], "anchor": "y", "matches": "x2", "title": {"text": "logit z"}},
        "yaxis": {"domain": [0.52, 1.0], "title": {"text": "loss"}},
        "xaxis2": {"domain": [0, 1], "anchor": "y2", "title": {"text": "logit z"}},
        "yaxis2": {"domain": [0.0, 0.42], "title": {"text": "∂loss/∂z"}},
        "hovermode": "closest",
    }
    return _styled(data, layout, title=f"Clipped p vs logit, y = {curves.y}", height=height)


def _curve(z, values, name, color, dash, log_y):
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": z,
        "y": _drawable_array(values, log_y),
        "line": {"color": color, "width": LINE_WIDTH, "dash": dash},
        "connectgaps": False,
        "hovertemplate": f"{name}<br>z = %{{x:.6g}}<br>loss = %{{y:.6g}}<extra></extra>",
    }


def _line(x, y, name, color, dash, xaxis, yaxis, quantity, *, legend=True):
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "showlegend": legend,
        "x": x,
        "y": y,
        "xaxis": xaxis,
        "yaxis": yaxis,
        "line": {"color": color, "width": LINE_WIDTH, "dash": dash},
        "hovertemplate": f"{name}<br>z = %{{x:.4g}}<br>{quantity} = %{{y:.6g}}<extra></extra>",
    }


def _drawable_array(values: np.ndarray, log_y: bool) -> np.ndarray:
    """inf and NaN (and 0 on a log axis) become NaN, which Plotly draws as a gap."""
    out = np.array(values, dtype=np.float64)
    bad = ~np.isfinite(out)
    if log_y:
        bad |= out <= 0
    out[bad] = np.nan
    return out


def _log_range(curves: LossCurves) -> tuple[float, float]:
    """The log axis' range: from 1e-18 (or 100x below the smallest loss a naive formula rounds
    to 0) to 3x the largest loss. The stable curve keeps falling below it (to 1e-300 and less),
    which would flatten everything a learner needs to see into one line at the top."""
    zeros = [b.exact for b in curves.breaks if b.kind == "zero" and b.exact > 0]
    low = min([_LOG_FLOOR] + [0.01 * value for value in zeros])
    finite = curves.stable[np.isfinite(curves.stable)]
    high = 3.0 * float(finite.max()) if finite.size else 10.0
    return low, max(high, 10.0 * low)


def _break_label(kind: str, z: float) -> str:
    """Text beside a break marker, on the side where the naive curve has stopped."""
    return f"{_BREAK_TEXT[kind]} ←  " if z < 0 else f"  → {_BREAK_TEXT[kind]}"

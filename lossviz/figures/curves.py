"""Figures for the "cross-entropy vs squared error" lesson: loss and gradient curves with the
learner's marker, and the check of seed 000's e⁻² claim. Plotly only (no Streamlit).

Each builder takes the core's results (``lossviz.curves.LossCurves``, ``MarkerReadout``,
``SeedFacts``) and returns a ``go.Figure`` built from one plain dict whose layout is the house
style (``house_layout``: ``style_figure``'s result, memoized), because calling ``style_figure``
on every rerun costs tens of milliseconds of Plotly validation per figure. Arrays are sent as
float32, which Plotly encodes compactly and which keeps 7 significant digits.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import plotly.graph_objects as go

from lossviz.curves import SEED_LEVEL, VARIABLES, LossCurves, MarkerReadout, SeedFacts
from lossviz.figures._style import COLORS, FONT_SIZE, LINE_WIDTH, fast_figure, style_figure

__all__ = ["LEGEND_BELOW", "gradient_figure", "house_layout", "loss_figure", "seed_check_figure"]

_GRADIENT_CLIP = 8.0
LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.0, "xanchor": "left"}
"""A legend under the x-axis title, so that long titles and legends never collide on narrow screens."""
_MARGIN_BELOW = {"b": 120}
_VARIABLE_SYMBOL = {"p": "p", "z": "z"}


def loss_figure(curves: LossCurves, readout: MarkerReadout, *, height: int = 460) -> go.Figure:
    """CE and MSE against p (or z) for one label, with the marker's values as points."""
    v = curves.variable
    s = _VARIABLE_SYMBOL[v]
    marker_x = readout.p if v == "p" else readout.z
    data = [
        _line(curves.x, curves.ce, "cross-entropy", COLORS["ce"], "solid", v, "CE"),
        _line(curves.x, curves.mse, "squared error", COLORS["mse"], "dash", v, "MSE"),
        _points([marker_x, marker_x], [readout.ce, readout.mse], ["CE", "MSE"], v),
    ]
    layout = house_layout(
        title=f"Loss vs {s} (y = {readout.y:g})",
        x_title=VARIABLES[v],
        y_title="loss",
        height=height,
        shapes=[_marker_line(marker_x)],
        legend=dict(LEGEND_BELOW),
        margin=dict(_MARGIN_BELOW),
    )
    return fast_figure(data, layout)


def gradient_figure(curves: LossCurves, readout: MarkerReadout, *, height: int = 460) -> go.Figure:
    """∂CE and ∂MSE with respect to p (or z), with the marker's values as points.

    Over p the CE gradient ±1/p runs off to infinity, so the y axis is cut at ±8 and an
    annotation gives the marker's value when it lies off the chart.
    """
    v = curves.variable
    s = _VARIABLE_SYMBOL[v]
    marker_x = readout.p if v == "p" else readout.z
    ce_at, mse_at = (readout.ce_grad_p, readout.mse_grad_p) if v == "p" else (readout.ce_grad_z, readout.mse_grad_z)
    data = [
        _line(curves.x, curves.ce_grad, f"∂CE/∂{s}", COLORS["ce"], "solid", v, f"∂CE/∂{s}"),
        _line(curves.x, curves.mse_grad, f"∂MSE/∂{s}", COLORS["mse"], "dash", v, f"∂MSE/∂{s}"),
        _points([marker_x, marker_x], [ce_at, mse_at], [f"∂CE/∂{s}", f"∂MSE/∂{s}"], v),
    ]
    shapes = [_marker_line(marker_x), _zero_line()]
    layout: dict = {"shapes": shapes, "legend": dict(LEGEND_BELOW), "margin": dict(_MARGIN_BELOW)}
    if v == "p":
        low, high = (-_GRADIENT_CLIP, 1.0) if readout.y == 1.0 else (-1.0, _GRADIENT_CLIP)
        layout["yaxis"] = {"range": [low, high]}
        if not low <= ce_at <= high:
            layout["annotations"] = [
                {
                    "x": marker_x,
                    "y": low if ce_at < low else high,
                    "xref": "x",
                    "yref": "y",
                    "text": f"∂CE/∂p = {ce_at:.4g} (off the chart)",
                    "showarrow": True,
                    "arrowhead": 2,
                    "ax": 90 if marker_x < 0.5 else -90,
                    "ay": -30 if ce_at < low else 30,
                    "font": {"size": FONT_SIZE - 2, "color": COLORS["ce"]},
                }
            ]
    layout = house_layout(
        title=f"Gradient ∂loss/∂{s} (y = {readout.y:g})",
        x_title=VARIABLES[v],
        y_title=f"∂loss/∂{s}",
        height=height,
        **layout,
    )
    return fast_figure(data, layout)


def seed_check_figure(curves: LossCurves, facts: SeedFacts, *, height: int = 480) -> go.Figure:
    """Seed 000's e⁻² claim on a log scale: |∂CE/∂p| stays above |∂MSE/∂p| everywhere, and e⁻²
    is where the CE loss (not its gradient) crosses 2.

    ``curves`` must be over p for the label of ``facts``.
    """
    if curves.variable != "p" or curves.y != facts.y:
        raise ValueError(
            f"curves must be over p for label y = {facts.y:g}; got variable {curves.variable!r}, y = {curves.y:g}"
        )
    t = facts.threshold
    data = [
        _line(curves.x, np.abs(curves.ce_grad), "|∂CE/∂p|", COLORS["ce"], "solid", "p", "|∂CE/∂p|"),
        _line(curves.x, np.abs(curves.mse_grad), "|∂MSE/∂p|", COLORS["mse"], "dash", "p", "|∂MSE/∂p|"),
        _line(curves.x, curves.ce, "CE loss −log p" if facts.y == 1.0 else "CE loss −log(1 − p)",
              COLORS["sigmoid"], "dot", "p", "CE loss"),
        {
            "type": "scatter",
            "x": [t],
            "y": [SEED_LEVEL],
            "mode": "markers",
            "name": f"CE loss = {SEED_LEVEL:g} at p = {t:.4f}",
            "marker": {"size": 14, "color": COLORS["accent"], "symbol": "diamond", "line": {"width": 1}},
            "hovertemplate": f"CE loss = {SEED_LEVEL:g}<br>p = {t:.6f}<extra></extra>",
        },
    ]
    layout = {
        "yaxis": {"type": "log", "exponentformat": "power"},
        "legend": dict(LEGEND_BELOW),
        "margin": dict(_MARGIN_BELOW),
        "shapes": [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": SEED_LEVEL,
                "y1": SEED_LEVEL,
                "line": {"color": COLORS["neutral"], "dash": "dash", "width": 2},
            },
            {
                "type": "line",
                "xref": "x",
                "x0": t,
                "x1": t,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": COLORS["accent"], "dash": "dot", "width": 2},
            },
        ],
        "annotations": [
            {
                # On the side away from the seed's threshold, where the curves are far apart.
                "xref": "paper",
                "x": 1.0 if facts.y == 1.0 else 0.0,
                "xanchor": "right" if facts.y == 1.0 else "left",
                "yref": "y",
                "y": np.log10(SEED_LEVEL),
                "yanchor": "bottom",
                "text": f"{SEED_LEVEL:g} = the largest |∂MSE/∂p|",
                "showarrow": False,
                "font": {"size": FONT_SIZE - 2},
            },
            {
                "xref": "x",
                "x": t,
                "xanchor": "left" if facts.y == 1.0 else "right",
                "yref": "paper",
                "y": 0.02,
                "text": "p = e⁻²" if facts.y == 1.0 else "p = 1 − e⁻²",
                "showarrow": False,
                "font": {"size": FONT_SIZE - 2, "color": COLORS["accent"]},
            },
        ],
    }
    layout = house_layout(
        title=f"Seed check (y = {facts.y:g}): the gradients never cross",
        x_title=VARIABLES["p"],
        y_title="size (log scale)",
        height=height,
        **layout,
    )
    return fast_figure(data, layout)


def house_layout(
    *,
    title: str | None,
    x_title: str,
    y_title: str,
    height: int = 420,
    show_legend: bool = True,
    **overrides,
) -> dict:
    """The layout ``style_figure`` would produce, as a plain dict, with ``overrides`` merged in.

    ``style_figure`` is applied once per (height, title present, show_legend) to an empty figure and
    the result memoized without its template (Plotly adds the default template itself, and
    validating a template dict is what makes figure construction slow). Nested dicts in
    ``overrides`` (e.g. ``yaxis={"type": "log"}``) are merged key by key; other values replace
    (and are not copied: pass fresh objects).
    """
    layout = json.loads(_base_layout(int(height), title is not None, bool(show_legend)))
    if title is not None:
        layout["title"]["text"] = title
    layout["xaxis"]["title"]["text"] = x_title
    layout["yaxis"]["title"]["text"] = y_title
    _merge(layout, overrides)
    return layout


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _base_layout(height: int, has_title: bool, show_legend: bool) -> str:
    """``style_figure``'s layout for an empty figure, without the template, as JSON text (a fresh
    copy is one ``json.loads`` away)."""
    fig = style_figure(
        go.Figure(), title="title" if has_title else None, x_title="x", y_title="y", height=height, legend=show_legend
    )
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)
    return json.dumps(layout)


def _merge(target: dict, updates: dict) -> None:
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value



def _line(x, y, name, color, dash, variable, label, *, width=LINE_WIDTH) -> dict:
    return {
        "type": "scatter",
        "x": np.asarray(x, dtype=np.float32),
        "y": np.asarray(y, dtype=np.float32),
        "mode": "lines",
        "name": name,
        "line": {"color": color, "dash": dash, "width": width},
        "hovertemplate": f"{variable} = %{{x:.4g}}<br>{label} = %{{y:.4g}}<extra></extra>",
    }


def _points(x, y, labels, variable) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "markers",
        "name": "your marker",
        "customdata": labels,
        "marker": {"size": 14, "color": COLORS["accent"], "line": {"width": 2, "color": COLORS["neutral"]}},
        "hovertemplate": f"{variable} = %{{x:.4g}}<br>%{{customdata}} = %{{y:.4g}}<extra>marker</extra>",
    }


def _marker_line(x) -> dict:
    return {
        "type": "line",
        "xref": "x",
        "x0": x,
        "x1": x,
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "line": {"color": COLORS["accent"], "dash": "dot", "width": 2},
    }


def _zero_line() -> dict:
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": 0,
        "y1": 0,
        "line": {"color": COLORS["neutral"], "width": 1},
    }

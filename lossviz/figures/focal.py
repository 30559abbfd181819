"""Figures of the focal-loss lesson: arrays (or lossviz.focal results) in, go.Figure out.

Curves over p_t for several γ (loss, modulating factor, logit gradient) with the learner's γ
highlighted and the learner's point marked; for the imbalanced toy set, the two decision
boundaries over the data, the easy examples' share of the loss per epoch, the minority class's
precision / recall / F1, and the easy share when easy examples are multiplied.

Figures are built from plain dicts (several times faster than adding traces one by one) on the
house layout of ``style_figure``, memoized; plotted floats are rounded to 4 significant digits.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lossviz.figures._style import COLORS, DASHES, LINE_WIDTH, SEQUENCE
from lossviz.figures._style import fast_figure as _figure
from lossviz.figures._style import plain_layout as _layout
from lossviz.figures._style import round_significant as _sig

__all__ = [
    "boundaries_figure",
    "easy_share_figure",
    "focal_gradient_figure",
    "focal_loss_figure",
    "minority_metrics_figure",
    "modulating_figure",
    "replication_figure",
]

_RUN_STYLES = (
    (COLORS["ce"], "solid"),
    (COLORS["focal"], "dash"),
    (COLORS["softmax"], "dot"),
)
_PATTERNS = ("", "/", ".")
_GAMMA_COLORS = (
    COLORS["ce"],
    SEQUENCE[5],
    COLORS["softmax"],
    COLORS["focal"],
    COLORS["mse"],
    SEQUENCE[7],
)


# --------------------------------------------------------------------------------------------
# Curves over p_t
# --------------------------------------------------------------------------------------------


def focal_loss_figure(
    curves, *, gamma: float, point=None, title: str | None = None
) -> go.Figure:
    """FL = −α_t·(1 − p_t)^γ·log p_t against p_t, one line per γ, plus plain cross-entropy.

    ``curves`` is a ``lossviz.focal.FocalCurves`` whose gammas include ``gamma`` (the learner's,
    drawn thicker); ``point`` a ``FocalPoint`` marked on it.
    """
    reference = {"name": "cross-entropy −log p_t (no α)", "y": curves.ce}
    # Scale to the focal curves (α_t can shrink them 4×); the cross-entropy reference may leave the
    # top of the plot, which itself shows how much larger it is.
    top = float(np.max(curves.loss)) if curves.loss.size else 0.0
    return _family_figure(
        curves,
        curves.loss,
        gamma=gamma,
        symbol="FL",
        reference=reference,
        point_y=None if point is None else point.focal,
        point=point,
        title=title,
        y_title="loss",
        y_range=[0, min(5.2, 1.15 * top) if top > 0 else 1.0],
    )


def modulating_figure(
    curves, *, gamma: float, point=None, title: str | None = None
) -> go.Figure:
    """The modulating factor (1 − p_t)^γ against p_t, one line per γ (γ = 0 is the constant 1)."""
    return _family_figure(
        curves,
        curves.modulating,
        gamma=gamma,
        symbol="(1 − p_t)^γ",
        reference=None,
        point_y=None if point is None else point.modulating,
        point=point,
        title=title,
        y_title="(1 − p_t)^γ",
        y_range=[0, 1.05],
    )


def focal_gradient_figure(
    curves, *, gamma: float, point=None, title: str | None = None
) -> go.Figure:
    """|∂FL/∂z| against p_t, one line per γ, plus cross-entropy's |∂CE/∂z| = 1 − p_t."""
    reference = {"name": "cross-entropy: 1 − p_t", "y": curves.ce_grad_magnitude}
    return _family_figure(
        curves,
        curves.grad_magnitude,
        gamma=gamma,
        symbol="|∂FL/∂z|",
        reference=reference,
        point_y=None if point is None else abs(point.focal_grad),
        point=point,
        title=title,
        y_title="|∂loss/∂z|",
        y_range=[0, 1.05],
    )


# --------------------------------------------------------------------------------------------
# The imbalanced toy set
# --------------------------------------------------------------------------------------------


def boundaries_figure(runs, *, title: str | None = None) -> go.Figure:
    """The data (negatives small, positives large) and each run's decision boundary P(y = 1) = 0.5.

    ``runs`` is a sequence of (label, ``lossviz.focal.ImbalancedRun``) on the same data and grid;
    the first is drawn solid blue, the second dashed green, a third dotted purple.
    """
    X, y = runs[0][1].X, runs[0][1].y
    data = []
    for cls, name, color, size, symbol in (
        (
            0,
            f"negatives, y = 0 ({int((y == 0).sum())})",
            COLORS["neutral"],
            7,
            "circle",
        ),
        (
            1,
            f"positives, y = 1 ({int((y == 1).sum())}, the rare class)",
            COLORS["accent"],
            13,
            "diamond",
        ),
    ):
        pts = X[y == cls]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": _sig(pts[:, 0]),
                "y": _sig(pts[:, 1]),
                "name": name,
                "marker": {
                    "color": color,
                    "size": size,
                    "symbol": symbol,
                    "line": {"width": 1, "color": "#333"},
                },
                "hovertemplate": f"y = {cls}<br>x₁ = %{{x:.3g}}, x₂ = %{{y:.3g}}<extra></extra>",
            }
        )
    for k, (label, run) in enumerate(runs):
        color, dash = _RUN_STYLES[k % len(_RUN_STYLES)]
        if run.surface.size == 0:
            continue
        data.append(
            {
                "type": "contour",
                "x": _sig(run.grid_x),
                "y": _sig(run.grid_y),
                "z": _sig(run.surface),
                "autocontour": False,
                "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                "line": {"color": color, "width": LINE_WIDTH + 1, "dash": dash},
                "showscale": False,
                "hoverinfo": "skip",
                "name": f"{label}: P(y = 1) = 0.5",
                "showlegend": False,
                "legendgroup": label,
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [None],
                "y": [None],
                "name": f"boundary, {label}",
                "line": {"color": color, "width": LINE_WIDTH + 1, "dash": dash},
                "legendgroup": label,
                "hoverinfo": "skip",
            }
        )
    first = runs[0][1]
    bounds = {}
    if first.grid_x.size:
        bounds = {
            "xaxis": {"range": [float(first.grid_x[0]), float(first.grid_x[-1])]},
            "yaxis": {"range": [float(first.grid_y[0]), float(first.grid_y[-1])]},
        }
    layout = _layout(
        title=title,
        x_title="feature x₁",
        y_title="feature x₂",
        height=640,
        legend_rows=3,
        **bounds,
    )
    layout["xaxis"]["constrain"] = "domain"
    layout["yaxis"].update({"scaleanchor": "x", "constrain": "domain"})
    return _figure(data, layout)


def easy_share_figure(runs, *, title: str | None = None) -> go.Figure:
    """Per recorded epoch, the easy points' share (%) of each run's own loss (solid) and of its
    total |∂ℓ/∂z| (dotted); ``runs`` is a sequence of (label, ``ImbalancedRun``)."""
    data = []
    for k, (label, run) in enumerate(runs):
        color, _ = _RUN_STYLES[k % len(_RUN_STYLES)]
        x = run.epochs.tolist()
        for values, what, dash in (
            (run.loss_share, "loss", "solid"),
            (run.grad_share, "|∂ℓ/∂z|", "dot"),
        ):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "y": _sig(100 * values),
                    "name": f"{label}: share of its {what}",
                    "line": {"color": color, "width": LINE_WIDTH, "dash": dash},
                    "customdata": run.easy_count.tolist(),
                    "hovertemplate": "epoch %{x}<br>easy points carry %{y:.3g} % of the "
                    + what
                    + "<br>easy points: %{customdata}<extra>"
                    + label
                    + "</extra>",
                }
            )
    layout = _layout(
        title=title,
        x_title="epoch",
        y_title="carried by easy points (%)",
        legend_rows=len(runs),
        yaxis={"rangemode": "tozero"},
    )
    return _figure(data, layout)


def minority_metrics_figure(runs, *, title: str | None = None) -> go.Figure:
    """Grouped bars: precision, recall and F1 of the rare class (y = 1) at the end of each run.

    An undefined precision (no positive predictions) is a missing bar labelled "undefined".
    """
    metrics = ("precision", "recall", "F1")
    data = []
    for k, (label, run) in enumerate(runs):
        color, _ = _RUN_STYLES[k % len(_RUN_STYLES)]
        values = _sig([run.precision, run.recall, run.f1])
        data.append(
            {
                "type": "bar",
                "x": list(metrics),
                "y": [None if np.isnan(v) else float(v) for v in values],
                "name": label,
                "marker": {
                    "color": color,
                    "pattern": {"shape": _PATTERNS[k % len(_PATTERNS)]},
                },
                "text": ["undefined" if np.isnan(v) else f"{v:.2f}" for v in values],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{x} = %{y:.3f}<extra>" + label + "</extra>",
            }
        )
    layout = _layout(
        title=title,
        x_title="metric of the rare class y = 1",
        y_title="value",
        height=400,
        legend_rows=len(runs) - 1,
        barmode="group",
        yaxis={"range": [0, 1.15]},
    )
    return _figure(data, layout)


def replication_figure(
    factors, ce_share, focal_share, *, current=None, title: str | None = None
):
    """The easy points' share (%) of CE and of FL if each easy point appeared m times (log m).

    ``current`` = (m, CE share, FL share) marks the learner's multiplier on both curves.
    """
    m = np.asarray(factors, dtype=float)
    data = []
    for k, (values, label, color, dash) in enumerate(
        (
            (ce_share, "cross-entropy", COLORS["ce"], "solid"),
            (focal_share, "focal loss", COLORS["focal"], "dash"),
        )
    ):
        y = 100 * np.asarray(values, dtype=float)
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": _sig(m),
                "y": _sig(y),
                "name": label,
                "line": {"color": color, "width": LINE_WIDTH, "dash": dash},
                "hovertemplate": "easy points × %{x:.3g}<br>their share: %{y:.3g} %<extra>"
                + label
                + "</extra>",
            }
        )
        if current is not None and np.isfinite(current[k + 1]):
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [current[0]],
                    "y": [round(100 * float(current[k + 1]), 3)],
                    "name": f"× {current[0]:g}",
                    "showlegend": False,
                    "marker": {
                        "color": COLORS["accent"],
                        "size": 14,
                        "line": {"width": 1.5, "color": color},
                    },
                    "hovertemplate": "easy points × %{x:g}<br>their share: %{y:.3g} %<extra>"
                    + label
                    + "</extra>",
                }
            )
    layout = _layout(
        title=title,
        x_title="easy points multiplied by m (log scale)",
        y_title="share carried by easy points (%)",
        xaxis={"type": "log"},
        yaxis={"range": [0, 102]},
    )
    return _figure(data, layout)


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _family_figure(
    curves, rows, *, gamma, symbol, reference, point_y, point, title, y_title, y_range
):
    x = _sig(curves.p_t)
    highlight = _highlight_index(curves.gammas, gamma)
    data = []
    if reference is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": _sig(reference["y"]),
                "name": reference["name"],
                "line": {
                    "color": COLORS["neutral"],
                    "width": LINE_WIDTH,
                    "dash": "dash",
                },
                "hovertemplate": "p_t = %{x:.3f}<br>%{y:.4g}<extra>cross-entropy</extra>",
            }
        )
    shown = set()
    for k, g in enumerate(curves.gammas):
        if k != highlight and (g in shown or g == gamma):
            continue
        shown.add(g)
        yours = k == highlight
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": _sig(rows[k]),
                "name": f"γ = {g:g}" + (" (yours)" if yours else ""),
                "line": {
                    "color": COLORS["accent"]
                    if yours
                    else _GAMMA_COLORS[k % len(_GAMMA_COLORS)],
                    "width": LINE_WIDTH + 2 if yours else LINE_WIDTH - 1,
                    "dash": "solid" if yours else DASHES[0],
                },
                "hovertemplate": f"γ = {g:g}<br>p_t = %{{x:.3f}}<br>{symbol} = %{{y:.4g}}<extra></extra>",
            }
        )
    if point is not None and point_y is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [round(point.p_t, 4)],
                "y": [float(_sig(point_y))],
                "name": f"your example, p_t = {point.p_t:g}",
                "marker": {
                    "color": COLORS["accent"],
                    "size": 16,
                    "symbol": "circle",
                    "line": {"width": 2, "color": "#333"},
                },
                "hovertemplate": f"your example<br>p_t = %{{x:.3f}}<br>{symbol} = %{{y:.4g}}<extra></extra>",
            }
        )
    layout = _layout(
        title=title,
        x_title="p_t, probability of the right class",
        y_title=y_title,
        legend_rows=2,
        xaxis={"range": [0, 1]},
        yaxis={"range": y_range},
    )
    return _figure(data, layout)


def _highlight_index(gammas, gamma) -> int:
    """The index of the learner's γ among ``gammas`` (its last occurrence)."""
    matches = [k for k, g in enumerate(gammas) if g == gamma]
    if not matches:
        raise ValueError(
            f"gamma must be one of the curves' gammas {tuple(gammas)}; got {gamma!r}"
        )
    return matches[-1]

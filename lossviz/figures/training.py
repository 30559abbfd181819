"""Figures of a toy training run (lesson "Why BCE pushes logits to extremes"): arrays in, go.Figure out.

``training_animation_figure`` is one Plotly animation (frames, a play button and an epoch slider,
played by the browser with no server round trips) of three panels: the decision boundary
P = 0.5 (and the contours P = 0.1 and 0.9) over the data, the histogram of logits and the
histogram of probabilities. Bins and axis ranges are fixed across frames so the motion is
visible. Beside it: the loss curve, the weight norm and the largest |logit| over epochs (one
figure, three panels), and a reliability diagram.

Histograms are pre-binned here (counts per fixed bin, stacked by class) rather than left to
Plotly, so that each frame carries a few dozen counts instead of every sample. Plotted floats are
rounded to 4 significant digits.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from lossviz.figures._style import (
    COLORS,
    FONT_SIZE,
    HOUSE_AXIS,
    LINE_WIDTH,
    animation_controls,
    fast_figure,
    style_layout,
    styled_figure,
)
from lossviz.figures.twoneuron import _sig

__all__ = [
    "logit_range",
    "reliability_figure",
    "training_animation_figure",
    "training_curves_figure",
]

_CLASS_STYLE = ((0, "negative", "diamond"), (1, "positive", "circle"))


def _plain(values) -> list:
    """Floats rounded to 4 significant digits, NaN as None (a break in a Plotly line)."""
    arr = _sig(values)
    nan = np.isnan(arr)
    if not nan.any():
        return arr.tolist()
    # An object array takes the None without a Python loop over the values.
    listed = arr.astype(object)
    listed[nan] = None
    return listed.tolist()


def _frame_lines(frames) -> list[tuple[list, list]]:
    """Per frame, the x and y lists of one scatter trace drawing its lines: ``_plain`` values, each
    line followed by a break (None).

    One rounding pass over the points of every frame (an animation has ~50 frames of a few short
    lines each, where a pass per line cost more in overhead than in arithmetic), then sliced back
    into frames; the lists are the same as line by line.
    """
    break_ = np.array([np.nan])
    per_frame = []
    for lines in frames:
        xs = [part for line in lines for part in (np.asarray(line[0], dtype=float).ravel(), break_)]
        ys = [part for line in lines for part in (np.asarray(line[1], dtype=float).ravel(), break_)]
        per_frame.append((xs, ys))
    sizes = [sum(part.size for part in xs) for xs, _ in per_frame]
    if not sum(sizes):
        return [([], []) for _ in per_frame]
    all_x = _plain(np.concatenate([part for xs, _ in per_frame for part in xs]))
    all_y = _plain(np.concatenate([part for _, ys in per_frame for part in ys]))
    ends = np.cumsum(sizes).tolist()
    starts = [0, *ends[:-1]]
    return [(all_x[a:b], all_y[a:b]) for a, b in zip(starts, ends, strict=True)]


def logit_range(logits) -> float:
    """A round half-width L ≥ 1 with every |logit| of every frame inside [−L, L]."""
    top = float(np.max(np.abs(logits))) if np.size(logits) else 0.0
    if top <= 1.0:
        return 1.0
    step = 10 ** math.floor(math.log10(top))
    for mult in (1, 2, 2.5, 5, 10):
        if mult * step >= top:
            return float(mult * step)
    return float(10 * step)


def training_animation_figure(
    X,
    y,
    epochs,
    logits,
    probs,
    boundary,
    *,
    band=None,
    x_range,
    y_range,
    weight_norm=None,
    bound: float | None = None,
    logit_bins: int = 40,
    prob_bins: int = 20,
    title: str | None = None,
    height: int = 700,
    frame_ms: int = 150,
) -> go.Figure:
    """One animation, one frame per recorded epoch: decision boundary, logit and probability histograms.

    Parameters
    ----------
    X : array_like, shape (n, 2)
        Training inputs (drawn once, not per frame).
    y : array_like, shape (n,)
        Labels 0 or 1 (each class its own colour, in the scatter and in the stacked histograms).
    epochs : array_like, shape (R,)
        The recorded epochs (frame names and slider labels).
    logits, probs : array_like, shape (R, n)
        Per recorded epoch, every sample's logit z and P(class 1).
    boundary : sequence of R pairs (xs, ys)
        The line P(class 1) = 0.5 per recorded epoch (``lossviz.twoneuron.surface_contours``),
        segments separated by NaN.
    band : sequence of R sequences of (xs, ys), optional
        Further probability contours per epoch (e.g. P = 0.1 and 0.9), drawn thin and dashed.
    x_range, y_range : (float, float)
        The extent of the decision panel (the surface grid's bounds).
    weight_norm : array_like, shape (R,), optional
        ‖W‖ per recorded epoch, written in the decision panel with the epoch and max |z|.
    bound : float, optional
        A logit bound (label smoothing's z*) drawn as dashed lines at ±bound on the logit
        histogram, when finite and inside its range.
    logit_bins, prob_bins : int
        Number of fixed histogram bins over [−L, L] (L from ``logit_range``) and over [0, 1].

    Notes
    -----
    Every animated trace is a scatter or a bar, which plotly.js can move between frames without
    redrawing the whole figure (``redraw: false``): a full redraw per frame (needed by heatmaps
    and contour traces) took longer than a frame on a loaded machine, and the decision panel then
    stayed blank while playing. Every array goes out as a plain list.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    epochs = np.asarray(epochs)
    logits = np.asarray(logits, dtype=float)
    probs = np.asarray(probs, dtype=float)
    half = logit_range(logits)
    logit_edges = np.linspace(-half, half, logit_bins + 1)
    prob_edges = np.linspace(0.0, 1.0, prob_bins + 1)
    logit_centres = _sig((logit_edges[:-1] + logit_edges[1:]) / 2).tolist()
    prob_centres = np.round((prob_edges[:-1] + prob_edges[1:]) / 2, 4).tolist()
    masks = [y == cls for cls, _, _ in _CLASS_STYLE]

    def counts(values, edges):
        return [np.histogram(values[mask], bins=edges)[0].tolist() for mask in masks]

    logit_counts = [counts(frame, logit_edges) for frame in logits]
    prob_counts = [counts(frame, prob_edges) for frame in probs]
    # Fixed y ranges from every frame but the first: at epoch 0 all samples often share one bin,
    # which would flatten every later frame; that one bar is cut off at the top instead.
    later = slice(1, None) if len(logit_counts) > 2 else slice(None)
    logit_top = max(max(a + b for a, b in zip(*c, strict=True)) for c in logit_counts[later])
    prob_top = max(max(a + b for a, b in zip(*c, strict=True)) for c in prob_counts[later])

    boundary_lines = _frame_lines([[boundary[frame]] for frame in range(len(boundary))])
    band_lines = _frame_lines(band) if band is not None else None

    def boundary_trace(frame):
        xs, ys = boundary_lines[frame]
        return {"type": "scatter", "x": xs, "y": ys}

    def band_trace(frame):
        xs, ys = band_lines[frame] if band_lines is not None else ([], [])
        return {"type": "scatter", "x": xs, "y": ys}

    def bar_traces(frame):
        traces = []
        for (cls, role, _), lc, pc in zip(_CLASS_STYLE, logit_counts[frame], prob_counts[frame], strict=True):
            for centres, values, axis, what in (
                (logit_centres, lc, "2", "logit"),
                (prob_centres, pc, "3", "P"),
            ):
                traces.append(
                    {
                        "type": "bar",
                        "x": centres,
                        "y": values,
                        "marker": {"color": COLORS[role]},
                        "name": f"class {cls}",
                        "legendgroup": f"class {cls}",
                        "showlegend": False,
                        "hovertemplate": f"class {cls}<br>{what} ≈ %{{x:.3g}}<br>%{{y}} samples<extra></extra>",
                        "xaxis": f"x{axis}",
                        "yaxis": f"y{axis}",
                    }
                )
        return traces

    lines = [
        {
            **boundary_trace(0),
            "mode": "lines",
            "line": {"color": COLORS["neutral"], "width": LINE_WIDTH},
            "name": "P = 0.5 (decision boundary)",
            "hoverinfo": "skip",
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            **band_trace(0),
            "mode": "lines",
            "line": {"color": COLORS["neutral"], "width": 1.5, "dash": "dash"},
            "name": "P = 0.1 and 0.9",
            "hoverinfo": "skip",
            "showlegend": band is not None,
            "xaxis": "x",
            "yaxis": "y",
        },
    ]
    scatter = [
        {
            "type": "scatter",
            "x": _sig(X[mask, 0]).tolist(),
            "y": _sig(X[mask, 1]).tolist(),
            "mode": "markers",
            "marker": {
                "color": COLORS[role],
                "size": 7,
                "symbol": symbol,
                "line": {"color": COLORS["neutral"], "width": 1},
            },
            "name": f"class {cls}",
            "legendgroup": f"class {cls}",
            "hovertemplate": f"class {cls}<br>x₁ = %{{x:.3g}}<br>x₂ = %{{y:.3g}}<extra></extra>",
            "xaxis": "x",
            "yaxis": "y",
        }
        for (cls, role, symbol), mask in zip(_CLASS_STYLE, masks, strict=True)
    ]
    labels = [str(int(e)) for e in epochs]

    def stats_text(frame):
        text = f"epoch {labels[frame]}<br>max |z| = {np.max(np.abs(logits[frame])):.3g}"
        if weight_norm is not None:
            text += f"<br>‖W‖ = {float(np.asarray(weight_norm)[frame]):.3g}"
        return text

    # The per-epoch numbers live in a text trace, not in the title: without a full redraw,
    # plotly.js moves traces between frames but leaves the title as it was.
    stats = {
        "type": "scatter",
        "x": [float(x_range[0])],
        "y": [float(y_range[1])],
        "mode": "text",
        "text": [stats_text(0)],
        "textposition": "bottom right",
        "textfont": {"size": FONT_SIZE - 1},
        "showlegend": False,
        "hoverinfo": "skip",
        "xaxis": "x",
        "yaxis": "y",
    }

    def frame_bars(frame):
        return [{"type": "bar", "y": t["y"]} for t in bar_traces(frame)]

    frames = [
        {
            "name": labels[r],
            "data": [boundary_trace(r), band_trace(r), *frame_bars(r), {"type": "scatter", "text": [stats_text(r)]}],
            "traces": [0, 1, 4, 5, 6, 7, 8],
        }
        for r in range(len(labels))
    ]
    axes = {
        "xaxis": {"domain": [0.0, 0.42], "range": list(map(float, x_range)), "title": {"text": "feature x₁"}},
        "yaxis": {"domain": [0.0, 1.0], "range": list(map(float, y_range)), "title": {"text": "feature x₂"}},
        "xaxis2": {"domain": [0.6, 1.0], "anchor": "y2", "range": [-half, half], "title": {"text": "logit z"}},
        "yaxis2": {"domain": [0.62, 1.0], "anchor": "x2", "range": [0, logit_top * 1.08], "title": {"text": "count"}},
        "xaxis3": {"domain": [0.6, 1.0], "anchor": "y3", "range": [0, 1], "title": {"text": "P(class 1)"}},
        "yaxis3": {"domain": [0.0, 0.38], "anchor": "x3", "range": [0, prob_top * 1.08], "title": {"text": "count"}},
    }
    # The layout is written out as plain dicts (style_figure's house style, then this figure's
    # own keys) and goes to fast_figure once: Plotly's validated setters cost more than the
    # rest of the figure.
    layout = {"barmode": "stack", "bargap": 0.05, **style_layout(title=title, height=height)}
    for name, axis in axes.items():
        layout[name] = {**axis, **HOUSE_AXIS, "title": {**axis["title"], **HOUSE_AXIS["title"]}}
    if bound is not None and math.isfinite(bound) and bound < half:
        line = {"color": COLORS["neutral"], "width": 2, "dash": "dash"}
        layout["shapes"] = [
            {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "xref": "x2", "yref": "y2 domain", "line": line}
            for x in (-bound, bound)
        ]
        layout["annotations"] = [
            {
                "x": bound,
                "y": 1,
                "xref": "x2",
                "yref": "y2 domain",
                "text": f"z* = ±{bound:.3g}",
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": FONT_SIZE - 2},
            }
        ]
    # The legend goes under the play controls, where it never covers the title or a panel.
    layout["margin"].update(t=60 if title else 30, b=250)
    layout["legend"] = {"orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.52, "yanchor": "top"}
    # Scatter and bar traces move without a full redraw; below the axis titles, with the slider's
    # "Epoch" label clear of the buttons.
    layout.update(animation_controls(labels, labels, frame_ms=frame_ms, redraw=False))
    layout["updatemenus"][0]["y"] = -0.16
    layout["sliders"][0].update(y=-0.12, x=0.24, len=0.76)
    return fast_figure([*lines, *scatter, *bar_traces(0), stats], layout, frames)


def training_curves_figure(
    epochs,
    loss,
    weight_norm,
    max_logit,
    *,
    loss_label: str = "training loss",
    bound: float | None = None,
    title: str | None = None,
    height: int = 560,
) -> go.Figure:
    """Three stacked panels over the epochs: the training loss (log scale), ‖W‖ and max |logit|.

    ``bound`` (optional) draws the label-smoothing optimum z* as a dashed line on the |logit| panel.
    """
    x = _sig(epochs)
    loss = np.asarray(loss, dtype=float)
    panels = (
        ("y", loss, COLORS["ce"], f"{loss_label}", "loss = %{y:.4g}"),
        ("y2", weight_norm, COLORS["focal"], "‖W‖", "‖W‖ = %{y:.4g}"),
        ("y3", max_logit, COLORS["mse"], "max |z|", "max |z| = %{y:.4g}"),
    )
    data = [
        {
            "type": "scatter",
            "x": x,
            "y": _sig(values),
            "mode": "lines",
            "line": {"color": color, "width": LINE_WIDTH},
            "name": name,
            "hovertemplate": f"epoch %{{x}}<br>{hover}<extra></extra>",
            "xaxis": "x",
            "yaxis": axis,
        }
        for axis, values, color, name, hover in panels
    ]
    if bound is not None and math.isfinite(bound):
        data.append(
            {
                "type": "scatter",
                "x": [x[0], x[-1]],
                "y": [bound, bound],
                "mode": "lines+text",
                "text": ["", f"z* = {bound:.3g}"],
                "textposition": "bottom left",
                "line": {"color": COLORS["neutral"], "width": 2, "dash": "dash"},
                "name": f"label-smoothing optimum z* = {bound:.3g}",
                "hoverinfo": "skip",
                "xaxis": "x",
                "yaxis": "y3",
            }
        )
    loss_axis = {"type": "log", "exponentformat": "power"} if np.all(loss > 0) else {}
    layout = {
        "xaxis": {"anchor": "y3", "title": {"text": "epoch"}},
        "yaxis": {"domain": [0.72, 1.0], "title": {"text": "loss (log)"}, **loss_axis},
        "yaxis2": {"domain": [0.37, 0.65], "anchor": "x", "title": {"text": "‖W‖"}, "rangemode": "tozero"},
        "yaxis3": {"domain": [0.0, 0.30], "anchor": "x", "title": {"text": "max |z|"}, "rangemode": "tozero"},
    }
    return styled_figure(data, layout, title=title, height=height, legend=False)


def reliability_figure(
    edges, counts, mean_confidence, observed_frequency, *, ece: float, title: str | None = None
) -> go.Figure:
    """Reliability diagram: observed frequency of class 1 against mean predicted P(class 1) per bin.

    Empty bins (NaN) are left out; marker area grows with the bin's sample count. The diagonal is
    perfect calibration; ``ece`` goes into the legend.
    """
    counts = np.asarray(counts)
    conf = np.asarray(mean_confidence, dtype=float)
    freq = np.asarray(observed_frequency, dtype=float)
    edges = np.asarray(edges, dtype=float)
    filled = counts > 0
    sizes = 8 + 30 * np.sqrt(counts[filled] / max(int(counts.max()), 1))
    ranges = [f"({edges[i]:.1f}, {edges[i + 1]:.1f}]" for i in np.flatnonzero(filled)]
    data = [
        {
            "type": "scatter",
            "x": [0, 1],
            "y": [0, 1],
            "mode": "lines",
            "line": {"color": COLORS["neutral"], "width": 2, "dash": "dash"},
            "name": "perfect calibration",
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": _sig(conf[filled]),
            "y": _sig(freq[filled]),
            "mode": "lines+markers",
            "marker": {"color": COLORS["ce"], "size": sizes.tolist()},
            "line": {"color": COLORS["ce"], "width": 2},
            "customdata": np.stack([counts[filled], ranges], axis=-1).tolist(),
            "name": f"model (ECE = {ece:.3g})",
            "hovertemplate": "bin %{customdata[1]}: %{customdata[0]} samples<br>mean P = %{x:.3g}"
            "<br>observed frequency = %{y:.3g}<extra></extra>",
        },
    ]
    layout = {"xaxis": {"range": [-0.03, 1.03]}, "yaxis": {"range": [-0.05, 1.05]}}
    return styled_figure(
        data,
        layout,
        title=title,
        x_title="mean predicted P(class 1) in the bin",
        y_title="fraction of class 1 in the bin",
        height=440,
        then={"legend": {"x": 1.0, "xanchor": "right", "y": 0.02, "yanchor": "bottom", "orientation": "v"}},
    )

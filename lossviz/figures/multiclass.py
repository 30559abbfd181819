"""Figures of the two softmax lessons: arrays (or lossviz.multiclass results) in, go.Figure out.

"Categorical CE and softmax gradients": softmax probabilities and the gradient s − y per logit,
the seed-001 loss comparison, and the loss and gradients of Keras' clipped probability path over
p_true. "Multi-label vs multi-class": both heads' probabilities and gradients per class, gradient
descent on the logits under each head, and the Keras accuracy trap (which labels binary_accuracy
counts, and both accuracies against the number of classes).

Figures are built from plain dicts in one ``fast_figure`` call (validated in the tests only). The house style is the layout
``style_figure`` produces, computed once per (height, legend, title) on an empty figure and merged
into each dict (``_figure``): calling ``style_figure`` on every figure costs about 25 ms each, as its
``update_*`` calls walk the template, and these pages draw up to five figures per rerun. Plotted
floats are rounded to 4 significant digits.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lossviz.figures._style import COLORS, FONT_SIZE, LINE_WIDTH, fast_figure, style_figure, thinned_indices

__all__ = [
    "clip_figure",
    "gradient_bars_figure",
    "heads_gradient_figure",
    "heads_probability_figure",
    "heads_training_figure",
    "probability_bars_figure",
    "seed_001_figure",
    "trap_grid_figure",
    "trap_sweep_figure",
]

_TRAP_OUTCOMES = (
    ("a 0, output ≤ threshold: a correct zero (counted right)", COLORS["sigmoid"]),
    ("a 1, output ≤ threshold: the missed class (counted wrong)", COLORS["mse"]),
    ("a 1, output > threshold: the class found (counted right)", COLORS["focal"]),
    ("a 0, output > threshold: a false alarm (counted wrong)", COLORS["accent"]),
)


# --------------------------------------------------------------------------------------------
# Lesson "Categorical CE and softmax gradients"
# --------------------------------------------------------------------------------------------


def probability_bars_figure(probabilities, true_class: int, *, title: str | None = None) -> go.Figure:
    """One bar per class: the softmax probability s_j, the true class in its own colour."""
    s = _sig(probabilities)
    classes = _class_labels(s.size)
    colors = [COLORS["ce"] if j == true_class else COLORS["softmax"] for j in range(s.size)]
    data = [
        {
            "type": "bar",
            "x": classes,
            "y": s,
            "marker": {"color": colors},
            "text": [_fmt(v) for v in s],
            "textposition": "outside",
            "cliponaxis": False,
            "name": "softmax probability",
            "customdata": ["true class" if j == true_class else "wrong class" for j in range(s.size)],
            "hovertemplate": "%{x} (%{customdata})<br>s = %{y:.4g}<extra></extra>",
        }
    ]
    return _figure(
        data,
        {"yaxis": {"range": [0, 1.12]}},
        title=title,
        x_title="class j",
        y_title="softmax probability s_j",
        legend=False,
    )


def gradient_bars_figure(gradient, true_class: int, *, keras_gradient=None, title: str | None = None) -> go.Figure:
    """One bar per logit: ∂loss/∂z_j = s_j − y_j (negative for the true class, positive elsewhere).

    ``keras_gradient`` (optional) adds Keras' clipped probability path as diamond markers, for
    when it differs from s − y.
    """
    g = _sig(gradient)
    classes = _class_labels(g.size)
    colors = [COLORS["ce"] if j == true_class else COLORS["softmax"] for j in range(g.size)]
    moves = ["raised" if v < 0 else "lowered" if v > 0 else "left alone" for v in g]
    data = [
        {
            "type": "bar",
            "x": classes,
            "y": g,
            "marker": {"color": colors},
            "text": [_fmt(v) for v in g],
            "textposition": "outside",
            "cliponaxis": False,
            "name": "s_j − y_j (logit path)",
            "customdata": moves,
            "hovertemplate": "%{x}<br>∂loss/∂z = %{y:.4g}<br>a descent step: z %{customdata}<extra></extra>",
        }
    ]
    if keras_gradient is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": classes,
                "y": _sig(keras_gradient),
                "marker": {"symbol": "diamond", "size": 14, "color": COLORS["accent"], "line": {"width": 1}},
                "name": "Keras probability path (clipped)",
                "hovertemplate": "%{x}<br>Keras path: %{y:.4g}<extra></extra>",
            }
        )
    layout = {"yaxis": {"range": [-1.2, 1.2], "zeroline": True, "zerolinewidth": 2}, "bargap": 0.3}
    return _figure(
        data,
        layout,
        title=title,
        x_title="logit z_j",
        y_title="∂loss/∂z_j = s_j − y_j",
        legend=keras_gradient is not None,
        legend_rows=2 if keras_gradient is not None else 0,
    )


def seed_001_figure(labels: Sequence[str], results: Sequence, *, title: str | None = None) -> go.Figure:
    """Grouped bars: for each typed vector, the literal CE, Keras' CE and the summed BCE.

    ``results`` are ``lossviz.multiclass.ProbabilityVectorLosses``, one per label.
    """
    series = (
        ("categorical CE read literally: −log p_true", "literal_ce", COLORS["neutral"]),
        ("Keras categorical_crossentropy (renormalised)", "keras_ce", COLORS["ce"]),
        ("summed BCE over all outputs (the thread's formula)", "summed_bce", COLORS["mse"]),
    )
    data = []
    for name, field, color in series:
        values = _sig([getattr(r, field) for r in results])
        data.append(
            {
                "type": "bar",
                "x": list(labels),
                "y": values,
                "name": name,
                "marker": {"color": color},
                "text": [f"{v:.3f}" for v in values],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{x}<br>" + name + " = %{y:.4g}<extra></extra>",
            }
        )
    top = max([max(d["y"]) for d in data] + [0.1])
    # Labels that do not fit above a narrow bar (phone width) are hidden rather than overlapping.
    layout = {"barmode": "group", "yaxis": {"range": [0, top * 1.2]}, "uniformtext": {"minsize": 12, "mode": "hide"}}
    return _figure(
        data, layout, title=title, x_title="probability vector", y_title="loss", height=460, legend_rows=len(series)
    )


def clip_figure(curves, *, current_p: float | None = None, title: str | None = None) -> go.Figure:
    """Three stacked panels over p_true (log axis): loss, |∂L/∂p| and ∂L/∂z_true, exact vs Keras.

    ``curves`` is a ``lossviz.multiclass.KerasClipCurves``. The Keras gradients are drawn only
    where they are non-zero; a shaded band marks p < eps, where they are 0. ``current_p`` (the true
    class's probability from the sliders) is drawn as a labelled vertical line across the panels.
    """
    p = curves.p
    eps = curves.eps
    keras_dp = np.where(curves.dldp_keras != 0.0, -curves.dldp_keras, np.nan)
    keras_dz = curves.dldz_keras
    panels = (
        ("y", curves.loss_exact, curves.loss_keras, "loss −log p_true"),
        ("y2", -curves.dldp_exact, keras_dp, "|∂L/∂p_true|"),
        ("y3", curves.dldz_exact, keras_dz, "∂L/∂z_true"),
    )
    x = _sig(p)
    data = []
    for axis, exact, keras, name in panels:
        first = axis == "y"
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": _sig(exact),
                "yaxis": axis,
                "name": "exact: logit path (PyTorch, from_logits=True)",
                "legendgroup": "exact",
                "showlegend": first,
                "line": {"color": COLORS["ce"], "width": LINE_WIDTH},
                "hovertemplate": f"p_true = %{{x:.3g}}<br>{name} = %{{y:.4g}}<extra>exact</extra>",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": _sig(keras),
                "yaxis": axis,
                "name": f"Keras: clipped to [eps, 1 − eps], eps = {eps:g}",
                "legendgroup": "keras",
                "showlegend": first,
                "connectgaps": False,
                "line": {"color": COLORS["mse"], "width": LINE_WIDTH, "dash": "dash"},
                "hovertemplate": f"p_true = %{{x:.3g}}<br>{name} = %{{y:.4g}}<extra>Keras</extra>",
            }
        )
    x_range = [float(np.log10(p[0])), 0.0]
    shapes = []
    if eps > 0:
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": p[0],
                "x1": eps,
                "y0": 0,
                "y1": 1,
                "fillcolor": COLORS["neutral"],
                "opacity": 0.15,
                "line": {"width": 0},
                "layer": "below",
            }
        )
    annotations = []
    if eps > 0:
        annotations.append(
            {
                "xref": "x",
                "yref": "paper",
                "x": float(np.log10(max(eps, p[0]))),
                "y": 1.0,
                "xanchor": "right",
                "yanchor": "top",
                "showarrow": False,
                "text": "p < eps: Keras<br>clips, gradient 0",
                "font": {"size": FONT_SIZE - 2},
            }
        )
    if current_p is not None and current_p > 0:
        # A log axis cannot show p = 0; a p below the grid is drawn at its left edge.
        shown = max(float(current_p), float(p[0]))
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": shown,
                "x1": shown,
                "y0": 0,
                "y1": 1,
                "line": {"color": COLORS["accent"], "width": 3},
            }
        )
        # The label goes on the side of the line with more room (the axis spans log10 p from p[0] to 1).
        right_half = np.log10(shown) > np.log10(p[0]) / 2
        annotations.append(
            {
                "xref": "x",
                "yref": "paper",
                "x": float(np.log10(shown)),
                "y": 0.33,
                "xanchor": "right" if right_half else "left",
                "yanchor": "bottom",
                "showarrow": False,
                "text": f" your p_true = {current_p:.3g} ",
                "font": {"size": FONT_SIZE - 2},  # theme text colour: 4.5:1 on both papers
            }
        )
    layout = {
        "xaxis": {
            "type": "log",
            "range": x_range,
            "anchor": "y3",
            "title": {"text": "p_true (log scale)"},
            "exponentformat": "power",
        },
        "yaxis": {"domain": [0.70, 1.0], "title": {"text": "loss"}},
        "yaxis2": {"domain": [0.36, 0.64], "type": "log", "title": {"text": "|∂L/∂p_true|"}, "exponentformat": "power"},
        "yaxis3": {"domain": [0.0, 0.30], "range": [-1.1, 0.1], "title": {"text": "∂L/∂z_true"}},
        "shapes": shapes,
        "annotations": annotations,
    }
    return _figure(data, layout, title=title, height=760, legend_rows=2)


# --------------------------------------------------------------------------------------------
# Lesson "Multi-label vs multi-class"
# --------------------------------------------------------------------------------------------


def heads_probability_figure(
    y, sigmoid_probabilities, softmax_probabilities=None, *, threshold: float = 0.5, title: str | None = None
) -> go.Figure:
    """Per class: the sigmoid head's σ(z_j) and the softmax head's s_j side by side, the target
    as markers and the 0.5 threshold as a dashed line. ``softmax_probabilities`` may be None (a
    softmax head cannot be trained on a target without a positive)."""
    y = np.asarray(y, dtype=float)
    classes = _class_labels(y.size)
    data = [_head_bars(classes, sigmoid_probabilities, "sigmoid head: σ(z_j)", COLORS["sigmoid"], "p")]
    if softmax_probabilities is not None:
        data.append(_head_bars(classes, softmax_probabilities, "softmax head: s_j", COLORS["softmax"], "s"))
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": classes,
            "y": y.tolist(),
            "name": "target y_j",
            "marker": {"symbol": "diamond", "size": 16, "color": COLORS["accent"], "line": {"width": 1}},
            "cliponaxis": False,
            "hovertemplate": "%{x}: target y = %{y:.0f}<extra></extra>",
        }
    )
    layout = {
        "barmode": "group",
        "uniformtext": {"minsize": 12, "mode": "hide"},
        "yaxis": {"range": [0, 1.15]},
        "shapes": [_hline(threshold, COLORS["neutral"])],
        "annotations": [
            {
                "xref": "paper",
                "x": 1.0,
                "xanchor": "right",
                "y": threshold,
                "yanchor": "bottom",
                "text": f"threshold {threshold:g}",
                "showarrow": False,
                "font": {"size": FONT_SIZE - 2},
            }
        ],
    }
    return _figure(
        data, layout, title=title, x_title="class j", y_title="probability of class j", legend_rows=len(data)
    )


def heads_gradient_figure(sigmoid_gradient, softmax_gradient=None, *, title: str | None = None) -> go.Figure:
    """Per class: ∂L/∂z_j of the sigmoid head (σ(z_j) − y_j) and of the softmax head (s_j − y_j/M)."""
    g = np.asarray(sigmoid_gradient, dtype=float)
    classes = _class_labels(g.size)
    data = [_head_bars(classes, g, "sigmoid + BCE: σ(z_j) − y_j", COLORS["sigmoid"], "∂L/∂z")]
    if softmax_gradient is not None:
        data.append(
            _head_bars(classes, softmax_gradient, "softmax + CE (1/M): s_j − y_j/M", COLORS["softmax"], "∂L/∂z")
        )
    layout = {
        "barmode": "group",
        "yaxis": {"range": [-1.25, 1.25], "zeroline": True, "zerolinewidth": 2},
        "uniformtext": {"minsize": 12, "mode": "hide"},
    }
    return _figure(data, layout, title=title, x_title="logit z_j", y_title="∂L/∂z_j", legend_rows=len(data))


TRAINING_POINTS = 400
"""Most steps ``heads_training_figure`` draws of a path (evenly spaced, the first and last always)."""


def heads_training_figure(
    y, sigmoid_path, softmax_path=None, *, learning_rate: float, title: str | None = None
) -> go.Figure:
    """Two stacked panels: each class's probability during gradient descent on the logits,
    sigmoid head on top, softmax head below (positive classes solid, negative classes dotted).
    The softmax panel marks 1/M, where its positives settle.

    A path of more than ``TRAINING_POINTS`` steps is drawn at that many evenly spaced steps, the
    first and last always among them (``thinned_indices``), in single precision: at 1,000 steps and
    10 classes the figure's JSON is 100 instead of 281 kB, and a few hundred pixels show no more."""
    y = np.asarray(y, dtype=float)
    sig = np.asarray(sigmoid_path, dtype=float)
    keep = thinned_indices(sig.shape[0], TRAINING_POINTS)
    steps = keep.astype(np.int32)  # the step numbers drawn: 4 bytes each on the wire
    n_positive = int(y.sum())
    data = []
    panels = [("y", sig, "sigmoid head")]
    if softmax_path is not None:
        panels.append(("y2", np.asarray(softmax_path, dtype=float), "softmax head"))
    shown = set()
    for axis, path, head in panels:
        for j in range(y.size):
            positive = y[j] == 1.0
            group = "positive class (y = 1)" if positive else "negative class (y = 0)"
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": steps,
                    "y": path[keep, j].astype(np.float32),
                    "yaxis": axis,
                    "name": group,
                    "legendgroup": group,
                    "showlegend": group not in shown,
                    "line": {
                        "color": COLORS["positive"] if positive else COLORS["negative"],
                        "width": LINE_WIDTH,
                        "dash": "solid" if positive else "dot",
                    },
                    "hovertemplate": f"{head}, class {j}<br>step %{{x}}: p = %{{y:.4g}}<extra></extra>",
                }
            )
            shown.add(group)
    layout = {
        "xaxis": {
            "anchor": "y2" if softmax_path is not None else "y",
            "title": {"text": f"gradient-descent step (learning rate {learning_rate:g})"},
        },
        "yaxis": {
            "domain": [0.56, 1.0] if softmax_path is not None else [0, 1],
            "range": [-0.03, 1.03],
            "title": {"text": "σ(z_j), sigmoid head"},
        },
        "shapes": [],
        "annotations": [],
    }
    if softmax_path is not None:
        layout["yaxis2"] = {"domain": [0.0, 0.44], "range": [-0.03, 1.03], "title": {"text": "s_j, softmax head"}}
        if n_positive >= 1:
            layout["shapes"].append({**_hline(1.0 / n_positive, COLORS["neutral"]), "yref": "y2"})
            layout["annotations"].append(
                {
                    "xref": "paper",
                    "x": 1.0,
                    "xanchor": "right",
                    "yref": "y2",
                    "y": 1.0 / n_positive,
                    "yanchor": "bottom",
                    "showarrow": False,
                    "text": f"1/M = 1/{n_positive}",
                    "font": {"size": FONT_SIZE - 2},
                }
            )
    return _figure(data, layout, title=title, height=620 if softmax_path is not None else 380, legend_rows=2)


def trap_grid_figure(y, p, *, threshold: float = 0.5, title: str | None = None) -> go.Figure:
    """A heatmap, samples × classes, of what ``binary_accuracy`` counts for each label: a correct
    zero, the missed 1, the found 1 or a false alarm. Pass the first few samples only."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    predicted = p > threshold
    outcome = np.where(y == 1.0, np.where(predicted, 2, 1), np.where(predicted, 3, 0))
    names = np.array([name.split(":")[1].strip() for name, _ in _TRAP_OUTCOMES])
    n_rows, n_classes = y.shape
    customdata = np.stack([y.astype(int).astype(str), np.vectorize(lambda v: f"{v:.3g}")(p), names[outcome]], axis=-1)
    n_outcomes = len(_TRAP_OUTCOMES)
    colorscale = []
    for k, (_, color) in enumerate(_TRAP_OUTCOMES):
        colorscale += [[k / n_outcomes, color], [(k + 1) / n_outcomes, color]]
    data = [
        {
            "type": "heatmap",
            "z": outcome.tolist(),
            "x": list(range(n_classes)),
            "y": [f"sample {i}" for i in range(n_rows)],
            "zmin": -0.5,
            "zmax": n_outcomes - 0.5,
            "colorscale": colorscale,
            "xgap": 1 if n_classes <= 40 else 0,
            "ygap": 2,
            "showscale": False,
            "customdata": customdata.tolist(),
            "hovertemplate": "%{y}, class %{x}<br>label %{customdata[0]}, output %{customdata[1]}"
            "<br>%{customdata[2]}<extra></extra>",
        }
    ]
    # Legend entries for the four colours (a heatmap has no legend of its own).
    for name, color in _TRAP_OUTCOMES:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "name": name,
                "marker": {"symbol": "square", "size": 16, "color": color},
                "hoverinfo": "skip",
            }
        )
    layout = {"yaxis": {"autorange": "reversed"}, "xaxis": {"dtick": 1 if n_classes <= 12 else 5}}
    return _figure(
        data,
        layout,
        title=title,
        x_title="class (column of the one-hot target)",
        y_title="sample",
        height=300 + 28 * n_rows,
        legend_rows=len(_TRAP_OUTCOMES),
    )


def trap_sweep_figure(
    class_counts, binary, categorical, *, chosen: tuple[int, float, float] | None = None, title: str | None = None
) -> go.Figure:
    """Keras' binary_accuracy and categorical_accuracy against the number of classes C, with the
    all-zero model's (C − 1)/C and chance 1/C as references; ``chosen`` = (C, binary, categorical)
    marks the learner's setting."""
    c = np.asarray(class_counts, dtype=float)
    c_ref = np.linspace(c.min(), c.max(), 200)
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": c,
            "y": _sig(binary),
            "name": "binary_accuracy (what Keras showed)",
            "line": {"color": COLORS["mse"], "width": LINE_WIDTH},
            "marker": {"size": 7},
            "hovertemplate": "C = %{x}<br>binary_accuracy = %{y:.1%}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": c,
            "y": _sig(categorical),
            "name": "categorical_accuracy",
            "line": {"color": COLORS["ce"], "width": LINE_WIDTH},
            "marker": {"size": 7},
            "hovertemplate": "C = %{x}<br>categorical_accuracy = %{y:.1%}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": _sig(c_ref),
            "y": _sig((c_ref - 1) / c_ref),
            "name": "(C − 1)/C",
            "line": {"color": COLORS["neutral"], "width": 2, "dash": "dash"},
            "hovertemplate": "C = %{x:.0f}<br>(C − 1)/C = %{y:.1%}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": _sig(c_ref),
            "y": _sig(1 / c_ref),
            "name": "chance 1/C",
            "line": {"color": COLORS["neutral"], "width": 2, "dash": "dot"},
            "hovertemplate": "C = %{x:.0f}<br>1/C = %{y:.1%}<extra></extra>",
        },
    ]
    if chosen is not None:
        n_classes, chosen_binary, chosen_categorical = chosen
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [n_classes, n_classes],
                "y": [float(chosen_binary), float(chosen_categorical)],
                "name": f"your setting, C = {n_classes}",
                "marker": {"color": COLORS["accent"], "size": 16, "symbol": "diamond", "line": {"width": 1}},
                "hovertemplate": "C = %{x}: %{y:.1%}<extra></extra>",
            }
        )
    # Explicit ticks: a log axis labels its minor ticks 2…9 in every decade, which reads as nonsense
    # ("10, 2, 3") on a projector.
    ticks = sorted({2, 5, 10, 50, 100, *(int(v) for v in c[[0, -1]])} | ({chosen[0]} if chosen else set()))
    layout = {
        "yaxis": {"range": [0, 1.04], "tickformat": ".0%"},
        "xaxis": {"type": "log", "tickvals": [t for t in ticks if c.min() <= t <= c.max()]},
    }
    return _figure(
        data,
        layout,
        title=title,
        x_title="number of classes C (log scale)",
        y_title="accuracy",
        height=460,
        legend_rows=len(data),
    )


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _figure(
    data: list,
    layout: dict,
    *,
    title: str | None,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = 420,
    legend: bool = True,
    legend_rows: int = 0,
) -> go.Figure:
    """``go.Figure`` from dicts in the house style of ``style_figure``, applied to every axis.

    ``legend_rows`` > 0 stacks the legend vertically above the plot (one entry per row) and grows
    the top margin to fit it, for legends whose entries are too long to sit side by side.
    """
    merged = _house_layout(height, legend, bool(title))
    axis_style = {name: merged.pop(name) for name in ("xaxis", "yaxis")}
    for name, value in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            base = copy.deepcopy(axis_style[name[:5]])
            base.pop("title", None)
            title_font = axis_style[name[:5]]["title"]["font"]
            base.update(value)
            if "title" in value:
                base["title"] = {"font": title_font, **value["title"]}
            merged[name] = base
        else:
            merged[name] = value
    for name, text in (("xaxis", x_title), ("yaxis", y_title)):
        axis = merged.setdefault(name, {k: v for k, v in copy.deepcopy(axis_style[name]).items() if k != "title"})
        if text is not None:
            axis["title"] = {**axis_style[name]["title"], "text": text}
    if title:
        merged["title"] = {**merged["title"], "text": title}
    if legend_rows:
        merged["legend"] = {"orientation": "v", "y": 1.0, "yanchor": "bottom", "x": 0.0, "xanchor": "left"}
        merged["margin"] = {**merged["margin"], "t": merged["margin"]["t"] + 26 * legend_rows}
    return fast_figure(data, merged)


@functools.lru_cache(maxsize=32)
def _house_layout_json(height: int, legend: bool, has_title: bool) -> str:
    fig = style_figure(
        go.Figure(), title="title" if has_title else None, x_title="x", y_title="y", height=height, legend=legend
    )
    layout = fig.to_plotly_json()["layout"]
    layout.pop("template", None)
    return json.dumps(layout)


def _house_layout(height: int, legend: bool, has_title: bool) -> dict:
    """A fresh copy of the layout ``style_figure`` produces (JSON round trip: faster than deepcopy)."""
    return json.loads(_house_layout_json(height, legend, has_title))


def _head_bars(classes, values, name: str, color: str, symbol: str) -> dict:
    v = _sig(values)
    return {
        "type": "bar",
        "x": classes,
        "y": v,
        "name": name,
        "marker": {"color": color},
        "text": [_fmt(x) for x in v],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{x}<br>" + name + "<br>" + symbol + " = %{y:.4g}<extra></extra>",
    }


def _hline(y: float, color: str) -> dict:
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": y,
        "y1": y,
        "line": {"color": color, "width": 2, "dash": "dash"},
    }


def _class_labels(n: int) -> list[str]:
    return [f"class {j}" for j in range(n)]


def _fmt(value: float) -> str:
    """Bar labels: 3 significant digits, tiny magnitudes in scientific notation."""
    if value == 0:
        return "0"
    return f"{value:.2g}" if abs(value) < 1e-3 else f"{value:.3g}"


def _sig(values, digits: int = 4) -> np.ndarray:
    """Round to ``digits`` significant digits (keeps the figure JSON small); NaN stays NaN."""
    x = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(x)))
    magnitude = np.where(np.isfinite(magnitude), magnitude, 0.0)
    factor = 10.0 ** (digits - 1 - magnitude)
    with np.errstate(invalid="ignore", over="ignore"):
        rounded = np.round(x * factor) / factor
    return np.where(np.isfinite(rounded), rounded, x)

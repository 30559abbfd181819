"""Figures for the "Your numbers" lesson: the loss of every sample, as bars.

Plotly only, built from plain dicts (several times faster than trace objects), values rounded to
4 significant digits so the figure stays small for a classroom of browsers.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from lossviz.figures._style import COLORS, fast_figure, style_figure

__all__ = ["MAX_BARS", "per_sample_loss_figure"]

# Beyond this many samples only the largest losses are drawn: 200 bars still read on a projector.
MAX_BARS = 200


def per_sample_loss_figure(
    per_sample,
    *,
    correct,
    details,
    loss_name: str,
    max_bars: int = MAX_BARS,
) -> go.Figure:
    """Bars of each sample's loss, coloured by whether the sample is predicted correctly.

    Parameters
    ----------
    per_sample : array_like, shape (N,)
        The loss of each sample.
    correct : array_like of bool, shape (N,)
        Whether each sample is predicted correctly.
    details : sequence of str, length N
        Hover text per sample (its label and prediction).
    loss_name : str
        Names the loss in the title and the hover text.
    max_bars : int
        With more samples than this, only the ``max_bars`` largest losses are drawn, largest
        first; otherwise the samples keep their order.

    Returns
    -------
    plotly.graph_objects.Figure
        Two bar traces ("predicted correctly", "predicted wrong") and a dashed line at the mean
        loss over all N samples.
    """
    values = np.asarray(per_sample, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    if values.ndim != 1 or values.shape != correct.shape or len(details) != values.size:
        raise ValueError(
            f"per_sample, correct and details must have one entry per sample; got shapes "
            f"{values.shape}, {correct.shape} and {len(details)} details"
        )
    if values.size == 0:
        raise ValueError("per_sample must hold at least one sample; got none")
    n = values.size
    total = float(values.sum())
    if n > max_bars:
        order = np.argsort(-values, kind="stable")[:max_bars]
        title = f"{loss_name}: the {max_bars} largest of {n} per-sample losses"
    else:
        order = np.arange(n)
        title = f"{loss_name}: loss of each sample"
    names = [f"#{i + 1}" for i in order]
    shares = values[order] / total * 100.0 if total > 0 else np.zeros(order.size)
    traces = []
    groups = ((True, "predicted correctly", COLORS["ce"]), (False, "predicted wrong", COLORS["mse"]))
    for flag, name, color in groups:
        pick = correct[order] == flag
        if not pick.any():
            continue
        traces.append({
            "type": "bar",
            "name": name,
            "x": [names[k] for k in np.flatnonzero(pick)],
            "y": _round(values[order][pick]),
            "marker": {"color": color},
            "customdata": [[details[order[k]], f"{shares[k]:.1f}"] for k in np.flatnonzero(pick)],
            "hovertemplate": (
                "sample %{x}<br>%{customdata[0]}<br>" + loss_name
                + " = %{y}<br>%{customdata[1]} % of the total<extra></extra>"
            ),
        })
    mean = float(values.mean())
    traces.append({
        "type": "scatter",
        "mode": "lines",
        "name": f"mean = {mean:.4g}",
        "x": [names[0], names[-1]],
        "y": [_round(np.array([mean]))[0]] * 2,
        "line": {"color": COLORS["neutral"], "dash": "dash", "width": 3},
        "hovertemplate": f"mean over all {n} samples = {mean:.4g}<extra></extra>",
    })
    layout = _house_layout(title, f"{loss_name} per sample")
    layout["barmode"] = "overlay"
    layout["xaxis"].update({"type": "category", "categoryorder": "array", "categoryarray": names})
    layout["yaxis"]["rangemode"] = "tozero"
    return fast_figure(traces, layout)


def _house_layout(title: str, y_title: str) -> dict:
    """The house layout (``style_figure``) as a plain dict, with the legend below the axis.

    ``style_figure`` goes through Plotly's property updates (tens of milliseconds per call); its
    result depends only on the titles, so it is computed once per title pair and copied.
    """
    return copy.deepcopy(_house_layout_cached(title, y_title))


@lru_cache(maxsize=64)
def _house_layout_cached(title: str, y_title: str) -> dict:
    fig = style_figure(go.Figure(), title=title, x_title="sample", y_title=y_title, height=440)
    # Below the axis, the legend can wrap onto more lines at phone width without covering the title.
    fig.update_layout(legend={"orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.22, "yanchor": "top"})
    layout = fig.to_dict()["layout"]
    layout.pop("template", None)
    return layout


def _round(values: np.ndarray) -> list[float]:
    return [float(f"{v:.4g}") for v in values]

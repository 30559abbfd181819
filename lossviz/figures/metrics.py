"""Figures for the "loss vs accuracy and F1" lesson: the training curves, one epoch's per-sample
losses, its predicted probabilities per class, and precision / recall / F1 against the threshold.
Plotly only (no Streamlit).

Builders take the core's results (``lossviz.overfitting.LossMetricRun``, ``CurveVerdict``,
``EpochView``, ``ProbabilityHistogram`` and ``lossviz.metrics.ThresholdSweep``) and return styled
figures built from plain dicts. Two-panel figures stack their panels (shared x axis) so that
both stay readable on a phone and on a projector.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lossviz.figures._style import COLORS, DASHES, FONT_SIZE, LINE_WIDTH
from lossviz.figures._style import house_figure as _styled
from lossviz.metrics import ThresholdSweep
from lossviz.overfitting import (
    CurveVerdict,
    EpochView,
    LossMetricRun,
    ProbabilityHistogram,
)

__all__ = [
    "per_sample_loss_figure",
    "probability_histogram_figure",
    "threshold_figure",
    "training_curves_figure",
]


def training_curves_figure(
    run: LossMetricRun, verdict: CurveVerdict, *, epoch: int, height: int = 680
) -> go.Figure:
    """Training and validation loss (top) and validation accuracy and F1 (bottom) per epoch.

    A dashed line marks the epoch of minimal validation loss, a solid one the inspected epoch.
    """
    epochs = run.epochs
    data = [
        _series(epochs, run.train_loss, "training loss", COLORS["ce"], DASHES[1], "y", ".4f"),
        _series(epochs, run.val_loss, "validation loss", COLORS["mse"], DASHES[0], "y", ".4f"),
        _series(epochs, run.val_accuracy, "validation accuracy", COLORS["focal"], DASHES[0], "y2", ".1%"),
        _series(epochs, run.val_f1, "validation F1", COLORS["softmax"], DASHES[2], "y2", ".3f"),
    ]
    shapes = [
        _vline(verdict.best_epoch, COLORS["neutral"], "dash"),
        _vline(epoch, COLORS["accent"], "solid"),
    ]
    annotations = [
        {
            "x": verdict.best_epoch,
            "y": 0.98,
            "xref": "x",
            "yref": "y domain",
            "text": f" lowest validation loss: epoch {verdict.best_epoch} ",
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "top",
            "font": {"size": FONT_SIZE - 3},
        },
    ]
    layout = {
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {"domain": [0, 1], "anchor": "y", "matches": "x2", "title": {"text": "epoch"}},
        "yaxis": {"domain": [0.56, 1.0], "title": {"text": "mean BCE loss"}},
        "xaxis2": {"domain": [0, 1], "anchor": "y2", "title": {"text": "epoch"}},
        "yaxis2": {"domain": [0.0, 0.42], "title": {"text": "validation metric"}, "range": [0, 1.02]},
        "hovermode": "x unified",
    }
    return _styled(data, layout, title="Loss and metrics per epoch", height=height)


def per_sample_loss_figure(view: EpochView, annotation_error: np.ndarray, *, height: int = 480) -> go.Figure:
    """Every validation sample's loss at one epoch, sorted from the largest, coloured by outcome.

    The k worst samples sit under a shaded band labelled with their share of the total loss;
    a hatched bar is a sample whose label is an annotation error.
    """
    order = view.order
    ranks = np.arange(1, order.size + 1)
    loss = view.loss[order]
    wrong = view.wrong[order]
    flipped = np.asarray(annotation_error, dtype=bool)[order]
    groups = [
        ("right", ~wrong & ~flipped, COLORS["ce"], ""),
        ("misclassified", wrong & ~flipped, COLORS["mse"], ""),
        ("right, label is an annotation error", ~wrong & flipped, COLORS["ce"], "/"),
        ("misclassified, label is an annotation error", wrong & flipped, COLORS["mse"], "/"),
    ]
    data = []
    for name, mask, color, pattern in groups:
        if not mask.any():
            continue
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": ranks[mask],
                "y": loss[mask],
                "marker": {"color": color, "pattern": {"shape": pattern}, "line": {"width": 0}},
                "customdata": np.stack(
                    [order[mask], view.y[order][mask], view.probs[order][mask]], axis=1
                ),
                "hovertemplate": "rank %{x}: sample %{customdata[0]:d}, label %{customdata[1]:d}"
                "<br>p = %{customdata[2]:.4g}, loss = %{y:.4g}<extra>" + name + "</extra>",
            }
        )
    shapes = [
        {
            "type": "rect",
            "x0": 0.5,
            "x1": view.k + 0.5,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "paper",
            "fillcolor": COLORS["accent"],
            "opacity": 0.15,
            "line": {"width": 0},
            "layer": "below",
        }
    ]
    annotations = [
        {
            # Above the plot's top right corner: the bars can fill the whole height (epoch 0).
            "x": 1.0,
            "y": 1.0,
            "xref": "paper",
            "yref": "paper",
            "text": f"shaded: the {view.k} worst carry {view.top_k_share:.0%} of the loss",
            "showarrow": False,
            "xanchor": "right",
            "yanchor": "bottom",
            "font": {"size": FONT_SIZE - 1},  # theme text colour: 4.5:1 on both papers
        }
    ]
    layout = {"shapes": shapes, "annotations": annotations, "barmode": "overlay", "bargap": 0.1}
    return _styled(
        data,
        layout,
        title=f"Sample losses, epoch {view.epoch}",
        x_title="rank (1 = largest loss)",
        y_title="sample loss −log p(true label)",
        height=height,
    )


def probability_histogram_figure(
    hist: ProbabilityHistogram, *, threshold: float, epoch: int, height: int = 520
) -> go.Figure:
    """Predicted probabilities of class 1, one panel per true class, with the threshold line."""
    centers = 0.5 * (hist.edges[:-1] + hist.edges[1:])
    width = float(hist.edges[1] - hist.edges[0])
    panels = [
        ("true class 0", hist.negative, COLORS["negative"], "y"),
        ("true class 1", hist.positive, COLORS["positive"], "y2"),
    ]
    data = []
    for name, counts, color, axis in panels:
        data.append(
            {
                "type": "bar",
                "name": f"{name} (n = {int(counts.sum())})",
                "x": centers,
                "y": counts,
                "width": width * 0.95,
                "xaxis": "x" if axis == "y" else "x2",
                "yaxis": axis,
                "marker": {"color": color, "line": {"width": 0}},
                "customdata": np.stack([hist.edges[:-1], hist.edges[1:]], axis=1),
                "hovertemplate": f"{name}<br>p in [%{{customdata[0]:.2f}}, %{{customdata[1]:.2f}}]: "
                "%{y} samples<extra></extra>",
            }
        )
    shapes = [
        {
            "type": "line",
            "x0": threshold,
            "x1": threshold,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "paper",
            "line": {"color": COLORS["accent"], "width": 3, "dash": "dash"},
        }
    ]
    annotations = [
        {
            "x": threshold,
            "y": 1.0,
            "xref": "x",
            "yref": "paper",
            "text": f" threshold {threshold:.2f} ",
            "showarrow": False,
            "xanchor": "left" if threshold < 0.7 else "right",
            "yanchor": "bottom",
            "font": {"size": FONT_SIZE - 2},  # theme text colour: 4.5:1 on both papers
        }
    ]
    layout = {
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {"domain": [0, 1], "anchor": "y", "matches": "x2", "range": [0, 1],
                  "title": {"text": "predicted probability of class 1"}},
        "yaxis": {"domain": [0.58, 1.0], "title": {"text": "samples"}},
        "xaxis2": {"domain": [0, 1], "anchor": "y2", "range": [0, 1],
                   "title": {"text": "predicted probability of class 1"}},
        "yaxis2": {"domain": [0.0, 0.4], "title": {"text": "samples"}},
        "bargap": 0.0,
    }
    return _styled(data, layout, title=f"p by true class, epoch {epoch}", height=height)


def threshold_figure(sweep: ThresholdSweep, *, threshold: float, epoch: int, height: int = 480) -> go.Figure:
    """Precision, recall, F1 and accuracy of p > t against t, with the chosen threshold marked."""
    series = [
        ("precision", sweep.precision, COLORS["ce"], DASHES[1]),
        ("recall", sweep.recall, COLORS["mse"], DASHES[2]),
        ("F1", sweep.f1, COLORS["softmax"], DASHES[0]),
        ("accuracy", sweep.accuracy, COLORS["focal"], DASHES[3]),
    ]
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": name,
            "x": sweep.thresholds,
            "y": values,
            "line": {"color": color, "width": LINE_WIDTH, "dash": dash},
            "hovertemplate": f"{name} at t = %{{x:.2f}}: %{{y:.3f}}<extra></extra>",
        }
        for name, values, color, dash in series
    ]
    shapes = [
        {
            "type": "line",
            "x0": threshold,
            "x1": threshold,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "paper",
            "line": {"color": COLORS["accent"], "width": 3, "dash": "dash"},
        }
    ]
    layout = {
        "shapes": shapes,
        "xaxis": {"range": [0, 1]},
        "yaxis": {"range": [0, 1.02]},
        "hovermode": "x unified",
    }
    return _styled(
        data,
        layout,
        title=f"Metrics of p > t, epoch {epoch}",
        x_title="threshold t",
        y_title="metric",
        height=height,
    )


def _series(x, y, name, color, dash, axis, fmt):
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": x,
        "y": y,
        "xaxis": "x" if axis == "y" else "x2",
        "yaxis": axis,
        "line": {"color": color, "width": LINE_WIDTH, "dash": dash},
        "hovertemplate": f"{name}: %{{y:{fmt}}}<extra></extra>",
    }


def _vline(x, color, dash):
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "paper",
        "line": {"color": color, "width": 2, "dash": dash},
    }

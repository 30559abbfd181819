"""Every applicable loss, gradient and metric for a learner's own predictions, sample by sample.

``build_report`` takes predictions of shape (N, C) (C = 1: one logit or probability per sample)
and labels in one of ``lossviz.parsing.LABEL_FORMATS``, and computes with the lossviz core:

* the losses that apply to that kind of input and label, each per sample, as "mean" and as
  "sum" (PyTorch's reductions), with the gradient of every element's own loss with respect to
  the input as given (the logits, or the probabilities);
* the metrics, with the scikit-learn / Keras function each one matches.

Which losses apply:

=================  ==========================================  ===========================
labels             logits                                      probabilities
=================  ==========================================  ===========================
binary (C = 1)     bce_with_logits, sigmoid_focal_loss,        bce (Keras, clipped), mse
                   sigmoid_mse
class index /      cross_entropy (softmax); per class through  categorical_ce (Keras);
one-hot (C ≥ 2)    a sigmoid: bce_with_logits,                 per class: bce, mse
                   sigmoid_focal_loss, sigmoid_mse
multi-hot          bce_with_logits, sigmoid_focal_loss,        bce, mse
(C ≥ 2)            sigmoid_mse, multilabel_softmax_ce
=================  ==========================================  ===========================

For an element-wise loss on (N, C) inputs the per-sample value is the mean over the C classes
(Keras' convention, ``mean(..., axis=-1)``); the mean of those is PyTorch's ``reduction="mean"``
over all N·C elements. Cross-entropy, categorical_ce and multilabel_softmax_ce give one value
per sample directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from lossviz import metrics
from lossviz._validation import as_float_array, check_probabilities
from lossviz.activations import sigmoid, softmax
from lossviz.losses import LOSSES
from lossviz.parsing import Labels, as_labels

__all__ = [
    "FOCAL_ALPHA",
    "FOCAL_GAMMA",
    "GRADIENT_LATEX",
    "KINDS",
    "Hint",
    "LossResult",
    "MetricResult",
    "Report",
    "build_report",
    "input_hints",
]

KINDS = ("logits", "probabilities")
# torchvision.ops.sigmoid_focal_loss defaults.
FOCAL_ALPHA = 0.25
FOCAL_GAMMA = 2.0
THRESHOLD = 0.5
_ROW_SUM_TOLERANCE = 1e-6

# The derivative each loss's ``grad`` holds for one element (or row), as lossviz.losses derives it.
GRADIENT_LATEX = {
    "bce_with_logits": r"\frac{\partial \ell}{\partial z} = \sigma(z) - y",
    "sigmoid_focal_loss": (
        r"\frac{\partial \ell}{\partial z} = \alpha_t\Big[\gamma (1-p_t)^{\gamma-1}"
        r"\,(1-2y)\,\sigma(z)\sigma(-z)\,\mathrm{BCE} + (1-p_t)^{\gamma}\,(\sigma(z)-y)\Big]"
    ),
    "sigmoid_mse": r"\frac{\partial \ell}{\partial z} = 2\,(\sigma(z)-y)\,\sigma(z)\,(1-\sigma(z))",
    "cross_entropy": r"\frac{\partial \ell}{\partial z_j} = \mathrm{softmax}(z)_j - y_j",
    "cross_entropy_probs": r"\frac{\partial \ell}{\partial z_j} = \mathrm{softmax}(z)_j - y_j",
    "multilabel_softmax_ce": r"\frac{\partial \ell}{\partial z_j} = \mathrm{softmax}(z)_j - \frac{y_j}{M}",
    "bce": (
        r"\frac{\partial \ell}{\partial p} = \frac{p - y}{p\,(1-p)}"
        r"\quad(0\ \text{where}\ p\ \text{is clipped})"
    ),
    "mse": r"\frac{\partial \ell}{\partial p} = 2\,(p - y)",
    "categorical_ce": (
        r"\frac{\partial \ell}{\partial p_k} = \frac{1}{S}\Big(g_k - \sum_j g_j\,q_j\Big),"
        r"\quad g_j = -\frac{y_j}{\hat q_j},\quad q = \frac{p}{S},\quad S = \sum_j p_j"
    ),
}


class Hint(NamedTuple):
    """A sanity hint about the input; ``blocking`` when no loss can be computed until it is fixed."""

    text: str
    blocking: bool


@dataclass(frozen=True)
class LossResult:
    """One loss on the learner's data.

    ``per_sample`` has shape (N,); ``grad`` has the loss input's shape, (N,) or (N, C), and holds
    each element's own derivative (``reduction="none"``): PyTorch's default ``reduction="mean"``
    divides it by ``mean_divisor``. ``mean`` and ``total`` are the loss under "mean" and "sum".
    """

    key: str
    label: str
    short: str
    latex: str
    per_sample: np.ndarray
    grad: np.ndarray
    mean: float
    total: float
    mean_divisor: int
    per_sample_rule: str


@dataclass(frozen=True)
class MetricResult:
    """One metric: its value, the library function it matches, and its per-sample values if any."""

    key: str
    label: str
    library: str
    value: float
    per_sample: np.ndarray | None
    note: str = ""


@dataclass(frozen=True)
class Report:
    """Losses, gradients and metrics of one input (see ``build_report``)."""

    kind: str
    label_format: str
    n_samples: int
    n_classes: int
    inputs: np.ndarray
    labels: Labels
    probabilities: np.ndarray
    predicted: np.ndarray
    correct: np.ndarray
    losses: tuple[LossResult, ...]
    skipped: tuple[tuple[str, str], ...]
    metrics: tuple[MetricResult, ...]

    def loss(self, key: str) -> LossResult:
        """The loss named ``key`` (a ``LossResult.key``)."""
        for result in self.losses:
            if result.key == key:
                return result
        known = ", ".join(r.key for r in self.losses)
        raise ValueError(f"key must name a computed loss ({known}); got {key!r}")

    def metric(self, key: str) -> MetricResult:
        """The metric named ``key`` (a ``MetricResult.key``)."""
        for result in self.metrics:
            if result.key == key:
                return result
        known = ", ".join(r.key for r in self.metrics)
        raise ValueError(f"key must name a computed metric ({known}); got {key!r}")

    def worst_sample(self, key: str) -> tuple[int, float, float]:
        """(index, loss, share of the summed per-sample losses) of the sample with the largest loss."""
        values = self.loss(key).per_sample
        index = int(np.argmax(values))
        total = float(values.sum())
        return index, float(values[index]), float(values[index] / total) if total > 0 else float("nan")

    def wrong_share(self, key: str) -> float:
        """Fraction of the summed per-sample losses that comes from wrongly predicted samples.

        share = Σ_{i wrong} ℓ_i / Σ_i ℓ_i  (NaN when every loss is 0)
        """
        values = self.loss(key).per_sample
        total = float(values.sum())
        return float(values[~self.correct].sum() / total) if total > 0 else float("nan")

    def table(self) -> dict[str, np.ndarray | list]:
        """Per-sample columns: the sample, its label and prediction, every loss, per-sample metrics."""
        columns: dict[str, np.ndarray | list] = {"sample": np.arange(1, self.n_samples + 1)}
        columns.update(self._label_columns())
        for result in self.losses:
            columns[result.short] = result.per_sample
        for result in self.metrics:
            if result.per_sample is not None and result.key != "accuracy":
                columns[result.label] = result.per_sample
        return columns

    def gradient_table(self, key: str) -> dict[str, np.ndarray | list]:
        """Per-sample gradient of the loss ``key``: one column per input element of the sample."""
        result = self.loss(key)
        wrt = "z" if self.kind == "logits" else "p"
        columns: dict[str, np.ndarray | list] = {"sample": np.arange(1, self.n_samples + 1)}
        columns["label"] = self._label_text()
        if result.grad.ndim == 1:
            columns[f"∂ℓ/∂{wrt}"] = result.grad
        else:
            for c in range(result.grad.shape[1]):
                columns[f"∂ℓ/∂{wrt}_{c}"] = result.grad[:, c]
        return columns

    def details(self) -> list[str]:
        """One line per sample describing its label and prediction (for hover text)."""
        labels = self._label_text()
        if self.label_format == "binary":
            if self.kind == "logits":
                return [
                    f"label {y}, z = {z:.4g}, p = {p:.4g}"
                    for y, z, p in zip(labels.tolist(), self.inputs, self.probabilities)
                ]
            return [f"label {y}, p = {p:.4g}" for y, p in zip(labels, self.probabilities)]
        if self.label_format == "multi_hot":
            predicted = [", ".join(str(c) for c in np.flatnonzero(row)) or "none" for row in self.predicted]
            return [f"labels {y}; predicted {q}" for y, q in zip(labels, predicted)]
        taken = np.take_along_axis(self.probabilities, self.labels.indices[:, None], axis=1)[:, 0]
        return [f"label {y}, predicted {q}, p(true class) = {p:.4g}"
                for y, q, p in zip(labels.tolist(), self.predicted.tolist(), taken)]

    def _label_text(self) -> np.ndarray | list:
        if self.label_format == "multi_hot":
            return [", ".join(str(c) for c in np.flatnonzero(row)) or "none" for row in self.labels.values]
        return self.labels.indices

    def _label_columns(self) -> dict[str, np.ndarray | list]:
        if self.label_format == "binary":
            shown = {"label": self._label_text()}
            if self.kind == "logits":
                shown["logit z"] = self.inputs
                shown["p = σ(z)"] = self.probabilities
            else:
                shown["p"] = self.probabilities
            shown["predicted"] = self.predicted
        elif self.label_format == "multi_hot":
            shown = {"labels": self._label_text()}
            shown["predicted labels"] = [
                ", ".join(str(c) for c in np.flatnonzero(row)) or "none" for row in self.predicted
            ]
        else:
            shown = {"label": self._label_text(), "predicted class": self.predicted}
            true_class = self.labels.indices[:, None]
            shown["p(true class)"] = np.take_along_axis(self.probabilities, true_class, axis=1)[:, 0]
        shown["correct"] = self.correct
        return shown


def build_report(
    predictions,
    labels,
    *,
    kind: str = "logits",
    label_format: str = "auto",
    focal_alpha: float = FOCAL_ALPHA,
    focal_gamma: float = FOCAL_GAMMA,
) -> Report:
    """Compute every applicable loss (per sample, mean, sum), its gradient, and the metrics.

    Parameters
    ----------
    predictions : array_like, shape (N,) or (N, C)
        Logits or probabilities; (N,) and (N, 1) are one value per sample (binary).
    labels : array_like
        Labels as ``lossviz.parsing.as_labels`` accepts them: (N,) 0/1 or class indices, or
        (N, C) one-hot / multi-hot rows.
    kind : {"logits", "probabilities"}
        What ``predictions`` hold. Gradients are taken with respect to them.
    label_format : {"auto", "binary", "class_index", "one_hot", "multi_hot"}
        See ``lossviz.parsing.as_labels``.
    focal_alpha, focal_gamma : float
        Options of ``sigmoid_focal_loss`` (torchvision's defaults 0.25 and 2).

    Returns
    -------
    Report

    Examples
    --------
    >>> report = build_report([[2.0, 0.0, 0.0], [0.0, 1.0, 3.0]], [0, 1])
    >>> round(report.loss("cross_entropy").mean, 4), report.metric("accuracy").value
    (1.2047, 0.5)
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'logits' or 'probabilities'; got {kind!r}")
    x = as_float_array(predictions, "predictions")
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"predictions must have shape (N,) or (N, C); got {x.shape}")
    lab = as_labels(labels, x.shape[1], label_format=label_format)
    if lab.values.shape[0] != x.shape[0]:
        raise ValueError(
            f"labels must have one row per prediction row ({x.shape[0]}); got {lab.values.shape[0]}"
        )
    fmt = lab.format
    inputs = x[:, 0] if fmt == "binary" else x
    if kind == "probabilities":
        check_probabilities(inputs, "predictions given as probabilities")
    losses, skipped = _losses(inputs, lab, kind, focal_alpha, focal_gamma)
    if kind == "probabilities":
        probabilities = inputs
    elif fmt in ("class_index", "one_hot"):
        probabilities = softmax(inputs, axis=1)
    else:
        probabilities = sigmoid(inputs)
    predicted, correct, metric_results, metric_skipped = _metrics(probabilities, lab)
    return Report(
        kind=kind,
        label_format=fmt,
        n_samples=int(x.shape[0]),
        n_classes=lab.n_classes,
        inputs=inputs,
        labels=lab,
        probabilities=probabilities,
        predicted=predicted,
        correct=correct,
        losses=tuple(losses),
        skipped=tuple(skipped + metric_skipped),
        metrics=tuple(metric_results),
    )


def input_hints(predictions, *, kind: str, label_format: str) -> tuple[Hint, ...]:
    """Sanity hints about the input, ready to show.

    * probabilities outside [0, 1] (blocking: they look like logits);
    * class probabilities whose rows do not sum to 1 (the libraries then disagree);
    * logits that all lie in [0, 1] (perhaps probabilities were meant);
    * a single sample with several values (perhaps several binary samples were meant).

    ``label_format`` is the resolved format (not "auto").

    Examples
    --------
    >>> hint = input_hints([[0.2], [1.7]], kind="probabilities", label_format="binary")[0]
    >>> hint.blocking, hint.text[:36]
    (True, '1 of 2 values lie outside [0, 1] (fr')
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'logits' or 'probabilities'; got {kind!r}")
    x = as_float_array(predictions, "predictions")
    if x.ndim == 1:
        x = x[:, None]
    hints = []
    multiclass = label_format in ("class_index", "one_hot")
    row_sums = x.sum(axis=1)
    off_rows = np.flatnonzero(np.abs(row_sums - 1.0) > _ROW_SUM_TOLERANCE)
    outside = (x < 0.0) | (x > 1.0)
    if kind == "probabilities":
        if outside.any():
            hints.append(Hint(
                f"{int(outside.sum())} of {x.size} values lie outside [0, 1] (from {x.min():.4g} to "
                f"{x.max():.4g}), which probabilities cannot: these look like logits. Switch “Predictions "
                "are” to logits to see the losses.",
                True,
            ))
        elif multiclass and off_rows.size:
            row = off_rows[0]
            hints.append(Hint(
                f"{off_rows.size} of {x.shape[0]} rows do not sum to 1 (row {row + 1} sums to "
                f"{row_sums[row]:.6g}). Keras' CategoricalCrossentropy renormalises each row; PyTorch's "
                "NLLLoss on log(p) and scikit-learn's log_loss do not (scikit-learn warns), so their "
                "numbers below differ.",
                False,
            ))
    elif not outside.any():
        sums = " and every row sums to 1" if multiclass and not off_rows.size else ""
        example = float(x.flat[int(np.argmax(x))])
        hints.append(Hint(
            f"Every value lies in [0, 1]{sums}: if these are probabilities, switch “Predictions are” to "
            f"probabilities. Read as logits, {example:.4g} becomes σ({example:.4g}) = "
            f"{float(sigmoid(example)):.4g}.",
            False,
        ))
    if x.shape[0] == 1 and x.shape[1] > 1:
        hints.append(Hint(
            f"One sample with {x.shape[1]} values was read. For {x.shape[1]} binary samples, put one "
            "value per line (the labels may stay on one line).",
            False,
        ))
    return tuple(hints)


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------

_SHORT = {
    "bce_with_logits": "BCE with logits",
    "sigmoid_focal_loss": "focal",
    "sigmoid_mse": "MSE through σ",
    "cross_entropy": "softmax CE",
    "cross_entropy_probs": "softmax CE",
    "multilabel_softmax_ce": "multi-label softmax CE",
    "bce": "BCE (Keras, clipped)",
    "mse": "MSE",
    "categorical_ce": "categorical CE (Keras)",
}


def _losses(inputs, lab: Labels, kind, alpha, gamma):
    """Every applicable loss for this (kind, label format), and the ones skipped, with why."""
    fmt = lab.format
    multiclass = fmt in ("class_index", "one_hot")
    per_class = fmt != "binary"
    target = lab.matrix
    plan = []
    skipped = []
    focal = {"alpha": alpha, "gamma": gamma}
    focal_label = f"Sigmoid focal loss (α = {alpha:g}, γ = {gamma:g}; torchvision)"
    if kind == "logits":
        if multiclass:
            key = "cross_entropy" if fmt == "class_index" else "cross_entropy_probs"
            ce_target = lab.indices if fmt == "class_index" else target
            plan.append((key, LOSSES[key].label, ce_target, {}, False))
        plan.append(("bce_with_logits", LOSSES["bce_with_logits"].label, target, {}, per_class))
        plan.append(("sigmoid_focal_loss", focal_label, target, focal, per_class))
        plan.append(("sigmoid_mse", LOSSES["sigmoid_mse"].label, target, {}, per_class))
        if fmt == "multi_hot":
            if np.all(target.sum(axis=1) > 0):
                plan.append(("multilabel_softmax_ce", LOSSES["multilabel_softmax_ce"].label, target, {}, False))
            else:
                empty = int(np.flatnonzero(target.sum(axis=1) == 0)[0]) + 1
                skipped.append((
                    LOSSES["multilabel_softmax_ce"].label,
                    (f"needs at least one positive label per sample (it divides by their number M); "
                     f"sample {empty} has none"),
                ))
        if fmt == "binary":
            skipped.append((
                LOSSES["cross_entropy"].label,
                ("needs one logit per class (C ≥ 2 columns); with one logit per sample the softmax "
                 "cross-entropy is BCE with logits (softmax([0, z]) = σ(z))"),
            ))
    else:
        if multiclass:
            plan.append(("categorical_ce", LOSSES["categorical_ce"].label, target, {}, False))
        plan.append(("bce", LOSSES["bce"].label, target, {}, per_class))
        plan.append(("mse", LOSSES["mse"].label, target, {}, per_class))
        skipped.append((
            "Logit losses (BCE with logits, softmax CE, focal, MSE through σ)",
            ("need logits; probabilities have lost the logits' scale (switch “Predictions are” to "
             "logits if you have them)"),
        ))
    results = [_loss_result(inputs, key, label, t, options, per_class_loss, per_class and per_class_loss)
               for key, label, t, options, per_class_loss in plan]
    return results, skipped


def _loss_result(inputs, key, label, target, options, elementwise, per_class_label):
    spec = LOSSES[key]
    per_element = spec.value(inputs, target, reduction="none", **options)
    grad = spec.grad(inputs, target, reduction="none", **options)
    per_sample = per_element.mean(axis=1) if elementwise else per_element
    short = _SHORT[key] + (" per class" if per_class_label else "")
    if per_class_label:
        label = f"{label}, on each class"
    return LossResult(
        key=key,
        label=label,
        short=short,
        latex=spec.latex,
        per_sample=np.asarray(per_sample, dtype=np.float64),
        grad=np.asarray(grad, dtype=np.float64),
        mean=float(spec.value(inputs, target, reduction="mean", **options)),
        total=float(spec.value(inputs, target, reduction="sum", **options)),
        mean_divisor=int(per_element.size),
        per_sample_rule="mean over the C classes" if elementwise else "one value per sample",
    )


def _metrics(probabilities, lab: Labels):
    fmt = lab.format
    results = []
    skipped = []
    if fmt == "binary":
        y = lab.values
        predicted = metrics.binarize(probabilities, threshold=THRESHOLD)
        correct = predicted == y
        results.append(MetricResult(
            "accuracy", "accuracy", "sklearn accuracy_score(y, p > 0.5) · Keras binary_accuracy",
            metrics.accuracy(y, predicted), metrics.accuracy(y, predicted, reduction="none"),
            "one label per sample: scikit-learn's and Keras' accuracy agree",
        ))
        prf = metrics.precision_recall_f1(y, probabilities, threshold=THRESHOLD)
        results.extend(_prf_results(prf, "positive class 1", "sklearn {name}_score(y, p > 0.5)"))
        results.append(MetricResult(
            "log_loss", "log_loss (sklearn)", "sklearn log_loss(y, p, labels=[0, 1])",
            metrics.log_loss(y, probabilities), metrics.log_loss(y, probabilities, reduction="none"),
            "p clipped to [2.2e-16, 1 − 2.2e-16], so one sample costs at most 36.04",
        ))
        return predicted.astype(np.int64), correct, results, skipped
    if fmt in ("class_index", "one_hot"):
        index = lab.indices
        one_hot = lab.matrix
        predicted = np.argmax(probabilities, axis=1)
        correct = predicted == index
        results.append(MetricResult(
            "accuracy", "accuracy", "sklearn accuracy_score(y, argmax p) · Keras sparse_categorical_accuracy",
            metrics.sparse_categorical_accuracy(index, probabilities),
            metrics.sparse_categorical_accuracy(index, probabilities, reduction="none"),
            "the arg-max class must be the true class (ties: the first class)",
        ))
        results.append(MetricResult(
            "keras_binary_accuracy", "binary_accuracy (Keras)",
            "keras.metrics.binary_accuracy(one_hot(y), p)",
            metrics.binary_accuracy(one_hot, probabilities),
            metrics.binary_accuracy(one_hot, probabilities, reduction="none"),
            "what Keras 2 reported as 'accuracy' with binary_crossentropy: the share of the C "
            "per-class 0/1 decisions that are right, not whether the class is right",
        ))
        predicted_one_hot = np.eye(lab.n_classes)[predicted]
        per_class = metrics.per_class_precision_recall_f1(one_hot, predicted_one_hot)
        present = (one_hot.sum(axis=0) > 0) | (predicted_one_hot.sum(axis=0) > 0)
        macro = metrics.PrecisionRecallF1(*(float(np.mean(v[present])) for v in per_class))
        results.extend(_prf_results(
            macro, "macro average over the classes present in labels or predictions",
            "sklearn {name}_score(y, argmax p, average='macro')",
        ))
        results.append(MetricResult(
            "log_loss", "log_loss (sklearn)", "sklearn log_loss(y, p, labels=range(C))",
            metrics.log_loss(index, probabilities),
            metrics.log_loss(index, probabilities, reduction="none"),
            "−log p of the true class, p clipped to [2.2e-16, 1 − 2.2e-16]; rows are not renormalised",
        ))
        return predicted.astype(np.int64), correct, results, skipped
    y = lab.values
    predicted = metrics.binarize(probabilities, threshold=THRESHOLD)
    correct = np.all(predicted == y, axis=1)
    results.append(MetricResult(
        "accuracy", "subset accuracy", "sklearn accuracy_score(Y, p > 0.5) (exact match)",
        metrics.subset_accuracy(y, probabilities), metrics.subset_accuracy(y, probabilities, reduction="none"),
        "a sample counts only if all C labels are right",
    ))
    results.append(MetricResult(
        "hamming_accuracy", "Hamming accuracy", "Keras binary_accuracy · 1 − sklearn hamming_loss",
        metrics.hamming_accuracy(y, probabilities),
        metrics.hamming_accuracy(y, probabilities, reduction="none"),
        "the share of the N·C individual labels that are right",
    ))
    prf = metrics.precision_recall_f1(y, probabilities, threshold=THRESHOLD)
    results.extend(_prf_results(prf, "micro average: every label counts once",
                                "sklearn {name}_score(Y, p > 0.5, average='micro')"))
    per_class = metrics.per_class_precision_recall_f1(y, probabilities, threshold=THRESHOLD)
    results.append(MetricResult(
        "macro_f1", "macro F1", "sklearn f1_score(Y, p > 0.5, average='macro')",
        float(np.mean(per_class.f1)), None, "the mean of the C per-class F1 scores",
    ))
    skipped.append((
        "log_loss (sklearn)",
        ("scikit-learn's log_loss accepts a multi-hot matrix but sums −log p over the positive labels "
         "only (the negatives are ignored) and warns that rows do not sum to 1: it is not the "
         "binary cross-entropy"),
    ))
    return predicted.astype(np.int64), correct, results, skipped


def _prf_results(prf, note, library):
    return [
        MetricResult(name, name, library.format(name=name), float(getattr(prf, name)), None, note)
        for name in ("precision", "recall", "f1")
    ]

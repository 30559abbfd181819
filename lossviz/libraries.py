"""The same loss under each library's name: the number each one reports, and code that reproduces it.

``library_losses`` takes the learner's predictions and labels and returns, for PyTorch, Keras,
TensorFlow, Caffe and scikit-learn, the call a practitioner would write, the value that call
returns for this data (computed here with lossviz functions plus each library's documented
clipping and reduction), how it relates to lossviz's own number, and a runnable snippet with the
data embedded (floats written with ``repr``, so they round-trip exactly).

The conventions used, and where they come from:

* PyTorch (torch 2.13, ``torch.nn`` docs). ``BCEWithLogitsLoss``, ``BCELoss``,
  ``CrossEntropyLoss`` and ``NLLLoss`` default to ``reduction="mean"``: the sum divided by the
  number of elements (for cross-entropy with class indices: by the number of samples).
  ``CrossEntropyLoss`` takes class indices or class probabilities (same shape as the input).
  ``BCELoss`` "clamps its log function outputs to be greater than or equal to -100", so one
  element costs at most 100. ``NLLLoss`` only picks −input[y]: on ``log(p)`` it neither
  clips nor renormalises (``log(0)`` gives inf).
* Keras 3 (3.15.1, ``keras/src/losses/losses.py``, ``keras/src/backend/*/nn.py``). Losses are
  called as ``loss(y_true, y_pred)``; the default reduction "sum_over_batch_size" averages the
  per-sample losses. ``binary_crossentropy`` is ``mean(..., axis=-1)`` of the element losses,
  so the result equals the mean over every element. With ``from_logits=False`` (the default)
  predictions are clipped to [1e-7, 1 − 1e-7] (``backend.epsilon()``); with
  ``from_logits=True`` the TensorFlow backend calls ``tf.nn.sigmoid_cross_entropy_with_logits``.
  ``categorical_crossentropy`` on probabilities divides each row by its sum, clips, and takes
  −Σ y·log p; the TensorFlow backend's ``sparse_categorical_crossentropy`` clips first, takes
  the log and applies ``sparse_softmax_cross_entropy_with_logits`` (which renormalises after the
  clip), the torch backend renormalises then clips: they agree unless a probability lies within
  1e-7 of 0 or 1. Keras computes in float32 (about 7 significant digits).
* TensorFlow (``tf.nn`` API docs). ``sigmoid_cross_entropy_with_logits(labels, logits)``
  returns "a Tensor of the same shape as logits with the componentwise logistic losses" and
  ``softmax_cross_entropy_with_logits`` / ``sparse_softmax_cross_entropy_with_logits`` one loss
  per row: no reduction; ``tf.reduce_mean`` of them is the usual scalar. ``tf.nn`` has no
  cross-entropy on probabilities.
* Caffe (BVLC/caffe master). ``SigmoidCrossEntropyLoss``: the sum of the element losses divided
  by a normaliser; ``LayerSetUp`` uses BATCH_SIZE (N = bottom[0]->shape(0)) unless
  ``loss_param { normalization }`` or the deprecated ``normalize`` is set, as caffe.proto says:
  "For historical reasons, the default normalization for SigmoidCrossEntropyLoss is
  BATCH_SIZE and *not* VALID" (VALID is ``LossParameter``'s own default, which the other loss
  layers use). So on (N, C) multi-label logits Caffe reports C times PyTorch's mean; the
  2014 layer divided by ``num`` as well. ``SoftmaxWithLoss``: −log(max(p_y, FLT_MIN)) per
  sample, normalised by the number of (non-ignored) labels, i.e. the mean over samples, capped
  at −log(FLT_MIN) ≈ 87.34 per sample. ``MultinomialLogisticLoss`` (probabilities in):
  −log(max(p_y, kLOG_THRESHOLD = 1e-20)) summed and divided by N.
* scikit-learn (1.9.1): ``log_loss``, as ``lossviz.metrics.log_loss`` computes it.

The PyTorch, Keras (torch backend) and scikit-learn snippets were run against these values
(see tests/test_libraries.py); TensorFlow and Caffe are not installed here, so their snippets
follow the cited sources but were not run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from lossviz._validation import as_float_array, check_probabilities
from lossviz.activations import log_softmax, sigmoid, softmax
from lossviz.losses import (
    KERAS_EPSILON,
    bce,
    bce_with_logits,
    categorical_ce,
    cross_entropy,
)
from lossviz.metrics import log_loss
from lossviz.parsing import Labels, as_labels, to_csv

__all__ = [
    "CAFFE_LOG_THRESHOLD",
    "DATA_FILE",
    "EMBED_LIMIT",
    "FLT_MIN",
    "KERAS_CLIP_HIGH",
    "KERAS_CLIP_LOW",
    "LIBRARIES",
    "TORCH_LOG_CLAMP",
    "LibraryComparison",
    "LibraryLoss",
    "data_csv",
    "library_losses",
]

LIBRARIES = ("PyTorch", "Keras", "TensorFlow", "Caffe", "scikit-learn")
# Snippets embed the data up to this many numbers; beyond it they read DATA_FILE (to_csv format).
EMBED_LIMIT = 600
DATA_FILE = "lossviz-your-numbers.csv"
# C's FLT_MIN, Caffe's floor in SoftmaxWithLoss.
FLT_MIN = float(np.finfo(np.float32).tiny)
# Caffe's kLOG_THRESHOLD is a float constant 1e-20; as a float it is 9.99999968e-21.
CAFFE_LOG_THRESHOLD = float(np.float32(1e-20))
TORCH_LOG_CLAMP = -100.0
# Keras clips to [epsilon, 1 - epsilon] in float32: 1 - 1e-7 rounds to 0.99999988, so an element
# clipped at the top costs -log(1.19e-7) = 15.94 in Keras, not -log(1e-7) = 16.12.
KERAS_CLIP_LOW = float(np.float32(KERAS_EPSILON))
KERAS_CLIP_HIGH = float(np.float32(1.0) - np.float32(KERAS_EPSILON))


@dataclass(frozen=True)
class LibraryLoss:
    """One library call on the learner's data.

    ``value`` is the scalar the call reports (for TensorFlow's unreduced functions: the
    ``tf.reduce_mean`` of ``per_element``); None when the library has no such loss for this
    input, with ``reason``. ``relation`` compares ``value`` with lossviz's reference number.
    ``mistake`` marks a common misuse shown for contrast.
    """

    id: str
    library: str
    call: str
    returns: str
    value: float | None
    per_element: np.ndarray | None
    relation: str
    note: str
    snippet: str
    mistake: bool = False
    reason: str = ""


@dataclass(frozen=True)
class LibraryComparison:
    """Every library entry for one input, and the lossviz number they are compared with."""

    reference: str
    reference_value: float
    entries: tuple[LibraryLoss, ...]
    embedded: bool

    def entry(self, id: str) -> LibraryLoss:
        """The entry whose ``id`` is ``id``."""
        for item in self.entries:
            if item.id == id:
                return item
        raise ValueError(f"id must name a library entry ({', '.join(e.id for e in self.entries)}); got {id!r}")

    def same(self, first: str, second: str) -> bool:
        """Whether two entries report the same number (to float64 rounding; inf equals inf)."""
        a, b = self.entry(first).value, self.entry(second).value
        if a is None or b is None:
            raise ValueError(f"both entries must have a value; {first!r} or {second!r} is not applicable")
        return bool(a == b or np.isclose(a, b, rtol=1e-9, atol=1e-12))

    def by_library(self, library: str) -> tuple[LibraryLoss, ...]:
        """The entries of one library, in order."""
        if library not in LIBRARIES:
            raise ValueError(f"library must be one of {', '.join(LIBRARIES)}; got {library!r}")
        return tuple(item for item in self.entries if item.library == library)


def library_losses(
    predictions, labels, *, kind: str = "logits", label_format: str = "auto"
) -> LibraryComparison:
    """What PyTorch, Keras, TensorFlow, Caffe and scikit-learn report for these predictions.

    Parameters
    ----------
    predictions : array_like, shape (N,) or (N, C)
        Logits or probabilities.
    labels : array_like
        As ``lossviz.parsing.as_labels`` accepts them.
    kind : {"logits", "probabilities"}
        What ``predictions`` hold.
    label_format : {"auto", "binary", "class_index", "one_hot", "multi_hot"}
        See ``lossviz.parsing.as_labels``.

    Returns
    -------
    LibraryComparison
        The reference is lossviz's ``bce_with_logits`` (logits; binary or multi-hot labels),
        ``cross_entropy`` (logits; class labels), ``bce`` (probabilities; binary or multi-hot)
        or ``categorical_ce`` (probabilities; class labels), each with reduction "mean".

    Examples
    --------
    >>> cmp = library_losses([2.0, -1.0], [1, 0])
    >>> round(cmp.entry("torch_bce_with_logits").value, 6), cmp.entry("caffe_sigmoid_ce").relation
    (0.220095, 'same')
    """
    if kind not in ("logits", "probabilities"):
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
    inputs = x[:, 0] if lab.format == "binary" else x
    if kind == "probabilities":
        check_probabilities(inputs, "predictions given as probabilities")
    embedded = x.size + np.asarray(lab.values).size <= EMBED_LIMIT
    code = _Code(x, lab, kind, embedded)
    multiclass = lab.format in ("class_index", "one_hot")
    if kind == "logits":
        build = _logit_multiclass if multiclass else _logit_sigmoid
    else:
        build = _probability_multiclass if multiclass else _probability_sigmoid
    reference, reference_value, raw = build(inputs, lab, code)
    entries = tuple(_finish(item, reference_value) for item in raw)
    return LibraryComparison(reference, reference_value, entries, embedded)


def data_csv(predictions, labels, *, label_format: str = "auto") -> str:
    """The CSV file the snippets read when the data is too large to embed (``DATA_FILE``)."""
    x = as_float_array(predictions, "predictions")
    if x.ndim == 1:
        x = x[:, None]
    return to_csv(x, as_labels(labels, x.shape[1], label_format=label_format))


# --------------------------------------------------------------------------------------------
# The entries, per kind of input
# --------------------------------------------------------------------------------------------


def _logit_sigmoid(z, lab: Labels, code: _Code):
    """Logits with binary or multi-hot labels: the sigmoid cross-entropy family."""
    t = lab.matrix
    n = t.shape[0]
    count = t.size
    per_element = bce_with_logits(z, t, reduction="none")
    mean = float(per_element.mean())
    y_name = "y" if lab.format == "binary" else "Y"
    caffe_value = float(per_element.sum() / n)
    items = [
        _item(
            "torch_bce_with_logits", "PyTorch", f"torch.nn.BCEWithLogitsLoss()(z, {y_name})",
            f"a scalar: the mean over all {count} elements (reduction='mean')", mean, None,
            "log σ is computed stably inside, so no probability is ever clipped.",
            code.torch(f"torch.nn.BCEWithLogitsLoss()(z, {y_name})", mean),
        ),
        _item(
            "keras_bce_from_logits", "Keras", f"keras.losses.BinaryCrossentropy(from_logits=True)({y_name}, z)",
            "a scalar: the mean over the last axis, then over the batch (the mean over every element)",
            mean, None,
            "Note the (y_true, y_pred) order. Keras computes in float32.",
            code.keras(f"keras.losses.BinaryCrossentropy(from_logits=True)({y_name}, z)", mean),
        ),
    ]
    clipped = _keras_bce(z, t)
    items.append(_item(
        "keras_bce_default_on_logits", "Keras", f"keras.losses.BinaryCrossentropy()({y_name}, z)",
        "a scalar, but of the wrong thing", clipped, None,
        "A common mistake: from_logits defaults to False, so Keras clips the logits into "
        "[1e-7, 1 − 1e-7] and reads them as probabilities. No error is raised.",
        code.keras(f"keras.losses.BinaryCrossentropy()({y_name}, z)  # from_logits forgotten", clipped),
        mistake=True,
    ))
    items.append(_item(
        "tf_sigmoid_ce", "TensorFlow", f"tf.nn.sigmoid_cross_entropy_with_logits(labels={y_name}, logits=z)",
        f"one value per element, shape {_shape(z)}, with no reduction; the value shown is its tf.reduce_mean",
        mean, per_element,
        "Computes max(z, 0) − z·y + log(1 + exp(−|z|)) element by element.",
        code.tensorflow(f"tf.nn.sigmoid_cross_entropy_with_logits(labels={y_name}, logits=z)", mean),
    ))
    items.append(_item(
        "caffe_sigmoid_ce", "Caffe", "SigmoidCrossEntropyLoss layer",
        f"a scalar: the sum over all {count} elements divided by the batch size N = {n}",
        caffe_value, None,
        "Its default normalization is BATCH_SIZE (not VALID, the default of the other loss "
        "layers)" + ("" if lab.format == "binary" else f", so with {t.shape[1]} labels per sample it "
                     f"reports {t.shape[1]}× the per-element mean") + ". Caffe computes in float32.",
        code.caffe("SigmoidCrossEntropyLoss", caffe_value),
    ))
    if lab.format == "binary":
        value = log_loss(t, sigmoid(z))
        items.append(_item(
            "sklearn_log_loss", "scikit-learn", "sklearn.metrics.log_loss(y, expit(z), labels=[0, 1])",
            "a scalar: the mean over samples", value, None,
            "Takes probabilities; clips them to [2.2e-16, 1 − 2.2e-16], so a sample costs at most "
            "36.04 even when its logit is far beyond ±36.",
            code.sklearn("log_loss(y, expit(z), labels=[0, 1])", value, "from scipy.special import expit"),
        ))
    else:
        items.append(_not_applicable(
            "sklearn_log_loss", "scikit-learn", "sklearn.metrics.log_loss",
            "For a multi-hot matrix scikit-learn sums −log p over the positive labels only and warns "
            "that rows do not sum to 1: not the binary cross-entropy.",
        ))
    return "bce_with_logits (reduction='mean')", mean, items


def _logit_multiclass(z, lab: Labels, code: _Code):
    """Logits with class labels: the softmax cross-entropy family."""
    y = lab.indices
    one_hot = lab.matrix
    n, c = z.shape
    per_sample = cross_entropy(z, y, reduction="none")
    mean = float(per_sample.mean())
    probability_targets = cross_entropy(z, one_hot)
    nll = cross_entropy(log_softmax(z, axis=1), y)
    double_softmax = cross_entropy(softmax(z, axis=1), y)
    caffe_value = float(np.minimum(per_sample, -np.log(FLT_MIN)).mean())
    items = [
        _item(
            "torch_cross_entropy", "PyTorch", "torch.nn.CrossEntropyLoss()(z, y)",
            f"a scalar: the mean over the {n} samples", mean, None,
            "Applies log_softmax itself: give it the raw logits. y holds class indices.",
            code.torch("torch.nn.CrossEntropyLoss()(z, y)", mean),
        ),
        _item(
            "torch_cross_entropy_probs", "PyTorch", "torch.nn.CrossEntropyLoss()(z, Y)",
            f"a scalar: the mean over the {n} samples", probability_targets, None,
            "Y = one-hot rows: a target with the input's shape is read as class probabilities.",
            code.torch("torch.nn.CrossEntropyLoss()(z, Y)", probability_targets, need_one_hot=True),
        ),
        _item(
            "torch_nll", "PyTorch", "torch.nn.NLLLoss()(torch.log_softmax(z, dim=1), y)",
            f"a scalar: the mean over the {n} samples", nll, None,
            "CrossEntropyLoss split in two steps: NLLLoss only picks −input[y].",
            code.torch("torch.nn.NLLLoss()(torch.log_softmax(z, dim=1), y)", nll),
        ),
        _item(
            "torch_cross_entropy_on_softmax", "PyTorch",
            "torch.nn.CrossEntropyLoss()(torch.softmax(z, dim=1), y)",
            "a scalar, but of the wrong thing", double_softmax, None,
            "A common mistake: a softmax layer before CrossEntropyLoss applies the softmax twice. "
            "Its inputs then lie in [0, 1] and sum to 1, so every sample's loss is squeezed into "
            f"[log(e + C − 1) − 1, log(e + C − 1)] = "
            f"[{np.log(np.e + c - 1) - 1:.4f}, {np.log(np.e + c - 1):.4f}] "
            "and confident mistakes are barely punished.",
            code.torch("torch.nn.CrossEntropyLoss()(torch.softmax(z, dim=1), y)", double_softmax),
            mistake=True,
        ),
        _item(
            "keras_sparse_cce_from_logits", "Keras",
            "keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, z)",
            f"a scalar: the mean over the {n} samples", mean, None,
            "Class indices; note the (y_true, y_pred) order. Keras computes in float32.",
            code.keras("keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, z)", mean),
        ),
        _item(
            "keras_cce_from_logits", "Keras", "keras.losses.CategoricalCrossentropy(from_logits=True)(Y, z)",
            f"a scalar: the mean over the {n} samples", probability_targets, None,
            "One-hot rows Y. Without from_logits=True Keras would divide the logits by their row sum "
            "and read them as probabilities.",
            code.keras("keras.losses.CategoricalCrossentropy(from_logits=True)(Y, z)", probability_targets,
                       need_one_hot=True),
        ),
        _item(
            "tf_softmax_ce", "TensorFlow", "tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=z)",
            f"one value per sample, shape ({n},), with no reduction; the value shown is its tf.reduce_mean",
            mean, cross_entropy(z, one_hot, reduction="none"),
            "Labels are one-hot (or probability) rows.",
            code.tensorflow(
                "tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=z)", mean, need_one_hot=True
            ),
        ),
        _item(
            "tf_sparse_softmax_ce", "TensorFlow",
            "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=z)",
            f"one value per sample, shape ({n},), with no reduction; the value shown is its tf.reduce_mean",
            mean, per_sample,
            "Labels are class indices.",
            code.tensorflow("tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=z)", mean),
        ),
        _item(
            "caffe_softmax_with_loss", "Caffe", "SoftmaxWithLoss layer",
            f"a scalar: the mean over the {n} samples (normalization VALID)", caffe_value, None,
            "Computes −log(max(p_y, FLT_MIN)): a sample costs at most −log(1.18e-38) ≈ 87.34. "
            "Caffe computes in float32.",
            code.caffe("SoftmaxWithLoss", caffe_value),
        ),
    ]
    value = log_loss(y, softmax(z, axis=1))
    items.append(_item(
        "sklearn_log_loss", "scikit-learn",
        f"sklearn.metrics.log_loss(y, softmax(z, axis=1), labels=range({c}))",
        "a scalar: the mean over samples", value, None,
        "Takes probabilities and clips them to [2.2e-16, 1 − 2.2e-16]: a sample costs at most 36.04.",
        code.sklearn(f"log_loss(y, softmax(z, axis=1), labels=list(range({c})))", value,
                     "from scipy.special import softmax"),
    ))
    return "cross_entropy (reduction='mean')", mean, items


def _probability_sigmoid(p, lab: Labels, code: _Code):
    """Probabilities with binary or multi-hot labels: binary cross-entropy on probabilities."""
    t = lab.matrix
    count = t.size
    mean = float(bce(p, t))
    keras_value = _keras_bce(p, t)
    y_name = "y" if lab.format == "binary" else "Y"
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), TORCH_LOG_CLAMP)
        log_not_p = np.maximum(np.log1p(-p), TORCH_LOG_CLAMP)
    torch_terms = -(t * log_p + (1.0 - t) * log_not_p)
    torch_value = float(torch_terms.mean())
    on_probabilities = float(bce_with_logits(p, t))
    items = [
        _item(
            "torch_bce", "PyTorch", f"torch.nn.BCELoss()(p, {y_name})",
            f"a scalar: the mean over all {count} elements", torch_value, None,
            "Clamps each log at −100 instead of clipping p: an element costs at most 100 (Keras: 16.12).",
            code.torch(f"torch.nn.BCELoss()(p, {y_name})", torch_value),
        ),
        _item(
            "torch_bce_with_logits_on_probabilities", "PyTorch", f"torch.nn.BCEWithLogitsLoss()(p, {y_name})",
            "a scalar, but of the wrong thing", on_probabilities, None,
            "A common mistake: BCEWithLogitsLoss expects logits and applies a sigmoid to your probabilities, "
            "a second time: every prediction then lies in [σ(0), σ(1)] = [0.5, 0.731].",
            code.torch(f"torch.nn.BCEWithLogitsLoss()(p, {y_name})", on_probabilities),
            mistake=True,
        ),
        _item(
            "keras_bce", "Keras", f"keras.losses.BinaryCrossentropy()({y_name}, p)",
            "a scalar: the mean over the last axis, then over the batch", keras_value, None,
            "Clips p to [1e-7, 1 − 1e-7] first: an element costs at most −log(1e-7) ≈ 16.12. "
            "Keras computes in float32, where 1 − 1e-7 is 0.99999988: a p clipped at the top with "
            "label 0 costs 15.94, not 16.12.",
            code.keras(f"keras.losses.BinaryCrossentropy()({y_name}, p)", keras_value),
        ),
        _not_applicable(
            "tf_sigmoid_ce", "TensorFlow", "tf.nn.sigmoid_cross_entropy_with_logits",
            "tf.nn's cross-entropies take logits; on probabilities TensorFlow users call the Keras loss above.",
        ),
        _not_applicable(
            "caffe_sigmoid_ce", "Caffe", "SigmoidCrossEntropyLoss layer",
            "Caffe's sigmoid cross-entropy takes logits; it has no binary cross-entropy on probabilities.",
        ),
    ]
    if lab.format == "binary":
        value = log_loss(t, p)
        items.append(_item(
            "sklearn_log_loss", "scikit-learn", "sklearn.metrics.log_loss(y, p, labels=[0, 1])",
            "a scalar: the mean over samples", value, None,
            "Clips p to [2.2e-16, 1 − 2.2e-16]: a sample costs at most 36.04 (Keras: 16.12, PyTorch: 100).",
            code.sklearn("log_loss(y, p, labels=[0, 1])", value),
        ))
    else:
        items.append(_not_applicable(
            "sklearn_log_loss", "scikit-learn", "sklearn.metrics.log_loss",
            "For a multi-hot matrix scikit-learn sums −log p over the positive labels only and warns "
            "that rows do not sum to 1: not the binary cross-entropy.",
        ))
    return "bce (Keras semantics, reduction='mean')", mean, items


def _probability_multiclass(p, lab: Labels, code: _Code):
    """Probabilities with class labels: categorical cross-entropy on probabilities."""
    y = lab.indices
    one_hot = lab.matrix
    n, c = p.shape
    mean = float(categorical_ce(p, one_hot))
    true_prob = np.take_along_axis(p, y[:, None], axis=1)[:, 0]
    with np.errstate(divide="ignore"):
        nll = float(np.mean(-np.log(true_prob)))
    caffe_value = float(np.mean(-np.log(np.maximum(true_prob, CAFFE_LOG_THRESHOLD))))
    on_probabilities = cross_entropy(p, y)
    items = [
        _item(
            "torch_nll_log", "PyTorch", "torch.nn.NLLLoss()(torch.log(p), y)",
            f"a scalar: the mean over the {n} samples", nll, None,
            "−log p_y exactly: no clipping (p_y = 0 gives inf) and no renormalisation of the rows.",
            code.torch("torch.nn.NLLLoss()(torch.log(p), y)", nll),
        ),
        _item(
            "torch_cross_entropy_on_probabilities", "PyTorch", "torch.nn.CrossEntropyLoss()(p, y)",
            "a scalar, but of the wrong thing", on_probabilities, None,
            "A common mistake: CrossEntropyLoss expects logits and applies a softmax to your "
            "probabilities, a second time.",
            code.torch("torch.nn.CrossEntropyLoss()(p, y)", on_probabilities),
            mistake=True,
        ),
        _item(
            "keras_cce", "Keras", "keras.losses.CategoricalCrossentropy()(Y, p)",
            f"a scalar: the mean over the {n} samples", mean, None,
            "Divides each row by its sum, then clips to [1e-7, 1 − 1e-7]. Keras computes in float32.",
            code.keras("keras.losses.CategoricalCrossentropy()(Y, p)", mean, need_one_hot=True),
        ),
        _item(
            "keras_sparse_cce", "Keras", "keras.losses.SparseCategoricalCrossentropy()(y, p)",
            f"a scalar: the mean over the {n} samples", mean, None,
            "Class indices. The TensorFlow backend clips before renormalising, the torch backend after: "
            "they differ only for probabilities within 1e-7 of 0 or 1.",
            code.keras("keras.losses.SparseCategoricalCrossentropy()(y, p)", mean),
        ),
        _not_applicable(
            "tf_softmax_ce", "TensorFlow", "tf.nn.softmax_cross_entropy_with_logits",
            "tf.nn's cross-entropies take logits; on probabilities TensorFlow users call the Keras loss above.",
        ),
        _item(
            "caffe_multinomial_logistic", "Caffe", "MultinomialLogisticLoss layer",
            f"a scalar: the sum over samples divided by N = {n}", caffe_value, None,
            "Takes probabilities: −log(max(p_y, 1e-20)), so a sample costs at most 46.05; no "
            "renormalisation. Caffe computes in float32.",
            code.caffe("MultinomialLogisticLoss", caffe_value),
        ),
    ]
    value = log_loss(y, p)
    items.append(_item(
        "sklearn_log_loss", "scikit-learn", f"sklearn.metrics.log_loss(y, p, labels=range({c}))",
        "a scalar: the mean over samples", value, None,
        "Clips to [2.2e-16, 1 − 2.2e-16] and does not renormalise the rows (it warns when they do not "
        "sum to 1).",
        code.sklearn(f"log_loss(y, p, labels=list(range({c})))", value),
    ))
    return "categorical_ce (Keras semantics, reduction='mean')", mean, items


# --------------------------------------------------------------------------------------------
# Snippets
# --------------------------------------------------------------------------------------------


class _Code:
    """Builds the snippets: the same data block, then each library's call and a print."""

    def __init__(self, x: np.ndarray, lab: Labels, kind: str, embedded: bool):
        self.lab = lab
        self.pred = "z" if kind == "logits" else "p"
        self.binary = lab.format == "binary"
        self.multi_hot = lab.format == "multi_hot"
        self.n_classes = lab.n_classes
        self.data = self._embedded(x, lab) if embedded else self._from_file(x.shape[1])

    def _embedded(self, x, lab: Labels) -> list[str]:
        what = "logits" if self.pred == "z" else "probabilities"
        if self.binary:
            lines = [f"{self.pred} = np.array({_vector(x[:, 0])})  # {what}, one per sample",
                     f"y = np.array({_vector(lab.values)})  # labels 0/1"]
        else:
            lines = [f"{self.pred} = np.array({_matrix(x)})  # {what}, one row per sample"]
            if self.multi_hot:
                lines.append(f"Y = np.array({_matrix(lab.values)})  # multi-hot labels")
            else:
                lines.append(f"y = np.array({_vector(lab.indices, integers=True)})  # class indices")
        return lines

    def _from_file(self, n_columns: int) -> list[str]:
        lines = [f'data = np.loadtxt("{DATA_FILE}", delimiter=",", skiprows=1, ndmin=2)  # download it above']
        if self.binary:
            return lines + [f"{self.pred} = data[:, 0]", "y = data[:, 1]"]
        lines.append(f"{self.pred} = data[:, :{n_columns}]")
        if self.multi_hot:
            return lines + [f"Y = data[:, {n_columns}:]"]
        if self.lab.format == "one_hot":
            return lines + [f"y = data[:, {n_columns}:].argmax(axis=1)"]
        return lines + [f"y = data[:, {n_columns}].astype(np.int64)"]

    def _body(self, need_one_hot: bool) -> list[str]:
        lines = list(self.data)
        if need_one_hot:
            lines.append(f"Y = np.eye({self.n_classes})[y]  # one-hot rows")
        return lines

    def torch(self, call: str, value, *, need_one_hot: bool = False) -> str:
        convert = [f"{self.pred} = torch.as_tensor({self.pred})  # float64, like lossviz"]
        if self.multi_hot:
            convert.append("Y = torch.as_tensor(Y)")
        elif self.binary:
            convert.append("y = torch.as_tensor(y)")
        else:
            convert.append("y = torch.as_tensor(y, dtype=torch.long)")
            if need_one_hot:
                convert.append("Y = torch.as_tensor(Y)")
        return "\n".join([
            "import numpy as np", "import torch", "",
            *self._body(need_one_hot), *convert, "",
            f"loss = {call}",
            f"print(loss.item())  # lossviz: {_number(value)}",
        ])

    def keras(self, call: str, value, *, need_one_hot: bool = False) -> str:
        return "\n".join([
            "import numpy as np", "import keras  # Keras 3, any backend (tf.keras: the same call)", "",
            *self._body(need_one_hot), "",
            f"loss = {call}",
            f"print(float(loss))  # lossviz: {_number(value)} (Keras works in float32)",
        ])

    def tensorflow(self, call: str, value, *, need_one_hot: bool = False) -> str:
        return "\n".join([
            "import numpy as np", "import tensorflow as tf", "",
            *self._body(need_one_hot), "",
            f"per_element = {call}",
            "print(per_element.numpy())  # no reduction: one value per element / sample",
            f"print(float(tf.reduce_mean(per_element)))  # lossviz: {_number(value)}",
        ])

    def caffe(self, layer: str, value) -> str:
        pred = self.pred
        label = "Y" if self.multi_hot else "y"
        reshape = []
        if self.binary:
            reshape = [f"{pred} = {pred}.reshape(-1, 1)  # Caffe blobs: (N, 1)", "y = y.reshape(-1, 1)"]
        comment = {
            "SigmoidCrossEntropyLoss": "  # default normalization: BATCH_SIZE",
            "SoftmaxWithLoss": "  # default normalization: VALID",
            "MultinomialLogisticLoss": "",
        }[layer]
        return "\n".join([
            "import tempfile", "", "import numpy as np", "import caffe", "from caffe import layers as L", "",
            *self.data, *reshape, "",
            "spec = caffe.NetSpec()",
            f"spec.{pred} = L.Input(shape=[dict(dim=list({pred}.shape))])",
            f"spec.{label} = L.Input(shape=[dict(dim=list({label}.shape))])",
            f"spec.loss = L.{layer}(spec.{pred}, spec.{label}){comment}",
            'with tempfile.NamedTemporaryFile("w", suffix=".prototxt", delete=False) as f:',
            "    f.write(str(spec.to_proto()))",
            "net = caffe.Net(f.name, caffe.TEST)",
            f'net.blobs["{pred}"].data[...] = {pred}',
            f'net.blobs["{label}"].data[...] = {label}',
            f'print(float(net.forward()["loss"]))  # lossviz: {_number(value)} (Caffe works in float32)',
        ])

    def sklearn(self, call: str, value, extra_import: str = "") -> str:
        imports = ["import numpy as np"] + ([extra_import] if extra_import else []) + [
            "from sklearn.metrics import log_loss"]
        return "\n".join([
            *imports, "",
            *self.data, "",
            f"print({call})  # lossviz: {_number(value)}",
        ])


def _keras_bce(p, t) -> float:
    """Keras' BinaryCrossentropy() value: clip to Keras' float32 bounds, then the plain formula."""
    return float(bce(np.clip(p, KERAS_CLIP_LOW, KERAS_CLIP_HIGH), t, eps=0.0))


def _number(value) -> str:
    return repr(float(value))


def _vector(values, *, integers: bool = False) -> str:
    items = [str(int(v)) for v in values] if integers else [repr(float(v)) for v in values]
    return _wrap(items, indent="    ")


def _matrix(values) -> str:
    rows = ["[" + ", ".join(repr(float(v)) for v in row) + "]" for row in values]
    return "[\n" + "".join(f"    {row},\n" for row in rows) + "]"


def _wrap(items: list[str], *, indent: str, width: int = 88) -> str:
    one_line = "[" + ", ".join(items) + "]"
    if len(one_line) <= width - 30:
        return one_line
    lines, current = [], ""
    for item in items:
        piece = item + ", "
        if current and len(indent + current + piece) > width:
            lines.append(indent + current.rstrip())
            current = ""
        current += piece
    lines.append(indent + current.rstrip())
    return "[\n" + "\n".join(lines) + "\n]"


def _shape(a: np.ndarray) -> str:
    return "(" + ", ".join(str(d) for d in a.shape) + ("," if a.ndim == 1 else "") + ")"


# --------------------------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------------------------


def _item(id, library, call, returns, value, per_element, note, snippet, *, mistake=False) -> LibraryLoss:
    return LibraryLoss(
        id=id, library=library, call=call, returns=returns, value=float(value),
        per_element=per_element, relation="", note=note, snippet=snippet, mistake=mistake,
    )


def _not_applicable(id, library, call, reason) -> LibraryLoss:
    return LibraryLoss(
        id=id, library=library, call=call, returns="—", value=None, per_element=None,
        relation="not applicable", note="", snippet="", reason=reason,
    )


def _finish(item: LibraryLoss, reference: float) -> LibraryLoss:
    if item.value is None:
        return item
    return replace(item, relation=_relation(item.value, reference))


def _relation(value: float, reference: float) -> str:
    """"same" within float64 rounding, else the ratio to lossviz's number ("3× lossviz")."""
    if np.isclose(value, reference, rtol=1e-9, atol=1e-12):
        return "same"
    if not np.isfinite(value):
        return f"{value} (lossviz: {reference:.6g})"
    if reference > 0:
        ratio = value / reference
        rounded = round(ratio)
        if rounded >= 2 and abs(ratio - rounded) < 1e-9 * rounded:
            return f"{rounded}× lossviz"
        return f"{ratio:.4g}× lossviz"
    return f"differs (lossviz: {reference:.6g})"

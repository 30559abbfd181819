"""lossviz.libraries: the value each library reports, its conventions, and the snippets.

LIBRARY_OUTPUT holds what the snippets themselves printed when run with torch 2.13.0, Keras 3.15.1
(KERAS_BACKEND=torch, float32) and scikit-learn 1.9.1: /work/notes/your_numbers/verify_snippets.py
generated each snippet with ``library_losses``, executed it, and recorded the printed number. The
TensorFlow and Caffe snippets were not run (neither is installed); their conventions are checked
here against the numbers in their documentation and source, computed by hand.
"""

from __future__ import annotations

import ast
import math
import re

import numpy as np
import pytest

from lossviz import cross_entropy, softmax
from lossviz.libraries import (
    CAFFE_LOG_THRESHOLD,
    DATA_FILE,
    EMBED_LIMIT,
    FLT_MIN,
    KERAS_CLIP_HIGH,
    LIBRARIES,
    data_csv,
    library_losses,
)
from lossviz.parsing import read_csv

_rng = np.random.default_rng(0)
_large_z = np.round(_rng.normal(size=(300, 3)) * 3, 3)
FIXTURES = {
    "binary_logits": ([2.3, -1.1, 0.4, 4.0, -3.2, -0.2], [1, 0, 0, 1, 1, 0], "logits"),
    "binary_logits_extreme": ([40.0, -40.0, 25.0, -0.5], [0, 1, 1, 0], "logits"),
    "multiclass_logits": ([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [-2.0, 4.0, 0.0], [1.0, 1.0, 1.0]], [0, 1, 1, 2], "logits"),
    "onehot_logits_extreme": ([[100.0, -100.0, 0.0], [0.0, 0.0, 0.0]], [[0, 1, 0], [1, 0, 0]], "logits"),
    "multilabel_logits": ([[1.5, -0.3, 2.0], [-1.0, 0.8, -2.2], [0.0, 3.0, -0.5]], [[1, 0, 1], [0, 1, 0], [1, 1, 0]],
                          "logits"),
    "binary_probabilities": ([0.9, 0.2, 0.0, 1.0, 0.6], [1, 0, 1, 1, 0], "probabilities"),
    "multiclass_probabilities": ([[0.7, 0.2, 0.1], [0.1, 0.1, 0.9], [0.0, 0.5, 0.5], [0.3, 0.3, 0.4]], [0, 2, 0, 1],
                                 "probabilities"),
    "multilabel_probabilities": ([[0.9, 0.1, 0.8], [0.2, 0.7, 0.3]], [[1, 0, 1], [0, 1, 1]], "probabilities"),
    # 300 x 3 = 900 numbers > EMBED_LIMIT: the snippets read the data file instead.
    "large_multiclass_file": (_large_z.tolist(), _rng.integers(0, 3, 300).tolist(), "logits"),
}

LIBRARY_OUTPUT = {'binary_logits': {'keras_bce_default_on_logits': 2.77148699760437,
                   'keras_bce_from_logits': 0.8586897253990173,
                   'sklearn_log_loss': 0.8586896954291965,
                   'torch_bce_with_logits': 0.8586896954291964},
 'binary_logits_extreme': {'keras_bce_default_on_logits': 8.015119552612305,
                           'keras_bce_from_logits': 20.118518829345703,
                           'sklearn_log_loss': 18.140345940607073,
                           'torch_bce_with_logits': 20.118519246048496},
 'binary_probabilities': {'keras_bce': 3.4725780487060547,
                          'sklearn_log_loss': 7.45768963759267,
                          'torch_bce': 20.248958959769237,
                          'torch_bce_with_logits_on_probabilities': 0.6366379125355468},
 'large_multiclass_file': {'keras_cce_from_logits': 2.549161911010742,
                           'keras_sparse_cce_from_logits': 2.549161911010742,
                           'sklearn_log_loss': 2.5491619393748883,
                           'torch_cross_entropy': 2.5491619393748874,
                           'torch_cross_entropy_on_softmax': 1.1544078407174532,
                           'torch_cross_entropy_probs': 2.5491619393748874,
                           'torch_nll': 2.5491619393748874},
 'multiclass_logits': {'keras_cce_from_logits': 1.0675265789031982,
                       'keras_sparse_cce_from_logits': 1.0675265789031982,
                       'sklearn_log_loss': 1.0675265471985154,
                       'torch_cross_entropy': 1.0675265471985154,
                       'torch_cross_entropy_on_softmax': 0.9567448309569743,
                       'torch_cross_entropy_probs': 1.0675265471985154,
                       'torch_nll': 1.0675265471985154},
 'multiclass_probabilities': {'keras_cce': 4.469853401184082,
                              'keras_sparse_cce': 4.469853401184082,
                              'sklearn_log_loss': 9.427415413259912,
                              'torch_cross_entropy_on_probabilities': 1.000046419956649,
                              'torch_nll_log': math.inf},
 'multilabel_logits': {'keras_bce_default_on_logits': 1.8156932592391968,
                       'keras_bce_from_logits': 0.32088372111320496,
                       'torch_bce_with_logits': 0.3208837470047492},
 'multilabel_probabilities': {'keras_bce': 0.3696093261241913,
                              'torch_bce': 0.36960931370145683,
                              'torch_bce_with_logits_on_probabilities': 0.5353885605815022},
 'onehot_logits_extreme': {'keras_cce_from_logits': 100.54930877685547,
                           'keras_sparse_cce_from_logits': 100.54930877685547,
                           'sklearn_log_loss': 18.57113283889263,
                           'torch_cross_entropy': 100.54930614433405,
                           'torch_cross_entropy_on_softmax': 1.3250285013000804,
                           'torch_cross_entropy_probs': 100.54930614433405,
                           'torch_nll': 100.54930614433405}}

# Keras works in float32; torch (float64 tensors) and scikit-learn agree with lossviz to float64 rounding.
TOLERANCE = {"torch": 1e-12, "keras": 2e-6, "sklearn": 1e-12}


def comparison(name):
    predictions, labels, kind = FIXTURES[name]
    return library_losses(predictions, labels, kind=kind)


RUN_CASES = [(name, id) for name, ids in LIBRARY_OUTPUT.items() for id in ids]


@pytest.mark.parametrize(("name", "id"), RUN_CASES, ids=[f"{n}-{i}" for n, i in RUN_CASES])
def test_value_is_what_the_library_printed(name, id):
    value = comparison(name).entry(id).value
    printed = LIBRARY_OUTPUT[name][id]
    if math.isinf(printed):
        assert value == printed, f"{name} {id}: the library printed {printed}"
        return
    tolerance = TOLERANCE[id.split("_")[0]]
    assert value == pytest.approx(printed, rel=tolerance, abs=tolerance), f"{name} {id}"


def test_the_recorded_runs_cover_every_runnable_entry():
    for name in FIXTURES:
        runnable = {e.id for e in comparison(name).entries
                    if e.value is not None and e.library in ("PyTorch", "Keras", "scikit-learn")}
        assert runnable == set(LIBRARY_OUTPUT[name]), f"{name}: an entry was not verified by running it"


# --------------------------------------------------------------------------------------------
# Conventions, by hand
# --------------------------------------------------------------------------------------------


def test_caffe_sigmoid_cross_entropy_divides_by_the_batch_size():
    """Default normalization BATCH_SIZE: sum over N·C elements / N, i.e. C times the mean."""
    multilabel = comparison("multilabel_logits")
    assert multilabel.entry("caffe_sigmoid_ce").relation == "3× lossviz"
    assert multilabel.entry("caffe_sigmoid_ce").value == pytest.approx(3 * multilabel.reference_value, rel=1e-12)
    assert comparison("binary_logits").entry("caffe_sigmoid_ce").relation == "same", "with C = 1 it is the mean"


def test_caffe_softmax_with_loss_floors_the_probability_at_flt_min():
    """Sample 1's cross-entropy is 200 (true logit −100 against 100), capped at −log(FLT_MIN) =
    126·log 2 = 87.3365; sample 2 is uniform over 3 classes: log 3."""
    cmp = comparison("onehot_logits_extreme")
    assert FLT_MIN == 2.0 ** -126
    expected = (126 * math.log(2) + math.log(3)) / 2
    assert cmp.entry("caffe_softmax_with_loss").value == pytest.approx(expected, rel=1e-12)
    assert cmp.reference_value == pytest.approx((200 + math.log(3)) / 2, rel=1e-12)


def test_caffe_multinomial_logistic_loss_floors_at_1e_minus_20():
    cmp = comparison("multiclass_probabilities")
    assert CAFFE_LOG_THRESHOLD == pytest.approx(1e-20, rel=1e-7)
    by_hand = -(math.log(0.7) + math.log(0.9) + math.log(CAFFE_LOG_THRESHOLD) + math.log(0.3)) / 4
    assert cmp.entry("caffe_multinomial_logistic").value == pytest.approx(by_hand, rel=1e-12)


def test_torch_bce_clamps_each_log_at_minus_100():
    """p = 0 with label 1 costs exactly 100; p = 1 with label 1 costs 0."""
    by_hand = (-math.log(0.9) - math.log(0.8) + 100.0 + 0.0 - math.log(0.4)) / 5
    assert comparison("binary_probabilities").entry("torch_bce").value == pytest.approx(by_hand, rel=1e-14)


def test_keras_clips_at_float32_bounds():
    """Logits 40 (label 0) and −40 (label 1) clip to 1 − 1e-7 (float32: 0.99999988) and 1e-7."""
    assert KERAS_CLIP_HIGH == float(np.float32(0.99999988))
    cmp = comparison("binary_logits_extreme")
    top = -math.log(1.0 - KERAS_CLIP_HIGH)
    bottom = -math.log(float(np.float32(1e-7)))
    by_hand = (top + bottom - math.log(KERAS_CLIP_HIGH) - math.log(1.0 - float(np.float32(1e-7)))) / 4
    assert cmp.entry("keras_bce_default_on_logits").value == pytest.approx(by_hand, rel=1e-9)


def test_tensorflow_sigmoid_cross_entropy_is_unreduced():
    """The tf.nn.sigmoid_cross_entropy_with_logits docs example (TF 2.10): logits [1, −1, 0, 1, −1, 0]
    with labels [0, 0, 0, 1, 1, 1] give [1.3132617, 0.3132617, 0.6931472, 0.3132617, 1.3132617,
    0.6931472] (float32)."""
    cmp = library_losses([1.0, -1.0, 0.0, 1.0, -1.0, 0.0], [0, 0, 0, 1, 1, 1])
    entry = cmp.entry("tf_sigmoid_ce")
    np.testing.assert_allclose(entry.per_element, [1.3132617, 0.3132617, 0.6931472, 0.3132617, 1.3132617, 0.6931472],
                               rtol=1e-7)
    assert entry.value == pytest.approx(entry.per_element.mean(), rel=1e-15)


def test_tensorflow_softmax_functions_return_one_value_per_sample():
    cmp = comparison("multiclass_logits")
    z, y, _ = FIXTURES["multiclass_logits"]
    expected = cross_entropy(z, y, reduction="none")
    for id in ("tf_softmax_ce", "tf_sparse_softmax_ce"):
        np.testing.assert_allclose(cmp.entry(id).per_element, expected, rtol=1e-14)


def test_double_softmax_squeezes_every_loss_into_a_narrow_band():
    """CrossEntropyLoss on softmax outputs: inputs in [0, 1] summing to 1, so each sample's loss lies
    in [log(e + C − 1) − 1, log(e + C − 1)] whatever the logits."""
    z, y, _ = FIXTURES["onehot_logits_extreme"]
    y = np.argmax(y, axis=1)
    per_sample = cross_entropy(softmax(z, axis=1), y, reduction="none")
    low, high = math.log(math.e + 2) - 1, math.log(math.e + 2)
    assert np.all((per_sample >= low - 1e-12) & (per_sample <= high + 1e-12)), per_sample
    note = comparison("onehot_logits_extreme").entry("torch_cross_entropy_on_softmax").note
    assert f"[{low:.4f}, {high:.4f}]" in note


def test_same_and_different_library_calls():
    cmp = comparison("binary_logits")
    assert cmp.same("keras_bce_from_logits", "torch_bce_with_logits")
    assert not cmp.same("keras_bce_default_on_logits", "torch_bce_with_logits")
    assert comparison("multiclass_probabilities").same("torch_nll_log", "torch_nll_log"), "inf equals inf"
    with pytest.raises(ValueError, match="not applicable"):
        comparison("multilabel_logits").same("sklearn_log_loss", "torch_bce_with_logits")


@pytest.mark.parametrize("name", list(FIXTURES))
def test_every_library_has_an_entry_and_non_applicable_ones_say_why(name):
    cmp = comparison(name)
    assert {e.library for e in cmp.entries} == set(LIBRARIES)
    for library in LIBRARIES:
        assert cmp.by_library(library), f"{name}: no {library} entry"
    for entry in cmp.entries:
        if entry.value is None:
            assert entry.reason and not entry.snippet, f"{name} {entry.id}: a non-applicable entry needs a reason"
        else:
            assert entry.snippet and entry.relation, f"{name} {entry.id}"
    assert any(e.mistake for e in cmp.entries), f"{name}: no common mistake shown"
    assert not any(e.mistake and e.relation == "same" for e in cmp.entries if name == "binary_logits")


@pytest.mark.parametrize(
    ("value", "reference", "expected"),
    [(1.0, 1.0, "same"), (3.0, 1.0, "3× lossviz"), (0.5, 1.0, "0.5× lossviz"),
     (math.inf, 1.0, "inf (lossviz: 1)")],
)
def test_relation_text(value, reference, expected):
    from lossviz.libraries import _relation

    assert _relation(value, reference) == expected


# --------------------------------------------------------------------------------------------
# Snippets
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FIXTURES))
def test_every_snippet_is_valid_python_and_states_the_value(name):
    for entry in comparison(name).entries:
        if entry.value is None:
            continue
        compile(entry.snippet, entry.id, "exec")
        assert f"# lossviz: {entry.value!r}" in entry.snippet, f"{name} {entry.id}: the printed value is not stated"


@pytest.mark.parametrize("name", [n for n in FIXTURES if n != "large_multiclass_file"])
def test_embedded_data_round_trips_exactly(name):
    """The arrays in the snippets (written with repr) read back as exactly the input."""
    predictions, labels, _ = FIXTURES[name]
    cmp = comparison(name)
    assert cmp.embedded
    snippet = cmp.entry(cmp.entries[0].id).snippet
    arrays = [ast.literal_eval(text) for text in re.findall(r"np\.array\((\[.*?\])\)", snippet, flags=re.DOTALL)]
    np.testing.assert_array_equal(np.array(arrays[0], dtype=float), np.array(predictions, dtype=float))
    label_array = np.array(arrays[1])
    if label_array.ndim == 1 and np.ndim(labels) == 2:  # one-hot labels are embedded as indices
        label_array = np.eye(np.shape(labels)[1])[label_array]
    np.testing.assert_array_equal(label_array, np.array(labels, dtype=float))


def test_large_data_is_read_from_the_data_file():
    predictions, labels, _ = FIXTURES["large_multiclass_file"]
    cmp = comparison("large_multiclass_file")
    assert np.size(predictions) + np.size(labels) > EMBED_LIMIT and not cmp.embedded
    assert f'np.loadtxt("{DATA_FILE}"' in cmp.entry("torch_cross_entropy").snippet
    back = read_csv(data_csv(predictions, labels))
    np.testing.assert_array_equal(back.predictions, predictions)
    np.testing.assert_array_equal(back.labels.values, labels)


@pytest.mark.parametrize(
    ("predictions", "labels", "kind", "message"),
    [
        ([0.5, 1.5], [0, 1], "probabilities", r"must hold probabilities in \[0, 1\]"),
        ([0.5, 0.5], [0, 1], "softmax", r"kind must be 'logits' or 'probabilities'"),
        ([[[1.0]]], [0], "logits", r"predictions must have shape"),
        ([0.5, 0.2], [0], "logits", r"labels must have one row per prediction row \(2\); got 1"),
    ],
)
def test_bad_input_raises(predictions, labels, kind, message):
    with pytest.raises(ValueError, match=message):
        library_losses(predictions, labels, kind=kind)


def test_unknown_entry_and_library_are_refused():
    cmp = comparison("binary_logits")
    with pytest.raises(ValueError, match=r"id must name a library entry"):
        cmp.entry("jax")
    with pytest.raises(ValueError, match=r"library must be one of PyTorch, Keras"):
        cmp.by_library("JAX")

"""lossviz.report: which losses apply, their per-sample values and gradients, the metrics, the hints.

Reference numbers: TORCH below was computed with torch 2.13.0 (float64, ``reduction="none"`` values,
gradients by autograd of their sum; the focal loss with torchvision's own formula written in torch,
since torchvision is not installed) and SKLEARN with scikit-learn 1.9.1 and Keras 3.15.1 (torch
backend), by /work/notes/your_numbers/make_report_refs.py. The test suite imports neither.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lossviz import LOSSES
from lossviz.figures.report import MAX_BARS, per_sample_loss_figure
from lossviz.report import GRADIENT_LATEX, KINDS, build_report, input_hints

BINARY = ([2.3, -1.1, 0.4, 4.0, -3.2, -0.2], [1, 0, 0, 1, 1, 0])
MULTICLASS = ([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [-2.0, 4.0, 0.0], [1.0, 1.0, 1.0], [3.5, 0.2, -0.5]], [0, 2, 1, 2, 1])
MULTILABEL = ([[1.5, -0.3, 2.0], [-1.0, 0.8, -2.2], [0.0, 3.0, -0.5], [-2.5, -1.0, 1.2]],
              [[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
PROBABILITIES = ([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.05, 0.9, 0.05], [0.3, 0.3, 0.4]],
                 [[1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])
DATA = {
    "binary_logits": (*BINARY, "logits"),
    "multiclass_logits": (*MULTICLASS, "logits"),
    "multilabel_logits": (*MULTILABEL, "logits"),
    "multiclass_probabilities": (*PROBABILITIES, "probabilities"),
}

# [values, gradients] per loss, reduction="none" (see the module docstring).
TORCH = {'binary_logits': {'bce_with_logits': [[0.09554546459796295, 0.2873353251154307, 0.9130152523999526,
                                        0.018149927917809738, 3.2399533331624304, 0.5981388693815919],
                                       [-0.09112296101485617, 0.24973989440488234, 0.598687660112452,
                                        -0.01798620996209155, -0.9608342772032357, 0.45016600268752216]],
                   'sigmoid_focal_loss': [[0.00019833790994350418, 0.013440831372370714,
                                           0.24543692976847825, 1.4678924304673092e-06, 0.7477832609460441,
                                           0.09090937569485],
                                          [-0.0005496870071035136, 0.0318504498228234, 0.35793306517494805,
                                           -4.337632805384433e-06, -0.28033609750187644,
                                           0.168389543742249]],
                   'sigmoid_mse': [[0.008303394024114999, 0.06237001485736178, 0.35842691437092283,
                                    0.00032350374880044124, 0.9232025082486643, 0.2026494299756622],
                                   [-0.015093528348329156, 0.09358746786570663, 0.2876822873697377,
                                    -0.0006353702849019856, -0.07231578704668949, 0.22284709227322685]]},
 'multiclass_logits': {'bce_with_logits': [[[0.1269280110429725, 0.9740769841801067, 0.3132616875182228],
                                            [0.7443966600735709, 0.7981388693815918, 0.04858735157374206],
                                            [0.1269280110429727, 0.018149927917809738, 0.6931471805599453],
                                            [1.3132616875182228, 1.3132616875182228, 0.31326168751822286],
                                            [3.5297504182726205, 0.5981388693815918, 0.4740769841801067]],
                                           [[-0.11920292202211769, 0.6224593312018546, 0.2689414213699951],
                                            [0.52497918747894, 0.549833997312478, -0.047425873177566635],
                                            [0.11920292202211755, -0.01798620996209155, 0.5],
                                            [0.7310585786300049, 0.7310585786300049, -0.2689414213699951],
                                            [0.9706877692486436, -0.45016600268752205,
                                             0.3775406687981454]]],
                       'cross_entropy': [[0.24131129665715703, 0.10960146452146542, 0.020581138947329287,
                                          1.0986122886681098, 3.353729191156088],
                                         [[-0.21440296541072412, 0.1752903921400367, 0.03911257327068745],
                                          [0.04931132715827649, 0.05449744470704105, -0.10380877186531756],
                                          [0.0024282580295913376, -0.020370792832920426,
                                           0.017942534803329198],
                                          [0.3333333333333333, 0.3333333333333333, -0.6666666666666667],
                                          [0.9476887142394992, -0.9650462385084386,
                                           0.017357524268939467]]]},
 'multilabel_logits': {'bce_with_logits': [[[0.2014132779827524, 0.5543552444685271, 0.1269280110429725],
                                            [0.3132616875182228, 0.3711006659477777, 0.105083319768696],
                                            [0.6931471805599453, 0.04858735157374206, 0.4740769841801067],
                                            [0.07888973429254964, 0.3132616875182228, 0.26328246733803123]],
                                           [[-0.18242552380635635, 0.425557483188341, -0.11920292202211769],
                                            [0.2689414213699951, -0.3100255188723875, 0.09975048911968513],
                                            [-0.5, -0.047425873177566635, 0.3775406687981454],
                                            [0.07585818002124355, 0.2689414213699951,
                                             -0.23147521650098246]]],
                       'multilabel_softmax_ce': [[0.7846141224624561, 0.19481482045427656,
                                                  1.576946644541926, 0.12709658280048583],
                                                 [[-0.14463651874363864, 0.05874118836622916,
                                                   0.08589533037740937],
                                                  [0.13603884344573758, -0.17701295568682385,
                                                   0.04097411224108637],
                                                  [-0.45390019894699696, 0.4259392562016979,
                                                   0.027960942745299075],
                                                  [0.021772739294085852, 0.09757864772562466,
                                                   -0.1193513870197106]]]}}

# scikit-learn 1.9.1 (accuracy_score, precision/recall/f1_score with average="binary" / "macro" /
# "micro", log_loss, 1 − hamming_loss) and Keras 3.15.1 (BinaryAccuracy, categorical_crossentropy in
# float32) on the same data; predictions are p > 0.5 or the arg-max.
SKLEARN = {
    "binary_logits": {"accuracy": 0.6666666666666666, "precision": 0.6666666666666666,
                      "recall": 0.6666666666666666, "f1": 0.6666666666666666, "log_loss": 0.8586896954291965},
    "multiclass_logits": {"accuracy": 0.6, "precision": 0.7777777777777777, "recall": 0.6666666666666666,
                          "f1": 0.611111111111111, "log_loss": 0.9647670759900299,
                          "keras_binary_accuracy": 0.800000011920929},
    "multilabel_logits": {"accuracy": 0.75, "hamming_accuracy": 0.9166666666666666, "precision": 1.0,
                          "recall": 0.8333333333333334, "f1": 0.9090909090909091, "macro_f1": 0.8888888888888888},
    "multiclass_probabilities": {"accuracy": 0.5, "log_loss": 1.1948808932832173, "f1": 0.4444444444444444},
}
KERAS_CATEGORICAL_CE_FLOAT32 = [0.3566749691963196, 0.2231435328722, 2.995732307434082, 1.2039728164672852]
TORCH_MSE_MEAN = 0.22124999999999997  # F.mse_loss(p, Y) on PROBABILITIES


def report_of(name):
    predictions, labels, kind = DATA[name]
    return build_report(predictions, labels, kind=kind)


# --------------------------------------------------------------------------------------------
# Which losses apply
# --------------------------------------------------------------------------------------------

APPLICABLE = {
    ("logits", "binary"): ["bce_with_logits", "sigmoid_focal_loss", "sigmoid_mse"],
    ("logits", "class_index"): ["cross_entropy", "bce_with_logits", "sigmoid_focal_loss", "sigmoid_mse"],
    ("logits", "one_hot"): ["cross_entropy_probs", "bce_with_logits", "sigmoid_focal_loss", "sigmoid_mse"],
    ("logits", "multi_hot"): ["bce_with_logits", "sigmoid_focal_loss", "sigmoid_mse", "multilabel_softmax_ce"],
    ("probabilities", "binary"): ["bce", "mse"],
    ("probabilities", "class_index"): ["categorical_ce", "bce", "mse"],
    ("probabilities", "one_hot"): ["categorical_ce", "bce", "mse"],
    ("probabilities", "multi_hot"): ["bce", "mse"],
}
INPUTS = {
    "binary": ([0.2, 0.9, 0.6], [0, 1, 1]),
    "class_index": ([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], [1, 0]),
    "one_hot": ([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], [[0, 1, 0], [1, 0, 0]]),
    "multi_hot": ([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], [[0, 1, 1], [1, 0, 0]]),
}


@pytest.mark.parametrize(("kind", "label_format"), list(APPLICABLE), ids=[f"{k}-{f}" for k, f in APPLICABLE])
def test_exactly_the_applicable_losses_are_computed(kind, label_format):
    predictions, labels = INPUTS[label_format]
    rep = build_report(predictions, labels, kind=kind, label_format=label_format)
    assert [r.key for r in rep.losses] == APPLICABLE[(kind, label_format)]
    assert rep.label_format == label_format


def test_every_loss_key_has_a_registry_entry_and_a_gradient_formula():
    keys = {key for keys in APPLICABLE.values() for key in keys}
    assert keys <= set(LOSSES), f"unknown loss keys {keys - set(LOSSES)}"
    assert keys <= set(GRADIENT_LATEX), f"gradient formula missing for {keys - set(GRADIENT_LATEX)}"


def test_multilabel_softmax_is_skipped_with_a_reason_when_a_row_has_no_positive():
    rep = build_report([[1.0, 2.0], [0.5, -1.0]], [[1, 0], [0, 0]], kind="logits")
    assert "multilabel_softmax_ce" not in [r.key for r in rep.losses]
    reasons = dict(rep.skipped)
    assert "sample 2 has none" in reasons["Softmax cross-entropy with M positives, scaled by 1/M"]


# --------------------------------------------------------------------------------------------
# Values and gradients against torch
# --------------------------------------------------------------------------------------------

CASES = [(name, key) for name, losses in TORCH.items() for key in losses]


@pytest.mark.parametrize(("name", "key"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_values_and_gradients_match_torch(name, key):
    rep = report_of(name)
    result = rep.loss(key)
    values, grads = (np.array(v) for v in TORCH[name][key])
    per_element = values
    np.testing.assert_allclose(result.grad, grads, rtol=1e-12, atol=1e-15,
                               err_msg=f"{name} {key}: gradient differs from torch autograd")
    expected_per_sample = per_element.mean(axis=1) if per_element.ndim == 2 else per_element
    np.testing.assert_allclose(result.per_sample, expected_per_sample, rtol=1e-12, atol=1e-15,
                               err_msg=f"{name} {key}: per-sample values differ from torch")
    assert result.mean == pytest.approx(per_element.mean(), rel=1e-12), "mean must be torch's reduction='mean'"
    assert result.total == pytest.approx(per_element.sum(), rel=1e-12), "total must be torch's reduction='sum'"
    assert result.mean_divisor == per_element.size


def test_binary_cross_entropy_by_hand():
    """ℓ = log(1 + e^(−z)) for y = 1 and log(1 + e^z) for y = 0, straight from the definition."""
    rep = report_of("binary_logits")
    z, y = BINARY
    by_hand = [math.log1p(math.exp(-v)) if t == 1 else math.log1p(math.exp(v)) for v, t in zip(z, y)]
    np.testing.assert_allclose(rep.loss("bce_with_logits").per_sample, by_hand, rtol=1e-14)


def test_keras_categorical_crossentropy_on_probabilities():
    rep = report_of("multiclass_probabilities")
    np.testing.assert_allclose(rep.loss("categorical_ce").per_sample, KERAS_CATEGORICAL_CE_FLOAT32, rtol=2e-7,
                               err_msg="per-sample categorical_ce must match Keras (float32)")
    assert rep.loss("mse").mean == pytest.approx(TORCH_MSE_MEAN, rel=1e-14)


@pytest.mark.parametrize("name", list(DATA))
def test_gradients_are_the_derivative_of_the_summed_loss(name):
    """A central finite difference of reduction="sum" matches every gradient entry."""
    rep = report_of(name)
    x = np.asarray(rep.inputs, dtype=float)
    for result in rep.losses:
        spec = LOSSES[result.key]
        target = rep.labels.indices if result.key == "cross_entropy" else rep.labels.matrix
        options = {"alpha": 0.25, "gamma": 2.0} if result.key == "sigmoid_focal_loss" else {}
        numeric = np.zeros_like(x)
        h = 1e-6
        for index in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[index] += h
            down[index] -= h
            numeric[index] = (spec.value(up, target, reduction="sum", **options)
                              - spec.value(down, target, reduction="sum", **options)) / (2 * h)
        np.testing.assert_allclose(result.grad, numeric, rtol=1e-5, atol=1e-7,
                                   err_msg=f"{name} {result.key}: gradient is not d(sum)/d(input)")


@pytest.mark.parametrize("name", list(DATA))
def test_losses_are_non_negative_and_mean_is_sum_over_divisor(name):
    for result in report_of(name).losses:
        assert np.all(result.per_sample >= 0), f"{name} {result.key}: a loss must not be negative"
        assert result.mean == pytest.approx(result.total / result.mean_divisor, rel=1e-12)
        assert result.mean == pytest.approx(result.per_sample.mean(), rel=1e-12), (
            "the mean of the per-sample values must be the reduction='mean' value"
        )


# --------------------------------------------------------------------------------------------
# Metrics against scikit-learn and Keras
# --------------------------------------------------------------------------------------------

METRIC_CASES = [(name, key) for name, metrics in SKLEARN.items() for key in metrics]


@pytest.mark.parametrize(("name", "key"), METRIC_CASES, ids=[f"{n}-{k}" for n, k in METRIC_CASES])
def test_metrics_match_scikit_learn_and_keras(name, key):
    value = report_of(name).metric(key).value
    tolerance = 1e-7 if key == "keras_binary_accuracy" else 1e-12  # Keras reports float32
    assert value == pytest.approx(SKLEARN[name][key], rel=tolerance), f"{name} {key}"


def test_per_sample_metrics_average_to_the_metric():
    for name in DATA:
        for metric in report_of(name).metrics:
            if metric.per_sample is not None:
                assert metric.per_sample.mean() == pytest.approx(metric.value, rel=1e-12), f"{name} {metric.key}"


def test_correct_flags_follow_the_threshold_and_the_arg_max():
    assert report_of("binary_logits").correct.tolist() == [True, True, False, True, False, True]
    # sample 4 is a tie [1, 1, 1]: the arg-max takes class 0, so it is wrong for label 2.
    assert report_of("multiclass_logits").correct.tolist() == [True, True, True, False, False]
    assert report_of("multilabel_logits").correct.tolist() == [True, True, False, True]


def test_multilabel_log_loss_is_skipped_with_the_reason():
    reasons = dict(report_of("multilabel_logits").skipped)
    assert "positive labels only" in reasons["log_loss (sklearn)"]


# --------------------------------------------------------------------------------------------
# Shares, tables, details
# --------------------------------------------------------------------------------------------


def test_worst_sample_and_wrong_share():
    rep = report_of("binary_logits")
    index, value, share = rep.worst_sample("bce_with_logits")
    values = np.array(TORCH["binary_logits"]["bce_with_logits"][0])
    assert index == 4 and value == pytest.approx(values[4], rel=1e-12)
    assert share == pytest.approx(values[4] / values.sum(), rel=1e-12)
    wrong = ~np.array([True, True, False, True, False, True])
    assert rep.wrong_share("bce_with_logits") == pytest.approx(values[wrong].sum() / values.sum(), rel=1e-12)


def test_wrong_share_is_nan_when_every_loss_is_zero():
    rep = build_report([[0.0, 0.0]], [[0, 0]], kind="probabilities")
    assert math.isnan(rep.wrong_share("mse"))


@pytest.mark.parametrize("name", list(DATA))
def test_tables_have_one_row_per_sample(name):
    rep = report_of(name)
    for columns in (rep.table(), *(rep.gradient_table(r.key) for r in rep.losses)):
        lengths = {len(v) for v in columns.values()}
        assert lengths == {rep.n_samples}, f"{name}: columns of unequal length {lengths}"
    assert len(rep.details()) == rep.n_samples
    for result in rep.losses:
        assert result.short in rep.table(), f"{name}: {result.short} missing from the table"


def test_gradient_table_has_one_column_per_class():
    rep = report_of("multiclass_logits")
    columns = rep.gradient_table("cross_entropy")
    assert [c for c in columns if c.startswith("∂")] == ["∂ℓ/∂z_0", "∂ℓ/∂z_1", "∂ℓ/∂z_2"]
    assert list(report_of("multiclass_probabilities").gradient_table("mse"))[2] == "∂ℓ/∂p_0"


def test_unknown_keys_are_refused():
    rep = report_of("binary_logits")
    with pytest.raises(ValueError, match=r"key must name a computed loss .*got 'cross_entropy'"):
        rep.loss("cross_entropy")
    with pytest.raises(ValueError, match=r"key must name a computed metric"):
        rep.metric("auc")


# --------------------------------------------------------------------------------------------
# Bad input and hints
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predictions", "labels", "kind", "message"),
    [
        ([0.5, 1.5], [0, 1], "probabilities", r"predictions given as probabilities must hold probabilities in \[0, 1\]"),
        ([0.5, 0.5], [0, 1], "scores", r"kind must be 'logits' or 'probabilities'; got 'scores'"),
        ([[[0.5]]], [0], "logits", r"predictions must have shape \(N,\) or \(N, C\); got \(1, 1, 1\)"),
        ([0.5, 0.2], [0, 1, 1], "logits", r"labels must have one row per prediction row \(2\); got 3"),
        ([[0.0, 0.0], [0.5, 0.5]], [0, 1], "probabilities", r"positive sum in every row"),
        ([np.nan, 1.0], [0, 1], "logits", r"predictions must be finite"),
    ],
)
def test_bad_input_raises(predictions, labels, kind, message):
    with pytest.raises(ValueError, match=message):
        build_report(predictions, labels, kind=kind)


def test_hints():
    blocking = input_hints([[0.2], [1.7]], kind="probabilities", label_format="binary")
    assert len(blocking) == 1 and blocking[0].blocking and "from 0.2 to 1.7" in blocking[0].text
    rows = input_hints([[0.5, 0.2], [0.5, 0.5]], kind="probabilities", label_format="class_index")
    assert not rows[0].blocking and "1 of 2 rows do not sum to 1 (row 1 sums to 0.7)" in rows[0].text
    assert input_hints([[0.5, 0.2], [0.5, 0.5]], kind="probabilities", label_format="multi_hot") == ()
    looks = input_hints([[0.9], [0.2]], kind="logits", label_format="binary")
    assert "σ(0.9) = 0.7109" in looks[0].text, "σ(0.9) = 1/(1 + e^−0.9) = 0.71095"
    single = input_hints([[2.0, -1.0, 0.5]], kind="logits", label_format="multi_hot")
    assert "One sample with 3 values" in single[0].text
    assert input_hints([[2.0], [-1.0]], kind="logits", label_format="binary") == ()
    assert set(KINDS) == {"logits", "probabilities"}


# --------------------------------------------------------------------------------------------
# The per-sample figure (lossviz.figures.report)
# --------------------------------------------------------------------------------------------


def test_per_sample_figure_traces_axes_and_values():
    rep = report_of("binary_logits")
    result = rep.loss("bce_with_logits")
    fig = per_sample_loss_figure(result.per_sample, correct=rep.correct, details=rep.details(), loss_name=result.short)
    names = [trace.name for trace in fig.data]
    assert names == ["predicted correctly", "predicted wrong", f"mean = {result.mean:.4g}"]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text, "both axes need titles"
    bars = sorted((x, y) for trace in fig.data[:2] for x, y in zip(trace.x, trace.y))
    assert len(bars) == rep.n_samples
    assert all(np.isfinite(y) for _, y in bars)
    wrong_bars = dict(zip(fig.data[1].x, fig.data[1].y))
    assert set(wrong_bars) == {"#3", "#5"}, "samples 3 and 5 are the wrongly predicted ones"
    assert wrong_bars["#5"] == pytest.approx(3.24, abs=5e-4), "values are rounded to 4 significant digits"


def test_per_sample_figure_keeps_the_largest_bars_only_for_large_data():
    rng = np.random.default_rng(0)
    values = rng.exponential(size=MAX_BARS + 50)
    correct = values < 1.0
    fig = per_sample_loss_figure(values, correct=correct, details=[""] * values.size, loss_name="loss")
    shown = [y for trace in fig.data[:2] for y in trace.y]
    assert len(shown) == MAX_BARS
    assert min(shown) >= np.sort(values)[-MAX_BARS] - 1e-3, "only the largest losses are drawn"
    assert f"{MAX_BARS} largest of {values.size}" in fig.layout.title.text
    assert len(fig.to_json()) < 150_000, "the figure must stay small for a classroom"


def test_per_sample_figure_with_every_sample_right_has_one_bar_trace():
    fig = per_sample_loss_figure([0.1, 0.2], correct=[True, True], details=["a", "b"], loss_name="loss")
    assert [trace.type for trace in fig.data] == ["bar", "scatter"]


@pytest.mark.parametrize(
    ("values", "correct", "details", "message"),
    [
        ([0.1, 0.2], [True], ["a", "b"], r"one entry per sample"),
        ([], [], [], r"at least one sample"),
    ],
)
def test_per_sample_figure_rejects_bad_input(values, correct, details, message):
    with pytest.raises(ValueError, match=message):
        per_sample_loss_figure(values, correct=correct, details=details, loss_name="loss")

"""AppTest checks of the "Pixel-wise softmax" page: the numbers it states, deep links and extremes.

Expected values come from lossviz.segmentation / lossviz.cross_entropy (tested in
tests/test_segmentation.py); the page must show them, not merely run.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

import lossviz as lv
from lossviz import segmentation as sg

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/pixelwise_softmax.py"


def open_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params = dict(params or {})
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def figure(at: AppTest, title_start: str) -> dict:
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if spec["layout"].get("title", {}).get("text", "").startswith(title_start):
            return spec
    raise AssertionError(f"no chart titled {title_start!r}")


def decoded(values) -> np.ndarray:
    """Plotly's JSON z: nested lists, or base64 typed arrays ({"dtype", "bdata", "shape"})."""
    if isinstance(values, dict):
        import base64

        data = np.frombuffer(
            base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])
        )
        shape = values.get("shape")
        if isinstance(shape, str):
            shape = tuple(int(s) for s in shape.split(","))
        return data.reshape(shape) if shape else data
    return np.array(values, dtype=float)


def test_defaults_show_the_mean_and_its_identity():
    at = open_page()
    ex = sg.make_example(4, seed=0)
    mean = lv.cross_entropy(ex.logits, ex.mask[None], axis=1)
    shown = metrics(at)
    assert shown['mean loss (reduction="mean")'] == f"{mean:.4g}" == "0.369"
    assert shown["sum of losses / sum of weights"] == "0.369"
    assert shown["pixels in the loss"] == "1024 of 1024"
    assert shown["pixel accuracy (argmax)"] == "91.3 %"
    text = markdown(at)
    assert f"Σ ℓ_i / 1024 = {mean * 1024:.4f} / 1024 = **{mean:.4f}**" in text
    assert len(at.get("plotly_chart")) == 5, (
        "masks, loss map, class shares, weight sweep, refit masks"
    )
    code = at.code[0].value
    assert "lossviz.cross_entropy(logits, target, axis=1, weight=None" in code
    assert (
        "F.cross_entropy(logits, target, ignore_index=-100, label_smoothing=0)" in code
    )
    assert code.count(f"{mean:.6g}") == 2, "the number lossviz computes, for both calls"


def test_loss_map_shows_cross_entropy_axis_1_reduction_none():
    at = open_page({"pix_border": "3", "pix_rare_w": "10", "pix_smooth": "0.2"})
    ex = sg.make_example(4, seed=0)
    target = sg.ignore_border(ex.mask, 3)
    expected = lv.cross_entropy(
        ex.logits,
        target[None],
        axis=1,
        weight=[1, 1, 1, 10],
        label_smoothing=0.2,
        reduction="none",
    )[0]
    z = decoded(figure(at, "Per-pixel loss")["data"][0]["z"])
    valid = target != -100
    assert np.array_equal(np.isnan(z), ~valid), "ignored pixels are gaps in the map"
    np.testing.assert_allclose(
        z[valid],
        expected[valid],
        rtol=1e-3,
        err_msg="the map is the library's per-pixel loss",
    )


def test_rare_weight_ten():
    at = open_page({"pix_rare_w": "10"})
    ex = sg.make_example(4, seed=0)
    mean = lv.cross_entropy(ex.logits, ex.mask[None], axis=1, weight=[1, 1, 1, 10])
    assert metrics(at)['mean loss (reduction="mean")'] == f"{mean:.4g}" == "0.4086"
    text = markdown(at)
    assert "= 477.2701 / 1168.0000 = **0.4086** (a weighted mean)" in text, (
        "1008 + 10·16 = 1168"
    )
    assert "weight=torch.tensor([1, 1, 1, 10])" in at.code[0].value
    assert "with your weights it carries **23.1 %**" in text
    assert "recall **0.75**" in text, (
        "the weighted bias fit finds 12 of the 16 rare pixels"
    )


def test_predict_then_reveal_explains_the_weighted_mean():
    at = open_page()
    at.radio(key="pix_predict").set_value("Can't tell: it depends on the pixels").run()
    success = at.success[0].value
    assert (
        "Right" in success
        and "it goes up: 0.3690 at w = 1, 0.4086 at w = 10" in success
    )
    assert "the 16 rare pixels average" in success


def test_every_pixel_ignored_is_explained_not_shown_as_nan():
    at = open_page({"pix_border": "16"})
    shown = metrics(at)
    assert (
        shown['mean loss (reduction="mean")'] == "NaN"
        and shown["sum of losses / sum of weights"] == "0 / 0"
    )
    assert shown["pixels in the loss"] == "0 of 1024"
    warning = next(w.value for w in at.warning if "undefined" in w.value)
    assert "every pixel is ignored" in warning and "NaN, as PyTorch's" in warning
    assert any("nothing to fit" in i.value for i in at.info)


def test_ignore_index_255_and_inverse_frequency():
    at = open_page(
        {
            "pix_ignore": "255 (PASCAL VOC's convention)",
            "pix_border": "2",
            "pix_weights": "inverse frequency (balanced)",
        }
    )
    code = at.code[0].value
    assert "ignore_index=255" in code
    ex = sg.make_example(4, seed=0)
    w = sg.inverse_frequency_weights(ex.mask, 4)
    assert f"weight=torch.tensor([{', '.join(f'{v:.4g}' for v in w)}])" in code
    assert at.select_slider(key="pix_rare_w").disabled, (
        "the rare weight slider does not apply to the preset"
    )
    text = markdown(at)
    assert "Inverse frequency sets w_c = N / (K·n_c)" in text
    assert "its 240 pixels get loss 0" in text, (
        "1024 − 28² = 240 pixels in a 2-pixel border"
    )


def test_naive_softmax_check_is_computed():
    text = markdown(open_page())
    check = sg.naive_softmax_check(
        sg.make_example(4, seed=0).logits, sg.make_example(4, seed=0).mask
    )
    assert f"{check.n_nonfinite} of the 1024 pixels get a NaN or infinite loss" in text
    assert f"returns {check.stable_mean:.4g}" in text


def test_extremes_stay_healthy():
    for params in (
        {"pix_conf": "0.0", "pix_noise": "0.0"},
        {"pix_conf": "10.0", "pix_noise": "3.0", "pix_classes": "5"},
        {"pix_rare_w": "0", "pix_smooth": "1.0"},
        {"pix_rare_w": "100", "pix_border": "15", "pix_classes": "3"},
    ):
        at = open_page(params)
        assert len(at.get("plotly_chart")) >= 2, params

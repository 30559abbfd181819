"""lossviz against numbers PyTorch computed (tests/reference/make_reference.py wrote them)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lossviz as lv

DATA = json.loads((Path(__file__).parent / "reference" / "reference_values.json").read_text())
FUNCTIONS = {
    "bce_with_logits": (lv.bce_with_logits, lv.bce_with_logits_grad),
    "cross_entropy": (lv.cross_entropy, lv.cross_entropy_grad),
    "mse": (lv.mse, lv.mse_grad),
    "sigmoid_mse": (lv.sigmoid_mse, lv.sigmoid_mse_grad),
    "sigmoid_focal_loss": (lv.sigmoid_focal_loss, lv.sigmoid_focal_loss_grad),
}
# torchvision computes 1 − p_t by subtraction, which loses the relative precision of tiny
# values (lossviz keeps it); both agree to float64 precision in absolute terms.
ABSOLUTE = {"sigmoid_focal_loss": 1e-15}


def case_id(case):
    options = ",".join(f"{k}={v}" for k, v in case["kwargs"].items() if not isinstance(v, list))
    return f"{case['loss']}[{options}]"


def test_reference_file_covers_every_torch_loss():
    assert {case["loss"] for case in DATA["cases"]} == set(FUNCTIONS)
    assert DATA["torch"].startswith("2.13")


@pytest.mark.parametrize("case", DATA["cases"], ids=[case_id(c) for c in DATA["cases"]])
def test_matches_torch_to_float64_precision(case):
    value_fn, grad_fn = FUNCTIONS[case["loss"]]
    atol = ABSOLUTE.get(case["loss"], 1e-300)
    value = value_fn(case["input"], case["target"], **case["kwargs"])
    grad = grad_fn(case["input"], case["target"], **case["kwargs"])
    np.testing.assert_allclose(value, np.array(case["value"], dtype=float), rtol=1e-12, atol=atol,
                               err_msg=f"{case_id(case)} value differs from torch")
    expected = np.array(case["grad"])
    torch_nan = np.isnan(expected)
    # torchvision's focal gradient is NaN where 1 − p_t is 0 and γ < 1 (0^(γ−1)·0); lossviz
    # returns the finite limit there instead, as NUMERICS.md asks.
    assert not torch_nan.any() or (case["loss"] == "sigmoid_focal_loss" and case["kwargs"]["gamma"] < 1)
    assert np.all(np.isfinite(grad)), f"{case_id(case)} gradient must be finite"
    np.testing.assert_allclose(grad[~torch_nan], expected[~torch_nan], rtol=1e-12, atol=max(atol, 1e-16),
                               err_msg=f"{case_id(case)} gradient differs from torch autograd")

"""Regenerate ``reference_values.json``: what PyTorch computes (values and autograd gradients).

Not part of the test run and not a dependency: torch is only needed to *write* the file. The
tests (tests/test_reference.py) read the stored numbers. To regenerate:

    pip install torch==2.13.0
    python tests/reference/make_reference.py

Values were generated with torch 2.13.0+cpu in float64. Keras is not used here: its torch
backend computes ``binary_crossentropy`` with torch's own BCE in float32, which is not what the
TensorFlow backend (Keras' reference) does; the Keras probability losses are checked in
tests/test_losses.py against values derived by hand from the TensorFlow backend's formula.
torchvision is not installed beside that torch build, so ``sigmoid_focal_loss`` is the body of
``torchvision.ops.sigmoid_focal_loss`` (torchvision 0.2x, copied below verbatim apart from the
reduction), run by torch's autograd.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = Path(__file__).with_name("reference_values.json")


def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def value_and_grad(fn, first, *rest, **kwargs):
    x = torch.tensor(first, requires_grad=True)
    args = [torch.tensor(r) if isinstance(r, (list, np.ndarray)) else r for r in rest]
    kw = {k: torch.tensor(v) if isinstance(v, (list, np.ndarray)) else v for k, v in kwargs.items()}
    out = fn(x, *args, **kw)
    out.backward(torch.ones_like(out))
    return out.detach().numpy().tolist(), x.grad.numpy().tolist()


def main():
    rng = np.random.default_rng(20261123)
    cases = []

    def add(loss, kwargs, inputs, target, fn, *, target_is_index=False, **call):
        for reduction in ("none", "mean", "sum"):
            t = np.asarray(target)
            value, grad = value_and_grad(
                fn, np.asarray(inputs, dtype=np.float64),
                torch.tensor(t, dtype=torch.long) if target_is_index else t.astype(np.float64),
                reduction=reduction, **call,
            )
            cases.append(
                {
                    "loss": loss,
                    "kwargs": {**kwargs, "reduction": reduction},
                    "input": np.asarray(inputs).tolist(),
                    "target": t.tolist(),
                    "value": value,
                    "grad": grad,
                }
            )

    # binary_cross_entropy_with_logits: hard, soft targets, extremes, weight and pos_weight
    z = np.concatenate([rng.normal(0, 3, 10), [1e4, -1e4, 40.0, -40.0, 0.0, 700.0]]).reshape(4, 4)
    y = rng.integers(0, 2, (4, 4)).astype(float)
    y_soft = rng.uniform(0, 1, (4, 4))
    w = rng.uniform(0.2, 2.0, (4, 4))
    pw = np.array([1.0, 3.0, 0.5, 10.0])
    add("bce_with_logits", {}, z, y, F.binary_cross_entropy_with_logits)
    add("bce_with_logits", {}, z, y_soft, F.binary_cross_entropy_with_logits)
    add("bce_with_logits", {"weight": w.tolist(), "pos_weight": pw.tolist()}, z, y,
        F.binary_cross_entropy_with_logits, weight=torch.tensor(w), pos_weight=torch.tensor(pw))
    add("bce_with_logits", {"pos_weight": pw.tolist()}, z, y_soft,
        F.binary_cross_entropy_with_logits, pos_weight=torch.tensor(pw))

    # cross_entropy: index targets with weight, ignore_index, label smoothing, and (N, C, H, W)
    logits = rng.normal(0, 2, (6, 5))
    logits[0] = [1e4, -1e4, 0.0, 3.0, -3.0]
    idx = np.array([0, 1, 4, -100, 2, 3])
    cw = np.array([0.5, 2.0, 1.0, 0.1, 3.0])
    for ls in (0.0, 0.2):
        for weight in (None, cw):
            kw = {"label_smoothing": ls}
            call = {"label_smoothing": ls}
            if weight is not None:
                kw["weight"] = weight.tolist()
                call["weight"] = torch.tensor(weight)
            add("cross_entropy", kw, logits, idx, F.cross_entropy, target_is_index=True, **call)
    add("cross_entropy", {"ignore_index": 2}, logits, np.array([0, 1, 4, 2, 2, 3]),
        F.cross_entropy, target_is_index=True, ignore_index=2)
    image = rng.normal(0, 2, (2, 3, 4, 5))
    mask = rng.integers(0, 3, (2, 4, 5))
    mask[0, 0, :] = -100
    add("cross_entropy", {"axis": 1, "weight": [1.0, 4.0, 0.5], "label_smoothing": 0.1}, image, mask,
        F.cross_entropy, target_is_index=True, weight=torch.tensor([1.0, 4.0, 0.5]), label_smoothing=0.1)
    probs = rng.dirichlet(np.ones(5), 6)
    for ls in (0.0, 0.3):
        add("cross_entropy", {"weight": cw.tolist(), "label_smoothing": ls}, logits, probs,
            F.cross_entropy, weight=torch.tensor(cw), label_smoothing=ls)
    add("cross_entropy", {"axis": 1}, image, rng.dirichlet(np.ones(3), (2, 4, 5)).transpose(0, 3, 1, 2),
        F.cross_entropy)

    # mse, and through a sigmoid
    p = rng.uniform(0, 1, (3, 4))
    add("mse", {}, p, y_soft[:3], F.mse_loss)
    add("sigmoid_mse", {}, z, y, lambda x, t, reduction: F.mse_loss(torch.sigmoid(x), t, reduction=reduction))

    # focal loss (torchvision body)
    for alpha, gamma in ((0.25, 2.0), (-1.0, 0.0), (0.75, 0.5), (0.5, 5.0)):
        add("sigmoid_focal_loss", {"alpha": alpha, "gamma": gamma}, z, y,
            torchvision_sigmoid_focal_loss, alpha=alpha, gamma=gamma)

    OUT.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1))


if __name__ == "__main__":
    main()

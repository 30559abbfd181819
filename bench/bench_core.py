"""Speed of the core losses, measured side by side in one run and printed as ratios.

    python bench/bench_core.py [--repeat 7]

For cross-entropy on 200,000 x 10 logits and BCE-with-logits on 2,000,000 logits, each row times
loss + gradient, either as one ``*_value_and_grad`` call (what a training step makes) or as the
two separate public calls, and prints the median time per element and the ratios to:
  * one ``np.exp`` over the same array (the cheapest pass that touches every element),
  * the naive textbook formulas (softmax then log; 1/(1+exp(-z)) then log), which are not stable,
  * PyTorch CPU, forward + backward, when torch happens to be installed (it is not a dependency),
    pinned to one thread (lossviz, like NumPy, computes on one core) and on every core.
Nothing here is asserted: figures go into bench/README.md and the issue notes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere, no install step
import lossviz as lv  # noqa: E402


def median_seconds(fn, repeat: int) -> float:
    fn()  # warm-up: page faults, caches, lazy imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def naive_cross_entropy(z, t):
    with np.errstate(all="ignore"):
        e = np.exp(z)
        s = e / e.sum(axis=1, keepdims=True)
        loss = -np.log(s[np.arange(len(t)), t]).mean()
        grad = s.copy()
        grad[np.arange(len(t)), t] -= 1.0
        return loss, grad / len(t)


def naive_bce(z, y):
    with np.errstate(all="ignore"):
        p = 1.0 / (1.0 + np.exp(-z))
        loss = -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean()
        return loss, (p - y) / z.size


def torch_timers(z_ce, t_ce, z_b, y_b):
    """Forward + backward in PyTorch, or (None, None) without torch. Set the thread count first."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None, None
    zc, tc = torch.tensor(z_ce), torch.tensor(t_ce)
    zb, yb = torch.tensor(z_b), torch.tensor(y_b)

    def ce():
        x = zc.clone().requires_grad_(True)
        F.cross_entropy(x, tc).backward()

    def bce():
        x = zb.clone().requires_grad_(True)
        F.binary_cross_entropy_with_logits(x, yb).backward()

    return ce, bce


def torch_seconds(fn, repeat: int, threads: int) -> float | None:
    if fn is None:
        return None
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return median_seconds(fn, repeat)
    finally:
        torch.set_num_threads(before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    z_ce = rng.normal(0, 3, (200_000, 10))
    t_ce = rng.integers(0, 10, 200_000)
    z_b = rng.normal(0, 3, 2_000_000)
    y_b = rng.integers(0, 2, 2_000_000).astype(np.float64)
    torch_ce, torch_bce = torch_timers(z_ce, t_ce, z_b, y_b)
    cores = os.cpu_count() or 1

    rows = [
        (
            "cross_entropy 200k x 10",
            z_ce.size,
            lambda: lv.cross_entropy_value_and_grad(z_ce, t_ce),
            lambda: (lv.cross_entropy(z_ce, t_ce), lv.cross_entropy_grad(z_ce, t_ce)),
            lambda: np.exp(z_ce),
            lambda: naive_cross_entropy(z_ce, t_ce),
            torch_ce,
        ),
        (
            "bce_with_logits 2M",
            z_b.size,
            lambda: lv.bce_with_logits_value_and_grad(z_b, y_b),
            lambda: (lv.bce_with_logits(z_b, y_b), lv.bce_with_logits_grad(z_b, y_b)),
            lambda: np.exp(z_b),
            lambda: naive_bce(z_b, y_b),
            torch_bce,
        ),
    ]
    print(
        f"{'workload':<25}{'ns/elem':>9}{'2 calls':>9}{'x np.exp':>10}{'x naive':>9}"
        f"{'x torch 1 thr':>15}{f'x torch {cores} thr':>15}"
    )
    for name, count, fused, separate, floor, naive, reference in rows:
        t_fused = median_seconds(fused, args.repeat)
        t_separate = median_seconds(separate, args.repeat)
        t_floor = median_seconds(floor, args.repeat)
        t_naive = median_seconds(naive, args.repeat)
        torch_ratios = []
        for threads in (1, cores):
            t_torch = torch_seconds(reference, args.repeat, threads)
            torch_ratios.append(f"{t_fused / t_torch:>15.2f}" if t_torch else f"{'n/a':>15}")
        print(
            f"{name:<25}{t_fused / count * 1e9:>9.1f}{t_separate / count * 1e9:>9.1f}"
            f"{t_fused / t_floor:>10.2f}{t_fused / t_naive:>9.2f}{''.join(torch_ratios)}"
        )
    print("ns/elem: one *_value_and_grad call; '2 calls': the loss and its _grad called separately."
          " Ratios are for the single call.")


if __name__ == "__main__":
    main()

"""Speed of the core losses, measured side by side in one run and printed as ratios.

    python bench/bench_core.py [--repeat 7]

For cross-entropy on 200,000 x 10 logits and BCE-with-logits on 2,000,000 logits, each row times
loss + gradient (two public calls, as a page or the trainer makes them) and prints the median
time per element and its ratio to:
  * one ``np.exp`` over the same array (the cheapest pass that touches every element),
  * the naive textbook formulas (softmax then log; 1/(1+exp(-z)) then log), which are not stable,
  * PyTorch CPU (forward + backward), when torch happens to be installed (it is not a dependency).
Nothing here is asserted: figures go into the README / issue notes.
"""

from __future__ import annotations

import argparse
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
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None, None
    torch.set_num_threads(2)
    zc, tc = torch.tensor(z_ce), torch.tensor(t_ce)
    zb, yb = torch.tensor(z_b), torch.tensor(y_b)

    def ce():
        x = zc.clone().requires_grad_(True)
        F.cross_entropy(x, tc).backward()

    def bce():
        x = zb.clone().requires_grad_(True)
        F.binary_cross_entropy_with_logits(x, yb).backward()

    return ce, bce


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

    rows = [
        (
            "cross_entropy 200k x 10",
            z_ce.size,
            lambda: (lv.cross_entropy(z_ce, t_ce), lv.cross_entropy_grad(z_ce, t_ce)),
            lambda: np.exp(z_ce),
            lambda: naive_cross_entropy(z_ce, t_ce),
            torch_ce,
        ),
        (
            "bce_with_logits 2M",
            z_b.size,
            lambda: (lv.bce_with_logits(z_b, y_b), lv.bce_with_logits_grad(z_b, y_b)),
            lambda: np.exp(z_b),
            lambda: naive_bce(z_b, y_b),
            torch_bce,
        ),
    ]
    print(f"{'workload':<26}{'lossviz ns/elem':>16}{'x one np.exp':>14}{'x naive':>10}{'x torch CPU':>13}")
    for name, count, ours, floor, naive, reference in rows:
        t_ours = median_seconds(ours, args.repeat)
        t_floor = median_seconds(floor, args.repeat)
        t_naive = median_seconds(naive, args.repeat)
        torch_ratio = f"{t_ours / median_seconds(reference, args.repeat):>13.2f}" if reference else f"{'n/a':>13}"
        print(
            f"{name:<26}{t_ours / count * 1e9:>16.1f}{t_ours / t_floor:>14.2f}{t_ours / t_naive:>10.2f}{torch_ratio}"
        )


if __name__ == "__main__":
    main()

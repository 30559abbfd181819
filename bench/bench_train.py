"""Time lossviz.train.train: a 500-epoch run for each model × head, as the pages call it.

Run with ``python bench/bench_train.py`` from the repository root. For each combination it prints
the median wall time of a full run (recording every 5th epoch: 101 frames, each with a 60 × 60
decision surface), the same run without the surface, the time of the loss-gradient calls alone
(500 calls of the public ``*_grad`` function the trainer uses), and the ratio of the full run
to the cheapest possible loop: one forward pass × 500. Timings depend on the machine and on its
load (printed first); on a shared, busy machine ``--clock cpu`` (process CPU time) is steadier
than wall time. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lossviz.data import make_dataset  # noqa: E402
from lossviz.losses import bce_with_logits_grad, cross_entropy_grad  # noqa: E402
from lossviz.train import TrainConfig, init_params, train  # noqa: E402


def median_time(fn, repeat: int, clock=time.perf_counter) -> float:
    """Median time of ``fn()`` in seconds on ``clock``, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def forward_loop(config: TrainConfig, X: np.ndarray, epochs: int):
    """The cheapest possible training loop: the model's forward pass, ``epochs`` times."""
    params = init_params(config, X.shape[1])
    w, b = params.head_weight, params.head_bias
    if params.hidden_weight is None:

        def loop():
            for _ in range(epochs):
                X @ w + b
    else:
        w1, b1 = params.hidden_weight, params.hidden_bias

        def loop():
            for _ in range(epochs):
                np.tanh(X @ w1 + b1) @ w + b

    return loop


def gradient_loop(config: TrainConfig, y: np.ndarray, epochs: int):
    """Only the public loss-gradient calls a run makes (the head's loss at the initial logits)."""
    if config.head == "softmax":
        logits = np.zeros((y.size, 2))

        def loop():
            for _ in range(epochs):
                cross_entropy_grad(logits, y)
    else:
        logits, target = np.zeros(y.size), y.astype(np.float64)

        def loop():
            for _ in range(epochs):
                bce_with_logits_grad(logits, target)

    return loop


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--n", type=int, default=200, help="training points")
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="wall time or process CPU time"
    )
    args = parser.parse_args(argv)
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    def timed(fn):
        return median_time(fn, args.repeat, clock)

    data = make_dataset("separable", args.n, seed=0)
    print(
        f"lossviz.train: {args.epochs} epochs, {args.n} points, "
        f"MLP with {args.hidden} hidden units,"
    )
    print(
        "recording every 5th epoch with a 60 x 60 decision surface; "
        f"median {args.clock} time of {args.repeat} runs."
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Load average: {load} on {os.cpu_count()} CPUs.")
    print()
    header = (
        f"{'model':<9} {'head':<8} {'full run':>10} {'no surface':>11} {'loss grads':>11} "
        f"{'forward x N':>12} {'full / forward':>15}"
    )
    print(header)
    print("-" * len(header))
    for model in ("logistic", "mlp"):
        for head in ("sigmoid", "softmax"):
            config = TrainConfig(model=model, head=head, hidden=args.hidden, epochs=args.epochs)
            full = timed(lambda c=config: train(data.X, data.y, c))
            bare = timed(lambda c=config: train(data.X, data.y, c, grid_size=0))
            grads = timed(gradient_loop(config, data.y, args.epochs))
            forward = timed(forward_loop(config, data.X, args.epochs))
            print(
                f"{model:<9} {head:<8} {full * 1e3:>8.1f}ms {bare * 1e3:>9.1f}ms "
                f"{grads * 1e3:>9.1f}ms {forward * 1e3:>10.2f}ms {full / forward:>14.0f}x"
            )


if __name__ == "__main__":
    main()

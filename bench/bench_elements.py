"""What each kind of element costs the server on a widget change: the floor under every lesson.

A lesson's widget change reruns its section (a fragment), which draws the section's elements
again: its text, formulas, metrics, other controls, charts and their export rows. This script
prices each kind on its own, so that a page's cost can be read as "its elements" plus "its
computation". It serves ``bench/elements_app.py`` (one slider in a fragment, then ``--count``
elements of one kind, drawn with the lessons' own helpers) and, first, the trivial page
(``bench/trivial_app.py``), both from the repository root as the other benchmarks do. For each
kind it opens a session on ``?kind=K&count=N``, moves the slider ``--changes`` times, and reads
the server's CPU time. The kinds take turns for ``--rounds`` rounds, so that a drift in the
machine's speed touches them all alike; the table shows each kind's median over the rounds:

- ms/change: server CPU per change, and ``x trivial``: that as a ratio to the trivial page;
- ms/element: (this kind − ``none``) / N, what one more such element adds to a change;
- elements per trivial page: how many such elements cost as much as the whole trivial page.

Only 127.0.0.1 is contacted.

Usage::

    python bench/bench_elements.py                    # 20 elements, 150 changes, 3 rounds
    python bench/bench_elements.py --count 10 --changes 100 --rounds 1
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

import numpy as np
from streamlit_client import (
    TRIVIAL_APP,
    StreamlitServer,
    StreamlitSession,
    format_table,
    machine_note,
    process_cpu_seconds,
    stop_on_sigterm,
)

__all__ = ["main", "measure"]

ELEMENTS_APP = Path(__file__).resolve().parent / "elements_app.py"
KINDS = ("none", "markdown", "latex", "metric", "slider", "export", "chart_same", "chart_new")
DRIVER_KEY = "driver"
WARM_UP = 10


async def measure(url: str, pid: int, query_string: str, *, changes: int, seed: int, key: str) -> float:
    """Server CPU seconds per change of the widget ``key``, one session on ``?query_string``."""
    rng = np.random.default_rng(seed)
    async with StreamlitSession(url, "", query_string, run_timeout=60) as session:
        first = await session.run()
        if not first.ok:
            raise RuntimeError(f"?{query_string}: the first run ended {first.status} {first.exceptions[:1]}")

        async def change() -> None:
            driver = next((w for w in session.changeable_widgets() if w.key == key), None)
            if driver is None:
                raise RuntimeError(f"?{query_string}: no widget with key {key!r}")
            run = await session.run({driver.id: driver.random_value(rng)})
            if not run.ok:
                raise RuntimeError(f"?{query_string}: a change ended {run.status} {run.exceptions[:1]}")

        for _ in range(WARM_UP):
            await change()
        start = process_cpu_seconds(pid)
        for _ in range(changes):
            await change()
        return (process_cpu_seconds(pid) - start) / changes


def main(argv: list[str] | None = None) -> int:
    """Measure the trivial page and every kind of element; print the table."""
    args = _parse_args(argv)
    stop_on_sigterm()
    print(f"{args.count} elements per kind, {args.changes} changes per measurement, {args.rounds} round(s)")
    print(machine_note() + "\n")
    trivial: list[float] = []
    per_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with StreamlitServer(TRIVIAL_APP) as trivial_server, StreamlitServer(ELEMENTS_APP) as server:
        for round_index in range(args.rounds):
            seed = args.seed + round_index
            trivial.append(asyncio.run(measure(trivial_server.url, trivial_server.pid, "",
                                               changes=args.changes, seed=seed, key="slope")))
            for kind in KINDS:
                count = 0 if kind == "none" else args.count
                per_kind[kind].append(asyncio.run(measure(server.url, server.pid, f"kind={kind}&count={count}",
                                                          changes=args.changes, seed=seed, key=DRIVER_KEY)))
    trivial_s = statistics.median(trivial)
    floor_s = statistics.median(per_kind["none"])
    rows = [["trivial page", "", f"{1000 * trivial_s:.2f}", "1.00", "", ""]]
    for kind in KINDS:
        cost_s = statistics.median(per_kind[kind])
        count = 0 if kind == "none" else args.count
        element_s = (cost_s - floor_s) / count if count else float("nan")
        rows.append([
            kind,
            count,
            f"{1000 * cost_s:.2f}",
            f"{cost_s / trivial_s:.2f}",
            "" if not count else f"{1000 * element_s:.3f}",
            "" if not count or element_s <= 0 else f"{trivial_s / element_s:.0f}",
        ])
    print(format_table(["page", "elements", "ms/change", "x trivial", "ms/element", "elements per trivial page"],
                       rows))
    return 0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20, help="elements of each kind (default 20)")
    parser.add_argument("--changes", type=int, default=150, help="slider changes per measurement (default 150)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all kinds; the median is shown (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the slider values (default 0)")
    args = parser.parse_args(argv)
    for name in ("count", "changes", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1; got {getattr(args, name)}")
    return args


if __name__ == "__main__":
    sys.exit(main())

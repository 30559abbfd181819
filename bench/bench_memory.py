"""Memory over time: many reruns of every page in one session, and the server's RSS growth.

For each page that exists (HOME and the lessons of ``lossviz.lessons``; a lesson whose file is not
written yet is skipped with a note), the script starts a fresh ``streamlit run`` on a free
127.0.0.1 port, opens one session on the page, and reruns it ``--reruns`` times (default 1,000),
changing a random widget each time as a student would (``--mode same`` reruns with unchanged
widgets instead). It samples the server's RSS as it goes and reports, per page:

- RSS after the first run, after the warm-up (the first 10 % of reruns, when imports, caches and
  allocator pools have settled) and at the end;
- growth from warm-up to the end, in MiB and in KiB per rerun;
- growth over the second half alone, which separates a steady leak from a plateau (a page whose
  ``st.cache_data`` fills up grows in the first half and flattens in the second);
- the server's CPU time per rerun, the figure that sizes a deployment (see bench_classroom.py):
  unlike latency, it barely depends on what else the machine is doing; and that CPU time as a
  ratio to the trivial page (``bench/trivial_app.py``: one slider, one line chart, one line of
  text), served the same way in the same run (``x trivial``). The trivial page is measured first
  and again right before each page (``--trivial-reruns`` changes, default 200), and each page is
  compared with the measurement just before it (``trivial ms``): a shared machine's speed drifts
  by a third and more over a run.

A page is bounded by ``--max-seconds-per-page`` (default 240 s): when it runs out, the table shows
how many reruns were done. Only 127.0.0.1 is contacted.

Usage::

    python bench/bench_memory.py                         # every existing page, 1,000 reruns each
    python bench/bench_memory.py --pages ce-vs-mse --reruns 200
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import numpy as np
from streamlit_client import (
    REPO_ROOT,
    TRIVIAL_APP,
    PageRef,
    StreamlitServer,
    StreamlitSession,
    existing_pages,
    format_table,
    machine_note,
    percentile,
    process_cpu_seconds,
    process_rss_bytes,
    stop_on_sigterm,
)

__all__ = ["main", "measure_page"]

MIB = 2.0**20


async def measure_page(url: str, pid: int, page: PageRef, *, reruns: int, mode: str,
                       max_seconds: float, timeout: float, seed: int) -> dict[str, float | int | str]:
    """Rerun ``page`` up to ``reruns`` times in one session and return the RSS figures."""
    rng = np.random.default_rng(seed)
    deadline = time.monotonic() + max_seconds
    rss: list[float] = []
    latencies: list[float] = []
    errors: list[str] = []
    async with StreamlitSession(url, page.slug, run_timeout=timeout) as session:
        first = await session.run()
        if not first.ok:
            errors.append(f"first run: {first.status} {first.exceptions[:1]}")
        rss_first = process_rss_bytes(pid)
        cpu_start = process_cpu_seconds(pid)
        done = 0
        while done < reruns and time.monotonic() < deadline:
            widget = None
            if mode == "random":
                widget, run = await session.change_random_widget(rng)
            else:
                run = await session.run()
            if not run.ok:
                errors.append(f"rerun {done + 1} ({widget.key if widget else 'no change'}): "
                              f"{run.status} {run.exceptions[:1]}")
            latencies.append(run.latency_s)
            done += 1
            rss.append(process_rss_bytes(pid))
        cpu = process_cpu_seconds(pid) - cpu_start
    # Warm-up: the first 10 % of the reruns actually done (fewer when the time limit struck).
    warm_at = max(1, done // 10)
    warm = rss[warm_at - 1] if rss else float("nan")
    end = rss[-1] if rss else float("nan")
    half = rss[len(rss) // 2] if rss else float("nan")
    after_warm = max(1, done - warm_at)
    for error in errors[:3]:
        print(f"  error on /{page.slug}: {error}"[:400])
    return {
        "page": f"/{page.slug}",
        "reruns": done,
        "errors": len(errors),
        "p50 s": percentile(latencies, 50),
        "cpu ms/rerun": 1000 * cpu / done if done else float("nan"),
        "first MiB": rss_first / MIB,
        "warm MiB": warm / MIB,
        "end MiB": end / MIB,
        "peak MiB": max(rss, default=float("nan")) / MIB,
        "growth MiB": (end - warm) / MIB,
        "KiB/rerun": (end - warm) / 1024 / after_warm,
        "2nd half MiB": (end - half) / MIB,
    }


def main(argv: list[str] | None = None) -> int:
    """Measure every selected page and print the table."""
    args = _parse_args(argv)
    stop_on_sigterm()
    app = Path(args.app).resolve()
    pages = existing_pages(app.parent)
    if args.pages != "all":
        wanted = [s.strip().strip("/") for s in args.pages.split(",")]
        pages = [p for p in pages if p.slug in wanted]
    if not pages:
        print("no page to measure", file=sys.stderr)
        return 2
    print(f"{args.reruns} reruns per page ({args.mode} widget changes), one session, fresh server "
          f"per page, at most {args.max_seconds_per_page:.0f} s per page")
    print(machine_note() + "\n")
    rows = []
    yardsticks = []
    with StreamlitServer(TRIVIAL_APP) as trivial_server:

        def measure_trivial(seed: int) -> dict:
            return asyncio.run(measure_page(
                trivial_server.url, trivial_server.pid, PageRef("", "trivial page", TRIVIAL_APP.name),
                reruns=args.trivial_reruns or args.reruns, mode=args.mode,
                max_seconds=args.max_seconds_per_page, timeout=args.timeout, seed=seed))

        trivial = measure_trivial(args.seed)
        trivial["page"] = "trivial page"
        trivial["x trivial"] = 1.0
        rows.append(trivial)
        print(f"trivial page: {trivial['reruns']} reruns, {trivial['cpu ms/rerun']:.1f} ms CPU per rerun",
              flush=True)
        try:
            for index, page in enumerate(pages):
                # The yardstick is measured again right before each page: a shared machine's speed
                # drifts over a run (turbo, neighbours), and the ratio must compare like with like.
                adjacent = measure_trivial(args.seed + 1000 + index)["cpu ms/rerun"]
                yardsticks.append(adjacent)
                with StreamlitServer(app) as server:
                    # One run of the home page first: this bench measures steady state, not the
                    # process's one-time imports.
                    asyncio.run(_home_run(server.url, args.timeout))
                    row = asyncio.run(measure_page(
                        server.url, server.pid, page, reruns=args.reruns, mode=args.mode,
                        max_seconds=args.max_seconds_per_page, timeout=args.timeout,
                        seed=args.seed + index))
                row["trivial ms"] = adjacent
                row["x trivial"] = row["cpu ms/rerun"] / adjacent
                rows.append(row)
                print(f"{row['page']}: {row['reruns']} reruns, {row['cpu ms/rerun']:.1f} ms CPU per rerun "
                      f"({row['x trivial']:.2f}x the trivial page's {adjacent:.1f} ms just before), RSS "
                      f"{row['warm MiB']:.1f} -> {row['end MiB']:.1f} MiB", flush=True)
        except KeyboardInterrupt:
            print("interrupted: the table shows the pages that finished")
    trivial["trivial ms"] = trivial["cpu ms/rerun"]
    if len(rows) < 2:
        return 1
    lessons = [row["x trivial"] for row in rows[1:]]
    print(f"\nCPU per change as a ratio to the trivial page: median {np.median(lessons):.2f}x, "
          f"worst {max(lessons):.2f}x ({rows[1 + int(np.argmax(lessons))]['page']}); "
          f"{sum(x <= 6 for x in lessons)} of {len(lessons)} pages within 6x")
    print(f"the trivial page, measured before each page: {min(yardsticks):.1f} to {max(yardsticks):.1f} ms "
          f"(median {np.median(yardsticks):.1f})")
    print()
    headers = list(rows[0])
    print(format_table(headers, [[row[h] for h in headers] for row in rows]))
    print("\ncpu ms/rerun = the server's CPU time per rerun (what sizes a deployment; unlike "
          "latency, other load on the machine barely changes it)")
    print("warm = after the first 10 % of reruns; growth and KiB/rerun from warm to end; "
          "2nd half = growth over the last half only (near 0 for a plateau, ~half the growth for a leak)")
    print(machine_note())
    return 0


async def _home_run(url: str, timeout: float) -> None:
    async with StreamlitSession(url, "", run_timeout=timeout) as session:
        await session.run()


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reruns", type=int, default=1000, help="reruns per page (default 1000)")
    parser.add_argument("--mode", choices=("random", "same"), default="random",
                        help="change a random widget each rerun, or rerun unchanged (default random)")
    parser.add_argument("--pages", default="all", help="comma-separated slugs, or 'all' existing pages")
    parser.add_argument("--app", default=str(REPO_ROOT / "app.py"), help="the Streamlit entry script")
    parser.add_argument("--max-seconds-per-page", type=float, default=240.0,
                        help="stop a page's reruns after this many seconds (default 240)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one rerun may take")
    parser.add_argument("--seed", type=int, default=0, help="seed of the widget changes")
    parser.add_argument("--trivial-reruns", type=int, default=200,
                        help="reruns of the trivial page before each page (default 200; 0 = --reruns)")
    args = parser.parse_args(argv)
    if args.reruns < 1:
        parser.error(f"--reruns must be at least 1; got {args.reruns}")
    return args


if __name__ == "__main__":
    sys.exit(main())

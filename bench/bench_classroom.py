"""Classroom load test: N simulated students on live Streamlit sessions, over the real protocol.

Each student opens a lesson page like a browser (an HTTP GET of the page, which also picks up a
sticky-session cookie when a proxy sets one, then the websocket at ``/_stcore/stream``), waits for
the first run, and then changes a random widget every few seconds (think time drawn uniformly from
``--think``) until the level's time is up. Students join spread over ``--ramp`` seconds and are
dealt round-robin over the pages that exist (or the ``--pages`` given).

For every level of N the script reports the rerun latency of the widget changes made after the
ramp (p50, p95, max), the latency of the first page load, errors (exceptions shown by the page,
timeouts, dropped connections), the server's CPU use and RSS, and the RSS per session; then it
estimates how many students the machine serves with p95 < 1 s.

Without ``--url`` it starts a fresh ``streamlit run`` per level on a free 127.0.0.1 port (so RSS
per session is measured from a clean baseline). With ``--url`` it load-tests whatever listens there
(e.g. the nginx front of ``deploy/run_replicas.sh``); give the server processes with ``--pid`` or
``--pid-file`` to get CPU and RSS figures. Only 127.0.0.1 is ever contacted, every level is bounded
by its duration, and the whole run by ``--max-seconds``.

The load generator runs on the same machine as the server: its own CPU use is reported in the
"client cpu" column, and on a 2-core machine it takes CPU the server would otherwise have.

Usage::

    python bench/bench_classroom.py                         # 10, 30, 60, 100 students, 45 s each
    python bench/bench_classroom.py --students 30 --duration 20 --pages ce-vs-mse
    deploy/run_replicas.sh -n 2 --run 'python bench/bench_classroom.py --url "$LOSSVIZ_URL" \\
        --pid-file "$LOSSVIZ_PID_FILE"'
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import http.cookies
import secrets
import sys
import time
import urllib.parse
import urllib.request
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
    machine_busy_seconds,
    machine_note,
    percentile,
    process_cpu_seconds,
    process_rss_bytes,
    stop_on_sigterm,
    wait_for_health,
)

__all__ = ["LevelResult", "main", "run_level"]

P95_TARGET_S = 1.0


@dataclasses.dataclass
class LevelResult:
    """Everything measured for one number of students."""

    students: int
    pages: int
    interactions: list[float] = dataclasses.field(default_factory=list)
    joins: list[float] = dataclasses.field(default_factory=list)
    errors: dict[str, int] = dataclasses.field(default_factory=dict)
    error_samples: list[str] = dataclasses.field(default_factory=list)
    steady_seconds: float = 0.0
    server_cpu_steady: float = float("nan")
    client_cpu_steady: float = float("nan")
    other_cpu_steady: float = float("nan")
    rss_baseline: float = float("nan")
    rss_loaded: float = float("nan")
    rss_peak: float = float("nan")

    def add_error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{kind}: {detail}"[:300])

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def p95(self) -> float:
        return percentile(self.interactions, 95)

    @property
    def cpu_per_rerun(self) -> float:
        """Server CPU seconds per widget change in the steady phase."""
        return self.server_cpu_steady / len(self.interactions) if self.interactions else float("nan")


def main(argv: list[str] | None = None) -> int:
    """Run the levels given on the command line and print the table and the capacity estimate."""
    args = _parse_args(argv)
    stop_on_sigterm()
    app = Path(args.app).resolve()
    pages = _select_pages(app.parent, args.pages)
    if not pages:
        print("no page to test: none of the lessons' files exist", file=sys.stderr)
        return 2
    pids = _read_pids(args)
    rng = np.random.default_rng(args.seed)
    started = time.monotonic()
    results: list[LevelResult] = []
    target = args.url or f"streamlit run {app.relative_to(REPO_ROOT) if app.is_relative_to(REPO_ROOT) else app}"
    print(f"classroom load test against {target}; pages: "
          + ", ".join(f"/{p.slug}" for p in pages))
    print(f"think time {args.think[0]}-{args.think[1]} s, ramp {args.ramp} s, "
          f"measured for {args.duration} s per level")
    print(machine_note() + "\n")
    trivial = None
    if args.trivial_students:
        # The yardstick, measured in this run: the trivial page (one slider, one line chart, one line
        # of text) served by its own `streamlit run` with the same config, under the same load model.
        with StreamlitServer(TRIVIAL_APP) as server:
            trivial = asyncio.run(run_level(
                server.url, [server.pid], [PageRef("", "trivial page", TRIVIAL_APP.name)],
                args.trivial_students, args, int(rng.integers(2**32))))
        print(f"trivial page, {_level_line(trivial).strip()}, "
              f"{trivial.cpu_per_rerun * 1000:.1f} ms server CPU per change", flush=True)
    try:
        for students in args.students:
            level_time = args.ramp + args.duration + 15
            if time.monotonic() - started + level_time > args.max_seconds:
                print(f"note: stopping before {students} students: --max-seconds "
                      f"{args.max_seconds:.0f} would be exceeded")
                break
            seed = int(rng.integers(2**32))
            if args.url:
                result = asyncio.run(run_level(args.url, pids, pages, students, args, seed))
            else:
                with StreamlitServer(app) as server:
                    result = asyncio.run(run_level(server.url, [server.pid], pages, students, args,
                                                   seed))
            results.append(result)
            print(_level_line(result), flush=True)
    except KeyboardInterrupt:
        print("interrupted: the table shows the levels that finished")
    if not results:
        return 1
    print()
    print(_table(results, trivial))
    print()
    print(_capacity(results, args, trivial))
    print(machine_note())
    return 0


async def run_level(url: str, pids: list[int], pages: list[PageRef], students: int,
                    args: argparse.Namespace, seed: int) -> LevelResult:
    """Hold ``students`` sessions on ``url`` for one ramp + duration and measure them."""
    result = LevelResult(students, len(pages))
    if not args.cold:
        await _warm_up(url, pages, args.timeout, len(pids))
    await asyncio.sleep(1.0)
    result.rss_baseline = _total_rss(pids)
    loop_start = time.monotonic()
    steady_start = loop_start + args.ramp
    deadline = steady_start + args.duration
    seeds = np.random.SeedSequence(seed).spawn(students)
    sessions: list[StreamlitSession] = []
    samples: list[tuple[float, float, float, float, float]] = []
    stop_sampling = asyncio.Event()

    async def sample() -> None:
        while not stop_sampling.is_set():
            samples.append((time.monotonic(), _total_rss(pids), _total_cpu(pids),
                            time.process_time(), machine_busy_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_sampling.wait(), 0.5)

    async def student(index: int) -> None:
        student_rng = np.random.default_rng(seeds[index])
        page = pages[index % len(pages)]
        await asyncio.sleep(args.ramp * index / students)
        try:
            cookies = await asyncio.to_thread(_browser_cookies, url, page.slug)
            session = StreamlitSession(url, page.slug, run_timeout=args.timeout, cookies=cookies)
            await session.connect()
            sessions.append(session)
            first = await session.run()
            result.joins.append(first.latency_s)
            if not first.ok:
                result.add_error("page error", f"/{page.slug}: {first.status} {first.exceptions[:1]}")
            while True:
                pause = student_rng.uniform(*args.think)
                if time.monotonic() + pause >= deadline:
                    break
                await asyncio.sleep(pause)
                sent = time.monotonic()
                widget, run = await session.change_random_widget(student_rng)
                if sent >= steady_start:
                    result.interactions.append(run.latency_s)
                if not run.ok:
                    name = widget.key if widget else "rerun"
                    result.add_error("page error", f"/{page.slug} {name}: {run.status} {run.exceptions[:1]}")
        except TimeoutError:
            result.add_error("timeout", f"/{page.slug}: no script_finished within {args.timeout} s")
        except (OSError, ConnectionError) as exc:
            result.add_error("connection", f"/{page.slug}: {exc!r}")
        except Exception as exc:  # noqa: BLE001 - a closed websocket or a protocol surprise ends one student, not the run
            result.add_error(type(exc).__name__, f"/{page.slug}: {exc}")

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(student(i) for i in range(students)))
    # All sessions are still open: this is the memory a full class holds.
    result.rss_loaded = _total_rss(pids)
    stop_sampling.set()
    await sampler
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)

    steady = [s for s in samples if steady_start <= s[0] <= deadline]
    if len(steady) >= 2:
        result.steady_seconds = steady[-1][0] - steady[0][0]
        result.server_cpu_steady = steady[-1][2] - steady[0][2]
        result.client_cpu_steady = steady[-1][3] - steady[0][3]
        busy = steady[-1][4] - steady[0][4]
        result.other_cpu_steady = busy - result.client_cpu_steady - (
            result.server_cpu_steady if pids else 0.0)
    rss_values = [s[1] for s in samples if s[1] == s[1]]
    result.rss_peak = max(rss_values, default=float("nan"))
    return result


async def _warm_up(url: str, pages: list[PageRef], timeout: float, replicas: int) -> None:
    """Load every page on every replica so that first-import costs are not charged to students.

    Behind nginx a session lands on the replica its random ``lossviz_replica`` cookie hashes to,
    so each page is loaded 3 times per replica with fresh cookies (the chance that a replica is
    missed is 2**-6 for two replicas). A cold replica would also greet its first student with
    Streamlit's one-time "Page not found" dialog (see tests/e2e/test_smoke.py).
    """
    rounds = 1 if replicas <= 1 else 3 * replicas
    for page in pages:
        for _ in range(rounds):
            cookie = f"lossviz_replica={secrets.token_hex(16)}" if rounds > 1 else ""
            async with StreamlitSession(url, page.slug, run_timeout=timeout,
                                        cookies=cookie) as session:
                await session.run()


def _browser_cookies(url: str, slug: str) -> str:
    """GET the page as a browser does first, and return its Set-Cookie values as a Cookie header."""
    with urllib.request.urlopen(f"{url}/{slug}", timeout=30) as response:
        jar = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or ():
            jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def _total_rss(pids: list[int]) -> float:
    try:
        return float(sum(process_rss_bytes(pid) for pid in pids)) if pids else float("nan")
    except (OSError, RuntimeError):
        return float("nan")


def _total_cpu(pids: list[int]) -> float:
    try:
        return sum(process_cpu_seconds(pid) for pid in pids) if pids else float("nan")
    except OSError:
        return float("nan")


def _level_line(r: LevelResult) -> str:
    return (f"{r.students:4d} students: {len(r.interactions)} changes, p50 "
            f"{percentile(r.interactions, 50):.3f} s, p95 {r.p95:.3f} s, errors {r.error_count}"
            + (f" ({'; '.join(r.error_samples[:2])})" if r.error_samples else ""))


def _table(results: list[LevelResult], trivial: LevelResult | None = None) -> str:
    mib = 2.0**20
    rows = []
    yardstick = trivial.cpu_per_rerun if trivial else float("nan")
    for r in results:
        steady = r.steady_seconds or float("nan")
        rows.append([
            r.students, len(r.interactions),
            percentile(r.interactions, 50), r.p95, max(r.interactions, default=float("nan")),
            percentile(r.joins, 95), r.error_count,
            r.server_cpu_steady / steady, r.client_cpu_steady / steady,
            r.other_cpu_steady / steady,
            r.rss_baseline / mib, r.rss_loaded / mib, (r.rss_loaded - r.rss_baseline) / mib / r.students,
            r.cpu_per_rerun * 1000, r.cpu_per_rerun / yardstick,
        ])
    headers = ["students", "changes", "p50 s", "p95 s", "max s", "join p95 s", "errors",
               "server cpu", "client cpu", "other cpu", "rss base MiB", "rss full MiB",
               "MiB/session", "cpu ms/change", "x trivial"]
    return ("latency = widget change -> script_finished, after the ramp; cpu in cores "
            "(1.0 = one core busy); other cpu = processes outside this benchmark\n"
            + format_table(headers, rows))


def _capacity(results: list[LevelResult], args: argparse.Namespace,
              trivial: LevelResult | None = None) -> str:
    lines = []
    if trivial is not None and trivial.interactions:
        lines.append(f"yardstick: the trivial page costs {trivial.cpu_per_rerun * 1000:.1f} ms of server "
                     f"CPU per change (p50 {percentile(trivial.interactions, 50):.3f} s, p95 "
                     f"{trivial.p95:.3f} s with {trivial.students} students), measured in this run.")
    passing = [r for r in results if r.p95 < P95_TARGET_S and r.error_count == 0]
    failing = [r for r in results if not (r.p95 < P95_TARGET_S and r.error_count == 0)]
    if passing:
        best = max(passing, key=lambda r: r.students)
        above = [r for r in failing if r.students > best.students]
        bound = f", fails at {min(r.students for r in above)}" if above else ", the most tested"
        lines.append(f"measured: p95 < {P95_TARGET_S:.0f} s with no errors up to {best.students} "
                     f"students{bound}.")
    else:
        lines.append(f"measured: no level met p95 < {P95_TARGET_S:.0f} s with no errors.")
    costs = [r.cpu_per_rerun for r in results if r.cpu_per_rerun == r.cpu_per_rerun and r.interactions]
    if costs:
        cost = float(np.median(costs))
        think = float(np.mean(args.think))
        # A student asks for cost CPU-seconds every (think + latency) s. One Streamlit process runs
        # its scripts under one GIL, so it saturates near one core; at 70 % of it queues stay short.
        per_process = 0.7 * think / cost
        lines.append(f"model: {cost * 1000:.0f} ms of server CPU per widget change; at one change "
                     f"per {think:.1f} s per student, one server process (GIL-bound, ~1 core) "
                     f"stays at 70 % load up to ~{per_process:.0f} students; a host with k free "
                     f"cores and k replicas behind nginx ~{per_process:.0f}·k.")
    return "\n".join(lines)


def _select_pages(app_dir: Path, wanted: str) -> list[PageRef]:
    pages = existing_pages(app_dir)
    if wanted == "all":
        return pages
    slugs = [s.strip().strip("/") for s in wanted.split(",")]
    known = {p.slug: p for p in pages}
    missing = [s for s in slugs if s not in known]
    if missing:
        raise SystemExit(f"--pages must name existing pages {sorted(known)}; got {missing}")
    return [known[s] for s in slugs]


def _read_pids(args: argparse.Namespace) -> list[int]:
    pids = list(args.pid or [])
    if args.pid_file:
        pids += [int(line) for line in Path(args.pid_file).read_text().split() if line.strip()]
    if args.url:
        host = urllib.parse.urlsplit(args.url).hostname
        if host not in ("127.0.0.1", "localhost"):
            raise SystemExit(f"--url must point at 127.0.0.1; got {args.url!r}")
        wait_for_health(args.url.rstrip("/"), 30)
        if not pids:
            print("note: no --pid/--pid-file given, so no server CPU or RSS figures")
    return pids


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=_int_list, default=[10, 30, 60, 100],
                        help="comma-separated numbers of students, one level each (default 10,30,60,100)")
    parser.add_argument("--duration", type=float, default=45.0,
                        help="seconds measured per level after the ramp (default 45)")
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="seconds over which the students join (default 10)")
    parser.add_argument("--think", type=_float_pair, default=(2.0, 6.0),
                        help="min,max seconds between a student's widget changes (default 2,6)")
    parser.add_argument("--pages", default="all",
                        help="comma-separated page slugs ('' is home), or 'all' existing pages")
    parser.add_argument("--app", default=str(REPO_ROOT / "app.py"),
                        help="the Streamlit entry script (default: the repo's app.py)")
    parser.add_argument("--url", help="test this running server or proxy instead, e.g. http://127.0.0.1:8080")
    parser.add_argument("--pid", type=int, action="append", help="a server process id (repeatable)")
    parser.add_argument("--pid-file", help="file with server process ids, one per line")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds a rerun may take before it counts as an error (default 30)")
    parser.add_argument("--max-seconds", type=float, default=900.0,
                        help="stop starting new levels after this many seconds (default 900)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the students' choices")
    parser.add_argument("--cold", action="store_true",
                        help="no warm-up: the students are the first visitors of a fresh server (with "
                             "--ramp 1, a class opening its deep links in the same second)")
    parser.add_argument("--trivial-students", type=int, default=10,
                        help="students on the trivial yardstick page, measured first (default 10; 0 skips it)")
    return parser.parse_args(argv)


def _int_list(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"must be positive integers like 10,30; got {text!r}")
    return values


def _float_pair(text: str) -> tuple[float, float]:
    low, high = (float(v) for v in text.split(","))
    if not 0 <= low <= high:
        raise argparse.ArgumentTypeError(f"must be min,max with 0 <= min <= max; got {text!r}")
    return low, high


if __name__ == "__main__":
    sys.exit(main())

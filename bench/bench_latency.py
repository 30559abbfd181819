"""What a user feels: from a slider key press to the updated chart, in headless Chromium.

For each page that exists (HOME and the lessons of ``lossviz.lessons``; a lesson whose file is not
written yet is skipped with a note), the script opens the page in Debian's Chromium
(``/usr/bin/chromium`` driven by Playwright; never ``playwright install``), focuses a slider of
the main area (the first enabled one whose change redraws a chart), and presses ArrowRight
(ArrowLeft at the slider's maximum, alternating so the value stays in range) ``--presses`` times. For every press it measures, in the page's own
clock (``performance.now()``):

- chart: from the ``keydown`` event to the first animation frame in which a visible Plotly chart
  shows new data and has finished drawing (Streamlit either redraws the chart in place or mounts
  a new one; both count);
- run: from ``keydown`` to the end of the rerun (the app's script state back to "notRunning").

The chart time includes the slider's own debounce, the websocket round trip, the script run and
Plotly's drawing, so it is the latency a student sees. A press whose rerun changes no chart is
reported in the "no chart change" column. The warm-up presses (one per slider tried) are not
counted. Only 127.0.0.1 is contacted; every wait is bounded (``--timeout`` per press,
``--load-timeout`` per page load); a page that runs out of time is noted and skipped.

Usage::

    python bench/bench_latency.py                     # every existing page, 7 presses each
    python bench/bench_latency.py --pages ce-vs-mse --presses 15
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from streamlit_client import (
    REPO_ROOT,
    StreamlitServer,
    StreamlitSession,
    existing_pages,
    format_table,
    machine_note,
    percentile,
    stop_on_sigterm,
)

__all__ = ["main", "measure_page"]

CHROMIUM = "/usr/bin/chromium"
MAX_SLIDERS_TRIED = 4
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

_JS_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testConnectionState !== 'CONNECTED') return false;
    if (app.dataset.testScriptState !== 'notRunning') return false;
    const visible = (el) => el.offsetParent !== null;
    if ([...document.querySelectorAll('[data-testid="stSkeleton"]')].some(visible)) return false;
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
        if (!visible(chart)) continue;
        const gd = chart.querySelector('.js-plotly-plot');
        if (!gd || !gd._fullLayout || !gd.querySelector('.main-svg')) return false;
    }
    return true;
}"""

# Arm a one-shot measurement: remember each drawn chart and its data, then, from the next keydown,
# watch every animation frame for a chart that is new or holds new data and is drawn, and for the
# script state going "running" and back to "notRunning". The result lands in window.__lvResult.
_JS_ARM = """(timeoutMs) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const drawn = () => [...document.querySelectorAll('.js-plotly-plot')].filter(
        (gd) => gd.offsetParent !== null && gd._fullLayout && gd.querySelector('.main-svg'));
    const marks = new Map(drawn().map((gd) => [gd, gd.data]));
    window.__lvResult = undefined;
    let t0 = null, chartAt = null, runSeen = false, idleAt = null;
    const onKey = () => {
        document.removeEventListener('keydown', onKey, true);
        t0 = performance.now();
        requestAnimationFrame(tick);
    };
    const tick = () => {
        const now = performance.now();
        if (app.dataset.testScriptState === 'running') { runSeen = true; idleAt = null; }
        else if (runSeen && idleAt === null && app.dataset.testScriptState === 'notRunning') idleAt = now;
        if (chartAt === null && drawn().some((gd) => !marks.has(gd) || marks.get(gd) !== gd.data)) {
            chartAt = now;
        }
        const settled = idleAt !== null && (chartAt !== null || now - idleAt > 1000);
        if (settled || now - t0 > timeoutMs) {
            window.__lvResult = {
                chart: chartAt === null ? null : chartAt - t0,
                run: idleAt === null ? null : idleAt - t0,
                timedOut: !settled,
            };
            return;
        }
        requestAnimationFrame(tick);
    };
    document.addEventListener('keydown', onKey, true);
}"""

_JS_SLIDER_STATE = """(input) => ({
    value: Number(input.value), min: Number(input.min), max: Number(input.max),
    key: ((input.closest('[class*="st-key-"]') || {className: ''}).className.match(/st-key-(\\S+)/)
          || [null, '?'])[1],
})"""


def measure_page(page_obj, base_url: str, slug: str, presses: int, timeout_ms: int,
                 load_timeout_ms: int) -> dict:
    """Press a chart-driving slider of ``slug`` ``presses`` + 1 times; collect the latencies (ms).

    The sliders of the main area are tried in page order, skipping disabled ones: the first whose
    warm-up press redraws a chart is measured. When none does, the first enabled slider is
    measured and its presses count as "no chart change".
    """
    page_obj.goto(f"{base_url}/{slug}", wait_until="domcontentloaded")
    page_obj.wait_for_function(_JS_SETTLED, timeout=load_timeout_ms, polling=100)
    sliders = page_obj.locator(
        '[data-testid="stMain"] [data-testid="stSlider"] input[type="range"]:not([disabled])')
    if sliders.count() == 0:
        return {"note": "no enabled slider in the main area"}
    direction = {"value": "ArrowRight"}

    def press(slider) -> dict:
        state = slider.evaluate(_JS_SLIDER_STATE)
        if state["value"] >= state["max"]:
            direction["value"] = "ArrowLeft"
        elif state["value"] <= state["min"]:
            direction["value"] = "ArrowRight"
        slider.focus()
        page_obj.evaluate(_JS_ARM, timeout_ms)
        page_obj.keyboard.press(direction["value"])
        page_obj.wait_for_function("() => window.__lvResult !== undefined",
                                   timeout=timeout_ms + 5000, polling=50)
        result = page_obj.evaluate("() => window.__lvResult")
        page_obj.wait_for_function(_JS_SETTLED, timeout=timeout_ms, polling=100)
        direction["value"] = "ArrowLeft" if direction["value"] == "ArrowRight" else "ArrowRight"
        return {**result, "key": state["key"]}

    chosen = sliders.first
    for index in range(min(sliders.count(), MAX_SLIDERS_TRIED)):
        candidate = sliders.nth(index)
        if press(candidate)["chart"] is not None:
            chosen = candidate
            break
    charts: list[float] = []
    runs: list[float] = []
    unchanged = 0
    timeouts = 0
    key = "?"
    for _ in range(presses):
        result = press(chosen)
        key = result["key"]
        timeouts += bool(result["timedOut"])
        if result["chart"] is None:
            unchanged += 1
        else:
            charts.append(result["chart"])
        if result["run"] is not None:
            runs.append(result["run"])
    return {"key": key, "charts": charts, "runs": runs, "unchanged": unchanged, "timeouts": timeouts}


def main(argv: list[str] | None = None) -> int:
    """Measure every selected page and print the table."""
    args = _parse_args(argv)
    stop_on_sigterm()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import sync_playwright

    app = Path(args.app).resolve()
    pages = existing_pages(app.parent)
    if args.pages != "all":
        wanted = [s.strip().strip("/") for s in args.pages.split(",")]
        pages = [p for p in pages if p.slug in wanted]
    if not pages:
        print("no page to measure", file=sys.stderr)
        return 2
    print(machine_note())
    rows = []
    timeout_ms = int(args.timeout * 1000)
    with StreamlitServer(app) as server:
        # One run of the home page first, so that the process's one-time imports are not timed.
        asyncio.run(_home_run(server.url, args.load_timeout))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for page in pages:
                    context = browser.new_context(viewport={"width": 1440, "height": 900})
                    try:
                        tab = context.new_page()
                        tab.set_default_timeout(timeout_ms)
                        found = measure_page(tab, server.url, page.slug, args.presses, timeout_ms,
                                             int(args.load_timeout * 1000))
                    except PlaywrightTimeoutError as exc:
                        found = {"note": f"timed out ({str(exc).splitlines()[0]})"}
                    finally:
                        context.close()
                    if "note" in found:
                        print(f"note: /{page.slug}: {found['note']}, not measured")
                        continue
                    rows.append([f"/{page.slug}", found["key"], len(found["charts"]),
                                 percentile(found["charts"], 50), percentile(found["charts"], 95),
                                 percentile(found["runs"], 50), percentile(found["runs"], 95),
                                 found["unchanged"], found["timeouts"]])
                    print(f"/{page.slug}: chart median {rows[-1][3]:.0f} ms over {rows[-1][2]} presses",
                          flush=True)
            except KeyboardInterrupt:
                print("interrupted: the table shows the pages that finished")
            finally:
                browser.close()
    if not rows:
        print("no page had a slider to measure")
        return 0
    print()
    print(format_table(["page", "slider", "presses", "chart p50 ms", "chart p95 ms", "run p50 ms",
                        "run p95 ms", "no chart change", "timeouts"], rows))
    print(f"\nchart = keydown -> changed chart drawn; run = keydown -> rerun finished; "
          f"warm-up presses not counted; with {args.presses} presses p95 is close to the max")
    print(machine_note())
    return 0


async def _home_run(url: str, timeout: float) -> None:
    async with StreamlitSession(url, "", run_timeout=timeout) as session:
        await session.run()


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presses", type=int, default=7, help="measured presses per page (default 7)")
    parser.add_argument("--pages", default="all", help="comma-separated slugs, or 'all' existing pages")
    parser.add_argument("--app", default=str(REPO_ROOT / "app.py"), help="the Streamlit entry script")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds one press may take before it counts as a timeout (default 30)")
    parser.add_argument("--load-timeout", type=float, default=120.0,
                        help="seconds a page may take to load and draw (default 120)")
    args = parser.parse_args(argv)
    if args.presses < 1:
        parser.error(f"--presses must be at least 1; got {args.presses}")
    return args


if __name__ == "__main__":
    sys.exit(main())

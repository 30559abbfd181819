"""Page cost: median script-run time of every page (Streamlit AppTest) and what it sends to the browser.

    python bench/bench_pages.py [--runs 7]

For each page in the navigation: the median wall time of a full script run after a warm-up run
(so cached core calls are warm, as they are for a learner moving a slider back and forth), the same
for a rerun with the first slider moved (a cache miss where the page caches), and the size of the
figures' JSON. Each is also printed as a ratio to a trivial page with one slider and one small chart,
measured in the same run. The goal is that every page reruns in well under 0.3 s.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from lossviz.lessons import HOME, available_lessons  # noqa: E402

TRIVIAL_PAGE = """
import numpy as np
import plotly.graph_objects as go
import streamlit as st

value = st.slider("value", 0.0, 1.0, 0.5, key="value")
x = np.linspace(0, 1, 50)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=x * value)))
"""


def chart_bytes(at: AppTest) -> int:
    return sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))


def time_runs(make, runs: int, move_slider: bool) -> tuple[float, int]:
    at = make()
    times = []
    for index in range(runs):
        if move_slider and at.slider:
            slider = at.slider[0]
            span = slider.max - slider.min
            target = slider.min + span * ((index % 5) + 1) / 7
            slider.set_value(type(slider.value)(target) if isinstance(slider.value, int) else target)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"page raised: {at.exception[0].message}")
    return statistics.median(times), chart_bytes(at)


def page_maker(lesson):
    def make():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        if lesson is not HOME:
            at.switch_page(lesson.file)
            at.run()  # warm-up: imports, caches
        return at

    return make


def main() -> None:
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's "no ScriptRunContext" noise
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        trivial_file = Path(folder) / "trivial.py"
        trivial_file.write_text(TRIVIAL_PAGE)

        def make_trivial():
            at = AppTest.from_file(str(trivial_file), default_timeout=60)
            at.run()
            return at

        base_rerun, base_bytes = time_runs(make_trivial, args.runs, move_slider=False)
        base_moved, _ = time_runs(make_trivial, args.runs, move_slider=True)
    header = f"{'page':<28}{'rerun ms':>10}{'x trivial':>10}{'slider ms':>11}{'x trivial':>10}{'figure KB':>11}{'x trivial':>10}"
    print(header)
    print(f"{'(trivial page)':<28}{base_rerun * 1e3:>10.1f}{1:>10.1f}{base_moved * 1e3:>11.1f}{1:>10.1f}{base_bytes / 1e3:>11.1f}{1:>10.1f}")
    for lesson in (HOME, *available_lessons()):
        make = page_maker(lesson)
        rerun, size = time_runs(make, args.runs, move_slider=False)
        moved, _ = time_runs(make, args.runs, move_slider=True)
        print(
            f"{(lesson.slug or 'home'):<28}{rerun * 1e3:>10.1f}{rerun / base_rerun:>10.1f}"
            f"{moved * 1e3:>11.1f}{moved / base_moved:>10.1f}{size / 1e3:>11.1f}{size / max(base_bytes, 1):>10.1f}"
        )


if __name__ == "__main__":
    main()

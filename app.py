"""lossviz: the entry point. Sets the page config once, builds the navigation, runs the page."""

import os

# One BLAS thread per process, set before NumPy or SciPy first load OpenBLAS (on the first script
# run). A server answers many small requests at once; OpenBLAS's own thread pool only spins on
# them: with its default (one thread per core) L-BFGS-B on 4 numbers took 5 ms per step instead of
# microseconds, and the pixel-wise softmax page cost 141 ms of server CPU per widget change instead
# of 76 (bench/bench_memory.py). setdefault: a deployment that wants more threads can still say so.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import streamlit as st

from lossviz.lessons import HOME, available_lessons
from lossviz.ui import accessibility_support, run_page

st.set_page_config(page_title="lossviz: how classification losses behave", page_icon="📉", layout="wide")

sections: dict[str, list] = {}
for lesson in (HOME, *available_lessons()):
    sections.setdefault(lesson.section, []).append(
        st.Page(
            lesson.file,
            title=lesson.title,
            icon=lesson.icon,
            url_path=lesson.slug or None,
            default=lesson is HOME,
        )
    )

accessibility_support()
run_page(st.navigation(sections, expanded=True))

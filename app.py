"""lossviz: the entry point. Sets the page config, builds the navigation, runs the page.

Presentation mode is read here, once the navigation knows the page and before anything is drawn:
it sets the page config (the sidebar starts collapsed), and its toggle belongs to the entry
script, so it is shared by every page and survives a move to another lesson.
"""

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
from lossviz.ui import accessibility_support, page_styles, presentation_requested, presentation_toggle, run_page
from lossviz.ui.runtime import freeze_loaded_heap

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

# Embedded in another site's <iframe> (Streamlit's ?embed=true), a lesson stands alone: no
# navigation sidebar taking a third of the frame. Every page still opens by its URL path.
page = st.navigation(sections, position="hidden" if st.context.is_embedded else "sidebar", expanded=True)
presenting = presentation_requested()
st.set_page_config(
    page_title="lossviz: how classification losses behave",
    page_icon="📉",
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "auto",
)
presentation_toggle()
page_styles(presenting=presenting)
accessibility_support()
run_page(page)
freeze_loaded_heap()

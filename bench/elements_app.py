"""The page of bench_elements.py: one slider in a fragment, and ``count`` elements of one ``kind``.

Opened as ``?kind=markdown&count=20``; moving the slider (key ``driver``) reruns the fragment,
which draws the slider and then the elements, as a lesson section does. The kinds are the
building blocks of the lessons, drawn with the same helpers (``lossviz.ui``):

- ``none``: the slider alone, the floor of any fragment rerun;
- ``markdown``, ``latex``, ``metric``: a short text, a formula, a metric, each showing the value;
- ``slider``: further sliders, as a section's other controls (bound to the URL, as the lessons');
- ``export``: a figure's export row (``export_buttons``: a row and two download buttons);
- ``chart_same``: a small figure that does not change (built once, shared, frozen);
- ``chart_new``: the same figure with new data on every change (built, described and sent).
"""

import sys
from pathlib import Path

# Served from the repository root like every benchmark page, so lossviz is importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import streamlit as st  # noqa: E402

from lossviz.figures._style import freeze_figure, house_figure  # noqa: E402
from lossviz.ui import chart, export_buttons, widgets  # noqa: E402

KINDS = ("none", "markdown", "latex", "metric", "slider", "export", "chart_same", "chart_new")
kind = st.query_params.get("kind", "none")
count = int(st.query_params.get("count", "0"))
if kind not in KINDS:
    st.error(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    st.stop()
X = np.linspace(0.0, 1.0, 50)


def line_figure(slope: float):
    return house_figure(
        [{"type": "scatter", "x": X, "y": slope * X, "mode": "lines", "name": "line"}],
        {},
        title="A line",
        x_title="x",
        y_title="y",
    )


@st.cache_resource
def shared_line():
    return freeze_figure(line_figure(1.0))


@st.fragment
def section() -> None:
    value = st.slider("Driver", 0.0, 2.0, 1.0, step=0.01, key="driver")
    for i in range(count):
        if kind == "markdown":
            st.markdown(f"Line {i}: the value is {value:.2f}, in a sentence of a lesson's length.")
        elif kind == "latex":
            st.latex(rf"\frac{{\partial L}}{{\partial z_{{{i}}}}} = \sigma(z) - y = {value:.2f}")
        elif kind == "metric":
            st.metric(f"Metric {i}", f"{value + i:.3f}")
        elif kind == "slider":
            widgets.slider(f"Other control {i}", 0.0, 1.0, 0.5, step=0.1, key=f"other_{i}")
        elif kind == "export":
            export_buttons(shared_line(), name=f"line-{i}", key=f"export_{i}")
        elif kind == "chart_same":
            chart(shared_line(), key=f"chart_{i}", alt="A line.")
        elif kind == "chart_new":
            chart(line_figure(value + i), key=f"chart_{i}", alt="A line.")


section()

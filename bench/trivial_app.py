"""The yardstick page of the serving benchmarks: one slider, one Plotly line chart, one line of text.

The benchmarks serve it exactly as they serve lossviz (``streamlit run`` from the repository root,
so the same ``.streamlit/config.toml`` applies) and report each lesson's server CPU per widget
change and its latency as ratios to this page, measured in the same run.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

slope = st.slider("Slope", 0.0, 2.0, 1.0, step=0.01, key="slope")
x = np.linspace(0.0, 1.0, 50)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=slope * x, mode="lines")), key="line")
st.write(f"The line rises by {slope:.2f} over the unit interval.")

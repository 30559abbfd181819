"""Download buttons: any figure as a standalone HTML file (animations included) and as CSV.

The file contents are produced only when the button is clicked (Streamlit's callable ``data``),
so a page pays nothing for exports on its reruns.
"""

from __future__ import annotations

import csv
import io
from typing import Callable, Mapping, Sequence

import plotly.graph_objects as go
import streamlit as st

from lossviz.figures import figure_to_csv, figure_to_html

__all__ = ["export_buttons", "table_to_csv"]


def table_to_csv(columns: Mapping[str, Sequence]) -> str:
    """CSV text from equal-length columns (name -> values)."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = list(columns)
    writer.writerow(names)
    writer.writerows(zip(*(columns[name] for name in names)))
    return out.getvalue()


def export_buttons(
    fig: go.Figure,
    *,
    name: str,
    key: str,
    table: Callable[[], Mapping[str, Sequence]] | None = None,
) -> None:
    """Two buttons under a figure: "HTML" (plays offline, no server) and "CSV" of its data.

    ``table`` is an optional zero-argument function returning columns; without it the CSV is the
    figure's own trace data in long format.
    """
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "Figure as HTML",
        data=lambda: figure_to_html(fig),
        file_name=f"lossviz-{name}.html",
        mime="text/html",
        key=f"{key}_html",
        on_click="ignore",
        icon=":material/download:",
        help="A standalone web page with this figure (and its animation); works offline.",
    )
    row.download_button(
        "Data as CSV",
        data=(lambda: table_to_csv(table())) if table else (lambda: figure_to_csv(fig)),
        file_name=f"lossviz-{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/table:",
    )

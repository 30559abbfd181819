"""Plotly figure builders: arrays in, ``go.Figure`` out. No Streamlit here.

One module per lesson family; the shared house style lives in ``lossviz.figures._style``.
"""

from lossviz.figures._style import (
    COLORS,
    DASHES,
    FONT_SIZE,
    LINE_WIDTH,
    add_animation_controls,
    contrast_ratio,
    describe_figure,
    figure_to_csv,
    figure_to_html,
    style_figure,
)

__all__ = [
    "COLORS",
    "DASHES",
    "FONT_SIZE",
    "LINE_WIDTH",
    "add_animation_controls",
    "contrast_ratio",
    "describe_figure",
    "figure_to_csv",
    "figure_to_html",
    "style_figure",
]

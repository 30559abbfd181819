"""The only Streamlit-aware helpers: URL-bound widgets, error display, export buttons, page furniture."""

from lossviz.ui import widgets
from lossviz.ui.errors import explain_errors, fragment, run_page
from lossviz.ui.export import export_buttons, table_to_csv
from lossviz.ui.layout import (
    accessibility_support,
    cached,
    chart,
    diverging_decay_warning,
    embed_code,
    explain,
    explanation,
    is_presenting,
    lesson_header,
    next_lesson_link,
    page_styles,
    predict_then_reveal,
    presentation_requested,
    presentation_toggle,
    share_link,
    shared_figures,
    table,
)

__all__ = [
    "accessibility_support",
    "cached",
    "chart",
    "diverging_decay_warning",
    "embed_code",
    "explain",
    "explanation",
    "explain_errors",
    "export_buttons",
    "fragment",
    "is_presenting",
    "lesson_header",
    "next_lesson_link",
    "page_styles",
    "predict_then_reveal",
    "presentation_requested",
    "presentation_toggle",
    "run_page",
    "share_link",
    "shared_figures",
    "table",
    "table_to_csv",
    "widgets",
]

"""The only Streamlit-aware helpers: URL-bound widgets, error display, export buttons, page furniture."""

from lossviz.ui import widgets
from lossviz.ui.errors import explain_errors, fragment, run_page
from lossviz.ui.export import export_buttons, table_to_csv
from lossviz.ui.layout import cached, chart, lesson_header, next_lesson_link, predict_then_reveal, share_link

__all__ = [
    "cached",
    "chart",
    "explain_errors",
    "export_buttons",
    "fragment",
    "lesson_header",
    "next_lesson_link",
    "predict_then_reveal",
    "run_page",
    "share_link",
    "table_to_csv",
    "widgets",
]

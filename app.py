"""lossviz: the entry point. Sets the page config once, builds the navigation, runs the page."""

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

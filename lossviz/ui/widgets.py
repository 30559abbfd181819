"""Widgets bound to the URL: every value on screen is in the address bar, so a link reopens it.

Thin wrappers over Streamlit's own widgets with ``bind="query-params"`` (Streamlit >= 1.67) and
a required, readable ``key`` that becomes the query parameter's name (``?focal_gamma=2``). Keys
must be unique across the whole app, so each page prefixes its keys with a short page name.
Streamlit drops a query value the widget cannot take (out of range, not an option, not a number)
and falls back to the default, so a hand-edited or stale link never raises.
"""

from __future__ import annotations

import streamlit as st

__all__ = [
    "checkbox",
    "multiselect",
    "number_input",
    "pills",
    "radio",
    "segmented_control",
    "select_slider",
    "selectbox",
    "slider",
    "text_area",
    "text_input",
    "toggle",
]


def _bound(widget):
    def bound_widget(label, *args, key: str, **kwargs):
        return widget(label, *args, key=key, bind="query-params", **kwargs)

    bound_widget.__name__ = widget.__name__
    bound_widget.__doc__ = f"``st.{widget.__name__}`` bound to the query parameter named by ``key``."
    return bound_widget


checkbox = _bound(st.checkbox)
multiselect = _bound(st.multiselect)
number_input = _bound(st.number_input)
pills = _bound(st.pills)
radio = _bound(st.radio)
segmented_control = _bound(st.segmented_control)
select_slider = _bound(st.select_slider)
selectbox = _bound(st.selectbox)
slider = _bound(st.slider)
text_area = _bound(st.text_area)
text_input = _bound(st.text_input)
toggle = _bound(st.toggle)

"""Widgets bound to the URL: every value on screen is in the address bar, so a link reopens it.

Thin wrappers over Streamlit's own widgets with ``bind="query-params"`` (Streamlit >= 1.67) and
a required, readable ``key`` that becomes the query parameter's name (``?focal_gamma=2``). Keys
must be unique across the whole app, so each page prefixes its keys with a short page name.
Streamlit drops a query value the widget cannot take (out of range, not an option, not a number)
and falls back to the default, so a hand-edited or stale link never raises. It does take a value
between two steps (``?lvm_epoch=1`` on a slider with step 5), so ``slider`` hands the page the
nearest value on its step grid.
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
text_area = _bound(st.text_area)
text_input = _bound(st.text_input)
toggle = _bound(st.toggle)


def slider(label, min_value=None, max_value=None, value=None, step=None, *, key: str, **kwargs):
    """``st.slider`` bound to the query parameter named by ``key``; the value is on the step grid.

    With an explicit ``step``, the returned value (each end, for a range) is
    min_value + k·step for the integer k nearest to what the slider holds, within
    [min_value, max_value]: a page may rely on it (a recorded epoch, a grid index).
    """
    chosen = st.slider(label, min_value, max_value, value, step, key=key, bind="query-params", **kwargs)
    if step is None or min_value is None or max_value is None:
        return chosen
    if isinstance(chosen, tuple):
        return tuple(_on_grid(v, min_value, max_value, step) for v in chosen)
    return _on_grid(chosen, min_value, max_value, step)


def _on_grid(value, low, high, step):
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value  # dates and times: Streamlit's own grid
    snapped = min(max(low + round((value - low) / step) * step, low), high)
    if isinstance(low, int) and isinstance(high, int) and isinstance(step, int):
        return int(snapped)  # an integer slider stays integer, whatever the link held
    # Decimal steps (0.05) accumulate binary rounding: 0.1 + 3·0.05 = 0.25000000000000006.
    return round(float(snapped), 12)

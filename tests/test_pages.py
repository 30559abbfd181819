"""Every page, run by Streamlit's AppTest: defaults, every widget at its extremes and options, deep links.

Generic over ``lossviz.lessons``: a new lesson gets all of these checks by being listed there.
Page-specific behaviour (the numbers a page states) is tested in tests/pages/test_<page>.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lossviz.lessons import HOME, LESSONS, available_lessons
from lossviz.ui.layout import APP_WIDE_KEYS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = [HOME, *available_lessons()]
BOUNDARY_MESSAGE = "Something went wrong while drawing this page"
# Widget kinds a learner sets; each must have a key and be bound to the URL.
CHOICE_KINDS = ("selectbox", "radio", "select_slider", "button_group")
TOGGLE_KINDS = ("checkbox", "toggle")
TEXT_KINDS = ("text_area", "text_input")
NUMBER_KINDS = ("slider", "number_input")
ALL_KINDS = NUMBER_KINDS + CHOICE_KINDS + TOGGLE_KINDS + TEXT_KINDS + ("multiselect",)


def open_page(lesson, query_params=None) -> AppTest:
    """Run app.py as the browser would for the page's URL (with its query string)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params = dict(query_params or {})
    at.run()
    if lesson is not HOME:
        at.switch_page(lesson.file)
        at.run()
    return at


def widgets(at: AppTest):
    """(kind, widget) for every learner-facing widget on the page."""
    for kind in ALL_KINDS:
        for widget in getattr(at, kind):
            yield kind, widget


def problems(at: AppTest) -> list[str]:
    found = [f"exception: {e.message}" for e in at.exception]
    found += [f"error: {e.value}" for e in at.error]
    return found


def assert_healthy(at: AppTest, context: str) -> None:
    found = problems(at)
    assert not found, f"{context}: {found}"
    assert len(at.title) >= 1, f"{context}: the page rendered no title"


def page_id(lesson) -> str:
    return lesson.slug or "home"


def test_every_lesson_has_its_page():
    missing = [lesson.file for lesson in LESSONS if lesson not in available_lessons()]
    assert not missing, f"lessons listed in lossviz/lessons.py without a page file: {missing}"


@pytest.mark.parametrize("lesson", PAGES, ids=page_id)
def test_page_runs_at_defaults(lesson):
    at = open_page(lesson)
    assert_healthy(at, f"{lesson.file} at defaults")
    if lesson is not HOME:
        assert len(at.get("plotly_chart")) >= 1, f"{lesson.file} shows no chart"
        assert len(at.latex) >= 1, f"{lesson.file} shows no formula (st.latex)"


@pytest.mark.parametrize("lesson", PAGES, ids=page_id)
def test_every_widget_has_a_stable_key(lesson):
    at = open_page(lesson)
    unkeyed = [f"{kind} {widget.label!r}" for kind, widget in widgets(at) if not widget.key]
    assert not unkeyed, f"{lesson.file}: widgets without a key cannot be deep-linked: {unkeyed}"
    keys = [widget.key for _, widget in widgets(at)]
    assert len(keys) == len(set(keys)), f"{lesson.file}: duplicate keys {keys}"


def all_keys_by_page():
    """Keys are URL parameter names: unique across the whole app so links never collide.

    The exception is app.py's own widgets (``APP_WIDE_KEYS``, e.g. ``present``): one widget of
    the entry script, drawn on every page, whose parameter means the same thing everywhere.
    """
    owners: dict[str, str] = {}
    clashes = []
    for lesson in PAGES:
        keys = {widget.key for _, widget in widgets(open_page(lesson))}
        missing = set(APP_WIDE_KEYS) - keys
        if missing:
            clashes.append((sorted(missing), "app.py", f"missing on {lesson.file}"))
        for key in sorted(keys - set(APP_WIDE_KEYS)):
            if key in owners and owners[key] != lesson.file:
                clashes.append((key, owners[key], lesson.file))
            owners.setdefault(key, lesson.file)
    return clashes


def test_widget_keys_are_unique_across_pages():
    assert not all_keys_by_page()


@pytest.mark.parametrize("lesson", PAGES, ids=page_id)
def test_every_slider_at_its_extremes(lesson):
    at = open_page(lesson)
    targets = [(kind, w.key, w.min, w.max) for kind in NUMBER_KINDS for w in getattr(at, kind)]
    for kind, key, low, high in targets:
        for value in (low, high):
            if value is None or (isinstance(value, float) and not math.isfinite(value)):
                continue
            at = open_page(lesson)
            widget = at.get(kind) and next((w for w in getattr(at, kind) if w.key == key), None)
            if widget is None:  # hidden by another widget's default; reached via its own page test
                continue
            if isinstance(widget.value, tuple):  # a range slider: both ends at the extreme
                value = (value, value)
            widget.set_value(value).run()
            assert_healthy(at, f"{lesson.file} with {key}={value}")


@pytest.mark.parametrize("lesson", PAGES, ids=page_id)
def test_every_option_of_every_choice(lesson):
    at = open_page(lesson)
    targets = [(kind, w.key, list(w.options)) for kind in CHOICE_KINDS for w in getattr(at, kind)]
    targets += [(kind, w.key, [not w.value]) for kind in TOGGLE_KINDS for w in getattr(at, kind)]
    for kind, key, options in targets:
        for option in options:
            at = open_page(lesson)
            widget = next((w for w in getattr(at, kind) if w.key == key), None)
            if widget is None:
                continue
            if kind in TOGGLE_KINDS:
                widget.set_value(option)
            elif kind == "select_slider":
                widget.set_value(option)
            elif kind == "button_group":
                widget.set_value(option)
            else:
                widget.set_value(_option_value(widget, option))
            at.run()
            assert_healthy(at, f"{lesson.file} with {key}={option!r}")


def _option_value(widget, label):
    """The underlying option whose formatted label is ``label``."""
    index = list(widget.options).index(label)
    return widget.options[index] if not hasattr(widget, "_options_values") else widget._options_values[index]


def query_value(kind, widget):
    """A valid, non-default value for ``widget`` as the URL would carry it, and a check of it."""
    if kind in NUMBER_KINDS:
        if isinstance(widget.value, tuple) or widget.max is None or widget.min is None:
            return None
        target = widget.max if widget.value != widget.max else widget.min
        text = repr(target) if isinstance(target, float) else str(target)
        return text, lambda w: w.value == pytest.approx(target)
    if kind in TOGGLE_KINDS:
        return ("false" if widget.value else "true"), lambda w, v=not widget.value: w.value == v
    if kind in CHOICE_KINDS:
        options = list(widget.options)
        current = _current_label(kind, widget)
        others = [o for o in options if o != current]
        if not others:
            return None
        label = others[-1]
        return label, lambda w, label=label: _current_label(kind, w) == label
    return None


def _current_label(kind, widget):
    if kind == "select_slider":
        return str(widget.value)
    if kind == "button_group":
        value = widget.value
        return value[0] if isinstance(value, list) and value else value
    index = getattr(widget, "index", None)
    return None if index is None else list(widget.options)[index]


@pytest.mark.parametrize("lesson", PAGES, ids=page_id)
def test_deep_links_set_every_widget(lesson):
    """A query parameter named by a widget's key opens the page with that value."""
    at = open_page(lesson)
    checked = 0
    for kind, widget in list(widgets(at)):
        made = query_value(kind, widget)
        if made is None:
            continue
        text, check = made
        linked = open_page(lesson, {widget.key: text})
        assert_healthy(linked, f"{lesson.file}?{widget.key}={text}")
        shown = next((w for w in getattr(linked, kind) if w.key == widget.key), None)
        assert shown is not None and check(shown), f"{lesson.file}?{widget.key}={text} did not take effect"
        checked += 1
    if lesson is not HOME:
        assert checked >= 1, f"{lesson.file}: no widget could be deep-linked"


@pytest.mark.parametrize("lesson", PAGES, ids=page_id)
def test_invalid_deep_links_fall_back_to_defaults(lesson):
    at = open_page(lesson)
    defaults = {w.key: w.value for kind, w in widgets(at) if kind not in TEXT_KINDS}
    hostile = {key: "not-a-value-%00<script>" for key in defaults}
    hostile.update({"unknown_parameter": "1", "embed": "maybe"})
    linked = open_page(lesson, hostile)
    assert_healthy(linked, f"{lesson.file} with invalid query parameters")
    for kind, widget in widgets(linked):
        if widget.key in defaults:
            assert widget.value == defaults[widget.key], f"{lesson.file}: {widget.key} did not fall back"

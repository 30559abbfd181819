"""Fuzz every page with AppTest: random widget values and hostile query strings (issue 7).

tests/test_pages.py checks each widget on its own (defaults, extremes, every option, one invalid
link). This file throws many values at a page at once, as a learner fiddling with every control or
a hand-edited, truncated or malicious link would, and checks after every run that

- no exception and no traceback reaches the page (the ``run_page`` boundary message counts as a
  failure: it means a page raised), and nothing was logged by the boundary;
- the page still renders: its title, a chart on every lesson, and the next-lesson link at its end
  (so the script ran to completion);
- an ``st.error`` appears only for text the learner typed, says what cannot be used, and sits
  next to that text box; sliders, choices and switches never produce one;
- every widget shows a value it can hold (in range, one of its options);
- user text (typed or from the link) never becomes raw HTML or a live Markdown link or image;
- after a hostile link, the address the app settles on reopens exactly the same view.

Problems found and not fixable here (Streamlit's own) are listed in KNOWN_ISSUES: each is excused
only where its cause is visible, and test_known_issue pins its reproducer under xfail(strict=True).
Settings where a page deliberately holds its chart back and says why are in INTENDED_BLOCKS.

Randomness is seeded per page from ``LOSSVIZ_FUZZ_SEED``; every failure message names the seed, the
round and the values tried, so it reproduces with
``LOSSVIZ_FUZZ_SEED=<seed> python -m pytest tests/test_pages_fuzz.py -k <slug>``.
``LOSSVIZ_FUZZ_ROUNDS`` (default 3: all at their minimum, all at their maximum, one random round)
and ``LOSSVIZ_FUZZ_HOSTILE_ROUNDS`` (default 2) raise the counts for a long local run.
"""

from __future__ import annotations

import logging
import math
import os
import re
import zlib
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from google.protobuf.descriptor import FieldDescriptor
from streamlit.proto.NumberInput_pb2 import NumberInput as NumberInputProto
from streamlit.proto.Slider_pb2 import Slider as SliderProto
from streamlit.testing.v1 import AppTest

import lossviz.curves
from lossviz.lessons import HOME, available_lessons

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = [HOME, *available_lessons()]
SEED = int(os.environ.get("LOSSVIZ_FUZZ_SEED", "7"))
ROUNDS = int(os.environ.get("LOSSVIZ_FUZZ_ROUNDS", "3"))
HOSTILE_ROUNDS = int(os.environ.get("LOSSVIZ_FUZZ_HOSTILE_ROUNDS", "2"))
TIMEOUT = 60  # seconds per script run: a combination that hangs a page fails instead of blocking the suite

BOUNDARY_MESSAGE = "Something went wrong while drawing this page"  # lossviz/ui/errors.py, run_page
EXPLAINED = " cannot be used: "  # lossviz/ui/errors.py, explain_errors: "<what> cannot be used: <reason>."
END_LINKS = ("Next lesson: ", "Back to the lesson map")  # lossviz/ui/layout.py, next_lesson_link

NUMBER_KINDS = ("slider", "number_input")
CHOICE_KINDS = ("selectbox", "radio", "select_slider", "button_group")
TOGGLE_KINDS = ("checkbox", "toggle")
TEXT_KINDS = ("text_area", "text_input")
ALL_KINDS = NUMBER_KINDS + CHOICE_KINDS + TOGGLE_KINDS + TEXT_KINDS + ("multiselect",)

# Text a learner might type or paste into a box of numbers: empty, non-finite, overflowing, malformed,
# other alphabets and numerals, markup.
TEXT_JUNK = (
    "",
    " ",
    "\n\n\n",
    "\t",
    "1e309",
    "-1e309",
    "1e-400",
    "nan",
    "NaN, nan",
    "-inf",
    "inf inf",
    "1,2,,3",
    ",0.5",
    "0.5,",
    ";;",
    "[1, 2]",
    "[[0.5, 0.5], [0.1, 0.9]]",
    "(0.2; 0.8)",
    "{}",
    "0x1f",
    "1_000",
    "-0",
    "+0.5",
    ".5",
    "5.",
    "1e",
    "--1",
    "1..2",
    "١٫٥, ٠٫٥",  # Arabic-Indic digits: Python's float() accepts them
    "½, ¼",
    "−1, 2",  # U+2212 minus sign, as copied from a typeset page
    "0,5; 0,5",  # decimal commas
    "True, False",
    "None",
    "# only a comment",
    "1\r\n0\r\n",
    "\x00",
    "🙂",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "![pixel](https://example.invalid/x.png)",
    "[click](javascript:alert(1))",
    "![](//a.bc/x)",  # short enough to survive an error message that cuts the echoed text
    "[a](//a.bc)",
    "$\\frac{1}{0}$",
    "99999999999999999999",
    "1e308 1e308 -1e308",
    "0 " * 200,
)
NUMERIC_TOKENS = ("0", "1", "-1", "0.5", "1e-300", "-1e-300", "1e300", "-1e300", "1e-8", "0.999999999", "2", "-0")
SEPARATORS = (",", ", ", " ", "\t", ";", "  ")

# Query-string values that no widget should take as they are (or that sit right on an edge).
HOSTILE_VALUES = (
    "abc",
    "1.5",
    "[1,2]",
    "True",
    "TRUE",
    "1e308",
    "-1e308",
    "1e309",
    "99999999999999999999",
    "-99999999999999999999",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "",
    " ",
    "x" * 10_000,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "%00",
    "\x00",
    "null",
    "None",
    "undefined",
    "{}",
    "[]",
    "0x10",
    "1_0",
    "1e-400",
    "-0",
    "+1",
    " 1 ",
    "١",
    "½",
    "−1",
    "🙂" * 100,
    "\u202egnp.exe",
    "' OR 1=1 --",
    "[a](//a.bc)",
    "../../../etc/passwd",
    "{{7*7}}",
    "%s%s%n",
    "\\",
    "a\nb",
)
UNKNOWN_KEYS = (
    "unknown_parameter",
    "embed",
    "embed_options",
    "page",
    "utm_source",
    "__proto__",
    "a[]",
    "a.b",
    "<script>alert(1)</script>",
    "k" * 500,
    "",
)

# --------------------------------------------------------------------------------------------
# Running pages


def open_page(lesson, query=None) -> AppTest:
    """Open ``lesson`` as a browser opening its URL with the query string ``query`` would."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if lesson is HOME:
        at.query_params = dict(query or {})
        at.run()
        return at
    at.run()
    at.query_params = dict(query or {})
    at.switch_page(lesson.file)
    at.run()
    return at


def widgets(at: AppTest):
    """(kind, widget) for every learner-facing widget on the page."""
    for kind in ALL_KINDS:
        for widget in getattr(at, kind):
            yield kind, widget


def page_rng(lesson, test: str) -> np.random.Generator:
    """A generator that depends only on the seed, the page and the test, not on the test order."""
    return np.random.default_rng([SEED, zlib.crc32(f"{test}:{lesson.slug}".encode())])


def page_id(lesson) -> str:
    return lesson.slug or "home"


class Baseline:
    """What a page shows at its defaults: the reference for "still renders" and "typed text"."""

    _cache: ClassVar[dict[str, Baseline]] = {}

    def __init__(self, lesson):
        at = open_page(lesson)
        self.titles = [t.value for t in at.title]
        self.defaults = {w.key: w.value for _, w in widgets(at)}
        self.widgets = {w.key: (kind, w) for kind, w in widgets(at)}

    @classmethod
    def of(cls, lesson) -> Baseline:
        if lesson.file not in cls._cache:
            cls._cache[lesson.file] = cls(lesson)
        return cls._cache[lesson.file]


def source_keys(lesson) -> set[str]:
    """Every ``key="..."`` in a page's source, f-string keys expanded over 0-11 (covers hidden widgets)."""
    text = (ROOT / lesson.file).read_text(encoding="utf-8")
    keys = set(re.findall(r'key="([A-Za-z0-9_]+)"', text))
    for prefix in re.findall(r'key=f"([A-Za-z0-9_]+)\{[a-z]\}"', text):
        keys.update(f"{prefix}{j}" for j in range(12))
    return keys


# --------------------------------------------------------------------------------------------
# Walking the rendered page


def walk(block, ancestors=()):
    """(node, enclosing blocks) for every element below ``block``, in page order."""
    for child in block.children.values():
        if hasattr(child, "children"):
            yield from walk(child, (*ancestors, child))
        else:
            yield child, ancestors


def all_nodes(at: AppTest):
    yield from walk(at.main, (at.main,))
    yield from walk(at.sidebar, (at.sidebar,))


def proto_strings(message):
    """Every string held anywhere in a protobuf message (labels, bodies, options, help, ...)."""
    for field, value in message.ListFields():
        values = value if field.is_repeated else (value,)
        if field.type == FieldDescriptor.TYPE_STRING:
            yield from values
        elif field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.GetOptions().map_entry is False:
            for item in values:
                yield from proto_strings(item)


def visible_text(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) for every element; a chart's data is not text a learner reads."""
    found = []
    for node, _ in all_nodes(at):
        if node.type in ("plotly_chart", "arrow_vega_lite_chart", "deck_gl_json_chart"):
            continue
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            found.append((node.type, " ".join(proto_strings(proto))))
    return found


def readable_text(at: AppTest) -> list[tuple[str, str]]:
    """The text of the page without per-session identifiers (download buttons carry a random file id)."""
    return [(kind, text) for kind, text in visible_text(at) if kind not in ("download_button", "html")]


# --------------------------------------------------------------------------------------------
# Random values for widgets


def is_int_widget(kind, widget) -> bool:
    if kind == "slider":
        return widget.proto.data_type == SliderProto.INT
    return widget.proto.data_type == NumberInputProto.INT


def number_bounds(kind, widget):
    low = widget.min if widget.min is not None else -1e12
    high = widget.max if widget.max is not None else 1e12
    if is_int_widget(kind, widget):
        return int(low), int(high)
    return float(low), float(high)


def draw_number(kind, widget, rng, mode):
    low, high = number_bounds(kind, widget)
    step = widget.step or (1 if is_int_widget(kind, widget) else 0.01)
    if mode == "min":
        return low
    if mode == "max":
        return high
    how = rng.choice(["low", "high", "grid", "uniform", "inside"], p=[0.15, 0.15, 0.4, 0.15, 0.15])
    if how == "low":
        return low
    if how == "high":
        return high
    n_steps = math.floor((high - low) / step + 1e-9)
    if how == "inside":  # one step in from an edge
        k = rng.choice([min(1, n_steps), max(n_steps - 1, 0)])
    else:
        k = int(rng.integers(0, n_steps + 1))
    if how == "uniform":  # off the step grid: unreachable by dragging, reachable by a link
        return int(rng.integers(low, high + 1)) if is_int_widget(kind, widget) else float(rng.uniform(low, high))
    if is_int_widget(kind, widget):
        return int(low + k * step)
    return float(min(high, round(low + k * step, 12)))


def draw_subset(options, rng, mode, limit=0):
    cap = limit or len(options)
    if mode == "min":
        return []
    if mode == "max":
        return list(options[:cap])
    size = int(rng.integers(0, min(cap, len(options)) + 1))
    picked = rng.choice(len(options), size=size, replace=False) if size else []
    return [options[i] for i in sorted(picked)]


def draw_text(widget, rng, mode, default):
    limit = widget.max_chars or 5000
    if mode == "min":
        return ""
    if mode == "max":  # a box filled to the brim with plausible numbers
        return ("0.5, " * limit)[:limit]
    how = rng.choice(["junk", "numbers", "mutate", "long", "default"], p=[0.35, 0.2, 0.25, 0.1, 0.1])
    if how == "junk":
        text = str(rng.choice(TEXT_JUNK))
    elif how == "numbers":
        rows = int(rng.integers(1, 8))
        cols = int(rng.integers(1, 6))
        sep = str(rng.choice(SEPARATORS))
        text = "\n".join(sep.join(str(rng.choice(NUMERIC_TOKENS)) for _ in range(cols)) for _ in range(rows))
    elif how == "mutate":  # the default with one number replaced: valid shape, one bad value
        tokens = re.split(r"([\s,;]+)", default or "")
        numbers = [i for i, t in enumerate(tokens) if re.fullmatch(r"-?[0-9.]+", t)]
        if numbers:
            tokens[int(rng.choice(numbers))] = str(rng.choice(NUMERIC_TOKENS + ("nan", "inf", "x", "", "1e309")))
        text = "".join(tokens)
    elif how == "long":
        alphabet = list("0123456789.,;-+e \n\tx🙂")
        text = "".join(rng.choice(alphabet, size=limit))
    else:
        text = default or ""
    return text[:limit]


def draw_value(kind, widget, rng, mode, default):
    """A value the widget can take in the browser (``mode``: "min", "max" or "random")."""
    if kind in NUMBER_KINDS:
        if isinstance(widget.value, (tuple, list)):  # a range slider: both ends
            low, high = sorted((draw_number(kind, widget, rng, mode), draw_number(kind, widget, rng, mode)))
            return (low, high)
        return draw_number(kind, widget, rng, mode)
    if kind in TOGGLE_KINDS:
        return {"min": False, "max": True}.get(mode, bool(rng.integers(0, 2)))
    if kind in TEXT_KINDS:
        return draw_text(widget, rng, mode, default)
    options = list(widget.options)
    if not options:
        return None
    if kind == "multiselect":
        return draw_subset(options, rng, mode, widget.proto.max_selections)
    if kind == "button_group" and not widget._is_single_select:
        return draw_subset(options, rng, mode)
    if kind == "select_slider" and isinstance(widget.value, (tuple, list)):
        i, j = sorted(rng.integers(0, len(options), size=2)) if mode == "random" else (0, len(options) - 1)
        return (options[i], options[j])
    if mode == "min":
        return options[0]
    if mode == "max":
        return options[-1]
    # A learner can clear a single-choice pill or segment (click it again) unless it is required; a
    # radio or selectbox, once picked, cannot go back to no selection.
    if kind == "button_group" and not widget.proto.required and rng.random() < 0.15:
        return None
    return options[int(rng.integers(0, len(options)))]


def set_widget(kind, widget, value):
    if isinstance(value, tuple):  # a range slider or range select slider
        widget.set_range(*value)
    else:
        widget.set_value(value)


def short(value, limit=60):
    """A readable repr for failure messages (long strings cut, with their length)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}...<{len(value) if hasattr(value, '__len__') else '?'} long>"


# --------------------------------------------------------------------------------------------
# What must hold after every run


def boundary_logs(caplog) -> list[str]:
    """What run_page logged, with its traceback (the learner saw only the one-line message)."""
    formatter = logging.Formatter()
    return [
        f"logged by run_page: {r.getMessage()}\n{formatter.formatException(r.exc_info) if r.exc_info else ''}"
        for r in caplog.records
        if r.name == "lossviz"
    ]


def problems(at: AppTest, lesson, baseline: Baseline, typed: set[str]) -> list[str]:
    """Everything wrong with the page as rendered; ``typed`` = text boxes holding the learner's text."""
    found = [f"exception on the page: {e.message}\n{''.join(e.stack_trace)}" for e in at.exception]
    nodes = list(all_nodes(at))

    for kind, text in visible_text(at):
        if "Traceback" in text or 'File "' in text:
            found.append(f"a {kind} element shows a traceback: {short(text, 400)}")

    titles = [t.value for t in at.title]
    if titles[:1] != baseline.titles[:1]:
        found.append(f"the page title is {titles} instead of {baseline.titles[:1]}")
    links = [n.proto.label for n, _ in nodes if n.type == "page_link"]
    if not any(label.startswith(END_LINKS) for label in links):
        found.append(f"the page did not reach its next-lesson link (page links: {links})")

    # "Next to" = inside the block (column, container) that holds a text box. The message may sit by
    # the other box of a pair: "labels have 6 rows but predictions have 1" belongs by the labels.
    text_parents = {n.key: a[-1] for n, a in nodes if n.type in TEXT_KINDS and a[-1] is not at.main}
    errors = [(n, a) for n, a in nodes if n.type == "error"]
    for error, ancestors in errors:
        body = error.value
        if BOUNDARY_MESSAGE in body:
            found.append(f"the page raised (run_page boundary): {body}")
            continue
        if EXPLAINED not in body:
            found.append(f"an st.error that does not say what cannot be used: {short(body, 300)}")
        beside = [key for key, parent in text_parents.items() if any(b is parent for b in ancestors)]
        if not typed or not beside:
            found.append(
                f"an st.error that is not next to a text box holding typed text (typed: {sorted(typed)}, "
                f"beside: {beside}): {short(body, 300)}"
            )

    if lesson is not HOME:
        charts = at.get("plotly_chart")
        explained = any(EXPLAINED in e.value for e, _ in errors)
        if not charts and not (typed and explained):
            found.append("a lesson page shows no chart and no error explaining typed text")

    for kind, widget in widgets(at):
        if widget.proto.query_param_key != widget.key:
            bound = widget.proto.query_param_key
            found.append(f"{kind} {widget.key!r} is not bound to the URL (query_param_key {bound!r})")
        bad = invalid_value(kind, widget)
        if bad:
            found.append(f"{kind} {widget.key!r} shows an impossible value: {bad}")

    found += injected_markup(at, nodes)
    return found


def invalid_value(kind, widget) -> str | None:
    """Why the value the widget shows is not one it can hold, or None."""
    value = widget.value
    if kind in NUMBER_KINDS:
        values = value if isinstance(value, (tuple, list)) else (value,)
        low, high = number_bounds(kind, widget)
        for v in values:
            if v is None and kind == "number_input":
                continue
            if not isinstance(v, (int, float)) or not math.isfinite(v) or not low <= v <= high:
                return f"{value!r} outside [{low}, {high}]"
            if is_int_widget(kind, widget) and not float(v).is_integer():
                return f"{value!r} is not an integer"
        return None
    if kind in TOGGLE_KINDS:
        return None if isinstance(value, bool) else f"{value!r} is not a bool"
    if kind in TEXT_KINDS:
        limit = widget.max_chars
        return None if value is None or not limit or len(value) <= limit else f"{len(value)} chars > {limit}"
    options = list(widget.options)
    values = value if isinstance(value, (tuple, list)) else ([] if value is None else [value])
    outside = [v for v in values if str(v) not in options]
    if outside:
        return f"{short(value)} not among the options {options}"
    if kind == "button_group" and widget._is_single_select and widget.proto.required and value is None:
        return "a required choice shows no selection"
    return None


MARKDOWN_LINK = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")  # [text](url) or ![alt](url)
MARKDOWN_KINDS = ("markdown", "caption", "error", "warning", "info", "success")  # bodies rendered as Markdown


def injected_markup(at: AppTest, nodes) -> list[str]:
    """User text (query values, typed text) must never become raw HTML, nor a live Markdown link or image.

    A shared link carries the text, so either would let a stranger's link put a clickable link or an
    external image into the page, inside lossviz's own error box.
    """
    user = user_strings(at)
    markup = [v for v in user if "<" in v and len(v) >= 8]
    links = {link for v in user for link in MARKDOWN_LINK.findall(v)}
    found = []
    for node, _ in nodes:
        raw_html = node.type == "html" or (node.type in ("markdown", "caption") and node.proto.allow_html)
        body = node.proto.body if raw_html or node.type in MARKDOWN_KINDS else ""
        if raw_html and any(v in body for v in markup):
            found.append(f"user text rendered as raw HTML in a {node.type}: {short(body, 200)}")
        if node.type in MARKDOWN_KINDS and any(link in body for link in links):
            found.append(f"user text rendered as a Markdown link or image in a {node.type}: {short(body, 200)}")
    return found


def user_strings(at: AppTest) -> list[str]:
    strings = []
    for value in at.query_params.values():
        strings += value if isinstance(value, list) else [value]
    strings += [w.value for kind, w in widgets(at) if kind in TEXT_KINDS and w.value]
    return strings


def typed_keys(at: AppTest, baseline: Baseline) -> set[str]:
    """Text boxes whose content differs from the page's default: text the learner typed or pasted."""
    return {w.key for kind, w in widgets(at) if kind in TEXT_KINDS and w.value != baseline.defaults.get(w.key)}


def report(lesson, history, found) -> str:
    lines = [f"{lesson.file}: LOSSVIZ_FUZZ_SEED={SEED}"]
    lines += [f"  {step}" for step in history]
    lines += ["problems:"] + [f"  - {p}" for p in found]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Random widget values


def fuzz_round(at: AppTest, rng, mode: str, baseline: Baseline, chosen: dict) -> None:
    """Set every widget at once (then the ones that appear as a result) and run; ``chosen`` gets the values."""
    for _ in range(3):
        fresh = [(kind, w) for kind, w in widgets(at) if w.key not in chosen]
        if not fresh:
            break
        for kind, widget in fresh:
            if widget.proto.disabled:  # a learner cannot change it either
                chosen[widget.key] = "(disabled)"
                continue
            value = draw_value(kind, widget, rng, mode, baseline.defaults.get(widget.key))
            set_widget(kind, widget, value)
            chosen[widget.key] = value
        buttons = [b for b in at.button if b.key]
        if mode == "random" and buttons and rng.random() < 0.2:  # e.g. "load an example"
            button = buttons[int(rng.integers(0, len(buttons)))]
            button.click()
            chosen[f"click {button.key}"] = True
        at.run()


@pytest.mark.parametrize("lesson", PAGES, ids=page_id)
def test_random_widget_values(lesson, caplog):
    """Rounds on one session, as a learner would: all widgets at their minimum, at their maximum, then random."""
    caplog.set_level(logging.ERROR, logger="lossviz")
    baseline = Baseline.of(lesson)
    rng = page_rng(lesson, "widgets")
    at = open_page(lesson)
    history, failures = [], []
    for round_ in range(ROUNDS):
        mode = ("min", "max")[round_] if round_ < 2 else "random"
        chosen: dict[str, object] = {}
        try:
            fuzz_round(at, rng, mode, baseline, chosen)
        except Exception as exc:  # noqa: BLE001  a timeout or AppTest error: report it with the values that caused it
            found = [f"the run failed: {exc!r}"]
        else:
            found = unexplained(lesson, at, problems(at, lesson, baseline, typed_keys(at, baseline)), caplog)
        history.append(f"round {round_} ({mode}): " + ", ".join(f"{k}={short(v)}" for k, v in chosen.items()))
        if found:
            failures.append(report(lesson, history, found))
        caplog.clear()
        if found and found[0].startswith("the run failed"):
            break
    assert not failures, "\n\n".join(failures[:3])


# --------------------------------------------------------------------------------------------
# Hostile query strings


def hostile_value(kind, rng):
    """A query value aimed at a widget of ``kind`` (None: unknown kind): mostly garbage, some edges."""
    generic = str(rng.choice(HOSTILE_VALUES))
    if kind is None or rng.random() < 0.5:
        return generic
    if kind in TEXT_KINDS:
        return str(rng.choice(TEXT_JUNK))
    if kind in TOGGLE_KINDS:
        return str(rng.choice(["1", "0", "yes", "on", "True", "FALSE", "t", "", "truee"]))
    return generic


def edge_value(kind, widget, rng):
    """A query value on or just past a widget's edge, or a near-miss of one of its options."""
    if kind in NUMBER_KINDS and not isinstance(widget.value, (tuple, list)):
        low, high = number_bounds(kind, widget)
        step = widget.step or 1
        candidates = [
            repr(low),
            repr(high),
            repr(high + step),
            repr(low - step),
            repr(float(np.nextafter(high, np.inf))),
            repr(float(np.nextafter(low, -np.inf))),
            f"{low:.0f}.0",
            f"{(low + high) / 2}",
            f" {high}",
            f"{high}0000001",
            f"{low}e0",
        ]
        return str(rng.choice(candidates))
    options = list(getattr(widget, "options", []) or [])
    if options:
        label = str(rng.choice(options))
        candidates = [label, label.upper(), f" {label}", f"{label} ", label[:-1], f"{label}{label}", "0", "-1"]
        if kind in ("multiselect",) or (kind == "button_group" and not widget._is_single_select):
            return [str(rng.choice(candidates)) for _ in range(int(rng.integers(0, 6)))] + [label, label]
        return str(rng.choice(candidates))
    return str(rng.choice(HOSTILE_VALUES))


def valid_query_value(kind, widget, rng, default):
    """A value the widget would write into the URL itself."""
    value = draw_value(kind, widget, rng, "random", default)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return [f"{v:.12g}" if isinstance(v, float) else str(v) for v in value]
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def hostile_query(lesson, rng, known: dict[str, tuple[str, object]], baseline: Baseline) -> dict:
    """A query string for ``lesson``: every key it might read gets garbage, an edge, a valid value or nothing."""
    query: dict[str, object] = {}
    own = sorted(source_keys(lesson) | set(known))
    for key in own:
        kind, widget = known.get(key, (None, None))
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.55 or widget is None:
            value = hostile_value(kind, rng)
        elif roll < 0.75:
            value = edge_value(kind, widget, rng)
        else:
            value = valid_query_value(kind, widget, rng, baseline.defaults.get(key))
        if not isinstance(value, list) and rng.random() < 0.1:  # the key repeated: ?k=a&k=b
            value = [value, str(rng.choice(HOSTILE_VALUES))]
        query[key] = value
    for key in rng.choice(UNKNOWN_KEYS, size=int(rng.integers(1, 4)), replace=False):
        query[str(key)] = str(rng.choice(HOSTILE_VALUES))
    others = sorted(set().union(*(source_keys(p) for p in PAGES if p is not lesson)) - set(own))
    for key in rng.choice(others, size=min(4, len(others)), replace=False):
        query[str(key)] = str(rng.choice(("1", "0", "true", "class 1", "3", "abc", "nan", "-1e308")))
    return query


def hostile_round(lesson, query, baseline: Baseline, history: list, caplog) -> tuple[list[str], AppTest]:
    """Open the page with ``query``, then with the address it settled on; the problems of both."""
    at = open_page(lesson, query)
    found = unexplained(lesson, at, problems(at, lesson, baseline, typed_keys(at, baseline)), caplog)

    # The address the app settled on is a share link: it must reopen exactly this view.
    settled = dict(at.query_params)
    history.append("settled on ?" + "&".join(f"{k}={short(v, 40)}" for k, v in settled.items()))
    again = open_page(lesson, settled)
    found += unexplained(lesson, again, problems(again, lesson, baseline, typed_keys(again, baseline)), caplog)
    shown = {w.key: w.value for _, w in widgets(at)}
    reopened = {w.key: w.value for _, w in widgets(again)}
    if shown != reopened:
        keys = shown.keys() | reopened.keys()
        diff = {k: (shown.get(k), reopened.get(k)) for k in keys if shown.get(k) != reopened.get(k)}
        found.append(f"reopening the settled address changed the widgets (before, after): {short(diff, 400)}")
    if dict(again.query_params) != settled:
        found.append(f"the settled address is not stable: it became {short(dict(again.query_params), 300)}")
    before, after = readable_text(at), readable_text(again)
    changed = [(x, y) for x, y in zip(before, after) if x != y]
    if changed or len(before) != len(after):
        found.append(f"reopening the settled address changed the text on the page: {short(changed[:2], 400)}")
    return found, at


@pytest.mark.parametrize("lesson", PAGES, ids=page_id)
def test_hostile_query_strings(lesson, caplog):
    """Fresh sessions opened with hostile links; then the address the app settled on, opened again."""
    caplog.set_level(logging.ERROR, logger="lossviz")
    baseline = Baseline.of(lesson)
    rng = page_rng(lesson, "query")
    known = dict(baseline.widgets)
    failures = []
    for round_ in range(HOSTILE_ROUNDS):
        query = hostile_query(lesson, rng, known, baseline)
        history = [f"round {round_}: ?" + "&".join(f"{k}={short(v, 40)}" for k, v in query.items())]
        try:
            found, at = hostile_round(lesson, query, baseline, history, caplog)
        except Exception as exc:  # noqa: BLE001  a timeout or AppTest error: report it with the query that caused it
            found, at = [f"the run failed: {exc!r}"], None
        if found:
            failures.append(report(lesson, history, found))
        caplog.clear()
        if at is not None:  # widgets revealed by this link get their own hostile values next round
            known.update({w.key: (kind, w) for kind, w in widgets(at)})
    assert not failures, "\n\n".join(failures[:3])


# --------------------------------------------------------------------------------------------
# Known issues: found by this fuzz, reported, not fixed yet (the pages belong to their authors).
#
# Each entry excuses one problem on one page, only when the page shows the stated sign of it, so the
# fuzz keeps checking everything else there. test_known_issue pins the exact reproducer under
# xfail(strict=True): once the page is fixed that test XPASSes, which fails the run, and the entry
# must be deleted.


class KnownIssue:
    """One problem (``problem``: part of its message) on one page (``slug``; None: any page), excused
    when ``sign(at, problem)`` sees its cause; ``query`` reproduces it."""

    def __init__(self, slug, problem, sign, query, reason):
        self.slug, self.problem, self.sign, self.query, self.reason = slug, problem, sign, query, reason

    def explains(self, lesson, at: AppTest, problem: str) -> bool:
        on_page = self.slug is None or lesson.slug == self.slug
        return on_page and self.problem in problem and self.sign(at, problem)


def _cleared_by_an_empty_parameter(at: AppTest, problem: str) -> bool:
    key = re.search(r"button_group '([^']+)'", problem)
    return key is not None and at.query_params.get(key.group(1)) == ""


KNOWN_ISSUES = [
    KnownIssue(
        None,
        "a required choice shows no selection",
        _cleared_by_an_empty_parameter,
        {"cvm_y": ""},
        "Streamlit 1.67 registers st.segmented_control/st.pills with clearable=True even when "
        "required=True (button_group.py, register_widget), so an empty query value (?cvm_y=) clears a "
        "required segmented control: it shows no selection while the page falls back to its default; "
        "found by test_hostile_query_strings (svs_y, mlc_mode, num_y), LOSSVIZ_FUZZ_SEED=11",
    ),
]


# Settings where a page deliberately draws no chart and says why, in place (a warning next to the
# controls, not an error): the run would diverge (η·λ > 2 multiplies every weight by 1 − η·λ < −1),
# or the numbers contradict the chosen kind ("probabilities" for the logit example). Excused like the
# known issues, and pinned by test_intended_block_explains_itself.
INTENDED_BLOCKS = [
    KnownIssue(
        "logits-to-extremes",
        "shows no chart",
        lambda at, problem: any("so this run would diverge" in w.value for w in at.warning),
        {"ext_lr": "100.0", "ext_decay": "0.3"},
        "η·λ = 30 > 2: gradient descent with weight decay diverges for any data, so the page explains "
        "that instead of training",
    ),
    KnownIssue(
        "your-numbers",
        "shows no chart",
        lambda at, problem: any("these look like logits" in w.value for w in at.warning),
        {"yn_kind": "probabilities"},
        "the default example holds logits; read as probabilities, 5 of 6 values lie outside [0, 1], "
        "and the page says so instead of computing losses of impossible probabilities",
    ),
]


def unexplained(lesson, at: AppTest, found: list[str], caplog) -> list[str]:
    """The problems no known issue explains, plus anything run_page logged."""
    excuses = KNOWN_ISSUES + INTENDED_BLOCKS
    rest = [p for p in found if not any(issue.explains(lesson, at, p) for issue in excuses)]
    return rest + boundary_logs(caplog)


@pytest.mark.parametrize(
    "issue",
    [
        pytest.param(
            i,
            marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=i.reason),
            id=f"{i.slug or 'any'}-{min(i.query)}",
        )
        for i in KNOWN_ISSUES
    ],
)
def test_known_issue(issue):
    lesson = next(p for p in PAGES if p.slug == (issue.slug or "ce-vs-mse"))
    at = open_page(lesson, issue.query)
    found = problems(at, lesson, Baseline.of(lesson), typed_keys(at, Baseline.of(lesson)))
    others = [p for p in found if issue.problem not in p]
    if others:  # pytest.fail is not an AssertionError: anything else fails outright, not as the known xfail
        pytest.fail(f"{lesson.file}?{issue.query}: problems other than the known one: {others}")
    assert not found, f"{lesson.file}?{issue.query}: {found}"


# --------------------------------------------------------------------------------------------
# The checks themselves can fail: break a core call the first lesson makes, see them report it.


def test_checks_catch_a_page_that_raises(monkeypatch, caplog):
    caplog.set_level(logging.ERROR, logger="lossviz")
    lesson = next(p for p in PAGES if p.slug == "ce-vs-mse")
    baseline = Baseline.of(lesson)

    def broken(*args, **kwargs):
        raise RuntimeError("injected by the fuzz self-test")

    monkeypatch.setattr("lossviz.curves.marker_readout", broken)
    at = open_page(lesson)
    found = unexplained(lesson, at, problems(at, lesson, baseline, set()), caplog)
    assert any("run_page boundary" in p for p in found), found
    assert any("injected by the fuzz self-test" in p and "Traceback" in p for p in found), found


def test_checks_catch_an_error_not_caused_by_typed_text(monkeypatch, caplog):
    """A ValueError from a slider's value is shown by explain_errors, but a slider must never cause one."""
    caplog.set_level(logging.ERROR, logger="lossviz")
    lesson = next(p for p in PAGES if p.slug == "ce-vs-mse")
    baseline = Baseline.of(lesson)

    original = lossviz.curves.marker_readout

    def rejects(value, *args, **kwargs):
        # Only the call with the slider's value (default 0.02); the seed check's own call must succeed.
        if value == baseline.defaults["cvm_p"]:
            raise ValueError(f"p must be in (0, 1); got {value}")
        return original(value, *args, **kwargs)

    monkeypatch.setattr(lossviz.curves, "marker_readout", rejects)
    at = open_page(lesson)
    found = unexplained(lesson, at, problems(at, lesson, baseline, set()), caplog)
    assert any("not next to a text box holding typed text" in p for p in found), found
    assert not boundary_logs(caplog), "explain_errors handled it: nothing reaches the boundary"


@pytest.mark.parametrize("block", INTENDED_BLOCKS, ids=lambda b: b.slug)
def test_intended_block_explains_itself(block):
    """The page draws no chart for these settings and shows why, and nothing else is wrong."""
    lesson = next(p for p in PAGES if p.slug == block.slug)
    at = open_page(lesson, block.query)
    found = problems(at, lesson, Baseline.of(lesson), typed_keys(at, Baseline.of(lesson)))
    assert found, f"{lesson.file}?{block.query}: expected the page to hold its chart back; it drew one"
    assert all(block.explains(lesson, at, p) for p in found), f"{lesson.file}?{block.query}: {found}"

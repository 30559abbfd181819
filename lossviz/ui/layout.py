"""Page furniture shared by every lesson: header, charts, share link, predict-then-reveal, next lesson.

Also the instructor's views: presentation mode (``presentation_toggle``, ``is_presenting``,
``explanation``, and ``chart`` enlarging figures), "Copy embed code" for an ``<iframe>`` with
Streamlit's ``embed=true``, and the print stylesheet of a handout (``page_styles``).
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
from typing import Callable, Iterator, Mapping, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import plotly.graph_objects as go
import streamlit as st

from lossviz import twoneuron as tn
from lossviz.figures import describe_figure
from lossviz.figures._style import freeze_figure, present_wire_spec, wire_spec
from lossviz.lessons import lesson_by_slug, next_lesson
from lossviz.ui import widgets
from lossviz.ui.errors import fragment, markdown_literal

__all__ = [
    "APP_WIDE_KEYS",
    "PRESENT_KEY",
    "accessibility_support",
    "cached",
    "chart",
    "diverging_decay_warning",
    "embed_code",
    "explain",
    "explanation",
    "is_presenting",
    "lesson_header",
    "next_lesson_link",
    "page_styles",
    "predict_then_reveal",
    "presentation_requested",
    "presentation_toggle",
    "share_link",
    "shared_figures",
    "table",
]

PRESENT_KEY = "present"
"""The query parameter (and widget key) of presentation mode: ``?present=true`` (or ``=1``)."""
APP_WIDE_KEYS = (PRESENT_KEY,)
"""Widget keys that app.py renders on every page (the one exception to "keys unique across pages")."""
_PRESENT_ALIASES = ("1", "yes", "on")
"""Values a hand-typed link may use for ``present``; Streamlit's bound toggle itself takes true/false."""
EXPLANATION_LABEL = "Explanation"
EMBED_HEIGHT = 900
"""Height (px) of the embed snippet's iframe: a lesson's header, controls and first chart."""

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def cached(func: Callable, *, max_entries: int = 128) -> Callable:
    """A pure core function behind ``st.cache_data`` (keyed on every argument, no globals).

    The wrapper itself is built once per function and reused, so a page calling ``cached`` on
    every rerun pays for the cache lookup only.
    """
    return _cache_wrapper(func, max_entries)


def shared_figures(*, max_entries: int, spinner: str | None = None) -> Callable[[Callable], Callable]:
    """``st.cache_resource`` for a function that builds figures: one, or several in a tuple, list or dict.

    One result per argument set, shared read-only by every session (building a Plotly figure
    costs far more than looking it up), and every figure in it frozen (``freeze_figure``), so
    the runs that draw it again skip turning it into a dict. Nothing may mutate the result.
    ``spinner`` is the text shown while a result is computed (Streamlit's cache spinner, which
    costs nothing on a hit, unlike a ``st.spinner`` block, which starts a timer thread on every
    run).
    """

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def build_and_freeze(*args, **kwargs):
            result = func(*args, **kwargs)
            if isinstance(result, dict):
                values = result.values()
            else:
                values = result if isinstance(result, (tuple, list)) else (result,)
            for value in values:
                if isinstance(value, go.Figure):
                    freeze_figure(value)
            return result

        return st.cache_resource(build_and_freeze, max_entries=max_entries, show_spinner=spinner or False)

    return decorate


@functools.lru_cache(maxsize=None)
def _cache_wrapper(func: Callable, max_entries: int) -> Callable:
    return st.cache_data(func, max_entries=max_entries, show_spinner=False)


_ACCESSIBILITY_KEY = "lossviz-a11y"

_ACCESSIBILITY_HTML = """
<style>
/* The container of this script takes no room in the page. */
.st-key-lossviz-a11y { display: none; }
/* Focus stays visible (WCAG 2.4.7) on what the script below makes focusable: the text colour has
   4.5:1 on the background in both themes, so the ring does too. */
[data-lossviz-scroll]:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }
/* A chosen option of a multiselect is white on the primary colour: 3.2:1 on the dark theme's,
   whose primary must stay light for 4.5:1 on the background. Outlined chips in the text colour
   reach the text's contrast in both themes. */
[data-testid="stMultiSelectTagsContainer"] > span > span { background-color: transparent !important;
  border: 1px solid currentColor !important; color: inherit !important; }
[data-testid="stMultiSelectTagsContainer"] > span > span * { color: inherit !important; }
/* Segmented controls and pills ring the focused option with a half-transparent primary (2.3:1):
   a ring in the text colour instead (WCAG 1.4.11, 3:1). */
[data-testid="stButtonGroup"] button:focus-visible { outline: 2px solid currentColor !important;
  outline-offset: 2px; }
/* A table (st.dataframe) is one canvas Tab stop with no focus style of its own. */
[data-testid="stDataFrame"] canvas:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }
/* The main area is a Tab stop (it scrolls); Streamlit shows no focus on it. */
[data-testid="stMain"]:focus-visible, main:focus-visible { outline: 2px solid currentColor; outline-offset: -2px; }
/* Streamlit marks a focused page link only with a faint grey background (1.1:1): a ring instead. */
[data-testid="stSidebarNav"] a:focus-visible { outline: 2px solid currentColor; outline-offset: -2px; }
.js-plotly-plot g.updatemenu-button:focus { outline: none; }
.js-plotly-plot g.updatemenu-button:focus-visible rect.updatemenu-item-rect {
  stroke: currentColor !important; stroke-width: 3px !important; }
</style>
<script>
(() => {
  // Once per browser tab: the observer below outlives reruns and page changes.
  if (window.__lossvizA11y) return;
  window.__lossvizA11y = true;
  // Formulas, code and tables that scroll sideways on a narrow screen get into the Tab order, so a
  // keyboard can scroll them (WCAG 2.1.1; axe-core's scrollable-region-focusable). Only while they
  // really overflow: on a wide screen they stay out of the Tab order.
  const SCROLLERS = ".katex-display, [data-testid='stMain'] pre, [data-testid='stTable'] > div, "
    + "[data-testid='stMarkdownContainer'] > table";
  // An element can start to overflow without any change to the DOM (its column narrows as the
  // layout settles), so each candidate is also watched for size changes.
  const resized = new ResizeObserver(() => update());
  const markScrollers = () => {
    for (const el of document.querySelectorAll(SCROLLERS)) {
      if (!el.dataset.lossvizWatched) { el.dataset.lossvizWatched = "1"; resized.observe(el); }
      const style = getComputedStyle(el);
      const scrolls = (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth)
        || (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight);
      // React may re-render the element and reset its tabindex while keeping our data attribute,
      // so the test is "not in the Tab order yet", not "has no tabindex".
      if (scrolls && el.getAttribute("tabindex") !== "0") {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-lossviz-scroll", "");
      } else if (!scrolls && el.hasAttribute("data-lossviz-scroll")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-lossviz-scroll");
      }
    }
  };
  // Plotly draws its animation buttons (Play, Pause) as SVG groups that only a mouse can press:
  // they become buttons for the keyboard and for screen readers, Enter and Space press them.
  const markPlotlyButtons = () => {
    for (const button of document.querySelectorAll(".js-plotly-plot g.updatemenu-button")) {
      // Plotly may add the label after the group: name the button whenever it has none yet.
      const label = (button.textContent || "").replace(/[^A-Za-z ]/g, "").trim();
      if (label && !button.getAttribute("aria-label")) button.setAttribute("aria-label", label);
      if (button.dataset.lossvizButton) continue;
      button.dataset.lossvizButton = "1";
      button.setAttribute("tabindex", "0");
      button.setAttribute("role", "button");
      button.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        button.dispatchEvent(new MouseEvent("click", {bubbles: true}));
      });
    }
  };
  let pending = false;
  const update = () => {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; markScrollers(); markPlotlyButtons(); }, 150);
  };
  // The same pass, at once: for a check that must see the settled state (tests/e2e run axe after it).
  window.__lossvizA11yNow = () => { markScrollers(); markPlotlyButtons(); };
  new MutationObserver(update).observe(document.body, {childList: true, subtree: true});
  window.addEventListener("resize", update);
  update();
})();
</script>"""


def accessibility_support() -> None:
    """What the app adds to Streamlit's markup for keyboards and screen readers, on every page.

    Called once per run by ``app.py``. A fixed string (no user text) in a container that takes no
    room: a keyboard can reach and scroll formulas, code and tables that overflow on a narrow
    screen, and press Plotly's Play and Pause buttons; focus on both stays visible.
    """
    with st.container(key=_ACCESSIBILITY_KEY):
        st.html(_ACCESSIBILITY_HTML, unsafe_allow_javascript=True)


def lesson_header(slug: str, question: str) -> None:
    """Title, the question the lesson answers, and the share-link and embed-code affordances."""
    lesson = lesson_by_slug(slug)
    st.title(lesson.title)
    st.markdown(f"**The question.** {question}")
    share_link(title=lesson.title)


def chart(fig: go.Figure, *, key: str, alt: str | None = None) -> None:
    """A Plotly figure at full width, in Streamlit's theme (light or dark), with a text alternative.

    ``alt`` is the page's sentence with the key numbers the chart shows now ("CE gradient −0.98,
    MSE gradient −0.038 at p = 0.02"); the figure's own summary (``describe_figure``: title, axes,
    each series and its range) follows it, so every chart has an accessible name (WCAG 1.1.1) that
    changes with its data. Streamlit sets it as the ``aria-label`` of the chart's ``role="figure"``.

    In presentation mode the figure is shown as ``present_figure`` makes it: text of at least 24 px
    and a taller plot, the same for every lesson without a presentation variant of any figure.
    """
    description = describe_figure(fig)
    text = f"{alt.strip()} {description}" if alt and alt.strip() else description
    spec = present_wire_spec(fig) if is_presenting() else wire_spec(fig)
    st.plotly_chart(
        _WireFigure(spec),
        key=key,
        config=PLOTLY_CONFIG,
        theme="streamlit",
        width="stretch",
        alt=text or "Chart.",
    )


class _WireFigure(go.Figure):
    """A figure already in the dict form ``st.plotly_chart`` sends (``wire_spec``).

    ``st.plotly_chart`` asks a figure for ``to_dict()`` and serialises the answer; given a plain
    dict instead it would validate every property again (``go.Figure(**spec)``), the cost that
    ``fast_figure`` exists to avoid. Nothing else is read, so nothing else is built.
    """

    def __init__(self, spec: dict) -> None:  # noqa: D107 - no go.Figure.__init__: nothing to build
        self._wire_spec = spec

    def to_dict(self) -> dict:
        return self._wire_spec


def diverging_decay_warning(lr: float, decay: float) -> bool:
    """Warn, and return True, when weight decay alone makes training diverge (1 − η·λ < −1).

    Every step then multiplies each weight by 1 − η·λ, flipping its sign and growing it until it
    overflows (``lossviz.twoneuron.decay_factor``), so the training pages do not start such a run.
    """
    factor = tn.decay_factor(lr, decay)
    if factor >= -1:
        return False
    st.warning(
        f"With η = {lr:g} and λ = {decay:g}, every step multiplies each weight by 1 − η·λ = {factor:g}: the "
        "weights flip sign and grow until they overflow, so this run would diverge: training diverges "
        "whenever η·λ > 2. Lower the learning rate or the weight decay.",
        icon=":material/warning:",
    )
    return True


def table(columns: Mapping[str, Sequence]) -> None:
    """Equal-length columns (header -> cells) as a table, every cell shown as typed.

    A Markdown table: the same ``<table>`` with header cells that a screen reader walks in
    ``st.table``, without the pandas DataFrame and Arrow conversion ``st.table`` makes of every
    table on every rerun (3–4 ms each, more than the rest of a small section).
    """
    names = list(columns)
    lengths = {len(columns[name]) for name in names}
    if len(lengths) > 1:
        raise ValueError(f"columns must have equal lengths; got {sorted(lengths)}")

    def row(cells) -> str:
        return "| " + " | ".join(markdown_literal(" ".join(str(cell).split())) for cell in cells) + " |"

    rows = [row(names), "|" + " --- |" * len(names)]
    rows += [row(cells) for cells in zip(*(columns[name] for name in names))]
    st.markdown("\n".join(rows))


def presentation_requested() -> bool:
    """Whether this run shows presentation mode; app.py reads it before any element is drawn.

    The toggle's state once it exists, else the link. On a session's first run the toggle does not
    exist yet (Streamlit seeds it from the URL only when it is created, after the page config), so
    the link is read here: ``?present=true``, which Streamlit's bound toggle takes. A hand-typed
    ``?present=1`` (or yes/on), which the toggle would drop, is rewritten to ``true`` and the run
    restarted once (the parameter is not bound yet, so ``st.query_params`` may still set it).
    """
    if PRESENT_KEY in st.session_state:
        return bool(st.session_state[PRESENT_KEY])
    raw = (st.query_params.get(PRESENT_KEY) or "").strip().lower()
    if raw in _PRESENT_ALIASES:
        st.query_params[PRESENT_KEY] = "true"
        st.rerun()
    return raw == "true"


def presentation_toggle() -> bool:
    """The "Presentation mode" switch at the top of every page, bound to ``?present=``.

    app.py creates it (not a page), so the binding belongs to the entry script and survives the
    move to another lesson: Streamlit drops a bound parameter of the page being left.
    """
    with st.container(horizontal=True, horizontal_alignment="right", key="lossviz_present_row"):
        return widgets.toggle(
            "Presentation mode",
            key=PRESENT_KEY,
            help=(
                "For a projector: large charts and controls, sidebar collapsed, explanations folded "
                "(press E to show or hide those on screen). Arrow keys move the focused slider."
            ),
        )


def is_presenting() -> bool:
    """True while presentation mode is on (``?present=true`` or the toggle)."""
    return bool(st.session_state.get(PRESENT_KEY, False))


@contextlib.contextmanager
def explanation(label: str = EXPLANATION_LABEL) -> Iterator[None]:
    """Where a page writes its explanatory prose: shown in place, folded in presentation mode.

    Normally in place, with no container around it (every element is one more message per
    rerun); in presentation mode a closed ``st.expander`` (one click, or the E key, or Tab to
    its summary and Enter/Space, opens it) so the projected view is controls and charts.
    Printing opens every expander first (``page_styles``), so a handout holds the prose.
    """
    if is_presenting():
        with st.expander(f"{label} (press E)", expanded=False, icon=":material/notes:"):
            yield
    else:
        yield


def explain(body: str, **kwargs) -> None:
    """``st.markdown(body, **kwargs)`` as explanation: shown in place, folded in presentation mode.

    The one-paragraph form of ``explanation``: a page turns a prose paragraph into explanation by
    renaming its ``st.markdown`` call, with no re-indentation. Not for use inside an expander
    (Streamlit does not nest them).
    """
    with explanation():
        st.markdown(body, **kwargs)


def embed_code(url: str, *, title: str, height: int = EMBED_HEIGHT) -> str:
    """The ``<iframe>`` snippet that embeds ``url`` with Streamlit's own ``embed=true``.

    Python twin of the snippet the "Copy embed code" button builds in the browser (which knows the
    current address); kept for the tests and for anyone scripting course pages.

    >>> embed_code("https://x.org/focal-loss?focal_gamma=5", title="Focal loss")  # doctest: +NORMALIZE_WHITESPACE
    '<iframe src="https://x.org/focal-loss?focal_gamma=5&amp;embed=true" title="Focal loss (lossviz)"
    width="100%" height="900" style="border: 0;" allow="clipboard-write; fullscreen" loading="lazy"></iframe>'
    """
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "embed"]
    query.append(("embed", "true"))
    src = urlunsplit(parts._replace(query=urlencode(query)))
    return (
        f'<iframe src="{html.escape(src)}" title="{html.escape(title)} (lossviz)" width="100%" '
        f'height="{int(height)}" style="border: 0;" allow="clipboard-write; fullscreen" loading="lazy"></iframe>'
    )


def share_link(*, title: str = "lossviz") -> None:
    """Buttons that copy the current address, and an ``<iframe>`` snippet of it, to the clipboard.

    "Copy link to this view" copies the address (which holds every widget value), without
    ``embed=true`` so the link opens the full app even when copied inside an embedded lesson.
    "Copy embed code" copies ``embed_code``'s snippet for the current address; where the
    clipboard is refused (an iframe without ``allow="clipboard-write"``), the text is shown to
    select instead. The clicks are handled, by event delegation, by the one page script of
    ``page_styles``, so this markup holds no script; the only variable text, the lesson title from
    ``lossviz.lessons``, is an escaped attribute.
    """
    button = (
        "font: inherit; color: inherit; background: transparent; cursor: pointer; "
        "border: 1px solid rgba(128,128,128,0.6); border-radius: 6px; padding: 2px 10px;"
    )
    st.html(
        f"""
<div class="lossviz-share" data-title="{html.escape(title)}" data-height="{int(EMBED_HEIGHT)}"
     style="display:flex; flex-wrap:wrap; align-items:center; gap:8px; font-size:0.95rem;">
  <button type="button" class="lossviz-copy-link" style="{button}">Copy link to this view</button>
  <button type="button" class="lossviz-copy-embed" style="{button}">Copy embed code</button>
  <span class="lossviz-copy-note" style="opacity: 0.75; overflow-wrap: anywhere;" aria-live="polite">
    The address bar always reopens what you see.</span>
</div>"""
    )


def predict_then_reveal(
    question: str,
    options: Sequence[str],
    *,
    key: str,
    answer: str,
    explanation: str,
    reveal: Callable[[], None] | None = None,
) -> None:
    """Ask before showing: the learner picks an answer, then the explanation (and plot) appear.

    A fragment of its own (nested in the section's, if any): picking an answer reruns only the
    question and what it reveals, never the page or section around it, whose inputs it does not
    change. ``reveal`` is called on every run once an answer is picked; on the fragment's own
    reruns it is the one handed over by the last run of the page or section.
    """
    _predict_then_reveal(question, tuple(options), key, answer, explanation, reveal)


@fragment
def _predict_then_reveal(question, options, key, answer, explanation, reveal) -> None:
    with st.container(border=True):
        st.markdown(f"**Predict first.** {question}")
        picked = widgets.radio(
            "Your prediction", list(options), index=None, key=key, horizontal=True, label_visibility="collapsed"
        )
        if picked is None:
            st.caption("Pick an answer to reveal what happens.")
            return
        if picked == answer:
            st.success(f"Right: {answer}. {explanation}", icon=":material/check_circle:")
        else:
            st.warning(f"Not quite: the answer is {answer}. {explanation}", icon=":material/lightbulb:")
        if reveal is not None:
            reveal()


def next_lesson_link(slug: str) -> None:
    """The guided path: a link to the next lesson at the bottom of every page."""
    st.divider()
    following = next_lesson(slug)
    if following is None:
        st.page_link("lessons/home.py", label="Back to the lesson map", icon=":material/home:")
        return
    st.page_link(following.file, label=f"Next lesson: {following.title}", icon=":material/arrow_forward:")
    st.caption(following.promise)


_PRINT_CSS = """
@media print {
  @page { margin: 14mm 12mm; }
  /* The handout is the lesson: no sidebar, header, toolbar, running-man, copy or download buttons. */
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  .st-key-lossviz_present_row, .lossviz-share, [data-testid="stDownloadButton"],
  .modebar-container, [data-testid="stPageLink"] { display: none !important; }
  /* Streamlit scrolls inside its main container; printed, it must flow over pages. */
  html, body, .stApp, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] {
    height: auto !important; min-height: 0 !important; overflow: visible !important;
    position: static !important;
  }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  /* Whole charts, formulas, metrics and widgets: nothing cut in half across a page break. */
  [data-testid="stPlotlyChart"], [data-testid="stElementContainer"], [data-testid="stMetric"],
  [data-testid="stHorizontalBlock"]:not(:has([data-testid="stPlotlyChart"] + *)), .katex-display,
  [data-testid="stExpander"] summary, [data-testid="stAlert"], tr, img, svg {
    break-inside: avoid; page-break-inside: avoid;
  }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  /* Folded explanations (presentation mode) print as plain prose: no "Explanation" bar, no box. */
  details.lossviz-print-explanation > summary { display: none !important; }
  details.lossviz-print-explanation, details.lossviz-print-explanation > * {
    border: 0 !important; padding-left: 0 !important; padding-right: 0 !important; background: none !important;
  }
  /* A chart drawn for the screen is wider than the paper: before printing, the page script puts
     a static image of it (lossviz-print-chart) beside it, which scales to the paper's width. */
  .js-plotly-plot:has(+ .lossviz-print-chart) { display: none !important; }
  [data-testid="stPlotlyChart"]:has(.lossviz-print-chart),
  [data-testid="stElementContainer"]:has(.lossviz-print-chart),
  [data-testid="stElementContainer"]:has(.lossviz-print-chart) > div {
    height: auto !important; min-height: 0 !important; contain: none !important;
  }
}
"""

_SCREEN_CSS = """
@media screen { .lossviz-print-chart { display: none !important; } }
/* Tables (lossviz.ui.table, Markdown tables) scroll sideways inside the page on a narrow screen,
   as st.table's do, instead of widening it. */
[data-testid="stMarkdownContainer"] > table { display: block; max-width: 100%; overflow-x: auto; }
"""

_PRESENT_CSS = """
/* Presentation mode: controls, numbers and headings sized for a projector. */
[data-testid="stMainBlockContainer"] { padding-top: 4rem; max-width: 100%; }
[data-testid="stMain"] [data-testid="stSlider"] [data-testid="stWidgetLabel"] { margin-bottom: 1.4rem; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p,
[data-testid="stMain"] [data-testid="stSliderThumbValue"],
[data-testid="stMain"] [role="radiogroup"] label p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.5rem !important; line-height: 1.35; }
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1.15rem !important; }
[data-testid="stMain"] [data-testid="stTable"] td, [data-testid="stMain"] [data-testid="stTable"] th,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] td,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] th,
[data-testid="stMain"] [data-testid="stDataFrame"] { font-size: 1.3rem !important; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 2.6rem !important; }
[data-testid="stMain"] [data-testid="stDownloadButton"] { display: none; }
[data-testid="stMain"] [data-testid="stMetricLabel"] p { font-size: 1.35rem !important; }
[data-testid="stMain"] h1 { font-size: 3rem !important; }
[data-testid="stMain"] h2 { font-size: 2.4rem !important; }
[data-testid="stMain"] .katex { font-size: 1.6em; }
[data-testid="stMain"] [data-testid="stExpander"] summary p { font-size: 1.4rem !important; }
"""

# The E key shows or hides the explanations on screen (presentation mode folds them into
# expanders); the share buttons copy the link or the embed code; before printing every expander
# opens and every chart gets a static copy that scales to the paper. Installed once per tab.
_PAGE_SCRIPT = r"""
<script>
(() => {
  if (window.__lossvizPageScript) return;
  window.__lossvizPageScript = true;
  const LABEL = __LABEL__;
  const explanations = () => [...document.querySelectorAll('[data-testid="stExpander"] details')]
    .filter((d) => { const s = d.querySelector("summary"); return s && s.innerText.includes(LABEL); });
  const editable = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "e" && event.key !== "E") return;
    if (event.ctrlKey || event.metaKey || event.altKey || editable(event.target)) return;
    const all = explanations();
    if (!all.length) return;
    // The explanations on screen (a run of them, often); if none is, the next one down.
    const height = window.innerHeight;
    const shown = all.filter((d) => { const r = d.getBoundingClientRect(); return r.bottom > 0 && r.top < height; });
    const below = all.filter((d) => d.getBoundingClientRect().top >= 0);
    const targets = shown.length ? shown : [below[0] || all[all.length - 1]];
    const open = !targets.every((d) => d.open);
    for (const d of targets) if (d.open !== open) d.querySelector("summary").click();
    targets[0].querySelector("summary").focus({preventScroll: true});
    event.preventDefault();
  });
  // "Copy link to this view" and "Copy embed code" (share_link's buttons), by event delegation.
  const address = (embedded) => {
    const url = new URL(window.location.href);
    for (const key of [...url.searchParams.keys()]) {
      if (key.toLowerCase() === "embed") url.searchParams.delete(key);
    }
    if (embedded) url.searchParams.append("embed", "true");
    return url.toString();
  };
  // No "<" followed by a letter or "/" anywhere in this script: Streamlit's HTML sanitizer
  // (DOMPurify) drops a script whose text looks like markup, so the tags are spelled with \x3c.
  const escape = (text) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;")
    .replace(/\x3c/g, "&lt;").replace(/>/g, "&gt;");
  const snippet = (box) => '\x3ciframe src="' + escape(address(true)) + '" title="'
    + escape(box.dataset.title || "lossviz") + ' (lossviz)" width="100%" height="'
    + (parseInt(box.dataset.height, 10) || 900)
    + '" style="border: 0;" allow="clipboard-write; fullscreen" loading="lazy">\x3c/iframe>';
  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest(".lossviz-copy-link, .lossviz-copy-embed");
    if (!button) return;
    const box = button.closest(".lossviz-share");
    const note = box.querySelector(".lossviz-copy-note");
    const embedding = button.classList.contains("lossviz-copy-embed");
    const text = embedding ? snippet(box) : address(false);
    const what = embedding ? "the embed code" : "the link";
    box.dataset.copied = text;
    try { await navigator.clipboard.writeText(text); note.textContent = "Copied " + what + ": " + text; }
    catch (e) { note.textContent = "Select and copy " + what + ": " + text; }
  });
  const opened = [];
  // A static copy of every chart for the paper: each SVG layer of the Plotly figure becomes an
  // image with a viewBox, so it scales to the paper's width; Plotly may redraw the live chart while
  // printing (its container changes width), the copy stays as it was on screen.
  const image = (svg, stacked) => {
    const copy = svg.cloneNode(true);
    const width = svg.getAttribute("width"), height = svg.getAttribute("height");
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    copy.setAttribute("viewBox", "0 0 " + width + " " + height);
    const img = document.createElement("img");
    img.alt = "";
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(copy));
    img.style.cssText = stacked ? "position: absolute; left: 0; top: 0; width: 100%;" : "display: block; width: 100%;";
    return img;
  };
  window.addEventListener("beforeprint", () => {
    for (const d of document.querySelectorAll('[data-testid="stExpander"] details')) {
      if (!d.open) { d.open = true; opened.push(d); }
    }
    for (const d of explanations()) d.classList.add("lossviz-print-explanation");
    for (const plot of document.querySelectorAll(".js-plotly-plot")) {
      if (plot.nextElementSibling && plot.nextElementSibling.classList.contains("lossviz-print-chart")) continue;
      const layers = [...plot.querySelectorAll(".svg-container > .main-svg")];
      if (!layers.length || !layers[0].getAttribute("width")) continue;
      const chart = document.createElement("div");
      chart.className = "lossviz-print-chart";
      chart.setAttribute("role", "img");
      chart.setAttribute("aria-label", (plot.querySelector(".gtitle") || {}).textContent || "chart");
      chart.style.position = "relative";
      layers.forEach((svg, index) => chart.appendChild(image(svg, index > 0)));
      plot.after(chart);
    }
  });
  window.addEventListener("afterprint", () => {
    while (opened.length) opened.pop().open = false;
    for (const d of explanations()) d.classList.remove("lossviz-print-explanation");
    for (const chart of document.querySelectorAll(".lossviz-print-chart")) chart.remove();
  });
})();
</script>
"""


def page_styles(*, presenting: bool) -> None:
    """The print stylesheet and page script on every page, and the projector styles when presenting.

    Printing (Ctrl+P, or Streamlit's own "Print" menu item) then gives a handout of the current
    view: no sidebar or buttons, the explanations open, charts scaled to the paper and never split
    across pages. Fixed strings only (no user text), so running the script in the page is safe.
    """
    css = _PRINT_CSS + _SCREEN_CSS + (_PRESENT_CSS if presenting else "")
    st.html(f"<style>{css}</style>")
    st.html(_PAGE_SCRIPT.replace("__LABEL__", json.dumps(EXPLANATION_LABEL)), unsafe_allow_javascript=True)

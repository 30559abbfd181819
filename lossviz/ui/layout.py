"""Page furniture shared by every lesson: header, charts, share link, predict-then-reveal, next lesson."""

from __future__ import annotations

import functools
from typing import Callable, Sequence

import plotly.graph_objects as go
import streamlit as st

from lossviz.figures import describe_figure
from lossviz.lessons import lesson_by_slug, next_lesson
from lossviz.ui import widgets

__all__ = [
    "accessibility_support",
    "cached",
    "chart",
    "lesson_header",
    "next_lesson_link",
    "predict_then_reveal",
    "share_link",
]

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
  const SCROLLERS = ".katex-display, [data-testid='stMain'] pre, [data-testid='stTable'] > div";
  const markScrollers = () => {
    for (const el of document.querySelectorAll(SCROLLERS)) {
      const style = getComputedStyle(el);
      const scrolls = (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth)
        || (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight);
      if (scrolls && !el.hasAttribute("tabindex")) {
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
    """Title, the question the lesson answers, and the share-link affordance."""
    lesson = lesson_by_slug(slug)
    st.title(lesson.title)
    st.markdown(f"**The question.** {question}")
    share_link()


def chart(fig: go.Figure, *, key: str, alt: str | None = None) -> None:
    """A Plotly figure at full width, in Streamlit's theme (light or dark), with a text alternative.

    ``alt`` is the page's sentence with the key numbers the chart shows now ("CE gradient −0.98,
    MSE gradient −0.038 at p = 0.02"); the figure's own summary (``describe_figure``: title, axes,
    each series and its range) follows it, so every chart has an accessible name (WCAG 1.1.1) that
    changes with its data. Streamlit sets it as the ``aria-label`` of the chart's ``role="figure"``.
    """
    description = describe_figure(fig)
    text = f"{alt.strip()} {description}" if alt and alt.strip() else description
    st.plotly_chart(
        fig, key=key, config=PLOTLY_CONFIG, theme="streamlit", width="stretch", alt=text or "Chart."
    )


def share_link() -> None:
    """A button that copies the current address (which holds every widget value) to the clipboard.

    The markup is a fixed string (no user text), so running its script in the page is safe.
    """
    st.html(
        """
<div style="display:flex; flex-wrap:wrap; align-items:center; gap:8px; font-size:0.95rem;">
  <button id="lossviz-copy-link" style="font: inherit; color: inherit; background: transparent;
      cursor: pointer; border: 1px solid rgba(128,128,128,0.6); border-radius: 6px; padding: 2px 10px;">
    Copy link to this view</button>
  <span id="lossviz-copy-note" style="opacity: 0.75;">The address bar always reopens what you see.</span>
</div>
<script>
(() => {
  const button = document.getElementById("lossviz-copy-link");
  const note = document.getElementById("lossviz-copy-note");
  if (!button || button.dataset.ready) return;
  button.dataset.ready = "1";
  button.addEventListener("click", async () => {
    const url = window.location.href;
    try { await navigator.clipboard.writeText(url); note.textContent = "Copied: " + url; }
    catch (e) { note.textContent = url; }
  });
})();
</script>""",
        unsafe_allow_javascript=True,
    )


def predict_then_reveal(
    question: str,
    options: Sequence[str],
    *,
    key: str,
    answer: str,
    explanation: str,
    reveal: Callable[[], None] | None = None,
) -> bool:
    """Ask before showing: the learner picks an answer, then the explanation (and plot) appear.

    Returns True once an answer has been picked, so the page can hold back what settles it.
    """
    with st.container(border=True):
        st.markdown(f"**Predict first.** {question}")
        picked = widgets.radio(
            "Your prediction", list(options), index=None, key=key, horizontal=True, label_visibility="collapsed"
        )
        if picked is None:
            st.caption("Pick an answer to reveal what happens.")
            return False
        if picked == answer:
            st.success(f"Right: {answer}. {explanation}", icon=":material/check_circle:")
        else:
            st.warning(f"Not quite: the answer is {answer}. {explanation}", icon=":material/lightbulb:")
        if reveal is not None:
            reveal()
        return True


def next_lesson_link(slug: str) -> None:
    """The guided path: a link to the next lesson at the bottom of every page."""
    st.divider()
    following = next_lesson(slug)
    if following is None:
        st.page_link("lessons/home.py", label="Back to the lesson map", icon=":material/home:")
        return
    st.page_link(following.file, label=f"Next lesson: {following.title}", icon=":material/arrow_forward:")
    st.caption(following.promise)

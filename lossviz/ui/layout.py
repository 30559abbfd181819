"""Page furniture shared by every lesson: header, charts, share link, predict-then-reveal, next lesson."""

from __future__ import annotations

import functools
from typing import Callable, Sequence

import plotly.graph_objects as go
import streamlit as st

from lossviz.lessons import lesson_by_slug, next_lesson
from lossviz.ui import widgets

__all__ = ["cached", "chart", "lesson_header", "next_lesson_link", "predict_then_reveal", "share_link"]

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


def lesson_header(slug: str, question: str) -> None:
    """Title, the question the lesson answers, and the share-link affordance."""
    lesson = lesson_by_slug(slug)
    st.title(lesson.title)
    st.markdown(f"**The question.** {question}")
    share_link()


def chart(fig: go.Figure, *, key: str) -> None:
    """A Plotly figure at full width, in Streamlit's theme (light or dark)."""
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, theme="streamlit", width="stretch")


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

"""Bad input gets a short explanation next to the widget; the rest of the page keeps working.

``explain_errors`` wraps the part of a page that turns widget values into core calls: a
``ValueError`` from the core (whose message names the argument, what it got and what it
expects) becomes an ``st.error`` in place. ``run_page`` is the page boundary in ``app.py``: any
other exception becomes a one-line message instead of a traceback, and is logged for developers.
Streamlit's own rerun/stop signals derive from BaseException, so they pass through untouched.
"""

from __future__ import annotations

import functools
import logging
import re
from contextlib import contextmanager
from typing import Callable

import streamlit as st

__all__ = ["explain_errors", "fragment", "markdown_literal", "run_page"]

log = logging.getLogger("lossviz")

# Every ASCII punctuation character may be backslash-escaped in CommonMark and then shows as itself;
# escaping all of them also disarms Streamlit's own syntax (:red[...], :material/...:, $...$).
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_literal(text: str) -> str:
    """``text`` escaped so that Streamlit's Markdown shows it character for character.

    Error messages quote what the learner typed or put in a link ("'[a](//x)' is not a number");
    unescaped, that would render as a live link or load an image inside the app's own message.
    """
    return _ASCII_PUNCTUATION.sub(r"\\\1", str(text))


@contextmanager
def explain_errors(what: str = "These inputs", container=None):
    """Show a core ``ValueError`` as a short message in ``container`` (default: here) and go on."""
    try:
        yield
    except ValueError as exc:
        (container or st).error(f"{what} cannot be used: {markdown_literal(exc)}.", icon=":material/error:")


def run_page(page) -> None:
    """Run a ``st.navigation`` page; show any unexpected error as a message, never a traceback."""
    try:
        page.run()
    except Exception as exc:  # the page boundary: nothing may reach the learner as a traceback
        _report_unexpected(exc, f"page {getattr(page, 'url_path', page)}")


def fragment(section: Callable[..., None]) -> Callable[..., None]:
    """``st.fragment`` behind the same boundary as the page: a widget inside ``section`` reruns only
    ``section``, and an unexpected error there becomes the one-line message, never a traceback.

    A fragment's own reruns start at the fragment, not at ``run_page``, so the page boundary alone
    would not catch them.
    """

    @functools.wraps(section)
    def guarded(*args, **kwargs) -> None:
        try:
            section(*args, **kwargs)
        except Exception as exc:  # the section boundary, for the fragment's own reruns
            _report_unexpected(exc, f"section {section.__qualname__}")

    return st.fragment(guarded)


def _report_unexpected(exc: Exception, where: str) -> None:
    log.exception("%s failed", where)
    st.error(
        "Something went wrong while drawing this page "
        f"({type(exc).__name__}). Change the last input or reload the page; "
        "the other lessons are unaffected.",
        icon=":material/error:",
    )

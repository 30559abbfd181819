"""Process-wide settings for serving a class, applied by ``app.py``."""

from __future__ import annotations

import gc

__all__ = ["freeze_loaded_heap"]

_frozen = False


def freeze_loaded_heap() -> None:
    """Once per process, after the first page has run: take every object alive then (NumPy, SciPy,
    Plotly and Streamlit as imported, their validators and templates: some 170,000 objects) out of
    the cyclic garbage collector's sight with ``gc.freeze()``.

    Those objects live as long as the process, yet each full collection walked all of them again:
    about 110 ms, every 75 or so widget changes, some 1 ms per change on a lesson page
    (bench/README.md). Reference counting still frees whatever is dropped; only cycles among the
    frozen objects would outlive their use, and a process that has just loaded its modules has
    none worth collecting.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()

"""lossviz.ui.runtime: what app.py applies once per process."""

import gc
from pathlib import Path

from lossviz.ui import runtime


def test_the_loaded_heap_is_frozen_once_per_process(monkeypatch):
    calls = []
    monkeypatch.setattr(runtime, "_frozen", False)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(1))
    runtime.freeze_loaded_heap()
    runtime.freeze_loaded_heap()
    assert calls == [1]


def test_app_freezes_the_heap_after_the_first_page_has_run():
    # After run_page: the first page's imports (SciPy, Plotly's validators) are loaded by then.
    source = (Path(__file__).resolve().parents[1] / "app.py").read_text(encoding="utf-8")
    assert source.index("run_page(page)") < source.index("freeze_loaded_heap()\n")

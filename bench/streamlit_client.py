"""A minimal Streamlit client that speaks the browser's websocket protocol, for benchmarks.

The browser and a Streamlit server talk over one websocket at ``/_stcore/stream``: the browser sends
``BackMsg`` protobufs, the server answers with a stream of ``ForwardMsg`` protobufs. This module
does the same with the ``websockets`` package (a dependency of Streamlit 1.67 itself, whose server
runs on Starlette/uvicorn), so the benchmarks need nothing beyond the app's own requirements.

The protocol, as read from ``streamlit/web/server/starlette/starlette_websocket.py`` and
``streamlit/runtime/app_session.py`` (Streamlit 1.67):

- Connect with the subprotocol list ``["streamlit"]``. The second and third entries of that header
  would carry an XSRF token and a session id to resume; a client that sends no ``Origin`` header
  needs neither (the XSRF check only guards the auth cookie, which the benchmarks do not use).
- The server sends nothing until the client asks for a run: ``BackMsg.rerun_script`` holding a
  ``ClientState`` with ``query_string`` (the URL's query, without ``?``), ``page_name`` (the URL
  path, e.g. ``"ce-vs-mse"``; ``""`` is the default page), ``page_script_hash`` (empty on the first
  run; afterwards the hash the server reported in ``ForwardMsg.navigation``) and ``widget_states``.
- A run streams ``new_session``, ``navigation``, then one ``delta`` per element, and ends with
  ``script_finished`` (``FINISHED_SUCCESSFULLY``, ``FINISHED_WITH_COMPILE_ERROR``, or
  ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY`` for a fragment; ``FINISHED_EARLY_FOR_RERUN`` means a newer
  rerun request replaced it).
- Widgets appear in the deltas with an ``id`` (``$$ID-<hash>-<key>`` for keyed widgets) and a
  ``query_param_key`` when bound to the URL. Changing one means a new ``rerun_script`` whose
  ``widget_states`` holds the widget's id and new value, encoded as the widget's wire type
  (slider: ``double_array_value``; select_slider, multiselect, pills, segmented control:
  ``string_array_value``; selectbox and radio: ``string_value`` of the formatted option; checkbox
  and toggle: ``bool_value``; number_input: ``double_value`` or ``int_value``). A value sent by the
  client wins over the URL for ``bind="query-params"`` widgets (``SessionState
  ._handle_query_param_binding``). Like the browser, the client resends the state of every widget
  it knows on each rerun; a widget inside an ``st.fragment`` reruns only its fragment.

The module also holds what the three benchmark scripts share: starting and stopping a
``streamlit run`` server on a free loopback port, reading a process's RSS and CPU time, the list of
pages that exist, and percentile/table helpers. Everything talks only to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

__all__ = [
    "REPO_ROOT",
    "PageRef",
    "RunResult",
    "StreamlitServer",
    "StreamlitSession",
    "Widget",
    "existing_pages",
    "format_table",
    "free_port",
    "machine_busy_seconds",
    "machine_note",
    "percentile",
    "process_cpu_seconds",
    "process_rss_bytes",
    "stop_on_sigterm",
    "stop_process",
    "wait_for_health",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
# The yardstick of every serving benchmark: one slider, one line chart, one line of text.
TRIVIAL_APP = REPO_ROOT / "bench" / "trivial_app.py"

# Widget kinds the benchmarks may change. Buttons, file uploaders and text inputs are left alone:
# a simulated student drags sliders and picks options, and a button may start heavy work that a
# real class would not trigger every few seconds.
_CHANGEABLE = frozenset(
    {"slider", "select_slider", "selectbox", "radio", "checkbox", "number_input", "multiselect",
     "button_group"}
)


@dataclasses.dataclass(frozen=True)
class PageRef:
    """One page of the app as the benchmarks address it: URL path, title and file."""

    slug: str
    title: str
    file: str


@dataclasses.dataclass
class Widget:
    """A widget seen in a run: id, user key, kind, the proto the server sent, and its value.

    ``value`` is what the simulated browser holds: taken from the proto when the widget first
    appears or when the server sets it (``set_value``), and from the client's own changes otherwise
    (the server does not echo a value the client chose).
    """

    id: str
    key: str
    kind: str
    proto: Any
    fragment_id: str = ""
    value: Any = None
    path: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.value is None:
            self.value = self.proto_value()

    def proto_value(self) -> Any:
        """The value the proto carries: the server-set value if any, else the default."""
        p = self.proto
        if self.kind == "slider":
            return tuple(p.value) if p.set_value and len(p.value) else tuple(p.default)
        if self.kind == "select_slider":
            indices = p.value if p.set_value and len(p.value) else p.default
            return tuple(p.options[int(i)] for i in indices)
        if self.kind in ("selectbox", "radio"):
            if p.set_value and p.HasField("raw_value"):
                return p.raw_value
            return p.options[p.default] if p.HasField("default") and len(p.options) else ""
        if self.kind == "checkbox":
            return bool(p.value) if p.set_value else bool(p.default)
        if self.kind == "number_input":
            value = p.value if p.set_value else p.default
            return int(value) if p.data_type == NumberInput.INT else float(value)
        if self.kind == "multiselect":
            if p.set_value:
                return tuple(p.raw_values)
            return tuple(p.options[int(i)] for i in p.default)
        if self.kind == "button_group":
            if p.set_value:
                return tuple(p.raw_values)
            return tuple(p.options[int(i)].content for i in p.default)
        raise ValueError(f"widget kind must be one of {sorted(_CHANGEABLE)}; got {self.kind!r}")

    def state(self) -> WidgetState:
        """``value`` in the widget's wire encoding."""
        state = WidgetState(id=self.id)
        value = self.value
        if self.kind == "slider":
            state.double_array_value.data.extend(float(v) for v in value)
        elif self.kind in ("select_slider", "multiselect", "button_group"):
            state.string_array_value.data.extend(str(v) for v in value)
        elif self.kind in ("selectbox", "radio"):
            state.string_value = str(value)
        elif self.kind == "checkbox":
            state.bool_value = bool(value)
        elif self.kind == "number_input":
            if self.proto.data_type == NumberInput.INT:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        return state

    def random_value(self, rng: np.random.Generator) -> Any | None:
        """A value other than the current one, chosen at random; None when there is none."""
        others = [v for v in self._candidates() if v != self.value]
        return others[int(rng.integers(len(others)))] if others else None

    def _candidates(self) -> list[Any]:
        p = self.proto
        current = self.value
        if self.kind == "slider":
            grid = _slider_grid(p)
            if len(current) == 2:
                # Range slider: move one end to another grid point, keeping lo <= hi.
                lo, hi = current
                return [(v, hi) for v in grid if v <= hi] + [(lo, v) for v in grid if v >= lo]
            return [(v,) for v in grid]
        if self.kind == "select_slider":
            options = list(p.options)
            if len(current) == 2:
                lo, hi = (options.index(v) for v in current)
                return ([(options[i], options[hi]) for i in range(hi + 1)]
                        + [(options[lo], options[i]) for i in range(lo, len(options))])
            return [(option,) for option in options]
        if self.kind in ("selectbox", "radio"):
            return list(p.options)
        if self.kind == "checkbox":
            return [True, False]
        if self.kind == "number_input":
            step = p.step or (1 if p.data_type == NumberInput.INT else 0.01)
            return [v for v in (current - step, current + step)
                    if (not p.has_min or v >= p.min) and (not p.has_max or v <= p.max)]
        if self.kind == "multiselect":
            limit = p.max_selections or len(p.options)
            toggled = []
            for option in p.options:
                chosen = tuple(o for o in current if o != option) if option in current else (*current, option)
                if 0 < len(chosen) <= limit:
                    toggled.append(chosen)
            return toggled
        if self.kind == "button_group":
            contents = [option.content for option in p.options]
            if p.click_mode == type(p).MULTI_SELECT:
                return [tuple(o for o in current if o != c) if c in current else (*current, c)
                        for c in contents]
            return [(c,) for c in contents]
        return []


@dataclasses.dataclass
class _CachedMessage:
    raw: bytes
    last_run: int
    fragment_id: str


@dataclasses.dataclass
class RunResult:
    """What one script run sent back and how long it took."""

    latency_s: float
    status: str
    messages: int
    bytes: int
    exceptions: list[str]
    elements: dict[str, int]

    @property
    def ok(self) -> bool:
        """True when the run finished normally and showed no exception."""
        return self.status in ("finished", "fragment_finished") and not self.exceptions


class StreamlitSession:
    """One simulated browser tab: a websocket session on one page of a running app.

    Parameters
    ----------
    base_url : str
        ``http://127.0.0.1:PORT`` of the server (or of a proxy in front of it).
    slug : str
        The page's URL path, ``""`` for the default page.
    query_string : str
        The deep link's query, without ``?`` (e.g. ``"zmax=12&y=1"``).
    run_timeout : float
        Seconds a run may take before :meth:`run` raises ``TimeoutError``.
    cookies : str
        A ``Cookie`` header to send with the websocket handshake (a sticky-session cookie set by a
        proxy, for example); empty for none.
    """

    def __init__(self, base_url: str, slug: str = "", query_string: str = "", *,
                 run_timeout: float = 60.0, cookies: str = "") -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "ws") or parsed.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError(f"base_url must be http://127.0.0.1:PORT; got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.slug = slug
        self.query_string = query_string
        self.run_timeout = run_timeout
        self.cookies = cookies
        self.page_script_hash = ""
        self.widgets: dict[str, Widget] = {}
        self._ws: Any = None
        # The browser's ForwardMsg cache (frontend ForwardMessageCache): large element messages it
        # holds, which each rerun request lists so that the server sends a reference instead.
        self._message_cache: dict[str, _CachedMessage] = {}
        self._script_runs = 0
        self._max_message_age = 2

    async def connect(self) -> None:
        """Open the websocket (no run yet: the server waits for the first rerun request)."""
        ws_url = f"ws://{urllib.parse.urlsplit(self.base_url).netloc}/_stcore/stream"
        headers = {"Cookie": self.cookies} if self.cookies else None
        # max_size=None: a run with several Plotly figures easily exceeds the 1 MiB default frame.
        self._ws = await connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                 additional_headers=headers, open_timeout=self.run_timeout,
                                 ping_interval=None)

    async def close(self) -> None:
        """Close the websocket; the server then drops the session."""
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def run(self, changes: dict[str, Any] | None = None) -> RunResult:
        """Request a rerun with ``changes`` (widget id -> new value) applied; read until it ends.

        Like the browser, the request carries the value of every widget the session knows, not
        only the changed ones. A change to a widget inside an ``st.fragment`` reruns the fragment.
        """
        if self._ws is None:
            raise RuntimeError("run() needs an open session: call connect() first")
        changes = changes or {}
        unknown = sorted(set(changes) - set(self.widgets))
        if unknown:
            raise ValueError(f"changes must name widgets of the last run; got unknown ids {unknown}")
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query_string
        state.page_name = self.slug
        state.page_script_hash = self.page_script_hash
        state.context_info.url = f"{self.base_url}/{self.slug}" + (
            f"?{self.query_string}" if self.query_string else "")
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        for widget_id, value in changes.items():
            self.widgets[widget_id].value = value
        fragments = {self.widgets[widget_id].fragment_id for widget_id in changes}
        if len(fragments) == 1 and "" not in fragments:
            state.fragment_id = fragments.pop()
        state.widget_states.widgets.extend(w.state() for w in self.widgets.values())
        state.cached_message_hashes.extend(self._message_cache)

        started = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        return await asyncio.wait_for(self._read_run(started, fragment_id=state.fragment_id),
                                      self.run_timeout)

    def changeable_widgets(self) -> list[Widget]:
        """Widgets of the last run that a simulated student may change (enabled, with options)."""
        return [w for w in self.widgets.values() if not getattr(w.proto, "disabled", False)]

    async def change_random_widget(self, rng: np.random.Generator) -> tuple[Widget | None, RunResult]:
        """Change one randomly chosen widget to another random value and rerun.

        With no changeable widget on the page this is a plain rerun, and the widget returned is None.
        """
        widgets = self.changeable_widgets()
        for index in (rng.permutation(len(widgets)) if widgets else ()):
            widget = widgets[int(index)]
            value = widget.random_value(rng)
            if value is not None:
                return widget, await self.run({widget.id: value})
        return None, await self.run()

    async def _read_run(self, started: float, *, fragment_id: str) -> RunResult:
        messages = 0
        size = 0
        exceptions: list[str] = []
        elements: dict[str, int] = {}
        seen: dict[str, Widget] = {}
        paths: list[tuple[int, ...]] = []
        while True:
            raw = await self._ws.recv()
            messages += 1
            size += len(raw)
            msg = self._resolve(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta":
                paths.append(tuple(msg.metadata.delta_path))
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                element_kind = element.WhichOneof("type")
                elements[element_kind] = elements.get(element_kind, 0) + 1
                if element_kind == "exception":
                    exceptions.append(f"{element.exception.type}: {element.exception.message}")
                widget = self._widget_from_element(element_kind, element, msg.delta.fragment_id,
                                                   tuple(msg.metadata.delta_path))
                if widget is not None:
                    seen[widget.id] = widget
            elif kind == "navigation":
                self.page_script_hash = msg.navigation.page_script_hash
            elif kind == "new_session":
                self._max_message_age = msg.new_session.config.max_cached_message_age
            elif kind == "session_event" and msg.session_event.HasField(
                    "script_compilation_exception"):
                exc = msg.session_event.script_compilation_exception
                exceptions.append(f"{exc.type}: {exc.message}")
            elif kind == "page_not_found":
                exceptions.append(f"page not found: {msg.page_not_found.page_name!r}")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                latency = time.perf_counter() - started
                self._age_message_cache(fragment_id)
                if fragment_id:
                    # As in the browser, a widget that was inside the rerun fragment (under the
                    # delta path its elements share) and was not drawn this time is gone, with
                    # any fragment nested there: a section that is no longer shown takes them.
                    root = _common_prefix(paths)
                    if root:
                        self.widgets = {wid: w for wid, w in self.widgets.items()
                                        if w.path[:len(root)] != root or wid in seen}
                    self.widgets.update(seen)
                else:
                    # Widgets that did not render in a full run are gone, as in the browser.
                    self.widgets = seen
                names = {
                    ForwardMsg.FINISHED_SUCCESSFULLY: "finished",
                    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment_finished",
                    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile_error",
                }
                return RunResult(latency, names.get(status, f"status_{status}"), messages, size,
                                 exceptions, elements)

    def _resolve(self, raw: bytes) -> ForwardMsg:
        """Parse one message; cache it, or replace a reference by the cached message, as the browser does.

        Streamlit's frontend keeps every message the server marks ``cacheable`` (an element of
        ``global.minCachedMessageSize`` bytes or more) and lists their hashes in each rerun request;
        the server then sends an element it would send again unchanged as a ``ref_hash`` message.
        """
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "ref_hash":
            cached = self._message_cache.get(msg.ref_hash)
            if cached is None:
                raise RuntimeError(f"the server referred to a message this session never cached: {msg.ref_hash}")
            cached.last_run = self._script_runs
            resolved = ForwardMsg()
            resolved.ParseFromString(cached.raw)
            resolved.metadata.CopyFrom(msg.metadata)
            return resolved
        if msg.metadata.cacheable and msg.hash:
            cached = self._message_cache.get(msg.hash)
            if cached is None:
                fragment = msg.delta.fragment_id if msg.WhichOneof("type") == "delta" else ""
                self._message_cache[msg.hash] = _CachedMessage(raw, self._script_runs, fragment)
            else:
                cached.last_run = self._script_runs
        return msg

    def _age_message_cache(self, fragment_id: str) -> None:
        """After a run, drop the messages not used for ``max_cached_message_age`` runs (as the frontend).

        A fragment run ages only the messages that fragment drew; the rest of the page was not
        redrawn, so its messages stay.
        """
        self._script_runs += 1
        for key, cached in list(self._message_cache.items()):
            if fragment_id and cached.fragment_id != fragment_id:
                continue
            if self._script_runs - cached.last_run > self._max_message_age:
                del self._message_cache[key]

    def _widget_from_element(self, kind: str, element: Any, fragment_id: str,
                             path: tuple[int, ...]) -> Widget | None:
        if kind not in _CHANGEABLE:
            return None
        proto = getattr(element, kind)
        if kind == "slider" and proto.type == Slider.SELECT_SLIDER:
            kind = "select_slider"
        elif kind == "slider" and proto.data_type not in (Slider.INT, Slider.FLOAT):
            # Date and time sliders carry microseconds; a student bench has no use for them.
            return None
        key = proto.query_param_key or proto.id.rsplit("-", 1)[-1]
        widget = Widget(proto.id, key, kind, proto, fragment_id, path=path)
        previous = self.widgets.get(proto.id)
        if previous is not None and not proto.set_value:
            # The server did not force a value, so the browser keeps the one it holds.
            widget.value = previous.value
        return widget


class StreamlitServer:
    """``python -m streamlit run APP`` on a free loopback port, stopped on exit.

    Use as a context manager; ``url`` is ``http://127.0.0.1:PORT`` and ``pid`` the server's
    process id. The server's output goes to a temporary log file (see :meth:`log_tail`).
    """

    def __init__(self, app: Path | str = REPO_ROOT / "app.py", *, port: int | None = None,
                 startup_timeout: float = 60.0, extra_args: Sequence[str] = (),
                 cwd: Path | str = REPO_ROOT) -> None:
        self.app = Path(app).resolve()
        # Streamlit reads .streamlit/config.toml from the working folder: serving every app from
        # the repository root gives the yardstick page the same configuration as lossviz.
        self.cwd = Path(cwd)
        if not self.app.is_file():
            raise FileNotFoundError(f"app must be an existing Streamlit script; got {self.app}")
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.extra_args = list(extra_args)
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def pid(self) -> int:
        """The server's process id."""
        if self._process is None:
            raise RuntimeError("the server is not running")
        return self._process.pid

    def __enter__(self) -> Self:
        self._log = tempfile.NamedTemporaryFile(prefix="streamlit-bench-", suffix=".log")
        command = [
            sys.executable, "-m", "streamlit", "run", str(self.app),
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(self.port),
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
            *self.extra_args,
        ]
        self._process = subprocess.Popen(command, cwd=self.cwd, stdout=self._log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        try:
            wait_for_health(self.url, self.startup_timeout, self._process)
        except Exception as exc:
            tail = self.log_tail()
            self.__exit__(None, None, None)
            raise RuntimeError(f"the Streamlit server for {self.app} did not start; its log "
                               f"ends:\n{tail}") from exc
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            stop_process(self._process)
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of the server's output."""
        if self._log is None:
            return ""
        self._log.flush()
        return "\n".join(Path(self._log.name).read_text(errors="replace").splitlines()[-lines:])


def wait_for_health(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``url/_stcore/health`` until it answers 200; raise RuntimeError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Streamlit server exited with code {process.returncode} "
                               "before answering /_stcore/health")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}/_stcore/health did not answer within {timeout:.0f} s")


def stop_process(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the process group that ``process`` leads, then SIGKILL it after ``grace`` s."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(grace)


def stop_on_sigterm() -> None:
    """Turn SIGTERM (``timeout``, ``kill``) into KeyboardInterrupt, so servers are stopped cleanly.

    Python's default SIGTERM action ends the process without running ``finally`` blocks, which
    would leave the benchmark's Streamlit server (in its own process group) running.
    """
    def _raise(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _raise)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_rss_bytes(pid: int) -> int:
    """Resident set size of ``pid`` in bytes (psutil when installed, else /proc/PID/status)."""
    try:
        import psutil
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"/proc/{pid}/status has no VmRSS line") from None
    return int(psutil.Process(pid).memory_info().rss)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by ``pid`` (from /proc/PID/stat)."""
    # Split after the ")" that closes the command name; utime and stime are then fields 11 and 12.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine have spent busy since boot (from /proc/stat).

    The difference of two readings, minus the benchmark's own server and client CPU time, is what
    other processes took meanwhile: on a shared machine, the figure that says whether a
    measurement is trustworthy.
    """
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    # Fields 8 and 9 (guest, guest_nice) are already counted in user and nice.
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def machine_note() -> str:
    """One line on the machine: cores and load average, with a warning when it is already busy."""
    cores = os.cpu_count() or 1
    load = os.getloadavg()
    note = (f"machine: {cores} cores, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
            "(1 / 5 / 15 min)")
    if load[0] > 0.5 * cores:
        note += " -- already busy: other processes will take CPU from the measurement"
    return note


def existing_pages(app_dir: Path | str = REPO_ROOT, *, announce: bool = True) -> list[PageRef]:
    """HOME and every lesson of ``lossviz.lessons`` whose page file exists under ``app_dir``.

    A lesson whose file does not exist yet is skipped, with a printed note when ``announce``.
    """
    app_dir = Path(app_dir).resolve()
    if str(app_dir) not in sys.path:
        sys.path.insert(0, str(app_dir))
    from lossviz.lessons import HOME, LESSONS

    pages = []
    for lesson in (HOME, *LESSONS):
        if (app_dir / lesson.file).is_file():
            pages.append(PageRef(lesson.slug, lesson.title, lesson.file))
        elif announce:
            print(f"note: skipping /{lesson.slug} ({lesson.title}): {lesson.file} does not exist yet")
    return pages


def _common_prefix(paths: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    """The longest delta path that starts every path of ``paths`` (empty without paths)."""
    if not paths:
        return ()
    first, last = min(paths), max(paths)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values``; NaN when there are none."""
    return float(np.percentile(values, q)) if len(values) else float("nan")


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table with right-aligned columns (floats to 3 significant digits, NaN as -)."""
    def cell(value: Any) -> str:
        if isinstance(value, float):
            if math.isnan(value):
                return "-"
            return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
        return str(value)

    text_rows = [[cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in text_rows)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in text_rows]
    return "\n".join(lines)


def _slider_grid(proto: Slider) -> list[float]:
    """Values a numeric slider can take: min, min + step, ..., max (thinned to at most ~400)."""
    if proto.step <= 0:
        return []
    count = round((proto.max - proto.min) / proto.step) + 1
    stride = max(1, count // 400)
    grid = [proto.min + i * proto.step for i in range(0, count, stride)]
    if proto.data_type == Slider.INT:
        return [float(round(v)) for v in grid]
    # Round away binary noise (0.1 * 3) so that values match the slider's own grid.
    return [float(round(v, 12)) for v in grid]

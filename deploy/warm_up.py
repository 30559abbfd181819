"""Run the home page once on a freshly started lossviz server, as a browser's first visit would.

    python deploy/warm_up.py http://127.0.0.1:8501 [--timeout 60]

Why: a new process's first script run imports NumPy, SciPy, Plotly and the lesson modules, which
takes one to two seconds; running it before any student arrives keeps that wait off the first
student's page (and a readiness check can wait for it: deploy/k8s uses it as the startup probe).
It is no longer needed against Streamlit's one-time "Page not found" dialog: that appeared only
while the lessons sat in a folder named ``pages/`` next to ``app.py``; they live in ``lessons/``.

Uses only what Streamlit itself installs (its protobuf messages and the ``websockets`` package),
so it runs wherever the app runs. Exits 0 when the run finished, 1 (with a message) otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.parse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

__all__ = ["warm_up"]


def warm_up(url: str, timeout: float = 60.0) -> None:
    """Open one session on ``url`` (http://host:port), run the home page to its end, close.

    A server that is still starting is waited for, within the same ``timeout``.

    Raises ``TimeoutError`` when the run does not finish within ``timeout`` seconds and
    ``ValueError`` for a URL that is not http(s)://host:port.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"url must look like http://127.0.0.1:8501; got {url!r}")
    scheme = "wss" if parts.scheme == "https" else "ws"
    request = BackMsg()
    request.rerun_script.page_name = ""
    deadline = time.monotonic() + timeout
    with _connect_when_up(f"{scheme}://{parts.netloc}/_stcore/stream", deadline) as ws:
        ws.send(request.SerializeToString())
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the home page's run on {url} did not finish within {timeout:g} s")
            message = ForwardMsg()
            message.ParseFromString(ws.recv(timeout=remaining))
            if (message.WhichOneof("type") == "script_finished"
                    and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                return


def _connect_when_up(ws_url: str, deadline: float):
    """Connect, retrying while the server is still starting (connection refused)."""
    while True:
        try:
            return connect(ws_url, subprotocols=["streamlit"], max_size=None,
                           open_timeout=max(deadline - time.monotonic(), 1.0))
        except ConnectionRefusedError:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"nothing answered at {ws_url} before the timeout") from None
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8501")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the run")
    args = parser.parse_args()
    try:
        warm_up(args.url, args.timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        print(f"warm_up.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

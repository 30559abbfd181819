"""What the fast paths of ``lossviz.figures._style`` must agree with, for tests/conftest.py.

``wire_spec`` builds the dict ``st.plotly_chart`` sends without Plotly's deep copies, and
``describe_figure`` reads the figure's own dicts instead of Plotly's property objects. The
references here take the slow, obvious road: Plotly's own ``to_dict``, and the figure's title,
axes and traces read through Plotly's properties.
"""

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from lossviz.figures._style import _finite, _num, _plain_text


def reference_wire_json(fig: go.Figure) -> str:
    """Plotly's ``to_dict`` of ``fig`` (a frozen figure's patched ``to_dict`` bypassed), as JSON."""
    return pio.to_json(go.Figure.to_dict(fig), validate=False)


def reference_description(fig: go.Figure, max_traces: int) -> str:
    """``describe_figure``'s text, read through Plotly's property objects."""
    layout = fig.layout
    parts = []
    title = _plain_text(layout.title.text) if layout.title and layout.title.text else ""
    if title:
        parts.append(f"{title}.")
    for axis_name in ("xaxis", "yaxis"):
        axis = layout[axis_name]
        axis_title = _plain_text(axis.title.text) if axis and axis.title and axis.title.text else ""
        if axis_title:
            log_note = " (log scale)" if axis.type == "log" and "log" not in axis_title else ""
            parts.append(f"{axis_name[0]} axis: {axis_title}{log_note}.")
    traces = [trace for trace in fig.data if trace.visible is not False and trace.name]
    for trace in traces[:max_traces]:
        summary = _reference_trace(trace)
        if summary:
            parts.append(summary)
    if len(traces) > max_traces:
        parts.append(f"{len(traces) - max_traces} more series.")
    if fig.frames:
        parts.append(f"Animated over {len(fig.frames)} frames; it starts only when Play is pressed.")
    return " ".join(parts)


def _reference_trace(trace) -> str:
    name = _plain_text(trace.name)
    if trace.type in ("heatmap", "contour", "surface") and trace.z is not None:
        z = _finite(trace.z)
        return f"{name}: values from {_num(z.min())} to {_num(z.max())}." if z.size else ""
    x = _finite(getattr(trace, "x", None))
    y = _finite(getattr(trace, "y", None))
    if y.size == 1 and x.size == 1:
        return f"{name} at x = {_num(x[0])}, y = {_num(y[0])}."
    if y.size == 0:
        return ""
    if trace.type == "bar" and y.size <= 6:
        return f"{name}: bars " + ", ".join(_num(v) for v in y) + "."
    return f"{name}: {y.size} points, y from {_num(np.min(y))} to {_num(np.max(y))}."

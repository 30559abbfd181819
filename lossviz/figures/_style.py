"""The house style every lossviz figure shares: colours, fonts, layout, animation controls, export.

Plotly only (no Streamlit). Colours are the Okabe–Ito palette, which stays distinguishable under
the common colour-vision deficiencies; its four lightest hues (sky blue, orange, yellow, grey) are
darkened, hue kept, until every line and marker reaches WCAG 1.4.11's 3:1 against both paper
colours, the light theme's white and the dark theme's near-black (``PAPERS``; checked by
tests/test_contrast.py). No colour can also reach 4.5:1 text contrast on both papers, so text in a
figure keeps the theme's text colour and never takes a palette colour; lines are
thick and fonts large because the figures are projected in classrooms. Backgrounds and text
colours are left to the renderer's template, so Streamlit's dark theme applies untouched.
"""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import os
import re

import numpy as np

# Plotly imports pandas lazily while it serialises a figure, and elsewhere only peeks into
# sys.modules for it: when the first two sessions of a fresh server build figures at the same
# moment, one saw a half-imported pandas ("partially initialized module 'pandas' has no attribute
# 'Series'") and the page failed. Importing it here, completely, before any figure can be built
# closes that race (Streamlit already depends on pandas).
import pandas  # noqa: F401
import plotly.graph_objects as go
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec

__all__ = [
    "COLORS",
    "DASHES",
    "FONT_SIZE",
    "HOUSE_AXIS",
    "LINE_WIDTH",
    "PAPERS",
    "SEQUENCE",
    "add_animation_controls",
    "animation_controls",
    "contrast_ratio",
    "describe_figure",
    "fast_figure",
    "figure_to_csv",
    "figure_to_html",
    "freeze_figure",
    "house_figure",
    "plain_layout",
    "present_figure",
    "present_wire_spec",
    "round_significant",
    "style_figure",
    "style_layout",
    "thinned_indices",
    "wire_spec",
]

# Okabe & Ito (2008), "Color Universal Design": named by the role they play in every lesson. The
# blue, vermillion, bluish green and reddish purple are the originals; the others are the original
# hue at a lower lightness (original in the comment), light enough for 3:1 on the dark paper too.
COLORS = {
    "ce": "#0072B2",  # blue: cross-entropy
    "mse": "#D55E00",  # vermillion: squared error
    "focal": "#009E73",  # bluish green: focal loss
    "softmax": "#CC79A7",  # reddish purple: softmax / multi-class
    "sigmoid": "#1C95D9",  # sky blue (#56B4E9): sigmoid / binary
    "accent": "#BB8100",  # orange (#E69F00): markers, the learner's point
    "neutral": "#8C8C8C",  # grey (#999999): references, diagonals
    "positive": "#0072B2",
    "negative": "#BB8100",
}
SEQUENCE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#BB8100", "#1C95D9", "#9A900C", "#8C8C8C"]
"""Plotly's colorway: the palette in order, yellow (#F0E442) darkened to olive like the others."""
PAPERS = {"light": "#FFFFFF", "dark": "#171614"}
"""The paper each figure is drawn on: Streamlit's chart theme paints it with the app's background,
``backgroundColor`` of ``[theme.light]`` and ``[theme.dark]`` in .streamlit/config.toml."""
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
FONT_SIZE = 16
LINE_WIDTH = 3
_LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.0, "xanchor": "left"}
"""Legend under the x axis title, so long titles and legends never collide on a phone."""
_LEGEND_MARGIN = 120
PRESENT_FONT_SIZE = 24
"""Smallest chart text in presentation mode: readable from the back of a lecture hall at 1920x1080."""
PRESENT_FONT_SCALE = 1.5
PRESENT_HEIGHT_SCALE = 1.3


def style_figure(
    fig: go.Figure,
    *,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = 420,
    legend: bool = True,
) -> go.Figure:
    """Apply the house layout in place and return the figure.

    Titles on both axes are required by the lessons (a projected plot without axis titles is a
    puzzle); the legend sits above the plot so it never covers a curve.
    """
    fig.update_layout(style_layout(title=title, height=height, legend=legend))
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    fig.update_xaxes(HOUSE_AXIS)
    fig.update_yaxes(HOUSE_AXIS)
    return fig


HOUSE_AXIS = {"title": {"font": {"size": FONT_SIZE}}, "tickfont": {"size": FONT_SIZE - 2}, "zeroline": False}
"""What ``style_figure`` sets on every axis: projector-size title and tick fonts, no zero line."""


def style_layout(*, title: str | None = None, height: int = 420, legend: bool = True) -> dict:
    """The figure-level layout keys ``style_figure`` sets, as a plain dict (``title`` omitted if None)."""
    layout = {
        "font": {"size": FONT_SIZE},
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 70 if title else 30, "b": 60},
        "colorway": list(SEQUENCE),
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        "hoverlabel": {"font": {"size": FONT_SIZE - 2}},
    }
    if title:
        layout["title"] = {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": FONT_SIZE + 2}}
    return layout


def add_animation_controls(
    fig: go.Figure,
    labels: list[str],
    *,
    prefix: str = "Epoch ",
    frame_ms: int = 120,
) -> go.Figure:
    """Add a play/pause button and a slider over ``fig.frames`` (named by ``labels``).

    Playback happens entirely in the browser (Plotly animates between its own frames), so an
    instructor can press play with no server round trips, and the exported HTML plays offline.
    """
    if len(labels) != len(fig.frames):
        raise ValueError(f"labels must have one entry per frame ({len(fig.frames)}); got {len(labels)}")
    fig.update_layout(
        animation_controls(labels, [frame.name for frame in fig.frames], prefix=prefix, frame_ms=frame_ms)
    )
    return fig


def animation_controls(
    labels: list[str],
    frame_names: list[str],
    *,
    prefix: str = "Epoch ",
    frame_ms: int = 120,
    redraw: bool = True,
) -> dict:
    """The layout keys ``updatemenus`` and ``sliders`` of ``add_animation_controls``, as plain dicts.

    One slider step per frame (``labels[i]`` shown, ``frame_names[i]`` animated to). ``redraw``
    False lets plotly.js move scatter and bar traces without redrawing the whole figure.
    """
    if len(labels) != len(frame_names):
        raise ValueError(
            f"labels must have one entry per frame ({len(frame_names)}); got {len(labels)}"
        )
    play = {"frame": {"duration": frame_ms, "redraw": redraw}, "fromcurrent": True, "transition": {"duration": 0}}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate", "transition": {"duration": 0}}
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.12,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"r": 10, "t": 10},
                "showactive": False,
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
                ],
            }
        ],
        "sliders": [
            {
                "active": 0,
                "x": 0.18,
                "y": -0.08,
                "len": 0.82,
                "xanchor": "left",
                "yanchor": "top",
                "currentvalue": {"prefix": prefix, "font": {"size": FONT_SIZE}},
                "pad": {"t": 30},
                "steps": [
                    {
                        "label": label,
                        "method": "animate",
                        "args": [[name], {**pause, "frame": {"duration": 0, "redraw": redraw}}],
                    }
                    for label, name in zip(labels, frame_names)
                ],
            }
        ],
    }


def figure_to_html(fig: go.Figure) -> str:
    """A standalone HTML page of the figure (plotly.js embedded), frames included, no server needed."""
    return fig.to_html(
        include_plotlyjs=True,
        full_html=True,
        auto_play=False,
        config={"displaylogo": False, "responsive": True},
    )


def figure_to_csv(fig: go.Figure) -> str:
    """The data behind the figure as CSV in long format: one row per point of every trace.

    Columns: trace, x, y, z (z filled for heatmaps/contours, flattened row by row). Animated
    figures add a frame column with the frame's name.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["frame", "trace", "x", "y", "z"])
    # Frames are read as plain dicts: fast_figure's unvalidated frames have no trace objects.
    groups = [("", [trace.to_plotly_json() for trace in fig.data])] + [
        (frame.name, frame.to_plotly_json().get("data") or []) for frame in fig.frames
    ]
    for frame_name, traces in groups:
        for index, trace in enumerate(traces):
            name = trace.get("name") or f"trace {index}"
            for row in _trace_rows(trace):
                writer.writerow([frame_name, name, *row])
    return out.getvalue()


def _trace_rows(trace: dict):
    z, x, y = trace.get("z"), trace.get("x"), trace.get("y")
    if z is not None:
        for i, z_row in enumerate(z):
            for j, value in enumerate(z_row if hasattr(z_row, "__len__") else [z_row]):
                x_value = x[j] if x is not None and j < len(x) else j
                y_value = y[i] if y is not None and i < len(y) else i
                yield [x_value, y_value, value]
        return
    if x is None and y is None:
        return
    if x is None:
        x = list(range(len(y)))
    if y is None:
        y = [""] * len(x)
    for x_value, y_value in zip(x, y):
        yield [x_value, y_value, ""]


def thinned_indices(count: int, limit: int) -> np.ndarray:
    """At most ``limit`` evenly spaced indices of ``count`` points, the first and last always kept.

    For a line of many steps: a chart a few hundred pixels wide shows no more points, and every
    point sent costs the server, the network and the browser on each change.
    """
    if limit < 2:
        raise ValueError(f"limit must be at least 2; got {limit}")
    if count <= limit:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(int))


def house_figure(data: list, layout: dict, *, title=None, x_title=None, y_title=None, height: int = 420) -> go.Figure:
    """``style_figure(go.Figure({"data": data, "layout": layout}), ...)`` with the legend moved
    under the plot, built about 10x faster.

    ``styled_figure`` with the legend under the x axis title (``_LEGEND_BELOW``): above the plot,
    as the house style puts it, it wraps over the title on a phone. tests/test_figures_*.py check
    the result against ``style_figure``.
    """
    return styled_figure(
        data,
        layout,
        title=title,
        x_title=x_title,
        y_title=y_title,
        height=height,
        then={"legend": dict(_LEGEND_BELOW), "margin": {"b": _LEGEND_MARGIN}},
    )


def styled_figure(
    data: list,
    layout: dict,
    *,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = 420,
    legend: bool = True,
    then: dict | None = None,
) -> go.Figure:
    """``style_figure(fast_figure(data, layout), ...)`` and then ``update_layout(then)``, from dicts.

    ``style_figure`` goes through Plotly's update machinery (property paths parsed and validated,
    callbacks fired), several milliseconds per figure on every widget change. The house keys
    depend only on the axes and the options, so ``style_figure`` computes them once per axis
    structure (``_house_layout``, cached) and they are merged here the way ``update_layout``
    merges (nested dicts key by key, the later value winning). tests/test_figures_style.py checks
    that both give the same figure.
    """
    axes = {key: value for key, value in layout.items() if key.startswith(("xaxis", "yaxis"))}
    house = json.loads(
        _house_layout(json.dumps(axes, sort_keys=True), bool(title), x_title, y_title, height, legend)
    )
    if title:
        house["title"]["text"] = title
    merged = _merge_layout({key: value for key, value in layout.items() if key not in axes}, house)
    if then:
        merged = _merge_layout(merged, then)
    return fast_figure(data, merged)


def _merge_layout(base: dict, update: dict) -> dict:
    """``base`` updated by ``update`` as ``update_layout`` does: nested dicts merged key by key."""
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_layout(merged[key], value)
        else:
            merged[key] = value
    return merged


@functools.lru_cache(maxsize=128)
def _house_layout(axes_json: str, titled: bool, x_title, y_title, height: int, legend: bool = True) -> str:
    """The layout ``style_figure`` produces for these axes (JSON, without the template), with a
    placeholder title."""
    skeleton = go.Figure({"layout": json.loads(axes_json)})
    styled = style_figure(skeleton, title="title" if titled else None, x_title=x_title, y_title=y_title,
                          height=height, legend=legend)
    layout = styled.layout.to_plotly_json()
    layout.pop("template", None)
    return json.dumps(layout)


def plain_layout(
    *,
    title,
    x_title,
    y_title,
    height: int = 420,
    legend: bool = True,
    legend_rows: int = 0,
    **overrides,
) -> dict:
    """``style_figure``'s layout as a plain dict, axis titles filled in, ``overrides`` merged.

    The legend sits at the bottom of the figure (container coordinates), under the x-axis title:
    Plotly grows the bottom margin for it however many rows it wraps onto (a phone wraps a lot),
    whereas a legend above the plot would cover the title. ``legend_rows`` adds that many rows'
    height to the figure so the plot area keeps its size on a desktop.
    """
    layout = json.loads(_plain_base_layout(int(height), title is not None, bool(legend)))
    if title is not None:
        layout["title"]["text"] = title
    layout["xaxis"]["title"]["text"] = x_title
    layout["yaxis"]["title"]["text"] = y_title
    layout["legend"] = {
        **layout.get("legend", {}),
        "orientation": "h",
        "yref": "container",
        "y": 0.0,
        "yanchor": "bottom",
        "x": 0.0,
        "xanchor": "left",
    }
    layout["height"] += 26 * max(legend_rows, 1)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key].update(copy.deepcopy(value))
        else:
            layout[key] = value
    return layout


VALIDATE_ENV = "LOSSVIZ_VALIDATE_FIGURES"
"""Set (to anything non-empty) to make ``fast_figure`` validate; tests/conftest.py sets it."""


def fast_figure(data: list, layout: dict, frames: list | None = None) -> go.Figure:
    """``go.Figure`` from plain dicts, without Plotly's per-property validation at run time.

    Validation (``go.Figure(spec)``) walks every property and costs 5–20 ms per lesson figure,
    ten times what building and sending it otherwise costs, on every widget change of every
    student. The dicts are fixed by the code, not by the learner, so they are checked where it
    costs nothing at run time: with ``LOSSVIZ_VALIDATE_FIGURES`` set, as the test suite sets it,
    every figure any test or page run builds is validated and an invalid property raises.
    """
    validate = bool(os.environ.get(VALIDATE_ENV))
    if validate or not frames:
        spec = {"data": data, "layout": layout}
        if frames is not None:
            spec["frames"] = frames
        return go.Figure(spec, _validate=validate)
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    # go.Figure validates frames whatever _validate says (plotly's frames validator copies every
    # go.Frame with validation on): ~100 ms for a 50-frame training animation, 8x the rest of
    # the figure. The unvalidated frames are the same objects the validator would store;
    # tests/test_figures_style.py checks that both paths give the same figure.
    fig._frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)
    return fig


_FROZEN_MEMO = "_lossviz_derived"


def freeze_figure(fig: go.Figure) -> go.Figure:
    """Mark ``fig`` finished and shared read-only: its plain-dict form is computed once, now.

    ``st.plotly_chart`` turns a figure into a dict (``to_dict``) on every run that draws it, paid
    again for a figure that a cache (``st.cache_resource``) hands back unchanged. A frozen figure
    answers ``to_dict`` with the dict made here (``wire_spec``, the same dict). Neither the figure
    nor that dict may be changed afterwards: ``st.plotly_chart``, ``figure_to_html``,
    ``figure_to_csv``, ``describe_figure`` and ``present_figure`` only read them.
    """
    # What is derived from a frozen figure is as fixed as the figure: its dict, its text
    # alternative and its presentation copy are made once and shared like the figure itself.
    setattr(fig, _FROZEN_MEMO, {})
    spec = wire_spec(fig)

    def frozen_dict() -> dict:
        return spec

    fig.to_dict = frozen_dict
    return fig


def wire_spec(fig: go.Figure) -> dict:
    """``fig.to_dict()``, the dict ``st.plotly_chart`` serialises, built without its deep copies.

    Plotly's ``to_dict`` deep-copies every trace, the layout and the template (some 400 nested
    dicts and lists, most of them the template's) and then base64-encodes the NumPy arrays in
    place: about 1 ms per figure, on every run that draws it. The same dict is built here by
    copying the containers that hold data (so the figure is left as it was), encoding each array
    with Plotly's own ``to_typed_array_spec``, and handing out the template, which holds no array,
    as it is. The result is shared with the figure: read it, never change it. Made once for a
    frozen figure (``freeze_figure``). tests/conftest.py checks it against ``to_dict`` for every
    figure the tests draw in-process.
    """
    return _derived(fig, "wire", lambda: _wire_spec(fig))


def _wire_spec(fig: go.Figure) -> dict:
    return _wire_parts(fig._data, fig._layout, [frame._props for frame in fig._frame_objs])


def _wire_parts(data: list, layout: dict, frames: list) -> dict:
    """The figure dict of these traces, layout and frames, arrays encoded, containers copied."""
    # The template is Plotly's (Streamlit's, once it is imported) and holds no array.
    spec = {
        "data": [_wire(trace) for trace in data],
        "layout": {key: value if key == "template" else _wire_item(key, value) for key, value in layout.items()},
    }
    if frames:
        spec["frames"] = [_wire(frame) for frame in frames]
    return spec


def _wire(node):
    """``node`` with its arrays base64-encoded as ``convert_to_base64`` does, containers copied."""
    if isinstance(node, dict):
        return {name: _wire_item(name, value) for name, value in node.items()}
    if isinstance(node, (list, tuple)):
        # As in convert_to_base64, an array is encoded only as a dict's value, so a list that
        # holds no container (a line's points, say) is handed out as it is, not walked.
        if not any(issubclass(kind, _CONTAINERS) for kind in set(map(type, node))):
            return node
        return type(node)(_wire(value) for value in node)
    return node


def _wire_item(name: str, value):
    if is_skipped_key(name):
        return value
    return to_typed_array_spec(value) if is_homogeneous_array(value) else _wire(value)


_CONTAINERS = (dict, list, tuple)


def _derived(fig: go.Figure, key, build):
    """``build()``, made once per frozen figure (``freeze_figure``) and every time for any other.

    Two sessions asking at once may both build it; both results are equal, and one is kept.
    """
    memo = getattr(fig, _FROZEN_MEMO, None)
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    return memo[key]


def present_figure(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` for projection: every text at least ``PRESENT_FONT_SIZE`` px, taller plot.

    Every explicit font size anywhere in the figure (layout, axes, legend, annotations,
    animation controls, colour bars, trace text; frames included) is scaled by
    ``PRESENT_FONT_SCALE`` and raised to at least ``PRESENT_FONT_SIZE``; the base font, which the
    others inherit, likewise. Axis margins grow with their labels (``automargin``) and the height
    by ``PRESENT_HEIGHT_SCALE``, so the larger text never crowds the plot. One function for every
    figure, so no lesson needs a presentation variant of its figures. Log axes label decades only
    (their in-between 2 and 5 would be drawn at 3/4 of the tick size). The input is not changed.

    The copy of a frozen figure is made once and is frozen itself, so a projected lesson redraws
    a cached figure without enlarging and copying it again on every rerun.
    """
    return _derived(fig, "present", lambda: _presented(fig))


def present_wire_spec(fig: go.Figure) -> dict:
    """``wire_spec(present_figure(fig))``, the dict a chart sends in presentation mode, without
    building the presentation copy as a Plotly figure (which deep-copies every trace and the
    template again). Made once for a frozen figure. tests/conftest.py checks that both agree.
    """
    return _derived(fig, "present_wire", lambda: _present_wire_spec(fig))


def _present_wire_spec(fig: go.Figure) -> dict:
    data, layout, frames = _present_spec(fig)
    spec = {"data": data, "layout": layout}
    if frames:
        spec["frames"] = frames
    return spec


def _presented(fig: go.Figure) -> go.Figure:
    data, layout, frames = _present_spec(fig)
    presented = fast_figure(data, layout, frames or None)
    # The dicts are already Plotly's own output (to_dict of the figure, fonts enlarged), so the
    # copy hands them out as its dict instead of rebuilding them from its trace objects.
    spec = {"data": data, "layout": layout}
    if frames:
        spec["frames"] = frames
    presented.to_dict = lambda: spec
    if hasattr(fig, _FROZEN_MEMO):
        setattr(presented, _FROZEN_MEMO, {})
    return presented


def _present_spec(fig: go.Figure) -> tuple[list, dict, list]:
    """The figure's data, layout and frames as dicts (its ``to_dict``), fonts enlarged, for
    ``present_figure``."""
    # A fresh wire dict (every dict in it a copy) enlarged in place; the template, the same for
    # every figure, is left out of it and enlarged once.
    without_template = {key: value for key, value in fig._layout.items() if key != "template"}
    wired = _wire_parts(fig._data, without_template, [frame._props for frame in fig._frame_objs])
    data = [_enlarge_fonts(trace) for trace in wired["data"]]
    layout = _enlarge_fonts(wired["layout"])
    frames = [_enlarge_fonts(frame) for frame in wired.get("frames", [])]
    if "template" in fig._layout:
        layout["template"] = _present_template(fig._layout["template"])
        layout = {key: layout[key] for key in fig._layout}
    # Fonts the figure leaves to the template (Streamlit's sets 12 px legends and colour bars)
    # get an explicit size, so no text falls back below the minimum.
    floor = _present_size(FONT_SIZE)
    for font in _implicit_fonts(layout, data):
        font.setdefault("size", floor)
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis["automargin"] = True
            if axis.get("type") == "log" and "dtick" not in axis:
                axis["dtick"] = 1  # decades only: Plotly draws the 2 and 5 between them at 3/4 size
    if isinstance(layout.get("height"), (int, float)):
        layout["height"] = int(round(layout["height"] * PRESENT_HEIGHT_SCALE))
    return data, layout, frames


_PRESENT_TEMPLATES: dict[str, dict] = {}


def _present_template(template: dict) -> dict:
    """``template`` with its fonts enlarged: made once per distinct template and then shared (read only)."""
    key = json.dumps(template, sort_keys=True, default=str)
    if key not in _PRESENT_TEMPLATES:
        _PRESENT_TEMPLATES[key] = _enlarge_fonts(copy.deepcopy(template))
    return _PRESENT_TEMPLATES[key]


def _implicit_fonts(layout: dict, data: list):
    """The font dicts (created when missing) that Plotly would otherwise take from the template."""
    yield layout.setdefault("font", {})
    yield layout.setdefault("legend", {}).setdefault("font", {})
    yield layout.setdefault("hoverlabel", {}).setdefault("font", {})
    if isinstance(layout.get("title"), dict):
        yield layout["title"].setdefault("font", {})
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            yield axis.setdefault("tickfont", {})
            title = axis.setdefault("title", {})
            if isinstance(title, dict):
                yield title.setdefault("font", {})
        if key.startswith("coloraxis") and isinstance(axis, dict):
            yield from _colorbar_fonts(axis.setdefault("colorbar", {}))
    for annotation in layout.get("annotations", []) or []:
        if isinstance(annotation, dict):
            yield annotation.setdefault("font", {})
    for menu in (layout.get("updatemenus") or []) + (layout.get("sliders") or []):
        if isinstance(menu, dict):
            yield menu.setdefault("font", {})
    for slider in layout.get("sliders") or []:
        if isinstance(slider, dict):
            yield slider.setdefault("currentvalue", {}).setdefault("font", {})
    for trace in data:
        if "colorbar" in trace or trace.get("showscale") or trace.get("type") in ("heatmap", "contour"):
            yield from _colorbar_fonts(trace.setdefault("colorbar", {}))
        if trace.get("text") is not None or trace.get("texttemplate") is not None:
            yield trace.setdefault("textfont", {})


def _colorbar_fonts(colorbar: dict):
    yield colorbar.setdefault("tickfont", {})
    title = colorbar.setdefault("title", {})
    if isinstance(title, dict):
        yield title.setdefault("font", {})


def _present_size(size):
    if isinstance(size, (list, tuple)):
        return [_present_size(item) for item in size]
    if isinstance(size, np.ndarray):
        return np.maximum(np.asarray(size, dtype=float) * PRESENT_FONT_SCALE, PRESENT_FONT_SIZE)
    if isinstance(size, (int, float)) and not isinstance(size, bool):
        return max(round(size * PRESENT_FONT_SCALE), PRESENT_FONT_SIZE)
    return size


def _enlarge_fonts(node):
    """Scale, in place, the ``size`` of every font dict (keys ending in "font") under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                value["size"] = _present_size(value["size"])
            _enlarge_fonts(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _enlarge_fonts(item)
    return node


def round_significant(values, digits: int = 4):
    """Round to ``digits`` significant digits, as float32 (half the JSON of float64); NaN stays NaN."""
    x = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(x)))
    magnitude = np.where(np.isfinite(magnitude), magnitude, 0.0)
    factor = 10.0 ** (digits - 1 - magnitude)
    with np.errstate(invalid="ignore", over="ignore"):
        rounded = np.round(x * factor) / factor
    return np.where(np.isfinite(rounded), rounded, x).astype(np.float32)


def contrast_ratio(color_a: str, color_b: str) -> float:
    """WCAG 2.1 contrast ratio (1 to 21) of two ``#RRGGBB`` colours, in either order.

    (L1 + 0.05) / (L2 + 0.05) with L the relative luminance of the sRGB colour (WCAG 2.1,
    "relative luminance": linearise each channel, weigh 0.2126 R + 0.7152 G + 0.0722 B). Text needs
    4.5:1 against its background (1.4.3), lines, markers and control states 3:1 (1.4.11).
    """
    lighter, darker = sorted((_relative_luminance(color_a), _relative_luminance(color_b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _relative_luminance(color: str) -> float:
    match = re.fullmatch(r"#([0-9A-Fa-f]{6})", color.strip())
    if match is None:
        raise ValueError(f"color must be '#RRGGBB'; got {color!r}")
    channels = [int(match.group(1)[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def describe_figure(fig: go.Figure, *, max_traces: int = 6) -> str:
    """A plain-text summary of a figure for screen readers: title, axes, and what each trace shows.

    Pages give the sentence with the lesson's key numbers (``lossviz.ui.chart(alt=...)``); this
    adds what can be read off any figure, so that every chart has a text alternative that changes
    with its data: the title, each axis title with its range, and per trace its name with its one
    point (a marker such as "your point"), the range of its values (a curve, bars), or the range of
    its cell values (a heat map). Plotly's HTML tags in titles (``<br>``, ``<sub>``) are dropped.
    A frozen figure's summary is made once (``freeze_figure``).
    """
    return _derived(fig, ("describe", max_traces), lambda: _describe(fig, max_traces))


def _describe(fig: go.Figure, max_traces: int) -> str:
    # Read from the figure's own dicts (what ``to_dict`` copies), not through Plotly's property
    # objects, which build a validator-backed object for every title and axis they are asked for.
    layout = fig._layout
    parts = []
    title = _text_of(layout.get("title"))
    if title:
        parts.append(f"{title}.")
    for axis_name in ("xaxis", "yaxis"):
        axis = layout.get(axis_name)
        if not isinstance(axis, dict):
            continue
        axis_title = _text_of(axis.get("title"))
        if axis_title:
            log_note = " (log scale)" if axis.get("type") == "log" and "log" not in axis_title else ""
            parts.append(f"{axis_name[0]} axis: {axis_title}{log_note}.")
    # Unnamed traces are helpers (a fill, an outline) that a legend does not show either.
    traces = [trace for trace in fig._data if trace.get("visible") is not False and trace.get("name")]
    for trace in traces[:max_traces]:
        summary = _describe_trace(trace)
        if summary:
            parts.append(summary)
    if len(traces) > max_traces:
        parts.append(f"{len(traces) - max_traces} more series.")
    if fig._frame_objs:
        parts.append(f"Animated over {len(fig._frame_objs)} frames; it starts only when Play is pressed.")
    return " ".join(parts)


def _text_of(title) -> str:
    """A title's text (a ``{"text": ...}`` dict, as Plotly stores it) as plain text; "" for none."""
    text = title.get("text") if isinstance(title, dict) else None
    return _plain_text(text) if text else ""


def _describe_trace(trace: dict) -> str:
    name = _plain_text(trace["name"])
    if trace.get("type") in ("heatmap", "contour", "surface") and trace.get("z") is not None:
        z = _finite(trace["z"])
        return f"{name}: values from {_num(z.min())} to {_num(z.max())}." if z.size else ""
    x = _finite(trace.get("x"))
    y = _finite(trace.get("y"))
    if y.size == 1 and x.size == 1:
        return f"{name} at x = {_num(x[0])}, y = {_num(y[0])}."
    if y.size == 0:
        return ""
    if trace.get("type") == "bar" and y.size <= 6:
        return f"{name}: bars " + ", ".join(_num(v) for v in y) + "."
    return f"{name}: {y.size} points, y from {_num(y.min())} to {_num(y.max())}."


def _finite(values) -> np.ndarray:
    if values is None:
        return np.empty(0)
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):  # categories (strings) on this axis
        return np.empty(0)
    return array[np.isfinite(array)]


def _num(value: float) -> str:
    return f"{value:.3g}".replace("-", "−")


def _plain_text(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(text))).strip()


@functools.lru_cache(maxsize=16)
def _plain_base_layout(height: int, has_title: bool, legend: bool) -> str:
    fig = style_figure(
        go.Figure(),
        title="t" if has_title else None,
        x_title="x",
        y_title="y",
        height=height,
        legend=legend,
    )
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)
    return json.dumps(layout)

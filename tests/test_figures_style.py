"""Tests for the house figure style, animation controls and the HTML/CSV exports."""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from lossviz.figures import add_animation_controls, figure_to_csv, figure_to_html, style_figure
from lossviz.figures._style import (
    HOUSE_AXIS,
    VALIDATE_ENV,
    animation_controls,
    describe_figure,
    fast_figure,
    freeze_figure,
    present_figure,
    style_layout,
    styled_figure,
    thinned_indices,
)


def animated_figure(n_frames=3):
    frames = [go.Frame(data=[go.Scatter(x=[0, 1], y=[i, i + 1], name="line")], name=f"f{i}") for i in range(n_frames)]
    fig = go.Figure(data=frames[0].data, frames=frames)
    return add_animation_controls(fig, [str(i) for i in range(n_frames)])


def test_style_sets_titles_and_projector_fonts():
    fig = style_figure(go.Figure(go.Scatter(x=[0, 1], y=[1, 2])), title="T", x_title="p", y_title="loss")
    assert fig.layout.xaxis.title.text == "p" and fig.layout.yaxis.title.text == "loss"
    assert fig.layout.font.size >= 16, "projected figures need large fonts"
    assert fig.layout.paper_bgcolor is None and fig.layout.plot_bgcolor is None, "dark theme must apply"


def test_animation_controls_have_play_button_and_one_step_per_frame():
    fig = animated_figure(4)
    buttons = fig.layout.updatemenus[0].buttons
    assert buttons[0].method == "animate" and "Play" in buttons[0].label
    assert [step.args[0][0] for step in fig.layout.sliders[0].steps] == ["f0", "f1", "f2", "f3"]


def test_animation_labels_must_match_frames():
    fig = go.Figure(frames=[go.Frame(name="a")])
    with pytest.raises(ValueError, match=r"labels must have one entry per frame \(1\); got 2"):
        add_animation_controls(fig, ["a", "b"])


def test_html_export_is_standalone_and_carries_the_frames():
    html = figure_to_html(animated_figure(3))
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"<script[^>]*\bsrc=", html), "no external script: the file must work offline"
    assert len(html) > 1_000_000, "plotly.js itself must be embedded"
    assert "Plotly.addFrames" in html
    for name in ("f0", "f1", "f2"):
        assert f'"name":"{name}"' in html, f"frame {name} missing from the export"


def test_csv_export_has_one_row_per_point_and_frame():
    rows = list(csv.reader(io.StringIO(figure_to_csv(animated_figure(2)))))
    assert rows[0] == ["frame", "trace", "x", "y", "z"]
    assert len(rows) == 1 + 2 * 3  # header + 2 points x (base data + 2 frames)
    heat = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]], x=[10, 20], y=[0, 1], name="h"))
    rows = list(csv.reader(io.StringIO(figure_to_csv(heat))))
    assert rows[1:] == [["", "h", "10", "0", "1"], ["", "h", "20", "0", "2"], ["", "h", "10", "1", "3"], ["", "h", "20", "1", "4"]]


def test_describe_figure_names_axes_series_and_the_current_point():
    """The chart's text alternative says what it shows and changes when the learner's point moves."""
    from lossviz.figures import describe_figure

    def figure(p):
        fig = go.Figure([go.Scatter(x=[0.0, 0.5, 1.0], y=[2.0, 0.7, 0.0], name="CE"),
                         go.Scatter(x=[p], y=[-1.0 / p], name="your p")])
        return style_figure(fig, title="Loss <br>vs p", x_title="p", y_title="loss")

    text = describe_figure(figure(0.02))
    assert text == "Loss vs p. x axis: p. y axis: loss. CE: 3 points, y from 0 to 2. your p at x = 0.02, y = −50."
    assert describe_figure(figure(0.5)) != text


def test_describe_figure_heatmap_and_animation():
    """A heat map gives its value range; an animated figure says it waits for Play."""
    from lossviz.figures import describe_figure

    heat = go.Figure(go.Heatmap(z=[[0.1, 0.9], [float("nan"), 0.4]], name="loss per pixel"))
    assert describe_figure(heat) == "loss per pixel: values from 0.1 to 0.9."
    assert describe_figure(animated_figure(3)).endswith("Animated over 3 frames; it starts only when Play is pressed.")


def _font_sizes(node, path=""):
    """(path, size) of every explicit font size in a figure's JSON."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                yield f"{path}.{key}", value["size"]
            yield from _font_sizes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _font_sizes(item, f"{path}[{index}]")


def test_present_figure_puts_every_text_at_24_px_or_more():
    from lossviz.figures._style import PRESENT_FONT_SIZE, present_figure

    fig = animated_figure(2)
    fig = style_figure(fig, title="T", x_title="p", y_title="loss", height=400)
    fig.add_annotation(text="note", x=0.5, y=1, font={"size": 11})
    fig.add_trace(go.Heatmap(z=[[1, 2], [3, 4]], xaxis="x2", yaxis="y2"))
    fig.update_layout(xaxis2={"type": "log"})
    presented = present_figure(fig).to_plotly_json()
    sizes = dict(_font_sizes(presented))
    assert sizes, "present_figure must give the figure explicit font sizes"
    small = {path: size for path, size in sizes.items() if size < PRESENT_FONT_SIZE}
    assert not small, f"texts below {PRESENT_FONT_SIZE} px in presentation mode: {small}"
    layout = presented["layout"]
    # Fonts left to the template (legend, colour bar) are set explicitly, not inherited at 12 px.
    assert layout["legend"]["font"]["size"] >= PRESENT_FONT_SIZE
    assert presented["data"][-1]["colorbar"]["tickfont"]["size"] >= PRESENT_FONT_SIZE
    assert layout["annotations"][0]["font"]["size"] == PRESENT_FONT_SIZE, "11 px is raised to the floor"
    assert layout["xaxis"]["tickfont"]["size"] > fig.layout.xaxis.tickfont.size, "sizes scale, not only floor"
    assert layout["height"] > 400 and layout["xaxis"]["automargin"] is True
    assert layout["xaxis2"]["dtick"] == 1, "a log axis labels decades only (no 3/4-size 2 and 5)"
    assert len(presented["frames"]) == 2
    go.Figure(presented)  # every property it sets is valid Plotly


def test_present_figure_leaves_the_original_alone():
    from lossviz.figures._style import present_figure

    fig = style_figure(go.Figure(go.Scatter(x=[0, 1], y=[1, 2])), title="T", x_title="p", y_title="loss")
    before = fig.to_plotly_json()
    present_figure(fig)
    assert fig.to_plotly_json() == before


def _frames_spec(n_frames=4):
    data = [{"type": "scatter", "x": [0.0, 1.0], "y": [0.0, 1.0], "mode": "lines"}]
    frames = [
        {"name": f"f{i}", "data": [{"type": "scatter", "y": [float(i), i + 1.0]}], "traces": [0]}
        for i in range(n_frames)
    ]
    layout = {"height": 300, **animation_controls([str(i) for i in range(n_frames)], [f"f{i}" for i in range(n_frames)])}
    return data, layout, frames


def test_fast_figure_skips_frame_validation_at_run_time_and_builds_the_same_figure(monkeypatch):
    data, layout, frames = _frames_spec()
    validated = fast_figure(data, layout, frames)  # the tests set LOSSVIZ_VALIDATE_FIGURES
    monkeypatch.delenv(VALIDATE_ENV)
    fast = fast_figure(data, layout, frames)
    assert json.loads(fast.to_json()) == json.loads(validated.to_json())
    assert [frame.name for frame in fast.frames] == ["f0", "f1", "f2", "f3"]
    assert fast.frames[2].to_plotly_json()["data"][0]["y"] == [2.0, 3.0]
    # The exports read unvalidated frames too (they have no trace objects).
    assert figure_to_csv(fast) == figure_to_csv(validated)
    assert "f3,trace 0,1,4.0," in figure_to_csv(fast)
    assert figure_to_html(fast).count('"name":"f') == 4


def test_fast_figure_validates_frames_when_asked():
    data, layout, frames = _frames_spec()
    frames[1]["data"][0]["colour"] = "red"
    with pytest.raises(ValueError, match="colour"):
        fast_figure(data, layout, frames)


def test_animation_controls_match_add_animation_controls():
    fig = animated_figure(3)
    controls = animation_controls(["0", "1", "2"], ["f0", "f1", "f2"])
    assert fig.layout.to_plotly_json()["sliders"] == go.Layout(controls).to_plotly_json()["sliders"]
    assert fig.layout.to_plotly_json()["updatemenus"] == go.Layout(controls).to_plotly_json()["updatemenus"]
    still = animation_controls(["0"], ["f0"], redraw=False)
    assert not still["sliders"][0]["steps"][0]["args"][1]["frame"]["redraw"]
    assert not still["updatemenus"][0]["buttons"][0]["args"][1]["frame"]["redraw"]
    with pytest.raises(ValueError, match="labels must have one entry per frame"):
        animation_controls(["0", "1"], ["f0"])


def test_style_figure_sets_the_style_layout_and_house_axes():
    fig = style_figure(go.Figure(go.Scatter(x=[0, 1], y=[1, 2])), title="T", height=333)
    layout = fig.layout.to_plotly_json()
    for key, value in style_layout(title="T", height=333).items():
        assert layout[key] == value, key
    assert layout["xaxis"]["tickfont"] == HOUSE_AXIS["tickfont"] and layout["yaxis"]["zeroline"] is False


def test_frozen_figure_gives_one_dict_that_nothing_downstream_changes():
    data, layout, frames = _frames_spec()
    fig = fast_figure(data, layout, frames)
    expected = fig.to_json()
    frozen = freeze_figure(fig)
    spec = frozen.to_dict()
    assert frozen.to_dict() is spec and frozen.to_plotly_json() is spec
    snapshot = json.dumps(spec, sort_keys=True)
    figure_to_html(frozen)
    figure_to_csv(frozen)
    describe_figure(frozen)
    present_figure(frozen)
    pio.to_json(spec, validate=False)
    assert json.dumps(spec, sort_keys=True) == snapshot
    assert frozen.to_json() == expected


def test_a_frozen_figure_is_described_and_presented_once():
    # Its text alternative and its presentation copy are made on first use and shared; they are
    # what the unfrozen figure gives, and the copy is frozen too.
    data, layout, frames = _frames_spec()
    plain = fast_figure(data, layout, frames)
    frozen = freeze_figure(fast_figure(data, layout, frames))
    presented = present_figure(frozen)
    assert present_figure(frozen) is presented
    assert presented.to_dict() is presented.to_dict(), "the presentation copy is frozen"
    assert json.dumps(presented.to_dict(), sort_keys=True) == json.dumps(present_figure(plain).to_dict(), sort_keys=True)
    assert describe_figure(frozen) == describe_figure(plain)
    assert describe_figure(frozen) is describe_figure(frozen)
    assert describe_figure(frozen, max_traces=1) == describe_figure(plain, max_traces=1)


def test_an_unfrozen_figure_is_described_and_presented_afresh():
    # It may still change, so nothing derived from it is kept.
    data, layout, frames = _frames_spec()
    fig = fast_figure(data, layout, frames)
    first = present_figure(fig)
    assert present_figure(fig) is not first
    before = describe_figure(fig)
    fig.update_layout(title_text="Another title")
    assert describe_figure(fig) != before and "Another title" in describe_figure(fig)


def test_a_presentation_copy_hands_out_what_plotly_would_build_from_its_dicts():
    # present_figure returns its enlarged dicts as the copy's dict, skipping Plotly's rebuild of
    # them: they must be exactly what Plotly builds from the same dicts.
    data, layout, frames = _frames_spec()
    fig = fast_figure(data, layout, frames)
    presented = present_figure(fig).to_dict()
    rebuilt = fast_figure(*_present_spec_parts(fig)).to_dict()
    assert json.dumps(presented, sort_keys=True, default=str) == json.dumps(rebuilt, sort_keys=True, default=str)
    from lossviz.figures._style import PRESENT_FONT_SIZE

    assert presented["frames"] and min(dict(_font_sizes(presented)).values()) >= PRESENT_FONT_SIZE


def _present_spec_parts(fig):
    from lossviz.figures._style import _present_spec

    data, layout, frames = _present_spec(fig)
    return data, layout, frames or None



_LINE = {"type": "scatter", "x": [0.0, 1.0, 2.0], "y": [1e-3, 1e-2, 1.0], "mode": "lines", "name": "a"}
_STYLED_CASES = [
    # (layout, options, then): the axis structures of the lessons' figures styled this way
    ({}, {"title": "T", "x_title": "x", "y_title": "y"}, None),
    ({"xaxis": {"range": [-0.03, 1.03]}, "yaxis": {"range": [-0.05, 1.05]}}, {"title": "Calibration", "x_title": "p",
     "y_title": "freq", "height": 440}, {"legend": {"x": 1.0, "xanchor": "right", "y": 0.02, "orientation": "v"}}),
    ({"xaxis": {"anchor": "y3", "title": {"text": "epoch"}},
      "yaxis": {"domain": [0.72, 1.0], "title": {"text": "loss (log)"}, "type": "log", "exponentformat": "power"},
      "yaxis2": {"domain": [0.37, 0.65], "anchor": "x", "title": {"text": "W"}, "rangemode": "tozero"},
      "yaxis3": {"domain": [0.0, 0.30], "anchor": "x", "title": {"text": "z"}, "rangemode": "tozero"}},
     {"title": None, "height": 560, "legend": False}, None),
    ({"xaxis": {"range": [-12.0, 12.0], "constrain": "domain"},
      "yaxis": {"range": [-12.0, 12.0], "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"}},
     {"title": "Plane", "x_title": "z0", "y_title": "z1", "height": 520},
     {"legend": {"orientation": "h", "y": -0.22, "yanchor": "top", "x": 0.5, "xanchor": "center"},
      "margin": {"b": 140, "t": 140}}),
    ({"yaxis": {"type": "log", "exponentformat": "power", "range": [-17.5, 0.3]}, "shapes": [{"type": "line"}]},
     {"title": "", "x_title": "epoch", "y_title": "gap"}, None),
]


@pytest.mark.parametrize(("layout", "options", "then"), _STYLED_CASES)
def test_styled_figure_is_style_figure_from_dicts(layout, options, then):
    want = style_figure(fast_figure([dict(_LINE)], json.loads(json.dumps(layout))), **options)
    if then:
        want.update_layout(then)
    got = styled_figure([dict(_LINE)], json.loads(json.dumps(layout)), then=then, **options)
    assert json.dumps(got.to_dict(), sort_keys=True) == json.dumps(want.to_dict(), sort_keys=True)


@pytest.mark.parametrize(("count", "limit"), [(0, 5), (1, 5), (5, 5), (6, 5), (1001, 400), (5001, 250), (401, 400)])
def test_thinned_indices(count, limit):
    keep = thinned_indices(count, limit)
    if count <= limit:
        assert keep.tolist() == list(range(count)), "short lines are kept whole"
        return
    assert 2 <= keep.size <= limit
    assert keep[0] == 0 and keep[-1] == count - 1, "first and last point kept"
    gaps = np.diff(keep)
    assert gaps.min() >= 1 and gaps.max() - gaps.min() <= 1, "evenly spaced (to the nearest index)"


def test_thinned_indices_needs_room_for_both_ends():
    with pytest.raises(ValueError, match="limit must be at least 2; got 1"):
        thinned_indices(10, 1)

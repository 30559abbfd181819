"""Tests for the house figure style, animation controls and the HTML/CSV exports."""

from __future__ import annotations

import csv
import io
import re

import plotly.graph_objects as go
import pytest

from lossviz.figures import add_animation_controls, figure_to_csv, figure_to_html, style_figure


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

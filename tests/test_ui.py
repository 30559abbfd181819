"""Tests for the Streamlit helpers: errors are explained in place and never shown as tracebacks."""

from __future__ import annotations

import json

import pytest

from streamlit.testing.v1 import AppTest


def explain_errors_app():
    import streamlit as st

    import lossviz as lv
    from lossviz.ui import explain_errors

    with explain_errors("Your smoothing"):
        lv.cross_entropy([[0.0, 1.0]], [0], label_smoothing=2.0)
    st.write("the rest of the page")


def boundary_app():
    import streamlit as st

    from lossviz.ui import run_page

    class Broken:
        url_path = "broken"

        def run(self):
            raise ZeroDivisionError("boom")

    run_page(Broken())
    st.write("after the page")


def bound_widget_app():
    from lossviz.ui import widgets

    widgets.slider("gamma", 0.0, 5.0, 2.0, key="t_gamma")


def stepped_slider_app():
    import streamlit as st

    from lossviz.ui import widgets

    st.write(repr(widgets.slider("epoch", 0, 500, 500, step=5, key="t_epoch")))
    st.write(repr(widgets.slider("p", 0.1, 0.9, 0.5, step=0.05, key="t_p")))


def test_core_value_error_becomes_a_message_and_the_page_goes_on():
    at = AppTest.from_function(explain_errors_app).run()
    assert not at.exception
    # The message is escaped for Markdown (see markdown_literal), so it shows character for character.
    assert r"Your smoothing cannot be used: label\_smoothing must be in \[0\, 1\]\; got 2." in at.error[0].value
    assert at.markdown[-1].value == "the rest of the page"


def test_page_boundary_shows_a_short_message_not_a_traceback():
    at = AppTest.from_function(boundary_app).run()
    assert not at.exception, "the traceback must not reach the learner"
    assert "Something went wrong while drawing this page (ZeroDivisionError)" in at.error[0].value
    assert "boom" not in at.error[0].value and "Traceback" not in at.error[0].value


def fragment_boundary_app():
    import streamlit as st

    from lossviz.ui import fragment, widgets

    @fragment
    def section():
        divisor = widgets.slider("divisor", 0, 2, 1, key="t_divisor")
        st.markdown(f"one over divisor is {1 / divisor}")

    section()
    st.markdown("the rest of the page")


def test_fragment_reruns_alone_and_its_errors_stay_inside_it():
    """A widget in a ui.fragment reruns the fragment; an error there is a one-line message in place."""
    at = AppTest.from_function(fragment_boundary_app).run()
    assert at.markdown[0].value == "one over divisor is 1.0"
    at.slider(key="t_divisor").set_value(0).run()
    assert not at.exception, "the traceback must not reach the learner"
    assert "Something went wrong while drawing this page (ZeroDivisionError)" in at.error[0].value
    assert at.markdown[-1].value == "the rest of the page"
    at.slider(key="t_divisor").set_value(2).run()
    assert not at.error and at.markdown[0].value == "one over divisor is 0.5"


def test_widgets_are_bound_to_the_url():
    at = AppTest.from_function(bound_widget_app)
    at.query_params = {"t_gamma": "4.5"}
    at.run()
    assert at.slider(key="t_gamma").value == 4.5
    at = AppTest.from_function(bound_widget_app)
    at.query_params = {"t_gamma": "99"}
    at.run()
    assert at.slider(key="t_gamma").value == 2.0, "out-of-range links fall back to the default"


def test_markdown_literal_shows_typed_text_and_never_a_link():
    from lossviz.ui.errors import markdown_literal

    escaped = markdown_literal("'[a](//a.bc)' and ![](//x.y/i) :red[hi] $x$ <b>")
    assert "](" not in escaped and "![" not in escaped and ":red[" not in escaped and "$x$" not in escaped
    # Removing the escapes gives the text back: nothing is lost, only disarmed.
    assert escaped.replace("\\", "") == "'[a](//a.bc)' and ![](//x.y/i) :red[hi] $x$ <b>"


def test_slider_hands_the_page_a_value_on_its_step_grid():
    """Streamlit takes ?t_epoch=1 on a step-5 slider as it is (found by tests/test_pages_fuzz.py);
    it reads 497.5 on an integer slider as 497, whose nearest grid value is 495."""
    for link, epoch, p in [({"t_epoch": "1", "t_p": "0.26"}, 0, 0.25), ({"t_epoch": "497.5"}, 495, 0.5),
                           ({"t_epoch": "35", "t_p": "0.85"}, 35, 0.85)]:
        at = AppTest.from_function(stepped_slider_app)
        at.query_params = link
        at.run()
        assert not at.exception
        assert [m.value for m in at.markdown] == [repr(epoch), repr(p)], f"link {link}"


def explanation_app():
    import streamlit as st

    from lossviz.ui import explain, explanation, presentation_toggle

    presentation_toggle()
    explain("A paragraph of explanation.")
    with explanation():
        st.markdown("A block of explanation.")
    st.markdown("Not explanation.")


def test_explanation_is_in_place_normally_and_folded_when_presenting():
    at = AppTest.from_function(explanation_app).run()
    assert not at.expander, "outside presentation mode the explanation is shown in place"
    texts = [m.value for m in at.markdown]
    assert "A paragraph of explanation." in texts and "A block of explanation." in texts

    at.toggle(key="present").set_value(True).run()
    assert len(at.expander) == 2, "each explanation folds into its own expander"
    assert all(e.label.startswith("Explanation") and "press E" in e.label for e in at.expander)
    folded = [m.value for e in at.expander for m in e.markdown]
    assert folded == ["A paragraph of explanation.", "A block of explanation."]
    assert "Not explanation." in [m.value for m in at.markdown]


def test_present_link_spellings_open_presentation_mode():
    """?present=true is the toggle's own form; a hand-typed ?present=1 is rewritten to it."""
    from pathlib import Path

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    for value, expected in (("true", True), ("1", True), ("on", True), ("false", False), ("2", False)):
        at = AppTest.from_file(app, default_timeout=60)
        at.query_params["present"] = value
        at.run()
        assert not at.exception, f"?present={value}: {[e.message for e in at.exception]}"
        assert at.toggle(key="present").value is expected, f"?present={value}"
        if expected:
            assert at.query_params.get("present") in ("true", ["true"]), "the link must keep present=true"


def test_embed_code_is_an_iframe_of_the_view_with_embed_true():
    from lossviz.ui import embed_code

    snippet = embed_code("https://x.org/focal-loss?focal_gamma=5&embed=false&EMBED=1", title='A "quoted" <title>')
    assert snippet.startswith('<iframe src="https://x.org/focal-loss?focal_gamma=5&amp;embed=true"')
    assert snippet.count("embed=") == 1, "Streamlit's own embed=true, once, replacing any other value"
    assert 'title="A &quot;quoted&quot; &lt;title&gt; (lossviz)"' in snippet, "title escaped for screen readers"
    assert 'height="900"' in snippet and 'allow="clipboard-write' in snippet
    assert snippet.endswith("></iframe>")


def test_page_script_survives_streamlits_html_sanitizer():
    """DOMPurify drops a <script> whose text holds "<" + a letter or "/": the page script has none."""
    import re

    from lossviz.ui import layout

    inner = layout._PAGE_SCRIPT.strip()[len("<script>") : -len("</script>")]
    assert re.search(r"<[/\w!]", inner) is None
    assert "\\x3ciframe" in inner, "the embed snippet's tag is spelled with \\x3c"


def shared_figures_app():
    import plotly.graph_objects as go
    import streamlit as st

    from lossviz.ui import chart, shared_figures

    calls = st.session_state.setdefault("builds", [])

    @shared_figures(max_entries=4)
    def figures(slope: float):
        calls.append(slope)
        line = go.Figure(go.Scatter(x=[0.0, 1.0], y=[0.0, slope], name="line"))
        return {"line": line, "bars": go.Figure(go.Bar(y=[slope])), "note": f"slope {slope:g}"}

    slope = st.slider("slope", 0.0, 2.0, 1.0, step=0.5, key="slope")
    first, again = figures(slope), figures(slope)
    st.session_state["same"] = first is again and first["line"] is again["line"]
    st.session_state["frozen"] = first["line"].to_dict() is first["line"].to_dict()
    chart(first["line"], key="line_chart")
    chart(first["bars"], key="bars_chart")
    st.write(first["note"])


def test_shared_figures_builds_once_per_setting_and_freezes_every_figure():
    at = AppTest.from_function(shared_figures_app).run()
    assert not at.exception
    assert at.session_state["same"] and at.session_state["frozen"]
    assert len(at.get("plotly_chart")) == 2
    at.slider(key="slope").set_value(1.5).run()
    at.slider(key="slope").set_value(1.0).run()
    assert not at.exception
    # 1.0 was built on the first run and handed back from the cache after 1.5.
    assert at.session_state["builds"] == [1.0, 1.5]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][0]["name"] == "line"


def table_app():
    from lossviz.ui import table

    table({"": ["cross-entropy", "a | b"], "loss": ["0.1", "$x$ *y* [l](//x)\nnext"]})


def test_table_is_a_markdown_table_that_shows_every_cell_as_typed():
    at = AppTest.from_function(table_app).run()
    assert not at.exception
    lines = at.markdown[0].value.split("\n")
    assert len(lines) == 4, "header, separator, one line per row"
    assert lines[1] == "| --- | --- |"
    assert lines[3] == r"| a \| b | \$x\$ \*y\* \[l\]\(\/\/x\) next |"


def test_table_refuses_columns_of_unequal_length():
    from lossviz.ui import table

    with pytest.raises(ValueError, match=r"columns must have equal lengths; got \[1, 2\]"):
        table({"a": [1], "b": [1, 2]})


def decay_warning_app():
    import streamlit as st

    from lossviz.ui import diverging_decay_warning

    st.session_state["verdicts"] = [diverging_decay_warning(lr, decay) for lr, decay in ((0.5, 0.3), (10.0, 0.3))]


def test_diverging_decay_warning_warns_only_when_one_step_more_than_flips_the_weights():
    at = AppTest.from_function(decay_warning_app).run()
    assert not at.exception
    assert at.session_state["verdicts"] == [False, True], "1 − 0.5·0.3 = 0.85 trains; 1 − 10·0.3 = −2 diverges"
    (warning,) = at.warning
    assert "1 − η·λ = -2" in warning.value and "η = 10" in warning.value

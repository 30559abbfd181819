"""The "Your numbers" page in Streamlit's AppTest: the numbers it shows, its examples, deep links,
uploads, and a corpus of bad inputs that each get a message (never an exception)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lossviz import bce_with_logits, categorical_ce, cross_entropy
from lossviz.libraries import DATA_FILE, EMBED_LIMIT
from lossviz.parsing import MAX_COLUMNS, MAX_ROWS, MAX_UPLOAD_BYTES

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "lessons/your_numbers.py"
DEFAULT_Z = [2.3, -1.1, 0.4, 4.0, -3.2, -0.2]
DEFAULT_Y = [1, 0, 0, 1, 1, 0]


def open_page(query_params=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params = dict(query_params or {})
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def unescaped(markdown: str) -> str:
    """An error's text as the learner reads it: explain_errors escapes it for Markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> str:
    """Everything the page wrote as text, for "is this number shown" checks."""
    parts = [m.value for m in at.markdown] + [s.value for s in at.success] + [w.value for w in at.warning]
    parts += [unescaped(e.value) for e in at.error] + [i.value for i in at.info] + [c.value for c in at.caption]
    return "\n".join(parts)


def healthy(at: AppTest, context: str) -> None:
    assert not at.exception, f"{context}: {[e.message for e in at.exception]}"
    assert not at.error, f"{context}: {[e.value for e in at.error]}"


@pytest.fixture(scope="module")
def page() -> AppTest:
    return open_page()


def test_defaults_show_the_binary_example_and_its_numbers(page):
    healthy(page, "defaults")
    shown = texts(page)
    assert "Read **6 sample(s) × 1 column(s)** of logits" in shown
    assert "binary (one 0/1 label per sample)**, detected automatically" in shown
    mean = bce_with_logits(DEFAULT_Z, DEFAULT_Y)
    assert f"is **{mean:.6g}**" in shown, "the library summary must state lossviz's BCE-with-logits mean"
    per_sample = bce_with_logits(DEFAULT_Z, DEFAULT_Y, reduction="none")
    worst = int(np.argmax(per_sample))
    assert f"The largest BCE with logits is sample {worst + 1}" in shown
    assert f"{per_sample[worst] / per_sample.sum():.0%} of the sum" in shown
    assert len(page.get("plotly_chart")) == 1
    assert len(page.latex) >= 2, "the loss formula and its gradient"
    assert len(page.dataframe) >= 4, "losses, totals, gradients, metrics, libraries"
    assert len(page.code) >= 5, "one snippet per applicable library call"


def test_the_loss_table_holds_the_per_sample_values(page):
    table = page.dataframe[0].value
    expected = bce_with_logits(DEFAULT_Z, DEFAULT_Y, reduction="none")
    np.testing.assert_allclose(table["BCE with logits"].to_numpy(), expected, rtol=1e-12)
    assert table["correct"].tolist() == [True, True, False, True, False, True]


def test_choosing_a_loss_changes_the_figure_and_the_formula():
    at = open_page()
    at.selectbox(key="yn_loss").set_value("squared error through a sigmoid").run()
    healthy(at, "yn_loss=sigmoid_mse")
    assert "The largest MSE through σ is sample" in texts(at)
    assert any(r"\sigma(z)" in latex.value for latex in at.latex)


def test_predict_then_reveal_answer_is_computed():
    at = open_page()
    at.radio(key="yn_reveal").set_value("No, different numbers").run()
    healthy(at, "reveal")
    shown = texts(at)
    assert "Right: No, different numbers" in shown, "Keras' default from_logits=False clips the logits"
    at.radio(key="yn_reveal").set_value("Yes, the same number").run()
    assert "Not quite: the answer is No, different numbers" in texts(at)


@pytest.mark.parametrize(
    ("index", "expected_format", "reference"),
    [
        (0, "binary (one 0/1 label per sample)", lambda: bce_with_logits(DEFAULT_Z, DEFAULT_Y)),
        (1, "class indices (0 … C−1)", lambda: cross_entropy(
            [[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [-2.0, 4.0, 0.0], [1.0, 1.0, 1.0], [3.5, 0.2, -0.5]], [0, 2, 1, 2, 1])),
        (2, "multi-hot rows (multi-label)", lambda: bce_with_logits(
            [[1.5, -0.3, 2.0], [-1.0, 0.8, -2.2], [0.0, 3.0, -0.5], [-2.5, -1.0, 1.2]],
            [[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]])),
        (3, "one-hot rows", lambda: categorical_ce(
            [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.05, 0.9, 0.05], [0.3, 0.3, 0.4]],
            [[1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])),
    ],
)
def test_each_example_loads_and_shows_its_reference_number(page, index, expected_format, reference):
    at = page
    at.button(key=f"yn_example_{index}").click().run()
    healthy(at, f"example {index}")
    shown = texts(at)
    assert f"**{expected_format}**, detected automatically" in shown
    assert f"is **{reference():.6g}**" in shown
    # Loading an example also points "Look closer at" at its main loss (not a stale choice).
    assert at.selectbox(key="yn_loss").value == at.selectbox(key="yn_loss").options[0]


def test_deep_link_reopens_the_view():
    at = open_page({
        "yn_pred": "0.2, 0.5, 0.3\n0.1, 0.1, 0.8",
        "yn_labels": "1\n2",
        "yn_kind": "probabilities",
        "yn_format": "one-hot",
    })
    healthy(at, "deep link")
    shown = texts(at)
    assert "**one-hot rows**, as you chose (auto-detect would say class indices (0 … C−1))" in shown
    mean = categorical_ce([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], [[0, 1, 0], [0, 0, 1]])
    assert f"is **{mean:.6g}**" in shown


def test_an_incompatible_format_in_the_link_falls_back_to_auto_detect():
    at = open_page({"yn_format": "multi-hot"})  # the default labels are binary
    healthy(at, "yn_format=multi-hot on binary labels")
    assert at.selectbox(key="yn_format").value == "auto-detect"


def test_csv_upload_replaces_the_boxes():
    at = open_page()
    at.file_uploader(key="yn_file").set_value(("mine.csv", b"z0,z1,label\n2.0,0.5,0\n0.1,1.2,1\n", "text/csv")).run()
    healthy(at, "upload")
    shown = texts(at)
    assert "Using **mine.csv**" in shown
    assert "Read **2 sample(s) × 2 column(s)** of logits" in shown
    assert f"is **{cross_entropy([[2.0, 0.5], [0.1, 1.2]], [0, 1]):.6g}**" in shown


def test_large_upload_offers_the_data_file_for_the_snippets():
    rng = np.random.default_rng(1)
    rows = "\n".join(f"{a:.3f},{b:.3f},{c:.3f},{k}" for (a, b, c), k in
                     zip(rng.normal(size=(EMBED_LIMIT, 3)), rng.integers(0, 3, EMBED_LIMIT)))
    at = open_page()
    at.file_uploader(key="yn_file").set_value(("big.csv", ("a,b,c,label\n" + rows).encode(), "text/csv")).run()
    healthy(at, "large upload")
    assert f"the snippets read it from `{DATA_FILE}`" in texts(at)
    assert any(DATA_FILE in button.label for button in at.get("download_button"))


# --------------------------------------------------------------------------------------------
# Bad input: each case shows a message beside the input, and the page goes on
# --------------------------------------------------------------------------------------------

TEXT_CASES = [
    ("empty predictions", "", "1", "predictions is empty"),
    ("blank predictions", "  \n\t\n", "1", "predictions is empty"),
    ("only a comment", "# nothing here", "1", "predictions is empty"),
    ("a word", "2.3\nabc", "1\n0", "'abc' is not a number"),
    ("code is not run", "__import__('os').system('echo hi')", "1", "is not a number"),
    ("html", "<script>alert(1)</script>", "1", "is not a number"),
    ("NaN", "nan\n1.0", "1\n0", "'nan' is NaN"),
    ("infinity", "1\ninf", "1\n0", "'inf' is infinite"),
    ("overflow", "1e999\n1", "1\n0", "'1e999' is infinite"),
    ("ragged rows", "1, 2\n3", "1\n0", "every row needs the same number of values"),
    ("ragged list", "[[1, 2], [3]]", "0 1", "every row needs the same number of values"),
    ("too many columns", ", ".join(["0.5"] * (MAX_COLUMNS + 1)), "1", f"the limit is {MAX_COLUMNS} columns"),
    ("fewer labels", "1\n2\n3", "1\n0", "labels have 2 rows but predictions have 3 row(s)"),
    ("short label line", "1\n2\n3", "1 0", "labels have one line of 2 value(s)"),
    ("empty labels", "1\n2", "", "labels is empty"),
    ("word labels", "1\n2", "yes\nno", "'no' is not a number"),
    ("binary label 2", "1\n2", "1\n2", "binary labels must be 0 or 1; got 2 on line 2"),
    ("soft label", "1\n2", "0.5\n1", "binary labels must be 0 or 1; got 0.5 on line 1"),
    ("index out of range", "1, 2, 3\n4, 5, 6", "0\n3", "class index 3 on line 2 is out of range"),
    ("negative index", "1, 2, 3\n4, 5, 6", "-1\n0", "class indices start at 0; got -1 on line 1"),
    ("fractional index", "1, 2, 3\n4, 5, 6", "1.5\n0", "whole numbers 0 to 2; got 1.5 on line 1"),
    ("label width", "1, 2, 3\n4, 5, 6", "1, 0\n0, 1", "labels have 2 values per row but predictions have 3"),
    ("label matrix value", "1, 2, 3\n4, 5, 6", "1, 0, 2\n0, 1, 0", "multi-hot labels must be 0 or 1; got 2"),
]
PROBABILITY_CASES = [
    ("probability row of zeros", "0, 0, 0\n0.2, 0.3, 0.5", "0\n1", "positive sum in every row"),
]
CSV_CASES = [
    ("binary file", b"\x00\x01\x02garbage", "not a text (CSV) file"),
    ("not UTF-8", b"logit,label\n\xff\xfe,1\n", "not UTF-8 text"),
    ("no label column", b"a,b\n1,0\n", "no label column in the header"),
    ("header only", b"logit,label\n", "a header but no data rows"),
    ("bad cell", b"logit,label\n0.5,1\nx,0\n", "the file, line 3: 'x' is not a number"),
    ("too many rows", ("logit,label\n" + "0.5,1\n" * (MAX_ROWS + 1)).encode(), f"the limit is {MAX_ROWS:,}"),
    ("over 1 MB", b"0" * (MAX_UPLOAD_BYTES + 1), "the limit is 1,048,576 bytes"),
]


def assert_explained(at: AppTest, fragment: str, context: str) -> None:
    assert not at.exception, f"{context}: exception {[e.message for e in at.exception]}"
    messages = [unescaped(e.value) for e in at.error]
    assert any(fragment in message for message in messages), f"{context}: expected {fragment!r} in {messages}"
    assert "appear here as soon as the input above can be read" in texts(at), f"{context}: no guidance shown"
    assert any("lesson map" in link.label for link in at.get("page_link")), f"{context}: the page stopped early"


@pytest.fixture(scope="module")
def corpus_page() -> AppTest:
    return open_page()


@pytest.mark.parametrize(("name", "predictions", "labels", "fragment"), TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_bad_text_gets_a_message(corpus_page, name, predictions, labels, fragment):
    at = corpus_page
    at.file_uploader(key="yn_file").set_value(None)
    at.radio(key="yn_kind").set_value("logits")
    at.text_area(key="yn_pred").set_value(predictions)
    at.text_area(key="yn_labels").set_value(labels)
    at.run()
    assert_explained(at, fragment, name)


@pytest.mark.parametrize(("name", "predictions", "labels", "fragment"), PROBABILITY_CASES,
                         ids=[c[0] for c in PROBABILITY_CASES])
def test_bad_probabilities_get_a_message(corpus_page, name, predictions, labels, fragment):
    at = corpus_page
    at.file_uploader(key="yn_file").set_value(None)
    at.radio(key="yn_kind").set_value("probabilities")
    at.text_area(key="yn_pred").set_value(predictions)
    at.text_area(key="yn_labels").set_value(labels)
    at.run()
    assert_explained(at, fragment, name)


def test_logits_given_as_probabilities_get_a_hint_not_an_error():
    at = open_page({"yn_kind": "probabilities"})
    healthy(at, "default logits as probabilities")
    hints = [w.value for w in at.warning]
    assert any("5 of 6 values lie outside [0, 1] (from -3.2 to 4)" in h and "look like logits" in h for h in hints)
    assert "appear here as soon as the input above can be read" in texts(at)


@pytest.mark.parametrize(("name", "data", "fragment"), CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_bad_files_get_a_message(corpus_page, name, data, fragment):
    at = corpus_page
    at.radio(key="yn_kind").set_value("logits")
    at.file_uploader(key="yn_file").set_value(("bad.csv", data, "text/csv")).run()
    assert_explained(at, fragment, name)


def test_the_corpus_has_at_least_twenty_bad_inputs():
    assert len(TEXT_CASES) + len(PROBABILITY_CASES) + len(CSV_CASES) >= 20

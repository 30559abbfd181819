"""lossviz.parsing: the text and CSV formats, label-format detection, and every bad input's message."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz import parsing
from lossviz.parsing import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    as_labels,
    compatible_formats,
    detect_label_format,
    parse_csv,
    parse_matrix,
    parse_text,
    read_csv,
    read_text,
    to_csv,
)

# --------------------------------------------------------------------------------------------
# The text format
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1, 2\n3, 4",
        "1 2\n3 4",
        "1\t2\n3\t4",
        "1;2\n3;4",
        "1,  2 ,\n 3 ,4,",  # stray spaces and trailing commas
        "1, 2\r\n3, 4\r\n",  # Windows line ends
        "# logits\n\n1, 2\n\n3, 4\n",  # comments and blank lines
        "a, b\n1, 2\n3, 4",  # a header of words
        "[[1, 2], [3, 4]]",  # a Python / NumPy nested list
        "[1, 2],\n[3, 4]",
        "1e0, 2.0\n+3, 4.",
    ],
)
def test_parse_matrix_reads_every_separator_style_the_same(text):
    values, _ = parse_matrix(text)
    np.testing.assert_array_equal(values, [[1.0, 2.0], [3.0, 4.0]], err_msg=repr(text))
    assert values.dtype == np.float64


def test_parse_matrix_reports_the_text_line_of_each_row():
    _, lines = parse_matrix("# header comment\n1\n\n2\n")
    assert lines == (2, 4), "row line numbers must point at the lines as the learner sees them"


def test_a_single_line_of_words_is_an_error_not_a_header():
    with pytest.raises(ValueError, match=r"'yes' is not a number"):
        parse_matrix("yes no yes", name="labels")


def test_binary_labels_detected_with_one_prediction_column():
    parsed = read_text("2.3\n-1.1\n0.4", "1\n0\n0")
    assert parsed.labels.format == "binary" and parsed.labels.detected == "binary"
    np.testing.assert_array_equal(parsed.labels.values, [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(parsed.labels.indices, [1, 0, 0])
    assert parsed.predictions.shape == (3, 1)


def test_class_indices_detected_with_several_prediction_columns():
    parsed = read_text("2, 0, 0\n0, 1, 3", "0\n2")
    assert parsed.labels.format == "class_index"
    np.testing.assert_array_equal(parsed.labels.values, [0, 2])
    np.testing.assert_array_equal(parsed.labels.matrix, [[1, 0, 0], [0, 0, 1]])


def test_one_hot_and_multi_hot_detected_from_the_row_sums():
    one_hot = read_text("2, 0, 0\n0, 1, 3", "1, 0, 0\n0, 0, 1")
    multi_hot = read_text("2, 0, 0\n0, 1, 3", "1, 0, 1\n0, 0, 0")
    assert one_hot.labels.format == "one_hot"
    np.testing.assert_array_equal(one_hot.labels.indices, [0, 2])
    assert multi_hot.labels.format == "multi_hot"
    with pytest.raises(ValueError, match="no single class index"):
        _ = multi_hot.labels.indices


def test_labels_on_one_line_are_one_label_per_sample():
    parsed = read_text("2.3\n-1.1\n0.4\n1.0", "1 0 0 1")
    np.testing.assert_array_equal(parsed.labels.values, [1, 0, 0, 1])
    with pytest.raises(ValueError, match=r"position 3 on line 1"):
        read_text("1, 2, 3\n1, 2, 3\n1, 2, 3", "0 1 7")


def test_one_sample_with_a_row_of_labels_is_one_hot_or_multi_hot():
    assert read_text("0.5, 1.5, -2", "0, 1, 0").labels.format == "one_hot"
    assert read_text("0.5, 1.5, -2", "1, 1, 0").labels.format == "multi_hot"


@pytest.mark.parametrize(
    ("labels", "n_columns", "expected"),
    [
        ([[0], [1]], 1, "binary"),
        ([[2], [0]], 3, "class_index"),
        ([[0, 1, 0], [1, 0, 0]], 3, "one_hot"),
        ([[0, 1, 1], [1, 0, 0]], 3, "multi_hot"),
        ([[0, 0, 0], [1, 0, 0]], 3, "multi_hot"),
        ([[0], [1]], 2, "class_index"),  # two softmax outputs with 0/1 labels: indices of 2 classes
    ],
)
def test_detect_label_format(labels, n_columns, expected):
    assert detect_label_format(labels, n_columns) == expected


# --------------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------------


def test_override_converts_indices_and_one_hot_rows_both_ways():
    as_one_hot = as_labels([[2], [0]], 3, label_format="one_hot")
    np.testing.assert_array_equal(as_one_hot.values, [[0, 0, 1], [1, 0, 0]])
    assert as_one_hot.detected == "class_index"
    as_index = as_labels([[0, 0, 1], [1, 0, 0]], 3, label_format="class_index")
    np.testing.assert_array_equal(as_index.values, [2, 0])
    assert as_index.detected == "one_hot"


def test_override_one_hot_rows_as_multi_label():
    labels = as_labels([[0, 1, 0], [1, 0, 0]], 3, label_format="multi_hot")
    assert labels.format == "multi_hot" and labels.detected == "one_hot"


@pytest.mark.parametrize(
    ("labels", "n_columns", "label_format", "message"),
    [
        ([[1, 1, 0]], 3, "one_hot", r"exactly one 1 per row; got 2 on row 1"),
        ([[1], [0]], 3, "multi_hot", r"multi-hot labels need 3 values"),
        ([[1, 0, 1]], 3, "binary", r"binary labels need one prediction column"),
        ([[1], [0]], 1, "class_index", r"one prediction column per class \(at least 2\)"),
        ([[1, 0, 1]], 3, "class_index", r"exactly one 1 per row"),
        ([[1]], 1, "softmax", r"label_format must be 'auto' or one of"),
    ],
)
def test_override_that_does_not_fit_names_the_problem(labels, n_columns, label_format, message):
    with pytest.raises(ValueError, match=message):
        as_labels(labels, n_columns, label_format=label_format)


@pytest.mark.parametrize(
    ("labels", "n_columns", "expected"),
    [
        ([[0], [1]], 1, ("binary",)),
        ([[2], [0]], 3, ("class_index", "one_hot")),
        ([[0, 0, 1], [1, 0, 0]], 3, ("class_index", "one_hot", "multi_hot")),
        ([[1, 0, 1]], 3, ("multi_hot",)),
        ([[3], [0]], 3, ()),  # out of range: nothing fits, and "auto" explains why
    ],
)
def test_compatible_formats_are_exactly_the_ones_as_labels_accepts(labels, n_columns, expected):
    assert compatible_formats(labels, n_columns) == expected
    for label_format in parsing.LABEL_FORMATS:
        if label_format not in expected:
            with pytest.raises(ValueError):
                as_labels(labels, n_columns, label_format=label_format)


# --------------------------------------------------------------------------------------------
# Bad text input: every case raises ValueError naming what it got and what it expects
# --------------------------------------------------------------------------------------------

BAD_TEXT = [
    ("", "1", r"predictions is empty; expected at least one row of numbers"),
    ("   \n\t\n", "1", r"predictions is empty"),
    ("# only a comment", "1", r"predictions is empty"),
    ("2.3\nabc", "1\n0", r"predictions, line 2: 'abc' is not a number; expected numbers separated"),
    ("2.3\n5.1.2", "1\n0", r"'5.1.2' is not a number"),
    ("nan\n1", "1\n0", r"predictions, line 1: 'nan' is NaN; every value must be a finite number"),
    ("1\n-inf", "1\n0", r"line 2: '-inf' is infinite"),
    ("1e999\n1", "1\n0", r"'1e999' is infinite"),
    ("1, 2\n3", "1\n0", r"predictions, line 2: 1 value\(s\) but line 1 has 2; every row needs the same"),
    ("[[1, 2], [3]]", "0\n1", r"1 value\(s\) but line 1 has 2"),
    ("1\n2\n3", "1\n0", r"labels have 2 rows but predictions have 3 row\(s\)"),
    ("1\n2\n3", "1 0", r"labels have one line of 2 value\(s\) but predictions have 3"),
    ("1\n2", "", r"labels is empty"),
    ("1\n2", "yes\nno", r"labels, line 2: 'no' is not a number"),
    ("1\n2", "1\n2", r"binary labels must be 0 or 1; got 2 on line 2"),
    ("1\n2", "0.5\n1", r"binary labels must be 0 or 1; got 0.5 on line 1"),
    ("1, 2, 3\n4, 5, 6", "0\n3", r"class index 3 on line 2 is out of range: with 3 prediction columns"),
    ("1, 2, 3\n4, 5, 6", "-1\n0", r"class indices start at 0; got -1 on line 1"),
    ("1, 2, 3\n4, 5, 6", "1.5\n0", r"class indices must be whole numbers 0 to 2; got 1.5 on line 1"),
    ("1, 2, 3\n4, 5, 6", "1, 0\n0, 1", r"labels have 2 values per row but predictions have 3"),
    ("1, 2, 3\n4, 5, 6", "1, 0, 2\n0, 1, 0", r"multi-hot labels must be 0 or 1; got 2 on line 1"),
    (", ".join(["1"] * (MAX_COLUMNS + 1)), "1", rf"{MAX_COLUMNS + 1} values in a row; the limit is {MAX_COLUMNS}"),
]


@pytest.mark.parametrize(("predictions", "labels", "message"), BAD_TEXT, ids=[c[2][:40] for c in BAD_TEXT])
def test_bad_text_input_raises_a_message_naming_the_problem(predictions, labels, message):
    with pytest.raises(ValueError, match=message):
        read_text(predictions, labels)


def test_text_over_the_character_limit_is_refused_before_parsing():
    text = "0\n" * (MAX_TEXT_CHARS // 2 + 1)
    with pytest.raises(ValueError, match=rf"predictions has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"):
        parse_matrix(text, name="predictions")


def test_too_many_rows_is_refused():
    text = "0\n" * (MAX_ROWS + 1)
    with pytest.raises(ValueError, match=rf"more than {MAX_ROWS:,} rows"):
        parse_matrix(text, max_chars=len(text))


def test_parse_matrix_rejects_non_text():
    with pytest.raises(ValueError, match="predictions must be text; got bytes"):
        parse_matrix(b"1, 2", name="predictions")


def test_parse_text_keeps_the_raw_label_matrix():
    raw = parse_text("1, 2\n3, 4", "1, 0\n0, 1")
    np.testing.assert_array_equal(raw.labels, [[1, 0], [0, 1]])
    assert raw.where == ("line 1", "line 2")


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def test_csv_with_a_header_finds_the_label_columns_by_name():
    parsed = read_csv(b"z0,z1,z2,label_0,label_1,label_2\n2,0,0,1,0,1\n0,1,3,0,0,1\n")
    assert parsed.predictions.shape == (2, 3)
    assert parsed.labels.format == "multi_hot"
    np.testing.assert_array_equal(parsed.labels.values, [[1, 0, 1], [0, 0, 1]])


@pytest.mark.parametrize("name", ["label", "Labels", "y", "y_true", "TARGET", "target_cat"])
def test_csv_label_column_names(name):
    parsed = read_csv(f"logit,{name}\n2.5,1\n-0.5,0\n".encode())
    np.testing.assert_array_equal(parsed.labels.values, [1, 0])


@pytest.mark.parametrize(
    "data",
    [
        b"2.5,1\n-0.5,0\n",  # no header: the last column is the label
        "\ufefflogit,label\n2.5,1\n-0.5,0\n".encode("utf-8"),  # byte-order mark (Excel)
        b"logit;label\n2.5;1\n-0.5;0\n",  # semicolons
        b"logit\tlabel\n2.5\t1\n-0.5\t0\n",  # tabs
        b'"logit","label"\n"2.5","1"\n"-0.5","0"\n',  # quoted
        b"logit,label,\n2.5,1,\n-0.5,0,\n\n",  # trailing delimiters and a blank line
        b"logit label\n2.5 1\n-0.5 0\n",  # spaces
        "logit,label\r\n2.5,1\r\n-0.5,0\r\n",  # text, Windows line ends
    ],
)
def test_csv_dialects_read_the_same(data):
    parsed = read_csv(data)
    np.testing.assert_array_equal(parsed.predictions, [[2.5], [-0.5]])
    np.testing.assert_array_equal(parsed.labels.values, [1, 0])


BAD_CSV = [
    (b"", r"the file is empty"),
    (b"logit,label\n", r"the file has a header but no data rows"),
    (b"\x00\x01\x02\x03", r"the file is not a text \(CSV\) file"),
    (b"logit,label\n\xff\xfe1,0\n", r"the file is not UTF-8 text"),
    (b"a,b\n1,0\n", r"no label column in the header \['a', 'b'\]"),
    (b"label,y\n1,0\n", r"every column in the header \['label', 'y'\] is a label column"),
    (b"logit,label\n1,0,5\n", r"line 2: 3 value\(s\) but line 2 has 2|header has 2 column\(s\) but the data rows have 3"),
    (b"2.5\n-0.5\n", r"each row has one value; expected prediction column\(s\) followed by a label column"),
    (b"logit,label\n2.5,x\n", r"the file, line 2: 'x' is not a number"),
    (b"logit,label\nnan,1\n", r"the file, line 2: 'nan' is NaN"),
    (b"logit,label\n1,2\n", r"binary labels must be 0 or 1; got 2 on line 2"),
    (b"a,b,c,label\n1,2,3,3\n", r"class index 3 on line 2 is out of range"),
    ("logit,label\n" + "0.5,1\n" * (MAX_ROWS + 1), rf"more than {MAX_ROWS:,} data rows|{MAX_ROWS + 1:,} data rows"),
    (b"0" * (parsing.MAX_UPLOAD_BYTES + 1), rf"the file has {parsing.MAX_UPLOAD_BYTES + 1:,} bytes; the limit is"),
    (12, r"data must be the file's bytes or text; got int"),
]


@pytest.mark.parametrize(("data", "message"), BAD_CSV, ids=[c[1][:40] for c in BAD_CSV])
def test_bad_csv_raises_a_message_naming_the_problem(data, message):
    with pytest.raises(ValueError, match=message):
        read_csv(data)


def test_csv_with_too_many_prediction_columns_is_refused():
    header = ",".join(f"z{c}" for c in range(MAX_COLUMNS + 1)) + ",label\n"
    row = ",".join(["0.5"] * (MAX_COLUMNS + 1)) + ",0\n"
    with pytest.raises(ValueError, match=rf"{MAX_COLUMNS + 1} prediction columns; the limit is {MAX_COLUMNS}"):
        parse_csv(header + row)


@pytest.mark.parametrize(
    ("predictions", "labels", "label_format"),
    [
        ([[2.5], [-0.5], [0.1 + 0.2]], [1, 0, 1], "binary"),
        ([[1e-300, -3.0, 7.25], [0.1, 1 / 3, -2.0]], [2, 0], "class_index"),
        ([[1e-300, -3.0, 7.25], [0.1, 1 / 3, -2.0]], [[0, 0, 1], [1, 0, 0]], "one_hot"),
        ([[1e-300, -3.0, 7.25], [0.1, 1 / 3, -2.0]], [[1, 0, 1], [0, 0, 0]], "multi_hot"),
    ],
)
def test_to_csv_round_trips_exactly(predictions, labels, label_format):
    original = as_labels(labels, len(predictions[0]), label_format=label_format)
    back = read_csv(to_csv(predictions, original), label_format=label_format)
    # repr round-trips every float64 bit for bit, so equality is exact.
    np.testing.assert_array_equal(back.predictions, predictions)
    np.testing.assert_array_equal(back.labels.values, original.values)
    assert back.labels.format == label_format


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6).flatmap(lambda c: st.lists(st.lists(finite, min_size=c, max_size=c), min_size=1, max_size=8)))
def test_any_finite_matrix_round_trips_through_text(rows):
    """Whatever the floats, writing them with repr and parsing them back gives the same bits."""
    text = "\n".join(", ".join(repr(v) for v in row) for row in rows)
    values, _ = parse_matrix(text, max_chars=len(text))
    np.testing.assert_array_equal(values, np.array(rows, dtype=np.float64))

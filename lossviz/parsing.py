"""Read a learner's own predictions and labels from text or CSV, and work out the label format.

The input is tokenised and converted number by number, never evaluated: no ``eval``, no
``ast.literal_eval``. Every problem raises a ``ValueError`` that names the input, where the
problem is (line and value), what was found and what is expected.

The text format (two boxes, one for predictions and one for labels):

* **Predictions**: one row per sample; the values in a row are separated by commas, spaces,
  tabs or semicolons. One value per row is a binary problem (a logit or the probability of
  class 1); C values per row are one score per class. Blank lines and lines starting with
  ``#`` are skipped; a first line of words (a header) is skipped; a dot is the decimal mark.
  A Python / NumPy style list such as ``[[2.0, -1.0], [0.5, 1.5]]`` is read as rows too.
* **Labels**: one row per sample, either a single number (0/1 for binary, or a class index
  0..C−1) or C numbers of 0/1 (one-hot or multi-hot). One label per sample may also be written
  on a single line (``1 0 2 1``).

The CSV format (one file for both): predictions and labels side by side, one row per sample.
With a header row, the label columns are the ones named ``label``, ``labels``, ``y``,
``y_true``, ``target``, or starting with ``label_`` / ``y_`` / ``target_`` (case-insensitive);
every other column is a prediction. Without a header, the last column is the label.

Label formats: "binary" (one 0/1 label per sample, one prediction column), "class_index"
(one whole number in [0, C) per sample, C ≥ 2 prediction columns), "one_hot" (C columns of
0/1 with exactly one 1 per row) and "multi_hot" (C columns of 0/1, any number of 1s per row:
multi-label). ``detect_label_format`` picks one; ``as_labels`` applies the learner's override.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np

__all__ = [
    "LABEL_FORMATS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_TEXT_CHARS",
    "MAX_UPLOAD_BYTES",
    "Labels",
    "ParsedInput",
    "RawInput",
    "as_labels",
    "compatible_formats",
    "detect_label_format",
    "parse_csv",
    "parse_matrix",
    "parse_text",
    "read_csv",
    "read_text",
    "to_csv",
]

LABEL_FORMATS = ("binary", "class_index", "one_hot", "multi_hot")
# 5,000 samples x 50 classes keep every table and the per-sample figure fast on a 2-core server.
MAX_ROWS = 5000
MAX_COLUMNS = 50
# Each text box is written into the page address; the app's server (uvicorn/h11) rejects a request
# whose head exceeds 16 KiB, and URL-encoding grows such text by up to ~1.6x: two boxes of 3,000
# characters stay well under that. Larger data goes through the CSV upload.
MAX_TEXT_CHARS = 3000
# .streamlit/config.toml sets server.maxUploadSize = 1 (megabyte).
MAX_UPLOAD_BYTES = 1024 * 1024

_SEPARATORS = re.compile(r"[\s,;]+")
_LIST_ROW_BREAK = re.compile(r"\]\s*,?\s*\[")
_BRACKETS = str.maketrans("", "", "[]")
_LABEL_NAMES = {"label", "labels", "y", "y_true", "target", "targets"}
_LABEL_PREFIXES = ("label_", "labels_", "y_", "target_")


@dataclass(frozen=True)
class RawInput:
    """Parsed numbers before the label format is applied: predictions (N, C), labels (N, k), and
    where each label row came from ("line 3"), for error messages."""

    predictions: np.ndarray
    labels: np.ndarray
    where: tuple[str, ...]


@dataclass(frozen=True)
class Labels:
    """Labels in one of ``LABEL_FORMATS``, checked against the number of prediction columns.

    ``values`` is float 0/1 of shape (N,) for "binary", int class indices of shape (N,) for
    "class_index", and float 0/1 of shape (N, C) for "one_hot" and "multi_hot". ``detected``
    is what ``detect_label_format`` found, which differs from ``format`` after an override.
    """

    format: str
    detected: str
    values: np.ndarray
    n_classes: int

    @property
    def indices(self) -> np.ndarray:
        """Class index per sample (N,): the 0/1 label for binary, the arg-max of a one-hot row."""
        if self.format == "multi_hot":
            raise ValueError("labels in the multi_hot format have no single class index per sample")
        if self.format == "one_hot":
            return np.argmax(self.values, axis=1).astype(np.int64)
        return self.values.astype(np.int64)

    @property
    def matrix(self) -> np.ndarray:
        """0/1 targets with the predictions' shape: (N,) for binary, (N, C) otherwise."""
        if self.format == "class_index":
            return np.eye(self.n_classes)[self.values]
        return self.values.astype(np.float64)


@dataclass(frozen=True)
class ParsedInput:
    """Predictions of shape (N, C) (C = 1 for binary) and their labels."""

    predictions: np.ndarray
    labels: Labels

    @property
    def n_samples(self) -> int:
        return int(self.predictions.shape[0])

    @property
    def n_columns(self) -> int:
        return int(self.predictions.shape[1])


def read_text(
    predictions_text: str,
    labels_text: str,
    *,
    label_format: str = "auto",
    max_chars: int = MAX_TEXT_CHARS,
) -> ParsedInput:
    """Parse the two text boxes into predictions (N, C) and labels in a format.

    ``parse_text`` followed by ``as_labels``; see them for the rules.

    Parameters
    ----------
    predictions_text : str
        One row per sample, values separated by commas, spaces, tabs or semicolons.
    labels_text : str
        One row per sample (a 0/1 label, a class index, or a 0/1 row of C values), or one
        label per sample on a single line.
    label_format : {"auto", "binary", "class_index", "one_hot", "multi_hot"}
        "auto" detects the format (see ``detect_label_format``).
    max_chars : int
        Longest accepted text, per box.

    Returns
    -------
    ParsedInput

    Examples
    --------
    >>> parsed = read_text("2.0, -1.0, 0.5\\n0.1, 0.2, 3.0", "0\\n2")
    >>> parsed.predictions.shape, parsed.labels.format, parsed.labels.values.tolist()
    ((2, 3), 'class_index', [0, 2])
    """
    raw = parse_text(predictions_text, labels_text, max_chars=max_chars)
    return ParsedInput(raw.predictions, as_labels(raw.labels, raw.predictions.shape[1], label_format=label_format,
                                                  where=raw.where))


def parse_text(predictions_text: str, labels_text: str, *, max_chars: int = MAX_TEXT_CHARS) -> RawInput:
    """Parse the two text boxes into numbers, and match the label rows to the prediction rows.

    A single line of N labels for N > 1 prediction rows is read as one label per sample.

    Examples
    --------
    >>> raw = parse_text("1.5\\n-0.5\\n2.0", "1 0 1")
    >>> raw.labels.ravel().tolist(), raw.where[2]
    ([1.0, 0.0, 1.0], 'position 3 on line 1')
    """
    predictions, _ = parse_matrix(predictions_text, name="predictions", max_chars=max_chars)
    labels, label_lines = parse_matrix(labels_text, name="labels", max_chars=max_chars)
    n_samples = predictions.shape[0]
    if labels.shape[0] == 1 and n_samples > 1 and labels.shape[1] == n_samples:
        # One label per sample written on a single line: read it as a column.
        where = tuple(f"position {k + 1} on line {label_lines[0]}" for k in range(n_samples))
        labels = labels.T
    else:
        where = tuple(f"line {line}" for line in label_lines)
    if labels.shape[0] != n_samples:
        if labels.shape[0] == 1:
            found = f"one line of {labels.shape[1]} value(s)"
        else:
            found = f"{labels.shape[0]} rows"
        raise ValueError(
            f"labels have {found} but predictions have {n_samples} row(s); give one label per prediction row"
        )
    return RawInput(predictions, labels, where)


def read_csv(data, *, label_format: str = "auto", max_bytes: int = MAX_UPLOAD_BYTES) -> ParsedInput:
    """Parse one CSV file holding prediction columns and label columns.

    Parameters
    ----------
    data : bytes or str
        The file's contents, UTF-8 (a byte-order mark is allowed). The delimiter is detected
        among comma, semicolon and tab.
    label_format : {"auto", "binary", "class_index", "one_hot", "multi_hot"}
        "auto" detects the format.
    max_bytes : int
        Largest accepted file.

    Returns
    -------
    ParsedInput

    Notes
    -----
    With a header row, label columns are those named label / labels / y / y_true / target(s)
    or starting with ``label_``, ``y_``, ``target_``; all other columns are predictions.
    Without a header, the last column holds the labels.

    Examples
    --------
    >>> parsed = read_csv(b"logit,label\\n2.5,1\\n-0.5,0\\n")
    >>> parsed.predictions.ravel().tolist(), parsed.labels.format
    ([2.5, -0.5], 'binary')
    """
    raw = parse_csv(data, max_bytes=max_bytes)
    return ParsedInput(raw.predictions, as_labels(raw.labels, raw.predictions.shape[1], label_format=label_format,
                                                  where=raw.where))


def parse_csv(data, *, max_bytes: int = MAX_UPLOAD_BYTES) -> RawInput:
    """Parse a CSV file into prediction columns and label columns (see ``read_csv``).

    Examples
    --------
    >>> raw = parse_csv("p0;p1;label\\n0.5;1.5;1\\n")
    >>> raw.predictions.tolist(), raw.labels.tolist()
    ([[0.5, 1.5]], [[1.0]])
    """
    if isinstance(data, (bytes, bytearray)):
        if len(data) > max_bytes:
            raise ValueError(f"the file has {len(data):,} bytes; the limit is {max_bytes:,} bytes")
        if b"\x00" in data:
            raise ValueError("the file is not a text (CSV) file; it contains binary data")
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    elif isinstance(data, str):
        text = data.lstrip("\ufeff")
        if len(text.encode("utf-8")) > max_bytes:
            raise ValueError(f"the file has more than {max_bytes:,} bytes; the limit is {max_bytes:,} bytes")
    else:
        raise ValueError(f"data must be the file's bytes or text; got {type(data).__name__}")
    rows = _csv_rows(text)
    if not rows:
        raise ValueError("the file is empty; expected a header (optional) and one row per sample")
    header = None
    if any(not _is_number_token(cell) for cell in rows[0][1]):
        header = [cell.strip().strip('"').strip() for cell in rows[0][1]]
        rows = rows[1:]
        if not rows:
            raise ValueError("the file has a header but no data rows; expected one row per sample")
    if len(rows) > MAX_ROWS:
        raise ValueError(f"the file has {len(rows):,} data rows; the limit is {MAX_ROWS:,} rows")
    table, lines = _to_matrix(rows, name="the file", max_columns=MAX_COLUMNS * 2 + 1)
    if header is not None:
        if len(header) != table.shape[1]:
            raise ValueError(
                f"the header has {len(header)} column(s) but the data rows have {table.shape[1]}; "
                "give every row the header's number of values"
            )
        is_label = np.array([_is_label_name(name) for name in header])
        if not is_label.any():
            raise ValueError(
                f"no label column in the header {header}; name the label column 'label' "
                "(or label_0, label_1, ... for one-hot / multi-hot labels)"
            )
        if is_label.all():
            raise ValueError(f"every column in the header {header} is a label column; add prediction columns")
    else:
        if table.shape[1] < 2:
            raise ValueError(
                "each row has one value; expected prediction column(s) followed by a label column"
            )
        is_label = np.zeros(table.shape[1], dtype=bool)
        is_label[-1] = True
    predictions = table[:, ~is_label]
    labels = table[:, is_label]
    if predictions.shape[1] > MAX_COLUMNS:
        raise ValueError(
            f"the file has {predictions.shape[1]} prediction columns; the limit is {MAX_COLUMNS}"
        )
    return RawInput(predictions, labels, tuple(f"line {line}" for line in lines))


def parse_matrix(
    text: str,
    *,
    name: str = "values",
    max_chars: int = MAX_TEXT_CHARS,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Parse rows of numbers into a float64 matrix; also return each row's line number.

    Parameters
    ----------
    text : str
        Rows on lines; values separated by commas, spaces, tabs or semicolons.
    name : str
        What the text holds, used in error messages ("predictions", "labels").
    max_chars, max_rows, max_columns : int
        Limits; exceeding one raises ValueError.

    Returns
    -------
    values : ndarray, shape (rows, columns)
    lines : tuple of int
        The 1-based line of the text each row came from.

    Examples
    --------
    >>> values, lines = parse_matrix("# logits\\n1, 2\\n\\n3 4")
    >>> values.tolist(), lines
    ([[1.0, 2.0], [3.0, 4.0]], (2, 4))
    """
    if not isinstance(text, str):
        raise ValueError(f"{name} must be text; got {type(text).__name__}")
    if len(text) > max_chars:
        raise ValueError(
            f"{name} has {len(text):,} characters; the limit is {max_chars:,} "
            "(upload a CSV file for more data)"
        )
    # A Python/NumPy nested list on one line: "], [" separates rows.
    text = _LIST_ROW_BREAK.sub("\n", text).translate(_BRACKETS)
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().strip(",;").strip()
        if not stripped or stripped.startswith("#"):
            continue
        rows.append((number, _SEPARATORS.split(stripped)))
        if len(rows) > max_rows:
            raise ValueError(f"{name} has more than {max_rows:,} rows; the limit is {max_rows:,}")
    if len(rows) > 1 and all(not _is_number_token(token) for token in rows[0][1]):
        rows = rows[1:]  # a header of words
    if not rows:
        raise ValueError(f"{name} is empty; expected at least one row of numbers")
    return _to_matrix(rows, name=name, max_columns=max_columns)


def detect_label_format(labels, n_columns: int) -> str:
    """Guess the label format from the label matrix and the number of prediction columns.

    Rules, for labels of shape (N, k) and C = ``n_columns`` prediction columns:

    * k = 1 and C = 1: "binary";
    * k = 1 and C ≥ 2: "class_index";
    * k = C ≥ 2: "one_hot" if every row holds exactly one 1 (and 0s elsewhere), otherwise
      "multi_hot" (multi-label). A multi-label data set whose rows happen to have exactly one
      positive each is indistinguishable from one-hot: override the format then.

    The values themselves are checked by ``as_labels``, not here.

    Examples
    --------
    >>> detect_label_format([[0, 1, 0], [1, 0, 0]], 3), detect_label_format([[1, 0, 1]], 3)
    ('one_hot', 'multi_hot')
    """
    labels = np.asarray(labels, dtype=np.float64)
    if labels.ndim == 1:
        labels = labels[:, None]
    k = labels.shape[1]
    if k == 1:
        return "binary" if n_columns == 1 else "class_index"
    if k != n_columns:
        raise ValueError(
            f"labels have {k} values per row but predictions have {n_columns}; expected 1 label per "
            f"row (a 0/1 label or a class index) or {n_columns} (one-hot / multi-hot)"
        )
    is_binary = np.all((labels == 0) | (labels == 1))
    return "one_hot" if is_binary and np.all(labels.sum(axis=1) == 1) else "multi_hot"


def compatible_formats(labels, n_columns: int) -> tuple[str, ...]:
    """The label formats (in ``LABEL_FORMATS`` order) that ``as_labels`` accepts for these labels.

    Examples
    --------
    >>> compatible_formats([[1, 0, 0], [0, 0, 1]], 3)
    ('class_index', 'one_hot', 'multi_hot')
    >>> compatible_formats([[1, 0, 1]], 3), compatible_formats([[0], [1]], 1)
    (('multi_hot',), ('binary',))
    """
    found = []
    for label_format in LABEL_FORMATS:
        try:
            as_labels(labels, n_columns, label_format=label_format)
        except ValueError:
            continue
        found.append(label_format)
    return tuple(found)


def as_labels(labels, n_columns: int, *, label_format: str = "auto", where=None) -> Labels:
    """Check labels against the predictions' columns and return them in the requested format.

    Parameters
    ----------
    labels : array_like, shape (N,) or (N, k)
        Parsed label values.
    n_columns : int
        C, the number of prediction columns.
    label_format : {"auto", "binary", "class_index", "one_hot", "multi_hot"}
        "auto" uses ``detect_label_format``. An override converts where the meaning is the same:
        class indices become one-hot rows for "one_hot", one-hot rows become indices for
        "class_index", and one-hot rows are valid "multi_hot" rows.
    where : sequence of str, optional
        Where each row came from ("line 3"), for error messages.

    Returns
    -------
    Labels

    Examples
    --------
    >>> as_labels([[2], [0]], 3, label_format="one_hot").values.tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    if label_format != "auto" and label_format not in LABEL_FORMATS:
        raise ValueError(
            f"label_format must be 'auto' or one of {', '.join(LABEL_FORMATS)}; got {label_format!r}"
        )
    if isinstance(n_columns, bool) or not isinstance(n_columns, (int, np.integer)) or n_columns < 1:
        raise ValueError(f"n_columns must be a positive integer; got {n_columns!r}")
    labels = np.asarray(labels, dtype=np.float64)
    if labels.ndim == 1:
        labels = labels[:, None]
    if labels.ndim != 2 or labels.shape[0] == 0:
        raise ValueError(f"labels must be a non-empty (N,) or (N, k) array; got shape {labels.shape}")
    if not np.all(np.isfinite(labels)):
        raise ValueError("labels must be finite numbers; got NaN or infinity")
    where = tuple(where) if where is not None else tuple(f"row {i + 1}" for i in range(labels.shape[0]))
    detected = detect_label_format(labels, n_columns)
    chosen = detected if label_format == "auto" else label_format
    k = labels.shape[1]
    if chosen == "binary":
        if n_columns != 1 or k != 1:
            raise ValueError(
                f"binary labels need one prediction column and one label per sample; got {n_columns} "
                f"prediction column(s) and {k} label value(s) per row (for several 0/1 labels per "
                "sample choose multi-hot)"
            )
        _check_zero_one(labels, where, "binary labels must be 0 or 1")
        return Labels("binary", detected, labels[:, 0].copy(), 1)
    if n_columns < 2:
        raise ValueError(
            f"{chosen.replace('_', '-')} labels need one prediction column per class (at least 2); "
            "got 1 column (for one logit or probability per sample the labels are binary 0/1)"
        )
    if chosen == "class_index":
        if k == n_columns:
            _check_one_hot(labels, where)
            return Labels("class_index", detected, np.argmax(labels, axis=1).astype(np.int64), n_columns)
        if k != 1:
            raise ValueError(f"class indices need one label per sample; got {k} values per row")
        return Labels("class_index", detected, _check_indices(labels[:, 0], n_columns, where), n_columns)
    if chosen == "one_hot":
        if k == 1:
            indices = _check_indices(labels[:, 0], n_columns, where)
            return Labels("one_hot", detected, np.eye(n_columns)[indices], n_columns)
        _check_one_hot(labels, where)
        return Labels("one_hot", detected, labels.copy(), n_columns)
    if k != n_columns:
        raise ValueError(
            f"multi-hot labels need {n_columns} values of 0/1 per sample (one per class); got {k} per row"
        )
    _check_zero_one(labels, where, "multi-hot labels must be 0 or 1")
    return Labels("multi_hot", detected, labels.copy(), n_columns)


def to_csv(predictions, labels: Labels) -> str:
    """CSV text of predictions and labels in the format ``read_csv`` reads back exactly.

    Columns ``pred`` (binary) or ``pred_0 .. pred_{C-1}``, then ``label`` (binary, class index)
    or ``label_0 .. label_{C-1}`` (one-hot, multi-hot). Floats are written with ``repr`` so
    they round-trip bit for bit.

    Examples
    --------
    >>> print(to_csv([[2.5], [-0.5]], as_labels([1, 0], 1)), end="")
    pred,label
    2.5,1
    -0.5,0
    """
    predictions = np.asarray(predictions, dtype=np.float64)
    n_columns = predictions.shape[1]
    pred_names = ["pred"] if n_columns == 1 else [f"pred_{c}" for c in range(n_columns)]
    label_values = np.asarray(labels.values)
    if label_values.ndim == 1:
        label_names, label_rows = ["label"], label_values[:, None]
    else:
        label_names, label_rows = [f"label_{c}" for c in range(label_values.shape[1])], label_values
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(pred_names + label_names)
    for pred_row, label_row in zip(predictions, label_rows):
        writer.writerow([repr(float(v)) for v in pred_row] + [str(int(v)) for v in label_row])
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------------


def _is_number_token(token: str) -> bool:
    try:
        float(token.strip().strip('"'))
    except ValueError:
        return False
    return True


def _is_label_name(name: str) -> bool:
    name = name.strip().lower()
    return name in _LABEL_NAMES or name.startswith(_LABEL_PREFIXES)


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else None
    rows = []
    if delimiter is None:
        for number, line in enumerate(lines, start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                rows.append((number, line.split()))
        return rows
    reader = csv.reader(lines, delimiter=delimiter)
    for number, cells in enumerate(reader, start=1):
        if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
            continue
        while len(cells) > 1 and not cells[-1].strip():
            cells = cells[:-1]  # a trailing delimiter
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:
            raise ValueError(f"the file has more than {MAX_ROWS:,} data rows; the limit is {MAX_ROWS:,}")
    return rows


def _to_matrix(rows, *, name: str, max_columns: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Check the row lengths, then convert every token at once (fast path) or find the bad one."""
    first_line, first = rows[0]
    width = len(first)
    if width > max_columns:
        raise ValueError(
            f"{name}, line {first_line}: {width} values in a row; the limit is {max_columns} columns"
        )
    for line, tokens in rows:
        if len(tokens) != width:
            raise ValueError(
                f"{name}, line {line}: {len(tokens)} value(s) but line {first_line} has {width}; "
                "every row needs the same number of values"
            )
    flat = [token.strip().strip('"').strip() for _, tokens in rows for token in tokens]
    try:
        values = np.array(flat, dtype=np.float64)
    except ValueError:
        values = None
    if values is None or not np.all(np.isfinite(values)):
        for line, tokens in rows:
            for token in tokens:
                _check_token(token.strip().strip('"').strip(), name, line)
    return values.reshape(len(rows), width), tuple(line for line, _ in rows)


def _check_token(token: str, name: str, line: int) -> None:
    shown = token if len(token) <= 20 else token[:17] + "..."
    try:
        value = float(token)
    except ValueError:
        raise ValueError(
            f"{name}, line {line}: {shown!r} is not a number; expected numbers separated by commas, "
            "spaces, tabs or semicolons, with a dot as the decimal mark"
        ) from None
    if not np.isfinite(value):
        what = "NaN" if np.isnan(value) else "infinite"
        raise ValueError(
            f"{name}, line {line}: {shown!r} is {what}; every value must be a finite number"
        )


def _check_zero_one(labels: np.ndarray, where, message: str) -> None:
    bad = (labels != 0) & (labels != 1)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"{message}; got {labels[row, col]:g} on {where[row]}")


def _check_one_hot(labels: np.ndarray, where) -> None:
    _check_zero_one(labels, where, "one-hot labels must be 0 or 1")
    ones = labels.sum(axis=1)
    bad = np.flatnonzero(ones != 1)
    if bad.size:
        row = bad[0]
        raise ValueError(
            f"one-hot labels need exactly one 1 per row; got {int(ones[row])} on {where[row]} "
            "(for several labels per sample choose multi-hot)"
        )


def _check_indices(values: np.ndarray, n_classes: int, where) -> np.ndarray:
    fractional = np.flatnonzero(values != np.round(values))
    if fractional.size:
        row = fractional[0]
        raise ValueError(
            f"class indices must be whole numbers 0 to {n_classes - 1}; got {values[row]:g} on {where[row]}"
        )
    negative = np.flatnonzero(values < 0)
    if negative.size:
        row = negative[0]
        raise ValueError(
            f"class indices start at 0; got {values[row]:g} on {where[row]} "
            f"(with {n_classes} prediction columns the classes are 0 to {n_classes - 1})"
        )
    too_large = np.flatnonzero(values >= n_classes)
    if too_large.size:
        row = too_large[0]
        raise ValueError(
            f"class index {values[row]:g} on {where[row]} is out of range: with {n_classes} prediction "
            f"columns the classes are 0 to {n_classes - 1}"
        )
    return values.astype(np.int64)

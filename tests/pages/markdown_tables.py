"""The tables a page drew with ``lossviz.ui.table`` (Markdown tables), read back as columns."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
_ESCAPE = re.compile(r"\\(.)")


def markdown_tables(at: AppTest) -> list[dict[str, list[str]]]:
    """Every Markdown table on the page, in order: header -> the column's cells as shown."""
    tables = []
    for element in at.markdown:
        lines = element.value.split("\n")
        if len(lines) < 2 or not lines[0].startswith("| ") or not set(lines[1]) <= set("| -"):
            continue
        rows = [[_ESCAPE.sub(r"\1", cell.strip()) for cell in _CELL_SEPARATOR.split(line)[1:-1]] for line in lines]
        header, body = rows[0], rows[2:]
        tables.append({name: [row[i] for row in body] for i, name in enumerate(header)})
    return tables

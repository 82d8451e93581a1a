"""Cells for every spreadsheet the project writes (openpyxl, write-only sheets).

Text is always written as text. openpyxl turns a string that starts with "=" into a
formula, and Excel or WPS evaluates a cell that starts with "+", "-", "@", a tab or a
carriage return as one once someone edits it: a region named `=HYPERLINK(...)` became a
live link in the leaders' export. So every string cell is stored as a string, and one
that could be read as a formula also carries the quote-prefix flag (the leading
apostrophe Excel shows), which keeps it text when edited. The value itself is not
altered. Control characters that the file format cannot hold are dropped instead of
failing the whole export."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def cell(sheet: Any, value: Any, *, number_format: str | None = None, bold: bool = False) -> Cell:
    """One cell; the only way exports should put a value in a sheet."""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        result = WriteOnlyCell(sheet, value=None)
        result.value = text
        result.data_type = "s"  # never "f", whatever the text starts with
        if looks_like_formula(text):
            result.quotePrefix = True
    else:
        result = WriteOnlyCell(sheet, value=value)
    if number_format:
        result.number_format = number_format
    if bold:
        result.font = Font(bold=True)
    return result


def row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for sheet.append(); values that already are cells pass through."""
    return [v if isinstance(v, Cell) else cell(sheet, v) for v in values]

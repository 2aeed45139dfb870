"""CSV cells that a spreadsheet will not run (OWASP "CSV injection").

A cell beginning with ``= + - @``, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (``=cmd|' /C calc'!A0``). Text from the public
(chatbot reports, imported entries) ends up in curator exports, so every exported text
cell starting with one of them gets a leading ``'``, which spreadsheets show as text.
``cell_unescape`` undoes it when such a file is imported again.

Workbooks need no escaping: `xlsx` writes every text cell as text, so a cell beginning
with ``=`` is shown as it is and never computed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def row(values: dict | list) -> dict | list:
    if isinstance(values, dict):
        return {k: cell(v) for k, v in values.items()}
    return [cell(v) for v in values]


def cell_unescape(value: Any) -> Any:
    if isinstance(value, str) and value[:1] == "'" and value[1:2]:
        return value[1:] if value[1] in FORMULA_PREFIXES else value
    return value


def xlsx(sheet: str, header: list[str], rows: Iterable[list]) -> bytes:
    """An Excel workbook of one sheet: the header, then the rows. Text cells are
    written as text (never formulas); control characters a workbook cannot hold
    are dropped."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(header)
    for values in rows:
        cells = []
        for value in values:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            written = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                written.data_type = "s"
            cells.append(written)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

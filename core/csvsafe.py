"""CSV cells that a spreadsheet will not run (OWASP "CSV injection").

A cell beginning with ``= + - @``, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (``=cmd|' /C calc'!A0``). Text from the public
(chatbot reports, imported entries) ends up in curator exports, so every exported text
cell starting with one of them gets a leading ``'``, which spreadsheets show as text.
``cell_unescape`` undoes it when such a file is imported again.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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

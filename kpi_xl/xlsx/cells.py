"""Cell references, defined names and the layout map of a generated workbook.

The layout map records where every engine number lives (``("monthly", "calls",
"2026-04") → "'カレンダー'!$F$12"``), so tests can compare a recalculated workbook with the
engine cell by cell and the reader can find inputs again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def a1(row: int, col: int, absolute: bool = False) -> str:
    letter = get_column_letter(col)
    return f"${letter}${row}" if absolute else f"{letter}{row}"


def ref(sheet: str, row: int, col: int) -> str:
    """An absolute reference to one cell on ``sheet``."""
    return f"{quote(sheet)}!{a1(row, col, True)}"


def span(sheet: str | None, row1: int, col1: int, row2: int, col2: int) -> str:
    """An absolute range, on ``sheet`` or (None) the formula's own sheet."""
    rng = f"{a1(row1, col1, True)}:{a1(row2, col2, True)}"
    return f"{quote(sheet)}!{rng}" if sheet else rng


def name_for(key: str) -> str:
    """The defined name of an input: in_<key> (letters, digits, underscores)."""
    return "in_" + "".join(c if c.isalnum() else "_" for c in key)


@dataclass
class Layout:
    """Where things are in the workbook: keys → absolute references."""

    cells: dict[tuple[str, ...], str] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)

    def put(self, key: tuple[str, ...], sheet: str, row: int, col: int) -> str:
        self.cells[key] = ref(sheet, row, col)
        return self.cells[key]


def define(wb: Workbook, name: str, target: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=target)

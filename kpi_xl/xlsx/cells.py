"""Cell references, defined names and the layout map of a generated workbook.

The layout map records where every engine number lives (``("monthly", "calls",
"2026-04") → "'カレンダー'!$F$12"``), so tests can compare a recalculated workbook with the
engine cell by cell and the reader can find inputs again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet


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
    names: set[str] = field(default_factory=set)  # defined names given out, case-folded

    def unique_name(self, name: str) -> str:
        """``name``, or ``name_2`` …: Excel treats names that differ only by case as one."""
        candidate, n = name, 1
        while candidate.casefold() in self.names:
            n += 1
            candidate = f"{name}_{n}"
        self.names.add(candidate.casefold())
        return candidate

    def put(self, key: tuple[str, ...], sheet: str, row: int, col: int) -> str:
        self.cells[key] = ref(sheet, row, col)
        return self.cells[key]


def define(wb: Workbook, name: str, target: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=target)


def text_cell(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write ``value`` as text, never as a formula: a rep named ``=1+1`` or a label from a
    user's template stays what was typed."""
    cell = ws.cell(row, col, None if value is None else ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    if value is not None:
        cell.data_type = "s"
    return cell


def rectangles(cells: list[tuple[int, int]]) -> list[str]:
    """A set of (row, column) cells as few A1 rectangles: runs along each row, then runs of
    rows with the same columns stacked (so a conditional format lists areas, not cells)."""
    runs: dict[tuple[int, int], list[int]] = {}  # (first col, last col) → rows
    by_row: dict[int, list[int]] = {}
    for row, col in cells:
        by_row.setdefault(row, []).append(col)
    for row, cols in sorted(by_row.items()):
        cols.sort()
        start = prev = cols[0]
        for col in [*cols[1:], None]:
            if col is not None and col == prev + 1:
                prev = col
                continue
            runs.setdefault((start, prev), []).append(row)
            if col is not None:
                start = prev = col
    out = []
    for (c1, c2), rows in runs.items():
        top = last = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == last + 1:
                last = row
                continue
            out.append(f"{a1(top, c1)}:{a1(last, c2)}" if (top, c1) != (last, c2) else a1(top, c1))
            if row is not None:
                top = last = row
    return out

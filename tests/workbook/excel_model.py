"""A second evaluator with Excel's own semantics: the `formulas` package (PyPI) computes a
saved workbook in Python, with Excel's functions and error rules, independently of
LibreOffice (whose ROUNDUP, say, is wrong above ~1e11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook


def excel_values(path: Path, layout, expected: dict) -> dict[tuple[str, ...], Any]:
    """Every layout key's value as the `formulas` package computes the workbook at ``path``
    (inputs, which it does not list, are read as typed)."""
    import formulas
    import numpy as np

    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    computed: dict[tuple[str, str], Any] = {}
    for key, value in solution.items():
        if "!" in key and hasattr(value, "value"):
            sheet, cell = key.split("]", 1)[1].rsplit("!", 1)
            raw = value.value
            computed[(sheet.strip("'").upper(), cell)] = raw[0, 0] if hasattr(raw, "shape") else raw
    typed = load_workbook(path)
    out = {}
    for key, where in layout.cells.items():
        sheet, cell = where.rsplit("!", 1)
        sheet, cell = sheet.strip("'").replace("''", "'"), cell.replace("$", "")
        value = computed.get((sheet.upper(), cell), typed[sheet][cell].value)
        if isinstance(value, np.generic):
            value = value.item()
        if str(value) in ("", "empty"):
            value = None
        elif isinstance(expected.get(key), dt.date) and isinstance(value, (int, float)):
            value = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # a date serial
        out[key] = value if not hasattr(value, "code") else str(value)  # formulas' XlError → "#DIV/0!"
    return out

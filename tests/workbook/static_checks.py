"""Checks on a generated workbook that need no recalculation: what Excel 2016 would refuse
or get wrong although LibreOffice accepts it."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula

# Excel 2016 worksheet functions the workbooks may use (every one exists since Excel 2007,
# but ISOWEEKNUM, which came with Excel 2013 and must be written _xlfn.ISOWEEKNUM)
EXCEL_2016 = {"ABS", "AND", "AVERAGE", "AVERAGEIFS", "COLUMN", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "DATE",
              "EOMONTH", "IF", "IFERROR", "INDEX", "INT", "ISNA", "ISNUMBER", "LEFT", "LOG10", "MATCH", "MAX", "MIN",
              "MONTH", "N", "NA", "NETWORKDAYS", "OR", "POWER", "RANK", "ROUND", "ROUNDUP", "ROW", "SIGN", "SUM",
              "SUMIF", "SUMIFS", "SUMPRODUCT", "TEXT", "WEEKDAY", "WORKDAY", "YEAR", "ISOWEEKNUM"}
FUTURE = {"ISOWEEKNUM"}  # need the _xlfn. prefix in the file
VOLATILE = {"TODAY", "NOW", "OFFSET", "INDIRECT", "RAND", "RANDBETWEEN", "CELL", "INFO"}
MAX_LENGTH, MAX_NESTING, MAX_AREAS = 8192, 64, 40


def formula_texts(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                text = value.text if isinstance(value, ArrayFormula) else value
                if isinstance(text, str) and text.startswith("=") and cell.data_type != "s":
                    yield f"{ws.title}!{cell.coordinate}", text


def excel_problems(path: Path, allowed_extra: frozenset[str] = frozenset()) -> list[str]:
    """Everything in the file Excel 2016 would choke on, one line each."""
    wb = load_workbook(path)
    problems = []
    for where, text in formula_texts(wb):
        bare = re.sub(r'"[^"]*"', '""', text)  # string literals may say anything
        bare = re.sub(r"'[^']*'!", "S!", bare)  # so may quoted sheet names
        for name in re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\(", bare):
            plain = name.removeprefix("_xlfn.").upper()
            if plain in VOLATILE:
                problems.append(f"{where}: volatile {plain}")
            elif plain not in EXCEL_2016 and plain not in allowed_extra:
                problems.append(f"{where}: {name} is not an Excel 2016 function")
            elif plain in FUTURE and not name.startswith("_xlfn."):
                problems.append(f"{where}: {name} must be written _xlfn.{plain}")
        if "[" in bare:
            problems.append(f"{where}: external reference")
        if len(text) > MAX_LENGTH:
            problems.append(f"{where}: {len(text)} characters (Excel allows {MAX_LENGTH})")
        depth = deepest = 0
        for char in bare:
            depth += {"(": 1, ")": -1}.get(char, 0)
            deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            problems.append(f"{where}: nested {deepest} deep (Excel allows {MAX_NESTING})")
    folded: dict[str, str] = {}
    for name in wb.defined_names:
        if name.casefold() in folded:
            problems.append(f"defined names {folded[name.casefold()]} and {name} differ only by case")
        folded[name.casefold()] = name
    for ws in wb.worksheets:
        for rng in ws.conditional_formatting:
            areas = len(str(rng.sqref).split())
            if areas > MAX_AREAS:
                problems.append(f"{ws.title}: a conditional format over {areas} separate areas")
    if wb._external_links:
        problems.append("external links")
    return problems

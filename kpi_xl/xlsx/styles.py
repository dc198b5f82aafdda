"""Look and number formats of generated workbooks (inputs yellow, headers navy, ¥ and %)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.diagnosis import STATUS_DECIMALS
from kpi_xl.engine.tree import Kind
from kpi_xl.engine.values import display_width

YEN = '[$¥-411]#,##0'
COUNT = '#,##0'
RATE = '0.0%'
RATIO = '#,##0.00'
DATE = 'yyyy-mm-dd'
MONTH = 'yyyy-mm'
MAN_YEN = '0\\.0,"万円"'  # LibreOffice and Excel both read the escaped point; 1.2億 → 12000.0万円
OKU_YEN = '0\\.00,,"億円"'
FORMATS = {Kind.AMOUNT: YEN, Kind.COUNT: COUNT, Kind.RATE: RATE, Kind.RATIO: RATIO}

NAVY = "1F4E78"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
FONT = "Calibri"  # named, so a date in a header does not fall back to a serif font
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
TITLE_FONT = Font(name=FONT, bold=True, size=14, color=NAVY)
BOLD = Font(bold=True)
NOTE_FONT = Font(italic=True, color="595959", size=9)
KEY_FONT = Font(color="BFBFBF", size=8)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)

RED = DifferentialStyle(fill=PatternFill("solid", bgColor="FFC7CE", fgColor="FFC7CE"),
                        font=Font(color="9C0006"))
AMBER = DifferentialStyle(fill=PatternFill("solid", bgColor="FFEB9C", fgColor="FFEB9C"),
                          font=Font(color="9C5700"))
GREEN = DifferentialStyle(fill=PatternFill("solid", bgColor="C6EFCE", fgColor="C6EFCE"),
                          font=Font(color="006100"))
MARKER = DifferentialStyle(font=Font(bold=True, color="7030A0"),
                           fill=PatternFill("solid", bgColor="E4DFEC", fgColor="E4DFEC"))


def fmt(kind: Kind) -> str:
    return FORMATS[kind]


def title(ws: Worksheet, text: str, note: str | None = "") -> None:
    """The sheet's title in B1 and a note in B2, both written as text (they may carry file names)."""
    for ref, value, font in (("B1", text, TITLE_FONT), ("B2", note, NOTE_FONT)):
        if value:
            ws[ref].value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            ws[ref].data_type = "s"
            ws[ref].font = font


def header(ws: Worksheet, row: int, col: int, values: list[str]) -> None:
    ws.row_dimensions[row].height = 30
    for i, value in enumerate(values):
        cell = ws.cell(row, col + i, value)
        if isinstance(value, str) and value:
            cell.data_type = "s"  # a header is never a formula, whatever a template calls a metric
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = BOX


def as_input(cell, number_format: str | None = None) -> None:
    """Make ``cell`` look like an input and leave it unlocked under sheet protection."""
    cell.fill = INPUT_FILL
    cell.protection = UNLOCKED
    cell.border = BOX
    if number_format:
        cell.number_format = number_format


def key_column(ws: Worksheet) -> None:
    """Column A holds machine keys used to read the workbook back; keep it narrow and grey."""
    ws.column_dimensions["A"].width = 3
    ws.column_dimensions["A"].hidden = True


def protect(ws: Worksheet) -> None:
    """Protect the sheet without a password (formulas cannot be typed over by accident) and
    set it up for printing."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    page_setup(ws)


def repeat_on_pages(ws: Worksheet, header_row: int, label_cols: str = "A:C") -> None:
    """Print the title and header rows, and the label columns, on every page."""
    ws.print_title_rows = f"1:{header_row}"
    ws.print_title_cols = label_cols


def repeat_first_header(ws: Worksheet, within: int = 12) -> None:
    """Print the rows down to the sheet's first table header (within its first rows) on every
    page, so a long table's later pages still say what each column is."""
    for row in range(1, min(within, ws.max_row) + 1):
        if any(cell.fill == HEADER_FILL for cell in ws[row]):
            ws.print_title_rows = f"1:{row}"
            return


def page_setup(ws: Worksheet) -> None:
    """Print landscape on A4, one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def traffic_lights(ws: Worksheet, area: str, ach: str, warn: str) -> None:
    """Colour ``area`` by the achievement in ``ach``: red below ``warn``, amber up to 100%,
    green from 100%; a blank achievement stays white."""
    value = f"ROUND({ach},{STATUS_DECIMALS})"  # as the status words judge it
    for style, test in ((RED, f"{value}<{warn}"), (AMBER, f"AND({value}>={warn},{value}<1)"), (GREEN, f"{value}>=1")):
        ws.conditional_formatting.add(area, Rule(type="expression", formula=[f"AND(ISNUMBER({ach}),{test})"],
                                                 dxf=style))  # one shared style: saving dedupes by identity


LINE_HEIGHT = 15  # points per line of 10–11 pt text


def wrapped_height(text: str, width: float) -> float:
    """The row height that shows ``text`` wrapped in a column ``width`` characters wide (a
    full-width character takes two); set explicitly, as spreadsheet apps do not always grow a
    row for wrapped text in a file they open."""
    return LINE_HEIGHT * max(1, math.ceil(display_width(text) / max(1.0, width - 2)))


def width_for(values: Iterable[tuple[Kind, float]], least: float = 11) -> float:
    """A column width that shows every (kind, value) without ### (digits, separators, ¥)."""
    widest = 0
    for kind, value in values:
        text = f"¥{value:,.0f}" if kind is Kind.AMOUNT else f"{value:,.1f}%" if kind is Kind.RATE else f"{value:,.0f}"
        widest = max(widest, len(text))
    return max(least, widest * 1.2 + 2)

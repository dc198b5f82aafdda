"""The report's 失注理由 / Loss reasons sheet: lost deals per reason, in the month and the
fiscal year to date, with shares as live formulas, and per rep × reason."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.i18n import label
from kpi_xl.report.figures import MonthlyReport
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, text_cell

FIRST = 5


def write_losses(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout) -> None:
    table = report.losses
    if table is None:
        styles.title(ws, label("sheet_losses", lang), label("losses_none", lang))
        return
    styles.title(ws, label("losses_title", lang, month=report.month))
    styles.header(ws, FIRST - 1, 2, label("losses_cols", lang).split("|"))
    last = FIRST + len(table.reasons) - 1
    for i, reason in enumerate(table.reasons):
        r = FIRST + i
        text_cell(ws, r, 2, reason.reason or label("no_reason", lang))
        ws.cell(r, 3, reason.month)
        ws.cell(r, 4, f'=IF(SUM(C${FIRST}:C${last})=0,"",C{r}/SUM(C${FIRST}:C${last}))').number_format = "0.0%"
        ws.cell(r, 5, reason.ytd)
        ws.cell(r, 6, f'=IF(SUM(E${FIRST}:E${last})=0,"",E{r}/SUM(E${FIRST}:E${last}))').number_format = "0.0%"
        layout.put(("losses", reason.reason), ws.title, r, 3)
    total = last + 1
    ws.cell(total, 2, label("total_row", lang)).font = styles.BOLD
    for col in (3, 5):
        letter = get_column_letter(col)
        ws.cell(total, col, f"=SUM({letter}{FIRST}:{letter}{last})").font = styles.BOLD
    layout.put(("losses", "total"), ws.title, total, 3)
    _by_rep(ws, report, lang, layout, total + 2)
    for col, width in zip("BCDEF", (28, 10, 12, 10, 12)):
        ws.column_dimensions[col].width = width


def _by_rep(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout, top: int) -> None:
    table = report.losses
    assert table is not None
    reasons = [r.reason for r in table.reasons]
    ws.cell(top, 2, label("losses_by_rep", lang)).font = styles.BOLD
    styles.header(ws, top + 1, 2, [label("rep", lang), *[r or label("no_reason", lang) for r in reasons]])
    for i, (owner, counts) in enumerate(table.by_rep.items()):
        r = top + 2 + i
        text_cell(ws, r, 2, owner)
        for j, reason in enumerate(reasons):
            ws.cell(r, 3 + j, counts.get(reason, 0))
            layout.put(("losses_rep", owner, reason), ws.title, r, 3 + j)

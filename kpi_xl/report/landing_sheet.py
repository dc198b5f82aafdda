"""The landing block (着地見込み) the サマリー and 週次 sheets show: each KPI's actual so far,
its P50 with the P10–P90 range, the month's target and the chance of reaching it; for wins
and revenue the open deals' weighted view beside it; the lever that most raises the chance."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.landing import Landing
from kpi_xl.i18n import label
from kpi_xl.report.figures import MonthlyReport
from kpi_xl.report.landing_text import lever_line
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, text_cell

MIN_WIDTH = 14


def write_landing(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout, row: int, scope: str) -> int:
    """The block from ``row``; the next free row."""
    got = report.landing
    if got is None or not got.lines:
        return row
    tree = report.plan.spec.template.tree
    ws.cell(row, 2, label("landing_title", lang, asof=got.as_of.isoformat(), elapsed=got.elapsed,
                          bd=got.business_days)).font = styles.BOLD
    styles.header(ws, row + 1, 2, label("landing_cols", lang).split("|"))
    targets = dict(zip(report.metrics, (line.target for line in report.month_lines)))
    r = row + 2
    for metric, line in got.lines.items():
        number = styles.fmt(tree.metrics[metric].kind)
        text_cell(ws, r, 2, tree.metrics[metric].label(lang))
        _numbers(ws, r, 3, line, number)
        ws.cell(r, 7, targets.get(metric)).number_format = number
        ws.cell(r, 8, line.probability).number_format = "0%"
        deals = got.pipeline.get(metric)
        if deals is not None:
            for col, value in ((9, deals.expected), (10, deals.low), (11, deals.high)):
                ws.cell(r, col, value).number_format = number
        layout.put((scope, "landing", metric), ws.title, r, 4)
        r += 1
    for col in "CDEFGHIJK":  # wide enough for ¥ amounts (the 週次 sheet's own columns are narrower)
        ws.column_dimensions[col].width = max(ws.column_dimensions[col].width or 0, MIN_WIDTH)
    for note in _notes(report, lang):
        text_cell(ws, r, 2, note).font = styles.NOTE_FONT
        r += 1
    return r + 1


def _numbers(ws: Worksheet, r: int, col: int, line: Landing, number: str) -> None:
    for offset, value in enumerate((line.actual, line.expected, line.low, line.high)):
        ws.cell(r, col + offset, value).number_format = number


def _notes(report: MonthlyReport, lang: str) -> list[str]:
    lever = lever_line(report, lang)
    notes = [lever] if lever else []
    notes.append(label("landing_note", lang))
    if report.landing.pipeline:
        notes.append(label("landing_deals_note", lang))
    return notes

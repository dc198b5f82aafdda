"""The report's 週次 / Weekly sheet: the month's ISO weeks, each stage's actual beside the
plan's weekly target, achievement as a live formula (one row per week and KPI, so the
sheet reads and prints narrow)."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.i18n import label
from kpi_xl.report.figures import MonthlyReport
from kpi_xl.report.landing_sheet import write_landing
from kpi_xl.xlsx import formulas, styles
from kpi_xl.xlsx.cells import Layout, a1, text_cell

FIRST_ROW = 5
WARN = "$C$3"  # the summary's warn threshold, on the Summary sheet


def write_weeks(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout) -> None:
    tree = report.plan.spec.template.tree
    styles.title(ws, label("weeks_report_title", lang, month=report.month))
    header = [*label("weeks_report_cols", lang).split("|"), "KPI", label("actual_word", lang),
              label("target_word", lang), label("row_achievement", lang)]
    styles.header(ws, FIRST_ROW - 1, 2, header)
    warn = f"'{label('sheet_summary', lang)}'!{WARN}"
    r = FIRST_ROW
    for week in report.weeks:
        text_cell(ws, r, 2, week.key).font = styles.BOLD
        ws.cell(r, 3, week.start).number_format = styles.DATE
        ws.cell(r, 4, week.end).number_format = styles.DATE
        ws.cell(r, 5, week.business_days)
        for line in week.lines:
            metric = tree.metrics[line.metric]
            text_cell(ws, r, 6, metric.label(lang))
            ws.cell(r, 7, line.actual).number_format = styles.fmt(metric.kind)
            ws.cell(r, 8, line.target).number_format = styles.fmt(metric.kind)
            ach = formulas.achievement(a1(r, 7), a1(r, 8), metric.higher_is_better)
            ws.cell(r, 9, "=" + ach).number_format = "0.0%"
            styles.traffic_lights(ws, f"F{r}:I{r}", f"$I{r}", warn)
            layout.put(("weeks", week.key, line.metric), ws.title, r, 7)
            r += 1
    for col, width in zip("BCDEFGHI", (11, 12, 12, 9, 22, 14, 14, 12)):
        ws.column_dimensions[col].width = width
    write_landing(ws, report, lang, layout, r + 1, "weeks")
    ws.freeze_panes = ws.cell(FIRST_ROW, 6)

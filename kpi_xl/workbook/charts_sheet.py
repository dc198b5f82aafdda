"""The グラフ / Charts sheet: the funnel (plan-period target vs actual to date per stage, on
a log scale) and the monthly KGI trend. The charts read a hidden data sheet where a missing
actual is #N/A (a gap in the chart, not a zero); the tables a user reads show blanks."""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.plan import Plan
from kpi_xl.i18n import label
from kpi_xl.workbook.actuals_sheet import ActualsSheet
from kpi_xl.workbook.calendar_sheet import CalendarSheet
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import text_cell
from kpi_xl.xlsx.charts import bar_chart, straighten

TREND_TOP = 20


def write_charts(ws: Worksheet, data: Worksheet, plan: Plan, lang: str, totals: dict[str, str],
                 actuals: ActualsSheet, month_header: list[str], cal: CalendarSheet) -> None:
    tree = plan.spec.template.tree
    styles.key_column(ws)
    styles.title(ws, label("charts_title", lang))
    for col, width in zip("BCD", (22, 16, 16)):
        ws.column_dimensions[col].width = width
    counts = [s for s in plan.stages if tree.metrics[s].is_count]
    styles.header(ws, 4, 2, [label("stage", lang), label("target_word", lang), label("actual_word", lang)])
    styles.header(data, 1, 1, [label("stage", lang), label("target_word", lang), label("actual_word", lang)])
    for i, stage in enumerate(counts):
        actual = actuals.period_cell(stage, "todate") if stage in actuals.row_of else None
        text_cell(ws, 5 + i, 2, tree.metrics[stage].label(lang))
        ws.cell(5 + i, 3, f"={totals[stage]}").number_format = styles.COUNT
        ws.cell(5 + i, 4, f'=IF(ISNUMBER({actual}),{actual},"")' if actual else None).number_format = styles.COUNT
        text_cell(data, 2 + i, 1, tree.metrics[stage].label(lang))
        for col, source in ((2, f"C{5 + i}"), (3, f"D{5 + i}")):  # log scale: a zero or blank is a gap
            data.cell(2 + i, col, f"=IF(AND(ISNUMBER('{ws.title}'!{source}),'{ws.title}'!{source}>0),"
                                  f"'{ws.title}'!{source},NA())")
    funnel = bar_chart(label("funnel_chart", lang), log=True)
    funnel.add_data(Reference(data, min_col=2, max_col=3, min_row=1, max_row=1 + len(counts)), titles_from_data=True)
    funnel.set_categories(Reference(data, min_col=1, min_row=2, max_row=1 + len(counts)))
    funnel.y_axis.numFmt = styles.COUNT
    ws.add_chart(funnel, "F4")
    _trend(ws, data, plan, lang, actuals, month_header, cal)
    data.sheet_state = "hidden"
    styles.protect(ws)


def _trend(ws: Worksheet, data: Worksheet, plan: Plan, lang: str, actuals: ActualsSheet,
           month_header: list[str], cal: CalendarSheet) -> None:
    """The KGI per plan month: target and actual (a gap where nothing is typed yet)."""
    target = plan.spec.template.tree.metrics[plan.reverse.target]
    fmt = styles.fmt(target.kind)
    names = [label("month", lang), f"{target.label(lang)} {label('target_word', lang)}",
             f"{target.label(lang)} {label('actual_word', lang)}"]
    styles.header(ws, TREND_TOP, 2, names)
    top = 20
    styles.header(data, top, 1, names)
    fiscal = list(range(plan.lead_in, len(plan.months)))  # the KGI's months (no lead-in)
    for i, month in enumerate(fiscal):
        r, d = TREND_TOP + 1 + i, top + 1 + i
        actual = actuals.cell(target.id, month) if target.id in actuals.row_of else None
        ws.cell(r, 2, f"={month_header[month]}").number_format = styles.MONTH
        ws.cell(r, 3, f"={cal.plan_month_cell(target.id, month)}").number_format = fmt
        ws.cell(r, 4, f'=IF(ISNUMBER({actual}),{actual},"")' if actual else None).number_format = fmt
        data.cell(d, 1, f"='{ws.title}'!B{r}").number_format = styles.MONTH
        data.cell(d, 2, f"='{ws.title}'!C{r}")
        data.cell(d, 3, f"=IF(ISNUMBER('{ws.title}'!D{r}),'{ws.title}'!D{r},NA())")
    trend = LineChart()
    trend.title = label("trend_chart", lang)
    trend.add_data(Reference(data, min_col=2, max_col=3, min_row=top, max_row=top + len(fiscal)),
                   titles_from_data=True)
    trend.set_categories(Reference(data, min_col=1, min_row=top + 1, max_row=top + len(fiscal)))
    trend.display_blanks = "gap"
    trend.y_axis.numFmt = fmt
    trend.x_axis.number_format = styles.MONTH
    straighten(trend)
    trend.height, trend.width = 8, 18
    ws.add_chart(trend, f"F{TREND_TOP}")

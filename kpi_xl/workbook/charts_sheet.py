"""The グラフ / Charts sheet: funnel (year target vs actual per stage) and the monthly KGI trend."""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.plan import Plan
from kpi_xl.i18n import label
from kpi_xl.xlsx import styles


def write_charts(ws: Worksheet, plan: Plan, lang: str, stage_cell: dict[str, str],
                 stage_actual: dict[str, str], months: list[str], kgi_month: list[str],
                 kgi_actual: list[str] | None) -> None:
    tree = plan.spec.template.tree
    styles.key_column(ws)
    styles.title(ws, label("charts_title", lang))
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 14
    counts = [s for s in plan.stages if tree.metrics[s].is_count]
    styles.header(ws, 4, 2, [label("stage", lang), label("target_word", lang), label("actual_word", lang)])
    for i, stage in enumerate(counts):
        r = 5 + i
        ws.cell(r, 2, tree.metrics[stage].label(lang))
        ws.cell(r, 3, f"={stage_cell[stage]}").number_format = styles.COUNT
        if stage in stage_actual:
            ws.cell(r, 4, f'=IF({stage_actual[stage]}="",NA(),{stage_actual[stage]})').number_format = styles.COUNT
    funnel = BarChart()
    funnel.type = "bar"
    funnel.title = label("funnel_chart", lang)
    funnel.add_data(Reference(ws, min_col=3, max_col=4, min_row=4, max_row=4 + len(counts)), titles_from_data=True)
    funnel.set_categories(Reference(ws, min_col=2, min_row=5, max_row=4 + len(counts)))
    funnel.x_axis.scaling.orientation = "maxMin"
    funnel.y_axis.numFmt = styles.COUNT
    funnel.y_axis.scaling.logBase = 10  # stages span orders of magnitude (120 deals, 40,000 calls)
    funnel.height, funnel.width = 8, 18
    ws.add_chart(funnel, "F4")

    top = 6 + max(len(counts), 14)
    target = tree.metrics[plan.reverse.target]
    styles.header(ws, top, 2, [label("month", lang), f"{target.label(lang)} {label('target_word', lang)}",
                               f"{target.label(lang)} {label('actual_word', lang)}"])
    for i, month in enumerate(months):
        r = top + 1 + i
        ws.cell(r, 2, f"={month}").number_format = styles.MONTH
        ws.cell(r, 3, f"={kgi_month[i]}").number_format = styles.fmt(target.kind)
        if kgi_actual:
            ws.cell(r, 4, f'=IF({kgi_actual[i]}="",NA(),{kgi_actual[i]})').number_format = styles.fmt(target.kind)
    trend = LineChart()
    trend.title = label("trend_chart", lang)
    trend.add_data(Reference(ws, min_col=3, max_col=4, min_row=top, max_row=top + len(months)),
                   titles_from_data=True)
    trend.set_categories(Reference(ws, min_col=2, min_row=top + 1, max_row=top + len(months)))
    trend.y_axis.numFmt = styles.fmt(target.kind)
    trend.x_axis.number_format = styles.MONTH
    trend.height, trend.width = 8, 18
    ws.add_chart(trend, f"F{top}")
    grey = Font(color="BFBFBF")
    ws.conditional_formatting.add(f"D5:D{top + len(months)}", FormulaRule(formula=["ISNA(D5)"], font=grey))
    styles.protect(ws)

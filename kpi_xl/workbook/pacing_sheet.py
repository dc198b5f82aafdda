"""The ペース / Pacing sheet: where the team should be by the as-of date in its month."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.plan import Plan
from kpi_xl.i18n import label
from kpi_xl.workbook.inputs_sheet import InputRefs
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, a1, text_cell

MAX_BUSINESS_DAYS = 23
HEAD = 10  # the header row of the stage table


def write_pacing(ws: Worksheet, plan: Plan, refs: InputRefs, layout: Layout, lang: str,
                 month_row: str, bd_row: str, target_rows: dict[str, str]) -> None:
    """``month_row``/``bd_row``/``target_rows`` are the calendar's month-start, business-day
    and per-stage target ranges (same columns)."""
    styles.key_column(ws)
    styles.title(ws, label("pace_title", lang), label("pace_note", lang))
    ws.column_dimensions["B"].width = 30
    for col in "CDEFGHIJ":
        ws.column_dimensions[col].width = 14
    rows = [("asof", label("asof", lang), f"={refs.asof}", styles.DATE),
            ("month", label("pace_month", lang), f"=DATE(YEAR({refs.asof}),MONTH({refs.asof}),1)", styles.MONTH),
            ("col", "#", f'=IFERROR(MATCH(C5,{month_row},0),"")', "0"),
            ("bd", label("business_days", lang), f'=IF(C6="","",INDEX({bd_row},C6))', "0"),
            ("elapsed", label("elapsed", lang), f'=IF(C6="","",MIN(C7,NETWORKDAYS(C5,C4,{refs.holidays})))', "0")]
    for i, (key, text, formula, number_format) in enumerate(rows):
        r = 4 + i
        ws.cell(r, 1, f"pace:{key}").font = styles.KEY_FONT
        ws.cell(r, 2, text)
        cell = ws.cell(r, 3, formula)
        cell.number_format = number_format
        cell.font = styles.BOLD
    ws.row_dimensions[6].hidden = True
    layout.put(("pace", "elapsed"), ws.title, 8, 3)
    last = _stage_rows(ws, plan, layout, lang, target_rows)
    _daily_rows(ws, plan, refs, layout, lang, last + 2)
    styles.protect(ws)


def _stage_rows(ws: Worksheet, plan: Plan, layout: Layout, lang: str, target_rows: dict[str, str]) -> int:
    """Each stage's month target, pace to the as-of date, actual (input) and gap; returns the last row."""
    spec = plan.spec
    tree = spec.template.tree
    head = HEAD
    styles.header(ws, head, 2, [label("item", lang), label("month_target", lang), label("pace_to_date", lang),
                                label("actual_input", lang), label("gap", lang)])
    stages = plan.paced
    for i, stage in enumerate(stages):
        r = head + 1 + i
        metric = tree.metrics[stage]
        whole = metric.is_count and not spec.exact
        text_cell(ws, r, 2, metric.label(lang))
        ws.cell(r, 3, f'=IF($C$6="","",INDEX({target_rows[stage]},$C$6))').number_format = styles.fmt(metric.kind)
        pace = f"C{r}*$C$8/$C$7"
        pace = f"ROUNDUP({pace},0)" if whole else pace
        ws.cell(r, 4, f'=IF(OR($C$6="",$C$7=0),"",{pace})').number_format = styles.fmt(metric.kind)
        styles.as_input(ws.cell(r, 5), styles.fmt(metric.kind))
        ws.cell(r, 6, f'=IF(OR(E{r}="",D{r}=""),"",E{r}-D{r})').number_format = styles.fmt(metric.kind)
        layout.put(("pace", stage), ws.title, r, 4)
    last = head + len(stages)
    ws.conditional_formatting.add(f"F{head + 1}:F{last}",
                                  FormulaRule(formula=[f'AND(ISNUMBER(F{head + 1}),F{head + 1}<0)'], stopIfTrue=True,
                                              fill=styles.RED.fill, font=styles.RED.font))
    ws.conditional_formatting.add(f"F{head + 1}:F{last}",
                                  FormulaRule(formula=[f'AND(ISNUMBER(F{head + 1}),F{head + 1}>=0)'],
                                              fill=styles.GREEN.fill, font=styles.GREEN.font))
    return last


def _daily_rows(ws: Worksheet, plan: Plan, refs: InputRefs, layout: Layout, lang: str, top: int) -> None:
    """The cumulative target after each business day of the month."""
    spec = plan.spec
    tree = spec.template.tree
    stages = plan.paced
    styles.header(ws, top, 2, [label("day_no", lang), label("date", lang)]
                  + [f"{tree.metrics[s].label(lang)} {label('cumulative', lang)}" for s in stages])
    for k in range(1, MAX_BUSINESS_DAYS + 1):
        r = top + k
        ws.cell(r, 2, k)
        ws.cell(r, 3, f'=IF(OR($C$6="",{k}>$C$7),"",WORKDAY($C$5-1,{k},{refs.holidays}))').number_format = styles.DATE
        for i, stage in enumerate(stages):
            metric = tree.metrics[stage]
            whole = metric.is_count and not spec.exact
            month_target = a1(HEAD + 1 + i, 3, True)
            value = f"{month_target}*{k}/$C$7"
            value = f"ROUNDUP({value},0)" if whole else value
            ws.cell(r, 4 + i, f'=IF(OR($C$6="",{k}>$C$7),"",{value})').number_format = styles.fmt(metric.kind)
            layout.put(("pace_day", stage, str(k)), ws.title, r, 4 + i)

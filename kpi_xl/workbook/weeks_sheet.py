"""The 週次 / Weekly sheet: ISO weeks of the horizon with business days and stage targets."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.plan import Plan
from kpi_xl.engine.tree import Kind
from kpi_xl.i18n import label
from kpi_xl.workbook.inputs_sheet import InputRefs
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, a1, span
from kpi_xl.xlsx.formulas import largest_remainder, proportional

FIRST = 6
COL_WEEK, COL_START, COL_END, COL_BD, COL_STAGE = 2, 3, 4, 5, 6


def write_weeks(ws: Worksheet, plan: Plan, refs: InputRefs, layout: Layout, lang: str,
                stage_total: dict[str, str]) -> None:
    spec = plan.spec
    tree = spec.template.tree
    n_months = len(plan.fiscal_months)
    qoff = 3 * (spec.quarter - 1) if spec.quarter else 0
    styles.key_column(ws)
    styles.title(ws, label("weeks_title", lang))
    ws["B3"], ws["B4"] = label("first_day", lang), label("last_day", lang)
    ws["C3"] = f"=DATE({refs.fy},{refs.fy_start}+{qoff},1)"
    ws["C4"] = f"=EOMONTH(DATE({refs.fy},{refs.fy_start}+{qoff + n_months - 1},1),0)"
    ws["D3"] = "=C3-WEEKDAY(C3,3)"  # the Monday of the first week
    for c in ("C3", "C4", "D3"):
        ws[c].number_format = styles.DATE
    header = label("weeks_header", lang).split("|")
    stages = plan.stages
    styles.header(ws, FIRST - 1, COL_WEEK, header + [tree.metrics[s].label(lang) for s in stages])
    for col, width in zip("BCDEF", (11, 12, 12, 10, 14)):
        ws.column_dimensions[col].width = width
    rows = len(plan.weeks) + 1  # one spare: a fiscal year can touch one more ISO week
    last = FIRST + rows - 1
    starts = span(None, FIRST, COL_START, last, COL_START)
    bds = span(None, FIRST, COL_BD, last, COL_BD)
    equal = f'{refs.split}="{refs.split_words[0]}"'
    for k in range(rows):
        r = FIRST + k
        monday = f"($D$3+{7 * k})"
        start, end, bd = a1(r, COL_START), a1(r, COL_END), a1(r, COL_BD)
        ws.cell(r, COL_WEEK, f'=IF({start}="","",YEAR({monday}+3)&"-W"&TEXT(_xlfn.ISOWEEKNUM({monday}),"00"))')
        ws.cell(r, COL_START, f'=IF({monday}>$C$4,"",MAX($C$3,{monday}))').number_format = styles.DATE
        ws.cell(r, COL_END, f'=IF({start}="","",MIN({monday}+6,$C$4))').number_format = styles.DATE
        ws.cell(r, COL_BD, f'=IF({start}="",0,NETWORKDAYS({start},{end},{refs.holidays}))')
        ws.cell(r, 1, k + 1).font = styles.KEY_FONT  # the week's position
        for i, stage in enumerate(stages):
            metric = tree.metrics[stage]
            total = stage_total[stage]
            before = f"({span(None, FIRST, 1, last, 1)}<{a1(r, 1)})"  # a tie goes to the earlier week
            if metric.kind is Kind.RATE:
                share = total
            elif metric.is_count and not spec.exact:
                share = f"IF({equal},ROUNDUP({total}/COUNT({starts}),0),{largest_remainder(total, bds, bd, before)})"
            else:
                share = f"IF({equal},{total}/COUNT({starts}),{proportional(total, bds, bd)})"
            cell = ws.cell(r, COL_STAGE + i, f'=IF({start}="","",{share})')
            cell.number_format = styles.fmt(metric.kind)
            if k < len(plan.weeks):
                layout.put(("weekly", stage, plan.weeks[k].key), ws.title, r, COL_STAGE + i)
        if k < len(plan.weeks):
            layout.put(("week", plan.weeks[k].key), ws.title, r, COL_WEEK)
            layout.put(("week_bd", plan.weeks[k].key), ws.title, r, COL_BD)
    ws.freeze_panes = ws.cell(FIRST, COL_STAGE)
    styles.protect(ws)

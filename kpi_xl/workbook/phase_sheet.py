"""Per-phase sheets 立ち上げ期 / 成長期 / 安定期: the phase's KPIs per fiscal month with
target (formula), actual (input), achievement and status, coloured miss/watch/hit."""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.plan import Plan
from kpi_xl.engine.templates import Phase, load_benchmarks
from kpi_xl.engine.tree import Kind
from kpi_xl.i18n import label
from kpi_xl.workbook import styles
from kpi_xl.workbook.cells import Layout, a1, ref
from kpi_xl.workbook.formulas import forward
from kpi_xl.workbook.inputs_sheet import InputRefs
from kpi_xl.workbook.tree_sheet import band_text

COL_KEY, COL_KPI, COL_ROW, COL_FIRST = 1, 2, 3, 4
HEAD = 4
ROWS = ("target", "actual", "ach", "status")


def write_phase(ws: Worksheet, phase: Phase, plan: Plan, refs: InputRefs, layout: Layout, lang: str,
                month_cell: Callable[[str, int], str], month_header: list[str]) -> dict[str, str]:
    """Write one phase sheet; return metric → its year-total actual cell."""
    template = plan.spec.template
    tree = template.tree
    months = plan.fiscal_months
    n = len(months)
    quarters = n // 3 if n == 12 else 0
    month_cols = list(range(COL_FIRST, COL_FIRST + n))
    q_cols = list(range(COL_FIRST + n, COL_FIRST + n + quarters))
    year_col = COL_FIRST + n + quarters
    styles.key_column(ws)
    styles.title(ws, label("phase_title", lang, phase=phase.label(lang),
                           focus=phase.focus_ja if lang == "ja" else phase.focus_en),
                 label("phase_note", lang, measurement=phase.measurement_ja if lang == "ja"
                       else phase.measurement_en, low=phase.min_kpis, high=phase.max_kpis))
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 16
    for col in [*month_cols, *q_cols, year_col]:
        ws.column_dimensions[get_column_letter(col)].width = 11
    styles.header(ws, HEAD, COL_KPI, label("phase_header", lang).split("|"))
    for i, col in enumerate(month_cols):
        cell = ws.cell(HEAD, col, f"={month_header[i]}")
        cell.number_format = styles.MONTH
        cell.font, cell.fill, cell.border = styles.HEADER_FONT, styles.HEADER_FILL, styles.BOX
    styles.header(ws, HEAD, q_cols[0] if q_cols else year_col,
                  [f"Q{q + 1}" for q in range(quarters)] + [label("year", lang)])
    words = label("status_words", lang).split("|")
    band_words = label("band_words", lang).split("|")
    marks = load_benchmarks()
    stage_set = set(plan.monthly)
    year_actual: dict[str, str] = {}
    row = HEAD + 1
    for mid in phase.kpis_for(template):
        metric = tree.metrics[mid]
        mark = marks.get(metric.benchmark) if metric.benchmark and metric.kind is Kind.RATE else None
        info = [f"{label('definition', lang)}: {template.definition(mid, lang) or '—'}"]
        if mark:
            info.append(f"{label('benchmark', lang)}: {band_text(mark, lang)}")
            info.append(f"{label('source', lang)}: {mark.source}")
        name_cell = ws.cell(row, COL_KPI, metric.label(lang))
        name_cell.font = styles.BOLD
        name_cell.fill = styles.SECTION_FILL
        ws.cell(row, COL_ROW).fill = styles.SECTION_FILL
        ws.cell(row, COL_FIRST, "　｜　".join(info)).font = styles.NOTE_FONT
        row += 1
        block = {name: row + i for i, name in enumerate(ROWS)}
        band_row = row + len(ROWS) if mark else None
        fmt = styles.fmt(metric.kind)
        averaged = metric.kind in (Kind.RATE, Kind.RATIO)
        for name, text in zip(ROWS, ("row_target", "row_actual", "row_achievement", "row_status")):
            ws.cell(block[name], COL_KEY, f"{name}:{mid}").font = styles.KEY_FONT
            ws.cell(block[name], COL_ROW, label(text, lang))
        for i, col in enumerate(month_cols):
            formula = _target(mid, i, plan, refs, month_cell, stage_set)
            target = ws.cell(block["target"], col, formula)
            target.number_format = fmt
            if formula is None:
                styles.as_input(target, fmt)
            styles.as_input(ws.cell(block["actual"], col), fmt)
            layout.put(("phase", phase.id, mid, "target", months[i].key), ws.title, block["target"], col)
            layout.put(("phase", phase.id, mid, "actual", months[i].key), ws.title, block["actual"], col)
        agg = "AVERAGE" if averaged else "SUM"
        groups = [(q_cols[q], month_cols[3 * q: 3 * q + 3]) for q in range(quarters)] + [(year_col, month_cols)]
        for col, members in groups:
            for name in ("target", "actual"):
                rng = f"{a1(block[name], members[0])}:{a1(block[name], members[-1])}"
                cell = ws.cell(block[name], col, f'=IF(COUNT({rng})=0,"",{agg}({rng}))')
                cell.number_format = fmt
                cell.fill = styles.TOTAL_FILL
        members_of = {col: members for col, members in groups}
        for col in [*month_cols, *q_cols, year_col]:
            t, a = a1(block["target"], col), a1(block["actual"], col)
            if col in members_of:  # quarters and the year compare against the months with actuals
                ms = members_of[col]
                trg = f"{a1(block['target'], ms[0])}:{a1(block['target'], ms[-1])}"
                act = f"{a1(block['actual'], ms[0])}:{a1(block['actual'], ms[-1])}"
                t = f'{"AVERAGEIFS" if averaged else "SUMIFS"}({trg},{act},"<>")'
            if metric.higher_is_better:
                ach = f'=IF(OR({a}="",{t}="",{t}=0),"",{a}/{t})'
            else:
                ach = f'=IF(OR({a}="",{t}=""),"",IF({a}=0,1,{t}/{a}))'
            ws.cell(block["ach"], col, ach).number_format = "0.0%"
            c = a1(block["ach"], col)
            ws.cell(block["status"], col,
                    f'=IF({c}="","",IF({c}>=1,"{words[0]}",IF({c}>={refs.warn},"{words[1]}","{words[2]}")))')
            key = months[month_cols.index(col)].key if col in month_cols else \
                ("year" if col == year_col else f"Q{q_cols.index(col) + 1}")
            layout.put(("phase", phase.id, mid, "ach", key), ws.title, block["ach"], col)
            layout.put(("phase", phase.id, mid, "status", key), ws.title, block["status"], col)
            if band_row:
                low, high = mark.low, mark.high
                outside = f"{a}<{low}" if high is None else f"{a}<{low},{a}>{high}"
                ws.cell(band_row, col, f'=IF({a}="","",IF(OR({outside}),"{band_words[0]}","{band_words[1]}"))')
        year_actual[mid] = ref(ws.title, block["actual"], year_col)
        last_col = get_column_letter(year_col)
        first_col = get_column_letter(COL_FIRST)
        area = f"{first_col}{block['actual']}:{last_col}{block['status']}"
        ach = f"{first_col}${block['ach']}"
        for style, test in ((styles.RED, f"{ach}<{refs.warn}"),
                            (styles.AMBER, f"AND({ach}>={refs.warn},{ach}<1)"),
                            (styles.GREEN, f"{ach}>=1")):
            ws.conditional_formatting.add(area, FormulaRule(formula=[f"AND(ISNUMBER({ach}),{test})"],
                                                            fill=style.fill, font=style.font))
        if band_row:
            ws.cell(band_row, COL_KEY, f"band:{mid}").font = styles.KEY_FONT
            ws.cell(band_row, COL_ROW, label("row_band", lang))
            band_area = f"{first_col}{band_row}:{last_col}{band_row}"
            ws.conditional_formatting.add(band_area, FormulaRule(
                formula=[f'LEFT({first_col}{band_row},1)="◆"'], fill=styles.MARKER.fill, font=styles.MARKER.font))
        row = (band_row or block["status"]) + 2
    ws.freeze_panes = ws.cell(HEAD + 1, COL_FIRST)
    styles.protect(ws)
    return year_actual


def _target(mid: str, i: int, plan: Plan, refs: InputRefs, month_cell: Callable[[str, int], str],
            stages: set[str]) -> str | None:
    """The month-``i`` target formula, as :meth:`Plan.month_targets` computes it."""
    tree = plan.spec.template.tree
    if mid in stages:
        return f"={month_cell(mid, i)}"
    if tree.metrics[mid].kind is Kind.RATE:
        return f"={refs.metric[mid]}" if mid in refs.metric else None
    given = {**refs.metric, **{s: month_cell(s, i) for s in stages}}
    expr = forward(tree, mid, refs.metric.get, given)
    return None if expr is None else f"={expr}"

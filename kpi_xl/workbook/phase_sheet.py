"""Per-phase sheets 立ち上げ期 / 成長期 / 安定期: the phase's KPIs per plan month, fiscal
quarter, to date and over the plan period — target (formula), actual (from the 実績 sheet),
achievement and status, coloured miss / watch / hit.

A quarter shows its achievement once each of its months has an actual; the to-date column
compares what has been done with the targets of the months that have actuals; the period
column's target is the KPI tree's, and its achievement is the progress towards it. A rate
over a period is Σ numerator ÷ Σ denominator (taken from the 実績 sheet)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.display import band_text
from kpi_xl.engine.catalog import Benchmark, Phase, load_benchmarks
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.tree import Kind, Metric
from kpi_xl.i18n import label
from kpi_xl.workbook.actuals_sheet import ActualsSheet
from kpi_xl.workbook.inputs_sheet import InputRefs, plan_numbers
from kpi_xl.xlsx import formulas, styles
from kpi_xl.xlsx.cells import Layout, a1, text_cell

COL_KEY, COL_KPI, COL_ROW, COL_FIRST = 1, 2, 3, 4
HEAD = 4
ROWS = ("target", "actual", "ach", "status")


@dataclass
class _Columns:
    """Plan months, then fiscal quarters (a full year only), to date, the plan period."""

    months: list[int]
    quarters: list[tuple[str, int, list[int]]]  # (Q1, column, its month columns)
    todate: int
    period: int

    @classmethod
    def for_plan(cls, plan: Plan) -> _Columns:
        months = list(range(COL_FIRST, COL_FIRST + len(plan.months)))
        fiscal = months[plan.lead_in:]
        col = COL_FIRST + len(months)
        quarters = [(f"Q{q + 1}", col + q, fiscal[3 * q: 3 * q + 3]) for q in range(4)] if len(fiscal) == 12 else []
        col += len(quarters)
        return cls(months, quarters, col, col + 1)

    @property
    def all(self) -> list[int]:
        return [*self.months, *(c for _, c, _ in self.quarters), self.todate, self.period]


@dataclass
class _Context:
    ws: Worksheet
    plan: Plan
    refs: InputRefs
    layout: Layout
    lang: str
    phase: Phase
    cols: _Columns
    month_cell: Callable[[str, int], str]  # (metric, plan month) → the calendar's target cell
    actuals: ActualsSheet
    tree_cell: Callable[[str], str | None]  # metric → its KPI tree value cell

    def span(self, row: int, cols: list[int]) -> str:
        return f"{a1(row, cols[0])}:{a1(row, cols[-1])}"

    def key(self, col: int) -> str:
        if col in self.cols.months:
            return self.plan.months[self.cols.months.index(col)].key
        if col == self.cols.todate:
            return "todate"
        if col == self.cols.period:
            return "period"
        return next(k for k, c, _ in self.cols.quarters if c == col)


def write_phase(ws: Worksheet, phase: Phase, plan: Plan, refs: InputRefs, layout: Layout, lang: str,
                month_cell: Callable[[str, int], str], month_header: list[str], actuals: ActualsSheet,
                tree_cell: Callable[[str], str | None]) -> None:
    """Write one phase sheet (its KPIs per month, quarter, to date and plan period)."""
    ctx = _Context(ws, plan, refs, layout, lang, phase, _Columns.for_plan(plan), month_cell, actuals, tree_cell)
    _heading(ctx, month_header)
    row = HEAD + 1
    for mid in phase.kpis_for(plan.spec.template):
        row = _kpi_block(ctx, mid, row)
    ws.freeze_panes = ws.cell(HEAD + 1, COL_FIRST)
    styles.repeat_on_pages(ws, HEAD)
    styles.protect(ws)


def _heading(ctx: _Context, month_header: list[str]) -> None:
    ws, lang, phase = ctx.ws, ctx.lang, ctx.phase
    styles.key_column(ws)
    styles.title(ws, label("phase_title", lang, phase=phase.label(lang), focus=phase.focus.pick(lang)),
                 label("phase_note", lang, measurement=phase.measurement.pick(lang), low=phase.min_kpis,
                       high=phase.max_kpis))
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 16
    width = styles.width_for(plan_numbers(ctx.plan, phase.kpis_for(ctx.plan.spec.template)))
    for col in ctx.cols.all:
        ws.column_dimensions[get_column_letter(col)].width = width
    styles.header(ws, HEAD, COL_KPI, label("phase_header", lang).split("|"))
    for i, col in enumerate(ctx.cols.months):
        cell = ws.cell(HEAD, col, f"={month_header[i]}")
        cell.number_format = styles.MONTH
        cell.font, cell.fill, cell.border = styles.HEADER_FONT, styles.HEADER_FILL, styles.BOX
    styles.header(ws, HEAD, ctx.cols.months[-1] + 1,
                  [k for k, _, _ in ctx.cols.quarters] + [label("todate", lang), label("plan_period", lang)])


def _kpi_block(ctx: _Context, mid: str, row: int) -> int:
    """One KPI's title row and its target/actual/achievement/status rows (and the benchmark
    check of a rate with a band); returns the next free row."""
    ws, lang, template = ctx.ws, ctx.lang, ctx.plan.spec.template
    metric = template.tree.metrics[mid]
    mark = load_benchmarks().get(metric.benchmark) if metric.benchmark and metric.kind is Kind.RATE else None
    info = [f"{label('definition', lang)}: {template.definition(mid, lang) or '—'}",
            f"{label('tier', lang)}: {metric.tier.label(lang)}"]
    if mark:
        info += [f"{label('benchmark', lang)}: {band_text(mark, lang)}", f"{label('source', lang)}: {mark.source}"]
    name_cell = text_cell(ws, row, COL_KPI, metric.label(lang))
    name_cell.font = styles.BOLD
    name_cell.fill = styles.SECTION_FILL
    ws.cell(row, COL_ROW).fill = styles.SECTION_FILL
    text_cell(ws, row, COL_FIRST, label("separator", lang).join(info)).font = styles.NOTE_FONT
    block = {name: row + 1 + i for i, name in enumerate(ROWS)}
    for name, text in zip(ROWS, ("row_target", "row_actual", "row_achievement", "row_status")):
        ws.cell(block[name], COL_KEY, f"{name}:{mid}").font = styles.KEY_FONT
        ws.cell(block[name], COL_ROW, label(text, lang))
    _targets(ctx, mid, metric, block)
    _actuals(ctx, mid, metric, block)
    _achievement_rows(ctx, mid, metric, block)
    band_row = block["status"] + 1 if mark else None
    if mark:
        _band_row(ctx, mid, mark, block, band_row)
    return (band_row or block["status"]) + 2


def _is_rate(metric: Metric) -> bool:
    return metric.kind in (Kind.RATE, Kind.RATIO)


def _targets(ctx: _Context, mid: str, metric: Metric, block: dict[str, int]) -> None:
    ws, r = ctx.ws, block["target"]
    fmt = styles.fmt(metric.kind)
    for j, col in enumerate(ctx.cols.months):
        formula = _month_target(ctx, mid, j)
        cell = ws.cell(r, col, formula)
        cell.number_format = fmt
        if formula is None:
            styles.as_input(cell, fmt)
    for _, col, members in ctx.cols.quarters:
        span = ctx.span(r, members)
        agg = f'IF(COUNT({span})=0,"",AVERAGE({span}))' if _is_rate(metric) else f"SUM({span})"
        ws.cell(r, col, "=" + agg).number_format = fmt
    actual = ctx.span(block["actual"], ctx.cols.months)
    targets = ctx.span(r, ctx.cols.months)
    todate = formulas.average_where_number(targets, actual) if _is_rate(metric) else \
        f'IF(COUNT({actual})=0,"",{formulas.sum_where_number(targets, actual)})'
    ws.cell(r, ctx.cols.todate, "=" + todate).number_format = fmt
    whole = ctx.tree_cell(mid)
    period = f"IF(ISNUMBER({whole}),{whole},\"\")" if whole else \
        (f'IF(COUNT({targets})=0,"",AVERAGE({targets}))' if _is_rate(metric) else f"SUM({targets})")
    ws.cell(r, ctx.cols.period, "=" + period).number_format = fmt
    for col in ctx.cols.all:
        if col not in ctx.cols.months:
            ws.cell(r, col).fill = styles.TOTAL_FILL
        ctx.layout.put(("phase", ctx.phase.id, mid, "target", ctx.key(col)), ws.title, r, col)


def _actuals(ctx: _Context, mid: str, metric: Metric, block: dict[str, int]) -> None:
    """Actuals come from the 実績 sheet (a blank there stays blank here, never 0)."""
    ws, r = ctx.ws, block["actual"]
    has_row = mid in ctx.actuals.row_of
    for j, col in enumerate(ctx.cols.months):
        source = ctx.actuals.cell(mid, j) if has_row else None
        ws.cell(r, col, f'=IF(ISNUMBER({source}),{source},"")' if source else '=""').number_format = \
            styles.fmt(metric.kind)
    periods = [*((k, c) for k, c, _ in ctx.cols.quarters), ("todate", ctx.cols.todate), ("todate", ctx.cols.period)]
    for key, col in periods:
        source = ctx.actuals.period_cell(mid, key) if has_row else None
        cell = ws.cell(r, col, f'=IF(ISNUMBER({source}),{source},"")' if source else '=""')
        cell.number_format = styles.fmt(metric.kind)
        cell.fill = styles.TOTAL_FILL
    for col in ctx.cols.all:
        ctx.layout.put(("phase", ctx.phase.id, mid, "actual", ctx.key(col)), ws.title, r, col)


def _achievement_rows(ctx: _Context, mid: str, metric: Metric, block: dict[str, int]) -> None:
    ws = ctx.ws
    words = label("status_words", ctx.lang).split("|")
    complete = {col: len(members) for _, col, members in ctx.cols.quarters}
    for col in ctx.cols.all:
        t, a = a1(block["target"], col), a1(block["actual"], col)
        ach = formulas.achievement(a, t, metric.higher_is_better)
        if col in complete:  # a quarter is judged once each of its months has an actual
            members = next(m for _, c, m in ctx.cols.quarters if c == col)
            ach = f'IF(COUNT({ctx.span(block["actual"], members)})<{complete[col]},"",{ach})'
        ws.cell(block["ach"], col, "=" + ach).number_format = "0.0%"
        key = ctx.key(col)
        ctx.layout.put(("phase", ctx.phase.id, mid, "ach", key), ws.title, block["ach"], col)
        if col != ctx.cols.period:  # the period column shows progress, not a verdict
            ws.cell(block["status"], col, "=" + formulas.status(a1(block["ach"], col), ctx.refs.warn, words))
            ctx.layout.put(("phase", ctx.phase.id, mid, "status", key), ws.title, block["status"], col)
    first, last = get_column_letter(COL_FIRST), get_column_letter(ctx.cols.todate)
    styles.traffic_lights(ws, f"{first}{block['actual']}:{last}{block['status']}", f"{first}${block['ach']}",
                          ctx.refs.warn)


def _band_row(ctx: _Context, mid: str, mark: Benchmark, block: dict[str, int], band_row: int) -> None:
    """◆ where an actual rate is outside its benchmark band."""
    ws = ctx.ws
    band_words = label("band_words", ctx.lang).split("|")
    for col in ctx.cols.all:
        a = a1(block["actual"], col)
        outside = f"{a}<{mark.low}" if mark.high is None else f"{a}<{mark.low},{a}>{mark.high}"
        ws.cell(band_row, col, f'=IF(ISNUMBER({a}),IF(OR({outside}),"{band_words[0]}","{band_words[1]}"),"")')
    ws.cell(band_row, COL_KEY, f"band:{mid}").font = styles.KEY_FONT
    ws.cell(band_row, COL_ROW, label("row_band", ctx.lang))
    first, last = get_column_letter(COL_FIRST), get_column_letter(ctx.cols.period)
    ws.conditional_formatting.add(f"{first}{band_row}:{last}{band_row}", FormulaRule(
        formula=[f'LEFT({first}{band_row},1)="◆"'], fill=styles.MARKER.fill, font=styles.MARKER.font))


def _month_target(ctx: _Context, mid: str, index: int) -> str | None:
    """The target formula for plan month ``index``, as :meth:`Plan.targets` computes it."""
    plan, refs = ctx.plan, ctx.refs
    tree = plan.spec.template.tree
    if mid in plan.monthly:
        return f"={ctx.month_cell(mid, index)}"
    if tree.metrics[mid].kind is Kind.RATE:
        return f"={refs.metric[mid]}" if mid in refs.metric else None
    given = {**refs.metric, **{s: ctx.month_cell(s, index) for s in plan.monthly}}
    expr = formulas.forward(tree, mid, refs.metric.get, given)
    return None if expr is None else f"={expr}"


def year_actual_ref(actuals: ActualsSheet, metric: str) -> str | None:
    """The to-date actual of ``metric`` on the 実績 sheet (for the KPI tree)."""
    return actuals.period_cell(metric, "todate") if metric in actuals.row_of else None


"""Per-phase sheets 立ち上げ期 / 成長期 / 安定期: the phase's KPIs per fiscal month with
target (formula), actual (input), achievement and status, coloured miss/watch/hit."""

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
from kpi_xl.workbook.inputs_sheet import InputRefs
from kpi_xl.xlsx import formulas, styles
from kpi_xl.xlsx.cells import Layout, a1, ref

COL_KEY, COL_KPI, COL_ROW, COL_FIRST = 1, 2, 3, 4
HEAD = 4
ROWS = ("target", "actual", "ach", "status")


@dataclass
class _Columns:
    """The sheet's period columns: months, quarters (a full year only) and the year."""

    months: list[int]
    quarters: list[int]
    year: int

    @classmethod
    def for_months(cls, n: int) -> _Columns:
        quarters = n // 3 if n == 12 else 0
        return cls(list(range(COL_FIRST, COL_FIRST + n)), list(range(COL_FIRST + n, COL_FIRST + n + quarters)),
                   COL_FIRST + n + quarters)

    @property
    def all(self) -> list[int]:
        return [*self.months, *self.quarters, self.year]

    def groups(self) -> list[tuple[int, list[int]]]:
        """(total column, the month columns it covers) for each quarter and the year."""
        return [(col, self.months[3 * q: 3 * q + 3]) for q, col in enumerate(self.quarters)] + \
            [(self.year, self.months)]

    def key(self, col: int, month_keys: list[str]) -> str:
        if col in self.months:
            return month_keys[self.months.index(col)]
        return "year" if col == self.year else f"Q{self.quarters.index(col) + 1}"


@dataclass
class _Context:
    ws: Worksheet
    plan: Plan
    refs: InputRefs
    layout: Layout
    lang: str
    phase: Phase
    cols: _Columns
    month_cell: Callable[[str, int], str]


def write_phase(ws: Worksheet, phase: Phase, plan: Plan, refs: InputRefs, layout: Layout, lang: str,
                month_cell: Callable[[str, int], str], month_header: list[str]) -> dict[str, str]:
    """Write one phase sheet; return metric → its year-total actual cell."""
    ctx = _Context(ws, plan, refs, layout, lang, phase, _Columns.for_months(len(plan.fiscal_months)), month_cell)
    _heading(ctx, month_header)
    year_actual: dict[str, str] = {}
    row = HEAD + 1
    for mid in phase.kpis_for(plan.spec.template):
        year_actual[mid], row = _kpi_block(ctx, mid, row)
    ws.freeze_panes = ws.cell(HEAD + 1, COL_FIRST)
    styles.protect(ws)
    return year_actual


def _heading(ctx: _Context, month_header: list[str]) -> None:
    ws, lang, phase = ctx.ws, ctx.lang, ctx.phase
    styles.key_column(ws)
    styles.title(ws, label("phase_title", lang, phase=phase.label(lang), focus=phase.focus.pick(lang)),
                 label("phase_note", lang, measurement=phase.measurement.pick(lang), low=phase.min_kpis,
                       high=phase.max_kpis))
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 16
    for col in ctx.cols.all:
        ws.column_dimensions[get_column_letter(col)].width = 11
    styles.header(ws, HEAD, COL_KPI, label("phase_header", lang).split("|"))
    for i, col in enumerate(ctx.cols.months):
        cell = ws.cell(HEAD, col, f"={month_header[i]}")
        cell.number_format = styles.MONTH
        cell.font, cell.fill, cell.border = styles.HEADER_FONT, styles.HEADER_FILL, styles.BOX
    styles.header(ws, HEAD, ctx.cols.quarters[0] if ctx.cols.quarters else ctx.cols.year,
                  [f"Q{q + 1}" for q in range(len(ctx.cols.quarters))] + [label("year", lang)])


def _kpi_block(ctx: _Context, mid: str, row: int) -> tuple[str, int]:
    """One KPI's title row and its target/actual/achievement/status rows (and the benchmark
    check row of a rate with a band); returns its year actual cell and the next free row."""
    ws, lang, template = ctx.ws, ctx.lang, ctx.plan.spec.template
    metric = template.tree.metrics[mid]
    mark = load_benchmarks().get(metric.benchmark) if metric.benchmark and metric.kind is Kind.RATE else None
    info = [f"{label('definition', lang)}: {template.definition(mid, lang) or '—'}"]
    if mark:
        info += [f"{label('benchmark', lang)}: {band_text(mark, lang)}", f"{label('source', lang)}: {mark.source}"]
    name_cell = ws.cell(row, COL_KPI, metric.label(lang))
    name_cell.font = styles.BOLD
    name_cell.fill = styles.SECTION_FILL
    ws.cell(row, COL_ROW).fill = styles.SECTION_FILL
    ws.cell(row, COL_FIRST, "　｜　".join(info)).font = styles.NOTE_FONT
    block = {name: row + 1 + i for i, name in enumerate(ROWS)}
    for name, text in zip(ROWS, ("row_target", "row_actual", "row_achievement", "row_status")):
        ws.cell(block[name], COL_KEY, f"{name}:{mid}").font = styles.KEY_FONT
        ws.cell(block[name], COL_ROW, label(text, lang))
    _month_cells(ctx, mid, metric, block)
    _totals(ctx, metric, block)
    _achievement_rows(ctx, mid, metric, block)
    band_row = block["status"] + 1 if mark else None
    if mark:
        _band_row(ctx, mid, mark, block, band_row)
    return ref(ws.title, block["actual"], ctx.cols.year), (band_row or block["status"]) + 2


def _month_cells(ctx: _Context, mid: str, metric: Metric, block: dict[str, int]) -> None:
    months = ctx.plan.fiscal_months
    fmt = styles.fmt(metric.kind)
    stages = set(ctx.plan.monthly)
    for i, col in enumerate(ctx.cols.months):
        formula = _target(mid, i, ctx.plan, ctx.refs, ctx.month_cell, stages)
        target = ctx.ws.cell(block["target"], col, formula)
        target.number_format = fmt
        if formula is None:
            styles.as_input(target, fmt)
        styles.as_input(ctx.ws.cell(block["actual"], col), fmt)
        ctx.layout.put(("phase", ctx.phase.id, mid, "target", months[i].key), ctx.ws.title, block["target"], col)
        ctx.layout.put(("phase", ctx.phase.id, mid, "actual", months[i].key), ctx.ws.title, block["actual"], col)


def _averaged(metric: Metric) -> bool:
    return metric.kind in (Kind.RATE, Kind.RATIO)


def _totals(ctx: _Context, metric: Metric, block: dict[str, int]) -> None:
    """Quarter and year target and actual: sums (rates averaged)."""
    agg = "AVERAGE" if _averaged(metric) else "SUM"
    for col, members in ctx.cols.groups():
        for name in ("target", "actual"):
            rng = f"{a1(block[name], members[0])}:{a1(block[name], members[-1])}"
            cell = ctx.ws.cell(block[name], col, f'=IF(COUNT({rng})=0,"",{agg}({rng}))')
            cell.number_format = styles.fmt(metric.kind)
            cell.fill = styles.TOTAL_FILL


def _achievement_rows(ctx: _Context, mid: str, metric: Metric, block: dict[str, int]) -> None:
    ws, keys = ctx.ws, ctx.plan.month_keys
    members_of = dict(ctx.cols.groups())
    words = label("status_words", ctx.lang).split("|")
    for col in ctx.cols.all:
        t, a = a1(block["target"], col), a1(block["actual"], col)
        if col in members_of:  # quarters and the year compare against the months with actuals
            ms = members_of[col]
            trg = f"{a1(block['target'], ms[0])}:{a1(block['target'], ms[-1])}"
            act = f"{a1(block['actual'], ms[0])}:{a1(block['actual'], ms[-1])}"
            t = f'{"AVERAGEIFS" if _averaged(metric) else "SUMIFS"}({trg},{act},"<>")'
        ws.cell(block["ach"], col, "=" + formulas.achievement(a, t, metric.higher_is_better)).number_format = "0.0%"
        ws.cell(block["status"], col, "=" + formulas.status(a1(block["ach"], col), ctx.refs.warn, words))
        key = ctx.cols.key(col, keys)
        ctx.layout.put(("phase", ctx.phase.id, mid, "ach", key), ws.title, block["ach"], col)
        ctx.layout.put(("phase", ctx.phase.id, mid, "status", key), ws.title, block["status"], col)
    first_col, last_col = get_column_letter(COL_FIRST), get_column_letter(ctx.cols.year)
    styles.traffic_lights(ws, f"{first_col}{block['actual']}:{last_col}{block['status']}",
                          f"{first_col}${block['ach']}", ctx.refs.warn)


def _band_row(ctx: _Context, mid: str, mark: Benchmark, block: dict[str, int], band_row: int) -> None:
    """◆ where an actual rate is outside its benchmark band."""
    ws = ctx.ws
    band_words = label("band_words", ctx.lang).split("|")
    for col in ctx.cols.all:
        a = a1(block["actual"], col)
        outside = f"{a}<{mark.low}" if mark.high is None else f"{a}<{mark.low},{a}>{mark.high}"
        ws.cell(band_row, col, f'=IF({a}="","",IF(OR({outside}),"{band_words[0]}","{band_words[1]}"))')
    ws.cell(band_row, COL_KEY, f"band:{mid}").font = styles.KEY_FONT
    ws.cell(band_row, COL_ROW, label("row_band", ctx.lang))
    first_col, last_col = get_column_letter(COL_FIRST), get_column_letter(ctx.cols.year)
    ws.conditional_formatting.add(f"{first_col}{band_row}:{last_col}{band_row}", FormulaRule(
        formula=[f'LEFT({first_col}{band_row},1)="◆"'], fill=styles.MARKER.fill, font=styles.MARKER.font))


def _target(mid: str, i: int, plan: Plan, refs: InputRefs, month_cell: Callable[[str, int], str],
            stages: set[str]) -> str | None:
    """The month-``i`` target formula, as :meth:`Plan.month_targets` computes it."""
    tree = plan.spec.template.tree
    if mid in stages:
        return f"={month_cell(mid, i)}"
    if tree.metrics[mid].kind is Kind.RATE:
        return f"={refs.metric[mid]}" if mid in refs.metric else None
    given = {**refs.metric, **{s: month_cell(s, i) for s in stages}}
    expr = formulas.forward(tree, mid, refs.metric.get, given)
    return None if expr is None else f"={expr}"


"""The 実績 / Actuals sheet: the one place a user types what happened, month by month.

One row per count, amount or ratio the plan can be checked against; sums (アプローチ数 =
架電数 + メール送信数), the average deal size (売上 ÷ 受注数) and every rate (its own
numerator ÷ denominator) are formulas. Quarter and to-date columns add counts up and take
a rate as Σ numerator ÷ Σ denominator over the months that have both — never an average
of monthly rates (000: コネクト率 = コネクト数 ÷ アプローチ数). Every formula yields a blank,
never an error, while nothing is typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.plan import Plan
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind
from kpi_xl.i18n import label
from kpi_xl.workbook.inputs_sheet import plan_numbers, validation
from kpi_xl.xlsx import formulas, styles
from kpi_xl.xlsx.cells import Layout, a1, ref, text_cell

COL_KEY, COL_LABEL, COL_UNIT, COL_FIRST = 1, 2, 3, 4
HEAD = 4


class Row(str, Enum):
    """How an actuals row gets its values."""

    TYPED = "typed"  # the user types it
    SUM = "sum"  # + or − of other rows
    RATIO = "ratio"  # numerator row ÷ denominator row (rates, the average deal size)


@dataclass(frozen=True)
class ActualRow:
    metric: str
    how: Row
    parts: tuple[str, ...] = ()  # SUM: the addends; RATIO: (numerator, denominator)
    op: str = "+"


def actual_rows(template: Template) -> list[ActualRow]:
    """What the sheet asks for and computes, activity end of the chain first."""
    tree = template.tree
    order = [*reversed(template.chain), *(m for m in tree.metrics if m not in template.chain)]
    rows, rates = [], []
    for mid in order:
        metric, formula = tree.metrics[mid], tree.formulas.get(mid)
        if metric.kind is Kind.RATE:
            rates.append(ActualRow(mid, Row.RATIO, (metric.numerator, metric.denominator))
                         if metric.numerator else ActualRow(mid, Row.TYPED))
        elif formula is not None and formula.op in "+-":
            rows.append(ActualRow(mid, Row.SUM, formula.args, formula.op))
        elif metric.kind is Kind.AMOUNT and formula is None and _priced(template, mid):
            rows.append(ActualRow(mid, Row.RATIO, _priced(template, mid)))
        else:
            rows.append(ActualRow(mid, Row.TYPED))
    return rows + rates


def _priced(template: Template, mid: str) -> tuple[str, str] | None:
    """(amount, count) when ``mid`` is a price: amount = count × price (売上 = 受注数 × 単価)."""
    for parent, formula in template.tree.formulas.items():
        others = [a for a in formula.args if a != mid]
        if formula.op == "*" and mid in formula.args and len(others) == 1 and \
                template.tree.metrics[others[0]].is_count:
            return parent, others[0]
    return None


@dataclass
class ActualsSheet:
    """Writes the sheet; other sheets ask where a metric's month or period actual is."""

    ws: Worksheet
    plan: Plan
    layout: Layout
    lang: str
    month_header: list[str]  # the calendar's month-start cells, one per plan month
    row_of: dict[str, int] = field(default_factory=dict)
    checks: dict[Kind, DataValidation] = field(default_factory=dict)  # the typed cells' validation by kind

    @property
    def month_cols(self) -> list[int]:
        return list(range(COL_FIRST, COL_FIRST + len(self.plan.months)))

    @property
    def quarter_cols(self) -> list[tuple[str, list[int]]]:
        """(Q1…Q4, the month columns of that fiscal quarter) for a full fiscal year."""
        fiscal = self.month_cols[self.plan.lead_in:]
        if len(fiscal) != 12:
            return []
        return [(f"Q{q + 1}", fiscal[3 * q: 3 * q + 3]) for q in range(4)]

    @property
    def period_cols(self) -> list[tuple[str, int, list[int]]]:
        """(key, column, month columns): each fiscal quarter, then everything to date."""
        col = COL_FIRST + len(self.plan.months)
        out = []
        for key, members in self.quarter_cols:
            out.append((key, col, members))
            col += 1
        return [*out, ("todate", col, self.month_cols)]

    def cell(self, metric: str, index: int) -> str:
        """Absolute ref of ``metric``'s actual in plan month ``index``."""
        return ref(self.ws.title, self.row_of[metric], self.month_cols[index])

    def period_cell(self, metric: str, key: str) -> str:
        col = next(c for k, c, _ in self.period_cols if k == key)
        return ref(self.ws.title, self.row_of[metric], col)

    def write(self) -> None:
        ws, lang = self.ws, self.lang
        styles.key_column(ws)
        styles.title(ws, label("act_title", lang), label("act_note", lang))
        ws.column_dimensions["B"].width = 30
        ws.column_dimensions["C"].width = 7
        width = styles.width_for(plan_numbers(self.plan, list(self.plan.spec.template.tree.metrics)))
        for col in [*self.month_cols, *(c for _, c, _ in self.period_cols)]:
            ws.column_dimensions[get_column_letter(col)].width = width
        self._header()
        rows = actual_rows(self.plan.spec.template)
        for i, row in enumerate(rows):
            self.row_of[row.metric] = HEAD + 1 + i
        self.checks = {  # what review accepts, refused in Excel already as it is typed
            Kind.COUNT: validation(ws, "count", lang, type="whole", operator="greaterThanOrEqual", formula1="0"),
            Kind.AMOUNT: validation(ws, "actual_amount", lang, type="decimal", operator="greaterThanOrEqual",
                                    formula1="0")}
        for row in rows:
            self._row(row)
        ws.freeze_panes = ws.cell(HEAD + 1, COL_FIRST)
        styles.repeat_on_pages(ws, HEAD)
        styles.protect(ws)

    def _header(self) -> None:
        ws, lang = self.ws, self.lang
        styles.header(ws, HEAD, COL_LABEL, [label("item", lang), label("unit", lang)])
        for j, col in enumerate(self.month_cols):
            cell = ws.cell(HEAD, col, f"={self.month_header[j]}")
            cell.number_format = styles.MONTH
            cell.font, cell.fill, cell.border = styles.HEADER_FONT, styles.HEADER_FILL, styles.BOX
        names = [k if k.startswith("Q") else label("todate", lang) for k, _, _ in self.period_cols]
        styles.header(ws, HEAD, self.period_cols[0][1], names)

    def _row(self, row: ActualRow) -> None:
        ws, plan, lang = self.ws, self.plan, self.lang
        metric = plan.spec.template.tree.metrics[row.metric]
        r = self.row_of[row.metric]
        ws.cell(r, COL_KEY, f"{'act' if row.how is Row.TYPED else 'calc'}:{row.metric}").font = styles.KEY_FONT
        text_cell(ws, r, COL_LABEL, metric.label(lang))
        unit = {Kind.AMOUNT: "unit_yen", Kind.RATE: "unit_rate"}.get(metric.kind, "unit_count")
        ws.cell(r, COL_UNIT, label(unit, lang))
        fmt = styles.fmt(metric.kind)
        for j, col in enumerate(self.month_cols):
            cell = ws.cell(r, col)
            if row.how is Row.TYPED:
                styles.as_input(cell, fmt)
                if metric.kind in self.checks:
                    self.checks[metric.kind].add(cell)
            else:
                cell.value = "=" + self._month_formula(row, col)
                cell.number_format = fmt
            self.layout.put(("actual", row.metric, plan.months[j].key), ws.title, r, col)
        for key, col, members in self.period_cols:
            cell = ws.cell(r, col, "=" + self._period_formula(row, members, metric.kind))
            cell.number_format = fmt
            cell.fill = styles.TOTAL_FILL
            self.layout.put(("actual", row.metric, key), ws.title, r, col)

    def _month_formula(self, row: ActualRow, col: int) -> str:
        cells = [a1(self.row_of[p], col) for p in row.parts]
        if row.how is Row.SUM:  # blank until every part is typed: an untyped part is not a zero
            expr = "+".join(cells) if row.op == "+" else f"{cells[0]}-{cells[1]}"
            return f'IF(COUNT({",".join(cells)})<{len(cells)},"",{expr})'
        num, den = cells
        return f'IF(AND(ISNUMBER({num}),ISNUMBER({den})),IF({den}=0,"",{num}/{den}),"")'

    def _period_formula(self, row: ActualRow, members: list[int], kind: Kind) -> str:
        r = self.row_of[row.metric]
        own = f"{a1(r, members[0])}:{a1(r, members[-1])}"
        if row.how is Row.RATIO:
            num, den = (f"{a1(self.row_of[p], members[0])}:{a1(self.row_of[p], members[-1])}" for p in row.parts)
            return formulas.period_rate(num, den)
        if kind in (Kind.RATE, Kind.RATIO):  # typed rates of a template without counts, NPS …
            return f'IF(COUNT({own})=0,"",AVERAGE({own}))'
        return f'IF(COUNT({own})=0,"",SUM({own}))'


def type_actuals(wb: Workbook, layout: Layout, plan: Plan, actuals: Mapping[str, Mapping[str, float | None]]) -> int:
    """Type ``actuals`` (metric → month → value) into the 実績 sheet's input cells, as a manager
    would: only metrics the sheet asks to be typed, only plan months, never a None (a stage the
    data cannot tell stays blank, not 0). Returns how many cells were filled."""
    typed = {r.metric for r in actual_rows(plan.spec.template) if r.how is Row.TYPED}
    filled = 0
    for metric, series in actuals.items():
        for month, value in series.items():
            where = layout.cells.get(("actual", metric, month))
            if metric in typed and where is not None and value is not None:
                sheet, cell = where.rsplit("!", 1)
                wb[sheet.strip("'")][cell.replace("$", "")].value = value
                filled += 1
    return filled

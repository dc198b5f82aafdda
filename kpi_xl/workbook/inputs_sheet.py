"""The 入力 / Inputs sheet: every assumption in one place, each a defined name.

Scenario rows (KGI, unit price, rates, volumes) hold three columns (base / upside /
downside) and an active column chosen by a dropdown; the defined names point at the
active column, so every formula in the workbook follows the choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.calendar import CLOSURE, BusinessCalendar
from kpi_xl.engine.feasibility import capacity_for, default_capacity
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.settings import SCENARIO_FACTORS, Display, PlanOptions
from kpi_xl.engine.tree import Kind
from kpi_xl.i18n import label
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, a1, define, name_for, quote, span, text_cell

COL_KEY, COL_LABEL, COL_UNIT, COL_S1, COL_ACTIVE, COL_NOTE = 1, 2, 3, 4, 7, 8
COL_HOL, HOLIDAY_HEAD = 2, 4  # on the 休日 sheet
HEADER_ROW = 6
SPARE_HOLIDAY_ROWS = 30
RAMP_MONTHS = 3  # ramp columns shown at least; more when a rep's ramp is longer
FY_EDIT_RANGE = (-1, 2)  # the fiscal years the FY cell accepts, around the plan's (the holiday table covers them)


def plan_numbers(plan: Plan, metrics: list[str]) -> list[tuple[Kind, float]]:
    """Every value of ``metrics`` the plan's sheets show: totals, monthly targets, inputs."""
    tree = plan.spec.template.tree
    out = []
    for mid in metrics:
        kind = tree.metrics[mid].kind
        values = [plan.reverse.as_dict().get(mid), plan.spec.knowns.get(mid), *plan.monthly.get(mid, [])]
        out += [(kind, v) for v in values if v is not None]
    return out


def ramp_columns(plan: Plan) -> int:
    """How many ramp-factor columns the rep table needs: the longest ramp, at least three."""
    return max(RAMP_MONTHS, *(len(rep.ramp) for rep in plan.spec.reps))


@dataclass
class RepRefs:
    """Where one rep's inputs are: name, capacity, start month and ramp factors."""

    name: str
    cap: str
    start: str
    ramp: list[str]


@dataclass
class InputRefs:
    """Defined names of the inputs, for the other sheets' formulas."""

    metric: dict[str, str] = field(default_factory=dict)  # metric id → name (active value)
    lead: dict[str, str] = field(default_factory=dict)  # chain stage → name
    lag_shares: dict[str, list[str]] = field(default_factory=dict)  # chain stage → names of its 4 shares
    growth: dict[str, str] = field(default_factory=dict)  # chain stage → name of its 前月比
    reps: list[RepRefs] = field(default_factory=list)
    kgi: str = "in_kgi"
    fy: str = "in_fy"
    fy_start: str = "in_fy_start"
    split: str = "in_split"
    asof: str = "in_asof"
    warn: str = "in_warn"
    capacity: str = "in_capacity"
    display: str = "in_display"
    holidays: str = "in_holidays"
    scenario: str = "in_scenario"
    split_words: tuple[str, str] = ("equal", "weighted")


@dataclass
class _Sheet:
    """The sheet being written, its data validations and the running row."""

    wb: Workbook
    ws: Worksheet
    plan: Plan
    opts: PlanOptions
    layout: Layout
    refs: InputRefs
    valid: dict[str, DataValidation]
    row: int = HEADER_ROW + 1

    @property
    def lang(self) -> str:
        return self.opts.lang

    def define(self, name: str, row: int, col: int) -> None:
        define(self.wb, name, f"{quote(self.ws.title)}!{a1(row, col, True)}")

    def section(self, text: str) -> None:
        """A blank row and a section title."""
        self.row += 1
        cell = self.ws.cell(self.row, COL_LABEL, text)
        cell.font = styles.BOLD
        cell.fill = styles.SECTION_FILL
        self.row += 1


def validation(ws: Worksheet, kind: str, lang: str, **kw: Any) -> DataValidation:
    """A bilingual data validation of ``kind`` (its message ``v_<kind>``) added to ``ws``."""
    message = label(f"v_{kind}", lang)
    dv = DataValidation(showErrorMessage=True, showInputMessage=True, errorTitle=label("v_title", lang),
                        error=message, promptTitle=label("v_title", lang)[:32], prompt=message, **kw)
    ws.add_data_validation(dv)
    return dv


def _validations(ws: Worksheet, lang: str, fiscal_year: int) -> dict[str, DataValidation]:
    """The bilingual data validations of the input cells, by kind."""
    specs: dict[str, dict[str, str]] = {
        "rate": {"type": "decimal", "operator": "between", "formula1": "0.000001", "formula2": "1"},
        "count": {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"},
        "amount": {"type": "decimal", "operator": "greaterThan", "formula1": "0"},
        "date": {"type": "date", "operator": "between", "formula1": "DATE(1901,1,1)", "formula2": "DATE(2199,12,31)"},
        "fy": {"type": "whole", "operator": "between", "formula1": "{fy_low}", "formula2": "{fy_high}"},
        "month": {"type": "whole", "operator": "between", "formula1": "1", "formula2": "12"},
        "share": {"type": "decimal", "operator": "between", "formula1": "0", "formula2": "1"},
        "nonneg": {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"},
        "growth": {"type": "decimal", "operator": "between", "formula1": "-0.5", "formula2": "1"},
    }
    low, high = (fiscal_year + d for d in FY_EDIT_RANGE)
    specs["fy"] = {k: v.format(fy_low=low, fy_high=high) for k, v in specs["fy"].items()}
    out = {kind: validation(ws, kind, lang, **spec) for kind, spec in specs.items() if kind != "fy"}
    message = label("v_fy", lang).format(low=low, high=high)
    out["fy"] = DataValidation(showErrorMessage=True, showInputMessage=True, errorTitle=label("v_title", lang),
                               error=message, promptTitle=label("v_title", lang)[:32], prompt=message, **specs["fy"])
    ws.add_data_validation(out["fy"])
    return out


def write_inputs(wb: Workbook, plan: Plan, opts: PlanOptions, layout: Layout) -> InputRefs:
    lang = opts.lang
    ws = wb.create_sheet(label("sheet_inputs", lang))
    layout.sheets["inputs"] = ws.title
    styles.key_column(ws)
    styles.title(ws, label("in_title", lang), label("in_note", lang))
    widths = {"B": 34, "C": 8, "D": 14, "E": 14, "F": 14, "G": 16, "H": 40}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    sheet = _Sheet(wb, ws, plan, opts, layout, InputRefs(), _validations(ws, lang, plan.spec.fiscal_year or 0))
    refs = sheet.refs
    for fixed in (refs.kgi, refs.fy, refs.fy_start, refs.split, refs.asof, refs.warn, refs.capacity, refs.display,
                  refs.holidays, refs.scenario, "in_scenario_names"):
        layout.names.add(fixed.casefold())  # a metric id can never take one of these
    scen_range = _scenario_selector(sheet)
    _scenario_rows(sheet, scen_range)
    _settings_rows(sheet)
    _lead_rows(sheet)
    _lag_share_rows(sheet)
    _growth_rows(sheet)
    _rep_rows(sheet)
    _holidays(sheet)
    ws.freeze_panes = "C7"
    styles.protect(ws)
    return sheet.refs


def _scenario_selector(sheet: _Sheet) -> str:
    """The scenario dropdown and the scenario header row; returns the headers' range."""
    ws, lang, refs = sheet.ws, sheet.lang, sheet.refs
    scen_names = label("scenario_names", lang).split("|")
    ws.cell(4, COL_LABEL, label("scenario", lang)).font = styles.BOLD
    selector = ws.cell(4, COL_S1, scen_names[sheet.opts.scenario])
    styles.as_input(selector)
    styles.header(ws, HEADER_ROW, COL_LABEL, [label("item", lang), label("unit", lang), *scen_names,
                                              label("active", lang), label("notes", lang)])
    scen_range = span(None, HEADER_ROW, COL_S1, HEADER_ROW, COL_S1 + 2)
    validation(ws, "list", lang, type="list", formula1=scen_range).add(selector)
    sheet.define(refs.scenario, 4, COL_S1)
    define(sheet.wb, "in_scenario_names", f"{quote(ws.title)}!{scen_range}")
    sheet.layout.put(("input", "scenario"), ws.title, 4, COL_S1)
    return scen_range


def _scenario_rows(sheet: _Sheet, scen_range: str) -> None:
    """KGI, rates, volumes and prices: three scenario columns and the active value."""
    ws, lang, plan, refs = sheet.ws, sheet.lang, sheet.plan, sheet.refs
    spec, template = plan.spec, plan.spec.template
    target = template.tree.metrics[plan.reverse.target]
    rows: list[tuple[str, str, str, Kind, float, bool]] = [
        ("kgi", label("goal_of", lang, metric=target.label(lang)), refs.kgi, target.kind, plan.reverse.goal, False)]
    base = spec.base_knowns or spec.knowns  # the base scenario's values; the columns scale them
    ordered = [m for m in template.chain_rates() if m in base]
    ordered += [m for m in base if m not in ordered]
    for mid in ordered:
        metric = template.tree.metrics[mid]
        refs.metric[mid] = sheet.layout.unique_name(name_for(mid))
        rows.append((mid, metric.label(lang), refs.metric[mid], metric.kind, base[mid],
                     metric.kind is Kind.RATE))
    valid = {Kind.RATE: "rate", Kind.COUNT: "count"}
    for key, text, dname, kind, value, scales in rows:
        row = sheet.row
        ws.cell(row, COL_KEY, f"in:{key}").font = styles.KEY_FONT
        text_cell(ws, row, COL_LABEL, text)
        ws.cell(row, COL_UNIT, _unit(kind, lang))
        given = spec.scenario_rates.get(key)
        for i, factor in enumerate(SCENARIO_FACTORS):
            shown = given[i - 1] if given and i else min(1.0, value * factor) if scales else value
            cell = ws.cell(row, COL_S1 + i, shown)
            styles.as_input(cell, styles.fmt(kind))
            sheet.valid[valid.get(kind, "amount")].add(cell)
        active = ws.cell(row, COL_ACTIVE, f"=INDEX({span(None, row, COL_S1, row, COL_S1 + 2)},"
                                          f"MATCH({refs.scenario},{scen_range},0))")
        active.number_format = styles.fmt(kind)
        active.font = styles.BOLD
        active.border = styles.BOX
        sheet.define(dname, row, COL_ACTIVE)
        sheet.layout.put(("input", key), ws.title, row, COL_S1)
        if key != "kgi":
            text_cell(ws, row, COL_NOTE, template.definition(key, lang)).font = styles.NOTE_FONT
        sheet.row += 1


def _settings_rows(sheet: _Sheet) -> None:
    """Fiscal year, start month, split, as-of date, warn threshold, capacity, display."""
    ws, lang, plan, refs = sheet.ws, sheet.lang, sheet.plan, sheet.refs
    spec = plan.spec
    sheet.section(label("settings", lang))
    split_words = tuple(label("split_words", lang).split("|"))
    refs.split_words = (split_words[0], split_words[1])
    display_words = label("display_words", lang).split("|")
    capacity = capacity_for(spec.template, spec.capacity_per_day) or default_capacity()  # walk there or not
    lists = {"split": split_words, "display": display_words}
    settings = [
        ("fy", refs.fy, spec.fiscal_year, "0", "fy", ""),
        ("fy_start", refs.fy_start, spec.fy_start, "0", "month", ""),
        ("split", refs.split, split_words[spec.split == "weighted"], "@", None, " / ".join(split_words)),
        ("asof", refs.asof, sheet.opts.asof or plan.fiscal_months[0].start, styles.DATE, "date", ""),
        ("warn", refs.warn, sheet.opts.warn, styles.RATE, "share", ""),
        ("capacity", refs.capacity, capacity, styles.COUNT, "amount", label("unit_days", lang)),
        ("display", refs.display, display_words[list(Display).index(sheet.opts.display)], "@", None,
         " / ".join(display_words)),
    ]
    for key, dname, value, number_format, dv, note in settings:
        row = sheet.row
        ws.cell(row, COL_KEY, f"set:{key}").font = styles.KEY_FONT
        text_cell(ws, row, COL_LABEL, label("capacity_of", lang, activity=plan.spec.template.tree.metrics[
            plan.spec.template.activity].label(lang)) if key == "capacity" and plan.spec.template.activity
            else label(key, lang))
        cell = ws.cell(row, COL_S1, value)
        styles.as_input(cell, number_format)
        if dv is not None:
            sheet.valid[dv].add(cell)
        else:
            validation(ws, "list", lang, type="list", formula1='"' + ",".join(lists[key]) + '"').add(cell)
        if note:
            ws.cell(row, COL_NOTE, note).font = styles.NOTE_FONT
        sheet.define(dname, row, COL_S1)
        sheet.layout.put(("input", key), ws.title, row, COL_S1)
        sheet.row += 1


def _lead_rows(sheet: _Sheet) -> None:
    """The sales-cycle lag into each chain stage, in months."""
    lang = sheet.lang
    spec = sheet.plan.spec
    tree, chain = spec.template.tree, spec.template.chain
    sheet.section(label("leads", lang))
    for i, stage in enumerate(chain[:-1]):
        text = label("lead_row", lang, stage=tree.metrics[stage].label(lang),
                     below=tree.metrics[chain[i + 1]].label(lang))
        sheet.refs.lead[stage] = _one_input(sheet, ("lead", stage), text, label("unit_months", lang),
                                            int(spec.leads.get(stage, 0)), "0", "count")


def _lag_share_rows(sheet: _Sheet) -> None:
    """A measured lag (plan --from-data): the share of a stage's results in the same month as
    the stage below, one, two and three or more months later (scaled to 100% when they do not
    add up; all blank or 0: no spread)."""
    lang, spec = sheet.lang, sheet.plan.spec
    tree, chain = spec.template.tree, spec.template.chain
    for stage, shares in spec.lag_shares.items():
        below = chain[chain.index(stage) + 1]
        sheet.section(label("lag_shares_title", lang, stage=tree.metrics[stage].label(lang),
                            below=tree.metrics[below].label(lang)))
        sheet.refs.lag_shares[stage] = [
            _one_input(sheet, ("lag_share", f"{stage}_{d}"), label("lag_share_row", lang, n=d) if d < len(shares) - 1
                       else label("lag_share_last", lang, n=d), "%", share, styles.RATE, "share")
            for d, share in enumerate(shares)]


def _growth_rows(sheet: _Sheet) -> None:
    """Month-over-month growth (前月比, 001: 「月間アポ数50件達成（前月比20%増）」) per chain
    stage: each month's share weighs (1 + growth) times the month before's."""
    lang = sheet.lang
    spec = sheet.plan.spec
    tree = spec.template.tree
    sheet.section(label("growth_title", lang))
    for stage in spec.template.chain[1:]:
        text = label("growth_row", lang, stage=tree.metrics[stage].label(lang))
        sheet.refs.growth[stage] = _one_input(sheet, ("growth", stage), text, "%", spec.growth.get(stage, 0.0),
                                              styles.RATE, "growth")


def _one_input(sheet: _Sheet, key: tuple[str, str], text: str, unit: str, value: Any, fmt: str,
               valid: str) -> str:
    """One labelled input row (a lead time, a growth rate): its yellow cell, its validation and
    its defined name (returned)."""
    ws, row, (kind, stage) = sheet.ws, sheet.row, key
    ws.cell(row, COL_KEY, f"{kind}:{stage}").font = styles.KEY_FONT
    text_cell(ws, row, COL_LABEL, text)
    ws.cell(row, COL_UNIT, unit)
    cell = ws.cell(row, COL_S1, value)
    styles.as_input(cell, fmt)
    sheet.valid[valid].add(cell)
    name = sheet.layout.unique_name(name_for(f"{kind}_{stage}"))
    sheet.define(name, row, COL_S1)
    sheet.layout.put(("input", f"{kind}:{stage}"), ws.title, row, COL_S1)
    sheet.row += 1
    return name


def _rep_rows(sheet: _Sheet) -> None:
    """One row per rep: name, capacity, start month and ramp factors."""
    ws, lang = sheet.ws, sheet.lang
    sheet.section(label("reps", lang))
    months = ramp_columns(sheet.plan)
    styles.header(ws, sheet.row, COL_LABEL, [*label("rep_header", lang).split("|"),
                                             *(label("ramp_month", lang, n=k + 1) for k in range(months))])
    sheet.row += 1
    first = sheet.row
    for rep in sheet.plan.spec.reps:
        row = sheet.row
        ws.cell(row, COL_KEY, "rep").font = styles.KEY_FONT
        name, cap, start = text_cell(ws, row, COL_LABEL, rep.name), ws.cell(row, COL_UNIT, rep.capacity), \
            ws.cell(row, COL_S1, rep.start)
        ramp = [ws.cell(row, COL_S1 + 1 + k, rep.ramp[k] if k < len(rep.ramp) else None) for k in range(months)]
        styles.as_input(name, "@")
        styles.as_input(cap, "0%")
        styles.as_input(start, styles.MONTH)
        for cell in ramp:
            styles.as_input(cell, "0%")
        where = f"{quote(ws.title)}!"
        sheet.refs.reps.append(RepRefs(name=where + name.coordinate, cap=where + cap.coordinate,
                                       start=where + start.coordinate, ramp=[where + c.coordinate for c in ramp]))
        sheet.layout.put(("input", "rep", rep.name), ws.title, row, COL_LABEL)
        sheet.row += 1
    _validate_block(sheet, first, months)


def _validate_block(sheet: _Sheet, first: int, months: int) -> None:
    """Validation over the rep rows as three ranges (one per kind of column), not one entry per
    cell: openpyxl checks each added cell against every earlier one, quadratic in reps."""
    last = sheet.row - 1
    if last < first:
        return
    sheet.valid["nonneg"].add(f"{a1(first, COL_UNIT)}:{a1(last, COL_UNIT)}")
    sheet.valid["date"].add(f"{a1(first, COL_S1)}:{a1(last, COL_S1)}")
    if months:
        sheet.valid["share"].add(f"{a1(first, COL_S1 + 1)}:{a1(last, COL_S1 + months)}")


def _holidays(sheet: _Sheet) -> None:
    """The 休日 sheet: public holidays and closures of every year a fiscal year the FY cell
    accepts can touch, and spare rows for the company's own closures."""
    lang, plan = sheet.lang, sheet.plan
    ws = sheet.wb.create_sheet(label("sheet_holidays", lang))
    sheet.layout.sheets["holidays"] = ws.title
    styles.key_column(ws)
    styles.title(ws, label("holidays", lang), label("holiday_note", lang))
    ws.column_dimensions["B"].width = 13
    ws.column_dimensions["C"].width = 26
    styles.header(ws, HOLIDAY_HEAD, COL_HOL, label("holiday_header", lang).split("|"))
    cal = BusinessCalendar(plan.spec.closures, public=plan.spec.public_holidays)
    first, last = plan.months[0].start, plan.months[-1].end
    r = HOLIDAY_HEAD + 1
    years = (first.year + FY_EDIT_RANGE[0] - 1, last.year + FY_EDIT_RANGE[1] + 1)  # any FY the FY cell accepts
    for day, text in cal.holidays(date(years[0], 1, 1), date(years[1], 12, 31)):
        ws.cell(r, COL_HOL, day)
        text_cell(ws, r, COL_HOL + 1, label("closure", lang) if text == CLOSURE else text)
        r += 1
    end = r + SPARE_HOLIDAY_ROWS - 1
    for rr in range(HOLIDAY_HEAD + 1, end + 1):
        styles.as_input(ws.cell(rr, COL_HOL), styles.DATE)
        styles.as_input(ws.cell(rr, COL_HOL + 1))
    date_check = validation(ws, "date", lang, type="date", operator="between", formula1="DATE(1901,1,1)",
                             formula2="DATE(2199,12,31)")
    date_check.add(f"{a1(HOLIDAY_HEAD + 1, COL_HOL)}:{a1(end, COL_HOL)}")
    define(sheet.wb, sheet.refs.holidays, f"{quote(ws.title)}!{span(None, HOLIDAY_HEAD + 1, COL_HOL, end, COL_HOL)}")
    sheet.layout.put(("input", "holidays"), ws.title, HOLIDAY_HEAD + 1, COL_HOL)
    ws.freeze_panes = ws.cell(HOLIDAY_HEAD + 1, COL_HOL)
    styles.protect(ws)


def _unit(kind: Kind, lang: str) -> str:
    return label({Kind.AMOUNT: "unit_yen", Kind.COUNT: "unit_count", Kind.RATE: "unit_rate",
                  Kind.RATIO: "unit_count"}[kind], lang)

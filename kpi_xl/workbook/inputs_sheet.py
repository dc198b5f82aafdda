"""The 入力 / Inputs sheet: every assumption in one place, each a defined name.

Scenario rows (KGI, unit price, rates, volumes) hold three columns (base / upside /
downside) and an active column chosen by a dropdown; the defined names point at the
active column, so every formula in the workbook follows the choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.calendar import BusinessCalendar
from kpi_xl.engine.feasibility import default_capacity
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.tree import Kind
from kpi_xl.i18n import label
from kpi_xl.workbook import styles
from kpi_xl.workbook.cells import Layout, a1, define, name_for, quote, span
from kpi_xl.workbook.options import SCENARIO_FACTORS, WorkbookOptions

COL_KEY, COL_LABEL, COL_UNIT, COL_S1, COL_ACTIVE, COL_NOTE = 1, 2, 3, 4, 7, 8
COL_HOL = 10
SPARE_HOLIDAY_ROWS = 30
RAMP_MONTHS = 3


@dataclass
class InputRefs:
    """Defined names of the inputs, for the other sheets' formulas."""

    metric: dict[str, str] = field(default_factory=dict)  # metric id → name (active value)
    lead: dict[str, str] = field(default_factory=dict)  # chain stage → name
    reps: list[dict[str, str]] = field(default_factory=list)  # per rep: name/cap/start/ramp1..
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


def _validation(ws: Worksheet, kind: str, lang: str, **kw) -> DataValidation:
    message = label(f"v_{kind}", lang)
    dv = DataValidation(showErrorMessage=True, showInputMessage=True, errorTitle=label("v_title", lang),
                        error=message, promptTitle=label("v_title", lang)[:32], prompt=message, **kw)
    ws.add_data_validation(dv)
    return dv


def write_inputs(wb: Workbook, plan: Plan, opts: WorkbookOptions, layout: Layout) -> InputRefs:
    lang = opts.lang
    spec = plan.spec
    template = spec.template
    tree = template.tree
    name = label("sheet_inputs", lang)
    ws = wb.create_sheet(name)
    layout.sheets["inputs"] = name
    refs = InputRefs()
    styles.key_column(ws)
    styles.title(ws, label("in_title", lang), label("in_note", lang))
    widths = {"B": 34, "C": 8, "D": 14, "E": 14, "F": 14, "G": 16, "H": 40, "I": 3, "J": 13, "K": 22}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width

    v_rate = _validation(ws, "rate", lang, type="decimal", operator="between",
                         formula1="0.000001", formula2="1")
    v_count = _validation(ws, "count", lang, type="whole", operator="greaterThanOrEqual", formula1="0")
    v_amount = _validation(ws, "amount", lang, type="decimal", operator="greaterThan", formula1="0")
    v_date = _validation(ws, "date", lang, type="date", operator="between",
                         formula1="DATE(1901,1,1)", formula2="DATE(2199,12,31)")
    v_fy = _validation(ws, "fy", lang, type="whole", operator="between", formula1="1901", formula2="2199")
    v_month = _validation(ws, "month", lang, type="whole", operator="between", formula1="1", formula2="12")
    v_share = _validation(ws, "share", lang, type="decimal", operator="between", formula1="0", formula2="1")
    v_nonneg = _validation(ws, "nonneg", lang, type="decimal", operator="greaterThanOrEqual", formula1="0")

    # -- scenarios ------------------------------------------------------------------
    scen_names = label("scenario_names", lang).split("|")
    ws.cell(4, COL_LABEL, label("scenario", lang)).font = styles.BOLD
    selector = ws.cell(4, COL_S1, scen_names[opts.scenario])
    styles.as_input(selector)
    header_row = 6
    styles.header(ws, header_row, COL_LABEL, [label("item", lang), label("unit", lang), *scen_names,
                                              label("active", lang), label("notes", lang)])
    for i in range(3):
        styles.as_input(ws.cell(header_row, COL_S1 + i))
    scen_range = span(None, header_row, COL_S1, header_row, COL_S1 + 2)
    v_list = _validation(ws, "list", lang, type="list", formula1=scen_range)
    v_list.add(selector)
    define(wb, refs.scenario, f"{quote(name)}!{a1(4, COL_S1, True)}")
    define(wb, "in_scenario_names", f"{quote(name)}!{scen_range}")
    layout.put(("input", "scenario"), name, 4, COL_S1)

    row = header_row + 1
    target = tree.metrics[plan.reverse.target]
    rows: list[tuple[str, str, str, Kind, float, bool]] = [
        ("kgi", label("goal_of", lang, metric=target.label(lang)), refs.kgi, target.kind,
         plan.reverse.goal, False)]
    ordered = [m for m in template.chain_rates() if m in spec.knowns]
    ordered += [m for m in spec.knowns if m not in ordered]
    for mid in ordered:
        metric = tree.metrics[mid]
        refs.metric[mid] = name_for(mid)
        rows.append((mid, metric.label(lang), refs.metric[mid], metric.kind, spec.knowns[mid],
                     metric.kind is Kind.RATE))
    for key, text, dname, kind, value, scales in rows:
        ws.cell(row, COL_KEY, f"in:{key}").font = styles.KEY_FONT
        ws.cell(row, COL_LABEL, text)
        ws.cell(row, COL_UNIT, _unit(kind, lang))
        for i, factor in enumerate(SCENARIO_FACTORS):
            cell = ws.cell(row, COL_S1 + i, min(1.0, value * factor) if scales else value)
            styles.as_input(cell, styles.fmt(kind))
            (v_rate if kind is Kind.RATE else v_count if kind is Kind.COUNT else v_amount).add(cell)
        active = ws.cell(row, COL_ACTIVE, f"=INDEX({span(None, row, COL_S1, row, COL_S1 + 2)},"
                                          f"MATCH({refs.scenario},{scen_range},0))")
        active.number_format = styles.fmt(kind)
        active.font = styles.BOLD
        active.border = styles.BOX
        define(wb, dname, f"{quote(name)}!{a1(row, COL_ACTIVE, True)}")
        layout.put(("input", key), name, row, COL_S1)
        if key != "kgi":
            ws.cell(row, COL_NOTE, template.definition(key, lang)).font = styles.NOTE_FONT
        row += 1

    # -- calendar and thresholds --------------------------------------------------------
    row += 1
    ws.cell(row, COL_LABEL, label("settings", lang)).font = styles.BOLD
    ws.cell(row, COL_LABEL).fill = styles.SECTION_FILL
    row += 1
    split_words = tuple(label("split_words", lang).split("|"))
    refs.split_words = (split_words[0], split_words[1])
    display_words = label("display_words", lang).split("|")
    display_index = ("yen", "man", "oku").index(opts.display)
    asof = opts.asof or plan.fiscal_months[0].start
    settings = [
        ("fy", label("fy", lang), refs.fy, spec.fiscal_year, "0", v_fy, ""),
        ("fy_start", label("fy_start", lang), refs.fy_start, spec.fy_start, "0", v_month, ""),
        ("split", label("split", lang), refs.split, split_words[spec.split == "weighted"], "@", None,
         " / ".join(split_words)),
        ("asof", label("asof", lang), refs.asof, asof, styles.DATE, v_date, ""),
        ("warn", label("warn", lang), refs.warn, opts.warn, styles.RATE, v_share, ""),
        ("capacity", label("capacity", lang), refs.capacity,
         plan.feasibility.capacity if plan.feasibility else spec.capacity_per_day or default_capacity(), styles.COUNT,
         v_amount, label("unit_days", lang)),
        ("display", label("display", lang), refs.display, display_words[display_index], "@", None,
         " / ".join(display_words)),
    ]
    for key, text, dname, value, number_format, dv, note in settings:
        ws.cell(row, COL_KEY, f"set:{key}").font = styles.KEY_FONT
        ws.cell(row, COL_LABEL, text)
        cell = ws.cell(row, COL_S1, value)
        styles.as_input(cell, number_format)
        if dv is not None:
            dv.add(cell)
        elif key == "split":
            _validation(ws, "list", lang, type="list", formula1='"' + ",".join(split_words) + '"').add(cell)
        else:
            _validation(ws, "list", lang, type="list", formula1='"' + ",".join(display_words) + '"').add(cell)
        if note:
            ws.cell(row, COL_NOTE, note).font = styles.NOTE_FONT
        define(wb, dname, f"{quote(name)}!{a1(row, COL_S1, True)}")
        layout.put(("input", key), name, row, COL_S1)
        row += 1

    # -- sales-cycle lag ------------------------------------------------------------------
    row += 1
    ws.cell(row, COL_LABEL, label("leads", lang)).font = styles.BOLD
    ws.cell(row, COL_LABEL).fill = styles.SECTION_FILL
    row += 1
    chain = template.chain
    for i, stage in enumerate(chain[:-1]):
        below = tree.metrics[chain[i + 1]]
        ws.cell(row, COL_KEY, f"lead:{stage}").font = styles.KEY_FONT
        ws.cell(row, COL_LABEL, label("lead_row", lang, stage=tree.metrics[stage].label(lang),
                                      below=below.label(lang)))
        ws.cell(row, COL_UNIT, label("unit_months", lang))
        cell = ws.cell(row, COL_S1, int(spec.leads.get(stage, 0)))
        styles.as_input(cell, "0")
        v_count.add(cell)
        refs.lead[stage] = name_for(f"lead_{stage}")
        define(wb, refs.lead[stage], f"{quote(name)}!{a1(row, COL_S1, True)}")
        layout.put(("input", f"lead:{stage}"), name, row, COL_S1)
        row += 1

    # -- reps -----------------------------------------------------------------------------
    row += 1
    ws.cell(row, COL_LABEL, label("reps", lang)).font = styles.BOLD
    ws.cell(row, COL_LABEL).fill = styles.SECTION_FILL
    row += 1
    rep_header = label("rep_header", lang).split("|")
    styles.header(ws, row, COL_LABEL, rep_header)
    row += 1
    for rep in spec.reps:
        ws.cell(row, COL_KEY, "rep").font = styles.KEY_FONT
        cells = {"name": ws.cell(row, COL_LABEL, rep.name), "cap": ws.cell(row, COL_UNIT, rep.capacity),
                 "start": ws.cell(row, COL_S1, rep.start)}
        for k in range(RAMP_MONTHS):
            cells[f"ramp{k + 1}"] = ws.cell(row, COL_S1 + 1 + k, rep.ramp[k] if k < len(rep.ramp) else None)
        styles.as_input(cells["name"], "@")
        styles.as_input(cells["cap"], "0%")
        styles.as_input(cells["start"], styles.MONTH)
        v_nonneg.add(cells["cap"])
        v_date.add(cells["start"])
        for k in range(RAMP_MONTHS):
            styles.as_input(cells[f"ramp{k + 1}"], "0%")
            v_share.add(cells[f"ramp{k + 1}"])
        refs.reps.append({k: f"{quote(name)}!{c.coordinate}" for k, c in cells.items()})
        layout.put(("input", "rep", rep.name), name, row, COL_LABEL)
        row += 1

    # -- holidays ---------------------------------------------------------------------------
    hol_row = header_row
    ws.cell(hol_row - 1, COL_HOL, label("holidays", lang)).font = styles.BOLD
    styles.header(ws, hol_row, COL_HOL, label("holiday_header", lang).split("|"))
    cal = BusinessCalendar(spec.closures, public=spec.public_holidays)
    first, last = plan.months[0].start, plan.months[-1].end
    entries = cal.holidays(date(first.year, 1, 1), date(last.year, 12, 31))
    closure = label("closure", lang)
    r = hol_row + 1
    for day, text in entries:
        ws.cell(r, COL_HOL, day)
        ws.cell(r, COL_HOL + 1, closure if text == "会社休業日" else text)
        r += 1
    end = r + SPARE_HOLIDAY_ROWS - 1
    for rr in range(hol_row + 1, end + 1):
        styles.as_input(ws.cell(rr, COL_HOL), styles.DATE)
        styles.as_input(ws.cell(rr, COL_HOL + 1))
    v_date.add(f"{a1(hol_row + 1, COL_HOL)}:{a1(end, COL_HOL)}")
    define(wb, refs.holidays, f"{quote(name)}!{span(None, hol_row + 1, COL_HOL, end, COL_HOL)}")
    layout.put(("input", "holidays"), name, hol_row + 1, COL_HOL)
    ws.freeze_panes = "C7"
    styles.protect(ws)
    return refs


def _unit(kind: Kind, lang: str) -> str:
    return label({Kind.AMOUNT: "unit_yen", Kind.COUNT: "unit_count", Kind.RATE: "unit_rate",
                  Kind.RATIO: "unit_count"}[kind], lang)

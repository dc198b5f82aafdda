"""Build a plan workbook from a plan: sheets in order, every number a live formula.

kpi_xl owns every sheet it writes and never edits a user's workbook in place; the file is
written atomically (see :mod:`kpi_xl.files`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat

from kpi_xl.engine.catalog import load_phases
from kpi_xl.engine.plan import Plan, build_plan
from kpi_xl.engine.settings import PlanOptions, Settings
from kpi_xl.engine.toml_data import template_dir
from kpi_xl.errors import InputError
from kpi_xl.files import XLSX, check_output, write_atomic
from kpi_xl.i18n import label
from kpi_xl.version import __version__
from kpi_xl.workbook.actuals_sheet import ActualsSheet, type_actuals
from kpi_xl.workbook.calendar_sheet import ROW_BD, ROW_MONTH, CalendarSheet
from kpi_xl.workbook.charts_sheet import write_charts
from kpi_xl.workbook.inputs_sheet import InputRefs, ramp_columns, write_inputs
from kpi_xl.workbook.pacing_sheet import write_pacing
from kpi_xl.workbook.phase_sheet import write_phase, year_actual_ref
from kpi_xl.workbook.sensitivity_sheet import write_sensitivity
from kpi_xl.workbook.tree_sheet import TreeSheet
from kpi_xl.workbook.weeks_sheet import write_weeks
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, rectangles, ref, span

META_SHEET = "kpi_xl"
FORMAT_VERSION = 2  # 2: actuals on their own sheet (1: typed into the phase sheets)


SHEETS = ("actuals", "tree", "launch", "growth", "stable", "calendar", "weeks", "pacing", "sensitivity", "charts",
          "chart_data")


def build_workbook(plan: Plan, opts: PlanOptions | None = None) -> tuple[Workbook, Layout]:
    """The plan workbook and the map of where every engine number sits in it."""
    if not plan.months:
        raise ValueError("a plan workbook needs a fiscal year (PlanSpec.fiscal_year)")
    opts = opts or PlanOptions()
    lang = opts.lang
    wb = Workbook()
    wb.remove(wb.active)
    layout = Layout()
    refs = write_inputs(wb, plan, opts, layout)
    sheets = {key: wb.create_sheet(label(f"sheet_{key}", lang)) for key in SHEETS}
    for key, ws in sheets.items():
        layout.sheets[key] = ws.title
    tree = TreeSheet(sheets["tree"], plan, refs, layout, lang)
    tree.write()
    totals = {s: tree.cell(s) for s in plan.series}
    cal = CalendarSheet(sheets["calendar"], plan, refs, layout, lang, totals)
    cal.write()
    write_weeks(sheets["weeks"], plan, refs, layout, lang, totals)
    write_pacing(sheets["pacing"], plan, refs, layout, lang, cal.month_range(None),
                 span(cal.ws.title, ROW_BD, cal.month_cols[0], ROW_BD, cal.month_cols[-1]),
                 {s: cal.month_range(s) for s in plan.paced})
    month_header = [ref(cal.ws.title, ROW_MONTH, col) for col in cal.month_cols]
    actuals = ActualsSheet(sheets["actuals"], plan, layout, lang, month_header)
    actuals.write()
    for phase in load_phases().values():
        write_phase(sheets[phase.id], phase, plan, refs, layout, lang, cal.plan_month_cell, month_header, actuals,
                    tree.value_cell)
    tree.add_actuals({m: cell for m in tree.row_of if (cell := year_actual_ref(actuals, m))})
    write_sensitivity(sheets["sensitivity"], plan, refs, layout, lang, tree.cell(plan.reverse.lever))
    write_charts(sheets["charts"], sheets["chart_data"], plan, lang, totals, actuals, month_header, cal)
    _amount_display(wb, refs, lang)
    _meta(wb, plan, opts, layout, refs)
    wb.calculation.fullCalcOnLoad = True  # no cached values (openpyxl cannot compute them): Excel computes on open
    wb.active = 0
    return wb, layout


def _amount_display(wb: Workbook, refs: InputRefs, lang: str) -> None:
    """万円 / 億円 display: conditional number formats on every amount cell, driven by an input."""
    words = label("display_words", lang).split("|")
    rules = [(words[1], styles.MAN_YEN), (words[2], styles.OKU_YEN)]
    for ws in wb.worksheets:
        cells = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.number_format == styles.YEN]
        if not cells:
            continue
        areas = " ".join(rectangles(cells))
        for i, (word, code) in enumerate(rules):
            rule = FormulaRule(formula=[f'{refs.display}="{word}"'])
            rule.dxf = DifferentialStyle(numFmt=NumberFormat(numFmtId=200 + i, formatCode=code))
            ws.conditional_formatting.add(areas, rule)


def _meta(wb: Workbook, plan: Plan, opts: PlanOptions, layout: Layout, refs: InputRefs) -> None:
    """A very hidden sheet telling the reader how this workbook was built."""
    ws = wb.create_sheet(META_SHEET)
    spec = plan.spec
    template = spec.template
    builtin = Path(template.source).resolve().is_relative_to(template_dir().resolve())
    meta = {
        "format": FORMAT_VERSION,
        "kpi_xl": __version__,
        "template": template.id if builtin else template.source,
        "target": plan.reverse.target,
        "lang": opts.lang,
        "quarter": spec.quarter,
        "lead_in": plan.lead_in,
        "months": len(plan.fiscal_months),
        "exact": spec.exact,
        "phase": opts.phase,
        "reps": len(spec.reps),
        "inputs": sorted(spec.knowns),
        "sheets": dict(layout.sheets),
        "months_keys": [m.key for m in plan.fiscal_months],
        "plan_months": [m.key for m in plan.months],
        "ramp_months": ramp_columns(plan),
        "names": {**refs.metric, **{f"lead:{k}": v for k, v in refs.lead.items()},
                  **{f"growth:{k}": v for k, v in refs.growth.items()},
                  **{f"lag_share:{k}:{d}": v for k, names in refs.lag_shares.items() for d, v in enumerate(names)}},
    }
    for i, (key, value) in enumerate(meta.items(), start=1):
        ws.cell(i, 1, key)
        ws.cell(i, 2, json.dumps(value, ensure_ascii=False))
    ws.sheet_state = "veryHidden"


def write_plan_workbook(path: Path | str, settings: Settings, *, force: bool = False,
                        inputs: Sequence[Path] = ()) -> tuple[Plan, Path]:
    """Compute the plan for ``settings`` and write its workbook (a fiscal year is needed)."""
    if settings.spec.fiscal_year is None:
        raise InputError("missing", field="fiscal_year (--fy)", hint="例/e.g. --fy 2026")
    plan = build_plan(settings.spec)
    return plan, write_plan(path, plan, settings.options, force=force, inputs=inputs)


def write_plan(path: Path | str, plan: Plan, opts: PlanOptions | None = None, *,
               force: bool = False, inputs: Sequence[Path] = (),
               actuals: Mapping[str, Mapping[str, float | None]] | None = None) -> Path:
    """Write the plan workbook to ``path`` atomically; refuse to overwrite without ``force``
    or to write over one of ``inputs``. ``actuals`` (metric → month → value) are typed into
    the 実績 sheet, as the demo does with its export's months."""
    check_output(Path(path), force=force, inputs=inputs, suffixes=XLSX)
    wb, layout = build_workbook(plan, opts)
    if actuals:
        type_actuals(wb, layout, plan, actuals)
    return write_atomic(path, lambda tmp: wb.save(tmp), force=force, inputs=inputs, suffixes=XLSX)


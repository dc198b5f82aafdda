"""Load a plan workbook back into the engine: its inputs and the actuals typed into it.

Formula cells are never trusted (openpyxl-written formulas have no cached values until
Excel saves the file); the inputs are read and the plan is recomputed by the engine.
Inputs are found by defined name and marked rows, so rows a user adds elsewhere, edited
inputs and added sheets do not matter; a damaged workbook gets an error naming the sheet
and the cell.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils.cell import coordinate_from_string, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.dates import parse_date
from kpi_xl.engine.lag import SHARE_MONTHS
from kpi_xl.engine.plan import PlanSpec
from kpi_xl.engine.settings import SCENARIO_FACTORS, Display, PlanOptions, options_from_settings, spec_from_settings
from kpi_xl.engine.templates import Template, get_template
from kpi_xl.engine.tree import Kind, Metric
from kpi_xl.engine.values import parse_count, parse_non_negative, parse_number, parse_rate
from kpi_xl.errors import InputError, KpiXlError, WorkbookError
from kpi_xl.i18n import Text, label, library_reason
from kpi_xl.workbook.inputs_sheet import COL_KEY, COL_LABEL, COL_S1, COL_UNIT, RAMP_MONTHS
from kpi_xl.workbook.writer import META_SHEET
from kpi_xl.xlsx.safety import check_archive

# settings field → the defined name of the Inputs cell it is read from
SETTING_CELLS = {"fiscal_year": "in_fy", "fy_start": "in_fy_start", "capacity_per_day": "in_capacity",
                 "warn": "in_warn", "asof": "in_asof", "split": "in_split", "display": "in_display",
                 "scenario": "in_scenario"}


@dataclass
class PlanWorkbook:
    """What a plan workbook holds: the spec to recompute, presentation options, actuals."""

    spec: PlanSpec
    options: PlanOptions
    actuals: dict[str, dict[str, float]] = field(default_factory=dict)  # metric → month → value
    settings: dict[str, Any] = field(default_factory=dict)


def read_plan_workbook(path: Path | str) -> PlanWorkbook:
    """Read ``path`` (a workbook made by ``kpi-xl plan``, maybe edited) into the engine."""
    path = Path(path)
    check_archive(path)
    try:
        wb = load_workbook(path, data_only=False)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise WorkbookError("wb_unreadable", path=str(path), reason=library_reason(exc)) from None
    if META_SHEET not in wb.sheetnames:
        raise WorkbookError("wb_not_plan", path=str(path), sheet=META_SHEET)
    meta = _meta(wb[META_SHEET])
    _typed_formulas(wb, path, [wb[name] for key, name in meta.get("sheets", {}).items()
                               if key in TYPED_SHEETS and name in wb.sheetnames])
    reader = _Reader(wb, meta)
    settings = reader.settings()
    try:
        spec = spec_from_settings(settings)
        options = options_from_settings({"lang": settings["lang"], "warn": settings["warn"],
                                         "asof": settings["asof"], "phase": meta.get("phase"),
                                         "scenario": reader.scenario_index, "display": settings["display"]})
    except InputError as exc:
        sheet, cell = reader.cell_for(str(exc.params.get("field", "")))
        raise WorkbookError("wb_bad_cell", sheet=sheet, cell=cell, problem=_both(exc)) from None
    if reader.scenario_index:  # the base column, so the workbook can be written again as it was
        spec = replace(spec, base_knowns=reader.base_values(spec))
    return PlanWorkbook(spec, options, reader.actuals(spec), settings)


# The sheets review reads typed values from (a format-1 workbook's actuals are on its phase
# sheets); the calendar's per-rep rows, thousands of formulas at 1,000 reps, are never looked at.
TYPED_SHEETS = ("inputs", "holidays", "actuals", "launch", "growth", "stable")


def _typed_formulas(wb: Workbook, path: Path, sheets: list[Worksheet]) -> None:
    """A formula a user typed into an input cell of ``sheets`` (=SUM(…) over their own sheet,
    =120*3) is read as the value the spreadsheet computed for it — what the workbook's own
    formulas use — in memory only; the workbook's formula cells (locked) are never read. A
    formula with no computed value (a file no spreadsheet app has saved since) is named, not
    guessed."""
    typed = [(ws.title, cell.coordinate) for ws in sheets for row in ws.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=") and cell.protection.locked is False]
    if not typed:
        return
    computed = load_workbook(path, data_only=True)
    for sheet, coord in typed:
        value = computed[sheet][coord].value
        if value is None:
            raise WorkbookError("wb_formula_no_value", sheet=sheet, cell=coord, formula=wb[sheet][coord].value)
        wb[sheet][coord].value = value


def _meta(ws: Worksheet) -> dict[str, Any]:
    meta = {}
    for key, value in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if key:
            try:
                meta[str(key)] = json.loads(value)
            except (TypeError, ValueError):
                raise WorkbookError("wb_bad_cell", sheet=META_SHEET, cell=f"B{len(meta) + 1}",
                                    problem=str(value)) from None
    return meta


class _Reader:
    def __init__(self, wb: Workbook, meta: dict[str, Any]) -> None:
        self.wb, self.meta = wb, meta
        self.lang = meta.get("lang", "ja")
        self.inputs = self.sheet(meta["sheets"]["inputs"])
        names = self.cell_of("in_scenario_names", multi=True)
        selector = self.value("in_scenario")
        scenario_names = [self.inputs[c].value for c in names]
        self.scenario_index = scenario_names.index(selector) if selector in scenario_names else 0

    def cell_for(self, field: str) -> tuple[str, str]:
        """The sheet and cell a settings field is typed in (fiscal year, start month, capacity,
        warn, as-of …), for an error to point at; the Inputs sheet alone when none matches."""
        name = SETTING_CELLS.get(field.split(".")[0].split("[")[0])
        if name and self.wb.defined_names.get(name) is not None:
            ws, cells = self.destination(name)
            return ws.title, cells[0]
        return self.inputs.title, "-"

    def sheet(self, name: str) -> Worksheet:
        if name not in self.wb.sheetnames:
            raise WorkbookError("wb_missing_sheet", sheet=name)
        return self.wb[name]

    def cell_of(self, name: str, multi: bool = False) -> Any:
        """The cell (or, with ``multi``, every cell) a defined name points at, on the Inputs sheet."""
        _ws, cells = self.destination(name)
        return cells if multi else cells[0]

    def destination(self, name: str) -> tuple[Worksheet, list[str]]:
        """The sheet a defined name points into and its cells, in reading order."""
        defined = self.wb.defined_names.get(name)
        if defined is None:
            raise WorkbookError("wb_missing_name", name=name, sheet=self.inputs.title)
        destinations = list(defined.destinations)
        if len(destinations) != 1 or destinations[0][0] not in self.wb.sheetnames:
            raise WorkbookError("wb_bad_name", name=name, target=defined.attr_text)
        sheet, coord = destinations[0]
        ws = self.wb[sheet]
        c1, r1, c2, r2 = range_boundaries(coord.replace("$", ""))
        return ws, [ws.cell(r, c).coordinate for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def value(self, name: str) -> Any:
        return self.inputs[self.cell_of(name)].value

    def scenario_cell(self, name: str, scenario: int) -> Cell:
        """The cell of scenario 0, 1 or 2 of the input whose active cell is named ``name``."""
        _letter, row = coordinate_from_string(self.cell_of(name))
        return self.inputs.cell(row, COL_S1 + scenario)

    def metric_cell(self, mid: str, scenario: int) -> Cell:
        return self.scenario_cell(self.meta.get("names", {}).get(mid, f"in_{mid}"), scenario)

    def base_values(self, spec: PlanSpec) -> dict[str, float]:
        """The base scenario's value of each input (the first scenario column)."""
        out = {}
        for mid in spec.knowns:
            cell = self.metric_cell(mid, 0)
            out[mid] = self.located(parse_number, cell.value, spec.template.tree.metrics[mid].name, cell.coordinate)
        return out

    def scenario_columns(self, tree: Any, inputs: list[str]) -> dict[str, list[float]]:
        """Rates whose upside/downside columns hold their own values (a measured interval, or
        the user's), not the base × 1.1 / × 0.9 the workbook was written with."""
        out = {}
        for mid in inputs:
            if tree.metrics[mid].kind is not Kind.RATE:
                continue
            cells = [self.metric_cell(mid, i) for i in range(3)]
            base, up, down = (self.located(parse_rate, c.value, tree.metrics[mid].name, c.coordinate) for c in cells)
            written = (min(1.0, base * SCENARIO_FACTORS[1]), min(1.0, base * SCENARIO_FACTORS[2]))
            if abs(up - written[0]) > 1e-12 or abs(down - written[1]) > 1e-12:
                out[mid] = [up, down]
        return out

    def scenario_value(self, name: str) -> tuple[Any, str]:
        """The active scenario's value of the input whose active cell is ``name``."""
        cell = self.scenario_cell(name, self.scenario_index)
        return cell.value, cell.coordinate

    def located(self, parse, raw: Any, field: Any, cell: str, ws: Worksheet | None = None) -> Any:
        """``parse(raw, field)``; an error names the sheet and the cell."""
        try:
            return parse(raw, field)
        except KpiXlError as exc:
            sheet = (ws or self.inputs).title
            raise WorkbookError("wb_bad_cell", sheet=sheet, cell=cell, problem=_both(exc)) from None

    def settings(self) -> dict[str, Any]:
        meta = self.meta
        template = get_template(meta["template"])
        tree = template.tree
        rates, volumes = {}, {}
        names = meta.get("names", {})
        for mid in meta["inputs"]:
            raw, cell = self.scenario_value(names.get(mid, f"in_{mid}"))
            metric = tree.metrics[mid]
            field = metric.name
            if metric.kind is Kind.RATE:
                rates[mid] = self.located(parse_rate, raw, field, cell)
            else:
                volumes[mid] = self.located(parse_number, raw, field, cell)
        scenarios = self.scenario_columns(tree, meta["inputs"])
        goal, cell = self.scenario_value("in_kgi")
        target = tree.metrics[meta["target"]]
        goal = self.located(parse_number, goal, target.name, cell)
        split_words = label("split_words", self.lang).split("|")
        display_words = label("display_words", self.lang).split("|")
        split = self.value("in_split")
        display = self.value("in_display")
        settings: dict[str, Any] = {
            "template": meta["template"],
            "target": {meta["target"]: goal},
            "rates": rates,
            "volumes": volumes,
            "scenarios": scenarios,
            "fiscal_year": self.value("in_fy"),
            "fy_start": self.value("in_fy_start"),
            "quarter": meta.get("quarter"),
            "split": "weighted" if split == split_words[1] else "equal" if split == split_words[0] else split,
            "exact": bool(meta.get("exact")),
            "capacity_per_day": self.value("in_capacity"),
            "leads": {stage: self.value(meta.get("names", {}).get(f"lead:{stage}", f"in_lead_{stage}")) or 0
                      for stage in template.chain[:-1]},
            "growth": self.growth(template),
            "lag_shares": self.lag_shares(template),
            "reps": self.reps(),
            "holidays": self.holidays(),
            "public_holidays": False,  # the holiday table is the whole truth once written
            "lang": self.lang,
            "warn": self.value("in_warn"),
            "asof": _iso(self.value("in_asof")),
            "display": list(Display)[display_words.index(display)].value if display in display_words
            else Display.YEN.value,
        }
        if "unit_price" in volumes and "unit_price" not in meta["inputs"]:
            settings["unit_price"] = volumes.pop("unit_price")
        return settings

    def growth(self, template: Template) -> dict[str, float]:
        """Each chain stage's month-over-month growth (format 2; none in older workbooks)."""
        names = self.meta.get("names", {})
        out = {}
        for stage in template.chain[1:]:
            name = names.get(f"growth:{stage}")
            if name is None or self.wb.defined_names.get(name) is None:
                continue
            coord = self.cell_of(name)
            value = self.located(parse_number, self.inputs[coord].value or 0, "growth", coord)
            if value:
                out[stage] = value
        return out

    def lag_shares(self, template: Template) -> dict[str, list[float]]:
        """A measured lag's shares (plan --from-data), blanks as 0; none in other workbooks."""
        names = self.meta.get("names", {})
        out = {}
        for stage in template.chain[:-1]:
            cells = [names.get(f"lag_share:{stage}:{d}") for d in range(SHARE_MONTHS)]
            if None in cells:
                continue
            coords = [self.cell_of(name) for name in cells]
            out[stage] = [self.located(parse_number, self.inputs[c].value or 0, "lag_shares", c) for c in coords]
        return out

    def reps(self) -> list[dict[str, Any]]:
        ws = self.inputs
        reps = []
        for row in range(1, ws.max_row + 1):
            if ws.cell(row, COL_KEY).value != "rep":
                continue
            name = ws.cell(row, COL_LABEL).value
            if name is None or str(name).strip() == "":
                continue
            start = ws.cell(row, COL_S1).value
            ramp = [ws.cell(row, COL_S1 + 1 + k).value for k in range(self.meta.get("ramp_months", RAMP_MONTHS))]
            while ramp and ramp[-1] in (None, ""):
                ramp.pop()
            reps.append({"name": str(name).strip(),
                         "capacity": self.located(parse_number, ws.cell(row, COL_UNIT).value, "capacity",
                                                  ws.cell(row, COL_UNIT).coordinate),
                         "start": _iso(start) if start not in (None, "") else None,
                         "ramp": [1.0 if r in (None, "") else r for r in ramp]})
        return reps

    def holidays(self) -> list[str]:
        ws, coords = self.destination("in_holidays")
        out = []
        for coord in coords:
            value = ws[coord].value
            if value in (None, ""):
                continue
            if isinstance(value, (datetime, date)):
                out.append(_iso(value))
            else:
                out.append(_iso(self.located(parse_date, str(value), "holiday", coord, ws)))
        return out

    def actuals(self, spec: PlanSpec) -> dict[str, dict[str, float]]:
        """metric → month → typed value: from the 実績 sheet (format 2), or from the phase
        sheets' actual rows of a format-1 workbook."""
        sheets = self.meta["sheets"]
        if "actuals" in sheets:
            found = self._typed(self.sheet(sheets["actuals"]), "act:", self.meta["plan_months"], spec)
        else:
            found = {}
            for key in ("launch", "growth", "stable"):
                if sheets.get(key) in self.wb.sheetnames:
                    for metric, series in self._typed(self.wb[sheets[key]], "actual:", self.meta["months_keys"],
                                                      spec).items():
                        found[metric] = {**series, **found.get(metric, {})}
        return {metric: series for metric, series in found.items() if series}

    def _typed(self, ws: Worksheet, marker: str, months: list[str], spec: PlanSpec) -> dict[str, dict[str, float]]:
        """The numbers typed in the rows marked ``marker<metric>``, by month (columns from D)."""
        found: dict[str, dict[str, float]] = {}
        texts: list[tuple[str, str]] = []  # cells pasted as text, all named at once (a column from a CSV)
        for row in range(1, ws.max_row + 1):
            key = ws.cell(row, COL_KEY).value
            if not isinstance(key, str) or not key.startswith(marker):
                continue
            metric = key[len(marker):]
            if metric not in spec.template.tree.metrics:
                continue
            series = found.setdefault(metric, {})
            for i, month in enumerate(months):
                cell = ws.cell(row, COL_S1 + i)
                if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                    continue  # nothing typed (a space left behind included): no data, never 0
                if isinstance(cell.value, str):  # pasted as text: the sheet's ISNUMBER/SUM leave it out
                    texts.append((cell.coordinate, cell.value))
                    continue
                try:
                    series[month] = _actual(cell.value, spec.template.tree.metrics[metric])
                except KpiXlError as exc:
                    raise WorkbookError("wb_bad_cell", sheet=ws.title, cell=cell.coordinate,
                                        problem=_both(exc)) from None
        if texts:
            more = len(texts) - TEXT_CELLS_SHOWN
            shown = ", ".join(c for c, _ in texts[:TEXT_CELLS_SHOWN]) + (f" (+{more})" if more > 0 else "")
            raise WorkbookError("wb_text_actual", sheet=ws.title, cell=shown, value=texts[0][1])
        return found


TEXT_CELLS_SHOWN = 5  # cells named in one message; the rest counted


def _actual(value: object, metric: Metric) -> float:
    """A typed actual by its metric's kind: a count whole and not negative (架電数 -5 or 12.5
    is a typing slip, not a month), an amount not negative."""
    if metric.kind is Kind.COUNT:
        return parse_count(value, metric.name)
    if metric.kind is Kind.AMOUNT:
        return parse_non_negative(value, metric.name)
    return parse_number(value, metric.name)


def _both(exc: KpiXlError) -> Text:
    """An error's message in both languages, to quote inside another error."""
    return Text(exc.message("ja"), exc.message("en"))


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value

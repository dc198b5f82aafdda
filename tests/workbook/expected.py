"""What the engine says each layout key of a plan workbook must hold.

Shared by the differential tests: the engine's Plan is the reference, the recalculated
workbook (LibreOffice, or the `formulas` package) is the thing under test. Period values
are computed here in plain Python — sums, Σ numerator ÷ Σ denominator (the engine's
period_rate), a quarter judged once each of its months has an actual — not copied from
the workbook's formulas.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime

from openpyxl import load_workbook

from kpi_xl.engine.actuals import period_rate
from kpi_xl.engine.calendar import BusinessCalendar, pace
from kpi_xl.engine.catalog import load_phases
from kpi_xl.engine.diagnosis import Status, achievement, status
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.tree import Kind
from kpi_xl.i18n import label
from kpi_xl.workbook.actuals_sheet import Row, actual_rows
from kpi_xl.workbook.sensitivity_sheet import levers

ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "Err:", "#ERR")


def engine_values(plan: Plan, asof: date | None = None) -> dict[tuple[str, ...], object]:
    out: dict[tuple[str, ...], object] = {}
    for stage in plan.reverse.stages:
        out[("tree", stage.metric)] = stage.value
    for j, month in enumerate(plan.months):
        out[("bd", month.key)] = month.business_days
        out[("month", month.key)] = month.start
        for stage in plan.series:
            out[("monthly", stage, month.key)] = plan.monthly[stage][j]
            out[("daily", stage, month.key)] = plan.daily[stage][j]
            for r, rep in enumerate(plan.spec.reps):
                out[("per_rep", stage, rep.name, month.key)] = plan.per_rep[stage][j][r]
        lever = plan.reverse.lever
        for r, rep in enumerate(plan.spec.reps):
            out[("per_rep_daily", lever, rep.name, month.key)] = plan.per_rep_daily[lever][j][r]
    for k, week in enumerate(plan.weeks):
        out[("week", week.key)] = week.key
        out[("week_bd", week.key)] = week.business_days
        for stage in plan.stages:
            out[("weekly", stage, week.key)] = plan.weekly[stage][k]
    for effect in plan.sensitivity:
        out[("sens", effect.metric)] = effect.delta
        out[("sens_base",)] = effect.kgi_before
    if [m for m, _ in levers(plan)]:
        for rank, effect in enumerate(plan.sensitivity, start=1):
            out[("sens_rank", effect.metric)] = rank
    out.update(_pacing(plan, asof))
    return out


def _pacing(plan: Plan, asof: date | None) -> dict[tuple[str, ...], object]:
    out: dict[tuple[str, ...], object] = {}
    index = next((j for j, m in enumerate(plan.months) if asof and m.start <= asof <= m.end), None)
    if index is None:
        return out
    month = plan.months[index]
    cal = BusinessCalendar(plan.spec.closures, public=plan.spec.public_holidays)
    elapsed = min(cal.count(month.start, asof), month.business_days)
    out[("pace", "elapsed")] = elapsed
    for stage in plan.paced:
        whole = plan.spec.template.tree.metrics[stage].is_count and not plan.spec.exact
        target = plan.monthly[stage][index]
        out[("pace", stage)] = pace(target, month.business_days, elapsed, whole=whole)
        for k in range(1, month.business_days + 1):
            out[("pace_day", stage, str(k))] = pace(target, month.business_days, k, whole=whole)
    return out


def read_values(path, layout) -> dict[tuple[str, ...], object]:
    """Every layout key's value in a recalculated workbook."""
    wb = load_workbook(path, data_only=True)
    values = {}
    for key, where in layout.cells.items():
        sheet, cell = where.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
        values[key] = wb[sheet][cell.replace("$", "")].value
    return values


def error_cells(path, hidden: set[str] = frozenset()) -> list[str]:
    """Every cell showing an error value, except on the sheets named in ``hidden``."""
    wb = load_workbook(path, data_only=True)
    return [f"{ws.title}!{c.coordinate} = {c.value}" for ws in wb.worksheets if ws.title not in hidden
            for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith(ERRORS)]


def compare(expected: dict, got: dict) -> list[str]:
    """Differences, as readable lines; empty when the workbook agrees with the engine."""
    problems = []
    for key, want in expected.items():
        if key not in got:
            problems.append(f"{key}: not in the workbook")
            continue
        have = got[key]
        if want is None:
            ok = have in (None, "")
        elif isinstance(want, date):
            ok = (have.date() if isinstance(have, datetime) else have) == want
        elif isinstance(want, str):
            ok = have == want
        elif key[0] == "sens":  # effects keep 10 significant digits: the last may round either way
            ok = isinstance(have, (int, float)) and abs(have - want) <= 1e-8 * max(1.0, abs(want))
        elif float(want).is_integer():  # counts (and whole amounts) must match exactly
            ok = isinstance(have, (int, float)) and have == want
        else:
            ok = isinstance(have, (int, float)) and abs(have - want) <= 1e-9 * max(1.0, abs(want))
        if not ok:
            problems.append(f"{key}: engine {want!r}, workbook {have!r}")
    return problems


def fill_actuals(path, actuals: dict[str, dict[str, float]], months: list[str]) -> None:
    """Type actuals into a plan workbook's 実績 sheet, as a user would (via openpyxl)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in range(1, ws.max_row + 1):
            marker = ws.cell(row, 1).value
            if isinstance(marker, str) and marker.startswith("act:") and marker[4:] in actuals:
                for month, value in actuals[marker[4:]].items():
                    ws.cell(row, 4 + months.index(month), value)
    wb.save(path)


def typed_metrics(plan: Plan) -> list[str]:
    """The metrics a user types on the 実績 sheet."""
    return [r.metric for r in actual_rows(plan.spec.template) if r.how is Row.TYPED]


def month_actuals(plan: Plan, typed: dict[str, dict[str, float]]) -> dict[str, list[float | None]]:
    """Every 実績 row per plan month: typed values, sums of fully typed parts, num ÷ den."""
    keys = [m.key for m in plan.months]
    out: dict[str, list[float | None]] = {}
    rows = actual_rows(plan.spec.template)
    for row in rows:
        if row.how is Row.TYPED:
            out[row.metric] = [typed.get(row.metric, {}).get(k) for k in keys]
    for _ in range(len(rows)):  # sums of sums settle within as many passes as there are rows
        for row in rows:
            if row.how is Row.SUM and all(p in out for p in row.parts):
                parts = [out[p] for p in row.parts]
                out[row.metric] = [None if any(v is None for v in vs) else
                                   (math.fsum(vs) if row.op == "+" else vs[0] - vs[1]) for vs in zip(*parts)]
    for row in rows:
        if row.how is Row.RATIO and all(p in out for p in row.parts):
            num, den = (out[p] for p in row.parts)
            out[row.metric] = [n / d if n is not None and d else None for n, d in zip(num, den)]
    return out


def period_actual(plan: Plan, values: dict[str, list[float | None]], metric: str, idx: list[int]) -> float | None:
    """A metric's actual over the months ``idx``: Σ, Σ numerator ÷ Σ denominator, or a mean."""
    row = next((r for r in actual_rows(plan.spec.template) if r.metric == metric), None)
    if row is None or metric not in values:
        return None
    if row.how is Row.RATIO:
        num, den = (values[p] for p in row.parts)
        return period_rate([num[i] for i in idx], [den[i] for i in idx])
    got = [values[metric][i] for i in idx if values[metric][i] is not None]
    if not got:
        return None
    kind = plan.spec.template.tree.metrics[metric].kind
    return math.fsum(got) / len(got) if kind in (Kind.RATE, Kind.RATIO) else math.fsum(got)


def actual_sheet_values(plan: Plan, typed: dict[str, dict[str, float]]) -> dict[tuple[str, ...], object]:
    """What every computed cell of the 実績 sheet must show."""
    values = month_actuals(plan, typed)
    out: dict[tuple[str, ...], object] = {}
    for metric, series in values.items():
        for j, month in enumerate(plan.months):
            out[("actual", metric, month.key)] = series[j]
        for key, idx in periods(plan).items():
            out[("actual", metric, key)] = period_actual(plan, values, metric, idx)
    return out


def periods(plan: Plan) -> dict[str, list[int]]:
    """The period columns: fiscal quarters (a full year) and everything to date."""
    fiscal = list(range(plan.lead_in, len(plan.months)))
    out = {f"Q{q + 1}": fiscal[3 * q: 3 * q + 3] for q in range(4)} if len(fiscal) == 12 else {}
    return {**out, "todate": list(range(len(plan.months)))}


def period_target(plan: Plan, metric: str) -> float | None:
    """The plan-period target: the KPI tree's value of the metric."""
    tree = plan.spec.template.tree
    if metric == plan.reverse.target:
        return plan.reverse.goal  # a rate KGI (継続率 90%) is its own target
    if tree.metrics[metric].kind is Kind.RATE:
        return plan.spec.knowns.get(metric)
    inputs = {**plan.spec.knowns, **plan.reverse.as_dict()}
    return tree.evaluate(inputs).get(metric)


def expected_status(plan: Plan, typed: dict[str, dict[str, float]], warn: float, lang: str,
                    layout=None) -> dict[tuple[str, ...], object]:
    """Target, actual, achievement and status of every phase-sheet KPI, by the engine's rules."""
    words = dict(zip((Status.HIT, Status.WATCH, Status.MISS), label("status_words", lang).split("|")))
    tree = plan.spec.template.tree
    values = month_actuals(plan, typed)
    out: dict[tuple[str, ...], object] = {}
    for phase in load_phases().values():
        for metric in phase.kpis_for(plan.spec.template):
            higher = tree.metrics[metric].higher_is_better
            rate = tree.metrics[metric].kind in (Kind.RATE, Kind.RATIO)
            targets = plan.targets(metric)
            actuals = values.get(metric, [None] * len(plan.months))
            cells = {m.key: (targets[j], actuals[j], True) for j, m in enumerate(plan.months)}
            for key, idx in periods(plan).items():
                with_actual = [i for i in idx if actuals[i] is not None]
                if key == "todate":
                    picked = [targets[i] for i in with_actual if targets[i] is not None]
                    if not with_actual or (rate and not picked):
                        target = None
                    else:
                        target = math.fsum(picked) / len(picked) if rate else math.fsum(picked)
                else:
                    ts = [targets[i] for i in idx if targets[i] is not None]
                    target = (math.fsum(ts) / len(ts) if rate else math.fsum(ts)) if ts else None
                cells[key] = (target, period_actual(plan, values, metric, idx), len(with_actual) == len(idx)
                              or key == "todate")
            everything = periods(plan)["todate"]
            cells["period"] = (period_target(plan, metric), period_actual(plan, values, metric, everything), True)
            for key, (target, actual, judged) in cells.items():
                prefix = ("phase", phase.id, metric)
                ach = achievement(actual, target, higher) if judged else None
                out[(*prefix, "actual", key)] = actual
                out[(*prefix, "ach", key)] = ach
                if key != "period":
                    verdict = status(actual, target, warn, higher) if ach is not None else Status.NONE
                    out[(*prefix, "status", key)] = words.get(verdict)
                if target is not None and key not in ("todate",):
                    out[(*prefix, "target", key)] = target
    return out


STATES = ("empty", "some", "all", "zeros")  # what a user has typed into 実績 by the time they look


def random_actuals(plan, rnd: random.Random, state: str) -> dict[str, dict[str, float]]:
    """Typed actuals in one of the STATES, near the plan's targets so every status occurs."""
    keys = [m.key for m in plan.months]
    if state == "empty":
        return {}
    out: dict[str, dict[str, float]] = {}
    for metric in typed_metrics(plan):
        targets = plan.targets(metric)
        chosen = range(len(keys)) if state in ("all", "zeros") else rnd.sample(range(len(keys)), k=min(3, len(keys)))
        out[metric] = {keys[i]: 0 if state == "zeros" else
                       round((targets[i] or rnd.randint(50, 500)) * rnd.choice([0.5, 0.89, 0.9, 0.95, 1.0, 1.2]))
                       for i in chosen}
    return out

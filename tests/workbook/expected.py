"""What the engine says each layout key of a plan workbook must hold.

Shared by the differential tests: the engine's Plan is the reference, the LibreOffice-
recalculated workbook is the thing under test.
"""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook

from kpi_xl.engine.calendar import pace
from kpi_xl.engine.plan import Plan
from kpi_xl.workbook.sensitivity_sheet import levers


def engine_values(plan: Plan, asof: date | None = None) -> dict[tuple[str, ...], object]:
    out: dict[tuple[str, ...], object] = {}
    for stage in plan.reverse.stages:
        out[("tree", stage.metric)] = stage.value
    for j, month in enumerate(plan.months):
        out[("bd", month.key)] = month.business_days
        out[("month", month.key)] = month.start
        for stage in plan.stages:
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
    ranked = [e.metric for e in plan.sensitivity]
    if [m for m, _ in levers(plan)] and ranked:
        for rank, metric in enumerate(ranked, start=1):
            out[("sens_rank", metric)] = rank
    if asof is not None:
        index = next((j for j, m in enumerate(plan.months) if m.start <= asof <= m.end), None)
        if index is not None:
            from kpi_xl.engine.calendar import BusinessCalendar
            month = plan.months[index]
            cal = BusinessCalendar(plan.spec.closures, public=plan.spec.public_holidays)
            elapsed = min(cal.count(month.start, asof), month.business_days)
            out[("pace", "elapsed")] = elapsed
            for stage in plan.stages:
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


def compare(expected: dict, got: dict, *, near_ties: set | None = None) -> list[str]:
    """Differences, as readable lines; empty when the workbook agrees with the engine."""
    problems = []
    for key, want in expected.items():
        if key not in got:
            problems.append(f"{key}: not in the workbook")
            continue
        have = got[key]
        if isinstance(want, date):
            if isinstance(have, datetime):
                have = have.date()
            ok = have == want
        elif isinstance(want, str):
            ok = have == want
        elif key[0] == "sens_rank" and near_ties and key[1] in near_ties:
            ok = True
        else:
            ok = isinstance(have, (int, float)) and abs(have - want) <= 1e-6 * max(1.0, abs(want))
        if not ok:
            problems.append(f"{key}: engine {want!r}, workbook {have!r}")
    return problems


def fill_actuals(path, actuals: dict[str, dict[str, float]], months: list[str]) -> None:
    """Type actuals into a plan workbook's phase sheets, as a user would (a copy, via openpyxl)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in range(1, ws.max_row + 1):
            marker = ws.cell(row, 1).value
            if isinstance(marker, str) and marker.startswith("actual:") and marker[7:] in actuals:
                for month, value in actuals[marker[7:]].items():
                    ws.cell(row, 4 + months.index(month), value)
    wb.save(path)


def expected_status(plan: Plan, actuals: dict[str, dict[str, float]], warn: float, lang: str,
                    layout) -> dict[tuple[str, ...], object]:
    """Achievement and status of every typed actual, by the engine's rules."""
    from kpi_xl.engine.diagnosis import Status, achievement, status
    from kpi_xl.i18n import label

    words = dict(zip((Status.HIT, Status.WATCH, Status.MISS), label("status_words", lang).split("|")))
    tree = plan.spec.template.tree
    keys = [m.key for m in plan.fiscal_months]
    out: dict[tuple[str, ...], object] = {}
    groups = {"year": keys}
    if len(keys) == 12:
        groups.update({f"Q{q + 1}": keys[3 * q: 3 * q + 3] for q in range(4)})
    for key in layout.cells:
        if key[0] != "phase" or key[3] != "ach":
            continue
        _, phase, metric, _, month = key
        targets = plan.month_targets(metric)
        typed = actuals.get(metric, {})
        if month in groups:  # to date: the months with actuals, summed (rates averaged)
            months = [m for m in groups[month] if m in typed]
            if not months:
                continue
            averaged = tree.metrics[metric].kind.value in ("rate", "ratio")
            pick = [targets[keys.index(m)] for m in months]
            got = [typed[m] for m in months]
            actual = sum(got) / len(got) if averaged else sum(got)
            target = sum(pick) / len(pick) if averaged else sum(pick)
        else:
            actual = typed.get(month)
            if actual is None:
                continue
            target = targets[keys.index(month)]
        higher = tree.metrics[metric].higher_is_better
        ach = achievement(actual, target, higher)
        if ach is None:
            continue
        out[key] = ach
        out[("phase", phase, metric, "status", month)] = words[status(actual, target, warn, higher)]
    return out

"""The figures of a monthly report: the month and the fiscal year to date against the plan,
per rep, the last twelve months, month-to-date pacing and aged open deals. The engine
computes every target, rate, status and the diagnosis; pandas only summed the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import pandas as pd

from kpi_xl.engine.allocation import largest_remainder
from kpi_xl.engine.calendar import BusinessCalendar, add_months, month_end, pace
from kpi_xl.engine.diagnosis import achievement, status
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.review import MonthReview, review_month
from kpi_xl.engine.templates import get_phase
from kpi_xl.engine.tree import Kind
from kpi_xl.errors import DataError
from kpi_xl.sfa.aggregate import derived
from kpi_xl.sfa.ingest import Ingested

STALE_DAYS = (14, 30, 60)  # fresh → blue → yellow → red


@dataclass
class Line:
    metric: str
    actual: float | None
    target: float | None

    def achievement(self, higher_is_better: bool) -> float | None:
        return achievement(self.actual, self.target, higher_is_better)


@dataclass
class RepLine:
    owner: str
    lines: dict[str, Line]
    gap: float


@dataclass
class OpenDeal:
    owner: str
    deal: str
    stage: str
    since: date | None
    days: int | None
    row: int
    file: str


@dataclass
class MonthlyReport:
    plan: Plan
    month: str
    warn: float
    metrics: list[str]
    month_lines: list[Line]
    ytd_lines: list[Line]
    review: MonthReview | None
    reps: list[RepLine]
    trend_months: list[str]
    trend: dict[str, list[Line]]
    as_of: date
    elapsed: int
    business_days: int
    pace_lines: list[Line]
    open_deals: list[OpenDeal] = field(default_factory=list)
    stale_days: tuple[int, int, int] = STALE_DAYS
    teams: dict[str, str] = field(default_factory=dict)  # owner → team
    team_lines: dict[str, dict[str, Line]] = field(default_factory=dict)
    rep_metrics: list[str] = field(default_factory=list)  # the phase's KPIs (all metrics without a phase)

    def status(self, line: Line) -> str:
        metric = self.plan.spec.template.tree.metrics[line.metric]
        return status(line.actual, line.target, self.warn, metric.higher_is_better)


def build_report(plan: Plan, data: Ingested, month: str, *, warn: float = 0.9,
                 stale_days: tuple[int, int, int] = STALE_DAYS, teams: dict[str, str] | None = None,
                 phase: str | None = None) -> MonthlyReport:
    template = plan.spec.template
    tree = template.tree
    keys = [m.key for m in plan.fiscal_months]
    if month not in keys:
        raise DataError("data_month", month=month, first=keys[0], last=keys[-1])
    index = keys.index(month)
    actuals = data.actuals
    owners = actuals.owners
    metrics = [*plan.stages, *(r for r in template.chain_rates() if r in plan.spec.knowns)]
    observed = set(actuals.by_month.columns)
    seen = {m for m in metrics if _seen(m, observed, template)}
    month_goals = {m: plan.month_targets(m) for m in metrics}

    @cache
    def team(m: str) -> dict[str, float]:
        return derived(template, actuals.team_month(m, owners))

    def targets(i: int) -> dict[str, float | None]:
        return {m: month_goals[m][i] for m in metrics}

    def lines(values: dict[str, float], goals: dict[str, float | None]) -> list[Line]:
        return [Line(m, values.get(m) if m in seen else None, goals.get(m)) for m in metrics]

    month_values = team(month)
    month_lines = lines(month_values, targets(index))
    ytd_counts: dict[str, float] = {}
    for m in keys[: index + 1]:
        for k, v in actuals.team_month(m, owners).items():
            ytd_counts[k] = ytd_counts.get(k, 0.0) + v
    ytd_goals: dict[str, float | None] = {}
    for m in metrics:
        series = month_goals[m][: index + 1]
        ytd_goals[m] = series[-1] if tree.metrics[m].kind is Kind.RATE else sum(v or 0 for v in series)
    ytd_lines = lines(derived(template, ytd_counts), ytd_goals)

    typed = {m: {k: team(k)[m] for k in keys[: index + 1] if m in team(k)} for m in seen}
    review = review_month(plan, typed, month, warn=warn) if any(typed.values()) else None

    rep_metrics = get_phase(phase).kpis_for(template) if phase else list(metrics)
    extra = [m for m in rep_metrics if m not in metrics]
    reps = _reps(plan, actuals, owners, month, index, [*metrics, *extra], observed, template)
    first = add_months(date(int(month[:4]), int(month[5:]), 1), -11)
    trend_months = [f"{add_months(first, i):%Y-%m}" for i in range(12)]
    trend = {m: [] for m in metrics}
    for key in trend_months:
        values = team(key)
        goals = targets(keys.index(key)) if key in keys else {}
        for m in metrics:
            trend[m].append(Line(m, values.get(m) if m in seen else None, goals.get(m)))

    start = date(int(month[:4]), int(month[5:]), 1)
    end = month_end(start)
    dates = [s.cleaned.frame["date"] for s in data.sources if "date" in s.cleaned.frame]
    in_month = [d[(d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))].max() for d in dates]
    in_month = [d for d in in_month if pd.notna(d)]
    as_of = max(in_month).date() if in_month else end
    cal = BusinessCalendar(plan.spec.closures, public=plan.spec.public_holidays)
    month_period = plan.months[plan.lead_in + index]
    elapsed = min(cal.count(start, as_of), month_period.business_days)
    pace_lines = []
    for stage in plan.stages:
        whole = tree.metrics[stage].is_count and not plan.spec.exact
        goal = pace(plan.monthly[stage][plan.lead_in + index], month_period.business_days, elapsed, whole=whole)
        pace_lines.append(Line(stage, month_values.get(stage) if stage in seen else None, goal))
    deals = _open_deals(data, end, stale_days)
    teams = teams or {}
    team_lines: dict[str, dict[str, Line]] = {}
    for name in sorted({teams[o] for o in owners if o in teams}):
        members = [r for r in reps if teams.get(r.owner) == name]
        counts = actuals.team_month(month, [r.owner for r in members])
        values = derived(template, counts)
        goals: dict[str, float | None] = {}
        for m in metrics:
            if tree.metrics[m].kind is Kind.RATE:
                goals[m] = plan.spec.knowns.get(m)
            else:
                goals[m] = sum(r.lines[m].target or 0 for r in members)
        team_lines[name] = {m: Line(m, values.get(m) if m in seen else None, goals[m])
                            for m in metrics}
    return MonthlyReport(plan, month, warn, metrics, month_lines, ytd_lines, review, reps, trend_months, trend,
                         as_of, elapsed, month_period.business_days, pace_lines, deals, stale_days, teams,
                         team_lines, rep_metrics)


def _seen(metric: str, observed: set[str], template) -> bool:
    """Whether the data can tell ``metric`` (observed, or derived from observed counts)."""
    if metric in observed:
        return True
    m = template.tree.metrics[metric]
    if m.numerator and m.denominator:
        return _seen(m.numerator, observed, template) and _seen(m.denominator, observed, template)
    formula = template.tree.formulas.get(metric)
    return bool(formula) and all(_seen(a, observed, template) for a in formula.args
                                 if template.tree.metrics[a].kind is not Kind.RATE)


def _reps(plan: Plan, actuals, owners: list[str], month: str, index: int, metrics: list[str],
          observed: set[str], template) -> list[RepLine]:
    tree = template.tree
    plan_names = [r.name for r in plan.spec.reps]
    column = plan.lead_in + index
    out = []
    for i, owner in enumerate(owners):
        values = derived(template, actuals.rep_month(owner, month))
        lines = {}
        for m in metrics:
            if tree.metrics[m].kind is Kind.RATE:
                goal = plan.spec.knowns.get(m)
            elif m not in plan.monthly:  # a phase KPI the plan sets no target for
                goal = None
            elif owner in plan_names:
                goal = plan.per_rep[m][column][plan_names.index(owner)]
            else:  # the plan does not name this rep: an equal share of the team target
                team = plan.monthly[m][column]
                shares = largest_remainder(int(team), [1.0] * len(owners)) if tree.metrics[m].is_count \
                    and not plan.spec.exact else [team / len(owners)] * len(owners)
                goal = float(shares[i])
            lines[m] = Line(m, values.get(m) if _seen(m, observed, template) else None, goal)
        key_metric = next((m for m in metrics if lines[m].actual is not None and lines[m].target), None)
        ratio = lines[key_metric].achievement(tree.metrics[key_metric].higher_is_better) if key_metric else None
        out.append(RepLine(owner, lines, ratio if ratio is not None else 0.0))
    return sorted(out, key=lambda r: (r.gap, r.owner))


def _open_deals(data: Ingested, as_of: date, stale_days: tuple[int, int, int]) -> list[OpenDeal]:
    deals = []
    for source in data.sources:
        frame = source.cleaned.frame
        if source.cleaned.shape != "opportunities":
            continue
        live = frame[frame["stage"].isin(["open", "prospect"])]
        for row in live.itertuples():
            since = row.date.date() if pd.notna(row.date) else None
            days = (as_of - since).days if since and since <= as_of + timedelta(0) else None
            deals.append(OpenDeal(row.owner, getattr(row, "id", "") or "", row.stage, since, days, row.row,
                                  source.cleaned.file))
    return sorted(deals, key=lambda d: (-(d.days or -1), d.owner))

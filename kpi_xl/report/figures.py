"""The figures of a monthly report: the month and the fiscal year to date against the plan,
per rep, the last twelve months, month-to-date pacing and aged open deals. The engine
computes every target, rate, status and the diagnosis; pandas only summed the rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import pandas as pd

from kpi_xl.engine.actuals import derive, observable
from kpi_xl.engine.calendar import BusinessCalendar, add_months, month_end, pace
from kpi_xl.engine.catalog import get_phase
from kpi_xl.engine.diagnosis import DEFAULT_WARN, Status, achievement, status
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.review import MonthReview, review_month
from kpi_xl.engine.tree import Kind
from kpi_xl.sfa.aggregate import Actuals
from kpi_xl.sfa.header import Shape
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
class Pace:
    """Month-to-date: the last activity date, business days gone and each stage's pace."""

    as_of: date
    elapsed: int
    business_days: int
    lines: list[Line]


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
    pace: Pace
    open_deals: list[OpenDeal] = field(default_factory=list)
    stale_days: tuple[int, int, int] = STALE_DAYS
    teams: dict[str, str] = field(default_factory=dict)  # owner → team
    team_lines: dict[str, dict[str, Line]] = field(default_factory=dict)
    rep_metrics: list[str] = field(default_factory=list)  # the phase's KPIs (all metrics without a phase)

    @property
    def as_of(self) -> date:
        return self.pace.as_of

    def status(self, line: Line) -> Status:
        metric = self.plan.spec.template.tree.metrics[line.metric]
        return status(line.actual, line.target, self.warn, metric.higher_is_better)


@dataclass
class _Inputs:
    """What every part of the report reads: the plan, the counts and the month."""

    plan: Plan
    actuals: Actuals
    month: str
    index: int
    metrics: list[str]
    seen: set[str]  # metrics the data can tell
    team: Callable[[str], dict[str, float]]  # month → the team's counts and derived rates

    def lines(self, values: dict[str, float], goals: dict[str, float | None]) -> list[Line]:
        return [Line(m, values.get(m) if m in self.seen else None, goals.get(m)) for m in self.metrics]

    def targets(self, index: int) -> dict[str, float | None]:
        return {m: self.plan.month_targets(m)[index] for m in self.metrics}


def build_report(plan: Plan, data: Ingested, month: str, *, warn: float = DEFAULT_WARN,
                 stale_days: tuple[int, int, int] = STALE_DAYS, teams: dict[str, str] | None = None,
                 phase: str | None = None) -> MonthlyReport:
    """Every figure of the report for ``month`` (a fiscal month of ``plan``)."""
    template = plan.spec.template
    index = plan.month_index(month)
    actuals = data.actuals
    metrics = [*plan.stages, *(r for r in template.chain_rates() if r in plan.spec.knowns)]
    observed = set(actuals.by_month.columns)

    @cache
    def team(m: str) -> dict[str, float]:
        return derive(template, actuals.team_month(m))

    inputs = _Inputs(plan, actuals, month, index, metrics,
                     {m for m in metrics if observable(template, m, observed)}, team)
    rep_metrics = get_phase(phase).kpis_for(template) if phase else list(metrics)
    reps = _reps(inputs, [*metrics, *(m for m in rep_metrics if m not in metrics)], observed)
    trend_months, trend = _trend(inputs)
    teams = teams or {}
    return MonthlyReport(
        plan=plan, month=month, warn=warn, metrics=metrics,
        month_lines=inputs.lines(team(month), inputs.targets(index)), ytd_lines=_ytd(inputs),
        review=_review(inputs, warn), reps=reps, trend_months=trend_months, trend=trend,
        pace=_pace(inputs, data), open_deals=_open_deals(data, month_end(_first_day(month)), stale_days),
        stale_days=stale_days, teams=teams, team_lines=_team_lines(inputs, reps, teams),
        rep_metrics=rep_metrics)


def _first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:]), 1)


def _ytd(inputs: _Inputs) -> list[Line]:
    plan, keys = inputs.plan, inputs.plan.month_keys[: inputs.index + 1]
    counts: dict[str, float] = {}
    for m in keys:
        for k, v in inputs.actuals.team_month(m).items():
            counts[k] = counts.get(k, 0.0) + v
    goals = {m: plan.ytd_target(m, inputs.index) for m in inputs.metrics}
    return inputs.lines(derive(plan.spec.template, counts), goals)


def _review(inputs: _Inputs, warn: float) -> MonthReview | None:
    keys = inputs.plan.month_keys[: inputs.index + 1]
    typed = {m: {k: inputs.team(k)[m] for k in keys if m in inputs.team(k)} for m in inputs.seen}
    return review_month(inputs.plan, typed, inputs.month, warn=warn) if any(typed.values()) else None


def _reps(inputs: _Inputs, metrics: list[str], observed: set[str]) -> list[RepLine]:
    plan = inputs.plan
    template = plan.spec.template
    owners = inputs.actuals.owners
    goals = {m: plan.rep_targets(m, inputs.index, owners) for m in metrics}
    seen = {m for m in metrics if observable(template, m, observed)}
    out = []
    for i, owner in enumerate(owners):
        values = derive(template, inputs.actuals.rep_month(owner, inputs.month))
        lines = {m: Line(m, values.get(m) if m in seen else None, goals[m][i]) for m in metrics}
        key_metric = next((m for m in metrics if lines[m].actual is not None and lines[m].target), None)
        ratio = lines[key_metric].achievement(template.tree.metrics[key_metric].higher_is_better) \
            if key_metric else None
        out.append(RepLine(owner, lines, ratio if ratio is not None else 0.0))
    return sorted(out, key=lambda r: (r.gap, r.owner))


def _trend(inputs: _Inputs) -> tuple[list[str], dict[str, list[Line]]]:
    first = add_months(_first_day(inputs.month), -11)
    months = [f"{add_months(first, i):%Y-%m}" for i in range(12)]
    keys = inputs.plan.month_keys
    trend: dict[str, list[Line]] = {m: [] for m in inputs.metrics}
    for key in months:
        goals = inputs.targets(keys.index(key)) if key in keys else {}
        for line in inputs.lines(inputs.team(key), goals):
            trend[line.metric].append(line)
    return months, trend


def _pace(inputs: _Inputs, data: Ingested) -> Pace:
    """Month to date, as of the last activity in the month (its end without one)."""
    plan, tree = inputs.plan, inputs.plan.spec.template.tree
    start = _first_day(inputs.month)
    end = month_end(start)
    dates = [s.cleaned.frame["date"] for s in data.sources if "date" in s.cleaned.frame]
    in_month = [d[(d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))].max() for d in dates]
    in_month = [d for d in in_month if pd.notna(d)]
    as_of = max(in_month).date() if in_month else end
    cal = BusinessCalendar(plan.spec.closures, public=plan.spec.public_holidays)
    period = plan.months[plan.lead_in + inputs.index]
    elapsed = min(cal.count(start, as_of), period.business_days)
    values = inputs.team(inputs.month)
    lines = []
    for stage in plan.paced:
        whole = tree.metrics[stage].is_count and not plan.spec.exact
        goal = pace(plan.monthly[stage][plan.lead_in + inputs.index], period.business_days, elapsed, whole=whole)
        lines.append(Line(stage, values.get(stage) if stage in inputs.seen else None, goal))
    return Pace(as_of, elapsed, period.business_days, lines)


def _team_lines(inputs: _Inputs, reps: list[RepLine], teams: dict[str, str]) -> dict[str, dict[str, Line]]:
    """Per team (or manager): the members' counts summed, their targets added up."""
    plan, tree = inputs.plan, inputs.plan.spec.template.tree
    out: dict[str, dict[str, Line]] = {}
    for name in sorted({teams[o] for o in inputs.actuals.owners if o in teams}):
        members = [r for r in reps if teams.get(r.owner) == name]
        values = derive(plan.spec.template, inputs.actuals.team_month(inputs.month, [r.owner for r in members]))
        goals = {m: plan.spec.knowns.get(m) if tree.metrics[m].kind is Kind.RATE
                 else sum(r.lines[m].target or 0 for r in members) for m in inputs.metrics}
        out[name] = {line.metric: line for line in inputs.lines(values, goals)}
    return out


def _open_deals(data: Ingested, as_of: date, stale_days: tuple[int, int, int]) -> list[OpenDeal]:
    deals = []
    for source in data.sources:
        frame = source.cleaned.frame
        if source.cleaned.shape is not Shape.OPPORTUNITIES:
            continue
        live = frame[frame["stage"].isin(["open", "prospect"])]
        for row in live.itertuples():
            since = row.date.date() if pd.notna(row.date) else None
            days = (as_of - since).days if since and since <= as_of + timedelta(0) else None
            deals.append(OpenDeal(row.owner, getattr(row, "id", "") or "", row.stage, since, days, row.row,
                                  source.cleaned.file))
    return sorted(deals, key=lambda d: (-(d.days or -1), d.owner))

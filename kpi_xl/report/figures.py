"""The figures of a monthly report: the month and the fiscal year to date against the plan,
per rep, the last twelve months, month-to-date pacing and aged open deals. The engine
computes every target, rate, status and the diagnosis; pandas only summed the rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

import pandas as pd

from kpi_xl.engine.actuals import derive, observable
from kpi_xl.engine.calendar import BusinessCalendar, add_months, month_end, pace
from kpi_xl.engine.catalog import get_phase
from kpi_xl.engine.dates import month_start
from kpi_xl.engine.diagnosis import DEFAULT_WARN, Status, status
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.review import MonthReview, review_month
from kpi_xl.engine.settings import unit_price_metric
from kpi_xl.engine.tree import Kind
from kpi_xl.errors import InputError
from kpi_xl.report.deals import OpenDeal, open_deals
from kpi_xl.report.landings import Month, MonthLanding, month_landing
from kpi_xl.report.lines import Line
from kpi_xl.report.losses import Losses, losses
from kpi_xl.report.no_data import NoData, Partial, no_data, partial
from kpi_xl.report.reps import RepKind, owners_of, rep_goals
from kpi_xl.report.slots import Heatmap, heatmap
from kpi_xl.report.weeks import Week, weeks
from kpi_xl.sfa.aggregate import Actuals
from kpi_xl.sfa.deal_odds import deals_of
from kpi_xl.sfa.ingest import Ingested

STALE_DAYS = (14, 30, 60)  # fresh → blue → yellow → red


@dataclass
class RepLine:
    owner: str
    lines: dict[str, Line]
    gap: float
    kind: RepKind = RepKind.PLAN
    of: str | None = None  # the rep a variant spelling stands for


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
    no_data: dict[str, NoData] = field(default_factory=dict)  # metrics no column feeds, and why
    partial: dict[str, Partial] = field(default_factory=dict)  # metrics columns feed in part, and what they miss
    weeks: list[Week] = field(default_factory=list)
    heatmap: Heatmap | None = None
    losses: Losses | None = None
    landing: MonthLanding | None = None

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
                 phase: str | None = None, asof: date | None = None) -> MonthlyReport:
    """Every figure of the report for ``month`` (a fiscal month of ``plan``); ``asof``, the day
    the exports stood on (``--asof``), sets how far the month has gone."""
    template = plan.spec.template
    index = plan.month_index(month)
    actuals = planned_zeros(data.actuals, plan)
    metrics = [*plan.stages, *(r for r in template.chain_rates() if r in plan.spec.knowns)]
    observed = set(actuals.by_month.columns)

    @cache
    def team(m: str) -> dict[str, float]:
        return derive(template, actuals.team_month(m))

    seen = {m for m in template.tree.metrics if observable(template, m, observed)}
    inputs = _Inputs(plan, actuals, month, index, metrics, seen, team)
    rep_metrics = get_phase(phase).kpis_for(template) if phase else list(metrics)
    every = [*metrics, *(m for m in rep_metrics if m not in metrics)]
    reps = _reps(inputs, every)
    trend_months, trend = _trend(inputs)
    teams = teams or _teams_in(data)
    paced = _pace(inputs, data, asof)
    return MonthlyReport(
        plan=plan, month=month, warn=warn, metrics=metrics,
        month_lines=inputs.lines(team(month), inputs.targets(index)), ytd_lines=_ytd(inputs),
        review=_review(inputs, warn), reps=reps, trend_months=trend_months, trend=trend,
        pace=paced, open_deals=open_deals(data, month_end(month_start(month))),
        stale_days=stale_days, teams=teams, team_lines=_team_lines(inputs, reps, teams),
        rep_metrics=rep_metrics, no_data=no_data(template, every, observed, data.vocab),
        partial=partial(template, every, data.actuals, data.vocab),
        weeks=weeks(plan, month, metrics, seen, _week_actuals(inputs)),
        heatmap=heatmap(actuals.slots, month), losses=losses(actuals.losses, month, plan.month_keys[: index + 1]),
        landing=_landing(inputs, data, paced))


def planned_zeros(actuals: Actuals, plan: Plan) -> Actuals:
    """A volume the plan fixes at 0 (メール送信数: 0) that no file counts is 0, not "no data":
    a team that sends no email has アプローチ数 = 架電数."""
    tree = plan.spec.template.tree
    zero = {m: 0.0 for m, v in plan.spec.knowns.items()
            if v == 0 and tree.metrics[m].is_count and m not in actuals.by_month.columns}
    if not zero:
        return actuals
    return replace(actuals, by_month=actuals.by_month.assign(**zero), by_week=actuals.by_week.assign(**zero))


def _teams_in(data: Ingested) -> dict[str, str]:
    """owner → team from the exports' own team column (チーム / Manager), when they have one:
    each owner's most frequent team."""
    frames = [f for f in (s.cleaned.teams() for s in data.sources) if len(f)]
    if not frames:
        return {}
    counts = pd.concat(frames).groupby(["owner", "team"], as_index=False)["rows"].sum()
    best = counts.sort_values(["owner", "rows", "team"], ascending=[True, False, True]).drop_duplicates("owner")
    return dict(zip(best["owner"], best["team"]))


def _week_actuals(inputs: _Inputs) -> Callable[[str], dict[str, float]]:
    frame = inputs.actuals.by_week

    def actual(week: str) -> dict[str, float]:
        if week not in frame.index.get_level_values(1):
            return {}
        return derive(inputs.plan.spec.template, {m: float(v) for m, v in frame.xs(week, level=1).sum().items()})

    return actual


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
    told = [m for m in inputs.plan.spec.template.tree.metrics if m in inputs.seen]  # all the data tells, as typed
    typed = {m: {k: inputs.team(k)[m] for k in keys if m in inputs.team(k)} for m in told}
    return review_month(inputs.plan, typed, inputs.month, warn=warn) if any(typed.values()) else None


def _reps(inputs: _Inputs, metrics: list[str]) -> list[RepLine]:
    """The plan's reps (a rep without rows this month did nothing the data shows: 0), then
    the other owners with rows this month, each with their own counts and no target."""
    plan, actuals, template = inputs.plan, inputs.actuals, inputs.plan.spec.template
    in_month = inputs.month in actuals.months
    active = list(actuals.by_month.xs(inputs.month, level=1).index) if in_month else []
    activity = actuals.by_month.groupby(level=0, observed=True).sum().sum(axis=1).to_dict()
    owners = owners_of(plan, active, activity)
    goals = rep_goals(plan, metrics, inputs.index, owners)
    zeros = {m: 0.0 for m in actuals.by_month.columns} if in_month else {}
    out = []
    for i, owner in enumerate(owners):
        values = derive(template, actuals.rep_month(owner.name, inputs.month) or zeros)
        lines = {m: Line(m, values.get(m) if m in inputs.seen else None, goals[m][i]) for m in metrics}
        key_metric = next((m for m in metrics if lines[m].actual is not None and lines[m].target), None)
        ratio = lines[key_metric].achievement(template.tree.metrics[key_metric].higher_is_better) \
            if key_metric else None
        out.append(RepLine(owner.name, lines, ratio if ratio is not None else 0.0, owner.kind, owner.of))
    targeted = (RepKind.PLAN, RepKind.SHARE)
    return sorted(out, key=lambda r: (r.kind not in targeted, r.gap if r.kind in targeted else 0, r.owner))


def _trend(inputs: _Inputs) -> tuple[list[str], dict[str, list[Line]]]:
    first = add_months(month_start(inputs.month), -11)
    months = [f"{add_months(first, i):%Y-%m}" for i in range(12)]
    keys = inputs.plan.month_keys
    trend: dict[str, list[Line]] = {m: [] for m in inputs.metrics}
    for key in months:
        goals = inputs.targets(keys.index(key)) if key in keys else {}
        for line in inputs.lines(inputs.team(key), goals):
            trend[line.metric].append(line)
    return months, trend


def _pace(inputs: _Inputs, data: Ingested, asof: date | None = None) -> Pace:
    """Month to date: as of ``asof`` (the day the exports stood on; a month it has passed is
    over), else of the last activity in the month (its end without one)."""
    plan, tree = inputs.plan, inputs.plan.spec.template.tree
    start = month_start(inputs.month)
    end = month_end(start)
    dates = [s.cleaned.dates() for s in data.sources]
    in_month = [d[(d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))].max() for d in dates]
    in_month = [d for d in in_month if pd.notna(d)]
    as_of = min(asof, end) if asof is not None and asof >= start else max(in_month).date() if in_month else end
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


def _landing(inputs: _Inputs, data: Ingested, paced: Pace) -> MonthLanding:
    """Where the month lands, as of the pace's date (:mod:`kpi_xl.report.landings`)."""
    plan = inputs.plan
    first = month_start(inputs.month)
    cal = BusinessCalendar(plan.spec.closures, public=plan.spec.public_holidays)
    month = Month(first, month_end(first), paced.as_of, paced.elapsed, paced.business_days, cal)  # the pace's counts
    told = {m: v for m, v in inputs.team(inputs.month).items() if m in inputs.seen}
    try:
        unit = plan.spec.knowns.get(unit_price_metric(plan.spec.template))
    except InputError:  # a template whose goal is no count × price
        unit = None
    return month_landing(plan.spec.template, month, told, plan.paced, inputs.targets(inputs.index),
                         deals_of(data), unit, plan.sensitivity)


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

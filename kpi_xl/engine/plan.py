"""A whole plan: the reverse chain spread over fiscal months, weeks, business days and reps.

Each stage's total from the reverse solve is split over the fiscal months (equal, as the
seeds do, or by business days), moved earlier by its sales-cycle lag, divided by business
days for a daily pace, and shared over reps by capacity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from kpi_xl.engine.allocation import Rep, largest_remainder, named
from kpi_xl.engine.calendar import (
    BusinessCalendar,
    Period,
    add_months,
    fiscal_months,
    iso_weeks,
    months_between,
    per_day,
    split,
)
from kpi_xl.engine.catalog import load_benchmarks
from kpi_xl.engine.excelmath import roundup
from kpi_xl.engine.feasibility import Effect, Feasibility, assess, sensitivity
from kpi_xl.engine.funnel import Reverse, reverse
from kpi_xl.engine.lag import spread_back, stage_lags
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind
from kpi_xl.errors import InputError
from kpi_xl.i18n import Text


@dataclass(frozen=True)
class PlanSpec:
    """Everything a plan is computed from (what the plan workbook's 入力 sheet holds)."""

    template: Template
    goal: float
    knowns: Mapping[str, float]
    target: str | None = None
    fiscal_year: int | None = None
    fy_start: int = 4
    quarter: int | None = None
    closures: tuple[date, ...] = ()
    public_holidays: bool = True
    reps: tuple[Rep, ...] = (Rep("Rep 1"),)
    leads: Mapping[str, int] = field(default_factory=dict)
    # stage → share of its results 0, 1, 2, 3+ months after the stage below (a measured lag)
    lag_shares: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    split: str = "equal"
    exact: bool = False
    capacity_per_day: float | None = None
    growth: Mapping[str, float] = field(default_factory=dict)  # stage → month-over-month growth (前月比)
    base_knowns: Mapping[str, float] | None = None  # the base scenario's inputs when another is active
    # rate → (upside, downside) where the scenarios are given (a measured rate's interval ends),
    # instead of the base rate × 1.1 and × 0.9
    scenario_rates: Mapping[str, tuple[float, float]] = field(default_factory=dict)


POINT = {0: 1.0}  # no lag: all in the same month


@dataclass(frozen=True)
class RateWarning:
    """A given rate far outside its published band (SMART: achievable?)."""

    metric: str
    value: float
    low: float
    high: float
    source: str


@dataclass(frozen=True)
class Plan:
    """The computed plan. Month series run over ``months`` (lead-in months first)."""

    spec: PlanSpec
    reverse: Reverse
    sensitivity: list[Effect]
    months: list[Period] = field(default_factory=list)
    lead_in: int = 0
    weeks: list[Period] = field(default_factory=list)
    monthly: dict[str, list[float]] = field(default_factory=dict)
    weekly: dict[str, list[float]] = field(default_factory=dict)
    daily: dict[str, list[float]] = field(default_factory=dict)
    per_rep: dict[str, list[list[float]]] = field(default_factory=dict)
    per_rep_daily: dict[str, list[list[float]]] = field(default_factory=dict)
    feasibility: Feasibility | None = None
    warnings: list[RateWarning] = field(default_factory=list)

    @property
    def stages(self) -> list[str]:
        return [s.metric for s in self.reverse.stages]

    @property
    def fiscal_months(self) -> list[Period]:
        """The months of the plan's horizon, without the lead-in months."""
        return self.months[self.lead_in:]

    @property
    def month_keys(self) -> list[str]:
        """"2026-04" … of the fiscal months."""
        return [m.key for m in self.fiscal_months]

    def month_index(self, month: str) -> int:
        """Position of fiscal month ``month``; a month outside the plan is an input error."""
        keys = self.month_keys
        if month not in keys:
            raise InputError("month_outside", month=month, first=keys[0], last=keys[-1])
        return keys.index(month)

    def latest_month(self, seen: Iterable[str]) -> str | None:
        """The latest fiscal month among ``seen`` (months with data); None when none is."""
        present = set(seen)
        return next((k for k in reversed(self.month_keys) if k in present), None)

    def ytd_target(self, metric: str, index: int) -> float | None:
        """Fiscal year to date through month ``index``: counts and amounts add up, a rate's
        target is the month's (rates are not summed)."""
        series = self.month_targets(metric)[: index + 1]
        if self.spec.template.tree.metrics[metric].kind is Kind.RATE:
            return series[-1]
        return sum(v or 0 for v in series)

    def rep_targets(self, metric: str, index: int, owners: Sequence[str]) -> list[float | None]:
        """Each owner's target in fiscal month ``index``. A plan that names its reps gives
        each named rep their share and an owner it does not name none; a plan of ``reps: N``
        splits the team target equally over ``owners``. Either way the targets add up to
        the team's. A rate's target is the plan's rate; a metric without a monthly target has none."""
        tree = self.spec.template.tree
        if tree.metrics[metric].kind is Kind.RATE:
            return [self.spec.knowns.get(metric)] * len(owners)
        if metric not in self.monthly or not owners:
            return [None] * len(owners)
        column = self.lead_in + index
        if named(self.spec.reps):
            position = {r.name: i for i, r in enumerate(self.spec.reps)}
            shares = self.per_rep[metric][column]
            return [shares[position[o]] if o in position else None for o in owners]
        team = self.monthly[metric][column]
        if tree.metrics[metric].is_count and not self.spec.exact:
            return [float(x) for x in largest_remainder(int(team), [1.0] * len(owners))]
        return [team / len(owners)] * len(owners)

    def month_targets(self, metric: str) -> list[float | None]:
        """Per fiscal month (lead-in excluded): see :meth:`targets`."""
        return self.targets(metric)[self.lead_in:]

    def targets(self, metric: str) -> list[float | None]:
        """Per plan month (lead-in months first): a stage's or fixed volume's target, a
        rate's value, a side metric computed forward from that month's targets; None when
        undetermined."""
        tree = self.reverse.template.tree
        if metric in self.monthly:
            return list(self.monthly[metric])
        if tree.metrics[metric].kind is Kind.RATE:
            return [self.spec.knowns.get(metric)] * len(self.months)
        out: list[float | None] = []
        for i in range(len(self.months)):
            month_inputs = {**self.spec.knowns, **{s: self.monthly[s][i] for s in self.monthly}}
            out.append(tree.evaluate(month_inputs).get(metric))
        return out

    def anchor(self, metric: str) -> str:
        """The chain stage whose lead time moves ``metric``: itself for a stage, for a fixed
        volume the stage beside it (メール送信数 moves with 架電数, both make アプローチ数)."""
        chain = self.spec.template.chain
        if metric in chain:
            return metric
        parent = next((s for s in chain if metric in self.spec.template.tree.children(s)), None)
        return _below(chain, parent) if parent else chain[0]

    @property
    def paced(self) -> list[str]:
        """The stages that accumulate over a month (a rate goal does not: it holds every day)."""
        return [s for s in self.stages if self.spec.template.tree.metrics[s].kind is not Kind.RATE]

    @property
    def series(self) -> list[str]:
        """Every metric with a monthly target of its own: the stages, then the fixed volumes."""
        return [*self.stages, *self.volumes()]

    def volumes(self) -> list[str]:
        """Fixed counts given as inputs (メール送信数 13,000 a year): spread over the months
        like the chain stage whose formula they sit in."""
        tree = self.spec.template.tree
        return [k for k in self.spec.knowns if tree.metrics[k].is_count and k not in self.stages]


def build_plan(spec: PlanSpec) -> Plan:
    """Compute the plan for ``spec`` (only the chain and sensitivity without a fiscal year)."""
    result = reverse(spec.template, spec.goal, spec.knowns, target=spec.target, exact=spec.exact)
    inputs = {**spec.knowns, result.lever: result.stages[-1].value}
    effects = sensitivity(spec.template, inputs, result.target) if len(result.stages) > 1 else []
    warnings = unrealistic_rates(spec.template, spec.knowns)
    if spec.fiscal_year is None:
        return Plan(spec, result, effects, warnings=warnings)
    if not spec.reps:
        raise InputError("missing", field="reps", hint="--reps N / --rep 名前:稼働率")
    cal = BusinessCalendar(spec.closures, public=spec.public_holidays)
    fy_months = fiscal_months(spec.fiscal_year, spec.fy_start, cal, spec.quarter)
    if not sum(m.business_days for m in fy_months):  # closures over the whole year: nothing can be planned
        raise InputError("out_of_range", field="holidays", value=f"{fy_months[0].start}..{fy_months[-1].end}",
                         allowed=Text("計画期間に営業日が1日以上残る休業日",
                                      "closures that leave at least one business day in the plan period"))
    lags = stage_lags(result.template.chain, spec.leads, spec.lag_shares)
    lead_in = max(max(lags.get(s.metric, POINT)) for s in result.stages)
    months = months_between(add_months(fy_months[0].start, -lead_in), fy_months[-1].end, cal) \
        if lead_in else fy_months
    weeks = iso_weeks(spec.fiscal_year, spec.fy_start, cal, spec.quarter)
    rep_weights = [[rep.weight(m.start) for rep in spec.reps] for m in months]
    plan = Plan(spec, result, effects, months, lead_in, weeks, warnings=warnings)
    for stage in result.stages:
        _spread(plan, stage.metric, stage.value, fy_months, lags.get(stage.metric, POINT), rep_weights)
    for volume in plan.volumes():
        _spread(plan, volume, spec.knowns[volume], fy_months, lags.get(plan.anchor(volume), POINT), rep_weights)
    feas = _feasibility(plan, rep_weights)
    return Plan(spec, result, effects, months, lead_in, weeks, plan.monthly, plan.weekly, plan.daily,
                plan.per_rep, plan.per_rep_daily, feas, warnings)


def _spread(plan: Plan, stage: str, total: float, fy_months: list[Period], lag: Mapping[int, float],
            rep_weights: list[list[float]]) -> None:
    """A stage's total over fiscal months (moved earlier by its ``lag``: months → share),
    ISO weeks, business days and reps. A rate stage (a rate KGI) is the same rate in every
    period its lag reaches."""
    spec, months = plan.spec, plan.months
    metric = spec.template.tree.metrics[stage]
    if metric.kind is Kind.RATE:
        reached = spread_back([1.0] * len(fy_months), {k: 1.0 for k in lag}, plan.lead_in)
        plan.monthly[stage] = [total if r else 0.0 for r in reached]
        plan.weekly[stage] = [total] * len(plan.weeks)
        plan.daily[stage] = list(plan.monthly[stage])
        plan.per_rep[stage] = [[v] * len(spec.reps) for v in plan.monthly[stage]]
        plan.per_rep_daily[stage] = [list(row) for row in plan.per_rep[stage]]
        return
    whole = not spec.exact and metric.is_count
    weights = [m.business_days for m in fy_months]
    growth = spec.growth.get(stage)
    fy_series = split(total, growth_weights(weights, growth, spec.split), "weighted", whole=whole) \
        if growth else split(total, weights, spec.split, whole=whole)
    series = spread_back(fy_series, lag, plan.lead_in)
    if whole and len(lag) > 1:  # a spread lag splits whole months: each rounded up, as the seeds' pace
        series = [roundup(v) for v in series]
    plan.monthly[stage] = series
    plan.weekly[stage] = split(total, [w.business_days for w in plan.weeks], spec.split, whole=whole)
    plan.daily[stage] = [per_day(v, m.business_days, whole=whole) for v, m in zip(series, months)]
    shares = [_share(v, weights, m, whole) for v, weights, m in zip(series, rep_weights, months)]
    plan.per_rep[stage] = shares
    plan.per_rep_daily[stage] = [[per_day(x, m.business_days, whole=whole) for x in row]
                                 for row, m in zip(shares, months)]


def _below(chain: Sequence[str], stage: str) -> str:
    """The chain stage under ``stage`` (a volume beside it moves with it)."""
    index = chain.index(stage)
    return chain[index + 1] if index + 1 < len(chain) else stage


def growth_weights(business_days: Sequence[int], growth: float, method: str) -> list[float]:
    """Month weights for a month-over-month growth rate (前月比): month k weighs (1+g)^k,
    times its business days when the split is weighted."""
    return [(1 + growth) ** k * (bd if method == "weighted" else 1) for k, bd in enumerate(business_days)]


def _feasibility(plan: Plan, rep_weights: list[list[float]]) -> Feasibility:
    """The capacity check over the months the activity has a target in (a year of them: a lag
    spread over months thins the edge months, which also carry the years before and after)."""
    activity = plan.spec.template.activity
    series = plan.monthly.get(activity) if activity else None
    fiscal = list(range(plan.lead_in, len(plan.months)))
    active = [i for i, v in enumerate(series) if v > 0] if series else fiscal
    if len(active) > len(fiscal):  # a spread lag: a year's activity over more months, beside other years'
        active = fiscal
    rep_days = sum(sum(rep_weights[i]) * plan.months[i].business_days for i in active)
    business_days = sum(plan.months[i].business_days for i in active)
    return assess(plan.reverse, plan.spec.knowns, rep_days=rep_days, business_days=business_days,
                  months=len(active), capacity=plan.spec.capacity_per_day)


def unrealistic_rates(template: Template, knowns: Mapping[str, float]) -> list[RateWarning]:
    """SMART's A: a given rate far outside its published band (below half its low end or
    above twice its high end) is probably not achievable — or a typo."""
    marks = load_benchmarks()
    out = []
    for mid, value in knowns.items():
        metric = template.tree.metrics[mid]
        mark = marks.get(metric.benchmark) if metric.benchmark and metric.kind is Kind.RATE else None
        if mark and (value < mark.low / 2 or value > (mark.high or mark.low) * 2):
            out.append(RateWarning(mid, value, mark.low, mark.high or mark.low, mark.source))
    return out


def _share(total: float, weights: list[float], month: Period, whole: bool) -> list[float]:
    if total == 0:
        return [0.0] * len(weights)
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise InputError("not_positive", value=weight_sum,
                         field=Text(f"稼働率の合計（{month.key}）", f"capacity (sum over reps, {month.key})"))
    if whole:
        return [float(x) for x in largest_remainder(int(total), weights)]
    return [total * w / weight_sum for w in weights]

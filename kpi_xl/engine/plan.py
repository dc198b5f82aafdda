"""A whole plan: the reverse chain spread over fiscal months, weeks, business days and reps.

Each stage's total from the reverse solve is split over the fiscal months (equal, as the
seeds do, or by business days), moved earlier by its sales-cycle lag, divided by business
days for a daily pace, and shared over reps by capacity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from kpi_xl.engine.allocation import Rep, largest_remainder
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
from kpi_xl.engine.feasibility import Effect, Feasibility, assess, sensitivity
from kpi_xl.engine.funnel import Reverse, reverse
from kpi_xl.engine.lag import shift, stage_offsets
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind
from kpi_xl.errors import InputError


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
    split: str = "equal"
    exact: bool = False
    capacity_per_day: float | None = None


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
        """Each owner's target in fiscal month ``index``: the plan's share for a rep it
        names, an equal share of the team target for one it does not; a rate's target is
        the plan's rate, a metric without a monthly target has none."""
        tree = self.spec.template.tree
        if tree.metrics[metric].kind is Kind.RATE:
            return [self.spec.knowns.get(metric)] * len(owners)
        if metric not in self.monthly:
            return [None] * len(owners)
        column = self.lead_in + index
        names = [r.name for r in self.spec.reps]
        team = self.monthly[metric][column]
        whole = tree.metrics[metric].is_count and not self.spec.exact
        equal = [float(x) for x in largest_remainder(int(team), [1.0] * len(owners))] if whole \
            else [team / len(owners)] * len(owners)
        return [self.per_rep[metric][column][names.index(o)] if o in names else equal[i]
                for i, o in enumerate(owners)]

    def month_targets(self, metric: str) -> list[float | None]:
        """Per fiscal month (lead-in excluded): a stage's target, a rate's value, a side
        metric computed forward from that month's stage targets; None when undetermined."""
        tree = self.reverse.template.tree
        months = range(self.lead_in, len(self.months))
        if metric in self.monthly:
            return [self.monthly[metric][i] for i in months]
        if tree.metrics[metric].kind is Kind.RATE:
            return [self.spec.knowns.get(metric)] * len(months)
        out: list[float | None] = []
        for i in months:
            month_inputs = {**self.spec.knowns, **{s: self.monthly[s][i] for s in self.monthly}}
            out.append(tree.evaluate(month_inputs).get(metric))
        return out


def build_plan(spec: PlanSpec) -> Plan:
    """Compute the plan for ``spec`` (only the chain and sensitivity without a fiscal year)."""
    result = reverse(spec.template, spec.goal, spec.knowns, target=spec.target, exact=spec.exact)
    inputs = {**spec.knowns, result.lever: result.stages[-1].value}
    effects = sensitivity(spec.template, inputs, result.target)
    if spec.fiscal_year is None:
        return Plan(spec, result, effects)
    if not spec.reps:
        raise InputError("missing", field="reps", hint="--reps N / --rep 名前:稼働率")
    cal = BusinessCalendar(spec.closures, public=spec.public_holidays)
    fy_months = fiscal_months(spec.fiscal_year, spec.fy_start, cal, spec.quarter)
    offsets = stage_offsets(result.template.chain, spec.leads)
    stages = [s.metric for s in result.stages]
    lead_in = max(offsets[s] for s in stages)
    months = months_between(add_months(fy_months[0].start, -lead_in), fy_months[-1].end, cal) \
        if lead_in else fy_months
    weeks = iso_weeks(spec.fiscal_year, spec.fy_start, cal, spec.quarter)
    rep_weights = [[rep.weight(m.start) for rep in spec.reps] for m in months]
    monthly, weekly, daily, per_rep, per_rep_daily = {}, {}, {}, {}, {}
    for stage in result.stages:
        total = stage.value
        whole = not spec.exact and spec.template.tree.metrics[stage.metric].is_count
        fy_series = split(total, [m.business_days for m in fy_months], spec.split, whole=whole)
        series = shift(fy_series, offsets[stage.metric], lead_in)
        monthly[stage.metric] = series
        weekly[stage.metric] = split(total, [w.business_days for w in weeks], spec.split,
                                     whole=whole)
        daily[stage.metric] = [per_day(v, m.business_days, whole=whole)
                               for v, m in zip(series, months)]
        shares = [_share(v, weights, m, whole) for v, weights, m in zip(series, rep_weights, months)]
        per_rep[stage.metric] = shares
        per_rep_daily[stage.metric] = [[per_day(x, m.business_days, whole=whole) for x in row]
                                       for row, m in zip(shares, months)]
    if not spec.template.tree.metrics[result.lever].is_count:
        return Plan(spec, result, effects, months, lead_in, weeks, monthly, weekly, daily, per_rep, per_rep_daily)
    lever_months = [i for i, v in enumerate(monthly[result.lever]) if v > 0]
    rep_days = sum(sum(rep_weights[i]) * months[i].business_days for i in lever_months)
    business_days = sum(months[i].business_days for i in lever_months)
    feas = assess(result, spec.knowns, rep_days=rep_days, business_days=business_days,
                  months=len(lever_months), capacity=spec.capacity_per_day)
    return Plan(spec, result, effects, months, lead_in, weeks, monthly, weekly, daily,
                per_rep, per_rep_daily, feas)


def _share(total: float, weights: list[float], month: Period, whole: bool) -> list[float]:
    if total == 0:
        return [0.0] * len(weights)
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise InputError("not_positive", field=f"capacity (sum over reps, {month.key})",
                         value=weight_sum)
    if whole:
        return [float(x) for x in largest_remainder(int(total), weights)]
    return [total * w / weight_sum for w in weights]

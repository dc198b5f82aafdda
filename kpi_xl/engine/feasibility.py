"""Is the plan doable, and what closes the gap? Plus the ranked sensitivity of the KGI.

Capacity is counted in the template's activity — 架電数 for the call-based funnels, where
the benchmark is 34 calls per rep per business day (2025) — so the required activity is
always that stage of the walk, never meetings or leads compared with a call count. When
the walk stops above the activity, the check says which input would take it there; when
the plan never reaches the activity, or no capacity is known for it, it says so. When it
does not fit, three ways out are computed: more reps, one rate raised by so many points,
or a longer period.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from kpi_xl.engine.catalog import load_benchmarks
from kpi_xl.engine.excelmath import excel_round, roundup
from kpi_xl.engine.funnel import Reverse
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind
from kpi_xl.errors import TreeError

EFFECT_DIGITS = 10  # an effect keeps this many significant digits of the KGI it moves (Excel alike)


def default_capacity() -> float:
    """Calls a rep makes in a business day, per the benchmark (34 in 2025)."""
    return load_benchmarks()["calls_per_rep_day"].low


class Check(str, Enum):
    """What the capacity check could say."""

    FITS = "fits"
    OVER = "over"
    NOT_REACHED = "not_reached"  # the walk stopped above the activity: an input is missing
    NO_ACTIVITY = "no_activity"  # the plan's chain does not count the activity at all
    NO_CAPACITY = "no_capacity"  # no capacity is known for the activity (give --capacity)


@dataclass(frozen=True)
class RateOption:
    """One rate raised alone until the current capacity suffices (None: not reachable)."""

    rate: str
    current: float
    needed: float | None

    @property
    def points(self) -> float | None:
        return None if self.needed is None else (self.needed - self.current) * 100


@dataclass(frozen=True)
class Feasibility:
    """Required activity per rep-day against capacity, and the levers that close a gap."""

    check: Check
    activity: str | None
    required: float = 0.0
    rep_days: float = 0.0
    business_days: int = 0
    capacity: float | None = None
    more_reps: int = 0
    rate_options: tuple[RateOption, ...] = ()
    extra_business_days: int = 0
    extra_months: float = 0.0
    missing: tuple[str, ...] = ()

    @property
    def per_rep_day(self) -> float:
        return self.required / self.rep_days if self.rep_days else math.inf

    @property
    def feasible(self) -> bool:
        return self.check is Check.FITS

    @property
    def measured(self) -> bool:
        """Whether required activity was compared with a capacity at all."""
        return self.check in (Check.FITS, Check.OVER)

    @property
    def utilisation(self) -> float:
        return self.per_rep_day / self.capacity if self.capacity else math.inf


def extra_reps(required: float, capacity_now: float, per_rep: float) -> int:
    """Whole reps to add so that ``capacity_now`` plus them covers ``required``."""
    if required <= capacity_now + 1e-9 or per_rep <= 0:
        return 0
    return int(roundup((required - capacity_now) / per_rep))


def capacity_for(template: Template, capacity: float | None) -> float | None:
    """The capacity per rep-day: the one given, else the template's benchmark, else None."""
    if capacity is not None:
        return capacity
    return load_benchmarks()[template.capacity].low if template.capacity else None


def assess(result: Reverse, knowns: Mapping[str, float], *, rep_days: float,
           business_days: int, months: int, capacity: float | None = None) -> Feasibility:
    """Compare the walk's required activity with the capacity over ``rep_days``.

    ``rep_days`` is Σ over months and reps of capacity weight × business days;
    ``business_days`` the business days in the period (one full-time rep's rep-days).
    """
    template = result.template
    activity = template.activity
    reached = {s.metric: s.value for s in result.stages}
    if activity is None or activity not in template.chain or \
            template.chain.index(activity) < template.chain.index(result.target):
        return Feasibility(Check.NO_ACTIVITY, activity)
    if activity not in reached:
        return Feasibility(Check.NOT_REACHED, activity, missing=result.missing)
    cap = capacity_for(template, capacity)
    if cap is None:
        return Feasibility(Check.NO_CAPACITY, activity, reached[activity], rep_days, business_days)
    required = reached[activity]
    can_do = cap * rep_days
    if required <= can_do + 1e-9:
        return Feasibility(Check.FITS, activity, required, rep_days, business_days, cap)
    fte = rep_days / business_days if business_days else 0
    extra_days = int(roundup(required / (cap * fte))) - business_days if fte and cap else 0
    return Feasibility(Check.OVER, activity, required, rep_days, business_days, cap,
                       more_reps=extra_reps(required, can_do, cap * business_days),
                       rate_options=_rate_options(result, knowns, activity, can_do),
                       extra_business_days=extra_days,
                       extra_months=extra_days / (business_days / months) if months else 0.0)


def _rate_options(result: Reverse, knowns: Mapping[str, float], activity: str, can_do: float
                  ) -> tuple[RateOption, ...]:
    """Each chain rate raised alone until the activity the team can do reaches the goal."""
    template = result.template
    fixed = {**knowns, activity: can_do}
    options = []
    for rate in (s for s in template.chain_rates() if s in knowns):
        without = {k: v for k, v in fixed.items() if k != rate}
        try:
            solved = template.tree.solve(result.target, result.goal, rate, without, exact=result.exact)
            options.append(RateOption(rate, knowns[rate], solved[rate]))
        except TreeError:
            options.append(RateOption(rate, knowns[rate], None))
    options.sort(key=lambda o: (o.points is None, o.points or 0.0))
    return tuple(options)


@dataclass(frozen=True)
class Effect:
    """The KGI change from one input moved by a standard step."""

    metric: str
    step: str  # "+1pt" for rates, "+10%" for volumes and prices
    before: float
    after: float
    kgi_before: float
    kgi_after: float

    @property
    def delta(self) -> float:
        """The KGI change, to 10 significant digits of the KGI: float noise (1e-9 yen on a
        ¥500M goal) is zero, and equal effects are equal, here and in the workbook."""
        return excel_round(self.kgi_after - self.kgi_before, effect_decimals(self.kgi_before))


def effect_decimals(base: float) -> int:
    """Decimals that keep EFFECT_DIGITS significant digits of ``base`` (Excel:
    ``EFFECT_DIGITS-1-INT(LOG10(ABS(base)))``)."""
    return EFFECT_DIGITS - 1 - math.floor(math.log10(abs(base))) if base else EFFECT_DIGITS


def levers(template: Template, inputs: Mapping[str, float], target: str | None = None) -> list[tuple[str, str]]:
    """(metric, step) for every given input the target is computed from, in tree order:
    +1 point for a rate, +10% for a positive count or amount."""
    tree = template.tree
    out = []
    for metric in tree.descendants(target or template.root_id):
        if metric not in inputs or metric == target:
            continue
        kind = tree.metrics[metric].kind
        if kind is Kind.RATE:
            out.append((metric, "+1pt"))
        elif kind in (Kind.COUNT, Kind.AMOUNT) and inputs[metric] > 0:
            out.append((metric, "+10%"))
    return out


def sensitivity(template: Template, inputs: Mapping[str, float], target: str | None = None
                ) -> list[Effect]:
    """KGI effect of +1 point on each rate and +10% on each volume, largest first."""
    target = target or template.root_id
    tree = template.tree
    base = tree.evaluate(inputs).get(target)
    if base is None:
        return []
    effects = []
    for metric, step in levers(template, inputs, target):
        value = inputs[metric]
        after = min(1.0, value + 0.01) if step == "+1pt" else value * 1.1
        kgi = tree.evaluate({**inputs, metric: after})[target]
        effects.append(Effect(metric, step, value, after, base, kgi))
    effects.sort(key=lambda e: -e.delta)  # equal effects keep tree order, as the workbook ranks them
    return effects

"""Is the plan doable, and what closes the gap? Plus the ranked sensitivity of the KGI.

Required activity per rep per business day is compared with a capacity (default: the
benchmark of 34 calls a day). When it does not fit, three ways out are computed: more
reps, one rate improved by so many points, or a longer period.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kpi_xl.engine.catalog import load_benchmarks
from kpi_xl.engine.excelmath import roundup
from kpi_xl.engine.funnel import Reverse
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind
from kpi_xl.errors import TreeError


def default_capacity() -> float:
    """Calls a rep makes in a business day, per the benchmark (34 in 2025)."""
    return load_benchmarks()["calls_per_rep_day"].low


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

    activity: str
    required: float
    rep_days: float
    business_days: int
    capacity: float
    more_reps: int
    rate_options: tuple[RateOption, ...]
    extra_business_days: int
    extra_months: float

    @property
    def per_rep_day(self) -> float:
        return self.required / self.rep_days if self.rep_days else math.inf

    @property
    def feasible(self) -> bool:
        return self.per_rep_day <= self.capacity + 1e-9

    @property
    def utilisation(self) -> float:
        return self.per_rep_day / self.capacity if self.capacity else math.inf


def extra_reps(required: float, capacity_now: float, per_rep: float) -> int:
    """Whole reps to add so that ``capacity_now`` plus them covers ``required``."""
    if required <= capacity_now + 1e-9 or per_rep <= 0:
        return 0
    return int(roundup((required - capacity_now) / per_rep))


def assess(result: Reverse, knowns: Mapping[str, float], *, rep_days: float,
           business_days: int, months: int, capacity: float | None = None) -> Feasibility:
    """Compare ``result``'s lever with ``capacity`` per rep-day over ``rep_days``.

    ``rep_days`` is Σ over months and reps of capacity weight × business days;
    ``business_days`` the business days in the period (one full-time rep's rep-days).
    """
    template = result.template
    cap = default_capacity() if capacity is None else capacity
    lever, required = result.lever, result.stages[-1].value
    can_do = cap * rep_days
    more_reps = 0
    options: list[RateOption] = []
    extra_days = 0
    extra_months = 0.0
    if required > can_do + 1e-9:
        more_reps = extra_reps(required, can_do, cap * business_days)
        fte = rep_days / business_days if business_days else 0
        if fte and cap:
            need_days = roundup(required / (cap * fte))
            extra_days = int(need_days) - business_days
            extra_months = extra_days / (business_days / months) if months else 0.0
        fixed = {**knowns, lever: can_do}
        rates = [s for s in template.chain_rates() if s in knowns]
        for rate in rates:
            without = {k: v for k, v in fixed.items() if k != rate}
            try:
                solved = template.tree.solve(result.target, result.goal, rate, without,
                                             exact=result.exact)
                options.append(RateOption(rate, knowns[rate], solved[rate]))
            except TreeError:
                options.append(RateOption(rate, knowns[rate], None))
        options.sort(key=lambda o: (o.points is None, o.points or 0.0))
    return Feasibility(lever, required, rep_days, business_days, cap, more_reps,
                       tuple(options), extra_days, extra_months)


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
        return self.kgi_after - self.kgi_before


def sensitivity(template: Template, inputs: Mapping[str, float], target: str | None = None
                ) -> list[Effect]:
    """KGI effect of +1 point on each rate and +10% on each volume, largest first."""
    target = target or template.root_id
    tree = template.tree
    base = tree.evaluate(inputs).get(target)
    if base is None:
        return []
    effects = []
    for leaf in tree.leaves(target):
        if leaf not in inputs:
            continue
        value = inputs[leaf]
        kind = tree.metrics[leaf].kind
        if kind is Kind.RATE:
            after, step = min(1.0, value + 0.01), "+1pt"
        elif kind in (Kind.COUNT, Kind.AMOUNT) and value > 0:
            after, step = value * 1.1, "+10%"
        else:
            continue
        kgi = tree.evaluate({**inputs, leaf: after})[target]
        effects.append(Effect(leaf, step, value, after, base, kgi))
    effects.sort(key=lambda e: -e.delta)
    return effects

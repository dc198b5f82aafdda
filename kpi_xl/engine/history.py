"""A team's own history measured for a bottom-up plan (000 STEP2: 過去の実績データ（平均顧客単価、
受注率など）を用いる): each chain rate as Σ numerator ÷ Σ denominator over the months, with its
sample size and a 95% Wilson interval; a rate measured on too few events falls back, visibly, to
its benchmark band. Pure Python: the counts come from whichever face read the exports."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from kpi_xl.engine.actuals import derive
from kpi_xl.engine.catalog import load_benchmarks
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind

Z95 = 1.959963984540054  # the standard normal's 97.5% point: a two-sided 95% interval
MIN_EVENTS = 10  # fewer successes or failures than this and a rate is too thin to plan on
MIN_TRIALS = 30


class Source(str, Enum):
    """Where a planned rate came from."""

    MEASURED = "measured"
    BENCHMARK = "benchmark"  # too few events: the benchmark band instead
    THIN = "thin"  # too few events and no benchmark: measured, flagged


@dataclass(frozen=True)
class MeasuredRate:
    rate: str
    numerator: float  # Σ over the months
    denominator: float
    measured: float | None  # Σ numerator ÷ Σ denominator; None with no denominator
    low: float | None  # 95% Wilson interval of the measured rate
    high: float | None
    source: Source
    planned: float | None  # what the plan uses: measured, or the benchmark band's middle
    band: tuple[float, float] | None = None  # the benchmark band when it is the fallback


@dataclass(frozen=True)
class Lag:
    """Days from a deal's start (商談化) to its win, as a distribution, not one number."""

    days: tuple[int, ...]  # sorted, one per won deal with both dates

    def quantile(self, q: float) -> float:
        """The q-quantile (linear between order statistics, as Excel's PERCENTILE.INC)."""
        at = q * (len(self.days) - 1)
        low = math.floor(at)
        high = min(low + 1, len(self.days) - 1)
        return self.days[low] + (self.days[high] - self.days[low]) * (at - low)


@dataclass(frozen=True)
class History:
    months: tuple[str, ...]
    rates: tuple[MeasuredRate, ...]
    unit_price: float | None  # Σ revenue ÷ Σ deals won
    per_rep_day: float | None  # the capacity activity per rep per business day
    capacity_metric: str | None
    lag: Lag | None = None  # meeting → won, where the deal list has both dates
    lag_months: tuple[float, ...] = ()  # share of wins 0, 1, 2, 3+ calendar months after the meeting
    reps: Mapping[str, History] = field(default_factory=dict)  # each rep measured on their own rows
    price_interval: tuple[float, float] | None = None  # bootstrap 95% of the deal size, from won deals
    price_deals: int = 0  # won deals with an amount behind it

    def planned_rates(self) -> dict[str, float]:
        return {r.rate: r.planned for r in self.rates if r.planned is not None}


def lag_of(pairs: list[tuple[date, date]]) -> tuple[Lag | None, tuple[float, ...]]:
    """(started, won) dates → the days between and the share of wins 0, 1, 2 and 3+ calendar
    months after the start month (what moves activity earlier in a plan)."""
    kept = [(a, b) for a, b in pairs if b >= a]
    if not kept:
        return None, ()
    counts = [0, 0, 0, 0]
    for a, b in kept:
        counts[min(3, (b.year - a.year) * 12 + b.month - a.month)] += 1
    return Lag(tuple(sorted((b - a).days for a, b in kept))), tuple(c / len(kept) for c in counts)


def wilson(successes: float, trials: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of successes/trials (good at small counts and near 0 or 1)."""
    if trials <= 0:
        raise ValueError("a proportion needs at least one trial")
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


def measure_rate(template: Template, rate: str, totals: Mapping[str, float]) -> MeasuredRate:
    """One chain rate from summed counts; thin samples fall back to the benchmark band."""
    metric = template.tree.metrics[rate]
    num, den = totals.get(metric.numerator or ""), totals.get(metric.denominator or "")
    if num is None or den is None or den <= 0:
        return _fallback(template, rate, num or 0.0, den or 0.0, None, None, None)
    value = num / den
    low, high = wilson(min(num, den), den) if value <= 1 else (None, None)
    if min(num, den - num) < MIN_EVENTS or den < MIN_TRIALS:
        return _fallback(template, rate, num, den, value, low, high)
    return MeasuredRate(rate, num, den, value, low, high, Source.MEASURED, value)


def _fallback(template: Template, rate: str, num: float, den: float, value: float | None, low: float | None,
              high: float | None) -> MeasuredRate:
    metric = template.tree.metrics[rate]
    mark = load_benchmarks().get(metric.benchmark) if metric.benchmark else None
    if mark is not None and mark.unit == "%":
        top = mark.high if mark.high is not None else mark.low
        return MeasuredRate(rate, num, den, value, low, high, Source.BENCHMARK, (mark.low + top) / 2,
                            (mark.low, top))
    return MeasuredRate(rate, num, den, value, low, high, Source.THIN, value)


def measure_history(template: Template, monthly: Mapping[str, Mapping[str, float]],
                    rep_days: Mapping[str, float] | None = None) -> History:
    """``monthly``: month → metric → the team's count. ``rep_days``: month → Σ business days
    of the reps active that month (the denominator of activity per rep per day)."""
    months = tuple(sorted(monthly))
    monthly = {m: _counts(template, monthly[m]) for m in months}  # sums such as アプローチ数 derived
    totals: dict[str, float] = {}
    for month in months:
        for metric, value in monthly[month].items():
            totals[metric] = totals.get(metric, 0.0) + value
    rates = tuple(measure_rate(template, r, _paired(template, r, monthly, months)) for r in template.chain_rates()
                  if template.tree.metrics[r].kind is Kind.RATE)
    revenue, won = price_parts(template)
    unit_price = totals[revenue] / totals[won] if revenue in totals and totals.get(won) else None
    lever = template.activity
    days = sum((rep_days or {}).get(m, 0.0) for m in months if lever in monthly[m])
    per_day = totals[lever] / days if lever in totals and days > 0 else None
    return History(months, rates, unit_price, per_day, lever)


def with_history(settings: Mapping[str, Any], history: History, template: Template) -> dict[str, Any]:
    """``settings`` (plan.yaml keys) with what the history measured filling what they leave
    open — a rate, scenario, lag, deal size or capacity the user gave wins: each measured rate
    (its interval's ends, or the fallback's band, as 楽観/悲観), the meeting → won shares as
    ``lag_shares``, the deal size and the calls a rep really makes per business day."""
    out = dict(settings)
    given = _ids(template, settings.get("rates"))
    measured = {r: v for r, v in history.planned_rates().items() if r not in given}
    out["rates"] = {**measured, **(settings.get("rates") or {})}
    chosen = _ids(template, settings.get("scenarios"))
    ends = {r.rate: [r.band[1], r.band[0]] if r.band else [r.high, r.low] for r in history.rates
            if r.rate in measured and r.rate not in chosen and (r.band or None not in (r.low, r.high))}
    out["scenarios"] = {**ends, **(settings.get("scenarios") or {})}
    won = price_parts(template)[1]
    lagged = _ids(template, settings.get("leads")) | _ids(template, settings.get("lag_shares"))
    if history.lag_months and won not in lagged and not settings.get("lag_shares"):
        out["lag_shares"] = {won: list(history.lag_months)}
    if history.unit_price is not None and settings.get("unit_price") is None:
        out["unit_price"] = round(history.unit_price)
    if history.per_rep_day and settings.get("capacity_per_day") is None:  # the real capacity, not the benchmark
        out["capacity_per_day"] = round(history.per_rep_day, 1)
    return out


def _ids(template: Template, table: Mapping[str, Any] | None) -> set[str]:
    """The metric ids a settings table names, however spelt (受注率, Win rate or win_rate)."""
    return {template.metric(str(k)).id for k in (table or {})}


def reachable(plan: Plan) -> float | None:
    """The goal the team reaches at the plan's rates with its reps working at the capacity the
    plan assumes (the measured calls per rep-day under --from-data): the bottom-up KGI beside the
    top-down one. None where the chain does not reach the activity."""
    f = plan.feasibility
    if f is None or f.capacity is None or not f.activity or not f.rep_days:
        return None
    values = plan.spec.template.tree.evaluate({**plan.spec.knowns, f.activity: f.capacity * f.rep_days})
    return values.get(plan.reverse.target)


def _counts(template: Template, counts: Mapping[str, float]) -> dict[str, float]:
    """A month's counts and amounts with the sums the engine derives from them (no rates)."""
    derived = derive(template, counts)
    return {k: v for k, v in derived.items() if template.tree.metrics[k].kind is not Kind.RATE}


def _paired(template: Template, rate: str, monthly: Mapping[str, Mapping[str, float]],
            months: tuple[str, ...]) -> dict[str, float]:
    """Σ numerator and Σ denominator over the months that have both (a month with only one
    side would bend the ratio)."""
    metric = template.tree.metrics[rate]
    both = [m for m in months if metric.numerator in monthly[m] and metric.denominator in monthly[m]]
    return {side: sum(monthly[m][side] for m in both) for side in (metric.numerator, metric.denominator)
            if side and both}


def price_parts(template: Template) -> tuple[str, str]:
    """(revenue, deals won): the root amount and the chain's first count."""
    counts = [m for m in template.chain if template.tree.metrics[m].is_count]
    return template.chain[0], counts[0] if counts else ""

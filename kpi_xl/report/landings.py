"""The report month's landing (着地見込み) for each KPI that accumulates: the business-day
pace so far carried to the month's end (the P50 the report shows: it came closer on the Maven
backtest). Beside it, for wins and revenue with a deal list, the open deals weighted by their
chance to win in the days left (:mod:`kpi_xl.sfa.deal_odds`) plus the deals the rest of the
month will start at this month's pace. Ranges widen to the same forecast's error on past months
(:func:`past_spread`). The math is :func:`kpi_xl.engine.landing.landing`, the one KPI_LANDING
calls."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

import numpy as np

from kpi_xl.engine.calendar import BusinessCalendar, add_months, month_end
from kpi_xl.engine.dates import month_start
from kpi_xl.engine.feasibility import Effect
from kpi_xl.engine.history import price_parts
from kpi_xl.engine.landing import Landing, Spread, landing
from kpi_xl.engine.templates import Template
from kpi_xl.sfa.deal_odds import MIN_SEEN, Deals


class Basis(str, Enum):
    PACE = "pace"  # the business-day pace so far
    DEALS = "deals"  # open deals (and the deals still to start) weighted by their chance


@dataclass(frozen=True)
class Chance:
    """One term of a deals-based landing: an open deal, or the deals one remaining business
    day will start (``deal`` empty, ``day`` set)."""

    owner: str
    deal: str
    age: int | None  # days open at the as-of date
    value: float  # what it adds to revenue if won
    chance: float  # of winning by the month's end
    day: date | None = None


@dataclass
class MonthLanding:
    as_of: date
    elapsed: int
    business_days: int
    lines: dict[str, Landing] = field(default_factory=dict)  # at the pace so far
    pipeline: dict[str, Landing] = field(default_factory=dict)  # wins, revenue: open deals weighted
    chances: list[Chance] = field(default_factory=list)
    lever: tuple[Effect, float] | None = None  # the lever and the target's chance with it pulled
    spread: dict[tuple[Basis, str], float] = field(default_factory=dict)  # past months' error → range width


@dataclass(frozen=True)
class Month:
    """A month as of a day in it (the report's: its last activity date)."""

    first: date
    last: date
    as_of: date
    elapsed: int
    business_days: int
    calendar: BusinessCalendar

    @classmethod
    def at(cls, key: str, calendar: BusinessCalendar, *, as_of: date | None = None,
           share: float | None = None) -> Month:
        """``key`` (2026-10) as of ``as_of``, or as of the business day ``share`` of the way in."""
        first = month_start(key)
        last = month_end(first)
        days = calendar.days(first, last)
        if as_of is None:
            as_of = days[max(1, round(len(days) * (share or 1.0))) - 1] if days else last
        return cls(first, last, as_of, min(calendar.count(first, as_of), len(days)), len(days), calendar)


def deal_chances(deals: Deals, month: Month, unit: float) -> list[Chance] | None:
    """Each deal open at the as-of date and each remaining business day's expected new deals,
    with the chance to win by the month's end; None when the history is too thin to say."""
    now = deals.as_of(month.as_of)
    if now.closed_before(month.first) < MIN_SEEN:  # no deal had closed yet: the history says nothing
        return None
    left = (month.last - month.as_of).days
    live = np.flatnonzero(now.open_mask())
    ages = now.ages(month.as_of)[live]
    odds = {int(a): now.odds(int(a), left, month.as_of) for a in np.unique(ages)}  # one pass per distinct age
    if None in odds.values():
        return None
    values = np.where(np.isfinite(now.value[live]) & (now.value[live] > 0), now.value[live], unit)
    out = [Chance(str(now.owner[i]), str(now.deal[i]), int(a), float(v), odds[int(a)] or 0.0)
           for i, a, v in zip(live, ages, values)]
    return out + _new_deals(now, month, unit)


def _new_deals(now: Deals, month: Month, unit: float) -> list[Chance]:
    """The deals each remaining business day will start at this month's pace (starts so far ÷
    business days gone), as whole-deal terms whose chances add up to the expected wins."""
    per_day = now.started_since(month.first) / month.elapsed
    if per_day == 0:
        return []
    terms = math.ceil(per_day)
    out = []
    for day in month.calendar.days(month.as_of + timedelta(days=1), month.last):
        p = now.odds(0, (month.last - day).days, month.as_of) or 0.0
        out += [Chance("", "", None, unit, per_day * p / terms, day)] * terms
    return out


def month_landing(template: Template, month: Month, actual: dict[str, float], metrics: list[str],
                  targets: dict[str, float | None], deals: Deals | None, unit: float | None,
                  effects: Sequence[Effect] = ()) -> MonthLanding:
    """The landing of each count and amount in ``metrics`` the data tells (``actual``) at the
    pace so far; for wins and revenue, with a deal list, also the open deals' weighted view.
    Where past months can be forecast the same way, a range is at least as wide as those
    forecasts' errors (:func:`past_spread`): a month's wins rise or slip together."""
    revenue, won = price_parts(template)
    out = MonthLanding(month.as_of, month.elapsed, month.business_days)
    if month.elapsed < 1:
        return out
    per_deal = _unit(actual, revenue, won, unit)
    chances = deal_chances(deals, month, per_deal or 1.0) if deals is not None else None
    spreads = past_spread(template, deals, month, per_deal or 1.0) if deals is not None else {}
    out.spread = {k: v.width for k, v in spreads.items()}
    for metric in metrics:
        if metric not in actual:
            continue
        scale = per_deal if metric == revenue and per_deal else 1.0
        out.lines[metric] = landing(actual[metric], month.elapsed, month.business_days, unit=scale,
                                    target=targets.get(metric),
                                    spread=out.spread.get((Basis.PACE, metric)))
        if chances is not None and metric in (revenue, won):
            terms = [(c.value if metric == revenue else 1.0, c.chance) for c in chances]
            out.pipeline[metric] = landing(actual[metric], month.elapsed, month.business_days, deals=terms,
                                           target=targets.get(metric),
                                           spread=out.spread.get((Basis.DEALS, metric)))
    out.chances = chances or []
    out.lever = _lever(out, revenue if revenue in out.lines else won, targets, effects, template.activity)
    return out


LOOKBACK = 6  # past months whose forecast errors widen the range
MIN_PAST = 3


def past_spread(template: Template, deals: Deals, month: Month, unit: float) -> dict[tuple[Basis, str], Spread]:
    """Per way of forecasting (pace, deals) and outcome (wins, revenue): the relative error of
    what the rest of the month added, forecast as of the same share of each of the last months
    (their history cut there too); kept with three months or more."""
    revenue, won = price_parts(template)
    errors: dict[tuple[Basis, str], list[tuple[float, float]]] = {}
    for back in range(1, LOOKBACK + 1):
        past = Month.at(f"{add_months(month.first, -back):%Y-%m}", month.calendar,
                        share=month.elapsed / month.business_days)
        if past.elapsed < 1 or past.elapsed >= past.business_days:
            continue
        done = dict(zip((won, revenue), deals.won_between(past.first, past.as_of)))
        real = dict(zip((won, revenue), deals.won_between(past.as_of + timedelta(days=1), past.last)))
        rest = past.business_days - past.elapsed
        guesses = {(Basis.PACE, m): done[m] * rest / past.elapsed for m in (won, revenue)}
        chances = deal_chances(deals, past, unit)
        if chances:
            guesses[Basis.DEALS, won] = sum(c.chance for c in chances)
            guesses[Basis.DEALS, revenue] = sum(c.chance * c.value for c in chances)
        for key, guess in guesses.items():
            if guess > 0:
                errors.setdefault(key, []).append((real[key[1]], guess))
    return {k: Spread(_relative(pairs), len(pairs)) for k, pairs in errors.items() if len(pairs) >= MIN_PAST}


def _relative(pairs: list[tuple[float, float]]) -> float:
    """√(Σ (real − forecast)² ÷ Σ forecast²): the months' relative error, each weighed by its
    size (a month forecast at 1 win that got 3 does not swamp the rest)."""
    return math.sqrt(sum((real - guess) ** 2 for real, guess in pairs) / sum(guess * guess for _, guess in pairs))


def _unit(actual: dict[str, float], revenue: str, won: str, planned: float | None) -> float | None:
    """Revenue per won deal: this month's so far, else the plan's deal size."""
    if actual.get(won) and actual.get(revenue) is not None:
        return actual[revenue] / actual[won]
    return planned


def _lever(out: MonthLanding, metric: str, targets: dict[str, float | None], effects: Sequence[Effect],
           activity: str | None) -> tuple[Effect, float] | None:
    """The lever (from the plan's sensitivity: +1pt on a rate, +10% on a volume) that most
    raises the chance of reaching the goal, applied to what the rest of the month adds."""
    line, target = out.lines.get(metric), targets.get(metric)
    if line is None or target is None or line.probability is None or not effects:
        return None
    def factor(e: Effect) -> float:
        return round(e.kgi_after / e.kgi_before, 9) if e.kgi_before else 1.0

    best = max(effects, key=lambda e: (factor(e), e.metric == activity))  # a tie goes to the activity reps control
    return best, line.shifted(factor(best), target).probability or 0.0

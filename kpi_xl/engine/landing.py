"""Where the month will land (着地見込み): what is done so far plus what the rest of the month
adds — the business-day pace so far carried to the month's end, or, for wins and revenue,
the open deals each weighted by its chance to win in the days left. A P10–P50–P90 range
and the chance of reaching the target come from a normal approximation of that sum.

Pace: ``a`` done in ``e`` of ``n`` business days. The daily rate is uncertain after so few
days, so the rest of the month (``r = n − e`` days) is a gamma–Poisson (negative binomial)
count with mean ``a·r/e`` and variance ``mean·(1 + r/e)``; an amount scales that by the
size of one event (``unit``: revenue per deal). Deals: Σ p·v, variance Σ p(1−p)·v².
Pure Python: the Excel function KPI_LANDING and the report call the same function."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kpi_xl.errors import InputError
from kpi_xl.i18n import Text, at_least, between

Z90 = 1.2815515655446004  # the standard normal's 90% point: P10 and P90


# Student's t 90% points for 1…10 degrees of freedom: a range set by a few past months' errors
# is wider than the normal's by these (a spread seen on three months is itself uncertain)
T90 = (3.0777, 1.8856, 1.6377, 1.5332, 1.4759, 1.4398, 1.4149, 1.3968, 1.3830, 1.3722)


@dataclass(frozen=True)
class Spread:
    """The relative error (root mean square) of a forecast's rest on ``months`` past months."""

    relative: float
    months: int

    @property
    def width(self) -> float:
        """The relative sd that gives the predictive P10–P90 (t with ``months`` degrees of
        freedom, a new month's error beside the past ones)."""
        t = T90[self.months - 1] if self.months <= len(T90) else Z90
        return self.relative * math.sqrt(1 + 1 / self.months) * t / Z90


@dataclass(frozen=True)
class Landing:
    actual: float  # done so far
    expected: float  # P50: the month's expected end value
    low: float  # P10 (never below what is done)
    high: float  # P90
    probability: float | None  # of reaching the target; None without a target
    sd: float

    def shifted(self, factor: float, target: float | None) -> Landing:
        """The landing if what the rest of the month adds grows by ``factor`` (a lever pulled)."""
        rest = (self.expected - self.actual) * factor
        return _landing(self.actual, self.actual + rest, self.sd * factor, target)


def normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def landing(actual: float, elapsed: int, total: int, *, deals: Sequence[tuple[float, float]] | None = None,
            unit: float = 1.0, target: float | None = None, spread: float | None = None) -> Landing:
    """The month-end landing of a KPI with ``actual`` after ``elapsed`` of ``total`` business
    days. ``deals``: (value, chance to win in the days left) of each open deal — given, they
    replace the pace (wins and revenue come from deals). ``spread``: the relative error of the rest seen on past
    months; the range is at least that wide (deals of one month win or slip together)."""
    _check(actual, elapsed, total, unit, spread)
    if deals is not None:
        mean = sum(p * v for v, p in _checked(deals))
        var = sum(p * (1 - p) * v * v for v, p in deals)
    elif elapsed >= total:
        mean = var = 0.0
    else:
        rest = total - elapsed
        mean = actual * rest / elapsed
        var = mean * (1 + rest / elapsed) * unit
    sd = max(math.sqrt(var), (spread or 0.0) * mean)
    return _landing(actual, actual + mean, sd, target)


def _landing(actual: float, expected: float, sd: float, target: float | None) -> Landing:
    low, high = max(actual, expected - Z90 * sd), expected + Z90 * sd
    return Landing(actual, expected, low, high, _chance(expected, sd, target), sd)


def _chance(expected: float, sd: float, target: float | None) -> float | None:
    """P(month end ≥ target) under the normal approximation."""
    if target is None:
        return None
    if sd == 0:
        return 1.0 if expected >= target else 0.0
    return 1.0 - normal_cdf((target - expected) / sd)


def _check(actual: float, elapsed: int, total: int, unit: float, spread: float | None) -> None:
    if not math.isfinite(actual) or actual < 0:
        raise InputError("out_of_range", field="actual_to_date", value=actual, allowed=at_least(0))
    if total < 1:
        raise InputError("out_of_range", field="business_days_total", value=total, allowed=at_least(1))
    if not 1 <= elapsed <= total:
        raise InputError("out_of_range", field="business_days_elapsed", value=elapsed,
                         allowed=between(1, total))
    if not math.isfinite(unit) or unit <= 0:
        raise InputError("out_of_range", field="unit", value=unit, allowed=Text("0 より大きい値", "more than 0"))
    if spread is not None and (not math.isfinite(spread) or spread < 0):
        raise InputError("out_of_range", field="spread", value=spread, allowed=at_least("0%"))


def _checked(deals: Sequence[tuple[float, float]]) -> Sequence[tuple[float, float]]:
    for i, (value, p) in enumerate(deals):
        if not math.isfinite(value) or value < 0:
            raise InputError("out_of_range", field=f"pipeline[{i + 1}]", value=value, allowed=at_least(0))
        if not math.isfinite(p) or not 0 <= p <= 1:
            raise InputError("out_of_range", field=f"win_rates[{i + 1}]", value=p, allowed=between("0%", "100%"))
    return deals

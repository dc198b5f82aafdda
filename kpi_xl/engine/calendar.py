"""Fiscal months, ISO weeks and business days, and splitting a target over them.

Business days are Monday–Friday less Japanese public holidays (``jpholiday``) and the
company's own closures, counted like Excel's NETWORKDAYS (both ends included). The
fiscal year is named by the calendar year it starts in: FY2026 with an April start runs
2026-04-01 … 2027-03-31, as 2026年度 does in Japan.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import jpholiday

from kpi_xl.engine.allocation import largest_remainder
from kpi_xl.engine.excelmath import roundup
from kpi_xl.engine.toml_data import template_dir
from kpi_xl.errors import InputError
from kpi_xl.i18n import between

SPLIT_METHODS = ("equal", "weighted")
CLOSURE = "会社休業日"  # how a company closure is named among the public holidays


TABLE_YEARS = (2000, 2060)  # years read from templates/holidays_jp.csv (scripts/make_holidays.py)


@lru_cache(maxsize=1)
def _holiday_table() -> dict[int, tuple[tuple[date, str], ...]]:
    """The shipped table of public holidays by year: jpholiday's own answers, written once."""
    by_year: dict[int, list[tuple[date, str]]] = {}
    path = template_dir() / "holidays_jp.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                day = date.fromisoformat(row["date"])
                by_year.setdefault(day.year, []).append((day, row["name"]))
    return {year: tuple(days) for year, days in by_year.items()}


@lru_cache(maxsize=256)
def public_holidays(year: int) -> tuple[tuple[date, str], ...]:
    """Japanese public holidays of ``year`` with their names (振替休日 included): from the
    shipped table for 2000–2060, from jpholiday otherwise."""
    table = _holiday_table()
    if TABLE_YEARS[0] <= year <= TABLE_YEARS[1] and year in table:
        return table[year]
    return tuple(jpholiday.year_holidays(year))


@lru_cache(maxsize=256)
def _holiday_dates(year: int) -> frozenset[date]:
    return frozenset(day for day, _ in public_holidays(year))


@dataclass(frozen=True)
class Period:
    """A span of days with its business-day count: a fiscal month, ISO week or day."""

    key: str
    start: date
    end: date
    business_days: int


class BusinessCalendar:
    """Which days are worked: weekdays less public holidays and company closures."""

    def __init__(self, closures: Iterable[date] = (), *, public: bool = True) -> None:
        self.closures = frozenset(closures)
        self.public = public

    def holidays(self, start: date, end: date) -> list[tuple[date, str]]:
        """Holidays and closures between ``start`` and ``end`` (inclusive), sorted."""
        found: dict[date, str] = {}
        if self.public:
            for year in range(start.year, end.year + 1):
                for day, name in public_holidays(year):
                    if start <= day <= end:
                        found[day] = name
        for day in self.closures:
            if start <= day <= end:
                found.setdefault(day, CLOSURE)
        return sorted(found.items())

    def is_business_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.closures:
            return False
        return not (self.public and day in _holiday_dates(day.year))

    def count(self, start: date, end: date) -> int:
        """Business days from ``start`` to ``end``, both included (Excel NETWORKDAYS)."""
        if end < start:
            return 0
        days = (end - start).days + 1
        weeks, rest = divmod(days, 7)
        weekdays = weeks * 5 + sum(1 for i in range(rest)
                                   if (start.weekday() + i) % 7 < 5)
        off = sum(1 for day, _ in self.holidays(start, end) if day.weekday() < 5)
        return weekdays - off

    def days(self, start: date, end: date) -> list[date]:
        """The business days themselves, in order."""
        off = {d for d, _ in self.holidays(start, end)}
        return [start + timedelta(i) for i in range((end - start).days + 1)
                if (start + timedelta(i)).weekday() < 5 and start + timedelta(i) not in off]


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(day, 1) - timedelta(1)


def check_fiscal(fiscal_year: int, start_month: int) -> None:
    if not 1900 < fiscal_year < 2200 or fiscal_year != int(fiscal_year):
        raise InputError("out_of_range", field="fiscal_year", value=fiscal_year,
                         allowed=between(1901, 2199))
    if start_month not in range(1, 13):
        raise InputError("out_of_range", field="fy_start", value=start_month, allowed=between(1, 12))


def horizon(fiscal_year: int, start_month: int = 4, quarter: int | None = None
            ) -> tuple[date, date]:
    """First and last day of the fiscal year, or of one fiscal quarter (1–4) in it."""
    check_fiscal(fiscal_year, start_month)
    first = date(fiscal_year, start_month, 1)
    if quarter is None:
        return first, add_months(first, 12) - timedelta(1)
    if quarter not in (1, 2, 3, 4):
        raise InputError("out_of_range", field="quarter", value=quarter, allowed=between(1, 4))
    start = add_months(first, 3 * (quarter - 1))
    return start, add_months(start, 3) - timedelta(1)


def months_between(start: date, end: date, cal: BusinessCalendar) -> list[Period]:
    """Calendar months from ``start``'s month to ``end``'s, keyed "2026-04"."""
    periods = []
    month = date(start.year, start.month, 1)
    while month <= end:
        last = month_end(month)
        periods.append(Period(f"{month:%Y-%m}", month, last, cal.count(month, last)))
        month = add_months(month, 1)
    return periods


def fiscal_months(fiscal_year: int, start_month: int, cal: BusinessCalendar,
                  quarter: int | None = None) -> list[Period]:
    """The fiscal months of the year (or quarter), each with its business days."""
    first, last = horizon(fiscal_year, start_month, quarter)
    return months_between(first, last, cal)


def iso_weeks(fiscal_year: int, start_month: int, cal: BusinessCalendar,
              quarter: int | None = None) -> list[Period]:
    """ISO weeks touching the horizon, clipped to it, keyed "2026-W14"."""
    first, last = horizon(fiscal_year, start_month, quarter)
    monday = first - timedelta(first.weekday())
    weeks = []
    while monday <= last:
        start, end = max(monday, first), min(monday + timedelta(6), last)
        iso = monday.isocalendar()
        weeks.append(Period(f"{iso[0]}-W{iso[1]:02d}", start, end, cal.count(start, end)))
        monday += timedelta(7)
    return weeks


def split(total: float, weights: Sequence[float], method: str = "equal", *,
          whole: bool = True) -> list[float]:
    """Split ``total`` over periods.

    ``equal`` is the seeds' pace target: every period gets ROUNDUP(total / n) (500 deals a
    year → 42 a month, 10 a week), so the periods may add up to slightly more than the
    total. ``weighted`` shares the total in proportion to ``weights`` (business days) as
    whole numbers that add back exactly to the total (largest remainder).
    ``whole=False`` skips rounding (amounts, or the engine's exact mode).
    """
    if method not in SPLIT_METHODS:
        raise InputError("bad_choice", field="split", value=method, allowed=", ".join(SPLIT_METHODS))
    n = len(weights)
    if n == 0:
        return []
    if method == "equal":
        share = total / n
        return [roundup(share) if whole else share] * n
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0.0] * n
    if whole:
        return [float(x) for x in largest_remainder(int(roundup(total)), weights)]
    return [total * w / weight_sum for w in weights]


def per_day(period_total: float, business_days: int, *, whole: bool = True) -> float:
    """A period's target per business day (rounded up for counts); 0 with no business day."""
    if business_days <= 0:
        return 0.0
    value = period_total / business_days
    return roundup(value) if whole else value


def pace(month_target: float, business_days: int, elapsed: int, *, whole: bool = True) -> float:
    """Where the team should be after ``elapsed`` business days of a month (cumulative)."""
    if business_days <= 0:
        return 0.0
    value = month_target * min(max(elapsed, 0), business_days) / business_days
    return roundup(value) if whole else value

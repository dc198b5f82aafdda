"""The shipped holiday table is jpholiday's own answer for every year it covers (jpholiday is
the oracle; a new holiday law shows up here first: run scripts/make_holidays.py)."""

from __future__ import annotations

from datetime import date

import jpholiday
import pytest

from kpi_xl.engine.calendar import TABLE_YEARS, BusinessCalendar, public_holidays


def test_table_equals_jpholiday_for_every_year():
    for year in range(TABLE_YEARS[0], TABLE_YEARS[1] + 1):
        assert list(public_holidays(year)) == list(jpholiday.year_holidays(year)), year


@pytest.mark.parametrize("year", [1999, 2061])
def test_years_outside_the_table_come_from_jpholiday(year):
    assert list(public_holidays(year)) == list(jpholiday.year_holidays(year))


def test_business_days_agree_with_jpholiday_day_by_day():
    cal = BusinessCalendar()
    day = date(2026, 1, 1)
    while day.year == 2026:
        expected = day.weekday() < 5 and not jpholiday.is_holiday(day)
        assert cal.is_business_day(day) == expected, day
        day = date.fromordinal(day.toordinal() + 1)

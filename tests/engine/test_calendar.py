from datetime import date, timedelta

import pytest

from kpi_xl.engine.calendar import (
    BusinessCalendar,
    fiscal_months,
    horizon,
    iso_weeks,
    per_day,
    split,
)
from kpi_xl.engine.dates import parse_closures
from kpi_xl.errors import InputError

# 2026 Japanese public holidays as published by the Cabinet Office (内閣府「国民の祝日」)
HOLIDAYS_2026 = [
    date(2026, 1, 1), date(2026, 1, 12), date(2026, 2, 11), date(2026, 2, 23), date(2026, 3, 20),
    date(2026, 4, 29), date(2026, 5, 3), date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6),
    date(2026, 7, 20), date(2026, 8, 11), date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 23),
    date(2026, 10, 12), date(2026, 11, 3), date(2026, 11, 23),
]


def naive_business_days(start, end, off):
    day, n = start, 0
    while day <= end:
        n += day.weekday() < 5 and day not in off
        day += timedelta(1)
    return n


def test_public_holidays_of_2026():
    cal = BusinessCalendar()
    got = [d for d, _ in cal.holidays(date(2026, 1, 1), date(2026, 12, 31))]
    assert got == HOLIDAYS_2026
    names = dict(cal.holidays(date(2026, 5, 6), date(2026, 9, 22)))
    assert "振替休日" in names[date(2026, 5, 6)]  # 憲法記念日 falls on a Sunday
    assert names[date(2026, 9, 22)] == "国民の休日"  # between 敬老の日 and 秋分の日


def test_business_days_per_fiscal_month_match_a_naive_count():
    cal = BusinessCalendar()
    months = fiscal_months(2026, 4, cal)
    assert [m.key for m in months][:3] == ["2026-04", "2026-05", "2026-06"]
    assert months[-1].key == "2027-03"
    off = set(HOLIDAYS_2026) | {d for d, _ in cal.holidays(date(2027, 1, 1), date(2027, 3, 31))}
    for m in months:
        assert m.business_days == naive_business_days(m.start, m.end, off)
    assert months[0].business_days == 21  # April 2026: 22 weekdays less 昭和の日
    assert months[1].business_days == 18  # May 2026: Golden Week


def test_company_closures_and_fiscal_start():
    closures = parse_closures(["2026-12-29..2027-01-03"])
    assert len(closures) == 6
    cal = BusinessCalendar(closures)
    dec = next(m for m in fiscal_months(2026, 4, cal) if m.key == "2026-12")
    assert dec.business_days == 23 - 3  # Dec 29, 30, 31 are weekdays
    jan = fiscal_months(2026, 1, cal)[0]
    assert jan.key == "2026-01"  # a January fiscal start
    assert horizon(2026, 10) == (date(2026, 10, 1), date(2027, 9, 30))
    assert horizon(2026, 4, quarter=3) == (date(2026, 10, 1), date(2026, 12, 31))


def test_changing_closures_recomputes_and_keeps_the_rest():
    before = fiscal_months(2026, 4, BusinessCalendar())
    after = fiscal_months(2026, 4, BusinessCalendar(parse_closures(["2026-08-13..2026-08-14"])))
    changed = [(a.key, a.business_days - b.business_days) for a, b in zip(after, before)
               if a.business_days != b.business_days]
    assert changed == [("2026-08", -2)]


def test_iso_weeks_are_clipped_to_the_fiscal_year():
    cal = BusinessCalendar()
    weeks = iso_weeks(2026, 4, cal)
    assert weeks[0].key == "2026-W14" and weeks[0].start == date(2026, 4, 1)
    assert weeks[0].business_days == 3  # Wed–Fri
    assert weeks[-1].end == date(2027, 3, 31)
    assert sum(w.business_days for w in weeks) == sum(m.business_days
                                                       for m in fiscal_months(2026, 4, cal))
    assert all(w.start.weekday() == 0 for w in weeks[1:])


def test_splits():
    assert split(500, [1] * 12) == [42] * 12
    assert split(500, [1] * 52) == [10] * 52
    weighted = split(500, [21, 18, 22], "weighted")
    assert sum(weighted) == 500 and weighted == [172, 148, 180]
    assert split(100, [1, 1, 1], "equal", whole=False) == pytest.approx([100 / 3] * 3)
    assert per_day(284, 21) == 14 and per_day(10, 0) == 0
    with pytest.raises(InputError):
        split(1, [1], "random")




def test_horizon_errors():
    with pytest.raises(InputError, match="fy_start must be 1 to 12") as month:
        horizon(2026, 13)
    assert month.value.message("ja") == "fy_start は 1～12 で指定してください（指定値: 13）"
    with pytest.raises(InputError, match="1 to 4"):
        horizon(2026, 4, quarter=5)

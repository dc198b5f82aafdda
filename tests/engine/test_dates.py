from datetime import date

import pytest

from kpi_xl.engine.dates import parse_closures, parse_date, parse_month
from kpi_xl.errors import InputError


def test_dates_and_errors():
    assert parse_date("2026年12月29日") == date(2026, 12, 29)
    assert parse_date("2026/12/29") == date(2026, 12, 29)
    for bad in ("2026-13-01", "tomorrow"):
        with pytest.raises(InputError):
            parse_date(bad)
    with pytest.raises(InputError):
        parse_closures(["2027-01-03..2026-12-29"])


def test_closure_ranges_cover_every_day():
    days = parse_closures(["2026-12-29..2027-01-03", "2026-08-13"])
    assert days[0] == date(2026, 12, 29) and days[5] == date(2027, 1, 3) and days[-1] == date(2026, 8, 13)
    assert len(days) == 7


@pytest.mark.parametrize(("text", "month"), [("2026-10", "2026-10"), ("2026/1", "2026-01"),
                                             ("2026年10月", "2026-10"), ("２０２６－１０", "2026-10")])
def test_months_as_people_type_them(text, month):
    assert parse_month(text) == month


@pytest.mark.parametrize("bad", ["2026-13", "October", "2026-10-01", ""])
def test_a_bad_month_names_the_field(bad):
    with pytest.raises(InputError, match="month"):
        parse_month(bad)

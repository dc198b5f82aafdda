"""Export values as tools write them, table-driven: the expected values are written by hand."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.sfa.parsing import (
    _numbers_by_value,
    clean_text,
    duration_unit,
    parse_dates,
    parse_durations,
    parse_flags,
    parse_times,
    text_values,
    without_control_characters,
)
from kpi_xl.sfa.vocabulary import key, load_vocabulary

VOCAB = load_vocabulary()
YES, NO = ({key(w) for w in VOCAB.flag_values[k]} for k in ("yes", "no"))


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-10-01", "2026-10-01 00:00:00"),
    ("2026-10-01 09:15", "2026-10-01 09:15:00"),
    ("2026/10/01 9:15", "2026-10-01 09:15:00"),
    ("2026年10月1日 9時15分", "2026-10-01 09:15:00"),
    ("２０２６年１０月１日", "2026-10-01 00:00:00"),
    ("46296.5", "2026-10-01 12:00:00"),  # an Excel serial with the time as a fraction
    ("46296", "2026-10-01 00:00:00"),
    ("2026-10-01T13:05:07", "2026-10-01 13:05:07"),
])
def test_dates_keep_their_time_of_day(raw, expected):
    parsed, _, _, bad, _, zoned = parse_dates(pd.Series([raw], dtype=object))
    assert not bad.iloc[0] and str(parsed.iloc[0]) == expected and not zoned.iloc[0]


# A CRM's timestamps with a UTC offset, in the team's time zone: Tokyo is UTC+9 all year
# (no summer time); New York is UTC−4 in October (EDT) and UTC−5 in December (EST).
@pytest.mark.parametrize(("raw", "zone", "expected"), [
    ("2026-09-30T15:30:00Z", "Asia/Tokyo", "2026-10-01 00:30:00"),  # the 30th in London, the 1st in Tokyo
    ("2026-10-01T09:00:00.000+0000", "Asia/Tokyo", "2026-10-01 18:00:00"),  # Salesforce's API form
    ("2026-10-01T09:00:00+09:00", "Asia/Tokyo", "2026-10-01 09:00:00"),
    ("2026-10-01T09:00:00-05:00", "Asia/Tokyo", "2026-10-01 23:00:00"),
    ("2026/10/01 9:00 +0900", "Asia/Tokyo", "2026-10-01 09:00:00"),
    ("2026-10-01T03:00:00Z", "America/New_York", "2026-09-30 23:00:00"),
    ("2026-12-01T03:00:00Z", "America/New_York", "2026-11-30 22:00:00"),
    ("2026-10-01T03:00:00Z", "UTC", "2026-10-01 03:00:00"),
])
def test_times_with_an_offset_are_shown_in_the_teams_zone(raw, zone, expected):
    parsed, _, _, bad, _, zoned = parse_dates(pd.Series([raw], dtype=object), zone)
    assert not bad.iloc[0] and str(parsed.iloc[0]) == expected and zoned.iloc[0]


@pytest.mark.parametrize(("cell", "text"), [
    ('="0001"', "0001"), ('="2026/10/01"', "2026/10/01"), ('="佐藤"', "佐藤"), ('=""', ""),
    ('="a""b"', 'a"b'),  # a quote inside, doubled as in any CSV-quoted text
    ('=HYPERLINK("x")', '=HYPERLINK("x")'), ('="1"+"2"', '="1"+"2"'), ('="open', '="open'),  # not the text form
    ("0001", "0001"), (None, None),
])
def test_excels_text_form_is_read_as_its_text(cell, text):
    from kpi_xl.sfa.parsing import excel_text

    series = pd.Series([cell, '="x"'], dtype="string[pyarrow]")
    values, hit = excel_text(series)
    assert (None if pd.isna(values[0]) else values[0]) == text and values[1] == "x"
    assert hit.tolist() == [text != cell and cell is not None, True]


def test_a_column_without_the_text_form_is_left_alone():
    from kpi_xl.sfa.parsing import excel_text

    assert excel_text(pd.Series(["0001", "=1+1"], dtype="string[pyarrow]")) is None
    assert excel_text(pd.Series(['="0001"', 5], dtype=object)) is None  # typed cells (XLSX): no CSV text form


@pytest.mark.parametrize("raw", ["-40", "-40-01-01", "0001-01-01T00:00:00Z", "9999-12-31T23:00:00+09:00"])
def test_years_no_nanosecond_holds_are_outside_not_a_crash(raw):
    """pandas reads '-40' as the year -40: reported as an impossible date, as 9999-12-31 is."""
    parsed, _, _, bad, outside, zoned = parse_dates(pd.Series([raw, "2026-10-01"], dtype=object))
    assert outside.tolist() == [True, False] and not bad.any() and not zoned.any()
    assert pd.isna(parsed[0]) and str(parsed[1]) == "2026-10-01 00:00:00"


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]"])
def test_a_serial_in_full_width_digits_is_read_as_one(dtype):
    """Once a crash: a date cell of full-width (or other script's) digits. 46296 days after
    Excel's 1899-12-30 is 2026-10-01; a serial under 10000 is no date (outside), as 1 is."""
    raw = pd.Series(["４６２９６", "٤٦٢٩٦", "１", "1", "2026-10-02"], dtype=dtype)
    parsed, _, serial, bad, outside, _ = parse_dates(raw)
    assert [str(v) for v in parsed] == ["2026-10-01 00:00:00"] * 2 + ["NaT", "NaT", "2026-10-02 00:00:00"]
    assert serial.tolist() == [True, True, False, False, False]
    assert outside.tolist() == [False, False, True, True, False] and not bad.any()


def test_offsets_may_differ_from_row_to_row():
    """Once a crash ('Mixed timezones detected'): naive, Z and +09:00 values in one column."""
    raw = pd.Series(["2026-10-01 09:00", "2026-10-01T00:00:00Z", "2026-10-01T09:00:00+09:00", "2026-10-02",
                     "x"], dtype=object)
    parsed, _, _, bad, _, zoned = parse_dates(raw)
    assert [str(v) for v in parsed] == ["2026-10-01 09:00:00", "2026-10-01 09:00:00", "2026-10-01 09:00:00",
                                        "2026-10-02 00:00:00", "NaT"]
    assert zoned.tolist() == [False, True, True, False, False] and bad.tolist() == [False] * 4 + [True]


@pytest.mark.parametrize(("raw", "seconds"), [
    ("0:02:05", 125), ("2:05", 125), ("1:00:00", 3600), ("3分20秒", 200), ("45秒", 45), (125, 125), ("125", 125),
    ("１２０", 120), (timedelta(minutes=2), 120), (time(0, 2, 30), 150), ("", None), (None, None), ("abc", "bad"),
])
def test_call_durations(raw, seconds):
    got, bad = parse_durations(pd.Series([raw], dtype=object))
    if seconds == "bad":
        assert bad.iloc[0]
    elif seconds is None:
        assert pd.isna(got.iloc[0]) and not bad.iloc[0]
    else:
        assert got.iloc[0] == seconds and not bad.iloc[0]


def test_duration_units_from_the_header_or_the_values():
    assert duration_unit("通話秒数", pd.Series([30])) == "second"
    assert duration_unit("通話時間（分）", pd.Series([2])) == "minute"
    assert duration_unit("通話時間", pd.Series([0.0014, 0.0])) == "day"  # Excel's fraction of a day
    assert duration_unit("通話時間", pd.Series([35, 0])) == "second"
    got, _ = parse_durations(pd.Series([0.0013888888888888889]), unit="day")
    assert got.iloc[0] == pytest.approx(120)


@pytest.mark.parametrize(("raw", "seconds"), [
    ("9:15", 33300), ("09:15:30", 33330), ("9時15分", 33300), ("９：１５".replace("：", ":"), 33300),
    (time(14, 0), 50400), (0.5, 43200), ("25:00", None), ("noon", None),
])
def test_times_of_day(raw, seconds):
    offsets, bad = parse_times(pd.Series([raw], dtype=object))
    if seconds is None:
        assert bad.iloc[0]
    else:
        assert offsets.iloc[0].total_seconds() == seconds


@pytest.mark.parametrize(("raw", "flag", "unknown"), [
    ("1", True, False), ("0", False, False), (1.0, True, False), (True, True, False), (False, False, False),
    ("TRUE", True, False), ("○", True, False), ("×", False, False), ("あり", True, False), ("なし", False, False),
    ("済", True, False), ("✓", True, False), ("Yes", True, False), ("", False, False), (None, False, False),
    ("１", True, False), ("2", False, True), ("maybe", False, True),
])
def test_flag_values(raw, flag, unknown):
    flags, odd = parse_flags(pd.Series([raw], dtype=object), YES, NO)
    assert (bool(flags.iloc[0]), bool(odd.iloc[0])) == (flag, unknown)


EDGES = ["", " ", "\u3000", "\u00a0", "\t", "\u2028", "\x1c", "\x85", "\u2003"]


@given(st.lists(st.tuples(st.sampled_from(EDGES), st.sampled_from(["佐藤 健", "佐藤\u3000健", "Ann", "x"]),
                          st.sampled_from(EDGES)), min_size=1, max_size=6))
def test_text_values_strip_like_python_whatever_else_is_in_the_column(parts):
    """Each value is stripped as Python's str.strip does, on its own: a name padded with a
    full-width space is the same name whether or not another row ends in an ASCII space."""
    values = [a + core + b for a, core, b in parts]
    assert list(text_values(pd.Series(values))) == [v.strip() for v in values]


DATE_POOL = ["2026-10-01", "2026/10/02", "2026年10月3日", "46296", "46296.5", "9999-12-31", "0", "60", "abc", "",
             None, pd.Timestamp("2026-10-05 09:15"), "2026-10-01 09:15", " 2026-10-07 ", "2026-13-01",
             "2026-09-30T15:30:00Z", "2026-10-01T09:00:00+09:00"]


@given(st.lists(st.sampled_from(DATE_POOL), min_size=1, max_size=40))
def test_dates_parsed_once_per_distinct_value_equal_row_by_row(values):
    """The fast path (each distinct value parsed once) gives exactly what parsing every row gives."""
    from kpi_xl.sfa.parsing import dates_by_row

    raw = pd.Series(values * 3, dtype=object)  # repeats: the distinct path is taken
    fast, slow = parse_dates(raw), dates_by_row(raw)
    pd.testing.assert_series_equal(fast.values, slow.values, check_names=False)
    for got, want in zip(fast[1:], slow[1:]):
        assert got.tolist() == want.tolist()


@pytest.mark.parametrize("before", [0, 9000], ids=["short", "long-repetitive"])
@given(values=st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from("ab1 \u3000\t\x00\x1c\x85\u2003佐"),
                                                    max_size=5)), max_size=8))
def test_clean_text_in_one_pass_equals_the_two_steps(values, before):
    """Also on a long column that repeats itself (checked by its distinct values), with the
    odd values after the rows it is sampled from."""
    series = pd.Series(["佐藤"] * before + values, dtype=object)
    fast, fast_odd = clean_text(series)
    slow, slow_odd = without_control_characters(text_values(series))
    assert fast.tolist() == slow.tolist() and fast_odd.tolist() == slow_odd.tolist()
    by_value = [_clean_one(v) for v in series]  # Python's own str.strip, value by value
    assert [None if v is pd.NA else v for v in fast.tolist()] == [v for v, _ in by_value]
    assert fast_odd.tolist() == [odd for _, odd in by_value]


def _clean_one(value: str | None) -> tuple[str | None, bool]:
    """One cell as the rules read it: stripped as Python strips, blank → None, control
    characters removed (and reported) from what is left."""
    text = value.strip() if value is not None else ""
    if not text:
        return None, False
    kept = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    return (kept if kept.strip() else None), kept != text


@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from("0123456789.,-+e１¥ x"), max_size=6)),
                max_size=10))
def test_numbers_by_distinct_value_equal_pandas_to_numeric(values):
    one = pd.Series(values, dtype="string[pyarrow]").mask(lambda s: s == "")
    text = pd.concat([one, one], ignore_index=True)  # several chunks, as a column read in blocks is
    got = _numbers_by_value(text)
    want = pd.to_numeric(text, errors="coerce").astype("float64")  # what parse_numbers called before
    assert got.tolist() == pytest.approx(want.tolist(), nan_ok=True)

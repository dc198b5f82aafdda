import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.engine.values import parse_count, parse_number, parse_pair, parse_positive, parse_rate
from kpi_xl.errors import InputError


@pytest.mark.parametrize(("text", "value"), [
    ("20%", 0.2), ("0.2", 0.2), ("２０％", 0.2), (0.2, 0.2), ("12.5%", 0.125), ("100%", 1.0),
    (" 5 % ", 0.05), (1, 1.0),
])
def test_rates_as_people_write_them(text, value):
    assert parse_rate(text, "受注率") == pytest.approx(value)


@pytest.mark.parametrize(("text", "code"), [
    ("120%", "rate_range"), ("0%", "rate_range"), (0, "rate_range"), (-0.1, "rate_range"),
    ("20", "rate_bare_number"), (20, "rate_bare_number"), ("abc", "not_a_rate"), ("", "not_a_rate"),
    (None, "not_a_number"),
])
def test_bad_rates_name_field_value_and_range(text, code):
    with pytest.raises(InputError) as info:
        parse_rate(text, "受注率")
    assert info.value.code == code
    ja, en = info.value.message("ja"), info.value.message("en")
    assert "受注率" in ja and "受注率" in en
    if code == "rate_range":
        assert "100%" in en and "0%" in en


def test_rate_range_echoes_what_was_typed():
    with pytest.raises(InputError) as info:
        parse_rate("120%", "受注率")
    assert "(got 120%)" in info.value.message("en")


@pytest.mark.parametrize(("text", "value"), [
    ("1,200", 1200), ("１２", 12), ("¥1,000,000", 1e6), ("1.2億", 1.2e8), ("120万", 1.2e6),
    ("▲500", -500), ("△500", -500), ("(1,234)", -1234), ("1,000円", 1000), ("-3", -3),
    ("1e3", 1000), (7, 7),
    # compounds, read as a Japanese reader reads them aloud
    ("1億2000万", 120_000_000), ("1億2,000万円", 120_000_000), ("１億２０００万", 120_000_000), ("3万5千", 35_000),
    ("2億500", 200_000_500), ("1万5000", 15_000), ("▲1億5000万", -150_000_000), ("¥3億", 300_000_000),
])
def test_numbers_as_people_write_them(text, value):
    assert parse_number(text, "x") == pytest.approx(value)


@pytest.mark.parametrize("bad", ["", "1,2,3a", "abc", "1.2.3", float("nan"), float("inf"), True, [1],
                                 "1億20000万", "5千3万", "1億2000万%", "億万"])  # a part too big, units out of order
def test_bad_numbers(bad):
    with pytest.raises(InputError):
        parse_number(bad, "KGI")


def test_counts_and_targets():
    assert parse_count("42", "reps") == 42
    with pytest.raises(InputError, match="whole"):
        parse_count("4.5", "reps")
    with pytest.raises(InputError, match="zero or more"):
        parse_count(-1, "reps")
    with pytest.raises(InputError, match="more than zero"):
        parse_positive(0, "KGI")


def test_pairs():
    assert parse_pair("受注率=20%", "--rate") == ("受注率", "20%")
    assert parse_pair("受注率＝２０％", "--rate") == ("受注率", "20%")
    with pytest.raises(InputError):
        parse_pair("受注率", "--rate")


@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                 st.none(), st.booleans()))
def test_any_input_is_a_number_or_a_clear_input_error(value):
    for parse in (parse_number, parse_rate, parse_count, parse_positive):
        try:
            parse(value, "x")
        except InputError as exc:
            assert exc.message("ja") and exc.message("en")

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.engine.excelmath import excel_int, excel_round, round15, rounddown, roundup

# (expression value, digits, what Excel returns) — Excel snaps to 15 significant digits first
HARD = [
    (57 / 0.57, 0, 100),
    (0.1 + 0.2, 1, 0.3),
    (0.1 * 3, 1, 0.3),
    (1.1 * 3, 1, 3.3),
    (4.35 * 100, 0, 435),
    (8.2 - 0.2, 0, 8),
    (2.5, 0, 3),
    (-2.1, 0, -3),
    (1234.5678, 2, 1234.57),
    (0.0, 0, 0),
    (600 / 0.1 / 10, 0, 600),
    (12 / 0.2, 0, 60),
]


@pytest.mark.parametrize(("x", "digits", "excel"), HARD)
def test_roundup_matches_excel_on_hard_floats(x, digits, excel):
    assert roundup(x, digits) == excel


def test_bare_ceil_is_wrong_where_excel_is_right():
    assert math.ceil(57 / 0.57) == 101
    assert roundup(57 / 0.57) == 100


def test_other_rounding_functions():
    assert rounddown(2.99, 1) == 2.9
    assert excel_round(2.5) == 3 and excel_round(-2.5) == -3
    assert excel_round(1.005, 2) == 1.01  # Excel: 1.01 (the float 1.00499… snaps to 1.005)
    assert excel_int(-0.5) == -1
    assert excel_int(2.9999999999999996) == 3
    assert round15(0.1 + 0.2) == 0.3


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_roundup_is_the_smallest_whole_number_not_below_the_snapped_value(x):
    r = roundup(x)
    s = round15(x)
    assert r == int(r)
    if s >= 0:
        assert r - 1 < s <= r
    else:
        assert r <= s < r + 1

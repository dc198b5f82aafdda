from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.engine.allocation import Rep, largest_remainder, team
from kpi_xl.engine.settings import parse_rep
from kpi_xl.errors import InputError


def test_42_over_three_reps_is_14_each():
    assert largest_remainder(42, [1, 1, 1]) == [14, 14, 14]
    assert largest_remainder(43, [1, 1, 1]) == [15, 14, 14]  # ties go to the earlier rep


def test_ramp_and_part_time():
    hire = Rep("新人", 1.0, date(2026, 5, 1), (0.5, 0.75))
    part = Rep("パート", 0.5)
    assert hire.weight(date(2026, 4, 1)) == 0
    assert hire.weight(date(2026, 5, 1)) == 0.5
    assert hire.weight(date(2026, 6, 1)) == 0.75
    assert hire.weight(date(2026, 7, 1)) == 1.0
    shares = largest_remainder(42, [1.0, part.weight(date(2026, 5, 1)), hire.weight(date(2026, 5, 1))])
    assert shares == [21, 11, 10] and sum(shares) == 42


def test_parse_rep_and_team():
    rep = parse_rep("佐藤:0.8:2026-10:0.5/0.75")
    assert (rep.name, rep.capacity, rep.start, rep.ramp) == ("佐藤", 0.8, date(2026, 10, 1), (0.5, 0.75))
    assert parse_rep("田中") == Rep("田中")
    assert [r.name for r in team(3)] == ["Rep 1", "Rep 2", "Rep 3"]
    with pytest.raises(InputError):
        parse_rep("佐藤:1:2026-10:1.5")
    with pytest.raises(InputError):
        team(0)


def test_no_capacity_for_a_positive_total_is_an_error():
    with pytest.raises(InputError):
        largest_remainder(5, [0, 0])
    assert largest_remainder(0, [0, 0]) == [0, 0]


@given(total=st.integers(0, 100_000),
       weights=st.lists(st.floats(min_value=0, max_value=5), min_size=1, max_size=60))
def test_shares_add_up_and_stay_within_one_of_the_quota(total, weights):
    if sum(weights) <= 0:
        weights = [*weights, 1.0]
    shares = largest_remainder(total, weights)
    assert sum(shares) == total
    for share, w in zip(shares, weights):
        quota = total * w / sum(weights)
        assert quota - 1 < share < quota + 1


def test_equal_remainders_go_to_the_earlier_rep():
    """60 over {1, 0.8, 0.3}: quotas 28.571…, 22.857…, 8.571…; the two .571… remainders are
    equal, so the earlier rep gets the second spare unit — as the workbook's formula does."""
    assert largest_remainder(60, [1, 0.8, 0.3]) == [29, 23, 8]

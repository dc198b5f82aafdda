"""The landing forecast's math against outside references: scipy's negative binomial, normal
and t distributions, and brute-force enumeration of a few deals' outcomes."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from kpi_xl.engine.landing import Spread, landing
from kpi_xl.errors import InputError


@given(st.integers(1, 500), st.integers(1, 22), st.integers(0, 10), st.floats(1, 1e6))
def test_pace_is_the_gamma_poisson_rest(actual, elapsed, left, unit):
    total = elapsed + left
    got = landing(actual, elapsed, total, unit=unit)
    rest = stats.nbinom(actual, elapsed / (elapsed + left))  # failures before `actual` successes
    assert got.expected == pytest.approx(actual + rest.mean())
    assert got.sd == pytest.approx(math.sqrt(rest.var() * unit), abs=1e-9)
    z = stats.norm.ppf(0.9)
    assert got.high == pytest.approx(got.expected + z * got.sd)
    assert got.low == pytest.approx(max(actual, got.expected - z * got.sd))


def test_chance_of_target_is_the_normal_tail():
    got = landing(40, 10, 20, target=90)
    assert got.probability == pytest.approx(stats.norm.sf(90, loc=got.expected, scale=got.sd))
    assert landing(40, 10, 20, target=80).probability == pytest.approx(0.5)


def test_deals_weighted_equal_enumerating_every_outcome():
    deals = [(1_000_000, 0.3), (500_000, 0.8), (2_000_000, 0.05), (750_000, 0.5)]
    outcomes = []
    for wins in itertools.product((0, 1), repeat=len(deals)):
        p = math.prod(c if w else 1 - c for w, (_, c) in zip(wins, deals))
        outcomes.append((sum(v for w, (v, _) in zip(wins, deals) if w), p))
    mean = sum(v * p for v, p in outcomes)
    var = sum((v - mean) ** 2 * p for v, p in outcomes)
    got = landing(3_000_000, 12, 20, deals=deals)
    assert got.expected == pytest.approx(3_000_000 + mean)
    assert got.sd == pytest.approx(math.sqrt(var))


def test_a_finished_month_lands_on_its_actual():
    got = landing(13, 21, 21, target=20)
    assert (got.expected, got.low, got.high, got.probability) == (13, 13, 13, 0.0)
    assert landing(25, 21, 21, target=20).probability == 1.0


def test_past_error_widens_the_range_never_narrows_it():
    narrow = landing(100, 10, 20)
    wide = landing(100, 10, 20, spread=0.5)
    assert wide.sd == pytest.approx(0.5 * 100) and wide.expected == narrow.expected
    assert landing(100, 10, 20, spread=0.0001).sd == narrow.sd


@pytest.mark.parametrize("months", [3, 6, 12])
def test_spread_width_is_the_t_prediction_interval(months):
    width = Spread(0.2, months).width
    t = stats.t.ppf(0.9, months) if months <= 10 else stats.norm.ppf(0.9)
    assert width * stats.norm.ppf(0.9) == pytest.approx(0.2 * math.sqrt(1 + 1 / months) * t, rel=1e-4)


@pytest.mark.parametrize(("args", "kwargs", "field"), [
    ((10, 0, 20), {}, "business_days_elapsed"),
    ((10, 21, 20), {}, "business_days_elapsed"),
    ((-1, 5, 20), {}, "actual_to_date"),
    ((10, 5, 0), {}, "business_days_total"),
    ((10, 5, 20), {"deals": [(100, 1.5)]}, "win_rates[1]"),
    ((10, 5, 20), {"deals": [(-100, 0.5)]}, "pipeline[1]"),
    ((10, 5, 20), {"spread": float("nan")}, "spread"),
])
def test_bad_input_names_the_field(args, kwargs, field):
    with pytest.raises(InputError) as err:
        landing(*args, **kwargs)
    assert field in err.value.message("en")

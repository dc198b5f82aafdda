"""Measured history: Wilson intervals against scipy's, Σ/Σ rates, and the visible fallback to
the benchmark band when a rate rests on too few events."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest

from kpi_xl.engine.history import MIN_EVENTS, Source, measure_history, wilson
from kpi_xl.engine.templates import get_template

SDR = get_template("sdr")


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_equals_scipy(pair):
    k, n = pair
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert wilson(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_rates_are_sums_over_months_not_averages():
    """Sept 10/100, Oct 30/100: 40/200 = 20%, not the 20% average by luck — so make months unequal."""
    monthly = {"2026-09": {"meetings": 10, "connects": 100, "won": 5},
               "2026-10": {"meetings": 60, "connects": 300, "won": 14}}
    history = measure_history(SDR, monthly)
    rates = {r.rate: r for r in history.rates}
    assert rates["meeting_rate"].measured == pytest.approx(70 / 400)  # the mean of 10% and 20% would be 15%
    assert rates["win_rate"].measured == pytest.approx(19 / 70)


def test_a_thin_rate_falls_back_to_its_benchmark_band_visibly():
    monthly = {"2026-10": {"meetings": 3, "connects": 20, "won": 1}}
    rates = {r.rate: r for r in measure_history(SDR, monthly).rates}
    meeting = rates["meeting_rate"]  # 3 of 20: fewer than MIN_EVENTS meetings
    assert meeting.numerator < MIN_EVENTS and meeting.source is Source.BENCHMARK
    assert meeting.band == (0.2, 0.3) and meeting.planned == pytest.approx(0.25)  # 商談化率 20–30% (seed 004)
    assert meeting.measured == pytest.approx(0.15)  # still shown
    connect = rates["connect_rate"]  # nothing measured at all
    assert connect.measured is None and connect.source is Source.BENCHMARK


def test_deal_size_and_capacity():
    monthly = {"2026-09": {"won": 4, "revenue": 4_000_000, "calls": 2000},
               "2026-10": {"won": 6, "revenue": 9_000_000, "calls": 3000}}
    history = measure_history(SDR, monthly, rep_days={"2026-09": 100, "2026-10": 100})
    assert history.unit_price == pytest.approx(13_000_000 / 10)
    assert history.per_rep_day == pytest.approx(5000 / 200)


@given(st.lists(st.tuples(st.dates(), st.integers(0, 200)), min_size=1, max_size=50), st.floats(0, 1))
def test_lag_quantiles_equal_numpy_and_month_shares_add_up(pairs, q):
    from datetime import timedelta

    import numpy as np

    from kpi_xl.engine.history import lag_of

    dated = [(d, d + timedelta(n)) for d, n in pairs if d.toordinal() + n <= date_max()]
    if not dated:
        return
    lag, shares = lag_of(dated)
    assert lag.quantile(q) == pytest.approx(float(np.percentile([(b - a).days for a, b in dated], q * 100)))
    assert sum(shares) == pytest.approx(1.0)
    same_month = sum(1 for a, b in dated if (a.year, a.month) == (b.year, b.month)) / len(dated)
    assert shares[0] == pytest.approx(same_month)


def date_max() -> int:
    from datetime import date

    return date.max.toordinal()


def test_what_the_user_gave_wins_over_what_was_measured():
    from kpi_xl.engine.history import History, MeasuredRate, with_history

    template = get_template("sdr")
    win = MeasuredRate("win_rate", 20, 100, 0.2, 0.13, 0.29, Source.MEASURED, 0.2)
    meeting = MeasuredRate("meeting_rate", 3, 10, 0.3, 0.1, 0.6, Source.BENCHMARK, 0.25, (0.2, 0.3))
    history = History(("2026-10",), (win, meeting), 1_000_000.4, 24.06, "calls", lag_months=(0.1, 0.5, 0.3, 0.1))
    measured = with_history({"kgi": "1億"}, history, template)
    assert measured["rates"] == {"win_rate": 0.2, "meeting_rate": 0.25}
    assert measured["scenarios"] == {"win_rate": [0.29, 0.13], "meeting_rate": [0.3, 0.2]}  # interval / band ends
    assert measured["lag_shares"] == {"won": [0.1, 0.5, 0.3, 0.1]}
    assert (measured["unit_price"], measured["capacity_per_day"]) == (1_000_000, 24.1)
    mine = {"rates": {"Win rate": "25%"}, "leads": {"受注数": 1}, "unit_price": 5, "capacity_per_day": 30}
    given = with_history(mine, history, template)
    assert given["rates"] == {"meeting_rate": 0.25, "Win rate": "25%"} and "win_rate" not in given["scenarios"]
    assert "lag_shares" not in given and (given["unit_price"], given["capacity_per_day"]) == (5, 30)

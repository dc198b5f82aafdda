import pytest

from kpi_xl.engine.lag import spread_back, stage_lags, stage_offsets
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.errors import InputError

CHAIN = ("revenue", "won", "meetings", "connects", "calls")


def test_offsets_accumulate_up_the_chain():
    assert stage_offsets(CHAIN, {"won": 2}) == {"revenue": 0, "won": 0, "meetings": 2,
                                                 "connects": 2, "calls": 2}
    assert stage_offsets(CHAIN, {"won": 2, "connects": 1})["calls"] == 3
    with pytest.raises(InputError):
        stage_offsets(CHAIN, {"won": -1})


def test_a_point_lag_moves_earlier_on_the_timeline():
    assert spread_back([1, 2, 3], {2: 1.0}, 2) == [1, 2, 3, 0, 0]
    assert spread_back([1, 2, 3], {0: 1.0}, 2) == [0, 0, 1, 2, 3]


def test_shares_spread_and_stack_on_a_lead():
    """Shares on 受注数 with a one-month lead on コネクト数: meetings spread 0–3 months back,
    connects and calls one month further (the distributions convolved)."""
    lags = stage_lags(CHAIN, {"connects": 1}, {"won": (0.5, 0.25, 0.25, 0.0)})
    assert lags["won"] == {0: 1.0} and lags["meetings"] == {0: 0.5, 1: 0.25, 2: 0.25, 3: 0.0}
    assert lags["calls"] == {1: 0.5, 2: 0.25, 3: 0.25, 4: 0.0}
    assert spread_back([4, 8], lags["meetings"], 3) == [0.0, 1.0, 3.0, 4.0, 4.0]
    assert stage_lags(CHAIN, {"won": 2}) == {s: {o: 1.0} for s, o in stage_offsets(CHAIN, {"won": 2}).items()}


def test_april_revenue_needs_february_activity():
    plan = build_plan(spec_from_settings({
        "template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000,
        "rates": {"受注率": "20%", "商談化率": "10%"}, "fiscal_year": 2026,
        "leads": {"受注率": 2}}))
    keys = [m.key for m in plan.months]
    assert keys[:3] == ["2026-02", "2026-03", "2026-04"]
    assert plan.monthly["won"][keys.index("2026-04")] == 10
    assert plan.monthly["won"][keys.index("2026-02")] == 0
    assert plan.monthly["meetings"][keys.index("2026-02")] == 50
    assert plan.monthly["connects"][keys.index("2026-02")] == 500
    assert plan.monthly["meetings"][keys.index("2027-03")] == 0
    assert sum(plan.monthly["meetings"]) == 600

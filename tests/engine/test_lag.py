import pytest

from kpi_xl.engine.lag import shift, stage_offsets
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


def test_shift_moves_earlier_on_the_timeline():
    assert shift([1, 2, 3], 2, 2) == [1, 2, 3, 0, 0]
    assert shift([1, 2, 3], 0, 2) == [0, 0, 1, 2, 3]


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

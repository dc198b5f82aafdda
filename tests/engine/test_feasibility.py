import pytest

from kpi_xl.engine.feasibility import assess, default_capacity, sensitivity
from kpi_xl.engine.funnel import reverse
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.engine.templates import get_template

KNOWNS = {"unit_price": 1_000_000, "win_rate": 0.2, "meeting_rate": 0.1, "connect_rate": 0.15,
          "emails_sent": 0}


def test_capacity_defaults_to_the_benchmark():
    assert default_capacity() == 34


def test_feasible_plan():
    result = reverse(get_template("sdr"), 12_000_000, KNOWNS)  # 4,000 calls
    feas = assess(result, KNOWNS, rep_days=200, business_days=200, months=10, capacity=34)
    assert feas.per_rep_day == 20 and feas.feasible
    assert feas.more_reps == 0 and feas.rate_options == ()


def test_what_closes_the_gap():
    result = reverse(get_template("sdr"), 12_000_000, KNOWNS)
    assert result.value("calls") == 4000
    # 2 reps × 50 business days × 20 calls = 2,000 calls: half of what is needed
    feas = assess(result, KNOWNS, rep_days=100, business_days=50, months=2, capacity=20)
    assert not feas.feasible and feas.per_rep_day == 40
    assert feas.more_reps == 2  # 2,000 more calls / (20 × 50) per extra rep
    assert feas.extra_business_days == 50  # at 2 reps × 20 a day, 4,000 calls take 100 days
    assert feas.extra_months == pytest.approx(2)
    options = {o.rate: o for o in feas.rate_options}
    # with 2,000 calls: connects 300, meetings 30 → win rate 12/30 = 40% (+20 points)
    assert options["win_rate"].needed == pytest.approx(0.4)
    assert options["win_rate"].points == pytest.approx(20)
    # meetings needed 60 from 300 connects → 20%; connects needed 600 from 2,000 calls → 30%
    assert options["meeting_rate"].needed == pytest.approx(0.2)
    assert options["connect_rate"].needed == pytest.approx(0.3)
    assert [o.rate for o in feas.rate_options] == ["meeting_rate", "connect_rate", "win_rate"]


def test_unreachable_rate_is_reported_as_such():
    result = reverse(get_template("sdr"), 12_000_000, KNOWNS)
    feas = assess(result, KNOWNS, rep_days=10, business_days=10, months=1, capacity=20)
    options = {o.rate: o for o in feas.rate_options}
    assert options["win_rate"].needed is None and options["win_rate"].points is None


def test_sensitivity_is_ranked_and_hand_checked():
    inputs = {**KNOWNS, "calls": 4000}
    effects = sensitivity(get_template("sdr"), inputs)
    by = {e.metric: e for e in effects}
    # 4,000 × 15% × 10% × 20% = 12 deals; +1pt win rate → 12.6 deals → +¥600,000
    assert by["win_rate"].delta == pytest.approx(600_000)
    assert by["meeting_rate"].delta == pytest.approx(1_200_000)
    assert by["connect_rate"].delta == pytest.approx(800_000)
    assert by["calls"].delta == pytest.approx(1_200_000)
    assert "emails_sent" not in by  # +10% of nothing moves nothing
    deltas = [e.delta for e in effects]
    assert deltas == sorted(deltas, reverse=True)


def test_plan_feasibility_uses_reps_and_business_days():
    plan = build_plan(spec_from_settings({
        "template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000,
        "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"},
        "volumes": {"メール送信数": 0}, "fiscal_year": 2026, "reps": 2}))
    feas = plan.feasibility
    days = sum(m.business_days for m in plan.months)
    assert feas.rep_days == 2 * days
    assert feas.per_rep_day == pytest.approx(40_000 / (2 * days))
    assert not feas.feasible
    assert feas.more_reps == 3  # 40,000 / (34 × days) = 4.8 reps → 5 in all

import pytest

from kpi_xl.engine.diagnosis import achievement, actual_rates, diagnose, status
from kpi_xl.engine.templates import get_template

PLAN = {"unit_price": 1_000_000, "win_rate": 0.2, "meeting_rate": 0.1, "connect_rate": 0.15,
        "emails_sent": 0, "calls": 4000}


def test_achievement_and_status():
    assert achievement(90, 100) == 0.9
    assert status(100, 100) == "hit"
    assert status(95, 100, warn=0.9) == "watch"
    assert status(80, 100) == "miss"
    assert status(None, 100) == "none"  # empty actuals are not misses
    assert status(3, 10 / 3, warn=0.9) == "watch"  # 0.8999999999999999 is 90% in Excel
    # lower is better (解約率): 4% against a 5% target is a hit, 6% a miss
    assert status(0.04, 0.05, higher_is_better=False) == "hit"
    assert status(0.06, 0.05, higher_is_better=False) == "miss"
    assert achievement(0, 0.05, higher_is_better=False) == 1.0


def test_actual_rates_use_each_rates_own_denominator():
    sdr = get_template("sdr")
    rates = actual_rates(sdr, {"won": 6, "meetings": 40, "valid_meetings": 30, "connects": 500})
    assert rates["win_rate"] == 6 / 40  # over 商談化数, not 有効商談数
    assert rates["valid_meeting_rate"] == 30 / 40
    assert rates["meeting_rate"] == 40 / 500


def test_bottleneck_is_the_largest_relative_shortfall_with_its_hint():
    sdr = get_template("sdr")
    actuals = {"calls": 4000, "emails_sent": 0, "approaches": 4000, "connects": 400,
               "meetings": 36, "won": 8, "revenue": 8_000_000}
    d = diagnose(sdr, actuals, {"revenue": 12_000_000, "calls": 4000}, PLAN)
    rates = {r.rate: r for r in d.rates}
    assert rates["connect_rate"].actual == pytest.approx(0.10)  # vs 15%: −33%
    assert rates["meeting_rate"].actual == pytest.approx(0.09)  # vs 10%: −10%
    assert rates["win_rate"].actual == pytest.approx(8 / 36)  # above target
    assert d.bottleneck.rate == "connect_rate"
    assert "リスト" in d.hint("ja") and "list quality" in d.hint("en")
    kpis = {k.metric: k for k in d.kpis}
    assert kpis["revenue"].status == "miss" and kpis["calls"].status == "hit"


def test_revenue_gap_splits_into_volume_and_rate_effects_that_add_up():
    sdr = get_template("sdr")
    actuals = {"calls": 3000, "emails_sent": 0, "approaches": 3000, "connects": 600,
               "meetings": 48, "won": 9, "revenue": 9_900_000}
    d = diagnose(sdr, actuals, {}, PLAN)
    assert d.planned_kgi == pytest.approx(12_000_000)
    assert d.actual_kgi == 9_900_000
    parts = {p.metric: p for p in d.gap}
    # by hand, substituting from the top of the funnel down:
    assert parts["calls"].effect == pytest.approx(-3_000_000)  # 3,000 calls → 9 deals
    assert parts["connect_rate"].effect == pytest.approx(3_000_000)  # 20% connects → 12 deals
    assert parts["meeting_rate"].effect == pytest.approx(-2_400_000)  # 8% → 9.6 deals
    assert parts["win_rate"].effect == pytest.approx(-600_000)  # 18.75% → 9 deals
    assert parts["unit_price"].effect == pytest.approx(900_000)  # ¥1.1M each
    assert parts["unit_price"].kind == "price" and parts["calls"].kind == "volume"
    assert sum(p.effect for p in d.gap) == pytest.approx(d.actual_kgi - d.planned_kgi)


def test_without_a_target_rate_the_benchmark_is_the_reference():
    sdr = get_template("sdr")
    d = diagnose(sdr, {"approaches": 1000, "connects": 50, "meetings": 20, "won": 4}, {},
                 {"unit_price": 1e6})
    rates = {r.rate: r for r in d.rates}
    assert rates["connect_rate"].reference == 0.10  # benchmark low end
    assert rates["connect_rate"].outside_benchmark
    assert d.bottleneck.rate == "connect_rate"

"""The worked examples of DOMAIN.md §2, as a user would type them."""

from kpi_xl.engine.calendar import split
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings


def test_quarter_revenue_to_connects():
    # 受注金額 12,000,000; 平均顧客単価 1,000,000; 受注率 20%; 商談化率 10% → 12 → 60 → 600
    plan = build_plan(spec_from_settings({
        "template": "sdr", "kgi": 12_000_000, "unit_price": "1,000,000",
        "rates": {"受注率": "20%", "商談化率": "10%"}}))
    assert plan.reverse.as_dict() == {"revenue": 12_000_000, "won": 12, "meetings": 60,
                                      "connects": 600}
    assert plan.reverse.missing == ("connect_rate",)


def test_annual_revenue_to_monthly_and_weekly_meetings():
    # 年間売上 1億; 平均単価 100万; 成約率 20% → 年間商談 500 → 月間 42 → 週次 10
    plan = build_plan(spec_from_settings({
        "template": "sdr", "kgi": "1億", "unit_price": "100万", "rates": {"成約率": 0.2}}))
    assert plan.reverse.value("meetings") == 500
    assert split(500, [1] * 12)[0] == 42
    assert split(500, [1] * 52)[0] == 10


def test_annual_plan_gives_42_meetings_a_month():
    plan = build_plan(spec_from_settings({
        "template": "sdr", "kgi": 100_000_000, "unit_price": 1_000_000,
        "rates": {"成約率": "20%"}, "fiscal_year": 2026}))
    assert plan.monthly["meetings"] == [42] * 12
    assert plan.weekly["meetings"][0] == 10  # 500 over the 53 ISO weeks touching FY2026


def test_monthly_wins_down_to_calls_per_day():
    # 月 受注 10件, with each stage's rate over the stage before it (call funnel)
    plan = build_plan(spec_from_settings({
        "template": "call", "target": "受注数=10",
        "rates": {"有効商談→受注": "50%", "商談→有効商談": "60%", "有効架電→商談": "20%",
                  "通電→有効架電": "40%", "架電→通電": "50%"},
        "fiscal_year": 2026, "quarter": 1}))
    # by hand: 10/0.5=20, 20/0.6=33.3→34, 34/0.2=170, 170/0.4=425, 425/0.5=850
    assert [s.value for s in plan.reverse.stages] == [10, 20, 34, 170, 425, 850]
    # one quarter: 850 calls over 3 months → 284 a month; April 2026 has 21 business days
    assert plan.monthly["calls"] == [284, 284, 284]
    assert plan.months[0].business_days == 21
    assert plan.daily["calls"][0] == 14  # 284 / 21 = 13.5 → 14 calls a day

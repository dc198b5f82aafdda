"""Every definition, denominator and diagnosis as the source articles define them.

Each test quotes the seed sentence it enforces (file and sentence); when the seeds are
beside the checkout (../shared/seeds) the quote itself is checked against the article, so
a test cannot cite a sentence the seed does not say."""

from __future__ import annotations

import itertools
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from kpi_xl.engine.actuals import period_rate
from kpi_xl.engine.catalog import get_phase, load_benchmarks, load_phases
from kpi_xl.engine.diagnosis import diagnose
from kpi_xl.engine.feasibility import Check
from kpi_xl.engine.lint import KpiSpec, lint
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import read_settings
from kpi_xl.engine.templates import get_template, template_names
from kpi_xl.engine.tree import Tier

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def seed(file: str, sentence: str) -> str:
    """The sentence, checked to be in seed ``file`` (000 … 004) when the seeds are here."""
    if SEEDS.is_dir():
        (path,) = SEEDS.glob(f"{file}_*.txt")
        assert _norm(sentence) in _norm(path.read_text(encoding="utf-8")), f"{file} does not say {sentence!r}"
    return sentence


def plan(**settings):
    return build_plan(read_settings(settings).spec)


# -- every rate's numerator and denominator -------------------------------------------------
DEFINITIONS = [
    ("sdr", "有効リード率", "有効リード数", "全リード総数", "000", "有効リード率(%)=有効リード数/全リード総数"),
    ("sdr", "コネクト率", "コネクト数", "アプローチ数", "000", "コネクト率(%)= コネクト数 ÷ アプローチ数"),
    ("sdr", "商談化率", "商談化数", "コネクト数", "000", "商談化率(%)= 商談化数 ÷ コネクト数"),
    ("sdr", "有効商談率", "有効商談数", "商談化数", "000", "有効商談率(%)= 有効商談数 ÷ 商談化数"),
    ("sdr", "受注率", "受注数", "商談化数", "000", "受注率(%)= 受注数 ÷ 商談化数"),
    ("sdr", "通電率", "通電数", "架電数", "003", "架電数に対して、実際に相手につながった架電の件数・割合"),
    ("sdr", "アポイント率", "アポイント数", "全リード総数", "002",
     "アポイント獲得率(リードに対するアポイントの成功率)"),
    ("bdr", "キーマンコネクト率", "キーマンコネクト数", "アプローチした企業数", "000",
     "キーマンコネクト率(%)= キーマンコネクト数 ÷ アプローチした企業数"),
    ("bdr", "商談化率", "商談化数", "キーマンコネクト数", "000", "商談化率(%)= 商談化数 ÷ キーマンコネクト数"),
    ("bdr", "有効商談率", "有効商談数", "商談化数", "000", "有効商談率(%)= 有効商談数 ÷ 商談化数"),
    ("call", "通電率", "通電数", "架電数", "003", "架電数に対して、実際に相手につながった架電の件数・割合"),
    ("call", "有効架電率", "有効架電数", "架電数", "003", "架電のうち、実質的な会話が成立し"),
    ("email", "開封率", "開封数", "メール送信数", "000", "送信メールが開封された割合"),
    ("email", "返信率", "返信数", "メール送信数", "000", "送信メールへの返信割合"),
    ("the_model", "商談化率", "商談数", "SQL数", "004", "商談化率 SQLから商談に至る割合 商談数÷SQL数"),
    ("the_model", "受注率", "受注件数", "商談数", "004", "受注率 商談から受注に至る割合 受注件数÷商談数"),
    ("new_business", "成約率", "成約数", "商談数", "002", "成約率:提案した案件のうち、成約につながった割合"),
    ("new_business", "アポイント率", "アポイント獲得数", "リード獲得数", "002",
     "アポイント獲得率(リードに対するアポイントの成功率)"),
    ("real_estate", "契約率", "契約数", "来店数・問い合わせ件数", "002", "契約率:問い合わせから契約に至る割合"),
    ("real_estate", "紹介顧客率", "紹介顧客数", "来店数・問い合わせ件数", "002",
     "紹介顧客率:既存顧客からの紹介案件の割合"),
    ("saas", "トライアル転換率", "新規契約件数", "トライアル数", "002",
     "トライアル転換率:無料トライアルから有料契約に移行した割合"),
    ("route", "リピート率", "継続取引顧客数", "既存顧客数", "002", "リピート率:既存顧客の継続取引の割合"),
    ("route", "解約率", "解約顧客数", "既存顧客数", "002", "解約率(チャーンレート):契約終了や取引停止の割合"),
    ("manufacturing", "リピート率", "継続取引企業数", "取引企業数", "002", "リピート率:継続して取引する企業の割合"),
]


@pytest.mark.parametrize(("template", "rate", "numerator", "denominator", "file", "sentence"), DEFINITIONS)
def test_each_rate_has_the_seeds_numerator_and_denominator(template, rate, numerator, denominator, file, sentence):
    seed(file, sentence)
    t = get_template(template)
    metric = t.metric(rate)
    assert metric.name.ja == rate
    assert t.tree.metrics[metric.numerator].name.ja == numerator
    assert t.tree.metrics[metric.denominator].name.ja == denominator


def test_every_shipped_rate_names_its_numerator_and_denominator():
    for tid in template_names():
        for metric in get_template(tid).tree.metrics.values():
            if metric.kind.value == "rate":
                assert metric.numerator and metric.denominator, (tid, metric.id)


# -- 1. 通電率 is over dials, never over approaches ------------------------------------------
def test_reach_rate_never_takes_the_connect_rates_denominator():
    seed("003", "通電数・通電率")
    seed("000", "コネクト率(%)= コネクト数 ÷ アプローチ数")
    sdr = plan(template="sdr", kgi=12_000_000, unit_price=1_000_000,
               rates={"受注率": "20%", "商談化率": "10%", "通電率": "50%"}, volumes={"メール送信数": 1000})
    # the 600 connects need コネクト率 (÷ アプローチ数); 通電率 (÷ 架電数) does not stand in for it
    assert sdr.reverse.as_dict() == {"revenue": 12_000_000, "won": 12, "meetings": 60, "connects": 600}
    assert sdr.reverse.missing == ("connect_rate",)
    assert "reach_rate" not in sdr.reverse.used
    assert get_template("sdr").metric("通電率").id != get_template("sdr").metric("コネクト率").id


# -- 2. call funnel: 有効架電率 = 有効架電数 ÷ 架電数; its ≈20% benchmark; labels per funnel ----
def test_call_funnel_conversations_are_a_share_of_dials():
    seed("003", "10件の受注獲得に必要な有効商談数、商談数、有効架電数、通電数と順を追って逆算していきます")
    seed("003", "2分以上通電し、実質的な顧客とのコミュニケーションが取れていたと思われる確率は約20%")
    call = plan(template="call", target="受注数=10",
                rates={"受注率": "50%", "有効商談率": "60%", "商談獲得率": "20%", "有効架電率": "20%", "通電率": "50%"})
    # 10/0.5 = 20 → /0.6 = 34 → /0.2 = 170 conversations; 170 at 20% of dials = 850 dials,
    # walked through 通電数 at 40% of reached calls (20% ÷ 50%) = 425 reached
    assert [s.value for s in call.reverse.stages] == [10, 20, 34, 170, 425, 850]
    template = get_template("call")
    assert template.metric("有効架電率").benchmark == "reach_2min"
    assert load_benchmarks()["reach_2min"].low == 0.2
    assert template.metric("受注率").benchmark is None  # ÷ 有効商談数: not the 10–15% definition
    assert get_template("sdr").metric("受注率").benchmark == "win_rate"


# -- 3. real estate and the other styles against 002 -----------------------------------------
def test_real_estate_contracts_are_a_share_of_inquiries():
    seed("002", "契約率:問い合わせから契約に至る割合")
    estate = plan(template="real_estate", kgi="1億", unit_price="2500万", rates={"契約率": "2%"})
    assert estate.reverse.as_dict() == {"revenue": 100_000_000, "contracts": 4, "inquiries": 200}


def test_saas_mrr_and_new_mrr_are_different_metrics():
    seed("002", "MRR(Monthly Recurring Revenue):月次の継続収益")
    saas = get_template("saas")
    assert saas.metric("MRR").id == "mrr" and saas.metric("新規MRR").id == "new_mrr"
    assert saas.definition("mrr", "en").startswith("MRR = Paying customers × ARPA")


# -- 4. capacity is counted in calls ---------------------------------------------------------
def test_capacity_is_compared_in_calls_per_rep_per_business_day():
    seed("003", "2025年のインサイドセールスの1日あたりの架電数は平均34件")
    full = plan(template="sdr", kgi="1.2億", unit_price="100万", fiscal_year=2026, reps=8,
                rates={"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"}, volumes={"メール送信数": 0})
    feas = full.feasibility
    assert feas.activity == "calls" and feas.capacity == 34
    assert feas.required == full.reverse.value("calls") == 40_000
    assert feas.per_rep_day == pytest.approx(40_000 / (8 * sum(m.business_days for m in full.fiscal_months)))


def test_a_walk_above_calls_names_the_missing_input_instead_of_comparing_meetings():
    short = plan(template="sdr", kgi="1.2億", unit_price="100万", fiscal_year=2026, reps=8,
                 rates={"受注率": "20%", "商談化率": "10%"})
    assert short.feasibility.check is Check.NOT_REACHED and short.feasibility.missing == ("connect_rate",)
    no_emails = plan(template="sdr", kgi="1.2億", unit_price="100万", fiscal_year=2026, reps=8,
                     rates={"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"})
    assert no_emails.feasibility.missing == ("emails_sent",)  # アプローチ数 = 架電数 + メール送信数
    model = plan(template="the_model", kgi="1億", unit_price="100万", fiscal_year=2026,
                 rates={"受注率": "20%", "商談化率": "50%", "SQL転換率": "30%", "MQL転換率": "40%"})
    assert model.feasibility.check is Check.NO_ACTIVITY
    email = plan(template="email", kgi="1億", unit_price="100万", fiscal_year=2026,
                 rates={"受注率": "20%", "商談化率": "30%", "返信率": "2%"})
    assert email.feasibility.check is Check.NO_CAPACITY  # the seeds publish no email capacity
    assert plan(template="email", kgi="1億", unit_price="100万", fiscal_year=2026, capacity_per_day=500,
                rates={"受注率": "20%", "商談化率": "30%", "返信率": "2%"}).feasibility.measured


# -- 5. rates over a period are Σ numerator ÷ Σ denominator ---------------------------------
def test_a_period_rate_is_the_ratio_of_the_sums():
    seed("000", "コネクト率(%)= コネクト数 ÷ アプローチ数")
    assert period_rate([10, 300], [100, 1000]) == pytest.approx(310 / 1100)  # 28.2%, not (10% + 30%) / 2
    assert period_rate([10, None], [100, 1000]) == pytest.approx(0.1)  # a month without its count is left out
    assert period_rate([], []) is None


# -- 6. phase KPI sets within the seeds' counts ----------------------------------------------
@pytest.mark.parametrize("template", template_names())
@pytest.mark.parametrize("phase", ["launch", "growth", "stable"])
def test_the_suggested_kpis_of_every_template_and_phase_pass_lint(template, phase):
    seed("001", "KPI項目を必要最小限に絞り込み(立ち上げ期3-5個、成長期5-7個、安定期3-5個)")
    t, p = get_template(template), get_phase(phase)
    kpis = p.kpis_for(t)
    assert p.min_kpis <= len(kpis) <= p.max_kpis
    assert not [f for f in lint(t, p, [KpiSpec(m) for m in kpis]) if f.level == "error"]


def test_sdr_growth_follows_000_and_001():
    seed("000", "KPI設定の例:商談化数・商談化率、有効リード率、メール開封率・クリック率")
    seed("001", "成長期 | コネクト率、アポイント率、商談化率")
    names = [get_template("sdr").tree.metrics[m].name.ja for m in get_phase("growth").kpis_for(get_template("sdr"))]
    assert names == ["コネクト率", "アポイント率", "商談化数", "商談化率", "有効リード率", "開封率", "クリック率"]


# -- 7. 安定期 wherever a phase is named ------------------------------------------------------
@pytest.mark.parametrize("name", ["安定期", "安定・拡大期", "stable", "Stable / expansion", "拡大期"])
def test_every_name_of_the_stable_phase_is_accepted(name):
    seed("001", "安定期 | 受注率、LTV、継続率")
    assert get_phase(name).id == "stable"
    assert read_settings({"kgi": 1, "phase": name}).options.phase == "stable"


# -- 8. impossible funnels compare counts with counts ----------------------------------------
def test_revenue_in_yen_is_never_compared_with_a_count_of_deals():
    from kpi_xl.sfa.aggregate import Actuals, impossible_funnels

    index = pd.MultiIndex.from_tuples([("佐藤", "2026-10")], names=["owner", "month"])
    by_month = pd.DataFrame({"calls": [100.0], "connects": [20.0], "meetings": [5.0], "won": [2.0],
                             "revenue": [2_000_000.0]}, index=index)
    assert impossible_funnels(Actuals(by_month, by_month.iloc[:0]), get_template("sdr")) == []
    by_month.loc[("佐藤", "2026-10"), "won"] = 9.0  # 9 deals from 5 meetings is impossible
    (finding,) = impossible_funnels(Actuals(by_month, by_month.iloc[:0]), get_template("sdr"))
    assert "won 9 > meetings 5" in finding.detail


# -- missing diagnoses -----------------------------------------------------------------------
SDR_INPUTS = {"win_rate": 0.2, "meeting_rate": 0.1, "connect_rate": 0.15, "unit_price": 1_000_000}


def test_kpis_met_but_kgi_missed_points_at_the_trees_links():
    seed("001", "KPIツリーを活用することで、各KPIの連動性を可視化し、「KPI達成なのにKGI未達」という失敗を防ぐ")
    d = diagnose(get_template("sdr"), {"calls": 4000, "meetings": 60, "revenue": 5_000_000},
                 {"calls": 4000, "meetings": 60, "revenue": 12_000_000}, SDR_INPUTS)
    assert [f.hint for f in d.findings] == ["tree_links"]
    assert "因果関係" in d.findings[0].text("ja")


def test_a_volume_short_of_target_is_named_before_a_rate_hint():
    seed("002", "アポイント件数が目標に届かない場合、ターゲットリストの見直しやアプローチ手法の改善を検討")
    seed("000", "架電数は多いがコネクト率が低い場合アプローチする時間帯やリストの質に問題があるのではないか")
    sdr = get_template("sdr")
    low_volume = diagnose(sdr, {"approaches": 2000, "connects": 200}, {"approaches": 4000, "connects": 600},
                          SDR_INPUTS)
    assert low_volume.bottleneck.rate == "connect_rate"  # 10% against 15%
    assert low_volume.findings[0].hint == "volume_short" and low_volume.findings[0].metric == "approaches"
    assert "アプローチ数が目標に届いていない" in low_volume.hint("ja")
    on_target = diagnose(sdr, {"approaches": 4000, "connects": 400}, {"approaches": 4000, "connects": 600},
                         SDR_INPUTS)
    assert on_target.findings[0].hint == "list_quality"  # 「架電数は多いのにコネクト率が低い」


def test_bdrs_low_meeting_rate_points_at_the_proposal():
    seed("000", "キーマンと話せているのに商談化率が低い場合、提案内容やタイミング、価値訴求の課題を分析します")
    d = diagnose(get_template("bdr"), {"keyman_connects": 100, "meetings": 5}, {"keyman_connects": 100},
                 {"meeting_rate": 0.2, "win_rate": 0.2, "keyman_connect_rate": 0.3, "unit_price": 1})
    assert d.findings[0].hint == "bdr_proposal" and "提案内容" in d.hint("ja")


def test_a_kgi_that_is_a_rate():
    seed("002", "既存顧客の契約更新率90%維持")
    renewals = plan(template="the_model", target="継続率=90%", volumes={"更新対象顧客数": 200})
    assert renewals.reverse.as_dict() == {"retention_rate": 0.9, "renewals": 180}


def test_a_target_far_outside_its_band_is_flagged_as_not_achievable():
    seed("000", "A(Achievable:達成可能性):過去実績やリソースから見て現実的な目標か")
    sdr = get_template("sdr")
    (finding,) = [f for f in lint(sdr, get_phase("stable"), [KpiSpec("受注率", 0.95, "2027-03", "IS")])
                  if f.code == "lint_smart_achievable"]
    assert "95%" in finding.message("ja")
    warned = plan(template="sdr", kgi="1億", unit_price="100万", rates={"受注率": "95%"})
    assert [w.metric for w in warned.warnings] == ["win_rate"]
    assert not plan(template="sdr", kgi="1億", unit_price="100万", rates={"受注率": "20%"}).warnings


def test_a_kpi_that_does_not_feed_the_kgi_is_flagged_as_not_relevant():
    seed("000", "R(Relevant:関連性):KGIと関連性がありその達成に貢献する行動指標か")
    findings = lint(get_template("sdr"), get_phase("launch"), [KpiSpec("追客数", 100, "2027-03", "IS")])
    assert ("lint_smart_relevant", "follow_ups") in [(f.code, f.metric) for f in findings]


def test_month_over_month_growth_targets():
    seed("001", "月間アポ数50件達成(前月比20%増)")
    grown = plan(template="sdr", kgi="7.2億", unit_price="100万", rates={"受注率": "20%", "商談化率": "10%"},
                 fiscal_year=2026, growth={"商談化数": "20%"})
    meetings = grown.monthly["meetings"]
    assert sum(meetings) == 3600  # the year's total, exactly
    for before, after in itertools.pairwise(meetings):
        assert abs(after - 1.2 * before) <= 1.2  # each month 20% above the last, in whole meetings
    assert grown.monthly["won"] == [60] * 12  # other stages keep the plan's split


def test_every_metric_has_the_tier_001_gives_it():
    seed("001", "行動指標は、日々の活動量を測る指標です。架電数・追客数・メール送信数などが該当します")
    seed("001", "結果指標は、活動の成果を測る指標です。コネクト率(接続率)・アポイント率・商談化率などが該当します")
    seed("001", "成果指標は、最終的なビジネス成果を測る指標です。受注数・売上・LTV(顧客生涯価値)などが該当します")
    sdr = get_template("sdr")
    assert {m: sdr.metric(m).tier for m in ("架電数", "追客数", "メール送信数")} == dict.fromkeys(
        ("架電数", "追客数", "メール送信数"), Tier.ACTION)
    assert {sdr.metric(m).tier for m in ("コネクト率", "アポイント率", "商談化率")} == {Tier.RESULT}
    assert {sdr.metric(m).tier for m in ("受注数", "売上")} == {Tier.OUTCOME}
    assert get_template("the_model").metric("LTV").tier is Tier.OUTCOME
    for tid in template_names():  # each shipped metric states its tier in its file
        text = (Path(get_template(tid).source)).read_text(encoding="utf-8")
        assert text.count("[metrics.") == text.count("\ntier = "), tid
    assert set(load_phases()) == {"launch", "growth", "stable"}

"""The report's 着地見込み: a mid-month export (the demo cut at 10-14, deals closed later
reopened) gives each KPI's landing in the JSON and on the サマリー and 週次 sheets; KPI_LANDING
with the same inputs returns the same numbers; a finished month lands on its actual; on the
Maven CRM data the forecast made from each month's first half covers the real month end as
the README states; and a forecast never looks past its as-of date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpi_xl.demo import run_demo
from kpi_xl.engine.calendar import BusinessCalendar
from kpi_xl.engine.templates import get_template
from kpi_xl.report import make_report
from kpi_xl.report.backtest import backtest, summary
from kpi_xl.report.landings import Basis, Month, month_landing
from kpi_xl.sfa.deal_odds import deals_of
from kpi_xl.sfa.ingest import ingest
from tests.xlwings_harness import call, decorated_udfs

CUT = "2026-10-14"
MAVEN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "maven-crm-sales-opportunities"
MAPPING = Path(__file__).resolve().parents[2] / "examples" / "mappings" / "maven-crm.yaml"


@pytest.fixture(scope="module")
def mid_month(tmp_path_factory):
    folder = run_demo(tmp_path_factory.mktemp("demo") / "demo").folder
    calls = pd.read_csv(folder / "activities.csv", encoding="cp932", dtype=str)
    calls[calls["日付"] <= CUT].to_csv(folder / "calls-mid.csv", index=False, encoding="cp932")
    deals = pd.read_excel(folder / "opportunities.xlsx", engine="openpyxl", dtype=str)
    deals = deals[deals["商談開始日"].str[:10] <= CUT].copy()
    later = deals["受注日"].fillna("9999").str[:10] > CUT
    deals.loc[later & deals["受注日"].notna(), ["商談ステータス", "受注日", "失注理由"]] = ["商談中", None, None]
    deals.to_excel(folder / "deals-mid.xlsx", index=False)
    report = make_report([folder / "calls-mid.csv", folder / "deals-mid.xlsx"], folder / "plan.xlsx", "2026-10",
                         output=folder / "mid.xlsx", lang="en")
    return report, folder


def test_mid_month_landing_is_in_the_json_and_on_both_sheets(mid_month):
    report, folder = mid_month
    got = report.as_json()["landing"]
    assert got["as_of"] == CUT and got["elapsed"] == 9 and got["business_days"] == 21
    team = report.as_json()["team"]
    for metric, line in got["pace"].items():
        assert line["actual"] == team[metric]["actual"]
        assert line["p10"] <= line["p50"] <= line["p90"] and line["p10"] >= line["actual"]
    assert set(got["deals"]) == {"revenue", "won"} and got["lever"] is not None
    wb = load_workbook(folder / "mid.xlsx")
    for sheet in ("Summary", "Weekly"):
        rows = {r[1]: r for r in wb[sheet].iter_rows(values_only=True) if r[1] == "Deals won"}
        (row,) = [r for r in wb[sheet].iter_rows(values_only=True)
                  if r[1] == "Deals won" and r[3] == pytest.approx(got["pace"]["won"]["p50"])]
        assert row[2:8] == pytest.approx((got["pace"]["won"]["actual"], got["pace"]["won"]["p50"],
                                          got["pace"]["won"]["p10"], got["pace"]["won"]["p90"],
                                          report.as_json()["team"]["won"]["target"],
                                          got["pace"]["won"]["probability"])), rows


def test_kpi_landing_returns_the_reports_numbers(mid_month):
    report, _ = mid_month
    got = report.as_json()["landing"]
    team = report.as_json()["team"]
    udfs = decorated_udfs()
    unit = team["revenue"]["actual"] / team["won"]["actual"]
    for metric, line in got["pace"].items():
        spread = got["spread"].get(f"pace:{metric}")
        args = [line["actual"], got["elapsed"], got["business_days"], None, None, team[metric]["target"],
                unit if metric == "revenue" else None, spread]
        assert call(udfs, "KPI_LANDING", *args)[0] == pytest.approx(
            [line["p50"], line["p10"], line["p90"], line["probability"]]), metric
    values = [[c["value"]] for c in got["chances"]]
    chances = [[c["chance"]] for c in got["chances"]]
    line = got["deals"]["revenue"]
    out = call(udfs, "KPI_LANDING", line["actual"], got["elapsed"], got["business_days"], values, chances,
               team["revenue"]["target"], None, got["spread"].get("deals:revenue"))
    assert out[0] == pytest.approx([line["p50"], line["p10"], line["p90"], line["probability"]])


def test_a_finished_month_lands_on_its_actual(tmp_path):
    folder = run_demo(tmp_path / "demo").folder
    got = make_report([folder / "activities.csv", folder / "opportunities.xlsx"], folder / "plan.xlsx",
                      "2026-10").as_json()["landing"]
    assert got["elapsed"] == got["business_days"]
    for line in got["pace"].values():
        assert line["p10"] == line["p50"] == line["p90"] == line["actual"]


@pytest.mark.parametrize(("today", "as_of", "elapsed"), [
    (date(2026, 11, 5), "2026-10-31", 21),  # the month is over: it lands on its actual
    (None, "2026-10-27", 18),  # no --asof: as far as the last activity (Thu 1 … Tue 27, less 12 Oct)
    (date(2026, 10, 20), "2026-10-20", 13),  # mid-month: the 21st onwards is future_date
])
def test_asof_is_the_day_the_month_is_measured_at(tmp_path, today, as_of, elapsed):
    """October 2026 has 21 business days in Japan (22 weekdays, 体育の日 on the 12th). The
    team's last call was on Tuesday the 27th: once the month is over (--asof in November) its
    pace is 21/21 and its landing its actual — not 27 days' pace stretched over 3 more days."""
    days = pd.bdate_range("2026-10-01", "2026-10-27")
    path = tmp_path / "calls.csv"
    path.write_text("日付,担当者,活動種別,結果\n" + "".join(f"{d:%Y-%m-%d},佐藤,架電,通電\n" for d in days),
                    encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text("template: sdr\nkgi: 1億\nunit_price: 100万\nrates: {受注率: 20%, 商談化率: 10%, コネクト率: 15%}\n"
                    "fiscal_year: 2026\n", encoding="utf-8")
    got = make_report([path], plan, "2026-10", today=today).as_json()["landing"]
    assert (got["as_of"], got["elapsed"], got["business_days"]) == (as_of, elapsed, 21)
    connects = got["pace"]["connects"]  # each call reached someone
    assert connects["actual"] == sum(d <= pd.Timestamp(as_of) for d in days)
    assert (connects["p50"] == connects["actual"]) == (elapsed == 21)


@pytest.mark.skipif(not MAVEN.exists(), reason="shared/data is not beside this checkout")
def test_maven_backtest_coverage_and_error_as_stated():
    """README: forecast from each month's first half, 2017-03…2017-12, the pace's P10–P90 held
    7 of 10 month ends for wins and for revenue; P50 within 7% / 8% on average. The band kept
    here: at least 6 of 10 covered (an 80% range covers ≤ 5 of 10 in under 4% of cases) and P50
    better than the open-deals view."""
    trials = backtest([MAVEN / "sales_pipeline.csv"], get_template("sdr"), MAPPING)
    for metric in ("won", "revenue"):
        cover, error, months = summary(trials, metric)
        _, deals_error, _ = summary(trials, metric, Basis.DEALS)
        assert months == 10 and cover >= 0.6 and error < 0.1
        assert error < deals_error
    real = pd.read_csv(MAVEN / "sales_pipeline.csv")
    won = real[real["deal_stage"] == "Won"]
    by_month = won.groupby(won["close_date"].str[:7]).size()
    assert {t.month: t.real for t in trials if t.metric == "won"} == by_month.to_dict()


@pytest.mark.skipif(not MAVEN.exists(), reason="shared/data is not beside this checkout")
def test_a_forecast_never_looks_past_its_as_of_date(tmp_path):
    """The export cut at the as-of date by pandas (later deals gone, later closes reopened)
    gives the same landing as the whole export."""
    as_of = date(2017, 9, 15)
    full = pd.read_csv(MAVEN / "sales_pipeline.csv", dtype=str)
    cut = full[full["engage_date"].isna() | (full["engage_date"] <= as_of.isoformat())].copy()
    later = cut["close_date"].notna() & (cut["close_date"] > as_of.isoformat())
    cut.loc[later, ["deal_stage", "close_date", "close_value"]] = ["Engaging", None, None]
    cut.to_csv(tmp_path / "cut.csv", index=False)
    template = get_template("sdr")
    month = Month.at("2017-09", BusinessCalendar(), as_of=as_of)

    def forecast(path: Path):
        deals = deals_of(ingest([path], template, MAPPING))
        done = dict(zip(("won", "revenue"), deals.won_between(date(2017, 9, 1), as_of)))
        return month_landing(template, month, done, ["revenue", "won"], {}, deals, None)

    whole, short = forecast(MAVEN / "sales_pipeline.csv"), forecast(tmp_path / "cut.csv")
    assert whole.lines == short.lines and whole.pipeline == short.pipeline and whole.spread == short.spread

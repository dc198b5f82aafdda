"""`plan --from-data` measures what a pandas count of the same export says: each rate Σ ÷ Σ over
the last full months, the deal size, calls per rep per business day."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date, timedelta

import jpholiday
import numpy as np
import pandas as pd
import pytest

from kpi_xl.engine.templates import get_template
from kpi_xl.sfa.history import history_from_exports

REPS = ["佐藤", "鈴木", "高橋"]
RESULTS = ["不在", "不在", "通電", "通電", "アポ獲得"]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """Calls Jul–Oct 2026 and a few days of November (a partial month, left out), and a deal list."""
    rnd = random.Random(3)
    rows, deals = [], []
    day = date(2026, 7, 1)
    while day <= date(2026, 11, 4):
        if day.weekday() < 5 and not jpholiday.is_holiday(day):
            for rep in REPS:
                for _ in range(rnd.randint(20, 40)):
                    result = rnd.choice(RESULTS)
                    rows.append({"日付": day.isoformat(), "担当者": rep, "活動種別": "架電", "結果": result})
                    if result == "アポ獲得" and rnd.random() < 0.2:
                        deals.append({"商談ID": f"D{len(deals)}", "担当者": rep, "商談ステータス": "受注",
                                      "商談開始日": day.isoformat(), "受注日": (day + timedelta(3)).isoformat(),
                                      "金額": rnd.choice([500_000, 1_000_000, 1_500_000])})
        day += timedelta(1)
    folder = tmp_path_factory.mktemp("history")
    calls, won = folder / "calls.csv", folder / "deals.csv"
    pd.DataFrame(rows).to_csv(calls, index=False)
    pd.DataFrame(deals).to_csv(won, index=False)
    return folder, pd.DataFrame(rows), pd.DataFrame(deals)


def test_measured_rates_equal_a_pandas_count(export):
    folder, calls, deals = export
    history, _ = history_from_exports([folder / "calls.csv", folder / "deals.csv"], get_template("sdr"), months=3)
    assert history.months == ("2026-08", "2026-09", "2026-10")  # November is not over
    calls = calls[(calls["日付"] >= "2026-08-01") & (calls["日付"] < "2026-11-01")]
    deals = deals[(deals["受注日"] >= "2026-08-01") & (deals["受注日"] < "2026-11-01")]
    connects = calls["結果"].isin(["通電", "アポ獲得"]).sum()
    meetings = (calls["結果"] == "アポ獲得").sum()
    rates = {r.rate: r for r in history.rates}
    assert (rates["connect_rate"].numerator, rates["connect_rate"].denominator) == (connects, len(calls))
    assert (rates["meeting_rate"].numerator, rates["meeting_rate"].denominator) == (meetings, connects)
    assert rates["win_rate"].numerator == len(deals)
    assert history.unit_price == pytest.approx(deals["金額"].sum() / len(deals))
    business_days = sum(1 for d in pd.date_range("2026-08-01", "2026-10-31")
                        if d.weekday() < 5 and not jpholiday.is_holiday(d.date()))
    assert history.per_rep_day == pytest.approx(len(calls) / (len(REPS) * business_days))


def test_plan_from_data_uses_them_and_a_given_rate_wins(export, tmp_path):
    folder, _, _ = export
    base = [sys.executable, "-m", "kpi_xl.cli", "plan", "--from-data", str(folder / "calls.csv"),
            str(folder / "deals.csv"), "--kgi", "1億", "--fy", "2026", "--reps", "3", "--json", "--months", "3"]
    done = subprocess.run([*base, "-o", str(tmp_path / "a.xlsx")], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    measured = {r["rate"]: r["planned"] for r in data["history"]["rates"]}
    assert data["inputs"]["meeting_rate"] == pytest.approx(measured["meeting_rate"])
    assert data["inputs"]["unit_price"] == round(data["history"]["unit_price"])
    assert data["history"]["partial"] == {} and "返信" not in done.stderr  # a log of calls: connects whole
    mine = subprocess.run([*base, "--rate", "商談化率=25%", "-o", str(tmp_path / "b.xlsx")], capture_output=True,
                          text=True, encoding="utf-8")
    assert json.loads(mine.stdout)["inputs"]["meeting_rate"] == pytest.approx(0.25)


def test_bottom_up_kgi_is_the_measured_capacity_pushed_down_the_funnel(export, tmp_path):
    """At the measured calls per rep-day, rates and deal size, three reps over FY2026's business
    days reach this much revenue — computed here by hand from the JSON's measured numbers."""
    folder, _, _ = export
    done = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "plan", "--from-data", str(folder / "calls.csv"),
                           str(folder / "deals.csv"), "--kgi", "1億", "--fy", "2026", "--reps", "3", "--months", "3",
                           "--volume", "メール送信数=0", "--json", "-o", str(tmp_path / "c.xlsx")],
                          capture_output=True, text=True, encoding="utf-8")
    history = json.loads(done.stdout)["history"]
    rate = {r["rate"]: r["planned"] for r in history["rates"]}
    fy_days = sum(1 for d in pd.date_range("2026-04-01", "2027-03-31")
                  if d.weekday() < 5 and not jpholiday.is_holiday(d.date()))
    calls = round(history["per_rep_day"], 1) * 3 * fy_days
    revenue = (calls * rate["connect_rate"] * rate["meeting_rate"] * rate["win_rate"]
               * round(history["unit_price"]))
    assert history["bottom_up_kgi"] == pytest.approx(revenue, rel=1e-9)


def test_the_interval_ends_are_the_upside_and_downside_scenarios(export, tmp_path):
    folder, _, _ = export
    base = [sys.executable, "-m", "kpi_xl.cli", "plan", "--from-data", str(folder / "calls.csv"),
            str(folder / "deals.csv"), "--kgi", "1億", "--fy", "2026", "--reps", "3", "--months", "3", "--json"]
    for scenario, end in ((1, "high"), (2, "low")):
        done = subprocess.run([*base, "--scenario", str(scenario), "-o", str(tmp_path / f"s{scenario}.xlsx")],
                              capture_output=True, text=True, encoding="utf-8")
        data = json.loads(done.stdout)
        measured = {r["rate"]: r for r in data["history"]["rates"] if r["source"] == "measured"}
        assert measured and all(data["inputs"][k] == pytest.approx(r[end]) for k, r in measured.items())


def test_the_sales_cycle_is_measured_as_a_distribution(export):
    folder, _, deals = export
    history, _ = history_from_exports([folder / "calls.csv", folder / "deals.csv"], get_template("sdr"), months=3)
    won = deals[(deals["受注日"] >= "2026-08-01") & (deals["受注日"] < "2026-11-01")]
    start, end = pd.to_datetime(won["商談開始日"]), pd.to_datetime(won["受注日"])
    assert sorted(history.lag.days) == sorted((end - start).dt.days.tolist())
    next_month = ((end.dt.year - start.dt.year) * 12 + end.dt.month - start.dt.month == 1).mean()
    assert history.lag_months[1] == pytest.approx(next_month)


def test_each_rep_is_measured_on_their_own_rows(export):
    folder, calls, _ = export
    history, _ = history_from_exports([folder / "calls.csv", folder / "deals.csv"], get_template("sdr"), months=3)
    calls = calls[(calls["日付"] >= "2026-08-01") & (calls["日付"] < "2026-11-01")]
    business_days = sum(1 for d in pd.date_range("2026-08-01", "2026-10-31")
                        if d.weekday() < 5 and not jpholiday.is_holiday(d.date()))
    assert set(history.reps) == set(REPS)
    for rep, rows in calls.groupby("担当者"):
        connects = rows["結果"].isin(["通電", "アポ獲得"]).sum()
        rates = {r.rate: r for r in history.reps[rep].rates}
        assert rates["meeting_rate"].measured == pytest.approx((rows["結果"] == "アポ獲得").sum() / connects)
        assert rates["connect_rate"].measured == pytest.approx(connects / len(rows))
        assert history.reps[rep].per_rep_day == pytest.approx(len(rows) / business_days)


@pytest.mark.parametrize("given", ["受注率=25%", "Win rate=25%", "win_rate=25%"])
def test_a_given_rate_keeps_its_own_scenarios_whatever_it_is_called(export, tmp_path, given):
    """The user's 25% win rate, named in Japanese, English or by id, is theirs in every scenario:
    upside 25% × 1.1 (README: rates × 1.1), not the measured interval's end."""
    folder, _, _ = export
    done = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "plan", "--from-data", str(folder / "calls.csv"),
                           str(folder / "deals.csv"), "--kgi", "1億", "--fy", "2026", "--reps", "3", "--months", "3",
                           "--rate", given, "--scenario", "1", "--json", "-o", str(tmp_path / "g.xlsx")],
                          capture_output=True, text=True, encoding="utf-8")
    assert json.loads(done.stdout)["inputs"]["win_rate"] == pytest.approx(0.275)


def test_deal_size_interval_is_scipys_percentile_bootstrap():
    """A skewed deal list (a few large deals): the interval equals scipy's percentile bootstrap
    to within the resampling noise of either, and is not the symmetric normal one."""
    from scipy import stats

    from kpi_xl.sfa.history import bootstrap_mean

    values = np.random.default_rng(3).lognormal(13, 1.2, 300)
    low, high = bootstrap_mean(values)
    ref = stats.bootstrap((values,), np.mean, method="percentile", n_resamples=20_000,
                          random_state=np.random.default_rng(11)).confidence_interval
    width = ref.high - ref.low
    assert abs(low - ref.low) < 0.05 * width and abs(high - ref.high) < 0.05 * width
    assert (high - values.mean()) > (values.mean() - low)  # skewed right, as the deals are
    assert bootstrap_mean(values[:9]) is None


@pytest.mark.parametrize("given", [[], ["--lead", "受注数=1"]])
def test_the_measured_cycle_spreads_the_plans_meetings(export, tmp_path, given):
    """The shares of wins 0–3 months after the meeting (a pandas count here) become the plan's
    lag_shares, written to the workbook and read back; a lead time given by hand wins."""
    from kpi_xl.workbook.reader import read_plan_workbook

    folder, _, deals = export
    out = tmp_path / "plan.xlsx"
    done = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "plan", "--from-data", str(folder / "calls.csv"),
                           str(folder / "deals.csv"), "--kgi", "1億", "--fy", "2026", "--reps", "3", "--months", "3",
                           *given, "-o", str(out)], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    spec = read_plan_workbook(out).spec
    if given:
        assert spec.lag_shares == {} and {k: v for k, v in spec.leads.items() if v} == {"won": 1}
        return
    won = deals[(deals["受注日"] >= "2026-08-01") & (deals["受注日"] < "2026-11-01")]
    start, end = pd.to_datetime(won["商談開始日"]), pd.to_datetime(won["受注日"])
    later = ((end.dt.year - start.dt.year) * 12 + end.dt.month - start.dt.month).clip(upper=3)
    shares = [float((later == k).mean()) for k in range(4)]
    assert spec.lag_shares["won"] == pytest.approx(shares)
    assert "lag_shares" in done.stdout


def test_the_demo_exports_measured_rates_equal_a_pandas_count(tmp_path):
    """`plan --from-data` on the demo's own files (CP932 CSV with dirty rows, XLSX deal list):
    the last six full months 2026-05…10, counted by pandas with the exclusions spelled out."""
    from kpi_xl.demo import run_demo

    folder = run_demo(tmp_path / "demo").folder
    out = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "plan", "--from-data", str(folder / "activities.csv"),
                          str(folder / "opportunities.xlsx"), "--kgi", "2.4億", "--fy", "2026", "--reps", "10",
                          "-o", str(tmp_path / "bu.xlsx"), "--json"], capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    got = {r["rate"]: (r["numerator"], r["denominator"]) for r in json.loads(out.stdout)["history"]["rates"]}
    months = [f"2026-{m:02d}" for m in range(5, 11)]
    rows = pd.read_csv(folder / "activities.csv", encoding="cp932", dtype=str)
    rows = rows[rows["日付"].fillna("").str[:7].isin(months)]
    rows = rows[~rows["担当者"].fillna("=").str.startswith("=")].drop_duplicates()  # formula owner, repeated row
    calls = rows[rows["活動種別"] == "架電"]
    connects = calls["結果"].isin(["通電", "アポ獲得"]).sum()
    meetings = (calls["結果"] == "アポ獲得").sum()
    deals = pd.read_excel(folder / "opportunities.xlsx", dtype=str, engine="openpyxl")
    won_rows = deals["商談ステータス"].eq("受注") & deals["受注日"].fillna("").str[:7].isin(months)
    won = won_rows.sum()
    amounts = pd.to_numeric(deals.loc[won_rows, "金額"].str.replace(r"[¥,]", "", regex=True))
    assert json.loads(out.stdout)["history"]["unit_price"] == pytest.approx(amounts.mean())  # README's ¥1,087,955
    assert got == {"win_rate": (won, meetings), "meeting_rate": (meetings, connects),
                   "connect_rate": (connects, len(rows))}  # コネクト率 = コネクト数 ÷ アプローチ数 (calls + emails)
    # the demo's emails carry no result: its connects are the calls' alone, and the plan says so
    assert rows.loc[rows["活動種別"] == "メール", "結果"].isna().all()
    partial = json.loads(out.stdout)["history"]["partial"]
    assert {k: partial["connects"][k] for k in ("counted", "missing")} == {"counted": ["reached"],
                                                                          "missing": ["replied"]}
    assert [line for line in out.stderr.splitlines() if "コネクト数" in line and "返信" in line]

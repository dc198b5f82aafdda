"""`kpi-xl report` on generated exports with known truth: stages no column feeds are "no
data" (blank with the reason, a warning line each, no rate or status), the connect-rate
heatmap, loss reasons, the weekly sheet and open deals aged from their last activity."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpi_xl.i18n import label
from tests.sfa.exports import VOCABS, flag_frame, make_calls, write_csv

PLAN = {"template": "call", "kgi": 30_000_000, "unit_price": 1_000_000, "fiscal_year": 2026, "fy_start": 4,
        "rates": {"受注率": "30%", "有効商談率": "80%", "商談獲得率": "20%", "有効架電率": "20%", "通電率": "40%"},
        "reps": 5}
CALLS = make_calls(per_rep=400)  # enough calls per weekday × hour to name a best and a worst slot


def run(tmp_path, *files, lang="en", extra=()):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", *map(str, files), "--plan", str(plan),
                          "--month", "2026-10", "-o", str(tmp_path / f"r-{lang}.xlsx"), "--json", "--lang", lang,
                          "--force", *extra], capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), out.stderr.splitlines(), tmp_path / f"r-{lang}.xlsx"


@pytest.fixture(scope="module")
def flagged(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flags")
    frame = flag_frame(CALLS, VOCABS["ja_01"])
    frame["失注理由"] = [c.reason for c in CALLS]
    return write_csv(frame, folder / "cti.csv", "cp932"), folder


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_stages_without_a_column_are_no_data_not_zero(flagged, lang):
    path, folder = flagged
    got, warnings, workbook = run(folder, path, lang=lang)
    # flags tell calls, reached, meetings, won and amounts; nothing tells conversations or qualified meetings
    assert set(got["no_data"]) == {"valid_calls", "valid_meetings", "win_rate", "valid_meeting_rate",
                                   "meeting_rate"}
    assert len(warnings) == 2  # one line per stage the plan tracks: 有効商談数, 有効架電数
    names = {"en": ("Qualified meetings", "Conversations"), "ja": ("有効商談数", "有効架電数")}[lang]
    assert all(any(n in w for w in warnings) for n in names)
    for metric in got["no_data"]:
        assert got["team"][metric]["actual"] is None and got["team"][metric]["status"] in ("none", "")
    october = [c for c in CALLS if c.month == "2026-10"]
    assert got["team"]["calls"]["actual"] == len(october)
    assert got["team"]["connects"]["actual"] == sum(c.reached for c in october)
    assert got["team"]["won"]["actual"] == sum(c.won for c in october)
    ws = load_workbook(workbook)[label("sheet_summary", lang)]
    rows = {ws.cell(r, 2).value: r for r in range(6, 20)}
    for metric in ("valid_calls", "valid_meetings"):
        r = rows[names[0] if metric == "valid_meetings" else names[1]]
        assert ws.cell(r, 3).value is None  # blank, never 0
        assert label("no_data_word", lang) in ws.cell(r, 11).value


def test_every_column_is_used_or_listed_as_ignored(flagged):
    path, folder = flagged
    got, _, workbook = run(folder, path)
    (file,) = got["files"]
    columns = {c["header"]: c for c in file["columns"]}
    assert len(columns) == 8 == len(pd.read_csv(path, encoding="cp932").columns)
    assert columns["メモ"] == {"column": 7, "header": "メモ", "use": "ignored", "reason": "unknown"}
    assert {h: c["as"] for h, c in columns.items() if c["use"] != "ignored"} == {
        "架電日時": "date", "担当者": "owner", "通電": "reached", "商談化": "meeting", "受注": "won",
        "受注金額": "amount", "失注理由": "loss_reason"}
    quality = load_workbook(workbook)[label("sheet_quality", "en")]
    listed = [row for row in quality.iter_rows(values_only=True) if row[1] == "cti.csv" and row[3] == "メモ"]
    assert listed and listed[0][4] == label("use_ignored", "en")


def test_loss_reasons_per_reason_and_rep(flagged):
    path, folder = flagged
    got, _, workbook = run(folder, path)
    fiscal = [c for c in CALLS if c.lost and c.when.date() >= date(2026, 4, 1) and c.month <= "2026-10"]
    month = Counter(c.reason for c in fiscal if c.month == "2026-10")
    ytd = Counter(c.reason for c in fiscal)
    table = {r["reason"]: r for r in got["losses"]["reasons"]}
    assert {k: v["ytd"] for k, v in table.items()} == dict(ytd)
    assert {k: v["month"] for k, v in table.items() if v["month"]} == dict(month)
    assert sum(v["ytd_share"] for v in table.values()) == pytest.approx(1)
    by_rep = Counter((c.rep.encode("cp932").decode("cp932"), c.reason) for c in fiscal)
    assert {(o, r): n for o, reasons in got["losses"]["by_rep"].items() for r, n in reasons.items()} == dict(by_rep)
    assert label("sheet_losses", "en") in load_workbook(workbook).sheetnames


def test_the_connect_rate_heatmap(flagged):
    path, folder = flagged
    got, _, workbook = run(folder, path)
    heat = got["heatmap"]
    assert heat["months"] == ["2026-08", "2026-09", "2026-10"]
    window = [c for c in CALLS if c.month in heat["months"]]
    slots = Counter((c.when.weekday(), c.when.hour) for c in window)
    reached = Counter((c.when.weekday(), c.when.hour) for c in window if c.reached)
    assert {(s["weekday"], s["hour"]): s["calls"] for s in heat["slots"]} == dict(slots)
    for s in heat["slots"]:
        assert s["rate"] == pytest.approx(reached[(s["weekday"], s["hour"])] / s["calls"])
    eligible = {k: reached[k] / n for k, n in slots.items() if n >= 20}
    assert len(eligible) >= 2
    assert heat["best"]["rate"] == pytest.approx(max(eligible.values()))
    assert heat["worst"]["rate"] == pytest.approx(min(eligible.values()))
    ws = load_workbook(workbook)[label("sheet_slots", "en")]
    (rule,) = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert rule.type == "colorScale"


def test_the_weekly_sheet_matches_the_calls(flagged):
    path, folder = flagged
    got, _, workbook = run(folder, path)
    weeks = {w["week"]: w for w in got["weeks"]}
    assert list(weeks) == ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]
    for key, week in weeks.items():
        iso = [c for c in CALLS if f"{c.when.isocalendar()[0]}-W{c.when.isocalendar()[1]:02d}" == key]
        assert week["calls"]["actual"] == len(iso)
        assert week["won"]["actual"] == sum(c.won for c in iso)
        assert week["calls"]["target"] > 0
    assert label("sheet_weeks", "en") in load_workbook(workbook).sheetnames


def test_open_deals_age_from_their_last_activity(tmp_path):
    deals = pd.DataFrame({"商談ID": ["D1", "D2", "D3", "D4"], "担当者": ["佐藤"] * 4,
                          "取引先": ["A社", "B社", "C社", "D社"], "商談ステータス": ["商談中"] * 4,
                          "商談開始日": ["2026-01-05", "2026-01-05", "2026-01-05", "2026-01-05"],
                          "最終活動日": ["2026-10-20", "", "", ""]})
    log = pd.DataFrame({"日付": ["2026-10-30", "2026-10-25", "2026-10-02"], "担当者": ["佐藤"] * 3,
                        "活動種別": ["架電"] * 3, "商談ID": ["D2", "", ""], "取引先": ["", "C社", "Z社"]})
    write_csv(deals, tmp_path / "deals.csv", "utf-8")
    write_csv(log, tmp_path / "log.csv", "utf-8")
    got, _, workbook = run(tmp_path, tmp_path / "deals.csv", tmp_path / "log.csv")
    aged = {d["deal"]: (d["days"], d["basis"]) for d in got["open_deals"]}
    assert aged == {"D1": (11, "last_activity"), "D2": (1, "deal_log"), "D3": (6, "account_log"),
                    "D4": (299, "start")}
    ws = load_workbook(workbook)[label("sheet_deals", "en")]
    shown = {ws.cell(r, 3).value: ws.cell(r, 9).value for r in range(5, 9)}
    assert shown["D4"] == label("basis_start", "en") and shown["D2"] == label("basis_deal_log", "en")


SDR_PLAN = {"template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000, "fiscal_year": 2026,
            "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"}, "reps": 2}


@pytest.mark.parametrize(("emails", "partial"), [
    (["", "", ""], {"counted": ["reached"], "missing": ["replied"]}),  # emails sent, replies untold
    (["返信", "", ""], None),  # the log tells replies: コネクト数 = 通電 + 返信, whole
    ([], None),  # no email sent: calls reached are all of it
])
def test_a_stage_fed_in_part_says_what_it_leaves_out(tmp_path, emails, partial):
    """コネクト数 is calls reached plus emails replied (000). A log of calls and emails whose
    emails carry no result counts the calls' connects only: the number stays, marked partial
    in the JSON, on stderr and beside it on the summary — not passed off as the whole."""
    calls = ["通電", "不在", "アポ獲得", "不在"]
    body = "日付,担当者,活動種別,結果\n" + "".join(f"2026-10-0{1 + i},佐藤,架電,{r}\n" for i, r in enumerate(calls)) + \
        "".join(f"2026-10-0{1 + i},佐藤,メール,{r}\n" for i, r in enumerate(emails))
    (tmp_path / "log.csv").write_text(body, encoding="utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(SDR_PLAN, ensure_ascii=False), encoding="utf-8")
    for lang, word in (("ja", "コネクト数"), ("en", "Connects")):
        out = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", str(tmp_path / "log.csv"),
                              "--plan", str(plan), "--month", "2026-10", "-o", str(tmp_path / f"{lang}.xlsx"),
                              "--json", "--lang", lang, "--asof", "2026-11-01"], capture_output=True, text=True,
                             encoding="utf-8")
        got = json.loads(out.stdout)
        assert got["team"]["connects"]["actual"] == 2 + emails.count("返信")  # 通電 and アポ獲得 reached someone
        lines = [w for w in out.stderr.splitlines() if word in w]
        ws = load_workbook(tmp_path / f"{lang}.xlsx")[label("sheet_summary", lang)]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == word)  # the KPI table's
        if partial is None:
            assert got["partial"] == {} and not lines and ws.cell(row, 11).value is None
            continue
        assert {k: got["partial"]["connects"][k] for k in partial} == partial and set(got["partial"]) == {"connects"}
        reply = {"ja": "返信", "en": "replied"}[lang]
        assert len(lines) == 1 and reply in lines[0] and ws.cell(row, 11).value == got["partial"]["connects"]["reason"]
        assert reply in ws.cell(row, 11).value and ws.cell(row, 3).value == 2


@pytest.mark.parametrize("reply", ["", "返信"])
def test_a_bottleneck_resting_on_a_partial_count_says_so(tmp_path, reply):
    """1 call reached of 10, and 10 emails: コネクト率 is the bottleneck (2/20 or 1/20 against
    15%). When no email's reply is told, its numerator is the calls' connects alone, and the
    summary says the rate may not be the real one; when one reply is, the count is whole."""
    body = "日付,担当者,活動種別,結果\n2026-10-01,佐藤,架電,通電\n" + "2026-10-02,佐藤,架電,不在\n" * 9 + \
        f"2026-10-03,佐藤,メール,{reply}\n" + "2026-10-03,佐藤,メール,\n" * 9
    (tmp_path / "log.csv").write_text(body, encoding="utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(SDR_PLAN, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", str(tmp_path / "log.csv"), "--plan",
                          str(plan), "--month", "2026-10", "-o", str(tmp_path / "r.xlsx"), "--json", "--asof",
                          "2026-11-01"], capture_output=True, text=True, encoding="utf-8")
    got = json.loads(out.stdout)
    assert got["bottleneck"] == "connect_rate" and got["team"]["connects"]["actual"] == (2 if reply else 1)
    ws = load_workbook(tmp_path / "r.xlsx")[label("sheet_summary", "ja")]
    at = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == label("bottleneck", "ja"))
    notes = [ws.cell(r, 3).value for r in range(at, at + 4) if str(ws.cell(r, 3).value or "").startswith("※")]
    assert notes == ([] if reply else ["※ コネクト率はコネクト数（一部のみ: 返信を含まない）から計算しています。"
                                       "実際の率と違う可能性があります"])

"""The quality stages the seeds measure, from exports: email engagement (SDR growth phase),
lead stages (The Model: リード → MQL → SQL → 商談 → 受注), BDR's accounts approached and
key-person connects, and a per-rep summary table. Expected counts are written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi_xl.engine.actuals import derive
from kpi_xl.engine.templates import get_template
from kpi_xl.sfa.ingest import ingest


def write(tmp_path: Path, body: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_email_engagement_gives_open_click_and_reply_rates(tmp_path):
    body = ("日付,担当者,活動種別,メール開封,クリック,返信\n"
            "2026-10-01,佐藤,メール,1,0,0\n"
            "2026-10-01,佐藤,メール,0,1,0\n"  # a click without the open pixel: it was opened
            "2026-10-01,佐藤,メール,1,1,1\n"
            "2026-10-02,佐藤,メール,0,0,0\n"
            "2026-10-02,佐藤,架電,0,0,0\n")
    path = write(tmp_path, body)
    sdr = ingest([path], get_template("sdr"))
    month = derive(get_template("sdr"), sdr.actuals.team_month("2026-10"))
    assert (month["emails_sent"], month["opens"], month["clicks"]) == (4, 3, 2)
    assert month["open_rate"] == pytest.approx(3 / 4) and month["click_rate"] == pytest.approx(2 / 4)
    email = ingest([path], get_template("email"))
    month = derive(get_template("email"), email.actuals.team_month("2026-10"))
    assert month["replies"] == 1 and month["reply_rate"] == pytest.approx(1 / 4)


def test_a_lead_list_gives_the_model_funnel(tmp_path):
    body = ("リードID,担当者,作成日,リードステータス,受注日,金額\n"
            "L1,佐藤,2026-10-01,新規,,\n"
            "L2,佐藤,2026-10-02,MQL,,\n"
            "L3,佐藤,2026-10-03,SQL,,\n"
            "L4,佐藤,2026-10-04,商談中,,\n"
            "L5,佐藤,2026-10-05,受注,2026-11-10,500000\n"
            "L6,佐藤,2026-10-06,対象外,,\n"
            "L7,鈴木,2026-10-07,MQL,,\n")
    model = get_template("the_model")
    data = ingest([write(tmp_path, body, "leads.csv")], model)
    october = data.actuals.team_month("2026-10")
    # each lead counts at every stage it passed: 7 leads, 5 MQLs (L2–L5, L7), 3 SQLs, 2 meetings
    assert (october["leads"], october["mqls"], october["sqls"], october["meetings"]) == (7, 5, 3, 2)
    november = data.actuals.team_month("2026-11")
    assert november["won"] == 1 and november["revenue"] == 500_000  # won in its close month
    rates = derive(model, october)
    assert rates["mql_rate"] == pytest.approx(5 / 7) and rates["sql_rate"] == pytest.approx(3 / 5)


def test_bdr_counts_distinct_accounts_and_key_person_connects(tmp_path):
    body = ("日付,担当者,取引先,活動種別,キーマン接続,商談化\n"
            "2026-10-01,佐藤,A社,架電,0,0\n"
            "2026-10-02,佐藤,A社,架電,1,0\n"
            "2026-10-03,佐藤,B社,メール,0,0\n"
            "2026-10-03,佐藤,C社,架電,1,1\n"
            "2026-10-04,鈴木,A社,架電,0,0\n"
            "2026-11-01,佐藤,A社,架電,0,0\n")
    data = ingest([write(tmp_path, body)], get_template("bdr"))
    sato = data.actuals.rep_month("佐藤", "2026-10")
    assert sato["accounts_approached"] == 3 and sato["keyman_connects"] == 2 and sato["meetings"] == 1
    assert data.actuals.rep_month("鈴木", "2026-10")["accounts_approached"] == 1
    assert data.actuals.rep_month("佐藤", "2026-11")["accounts_approached"] == 1
    assert data.actuals.team_month("2026-10")["calls"] == 4


def test_a_summary_with_flag_like_headers_is_read_as_counts(tmp_path):
    body = ("担当者,月,架電,通電,商談化,受注\n"
            "佐藤,2026-10,300,45,6,1\n"
            "鈴木,2026-10,250,30,4,0\n")
    data = ingest([write(tmp_path, body)], get_template("call"))
    assert data.sources[0].header.shape == "summary"
    assert data.actuals.rep_month("佐藤", "2026-10") == {"calls": 300, "connects": 45, "meetings": 6, "won": 1}

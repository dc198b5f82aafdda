"""Every kind of dirt an SFA export carries: found, counted, listed by row, nothing lost."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.engine.templates import get_template
from kpi_xl.errors import DataError
from kpi_xl.sfa.ingest import ingest

SDR = get_template("sdr")
HEADER = "活動ID,日付,担当者,活動種別,結果,件数,金額\n"


def write(tmp_path: Path, body: str, name: str = "log.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding=encoding)
    return path


def findings(data) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for f in data.findings:
        out[f.rule.value] = sorted([*out.get(f.rule.value, []), *f.rows])
    return out


def test_dirty_activity_log(tmp_path):
    rows = [
        "A1,2026-10-01,佐藤 健,架電,通電,1,",  # 2 clean
        "A2,2026/10/01,佐藤 健,架電,不在,１,",  # 3 text date, full-width count
        "A3,2026年10月2日,鈴木 美咲,架電,アポ獲得,1,",  # 4 text date
        "A4,46296,鈴木 美咲,メール,,1,",  # 5 Excel serial (2026-10-02)
        ",,,,,,",  # 6 blank
        "A5,2026-10-02,,架電,通電,1,",  # 7 no owner
        "A6,,佐藤 健,架電,通電,1,",  # 8 no date
        "A7,2026-13-45,佐藤 健,架電,通電,1,",  # 9 impossible date
        "A8,2026-10-03,佐藤 健,FAX,,1,",  # 10 unknown type
        "A1,2026-10-01,佐藤 健,架電,通電,1,",  # 11 the same record twice
        "A9,2026-10-03,佐藤　健,架電,受注,1,\"¥1,200,000\"",  # 12 full-width space name; ¥ amount
        "A10,2026-10-03,佐藤 健,架電,受注,1,\"(1,234)\"",  # 13 negative in parentheses
        "A11,2026-10-03,佐藤 健,架電,通電,1,▲500",  # 14 ▲ negative
        "A12,2026-10-03,佐藤 健,架電,通電,abc,",  # 15 unreadable count
        "合計,,,,,,",  # 16 total row
    ]
    path = write(tmp_path, HEADER + "\n".join(rows) + "\n")
    data = ingest([path], SDR)
    found = findings(data)
    assert found["date_text"] == [3, 4]
    assert found["date_serial"] == [5]
    assert found["blank_row"] == [6]
    assert found["missing_owner"] == [7]
    assert found["missing_date"] == [8]
    assert found["bad_date"] == [9]
    assert found["unknown_type"] == [10]
    assert found["duplicate_row"] == [11]
    assert found["name_variant"] == [12]
    assert found["number_text"] == [3, 12, 13, 14]
    assert found["bad_number"] == [15]
    assert found["total_row"] == [16]
    source = data.sources[0].cleaned
    assert source.read == 15 and source.used + source.excluded == source.read
    excluded_rows = sorted(r for f in data.findings if f.excludes for r in f.rows)
    assert len(excluded_rows) == len(set(excluded_rows)) == source.excluded  # one reason per row
    month = data.actuals.team_month("2026-10")
    assert month["calls"] == 6  # rows 2, 3, 4, 12, 13, 14
    assert month["emails_sent"] == 1
    assert month["connects"] == 5 and month["meetings"] == 3 and month["won"] == 2  # results imply earlier ones
    assert month["revenue"] == 1_200_000 - 1_234


def test_encodings_are_detected_and_reported(tmp_path):
    body = HEADER + "A1,2026-10-01,佐藤 健,架電,通電,1,\n"
    for encoding, expected in (("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932")):
        data = ingest([write(tmp_path, body, f"log-{encoding}.csv", encoding)], SDR)
        assert data.sources[0].raw.encoding == expected
        assert data.actuals.owners == ["佐藤 健"]


def test_two_row_headers_and_english_headers(tmp_path):
    body = "活動,,,\n日付,担当者,活動種別,結果\n2026-10-01,佐藤,架電,通電\n"
    data = ingest([write(tmp_path, body)], SDR)
    assert data.sources[0].header.rows == 2 and data.sources[0].cleaned.read == 1
    body = "Date,Sales Agent,Activity Type,Outcome\n2026-10-01,Sato,Call,Connected\n2026-10-01,Sato,Email,\n"
    data = ingest([write(tmp_path, body, "en.csv")], SDR)
    # only "Connected" occurs among the outcomes: meetings and wins are no data, not 0
    assert data.actuals.team_month("2026-10") == {"calls": 1.0, "emails_sent": 1.0, "connects": 1.0,
                                                  "call_connects": 1.0}


def test_missing_columns_say_what_was_expected_and_found(tmp_path):
    path = write(tmp_path, "when,who\n2026-10-01,Sato\n")
    with pytest.raises(DataError) as info:
        ingest([path], SDR)
    text = info.value.message("en")
    assert "owner" in text and "担当者" in text and "when, who" in text and "--mapping" in text


def test_a_mapping_file_maps_odd_headers(tmp_path):
    path = write(tmp_path, "when,who,what\n2026-10-01,Sato,ring\n")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {date: when, owner: who, type: what}\ntypes: {calls: [ring]}\n", encoding="utf-8")
    data = ingest([path], SDR, mapping)
    assert data.actuals.team_month("2026-10")["calls"] == 1
    mapping.write_text("columns: {date: when, owner: whom}\n", encoding="utf-8")
    with pytest.raises(DataError, match="whom"):
        ingest([path], SDR, mapping)
    mapping.write_text("colour: red\n", encoding="utf-8")
    with pytest.raises(DataError, match="colour"):
        ingest([path], SDR, mapping)


def test_month_names_and_days_with_a_mapped_year(tmp_path):
    """A log of month names and day numbers (the UCI bank log's form) with a mapped year: a day
    typed in full-width digits or as 15.0 is that day, a month may be a number; a day that is
    none (1.5, 0, 31 in February, inf) or an unknown month is an unreadable date, never a crash
    or a neighbouring day; a blank month is a missing date."""
    rows = [("A", "oct", "1"), ("A", "Oct", "１５"), ("B", "OCT", " 31 "), ("B", "10", "20.0"), ("C", "１１", "2"),
            ("C", "oct", "1.5"), ("C", "oct", "0"), ("C", "feb", "31"), ("C", "oct", "inf"), ("C", "13", "1"),
            ("C", "xyz", "1"), ("C", "", "3")]
    path = write(tmp_path, "who,month,day,what\n" + "".join(f"{w},{m},{d},call\n" for w, m, d in rows))
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {owner: who, month: month, day: day, type: what}\ntypes: {calls: [call]}\n"
                       "year: 2008\n", encoding="utf-8")
    data = ingest([path], SDR, mapping, today=date(2026, 1, 1))
    assert data.actuals.team_month("2008-10")["calls"] == 4 and data.actuals.team_month("2008-11")["calls"] == 1
    assert sorted(str(d.date()) for d in data.sources[0].cleaned.dates()) == [
        "2008-10-01", "2008-10-15", "2008-10-20", "2008-10-31", "2008-11-02"]
    assert findings(data) == {"bad_date": [7, 8, 9, 10, 11, 12], "missing_date": [13]}  # lines (the header: 1)


def test_xlsx_and_parquet(tmp_path):
    frame = pd.DataFrame({"日付": pd.to_datetime(["2026-10-01", "2026-10-02"]), "担当者": ["佐藤", "鈴木"],
                          "活動種別": ["架電", "架電"], "結果": ["通電", "不在"]})
    frame.to_excel(tmp_path / "log.xlsx", index=False)
    frame.to_parquet(tmp_path / "log.parquet")
    for name, reader in (("log.xlsx", "calamine"), ("log.parquet", "pyarrow")):
        data = ingest([tmp_path / name], SDR)
        assert data.sources[0].raw.engine == reader
        assert data.actuals.team_month("2026-10")["calls"] == 2


def test_unsupported_unreadable_and_zip_bombs(tmp_path):
    with pytest.raises(DataError, match="not supported"):
        ingest([write(tmp_path, "x", "log.pdf")], SDR)
    with pytest.raises(DataError, match="no such file"):
        ingest([tmp_path / "missing.csv"], SDR)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 << 20))
    from kpi_xl.errors import WorkbookError

    with pytest.raises(WorkbookError, match="expands"):
        ingest([bomb], SDR)
    with pytest.raises(DataError, match="no usable rows"):
        ingest([write(tmp_path, "日付,担当者,活動種別\n,,\n", "empty.csv")], SDR)


def test_deals_stages_backwards_and_duplicate_ids(tmp_path):
    body = ("商談ID,担当者,商談ステータス,商談開始日,受注日,金額\n"
            "D1,佐藤,受注,2026-09-01,2026-10-05,1000000\n"
            "D1,佐藤,商談中,2026-10-10,,\n"  # a later snapshot: stage went back
            "D2,佐藤,失注,2026-09-03,2026-10-06,0\n"
            "D3,佐藤,見込み,,,\n")
    data = ingest([write(tmp_path, body, "deals.csv")], SDR)
    found = findings(data)
    assert found["stage_backwards"] == [3]
    assert found["duplicate_id"] == [2]  # the older snapshot; the latest is used
    month = data.actuals.team_month("2026-10")
    assert month.get("won", 0) == 0 and month["lost"] == 1
    september = data.actuals.team_month("2026-09")
    assert september["meetings"] == 1  # D2 engaged in September (D1's latest snapshot: October)


def test_per_rep_summary_tables(tmp_path):
    body = ("担当者,年月,架電数,コネクト数,商談化数,受注数,売上,商談化率\n"
            '佐藤,2026/10,"1,200",１８０,20,4,"¥4,000,000",11%\n'
            "鈴木,2026年10月,900,120,15,3,3000000,12.5%\n"
            "佐藤,2026-09,1000,150,18,3,3000000,12%\n"
            "合計,,3100,450,53,10,10000000,\n")
    data = ingest([write(tmp_path, body, "summary.csv")], SDR)
    source = data.sources[0]
    assert source.header.shape == "summary"
    assert data.actuals.rep_month("佐藤", "2026-10") == {"calls": 1200, "connects": 180, "meetings": 20, "won": 4,
                                                         "revenue": 4_000_000}
    found = findings(data)
    assert found["total_row"] == [5] and found["number_text"] == [2, 2, 2]
    assert any(f.rule == "rate_recomputed" and f.detail == "商談化率" for f in data.findings)
    assert source.cleaned.read == 4 == source.cleaned.used + source.cleaned.excluded


def test_impossible_funnels_are_reported(tmp_path):
    body = ("担当者,年月,架電数,コネクト数,商談化数\n"
            "佐藤,2026-10,100,150,20\n"  # more connects than calls
            "鈴木,2026-10,100,10,5\n")
    data = ingest([write(tmp_path, body, "summary.csv")], SDR)
    (finding,) = [f for f in data.findings if f.rule == "impossible_funnel"]
    assert "佐藤 2026-10: connects 150 > approaches 100" in finding.detail
    assert "鈴木" not in finding.detail


def test_meetings_set_by_email_outnumber_connects_that_count_no_reply(tmp_path):
    """A rep who only emails, two emails setting meetings and no column saying whether any was
    answered: コネクト数 counts calls reached only (0 here), so 2 meetings > 0 connects is what
    the log's gaps make, not an impossible funnel — the stage is partial instead."""
    from kpi_xl.engine.actuals import partly_observed

    body = HEADER + "A1,2026-10-01,佐藤,架電,通電,1,\nA2,2026-10-01,鈴木,メール,アポ獲得,1,\n" \
        "A3,2026-10-02,鈴木,メール,アポ獲得,1,\nA4,2026-10-02,鈴木,メール,,1,\n"
    data = ingest([write(tmp_path, body)], SDR, today=date(2026, 11, 1))
    assert data.actuals.team_month("2026-10")["meetings"] == 2 and data.actuals.team_month("2026-10")["connects"] == 1
    assert not [f for f in data.findings if f.rule == "impossible_funnel"]
    assert set(partly_observed(SDR, data.actuals.sourced, data.actuals.by_month.sum().to_dict())) == {"connects"}


@pytest.mark.parametrize("total_row", [
    ",2026-10-31,,合計,,5,",  # 合計 under the activity type, no owner
    ",,,,Total,5,",  # an English total in the result column
    "合計,,,,,5,",  # in the first column
])
def test_a_total_row_is_a_total_not_a_missing_owner(tmp_path, total_row):
    body = HEADER + "A1,2026-10-01,佐藤 健,架電,通電,2,\nA2,2026-10-02,,架電,通電,1,\n" + total_row + "\n"
    got = findings(ingest([write(tmp_path, body)], SDR))
    assert got["total_row"] == [4] and got["missing_owner"] == [3]


def test_a_formula_owner_is_excluded_and_named(tmp_path):
    body = HEADER + 'A1,2026-10-01,佐藤 健,架電,通電,2,\nA2,2026-10-02,"=HYPERLINK(""http://x"",""y"")",架電,通電,1,\n'
    data = ingest([write(tmp_path, body)], SDR)
    assert findings(data)["formula_owner"] == [3]
    assert data.actuals.team_month("2026-10")["calls"] == 2  # the formula row's call is not counted


@given(codes=st.lists(st.integers(-1, 6), max_size=60), live=st.lists(st.booleans(), min_size=60, max_size=60))
def test_an_ids_last_live_row_is_kept_as_pandas_keeps_it(codes, live):
    """The repeated-ID rule (all but an ID's last row left out, rows already excluded not
    counted) equals pandas' ``duplicated(keep="last")`` over the live rows with an ID."""
    import numpy as np

    from kpi_xl.sfa.cleaning import _not_last

    found = np.array(codes, dtype=np.int64)
    alive = np.array(live[:len(codes)], dtype=bool) & (found >= 0)
    series = pd.Series(found)
    want = series[alive].duplicated(keep="last").reindex(series.index, fill_value=False).to_numpy(dtype=bool)
    assert _not_last(found, alive).tolist() == want.tolist()


def test_a_salesforce_footer_is_note_lines_not_missing_owners(tmp_path):
    """Salesforce's report export ends with blank lines, then its name, copyright, a
    confidentiality line and who generated it: one cell each, no owner."""
    body = ('"活動ID","日付","担当者","活動種別","結果"\n"A1","2026/10/01","佐藤","架電","通電"\n'
            '"A2","2026/10/02","","架電","不在"\n"A3","2026/10/02","鈴木","架電","不在"\n""\n""\n"活動レポート"\n'
            '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'
            '"Confidential Information - Do Not Distribute"\n"Generated By:  山田 太郎  2026/10/31 18:00"\n')
    data = ingest([write(tmp_path, body)], SDR)
    found = findings(data)
    assert found["blank_row"] == [5, 6] and found["note_line"] == [7, 8, 9, 10]
    assert found["missing_owner"] == [3]  # a real row without its owner is still named so
    assert data.sources[0].cleaned.used == 2


def test_a_salesforce_opportunity_report_in_japanese(tmp_path):
    """Salesforce's standard 商談 report as a Japanese org exports it: 商談 所有者, its default
    stages in English, 完了予定日 (the close date once won or lost), 作成日 the engage date."""
    body = ("商談 所有者,取引先名,商談名,フェーズ,金額,完了予定日,作成日,確度 (%)\n"
            '佐藤 健,A社,A社案件,Closed Won,"1,200,000",2026/10/15,2026/09/01,100\n'
            '佐藤 健,B社,B社案件,Negotiation/Review,"800,000",2026/11/30,2026/10/05,60\n'
            '鈴木 美咲,C社,C社案件,Closed Lost,"500,000",2026/10/20,2026/08/20,0\n'
            "鈴木 美咲,D社,D社案件,Prospecting,,2026/12/31,2026/10/10,10\n")
    data = ingest([write(tmp_path, body, "opportunities.csv")], SDR)
    month = data.actuals.by_month
    assert month.loc[("佐藤 健", "2026-10"), ["won", "revenue", "meetings"]].tolist() == [1, 1_200_000, 1]
    assert month.loc[("佐藤 健", "2026-09"), "meetings"] == 1 and month.loc[("鈴木 美咲", "2026-08"), "meetings"] == 1
    assert month["won"].sum() == 1 and month["meetings"].sum() == 3  # the prospect is no meeting yet
    assert month.loc[("鈴木 美咲", "2026-10"), "lost"] == 1
    texts = sorted(str(f.detail) for f in data.findings if f.rule.value == "date_text")
    assert texts == ["作成日", "完了予定日"]  # each converted column named


def test_a_task_not_done_yet_is_not_an_activity(tmp_path):
    """Salesforce's ToDo report (状況) lists tasks still to do beside those done: a call 未着手
    was planned, not made. A status it does not know is noted and the row counted; a mapping's
    ``statuses`` says what such a word means."""
    body = ("割り当て先,件名,期日,状況,種別,活動 ID\n"
            "佐藤 健,A社へ架電,2026/10/01,完了,電話,00T1\n"
            "佐藤 健,B社へ架電,2026/10/02,完了,電話,00T2\n"
            "佐藤 健,C社へ架電,2026/10/30,未着手,電話,00T3\n"
            "佐藤 健,D社へ架電,2026/10/05,保留,電話,00T4\n"
            "佐藤 健,E社へ架電,2026/10/06,,電話,00T5\n"
            "鈴木 美咲,F社へメール,2026/10/03,Completed,メール,00T6\n")
    path = write(tmp_path, body, "tasks.csv")
    data = ingest([path], SDR)
    assert data.actuals.by_month.loc[("佐藤 健", "2026-10"), "calls"] == 4  # done, done, 保留 (kept), blank
    assert data.actuals.by_month.loc[("鈴木 美咲", "2026-10"), "emails_sent"] == 1
    found = findings(data)
    assert found["not_done"] == [4] and found["unknown_status"] == [5]
    details = {f.rule.value: str(f.detail) for f in data.findings}
    assert details["not_done"] == "未着手" and details["unknown_status"] == "保留"  # each names its own values
    mapping = write(tmp_path, "statuses:\n  open: [未着手, 保留]\n", "m.yaml")
    held = ingest([path], SDR, mapping)
    assert held.actuals.by_month.loc[("佐藤 健", "2026-10"), "calls"] == 3 and findings(held)["not_done"] == [4, 5]


def test_a_meeting_that_did_not_take_place_is_not_a_meeting(tmp_path):
    """HubSpot's meeting log says each meeting's outcome: one canceled, not attended or moved
    was never held (cancelled), one still scheduled not yet (not_done); only the completed one
    is a meeting. Before, all five counted and the outcome column was ignored."""
    body = ("Record ID,Activity date,Activity assigned to,Activity type,Meeting outcome\n"
            "1,2026-10-01 10:00,Jane Doe,Meeting,Completed\n2,2026-10-02 10:00,Jane Doe,Meeting,Canceled\n"
            "3,2026-10-03 10:00,Jane Doe,Meeting,No show\n4,2026-10-05 10:00,Jane Doe,Meeting,Scheduled\n"
            "5,2026-10-06 10:00,Jane Doe,Meeting,Rescheduled\n6,2026-10-07 10:00,Jane Doe,Call,\n")
    data = ingest([write(tmp_path, body)], SDR, today=date(2026, 10, 31))
    assert findings(data)["cancelled"] == [3, 4, 6] and findings(data)["not_done"] == [5]
    assert {f.rule.value: str(f.detail) for f in data.findings}["cancelled"] == "Canceled, No show, Rescheduled"
    month = data.actuals.team_month("2026-10")
    assert (month["meetings"], month["calls"]) == (1, 1)  # a blank outcome (the call's row) says nothing
    mapping = write(tmp_path, "statuses:\n  cancelled: [Canceled]\n  done: [No show, Rescheduled]\n", "m.yaml")
    assert ingest([write(tmp_path, body)], SDR, mapping, today=date(2026, 10, 31)).actuals.team_month(
        "2026-10")["meetings"] == 3


def test_an_activity_dated_after_today_is_planned_not_done(tmp_path):
    """A log without a status column still lists next week's scheduled calls: dated after
    today (in the team's time zone), they are left out as future_date, naming that today.
    A deal's close date in the future is its expected close, and stays."""
    body = ("活動ID,日付,担当者,活動種別,結果\n"
            "A1,2026-10-15,佐藤,架電,通電\n"  # today: done
            "A2,2026-10-15T14:59:00Z,佐藤,架電,通電\n"  # 23:59 in Tokyo, still today
            "A3,2026-10-15T15:00:00Z,佐藤,架電,通電\n"  # 00:00 on the 16th in Tokyo: not yet
            "A4,2026-10-16,佐藤,架電,通電\n"
            "A5,2026-11-02,鈴木,架電,アポ獲得\n")
    deals = write(tmp_path, "商談ID,担当者,フェーズ,商談開始日,完了予定日\nD1,佐藤,提案,2026-10-01,2026-12-20\n",
                  "deals.csv")
    data = ingest([write(tmp_path, body), deals], SDR, today=date(2026, 10, 15))
    assert findings(data)["future_date"] == [4, 5, 6]
    assert {str(f.detail) for f in data.findings if f.rule.value == "future_date"} == {"2026-10-15"}
    assert data.actuals.team_month("2026-10")["calls"] == 2
    assert "2026-11" not in set(data.actuals.months)  # the default report month is not next month's plan
    assert data.actuals.team_month("2026-10")["meetings"] == 1  # the deal engaged in October, closing in December
    utc = write(tmp_path, "timezone: UTC\n", "m.yaml")
    in_utc = ingest([write(tmp_path, body)], SDR, utc, today=date(2026, 10, 15))
    assert findings(in_utc)["future_date"] == [5, 6] and in_utc.actuals.team_month("2026-10")["calls"] == 3


@pytest.mark.parametrize(("header", "cells", "yen", "note"), [
    ("金額（千円）", ['"1,200"', "800"], 2_000_000, "金額（千円）: ×1,000"),  # a deal list in thousands of yen
    ("受注金額(万円)", ["120", "80万円"], 2_000_000, "受注金額(万円): ×10,000"),  # a cell's own unit is read as it says
    ("金額(円)", ["1200000", "800000"], 2_000_000, None),
    ("金額（税抜）", ["1200000", "800000"], 2_000_000, None),  # a note that is no unit
])
def test_an_amount_headers_unit_is_applied(tmp_path, header, cells, yen, note):
    """Japanese exports name the unit in the header (金額（千円）): once such a column was not
    even recognised, and revenue was 'no data'."""
    body = f"商談ID,担当者,ステータス,受注日,{header},作成日\n" + "".join(
        f"{i},佐藤,受注,2026-10-2{i},{cell},2026-09-01\n" for i, cell in enumerate(cells, start=1))
    data = ingest([write(tmp_path, body, "deals.csv")], SDR)
    assert data.actuals.by_month.loc[("佐藤", "2026-10"), "revenue"] == yen
    assert [str(f.detail) for f in data.findings if f.rule.value == "amount_unit"] == ([note] if note else [])


def test_a_summary_tables_revenue_in_thousands(tmp_path):
    body = "担当者,年月,架電数,受注数,売上(千円)\n佐藤,2026-10,100,2,1500\n鈴木,2026-10,80,1,700\n"
    data = ingest([write(tmp_path, body, "summary.csv")], SDR)
    assert data.actuals.by_month["revenue"].sum() == 2_200_000 and data.actuals.by_month["won"].sum() == 3

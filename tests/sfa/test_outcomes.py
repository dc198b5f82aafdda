"""Outcome columns in the shapes real exports use — flag columns in several vocabularies,
a result column, a call duration, typed XLSX and Parquet — counted exactly against the
truth the generator wrote, every column used or listed as ignored."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi_xl.engine.templates import get_template
from kpi_xl.sfa.header import Use
from kpi_xl.sfa.ingest import ingest
from tests.sfa.exports import VOCABS, flag_frame, make_calls, result_word, truth, write_csv

CALL = get_template("call")
CALLS = make_calls()
TRUTH = truth(CALLS)


def as_read(name: str, encoding: str) -> str:
    """A name as a program reading the bytes sees it: cp932 reads the bytes of − (U+2212) as
    － (U+FF0D), which writes back to the same bytes."""
    return name.encode(encoding).decode(encoding)


def check(data, expected: dict[str, str], encoding: str = "utf-8") -> int:
    """Every rep-month of the truth, metric by metric (metric → truth key); the number checked."""
    checked = 0
    for (rep, month), counts in TRUTH.items():
        got = data.actuals.rep_month(as_read(rep, encoding), month)
        for metric, key in expected.items():
            assert got[metric] == counts[key], (rep, month, metric)
            checked += 1
    assert set(data.actuals.owners) == {as_read(rep, encoding) for rep, _ in TRUTH}
    return checked


FLAGGED = {"calls": "calls", "connects": "reached", "meetings": "meeting", "won": "won", "revenue": "amount"}


@pytest.mark.parametrize("vocab", sorted(VOCABS))
@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_flag_columns_in_every_vocabulary_and_encoding(tmp_path, vocab, encoding):
    path = write_csv(flag_frame(CALLS, VOCABS[vocab]), tmp_path / "cti.csv", encoding)
    data = ingest([path], CALL)
    assert check(data, FLAGGED, encoding) == len(TRUTH) * len(FLAGGED)
    source = data.sources[0]
    assert source.raw.encoding == encoding
    uses = {c.header: (c.use, c.name) for c in source.header.columns}
    v = VOCABS[vocab]
    assert uses[v.reached] == (Use.FLAG, "reached") and uses[v.meeting] == (Use.FLAG, "meeting")
    assert uses[v.won] == (Use.FLAG, "won") and uses["受注金額"] == (Use.FIELD, "amount")
    assert uses["メモ"] == (Use.IGNORED, "unknown")  # listed, never silently dropped
    assert len(source.header.columns) == 7
    assert "valid_calls" not in data.actuals.by_month  # no duration, no conversation flag: no data


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_typed_flags_in_xlsx_and_parquet(tmp_path, suffix):
    frame = flag_frame(CALLS, VOCABS["en_bool"], typed=True)
    path = tmp_path / f"cti.{suffix}"
    frame.to_excel(path, index=False) if suffix == "xlsx" else frame.to_parquet(path)
    data = ingest([path], CALL)
    assert check(data, FLAGGED) > 0


def test_a_result_column_and_a_call_duration(tmp_path):
    frame = pd.DataFrame({"日時": [f"{c.when:%Y-%m-%d %H:%M:%S}" for c in CALLS], "担当者": [c.rep for c in CALLS],
                          "通話結果": [result_word(c) for c in CALLS],
                          "金額": [c.amount or "" for c in CALLS]})
    data = ingest([write_csv(frame, tmp_path / "log.csv", "cp932")], CALL)
    check(data, {**FLAGGED, "valid_calls": "conversation"}, "cp932")
    seconds = pd.DataFrame({"日時": [c.when for c in CALLS], "担当者": [c.rep for c in CALLS],
                            "通話時間": [f"{c.seconds // 3600}:{c.seconds // 60 % 60:02d}:{c.seconds % 60:02d}"
                                     for c in CALLS]})
    data = ingest([write_csv(seconds, tmp_path / "cti.csv", "utf-8")], CALL)
    check(data, {"calls": "calls", "connects": "reached", "valid_calls": "conversation"})
    assert {"meetings", "won"}.isdisjoint(data.actuals.by_month.columns)  # nothing says meeting or won


def test_duration_threshold_is_configurable(tmp_path):
    frame = pd.DataFrame({"日時": [c.when for c in CALLS], "担当者": [c.rep for c in CALLS],
                          "通話秒数": [c.seconds for c in CALLS]})
    mapping = tmp_path / "map.yaml"
    mapping.write_text("conversation_seconds: 300\n", encoding="utf-8")
    data = ingest([write_csv(frame, tmp_path / "cti.csv", "utf-8")], CALL, mapping)
    for (rep, month), _ in TRUTH.items():
        expected = sum(1 for c in CALLS if c.rep == rep and c.month == month and c.seconds >= 300)
        assert data.actuals.rep_month(rep, month)["valid_calls"] == expected


def test_flag_values_outside_the_vocabulary_are_reported_and_count_as_no(tmp_path):
    body = "日付,担当者,通電,受注\n2026-10-01,佐藤,1,0\n2026-10-01,佐藤,maybe,0\n2026-10-01,佐藤,,2\n"
    path = tmp_path / "log.csv"
    path.write_text(body, encoding="utf-8")
    data = ingest([path], CALL)
    (finding,) = [f for f in data.findings if f.rule == "unknown_flag" and f.detail.startswith("通電")]
    assert finding.rows == [3] and "maybe" in finding.detail
    assert [f.rows for f in data.findings if f.rule == "unknown_flag" and f.detail.startswith("受注")] == [[4]]
    month = data.actuals.team_month("2026-10")
    assert month["calls"] == 3 and month["connects"] == 1 and month["won"] == 0


def test_a_mapping_names_flag_columns_and_values(tmp_path):
    body = "日付,担当者,つながった,決まった\n2026-10-01,佐藤,はい!,はい!\n2026-10-02,佐藤,いや,いや\n"
    path = tmp_path / "log.csv"
    path.write_text(body, encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("flags: {reached: つながった, won: 決まった}\nflag_values: {yes: ['はい!'], no: [いや]}\n",
                       encoding="utf-8")
    data = ingest([path], CALL, mapping)
    month = data.actuals.team_month("2026-10")
    assert (month["calls"], month["connects"], month["won"]) == (2, 1, 1)


def test_outcomes_imply_only_stages_the_file_can_tell(tmp_path):
    # 受注 implies 商談化 and 通電 on the same call — but no conversation: nothing in the file speaks of it
    body = "日付,担当者,通電,商談化,受注\n2026-10-01,佐藤,0,0,1\n2026-10-01,佐藤,0,1,0\n2026-10-01,佐藤,1,0,0\n"
    path = tmp_path / "log.csv"
    path.write_text(body, encoding="utf-8")
    data = ingest([path], CALL)
    month = data.actuals.team_month("2026-10")
    assert (month["calls"], month["connects"], month["meetings"], month["won"]) == (3, 3, 2, 1)
    assert "valid_calls" not in month


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_per_rep_summary_of_the_same_calls(tmp_path, suffix):
    """The month's counts typed per rep, as a manager's summary sheet holds them."""
    frame = pd.DataFrame([{"担当者": rep, "年月": month.replace("-", "/"), "架電数": c["calls"], "通電": c["reached"],
                           "商談化": c["meeting"], "受注数": c["won"], "売上": c["amount"], "備考": "",
                           "通電率": f"{c['reached'] / c['calls']:.0%}"} for (rep, month), c in TRUTH.items()])
    path = tmp_path / f"summary.{suffix}"
    write_csv(frame, path, "utf-8") if suffix == "csv" else frame.to_excel(path, index=False)
    data = ingest([path], CALL)
    assert data.sources[0].header.shape == "summary"
    check(data, FLAGGED)
    uses = {c.header: (c.use, c.name) for c in data.sources[0].header.columns}
    assert uses["通電"] == (Use.METRIC, "connects")  # the call funnel's 通電数 is also called 通電
    assert uses["商談化"] == (Use.COUNT, "meeting") and uses["通電率"] == (Use.RATE, "connect_rate")
    assert uses["備考"] == (Use.IGNORED, "unknown")


@pytest.mark.parametrize(("result", "seconds", "reached", "conversation"), [
    ("留守電", 30, 0, 0),  # a voicemail took the call: 30 s, but nobody was reached
    ("不在", 150, 0, 0),
    ("Left voicemail", 45, 0, 0),
    ("", 30, 1, 0),  # no result: the duration alone says (003: 通電 = ≥ 1 s)
    ("", 150, 1, 1),  # ≥ 2 min: a conversation too
    ("通電", 0, 1, 0),  # the result says reached, whatever the duration
    ("会話", 150, 1, 1),
])
def test_a_result_saying_nothing_happened_outweighs_the_duration(tmp_path, result, seconds, reached, conversation):
    path = tmp_path / "calls.csv"
    path.write_text(f"日付,担当者,活動種別,通話結果,通話時間（秒）\n2026-10-01,佐藤,架電,{result},{seconds}\n"
                    "2026-10-01,佐藤,架電,通電,5\n", encoding="utf-8")
    got = ingest([path], CALL).actuals.rep_month("佐藤", "2026-10")
    assert (got["calls"], got["connects"] - 1) == (2, reached)  # the second call: reached, no conversation
    assert got["valid_calls"] == conversation  # 有効架電数


# Each CRM's call export as it comes (its headers, outcomes and directions); the truth is read
# off the rows by hand: (owner, calls, connects, conversations), the headers' uses, the findings.
CRM_CALLS = {
    # HubSpot: a live message left with a person reached someone, a voicemail did not; 3:10 is
    # over two minutes (a conversation)
    "hubspot": ("Record ID,Activity date,Activity assigned to,Activity type,Call outcome,Call duration (HH:mm:ss)\n"
                "1,2026-10-01 09:15,Jane Doe,Call,Connected,00:03:10\n"
                "2,2026-10-01 09:20,Jane Doe,Call,No answer,00:00:00\n"
                "3,2026-10-01 10:00,Jane Doe,Call,Left voicemail,00:00:30\n"
                "4,2026-10-02 10:00,Jane Doe,Call,Left live message,00:00:50\n"
                "5,2026-10-02 11:00,Jane Doe,Call,Busy,\n",
                ("Jane Doe", 5, 2, 1), {"Activity assigned to": "owner", "Call outcome": "result"}, {}),
    # Zoho CRM's Calls: an outbound call is a call made, an inbound or missed one no approach (left
    # out as an unknown type); a result it does not know is noted, the call counted by its duration
    # (125 s: reached, a conversation). Once refused: no owner column.
    "zoho": ("Call Owner,Subject,Call Type,Call Start Time,Call Duration (in seconds),Call Result\n"
             "Sato,Intro,Outbound,2026-10-01 10:00:00,125,Interested\n"
             "Sato,Intro,Outbound,2026-10-01 10:05:00,0,No Answer\n"
             "Sato,Intro,Inbound,2026-10-02 11:00:00,300,Requested more info\n"
             "Sato,Intro,Missed,2026-10-02 11:30:00,0,\n",
             ("Sato", 2, 1, 1), {"Call Owner": "owner", "Call Type": "type", "Call Result": "result"},
             {"unknown_type": ([4, 5], "Inbound, Missed"),
              "unknown_result": ([2, 4], "Interested, Requested more info")}),
}


@pytest.mark.parametrize("crm", CRM_CALLS)
def test_a_crms_call_export(tmp_path, crm):
    body, (owner, calls, connects, conversations), uses, findings = CRM_CALLS[crm]
    path = tmp_path / "calls.csv"
    path.write_text(body, encoding="utf-8")
    data = ingest([path], CALL)
    got = data.actuals.rep_month(owner, "2026-10")
    assert (got["calls"], got["connects"], got["valid_calls"]) == (calls, connects, conversations)
    used = {c.header: c.name for c in data.sources[0].header.columns}
    assert {header: used[header] for header in uses} == uses
    assert {f.rule.value: (list(f.rows), str(f.detail)) for f in data.findings} == findings

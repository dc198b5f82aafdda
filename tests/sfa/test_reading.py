"""A typed table's cells read as the text a CSV export of the same rows holds (written out by
hand here): the cleaning then treats a warehouse's rows exactly as a file's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest

from kpi_xl.sfa.cells import cell_rows

CASES = [
    (pa.array([dt.datetime(2026, 10, 1, 9, 15, 30, 500000), None]), ["2026-10-01 09:15:30", None]),
    (pa.array([dt.datetime(2026, 10, 1, 0, 15)], pa.timestamp("us", tz="UTC")).cast(
        pa.timestamp("us", tz="Asia/Tokyo")), ["2026-10-01 09:15:00+0900"]),  # an instant keeps its offset
    (pa.array([dt.datetime(2026, 9, 30, 15, 30)], pa.timestamp("ms", tz="UTC")), ["2026-09-30 15:30:00+0000"]),
    (pa.array([dt.date(2026, 10, 1), None]), ["2026-10-01", None]),
    (pa.array([123, None]), ["123", None]),  # never 123.0 beside a NULL
    (pa.array([1.5, None]), ["1.5", None]),
    (pa.array([Decimal("1234.50")]), ["1234.50"]),
    (pa.array([True, None, False]), ["TRUE", None, "FALSE"]),
    (pa.array(["佐藤 健", None], pa.large_string()), ["佐藤 健", None]),
    # an INTERVAL is a clock, never its ticks read as seconds (5,000,000 µs is 5 s, not 58 days)
    (pa.array([dt.timedelta(seconds=5), dt.timedelta(minutes=2, seconds=5, milliseconds=500), None],
              pa.duration("us")), ["0:00:05", "0:02:05.5", None]),
    (pa.array([dt.timedelta(hours=1, seconds=3)], pa.duration("s")), ["1:00:03"]),
    # what no CSV cell holds: JSON for nested values, hex for bytes (the column is then ignored)
    (pa.array([["a", "b"], None]), ['["a", "b"]', None]),
    (pa.array([{"x": 1, "y": "佐藤"}]), ['{"x": 1, "y": "佐藤"}']),
    (pa.array([b"\xff\x00", None]), ["ff00", None]),
    (pa.array([dt.time(9, 15)]), ["09:15:00.000000"]),
]


@pytest.mark.parametrize(("column", "text"), CASES, ids=[str(c.type) for c, _ in CASES])
def test_typed_cells_read_as_their_csv_text(column, text):
    rows = cell_rows(pa.record_batch([column], names=["x"]), 7)
    assert [None if v is pd.NA else v for v in rows[0]] == text
    assert list(rows.index) == list(range(7, 7 + len(text)))  # numbered from where the batch starts


def test_a_typed_duration_counts_as_the_same_seconds_in_a_csv(tmp_path):
    """通話時間 as an INTERVAL (DuckDB, BigQuery) gives the connects and conversations the same
    calls give with their seconds written out in a CSV (≥ 1 s 通電, ≥ 2 min 有効架電)."""
    import pyarrow.parquet as pq

    from kpi_xl.engine.templates import get_template
    from kpi_xl.sfa.ingest import ingest

    seconds = [0, 0.5, 1, 45, 119, 120, 3725, None]
    n = len(seconds)
    rows = {"日付": ["2026-10-01"] * n, "担当者": ["佐藤"] * n, "活動種別": ["架電"] * n}
    spans = pa.array([None if s is None else dt.timedelta(seconds=s) for s in seconds], pa.duration("ms"))
    pq.write_table(pa.table({**rows, "通話時間": spans}), tmp_path / "calls.parquet")
    pd.DataFrame({**rows, "通話時間(秒)": seconds}).to_csv(tmp_path / "calls.csv", index=False)
    template = get_template("sdr")
    typed, text = ingest([tmp_path / "calls.parquet"], template), ingest([tmp_path / "calls.csv"], template)
    assert typed.actuals.team_month("2026-10") == text.actuals.team_month("2026-10")
    assert typed.actuals.team_month("2026-10")["connects"] == 5  # 1, 45, 119, 120 and 3725 s


def test_an_instant_is_shown_in_the_teams_zone_like_a_csvs_utc_text(tmp_path):
    """A TIMESTAMP WITH TIME ZONE column (a warehouse's UTC instants) and a CSV of the same
    calls written with Z: both in Tokyo time — 15:30 UTC on 30 September is 00:30 on 1 October,
    00:15 UTC a 9 o'clock call."""
    import pyarrow.parquet as pq

    from kpi_xl.engine.templates import get_template
    from kpi_xl.sfa.ingest import ingest

    when = [dt.datetime(2026, 9, 30, 15, 30), dt.datetime(2026, 10, 1, 0, 15)]
    rows = {"担当者": ["佐藤", "佐藤"], "活動種別": ["架電", "架電"], "結果": ["通電", "不在"]}
    pq.write_table(pa.table({"日時": pa.array(when, pa.timestamp("us", tz="UTC")), **rows}), tmp_path / "calls.parquet")
    pd.DataFrame({"日時": [w.strftime("%Y-%m-%dT%H:%M:%SZ") for w in when], **rows}).to_csv(tmp_path / "calls.csv",
                                                                                          index=False)
    template = get_template("sdr")
    for path in ("calls.parquet", "calls.csv"):
        data = ingest([tmp_path / path], template)
        slots = data.actuals.slots
        assert sorted(zip(slots["month"], slots["hour"], slots["calls"])) == [("2026-10", 0, 1), ("2026-10", 9, 1)]
        assert [f.rule.value for f in data.findings if f.rule.value == "date_zone"] == ["date_zone"], path


def test_a_title_block_over_the_table(tmp_path):
    """A report exported with its name, filters and date above the table (once: 'Expected 1
    fields in line 5, saw 5'): the header is found under it and those lines are reported as
    above the header, not read as data — as a CSV and as an XLSX."""
    import openpyxl

    from kpi_xl.engine.templates import get_template
    from kpi_xl.sfa.ingest import ingest

    title = [["活動レポート"], ["出力日: 2026/10/31"], ["条件: 今月", "全担当者"], []]
    table = [["活動ID", "日付", "担当者", "活動種別", "結果"], ["A1", "2026-10-01", "佐藤", "架電", "通電"],
             ["A2", "2026-10-02", "鈴木", "架電", "不在"], ["A3", "2026-10-02", "鈴木", "架電", "通電"]]
    (tmp_path / "log.csv").write_text("\n".join(",".join(r) for r in title + table) + "\n", encoding="utf-8")
    wb = openpyxl.Workbook()
    for row in title + table:
        wb.active.append(row)
    wb.save(tmp_path / "log.xlsx")
    for name in ("log.csv", "log.xlsx"):
        data = ingest([tmp_path / name], get_template("sdr"))
        month = data.actuals.by_month
        assert month.loc[("佐藤", "2026-10"), "calls"] == 1 and month.loc[("鈴木", "2026-10"), "calls"] == 2
        assert month.loc[("鈴木", "2026-10"), "connects"] == 1
        above = [list(f.rows) for f in data.findings if f.rule.value == "above_header"]
        assert above == [[1, 2, 3, 4]], name
        assert data.sources[0].cleaned.read == 3


def test_a_line_longer_than_the_header_is_left_out_not_shifted(tmp_path):
    """An unquoted comma in a memo pushes every later cell one column right: that row is left
    out with a finding; the rest are read (once the whole file was refused)."""
    from kpi_xl.engine.templates import get_template
    from kpi_xl.sfa.ingest import ingest

    path = tmp_path / "log.csv"
    path.write_text("活動ID,日付,担当者,メモ,活動種別,結果\nA1,2026-10-01,佐藤,初回,架電,通電\n"
                    "A2,2026-10-02,鈴木,価格, 納期の相談,架電,不在\nA3,2026-10-03,鈴木,,架電,通電\n", encoding="utf-8")
    data = ingest([path], get_template("sdr"))
    assert [(f.rule.value, list(f.rows)) for f in data.findings if f.excludes] == [("extra_cells", [3])]
    assert data.actuals.by_month["calls"].sum() == 2 and data.actuals.by_month["connects"].sum() == 2

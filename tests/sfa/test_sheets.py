"""A workbook of several sheets: each sheet that holds an export is read as its own source
(named file.xlsx:sheet), a cover or notes sheet is skipped with a finding — never a file
refused for its first sheet, never a data sheet left out silently."""

from __future__ import annotations

import openpyxl
import pytest

from kpi_xl.engine.templates import get_template
from kpi_xl.errors import DataError
from kpi_xl.sfa.ingest import ingest

SDR = get_template("sdr")
HEADER = ["活動ID", "日付", "担当者", "活動種別", "結果"]


def book(path, sheets: dict[str, list[list]]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


def calls(first: int, n: int, owner: str, day: str, result: str = "通電") -> list[list]:
    return [HEADER, *([f"A{i}", day, owner, "架電", result] for i in range(first, first + n))]


def test_a_cover_sheet_is_skipped_and_every_data_sheet_read(tmp_path):
    path = tmp_path / "october.xlsx"
    book(path, {"説明": [["10月の活動ログです"], ["作成: 営業企画"]],
                "前半": calls(1, 5, "佐藤", "2026-10-01"), "後半": calls(6, 3, "鈴木", "2026-10-20", "不在")})
    data = ingest([path], SDR)
    assert [(s.raw.name, s.cleaned.read, s.cleaned.used) for s in data.sources] == [
        ("october.xlsx:前半", 5, 5), ("october.xlsx:後半", 3, 3)]
    month = data.actuals.by_month
    assert month.loc[("佐藤", "2026-10"), "calls"] == 5 and month.loc[("鈴木", "2026-10"), "calls"] == 3
    assert month.loc[("佐藤", "2026-10"), "connects"] == 5 and month.loc[("鈴木", "2026-10"), "connects"] == 0
    assert [(f.rule.value, f.file, f.count) for f in data.findings if f.rule.value == "sheet_skipped"] == [
        ("sheet_skipped", "october.xlsx:説明", 0)]


def test_sheets_pasted_twice_overlap_like_files(tmp_path):
    """The same calls on two sheets are not refused as one file given twice: they are two
    exports whose IDs overlap, counted once."""
    path = tmp_path / "log.xlsx"
    book(path, {"a": calls(1, 4, "佐藤", "2026-10-01"), "b": calls(3, 4, "佐藤", "2026-10-01")})
    data = ingest([path], SDR)
    assert data.actuals.by_month.loc[("佐藤", "2026-10"), "calls"] == 6  # A1…A6
    hit = [f for f in data.findings if f.rule.value == "id_in_later_file"]
    assert [(f.file, list(f.rows), f.detail) for f in hit] == [("log.xlsx:a", [4, 5], "log.xlsx:b")]


def test_one_sheet_with_cells_is_the_file_itself(tmp_path):
    path = tmp_path / "log.xlsx"
    book(path, {"空": [], "データ": calls(1, 2, "佐藤", "2026-10-01")})
    data = ingest([path], SDR)
    assert [s.raw.name for s in data.sources] == ["log.xlsx"] and data.actuals.by_month["calls"].sum() == 2


def test_no_usable_sheet_is_the_first_sheets_error(tmp_path):
    path = tmp_path / "notes.xlsx"
    book(path, {"表紙": [["月次報告"]], "メモ": [["担当者", "メモ"], ["佐藤", "来週フォロー"]]})
    with pytest.raises(DataError) as caught:
        ingest([path], SDR)
    assert caught.value.code == "data_columns" and "notes.xlsx:表紙" in caught.value.message("en")

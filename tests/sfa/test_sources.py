"""What --data names: a pattern is the files it matches (Windows' command prompt does not
expand exports\\*.csv), in name order; a file whose name merely looks like a pattern is itself."""

from __future__ import annotations

import json

import pytest

from kpi_xl.cli import main
from kpi_xl.errors import DataError
from kpi_xl.sfa.sources import expanded


def test_a_pattern_is_its_files_in_name_order(tmp_path):
    for name in ("2026-11.csv", "2026-10.csv", "notes.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert expanded([str(tmp_path / "*.csv")]) == [str(tmp_path / "2026-10.csv"), str(tmp_path / "2026-11.csv")]


def test_a_name_that_looks_like_a_pattern_is_the_file(tmp_path):
    odd = tmp_path / "export[1].csv"
    odd.write_text("x", encoding="utf-8")
    assert expanded([str(odd), "history.duckdb:activities"]) == [str(odd), "history.duckdb:activities"]


def test_a_pattern_matching_nothing_is_named(tmp_path):
    with pytest.raises(DataError) as caught:
        expanded([str(tmp_path / "*.csv")])
    assert "no file matches" in caught.value.message("en") and "*.csv" in caught.value.message("en")


def test_report_over_a_pattern_counts_every_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exports").mkdir()
    header = "活動ID,日付,担当者,活動種別,結果\n"
    (tmp_path / "exports" / "week1.csv").write_text(header + "A1,2026-10-01,佐藤,架電,通電\n", encoding="utf-8")
    week2 = header + "A2,2026-10-08,佐藤,架電,不在\nA3,2026-10-09,佐藤,架電,通電\n"
    (tmp_path / "exports" / "week2.csv").write_text(week2, encoding="utf-8")
    (tmp_path / "plan.json").write_text(json.dumps({"template": "sdr", "kgi": 1e8, "unit_price": 1e6,
                                                    "fiscal_year": 2026}), encoding="utf-8")
    code = main(["report", "--data", "exports/*.csv", "--plan", "plan.json", "--month", "2026-10", "-o", "r.xlsx",
                 "--json", "--lang", "en"])
    got = json.loads(capsys.readouterr().out)
    assert code == 0 and [f["file"] for f in got["files"]] == ["week1.csv", "week2.csv"]
    october = got["by_rep_month"]["佐藤"]["2026-10"]
    assert october["calls"] == 3 and october["connects"] == 2

"""Team names are data: matched exactly in the report's formulas, never read as criteria
(<>x, 営業*, a?c, =A would total the wrong reps under SUMIF) nor written as formulas."""

from __future__ import annotations

from openpyxl import load_workbook

from kpi_xl.report import make_report
from kpi_xl.xlsx.recalc import convert

TEAMS = {"佐藤": "<>x", "鈴木": "営業*", "田中": "営業A", "高橋": "a?c", "伊藤": "abc", "渡辺": "=A", "山本": "~*"}
PLAN = {"template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000, "fiscal_year": 2026,
        "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"}, "volumes": {"メール送信数": 0},
        "reps": list(TEAMS)}


def test_team_totals_match_exactly_once_recalculated(tmp_path, libreoffice):
    calls = {rep: i + 1 for i, rep in enumerate(TEAMS)}  # 佐藤 1 call, 鈴木 2 …
    (tmp_path / "log.csv").write_text("日付,担当者,活動種別\n" + "".join(
        f"2026-10-01,{rep},架電\n" * n for rep, n in calls.items()), encoding="utf-8")
    (tmp_path / "teams.csv").write_text("担当者,チーム\n" + "".join(f"{r},{t}\n" for r, t in TEAMS.items()),
                                        encoding="utf-8")
    import yaml

    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    report = make_report([tmp_path / "log.csv"], tmp_path / "plan.yaml", "2026-10", teams=tmp_path / "teams.csv",
                         lang="en", output=tmp_path / "r.xlsx")
    assert {t: lines["calls"].actual for t, lines in report.figures.team_lines.items()} == \
        {TEAMS[r]: float(n) for r, n in calls.items()}
    from kpi_xl.report.sheets import build_report_workbook

    _, layout = build_report_workbook(report.figures, report.data, "en", "plan.yaml")
    recalced = load_workbook(convert([tmp_path / "r.xlsx"], tmp_path / "recalc")[0], data_only=True)
    for rep, team in TEAMS.items():
        sheet, cell = layout.cells[("team", team, "calls")].rsplit("!", 1)
        assert recalced[sheet.strip("'")][cell.replace("$", "")].value == calls[rep], team
    raw = load_workbook(tmp_path / "r.xlsx")
    names = [c for ws in raw.worksheets for row in ws.iter_rows() for c in row if c.value == "=A"]
    assert names and all(c.data_type == "s" for c in names)

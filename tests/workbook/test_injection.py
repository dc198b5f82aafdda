"""Nobody let in: every user- or data-supplied string is written as text, never as a formula
— rep names from --rep or plan.yaml, and the labels of a user's own template file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.workbook.writer import build_workbook
from kpi_xl.xlsx.recalc import convert

HOSTILE = ["=1+1", "=cmd|'/c calc'!A1", "+SUM(1,2)", "-2+3", "@SUM(1)", '=HYPERLINK("http://x.invalid","y")']


def planted(path: Path) -> list[str]:
    """Formula cells made of hostile text (kpi_xl's own formulas never contain it)."""
    wb = load_workbook(path)
    return [f"{ws.title}!{cell.coordinate} {cell.value}" for ws in wb.worksheets for row in ws.iter_rows()
            for cell in row if cell.data_type == "f" and isinstance(cell.value, str)
            and (cell.value in HOSTILE or "cmd|" in cell.value or "HYPERLINK" in cell.value)]


def test_rep_names_and_template_labels_stay_text(tmp_path, libreoffice):
    template = Path(__file__).resolve().parents[1] / "data" / "lower_is_better.toml"
    mine = tmp_path / "mine.toml"
    mine.write_text(template.read_text(encoding="utf-8").replace('ja = "架電数"', 'ja = "=HYPERLINK(\\"x\\")"', 1),
                    encoding="utf-8")
    plan = build_plan(spec_from_settings({
        "template": str(mine), "kgi": 120_000_000, "unit_price": 1_000_000,
        "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"}, "volumes": {"メール送信数": 0},
        "fiscal_year": 2026, "reps": [{"name": name} for name in HOSTILE]}))
    wb, _layout = build_workbook(plan)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    assert not planted(path)
    recalced = load_workbook(convert([path], tmp_path / "out")[0], data_only=True)
    shown = {str(c.value) for ws in recalced.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert set(HOSTILE) <= shown  # each name shown as typed, not as 2, 5 or a link
    assert '=HYPERLINK("x")' in shown


def test_a_rep_named_like_a_formula_from_the_command_line(tmp_path):
    out = tmp_path / "plan.xlsx"
    done = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "plan", "--kgi", "1億", "--unit-price", "100万",
                           "--rate", "受注率=20%", "--fy", "2026", "--rep", "=1+1", "--rep", "=cmd|'/c calc'!A1",
                           "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not planted(out)
    names = [c.value for c in load_workbook(out)["入力"]["B"] if c.value in ("=1+1", "=cmd|'/c calc'!A1")]
    assert names == ["=1+1", "=cmd|'/c calc'!A1"]

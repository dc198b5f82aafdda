"""The workbooks as a manager prints them: no ### anywhere (a number wider than its column),
for the demo plan and report and for a ¥10-billion plan."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from kpi_xl.demo import run_demo
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import read_settings
from kpi_xl.workbook.writer import write_plan
from kpi_xl.xlsx.recalc import convert

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from render_workbook import overflowing

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def test_printed_plans_and_report_show_no_hashes(tmp_path, libreoffice):
    demo = run_demo(tmp_path / "demo")
    big = read_settings({"template": "sdr", "kgi": "100億", "unit_price": "1,234,567", "fiscal_year": 2026,
                         "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"},
                         "volumes": {"メール送信数": 123456}, "reps": 40, "phase": "stable"})
    write_plan(tmp_path / "big.xlsx", build_plan(big.spec), big.options)
    files = [demo.folder / "plan.xlsx", demo.folder / "report-2026-10.xlsx", tmp_path / "big.xlsx"]
    problems = []
    for pdf in convert(files, tmp_path / "pdf", "pdf"):
        problems += [f"{pdf.name} {p}" for p in overflowing(pdf)]
    assert not problems, "\n".join(problems[:20])

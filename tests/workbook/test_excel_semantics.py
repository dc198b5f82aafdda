"""The plan workbook evaluated by a second, independent engine with Excel's semantics (the
`formulas` package), compared with kpi_xl's engine cell by cell — beside LibreOffice, so a
LibreOffice quirk or an Excel-only behaviour is caught by one of the two."""

from __future__ import annotations

import os
from datetime import date

import pytest

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import read_settings
from kpi_xl.workbook.writer import build_workbook
from tests.workbook.excel_model import excel_values
from tests.workbook.expected import (
    actual_sheet_values,
    compare,
    engine_values,
    expected_status,
    fill_actuals,
    typed_metrics,
)

pytest.importorskip("formulas")
SMALL = [  # small plans: the package evaluates a quarter with two reps in ~10 s
    {"template": "sdr", "kgi": "1.2億", "unit_price": "100万", "rates": {"受注率": "20%", "商談化率": "10%",
     "コネクト率": "15%"}, "volumes": {"メール送信数": 1000}, "fiscal_year": 2026, "quarter": 2, "reps": 2,
     "asof": "2026-08-10"},
    {"template": "call", "target": "受注数=10", "rates": {"受注率": "50%", "有効商談率": "60%", "商談獲得率": "20%",
     "有効架電率": "20%", "通電率": "50%"}, "fiscal_year": 2026, "quarter": 1, "split": "weighted",
     "reps": ["佐藤", "新人:1:2026-05:0.5"], "leads": {"受注数": 1}, "lang": "en", "asof": "2026-05-20"},
    {"template": "real_estate", "kgi": "3億", "unit_price": "2500万", "rates": {"契約率": "2.5%"},
     "fiscal_year": 2027, "fy_start": 1, "quarter": 4, "reps": 1, "exact": True, "scenario": 2,
     "holidays": ["2027-12-29..2027-12-31"], "asof": "2027-11-02"},
]
CASES = SMALL if os.environ.get("CI") or os.environ.get("KPI_XL_SLOW") else SMALL[:1]


@pytest.mark.parametrize("settings", CASES, ids=[s["template"] for s in CASES])
def test_excel_semantics_agree_with_the_engine(tmp_path, settings):
    chosen = read_settings(settings)
    plan = build_plan(chosen.spec)
    wb, layout = build_workbook(plan, chosen.options)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    keys = [m.key for m in plan.months]
    typed = {m: {keys[0]: round((plan.targets(m)[0] or 100) * 0.9), keys[-1]: 0} for m in typed_metrics(plan)}
    fill_actuals(path, typed, keys)
    expected = engine_values(plan, chosen.options.asof or date(2026, 4, 1))
    expected.update(actual_sheet_values(plan, typed))
    expected.update(expected_status(plan, typed, chosen.options.warn, chosen.options.lang))
    problems = compare(expected, excel_values(path, layout, expected))
    assert not problems, f"{len(problems)} cells differ (engine vs Excel semantics):\n" + "\n".join(problems[:20])
    assert len(expected) > 300

"""One engine, two faces: the report's diagnosis of a month (from the exports) equals
`kpi-xl review` of the plan workbook with the same months typed into its 実績 sheet."""

from __future__ import annotations

import pytest

from kpi_xl.demo import run_demo
from kpi_xl.report import make_report
from kpi_xl.workbook.review import review_workbook


def test_report_and_review_give_the_same_diagnosis(tmp_path):
    demo = run_demo(tmp_path / "demo")
    folder = demo.folder
    report = make_report([folder / "activities.csv", folder / "opportunities.xlsx"], folder / "plan.xlsx", "2026-10")
    from_export = report.figures.review.diagnosis
    typed = review_workbook(folder / "plan.xlsx", "2026-10").review.diagnosis
    assert from_export.bottleneck.rate == typed.bottleneck.rate
    assert [(p.metric, p.kind) for p in from_export.gap] == [(p.metric, p.kind) for p in typed.gap]
    assert [p.effect for p in from_export.gap] == pytest.approx([p.effect for p in typed.gap])
    assert all(p.kind != "other" for p in typed.gap)  # every stage typed: nothing left unexplained
    assert sum(p.effect for p in typed.gap) == pytest.approx(typed.actual_kgi - typed.planned_kgi)

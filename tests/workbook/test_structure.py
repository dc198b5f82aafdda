"""What a generated plan workbook contains, read with openpyxl, in both languages."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import PlanOptions, spec_from_settings
from kpi_xl.i18n import label
from kpi_xl.workbook.writer import build_workbook

SETTINGS = {"template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000,
            "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"}, "volumes": {"メール送信数": 0},
            "fiscal_year": 2026, "reps": 3, "holidays": ["2026-12-29..2027-01-03"]}
VOLATILE = re.compile(r"\b(TODAY|NOW|OFFSET|INDIRECT|RAND|RANDBETWEEN|CELL|INFO)\(", re.I)
NEWER_THAN_2016 = re.compile(r"\b(XLOOKUP|FILTER|SORT|UNIQUE|SEQUENCE|LET|LAMBDA|IFS|SWITCH|TEXTJOIN|CONCAT|MAXIFS)\(",
                             re.I)


@pytest.fixture(scope="module", params=["ja", "en"])
def book(request, tmp_path_factory):
    plan = build_plan(spec_from_settings(SETTINGS))
    wb, layout = build_workbook(plan, PlanOptions(lang=request.param))
    path = tmp_path_factory.mktemp("wb") / f"plan-{request.param}.xlsx"
    wb.save(path)
    return request.param, load_workbook(path), layout, plan


def formulas(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    yield ws.title, cell.coordinate, cell.value


def test_sheets_in_order_and_language(book):
    lang, wb, _, _ = book
    keys = ["inputs", "holidays", "actuals", "tree", "launch", "growth", "stable", "calendar", "weeks", "pacing",
            "sensitivity", "charts", "chart_data"]
    assert wb.sheetnames[:13] == [label(f"sheet_{k}", lang) for k in keys]
    assert wb["kpi_xl"].sheet_state == "veryHidden"
    assert wb[label("sheet_chart_data", lang)].sheet_state == "hidden"  # the charts' #N/A gaps, out of sight
    if lang == "ja":
        assert wb.sheetnames[4:7] == ["立ち上げ期", "成長期", "安定期"]


def test_every_input_is_a_defined_name_on_the_inputs_sheet(book):
    lang, wb, _, _ = book
    inputs = label("sheet_inputs", lang)
    names = set(wb.defined_names)
    expected = {"in_kgi", "in_win_rate", "in_meeting_rate", "in_connect_rate", "in_emails_sent", "in_unit_price",
                "in_fy", "in_fy_start", "in_split", "in_asof", "in_warn", "in_capacity", "in_holidays",
                "in_scenario", "in_display", "in_lead_revenue", "in_lead_won"}
    assert expected <= names
    for name in names:
        (sheet, _), = list(wb.defined_names[name].destinations)
        assert sheet in (inputs, label("sheet_holidays", lang))
    folded = [n.casefold() for n in names]
    assert len(folded) == len(set(folded))  # Excel treats names differing only by case as one


def test_inputs_are_unlocked_validated_and_the_rest_protected(book):
    lang, wb, layout, _ = book
    ws = wb[label("sheet_inputs", lang)]
    for sheet in wb.worksheets[:12]:
        assert sheet.protection.sheet, sheet.title
        assert not sheet.protection.password
    rate = ws[layout.cells[("input", "win_rate")].split("!")[1].replace("$", "")]
    assert rate.protection.locked is False
    assert ws["B1"].protection.locked is not False
    active = ws.cell(rate.row, 7)
    assert active.value.startswith("=INDEX(") and active.protection.locked is not False
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert {"decimal", "whole", "date", "list"} <= set(rules)
    rate_rules = [dv for dv in ws.data_validations.dataValidation if rate.coordinate in dv.sqref]
    assert rate_rules and rate_rules[0].formula2 == "1"
    assert "100%" in rate_rules[0].error and "0%" in rate_rules[0].error
    assert "/" in rate_rules[0].error  # bilingual: 日本語 / English
    assert re.search(r"[ぁ-んァ-ン]", rate_rules[0].error) and re.search(r"[A-Za-z]{4}", rate_rules[0].error)
    assert rate.number_format == "0.0%"


def test_typed_actuals_are_validated_as_review_reads_them(book):
    """Every month cell of a typed count (架電数) takes a whole number of 0 or more, of an amount
    (売上) a number of 0 or more — what review accepts — in both languages; a computed row none."""
    lang, wb, _, plan = book
    ws = wb[label("sheet_actuals", lang)]
    rules = ws.data_validations.dataValidation
    metrics = plan.spec.template.tree.metrics
    typed = {ws.cell(r, 1).value[4:]: r for r in range(1, ws.max_row + 1)
             if str(ws.cell(r, 1).value).startswith("act:")}
    assert {"calls", "revenue"} <= set(typed)
    for metric, row in typed.items():
        for month in range(len(plan.months)):
            coord = ws.cell(row, 4 + month).coordinate
            covering = [dv for dv in rules if coord in dv.sqref]
            want = {"count": [("whole", "greaterThanOrEqual", "0")],
                    "amount": [("decimal", "greaterThanOrEqual", "0")]}.get(metrics[metric].kind.value, [])
            assert [(dv.type, dv.operator, dv.formula1) for dv in covering] == want, (metric, coord)
            assert all("/" in dv.error and re.search(r"[ぁ-ん]", dv.error) for dv in covering)
    computed = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("calc:"))
    assert not [dv for dv in rules if ws.cell(computed, 4).coordinate in dv.sqref]


def test_public_holidays_are_filled_in(book):
    lang, wb, _layout, _ = book
    ws = wb[label("sheet_holidays", lang)]
    dates = {c.value.date() for (c,) in ws["B5:B400"] if c.value is not None}
    import datetime as dt
    assert {dt.date(2026, 5, 6), dt.date(2026, 9, 22), dt.date(2027, 1, 1), dt.date(2026, 12, 29)} <= dates
    # every fiscal year the FY cell accepts (2025–2028) has its holidays, so editing the year keeps them
    assert {dt.date(2025, 5, 5), dt.date(2029, 1, 1), dt.date(2029, 3, 20)} <= dates


def test_no_volatile_or_post_2016_functions_and_no_external_links(book):
    _, wb, _, _ = book
    found = list(formulas(wb))
    assert len(found) > 1000
    for sheet, cell, text in found:
        assert not VOLATILE.search(text), (sheet, cell, text)
        assert not NEWER_THAN_2016.search(text), (sheet, cell, text)
        assert "[" not in text, (sheet, cell, text)  # external workbook references
    assert not wb._external_links


def test_tree_uses_roundup_for_counts_and_shows_definitions(book):
    lang, wb, layout, _ = book
    ws = wb[label("sheet_tree", lang)]
    meetings = layout.cells[("tree", "meetings")].split("!")[1].replace("$", "")
    won = layout.cells[("tree", "won")].split("!")[1]
    assert ws[meetings].value == f"=ROUNDUP(MAX(0,'{ws.title}'!{won}/in_win_rate),0)"
    definitions = [ws.cell(r, 6).value for r in range(5, 30)]
    want = "商談化率 = 商談化数 ÷ コネクト数" if lang == "ja" else "Meeting rate = Meetings set ÷ Connects"
    assert want in definitions


def test_phase_sheets_have_kpis_within_limits_and_conditional_formats(book):
    lang, wb, _, _ = book
    limits = {"launch": 5, "growth": 7, "stable": 5}
    for key, limit in limits.items():
        ws = wb[label(f"sheet_{key}", lang)]
        markers = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
        kpis = [m for m in markers if isinstance(m, str) and m.startswith("target:")]
        assert 1 <= len(kpis) <= limit
        rules = [(str(rng.sqref), rule) for rng in ws.conditional_formatting for rule in rng.rules]
        assert len(rules) >= 3 * len(kpis)
        for _sqref, rule in rules:
            assert rule.type == "expression"
        texts = " ".join(rule.formula[0] for _, rule in rules)
        assert "in_warn" in texts and ">=1" in texts
        fills = {rule.dxf.fill.bgColor.rgb[-6:] for _, rule in rules if rule.dxf and rule.dxf.fill}
        assert {"FFC7CE", "FFEB9C", "C6EFCE"} <= fills  # red, amber, green


def test_connect_rate_shows_its_benchmark_band_and_source(book):
    lang, wb, _, _ = book
    ws = wb[label("sheet_launch", lang)]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "10.0%–20.0%" in text and "失敗パターン" in text
    assert ("ベンチマーク判定" if lang == "ja" else "Benchmark check") in text


def test_charts_are_native_and_where_they_should_be(book):
    lang, wb, _, _ = book
    charts = wb[label("sheet_charts", lang)]._charts
    kinds = sorted(type(c).__name__ for c in charts)
    assert kinds == ["BarChart", "LineChart"]
    assert len(wb[label("sheet_sensitivity", lang)]._charts) == 1
    for chart in [*charts, *wb[label("sheet_sensitivity", lang)]._charts]:
        assert chart.x_axis.delete is False and chart.y_axis.delete is False  # Excel shows the axes


def test_number_formats(book):
    lang, wb, layout, _ = book
    ws = wb[label("sheet_tree", lang)]
    revenue = layout.cells[("tree", "revenue")].split("!")[1].replace("$", "")
    assert ws[revenue].number_format == "[$¥-411]#,##0"
    rules = [rule for rng in ws.conditional_formatting for rule in rng.rules]
    codes = {rule.dxf.numFmt.formatCode for rule in rules if rule.dxf and rule.dxf.numFmt}
    assert any("万円" in c for c in codes) and any("億円" in c for c in codes)


def test_a_plan_needs_a_fiscal_year():
    plan = build_plan(spec_from_settings({k: v for k, v in SETTINGS.items() if k != "fiscal_year"}))
    with pytest.raises(ValueError):
        build_workbook(plan)

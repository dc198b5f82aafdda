"""Reading plan workbooks back: edited ones load, damaged ones say which sheet and cell."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.errors import WorkbookError
from kpi_xl.workbook.reader import read_plan_workbook
from kpi_xl.workbook.writer import build_workbook

SETTINGS = {"template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000,
            "rates": {"受注率": "20%", "商談化率": "10%"}, "fiscal_year": 2026, "reps": ["佐藤", "鈴木:0.5"]}


@pytest.fixture
def plan_file(tmp_path):
    plan = build_plan(spec_from_settings(SETTINGS))
    wb, layout = build_workbook(plan)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    return path, layout, plan


def test_a_user_edited_workbook_still_loads(plan_file):
    path, layout, _plan = plan_file
    wb = load_workbook(path)
    actuals = wb["実績"]
    actuals.insert_rows(6, 3)  # rows added among the actuals
    marker_row = next(r for r in range(1, actuals.max_row + 1) if actuals.cell(r, 1).value == "act:meetings")
    actuals.cell(marker_row, 4, 55)
    wb["成長期"].insert_rows(6, 3)
    wb.create_sheet("メモ")["A1"] = "my notes"
    inputs = wb["入力"]
    inputs[layout.cells[("input", "win_rate")].split("!")[1].replace("$", "")] = "25%"  # typed as text
    wb.save(path)
    book = read_plan_workbook(path)
    assert book.spec.knowns["win_rate"] == 0.25
    assert book.actuals == {"meetings": {"2026-04": 55}}
    assert build_plan(book.spec).reverse.value("meetings") == 480


@pytest.mark.parametrize(("where", "value", "text"), [
    (("input", "win_rate"), "abc", "受注率"),
    (("input", "win_rate"), 1.5, "曖昧"),
    (("input", "kgi"), "たくさん", "売上"),
])
def test_a_bad_input_names_sheet_and_cell(plan_file, where, value, text):
    path, layout, _ = plan_file
    wb = load_workbook(path)
    cell = layout.cells[where].split("!")[1].replace("$", "")
    wb["入力"][cell] = value
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_plan_workbook(path)
    message = info.value.message("ja")
    assert "入力" in message and cell in message and text in message
    assert cell in info.value.message("en")


def test_a_bad_actual_names_sheet_and_cell(plan_file):
    path, _, _ = plan_file
    wb = load_workbook(path)
    ws = wb["実績"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "act:calls")
    ws.cell(row, 5, "many")
    wb.save(path)
    with pytest.raises(WorkbookError) as info:
        read_plan_workbook(path)
    assert "実績" in info.value.message("en") and f"E{row}" in info.value.message("en")


def test_an_actual_pasted_as_text_is_refused_as_the_sheet_leaves_it_out(plan_file, libreoffice, tmp_path):
    """'1,200' pasted into 実績 (data validation stops typing it, not pasting) is text: the
    spreadsheet's own formulas leave it out — LibreOffice computes April's アプローチ数 (架電数 +
    メール送信数) blank — so review, rather than count 1,200 the sheet does not, names the cell."""
    from kpi_xl.xlsx.recalc import convert

    path, _, _ = plan_file
    wb = load_workbook(path)
    ws = wb["実績"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    ws.cell(rows["act:emails_sent"], 4, 100)
    for name, calls in (("number.xlsx", 1200), ("text.xlsx", "1,200")):
        ws.cell(rows["act:calls"], 4, calls)
        wb.save(tmp_path / name)
    number, text = (load_workbook(f, data_only=True)["実績"] for f in convert(
        [tmp_path / "number.xlsx", tmp_path / "text.xlsx"], tmp_path / "calc"))
    assert number.cell(rows["calc:approaches"], 4).value == 1300
    assert text.cell(rows["calc:approaches"], 4).value in (None, "")
    assert read_plan_workbook(tmp_path / "number.xlsx").actuals["calls"] == {"2026-04": 1200}
    with pytest.raises(WorkbookError) as info:
        read_plan_workbook(tmp_path / "text.xlsx")
    cell, ja, en = f"D{rows['act:calls']}", info.value.message("ja"), info.value.message("en")
    assert "実績" in ja and cell in ja and "文字列" in ja
    assert cell in en and "1,200" in en and "held as text" in en
    # a row pasted from a CSV: every text cell named in one message, the first five and a count
    for month in range(12):
        ws.cell(rows["act:connects"], 4 + month, str(100 + month))
    wb.save(tmp_path / "row.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_plan_workbook(tmp_path / "row.xlsx")
    r = rows["act:connects"]
    assert f"D{rows['act:calls']}, D{r}, E{r}, F{r}, G{r} (+8)" in info.value.message("en")


def test_a_formula_typed_into_an_input_is_read_as_its_value(plan_file, libreoffice, tmp_path):
    """=100+20 typed as April's 架電数 and =1/5 as the win rate: once a spreadsheet app has
    saved the file (LibreOffice here), review reads 120 and 20% — what the sheet computes with;
    before, it names the cell rather than guess or read the formula's text."""
    from kpi_xl.xlsx.recalc import convert

    path, layout, _ = plan_file
    wb = load_workbook(path)
    ws = wb["実績"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "act:calls")
    ws.cell(row, 4, "=100+20")
    wb["入力"][layout.cells[("input", "win_rate")].split("!")[1].replace("$", "")] = "=1/5"  # the first named
    wb.save(tmp_path / "typed.xlsx")
    with pytest.raises(WorkbookError) as info:
        read_plan_workbook(tmp_path / "typed.xlsx")
    rate_cell = layout.cells[("input", "win_rate")].split("!")[1].replace("$", "")
    assert f"入力, cell {rate_cell}: the formula =1/5 has no computed value" in info.value.message("en")
    (saved,) = convert([tmp_path / "typed.xlsx"], tmp_path / "saved")
    book = read_plan_workbook(saved)
    assert book.actuals["calls"] == {"2026-04": 120} and book.spec.knowns["win_rate"] == pytest.approx(0.2)
    assert load_workbook(saved)["実績"].cell(row, 4).value == "=100+20"  # the user's formula stays theirs


def test_a_deleted_name_or_sheet_is_reported(plan_file):
    path, _, _ = plan_file
    wb = load_workbook(path)
    del wb.defined_names["in_fy"]
    wb.save(path)
    with pytest.raises(WorkbookError, match="in_fy"):
        read_plan_workbook(path)
    wb = load_workbook(path)
    del wb["kpi_xl"]
    wb.save(path)
    with pytest.raises(WorkbookError, match="not a kpi_xl plan workbook"):
        read_plan_workbook(path)


def test_not_a_workbook_and_zip_bombs(tmp_path):
    text = tmp_path / "plan.xlsx"
    text.write_text("hello")
    with pytest.raises(WorkbookError, match="not an xlsx"):
        read_plan_workbook(text)
    with pytest.raises(WorkbookError, match="no such file"):
        read_plan_workbook(tmp_path / "missing.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 << 20))
    with pytest.raises(WorkbookError, match="expands"):
        read_plan_workbook(bomb)


def test_untrusted_xml_is_parsed_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True

"""workbook.xlsm: the VBA project is intact, the conf sheet is right, the native side computes."""

from __future__ import annotations

from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser
from openpyxl import load_workbook

from kpi_xl.engine.allocation import largest_remainder
from kpi_xl.engine.calendar import split
from kpi_xl.engine.diagnosis import status
from kpi_xl.engine.feasibility import extra_reps
from kpi_xl.engine.funnel import forward_rates, reverse_rates
from kpi_xl.engine.landing import landing
from kpi_xl.macro_workbook import EXAMPLES, HOWTO, build_macro_workbook
from kpi_xl.xlsx.recalc import convert

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsm") / "workbook.xlsm"
    layout = build_macro_workbook(path)
    return path, layout


def test_vba_project_is_kept_with_import_python_udfs(built):
    path, _ = built
    modules = {name: code for (_, _, name, code) in VBA_Parser(str(path)).extract_macros()}
    assert "xlwings.bas" in modules
    assert "Sub ImportPythonUDFs" in modules["xlwings.bas"]
    assert "Function RunPython" in modules["xlwings.bas"]


def test_conf_sheet_and_sheets(built):
    path, _ = built
    wb = load_workbook(path, keep_vba=True)
    assert wb.sheetnames == [HOWTO, EXAMPLES, "xlwings.conf"]
    conf = {row[0]: row[1] for row in wb["xlwings.conf"].iter_rows(values_only=True, max_col=2) if row[0]}
    assert conf["UDF Modules"] == "kpi_xl.udfs"
    text = " ".join(str(c.value) for row in wb[HOWTO].iter_rows() for c in row if c.value)
    assert "ImportPythonUDFs" in text and "py3-none-any.whl" in text
    assert "pip install kpi-xl" not in text  # not published: the how-to names what works
    assert all(f"KPI_{n}" in text for n in ("REVERSE", "RATE", "SPLIT", "PER_REP", "STATUS", "TEMPLATE"))
    formulas = [c.value for row in wb[EXAMPLES].iter_rows() for c in row]
    calls = [getattr(v, "text", v) for v in formulas if isinstance(getattr(v, "text", v), str)
             and getattr(v, "text", v).startswith("=KPI_")]
    assert len(calls) >= 10


def test_committed_workbook_is_what_the_command_builds(built):
    path, _ = built
    fresh, committed = load_workbook(path), load_workbook(ROOT / "workbook.xlsm")
    assert fresh.sheetnames == committed.sheetnames
    for name in fresh.sheetnames:
        a = [[getattr(c.value, "text", c.value) for c in row] for row in fresh[name].iter_rows()]
        b = [[getattr(c.value, "text", c.value) for c in row] for row in committed[name].iter_rows()]
        assert a == b, f"workbook.xlsm is stale ({name}); run: kpi-xl workbook --force"


def test_native_formulas_recalculate_to_the_engine(built, libreoffice, tmp_path):
    path, layout = built
    out = convert([path], tmp_path)[0]
    ws = load_workbook(out, data_only=True)[EXAMPLES]

    def native(key):
        values = []
        k = 0
        while ("native", key, str(k)) in layout.cells:
            values.append(ws[layout.cells[("native", key, str(k))].split("!")[1].replace("$", "")].value)
            k += 1
        return values

    assert native("reverse") == reverse_rates(12_000_000, [0.2, 0.1], 1_000_000)
    assert native("forward") == pytest.approx(forward_rates(600, [0.2, 0.1], 1_000_000))
    assert native("rate") == [0.1]
    assert native("split") == [split(500, [1] * 12)[0]]
    assert native("per_rep") == largest_remainder(42, [1, 1, 0.5])
    assert native("achievement") == [0.95]
    assert native("status") == [{"hit": "達成", "watch": "注意", "miss": "未達"}[status(95, 100, 0.9).value]]
    assert native("feasibility") == [extra_reps(400, 8 * 34, 34)]
    assert native("bottleneck") == ["コネクト率"]
    got = landing(40, 10, 20, target=100)  # Excel's NORMSINV/NORMSDIST beside the engine's normal
    assert native("landing") == pytest.approx([got.expected, got.low, got.high, got.probability], rel=1e-9)

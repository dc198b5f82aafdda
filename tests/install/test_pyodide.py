"""xlwings Lite's path, proven without Excel: Pyodide (Python in the browser) under Node installs
README's requirements.txt from local wheels with micropip — offline, so a dependency the UDF path
does not declare as browser-safe fails here — imports README's main.py and calls the functions
through xlwings's own Office.js call path."""

from __future__ import annotations

import json
import subprocess
from datetime import date

import pytest

from kpi_xl import udfs
from tests.install.conftest import LITE, ROOT

pytestmark = pytest.mark.install
HARNESS = ROOT / "tests" / "install" / "lite.mjs"
EXCEL_EPOCH = date(1899, 12, 30)

CALLS = [
    {"name": "KPI_REVERSE", "args": [[[12000000]], [[0.2], [0.1]], [[1000000]]]},
    {"name": "KPI_SPLIT", "args": [[[500]], [[2026]]]},
    {"name": "KPI_RATE", "args": [[[42]], [[0]], [["en"]]]},
    {"name": "KPI_LANDING", "args": [[[40]], [[10]], [[20]], [[None]], [[None]], [[100]]]},
]


@pytest.fixture(scope="module")
def lite(lite_wheels, pyodide_dir, tmp_path_factory) -> dict:
    calls = tmp_path_factory.mktemp("calls") / "calls.json"
    calls.write_text(json.dumps(CALLS), encoding="utf-8")
    out = subprocess.run(["node", str(HARNESS), str(pyodide_dir), str(lite_wheels), str(LITE / "requirements.txt"),
                          str(LITE / "main.py"), str(calls)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_requirements_install_offline(lite):
    assert lite["missing"] == [] and lite["failed_loads"] == []  # every browser dependency is a local wheel


def test_runs_in_the_browser_python(lite):
    assert lite["platform"] == "emscripten"
    assert lite["heavy_modules"] == []  # no pandas, numpy, openpyxl or pyarrow on the UDF path


def test_every_function_registers(lite):
    assert lite["registered"] == sorted(udfs.__all__)


def test_seed_numbers_in_lite(lite):
    reverse, split, *_ = lite["results"]
    assert reverse == [[12], [60], [600]]  # 1200万 ÷ 100万 → 12 → 60 → 600
    assert [row[2] for row in split] == [42] * 12  # 500 a year → 42 a month
    first = split[0][0]
    first = first["basicValue"] if isinstance(first, dict) else first
    assert date.fromordinal(EXCEL_EPOCH.toordinal() + int(first)) == date(2026, 4, 1)


def test_errors_stay_in_the_cell(lite):
    assert lite["results"][2] == [["#KPI! the denominator is 0"]]  # Office.js takes every result as 2-D


def test_the_landing_in_lite_is_the_engines(lite):
    from kpi_xl.engine.landing import landing

    got = landing(40, 10, 20, target=100)
    assert lite["results"][3] == [pytest.approx([got.expected, got.low, got.high, got.probability], rel=1e-12)]

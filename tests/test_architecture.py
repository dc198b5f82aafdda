"""The pure engine at the centre: importing it must not pull in the adapters' libraries."""

import subprocess
import sys
from pathlib import Path

import kpi_xl

HEAVY = ("pandas", "openpyxl", "xlwings", "numpy")


def test_engine_imports_no_pandas_openpyxl_or_xlwings():
    code = ("import sys, kpi_xl, kpi_xl.engine.plan, kpi_xl.engine.diagnosis, kpi_xl.engine.lint, "
            "kpi_xl.engine.settings, kpi_xl.cli; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_engine_sources_do_not_name_the_adapters_libraries():
    engine = Path(kpi_xl.__file__).parent / "engine"
    for source in engine.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        for lib in HEAVY:
            assert f"import {lib}" not in text and f"from {lib}" not in text, source


def test_public_names_are_sorted():
    assert kpi_xl.__all__ == sorted(kpi_xl.__all__)

"""The report command's memory settings: applied where pyarrow has jemalloc, a no-op elsewhere,
and the report the same either way (the figures do not depend on where their memory came from)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kpi_xl import memory


def test_nothing_changes_where_pyarrow_has_no_jemalloc(monkeypatch):
    import pyarrow as pa

    monkeypatch.setattr(pa, "supported_memory_backends", lambda: ["mimalloc", "system"])
    before = pa.default_memory_pool().backend_name
    assert memory.reuse_freed_memory() is False
    assert pa.default_memory_pool().backend_name == before


REPORT = """
import json, sys
from kpi_xl import memory
if sys.argv[1] == "off":
    memory.reuse_freed_memory = lambda: False
from kpi_xl.cli import main
code = main(["report", "--data", sys.argv[2], "--plan", sys.argv[3], "--month", "2026-10", "--json", "-o", sys.argv[4]])
import pyarrow as pa
print(pa.default_memory_pool().backend_name, file=sys.stderr)
sys.exit(code)
"""


def test_the_report_is_the_same_with_and_without(tmp_path: Path):
    import yaml

    from kpi_xl.demo import DEMO_MONTH, DEMO_SETTINGS, write_demo_data

    files = write_demo_data(tmp_path, DEMO_MONTH)
    data, plan = files.activities, tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(DEMO_SETTINGS, allow_unicode=True), encoding="utf-8")
    runs = {mode: subprocess.run([sys.executable, "-c", REPORT, mode, str(data), str(plan),
                                  str(tmp_path / f"{mode}.xlsx")], capture_output=True, text=True, check=True)
            for mode in ("on", "off")}
    assert runs["on"].stderr.split()[-1] == "jemalloc"  # which keeps freed memory for the next column
    assert runs["off"].stderr.split()[-1] != "jemalloc"
    on, off = (json.loads(runs[mode].stdout) for mode in ("on", "off"))
    assert on.pop("output") != off.pop("output")
    assert on == off
    assert on["by_rep_month"]  # a report, not an error document

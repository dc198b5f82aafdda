"""Plan workbook build time and size for 50 reps × 12 months.

The baseline, measured in the same run, is openpyxl writing the same number of cells as
plain numbers (no formulas, styles or validation): the least any xlsx writer must pay.

    python benchmarks/bench_workbook.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.workbook.writer import build_workbook

SETTINGS = {"template": "sdr", "kgi": 1_200_000_000, "unit_price": 1_000_000,
            "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"}, "volumes": {"メール送信数": 0},
            "fiscal_year": 2026, "reps": 50, "leads": {"受注数": 1}, "split": "weighted"}


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    plan_path = folder / "plan.xlsx"

    def build() -> int:
        plan = build_plan(spec_from_settings(SETTINGS))
        wb, _ = build_workbook(plan)
        wb.save(plan_path)
        return sum(1 for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)

    cells = build()
    ours = best(build)

    def baseline() -> None:
        wb = Workbook()
        ws = wb.active
        width = 200
        for i in range(cells):
            ws.cell(i // width + 1, i % width + 1, i)
        wb.save(folder / "plain.xlsx")

    plain = best(baseline)
    size = plan_path.stat().st_size
    print(f"plan workbook, 50 reps × 12 months: {ours:.2f} s, {size / 1024:.0f} KiB, {cells:,} cells")
    print(f"  baseline (same cell count as plain numbers): {plain:.2f} s, "
          f"{(folder / 'plain.xlsx').stat().st_size / 1024:.0f} KiB   ratio {ours / plain:.1f}×")


if __name__ == "__main__":
    main()

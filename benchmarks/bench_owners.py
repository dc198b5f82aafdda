"""Report and plan time as the number of reps grows: 1,000 vs 10,000 owners (and plan reps).

    python benchmarks/bench_owners.py

Linear work gives a ratio near 10× for ten times the reps; the quadratic per-rep split this
guards against took over 300 s at 10,000 owners. Each run is a fresh process.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_report import measure


def write_inputs(folder: Path, owners: int) -> tuple[Path, Path]:
    """An export with three rows per owner, and a plan listing every owner as a rep."""
    names = [f"担当{i:05d}" for i in range(owners)]
    rows = ["活動ID,日付,担当者,活動種別,結果"]
    for i, name in enumerate(names):
        rows += [f"A{i}a,2026-10-0{1 + i % 9},{name},架電,通電", f"A{i}b,2026-10-13,{name},架電,不在",
                 f"A{i}c,2026-10-14,{name},架電,アポ獲得"]
    data = folder / f"activities_{owners}.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    plan = folder / f"plan_{owners}.json"
    plan.write_text(json.dumps({"template": "sdr", "kgi": 120_000_000_000, "unit_price": 1_000_000,
                                "rates": {"受注率": "20%", "商談化率": "12%", "コネクト率": "15%"},
                                "volumes": {"メール送信数": 0}, "fiscal_year": 2026, "reps": names},
                               ensure_ascii=False), encoding="utf-8")
    return data, plan


def run(folder: Path, owners: int) -> tuple[float, float]:
    data, plan = write_inputs(folder, owners)
    report = measure("from kpi_xl.cli import main\nmain(['report', '--data', {!r}, '--plan', {!r}, '--month', "
                     "'2026-10', '-o', {!r}, '--force'])".format(str(data), str(plan), str(folder / "r.xlsx")))
    planned = measure("from kpi_xl.cli import main\nmain(['plan', {!r}, '-o', {!r}, '--force'])"
                      .format(str(plan), str(folder / "p.xlsx")))
    return report[0], planned[0]


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    small, large = run(folder, 1_000), run(folder, 10_000)
    for label, i in (("kpi-xl report", 0), ("kpi-xl plan", 1)):
        print(f"{label:14}: 1,000 reps {small[i]:6.2f} s, 10,000 reps {large[i]:6.2f} s   "
              f"ratio {large[i] / small[i]:.1f}× for 10× the reps")


if __name__ == "__main__":
    main()

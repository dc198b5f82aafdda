"""End-to-end `kpi-xl report` time and peak memory on big activity CSVs, beside DuckDB's bare
`GROUP BY month, rep` over the same file in the same run (the least any tool can do).

    python benchmarks/bench_report.py            # 1M rows, clean and dirty, and 100 rows
    python benchmarks/bench_report.py 10000000   # 10M rows

Dirty: 1% of the rows carry what real exports do (full-width digits, 2026/10/05 dates, a name
padded with a full-width space, a repeated ID). The 100-row report is the common monthly case:
its wall time is mostly imports. Also compares XLSX reading: python-calamine vs pandas'
openpyxl engine on 200k rows.
Each measurement runs in a fresh process so peak RSS is its own.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

REPS = [f"担当{i:02d}" for i in range(1, 41)]
KINDS = [("架電", "通電"), ("架電", "不在"), ("架電", "不在"), ("架電", "アポ獲得"), ("メール", "")]


def make_csv(path: Path, rows: int, dirty: bool = False) -> None:
    rnd = random.Random(1)
    start = date(2026, 4, 1)
    days = [(start + timedelta(i)).isoformat() for i in range(365)]
    with path.open("w", encoding="utf-8") as handle:
        handle.write("活動ID,日付,担当者,活動種別,結果,件数\n")
        chunk = []
        for i in range(rows):
            kind, result = rnd.choice(KINDS)
            ident, day, rep, count = f"A{i}", rnd.choice(days), rnd.choice(REPS), "1"
            if dirty and rnd.random() < 0.01:
                odd = rnd.randrange(4)
                day = day.replace("-", "/") if odd == 0 else day
                rep = rep + "\u3000" if odd == 1 else rep
                count = "１" if odd == 2 else count
                ident = f"A{i - 1}" if odd == 3 else ident
            chunk.append(f"{ident},{day},{rep},{kind},{result},{count}\n")
            if len(chunk) == 100_000:
                handle.write("".join(chunk))
                chunk = []
        handle.write("".join(chunk))


def measure(code: str) -> tuple[float, float]:
    """Run ``code`` in a fresh Python; return (seconds, peak RSS in MiB)."""
    script = ("import resource, time, sys\nstart = time.perf_counter()\n" + code +
              "\nprint(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    seconds, rss = out.stdout.strip().splitlines()[-1].split()
    return float(seconds), float(rss)


def compare(folder: Path, rows: int, dirty: bool, plan: Path) -> float:
    """Best of 3 interleaved runs of kpi-xl report and DuckDB's GROUP BY; prints both, returns the ratio."""
    csv_path = folder / f"activities{'-dirty' if dirty else ''}-{rows}.csv"
    make_csv(csv_path, rows, dirty)
    duck_code = (f"import duckdb\nduckdb.sql(\"SELECT strftime(try_cast(日付 AS DATE), '%Y-%m') m, 担当者, count(*) "
                 f"FROM read_csv('{csv_path}', all_varchar=true) GROUP BY ALL\").fetchall()")
    our_code = ("from kpi_xl.cli import main\nmain(['report', '--data', {!r}, '--plan', {!r}, '--month', '2026-10', "
                "'-o', {!r}, '--force'])".format(str(csv_path), str(plan), str(folder / "report.xlsx")))
    runs = [(measure(duck_code), measure(our_code)) for _ in range(3)]  # interleaved, best of 3 each
    duck = min((d for d, _ in runs), key=lambda m: m[0])
    ours = min((o for _, o in runs), key=lambda m: m[0])
    what = f"{rows:,} rows{' (1% dirty)' if dirty else ''} ({csv_path.stat().st_size / 1e6:.1f} MB CSV)"
    print(what)
    print(f"  kpi-xl report : {ours[0]:6.2f} s, peak {ours[1]:7.0f} MiB")
    print(f"  DuckDB GROUP BY month, rep: {duck[0]:6.2f} s, peak {duck[1]:7.0f} MiB   ratio {ours[0] / duck[0]:.1f}×")
    return ours[0] / duck[0]


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    folder = Path(tempfile.mkdtemp())
    plan = folder / "plan.json"
    plan.write_text(json.dumps({"template": "sdr", "kgi": 4_000_000_000, "unit_price": 1_000_000,
                                "rates": {"受注率": "20%", "商談化率": "12%", "コネクト率": "15%"},
                                "volumes": {"メール送信数": 0}, "fiscal_year": 2026, "reps": REPS},
                               ensure_ascii=False), encoding="utf-8")
    compare(folder, rows, False, plan)
    if rows > 1_000_000:
        return
    compare(folder, rows, True, plan)
    compare(folder, 100, False, plan)
    import pandas as pd

    frame = pd.read_csv(folder / f"activities-{rows}.csv", nrows=200_000)
    xlsx = folder / "activities.xlsx"
    frame.to_excel(xlsx, index=False)
    cal = measure(f"import pandas as pd\npd.read_excel({str(xlsx)!r}, engine='calamine')")
    opx = measure(f"import pandas as pd\npd.read_excel({str(xlsx)!r}, engine='openpyxl')")
    print(f"XLSX 200k rows: calamine {cal[0]:.2f} s vs openpyxl {opx[0]:.2f} s   {opx[0] / cal[0]:.1f}× faster")


if __name__ == "__main__":
    main()

"""End-to-end `kpi-xl report` time and peak memory on big activity CSVs, beside DuckDB's bare
`GROUP BY month, rep` over the same file in the same run (the least any tool can do).

    python benchmarks/bench_report.py            # 1M rows, clean and dirty, and 100 rows
    python benchmarks/bench_report.py 10000000   # 10M rows
    python benchmarks/bench_report.py 100000000  # 100M rows (4.6 GB CSV, read in chunks; one run)
    python benchmarks/bench_report.py all        # all of them in one run (~20 min), then one table

From 10M rows the same rows are also read as a folder of Parquet files (a warehouse's export).

Dirty: 1% of the rows carry what real exports do (full-width digits, 2026/10/05 dates, a name
padded with a full-width space, a repeated ID). The 100-row report is the common monthly case:
its wall time is mostly imports. Also compares XLSX reading: python-calamine vs pandas'
openpyxl engine on 200k rows.
Each measurement runs in a fresh process so peak RSS is its own. A CSV of 512 MB or more is
cleaned in chunks (kpi_xl.sfa.streaming): peak memory stays near one chunk's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPS = [f"担当{i:02d}" for i in range(1, 41)]
# A past year, as an export's is: an activity dated after today is not counted (future_date)
FISCAL_YEAR, MONTH = 2025, "2025-10"
KINDS = [("架電", "通電"), ("架電", "不在"), ("架電", "不在"), ("架電", "アポ獲得"), ("メール", "")]


def make_csv(path: Path, rows: int, dirty: bool = False) -> None:
    """``rows`` activities over a year, 40 reps; generated a million rows at a time with numpy
    (a 100M-row file in about two minutes), the same file for the same arguments."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pv

    rng = np.random.default_rng(1)
    start = date(FISCAL_YEAR, 4, 1)
    days = np.array([(start + timedelta(i)).isoformat() for i in range(365)], dtype=object)
    reps = np.array(REPS, dtype=object)
    kinds = np.array([k for k, _ in KINDS], dtype=object)
    results = np.array([r for _, r in KINDS], dtype=object)
    options = pv.WriteOptions(include_header=False, quoting_style="none")  # no value holds a comma
    with path.open("wb") as handle:
        handle.write("活動ID,日付,担当者,活動種別,結果,件数\n".encode())
        for first in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - first)
            number = np.arange(first, first + n)
            kind = rng.integers(len(KINDS), size=n)
            day, rep, count = days[rng.integers(365, size=n)], reps[rng.integers(len(REPS), size=n)], np.full(n, "1",
                                                                                                          dtype=object)
            if dirty:  # 1%: a 2026/10/05 date, a name padded with a full-width space, a full-width digit, a repeated ID
                odd = np.where(rng.random(n) < 0.01, rng.integers(4, size=n), -1)
                day = np.where(odd == 0, np.char.replace(day.astype(str), "-", "/").astype(object), day)
                rep = np.where(odd == 1, rep + "\u3000", rep)
                count = np.where(odd == 2, "１", count)
                number = np.where(odd == 3, number - 1, number)
            ident = np.char.add("A", number.astype(str)).astype(object)
            table = pa.table({"id": ident, "day": day, "rep": rep, "kind": kinds[kind], "result": results[kind],
                              "count": count})
            pv.write_csv(table, handle, options)


def measure(code: str) -> tuple[float, float, str]:
    """Run ``code`` in a fresh Python; return (seconds from its first line, peak RSS in MiB, what it printed)."""
    script = ("import resource, time, sys\nstart = time.perf_counter()\n" + code +
              "\nprint(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    *printed, last = out.stdout.strip().splitlines()
    seconds, rss = last.split()
    return float(seconds), float(rss), "\n".join(printed)


CHECK = """SELECT 担当者, strftime(CAST(日付 AS DATE), '%Y-%m'), count(*) FILTER (活動種別 = '架電'),
  count(*) FILTER (活動種別 = 'メール'), count(*) FILTER (結果 IN ('通電', 'アポ獲得')),
  count(*) FILTER (結果 = 'アポ獲得')
FROM read_csv(?, all_varchar = true) GROUP BY ALL"""


def agreement(csv_path: Path, report: str) -> str:
    """Calls, emails, connects (a meeting was a connect) and meetings per rep × month of a clean
    file, counted by DuckDB on its own, against `kpi-xl report --json`."""
    import duckdb

    by_rep = json.loads(report)["by_rep_month"]
    rows = duckdb.execute(CHECK, [str(csv_path)]).fetchall()
    same = sum(1 for rep, month, *counts in rows
               if [by_rep[rep][month][k] for k in ("calls", "emails_sent", "connects", "meetings")] == counts)
    return f"  counts per rep × month agree with DuckDB's own: {same}/{len(rows)}"


def report_code(data: Path, plan: Path, folder: Path) -> str:
    """The Python that runs ``kpi-xl report`` on ``data`` for MONTH, in a fresh process."""
    args = ["report", "--data", str(data), "--plan", str(plan), "--month", MONTH, "-o", str(folder / "report.xlsx"),
            "--force", "--json"]
    return f"from kpi_xl.cli import main\nmain({args!r})"


def compare(folder: Path, rows: int, dirty: bool, plan: Path, runs: int = 5) -> float:
    """Best of ``runs`` interleaved runs of kpi-xl report and DuckDB's GROUP BY; prints both, returns the ratio."""
    csv_path = folder / f"activities{'-dirty' if dirty else ''}-{rows}.csv"
    # written by a child: a child's peak RSS starts at its parent's, so the parent stays small
    subprocess.run([sys.executable, __file__, "--write", str(csv_path), str(rows), str(int(dirty))], check=True)
    duck_code = (f"import duckdb\nduckdb.sql(\"SELECT strftime(try_cast(日付 AS DATE), '%Y-%m') m, 担当者, count(*) "
                 f"FROM read_csv('{csv_path}', all_varchar=true) GROUP BY ALL\").fetchall()")
    our_code = report_code(csv_path, plan, folder)
    timed = [(measure(duck_code), measure(our_code)) for _ in range(runs)]  # interleaved, best of each
    duck = min((d for d, _ in timed), key=lambda m: m[0])
    ours = min((o for _, o in timed), key=lambda m: m[0])
    what = f"{rows:,} rows{' (1% dirty)' if dirty else ''} ({csv_path.stat().st_size / 1e6:.1f} MB CSV)"
    print(what)
    print(f"  kpi-xl report : {ours[0]:6.2f} s, peak {ours[1]:7.0f} MiB")
    print(f"  DuckDB GROUP BY month, rep: {duck[0]:6.2f} s, peak {duck[1]:7.0f} MiB   ratio {ours[0] / duck[0]:.1f}×")
    if rows < 10_000:  # the common monthly case: what a user waits for, Python's own start included
        wall = command_wall(csv_path, plan, folder)
        print(f"  `python -m kpi_xl.cli report`, whole process: {wall:.2f} s (Python alone: {python_start():.2f} s)")
    if not dirty:
        print(agreement(csv_path, ours[2]))
    RESULTS.append((what, ours, duck))
    return ours[0] / duck[0]


RESULTS: list[tuple[str, tuple, tuple]] = []  # (what, ours, DuckDB's) for the closing table


def main() -> None:
    if sys.argv[1:2] == ["--write"]:
        make_csv(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1")
        return
    wanted = sys.argv[1] if len(sys.argv) > 1 else "1000000"
    compiled()
    for rows in (1_000_000, 10_000_000, 100_000_000) if wanted == "all" else (int(wanted),):
        with tempfile.TemporaryDirectory() as name:  # a 100M-row CSV is 4.6 GB: not left behind
            run(Path(name), rows)
    print("\n| activity CSV | kpi-xl report | peak RSS | DuckDB GROUP BY | ratio |\n|---|---|---|---|---|")
    for what, ours, duck in RESULTS:
        print(f"| {what} | {ours[0]:.2f} s | {ours[1] / 1024:.1f} GiB | {duck[0]:.2f} s | {ours[0] / duck[0]:.1f}× |")


def command_wall(csv_path: Path, plan: Path, folder: Path, runs: int = 5) -> float:
    """Best wall seconds of the report command as a user runs it (start and exit included)."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", str(csv_path), "--plan", str(plan),
                        "--month", MONTH, "-o", str(folder / "report.xlsx"), "--force", "--json"],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return min(times)


def python_start() -> float:
    """Wall seconds of `python -c pass` (this machine's interpreter start, site packages included)."""
    times = []
    for _ in range(5):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - began)
    return min(times)


def compiled() -> None:
    """kpi_xl's bytecode written first, as `pip install` writes it: a checkout run with
    PYTHONDONTWRITEBYTECODE would compile every module again on each start (~50 ms)."""
    import compileall

    import kpi_xl

    compileall.compile_dir(Path(kpi_xl.__file__).parent, quiet=1)


def compare_parquet(folder: Path, rows: int, plan: Path) -> None:
    """The clean CSV as a folder of Parquet files (typed by DuckDB's reader, as a warehouse
    exports it): kpi-xl report on it beside DuckDB's GROUP BY over the same folder."""
    import duckdb

    csv_path, lake = folder / f"activities-{rows}.csv", folder / "lake"
    duckdb.execute(f"COPY (SELECT * FROM read_csv('{csv_path}')) TO '{lake}' (FORMAT parquet, PER_THREAD_OUTPUT)")
    duck_code = (f"import duckdb\nduckdb.sql(\"SELECT strftime(日付, '%Y-%m') m, 担当者, count(*) "
                 f"FROM read_parquet('{lake}/*.parquet') GROUP BY ALL\").fetchall()")
    our_code = report_code(lake, plan, folder)
    duck, ours = measure(duck_code), measure(our_code)
    print(f"{rows:,} rows as a Parquet folder")
    RESULTS.append((f"{rows:,} rows as a Parquet folder", ours, duck))
    print(f"  kpi-xl report : {ours[0]:6.2f} s, peak {ours[1]:7.0f} MiB")
    print(f"  DuckDB GROUP BY month, rep: {duck[0]:6.2f} s, peak {duck[1]:7.0f} MiB   ratio {ours[0] / duck[0]:.1f}×")
    print(agreement(csv_path, ours[2]))


def run(folder: Path, rows: int) -> None:
    plan = folder / "plan.json"
    plan.write_text(json.dumps({"template": "sdr", "kgi": 4_000_000_000, "unit_price": 1_000_000,
                                "rates": {"受注率": "20%", "商談化率": "12%", "コネクト率": "15%"},
                                "volumes": {"メール送信数": 0}, "fiscal_year": FISCAL_YEAR, "reps": REPS},
                               ensure_ascii=False), encoding="utf-8")
    compare(folder, rows, False, plan, 1 if rows >= 50_000_000 else 3 if rows > 1_000_000 else 5)  # 100M: ~5 min a run
    if rows > 1_000_000:
        compare_parquet(folder, rows, plan)
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

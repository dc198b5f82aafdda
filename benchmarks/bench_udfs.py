"""Excel functions through xlwings's conversion path (as call_udf runs them), µs per call.

Baseline in the same run: the engine function alone, without xlwings's conversions.
Single calls of =KPI_REVERSE, and =KPI_STATUS vectorised over a 10,000-row range.

    python benchmarks/bench_udfs.py
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpi_xl.engine.diagnosis import status
from kpi_xl.engine.funnel import reverse_rates
from tests.xlwings_harness import call, decorated_udfs


def per_call_us(fn, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def main() -> None:
    udfs = decorated_udfs()
    rates = [[0.2], [0.1], [0.15]]
    single = per_call_us(lambda: call(udfs, "KPI_REVERSE", 12_000_000.0, rates, 1_000_000.0), 2_000)
    bare = per_call_us(lambda: reverse_rates(12_000_000.0, [0.2, 0.1, 0.15], 1_000_000.0), 2_000)
    print(f"=KPI_REVERSE, one call          : {single:9.1f} µs   "
          f"(engine alone {bare:.1f} µs, ratio {single / bare:.1f}×)")
    actual = [[float(i % 120)] for i in range(10_000)]
    target = [[100.0]] * 10_000
    vector = per_call_us(lambda: call(udfs, "KPI_STATUS", actual, target), 5)
    loop = per_call_us(lambda: [status(a[0], t[0], 0.9) for a, t in zip(actual, target)], 5)
    print(f"=KPI_STATUS over 10,000 rows    : {vector / 1000:9.1f} ms   (engine loop {loop / 1000:.1f} ms, "
          f"ratio {vector / loop:.1f}×; {vector / 10_000:.2f} µs per row)")


if __name__ == "__main__":
    main()

"""How well the report's 着地見込み forecasts a month from its first half, on the Maven CRM
deal list (../shared/data): each month 2017-03…2017-12 forecast as of its middle business day
with the history cut there, against how it really ended.

    python benchmarks/backtest_landing.py [sales_pipeline.csv]

Prints, for wins and revenue and for both ways the report forecasts (the business-day pace,
and the open deals weighted by their chance), the share of months whose P10–P90 range held
the real month end and the mean absolute error of P50. tests/report/test_landing.py keeps the
figures inside the band the README states.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kpi_xl.engine.templates import get_template
from kpi_xl.report.backtest import backtest, summary
from kpi_xl.report.landings import Basis

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "maven-crm-sales-opportunities" / "sales_pipeline.csv"
MAPPING = ROOT / "examples" / "mappings" / "maven-crm.yaml"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    trials = backtest([path], get_template("sdr"), MAPPING)
    print("| outcome | forecast | months | P10–P90 held the month end | mean abs. error of P50 |")
    print("|---|---|---|---|---|")
    for metric in ("won", "revenue"):
        for basis in Basis:
            cover, error, months = summary(trials, metric, basis)
            print(f"| {metric} | {basis.value} | {months} | {cover:.0%} | {error:.1%} |")


if __name__ == "__main__":
    main()

"""Write templates/holidays_jp.csv: Japan's public holidays (振替休日 included) from jpholiday,
for the years the calendar reads from the table instead of computing them each run (jpholiday
takes ~50 ms a year). tests/engine/test_calendar_table.py fails when the table and jpholiday
disagree; then run this again.

    python scripts/make_holidays.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import jpholiday

from kpi_xl.engine.calendar import TABLE_YEARS

OUT = Path(__file__).resolve().parents[1] / "templates" / "holidays_jp.csv"


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["date", "name"])
        for year in range(TABLE_YEARS[0], TABLE_YEARS[1] + 1):
            for day, name in jpholiday.year_holidays(year):
                writer.writerow([day.isoformat(), name])
    print(OUT)


if __name__ == "__main__":
    main()

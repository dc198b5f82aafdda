"""A typed table's cells read as the text a CSV export of the same rows holds (written out by
hand here): the cleaning then treats a warehouse's rows exactly as a file's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest

from kpi_xl.sfa.cells import cell_rows

CASES = [
    (pa.array([dt.datetime(2026, 10, 1, 9, 15, 30, 500000), None]), ["2026-10-01 09:15:30", None]),
    (pa.array([dt.datetime(2026, 10, 1, 0, 15)], pa.timestamp("us", tz="UTC")).cast(
        pa.timestamp("us", tz="Asia/Tokyo")), ["2026-10-01 09:15:00"]),  # in the column's own zone
    (pa.array([dt.date(2026, 10, 1), None]), ["2026-10-01", None]),
    (pa.array([123, None]), ["123", None]),  # never 123.0 beside a NULL
    (pa.array([1.5, None]), ["1.5", None]),
    (pa.array([Decimal("1234.50")]), ["1234.50"]),
    (pa.array([True, None, False]), ["TRUE", None, "FALSE"]),
    (pa.array(["佐藤 健", None], pa.large_string()), ["佐藤 健", None]),
]


@pytest.mark.parametrize(("column", "text"), CASES, ids=[str(c.type) for c, _ in CASES])
def test_typed_cells_read_as_their_csv_text(column, text):
    rows = cell_rows(pa.record_batch([column], names=["x"]), 7)
    assert [None if v is pd.NA else v for v in rows[0]] == text
    assert list(rows.index) == list(range(7, 7 + len(text)))  # numbered from where the batch starts

"""Typed values (a Parquet file's, a database's, Spark's) as the text a CSV export of them
holds, so that every source is cleaned by the same rules."""

from __future__ import annotations

from typing import Any

import pandas as pd


def _cells(column: Any) -> pd.Series:
    """A typed column as the text a CSV export of it holds, converted in Arrow (no Python
    object per cell): a NULL of any type is a blank cell; a BOOLEAN reads TRUE/FALSE, as a
    spreadsheet shows it (a flag column takes both); a timestamp 2026-10-01 09:15:00, a date
    2026-10-01, an integer 123 (never 123.0 beside NULLs)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_boolean(kind):
        text = pc.if_else(column, "TRUE", "FALSE")
    elif pa.types.is_timestamp(kind):  # to the second, in the column's own time zone (JST for 日本)
        text = pc.strftime(pc.cast(column, pa.timestamp("s", kind.tz), safe=False), format="%Y-%m-%d %H:%M:%S")
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column
    else:
        text = pc.cast(column, pa.string())
    return pd.Series(text, dtype="string[pyarrow]")


def cell_rows(batch: Any, start: int) -> pd.DataFrame:
    """An Arrow record batch or table as raw rows (columns 0…n-1), the first numbered ``start``."""
    frame = pd.DataFrame({i: _cells(column) for i, column in enumerate(batch.columns)})
    frame.index = pd.RangeIndex(start, start + batch.num_rows)
    return frame

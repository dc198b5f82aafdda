"""Typed values (a Parquet file's, a database's, Spark's) as the text a CSV export of them
holds, so that every source is cleaned by the same rules."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from kpi_xl.sfa.encodings import distinct

PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}  # a duration's ticks


def _cells(column: Any) -> pd.Series:
    """A typed column as the text a CSV export of it holds, converted in Arrow (no Python
    object per cell): a NULL of any type is a blank cell; a BOOLEAN reads TRUE/FALSE, as a
    spreadsheet shows it (a flag column takes both); a timestamp 2026-10-01 09:15:00 (with its
    offset, +0900, when it has a time zone: shown in the team's zone like a CSV's), a date
    2026-10-01, an integer 123 (never 123.0 beside NULLs); a duration (INTERVAL) a clock,
    0:02:05 — never its microseconds as a number of seconds; a list, struct or map its JSON,
    bytes their hex: a column nothing reads is listed as ignored, never the file unreadable."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_boolean(kind):
        text = pc.if_else(column, "TRUE", "FALSE")
    elif pa.types.is_timestamp(kind):  # to the second; a zoned one with its offset, as a CSV of it shows
        text = pc.strftime(pc.cast(column, pa.timestamp("s", kind.tz), safe=False),
                           format="%Y-%m-%d %H:%M:%S" + ("%z" if kind.tz else ""))
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column
    elif pa.types.is_duration(kind):
        text = _clocks(column)
    else:
        try:
            text = pc.cast(column, pa.string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):  # nested values, bytes that are no UTF-8
            text = pa.array([_as_text(v) for v in column.to_pylist()], pa.string())
    return pd.Series(text, dtype="string[pyarrow]")


def _clocks(column: Any) -> Any:
    """Durations as h:mm:ss text (fractions kept), each distinct value formatted once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    seconds = pc.divide(pc.cast(pc.cast(column, pa.int64()), pa.float64()), PER_SECOND[column.type.unit])
    encoded = distinct(seconds)
    words = pa.array([_clock(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(words, encoded.indices)


def _clock(seconds: float) -> str:
    """125.5 → 0:02:05.5; a negative duration keeps its sign (and is reported as unreadable)."""
    sign, rest = ("-" if seconds < 0 else ""), abs(seconds)
    hours, minutes, secs = int(rest // 3600), int(rest % 3600 // 60), rest % 60
    tail = f"{int(secs):02d}" if secs == int(secs) else f"{secs:09.6f}".rstrip("0")
    return f"{sign}{hours}:{minutes:02d}:{tail}"


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex()
    return json.dumps(value, ensure_ascii=False, default=str)


def cell_rows(batch: Any, start: int) -> pd.DataFrame:
    """An Arrow record batch or table as raw rows (columns 0…n-1), the first numbered ``start``."""
    frame = pd.DataFrame({i: _cells(column) for i, column in enumerate(batch.columns)})
    frame.index = pd.RangeIndex(start, start + batch.num_rows)
    return frame

"""What ``--data`` names: a CSV or XLSX file, a Parquet file or folder, a DuckDB table
(``history.duckdb:activities``) or a Spark table (``spark:sales.activities``)."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from kpi_xl.errors import DataError
from kpi_xl.i18n import Text
from kpi_xl.sfa.reading import RawFile, read_file, read_or_explain, xlsx_sheets
from kpi_xl.sfa.spark import SparkTable, spark_table, spark_table_name
from kpi_xl.sfa.tables import TypedTable, database_table, file_table


def typed_table(path: Path | str) -> TypedTable | SparkTable | None:
    """The typed table ``path`` names, or None for a CSV or XLSX file."""
    name = spark_table_name(path)
    return spark_table(name) if name is not None else file_table(path)


def read_raw(path: Path | str, encoding: str | None = None) -> RawFile:
    """One source's rows as found; ``encoding`` overrides the detection for CSV files."""
    typed = typed_table(path)
    if typed is not None:
        return read_or_explain(typed.label, typed.whole)
    return read_file(path, encoding)


def read_sheets(path: Path | str, encoding: str | None = None) -> list[RawFile]:
    """:func:`read_raw`, but every sheet of a workbook that holds cells, each its own source."""
    if typed_table(path) is None and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        return xlsx_sheets(path)
    return [read_raw(path, encoding)]


def expanded(paths: Sequence[Path | str]) -> list[Path | str]:
    """``paths`` with each pattern (exports/*.csv) replaced by the files it matches, in name
    order: Windows' command prompt hands a pattern over as it was typed. A pattern that matches
    nothing is named in one line, never read as no data."""
    out: list[Path | str] = []
    for path in paths:
        text = str(path)
        table = spark_table_name(path) is not None or database_table(path)[1] is not None
        if table or Path(text).exists() or not glob.has_magic(text):
            out.append(path)
            continue
        matches = sorted(glob.glob(text))
        if not matches:
            raise DataError("data_unreadable", file=text,
                            reason=Text("このパターンに合うファイルがありません", "no file matches this pattern"))
        out.extend(matches)
    return out

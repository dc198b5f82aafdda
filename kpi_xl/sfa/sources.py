"""What ``--data`` names: a CSV or XLSX file, a Parquet file or folder, a DuckDB table
(``history.duckdb:activities``) or a Spark table (``spark:sales.activities``)."""

from __future__ import annotations

from pathlib import Path

from kpi_xl.sfa.reading import RawFile, read_file, read_or_explain
from kpi_xl.sfa.spark import SparkTable, spark_table, spark_table_name
from kpi_xl.sfa.tables import TypedTable, file_table


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

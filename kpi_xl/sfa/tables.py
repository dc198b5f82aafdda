"""Typed tables read as raw rows in Arrow batches: a Parquet file, a folder of them (a
warehouse's or lake's partitioned export) and a table or view of a DuckDB database
(``history.duckdb:activities``, opened read-only and locked down)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kpi_xl.errors import DataError
from kpi_xl.i18n import NO_SUCH_FILE, Text
from kpi_xl.sfa.cells import cell_rows
from kpi_xl.sfa.reading import RawFile, no_table, sha256

DATABASES = (".duckdb", ".db", ".ddb")


def database_table(path: Path | str) -> tuple[Path, str | None]:
    """``history.duckdb:activities`` → (the database, the table); anything else → (path, None)."""
    text = str(path)
    base, sep, table = text.rpartition(":")
    if sep and table and Path(base).suffix.lower() in DATABASES:
        return Path(base), table
    return Path(text), None


@dataclass
class TypedTable:
    """A typed table — a Parquet file, a folder of them, a DuckDB table or view — read as raw
    rows in Arrow batches: its column names as the header row (row 1), then its rows."""

    file: Path
    table: str | None  # a database's table
    engine: str

    @property
    def label(self) -> str:
        """How errors name it: the file, or file:table."""
        return f"{self.file}:{self.table}" if self.table else str(self.file)

    @property
    def digest(self) -> str:
        """The file's SHA-256 (a folder's: of its files), read only when a report records it."""
        return folder_sha256(self.file) if self.file.is_dir() else sha256(self.file)

    def batches(self, rows: int = 1 << 20) -> Iterator[pd.DataFrame]:
        """The rows in batches of up to ``rows``, the names row first."""
        import pyarrow as pa

        with self._opened() as (names, batches, _):
            yield pd.DataFrame([names])
            start, pending, size = 1, [], 0
            for batch in batches(rows):  # a Parquet file's come a row group (~120k rows) at a time
                pending.append(batch)
                size += batch.num_rows
                if size >= rows:
                    yield cell_rows(pa.Table.from_batches(pending), start)
                    start, pending, size = start + size, [], 0
            if pending:
                yield cell_rows(pa.Table.from_batches(pending), start)

    def count(self) -> int:
        """How many rows the table has (from the files' metadata, or the database)."""
        with self._opened() as (_, _, count):
            return count()

    def whole(self) -> RawFile:
        rows = pd.concat(list(self.batches()))
        return RawFile(self.file, rows, None, self.engine, self.digest, table=self.table)

    @contextmanager
    def _opened(self) -> Iterator[tuple[list[str], Callable[[int], Iterator[Any]], Callable[[], int]]]:
        """(column names, batches of n rows, row count) of the open dataset or database table."""
        if self.table is None:
            dataset = _parquet(self.file)
            yield dataset.schema.names, lambda n: _parquet_batches(dataset, n), dataset.count_rows
            return
        with _database(self.file) as con:
            relation = _relation(con, self.file, self.table)
            yield (relation.columns, lambda n: iter(relation.to_arrow_reader(n)),
                   lambda: relation.aggregate("count(*)").fetchall()[0][0])


def _parquet_batches(dataset: Any, rows: int) -> Iterator[Any]:
    """A Parquet dataset's batches file by file, row group by row group, read as they are
    asked for (the dataset scanner reads ahead whole files: 5.7 GiB on 100M rows); a
    partition's keys (``month=2026-10``) become the columns the dataset names them."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    schema = dataset.schema
    for fragment in dataset.get_fragments():
        keys = ds.get_partition_keys(fragment.partition_expression)
        with pq.ParquetFile(fragment.path) as file:
            for batch in file.iter_batches(batch_size=rows):
                n = batch.num_rows
                columns = [batch.column(name) if name in batch.schema.names else
                           pa.array([keys.get(name)] * n, schema.field(name).type) for name in schema.names]
                yield pa.record_batch(columns, names=schema.names)


# A database file is data, not a program: a view in it may not read other files, reach the
# network or load extensions.
LOCKED_DOWN = {"enable_external_access": False, "autoinstall_known_extensions": False,
               "autoload_known_extensions": False}


@contextmanager
def _database(file: Path) -> Iterator[Any]:
    """A DuckDB database, opened read-only and locked down."""
    import duckdb

    with duckdb.connect(str(file), read_only=True, config=LOCKED_DOWN) as con:
        yield con


def _relation(con: Any, file: Path, table: str) -> Any:
    """A table or view by name, bound as an identifier (never spliced into SQL), so a name
    cannot run anything; a missing one named with the tables there are."""
    import duckdb

    try:
        return con.table(table)
    except duckdb.CatalogException:
        names = sorted(row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall())
        raise DataError("data_unreadable", file=str(file),
                        reason=no_table(table, names)) from None


def _parquet(path: Path) -> Any:
    """A Parquet file or folder (``month=2026-10/…`` partitions become a text column)."""
    import pyarrow.dataset as ds

    partitioning = ds.HivePartitioning.discover(infer_dictionary=False) if path.is_dir() else None
    return ds.dataset(path, format="parquet", partitioning=partitioning)


def folder_sha256(folder: Path) -> str:
    """One digest of a folder of Parquet files: each file's path and content, in order."""
    digest = hashlib.sha256()
    for part in sorted(folder.rglob("*.parquet")):
        digest.update(str(part.relative_to(folder)).encode() + sha256(part).encode())
    return digest.hexdigest()


def file_table(path: Path | str) -> TypedTable | None:
    """The Parquet file or folder, or the DuckDB table (``history.duckdb:activities``), that
    ``path`` names; None for anything else."""
    file, table = database_table(path)
    if table is not None:
        if not file.is_file():
            raise DataError("data_unreadable", file=str(file), reason=NO_SUCH_FILE)
        try:
            import duckdb
        except ImportError:
            raise DataError("data_unreadable", file=str(file),
                            reason=Text("データベースを読むには pip install duckdb が必要です",
                                        "reading a database needs: pip install duckdb")) from None
        return TypedTable(file, table, f"duckdb {duckdb.__version__}")
    if file.is_dir() and any(file.rglob("*.parquet")):
        return TypedTable(file, None, "pyarrow dataset")
    if file.is_file() and file.suffix.lower() == ".parquet":
        return TypedTable(file, None, "pyarrow")
    return None

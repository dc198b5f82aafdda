"""Reading SFA/CRM export files into raw rows: CSV (UTF-8, UTF-8 BOM, CP932 detected),
XLSX (python-calamine when installed, else openpyxl; the engine used is recorded), Parquet
(a file or a folder of them, e.g. a warehouse's partitioned export) and a table of a DuckDB
database (``history.duckdb:activities``, opened read-only). Everything is read as found;
headers and values are interpreted later, so that every row can be accounted for."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kpi_xl.errors import DataError, InputError, KpiXlError
from kpi_xl.sfa.findings import Rule
from kpi_xl.xlsx.safety import check_archive

SNIFF_BYTES = 1 << 16


@dataclass
class RawFile:
    """A file's rows before interpretation; row ``i`` of ``rows`` is source row ``i + 1``."""

    path: Path
    rows: pd.DataFrame  # positional columns, values as read (str for CSV)
    encoding: str | None
    engine: str
    sha256: str
    delimiter: str | None = None
    note: Rule | None = None  # something about the file as a whole (a CSV re-saved by Excel)
    table: str | None = None  # the table read, for a database

    @property
    def name(self) -> str:
        """How findings and sheets name the source: the file, or file:table."""
        return f"{self.path.name}:{self.table}" if self.table else self.path.name


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _decodes(head: bytes, encoding: str) -> bool:
    """Whether ``head`` is valid in ``encoding`` (a character cut by the sample's end allowed)."""
    try:
        head.decode(encoding)
        return True
    except UnicodeDecodeError as exc:  # valid up to a character the sample's end cut in two
        cut = exc.reason in ("unexpected end of data", "incomplete multibyte sequence")
        return cut and exc.end == len(head) and len(head) >= SNIFF_BYTES


def detect_encoding(head: bytes) -> str:
    """utf-8-sig (BOM), utf-8, then cp932 — Japanese Windows' Shift_JIS with the NEC and IBM
    extensions (髙, 﨑, ①, ㈱) — whenever the bytes are valid cp932, before any other
    Shift_JIS variant would garble those names; else what charset-normalizer finds."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        if _decodes(head, encoding):
            return encoding
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    name = (best.encoding if best else "cp932").lower()
    return "cp932" if name in ("shift_jis", "cp932", "shift-jis", "sjis", "ms932", "shift_jis_2004") else name


def check_encoding(name: str) -> str:
    """A codec name Python knows (cp932, utf-8, shift_jis …), normalised; else an input error."""
    import codecs

    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError("bad_choice", field="--encoding", value=name,
                         allowed="cp932, utf-8, utf-8-sig, shift_jis, euc-jp, latin-1 …") from None


def read_raw(path: Path | str, encoding: str | None = None) -> RawFile:
    """One file's rows as found; ``encoding`` overrides the detection for CSV files."""
    typed = typed_table(path)
    if typed is not None:
        return read_or_explain(typed.file, typed.whole)
    file = Path(path)
    if not file.is_file():
        raise DataError("data_unreadable", file=str(file), reason="no such file")
    suffix = file.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_or_explain(file, lambda: _csv(file, encoding))
    if suffix in (".xlsx", ".xlsm"):
        return read_or_explain(file, lambda: _xlsx(file))
    raise DataError("data_format", file=str(file), suffix=suffix or "(none)")


DATABASES = (".duckdb", ".db", ".ddb")


def database_table(path: Path | str) -> tuple[Path, str | None]:
    """``history.duckdb:activities`` → (the database, the table); anything else → (path, None)."""
    text = str(path)
    base, sep, table = text.rpartition(":")
    if sep and table and Path(base).suffix.lower() in DATABASES:
        return Path(base), table
    return Path(text), None


def read_or_explain(file: Path, read: Any) -> RawFile:
    """``read()``, its own errors as they are, any library's as "unreadable" (one line)."""
    try:
        return read()
    except KpiXlError:
        raise
    except Exception as exc:  # each reader raises its own classes; all mean "unreadable"
        raise DataError("data_unreadable", file=str(file), reason=str(exc).splitlines()[0][:200]) from None


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


@dataclass
class TypedTable:
    """A typed table — a Parquet file, a folder of them, a DuckDB table or view — read as raw
    rows in Arrow batches: its column names as the header row (row 1), then its rows."""

    file: Path
    table: str | None  # a database's table
    engine: str

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


def typed_table(path: Path | str) -> TypedTable | None:
    """The typed table ``path`` names (``x.parquet``, a folder of Parquet files,
    ``history.duckdb:activities``), or None for a CSV or XLSX file."""
    file, table = database_table(path)
    if table is not None:
        if not file.is_file():
            raise DataError("data_unreadable", file=str(file), reason="no such file")
        try:
            import duckdb
        except ImportError:
            raise DataError("data_unreadable", file=str(file),
                            reason="reading a database needs: pip install duckdb") from None
        return TypedTable(file, table, f"duckdb {duckdb.__version__}")
    if file.is_dir() and any(file.rglob("*.parquet")):
        return TypedTable(file, None, "pyarrow dataset")
    if file.is_file() and file.suffix.lower() == ".parquet":
        return TypedTable(file, None, "pyarrow")
    return None


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
                        reason=f"no table {table!r} (tables: {', '.join(names) or 'none'})") from None


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


def sniff_csv(file: Path, given: str | None) -> tuple[str, str]:
    """(encoding, delimiter) of a CSV file, from its first 64 KiB; ``given`` overrides the encoding."""
    with file.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    encoding = given or detect_encoding(head)
    text = head.decode(encoding, errors="ignore")
    try:
        return encoding, csv.Sniffer().sniff(text.split("\n", 5)[0] + "\n", delimiters=",;\t|").delimiter
    except csv.Error:
        return encoding, ","


def csv_batches(file: Path, encoding: str, delimiter: str, block_bytes: int) -> Iterator[pd.DataFrame]:
    """A CSV file's rows in consecutive batches of about ``block_bytes``, read exactly as
    :func:`read_raw` reads the whole file (text columns 0…n-1, blank cells NA, blank lines kept);
    each batch's index continues the one before (row ``i`` is source row ``i + 1``)."""
    import pyarrow as pa
    import pyarrow.csv as pv

    reader = pv.open_csv(file, read_options=pv.ReadOptions(autogenerate_column_names=True, encoding=encoding,
                                                           block_size=block_bytes),
                         parse_options=pv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
                         convert_options=pv.ConvertOptions(null_values=[""], strings_can_be_null=True,
                                                           default_column_type=pa.string()))
    start = 0
    for batch in reader:
        frame = batch.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
        frame.columns = range(frame.shape[1])
        frame.index = pd.RangeIndex(start, start + len(frame))
        start += len(frame)
        yield frame


def _csv(file: Path, given: str | None) -> RawFile:
    encoding, delimiter = sniff_csv(file, given)
    try:
        rows = pd.read_csv(file, sep=delimiter, header=None, dtype="string[pyarrow]", encoding=encoding,
                           engine="pyarrow", skip_blank_lines=False, keep_default_na=False, na_values=[""])
        engine = "pyarrow"
    except Exception:  # ragged rows or quoting pyarrow rejects: the C engine is more forgiving
        rows = pd.read_csv(file, sep=delimiter, header=None, dtype=str, encoding=encoding,
                           skip_blank_lines=False, keep_default_na=False, na_values=[""])
        engine = "c"
    note = None
    sample = rows.iloc[:5, 0].fillna("").astype(str) if rows.shape[1] == 1 else None
    inner_sep = next((sep for sep in (";", ",", "\t") if sample is not None and sample.str.count(sep).min() >= 2),
                     None)
    if inner_sep:
        # a ';' export opened in Excel and saved as CSV: each line became one quoted field
        inner = "\n".join(rows.iloc[:, 0].fillna("").astype(str))
        rows = pd.read_csv(io.StringIO(inner), sep=inner_sep, header=None, dtype=str, keep_default_na=False,
                           na_values=[""], skip_blank_lines=False)
        delimiter, note = inner_sep, Rule.NESTED_CSV
    return RawFile(file, rows, encoding, engine, sha256(file), delimiter, note)


def _xlsx(file: Path) -> RawFile:
    check_archive(file)
    from importlib.util import find_spec

    engine = "calamine" if find_spec("python_calamine") else "openpyxl"
    rows = pd.read_excel(file, header=None, engine=engine, dtype=object)
    return RawFile(file, rows, None, engine, sha256(file))

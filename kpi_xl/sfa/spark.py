"""A table as a Spark session sees it — ``spark:sales.activities``, or a file Spark reads,
``spark:parquet.`/lake/activities``` — read as raw rows, like a Parquet or DuckDB table, so
that the same rules clean it and the same figures come out.

The session is the one running in this process, else one pyspark's builder starts: local
(``local[*]``), or a Spark Connect server when ``SPARK_REMOTE`` names one (sc://host:15002).
Timestamps are written as text by Spark itself, in the session's time zone, as its own SQL
shows them. A table of ``STREAM_ROWS`` or more is fetched a partition at a time as Arrow
(bounded memory); a smaller one in one Arrow transfer."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kpi_xl.errors import DataError
from kpi_xl.i18n import Text
from kpi_xl.sfa.cells import cell_rows
from kpi_xl.sfa.reading import RawFile, no_table

SCHEME = "spark:"
INSTALL = Text("Spark のテーブルを読むには pip install pyspark（と Java 17 以降）が必要です",
               "reading a Spark table needs: pip install pyspark (and Java 17 or newer)")
CONNECT_SECONDS = 10.0
QUIET = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false"}
LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %c{1}: %m%n
"""
TEXT_TIME = "yyyy-MM-dd HH:mm:ss"  # what _cells writes for a typed timestamp, to the second


def spark_table_name(path: Path | str) -> str | None:
    """``spark:sales.activities`` → ``sales.activities``; anything else → None."""
    text = str(path)
    return text[len(SCHEME):] if text.startswith(SCHEME) and len(text) > len(SCHEME) else None


def _session(label: str) -> Any:
    """The running Spark session, else a new one (quiet); errors name ``label``."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError("data_unreadable", file=label, reason=INSTALL) from None
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName("kpi-xl")
    remote = os.environ.get("SPARK_REMOTE", "local")
    if not remote.startswith("local"):  # a cluster's server keeps its own settings
        _reachable(remote, label)
        return _started(builder, label)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # Spark's Python workers: this Python
    for name, value in QUIET.items():
        builder = builder.config(name, value)
    return _started(builder.config("spark.driver.extraJavaOptions",
                                   f"-Dlog4j2.configurationFile={_log_config()}"), label)


def _reachable(remote: str, label: str) -> None:
    """A Spark Connect server that does not answer is named at once (the client would retry
    for minutes)."""
    from urllib.parse import urlsplit

    where = urlsplit(remote)
    try:
        with socket.create_connection((where.hostname or "localhost", where.port or 15002), timeout=CONNECT_SECONDS):
            pass
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise DataError("data_unreadable", file=label, reason=Text(
            f"Spark Connect のサーバー {remote[:60]} が応答しません（詳細: {why}）",
            f"the Spark Connect server {remote[:60]} does not answer ({why})")) from None


def _started(builder: Any, label: str) -> Any:
    try:
        with _jvm_quiet():
            return builder.getOrCreate()
    except Exception as exc:  # no Java, a Spark Connect server not reached …
        why = re.sub(r"^\[\w+\]\s*", "", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise DataError("data_unreadable", file=label, reason=Text(
            f"Spark が起動しません（pyspark と Java 17 以降が必要です。詳細: {why[:50]}）",
            f"Spark did not start ({why[:50]}); needs pyspark and Java 17+")) from None


@contextmanager
def _jvm_quiet() -> Iterator[None]:
    """Start the JVM with its stderr let go (its banners, 'Setting default log level'): a
    report's stderr holds its own warnings, one line each. Spark's errors still reach Python
    as exceptions."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _log_config() -> Path:
    """A log4j2 configuration that lets only errors through (a report's stderr holds its own
    warnings, one line each, not the JVM's)."""
    path = Path(tempfile.gettempdir()) / "kpi-xl-spark-log4j2.properties"
    if not path.exists() or path.read_text(encoding="utf-8") != LOG4J:
        path.write_text(LOG4J, encoding="utf-8")
    return path


@dataclass
class SparkTable:
    """A Spark table or view read as raw rows: its column names as the header row, then its rows."""

    table: str
    engine: str
    file: Path = Path("spark")  # RawFile.name: spark:<table>
    _digest: str = field(default="", repr=False)

    @property
    def label(self) -> str:
        return f"{SCHEME}{self.table}"

    @property
    def digest(self) -> str:
        """SHA-256 of the rows as read (a table has no file to hash), known once read through."""
        return self._digest

    def _frame(self) -> Any:
        """The table, timestamps as Spark's own text; a missing one named with those there are."""
        from pyspark.errors import AnalysisException
        from pyspark.sql import functions as F
        from pyspark.sql.types import TimestampNTZType, TimestampType

        session = _session(self.label)
        try:
            frame = session.table(self.table)
        except AnalysisException:
            names = sorted(t.name for t in session.catalog.listTables())
            raise DataError("data_unreadable", file=self.label,
                            reason=no_table(self.table, names)) from None
        columns = [F.col(_quoted(f.name)) for f in frame.schema.fields]
        return frame.select([F.date_format(c, TEXT_TIME).alias(f.name)
                             if isinstance(f.dataType, (TimestampType, TimestampNTZType)) else c
                             for c, f in zip(columns, frame.schema.fields)])

    def count(self) -> int:
        return self._frame().count()

    def batches(self, rows: int = 1 << 20) -> Iterator[pd.DataFrame]:
        """The rows in batches of up to ``rows``, the names row first, fetched a partition at
        a time as Arrow (bounded memory; Spark's own row iterator is six times slower)."""
        import pyarrow as pa

        frame = self._frame()
        digest = hashlib.sha256()
        yield _hashed(pd.DataFrame([frame.columns]), digest)
        start, pending, size = 1, [], 0
        for batch in _arrow_batches(frame):
            pending.append(batch)
            size += batch.num_rows
            while size >= rows:
                table = pa.Table.from_batches(pending)
                yield _hashed(cell_rows(table.slice(0, rows), start), digest)
                rest = table.slice(rows)
                start, pending, size = start + rows, rest.to_batches(), rest.num_rows
        if size:
            yield _hashed(cell_rows(pa.Table.from_batches(pending), start), digest)
        self._digest = digest.hexdigest()

    def whole(self) -> RawFile:
        """Every row, in one Arrow transfer."""
        frame = self._frame()
        rows = pd.concat([pd.DataFrame([frame.columns]), cell_rows(frame.toArrow(), 1)])
        digest = hashlib.sha256()
        _hashed(rows, digest)
        self._digest = digest.hexdigest()
        return RawFile(self.file, rows, None, self.engine, self._digest, table=self.table)


def _quoted(name: str) -> str:
    """A column name as Spark SQL quotes it (a dot or a backtick in it is part of the name)."""
    return "`" + name.replace("`", "``") + "`"


def _arrow_batches(frame: Any) -> Iterator[Any]:
    """A Spark DataFrame's rows as Arrow record batches, in order, one partition in memory at
    a time: each partition's batches are serialised to Arrow IPC where it is computed and
    streamed to this process as a few binary values."""
    import pyarrow as pa

    def packed(batches: Iterator[Any]) -> Iterator[Any]:  # nested: shipped by value (no kpi_xl on a cluster)
        import pyarrow as pa

        for batch in batches:
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, batch.schema) as writer:
                writer.write_batch(batch)
            yield pa.record_batch([pa.array([sink.getvalue().to_pybytes()], pa.binary())], names=["ipc"])

    for row in frame.mapInArrow(packed, "ipc binary").toLocalIterator(prefetchPartitions=True):
        with pa.ipc.open_stream(row[0]) as reader:
            yield from reader


def _hashed(rows: pd.DataFrame, digest: Any) -> pd.DataFrame:
    """``rows``, their per-row hashes added to ``digest`` (the same read whole or in parts)."""
    digest.update(pd.util.hash_pandas_object(rows.astype("string"), index=False).to_numpy().tobytes())
    return rows


def spark_table(name: str) -> SparkTable:
    """The Spark table ``name``; an install hint when pyspark is missing."""
    try:
        import pyspark
    except ImportError:
        raise DataError("data_unreadable", file=f"{SCHEME}{name}", reason=INSTALL) from None
    connect = " connect" if os.environ.get("SPARK_REMOTE") else ""
    return SparkTable(name, f"spark{connect} {pyspark.__version__}")

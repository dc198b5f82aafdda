"""Reading SFA/CRM export files into raw rows: CSV (UTF-8, UTF-8 BOM, CP932 detected) and
XLSX (python-calamine when installed, else openpyxl; the engine used is recorded). Everything
is read as found; headers and values are interpreted later, so that every row can be
accounted for. Tables (Parquet, DuckDB, Spark) are in :mod:`kpi_xl.sfa.tables` and
:mod:`kpi_xl.sfa.spark`; :func:`kpi_xl.sfa.sources.read_raw` reads any of them."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kpi_xl.errors import DataError, InputError, KpiXlError
from kpi_xl.i18n import NO_SUCH_FILE, Text, library_reason
from kpi_xl.sfa.findings import Rule
from kpi_xl.xlsx.safety import check_archive

SNIFF_BYTES = 1 << 16
RAGGED = "csv"  # the reader of a CSV whose lines differ in length: Python's, line by line
EMPTY_FILE = Text("空のファイルです（0 バイト）", "the file is empty (0 bytes)")


def no_table(table: str, names: list[str]) -> Text:
    """Why a named table cannot be read: it is not there; the tables that are."""
    there = ", ".join(names)
    return Text(f"テーブル {table!r} がありません（あるテーブル: {there or 'なし'}）",
                f"no table {table!r} (tables: {there or 'none'})")



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
    replaced: bool = False  # bytes the encoding has no character for were read as U+FFFD (their rows left out)

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
    Shift_JIS variant would garble those names; then utf-8 again if all but a few characters
    are (a UTF-8 export with a broken byte: its rows are left out, not the file garbled); else
    what charset-normalizer finds."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        if _decodes(head, encoding):
            return encoding
    if _mostly_utf8(head):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    name = (best.encoding if best else "cp932").lower()
    return "cp932" if name in ("shift_jis", "cp932", "shift-jis", "sjis", "ms932", "shift_jis_2004") else name


MOSTLY = 1_000  # utf-8 with at most one broken character per this many lines (and a few in any file)


def _mostly_utf8(head: bytes) -> bool:
    """Whether ``head`` is UTF-8 but for a few broken characters — a byte lost or pasted in
    from another encoding — rather than text in another encoding (Shift_JIS is broken almost
    everywhere read as UTF-8). Needs some valid multi-byte characters to tell."""
    text = head.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    wide = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    return wide > broken and broken <= max(3, text.count("\n") // MOSTLY)


REPLACING = "-kpi-xl-replacing"  # a codec name's suffix: the same codec, a bad byte read as U+FFFD


def _replacing_codec(name: str) -> codecs.CodecInfo | None:
    """``utf-8-kpi-xl-replacing``: utf-8 whose decoder replaces what it cannot read — a codec
    name both pandas' C reader and pyarrow's (which decodes through Python) accept."""
    if not name.endswith(REPLACING.replace("-", "_")):
        return None
    info = codecs.lookup(name[: -len(REPLACING)])

    class Decoder(codecs.IncrementalDecoder):  # wraps, as a CJK codec's decoder fixes its errors when made
        def __init__(self, errors: str = "replace") -> None:
            super().__init__("replace")
            self._inner = info.incrementaldecoder("replace")

        def decode(self, data: bytes, final: bool = False) -> str:
            return self._inner.decode(data, final)

        def reset(self) -> None:
            self._inner.reset()

        def getstate(self) -> tuple[bytes, int]:
            return self._inner.getstate()

        def setstate(self, state: tuple[bytes, int]) -> None:
            self._inner.setstate(state)

    return codecs.CodecInfo(info.encode, lambda data, errors="replace": info.decode(data, "replace"),
                            incrementalencoder=info.incrementalencoder, incrementaldecoder=Decoder,
                            streamreader=info.streamreader, streamwriter=info.streamwriter, name=name)


codecs.register(_replacing_codec)


def check_encoding(name: str) -> str:
    """A codec name Python knows (cp932, utf-8, shift_jis …), normalised; else an input error."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError("bad_choice", field="--encoding", value=name,
                         allowed="cp932, utf-8, utf-8-sig, shift_jis, euc-jp, latin-1 …") from None


def read_file(path: Path | str, encoding: str | None = None) -> RawFile:
    """A CSV or XLSX file's rows as found; ``encoding`` overrides the detection for CSV files."""
    file = _existing(path)
    suffix = file.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_or_explain(file, lambda: _csv(file, encoding))
    if suffix in (".xlsx", ".xlsm"):
        return read_or_explain(file, lambda: _xlsx(file))
    raise DataError("data_format", file=str(file), suffix=suffix or "(none)")


def _existing(path: Path | str) -> Path:
    """``path`` as a file to read, else one line saying why it cannot be."""
    file = Path(path)
    if not file.is_file():
        raise DataError("data_unreadable", file=str(file), reason=_not_a_file(file))
    if not file.stat().st_size:
        raise DataError("data_unreadable", file=str(file), reason=EMPTY_FILE)
    return file


def _not_a_file(file: Path) -> Text:
    """Why ``file`` cannot be read as an export, in a few words."""
    if file.is_dir():
        return Text("Parquetファイルのないフォルダーです"
                    "（エクスポートのファイルか、.parquet のフォルダーを指定してください）",
                    "a folder without Parquet files (give an export file, or a folder of .parquet files)")
    return Text("通常のファイルではありません", "not a regular file") if file.exists() else NO_SUCH_FILE


def read_or_explain(file: Path | str, read: Any) -> Any:
    """``read()``, its own errors as they are, any library's as "unreadable" (one line)."""
    try:
        return read()
    except KpiXlError:
        raise
    except Exception as exc:  # each reader raises its own classes; all mean "unreadable"
        raise DataError("data_unreadable", file=str(file), reason=library_reason(exc)) from None


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
        rows, engine = _rows(file, encoding, delimiter)
        replaced = False
    except UnicodeDecodeError:  # a byte the encoding has no character for: read as U+FFFD, its rows left out
        rows, engine = _rows(file, encoding + REPLACING, delimiter)
        replaced = True
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
    return RawFile(file, rows, encoding, engine, sha256(file), delimiter, note, replaced=replaced)


def _rows(file: Path, encoding: str, delimiter: str) -> tuple[pd.DataFrame, str]:
    """A CSV's cells as text and the reader that read them: pyarrow's, else pandas' C reader
    (ragged rows or quoting pyarrow rejects), else line by line (a title block over the table)."""
    try:
        return pd.read_csv(file, sep=delimiter, header=None, dtype="string[pyarrow]", encoding=encoding,
                           engine="pyarrow", skip_blank_lines=False, keep_default_na=False, na_values=[""]), "pyarrow"
    except Exception:  # ragged rows or quoting pyarrow rejects: the C engine is more forgiving
        try:
            return pd.read_csv(file, sep=delimiter, header=None, dtype=str, encoding=encoding,
                               skip_blank_lines=False, keep_default_na=False, na_values=[""]), "c"
        except pd.errors.ParserError:  # lines longer than the first: a title block over the table
            return _ragged(file, encoding, delimiter), RAGGED


def _ragged(file: Path, encoding: str, delimiter: str) -> pd.DataFrame:
    """Every line of a CSV whose lines differ in length (a report name and its filters over
    the table), as rows as wide as the widest, blank cells NA, blank lines kept."""
    with file.open(encoding=encoding, newline="") as handle:
        lines = list(csv.reader(handle, delimiter=delimiter))
    width = max((len(line) for line in lines), default=0)
    rows = pd.DataFrame([[c if c != "" else None for c in line] + [None] * (width - len(line)) for line in lines],
                        columns=range(width))
    return rows.astype("string[pyarrow]")


def xlsx_sheets(path: Path | str) -> list[RawFile]:
    """Each sheet of a workbook that holds cells, named ``file.xlsx:sheet`` when there are
    several (an export beside a cover sheet, or one sheet a month); the first sheet when none do."""
    file = _existing(path)
    return read_or_explain(file, lambda: _sheets(file))


def _sheets(file: Path) -> list[RawFile]:
    book, engine = _excel(file, None)
    digest = sha256(file)
    filled = {str(name): rows for name, rows in book.items() if not rows.dropna(how="all").empty}
    if len(filled) <= 1:
        rows = next(iter(filled.values()), next(iter(book.values()), pd.DataFrame()))
        return [RawFile(file, rows, None, engine, digest)]
    return [RawFile(file, rows, None, engine, digest, table=name) for name, rows in filled.items()]


def _xlsx(file: Path) -> RawFile:
    rows, engine = _excel(file, 0)
    return RawFile(file, rows, None, engine, sha256(file))


def _excel(file: Path, sheets: int | None) -> tuple[Any, str]:
    """A workbook's sheet ``sheets`` (None: every sheet, by name) as raw cells, once its zip
    passed the bomb checks; and the reader used (python-calamine where installed)."""
    check_archive(file)
    from importlib.util import find_spec

    engine = "calamine" if find_spec("python_calamine") else "openpyxl"
    return pd.read_excel(file, sheet_name=sheets, header=None, engine=engine, dtype=object), engine

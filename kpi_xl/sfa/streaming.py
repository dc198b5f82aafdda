"""An activity log too big to hold in memory (a 100M-row CSV export, a warehouse's Parquet
folder or DuckDB table), cleaned chunk by chunk by the same rules, with the same findings and
counts as if it were read whole.

Rules that look at one row at a time run on each chunk. The rules that compare rows need only
the rows that may repeat: a first pass hashes each row's key (its ID, else the whole row) and
each owner and product spelling; the rows whose key repeats are held to the end, where the
ordinary duplicate rule runs on them, and the spellings that fold alike are followed to their
rows. What a file can tell (its outcomes) is known only at the end: a chunk that told less is
cleaned again knowing it, so that each row's implied outcomes are the same as in one piece."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi_xl.engine.observations import ACTIVITY_TYPES, Observation
from kpi_xl.engine.values import fold_name
from kpi_xl.errors import DataError
from kpi_xl.memory import as_by_default
from kpi_xl.sfa.aggregate import chunk_tally
from kpi_xl.sfa.cleaning import ROW_STEPS, VARIANT_COLUMNS, Cleaned, cleaned, duplicates, variant_spellings
from kpi_xl.sfa.context import Context
from kpi_xl.sfa.encodings import shared_encodings
from kpi_xl.sfa.findings import Finding, Listed, Rule
from kpi_xl.sfa.header import Header, MetricWord, Shape, find_header
from kpi_xl.sfa.held import Held
from kpi_xl.sfa.parsing import clean_text, without_excel_text
from kpi_xl.sfa.prefetch import prefetched
from kpi_xl.sfa.reading import RawFile, csv_batches, read_or_explain, sha256, sniff_csv
from kpi_xl.sfa.repeats import KeyHashes, among, hashed, hashed_rows
from kpi_xl.sfa.rows import Rows
from kpi_xl.sfa.sources import typed_table
from kpi_xl.sfa.tables import TypedTable
from kpi_xl.sfa.tally import Tally, merge
from kpi_xl.sfa.vocabulary import Vocabulary

if TYPE_CHECKING:
    from kpi_xl.sfa.spark import SparkTable

STREAM_BYTES = 512 << 20  # a CSV this big is cleaned in chunks
STREAM_ROWS = 10_000_000  # … and a Parquet or database table this long
BLOCK_BYTES = 32 << 20  # bytes of CSV per chunk (about a million rows)
CHUNK_ROWS = 1 << 20  # rows of a typed table per chunk
HEAD_ROWS = 2100  # rows the header is recognised from (its flag columns sampled)
HEAD_BYTES = 1 << 20  # … read in blocks this small: not a whole chunk for 2,100 rows
# Told after a row's outcomes are set (amounts, accounts) or by the type column (a log without
# one: by what the whole file tells), never to be assumed by a chunk.
LATE = frozenset({Observation.AMOUNT, Observation.ACCOUNT, *ACTIVITY_TYPES})


@dataclass
class _File:
    """The file or table being read in chunks: its batches of raw rows and its header."""

    batches: Callable[[], Iterator[pd.DataFrame]]  # every row, the header's too, numbered from 0
    header: Header
    vocab: Vocabulary
    name: str

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The rows under the header, chunk by chunk."""
        for batch in self.batches():
            rows = batch.loc[batch.index >= self.header.rows]
            if len(rows):
                yield rows


@dataclass
class _Chunk:
    """What one chunk gave: its row findings, counts and the rows held for the row-comparing rules."""

    read: int
    findings: list[Finding]
    sourced: frozenset[Observation]
    kept: int
    tally: Tally
    empty: pd.DataFrame  # the cleaned frame's columns, no rows
    spellings: dict[str, pd.Series] = field(default_factory=dict)  # column → rows used per spelling
    variant_rows: dict[str, pd.DataFrame] = field(default_factory=dict)  # column → row, value (maybe odd)


def read_in_chunks(path: Path | str, encoding: str | None, vocab: Vocabulary,
                   words: dict[str, MetricWord]) -> tuple[RawFile, Header, Cleaned] | None:
    """A big activity log — a CSV of ``STREAM_BYTES``, a Parquet or DuckDB table of
    ``STREAM_ROWS`` or more — cleaned in chunks; None for any other file, and for one not to
    read that way (a deal list or a summary, a re-saved CSV of one column, a ragged CSV)."""
    typed = typed_table(path)
    if typed is not None:
        if read_or_explain(typed.label, typed.count) < STREAM_ROWS:
            return None
        raw = RawFile(typed.file, pd.DataFrame(), None, f"{typed.engine} (in chunks)", "", table=typed.table)
        with as_by_default():
            done = read_or_explain(typed.label, lambda: _read(raw, lambda: _ahead(typed, CHUNK_ROWS), vocab, words,
                                                              head=_small(typed)))
    else:
        file = Path(path)
        if file.suffix.lower() not in (".csv", ".txt", ".tsv") or not file.is_file() or \
                file.stat().st_size < STREAM_BYTES:
            return None
        found, delimiter = sniff_csv(file, encoding)
        raw = RawFile(file, pd.DataFrame(), found, "pyarrow (in chunks)", "", delimiter)
        try:
            with as_by_default():  # chunk after chunk freed: memory handed back, not kept
                done = _read(raw, lambda: prefetched(csv_batches(file, found, delimiter, BLOCK_BYTES)), vocab, words,
                             head=lambda: csv_batches(file, found, delimiter, HEAD_BYTES))
        except (pa.ArrowException, UnicodeError):  # a ragged row, a bad byte: the forgiving whole-file reader
            return None
    if done is None:  # read whole instead, and hashed there: a 4.6 GB file is read once for its digest
        return None
    raw.sha256 = typed.digest if typed is not None else sha256(raw.path)
    return (raw, *done)


def _ahead(typed: TypedTable | SparkTable, rows: int) -> Iterator[pd.DataFrame]:
    """A table's batches, the next read while this one is cleaned — a Spark table's as they come
    (its session belongs to the thread that made it)."""
    return prefetched(typed.batches(rows)) if isinstance(typed, TypedTable) else typed.batches(rows)


def _small(typed: TypedTable | SparkTable) -> Callable[[], Iterator[pd.DataFrame]] | None:
    """A Parquet or DuckDB table's first rows in small batches, for its header (a Spark table's
    come as its partitions do)."""
    return (lambda: typed.batches(HEAD_ROWS)) if isinstance(typed, TypedTable) else None


def _read(raw: RawFile, batches: Callable[[], Iterator[pd.DataFrame]], vocab: Vocabulary,
          words: dict[str, MetricWord], head: Callable[[], Iterator[pd.DataFrame]] | None = None
          ) -> tuple[Header, Cleaned] | None:
    """``head``: the same rows in small batches, for the header (else ``batches``)."""
    first = _head((head or batches)())
    if first.shape[1] < 2:
        return None
    header = find_header(first, vocab, raw.name, words)
    if header.shape is not Shape.ACTIVITIES:
        return None
    if len(first) <= header.rows:
        raise DataError("data_empty", file=raw.name, read=0)
    source = _File(batches, header, vocab, raw.name)
    return header, _clean(source, *_first_pass(source))


def _head(batches: Generator[pd.DataFrame]) -> pd.DataFrame:
    """The first ``HEAD_ROWS`` rows or so (the batches closed after them: a database let go)."""
    parts, rows = [], 0
    with closing(batches):
        for batch in batches:
            parts.append(batch)
            rows += len(batch)
            if rows >= HEAD_ROWS:
                break
    return pd.concat(parts) if parts else pd.DataFrame()


def _keys(source: _File, rows: pd.DataFrame, text: Callable[[int], pd.Series] | None = None
          ) -> tuple[pd.Index, np.ndarray]:
    """Each row's key hash (its ID's; without an ID column, the whole row's), rows without an
    ID left out; ``text`` gives a column's clean text when a context has it already."""
    position = source.header.fields.get("id")
    if position is None:
        return rows.index, hashed_rows(rows)
    ids = text(position) if text else clean_text(rows.iloc[:, position])[0]
    ids = ids[ids.notna()]
    return ids.index, hashed(ids)


def _spelled(source: _File, rows: pd.DataFrame, column: str) -> pd.Series | None:
    position = source.header.fields.get(column)
    return None if position is None else clean_text(rows.iloc[:, position])[0]


def _first_pass(source: _File) -> tuple[np.ndarray, int, dict[str, set[str]]]:
    """The key hashes that occur more than once and how many rows have them, and per
    owner/product column the spellings that fold to the same name as another spelling
    (candidates for a name-variant finding)."""
    keys, names = KeyHashes(), {c: set() for c in VARIANT_COLUMNS}
    for raw in source.chunks():
        rows, _ = without_excel_text(raw)  # ="0001" read as 0001, as the rules read it
        keys.add(_keys(source, rows)[1])
        for column in VARIANT_COLUMNS:
            spelled = _spelled(source, rows, column)
            if spelled is not None:
                names[column].update(spelled.dropna().unique())
    repeats, held = keys.repeats()
    candidates = {}
    for column, spellings in names.items():
        folded: dict[str, list[str]] = {}
        for spelling in spellings:
            folded.setdefault(fold_name(spelling), []).append(spelling)
        candidates[column] = {s for group in folded.values() if len(group) > 1 for s in group}
    return repeats, held, candidates


def _clean_chunk(source: _File, number: int, rows: pd.DataFrame, repeats: np.ndarray,
                 candidates: dict[str, set[str]], told: set[Observation], held_rows: Held) -> _Chunk:
    """The one-row rules on a chunk; rows with a repeating key held, the rest tallied."""
    ctx = Context.over(source.name, rows, source.header, source.vocab)
    ctx.every_rule = True
    ctx.sourced |= told
    with shared_encodings():
        for step in ROW_STEPS:
            step(ctx)
        index, hashes = _keys(source, ctx.data, ctx.text_at)  # the IDs' text as the rules read it, not again
    repeating = among(hashes, repeats)
    held = pd.Series(False, index=rows.index)
    held[index[repeating]] = True
    held_rows.add(number, hashes[repeating], ctx.data[held], ctx.frame[held], ctx.excluded[held])
    ctx.excluded = ctx.excluded | held
    part = cleaned(ctx)
    return _spelled_rows(_Chunk(len(rows), ctx.findings, part.sourced, part.used, chunk_tally(part),
                                _no_rows(part.frame)), part, candidates)


def _clean(source: _File, repeats: np.ndarray, held_count: int, candidates: dict[str, set[str]]) -> Cleaned:
    with Held.for_rows(held_count) as held_rows:
        chunks = [_clean_chunk(source, n, rows, repeats, candidates, set(), held_rows)
                  for n, rows in enumerate(source.chunks())]
        told = set().union(*(c.sourced for c in chunks)) - LATE
        if any(not told <= c.sourced for c in chunks):  # clean again the chunks that told less
            again = iter(source.chunks())
            chunks = [c if told <= c.sourced else _clean_chunk(source, n, rows, repeats, candidates, told, held_rows)
                      for n, (c, rows) in enumerate(zip(chunks, again))]
        sourced = frozenset().union(*(c.sourced for c in chunks))
        held = [_held(source, part, sourced, candidates) for part in held_rows]
    findings = _joined([c.findings for c in chunks]) + _joined([h.findings for h in held])
    findings += _variants(source.name, chunks + held)
    empty = chunks[0].empty if chunks else pd.DataFrame()
    return Cleaned(source.name, Shape.ACTIVITIES, empty.reset_index(drop=True), sum(c.read for c in chunks),
                   findings, sourced, merge([c.tally for c in chunks + held]), sum(c.kept for c in chunks + held))


def _held(source: _File, part: tuple[pd.DataFrame, pd.DataFrame, pd.Series], sourced: frozenset[Observation],
          candidates: dict[str, set[str]]) -> _Chunk:
    """Held rows (a partition of them: every row of each of its keys) through the rules that
    compare rows, counted like a chunk."""
    data, frame, out = part
    ctx = Context.over(source.name, data, source.header, source.vocab)
    ctx.every_rule = True  # each partition names the same rules in the same order: joined like chunks
    ctx.frame, ctx.excluded = frame, out
    ctx.sourced = set(sourced)
    duplicates(ctx)
    done = cleaned(ctx)
    return _spelled_rows(_Chunk(len(data), ctx.findings, done.sourced, done.used, chunk_tally(done),
                                _no_rows(done.frame)), done, candidates)


def _no_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's columns and types without its rows — and without holding them: ``iloc[:0]``
    is a view that keeps the whole chunk alive (100 chunks kept: 5.3 GB at 100M rows)."""
    return pd.DataFrame({c: pd.Series([], dtype=frame[c].dtype) for c in frame.columns})


def _spelled_rows(chunk: _Chunk, part: Cleaned, candidates: dict[str, set[str]]) -> _Chunk:
    """How many rows used spell each owner or product name, and the rows of spellings that may be variants."""
    for column in VARIANT_COLUMNS:
        if column in part.frame:
            counts = part.frame[column].value_counts()
            chunk.spellings[column] = counts.set_axis(counts.index.astype(str))
            maybe = part.frame[column].isin(candidates[column])
            chunk.variant_rows[column] = part.frame.loc[maybe, ["row", column]]
    return chunk


def _joined(per_chunk: list[list[Finding]]) -> list[Finding]:
    """Each chunk applied the same rules in the same order: the n-th finding of a rule in one
    chunk is the n-th in every other. Joined, and those with no rows dropped (unless about the
    whole file)."""
    joined: dict[tuple[Rule, int], tuple[Finding, list[Rows]]] = {}
    for findings in per_chunk:
        seen: dict[Rule, int] = {}
        for f in findings:
            n = seen[f.rule] = seen.get(f.rule, -1) + 1
            have = joined.get((f.rule, n))
            if have is None:
                joined[(f.rule, n)] = (Finding(f.rule, f.file, Rows.of([]), f.detail), [f.rows])
                continue
            have[1].append(f.rows)
            if isinstance(have[0].detail, Listed) and isinstance(f.detail, Listed):
                have[0].detail = have[0].detail.union(f.detail)
    out = [Finding(f.rule, f.file, Rows.joined(parts), f.detail) for f, parts in joined.values()]
    return [f for f in out if f.rows or f.rule.about_file]


def _variants(name: str, chunks: list[_Chunk]) -> list[Finding]:
    """Name variants over every row used, as :func:`kpi_xl.sfa.cleaning._name_variants` finds them."""
    out = []
    for column in VARIANT_COLUMNS:
        parts = [c.spellings[column] for c in chunks if column in c.spellings]
        if not parts:
            continue
        counts = pd.concat(parts).groupby(level=0).sum()
        odd, detail = variant_spellings(counts, column)
        if not odd:
            continue
        both = pd.concat([c.variant_rows[column] for c in chunks if column in c.variant_rows])
        hit = both.loc[both[column].astype(str).isin(odd), "row"]
        out.append(Finding(Rule.NAME_VARIANT, name, hit.to_numpy(dtype="int64"), detail))
    return out

"""Which rows carry an ID that another row carries too — the one question of the cleaning that
compares every row with every other. It is a GROUP BY: DuckDB runs it in-process, on both cores,
~3× faster than one hash table in Python at ten million IDs; a small file is answered by pandas
(importing DuckDB would cost more than the question). The two answers are property-tested equal."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.sfa.encodings import arrow_text

IN_DUCKDB_FROM = 200_000  # rows: from here DuckDB's start (~50 ms) pays for itself

REPEATED = "SELECT id FROM ids WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1"
HASHED = "SELECT hash(id) AS h FROM ids"  # a projection: DuckDB keeps the rows' order


def repeated(ids: pd.Series, *, in_duckdb_from: int = IN_DUCKDB_FROM) -> np.ndarray:
    """A mask of the rows whose ID (not blank) occurs on more than one row."""
    if len(ids) < in_duckdb_from:
        codes, _ = pd.factorize(ids)
        seen = np.bincount(codes[codes >= 0], minlength=int(codes.max(initial=-1)) + 1)
        return (codes >= 0) & (seen[np.maximum(codes, 0)] > 1) if len(seen) else np.zeros(len(ids), dtype=bool)
    return _in_duckdb(ids)


def hashed(ids: pd.Series) -> np.ndarray:
    """Each ID's 64-bit hash (DuckDB's ``hash``; ~7× pandas' ``hash_pandas_object``): equal IDs,
    equal hashes. A log read in chunks keeps these, not its IDs, to find the ones that repeat."""
    return _query(ids, HASHED, "h").astype(np.uint64)


BUCKET_BITS = 4  # a big log's key hashes kept in 16 buckets by their top bits


class KeyHashes:
    """Every row's key hash of a log read in chunks, to find those that repeat. Kept in buckets
    by their top bits and sorted one bucket at a time, so that finding the repeats needs the
    hashes and a sixteenth of them more (one sorted copy of all: twice the hashes, 1.6 GB at
    100M rows)."""

    def __init__(self) -> None:
        self._buckets: list[list[np.ndarray]] = [[] for _ in range(1 << BUCKET_BITS)]

    def add(self, hashes: np.ndarray) -> None:
        top = (hashes >> np.uint64(64 - BUCKET_BITS)).astype(np.uint8)
        bounds = np.cumsum(np.bincount(top, minlength=len(self._buckets)))[:-1]
        for bucket, part in zip(self._buckets, np.split(hashes[np.argsort(top, kind="stable")], bounds)):
            if len(part):
                bucket.append(part)

    def repeats(self) -> tuple[np.ndarray, int]:
        """The hashes seen more than once, sorted, and how many rows have them; the buckets are
        let go of as they are read."""
        found, rows = [], 0
        for i, parts in enumerate(self._buckets):
            every = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)
            self._buckets[i] = []
            every.sort()
            twice = sorted_repeats(every)
            rows += int((np.searchsorted(every, twice, "right") - np.searchsorted(every, twice, "left")).sum())
            found.append(twice)
        return np.concatenate(found).astype(np.uint64), rows


def among(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_set)`` for a sorted set without duplicates, by binary search:
    ~10× ``np.isin``, which hashes the whole set again on every call (2 s a chunk when an export
    pasted under itself makes every one of its 2M keys repeat)."""
    out = np.zeros(len(values), dtype=bool)
    if not len(sorted_set):
        return out
    order = np.argsort(values)  # the search in order: 2.4× faster than in the rows' (cache)
    ordered = values[order]
    at = np.searchsorted(sorted_set, ordered)
    at[at == len(sorted_set)] = 0
    out[order] = sorted_set[at] == ordered
    return out


def sorted_repeats(ordered: np.ndarray) -> np.ndarray:
    """The values that occur more than once in a sorted array, each once: a pass over neighbours
    (``np.unique`` hashes them again: 1.6 s for 2M repeated keys, this 14 ms)."""
    twice = ordered[1:][ordered[1:] == ordered[:-1]]
    return twice[np.r_[True, twice[1:] != twice[:-1]]] if len(twice) else twice


def _in_duckdb(ids: pd.Series) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    twice = _query(ids, REPEATED, "id")  # a clean export: none, and no row is looked at again
    if not len(twice):
        return np.zeros(len(ids), dtype=bool)
    mask = pc.is_in(arrow_text(ids), value_set=pa.array(twice, pa.large_string()))
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def hashed_rows(rows: pd.DataFrame) -> np.ndarray:
    """Each row's 64-bit hash over all its cells as text (DuckDB's ``hash`` of the columns,
    2.6× pandas' ``hash_pandas_object``): identical rows, equal hashes — the key of a log
    without IDs, whose identical rows are what its rules compare."""
    if not rows.shape[1]:  # no columns: every row alike
        return np.zeros(len(rows), dtype=np.uint64)
    columns = ", ".join(f"c{i}" for i in range(rows.shape[1]))
    return _query(rows, f"SELECT hash({columns}) AS h FROM ids", "h").astype(np.uint64)


def _query(ids: pd.Series | pd.DataFrame, sql: str, column: str) -> np.ndarray:
    """One column of ``sql`` over the table ``ids`` (a series: one column, id; a frame: c0, c1 …)."""
    import duckdb
    import pyarrow as pa

    from kpi_xl.sfa.tables import LOCKED_DOWN

    table = pa.table({"id": arrow_text(ids)}) if isinstance(ids, pd.Series) else \
        pa.table({f"c{i}": arrow_text(ids.iloc[:, i]) for i in range(ids.shape[1])})
    with duckdb.connect(config=LOCKED_DOWN) as con:  # no file, network or extension: only these values
        con.register("ids", table)
        return np.asarray(con.execute(sql).fetchnumpy()[column])


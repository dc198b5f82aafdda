"""Repeated IDs: DuckDB's GROUP BY and the small-file path against a count written in plain Python."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kpi_xl.sfa.repeats import KeyHashes, among, hashed_rows, repeated, sorted_repeats

IDS = st.lists(st.one_of(st.none(), st.sampled_from(["A1", "A2", "a1", "Ａ1", "", " A1", "商談-7", "A1\x00"])),
               max_size=60)


def oracle(values: list[str | None]) -> list[bool]:
    seen = Counter(v for v in values if v is not None)
    return [v is not None and seen[v] > 1 for v in values]


@pytest.mark.parametrize("in_duckdb_from", [0, 10**9], ids=["duckdb", "pandas"])
@given(values=IDS)
@example(values=[])
@example(values=[None, None])
@example(values=["A1", "A1", None, "A2"])
def test_repeated_ids_are_counted_exactly(in_duckdb_from, values):
    ids = pd.Series(values, dtype="string[pyarrow]")
    assert repeated(ids, in_duckdb_from=in_duckdb_from).tolist() == oracle(values)


def test_a_big_column_goes_through_duckdb_and_finds_the_one_repeat():
    values = [f"A{i}" for i in range(300_000)]
    values[123_456] = values[7]
    want = [False] * len(values)
    want[7] = want[123_456] = True
    assert repeated(pd.Series(values, dtype="string[pyarrow]")).tolist() == want


@given(values=st.lists(st.sampled_from(["A1", "A2", "a1", "Ａ1", "", "商談-7", "A1\x00"]), max_size=60))
def test_hashes_are_per_row_and_equal_exactly_for_equal_ids(values):
    """In the rows' order (a chunk's rows are held by position), and equal where the IDs are."""
    from kpi_xl.sfa.repeats import hashed

    got = hashed(pd.Series(values, dtype="string[pyarrow]")).tolist()
    alone = {v: hashed(pd.Series([v], dtype="string[pyarrow]")).tolist()[0] for v in set(values)}
    assert got == [alone[v] for v in values]
    assert len(set(alone.values())) == len(alone)


@given(st.lists(st.integers(0, 2**64 - 1)), st.lists(st.integers(0, 2**64 - 1)))
@example([], [])
@example([5, 2**64 - 1, 0], [2**64 - 1])
def test_among_is_membership(values, members):
    """Binary search over the sorted set says what a Python set says, for any 64-bit hashes."""
    got = among(np.array(values, dtype=np.uint64), np.unique(np.array(members, dtype=np.uint64)))
    assert got.tolist() == [v in set(members) for v in values]


@given(st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 1, 2**64 - 1])))
@example([])
@example([7, 7, 7])
def test_sorted_repeats_are_the_values_seen_twice(values):
    got = sorted_repeats(np.sort(np.array(values, dtype=np.uint64)))
    assert got.tolist() == sorted(v for v, n in Counter(values).items() if n > 1)


CELLS = st.sampled_from(["", "a", "b", "1", "１", " a", None, "NULL", "0"])


@given(st.integers(1, 3).flatmap(lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width),
                                                         max_size=30)))
@example([["a", None], [None, "a"], ["a", ""], ["a", None]])
@example([[None], [""], ["NULL"]])
def test_hashed_rows_group_rows_as_pandas_compares_them(cells):
    """Rows with equal hashes are exactly the rows pandas calls identical (a blank cell is not
    an empty one, nor a cell moved to the next column)."""
    frame = pd.DataFrame(cells, dtype="string") if cells else pd.DataFrame({"a": pd.Series([], dtype="string")})
    got = pd.factorize(hashed_rows(frame))[0]
    expected = frame.astype(object).apply(lambda r: tuple(None if pd.isna(v) else v for v in r), axis=1)
    assert got.tolist() == pd.factorize(expected)[0].tolist() if len(frame) else len(got) == 0


@given(st.lists(st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 3, 2**63, 2**64 - 1]))))
@example([[2**64 - 1, 0], [], [2**64 - 1, 0, 0]])
def test_key_hashes_in_chunks_find_every_repeat_and_its_rows(chunks):
    """However the hashes come in chunks: the values seen twice or more, sorted, and how many
    rows carry them — as counting all of them at once says."""
    keys = KeyHashes()
    for chunk in chunks:
        keys.add(np.array(chunk, dtype=np.uint64))
    counts = Counter(v for chunk in chunks for v in chunk)
    repeats, rows = keys.repeats()
    assert repeats.dtype == np.uint64 and repeats.tolist() == sorted(v for v, n in counts.items() if n > 1)
    assert rows == sum(n for n in counts.values() if n > 1)

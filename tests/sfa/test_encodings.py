"""One dictionary encoding per column, shared within a cleaning: equal to what pandas gives
by hashing again, and never confused between two columns."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.sfa.encodings import as_category, distinct, factorized, shared_encodings

WORDS = st.lists(st.one_of(st.none(), st.sampled_from(["b", "a", "佐藤", "Ｂ", "", "a ", "10", "1"])), max_size=40)


def chunked(values: list[str | None], cut: int) -> pd.Series:
    """A text column as pyarrow reads a CSV: in chunks."""
    cut = min(cut, len(values))
    parts = [pa.array(values[:cut], pa.large_string()), pa.array(values[cut:], pa.large_string())]
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(parts)))


@given(values=WORDS, cut=st.integers(0, 40))
def test_category_and_factorize_are_pandas_own(values, cut):
    column = chunked(values, cut)
    with shared_encodings():
        distinct(pa.array(column))  # encoded once before, as cleaning does
        category = as_category(column)
        codes, uniques = factorized(column)
    pd.testing.assert_series_equal(category, column.astype("category"))
    want_codes, want_uniques = pd.factorize(column)
    assert codes.tolist() == want_codes.tolist()
    assert uniques.tolist() == list(want_uniques)


def test_two_columns_with_the_same_values_are_two_encodings():
    with shared_encodings():
        first = distinct(pa.array(pd.Series(["x", "y"], dtype="string[pyarrow]")))
        second = distinct(pa.array(pd.Series(["y", "x"], dtype="string[pyarrow]")))
    assert first.dictionary.to_pylist() == ["x", "y"]
    assert second.dictionary.to_pylist() == ["y", "x"]


def test_the_same_column_is_encoded_once_within_and_again_outside():
    column = pa.array(pd.Series(["x", "y", "x"], dtype="string[pyarrow]"))
    with shared_encodings():
        assert distinct(column) is distinct(column)
    assert distinct(column) is not distinct(column)


@given(values=st.lists(st.sampled_from(["佐藤", "佐藤\u3000", " 佐藤", "鈴木", " ", "", None, "a\x00"]), min_size=1,
                       max_size=8))
def test_a_respelled_column_knows_its_encoding(values):
    """Stripping merges 佐藤 and 佐藤　: the encoding remembered for the stripped column is the
    one pandas finds by hashing it afresh."""
    from kpi_xl.sfa.parsing import clean_text

    column = pd.Series((values * 9000)[:9000], dtype="string[pyarrow]")  # long and repetitive: cleaned per value
    with shared_encodings():
        cleaned, _ = clean_text(column)
        category, (codes, uniques) = as_category(cleaned), factorized(cleaned)
    pd.testing.assert_series_equal(category, cleaned.astype("category"))
    want_codes, want_uniques = pd.factorize(cleaned)
    assert codes.tolist() == want_codes.tolist()
    assert uniques.tolist() == list(want_uniques)

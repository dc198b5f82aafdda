"""The byte-level tests against the regexes they spare (RE2 through pyarrow, and Python's own
str.strip for what a space is)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kpi_xl.sfa.parsing import DIGIT, UNUSUAL
from kpi_xl.sfa.text_bytes import has_digit, may_need_cleaning

ODD = ["\u3000", "\xa0", "\x85", "\u2028", "\u205f", "\t", "\x00", "\x1f", "\x0b", " ", "\u3001", "あ", "A", "7", "７"]
VALUES = st.lists(st.one_of(st.none(), st.text(st.sampled_from(ODD), max_size=4), st.text(max_size=5)), max_size=30)


def column(values: list[str | None], cut: int, large: bool) -> pa.ChunkedArray:
    kind = pa.large_string() if large else pa.string()
    cut = min(cut, len(values))
    return pa.chunked_array([pa.array(values[:cut], kind), pa.array(values[cut:], kind)], kind)


def regex_says(array: pa.ChunkedArray) -> bool:
    return pc.any(pc.match_substring_regex(array, UNUSUAL)).as_py() or pc.any(pc.equal(array, "")).as_py() or False


@pytest.mark.parametrize("large", [True, False])
@given(values=VALUES, cut=st.integers(0, 30))
@example(values=["A1", "\u3000佐藤", None], cut=1)
@example(values=["佐藤\u3000"], cut=0)
@example(values=["", None], cut=1)
def test_nothing_the_regex_finds_is_missed(large, values, cut):
    array = column(values, cut, large)
    if regex_says(array) or any(v is not None and v != v.strip() for v in values):
        assert may_need_cleaning(array)


@pytest.mark.parametrize("values", [["A1", "B22", None, "商談-7"], ["佐藤", "サトウ", "ｻﾄｳ"], [None], []])
def test_plain_values_skip_the_regex(values):
    assert not may_need_cleaning(column(values, 1, True))


@pytest.mark.parametrize("large", [True, False])
@given(values=VALUES, cut=st.integers(0, 30))
@example(values=["", "7", None, "a"], cut=2)
def test_digits_are_found_as_re2_finds_them(large, values, cut):
    array = column(values, cut, large)
    want = pc.fill_null(pc.match_substring_regex(array, DIGIT), False).to_pylist()
    assert has_digit(array).tolist() == want


def test_a_sliced_column_is_read_from_its_own_offset():
    array = pa.array(["x1", "  ", "y", "z2"]).slice(2)
    assert has_digit(array).tolist() == [False, True]
    assert not may_need_cleaning(array)

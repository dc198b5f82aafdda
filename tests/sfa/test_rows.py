"""A finding's rows kept as runs: the same rows as a sorted set of integers (the oracle), the
same text as written by hand, and constant size for a rule that hits every row."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kpi_xl.sfa.findings import Finding, Rule
from kpi_xl.sfa.rows import Rows

NUMBERS = st.lists(st.integers(1, 60), max_size=40)


@pytest.mark.parametrize(("rows", "text"), [([], ""), ([5], "5"), ([2, 3, 4, 9], "2–4, 9"), ([9, 2, 3], "2–3, 9"),
                                             ([4, 4, 5], "4–5"), (list(range(2, 2002)), "2–2001")])
def test_rows_are_written_as_runs(rows, text):
    assert Rows.of(rows).text() == text


@given(numbers=NUMBERS)
@example(numbers=[3, 1, 2, 2, 7])
def test_rows_hold_each_row_once_in_order(numbers):
    rows = Rows.of(numbers)
    expected = sorted(set(numbers))
    assert list(rows) == expected and len(rows) == len(expected) and bool(rows) == bool(expected)
    assert rows == expected and rows == Rows.of(np.array(expected, dtype=np.int64))
    assert all(b >= a for a, b in rows.runs())
    assert all(n + 1 < m for (_, n), (m, _) in zip(rows.runs(), rows.runs()[1:]))  # runs neither touch nor overlap


@given(parts=st.lists(NUMBERS, max_size=5))
@example(parts=[[1, 2], [3, 4]])  # a chunk's last row and the next chunk's first: one run
@example(parts=[[5, 6, 7], [1, 2, 6]])  # overlapping, out of order
def test_joined_rows_are_every_part_s_rows(parts):
    joined = Rows.joined(Rows.of(p) for p in parts)
    assert joined == sorted({n for p in parts for n in p})
    assert joined == Rows.of([n for p in parts for n in p])  # the same runs as built at once


def test_text_is_cut_where_a_cell_ends():
    rows = Rows.of(range(1, 20_000, 2))  # 10,000 single rows: ~70,000 characters
    text = rows.text(32_000)
    full = ", ".join(str(n) for n in range(1, 20_000, 2))
    assert text == full[:32_000] + " …"
    assert Rows.of([1, 3]).text(4) == "1, 3"  # exactly the limit: whole
    assert Rows.of([1, 3]).text(3) == "1, " + " …"


def test_a_rule_on_every_row_of_a_huge_log_holds_one_run():
    rows = Rows.joined(Rows.of(np.arange(start, start + 1_000_000)) for start in range(2, 100_000_002, 1_000_000))
    assert rows.runs() == [(2, 100_000_001)] and len(rows) == 100_000_000
    assert rows.text() == "2–100000001"


def test_a_finding_takes_any_row_numbers_and_compares_like_a_list():
    finding = Finding(Rule.DATE_TEXT, "a.csv", [4, 2, 3])
    assert isinstance(finding.rows, Rows) and finding.count == 3 and finding.rows == [2, 3, 4]
    assert [1, *finding.rows] == [1, 2, 3, 4] and list(finding.rows) == [2, 3, 4]
    assert finding == Finding(Rule.DATE_TEXT, "a.csv", np.array([2, 3, 4]))
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert Finding(Rule.BLANK_ROW, "a.csv", []).count == 0

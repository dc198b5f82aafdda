"""One file's counts per owner × month and owner × ISO week against pandas' own groupby,
written here from the calendar (an independent oracle for the bincount in tally.py)."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kpi_xl.sfa.tally import Tally

OWNERS = ["佐藤", "鈴木", "Ａ", "a", "b", ""]
ROWS = st.lists(st.tuples(st.sampled_from(OWNERS),
                          st.one_of(st.none(), st.datetimes(datetime(1999, 12, 20), datetime(2101, 1, 5))),
                          st.one_of(st.none(), st.integers(0, 5)), st.floats(0, 1e9, allow_nan=False)),
                max_size=40)


def expected(facts: pd.DataFrame, period: str) -> pd.DataFrame:
    data = facts.dropna(subset=["when"])
    when = data["when"].dt
    iso = when.isocalendar()
    key = when.year * 100 + when.month if period == "month" else iso["year"].astype("int64") * 100 + iso["week"]
    frame = data.drop(columns="when").assign(**{period: key.astype("int64")})
    frame["owner"] = frame["owner"].astype(str)
    return frame.fillna(0.0).groupby(["owner", period], sort=True)[["call", "amount"]].sum()


@pytest.mark.parametrize("as_category", [True, False])
@given(rows=ROWS)
@example(rows=[])
@example(rows=[("佐藤", None, 1, 0.0)])
@example(rows=[("a", datetime(2026, 12, 31), 1, 0.5), ("a", datetime(2027, 1, 1), None, 0.25)])  # ISO week 2026-W53
def test_counts_per_owner_and_period_are_pandas_groupby(as_category, rows):
    facts = pd.DataFrame(rows, columns=["owner", "when", "call", "amount"]).astype(
        {"when": "datetime64[ns]", "call": "float64", "amount": "float64", "owner": object})
    if as_category:
        facts["owner"] = facts["owner"].astype("category")
    tally = Tally.of(facts)
    for period in ("month", "week"):
        got = getattr(tally, period)
        want = expected(facts, period)
        assert got.index.tolist() == want.index.tolist()
        assert np.allclose(got.to_numpy(dtype=float), want.to_numpy(dtype=float), rtol=1e-12, atol=0)


def test_years_apart_and_a_day_per_row_still_count_each_day_once():
    days = pd.Series(pd.to_datetime(["1900-03-01", "2100-12-31", "2026-10-05"] * 3))
    facts = pd.DataFrame({"owner": ["x"] * 9, "when": days, "call": [1.0] * 9, "amount": [0.0] * 9})
    assert Tally.of(facts).month["call"].tolist() == [3.0, 3.0, 3.0]
    assert Tally.of(facts).month.index.get_level_values(1).tolist() == [190003, 202610, 210012]

"""Hostile values in Excel cells, through xlwings's own conversion path: every one gives a
#KPI! message naming the argument (or the inputs behind a result too large to compute),
never a traceback, never inf, never a silently different plan."""

from __future__ import annotations

import re

import pytest

from tests.xlwings_harness import call, decorated_udfs

UDFS = decorated_udfs()
BIG_RANGE = [["x"] * 4] * 50_000

CASES = [  # (function, args, words the cell must show)
    ("KPI_REVERSE", ("1e309", [[0.2], [0.1]]), ["#KPI!", "kgi", "1e309"]),
    ("KPI_REVERSE", (10**400, [[0.2]]), ["#KPI!", "kgi", "chars"]),
    ("KPI_REVERSE", ("inf", [[0.2]]), ["#KPI!", "kgi"]),
    ("KPI_REVERSE", (1e8, [["nan"]]), ["#KPI!", "rates"]),
    ("KPI_REVERSE", (1e308, [[0.01], [0.01]]), ["#KPI!", "1e+15"]),
    ("KPI_FORWARD", (1e308, [[0.2]], 1e308), ["#KPI!", "volume"]),
    ("KPI_RATE", (1e308, 1e-308), ["#KPI!", "numerator"]),
    ("KPI_ACHIEVEMENT", (1e308, 1e-308), ["#KPI!", "actual"]),
    ("KPI_STATUS", ("Infinity", 100), ["#KPI!", "actual"]),
    ("KPI_SPLIT", (500, 2026.7), ["#KPI!", "fiscal_year", "2026.7"]),
    ("KPI_SPLIT", (500, 1e9), ["#KPI!", "fiscal_year"]),
    ("KPI_SPLIT", (500, 2026, "month", 4, "0001-01-01..9999-12-31"), ["#KPI!", "holidays"]),
    ("KPI_PER_REP", (1e308, [[1], [1]]), ["#KPI!", "total"]),
    ("KPI_PER_REP", (100, [[1e308], [1]]), ["#KPI!", "capacities"]),
    ("KPI_FEASIBILITY", (1e308, 2), ["#KPI!", "required_per_day"]),
    ("KPI_FEASIBILITY", (100, 1e9), ["#KPI!", "reps"]),
    ("KPI_BENCHMARK", ("z" * 300_000,), ["#KPI!", "chars"]),
    ("KPI_LANDING", (10, 0, 20), ["#KPI!", "business_days_elapsed"]),
    ("KPI_LANDING", (float("inf"), 5, 20), ["#KPI!", "actual_to_date"]),
    ("KPI_LANDING", (10, 5, 20, [[100], [200]], [[0.5], [0.5], [0.5]]), ["#KPI!", "win_rates"]),
    ("KPI_LANDING", (10, 5, 20, [[100]], [[1.5]]), ["#KPI!", "win_rates[1]"]),
    ("KPI_REVERSE", (BIG_RANGE, [[0.2]]), ["#KPI!", "kgi"]),
    ("KPI_PER_REP", (100, [[0], [0]]), ["#KPI!", "稼働率の合計", "0.0"]),
]
PROSE = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")  # three English words in a row


@pytest.mark.parametrize(("name", "args", "words"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_hostile_cell_values(name, args, words):
    got = call(UDFS, name, *args)
    rows = got if isinstance(got, list) else [got]
    cells = [c for row in rows for c in (row if isinstance(row, list) else [row])]
    shown = " ".join(str(c) for c in cells)
    assert len(shown) < 400  # an error never echoes a whole range back
    for word in words:
        assert word in shown, (word, shown)
    assert "inf" not in [str(c) for c in cells] and "Traceback" not in shown
    assert not PROSE.search(shown), shown  # a cell's own language (ja by default): no English phrase

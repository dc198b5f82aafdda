"""The Excel functions through xlwings's real decorators, VBA generator and conversions."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from datetime import date, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kpi_xl.engine.allocation import largest_remainder
from kpi_xl.engine.funnel import forward_rates, reverse_rates
from kpi_xl.errors import InputError
from tests.xlwings_harness import call, decorated_udfs, vba_for

NAMES = ["KPI_REVERSE", "KPI_FORWARD", "KPI_RATE", "KPI_SPLIT", "KPI_PER_REP", "KPI_ACHIEVEMENT",
         "KPI_STATUS", "KPI_BENCHMARK", "KPI_BOTTLENECK", "KPI_FEASIBILITY", "KPI_TEMPLATE",
         "KPI_LANDING"]


@functools.cache
def cached_udfs():
    """One decorated module for the whole file (hypothesis tests cannot take fixtures per example)."""
    return decorated_udfs()


@pytest.fixture(scope="module")
def udfs():
    return cached_udfs()


def test_every_function_is_registered_with_docs(udfs):
    for name in NAMES:
        info = getattr(udfs, name).__xlfunc__
        assert info["name"] == name and info["category"] == "kpi_xl"
        assert info["ret"]["doc"] and len(info["ret"]["doc"]) <= 255
        assert re.search(r"[ぁ-んァ-ン一-龥]", info["ret"]["doc"]) and re.search(r"[A-Za-z]{3}", info["ret"]["doc"])
        for arg in info["args"]:
            assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
        assert not info["volatile"]


def test_vba_signatures(udfs):
    vba = vba_for(udfs)
    signatures = dict(re.findall(r"^Function (KPI_\w+)\((.*)\)$", vba, re.M))
    assert set(signatures) == set(NAMES)
    assert signatures["KPI_REVERSE"] == ("kgi, rates, Optional unit_price, Optional labels, Optional rounding, "
                                         "Optional lang")
    assert signatures["KPI_RATE"] == "numerator, denominator, Optional lang, Optional total"
    assert signatures["KPI_SPLIT"] == ("total, fiscal_year, Optional period, Optional fy_start, Optional holidays, "
                                       "Optional method, Optional rounding")
    reserved = {"end", "date", "type", "name", "error", "function", "sub", "next", "for", "to", "step", "rem"}
    for params in signatures.values():
        for param in params.split(", "):
            word = param.replace("Optional ", "")
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", word) and word.lower() not in reserved
    assert vba.count('XLPy.CallUDF("kpi_xl.udfs"') >= 2 * len(NAMES)


def test_reverse_through_the_conversion_path(udfs):
    assert call(udfs, "KPI_REVERSE", 12000000.0, [[0.2], [0.1]], 1000000.0) == [[12.0], [60.0], [600.0]]
    assert call(udfs, "KPI_REVERSE", 12000000.0, [[0.2, 0.1]], "1,000,000") == [[12.0], [60.0], [600.0]]
    assert call(udfs, "KPI_REVERSE", "１０", [["50%"], ["60%"]]) == [[10.0], [20.0], [34.0]]
    labelled = call(udfs, "KPI_REVERSE", 12000000.0, [[0.2], [0.1]], 1000000.0, True)
    assert labelled == [["受注数", 12.0], ["商談化数", 60.0], ["コネクト数", 600.0]]
    assert call(udfs, "KPI_REVERSE", 100.0, [[0.3]], None, None, False) == [[100.0], [pytest.approx(1000 / 3)]]


@pytest.mark.parametrize(("args", "text"), [
    ((12000000.0, [[1.2], [0.1]], 1000000.0), "#KPI! 受注率 (rates[1]) は 0% より大きく 100% 以下"),
    ((12000000.0, [[0.2], [0.1]], 1000000.0, None, True, "en"), None),
    ((12000000.0, [[1.2]], 1000000.0, None, True, "en"),
     "#KPI! Win rate (rates[1]) must be more than 0% and at most 100% (got 120%)"),
    (("abc", [[0.2]]), "#KPI! kgi は数値で指定してください"),
    ((100.0, None), "#KPI! rates が指定されていません"),
    ((100.0, [[0.2]], None, None, True, "fr"), "#KPI! lang cannot be 'fr'"),
])
def test_bad_arguments_give_a_short_message_in_the_cell(udfs, args, text):
    out = call(udfs, "KPI_REVERSE", *args)
    if text is None:
        assert out == [[12.0], [60.0], [600.0]]
    else:
        assert isinstance(out, str) and out.startswith(text) and "Traceback" not in out


def test_rate_achievement_status_vectorised(udfs):
    assert call(udfs, "KPI_RATE", 60.0, 600.0) == 0.1
    assert call(udfs, "KPI_RATE", 5.0, 0.0).startswith("#KPI! 分母が0")
    assert call(udfs, "KPI_RATE", [[1.0], [2.0], [None]], [[4.0], [0.0], [3.0]], "en") == \
        [[0.25], ["#KPI! the denominator is 0"], [""]]
    assert call(udfs, "KPI_ACHIEVEMENT", 0.04, 0.05, True) == pytest.approx(1.25)
    statuses = call(udfs, "KPI_STATUS", [[100.0], [95.0], [80.0], [None]], [[100.0]] * 4)
    assert statuses == [["達成"], ["注意"], ["未達"], [""]]
    assert call(udfs, "KPI_STATUS", 95.0, 100.0, "95%", False, "en") == "watch"
    assert call(udfs, "KPI_STATUS", 94.0, 100.0, 0.95, False, "en") == "miss"
    assert call(udfs, "KPI_STATUS", 0.06, 0.05, 0.9, True, "en") == "miss"


def test_split_per_rep_and_the_rest(udfs):
    table = call(udfs, "KPI_SPLIT", 500.0, 2026.0)
    assert len(table) == 12 and table[0][0] == datetime(2026, 4, 1) and table[0][1:] == [21, 42]
    weeks = call(udfs, "KPI_SPLIT", 500.0, 2026.0, "week")
    assert len(weeks) == 53 and {row[2] for row in weeks} == {10}
    closures = [[datetime(2026, 12, 29)], [datetime(2026, 12, 30)], [datetime(2026, 12, 31)]]
    weighted = call(udfs, "KPI_SPLIT", 500.0, 2026.0, "month", 4.0, closures, "weighted")
    assert sum(row[2] for row in weighted) == 500 and weighted[8][1] == 20  # December less 3 days
    days = call(udfs, "KPI_SPLIT", 500.0, 2026.0, "day")
    assert days[0][0] == datetime(2026, 4, 1) and days[0][2] == 2  # 42 over 21 days
    assert call(udfs, "KPI_PER_REP", 42.0, [[1.0], [1.0], [0.5]]) == [[17], [17], [8]]
    assert call(udfs, "KPI_PER_REP", 42.0, [[1.0, 1.0, 1.0]]) == [[14, 14, 14]]
    assert call(udfs, "KPI_BENCHMARK", "コネクト率", "low") == 0.1
    assert "失敗パターン" in call(udfs, "KPI_BENCHMARK", "受注率", "source")
    # named as the list of benchmarks writes it, full-width brackets included (the source: 34 a day, ~20%)
    assert call(udfs, "KPI_BENCHMARK", "架電数（1人1日あたり）", "low") == 34
    assert call(udfs, "KPI_BENCHMARK", "通電率（2分以上）", "high") == 0.2
    name, hint = call(udfs, "KPI_BOTTLENECK", [["コネクト率", "商談化率"]], [[0.1, 0.09]], [[0.15, 0.1]])[0]
    assert name == "コネクト率" and "リスト" in hint
    assert call(udfs, "KPI_FEASIBILITY", 400.0, 8.0).startswith("能力不足: あと 4 人")
    assert call(udfs, "KPI_FEASIBILITY", 200.0, 8.0, None, "en").startswith("feasible")
    rows = call(udfs, "KPI_TEMPLATE", "sdr", "en")
    assert ["Win rate", "rate", "Win rate = Deals won ÷ Meetings set"] in rows


@settings(max_examples=60, deadline=None)
@given(goal=st.floats(min_value=1, max_value=1e10), price=st.one_of(st.none(), st.floats(min_value=1, max_value=1e7)),
       rates=st.lists(st.floats(min_value=0.01, max_value=1), min_size=1, max_size=6))
@example(goal=3814697266.0, price=None, rates=[0.015625, 0.015625, 0.015625])  # needs > 1e15 calls
def test_udf_equals_engine(goal, price, rates):
    udfs = cached_udfs()
    out = call(udfs, "KPI_REVERSE", goal, [[r] for r in rates], price)
    try:
        expected = reverse_rates(goal, rates, price)
    except InputError as exc:  # a plan past the engine's bound: the UDF says the same in one #KPI! cell
        assert out == f"#KPI! {exc.message('ja')}"
        return
    assert [row[0] for row in out] == expected
    fwd = call(udfs, "KPI_FORWARD", 1000.0, [[r] for r in rates], price)
    assert [row[0] for row in fwd] == pytest.approx(forward_rates(1000.0, rates, price))


@given(total=st.integers(0, 10_000), weights=st.lists(st.sampled_from([0.5, 1.0, 0.75, 0.25]), min_size=1, max_size=20))
def test_per_rep_udf_equals_engine(total, weights):
    udfs = cached_udfs()
    out = call(udfs, "KPI_PER_REP", float(total), [[w] for w in weights])
    out = out if isinstance(out, list) else [[out]]
    assert [row[0] for row in out] == largest_remainder(total, weights)


def test_udf_module_imports_without_pandas():
    code = ("import sys; sys.modules['pandas'] = None; sys.modules['numpy'] = None; import kpi_xl.udfs as u; "
            "print(u.KPI_REVERSE(12000000, [[0.2],[0.1]], 1000000))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[[12.0], [60.0], [600.0]]"


def test_dates_arrive_as_datetimes(udfs):
    table = call(udfs, "KPI_SPLIT", 120.0, 2026.0, "month", 4.0, [[date(2026, 8, 13)]], "equal")
    assert table[4][1] == 19  # August 2026: 21 weekdays less 山の日 (8/11) and the closure


def test_star_import_brings_exactly_the_functions():
    import kpi_xl.udfs as module

    assert sorted(module.__all__) == sorted(NAMES)


@settings(max_examples=80, deadline=None)
@example(args=[[[0.5, 0.5], [0.5]], [[1.0]]], name="KPI_ACHIEVEMENT")  # a jagged range must still spill a rectangle
@given(args=st.lists(st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=True), st.integers(-5, 10**9),
                               st.lists(st.lists(st.one_of(st.floats(0, 2), st.text(max_size=4)), min_size=1,
                                                 max_size=3), min_size=1, max_size=3)), max_size=6),
       name=st.sampled_from(NAMES))
def test_no_argument_makes_a_udf_raise(args, name):
    out = call(cached_udfs(), name, *args)
    assert out is not None or name == "KPI_BENCHMARK"
    if isinstance(out, str) and out.startswith("#KPI!"):
        assert "Traceback" not in out and "\n" not in out


def test_a_rate_over_a_period_is_the_ratio_of_the_sums(udfs):
    """000: コネクト率 = コネクト数 ÷ アプローチ数 — over April and May, Σ connects ÷ Σ touches."""
    assert call(udfs, "KPI_RATE", [[10.0], [300.0]], [[100.0], [1000.0]], "ja", True) == pytest.approx(310 / 1100)
    assert call(udfs, "KPI_RATE", [[10.0], [300.0]], [[100.0], [1000.0]]) == [[0.1], [0.3]]  # per month
    assert call(udfs, "KPI_RATE", [[10.0], [None]], [[100.0], [1000.0]], "en", True) == pytest.approx(0.1)
    assert call(udfs, "KPI_RATE", [[1.0]], [[0.0]], "en", True).startswith("#KPI!")


def test_split_rounds_counts_and_keeps_amounts(udfs):
    """Counts get the seeds' ROUNDUP pace (500 → 42 a month); a yen amount is never rounded,
    as the plan workbook never rounds it (¥100,000,000 / 12 months)."""
    counts = call(udfs, "KPI_SPLIT", 500.0, 2026.0)
    assert [row[2] for row in counts] == [42] * 12
    amounts = call(udfs, "KPI_SPLIT", 100_000_000.0, 2026.0, "month", 4.0, None, "equal", False)
    assert [row[2] for row in amounts] == pytest.approx([100_000_000 / 12] * 12)
    assert call(udfs, "KPI_SPLIT", 500.0, 2026.7).startswith("#KPI!")  # not silently FY2026


def test_the_readme_error_example_is_what_the_cell_shows():
    """README quotes the #KPI! message of a 120% win rate; the rate is named, not only its position."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    shown = call(cached_udfs(), "KPI_REVERSE", 12000000.0, [[1.2], [0.1]], 1000000.0)
    assert shown.startswith("#KPI! 受注率 (rates[1])")
    assert f"`{shown}`" in readme
    english = call(cached_udfs(), "KPI_REVERSE", 12000000.0, [[0.2], [1.1]], 1000000.0, None, True, "en")
    assert english.startswith("#KPI! Meeting rate (rates[2])")

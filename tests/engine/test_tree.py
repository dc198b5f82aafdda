import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kpi_xl.engine.funnel import reverse
from kpi_xl.engine.templates import get_template
from kpi_xl.engine.tree import Formula, Kind, KpiTree, Metric
from kpi_xl.errors import TreeError
from kpi_xl.i18n import Text


def m(mid, kind=Kind.COUNT):
    return Metric(mid, kind, Text(mid, mid))


def tree(formulas, root="a", kinds=None):
    ids = set(formulas) | {x for f in formulas.values() for x in f.args}
    kinds = kinds or {}
    return KpiTree({i: m(i, kinds.get(i, Kind.AMOUNT)) for i in ids}, formulas, root)


def test_each_operation_inverts():
    t = tree({"a": Formula("*", ("b", "c"))})
    assert t.solve("a", 10, "b", {"c": 4}, exact=True) == {"a": 10, "b": 2.5}
    t = tree({"a": Formula("+", ("b", "c", "d"))})
    assert t.solve("a", 10, "c", {"b": 4, "d": 1})["c"] == 5
    t = tree({"a": Formula("-", ("b", "c"))})
    assert t.solve("a", 10, "b", {"c": 4})["b"] == 14
    assert t.solve("a", 10, "c", {"b": 14})["c"] == 4
    t = tree({"a": Formula("/", ("b", "c"))})  # e.g. CAC = cost ÷ customers
    assert t.solve("a", 5, "b", {"c": 4})["b"] == 20
    assert t.solve("a", 5, "c", {"b": 20})["c"] == 4


def test_counts_round_up_at_every_stage_but_exact_mode_does_not():
    t = tree({"a": Formula("*", ("b", "r")), "b": Formula("*", ("c", "s"))},
             kinds={"b": Kind.COUNT, "c": Kind.COUNT, "r": Kind.RATE, "s": Kind.RATE})
    assert t.solve("a", 10, "c", {"r": 0.3, "s": 0.3}) == {"a": 10, "b": 34, "c": 114}
    exact = t.solve("a", 10, "c", {"r": 0.3, "s": 0.3}, exact=True)
    assert exact["c"] == pytest.approx(10 / 0.09)


def test_forward_evaluates_from_leaves_without_rounding():
    sdr = get_template("sdr")
    values = sdr.tree.evaluate({"calls": 600, "emails_sent": 0, "connect_rate": 0.1,
                                "meeting_rate": 0.25, "win_rate": 0.2, "unit_price": 100})
    assert values["connects"] == pytest.approx(60)
    assert values["won"] == pytest.approx(3)
    assert values["revenue"] == pytest.approx(300)
    assert "valid_meetings" not in values  # its rate was not given


def test_cycle_is_reported_with_its_path():
    with pytest.raises(TreeError) as info:
        tree({"a": Formula("*", ("b", "c")), "b": Formula("+", ("a", "d"))})
    assert "a → b → a" in info.value.message("en") or "b → a → b" in info.value.message("en")


def test_unsolvable_unknowns():
    t = tree({"a": Formula("*", ("b", "c")), "x": Formula("*", ("y", "z"))})
    with pytest.raises(TreeError, match="does not feed"):
        t.solve("a", 1, "y", {})
    t = tree({"a": Formula("*", ("b", "b"))})
    with pytest.raises(TreeError, match="more than once"):
        t.solve("a", 4, "b", {})
    t = tree({"a": Formula("*", ("b", "c"))})
    with pytest.raises(TreeError, match="needs a value"):
        t.solve("a", 4, "b", {})
    with pytest.raises(TreeError, match="zero"):
        t.solve("a", 4, "b", {"c": 0})


def test_a_rate_above_100_percent_is_no_solution():
    sdr = get_template("sdr")
    with pytest.raises(TreeError) as info:
        sdr.tree.solve("revenue", 1e6, "win_rate", {"unit_price": 1e5, "meetings": 5})
    assert "200" in info.value.message("en")


def test_binary_ops_need_two_args():
    with pytest.raises(TreeError):
        tree({"a": Formula("-", ("b", "c", "d"))})


rates = st.floats(min_value=0.01, max_value=1.0)


@given(goal=st.floats(min_value=1e5, max_value=1e10), price=st.floats(min_value=1e3, max_value=1e7),
       r1=rates, r2=rates, r3=rates, emails=st.integers(0, 5000))
def test_reverse_then_forward_reaches_the_target(goal, price, r1, r2, r3, emails):
    sdr = get_template("sdr")
    knowns = {"unit_price": price, "win_rate": r1, "meeting_rate": r2, "connect_rate": r3,
              "emails_sent": emails}
    result = reverse(sdr, goal, knowns)
    assert result.lever == "calls"
    projected = sdr.tree.evaluate({**knowns, "calls": result.value("calls")})
    assert projected["revenue"] >= goal * (1 - 1e-9)
    for stage in result.stages[1:]:
        assert stage.value == int(stage.value)


@given(goal=st.floats(min_value=1e5, max_value=1e10), r1=rates, r2=rates, r3=rates,
       which=st.sampled_from(["win_rate", "meeting_rate", "connect_rate"]),
       bump=st.floats(min_value=0.0, max_value=0.5))
def test_more_rate_never_needs_more_activity(goal, r1, r2, r3, which, bump):
    sdr = get_template("sdr")
    knowns = {"unit_price": 1e6, "win_rate": r1, "meeting_rate": r2, "connect_rate": r3,
              "emails_sent": 0}
    better = {**knowns, which: min(1.0, knowns[which] + bump)}
    assume(better[which] >= knowns[which])
    base, improved = reverse(sdr, goal, knowns), reverse(sdr, goal, better)
    for stage in base.stages:
        assert improved.value(stage.metric) <= stage.value

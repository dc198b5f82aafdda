import pytest

from kpi_xl.engine.catalog import get_benchmark, get_phase, load_benchmarks, load_phases
from kpi_xl.engine.templates import get_template
from kpi_xl.errors import UnknownNameError


def test_phases_and_limits():
    phases = load_phases()
    assert [p.name.ja for p in phases.values()] == ["立ち上げ期", "成長期", "安定・拡大期"]
    assert [(p.min_kpis, p.max_kpis) for p in phases.values()] == [(3, 5), (5, 7), (3, 5)]
    sdr = get_template("sdr")
    for phase in phases.values():
        assert len(phase.kpis_for(sdr)) <= phase.max_kpis
    assert get_phase("launch").kpis_for(sdr)[0] == "calls"
    assert get_phase("成長期").id == "growth"
    with pytest.raises(UnknownNameError):
        get_phase("mature")


def test_benchmarks_carry_range_unit_direction_and_source():
    marks = load_benchmarks()
    assert marks["calls_per_rep_day"].low == 34
    assert (marks["connect_rate"].low, marks["connect_rate"].high) == (0.10, 0.20)
    assert (marks["appointment_rate"].low, marks["appointment_rate"].high) == (0.05, 0.10)
    assert (marks["meeting_rate"].low, marks["meeting_rate"].high) == (0.20, 0.30)
    assert (marks["win_rate"].low, marks["win_rate"].high) == (0.10, 0.15)
    assert marks["reach_1s"].low == 0.5 and marks["reach_2min"].low == 0.2
    assert (marks["sql_meetings_per_rep_month"].low, marks["sql_meetings_per_rep_month"].high) == (20, 40)
    for mark in marks.values():
        assert mark.source and mark.unit and mark.higher_is_better
    assert get_benchmark("受注率").contains(0.12) and not get_benchmark("受注率").contains(0.2)


@pytest.mark.parametrize("items, find", [(load_benchmarks, get_benchmark), (load_phases, get_phase)])
def test_each_item_is_found_by_its_own_names(items, find):
    """架電数（1人1日あたり） as the catalogue writes it — full-width brackets — and as typed half-width."""
    for item in items().values():
        for name in (item.id, item.name.ja, item.name.en, item.name.ja.replace("（", "(").replace("）", ")")):
            assert find(name) is item, name

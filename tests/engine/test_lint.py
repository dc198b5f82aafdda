from kpi_xl.engine.catalog import get_phase
from kpi_xl.engine.lint import KpiSpec, lint
from kpi_xl.engine.templates import get_template


def full(metric, target=100):
    return KpiSpec(metric, target=target, deadline="2027-03-31", owner="IS課")


def test_a_sound_launch_plan_has_no_findings():
    kpis = [full("架電数"), full("コネクト数"), full("コネクト率", 0.15)]
    assert lint(get_template("sdr"), get_phase("launch"), kpis) == []


def test_count_smart_fields_and_control():
    sdr = get_template("sdr")
    kpis = [KpiSpec("全リード総数"), full("売上")]
    findings = lint(sdr, get_phase("launch"), kpis)
    codes = [(f.code, f.metric) for f in findings]
    assert ("lint_count", None) in codes
    assert ("lint_smart_number", "leads") in codes
    assert ("lint_smart_deadline", "leads") in codes
    assert ("lint_smart_owner", "leads") in codes
    assert ("lint_smart_definition", "leads") in codes  # a leaf with no definition
    assert ("lint_uncontrollable", "leads") in codes
    assert ("lint_outcome", "revenue") in codes  # 001: 売上 is a 成果指標, not a KPI a rep moves
    assert ("lint_off_phase", "revenue") in codes
    count = next(f for f in findings if f.code == "lint_count")
    assert "3〜5" in count.message("ja") and "3–5" in count.message("en")
    assert "(has 2)" in count.message("en")


def test_a_defined_rate_is_measurable():
    findings = lint(get_template("sdr"), get_phase("growth"), [full("商談化率", 0.25)])
    assert not any(f.code == "lint_smart_definition" for f in findings)

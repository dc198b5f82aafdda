from pathlib import Path

import pytest

from kpi_xl.engine.catalog import get_phase
from kpi_xl.engine.templates import get_template, load_template_file, template_names
from kpi_xl.errors import TemplateError, UnknownNameError

FUNNELS = {"sdr", "bdr", "call", "email", "the_model"}
STYLES = {"new_business", "route", "saas", "manufacturing", "real_estate"}


def test_every_funnel_and_style_of_the_domain_ships():
    assert set(template_names()) == FUNNELS | STYLES
    for name in template_names():
        t = get_template(name)
        assert t.id == name == Path(t.source).stem  # a template is read by its file's name alone
        assert t.name.ja and t.name.en and t.chain[0] == t.root_id
        for metric in t.tree.metrics.values():
            assert metric.name.ja and metric.name.en


def test_sdr_approaches_are_calls_plus_emails():
    assert get_template("sdr").definition("approaches", "ja") == "アプローチ数 = 架電数 + メール送信数"


def test_lower_is_better_metrics():
    assert not get_template("saas").metric("チャーンレート").higher_is_better
    assert not get_template("the_model").metric("CAC").higher_is_better
    assert not get_template("route").metric("解約率").higher_is_better


def test_metric_lookup_is_width_and_case_blind():
    sdr = get_template("sdr")
    assert sdr.metric("ｺﾈｸﾄ率").id == "connect_rate"
    assert sdr.metric("Win Rate").id == "win_rate"
    assert sdr.metric("成約率").id == "win_rate"
    with pytest.raises(UnknownNameError) as info:
        sdr.metric("粗利率")
    assert "粗利率" in info.value.message("ja") and "受注率" in info.value.message("ja")


def test_a_template_is_found_by_its_name_in_either_language():
    assert get_template("SDR（反響型インサイドセールス）").id == get_template("sdr (Inbound Inside Sales)").id == "sdr"
    assert get_template("ＳＤＲ").id == "sdr"  # width-blind, as typed in a Japanese IME


def test_unknown_template_lists_the_known_ones():
    with pytest.raises(UnknownNameError) as info:
        get_template("sdrr")
    assert "sdr" in info.value.message("en") and "the_model" in info.value.message("en")


GOOD = """
id = "mine"
kind = "funnel"
ja = "自社"
en = "Ours"
root = "revenue"
chain = ["revenue", "won"]
[metrics.revenue]
kind = "amount"
ja = "売上"
en = "Revenue"
formula = "won * price"
[metrics.price]
kind = "amount"
ja = "単価"
en = "Price"
[metrics.won]
kind = "count"
ja = "受注"
en = "Won"
"""


def test_a_users_own_template_file_works(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    t = get_template(str(path))
    assert t.id == "mine" and t.metric("受注").id == "won"


@pytest.mark.parametrize(("change", "key", "problem"), [
    (('kind = "funnel"', 'kind = "pipeline"'), "kind", "must be 'funnel' or 'style'"),
    (('formula = "won * price"', 'formula = "won * cost"'), "metrics.revenue.formula",
     "unknown metric 'cost'"),
    (('formula = "won * price"', 'formula = "won * price + 1"'), "metrics.revenue.formula", "formula"),
    (('formula = "won * price"', 'formula = "won * price / won"'), "metrics.revenue.formula",
     "mixes operators"),
    (('kind = "count"', 'kind = "number"'), "metrics.won.kind", "must be one of"),
    (('chain = ["revenue", "won"]', 'chain = ["won"]'), "chain", "must start at the root"),
    (('chain = ["revenue", "won"]', 'chain = ["revenue", "price", "won"]'), "chain", "not in the formula"),
    (('root = "revenue"\n', ''), "root", "missing"),
    (('en = "Won"', 'en = "Won"\ncolour = "red"'), "metrics.won.colour", "unknown key"),
    (('ja = "受注"', 'ja = 3'), "metrics.won.ja", "must be str"),
    (('[metrics.won]\nkind = "count"', '[metrics.won]\nkind = "count"\nformula = "revenue * price"'),
     "metrics", "cycle"),
    (('id = "mine"', 'id = "mine'), "-", "not valid TOML"),
])
def test_a_broken_template_names_file_key_and_problem(tmp_path, change, key, problem):
    path = tmp_path / "broken.toml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template_file(path)
    text = info.value.message("en")
    assert str(path) in text and f"key {key}:" in text and problem in text
    assert str(path) in info.value.message("ja")


def test_a_style_lists_its_own_phase_kpis():
    saas = get_template("saas")  # 002's SaaS KPIs, not the IS phase candidates it does not have
    assert get_phase("launch").kpis_for(saas) == ["trials", "new_contracts", "trial_conversion"]


def test_a_template_without_phase_lists_tops_the_candidates_up_from_its_chain():
    """A user's template without [phases]: the phase's candidates it has (4 for 成長期 here),
    topped up from its chain to the phase's minimum of 5 (DOMAIN.md §5)."""
    mine = load_template_file(Path(__file__).resolve().parents[1] / "data" / "lower_is_better.toml")
    assert get_phase("growth").kpis_for(mine) == ["connect_rate", "meetings", "meeting_rate", "valid_lead_rate",
                                                  "revenue"]

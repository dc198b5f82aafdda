"""The seeds' worked examples through every face — the CLI, the engine, the Excel functions
and the plan workbook recalculated by LibreOffice (KPI tree, calendar, weekly and every phase
sheet that tracks the stage) — for every template they apply to. All four must be equal.

- 000 STEP2/3: 受注金額1,200万円, 平均顧客単価100万円, 受注率20%, 商談化率10% → 12 → 60 → 600
- 001: 年間売上1億円 ÷ 平均単価100万円 ÷ 成約率20% = 年間商談数500件 → 月間42件 → 週次10件
- 003: 2025年の1日あたりの架電数は平均34件
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kpi_xl.engine.catalog import load_phases
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import read_settings
from kpi_xl.workbook.writer import build_workbook
from kpi_xl.xlsx.recalc import convert
from tests.workbook.expected import read_values
from tests.xlwings_harness import call, decorated_udfs

# template → the rate names its chain uses for the seed's 受注率 and 商談化率 (one rate: the
# styles' single conversion), and the stages walked
WALKS = {
    "sdr": (["受注率", "商談化率"], ["won", "meetings", "connects"]),
    "bdr": (["受注率", "商談化率"], ["won", "meetings", "keyman_connects"]),
    "email": (["受注率", "商談化率"], ["won", "meetings", "replies"]),
    "the_model": (["受注率", "商談化率"], ["won", "meetings", "sqls"]),
    "new_business": (["成約率", "商談化率"], ["won", "meetings", "appointments"]),
    "call": (["受注率", "有効商談率"], ["won", "valid_meetings", "meetings"]),
    "route": (["訪問受注率"], ["orders", "visits"]),
    "saas": (["トライアル転換率"], ["new_contracts", "trials"]),
    "manufacturing": (["見積受注率"], ["orders", "quotes"]),
    "real_estate": (["契約率"], ["contracts", "inquiries"]),
}
SEED_CHAIN = [12, 60, 600]  # 000: 受注件数12件 → 商談数60件 → コネクト数600件


def settings(template: str, kgi: str, fiscal_year: int | None = None) -> dict:
    rates, _ = WALKS[template]
    out = {"template": template, "kgi": kgi, "unit_price": "100万",
           "rates": dict(zip(rates, ["20%", "10%"])), "reps": 1}
    return {**out, "fiscal_year": fiscal_year} if fiscal_year else out


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory, libreoffice):
    folder = tmp_path_factory.mktemp("worked")
    cases = {}
    for template in WALKS:
        for key, kgi in (("quarter", "1200万"), ("year", "1億")):
            chosen = read_settings(settings(template, kgi, 2026))
            plan = build_plan(chosen.spec)
            wb, layout = build_workbook(plan, chosen.options)
            path = folder / f"{template}-{key}.xlsx"
            wb.save(path)
            cases[(template, key)] = (plan, layout, path)
    recalced = convert([c[2] for c in cases.values()], folder / "out")
    return {k: (*c, read_values(out, c[1])) for (k, c), out in zip(cases.items(), recalced)}


@pytest.mark.parametrize("template", sorted(WALKS))
def test_1200_man_yen_walks_to_12_60_600_in_every_face(template, workbooks):
    rates, stages = WALKS[template]
    want = SEED_CHAIN[: len(stages)]
    engine = build_plan(read_settings(settings(template, "1200万")).spec)
    assert [engine.reverse.value(s) for s in stages] == want
    args = ["reverse", "--template", template, "--kgi", "12000000", "--unit-price", "1000000", "--json"]
    for name, rate in zip(rates, ["20%", "10%"]):
        args += ["--rate", f"{name}={rate}"]
    cli = json.loads(subprocess.run([sys.executable, "-m", "kpi_xl.cli", *args], capture_output=True, text=True,
                                    check=True).stdout)
    assert [s["value"] for s in cli["chain"][1: len(stages) + 1]] == want
    udf = call(decorated_udfs(), "KPI_REVERSE", 12_000_000.0, [[0.2], [0.1]][: len(rates)], 1_000_000.0)
    assert [row[0] for row in udf] == want
    _plan, _layout, _path, got = workbooks[(template, "quarter")]
    assert [got[("tree", s)] for s in stages] == want


@pytest.mark.parametrize("template", sorted(WALKS))
def test_one_oku_is_500_meetings_42_a_month_10_a_week_in_every_face(template, workbooks):
    _rates, stages = WALKS[template]
    meetings = stages[1]  # 001: 年間商談数500件 (the stage over the first rate)
    plan, _layout, _path, got = workbooks[(template, "year")]
    months = [m.key for m in plan.fiscal_months]
    assert plan.reverse.value(meetings) == 500 == got[("tree", meetings)]
    assert plan.monthly[meetings] == [42] * 12 == [got[("monthly", meetings, m)] for m in months]
    first_week = plan.weeks[0].key
    assert plan.weekly[meetings][0] == 10 == got[("weekly", meetings, first_week)]
    split = call(decorated_udfs(), "KPI_SPLIT", 500.0, 2026.0)
    assert [row[2] for row in split] == [42] * 12
    tracked = [p for p in load_phases().values() if meetings in p.kpis_for(plan.spec.template)]
    for phase in tracked:  # every phase sheet that tracks the stage shows the same 42
        assert [got[("phase", phase.id, meetings, "target", m)] for m in months] == [42] * 12


def test_34_calls_a_day_is_the_capacity_in_every_face(workbooks):
    """The walk reaches 架電数 (40,000 a year for ¥1.2億 at 20% / 10% / 15%); eight reps over
    FY2026's 244 business days need 20.5 a day against 34."""
    full = ["reverse", "--kgi", "1.2億", "--unit-price", "100万", "--rate", "受注率=20%", "--rate", "商談化率=10%",
            "--rate", "コネクト率=15%", "--volume", "メール送信数=0", "--fy", "2026", "--reps", "8", "--json"]
    cli = json.loads(subprocess.run([sys.executable, "-m", "kpi_xl.cli", *full], capture_output=True, text=True,
                                    check=True).stdout)["feasibility"]
    engine = build_plan(read_settings({"kgi": "1.2億", "unit_price": "100万", "fiscal_year": 2026, "reps": 8,
                                       "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"},
                                       "volumes": {"メール送信数": 0}}).spec).feasibility
    assert engine.capacity == cli["capacity"] == 34 and engine.required == cli["required"] == 40_000
    assert cli["per_rep_day"] == pytest.approx(40_000 / (8 * 244)) and cli["feasible"]
    answer = call(decorated_udfs(), "KPI_FEASIBILITY", 40_000 / 244, 8.0, None, "en")
    assert "34" in answer and "20.5" in answer
    _plan, layout, path, _got = workbooks[("sdr", "year")]
    from openpyxl import load_workbook

    inputs = load_workbook(path)[layout.sheets["inputs"]]
    assert inputs[layout.cells[("input", "capacity")].split("!")[1].replace("$", "")].value == 34

"""Given scenario rates (plan --from-data writes a measured rate's 95% interval as 楽観/悲観):
with each scenario active, the engine, the workbook recalculated by LibreOffice and the engine
reading the workbook back all give the same plan."""

from __future__ import annotations

import pytest

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import read_settings
from kpi_xl.workbook.reader import read_plan_workbook
from kpi_xl.workbook.writer import build_workbook
from kpi_xl.xlsx.recalc import convert
from tests.workbook.expected import compare, engine_values, error_cells, read_values

SETTINGS = {"template": "sdr", "kgi": "1.2億", "unit_price": "100万", "fiscal_year": 2026, "reps": 3,
            "rates": {"受注率": "19.4%", "商談化率": "11.9%", "コネクト率": "10.5%"}, "volumes": {"メール送信数": 0},
            "scenarios": {"受注率": ["23.3%", "16.0%"], "商談化率": ["13.0%", "10.9%"]}}


@pytest.mark.parametrize("scenario, win, meeting, connect", [
    (0, 0.194, 0.119, 0.105), (1, 0.233, 0.130, 0.105 * 1.1), (2, 0.160, 0.109, 0.105 * 0.9)])
def test_given_scenarios_agree_everywhere(scenario, win, meeting, connect, tmp_path, libreoffice):
    settings = read_settings({**SETTINGS, "scenario": scenario})
    knowns = settings.spec.knowns
    assert (knowns["win_rate"], knowns["meeting_rate"]) == pytest.approx((win, meeting))
    assert knowns["connect_rate"] == pytest.approx(connect)  # no given ends: × 1.1 / × 0.9 as before
    plan = build_plan(settings.spec)
    wb, layout = build_workbook(plan, settings.options)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    recalculated = convert([path], tmp_path / "out")[0]
    assert compare(engine_values(plan), read_values(recalculated, layout)) == []
    assert error_cells(recalculated, {layout.sheets["chart_data"]}) == []
    again = read_plan_workbook(path)
    assert dict(again.spec.knowns) == pytest.approx(dict(knowns))
    assert build_plan(again.spec).reverse.stages == plan.reverse.stages


def test_scenarios_must_be_two_rates(tmp_path):
    from kpi_xl.errors import InputError

    with pytest.raises(InputError, match="scenarios"):
        read_settings({**SETTINGS, "scenarios": {"受注率": ["23%"]}})
    with pytest.raises(InputError, match="scenarios"):
        read_settings({**SETTINGS, "scenarios": {"受注率": ["23%", "150%"]}})

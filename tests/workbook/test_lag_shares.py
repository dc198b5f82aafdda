"""A measured lag (lag_shares, written by plan --from-data): the engine's monthly targets equal
a numpy convolution of the fiscal split; the workbook recalculated by LibreOffice equals the
engine — as written, after the user edits the four share cells, and read back."""

from __future__ import annotations

import math

import numpy as np
import pytest
from openpyxl import load_workbook

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import read_settings
from kpi_xl.errors import InputError
from kpi_xl.workbook.reader import read_plan_workbook
from kpi_xl.workbook.writer import build_workbook
from kpi_xl.xlsx.recalc import convert
from tests.workbook.expected import compare, engine_values, error_cells, read_values

SETTINGS = {"template": "sdr", "kgi": "1.2億", "unit_price": "100万", "fiscal_year": 2026, "reps": 3,
            "rates": {"受注率": "19.4%", "商談化率": "11.9%", "コネクト率": "10.5%"}, "volumes": {"メール送信数": 0},
            "split": "weighted", "lag_shares": {"受注数": ["5%", "51%", "39%", "5%"]}}


def test_meetings_are_the_plain_plans_spread_by_the_shares():
    """Without shares the plan's fiscal meetings; with them, each month's meetings placed 0–3
    months earlier by the shares (placed here one by one), then rounded up per month."""
    plan = build_plan(read_settings(SETTINGS).spec)
    plain = build_plan(read_settings({k: v for k, v in SETTINGS.items() if k != "lag_shares"}).spec)
    shares = np.array([0.05, 0.51, 0.39, 0.05])
    assert plan.lead_in == 3 and len(plan.months) == 15
    assert plan.month_targets("won") == plain.month_targets("won")  # the goal's months do not move
    for stage in ("meetings", "connects", "calls"):
        want = np.zeros(len(plan.months))
        for d, w in enumerate(shares):
            for i, v in enumerate(plain.month_targets(stage)):
                want[3 + i - d] += w * v
        assert plan.targets(stage) == [math.ceil(round(x, 9)) for x in want], stage
        assert np.convolve(plain.month_targets(stage), shares[::-1]).tolist() == pytest.approx(want.tolist())


def _edit_shares(path, values):
    wb = load_workbook(path)
    ws = wb["入力"]
    rows = [r for r in ws.iter_rows() if isinstance(r[0].value, str) and r[0].value.startswith("lag_share:")]
    assert len(rows) == 4
    for row, value in zip(rows, values):
        next(c for c in row if c.style_id and c.protection.locked is False).value = value
    wb.save(path)


@pytest.mark.parametrize("edit", [None, [0.5, 0.5, 0, 0], [0, 0, 0, 0], [1, 1, 1, None]])
def test_workbook_engine_and_read_back_agree(edit, tmp_path, libreoffice):
    settings = read_settings(SETTINGS)
    plan = build_plan(settings.spec)
    wb, layout = build_workbook(plan, settings.options)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    if edit is not None:
        _edit_shares(path, edit)
    again = read_plan_workbook(path)
    if edit is not None:
        total = sum(v or 0 for v in edit)
        want = tuple((v or 0) / total for v in edit) if total else (1.0, 0.0, 0.0, 0.0)
        assert again.spec.lag_shares["won"] == pytest.approx(want)
    replanned = build_plan(again.spec)
    recalculated = convert([path], tmp_path / "out")[0]
    assert compare(engine_values(replanned), read_values(recalculated, layout)) == []
    assert error_cells(recalculated, {layout.sheets["chart_data"]}) == []


@pytest.mark.parametrize("shares, words", [
    ({"受注数": ["-5%", "50%"]}, "lag_shares.受注数[1]"),
    ({"受注数": ["10%"] * 5}, "lag_shares.受注数"),
    ({"架電数": ["50%", "50%"]}, "lag_shares"),
    ({"受注数": ["50%"], "商談化数": ["50%"]}, "one stage"),
])
def test_bad_shares_name_the_field(shares, words):
    with pytest.raises(InputError) as err:
        read_settings({**SETTINGS, "lag_shares": shares})
    assert words in err.value.message("en")

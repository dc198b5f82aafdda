from datetime import date

import pytest

from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.errors import InputError, UnknownNameError

BASE = {"template": "sdr", "kgi": "1.2億", "unit_price": "100万", "rates": {"受注率": "20%"}}


def test_settings_become_a_spec():
    spec = spec_from_settings({**BASE, "fiscal_year": "2026", "fy_start": 4,
                               "holidays": ["2026-12-29..2027-01-03"],
                               "reps": ["佐藤:1", {"name": "鈴木", "capacity": 0.5,
                                                   "start": "2026-10", "ramp": [0.5]}],
                               "leads": {"受注数": 2}})
    assert spec.goal == 120_000_000 and spec.knowns == {"win_rate": 0.2, "unit_price": 1e6}
    assert spec.fiscal_year == 2026 and len(spec.closures) == 6
    assert [r.name for r in spec.reps] == ["佐藤", "鈴木"]
    assert spec.reps[1].start == date(2026, 10, 1) and spec.reps[1].ramp == (0.5,)
    assert spec.leads == {"won": 2}


@pytest.mark.parametrize(("change", "error", "text"), [
    ({"kgi": None}, InputError, "kgi is missing"),
    ({"kgi": -5}, InputError, "more than zero"),
    ({"rates": {"受注率": "0%"}}, InputError, "Win rate must be more than 0%"),
    ({"rates": {"粗利率": "20%"}}, UnknownNameError, "'粗利率'"),
    ({"template": "crm"}, UnknownNameError, "no template 'crm'"),
    ({"fiscal_year": 26.5}, InputError, "fiscal_year"),
    ({"fy_start": 13}, InputError, "fy_start"),
    ({"reps": 0}, InputError, "reps"),
    ({"reps": ["a", "a"]}, InputError, "unique"),
    ({"split": "random"}, InputError, "split"),
    ({"leads": {"有効商談数": 1}}, InputError, "lead"),
    ({"volumes": {"架電数": -3}}, InputError, "zero or more"),
    ({"colour": "red"}, InputError, "colour: no such key"),
    ({"target": "追客数=3"}, InputError, "target"),
])
def test_bad_settings_name_the_field(change, error, text):
    settings = {**BASE, **change}
    settings = {k: v for k, v in settings.items() if v is not None}
    with pytest.raises(error) as info:
        spec_from_settings(settings)
    assert text in info.value.message("en")

"""Hundreds of random valid plans (every template; amounts from 1e5 to 1e10; awkward rates,
long ramps, closures, lags, scenarios, exact mode, month-over-month growth, a rate KGI; both
languages; four states of typed actuals) written, recalculated by LibreOffice and compared
with the engine cell by cell: counts exactly, the rest to a relative 1e-9. Also: no visible
error cell, nothing Excel 2016 would refuse, and =KPI_SPLIT equal to the workbook's months
and weeks. 12 plans by default; 300 when CI (or KPI_XL_SLOW) is set."""

from __future__ import annotations

import os
import random

import pytest

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import read_settings
from kpi_xl.workbook.writer import build_workbook
from kpi_xl.xlsx.recalc import convert
from tests.workbook.expected import (
    STATES,
    actual_sheet_values,
    compare,
    engine_values,
    error_cells,
    expected_status,
    fill_actuals,
    random_actuals,
    read_values,
)
from tests.workbook.plans import varied_settings
from tests.workbook.static_checks import excel_problems

COUNT = 300 if os.environ.get("CI") or os.environ.get("KPI_XL_SLOW") else 12
BATCH = 50  # workbooks per LibreOffice run


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, libreoffice):
    folder = tmp_path_factory.mktemp("random")
    cases = []
    for seed in range(COUNT):
        settings = read_settings(varied_settings(seed))
        plan = build_plan(settings.spec)
        wb, layout = build_workbook(plan, settings.options)
        path = folder / f"plan{seed}.xlsx"
        wb.save(path)
        actuals = random_actuals(plan, random.Random(seed), STATES[seed % len(STATES)])
        if actuals:
            fill_actuals(path, actuals, [m.key for m in plan.months])
        cases.append((seed, settings, plan, layout, path, actuals))
    out = []
    for start in range(0, len(cases), BATCH):
        batch = cases[start: start + BATCH]
        out += convert([c[4] for c in batch], folder / "recalc")
    return [(*case, recalced) for case, recalced in zip(cases, out)]


def test_every_cell_of_every_random_plan_agrees_with_the_engine(recalculated):
    problems = []
    for seed, settings, plan, layout, _path, actuals, recalced in recalculated:
        expected = engine_values(plan, settings.options.asof or plan.fiscal_months[0].start)
        expected.update(actual_sheet_values(plan, actuals))
        expected.update(expected_status(plan, actuals, settings.options.warn, settings.options.lang))
        diff = compare(expected, read_values(recalced, layout))
        problems += [f"seed {seed} ({plan.spec.template.id}): {d}" for d in diff[:3]]
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:30])


def test_no_random_plan_shows_an_error_cell(recalculated):
    errors = []
    for seed, _settings, _plan, layout, _path, _actuals, recalced in recalculated:
        errors += [f"seed {seed}: {e}" for e in error_cells(recalced, {layout.sheets["chart_data"]})[:3]]
    assert not errors, "\n".join(errors[:30])


def test_no_random_plan_holds_what_excel_2016_refuses(recalculated):
    problems = []
    for seed, _settings, _plan, _layout, path, _actuals, _recalced in recalculated:
        problems += [f"seed {seed}: {p}" for p in excel_problems(path)[:3]]
    assert not problems, "\n".join(problems[:30])


def test_kpi_split_equals_the_workbooks_months_and_weeks(recalculated):
    """=KPI_SPLIT of a stage's total is the workbook's split of it (counts rounded up,
    amounts never rounded), for plans without a lag, a quarter or growth."""
    from tests.xlwings_harness import call, decorated_udfs

    udfs = decorated_udfs()
    checked = 0
    for seed, _settings, plan, layout, _path, _actuals, recalced in recalculated:
        spec = plan.spec
        if plan.lead_in or spec.quarter or spec.growth:
            continue
        got = read_values(recalced, layout)
        closures = [[d] for d in sorted(spec.closures)] or None
        for stage in plan.stages:  # the weekly sheet splits the stages
            metric = spec.template.tree.metrics[stage]
            if metric.kind.value == "rate":
                continue
            total = plan.reverse.as_dict().get(stage, spec.knowns.get(stage))
            whole = metric.is_count and not spec.exact
            for period, key, keys in (("month", "monthly", [m.key for m in plan.months]),
                                      ("week", "weekly", [w.key for w in plan.weeks])):
                table = call(udfs, "KPI_SPLIT", total, spec.fiscal_year, period, spec.fy_start, closures, spec.split,
                             whole)
                workbook = [got[(key, stage, k)] for k in keys]
                assert [row[2] for row in table] == pytest.approx(workbook, rel=1e-12), (seed, stage, period)
                checked += 1
    assert checked >= 5

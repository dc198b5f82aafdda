"""Engine vs the plan workbook's own formulas, recalculated by LibreOffice.

Many varied plans are generated, converted in one LibreOffice run, and every target,
business-day, per-rep, weekly, pacing and sensitivity cell is compared with the engine.
The same is done after a user's edits (a rate, a holiday, the fiscal start, the scenario),
with the engine reading the edited workbook back.
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import PlanOptions, spec_from_settings
from kpi_xl.workbook.reader import read_plan_workbook
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
from tests.workbook.plans import random_settings

SEEDS = range(14)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, libreoffice):
    """Write every plan, convert them all in one LibreOffice run, return the cases."""
    folder = tmp_path_factory.mktemp("plans")
    cases = []
    for seed in SEEDS:
        rnd = random.Random(seed)
        settings = random_settings(seed)
        plan = build_plan(spec_from_settings(settings))
        months = plan.fiscal_months
        asof = months[0].start + timedelta(rnd.randint(0, (months[-1].end - months[0].start).days))
        opts = PlanOptions(lang=rnd.choice(["ja", "en"]), warn=rnd.choice([0.8, 0.9]), asof=asof)
        wb, layout = build_workbook(plan, opts)
        path = folder / f"plan{seed}.xlsx"
        wb.save(path)
        actuals = random_actuals(plan, rnd, STATES[seed % len(STATES)])
        if actuals:
            fill_actuals(path, actuals, [m.key for m in plan.months])
        cases.append((seed, plan, opts, layout, path, actuals))
    out = convert([c[4] for c in cases], folder / "recalc")
    return [(*case, recalced) for case, recalced in zip(cases, out)]


@pytest.mark.parametrize("index", range(len(SEEDS)))
def test_workbook_formulas_agree_with_the_engine(generated, index):
    seed, plan, opts, layout, _path, actuals, recalced = generated[index]
    expected = engine_values(plan, opts.asof)
    expected.update(actual_sheet_values(plan, actuals))
    expected.update(expected_status(plan, actuals, opts.warn, opts.lang))
    got = read_values(recalced, layout)
    problems = compare(expected, got)
    assert not problems, f"seed {seed}: {len(problems)} differences, e.g.\n" + "\n".join(problems[:15])
    assert len(expected) > 100
    hidden = {layout.sheets["chart_data"]}  # the charts' gaps (#N/A) live there, out of sight
    errors = error_cells(recalced, hidden)
    assert not errors, f"seed {seed}: error cells " + ", ".join(errors[:10])


def test_per_rep_shares_add_up_in_the_workbook(generated):
    for seed, plan, _opts, layout, _path, _actuals, recalced in generated:
        got = read_values(recalced, layout)
        for stage in plan.stages:
            if not plan.spec.template.tree.metrics[stage].is_count or plan.spec.exact:
                continue
            for month in plan.months:
                team = got[("monthly", stage, month.key)]
                reps = sum(got[("per_rep", stage, rep.name, month.key)] for rep in plan.spec.reps)
                assert reps == team, (seed, stage, month.key)


def test_the_workbook_reads_back_into_the_same_plan(generated):
    for seed, plan, opts, _layout, path, actuals, _recalced in generated:
        book = read_plan_workbook(path)
        again = build_plan(book.spec)
        assert again.reverse.as_dict() == plan.reverse.as_dict(), seed
        assert again.monthly == plan.monthly and again.per_rep == plan.per_rep, seed
        assert again.weekly == plan.weekly, seed
        assert book.options.lang == opts.lang and book.options.asof == opts.asof
        assert book.actuals == {m: s for m, s in actuals.items() if s}, seed  # every typed number, as typed


def _set(path: Path, sheet: str, cell: str, value) -> None:
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def test_a_users_edits_recompute_everywhere(tmp_path, libreoffice):
    """The edits the workbook invites — a rate, a closure, the fiscal start, the fiscal year,
    the scenario, the split, a month-over-month growth, actuals — recompute everywhere
    with no error cell, and the engine, reading the edited workbook, agrees with them."""
    settings = {"template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000,
                "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"}, "volumes": {"メール送信数": 500},
                "fiscal_year": 2026, "reps": ["佐藤", "鈴木:0.5", "新人:1:2026-07:0.5/0.75/0.8/0.9"],
                "leads": {"受注数": 1}, "split": "weighted"}
    plan = build_plan(spec_from_settings(settings))
    wb, layout = build_workbook(plan, PlanOptions(asof=date(2026, 10, 15)))
    base = tmp_path / "base.xlsx"
    wb.save(base)
    holidays = load_workbook(base)[layout.sheets["holidays"]]
    spare = next(r for r in range(5, holidays.max_row + 1) if holidays.cell(r, 2).value is None)
    edits = {
        "rate": [(layout.cells[("input", "win_rate")], 0.25)],
        "holiday": [(f"'{layout.sheets['holidays']}'!$B${spare}", date(2026, 6, 15))],
        "fy_start": [(layout.cells[("input", "fy_start")], 1)],
        "fy": [(layout.cells[("input", "fy")], 2027)],  # that year's public holidays are in the table
        "scenario": [(layout.cells[("input", "scenario")], "楽観")],
        "split": [(layout.cells[("input", "split")], "均等")],
        "growth": [(layout.cells[("input", "growth:meetings")], 0.1)],
    }
    paths = []
    for name, changes in edits.items():
        path = tmp_path / f"{name}.xlsx"
        shutil.copy(base, path)
        for where, value in changes:
            sheet, cell = where.rsplit("!", 1)
            _set(path, sheet.strip("'"), cell.replace("$", ""), value)
        paths.append(path)
    recalced = convert(paths, tmp_path / "recalc")
    for name, path, out in zip(edits, paths, recalced):
        book = read_plan_workbook(path)
        edited = build_plan(book.spec)
        assert edited.reverse.as_dict() != plan.reverse.as_dict() or name in ("holiday", "fy_start", "fy", "split",
                                                                              "growth")
        _, edited_layout = build_workbook(edited, book.options)
        problems = compare(engine_values(edited, book.options.asof), read_values(out, edited_layout))
        assert not problems, f"{name}: " + "\n".join(problems[:10])
        assert not error_cells(out, {layout.sheets["chart_data"]}), name
    assert build_plan(read_plan_workbook(paths[0]).spec).reverse.value("meetings") == 480  # 120 / 25%
    fy = build_plan(read_plan_workbook(paths[3]).spec)
    assert fy.months[1].key == "2027-04" and fy.months[2].business_days == 18  # May 2027: Golden Week kept
    assert build_plan(read_plan_workbook(paths[-1]).spec).spec.growth == {"meetings": 0.1}


def test_the_scenario_names_cannot_be_renamed_into_errors(tmp_path):
    """The dropdown picks a scenario by its header: the headers are locked, so renaming the
    active one (which would leave every formula #N/A) is refused by the sheet's protection."""
    plan = build_plan(spec_from_settings({"kgi": 1, "rates": {"受注率": "20%"}, "fiscal_year": 2026}))
    wb, layout = build_workbook(plan)
    ws = wb[layout.sheets["inputs"]]
    selector = ws[layout.cells[("input", "scenario")].split("!")[1].replace("$", "")]
    headers = [c for c in ws[6] if c.value in ("標準", "楽観", "悲観")]
    assert len(headers) == 3 and ws.protection.sheet
    assert all(c.protection.locked is not False for c in headers)
    assert selector.protection.locked is False  # the choice itself is an input


def test_udfs_engine_and_workbook_formulas_agree(generated):
    """=KPI_REVERSE and =KPI_PER_REP (through xlwings's machinery) == engine == LibreOffice."""
    from tests.xlwings_harness import call, decorated_udfs

    udfs = decorated_udfs()
    checked = 0
    for seed, plan, _opts, layout, _path, _actuals, recalced in generated:
        got = read_values(recalced, layout)
        template = plan.spec.template
        knowns = plan.spec.knowns
        rates, stages = [], [plan.stages[0]]
        for stage in plan.reverse.stages[1:]:
            step = template.tree.path(stages[-1], stage.metric)[0]
            others = step.others
            if step.formula.op != "*" or len(others) != 1 or others[0] not in knowns:
                break
            rates.append(knowns[others[0]])
            stages.append(stage.metric)
        price = rates.pop(0) if template.tree.metrics[stages[0]].kind.value == "amount" else None
        if not rates:
            continue
        goal = plan.reverse.goal
        out = call(udfs, "KPI_REVERSE", goal, [[r] for r in rates], price, None, not plan.spec.exact)
        udf_values = [row[0] for row in out]
        workbook = [got[("tree", m)] for m in stages[1 if price else 0:]]
        engine = [plan.reverse.value(m) for m in stages[1 if price else 0:]]
        assert udf_values == pytest.approx(engine) and workbook == pytest.approx(engine), seed
        lever = plan.reverse.lever
        if template.tree.metrics[lever].is_count and not plan.spec.exact:
            for j, month in enumerate(plan.months):
                weights = [rep.weight(month.start) for rep in plan.spec.reps]
                team = plan.monthly[lever][j]
                if team == 0 or sum(weights) == 0:
                    continue
                shares = call(udfs, "KPI_PER_REP", team, [[w] for w in weights])
                shares = [row[0] for row in shares] if isinstance(shares, list) else [shares]
                assert shares == [got[("per_rep", lever, r.name, month.key)] for r in plan.spec.reps], seed
        checked += 1
    assert checked >= 8


def test_lower_is_better_flips_in_the_workbook(tmp_path, libreoffice):
    template = Path(__file__).resolve().parents[1] / "data" / "lower_is_better.toml"
    plan = build_plan(spec_from_settings({
        "template": str(template), "kgi": 120_000_000, "unit_price": 1_000_000,
        "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"}, "volumes": {"メール送信数": 0},
        "fiscal_year": 2026, "reps": 3}))
    wb, layout = build_workbook(plan, PlanOptions(lang="en", warn=0.9))
    path = tmp_path / "lower.xlsx"
    wb.save(path)
    keys = [m.key for m in plan.fiscal_months]
    target = plan.month_targets("calls")[0]  # 3,334
    actuals = {"calls": {keys[0]: target * 0.8, keys[1]: target * 1.05, keys[2]: target * 1.3}}
    fill_actuals(path, actuals, [m.key for m in plan.months])
    got = read_values(convert([path], tmp_path / "out")[0], layout)
    expected = expected_status(plan, actuals, 0.9, "en")
    assert not compare(expected, got)
    statuses = [got[("phase", "launch", "calls", "status", k)] for k in keys[:3]]
    assert statuses == ["hit", "watch", "miss"]  # fewer calls than planned is a hit here

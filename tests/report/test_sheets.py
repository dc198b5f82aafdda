"""The monthly report workbook, recalculated by LibreOffice, against the engine's figures."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from kpi_xl.demo import REPS, write_demo_data
from kpi_xl.engine.diagnosis import Status
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.i18n import label
from kpi_xl.report.figures import build_report
from kpi_xl.report.reps import RepKind
from kpi_xl.report.sheets import build_report_workbook
from kpi_xl.sfa.ingest import ingest
from kpi_xl.xlsx.recalc import convert

SETTINGS = {"template": "sdr", "kgi": 240_000_000, "unit_price": 1_000_000,
            "rates": {"受注率": "20%", "商談化率": "12%", "コネクト率": "15%"}, "volumes": {"メール送信数": 13_000},
            "fiscal_year": 2026, "reps": [*REPS[:8], "新人 太郎"], "leads": {"受注数": 1}}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    files = write_demo_data(folder, date(2026, 10, 1))
    plan = build_plan(spec_from_settings(SETTINGS))
    data = ingest([files.activities, files.opportunities], plan.spec.template)
    teams = {rep: ("東日本" if i < 5 else "西日本") for i, rep in enumerate(REPS)}
    report = build_report(plan, data, "2026-10", warn=0.9, teams=teams)
    out = {}
    for lang in ("ja", "en"):
        wb, layout = build_report_workbook(report, data, lang, "plan.yaml")
        path = folder / f"report-{lang}.xlsx"
        wb.save(path)
        out[lang] = (path, layout)
    return report, data, out, folder


def value(wb, where):
    sheet, cell = where.rsplit("!", 1)
    return wb[sheet.strip("'")][cell.replace("$", "")].value


def test_formulas_recalculate_to_the_engine(built, libreoffice):
    report, data, out, folder = built
    path, layout = out["ja"]
    wb = load_workbook(convert([path], folder / "recalc")[0], data_only=True)
    words = dict(zip((Status.HIT, Status.WATCH, Status.MISS), label("status_words", "ja").split("|")))
    tree = report.plan.spec.template.tree
    checked = 0
    for scope, lines in (("month", report.month_lines), ("ytd", report.ytd_lines)):
        for line in lines:
            ach = line.achievement(tree.metrics[line.metric].higher_is_better)
            got = value(wb, layout.cells[("summary", scope, line.metric, "ach")])
            if ach is None:
                assert got in (None, "")
                continue
            assert got == pytest.approx(ach)
            assert value(wb, layout.cells[("summary", scope, line.metric, "status")]) == words[report.status(line)]
            checked += 1
    assert checked >= 10
    for rep in report.reps:
        for metric, line in rep.lines.items():
            key = ("reps", rep.owner, metric, "ach")
            if key in layout.cells and line.actual is not None and line.target:
                assert value(wb, layout.cells[key]) == pytest.approx(line.actual / line.target)
    for metric in ("calls", "connects", "meetings"):
        total = value(wb, layout.cells[("reps_total", metric)])
        assert total == sum(r.lines[metric].actual or 0 for r in report.reps)
    gap = report.review.diagnosis
    assert value(wb, layout.cells[("summary", "gap_total")]) == pytest.approx(gap.actual_kgi - gap.planned_kgi)
    for source in data.sources:
        assert value(wb, layout.cells[("quality", source.raw.path.name, "check")]) == "OK"
    errors = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith(("#", "Err:"))]
    assert errors == []  # no error cell on any sheet once recalculated
    assert set(report.team_lines) == {"東日本", "西日本"}
    for name, lines in report.team_lines.items():
        for metric in ("calls", "connects", "meetings"):
            assert value(wb, layout.cells[("team", name, metric)]) == lines[metric].actual


def test_a_formula_owner_is_no_rep_and_stays_text(built, libreoffice):
    """The demo export's owner =HYPERLINK(…) is a leaked formula, not a person: it gets no row on
    担当者別, its row is excluded with a finding, and where the report names it, it is text."""
    report, data, out, folder = built
    path, _ = out["en"]
    injected = '=HYPERLINK("http://example.invalid","x")'
    assert injected not in [r.owner for r in report.reps]
    found = [f for f in data.findings if f.rule.value == "formula_owner"]
    assert len(found) == 1 and found[0].count == 1 and found[0].file == "activities.csv" and injected in found[0].detail
    raw = load_workbook(path)
    cells = [c for ws in raw.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and injected in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    recalced = load_workbook(convert([path], folder / "recalc-en")[0], data_only=True)
    texts = [c.value for ws in recalced.worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(t, str) and injected in t for t in texts)


def test_sheets_in_both_languages_and_what_they_hold(built):
    report, data, out, _ = built
    for lang, (path, _) in out.items():
        wb = load_workbook(path)
        keys = ("summary", "reps", "weeks", "trend", "bottleneck", "slots", "losses", "deals", "quality",
                "assumptions")
        assert wb.sheetnames == [label(f"sheet_{k}", lang) for k in keys]
        trend = wb[label("sheet_trend", lang)]
        assert len(trend._charts) >= 3
        assumptions = " ".join(str(c.value) for row in wb[label("sheet_assumptions", lang)].iter_rows()
                               for c in row if c.value)
        for source in data.sources:
            assert source.raw.sha256 in assumptions and source.raw.path.name in assumptions
        assert "cp932" in assumptions and "calamine" in assumptions
        deals = wb[label("sheet_deals", lang)]
        assert deals.max_row > 5 and len(list(deals.conditional_formatting)) == 1
    reps = {r.owner: r for r in report.reps}
    planned = [r for r in report.reps if r.kind is RepKind.PLAN]
    assert [r.owner for r in planned] == sorted((r.owner for r in planned), key=lambda o: (reps[o].gap, o))
    assert reps["新人 太郎"].kind is RepKind.PLAN  # planned, no rows this month: did nothing the data shows
    assert reps["新人 太郎"].lines["calls"].actual == 0 and reps["新人 太郎"].lines["calls"].target > 0
    for name in REPS[8:]:  # in the data, not in the plan: listed, no share of the target
        assert reps[name].kind is RepKind.UNPLANNED and reps[name].lines["calls"].target is None
    assert reps["佐藤\u3000健"].kind is RepKind.VARIANT and reps["佐藤\u3000健"].of == "佐藤 健"
    for metric in ("calls", "meetings", "won", "revenue"):  # the targets add up to the team's, exactly
        team = next(line.target for line in report.month_lines if line.metric == metric)
        assert sum(r.lines[metric].target or 0 for r in report.reps) == pytest.approx(team)


def test_assumptions_sheet_speaks_the_reports_language(built):
    """前提 in a Japanese report is Japanese: no English key beside the tool name and SHA-256."""
    _, _, out, _ = built
    keys = {lang: [c.value.strip() for c in load_workbook(out[lang][0])[label("sheet_assumptions", lang)]["B"]
                   if isinstance(c.value, str)] for lang in ("ja", "en")}
    english = {"plan", "template", "file", "encoding / reader", "one row is", "what it tells", "columns", "definitions"}
    assert not english & set(keys["ja"])
    assert english <= set(keys["en"])
    ja_sheet = load_workbook(out["ja"][0])[label("sheet_assumptions", "ja")]
    shown = " ".join(str(c.value) for row in ja_sheet["C"] for c in [row] if c.value)
    assert "通電" in shown and "reached" not in shown  # what the file tells, in Japanese


def test_bottleneck_hints_only_for_rates_below_target(built):
    """A hint tells a manager what to fix; a rate at or above its target gets none."""
    _, _, out, _ = built
    for lang in ("ja", "en"):
        ws = load_workbook(out[lang][0])[label("sheet_bottleneck", lang)]
        rows = [(ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 9).value) for r in range(5, ws.max_row + 1)
                if isinstance(ws.cell(r, 3).value, float)]
        assert any(a >= t for a, t, _ in rows) and any(a < t for a, t, _ in rows)  # the fixture has both
        for actual, target, hint in rows:
            assert bool(hint) == (actual < target), (actual, target, hint)


def test_long_sheets_repeat_their_header_when_printed(built):
    _, _, out, _ = built
    wb = load_workbook(out["ja"][0])
    for key in ("reps", "weeks", "bottleneck", "quality", "deals"):
        ws = wb[label(f"sheet_{key}", "ja")]
        last = int(ws.print_title_rows.rsplit("$", 1)[1])
        assert ws.cell(last, 2).font.b and ws.cell(last, 2).value, key  # ends on the table's header row

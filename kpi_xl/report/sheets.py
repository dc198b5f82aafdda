"""The monthly report workbook: summary, per rep, trend, bottleneck, data quality,
assumptions and aged open deals. Achievement, status and totals are live formulas over
the numbers written; text from data files is always written as text, never as a formula."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.display import fmt
from kpi_xl.engine.catalog import load_benchmarks, load_hints
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind
from kpi_xl.i18n import label, message
from kpi_xl.report.figures import MonthlyReport
from kpi_xl.report.landing_sheet import write_landing
from kpi_xl.report.loss_sheet import write_losses
from kpi_xl.report.slot_sheet import write_slots
from kpi_xl.report.week_sheet import write_weeks
from kpi_xl.sfa.header import ColumnUse, Shape, Use
from kpi_xl.sfa.ingest import Ingested, Source
from kpi_xl.version import __version__
from kpi_xl.xlsx import formulas, styles
from kpi_xl.xlsx.cells import Layout, a1, text_cell
from kpi_xl.xlsx.charts import bar_chart, straighten

MAX_ROWS_TEXT = 32_000  # a cell holds 32,767 characters
WARN_CELL = "$C$3"  # the summary's warn threshold, which every sheet's colours follow


text = text_cell  # every string from a data file is written as text, never as a formula


def _ach_status(ws: Worksheet, row: int, col: int, higher: bool, lang: str, warn: str = WARN_CELL) -> None:
    """Actual in ``col``, target in ``col + 1``: achievement and status beside them, coloured."""
    actual, target, ach = a1(row, col), a1(row, col + 1), a1(row, col + 2)
    ws.cell(row, col + 2, "=" + formulas.achievement(actual, target, higher)).number_format = "0.0%"
    ws.cell(row, col + 3, "=" + formulas.status(ach, warn, label("status_words", lang).split("|")))
    styles.traffic_lights(ws, f"{get_column_letter(col)}{row}:{get_column_letter(col + 3)}{row}",
                          f"${get_column_letter(col + 2)}{row}", warn)


def build_report_workbook(report: MonthlyReport, data: Ingested, lang: str, plan_name: str
                          ) -> tuple[Workbook, Layout]:
    wb = Workbook()
    wb.remove(wb.active)
    layout = Layout()
    sheets = {k: wb.create_sheet(label(f"sheet_{k}", lang))
              for k in ("summary", "reps", "weeks", "trend", "bottleneck", "slots", "losses", "deals", "quality",
                        "assumptions")}
    for key, ws in sheets.items():
        layout.sheets[key] = ws.title
    _summary(sheets["summary"], report, data, lang, plan_name, layout)
    _reps(sheets["reps"], report, lang, layout)
    write_weeks(sheets["weeks"], report, lang, layout)
    _trend(sheets["trend"], report, lang)
    _bottleneck(sheets["bottleneck"], report, lang)
    write_slots(sheets["slots"], report, lang, layout)
    write_losses(sheets["losses"], report, lang, layout)
    _quality(sheets["quality"], report, data, lang, layout)
    _assumptions(sheets["assumptions"], report, data, lang, plan_name)
    if any(s.cleaned.shape is Shape.OPPORTUNITIES for s in data.sources):
        _deals(sheets["deals"], report, lang)
    else:
        wb.remove(sheets["deals"])
    for ws in wb.worksheets:
        styles.page_setup(ws)  # unprotected: a report is read and annotated, not a form
        if ws.title != sheets["summary"].title:  # the summary is one page of blocks, not one table
            styles.repeat_first_header(ws)
    return wb, layout


def _metric_name(report: MonthlyReport, metric: str, lang: str) -> str:
    return report.plan.spec.template.tree.metrics[metric].label(lang)


def _fmt(report: MonthlyReport, metric: str) -> str:
    return styles.fmt(report.plan.spec.template.tree.metrics[metric].kind)


def _summary(ws: Worksheet, report: MonthlyReport, data: Ingested, lang: str, plan_name: str,
             layout: Layout) -> None:
    files = ", ".join(s.raw.name for s in data.sources)
    styles.title(ws, label("rep_title", lang, month=report.month),
                 label("rep_note", lang, files=files, plan=plan_name, asof=report.as_of.isoformat()))
    ws.column_dimensions["B"].width = 24
    for col in "CDEFGHIJ":
        ws.column_dimensions[col].width = 15
    ws.cell(3, 2, label("warn_cell", lang))
    warn = ws.cell(3, 3, report.warn)
    warn.number_format = "0%"
    styles.as_input(warn)
    row = _kpi_table(ws, report, lang, layout)
    row = _bottleneck_lines(ws, report, lang, row)
    row = _gap_table(ws, report, lang, layout, row)
    row = _pace_table(ws, report, lang, layout, row)
    write_landing(ws, report, lang, layout, row, "summary")
    ws.freeze_panes = "C6"


def _kpi_table(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout) -> int:
    """Month and fiscal-YTD actual, target, achievement and status per KPI; the next free row."""
    tree = report.plan.spec.template.tree
    head = 5
    styles.header(ws, head, 2, label("kpi_cols", lang).split("|"))
    for i, (month_line, ytd_line) in enumerate(zip(report.month_lines, report.ytd_lines)):
        r = head + 1 + i
        metric = tree.metrics[month_line.metric]
        text(ws, r, 2, metric.label(lang))
        for col, line, scope in ((3, month_line, "month"), (7, ytd_line, "ytd")):
            for offset, value in enumerate((line.actual, line.target)):
                ws.cell(r, col + offset, value).number_format = styles.fmt(metric.kind)
            _ach_status(ws, r, col, metric.higher_is_better, lang)
            layout.put(("summary", scope, month_line.metric, "ach"), ws.title, r, col + 2)
            layout.put(("summary", scope, month_line.metric, "status"), ws.title, r, col + 3)
        for kind, found in (("no_data", report.no_data), ("partial", report.partial)):
            if month_line.metric in found:  # blank or in part, with the reason beside it: never a made-up 0
                text(ws, r, 11, found[month_line.metric].text(report.plan.spec.template, lang)).font = styles.NOTE_FONT
                layout.put(("summary", kind, month_line.metric), ws.title, r, 11)
    return head + len(report.month_lines) + 2


def _bottleneck_lines(ws: Worksheet, report: MonthlyReport, lang: str, row: int) -> int:
    """The bottleneck rate and every finding the seeds name (volume short, KPIs met but KGI missed)."""
    diagnosis = report.review.diagnosis if report.review else None
    if not (diagnosis and (diagnosis.bottleneck or diagnosis.findings)):
        return row
    ws.cell(row, 2, label("bottleneck", lang)).font = styles.BOLD
    b = diagnosis.bottleneck
    if b is not None:
        text(ws, row, 3, label("bottleneck_line", lang, rate=_metric_name(report, b.rate, lang),
                               actual=f"{b.actual:.1%}", reference=f"{b.reference:.1%}", short=b.shortfall))
        row += 1
        metric = report.plan.spec.template.tree.metrics[b.rate]
        for part in (m for m in (metric.numerator, metric.denominator) if m in report.partial):
            note = label("partial_rate", lang, rate=metric.label(lang), metric=_metric_name(report, part, lang),
                         missing=report.partial[part].missing_in(lang))
            text(ws, row, 3, note).font = styles.NOTE_FONT  # a rate resting on a count fed in part: not a sure one
            row += 1
    for finding in diagnosis.findings:
        text(ws, row, 3, finding.text(lang)).font = styles.NOTE_FONT
        row += 1
    return row + 1


def _gap_table(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout, row: int) -> int:
    """The KGI gap split into volume, rate and price effects, with their total."""
    diagnosis = report.review.diagnosis if report.review else None
    if not (diagnosis and diagnosis.gap):
        return row
    kinds = dict(zip(("volume", "rate", "price", "other"), label("gap_kinds", lang).split("|")))
    template, target = report.plan.spec.template, report.plan.reverse.target
    ws.cell(row, 2, label("gap_title", lang, planned=fmt(template, target, diagnosis.planned_kgi),
                          actual=fmt(template, target, diagnosis.actual_kgi))).font = styles.BOLD
    styles.header(ws, row + 1, 2, label("gap_cols", lang).split("|"))
    target_fmt = _fmt(report, target)
    for i, part in enumerate(diagnosis.gap):
        r = row + 2 + i
        text(ws, r, 2, _metric_name(report, part.metric, lang))
        text(ws, r, 3, kinds[part.kind])
        ws.cell(r, 4, part.effect).number_format = target_fmt
    total = row + 2 + len(diagnosis.gap)
    ws.cell(total, 2, label("total_row", lang)).font = styles.BOLD
    ws.cell(total, 4, f"=SUM(D{row + 2}:D{total - 1})").number_format = target_fmt
    layout.put(("summary", "gap_total"), ws.title, total, 4)
    return total + 2


def _pace_table(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout, row: int) -> int:
    pace = report.pace
    ws.cell(row, 2, label("pace_title_r", lang, asof=pace.as_of.isoformat(), elapsed=pace.elapsed,
                          bd=pace.business_days)).font = styles.BOLD
    styles.header(ws, row + 1, 2, label("pace_cols", lang).split("|"))
    for i, line in enumerate(pace.lines):
        r = row + 2 + i
        text(ws, r, 2, _metric_name(report, line.metric, lang))
        ws.cell(r, 3, line.actual).number_format = _fmt(report, line.metric)
        ws.cell(r, 4, line.target).number_format = _fmt(report, line.metric)
        ws.cell(r, 5, f'=IF(OR(C{r}="",D{r}=""),"",C{r}-D{r})').number_format = _fmt(report, line.metric)
        layout.put(("summary", "pace_gap", line.metric), ws.title, r, 5)
    return row + len(pace.lines) + 3


def _rep_metrics(report: MonthlyReport) -> list[str]:
    """The KPIs the By rep sheet shows: the phase's, where the data tells any rep's value."""
    return [m for m in report.rep_metrics or report.metrics if any(r.lines[m].actual is not None for r in report.reps)]


def _reps(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout) -> None:
    tree = report.plan.spec.template.tree
    metrics = _rep_metrics(report)
    untold = [tree.metrics[m].label(lang) for m in report.rep_metrics or report.metrics if m in report.no_data]
    styles.title(ws, f"{label('sheet_reps', lang)} — {report.month}",
                 f"{label('no_data_title', lang)}: {', '.join(untold)}" if untold else None)
    ws.column_dimensions["B"].width = 22
    has_teams = bool(report.teams)
    first_col = 4 if has_teams else 3
    header = [label("rep", lang)] + ([label("team", lang)] if has_teams else [])
    for m in metrics:
        name = tree.metrics[m].label(lang)
        header += [f"{name}\n{label('actual_word', lang)}", f"{name}\n{label('target_word', lang)}",
                   label("row_achievement", lang)]
    kind_col = first_col + 3 * len(metrics)
    styles.header(ws, 4, 2, header)
    styles.header(ws, 4, kind_col, [label("rep_kind_col", lang)])
    ws.column_dimensions[get_column_letter(kind_col)].width = 30
    summary_warn = f"'{label('sheet_summary', lang)}'!{WARN_CELL}"
    first = 5
    for i, rep in enumerate(report.reps):
        r = first + i
        text(ws, r, 2, rep.owner)
        if has_teams:
            text(ws, r, 3, report.teams.get(rep.owner, ""))
        for j, m in enumerate(metrics):
            col = first_col + 3 * j
            kind, line = tree.metrics[m].kind, rep.lines[m]
            ws.cell(r, col, line.actual).number_format = styles.fmt(kind)
            ws.cell(r, col + 1, line.target).number_format = styles.fmt(kind)
            ach = formulas.achievement(a1(r, col), a1(r, col + 1), tree.metrics[m].higher_is_better)
            ws.cell(r, col + 2, "=" + ach).number_format = "0.0%"
            layout.put(("reps", rep.owner, m, "ach"), ws.title, r, col + 2)
        text(ws, r, kind_col, label(f"rep_kind_{rep.kind.value}", lang, of=rep.of or ""))
        layout.put(("reps", rep.owner, "kind"), ws.title, r, kind_col)
    total = first + len(report.reps)
    for j in range(len(metrics)):  # one rule set per KPI over every rep row: linear in reps
        col = first_col + 3 * j
        area = f"{get_column_letter(col)}{first}:{get_column_letter(col + 2)}{max(first, total - 1)}"
        styles.traffic_lights(ws, area, f"${get_column_letter(col + 2)}{first}", summary_warn)
    _rep_totals(ws, report, lang, metrics, (first_col, first, total), layout)
    for col in range(3, first_col + 3 * len(metrics)):
        ws.column_dimensions[get_column_letter(col)].width = 13
    if has_teams:
        _team_rows(ws, report, metrics, header, (first_col, first, total), layout)
    ws.freeze_panes = ws.cell(5, first_col)


def _rep_totals(ws: Worksheet, report: MonthlyReport, lang: str, metrics: list[str], where: tuple[int, int, int],
                layout: Layout) -> None:
    """The team total under the rep rows; ``where`` is (first metric column, first row, total row)."""
    tree = report.plan.spec.template.tree
    first_col, first, total = where
    ws.cell(total, 2, label("total_row", lang)).font = styles.BOLD
    for j, m in enumerate(metrics):
        col = first_col + 3 * j
        if tree.metrics[m].kind in (Kind.COUNT, Kind.AMOUNT):
            for c in (col, col + 1):
                letter = get_column_letter(c)
                cell = ws.cell(total, c, f"=SUM({letter}{first}:{letter}{total - 1})")
                cell.number_format = styles.fmt(tree.metrics[m].kind)
                cell.font = styles.BOLD
            layout.put(("reps_total", m), ws.title, total, col)


def _team_rows(ws: Worksheet, report: MonthlyReport, metrics: list[str], header: list[str],
               where: tuple[int, int, int], layout: Layout) -> None:
    """Per team: a sum over the rep rows above, so edits to a rep row carry through. Team
    names are matched exactly (EXACT, not SUMIF's criteria, where <>x, 営業* or a?c would
    total the wrong reps)."""
    tree = report.plan.spec.template.tree
    first_col, first, total = where
    top = total + 2
    styles.header(ws, top, 2, [header[1], *header[2:]])
    for i, name in enumerate(report.team_lines):
        r = top + 1 + i
        text(ws, r, 2, name)
        for j, m in enumerate(metrics):
            col = first_col + 3 * j
            if tree.metrics[m].kind not in (Kind.COUNT, Kind.AMOUNT):
                continue
            for c in (col, col + 1):
                letter = get_column_letter(c)
                exact = f"--EXACT($C${first}:$C${total - 1},$B{r})"
                ws.cell(r, c - 1, f"=SUMPRODUCT({exact},{letter}${first}:{letter}${total - 1})"
                        ).number_format = styles.fmt(tree.metrics[m].kind)
            ach = formulas.achievement(a1(r, col - 1), a1(r, col), tree.metrics[m].higher_is_better)
            ws.cell(r, col + 1, "=" + ach).number_format = "0.0%"
            layout.put(("team", name, m), ws.title, r, col - 1)


def _trend(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    tree = report.plan.spec.template.tree
    styles.title(ws, f"{label('sheet_trend', lang)} — {report.trend_months[0]} … {report.trend_months[-1]}")
    metrics = [m for m in report.metrics if any(line.actual is not None for line in report.trend[m])]
    header = [label("month", lang)]
    for m in metrics:
        name = tree.metrics[m].label(lang)
        header += [f"{name} {label('actual_word', lang)}", f"{name} {label('target_word', lang)}"]
    styles.header(ws, 4, 2, header)
    for i, month in enumerate(report.trend_months):
        r = 5 + i
        text(ws, r, 2, month)
        for j, m in enumerate(metrics):
            line = report.trend[m][i]
            ws.cell(r, 3 + 2 * j, line.actual).number_format = styles.fmt(tree.metrics[m].kind)
            ws.cell(r, 4 + 2 * j, line.target).number_format = styles.fmt(tree.metrics[m].kind)
    ws.column_dimensions["B"].width = 10
    for col in range(3, 3 + 2 * len(metrics)):
        ws.column_dimensions[get_column_letter(col)].width = 14
    anchor = 5 + len(report.trend_months) + 2
    for j, m in enumerate(metrics[:4]):
        chart = LineChart()
        chart.title = tree.metrics[m].label(lang)
        chart.add_data(Reference(ws, min_col=3 + 2 * j, max_col=4 + 2 * j, min_row=4, max_row=16),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=5, max_row=16))
        chart.y_axis.numFmt = styles.fmt(tree.metrics[m].kind)
        straighten(chart)
        chart.height, chart.width = 7, 12
        ws.add_chart(chart, f"{'BH'[j % 2]}{anchor + 15 * (j // 2)}")
    _funnel_chart(ws, report, lang, anchor + 32)


def _funnel_chart(ws: Worksheet, report: MonthlyReport, lang: str, top: int) -> None:
    """The month's funnel: actual vs target per counted stage."""
    tree = report.plan.spec.template.tree
    counts = [line for line in report.month_lines if tree.metrics[line.metric].is_count and line.actual is not None]
    if not counts:
        return
    styles.header(ws, top, 2, [label("stage", lang), label("actual_word", lang), label("target_word", lang)])
    for i, line in enumerate(counts):
        text(ws, top + 1 + i, 2, tree.metrics[line.metric].label(lang))
        ws.cell(top + 1 + i, 3, line.actual).number_format = styles.COUNT
        ws.cell(top + 1 + i, 4, line.target).number_format = styles.COUNT
    funnel = bar_chart(f"{label('funnel_month', lang)} — {report.month}", log=True, values=True)
    funnel.add_data(Reference(ws, min_col=3, max_col=4, min_row=top, max_row=top + len(counts)),
                    titles_from_data=True)
    funnel.set_categories(Reference(ws, min_col=2, min_row=top + 1, max_row=top + len(counts)))
    funnel.height, funnel.width = 8, 14
    ws.add_chart(funnel, f"F{top}")


def _bottleneck(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    styles.title(ws, f"{label('sheet_bottleneck', lang)} — {report.month}", label("benchmark_note", lang))
    styles.header(ws, 4, 2, label("rate_cols", lang).split("|"))
    widths = {"B": 22, "C": 11, "D": 11, "E": 12, "F": 11, "G": 10, "H": 44, "I": 70}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    diagnosis = report.review.diagnosis if report.review else None
    marks, hints = load_benchmarks(), load_hints()
    for i, rate in enumerate(diagnosis.rates if diagnosis else []):
        r = 5 + i
        metric = report.plan.spec.template.tree.metrics[rate.rate]
        mark = marks.get(metric.benchmark) if metric.benchmark else None
        text(ws, r, 2, metric.label(lang))
        for col, value in ((3, rate.actual), (4, rate.target), (5, rate.bench_low), (6, rate.bench_high),
                           (7, rate.shortfall)):
            ws.cell(r, col, value).number_format = "0.0%"
        text(ws, r, 8, mark.source if mark else "")
        below = rate.shortfall is not None and rate.shortfall > 0  # a hint only where the rate falls short
        hint = hints[rate.hint].pick(lang) if rate.hint and below else ""
        text(ws, r, 9, hint).alignment = styles.WRAP
        ws.cell(r, 8).alignment = styles.WRAP
        ws.row_dimensions[r].height = max(styles.wrapped_height(hint, widths["I"]),
                                          styles.wrapped_height(mark.source if mark else "", widths["H"]))
        if diagnosis.bottleneck and rate.rate == diagnosis.bottleneck.rate:
            for col in range(2, 10):
                ws.cell(r, col).fill = styles.RED.fill


def _quality(ws: Worksheet, report: MonthlyReport, data: Ingested, lang: str, layout: Layout) -> None:
    styles.title(ws, label("sheet_quality", lang))
    styles.header(ws, 4, 2, label("recon_cols", lang).split("|"))
    for i, source in enumerate(data.sources):
        r = 5 + i
        c = source.cleaned
        text(ws, r, 2, source.raw.name)
        ws.cell(r, 3, c.read)
        ws.cell(r, 4, c.used)
        ws.cell(r, 5, c.excluded)
        ws.cell(r, 6, f'=IF(C{r}=D{r}+E{r},"OK","NG")')
        layout.put(("quality", source.raw.name, "check"), ws.title, r, 6)
    top = 6 + len(data.sources) + 1
    styles.header(ws, top, 2, label("quality_cols", lang).split("|"))
    for col, width in zip("BCDEFGH", (26, 18, 44, 9, 8, 60, 60)):
        ws.column_dimensions[col].width = width
    for i, finding in enumerate(data.findings):
        r = top + 1 + i
        text(ws, r, 2, finding.file)
        text(ws, r, 3, finding.rule.value)
        text(ws, r, 4, message(f"rule_{finding.rule.value}", lang))
        ws.cell(r, 5, finding.count)
        text(ws, r, 6, label("yes" if finding.excludes else "no", lang))
        text(ws, r, 7, finding.rows.text(MAX_ROWS_TEXT))
        text(ws, r, 8, finding.detail)
        layout.put(("quality", finding.file, finding.rule.value), ws.title, r, 5)
    row = _no_data_list(ws, report, lang, top + len(data.findings) + 2)
    _column_uses(ws, report, data, lang, layout, row)


def _no_data_list(ws: Worksheet, report: MonthlyReport, lang: str, row: int) -> int:
    """The metrics no column feeds, each with its reason; the next free row."""
    if not report.no_data:
        return row
    ws.cell(row, 2, label("no_data_title", lang)).font = styles.BOLD
    template = report.plan.spec.template
    for i, item in enumerate(report.no_data.values()):
        text(ws, row + 1 + i, 2, template.tree.metrics[item.metric].label(lang))
        text(ws, row + 1 + i, 3, item.text(template, lang))
    return row + len(report.no_data) + 2


def _column_uses(ws: Worksheet, report: MonthlyReport, data: Ingested, lang: str, layout: Layout, row: int) -> None:
    """Every column of every file: what it is read as, or why it is ignored."""
    template = report.plan.spec.template
    counted = {o.value: [template.tree.metrics[m].label(lang) for m, obs in template.observe.items() if o in obs]
               for obs in template.observe.values() for o in obs}
    ws.cell(row, 2, label("columns_title", lang)).font = styles.BOLD
    styles.header(ws, row + 1, 2, label("columns_cols", lang).split("|"))
    r = row + 1
    for source in data.sources:
        for use in source.header.columns:
            r += 1
            text(ws, r, 2, source.raw.name)
            ws.cell(r, 3, use.position + 1)
            text(ws, r, 4, use.header)
            text(ws, r, 5, label(f"use_{use.use.value}", lang))
            text(ws, r, 6, _column_as(use, counted, template, lang))
            layout.put(("columns", source.raw.name, use.position + 1), ws.title, r, 5)


def _column_as(use: ColumnUse, counted: dict[str, list[str]], template: Template, lang: str) -> str:
    if use.use is Use.IGNORED:
        return label(f"why_{use.name}", lang)
    if use.use in (Use.METRIC, Use.RATE):
        return template.tree.metrics[use.name].label(lang)
    if use.use is Use.FLAG:
        metrics = counted.get(use.name)
        return f"{use.name} → {', '.join(metrics)}" if metrics else f"{use.name} {label('not_in_template', lang)}"
    return use.name


def _assumptions(ws: Worksheet, report: MonthlyReport, data: Ingested, lang: str, plan_name: str) -> None:
    template = report.plan.spec.template
    styles.title(ws, label("sheet_assumptions", lang))
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["C"].width = 90
    rows: list[tuple[str, str]] = [("kpi_xl", __version__), (label("as_plan", lang), plan_name),
                                   (label("as_template", lang), f"{template.id} — {template.label(lang)}")]
    for source in data.sources:
        rows += _file_rows(source, lang)
    rows.append((label("as_definitions", lang), ""))
    for metric in report.metrics:
        rows.append((template.tree.metrics[metric].label(lang), template.definition(metric, lang)))
    rows += [(label("as_counting", lang), label("counting_note", lang)),
             (label("as_rep_targets", lang), label("rep_targets_note", lang))]
    for i, (k, v) in enumerate(rows):
        text(ws, 3 + i, 2, k)
        text(ws, 3 + i, 3, v)


def _file_rows(source: Source, lang: str) -> list[tuple[str, str]]:
    """What the 前提 sheet says about one input file: its hash, how it was read, what one row
    is, what it tells and which column feeds which field."""
    raw, header = source.raw, source.header
    reader = f"{raw.encoding or '-'} / {raw.engine}"
    if raw.delimiter:
        reader += f" / {label('as_delimiter', lang)} {raw.delimiter!r}"
    return [(label("as_file", lang), raw.name), ("  SHA-256", raw.sha256),
            (label("as_encoding", lang), reader),
            (label("as_shape", lang), label(f"shape_{header.shape.value}", lang)),
            (label("as_tells", lang), ", ".join(label(f"obs_{o.value}", lang) for o in sorted(source.cleaned.sourced))),
            (label("as_columns", lang), "; ".join(f"{f} = {header.names[i]}" for f, i in header.fields.items()))]


def _deals(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    a, b, c = report.stale_days
    styles.title(ws, label("sheet_deals", lang), label("stale_note", lang, a=a, b=b, c=c))
    styles.header(ws, 4, 2, label("deal_cols", lang).split("|"))
    for col, width in zip("BCDEFGHI", (22, 14, 12, 13, 10, 26, 8, 30)):
        ws.column_dimensions[col].width = width
    for i, deal in enumerate(report.open_deals):
        r = 5 + i
        text(ws, r, 2, deal.owner)
        text(ws, r, 3, deal.deal)
        text(ws, r, 4, label(f"deal_stage_{deal.stage}", lang))
        ws.cell(r, 5, deal.since).number_format = styles.DATE
        ws.cell(r, 6, deal.days)
        text(ws, r, 7, deal.file)
        ws.cell(r, 8, deal.row)
        text(ws, r, 9, label(f"basis_{deal.basis.value}", lang))
    last = 4 + max(1, len(report.open_deals))
    for days, colour in ((c, "F8CBAD"), (b, "FFE699"), (a, "BDD7EE")):
        ws.conditional_formatting.add(f"B5:I{last}", FormulaRule(
            formula=[f"AND(ISNUMBER($F5),$F5>={days})"], stopIfTrue=True,
            fill=PatternFill("solid", bgColor=colour, fgColor=colour)))

"""The monthly report workbook: summary, per rep, trend, bottleneck, data quality,
assumptions and aged open deals. Achievement, status and totals are live formulas over
the numbers written; text from data files is always written as text, never as a formula."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl import __version__
from kpi_xl.console import fmt
from kpi_xl.engine.templates import load_benchmarks
from kpi_xl.files import write_atomic
from kpi_xl.i18n import label, message
from kpi_xl.sfa.ingest import Ingested
from kpi_xl.sfa.monthly import MonthlyReport
from kpi_xl.workbook import styles
from kpi_xl.workbook.cells import Layout, a1

MAX_ROWS_TEXT = 32_000  # a cell holds 32,767 characters


def text(ws: Worksheet, row: int, col: int, value: Any):
    """Write ``value`` as plain text (a rep named =HYPERLINK(...) stays text)."""
    cell = ws.cell(row, col, None if value is None else str(value))
    if value is not None:
        cell.data_type = "s"
    return cell


def _status_formula(ach: str, warn: str, lang: str) -> str:
    hit, watch, miss = label("status_words", lang).split("|")
    return f'=IF({ach}="","",IF({ach}>=1,"{hit}",IF({ach}>={warn},"{watch}","{miss}")))'


def _ach_formula(actual: str, target: str, higher: bool) -> str:
    if higher:
        return f'=IF(OR({actual}="",{target}="",{target}=0),"",{actual}/{target})'
    return f'=IF(OR({actual}="",{target}=""),"",IF({actual}=0,1,{target}/{actual}))'


def _colour(ws: Worksheet, area: str, ach: str, warn: str) -> None:
    for style, test in ((styles.RED, f"{ach}<{warn}"), (styles.AMBER, f"AND({ach}>={warn},{ach}<1)"),
                        (styles.GREEN, f"{ach}>=1")):
        ws.conditional_formatting.add(area, FormulaRule(formula=[f"AND(ISNUMBER({ach}),{test})"],
                                                        fill=style.fill, font=style.font))


def build_report_workbook(report: MonthlyReport, data: Ingested, lang: str, plan_name: str
                          ) -> tuple[Workbook, Layout]:
    wb = Workbook()
    wb.remove(wb.active)
    layout = Layout()
    sheets = {k: wb.create_sheet(label(f"sheet_{k}", lang))
              for k in ("summary", "reps", "trend", "bottleneck", "quality", "assumptions", "deals")}
    for key, ws in sheets.items():
        layout.sheets[key] = ws.title
    _summary(sheets["summary"], report, data, lang, plan_name, layout)
    _reps(sheets["reps"], report, lang, layout)
    _trend(sheets["trend"], report, lang)
    _bottleneck(sheets["bottleneck"], report, lang)
    _quality(sheets["quality"], data, lang, layout)
    _assumptions(sheets["assumptions"], report, data, lang, plan_name)
    if any(s.cleaned.shape == "opportunities" for s in data.sources):
        _deals(sheets["deals"], report, lang)
    else:
        wb.remove(sheets["deals"])
    for ws in wb.worksheets:
        styles.page_setup(ws)  # unprotected: a report is read and annotated, not a form
    return wb, layout


def _metric_name(report: MonthlyReport, metric: str, lang: str) -> str:
    return report.plan.spec.template.tree.metrics[metric].label(lang)


def _fmt(report: MonthlyReport, metric: str) -> str:
    return styles.fmt(report.plan.spec.template.tree.metrics[metric].kind)


def _summary(ws: Worksheet, report: MonthlyReport, data: Ingested, lang: str, plan_name: str,
             layout: Layout) -> None:
    tree = report.plan.spec.template.tree
    files = ", ".join(s.raw.path.name for s in data.sources)
    styles.title(ws, label("rep_title", lang, month=report.month),
                 label("rep_note", lang, files=files, plan=plan_name, asof=report.as_of.isoformat()))
    ws.column_dimensions["B"].width = 24
    for col in "CDEFGHIJ":
        ws.column_dimensions[col].width = 15
    ws.cell(3, 2, label("warn_cell", lang))
    warn = ws.cell(3, 3, report.warn)
    warn.number_format = "0%"
    styles.as_input(warn)
    warn_ref = "$C$3"
    head = 5
    styles.header(ws, head, 2, label("kpi_cols", lang).split("|"))
    for i, (month_line, ytd_line) in enumerate(zip(report.month_lines, report.ytd_lines)):
        r = head + 1 + i
        metric = tree.metrics[month_line.metric]
        text(ws, r, 2, metric.label(lang))
        for col, line in ((3, month_line), (7, ytd_line)):
            for offset, value in enumerate((line.actual, line.target)):
                cell = ws.cell(r, col + offset, value)
                cell.number_format = styles.fmt(metric.kind)
            actual, target = a1(r, col), a1(r, col + 1)
            ws.cell(r, col + 2, _ach_formula(actual, target, metric.higher_is_better)).number_format = "0.0%"
            ws.cell(r, col + 3, _status_formula(a1(r, col + 2), warn_ref, lang))
            scope = "month" if col == 3 else "ytd"
            layout.put(("summary", scope, month_line.metric, "ach"), ws.title, r, col + 2)
            layout.put(("summary", scope, month_line.metric, "status"), ws.title, r, col + 3)
            _colour(ws, f"{get_column_letter(col)}{r}:{get_column_letter(col + 3)}{r}",
                    f"${get_column_letter(col + 2)}{r}", warn_ref)
    row = head + len(report.month_lines) + 2
    diagnosis = report.review.diagnosis if report.review else None
    if diagnosis and diagnosis.bottleneck:
        b = diagnosis.bottleneck
        ws.cell(row, 2, label("bottleneck", lang)).font = styles.BOLD
        text(ws, row, 3, label("bottleneck_line", lang, rate=_metric_name(report, b.rate, lang),
                               actual=f"{b.actual:.1%}", reference=f"{b.reference:.1%}", short=b.shortfall))
        text(ws, row + 1, 3, diagnosis.hint(lang)).font = styles.NOTE_FONT
        row += 3
    if diagnosis and diagnosis.gap:
        kinds = dict(zip(("volume", "rate", "price", "other"), label("gap_kinds", lang).split("|")))
        template, target = report.plan.spec.template, report.plan.reverse.target
        ws.cell(row, 2, label("gap_title", lang, planned=fmt(template, target, diagnosis.planned_kgi),
                              actual=fmt(template, target, diagnosis.actual_kgi))).font = styles.BOLD
        styles.header(ws, row + 1, 2, label("gap_cols", lang).split("|"))
        target_fmt = _fmt(report, report.plan.reverse.target)
        for i, part in enumerate(diagnosis.gap):
            r = row + 2 + i
            text(ws, r, 2, _metric_name(report, part.metric, lang))
            text(ws, r, 3, kinds[part.kind])
            ws.cell(r, 4, part.effect).number_format = target_fmt
        total = row + 2 + len(diagnosis.gap)
        ws.cell(total, 2, label("total_row", lang)).font = styles.BOLD
        ws.cell(total, 4, f"=SUM(D{row + 2}:D{total - 1})").number_format = target_fmt
        layout.put(("summary", "gap_total"), ws.title, total, 4)
        row = total + 2
    ws.cell(row, 2, label("pace_title_r", lang, asof=report.as_of.isoformat(), elapsed=report.elapsed,
                          bd=report.business_days)).font = styles.BOLD
    styles.header(ws, row + 1, 2, label("pace_cols", lang).split("|"))
    for i, line in enumerate(report.pace_lines):
        r = row + 2 + i
        text(ws, r, 2, _metric_name(report, line.metric, lang))
        ws.cell(r, 3, line.actual).number_format = _fmt(report, line.metric)
        ws.cell(r, 4, line.target).number_format = _fmt(report, line.metric)
        ws.cell(r, 5, f'=IF(OR(C{r}="",D{r}=""),"",C{r}-D{r})').number_format = _fmt(report, line.metric)
        layout.put(("summary", "pace_gap", line.metric), ws.title, r, 5)
    ws.freeze_panes = "C6"


def _reps(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout) -> None:
    tree = report.plan.spec.template.tree
    metrics = [m for m in report.rep_metrics or report.metrics
               if any(r.lines[m].actual is not None for r in report.reps)]
    styles.title(ws, f"{label('sheet_reps', lang)} — {report.month}")
    ws.column_dimensions["B"].width = 22
    has_teams = bool(report.teams)
    first_metric_col = 4 if has_teams else 3
    header = [label("rep", lang)] + ([label("team", lang)] if has_teams else [])
    for m in metrics:
        name = tree.metrics[m].label(lang)
        header += [f"{name}\n{label('actual_word', lang)}", f"{name}\n{label('target_word', lang)}",
                   label("row_achievement", lang)]
    styles.header(ws, 4, 2, header)
    first = 5
    for i, rep in enumerate(report.reps):
        r = first + i
        text(ws, r, 2, rep.owner)
        if has_teams:
            text(ws, r, 3, report.teams.get(rep.owner, ""))
        for j, m in enumerate(metrics):
            col = first_metric_col + 3 * j
            line = rep.lines[m]
            ws.cell(r, col, line.actual).number_format = styles.fmt(tree.metrics[m].kind)
            ws.cell(r, col + 1, line.target).number_format = styles.fmt(tree.metrics[m].kind)
            ws.cell(r, col + 2, _ach_formula(a1(r, col), a1(r, col + 1), tree.metrics[m].higher_is_better)
                    ).number_format = "0.0%"
            layout.put(("reps", rep.owner, m, "ach"), ws.title, r, col + 2)
            _colour(ws, f"{get_column_letter(col)}{r}:{get_column_letter(col + 2)}{r}",
                    f"${get_column_letter(col + 2)}{r}", f"'{label('sheet_summary', lang)}'!$C$3")
    total = first + len(report.reps)
    ws.cell(total, 2, label("total_row", lang)).font = styles.BOLD
    for j, m in enumerate(metrics):
        col = first_metric_col + 3 * j
        if tree.metrics[m].kind.value in ("count", "amount"):
            for c in (col, col + 1):
                letter = get_column_letter(c)
                cell = ws.cell(total, c, f"=SUM({letter}{first}:{letter}{total - 1})")
                cell.number_format = styles.fmt(tree.metrics[m].kind)
                cell.font = styles.BOLD
            layout.put(("reps_total", m), ws.title, total, col)
    for col in range(3, first_metric_col + 3 * len(metrics)):
        ws.column_dimensions[get_column_letter(col)].width = 13
    if has_teams:  # per team: SUMIF over the rep rows above, so edits to a rep row carry through
        top = total + 2
        styles.header(ws, top, 2, [label("team", lang), *header[2:]])
        for i, name in enumerate(report.team_lines):
            r = top + 1 + i
            text(ws, r, 2, name)
            for j, m in enumerate(metrics):
                col = first_metric_col + 3 * j
                if tree.metrics[m].kind.value not in ("count", "amount"):
                    continue
                for c in (col, col + 1):
                    letter = get_column_letter(c)
                    ws.cell(r, c - 1, f"=SUMIF($C${first}:$C${total - 1},$B{r},{letter}${first}:{letter}${total - 1})"
                            ).number_format = styles.fmt(tree.metrics[m].kind)
                ws.cell(r, col + 1, _ach_formula(a1(r, col - 1), a1(r, col), tree.metrics[m].higher_is_better)
                        ).number_format = "0.0%"
                layout.put(("team", name, m), ws.title, r, col - 1)
    ws.freeze_panes = ws.cell(5, first_metric_col)


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
        chart.height, chart.width = 7, 12
        ws.add_chart(chart, f"{'BH'[j % 2]}{anchor + 15 * (j // 2)}")
    counts = [line for line in report.month_lines if tree.metrics[line.metric].is_count and line.actual is not None]
    if counts:
        top = anchor + 32
        styles.header(ws, top, 2, [label("stage", lang), label("actual_word", lang), label("target_word", lang)])
        for i, line in enumerate(counts):
            text(ws, top + 1 + i, 2, tree.metrics[line.metric].label(lang))
            ws.cell(top + 1 + i, 3, line.actual)
            ws.cell(top + 1 + i, 4, line.target)
        funnel = BarChart()
        funnel.type = "bar"
        funnel.title = f"{label('funnel_month', lang)} — {report.month}"
        funnel.add_data(Reference(ws, min_col=3, max_col=4, min_row=top, max_row=top + len(counts)),
                        titles_from_data=True)
        funnel.set_categories(Reference(ws, min_col=2, min_row=top + 1, max_row=top + len(counts)))
        funnel.x_axis.scaling.orientation = "maxMin"
        funnel.height, funnel.width = 7, 12
        ws.add_chart(funnel, f"F{top}")


def _bottleneck(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    styles.title(ws, f"{label('sheet_bottleneck', lang)} — {report.month}", label("benchmark_note", lang))
    styles.header(ws, 4, 2, label("rate_cols", lang).split("|"))
    widths = {"B": 22, "C": 11, "D": 11, "E": 12, "F": 11, "G": 10, "H": 44, "I": 70}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    diagnosis = report.review.diagnosis if report.review else None
    marks = load_benchmarks()
    from kpi_xl.engine.templates import load_hints

    hints = load_hints()
    for i, rate in enumerate(diagnosis.rates if diagnosis else []):
        r = 5 + i
        metric = report.plan.spec.template.tree.metrics[rate.rate]
        mark = marks.get(metric.benchmark) if metric.benchmark else None
        text(ws, r, 2, metric.label(lang))
        for col, value in ((3, rate.actual), (4, rate.target), (5, rate.bench_low), (6, rate.bench_high),
                           (7, rate.shortfall)):
            ws.cell(r, col, value).number_format = "0.0%"
        text(ws, r, 8, mark.source if mark else "")
        hint = hints.get(rate.hint) if rate.hint else None
        text(ws, r, 9, (hint[0] if lang == "ja" else hint[1]) if hint else "")
        if diagnosis.bottleneck and rate.rate == diagnosis.bottleneck.rate:
            for col in range(2, 10):
                ws.cell(r, col).fill = styles.RED.fill


def _quality(ws: Worksheet, data: Ingested, lang: str, layout: Layout) -> None:
    styles.title(ws, label("sheet_quality", lang))
    styles.header(ws, 4, 2, label("recon_cols", lang).split("|"))
    for i, source in enumerate(data.sources):
        r = 5 + i
        c = source.cleaned
        text(ws, r, 2, source.raw.path.name)
        ws.cell(r, 3, c.read)
        ws.cell(r, 4, c.used)
        ws.cell(r, 5, c.excluded)
        ws.cell(r, 6, f'=IF(C{r}=D{r}+E{r},"OK","NG")')
        layout.put(("quality", source.raw.path.name, "check"), ws.title, r, 6)
    top = 6 + len(data.sources) + 1
    styles.header(ws, top, 2, label("quality_cols", lang).split("|"))
    for col, width in zip("BCDEFGH", (26, 18, 44, 9, 8, 60, 60)):
        ws.column_dimensions[col].width = width
    for i, finding in enumerate(data.findings):
        r = top + 1 + i
        text(ws, r, 2, finding.file)
        text(ws, r, 3, finding.rule)
        text(ws, r, 4, message(f"rule_{finding.rule}", lang))
        ws.cell(r, 5, finding.count)
        text(ws, r, 6, label("yes" if finding.excludes else "no", lang))
        rows = ", ".join(map(str, finding.rows))
        text(ws, r, 7, rows if len(rows) <= MAX_ROWS_TEXT else rows[:MAX_ROWS_TEXT] + " …")
        text(ws, r, 8, finding.detail)
        layout.put(("quality", finding.file, finding.rule), ws.title, r, 5)


def _assumptions(ws: Worksheet, report: MonthlyReport, data: Ingested, lang: str, plan_name: str) -> None:
    template = report.plan.spec.template
    styles.title(ws, label("sheet_assumptions", lang))
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["C"].width = 90
    rows: list[tuple[str, str]] = [("kpi_xl", __version__), ("plan", plan_name),
                                   ("template", f"{template.id} — {template.label(lang)}")]
    for source in data.sources:
        raw = source.raw
        rows += [("file", raw.path.name), ("  sha256", raw.sha256),
                 ("  encoding / reader", f"{raw.encoding or '-'} / {raw.engine}"
                  + (f" / delimiter {raw.delimiter!r}" if raw.delimiter else "")),
                 ("  shape", source.header.shape),
                 ("  columns", "; ".join(f"{f} = {source.header.names[i]}" for f, i in source.header.fields.items()))]
    rows.append(("definitions", ""))
    for metric in report.metrics:
        rows.append((template.tree.metrics[metric].label(lang), template.definition(metric, lang)))
    rows += [("counting", "活動の結果は前段を含む（受注の電話はコネクト・商談化でもある）。案件は商談化月に商談化数、"
                          "受注月に受注数・売上として数える。活動ログと案件一覧の両方がある場合、商談化数は活動ログから、"
                          "受注数・売上は案件一覧から数える（二重計上しない）。" if lang == "ja" else
                          "An activity result implies the earlier ones (a won call was also a connect and a "
                          "meeting). A deal counts as a meeting in its engage month and as won in its close month. "
                          "Given both an activity log and a deal list, meetings come from the log and wins and "
                          "revenue from the deal list, so nothing is counted twice."),
             ("per rep targets", "計画に名前のない担当者は、チーム目標を均等に配分" if lang == "ja" else
              "Reps the plan does not name get an equal share of the team target")]
    for i, (k, v) in enumerate(rows):
        text(ws, 3 + i, 2, k)
        text(ws, 3 + i, 3, v)


def _deals(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    a, b, c = report.stale_days
    styles.title(ws, label("sheet_deals", lang), label("stale_note", lang, a=a, b=b, c=c))
    styles.header(ws, 4, 2, label("deal_cols", lang).split("|"))
    for col, width in zip("BCDEFGH", (22, 14, 12, 13, 10, 26, 8)):
        ws.column_dimensions[col].width = width
    for i, deal in enumerate(report.open_deals):
        r = 5 + i
        text(ws, r, 2, deal.owner)
        text(ws, r, 3, deal.deal)
        text(ws, r, 4, deal.stage)
        ws.cell(r, 5, deal.since).number_format = styles.DATE
        ws.cell(r, 6, deal.days)
        text(ws, r, 7, deal.file)
        ws.cell(r, 8, deal.row)
    last = 4 + max(1, len(report.open_deals))
    fills = [(c, "F8CBAD"), (b, "FFE699"), (a, "BDD7EE")]
    for days, colour in fills:
        ws.conditional_formatting.add(f"B5:H{last}", FormulaRule(
            formula=[f"AND(ISNUMBER($F5),$F5>={days})"], stopIfTrue=True,
            fill=PatternFill("solid", bgColor=colour, fgColor=colour)))


def write_report(path: Path | str, report: MonthlyReport, data: Ingested, lang: str, plan_name: str, *,
                 force: bool = False, inputs: Sequence[Path] = ()) -> Path:
    wb, _ = build_report_workbook(report, data, lang, plan_name)
    return write_atomic(path, lambda tmp: wb.save(tmp), force=force, inputs=inputs)

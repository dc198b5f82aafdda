"""The 感度分析 / Sensitivity sheet: the engine's ranked lever table as live formulas."""

from __future__ import annotations

from openpyxl.chart import Reference
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.feasibility import EFFECT_DIGITS
from kpi_xl.engine.feasibility import levers as engine_levers
from kpi_xl.engine.plan import Plan
from kpi_xl.i18n import label
from kpi_xl.workbook.inputs_sheet import InputRefs
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, a1, text_cell
from kpi_xl.xlsx.charts import bar_chart
from kpi_xl.xlsx.formulas import forward

HEAD = 6


def levers(plan: Plan) -> list[tuple[str, str]]:
    """(metric, step) for every input the engine's sensitivity moves (the same rule)."""
    if len(plan.reverse.stages) < 2:
        return []
    inputs = {**plan.spec.knowns, plan.reverse.lever: plan.reverse.stages[-1].value}
    return engine_levers(plan.spec.template, inputs, plan.reverse.target)


def rank(effects: str, effect: str, first: str) -> str:
    """1 for the largest effect; equal effects go to the earlier row — a permutation always,
    so the ranked table never looks up a missing rank. Effects are rounded alike in engine
    and workbook (10 significant digits of the KGI), so RANK and COUNTIF see the same ties."""
    return f"RANK({effect},{effects},0)+COUNTIF({first}:{effect},{effect})-1"


def write_sensitivity(ws: Worksheet, plan: Plan, refs: InputRefs, layout: Layout, lang: str,
                      lever_cell: str) -> None:
    tree = plan.spec.template.tree
    target = plan.reverse.target
    lever = plan.reverse.lever
    given = {**refs.metric, lever: lever_cell}
    styles.key_column(ws)
    styles.title(ws, label("sens_title", lang), label("sens_note", lang))
    ws.column_dimensions["B"].width = 26
    for col in "CDEFGH":
        ws.column_dimensions[col].width = 16
    target_fmt = styles.fmt(tree.metrics[target].kind)
    ws.cell(4, 2, label("base_kgi", lang)).font = styles.BOLD
    base = ws.cell(4, 7, f"={forward(tree, target, given.get, given)}")
    base.number_format = target_fmt
    base.font = styles.BOLD
    layout.put(("sens_base",), ws.title, 4, 7)
    digits = ws.cell(4, 8, f"=IF($G$4=0,{EFFECT_DIGITS},{EFFECT_DIGITS - 1}-INT(LOG10(ABS($G$4))))")
    digits.font = styles.KEY_FONT  # the decimals an effect keeps (10 significant digits of the KGI)
    styles.header(ws, HEAD, 2, label("sens_header", lang).split("|"))
    items = levers(plan)
    first, last = HEAD + 1, HEAD + len(items)
    for i, (leaf, step) in enumerate(items):
        r = first + i
        metric = tree.metrics[leaf]
        ws.cell(r, 1, f"sens:{leaf}").font = styles.KEY_FONT
        text_cell(ws, r, 2, metric.label(lang))
        ws.cell(r, 3, step)
        ws.cell(r, 4, f"={given[leaf]}").number_format = styles.fmt(metric.kind)
        after = f"MIN(1,D{r}+0.01)" if step == "+1pt" else f"D{r}*1.1"
        ws.cell(r, 5, f"={after}").number_format = styles.fmt(metric.kind)
        bumped = {**given, leaf: f"$E${r}"}
        ws.cell(r, 6, f"={forward(tree, target, bumped.get, bumped)}").number_format = target_fmt
        ws.cell(r, 7, f"=ROUND(F{r}-$G$4,$H$4)").number_format = target_fmt  # as the engine rounds an effect
        ws.cell(r, 8, "=" + rank(f"$G${first}:$G${last}", f"G{r}", f"$G${first}"))
        layout.put(("sens", leaf), ws.title, r, 7)
        layout.put(("sens_rank", leaf), ws.title, r, 8)
    _ranked(ws, lang, len(items), first, target_fmt)
    styles.protect(ws)


def _ranked(ws: Worksheet, lang: str, n: int, first: int, target_fmt: str) -> None:
    """The inputs in rank order (INDEX/MATCH on the rank column) and their bar chart."""
    last = first + n - 1
    top = last + 3
    ws.cell(top - 1, 2, label("ranked", lang)).font = styles.BOLD
    styles.header(ws, top, 2, [label("sens_header", lang).split("|")[i] for i in (6, 0, 1, 5)])
    for k in range(1, n + 1):
        r = top + k
        match = f"MATCH({k},$H${first}:$H${last},0)"
        ws.cell(r, 2, k)
        ws.cell(r, 3, f"=INDEX($B${first}:$B${last},{match})")
        ws.cell(r, 4, f"=INDEX($C${first}:$C${last},{match})")
        ws.cell(r, 5, f"=INDEX($G${first}:$G${last},{match})").number_format = target_fmt
    if n:
        chart = bar_chart(label("sens_chart", lang))
        chart.y_axis.title = label("sens_header", lang).split("|")[5]
        chart.y_axis.numFmt = target_fmt
        data = Reference(ws, min_col=5, min_row=top, max_row=top + n)
        cats = Reference(ws, min_col=3, min_row=top + 1, max_row=top + n)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.legend = None
        chart.height, chart.width = 8, 16
        ws.add_chart(chart, a1(HEAD, 10))  # beside the tables, not across a page break

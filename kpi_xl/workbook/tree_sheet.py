"""The KPIツリー / KPI tree sheet: KGI → KSF → KPI as an indented outline of live formulas.

Chain stages are the reverse solve (ROUNDUP of the stage above over its rate), inputs link
to the Inputs sheet, other metrics are computed forward; each row shows its definition.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.display import band_text
from kpi_xl.engine.catalog import load_benchmarks
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.tree import Kind
from kpi_xl.i18n import label
from kpi_xl.workbook.inputs_sheet import InputRefs
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, ref, text_cell
from kpi_xl.xlsx.formulas import forward, invert

FIRST_ROW = 5
COL_KEY, COL_LEVEL, COL_METRIC, COL_VALUE, COL_UNIT, COL_DEF, COL_ACTUAL, COL_BENCH, COL_TIER = range(1, 10)


class TreeSheet:
    """Lays out and writes the tree; other sheets ask it where each stage's total is."""

    def __init__(self, ws: Worksheet, plan: Plan, refs: InputRefs, layout: Layout, lang: str) -> None:
        self.ws, self.plan, self.refs, self.layout, self.lang = ws, plan, refs, layout, lang
        tree = plan.reverse.template.tree
        self.rows: list[tuple[str, int]] = []  # (metric, depth)
        seen: set[str] = set()

        def visit(node: str, depth: int) -> None:
            if node in seen:
                return
            seen.add(node)
            self.rows.append((node, depth))
            children = tree.children(node)  # inputs first, then what is derived further
            for child in sorted(children, key=lambda c: (c in tree.formulas, children.index(c))):
                visit(child, depth + 1)

        visit(tree.root, 0)
        self.other_start = len(self.rows)
        for node in tree.metrics:
            if node not in seen:
                seen.add(node)
                self.rows.append((node, -1))
        self.row_of: dict[str, int] = {}
        self.values: dict[str, bool] = {}  # metric → whether its value cell holds a formula
        row = FIRST_ROW
        for i, (node, _) in enumerate(self.rows):
            if i == self.other_start:
                row += 1  # section header
            self.row_of[node] = row
            row += 1

    def cell(self, metric: str) -> str:
        return ref(self.ws.title, self.row_of[metric], COL_VALUE)

    def value_cell(self, metric: str) -> str | None:
        """The metric's value cell when it has one (None: no input reaches it)."""
        return self.cell(metric) if self.values.get(metric) else None

    def leaf(self, metric: str) -> str | None:
        return self.refs.metric.get(metric)

    def write(self) -> None:
        ws, plan, lang = self.ws, self.plan, self.lang
        template = plan.reverse.template
        tree = template.tree
        stages = {s.metric: s for s in plan.reverse.stages}
        stage_cells = {**self.refs.metric, **{m: self.cell(m) for m in stages}}
        styles.key_column(ws)
        styles.title(ws, label("tree_title", lang), label("tree_note", lang))
        styles.header(ws, FIRST_ROW - 1, COL_LEVEL, label("tree_header", lang).split("|"))
        for col, width in zip("BCDEFGHI", (8, 34, 18, 7, 60, 18, 34, 10)):
            ws.column_dimensions[col].width = width
        marks = load_benchmarks()
        for i, (node, depth) in enumerate(self.rows):
            row = self.row_of[node]
            if i == self.other_start:
                head = ws.cell(row - 1, COL_METRIC, label("other_metrics", lang))
                head.font = styles.BOLD
                head.fill = styles.SECTION_FILL
            metric = tree.metrics[node]
            ws.cell(row, COL_KEY, f"node:{node}").font = styles.KEY_FONT
            ws.cell(row, COL_LEVEL, "KGI" if depth == 0 else "KSF" if depth == 1 else "KPI")
            name = text_cell(ws, row, COL_METRIC, ("　" * (depth - 1) + "└ " if depth > 0 else "") + metric.label(lang))
            if 0 <= depth <= 1:
                name.font = styles.BOLD
            value = ws.cell(row, COL_VALUE, self._formula(node, stages, stage_cells))
            self.values[node] = value.value is not None
            if value.value is None:
                value.value = label("no_input", lang)
                value.font = styles.NOTE_FONT
            value.number_format = styles.fmt(metric.kind)
            value.border = styles.BOX
            ws.cell(row, COL_UNIT, {Kind.AMOUNT: label("unit_yen", lang), Kind.COUNT: label("unit_count", lang),
                                    Kind.RATE: "%", Kind.RATIO: metric.unit}[metric.kind])
            text_cell(ws, row, COL_DEF, template.definition(node, lang))
            ws.cell(row, COL_TIER, metric.tier.label(lang))
            mark = marks.get(metric.benchmark) if metric.benchmark else None
            if mark:
                ws.cell(row, COL_BENCH, band_text(mark, lang)).font = styles.NOTE_FONT
            if node in stages:
                self.layout.put(("tree", node), ws.title, row, COL_VALUE)
        ws.freeze_panes = ws.cell(FIRST_ROW, COL_VALUE)
        styles.protect(ws)

    def _formula(self, node: str, stages: dict, stage_cells: dict[str, str]) -> str | None:
        plan = self.plan
        tree = plan.reverse.template.tree
        if node == plan.reverse.target:
            return f"={self.refs.kgi}"
        if node in stages:
            index = [s.metric for s in plan.reverse.stages].index(node)
            parent = plan.reverse.stages[index - 1].metric
            step = tree.path(parent, node)[0]
            others = {o: forward(tree, o, self.leaf, stage_cells) for o in step.others}
            return "=" + invert(step, stage_cells[parent], others, plan.reverse.exact)
        if node in self.refs.metric:
            return f"={self.refs.metric[node]}"
        expr = forward(tree, node, self.leaf, stage_cells)
        return None if expr is None else f"={expr}"

    def add_actuals(self, actual_refs: dict[str, str]) -> None:
        """Link each metric's actual to date from the 実績 sheet (blank until one is typed)."""
        for node, row in self.row_of.items():
            if node in actual_refs:
                cell = self.ws.cell(row, COL_ACTUAL, f'=IF(ISNUMBER({actual_refs[node]}),{actual_refs[node]},"")')
                cell.number_format = styles.fmt(self.plan.reverse.template.tree.metrics[node].kind)
                cell.border = styles.BOX

"""The カレンダー / Calendar sheet: months as columns, business days by NETWORKDAYS,
each stage's monthly target (split, then moved earlier by its lead time), per business
day and per rep (largest remainder over capacity weights, adding up to the team)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.plan import Plan
from kpi_xl.i18n import label
from kpi_xl.workbook import styles
from kpi_xl.workbook.cells import Layout, a1, ref, span
from kpi_xl.workbook.formulas import largest_remainder, proportional
from kpi_xl.workbook.inputs_sheet import InputRefs

COL_KEY, COL_LABEL, COL_TOTAL, COL_FIRST = 1, 2, 3, 4
ROW_MONTH, ROW_LAST, ROW_BD = 4, 5, 6


class CalendarSheet:
    def __init__(self, ws: Worksheet, plan: Plan, refs: InputRefs, layout: Layout, lang: str,
                 stage_total: dict[str, str]) -> None:
        self.ws, self.plan, self.refs, self.layout, self.lang = ws, plan, refs, layout, lang
        self.stage_total = stage_total
        self.target_row: dict[str, int] = {}
        self.month_cols = list(range(COL_FIRST, COL_FIRST + len(plan.months)))
        self.fy_cols = self.month_cols[plan.lead_in:]

    def month_cell(self, stage: str, fy_index: int) -> str:
        """Absolute ref of ``stage``'s target in fiscal month ``fy_index`` (0-based)."""
        return ref(self.ws.title, self.target_row[stage], self.fy_cols[fy_index])

    def month_range(self, stage: str | None) -> str:
        row = ROW_MONTH if stage is None else self.target_row[stage]
        return span(self.ws.title, row, self.month_cols[0], row, self.month_cols[-1])

    def write(self) -> None:
        ws, plan, refs, lang = self.ws, self.plan, self.refs, self.lang
        spec = plan.spec
        tree = spec.template.tree
        exact = spec.exact
        lead_in, n_fy = plan.lead_in, len(plan.fiscal_months)
        qoff = 3 * (spec.quarter - 1) if spec.quarter else 0
        styles.key_column(ws)
        styles.title(ws, label("cal_title", lang), label("cal_note", lang))
        ws.column_dimensions["B"].width = 30
        ws.column_dimensions["C"].width = 12
        for col in self.month_cols:
            ws.column_dimensions[get_column_letter(col)].width = 13
        lead_sum = "+".join(refs.lead.values()) or "0"
        warn = ws.cell(3, COL_LABEL, f'=IF({lead_sum}>{lead_in},"{label("lag_warning", lang, n=lead_in)}","")')
        warn.font = styles.Font(bold=True, color="C00000")

        styles.header(ws, ROW_MONTH, COL_LABEL, [label("month", lang), label("total", lang)])
        ws.cell(ROW_LAST, COL_LABEL, label("last_day", lang))
        ws.cell(ROW_BD, COL_LABEL, label("business_days", lang)).font = styles.BOLD
        for j, col in enumerate(self.month_cols):
            month = plan.months[j]
            top = ws.cell(ROW_MONTH, col, f"=DATE({refs.fy},{refs.fy_start}+{qoff + j - lead_in},1)")
            top.number_format = styles.MONTH
            top.font = styles.HEADER_FONT
            top.fill = styles.HEADER_FILL
            ws.cell(ROW_LAST, col, f"=EOMONTH({a1(ROW_MONTH, col)},0)").number_format = styles.DATE
            bd = ws.cell(ROW_BD, col, f"=NETWORKDAYS({a1(ROW_MONTH, col)},{a1(ROW_LAST, col)},{refs.holidays})")
            bd.font = styles.BOLD
            self.layout.put(("month", month.key), ws.title, ROW_MONTH, col)
            self.layout.put(("bd", month.key), ws.title, ROW_BD, col)
        ws.cell(ROW_BD, COL_TOTAL, f"=SUM({span(None, ROW_BD, self.fy_cols[0], ROW_BD, self.fy_cols[-1])})")

        bd_fy = span(None, ROW_BD, self.fy_cols[0], ROW_BD, self.fy_cols[-1])
        equal = f'{refs.split}="{refs.split_words[0]}"'
        chain = list(spec.template.chain)
        row = ROW_BD + 2
        split_rows: dict[str, int] = {}
        for stage in plan.stages:  # first pass: fix the rows of every block
            self.target_row[stage] = row
            split_rows[stage] = row + 1
            row += 3
        for stage in plan.stages:
            metric = tree.metrics[stage]
            whole = metric.is_count and not exact
            total = self.stage_total[stage]
            t_row, s_row, d_row = self.target_row[stage], split_rows[stage], split_rows[stage] + 1
            earlier = [refs.lead[c] for c in chain[: chain.index(stage)] if c in refs.lead]
            offset = "+".join(earlier) if earlier else "0"
            ws.cell(t_row, COL_KEY, f"month:{stage}").font = styles.KEY_FONT
            ws.cell(t_row, COL_LABEL, f"{metric.label(lang)} {label('target', lang)}").font = styles.BOLD
            ws.cell(s_row, COL_LABEL, f"  {label('before_lag', lang)}").font = styles.NOTE_FONT
            ws.cell(d_row, COL_LABEL, f"  {label('per_day', lang)}")
            number_format = styles.fmt(metric.kind)
            for col in self.fy_cols:
                bd = a1(ROW_BD, col)
                before = f"(COLUMN({bd_fy})<COLUMN({bd}))"
                if whole:
                    share = f"IF({equal},ROUNDUP({total}/{n_fy},0),{largest_remainder(total, bd_fy, bd, before)})"
                else:
                    share = f"IF({equal},{total}/{n_fy},{proportional(total, bd_fy, bd)})"
                cell = ws.cell(s_row, col, f"={share}")
                cell.number_format = number_format
                cell.font = styles.NOTE_FONT
            split_fy = span(None, s_row, self.fy_cols[0], s_row, self.fy_cols[-1])
            for j, col in enumerate(self.month_cols):
                k = f"{j - lead_in}+{offset}"
                target = ws.cell(t_row, col, f"=IF(AND({k}>=0,{k}<{n_fy}),INDEX({split_fy},{k}+1),0)")
                target.number_format = number_format
                target.font = styles.BOLD
                target.border = styles.BOX
                t = a1(t_row, col)
                bd = a1(ROW_BD, col)
                per_day = f"ROUNDUP({t}/{bd},0)" if whole else f"{t}/{bd}"
                ws.cell(d_row, col, f"=IF({bd}=0,0,{per_day})").number_format = number_format
                key = plan.months[j].key
                self.layout.put(("monthly", stage, key), ws.title, t_row, col)
                self.layout.put(("daily", stage, key), ws.title, d_row, col)
            ws.cell(t_row, COL_TOTAL, f"=SUM({span(None, t_row, self.month_cols[0], t_row, self.month_cols[-1])})"
                    ).number_format = number_format
        row = self._reps(row + 1)
        ws.freeze_panes = ws.cell(ROW_MONTH + 1, COL_FIRST)
        styles.protect(ws)

    def _reps(self, row: int) -> int:
        ws, plan, refs, lang = self.ws, self.plan, self.refs, self.lang
        spec = plan.spec
        tree = spec.template.tree
        n = len(spec.reps)
        ws.cell(row, COL_LABEL, label("weight", lang)).font = styles.BOLD
        ws.cell(row, COL_LABEL).fill = styles.SECTION_FILL
        row += 1
        w_first = row
        for rep in refs.reps:
            ws.cell(row, COL_KEY, "weight").font = styles.KEY_FONT
            ws.cell(row, COL_LABEL, f"={rep['name']}")
            for col in self.month_cols:
                m = a1(ROW_MONTH, col)
                idx = f"((YEAR({m})-YEAR({rep['start']}))*12+MONTH({m})-MONTH({rep['start']}))"
                ramp = "1"
                for k in (3, 2, 1):
                    rk = rep[f"ramp{k}"]
                    ramp = f"IF({idx}={k - 1},IF({rk}=\"\",1,{rk}),{ramp})"
                formula = (f"=IF({rep['start']}=\"\",{rep['cap']},IF({idx}<0,0,{rep['cap']}*{ramp}))")
                ws.cell(row, col, formula).number_format = "0%"
            row += 1
        w_last = w_first + n - 1
        row += 1
        lever = plan.reverse.lever
        for stage in plan.stages:
            metric = tree.metrics[stage]
            whole = metric.is_count and not spec.exact
            head = ws.cell(row, COL_LABEL, f"{metric.label(lang)} {label('per_rep', lang)}")
            head.font = styles.BOLD
            head.fill = styles.SECTION_FILL
            row += 1
            first = row
            for r, rep in enumerate(spec.reps):
                ws.cell(row, COL_KEY, f"rep:{stage}").font = styles.KEY_FONT
                ws.cell(row, COL_LABEL, f"={refs.reps[r]['name']}")
                for j, col in enumerate(self.month_cols):
                    total = f"{get_column_letter(col)}${self.target_row[stage]}"
                    weights = f"{get_column_letter(col)}${w_first}:{get_column_letter(col)}${w_last}"
                    weight = f"{get_column_letter(col)}{w_first + r}"
                    before = f"(ROW({weights})<ROW({weight}))"
                    share = largest_remainder(total, weights, weight, before) if whole else \
                        proportional(total, weights, weight)
                    ws.cell(row, col, f"={share}").number_format = styles.fmt(metric.kind)
                    self.layout.put(("per_rep", stage, rep.name, plan.months[j].key), ws.title, row, col)
                ws.cell(row, COL_TOTAL, f"=SUM({span(None, row, self.month_cols[0], row, self.month_cols[-1])})"
                        ).number_format = styles.fmt(metric.kind)
                row += 1
            check = ws.cell(row, COL_LABEL, f"  {label('check', lang)}")
            check.font = styles.NOTE_FONT
            for col in self.month_cols:
                letter = get_column_letter(col)
                ws.cell(row, col, f"=SUM({letter}{first}:{letter}{row - 1})-{letter}{self.target_row[stage]}"
                        ).font = styles.NOTE_FONT
            row += 1
            if stage == lever:
                ws.cell(row, COL_LABEL, f"{metric.label(lang)} {label('per_rep_day', lang)}").font = styles.BOLD
                row += 1
                for r, rep in enumerate(spec.reps):
                    ws.cell(row, COL_LABEL, f"={refs.reps[r]['name']}")
                    for j, col in enumerate(self.month_cols):
                        share, bd = a1(first + r, col), a1(ROW_BD, col)
                        per_day = f"ROUNDUP({share}/{bd},0)" if whole else f"{share}/{bd}"
                        ws.cell(row, col, f"=IF({bd}=0,0,{per_day})").number_format = styles.fmt(metric.kind)
                        self.layout.put(("per_rep_daily", stage, rep.name, plan.months[j].key), ws.title,
                                        row, col)
                    row += 1
            row += 1
        return row

"""The カレンダー / Calendar sheet: months as columns, business days by NETWORKDAYS,
each stage's monthly target (split, then moved earlier by its lead time), per business
day and per rep (largest remainder over capacity weights, adding up to the team)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.plan import Plan
from kpi_xl.engine.tree import Kind
from kpi_xl.i18n import label
from kpi_xl.workbook.inputs_sheet import InputRefs, plan_numbers
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, a1, ref, span, text_cell
from kpi_xl.xlsx.formulas import largest_remainder, proportional

COL_KEY, COL_LABEL, COL_TOTAL, COL_FIRST = 1, 2, 3, 4
ROW_INDEX, ROW_MONTH, ROW_LAST, ROW_BD = 3, 4, 5, 6  # ROW_INDEX: month positions (ties)


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

    def plan_month_cell(self, metric: str, index: int) -> str:
        """Absolute ref of ``metric``'s target in plan month ``index`` (lead-in months first)."""
        return ref(self.ws.title, self.target_row[metric], self.month_cols[index])

    def month_range(self, stage: str | None) -> str:
        row = ROW_MONTH if stage is None else self.target_row[stage]
        return span(self.ws.title, row, self.month_cols[0], row, self.month_cols[-1])

    def write(self) -> None:
        ws, plan, refs, lang = self.ws, self.plan, self.refs, self.lang
        styles.key_column(ws)
        styles.title(ws, label("cal_title", lang), label("cal_note", lang))
        ws.column_dimensions["B"].width = 30
        ws.column_dimensions["C"].width = 12
        width = styles.width_for(plan_numbers(plan, plan.series))
        for col in [COL_TOTAL, *self.month_cols]:
            ws.column_dimensions[get_column_letter(col)].width = width
        lead_sum = "+".join(refs.lead.values()) or "0"
        lag_warning = label("lag_warning", lang, n=plan.lead_in)
        warn = ws.cell(3, COL_LABEL, f'=IF({lead_sum}>{plan.lead_in},"{lag_warning}","")')
        warn.font = styles.Font(bold=True, color="C00000")
        self._month_rows()
        row = ROW_BD + 2
        for stage in plan.series:  # first pass: fix the rows of every block
            self.target_row[stage] = row
            row += 4  # target, split before the lag, per business day, split weights
        for stage in plan.series:
            self._stage_block(stage)
        self._reps(row + 1)
        ws.freeze_panes = ws.cell(ROW_MONTH + 1, COL_FIRST)
        styles.repeat_on_pages(ws, ROW_MONTH)
        styles.protect(ws)

    def _month_rows(self) -> None:
        """Month starts, month ends and business days (NETWORKDAYS over the holiday table)."""
        ws, plan, refs, lang = self.ws, self.plan, self.refs, self.lang
        qoff = 3 * (plan.spec.quarter - 1) if plan.spec.quarter else 0
        styles.header(ws, ROW_MONTH, COL_LABEL, [label("month", lang), label("total", lang)])
        ws.cell(ROW_LAST, COL_LABEL, label("last_day", lang))
        ws.cell(ROW_BD, COL_LABEL, label("business_days", lang)).font = styles.BOLD
        for j, col in enumerate(self.month_cols):
            month = plan.months[j]
            top = ws.cell(ROW_MONTH, col, f"=DATE({refs.fy},{refs.fy_start}+{qoff + j - plan.lead_in},1)")
            top.number_format = styles.MONTH
            top.font = styles.HEADER_FONT
            top.fill = styles.HEADER_FILL
            ws.cell(ROW_LAST, col, f"=EOMONTH({a1(ROW_MONTH, col)},0)").number_format = styles.DATE
            bd = ws.cell(ROW_BD, col, f"=NETWORKDAYS({a1(ROW_MONTH, col)},{a1(ROW_LAST, col)},{refs.holidays})")
            bd.font = styles.BOLD
            ws.cell(ROW_INDEX, col, j + 1).font = styles.KEY_FONT  # a tie goes to the earlier month
            self.layout.put(("month", month.key), ws.title, ROW_MONTH, col)
            self.layout.put(("bd", month.key), ws.title, ROW_BD, col)
        ws.cell(ROW_BD, COL_TOTAL, f"=SUM({span(None, ROW_BD, self.fy_cols[0], ROW_BD, self.fy_cols[-1])})")

    def _stage_block(self, stage: str) -> None:
        """A stage's split over the fiscal months, its lagged monthly target and per day."""
        ws, plan, refs, lang = self.ws, self.plan, self.refs, self.lang
        metric = plan.spec.template.tree.metrics[stage]
        whole = metric.is_count and not plan.spec.exact
        total, n_fy = self.stage_total[stage], len(plan.fiscal_months)
        t_row = self.target_row[stage]
        s_row, d_row, w_row = t_row + 1, t_row + 2, t_row + 3
        chain = list(plan.spec.template.chain)
        earlier = [refs.lead[c] for c in chain[: chain.index(plan.anchor(stage))] if c in refs.lead]
        offset = "+".join(earlier) if earlier else "0"
        ws.cell(t_row, COL_KEY, f"month:{stage}").font = styles.KEY_FONT
        text_cell(ws, t_row, COL_LABEL, f"{metric.label(lang)} {label('target', lang)}").font = styles.BOLD
        ws.cell(s_row, COL_LABEL, f"  {label('before_lag', lang)}").font = styles.NOTE_FONT
        ws.cell(d_row, COL_LABEL, f"  {label('per_day', lang)}")
        ws.cell(w_row, COL_LABEL, f"  {label('weights_row', lang)}").font = styles.NOTE_FONT
        number_format = styles.fmt(metric.kind)
        weights = span(None, w_row, self.fy_cols[0], w_row, self.fy_cols[-1])
        equal = f'{refs.split}="{refs.split_words[0]}"'
        growth = refs.growth.get(stage, "0")
        plain = f"AND({equal},{growth}=0)"  # the seeds' equal pace: ROUNDUP(total ÷ months)
        for col in self.fy_cols:
            bd = a1(ROW_BD, col)
            k = a1(ROW_INDEX, col)
            ws.cell(w_row, col, f"=POWER(1+{growth},{k}-1)*IF({equal},1,{bd})").font = styles.NOTE_FONT
            before = f"({span(None, ROW_INDEX, self.fy_cols[0], ROW_INDEX, self.fy_cols[-1])}<{k})"
            weight = a1(w_row, col)
            if metric.kind is Kind.RATE:  # a rate goal (継続率 90%) holds in every month
                share = total
            elif whole:
                share = f"IF({plain},ROUNDUP({total}/{n_fy},0),{largest_remainder(total, weights, weight, before)})"
            else:
                share = f"IF({plain},{total}/{n_fy},{proportional(total, weights, weight)})"
            cell = ws.cell(s_row, col, f"={share}")
            cell.number_format = number_format
            cell.font = styles.NOTE_FONT
        split_fy = span(None, s_row, self.fy_cols[0], s_row, self.fy_cols[-1])
        spread = next((refs.lag_shares[c] for c in chain[: chain.index(plan.anchor(stage))] if c in refs.lag_shares),
                      None)
        for j, col in enumerate(self.month_cols):
            k = f"{j - plan.lead_in}+{offset}"
            target = ws.cell(t_row, col, "=" + (lagged(split_fy, k, n_fy, spread, whole) if spread
                                                else _month_of(split_fy, k, n_fy)))
            target.number_format = number_format
            target.font = styles.BOLD
            target.border = styles.BOX
            t, bd = a1(t_row, col), a1(ROW_BD, col)
            per_day = f"ROUNDUP({t}/{bd},0)" if whole else f"{t}/{bd}"
            ws.cell(d_row, col, f"={t}" if metric.kind is Kind.RATE else f"=IF({bd}=0,0,{per_day})"
                    ).number_format = number_format
            self.layout.put(("monthly", stage, plan.months[j].key), ws.title, t_row, col)
            self.layout.put(("daily", stage, plan.months[j].key), ws.title, d_row, col)
        ws.cell(t_row, COL_TOTAL, f"=SUM({span(None, t_row, self.month_cols[0], t_row, self.month_cols[-1])})"
                ).number_format = number_format

    def _reps(self, row: int) -> None:
        """Capacity weights per rep and month, then each stage's per-rep shares."""
        row, (w_first, w_last) = self._weights(row)
        for stage in self.plan.series:
            row = self._rep_block(stage, row, w_first, w_last)

    def _weights(self, row: int) -> tuple[int, tuple[int, int]]:
        """Each rep's capacity × ramp factor per month; returns the next row and the rows used."""
        ws, refs, lang = self.ws, self.refs, self.lang
        ws.cell(row, COL_LABEL, label("weight", lang)).font = styles.BOLD
        ws.cell(row, COL_LABEL).fill = styles.SECTION_FILL
        row += 1
        w_first = row
        for rep in refs.reps:
            ws.cell(row, COL_KEY, "weight").font = styles.KEY_FONT
            ws.cell(row, COL_LABEL, f"={rep.name}")
            ws.cell(row, COL_TOTAL, row - w_first + 1).font = styles.KEY_FONT  # a tie goes to the earlier rep
            for col in self.month_cols:
                m = a1(ROW_MONTH, col)
                idx = f"((YEAR({m})-YEAR({rep.start}))*12+MONTH({m})-MONTH({rep.start}))"
                ramp = "1"
                for k in range(len(rep.ramp), 0, -1):
                    rk = rep.ramp[k - 1]
                    ramp = f"IF({idx}={k - 1},IF({rk}=\"\",1,{rk}),{ramp})"
                formula = (f"=IF({rep.start}=\"\",{rep.cap},IF({idx}<0,0,{rep.cap}*{ramp}))")
                ws.cell(row, col, formula).number_format = "0%"
            row += 1
        return row + 1, (w_first, w_first + len(refs.reps) - 1)

    def _rep_block(self, stage: str, row: int, w_first: int, w_last: int) -> int:
        """One stage's shares per rep and month (and, for the lever, per business day)."""
        ws, plan, refs, lang = self.ws, self.plan, self.refs, self.lang
        metric = plan.spec.template.tree.metrics[stage]
        whole = metric.is_count and not plan.spec.exact
        head = text_cell(ws, row, COL_LABEL, f"{metric.label(lang)} {label('per_rep', lang)}")
        head.font = styles.BOLD
        head.fill = styles.SECTION_FILL
        row += 1
        first = row
        for r, rep in enumerate(plan.spec.reps):
            ws.cell(row, COL_KEY, f"rep:{stage}").font = styles.KEY_FONT
            ws.cell(row, COL_LABEL, f"={refs.reps[r].name}")
            for j, col in enumerate(self.month_cols):
                letter = get_column_letter(col)
                total = f"{letter}${self.target_row[stage]}"
                weights = f"{letter}${w_first}:{letter}${w_last}"
                weight = f"{letter}{w_first + r}"
                before = f"($C${w_first}:$C${w_last}<$C${w_first + r})"  # positions in column C
                share = total if metric.kind is Kind.RATE else \
                    largest_remainder(total, weights, weight, before) if whole else proportional(total, weights, weight)
                ws.cell(row, col, f"={share}").number_format = styles.fmt(metric.kind)
                self.layout.put(("per_rep", stage, rep.name, plan.months[j].key), ws.title, row, col)
            ws.cell(row, COL_TOTAL, f"=SUM({span(None, row, self.month_cols[0], row, self.month_cols[-1])})"
                    ).number_format = styles.fmt(metric.kind)
            row += 1
        ws.cell(row, COL_LABEL, f"  {label('check', lang)}").font = styles.NOTE_FONT
        for col in self.month_cols:
            letter = get_column_letter(col)
            check = ws.cell(row, col, f"=SUM({letter}{first}:{letter}{row - 1})-{letter}{self.target_row[stage]}")
            check.font = styles.NOTE_FONT
            check.number_format = styles.fmt(metric.kind)  # never a guessed currency
        row += 1
        if stage == plan.reverse.lever and metric.kind is not Kind.RATE:
            row = self._rep_daily(stage, row, first, whole)
        return row + 1

    def _rep_daily(self, stage: str, row: int, first: int, whole: bool) -> int:
        """The lever's per-rep share per business day."""
        ws, plan, refs, lang = self.ws, self.plan, self.refs, self.lang
        metric = plan.spec.template.tree.metrics[stage]
        text_cell(ws, row, COL_LABEL, f"{metric.label(lang)} {label('per_rep_day', lang)}").font = styles.BOLD
        row += 1
        for r, rep in enumerate(plan.spec.reps):
            ws.cell(row, COL_LABEL, f"={refs.reps[r].name}")
            for j, col in enumerate(self.month_cols):
                share, bd = a1(first + r, col), a1(ROW_BD, col)
                per_day = f"ROUNDUP({share}/{bd},0)" if whole else f"{share}/{bd}"
                ws.cell(row, col, f"=IF({bd}=0,0,{per_day})").number_format = styles.fmt(metric.kind)
                self.layout.put(("per_rep_daily", stage, rep.name, plan.months[j].key), ws.title, row, col)
            row += 1
        return row


def _month_of(split_fy: str, k: str, n_fy: int) -> str:
    """The fiscal split's value ``k`` months in (0 outside the fiscal year)."""
    return f"IF(AND({k}>=0,{k}<{n_fy}),INDEX({split_fy},{k}+1),0)"


def lagged(split_fy: str, k: str, n_fy: int, shares: list[str], whole: bool) -> str:
    """A measured lag: Σ share_d × the split ``k + d`` months in, over Σ shares (rounded up
    for counts, as the engine's :func:`kpi_xl.engine.lag.spread_back`); no shares: ``k``'s."""
    total = "(" + "+".join(shares) + ")"
    terms = "+".join(f"{w}*{_month_of(split_fy, f'{k}+{d}', n_fy)}" for d, w in enumerate(shares))
    value = f"({terms})/{total}"
    return f"IF({total}=0,{_month_of(split_fy, k, n_fy)},{f'ROUNDUP({value},0)' if whole else value})"

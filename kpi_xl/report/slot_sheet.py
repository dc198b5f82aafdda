"""The report's 時間帯別 / By hour sheet: reach rate per weekday × hour as a colour scale,
the best and worst slots named, and the call counts behind every rate."""

from __future__ import annotations

from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.i18n import label
from kpi_xl.report.figures import MonthlyReport
from kpi_xl.report.slots import MIN_CALLS, Slot
from kpi_xl.xlsx import styles
from kpi_xl.xlsx.cells import Layout, text_cell

TOP = 6  # the rate grid's header row


def _slot_name(slot: Slot, lang: str) -> str:
    return f"{label('weekdays', lang).split('|')[slot.weekday]} {slot.hour}:00–{slot.hour + 1}:00"


def write_slots(ws: Worksheet, report: MonthlyReport, lang: str, layout: Layout) -> None:
    h = report.heatmap
    if h is None:
        styles.title(ws, label("sheet_slots", lang), label("slots_none", lang))
        return
    styles.title(ws, label("slots_title", lang, first=h.months[0], last=h.months[-1]),
                 label("slots_note", lang, n=MIN_CALLS))
    for row, slot, key in ((3, h.best, "slots_best"), (4, h.worst, "slots_worst")):
        if slot is not None:
            text_cell(ws, row, 2, label(key, lang, slot=_slot_name(slot, lang), rate=f"{slot.rate:.1%}",
                                        calls=f"{slot.calls:,.0f}")).font = styles.BOLD
            layout.put(("slots", key), ws.title, row, 2)
    hours, days = h.hours, label("weekdays", lang).split("|")
    counts = label("slots_counts", lang).split("|")
    grids = ((TOP, None), (TOP + 10, counts[0]), (TOP + 20, counts[1]))
    for top, caption in grids:
        styles.header(ws, top, 2, [caption or label("hour_col", lang), *[f"{x}:00" for x in hours]])
        for d, day in enumerate(days):
            text_cell(ws, top + 1 + d, 2, day)
            for j, hour in enumerate(hours):
                slot = h.at(d, hour)
                if slot is None:
                    continue
                value = slot.rate if caption is None else slot.calls if caption == counts[0] else slot.reached
                cell = ws.cell(top + 1 + d, 3 + j, value)
                cell.number_format = "0.0%" if caption is None else "#,##0"
                if caption is None:
                    layout.put(("slots", d, hour), ws.title, top + 1 + d, 3 + j)
    area = f"C{TOP + 1}:{get_column_letter(2 + len(hours))}{TOP + 7}"
    ws.conditional_formatting.add(area, ColorScaleRule(start_type="min", start_color="F8696B", mid_type="percentile",
                                                       mid_value=50, mid_color="FFEB84", end_type="max",
                                                       end_color="63BE7B"))
    ws.column_dimensions["B"].width = 10
    for j in range(len(hours)):
        ws.column_dimensions[get_column_letter(3 + j)].width = 7
    layout.put(("slots", "grid"), ws.title, TOP + 1, 3)

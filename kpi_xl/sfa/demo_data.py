"""A realistic synthetic SFA export for the demo and the tests: ten reps with Japanese
names, a year of calls, emails and meetings (activity log, CP932 CSV as Japanese Excel
writes it) and the deals they produced (opportunity list, XLSX), with the dirt real
exports carry: text and serial dates, full-width digits, ¥ and separators, total and
blank rows, duplicates, a missing owner, a name typed with a full-width space, a stage
that went backwards and a rep whose name looks like a formula."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from kpi_xl.engine.calendar import BusinessCalendar, add_months

REPS = ["佐藤 健", "鈴木 美咲", "高橋 翔", "田中 結衣", "伊藤 大輔", "渡辺 彩", "山本 拓也", "中村 さくら",
        "小林 亮", "加藤 真由"]
SKILL = [1.1, 1.0, 0.9, 1.05, 0.8, 1.0, 0.95, 1.15, 0.85, 1.0]


@dataclass
class DemoFiles:
    activities: Path
    opportunities: Path
    dirty_rows: dict[str, int]


def write_demo_data(folder: Path, last_month: date, *, seed: int = 7, months: int = 12) -> DemoFiles:
    rnd = random.Random(seed)
    cal = BusinessCalendar()
    first = add_months(last_month, -(months - 1))
    end = add_months(last_month, 1) - timedelta(1)
    activities: list[list[str]] = []
    deals: list[list[object]] = []
    deal_no = 0
    for day in cal.days(first, end):
        for rep, skill in zip(REPS, SKILL):
            for _ in range(rnd.randint(18, 30)):
                outcome = rnd.random()
                connect = outcome < 0.14 * skill
                meeting = connect and rnd.random() < 0.12 * skill
                result = "アポ獲得" if meeting else "通電" if connect else "不在"
                activities.append([f"A{len(activities) + 1:07d}", f"{day:%Y-%m-%d}", rep, "架電", result, "1"])
                if meeting:
                    deal_no += 1
                    engaged = min(day + timedelta(rnd.randint(3, 10)), end)
                    won = rnd.random() < 0.2 * skill
                    closed = engaged + timedelta(rnd.randint(20, 70))
                    stage = ("受注" if won else "失注") if closed <= end else "商談中"
                    amount = rnd.randrange(600_000, 1_600_000, 10_000) if won else 0
                    deals.append([f"D{deal_no:05d}", rep, stage, engaged, closed if closed <= end else None,
                                  amount if closed <= end else None])
            for _ in range(rnd.randint(3, 8)):
                activities.append([f"A{len(activities) + 1:07d}", f"{day:%Y-%m-%d}", rep, "メール", "", "1"])
    header = ["活動ID", "日付", "担当者", "活動種別", "結果", "件数"]
    dirty = {}
    # dirt, as found in real exports
    activities[5][1] = activities[5][1].replace("-", "/")  # 2025/11/04
    y, m, d = activities[6][1].split("-")
    activities[6][1] = f"{y}年{int(m)}月{int(d)}日"
    activities[7][5] = "１"  # full-width digit
    activities[8][2] = REPS[0].replace(" ", "\u3000")  # 佐藤\u3000健: a name variant
    activities.insert(20, list(activities[19]))  # the same record exported twice
    activities.insert(30, ["", "", "", "", "", ""])  # a blank row
    activities.insert(40, ["A9999990", activities[40][1], "", "架電", "通電", "1"])  # no owner
    activities.append(["合計", "", "", "", "", str(len(activities))])  # a total row
    activities.insert(50, ["A9999991", activities[50][1], '=HYPERLINK("http://example.invalid","x")', "架電",
                           "不在", "1"])
    dirty.update(text_dates=2, full_width=1, name_variant=1, duplicate=1, blank=1, no_owner=1, total=1, formula=1)
    folder.mkdir(parents=True, exist_ok=True)
    act_path = folder / "activities.csv"
    with act_path.open("w", encoding="cp932", newline="") as handle:  # Japanese Excel's CSV
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(activities)
    wb = Workbook()
    ws = wb.active
    ws.title = "商談一覧"
    ws.append(["商談ID", "担当者", "商談ステータス", "商談開始日", "受注日", "金額"])
    for i, (deal, rep, stage, engaged, closed, amount) in enumerate(deals):
        shown_amount = amount
        if i == 3 and amount:
            shown_amount = f"¥{amount:,}"  # ¥ and separators as text
        if i == 4 and amount:
            shown_amount = f"{amount:,}"
        ws.append([deal, rep, stage, engaged, closed, shown_amount])
    first_won = next(d for d in deals if d[2] == "受注")
    later = first_won[3] + timedelta(5)
    ws.append([first_won[0], first_won[1], "商談中", later, None, None])  # a later snapshot, stage went back
    serial = ws.cell(ws.max_row, 4)
    serial.value = (later - date(1899, 12, 30)).days  # an Excel serial day number, formatted as a number
    serial.number_format = "General"
    opp_path = folder / "opportunities.xlsx"
    wb.save(opp_path)
    dirty.update(yen_text=1, separators=1, stage_backwards=1, serial_date=1)
    return DemoFiles(act_path, opp_path, dirty)

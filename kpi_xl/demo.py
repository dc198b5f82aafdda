"""The main job on built-in demo data: a realistic synthetic SFA export (ten reps with
Japanese names, a year of calls, emails and meetings as a CP932 CSV the way Japanese Excel
writes it, and the deals they produced as an XLSX), a plan for FY2026, the plan workbook
and the October 2026 monthly report.

The export carries the dirt real exports carry: text and serial dates, full-width digits,
¥ and separators, total and blank rows, duplicates, a missing owner, a name typed with a
full-width space, a stage that went backwards and a rep whose name looks like a formula."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kpi_xl.engine.calendar import BusinessCalendar, add_months
from kpi_xl.engine.plan import Plan, build_plan
from kpi_xl.engine.settings import read_settings
from kpi_xl.errors import OutputError
from kpi_xl.i18n import os_reason

REPS = ["佐藤 健", "鈴木 美咲", "高橋 翔", "田中 結衣", "伊藤 大輔", "渡辺 彩", "山本 拓也", "中村 さくら",
        "小林 亮", "加藤 真由"]
SKILL = [1.1, 1.0, 0.9, 1.05, 0.8, 1.0, 0.95, 1.15, 0.85, 1.0]
DEMO_MONTH = date(2026, 10, 1)
DEMO_SETTINGS: dict[str, Any] = {
    "template": "sdr",
    "kgi": 240_000_000,
    "unit_price": 1_000_000,
    "rates": {"受注率": "20%", "商談化率": "12%", "コネクト率": "15%"},
    "volumes": {"メール送信数": 13_000},
    "fiscal_year": 2026,
    "fy_start": 4,
    "holidays": ["2026-12-29..2027-01-03"],
    "reps": list(REPS),
    "leads": {"受注数": 1},
    "phase": "growth",
}
ACTIVITY_HEADER = ["活動ID", "日付", "開始時刻", "担当者", "活動種別", "結果", "件数", "通話時間"]
DEAL_HEADER = ["商談ID", "担当者", "商談ステータス", "商談開始日", "受注日", "金額", "失注理由", "最終活動日"]
DATE, OWNER, COUNT = 1, 3, 6  # activity columns the dirt is put into
# How reachable people are by hour (lunch and the first hour are hard): the heatmap's pattern.
REACH_BY_HOUR = {9: 0.6, 10: 1.0, 11: 1.1, 12: 0.5, 13: 0.8, 14: 1.1, 15: 1.2, 16: 1.3, 17: 0.9}
LOSS_REASONS = ("価格", "競合", "時期尚早", "予算なし", "")


@dataclass
class DemoFiles:
    activities: Path
    opportunities: Path
    dirty_rows: dict[str, int]


@dataclass
class Demo:
    """What ``kpi-xl demo`` wrote, and the plan it printed."""

    folder: Path
    plan: Plan
    files: list[Path]


def run_demo(folder: Path | str, *, lang: str = "ja", force: bool = False) -> Demo:
    """Write the demo export, plan.yaml, plan.xlsx and report-2026-10.xlsx into ``folder``
    (refusing a non-empty folder without ``force``)."""
    import yaml

    from kpi_xl.report import make_report
    from kpi_xl.workbook.writer import write_plan

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not force:
        raise OutputError("output_exists", path=str(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("output_unwritable", path=str(folder), reason=os_reason(exc)) from None
    files = write_demo_data(folder, DEMO_MONTH)
    settings_data = {**DEMO_SETTINGS, "lang": lang}
    (folder / "plan.yaml").write_text(yaml.safe_dump(settings_data, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    settings = read_settings(settings_data)
    plan = build_plan(settings.spec)
    write_plan(folder / "plan.xlsx", plan, settings.options, force=True)
    report = make_report([files.activities, files.opportunities], folder / "plan.xlsx", f"{DEMO_MONTH:%Y-%m}",
                         lang=lang, output=folder / f"report-{DEMO_MONTH:%Y-%m}.xlsx", force=True)
    # The team's months so far, typed into the plan's 実績 sheet as a manager would: kpi-xl review plan.xlsx
    monthly: dict[str, dict[str, float]] = {}
    for key in plan.month_keys[: plan.month_index(f"{DEMO_MONTH:%Y-%m}") + 1]:
        for metric, value in report.data.actuals.team_month(key).items():
            monthly.setdefault(metric, {})[key] = value
    write_plan(folder / "plan.xlsx", plan, settings.options, force=True, actuals=monthly)
    return Demo(folder, plan, sorted(folder.iterdir()))


def write_demo_data(folder: Path, last_month: date, *, seed: int = 7, months: int = 12) -> DemoFiles:
    """The synthetic export for the ``months`` months up to ``last_month``, dirt included."""
    rnd = random.Random(seed)
    first = add_months(last_month, -(months - 1))
    end = add_months(last_month, 1) - timedelta(1)
    activities, deals = _activity_log(rnd, first, end)
    dirty = _dirty_activities(activities)
    folder.mkdir(parents=True, exist_ok=True)
    act_path = folder / "activities.csv"
    with act_path.open("w", encoding="cp932", newline="") as handle:  # Japanese Excel's CSV
        writer = csv.writer(handle)
        writer.writerow(ACTIVITY_HEADER)
        writer.writerows(activities)
    opp_path = folder / "opportunities.xlsx"
    dirty.update(_write_deals(opp_path, deals))
    return DemoFiles(act_path, opp_path, dirty)


def _activity_log(rnd: random.Random, first: date, end: date) -> tuple[list[list[str]], list[list[Any]]]:
    """Every business day, each rep's calls (some reach someone — more in the afternoon —, a
    few set a meeting that becomes a deal) and emails; the deals with their stage, dates,
    amount, loss reason and last activity."""
    activities: list[list[str]] = []
    deals: list[list[Any]] = []
    for day in BusinessCalendar().days(first, end):
        for rep, skill in zip(REPS, SKILL):
            for _ in range(rnd.randint(18, 30)):
                hour = rnd.choice(list(REACH_BY_HOUR))
                connect = rnd.random() < 0.14 * skill * REACH_BY_HOUR[hour]
                meeting = connect and rnd.random() < 0.12 * skill
                result = "アポ獲得" if meeting else "通電" if connect else "不在"
                seconds = rnd.randint(180, 900) if meeting else rnd.randint(15, 300) if connect else 0
                clock = f"{hour}:{rnd.randrange(60):02d}"
                talk = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
                activities.append([f"A{len(activities) + 1:07d}", f"{day:%Y-%m-%d}", clock, rep, "架電", result, "1",
                                   talk])
                if meeting:
                    deals.append(_deal(rnd, len(deals) + 1, rep, skill, day, end))
            for _ in range(rnd.randint(3, 8)):
                activities.append([f"A{len(activities) + 1:07d}", f"{day:%Y-%m-%d}", f"{rnd.randint(9, 17)}:00", rep,
                                   "メール", "", "1", ""])
    return activities, deals


def _deal(rnd: random.Random, number: int, rep: str, skill: float, day: date, end: date) -> list[Any]:
    engaged = min(day + timedelta(rnd.randint(3, 10)), end)
    won = rnd.random() < 0.2 * skill
    closed = engaged + timedelta(rnd.randint(20, 70))
    done = closed <= end
    stage = ("受注" if won else "失注") if done else "商談中"
    amount = rnd.randrange(600_000, 1_600_000, 10_000) if won else 0
    reason = rnd.choice(LOSS_REASONS) if done and not won else None
    touched = closed if done else engaged + timedelta(rnd.randint(0, (end - engaged).days))
    return [f"D{number:05d}", rep, stage, engaged, closed if done else None, amount if done else None, reason,
            touched]


def _dirty_activities(activities: list[list[str]]) -> dict[str, int]:
    """Dirt as found in real exports, put into the activity log in place. The name variant
    and the formula-like owner fall in the last month, so the demo report shows them."""
    activities[5][DATE] = activities[5][DATE].replace("-", "/")  # 2025/11/04
    y, m, d = activities[6][DATE].split("-")
    activities[6][DATE] = f"{y}年{int(m)}月{int(d)}日"
    activities[7][COUNT] = "１"  # full-width digit
    late = next(i for i in range(len(activities) - 200, 0, -1) if activities[i][OWNER] == REPS[0])
    activities[late][OWNER] = REPS[0].replace(" ", "\u3000")  # 佐藤\u3000健: a name variant
    activities.insert(20, list(activities[19]))  # the same record exported twice
    activities.insert(30, [""] * len(ACTIVITY_HEADER))  # a blank row
    activities.insert(40, ["A9999990", activities[40][DATE], "10:00", "", "架電", "通電", "1", "0:01:00"])  # no owner
    formula = '=HYPERLINK("http://example.invalid","x")'  # a name that looks like a formula
    activities.insert(len(activities) - 100, ["A9999991", activities[-100][DATE], "11:00", formula, "架電", "不在", "1",
                                              "0:00:00"])
    activities.append(["合計", "", "", "", "", "", str(len(activities)), ""])  # a total row
    return {"text_dates": 2, "full_width": 1, "name_variant": 1, "duplicate": 1, "blank": 1, "no_owner": 1,
            "total": 1, "formula": 1}


def _write_deals(path: Path, deals: list[list[Any]]) -> dict[str, int]:
    """The deal list as an XLSX, with amounts typed as text and a later snapshot of a won
    deal back at 商談中 whose date is an Excel serial number."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "商談一覧"
    ws.append(DEAL_HEADER)
    for i, (deal, rep, stage, engaged, closed, amount, reason, touched) in enumerate(deals):
        shown = f"¥{amount:,}" if i == 3 and amount else f"{amount:,}" if i == 4 and amount else amount
        ws.append([deal, rep, stage, engaged, closed, shown, reason, touched])
    first_won = next(d for d in deals if d[2] == "受注")
    later = first_won[3] + timedelta(5)
    # a later snapshot of a won deal, back at 商談中: the stage went backwards
    ws.append([first_won[0], first_won[1], "商談中", later, None, None, None, later])
    serial = ws.cell(ws.max_row, 4)
    serial.value = (later - date(1899, 12, 30)).days  # an Excel serial day number, formatted as a number
    serial.number_format = "General"
    wb.save(path)
    return {"yen_text": 1, "separators": 1, "stage_backwards": 1, "serial_date": 1}

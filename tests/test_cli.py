"""The kpi-xl command as a user runs it: in a subprocess, reading stdout/stderr/exit code."""

import json
import re
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "kpi_xl.cli", *args], capture_output=True,
                          text=True, encoding="utf-8")


def test_reverse_example_from_the_issue():
    out = run("reverse", "--template", "sdr", "--kgi", "12000000", "--unit-price", "1000000",
              "--rate", "受注率=20%", "--rate", "商談化率=10%")
    assert out.returncode == 0, out.stderr
    assert "受注数 12 ← 商談化数 60 ← コネクト数 600" in out.stdout
    assert "コネクト率" in out.stdout  # the input that would take it further


def test_reverse_in_english_and_json():
    out = run("reverse", "--kgi", "12000000", "--unit-price", "1000000", "--rate", "受注率=20%",
              "--rate", "商談化率=10%", "--lang", "en")
    assert "Deals won 12 ← Meetings set 60 ← Connects 600" in out.stdout
    out = run("reverse", "--kgi", "12000000", "--unit-price", "1000000", "--rate", "受注率=20%",
              "--rate", "商談化率=10%", "--rate", "コネクト率=15%", "--volume", "メール送信数=0",
              "--json", "--fy", "2026", "--reps", "4")
    data = json.loads(out.stdout)
    assert [s["value"] for s in data["chain"]] == [12_000_000, 12, 60, 600, 4000, 4000]
    assert len(data["months"]) == 12 and data["monthly"]["calls"][0] == 334
    assert [sum(row) for row in data["per_rep"]["calls"]] == data["monthly"]["calls"]
    assert data["feasibility"]["feasible"] is True


def test_full_plan_with_calendar_reps_and_lag():
    out = run("reverse", "--kgi", "1.2億", "--unit-price", "100万", "--rate", "受注率=20%",
              "--rate", "商談化率=10%", "--rate", "コネクト率=15%", "--volume", "メール送信数=0",
              "--fy", "2026", "--rep", "佐藤", "--rep", "鈴木:0.5", "--rep", "新人:1:2026-06:0.5",
              "--lead", "受注数=1", "--holiday", "2026-12-29..2027-01-03", "--split", "weighted")
    assert out.returncode == 0, out.stderr
    assert "26-03" in out.stdout  # one lead-in month
    assert "新人" in out.stdout and "能力不足" in out.stdout  # 40,000 calls is too many for 2.5 reps
    assert "担当者を" in out.stdout and "ポイント" in out.stdout


@pytest.mark.parametrize(("args", "text"), [
    (["--kgi", "1", "--rate", "受注率=120%"], "受注率 は 0% より大きく 100% 以下"),
    (["--kgi", "1", "--rate", "受注率=20"], "曖昧"),
    (["--kgi", "-1"], "0 より大きい"),
    (["--rate", "受注率=20%"], "kgi が指定されていません"),
    (["--kgi", "1", "--rate", "粗利率=20%"], "粗利率"),
    (["--kgi", "1", "--template", "nope"], "nope"),
    (["--kgi", "1", "--rate", "受注率"], "名前=値"),
    (["--kgi", "1", "--fy", "2026", "--fy-start", "13"], "fy_start"),
])
def test_user_errors_exit_2_with_one_readable_line(args, text):
    out = run("reverse", *args)
    assert out.returncode == 2
    assert text in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert out.stdout == ""


def test_an_error_with_json_is_a_json_document_too():
    """A program reading --json gets the error's code and the same words as stderr's line."""
    out = run("reverse", "--kgi", "1", "--rate", "受注率=120%", "--lang", "en", "--json")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    doc = json.loads(out.stdout)
    assert doc == {"error": {"code": doc["error"]["code"], "message": out.stderr.strip().removeprefix("kpi-xl: ")}}
    assert "Win rate" in doc["error"]["message"] and doc["error"]["code"]


def test_errors_in_english():
    out = run("reverse", "--kgi", "1", "--rate", "受注率=120%", "--lang", "en")
    assert out.returncode == 2 and "Win rate must be more than 0% and at most 100% (got 120%)" in out.stderr


@pytest.mark.parametrize(("args", "ja", "en"), [
    (["--fy", "1800"], "fiscal_year (--fy) は 1901～2199 で指定してください（指定値: 1800）",
     "fiscal_year (--fy) must be 1901 to 2199 (got 1800)"),
    (["--fy", "2026", "--rep", "::"], "rep (--rep) は 名前[:稼働率[:開始月[:立ち上がり]]] の形で",
     "rep (--rep) must look like name[:capacity[:start month[:ramp]]] (got '::')"),
    (["--fy", "2026", "--reps", "0"], "reps (--reps) は 1～10000 の整数 で指定してください（指定値: 0）",
     "reps (--reps) must be a whole number, 1 to 10000 (got 0)"),
])
def test_an_error_names_the_setting_and_the_flag_a_user_typed(args, ja, en):
    """Settings and flags are two names for one value: the error gives both, in the asked language."""
    for lang, text in (("ja", ja), ("en", en)):
        out = run("reverse", "--kgi", "1億", "--unit-price", "1e6", *args, "--lang", lang)
        assert out.returncode == 2 and text in out.stderr, out.stderr


def test_templates_and_demo(tmp_path):
    out = run("templates")
    assert out.returncode == 0 and "the_model" in out.stdout and "ルート営業" in out.stdout
    out = run("templates", "sdr", "--lang", "en")
    assert "Win rate = Deals won ÷ Meetings set" in out.stdout
    out = run("demo", "--out", str(tmp_path / "demo"))
    assert out.returncode == 0 and "受注数 240 ← 商談化数 1,200" in out.stdout


PLAN_YAML = """\
template: sdr
kgi: 1.2億
unit_price: 100万
rates: {受注率: 20%, 商談化率: 10%, コネクト率: 15%}
volumes: {メール送信数: 0}
fiscal_year: 2026
fy_start: 4
holidays: ["2026-12-29..2027-01-03"]
reps:
  - 佐藤
  - {name: 鈴木, capacity: 0.5}
  - {name: 新人, start: 2026-07, ramp: [0.5, 0.75]}
leads: {受注数: 1}
phase: 成長期
lang: en
"""


def test_plan_from_flags_and_from_a_settings_file(tmp_path):
    out = tmp_path / "plan.xlsx"
    done = run("plan", "--template", "sdr", "--kgi", "120000000", "--unit-price", "1000000", "--fy", "2026",
               "--reps", "8", "--rate", "受注率=20%", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.exists() and str(out) in done.stdout
    settings = tmp_path / "plan.yaml"
    settings.write_text(PLAN_YAML, encoding="utf-8")
    out2 = tmp_path / "plan2.xlsx"
    done = run("plan", str(settings), "-o", str(out2), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["reps"] == ["佐藤", "鈴木", "新人"] and data["months"][0]["month"] == "2026-03"
    from openpyxl import load_workbook

    assert load_workbook(out2).sheetnames[0] == "Inputs"  # lang: en from the file


def test_plan_refuses_to_overwrite_and_leaves_no_temp_files(tmp_path):
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"the user's own file")
    args = ("plan", "--kgi", "1億", "--unit-price", "100万", "--rate", "受注率=20%", "--fy", "2026", "-o", str(out))
    done = run(*args)
    assert done.returncode == 2 and "--force" in done.stderr
    assert out.read_bytes() == b"the user's own file"
    done = run(*args, "--force")
    assert done.returncode == 0 and out.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_plan_will_not_write_over_its_settings_file(tmp_path):
    settings = tmp_path / "plan.yaml"
    settings.write_text(PLAN_YAML, encoding="utf-8")
    done = run("plan", str(settings), "-o", str(settings), "--force")
    assert done.returncode == 2 and "in place" in done.stderr


def test_plan_errors(tmp_path):
    done = run("plan", "--kgi", "1億", "-o", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2 and "fiscal_year" in done.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("kgi: [1, 2\n", encoding="utf-8")
    done = run("plan", str(bad), "-o", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2 and "bad.yaml" in done.stderr and "Traceback" not in done.stderr


def test_review_reads_typed_actuals_back(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "plan.xlsx"
    run("plan", "--kgi", "1.2億", "--unit-price", "100万", "--rate", "受注率=20%", "--rate", "商談化率=10%",
        "--rate", "コネクト率=15%", "--volume", "メール送信数=0", "--fy", "2026", "--reps", "3", "-o", str(out))
    done = run("review", str(out))
    assert done.returncode == 2 and "実績" in done.stderr
    done = run("review", str(out), "--month", "2026-10", "--lang", "en")  # not an empty review
    assert done.returncode == 2 and "no actuals" in done.stderr and done.stdout == ""
    wb = load_workbook(out)
    typed = {"calls": 3000, "emails_sent": 0, "connects": 300, "meetings": 40, "won": 8}
    ws = wb["実績"]
    for row in range(1, ws.max_row + 1):
        marker = ws.cell(row, 1).value
        if isinstance(marker, str) and marker.startswith("act:") and marker[4:] in typed:
            ws.cell(row, 4, typed[marker[4:]])  # April 2026
    wb.save(out)
    done = run("review", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Review of 2026-04" in done.stdout
    assert "Connect rate: actual 10% vs 15% (33% short)" in done.stdout
    data = json.loads(run("review", str(out), "--json").stdout)
    assert data["bottleneck"] == "connect_rate"
    assert sum(p["effect"] for p in data["gap"]) == pytest.approx(data["actual_kgi"] - data["planned_kgi"])
    done = run("review", str(out), "--month", "2026-10", "--lang", "en")
    assert done.returncode == 2 and "no actuals typed for 2026-10 (months with actuals: 2026-04)" in done.stderr


def test_outputs_get_ordinary_permissions(tmp_path):
    import os
    import stat

    out = tmp_path / "plan.xlsx"
    run("plan", "--kgi", "1億", "--unit-price", "100万", "--rate", "受注率=20%", "--fy", "2026", "-o", str(out))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_report_from_the_demo_and_its_errors(tmp_path):
    demo = tmp_path / "demo"
    assert run("demo", "--out", str(demo)).returncode == 0
    assert sorted(p.name for p in demo.iterdir()) == ["activities.csv", "opportunities.xlsx", "plan.xlsx", "plan.yaml",
                                                      "report-2026-10.xlsx"]
    again = run("demo", "--out", str(demo))
    assert again.returncode == 2 and "--force" in again.stderr
    from openpyxl import load_workbook

    header = [c.value for c in load_workbook(demo / "report-2026-10.xlsx")["担当者別"][4] if c.value]
    assert any("コネクト率" in h for h in header) and not any("架電数" in h for h in header)  # 成長期 KPIs
    base = ["report", "--data", str(demo / "activities.csv"), "--data", str(demo / "opportunities.xlsx")]
    out = tmp_path / "r.xlsx"
    done = run(*base, "--plan", str(demo / "plan.yaml"), "--month", "2026-09", "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["month"] == "2026-09" and data["team"]["calls"]["actual"] > 4000
    assert all(f["read"] == f["used"] + f["excluded"] for f in data["files"])
    assert data["files"][0]["encoding"] == "cp932"
    for args, text in (
        (["--plan", str(demo / "plan.yaml"), "--month", "2027-09", "-o", str(tmp_path / "x.xlsx")], "2027-09"),
        (["--plan", str(demo / "plan.yaml"), "-o", str(out)], "--force"),
        (["--plan", str(demo / "plan.yaml"), "-o", str(demo / "activities.csv"), "--force"], "入力ファイル"),
        (["--plan", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "y.xlsx")], "nope.yaml"),
        (["--plan", str(demo / "plan.yaml"), "--stale", "30,14,60", "-o", str(tmp_path / "z.xlsx")], "--stale"),
    ):
        done = run(*base, *args)
        assert done.returncode == 2 and text in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    done = run("report", "--data", str(tmp_path / "missing.csv"), "--plan", str(demo / "plan.yaml"),
               "-o", str(tmp_path / "m.xlsx"))
    assert done.returncode == 2 and "missing.csv" in done.stderr


def test_lint_a_plan(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("template: sdr\nkgi: 1.2億\nunit_price: 100万\nrates: {受注率: 20%}\nfiscal_year: 2026\n"
                    "phase: 立ち上げ期\nkpis:\n"
                    "  - {metric: 架電数, target: 40000, deadline: 2027-03-31, owner: IS課}\n"
                    "  - {metric: コネクト数, target: 6000, deadline: 2027-03-31, owner: IS課}\n"
                    "  - {metric: コネクト率, target: 15%, deadline: 2027-03-31, owner: IS課}\n", encoding="utf-8")
    done = run("lint", str(plan))
    assert done.returncode == 0 and "問題はありません" in done.stdout
    done = run("lint", str(plan), "--phase", "growth", "--lang", "en")
    assert done.returncode == 1 and "Growth should have 5–7 KPIs (has 3)" in done.stdout
    plan.write_text(plan.read_text(encoding="utf-8") + "  - {metric: 売上}\n", encoding="utf-8")
    data = json.loads(run("lint", str(plan), "--json").stdout)
    codes = {(f["code"], f["metric"]) for f in data}
    assert ("lint_outcome", "revenue") in codes and ("lint_smart_owner", "revenue") in codes


def test_every_command_answers_in_json_with_the_text_modes_exit_code(tmp_path):
    """--json works on every command, and a command that fails its check fails in JSON too."""
    from kpi_xl.cli import COMMANDS

    demo = tmp_path / "demo"
    plan_yaml = tmp_path / "lint.yaml"
    plan_yaml.write_text("template: sdr\nkgi: 1億\nunit_price: 100万\nphase: growth\nkpis: [架電数]\n",
                         encoding="utf-8")
    calls = {
        "demo": ["demo", "--out", str(demo)],
        "reverse": ["reverse", "--kgi", "12000000", "--unit-price", "1000000", "--rate", "受注率=20%"],
        "plan": ["plan", "--kgi", "1億", "--unit-price", "100万", "--rate", "受注率=20%", "--fy", "2026",
                 "-o", str(tmp_path / "p.xlsx")],
        "report": ["report", "--data", str(demo / "activities.csv"), "--plan", str(demo / "plan.yaml"),
                   "-o", str(tmp_path / "r.xlsx")],
        "lint": ["lint", str(plan_yaml)],
        "workbook": ["workbook", "-o", str(tmp_path / "w.xlsm")],
        "templates": ["templates"],
        "review": ["review", str(demo / "plan.xlsx")],  # the demo types its export's months into 実績
    }
    assert set(calls) == set(COMMANDS)
    for name, args in calls.items():
        done = run(*args, "--json")
        data = json.loads(done.stdout)
        assert data, name
        if name == "lint":
            assert done.returncode == 1 and any(f["level"] == "error" for f in data)
        else:
            assert done.returncode == 0, (name, done.stderr)
    text = run("lint", str(plan_yaml))
    assert text.returncode == 1
    assert json.loads(run("templates", "call", "--json").stdout)["id"] == "call"


def test_the_scenario_is_the_plan_json_and_the_workbook_show(tmp_path):
    """--scenario 1 (upside: rates × 1.1) is the plan --json reports, not the base one."""
    out = tmp_path / "plan.xlsx"
    done = run("plan", "--kgi", "1.2億", "--unit-price", "100万", "--rate", "受注率=20%", "--rate", "商談化率=10%",
               "--fy", "2026", "--scenario", "1", "-o", str(out), "--json")
    data = json.loads(done.stdout)
    assert [s["value"] for s in data["chain"]] == [120_000_000, 120, 546, 4_964]  # 120/0.22 → 546, /0.11 → 4,964
    from kpi_xl.workbook.reader import read_plan_workbook

    book = read_plan_workbook(out)
    assert book.options.scenario == 1 and book.spec.knowns["win_rate"] == pytest.approx(0.22)


def test_english_amounts_are_in_yen_not_man():
    """English readers get ¥ with k/M in the monthly table, never 万 or 億 (¥120M a year = ¥10M a month)."""
    args = ["reverse", "--kgi", "120000000", "--unit-price", "1000000", "--rate", "受注率=20%", "--fy", "2026"]
    english = run(*args, "--lang", "en").stdout
    assert "万" not in english and "億" not in english
    revenue = next(line for line in english.splitlines() if line.startswith("Revenue "))
    assert revenue.split()[1:] == ["¥10M"] * 12 + ["¥120M"]
    assert "12,000万" in run(*args, "--lang", "ja").stdout


CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_english_output_names_things_in_english(tmp_path):
    """With --lang en nothing a user reads is Japanese but what they gave: a missing input's flag
    names the metric as typed in English (connect_rate), a stage without data names English
    headers, a review's findings are bulleted "- ". Japanese keeps its own words."""
    missing = run("reverse", "--kgi", "1e8", "--unit-price", "1e6", "--rate", "win_rate=20%",
                  "--rate", "meeting_rate=10%", "--lang", "en")
    assert "(--rate connect_rate=…)" in missing.stdout and not CJK.search(missing.stdout), missing.stdout
    log = tmp_path / "calls.csv"
    log.write_text("Record ID,Activity date,Activity assigned to,Activity type,Call outcome\n"
                   "1,2026-10-01 09:15,Jane Doe,Call,Connected\n", encoding="utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"template": "sdr", "kgi": 1e8, "unit_price": 1e6, "fiscal_year": 2026,
                                "rates": {"win_rate": "20%"}, "reps": ["Jane Doe"]}), encoding="utf-8")
    english = run("report", "--data", str(log), "--plan", str(plan), "-o", str(tmp_path / "r.xlsx"), "--lang", "en")
    assert english.returncode == 0 and "(e.g. amount / close value)" in english.stderr
    assert not CJK.search(english.stderr + english.stdout), english.stderr
    japanese = run("report", "--data", str(log), "--plan", str(plan), "-o", str(tmp_path / "r.xlsx"), "--force")
    assert "（例: 金額 / 受注金額）" in japanese.stderr and "商談ステータス = 受注" in japanese.stderr
    workbook = tmp_path / "plan.xlsx"
    run("plan", "--kgi", "1.2億", "--unit-price", "100万", "--rate", "受注率=20%", "--rate", "商談化率=10%",
        "--rate", "コネクト率=15%", "--volume", "メール送信数=0", "--fy", "2026", "-o", str(workbook))
    from openpyxl import load_workbook

    book = load_workbook(workbook)
    typed = {"calls": 3000, "emails_sent": 0, "connects": 300, "meetings": 40, "won": 8}  # connects short
    for row in book["実績"].iter_rows(min_col=1, max_col=1):
        marker = row[0].value
        if isinstance(marker, str) and marker.removeprefix("act:") in typed:
            book["実績"].cell(row[0].row, 4, typed[marker.removeprefix("act:")])  # April 2026
    book.save(workbook)
    review = run("review", str(workbook), "--lang", "en")
    assert review.returncode == 0, review.stderr
    assert not CJK.search(review.stdout), review.stdout

"""The kpi-xl command as a user runs it: in a subprocess, reading stdout/stderr/exit code."""

import json
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


def test_errors_in_english():
    out = run("reverse", "--kgi", "1", "--rate", "受注率=120%", "--lang", "en")
    assert out.returncode == 2 and "Win rate must be more than 0% and at most 100% (got 120%)" in out.stderr


def test_templates_and_demo():
    out = run("templates")
    assert out.returncode == 0 and "the_model" in out.stdout and "ルート営業" in out.stdout
    out = run("templates", "sdr", "--lang", "en")
    assert "Win rate = Deals won ÷ Meetings set" in out.stdout
    out = run("demo")
    assert out.returncode == 0 and "受注数 120 ← 商談化数 600" in out.stdout

"""Exports that overlap are one log: a row two files hold is counted once (the later file's),
the same export twice is refused — checked against pandas on the de-duplicated union and on
a real deal list split into two snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_xl.cli import main
from kpi_xl.engine.templates import get_template
from kpi_xl.sfa.findings import Rule
from kpi_xl.sfa.ingest import ingest
from kpi_xl.sfa.overlaps import across_files
from tests.sfa.test_real_data import MAVEN, ROOT

SDR = get_template("sdr")
PLAN = {"template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000, "fiscal_year": 2026,
        "rates": {"受注率": "20%", "商談化率": "12%"}, "reps": ["佐藤", "鈴木"]}


def calls(first: int, last: int) -> pd.DataFrame:
    """Calls A<first>…A<last>, one a day in October, alternating reps; every third reached."""
    n = range(first, last + 1)
    return pd.DataFrame({"活動ID": [f"A{i}" for i in n], "日付": [f"2026-10-{1 + i % 28:02d}" for i in n],
                         "担当者": ["佐藤" if i % 2 else "鈴木" for i in n], "活動種別": "架電",
                         "結果": ["通電" if i % 3 == 0 else "不在" for i in n]})


def report(tmp_path: Path, *data: Path, lang: str = "en", as_json: bool = True) -> int:
    """`kpi-xl report` over ``data`` in-process; its exit code (the output is captured)."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN, ensure_ascii=False), encoding="utf-8")
    return main(["report", "--data", *map(str, data), "--plan", str(plan), "--month", "2026-10",
                 "-o", str(tmp_path / "r.xlsx"), "--force", *(["--json"] if as_json else []), "--lang", lang])


def test_overlapping_weekly_exports_count_each_call_once(tmp_path, capsys):
    first, second = calls(1, 300), calls(201, 500)  # A201…A300 in both
    first.to_csv(tmp_path / "1.csv", index=False)
    second.to_csv(tmp_path / "2.csv", index=False)
    assert report(tmp_path, tmp_path / "1.csv", tmp_path / "2.csv") == 0
    got = json.loads(capsys.readouterr().out)
    union = pd.concat([first, second]).drop_duplicates("活動ID", keep="last")  # the oracle: pandas
    for rep, rows in union.groupby("担当者"):
        assert got["by_rep_month"][rep]["2026-10"]["calls"] == len(rows)
        assert got["by_rep_month"][rep]["2026-10"]["connects"] == (rows["結果"] == "通電").sum()
    hit = [f for f in got["findings"] if f["rule"] == "id_in_later_file"]
    assert [(f["file"], f["row_runs"], f["detail"]) for f in hit] == [("1.csv", [[202, 301]], "2.csv")]
    files = {f["file"]: (f["read"], f["used"], f["excluded"]) for f in got["files"]}
    assert files == {"1.csv": (300, 200, 100), "2.csv": (300, 300, 0)}  # read = used + excluded


def test_the_same_export_twice_is_refused_in_one_line(tmp_path, capsys):
    calls(1, 50).to_csv(tmp_path / "log.csv", index=False)
    (tmp_path / "copy.csv").write_bytes((tmp_path / "log.csv").read_bytes())
    for lang, words in (("en", "are the same export"), ("ja", "同じ内容のファイル")):
        assert report(tmp_path, tmp_path / "log.csv", tmp_path / "copy.csv", lang=lang) == 2
        out, err = capsys.readouterr()
        assert json.loads(out)["error"]["code"] == "data_same_file"
        assert len(err.strip().splitlines()) == 1 and words in err and "log.csv" in err and "copy.csv" in err
        assert not (tmp_path / "r.xlsx").exists()


def test_a_deal_list_and_an_activity_log_are_not_compared(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("活動ID,日付,担当者,活動種別,結果\n1,2026-10-01,佐藤,架電,通電\n2,2026-10-02,佐藤,架電,不在\n",
                   encoding="utf-8")
    deals = tmp_path / "deals.csv"
    deals.write_text("商談ID,担当者,商談ステータス,商談開始日,受注日,金額\n1,佐藤,受注,2026-10-01,2026-10-20,1000000\n",
                     encoding="utf-8")
    data = ingest([log, deals], SDR)
    assert Rule.ID_IN_LATER_FILE not in {f.rule for f in data.findings}
    assert [s.cleaned.used for s in data.sources] == [2, 1]


def test_a_file_read_in_chunks_says_it_was_not_compared():
    from kpi_xl.sfa.cleaning import Cleaned
    from kpi_xl.sfa.header import Shape
    from kpi_xl.sfa.tally import Tally

    frame = pd.DataFrame({"row": [2], "id": ["A1"]})
    big = Cleaned("big.csv", Shape.ACTIVITIES, frame.iloc[:0], 10, tally=Tally.__new__(Tally), kept=10)
    small = Cleaned("small.csv", Shape.ACTIVITIES, frame, 1)
    out = across_files([big, small])
    assert [f.rule for f in out[0].findings] == [Rule.NOT_COMPARED] and out[1].findings == []
    assert across_files([big])[0].findings == []  # alone: nothing to compare with


@pytest.mark.skipif(not MAVEN.exists(), reason="shared/data is not beside this checkout")
@pytest.mark.parametrize("order", ["old, new", "new, old"])
def test_two_snapshots_of_a_real_deal_list_the_later_given_wins(tmp_path, order):
    """Maven's deal list, and an older snapshot of it: deals won from 2017-06 still open there,
    deals engaged from 2017-06 not in it yet. Given old then new, the figures are the new list's;
    given new then old, the old one's for every deal it holds — by pandas on each."""
    new = pd.read_csv(MAVEN, dtype=str, keep_default_na=False)
    old = new[new["engage_date"] < "2017-06-01"].copy()
    late = (old["deal_stage"] == "Won") & (old["close_date"] >= "2017-06-01")
    old.loc[late, ["deal_stage", "close_date", "close_value"]] = ["Engaging", "", ""]
    old.to_csv(tmp_path / "old.csv", index=False)
    paths = [tmp_path / "old.csv", MAVEN] if order == "old, new" else [MAVEN, tmp_path / "old.csv"]
    data = ingest(paths, SDR, ROOT / "examples" / "mappings" / "maven-crm.yaml")
    kept = pd.concat([new, old] if order == "new, old" else [old, new]).drop_duplicates("opportunity_id",
                                                                                      keep="last")
    won = kept[kept["deal_stage"] == "Won"]
    wins = won.groupby([won["sales_agent"], won["close_date"].str[:7]]).size()
    counted = data.actuals.by_month["won"]
    assert counted[counted > 0].astype(int).to_dict() == wins.to_dict()
    excluded = sum(f.count for f in data.findings if f.rule is Rule.ID_IN_LATER_FILE)
    assert excluded == len(old)  # every deal of the old snapshot is in the new one too


def test_a_missing_id_is_never_an_overlap(tmp_path):
    body = "活動ID,日付,担当者,活動種別,結果\n,2026-10-01,佐藤,架電,通電\n,2026-10-02,佐藤,架電,不在\n"
    (tmp_path / "a.csv").write_text(body, encoding="utf-8")
    (tmp_path / "b.csv").write_text(body.replace("佐藤", "鈴木"), encoding="utf-8")
    data = ingest([tmp_path / "a.csv", tmp_path / "b.csv"], SDR)
    assert [s.cleaned.used for s in data.sources] == [2, 2]



def test_the_command_says_how_many_rows_were_left_out(tmp_path, capsys):
    """Without --json too: the overlap's 100 rows are not hidden behind a month's counts."""
    calls(1, 300).to_csv(tmp_path / "1.csv", index=False)
    calls(201, 500).to_csv(tmp_path / "2.csv", index=False)
    for lang, line in (("en", "data: 600 rows read, 500 used, 100 excluded (why: the Data quality sheet)"),
                       ("ja", "データ: 読込 600 行、使用 500 行、除外 100 行（理由はデータ品質シート）")):
        code = report(tmp_path, tmp_path / "1.csv", tmp_path / "2.csv", lang=lang, as_json=False)
        assert code == 0 and line in capsys.readouterr().out.splitlines()


def test_two_tools_numbering_from_one_are_not_one_log(tmp_path):
    """A CTI's call log (通話ID 1, 2 …) beside the SFA's activity log (活動ID 1, 2 …): the same
    numbers are different activities, every one counted."""
    cti = tmp_path / "cti.csv"
    cti.write_text("通話ID,日付,担当者,活動種別,結果\n1,2026-10-01,佐藤,架電,通電\n2,2026-10-01,佐藤,架電,不在\n",
                   encoding="utf-8")
    sfa = tmp_path / "sfa.csv"
    sfa.write_text("活動ID,日付,担当者,活動種別,結果\n1,2026-10-02,佐藤,メール,\n2,2026-10-03,佐藤,メール,\n",
                   encoding="utf-8")
    data = ingest([cti, sfa], SDR)
    assert [s.cleaned.used for s in data.sources] == [2, 2]
    october = data.actuals.by_month.loc[("佐藤", "2026-10")]
    assert (october["calls"], october["emails_sent"]) == (2, 2)


def id_less_log(seed: int, rows: int = 400) -> pd.DataFrame:
    """A log without IDs (a rep's own sheet, a dialer's export): few distinct values, so many
    rows are identical — two calls on one day to the same outcome are two calls."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"日付": [f"2026-10-{d:02d}" for d in rng.integers(1, 29, rows)],
                         "担当者": rng.choice(["佐藤", "鈴木"], rows), "活動種別": "架電",
                         "結果": rng.choice(["通電", "不在", "アポ獲得"], rows)}).sort_values("日付", kind="stable")


@pytest.mark.parametrize(("seed", "windows"), [(1, [(1, 15), (1, 28)]), (2, [(1, 20), (10, 28)]),
                                               (3, [(1, 10), (5, 20), (15, 28)]), (4, [(1, 28), (8, 14)])])
def test_overlapping_exports_without_ids_count_a_row_as_often_as_one_file_holds_it(tmp_path, seed, windows):
    """Exports of one log over overlapping dates (1–15 October, then the whole month): each row
    content counts as often as the file holding it most often has it — the union of the files
    as multisets, computed here by pandas on the CSV text."""
    log, paths, parts = id_less_log(seed), [], []
    for n, (first, last) in enumerate(windows):
        days = log["日付"].str[-2:].astype(int)
        part = log[(days >= first) & (days <= last)]
        parts.append(part)
        paths.append(tmp_path / f"{n}.csv")
        part.to_csv(paths[-1], index=False)
    data = ingest(paths, SDR)
    most = pd.concat([p.value_counts() for p in parts], axis=1).max(axis=1)  # each row content's most in one file
    oracle = most.groupby(level="担当者").sum()
    for rep, expected in oracle.items():
        assert data.actuals.by_month.loc[(rep, "2026-10"), "calls"] == expected
    connects = most[most.index.get_level_values("結果") != "不在"].groupby(level="担当者").sum()
    for rep, expected in connects.items():
        assert data.actuals.by_month.loc[(rep, "2026-10"), "connects"] == expected
    left_out = sum(f.count for f in data.findings if f.rule is Rule.ROW_IN_LATER_FILE)
    assert left_out == sum(len(p) for p in parts) - most.sum()


def test_rows_without_ids_match_across_spellings_and_name_the_later_file(tmp_path):
    head = "日付,担当者,活動種別,結果\n"
    first = head + "2026-10-01,佐藤,架電,通電\n2026-10-01,佐藤,架電,通電\n2026-10-02,佐藤,架電,不在\n"
    whole = head + "2026/10/01,佐藤,架電,通電\n2026/10/02,佐藤,架電,不在\n2026/10/02,佐藤,架電,不在\n"
    (tmp_path / "first.csv").write_text(first, encoding="utf-8")
    (tmp_path / "whole.csv").write_text(whole, encoding="utf-8")
    data = ingest([tmp_path / "first.csv", tmp_path / "whole.csv"], SDR)
    found = [(f.file, list(f.rows), str(f.detail)) for f in data.findings if f.rule is Rule.ROW_IN_LATER_FILE]
    assert found == [("first.csv", [2, 4], "whole.csv")]  # one of the two 10-01 calls is first.csv's own
    assert data.actuals.by_month.loc[("佐藤", "2026-10"), "calls"] == 4


def test_logs_without_ids_of_different_layouts_are_not_one_log(tmp_path):
    """A dialer's log and a rep's own sheet (other columns): the same call twice is two sources'
    word for two calls, not an overlap — both counted."""
    (tmp_path / "dialer.csv").write_text("日付,担当者,活動種別,結果\n2026-10-01,佐藤,架電,通電\n", encoding="utf-8")
    (tmp_path / "sheet.csv").write_text("日付,担当者,活動種別,結果,メモ\n2026-10-01,佐藤,架電,通電,\n",
                                        encoding="utf-8")
    data = ingest([tmp_path / "dialer.csv", tmp_path / "sheet.csv"], SDR)
    assert data.actuals.by_month.loc[("佐藤", "2026-10"), "calls"] == 2
    assert not [f for f in data.findings if f.rule is Rule.ROW_IN_LATER_FILE]

"""Reports from where larger teams keep history: a table of a DuckDB database
(``team.duckdb:activities``, opened read-only) and a folder of Parquet files partitioned by
month, each giving the same figures as the demo's CSV and XLSX exports."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest

from kpi_xl.demo import run_demo

duckdb = pytest.importorskip("duckdb")
SAME = ("team", "by_rep_month", "by_week", "reps", "landing", "no_data", "partial", "weeks")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = run_demo(tmp_path_factory.mktemp("wh") / "demo").folder
    calls = pd.read_csv(folder / "activities.csv", encoding="cp932", dtype=str)
    deals = pd.read_excel(folder / "opportunities.xlsx", engine="openpyxl", dtype=str)
    return folder, calls, deals


def report(folder, *data: str) -> dict:
    out = folder / f"r{abs(hash(data))}.xlsx"
    done = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", *data, "--plan",
                           str(folder / "plan.xlsx"), "--month", "2026-10", "-o", str(out), "--json", "--force"],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def files_report(demo):
    folder, _, _ = demo
    return report(folder, str(folder / "activities.csv"), str(folder / "opportunities.xlsx"))


def _database(path, tables: dict[str, pd.DataFrame]) -> None:
    with duckdb.connect(str(path)) as con:
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
            con.unregister("frame")


def test_duckdb_tables_give_the_files_figures(demo, files_report):
    folder, calls, deals = demo
    db = folder / "team.duckdb"
    _database(db, {"activities": calls, "deals": deals})
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    got = report(folder, f"{db}:activities", f"{db}:deals")
    assert {k: got[k] for k in SAME} == {k: files_report[k] for k in SAME}
    assert [(f["file"], f["read"], f["used"]) for f in got["files"]] == \
        [("team.duckdb:activities", len(calls), files_report["files"][0]["used"]),
         ("team.duckdb:deals", len(deals), files_report["files"][1]["used"])]
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # opened read-only


def test_typed_columns_as_a_warehouse_holds_them(demo, tmp_path):
    """Dates as DATE and counts as INTEGER: the same figures as the same rows as text in a CSV
    (rows a typed column could not hold — 2025/11/05, a full-width １ — are left out of both)."""
    folder, calls, _ = demo
    db = tmp_path / "typed.duckdb"
    with duckdb.connect(str(db)) as con:
        con.register("frame", calls.assign(n=range(len(calls))))
        kept = [r[0] for r in con.execute(
            'SELECT n FROM frame WHERE (TRY_CAST("日付" AS DATE) IS NOT NULL OR "日付" IS NULL) '
            'AND (TRY_CAST("件数" AS INTEGER) IS NOT NULL OR "件数" IS NULL) ORDER BY n').fetchall()]
        con.execute('CREATE TABLE activities AS SELECT * EXCLUDE (n) REPLACE (CAST("日付" AS DATE) AS "日付", '
                    'CAST("件数" AS INTEGER) AS "件数") FROM frame WHERE n IN (SELECT UNNEST(?))', [kept])
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'activities'").fetchall())
    assert (types["日付"], types["件数"]) == ("DATE", "INTEGER") and 0 < len(calls) - len(kept) <= 5
    calls.iloc[kept].to_csv(tmp_path / "same-rows.csv", index=False, encoding="utf-8")
    deals = str(folder / "opportunities.xlsx")
    got, want = report(folder, f"{db}:activities", deals), report(folder, str(tmp_path / "same-rows.csv"), deals)
    assert {k: got[k] for k in SAME} == {k: want[k] for k in SAME}


def test_a_partitioned_parquet_folder(demo, files_report, tmp_path):
    folder, calls, _ = demo
    lake = tmp_path / "activities"
    calls.assign(month=calls["日付"].str[:7]).to_parquet(lake, partition_cols=["month"])
    assert len(list(lake.rglob("*.parquet"))) >= 12  # a month each, and the odd values of the dirty rows
    got = report(folder, str(lake), str(folder / "opportunities.xlsx"))
    assert {k: got[k] for k in SAME} == {k: files_report[k] for k in SAME}
    (source,) = [f for f in got["files"] if f["file"] == "activities"]
    assert source["read"] == len(calls)
    assert "month" in [c["header"] for c in source["columns"]]  # the partition key is a column, accounted for


@pytest.mark.parametrize("table, words", [
    ("nowhere", ["no table 'nowhere'", "activities"]),
    ('activities"; DROP TABLE activities; --', ["no table"]),
])
def test_a_missing_table_is_named_and_nothing_runs(demo, tmp_path, table, words):
    folder, calls, _ = demo
    db = tmp_path / "team.duckdb"
    _database(db, {"activities": calls.head(50)})
    done = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", f"{db}:{table}", "--plan",
                           str(folder / "plan.xlsx"), "-o", str(tmp_path / "r.xlsx"), "--lang", "en"],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert all(w in done.stderr for w in words), done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM activities").fetchone() == (50,)


def test_a_boolean_column_is_a_flag(tmp_path):
    """通電 as BOOLEAN (NULL where nobody recorded it) counts like the TRUE/FALSE text of a CSV;
    a NULL amount or date is a blank cell, not a bad value."""
    from kpi_xl.engine.templates import get_template
    from kpi_xl.sfa.ingest import ingest

    rows = pd.DataFrame({"日付": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-02", None]),
                         "担当者": ["佐藤", "佐藤", "鈴木", "鈴木"], "活動種別": ["架電"] * 4,
                         "通電": pd.array([True, False, None, True], dtype="boolean")})
    db = tmp_path / "flags.duckdb"
    _database(db, {"calls": rows})
    text = tmp_path / "calls.csv"
    rows.assign(通電=rows["通電"].map({True: "TRUE", False: "FALSE"}, na_action="ignore"),
                日付=rows["日付"].dt.strftime("%Y-%m-%d")).to_csv(text, index=False)
    template = get_template("sdr")
    typed, plain = ingest([f"{db}:calls"], template), ingest([text], template)
    assert typed.actuals.by_month.to_dict() == plain.actuals.by_month.to_dict()
    assert typed.actuals.team_month("2026-10")["connects"] == 1
    assert [(f.rule, f.count) for f in typed.findings] == [(f.rule, f.count) for f in plain.findings]


def test_a_view_cannot_reach_outside_its_database(tmp_path):
    """A view reading another file (or the network) is refused: the database is read as data."""
    from kpi_xl.errors import DataError
    from kpi_xl.sfa.sources import read_raw

    secret = tmp_path / "secret.csv"
    secret.write_text("担当者,日付\n佐藤,2026-10-01\n", encoding="utf-8")
    db = tmp_path / "views.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE VIEW activities AS SELECT * FROM read_csv('{secret}')")
    with pytest.raises(DataError, match=r"views\.duckdb:activities: Permission Error: Cannot access file"):
        read_raw(f"{db}:activities")

"""`kpi-xl report --data spark:<table>`: a table as a Spark session sees it, through the same
rules as a file — the demo's export as Spark tables gives the files' figures, a missing table
or a missing Spark is one line naming it, and the rows' digest does not depend on how they
were fetched."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from kpi_xl.demo import run_demo
from kpi_xl.errors import DataError
from tests.sfa.spark_session import parquet_table, spark_or_skip

SAME = ("team", "by_rep_month", "by_week", "reps", "landing", "no_data", "partial", "weeks", "heatmap", "losses",
        "teams")


def report(folder, *data: str, lang: str = "ja", remote: str | None = None, plan: str = "plan.xlsx"
           ) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SPARK_REMOTE"} | ({"SPARK_REMOTE": remote} if remote else {})
    return subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", *data, "--plan",
                           str(folder / plan), "--month", "2026-10", "-o", str(folder / "r.xlsx"), "--json",
                           "--force", "--lang", lang], capture_output=True, text=True, encoding="utf-8", env=env)


@pytest.mark.parametrize("remote", [None, "local"], ids=["classic", "spark-connect"])
def test_the_demo_export_as_spark_tables_gives_the_files_figures(tmp_path, remote):
    """In a local Spark, and through Spark Connect (a local server, as a cluster's is reached)."""
    spark_or_skip()
    folder = run_demo(tmp_path / "demo").folder
    calls = pd.read_csv(folder / "activities.csv", encoding="cp932", dtype=str)
    deals = pd.read_excel(folder / "opportunities.xlsx", engine="openpyxl", dtype=str)
    calls.to_parquet(tmp_path / "calls.parquet")
    deals.to_parquet(tmp_path / "deals.parquet")
    files = report(folder, str(folder / "activities.csv"), str(folder / "opportunities.xlsx"))
    tables = report(folder, parquet_table(tmp_path / "calls.parquet"), parquet_table(tmp_path / "deals.parquet"),
                    remote=remote)
    assert files.returncode == tables.returncode == 0, tables.stderr
    assert tables.stderr == files.stderr  # the JVM's banners and progress bars kept off a report's stderr
    want, got = json.loads(files.stdout), json.loads(tables.stdout)
    assert {k: got[k] for k in SAME} == {k: want[k] for k in SAME}
    assert [(f["file"], f["read"], f["used"], f["reader"].split()[0]) for f in got["files"]] == [
        (parquet_table(tmp_path / "calls.parquet"), len(calls), want["files"][0]["used"], "spark"),
        (parquet_table(tmp_path / "deals.parquet"), len(deals), want["files"][1]["used"], "spark")]
    assert ("connect" in got["files"][0]["reader"]) == (remote is not None)
    assert [{k: v for k, v in f.items() if k != "file"} for f in got["findings"]] == \
        [{k: v for k, v in f.items() if k != "file"} for f in want["findings"]]


def test_a_missing_spark_table_is_one_line(tmp_path):
    spark_or_skip()
    folder = run_demo(tmp_path / "demo").folder
    done = report(folder, "spark:nowhere", lang="en")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["kpi-xl: cannot read spark:nowhere: no table 'nowhere' (tables: none)"]
    assert json.loads(done.stdout) == {"error": {"code": "data_unreadable", "message": done.stderr.strip()[8:]}}


def test_a_spark_connect_server_that_does_not_answer_is_named_at_once(tmp_path):
    pytest.importorskip("pyspark")
    (tmp_path / "plan.json").write_text(json.dumps({"template": "sdr", "kgi": 1_000_000, "unit_price": 10_000,
                                                    "fiscal_year": 2026, "reps": 2}), encoding="utf-8")
    done = report(tmp_path, "spark:sales.activities", lang="en", remote="sc://127.0.0.1:1", plan="plan.json")
    assert done.returncode == 2 and json.loads(done.stdout)["error"]["code"] == "data_unreadable"
    assert done.stderr.strip().splitlines() == ["kpi-xl: cannot read spark:sales.activities: the Spark Connect "
                                                "server sc://127.0.0.1:1 does not answer (Connection refused)"]


def test_without_pyspark_the_error_says_what_to_install(monkeypatch):
    from kpi_xl.sfa.sources import read_raw

    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark → ImportError
    with pytest.raises(DataError) as caught:
        read_raw("spark:sales.activities")
    assert caught.value.params["file"] == "spark:sales.activities"
    assert "pip install pyspark" in caught.value.message("en")
    assert "pip install pyspark（と Java 17 以降）が必要です" in caught.value.message("ja")


def test_the_rows_digest_is_the_same_whole_or_in_parts(tmp_path, spark):
    from kpi_xl.sfa.spark import spark_table

    frame = pd.DataFrame({"担当者": ["佐藤", "鈴木", None] * 5, "件数": list(range(15))})
    spark.createDataFrame(frame).createOrReplaceTempView("digest_a")
    spark.createDataFrame(frame.assign(件数=[*range(14), 99])).createOrReplaceTempView("digest_b")
    table = spark_table("digest_a")
    whole = table.whole()
    parts = pd.concat(list(table.batches(4)))
    pd.testing.assert_frame_equal(parts, whole.rows)
    assert len(table.digest) == 64 and table.digest == whole.sha256
    assert spark_table("digest_b").whole().sha256 != whole.sha256


CHUNKED = """
import json, sys
from kpi_xl.engine.templates import get_template
from kpi_xl.sfa import streaming
from kpi_xl.sfa.ingest import ingest

def read(chunked):
    streaming.STREAM_ROWS, streaming.CHUNK_ROWS = (0, 700) if chunked else (1 << 62, 1 << 20)
    data = ingest([sys.argv[1]], get_template("sdr"))
    return {"engine": data.sources[0].raw.engine, "sha256": data.sources[0].raw.sha256,
            "findings": [(f.rule.value, f.rows, str(f.detail)) for f in data.findings],
            "by_month": data.actuals.by_month.reset_index().to_dict("records")}

print(json.dumps([read(True), read(False)], ensure_ascii=False, default=str))
"""


def test_through_spark_connect_in_chunks_equals_whole(tmp_path):
    """A table of 10M rows or more is fetched a partition at a time (Arrow batches packed
    beside each partition): through a Spark Connect server too, the same rows, findings,
    counts and digest as one transfer. Chunks of 700 rows make the partitions' batches split."""
    spark_or_skip()
    from tests.sfa.test_streaming import dirty_log

    frame = pd.read_csv(dirty_log(tmp_path / "log.csv", 3000), dtype=str)
    frame.to_parquet(tmp_path / "log.parquet")
    env = {**os.environ, "SPARK_REMOTE": "local"}
    done = subprocess.run([sys.executable, "-c", CHUNKED, parquet_table(tmp_path / "log.parquet")], env=env,
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr[-2000:]
    parts, whole = json.loads(done.stdout)
    assert parts.pop("engine") == "spark connect " + whole.pop("engine").split()[-1] + " (in chunks)"
    assert parts == whole and len(whole["findings"]) > 5


def test_column_names_spark_would_parse_are_read_as_names(spark):
    """A dot or a backtick in a header is part of the name (not a struct field, not a quote)."""
    from kpi_xl.sfa.spark import spark_table

    frame = pd.DataFrame({"活動.ID": ["A1", "A2"], "担当`者": ["佐藤", "鈴木"],
                          "日時": pd.to_datetime(["2026-10-01 09:15", "2026-10-02 10:00"])})
    spark.createDataFrame(frame).createOrReplaceTempView("odd_names")
    rows = spark_table("odd_names").whole().rows
    assert rows.iloc[0].tolist() == ["活動.ID", "担当`者", "日時"]
    assert rows.iloc[1:].to_numpy().tolist() == [["A1", "佐藤", "2026-10-01 09:15:00"],
                                                 ["A2", "鈴木", "2026-10-02 10:00:00"]]

"""One set of rules, every backend: the same rows kept as a CSV export, a DuckDB table, a
Parquet file and a Spark table — each read whole and in chunks — give the same findings
(rule, rows, detail, order), the same counts per rep × month and week, call slots, losses,
last touches and row reconciliation. The oracle for the figures themselves is the CSV path,
which the rest of the suite holds to the seeds, pandas counts and real data; here the
backends are held to it and to each other."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpi_xl.sfa.ingest import Ingested
from tests.sfa.test_streaming import BANK, ROOT, _read, dirty_log

duckdb = pytest.importorskip("duckdb")
BACKENDS = ("csv", "duckdb", "parquet", "spark")


def _tables(source: Path, tmp_path: Path, spark, *, text: bool, casts: dict[str, str] | None = None,
            **options: str) -> dict[str, str]:
    """``source`` on every backend: as DuckDB's CSV reader types it (or all text; ``casts``:
    column → type, a value the type cannot hold NULL), as a table, a Parquet file written from
    that table, and a Spark view of that file."""
    db = tmp_path / "warehouse.duckdb"
    parquet = tmp_path / "table.parquet"
    given = "".join(f", {k} = {v}" for k, v in options.items()) + (", all_varchar = true" if text or casts else "")
    with duckdb.connect(str(db)) as con:
        typed = ", ".join(f'TRY_CAST("{c}" AS {t}) AS "{c}"' for c, t in (casts or {}).items())
        con.execute(f"CREATE TABLE export AS SELECT * FROM read_csv('{source}'{given})")
        if typed:
            con.execute(f"CREATE OR REPLACE TABLE export AS SELECT * REPLACE ({typed}) FROM export")
        con.execute(f"COPY export TO '{parquet}' (FORMAT parquet)")
    spark.read.parquet(str(parquet)).createOrReplaceTempView("export")
    return {"csv": str(source), "duckdb": f"{db}:export", "parquet": str(parquet), "spark": "spark:export"}


def outputs(data: Ingested) -> dict:
    """Everything a report shows from the files, the files' names left out."""
    a = data.actuals
    return {
        "findings": [(f.rule, f.rows, str(f.detail)) for f in data.findings],
        "rows": [(s.cleaned.read, s.cleaned.used, s.cleaned.excluded, s.cleaned.sourced, s.header.fields)
                 for s in data.sources],
        "by_month": a.by_month, "by_week": a.by_week,
        "slots": a.slots.reset_index(drop=True).astype({"calls": float, "reached": float}),
        "losses": a.losses.reset_index(drop=True).astype({"lost": int}),
        "touch": {k: v.sort_index() for k, v in a.last_touch.items()},
    }


def assert_equal(got: dict, want: dict, label: str) -> None:
    for key in ("findings", "rows"):
        assert got[key] == want[key], (label, key)
    for key in ("by_month", "by_week", "slots", "losses"):
        pd.testing.assert_frame_equal(got[key], want[key], check_dtype=False, obj=f"{label} {key}")
    assert got["touch"].keys() == want["touch"].keys(), label
    for link in want["touch"]:
        pd.testing.assert_series_equal(got["touch"][link], want["touch"][link], obj=f"{label} {link}")


def each_backend(tables: dict[str, str], monkeypatch, backends=BACKENDS, **kw) -> dict[str, dict]:
    """Every backend's outputs, read whole and in chunks."""
    out = {}
    for backend in backends:
        for chunked in (False, True):
            data = _read([tables[backend]], monkeypatch, chunked=chunked, **kw)
            if chunked and backend != "csv":  # a CSV this small is chunked by bytes, a table by rows
                assert data.sources[0].raw.engine.endswith("(in chunks)")
            out[f"{backend}{' in chunks' if chunked else ''}"] = outputs(data)
    return out


@pytest.mark.parametrize("ids", [True, False], ids=["with-ids", "no-ids"])
def test_a_dirty_log_as_text_is_the_same_on_every_backend(tmp_path, monkeypatch, spark, ids):
    """All text, as an export holds it: the CSV path is the oracle for all seven other reads."""
    path = dirty_log(tmp_path / "log.csv", 2000, ids=ids)
    results = each_backend(_tables(path, tmp_path, spark, text=True), monkeypatch)
    want = results.pop("csv")
    assert {f[0].value for f in want["findings"]} >= {"name_variant", "unknown_type", "bad_date", "total_row"}
    for label, got in results.items():
        assert_equal(got, want, label)


def test_a_typed_table_is_the_same_on_every_engine(tmp_path, monkeypatch, spark):
    """Timestamps, integers and text as DuckDB types them: DuckDB, Parquet and Spark agree."""
    path = dirty_log(tmp_path / "log.csv", 2000, seed=5)
    tables = _tables(path, tmp_path, spark, text=False, casts={"日時": "TIMESTAMP", "件数": "BIGINT"})
    types = {f.name: f.dataType.typeName() for f in spark.table("export").schema.fields}
    assert (types["日時"], types["件数"], types["活動ID"]) == ("timestamp_ntz", "long", "string")
    results = each_backend(tables, monkeypatch, backends=("duckdb", "parquet", "spark"))
    want = results.pop("duckdb")
    for label, got in results.items():
        assert_equal(got, want, label)


@pytest.mark.skipif(not BANK.exists(), reason="shared data not present")
def test_uci_bank_is_the_same_on_every_backend(tmp_path, monkeypatch, spark):
    """Numbers typed, yes/no kept as text (as the mapping names them), as in test_real_data."""
    tables = _tables(BANK, tmp_path, spark, text=False, delim="';'",
                     auto_type_candidates="['BIGINT', 'DOUBLE', 'DATE', 'VARCHAR']")
    results = each_backend(tables, monkeypatch, mapping=ROOT / "examples" / "mappings" / "uci-bank.yaml")
    want = results.pop("csv")
    for label, got in results.items():
        assert_equal(got, want, label)


def test_spark_timestamps_read_in_the_session_time_zone(tmp_path, monkeypatch, spark):
    """An instant (TIMESTAMP WITH TIME ZONE) shows as Spark's own SQL shows it, in the
    session's zone: a call at 00:15 UTC is a 09:15 call in a Tokyo session's 9 o'clock slot."""
    frame = pd.DataFrame({"日時": pd.to_datetime(["2026-10-01 00:15", "2026-10-01 01:30"]).tz_localize("UTC"),
                          "担当者": ["佐藤", "佐藤"], "活動種別": ["架電", "架電"], "結果": ["通電", "不在"]})
    frame.to_parquet(tmp_path / "calls.parquet")
    spark.read.parquet(str(tmp_path / "calls.parquet")).createOrReplaceTempView("calls")
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
    try:
        data = _read(["spark:calls"], monkeypatch, chunked=False)
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    slots = data.actuals.slots
    assert sorted(zip(slots["hour"], slots["calls"], slots["reached"])) == [(9, 1, 1), (10, 1, 0)]

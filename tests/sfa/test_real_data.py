"""Real exports nobody here wrote, through `kpi-xl report`, checked against plain pandas."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.sfa.spark_session import parquet_table, spark_or_skip

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
MAVEN = DATA / "maven-crm-sales-opportunities" / "sales_pipeline.csv"
BANK = DATA / "uci-bank-marketing" / "bank.csv"
MANGLED = DATA / "uci-bank-marketing" / "as-found-excel-mangled" / "bank-additional.csv"

pytestmark = pytest.mark.skipif(not MAVEN.exists(), reason="shared/data is not beside this checkout")


def report(tmp_path: Path, data: Path, plan: dict, mapping: str, month: str, *extra: str,
           untold: tuple[str, ...] = ()) -> dict:
    """The report's --json; ``untold`` are the stages it must warn about, one stderr line each."""
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", str(data), "--plan", str(plan_file),
                          "--mapping", str(ROOT / "examples" / "mappings" / mapping), "--month", month,
                          "-o", str(tmp_path / "report.xlsx"), "--json", "--lang", "en", *extra],
                         capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines()  # no progress bar when stderr is not a terminal: warnings only
    assert len(lines) == len(untold) and all(line.startswith(f"kpi-xl: warning: {name}: no data")
                                             for line, name in zip(lines, untold)), out.stderr
    return json.loads(out.stdout)


BACKENDS = ("csv", "duckdb", "parquet", "spark")


def on_backend(source: Path, backend: str, tmp_path: Path) -> Path | str:
    """The export as found (CSV), as a DuckDB table typed by DuckDB's own CSV reader (numbers,
    dates; yes/no kept as text, as the mappings name them), or as a folder of Parquet files
    written from that table, or those files as a table of a local Spark: where a team may keep
    the same rows."""
    if backend == "csv":
        return source
    if backend == "spark":
        spark_or_skip()
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE TABLE export AS SELECT * FROM read_csv('{source}', "
                    "auto_type_candidates = ['BIGINT', 'DOUBLE', 'DATE', 'VARCHAR'])")
        if backend == "duckdb":
            return f"{db}:export"
        (tmp_path / "lake").mkdir()
        con.execute(f"COPY export TO '{tmp_path / 'lake' / 'part-0.parquet'}' (FORMAT parquet)")
    return parquet_table(tmp_path / "lake") if backend == "spark" else tmp_path / "lake"


@pytest.mark.parametrize("backend", BACKENDS)
def test_maven_crm_opportunities(tmp_path, backend):
    plan = {"template": "sdr", "kgi": 12_000_000, "unit_price": 2_400, "rates": {"受注率": "60%"},
            "fiscal_year": 2017, "fy_start": 1, "reps": 30}
    got = report(tmp_path, on_backend(MAVEN, backend, tmp_path), plan, "maven-crm.yaml", "2017-06", "--teams",
                 str(MAVEN.parent / "sales_teams.csv"))
    df = pd.read_csv(MAVEN)
    df["engage_month"] = pd.to_datetime(df["engage_date"]).dt.strftime("%Y-%m")
    df["close_month"] = pd.to_datetime(df["close_date"]).dt.strftime("%Y-%m")
    won = df[df["deal_stage"] == "Won"]
    wins = won.groupby(["sales_agent", "close_month"]).size()
    revenue = won.groupby(["sales_agent", "close_month"])["close_value"].sum()
    meetings = df[df["deal_stage"] != "Prospecting"].groupby(["sales_agent", "engage_month"]).size()
    checked = 0
    for agent, months in got["by_rep_month"].items():
        for month, values in months.items():
            assert values.get("won", 0) == wins.get((agent, month), 0), (agent, month)
            assert values.get("revenue", 0) == revenue.get((agent, month), 0), (agent, month)
            assert values.get("meetings", 0) == meetings.get((agent, month), 0), (agent, month)
            if meetings.get((agent, month), 0):
                assert values["win_rate"] == pytest.approx(wins.get((agent, month), 0) / meetings[(agent, month)])
            checked += 1
    assert checked > 300
    assert sum(v.get("won", 0) for m in got["by_rep_month"].values() for v in m.values()) == 4238
    assert sum(v.get("revenue", 0) for m in got["by_rep_month"].values() for v in m.values()) == 10_005_534
    june = won[won["close_month"] == "2017-06"]
    assert got["team"]["won"]["actual"] == len(june)
    assert got["team"]["revenue"]["actual"] == june["close_value"].sum()
    managers = pd.read_csv(MAVEN.parent / "sales_teams.csv").set_index("sales_agent")["manager"]
    by_manager = june.assign(manager=june["sales_agent"].map(managers)).groupby("manager")
    assert {t: v["won"]["actual"] for t, v in got["teams"].items()} == by_manager.size().to_dict()
    assert {t: v["revenue"]["actual"] for t, v in got["teams"].items()} == by_manager["close_value"].sum().to_dict()
    (file,) = got["files"]
    assert file["read"] == 8800 == file["used"] + file["excluded"]
    assert file["encoding"] == ("utf-8" if backend == "csv" else None)


@pytest.mark.parametrize("backend", BACKENDS)
def test_uci_bank_call_log(tmp_path, backend):
    plan = {"template": "sdr", "kgi": 500, "unit_price": 1,
            "rates": {"受注率": "90%", "商談化率": "10%", "コネクト率": "40%"},
            "volumes": {"メール送信数": 0}, "fiscal_year": 2008, "fy_start": 1, "reps": 12}
    # the bank's log says who was called, how often, and who subscribed: no meetings, no amounts
    got = report(tmp_path, on_backend(BANK, backend, tmp_path), plan, "uci-bank.yaml", "2008-05",
                 untold=("Revenue", "Meetings set"))
    assert set(got["no_data"]) >= {"revenue", "meetings", "win_rate", "meeting_rate"}
    assert got["team"]["meetings"]["actual"] is None and got["team"]["win_rate"]["actual"] is None
    df = pd.read_csv(BANK, sep=";")
    names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    month_no = {m: i + 1 for i, m in enumerate(names)}
    df["key"] = "2008-" + df["month"].map(month_no).astype(str).str.zfill(2)
    calls = df.groupby(["job", "key"])["campaign"].sum()
    wins = df[df["y"] == "yes"].groupby(["job", "key"]).size()
    clients = df.groupby(["job", "key"]).size()
    for job, months in got["by_rep_month"].items():
        for month, values in months.items():
            assert values["calls"] == calls[(job, month)]
            assert values.get("won", 0) == wins.get((job, month), 0)
            assert values["connects"] == clients[(job, month)]
    assert sum(v["calls"] for m in got["by_rep_month"].values() for v in m.values()) == 12_630
    may = df[df["key"] == "2008-05"]
    assert got["team"]["calls"]["actual"] == may["campaign"].sum()
    assert got["team"]["won"]["actual"] == (may["y"] == "yes").sum()


def test_the_excel_mangled_copy_is_split_again_and_reported(tmp_path):
    from kpi_xl.engine.templates import get_template
    from kpi_xl.errors import DataError
    from kpi_xl.sfa.ingest import ingest

    mapping = ROOT / "examples" / "mappings" / "uci-bank.yaml"
    with pytest.raises(DataError, match="day = 'day'"):  # bank-additional has day_of_week, not day
        ingest([MANGLED], get_template("sdr"), mapping)
    variant = tmp_path / "bank-additional.yaml"
    variant.write_text(mapping.read_text(encoding="utf-8").replace("  day: day\n", ""), encoding="utf-8")
    data = ingest([MANGLED], get_template("sdr"), variant)
    from kpi_xl.sfa.sources import read_raw

    assert read_raw(MANGLED).rows.shape == (4120, 21)
    source = data.sources[0]
    assert source.raw.note == "nested_csv"
    assert any(f.rule == "nested_csv" for f in data.findings)
    assert source.cleaned.read == 4119 == source.cleaned.used + source.cleaned.excluded


def test_maven_plan_from_history_equals_pandas(tmp_path):
    """`plan --from-data` on the Maven deal list: the last six full months' win rate (won by
    close month ÷ meetings by engage month), deal size and meeting → won days, by pandas."""
    out = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "plan", "--from-data", str(MAVEN), "--mapping",
                          str(ROOT / "examples" / "mappings" / "maven-crm.yaml"), "--kgi", "12000000",
                          "--fiscal-year", "2018", "--fy-start", "1", "--reps", "30", "-o", str(tmp_path / "p.xlsx"),
                          "--json", "--lang", "en"], capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)["history"]
    df = pd.read_csv(MAVEN, parse_dates=["engage_date", "close_date"])
    last = df["engage_date"].max()  # 2017-12-27: December's last business day (the 29th) not reached
    months = pd.period_range("2017-01", last.to_period("M"), freq="M")
    full = [m for m in months if pd.bdate_range(m.start_time, m.end_time)[-1] <= last][-6:]
    assert got["months"] == [str(m) for m in full]
    keys = {str(m) for m in full}
    won = df[(df["deal_stage"] == "Won") & df["close_date"].dt.strftime("%Y-%m").isin(keys)]
    meetings = df[(df["deal_stage"] != "Prospecting") & df["engage_date"].dt.strftime("%Y-%m").isin(keys)]
    (win,) = [r for r in got["rates"] if r["rate"] == "win_rate"]
    assert (win["numerator"], win["denominator"]) == (len(won), len(meetings))
    assert win["measured"] == pytest.approx(len(won) / len(meetings)) and win["source"] == "measured"
    assert got["unit_price"] == pytest.approx(won["close_value"].mean())
    days = (won["close_date"] - won["engage_date"]).dt.days
    assert got["lag"]["median"] == pytest.approx(days.median())

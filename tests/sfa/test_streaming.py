"""A CSV read in chunks (a 100M-row export) gives exactly what the same file read whole gives:
every finding (rule, rows, detail, order), every count per rep × month and week, call slots,
last touches, read = used + excluded. The oracle is the whole-file path, which the rest of the
suite holds to seeds, pandas counts and real data; chunks are made tiny so that duplicates,
name variants and outcomes straddle them."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from kpi_xl.engine.templates import get_template
from kpi_xl.sfa import streaming
from kpi_xl.sfa.ingest import Ingested, ingest
from tests.sfa.exports import VOCABS, flag_frame, make_calls, write_csv

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT.parent / "shared" / "data" / "uci-bank-marketing" / "bank.csv"
REPS = ["佐藤 健", "鈴木 美咲", "髙橋 翔", "山﨑 結衣"]


def _read(paths: list[Path], monkeypatch: pytest.MonkeyPatch, *, chunked: bool, block: int = 4096,
          mapping: Path | None = None) -> Ingested:
    monkeypatch.setattr(streaming, "STREAM_BYTES", 0 if chunked else 1 << 62)
    monkeypatch.setattr(streaming, "STREAM_ROWS", 0 if chunked else 1 << 62)
    monkeypatch.setattr(streaming, "BLOCK_BYTES", block)
    monkeypatch.setattr(streaming, "CHUNK_ROWS", max(block // 40, 1))  # about as many rows as a CSV block
    return ingest(paths, get_template("sdr"), mapping)


def _findings(data: Ingested) -> list[tuple]:
    return [(f.rule, f.file, f.rows, str(f.detail)) for f in data.findings]


def assert_same(paths: list[Path], monkeypatch: pytest.MonkeyPatch, **kw) -> Ingested:
    whole = _read(paths, monkeypatch, chunked=False, **kw)
    parts = _read(paths, monkeypatch, chunked=True, **kw)
    assert any(s.raw.engine.endswith("(in chunks)") for s in parts.sources)
    assert _findings(parts) == _findings(whole)
    for period in ("by_month", "by_week"):
        pd.testing.assert_frame_equal(getattr(parts.actuals, period), getattr(whole.actuals, period))
    for table in ("slots", "losses"):
        pd.testing.assert_frame_equal(getattr(parts.actuals, table).reset_index(drop=True),
                                      getattr(whole.actuals, table).reset_index(drop=True), check_dtype=False)
    assert parts.actuals.last_touch.keys() == whole.actuals.last_touch.keys()
    for link, latest in whole.actuals.last_touch.items():
        pd.testing.assert_series_equal(parts.actuals.last_touch[link], latest)
    for a, b in zip(parts.sources, whole.sources):
        assert (a.cleaned.read, a.cleaned.used, a.cleaned.excluded) == (b.cleaned.read, b.cleaned.used,
                                                                       b.cleaned.excluded)
        assert a.cleaned.read == a.cleaned.used + a.cleaned.excluded
        assert a.cleaned.sourced == b.cleaned.sourced
        assert a.header.fields == b.header.fields
        assert sorted(a.cleaned.dates().dt.date.unique()) == sorted(b.cleaned.dates().dt.date.unique())
        assert a.cleaned.teams().sort_values(["owner", "team"]).to_numpy().tolist() == \
            b.cleaned.teams().sort_values(["owner", "team"]).to_numpy().tolist()
    return parts


def dirty_log(path: Path, rows: int, *, ids: bool = True, seed: int = 3) -> Path:
    """An activity log whose dirt straddles chunks: an ID repeated far apart (identical and
    not), identical rows, a name spelled two ways in different places, thirty unknown types,
    control characters, blank and total rows, odd dates and digits, a result (アポ獲得) that
    appears only near the end, a team column, deal and account links."""
    rnd = random.Random(seed)
    start = datetime(2026, 9, 1, 9)
    out = []
    for i in range(rows):
        rep = rnd.choice(REPS)
        when = start + timedelta(days=rnd.randrange(60), minutes=rnd.randrange(600))
        kind, result = rnd.choice([("架電", "通電"), ("架電", "不在"), ("メール", ""), ("訪問", "")])
        if i > rows * 0.9 and kind == "架電" and rnd.random() < 0.3:
            result = "アポ獲得"
        row = [f"A{i}", f"{when:%Y-%m-%d %H:%M}", rep, kind, result, "1", f"D{rnd.randrange(50)}",
               f"C{rnd.randrange(80)}", "東京" if REPS.index(rep) % 2 else "大阪",
               rnd.choice(["価格", "競合", "時期"]) if rnd.random() < 0.03 else ""]
        odd = rnd.random()
        if odd < 0.02:
            row[2] = rep.replace(" ", "")  # 佐藤健 for 佐藤 健
        elif odd < 0.04:
            row[3] = f"謎{rnd.randrange(30)}"  # unknown types, more than a detail lists
        elif odd < 0.05:
            row[1] = f"{when:%Y/%m/%d}"
        elif odd < 0.06:
            row[5] = "２"
        elif odd < 0.065:
            row[2] = ""
        elif odd < 0.07:
            row[4] = "通電\x07"
        elif odd < 0.075:
            row[1] = "2026-13-45"
        elif odd < 0.08:
            row[2] = "=HYPERLINK(\"x\")"
        elif odd < 0.085:
            row[0], row[5] = f'="{row[0]}"', '="1"'  # Excel's text form, in some chunks only
        elif odd < 0.09:
            row[1] = f"{when - timedelta(hours=9):%Y-%m-%dT%H:%M:%S}Z"  # a CRM's UTC time: the same JST time
        out.append(row)
    for _ in range(rows // 50):  # records exported twice, and IDs reused, far apart
        a = rnd.randrange(rows)
        twice = list(out[a]) if rnd.random() < 0.5 else [out[a][0], *out[rnd.randrange(rows)][1:]]
        twice[0] = twice[0][2:-1] if twice[0].startswith('="') and rnd.random() < 0.5 else twice[0]  # ="A7" and A7
        out.append(twice)
    out.insert(rows // 2, [""] * 10)
    out.append(["", "", "合計", "", "", str(rows), "", "", "", ""])
    frame = pd.DataFrame(out, columns=["活動ID", "日時", "担当者", "活動種別", "結果", "件数", "商談ID", "取引先",
                                       "チーム", "失注理由"])
    if not ids:
        frame = frame.drop(columns="活動ID")
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("ids", [True, False], ids=["with-ids", "no-ids"])
def test_dirty_log_in_chunks_equals_whole(tmp_path, monkeypatch, ids):
    path = dirty_log(tmp_path / "log.csv", 4000, ids=ids)
    parts = assert_same([path], monkeypatch)
    rules = {f.rule.value for f in parts.findings}
    expected = {"name_variant", "unknown_type", "control_characters", "blank_row", "total_row", "missing_owner",
                "bad_date", "formula_owner", "number_text", "excel_text", "date_zone"}
    expected |= {"duplicate_row", "duplicate_id"} if ids else {"identical_rows"}
    assert expected <= rules  # the dirt is there to be found, in both paths
    assert parts.actuals.losses["lost"].sum() > 0
    unknown = next(f for f in parts.findings if f.rule.value == "unknown_type")
    assert len(unknown.detail.values) > 20 and unknown.detail.count(", ") == 19  # joined over chunks, 20 shown


def test_an_outcome_told_only_late_is_implied_in_every_chunk(tmp_path, monkeypatch):
    """通電 appears only in the second half; the first half's アポ獲得 calls were reached all
    the same (a meeting implies a connect once the file tells connects). The chunks before
    通電 are cleaned again knowing it, as a whole read would count them."""
    rows = ["日付,担当者,活動種別,結果"]
    for i in range(2000):
        result = ("通電" if i % 3 == 0 else "不在") if i >= 1000 else ("アポ獲得" if i % 5 == 0 else "不在")
        rows.append(f"2026-10-{1 + i % 28:02d},{REPS[i % 4]},架電,{result}")
    path = tmp_path / "log.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    parts = assert_same([path], monkeypatch, block=2048)
    assert parts.actuals.by_month["connects"].sum() == 200 + 333  # the 200 meetings and the 333 connects


def test_a_note_on_every_row_is_one_run_across_chunks(tmp_path, monkeypatch):
    """2026/10/05 on every row (as many Japanese exports write dates): the note covers rows 2 to
    the last in one run however many chunks read them, so it costs the same at 100M rows."""
    lines = ["日付,担当者,活動種別"] + [f"2026/10/{1 + i % 28:02d},{REPS[i % 4]},架電" for i in range(3000)]
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parts = assert_same([path], monkeypatch, block=1024)
    [note] = [f for f in parts.findings if f.rule.value == "date_text"]
    assert note.rows.runs() == [(2, 3001)] and note.count == 3000


def test_chunk_sizes_do_not_matter(tmp_path, monkeypatch):
    path = dirty_log(tmp_path / "log.csv", 2500, seed=9)
    for block in (1024, 7919, 1 << 20):
        assert_same([path], monkeypatch, block=block)


@pytest.mark.parametrize("vocab", ["ja_01", "en_yes"])
def test_cp932_flag_log_without_a_type_column(tmp_path, monkeypatch, vocab):
    """A CTI log (flags, no type column) in Japanese Excel's CP932: the channel each row is
    assumed to be is decided by the whole file, not by a chunk."""
    frame = flag_frame(make_calls(seed=4, per_rep=200), VOCABS[vocab])
    path = write_csv(frame, tmp_path / "cti.csv", "cp932")
    parts = assert_same([path], monkeypatch)
    assert any(f.rule.value == "assumed_type" for f in parts.findings)


def test_with_a_deal_list_beside_it(tmp_path, monkeypatch):
    """Deals' outcomes come from the list, the rest from the log read in chunks."""
    from kpi_xl.demo import write_demo_data

    files = write_demo_data(tmp_path, date(2026, 10, 1), months=3)
    assert_same([files.activities, files.opportunities], monkeypatch, block=16384)


@pytest.mark.skipif(not BANK.exists(), reason="shared data not present")
def test_uci_bank_semicolon_csv_in_chunks(monkeypatch):
    assert_same([BANK], monkeypatch, mapping=ROOT / "examples" / "mappings" / "uci-bank.yaml")


def test_a_ragged_csv_is_read_whole(tmp_path, monkeypatch):
    """pyarrow refuses a row with fewer cells; the forgiving whole-file reader takes it."""
    path = tmp_path / "ragged.csv"
    path.write_text("日付,担当者,活動種別\n2026-10-01,佐藤,架電\n2026-10-02,佐藤\n", encoding="utf-8")
    monkeypatch.setattr(streaming, "STREAM_BYTES", 0)
    data = ingest([path], get_template("sdr"))
    assert data.sources[0].raw.engine == "c"


def _plan(tmp_path: Path) -> Path:
    import json

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"template": "sdr", "kgi": 100_000_000, "unit_price": 1_000_000,
                                "rates": {"受注率": "20%", "商談化率": "12%", "コネクト率": "15%"},
                                "fiscal_year": 2026, "reps": REPS}, ensure_ascii=False), encoding="utf-8")
    return plan


def test_report_json_is_the_same(tmp_path, monkeypatch, capsys):
    """`kpi-xl report --json` on a file read in chunks: the same document but the reader's name."""
    import json

    from kpi_xl.cli import main

    path = dirty_log(tmp_path / "log.csv", 3000)
    plan = _plan(tmp_path)
    docs = []
    for size in (1 << 62, 0):
        monkeypatch.setattr(streaming, "STREAM_BYTES", size)
        monkeypatch.setattr(streaming, "BLOCK_BYTES", 4096)
        assert main(["report", "--data", str(path), "--plan", str(plan), "--month", "2026-10", "--json",
                     "-o", str(tmp_path / f"r{size}.xlsx")]) == 0
        doc = json.loads(capsys.readouterr().out)
        doc.pop("output")
        for source in doc["files"]:
            source.pop("reader")
        docs.append(doc)
    assert docs[0] == docs[1]


def as_warehouse(source: Path, backend: str, tmp_path: Path, **read_csv: str) -> str:
    """The CSV as a DuckDB table typed by DuckDB's own reader (timestamps, integers), or as a
    folder of Parquet files written from it, partitioned by a column."""
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "warehouse.duckdb"
    options = "".join(f", {k} = '{v}'" for k, v in read_csv.items())
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE TABLE export AS SELECT * FROM read_csv('{source}'{options})")
        if backend == "duckdb":
            return f"{db}:export"
        column = con.table("export").columns[-1]
        con.execute(f"COPY export TO '{tmp_path / 'lake'}' (FORMAT parquet, PARTITION_BY (\"{column}\"))")
    return str(tmp_path / "lake")


@pytest.mark.parametrize("backend", ["duckdb", "parquet"])
def test_a_warehouse_table_in_chunks_equals_whole(tmp_path, monkeypatch, backend):
    """A log kept in a warehouse (typed columns, NULLs, a partition column) read in batches of
    rows gives what the same table read whole gives."""
    path = dirty_log(tmp_path / "log.csv", 3000)
    assert_same([as_warehouse(path, backend, tmp_path)], monkeypatch)


@pytest.mark.skipif(not BANK.exists(), reason="shared data not present")
@pytest.mark.parametrize("backend", ["duckdb", "parquet"])
def test_uci_bank_from_a_warehouse_in_chunks(tmp_path, monkeypatch, backend):
    assert_same([as_warehouse(BANK, backend, tmp_path)], monkeypatch,
                mapping=ROOT / "examples" / "mappings" / "uci-bank.yaml")


@pytest.mark.parametrize("backend", ["csv", "duckdb", "parquet"])
def test_an_export_appended_to_itself_spills_its_held_rows_by_key(tmp_path, monkeypatch, backend):
    """Every row twice (an export pasted under itself, or a table loaded twice): every key
    repeats, so every row is held until the end. Spread over 7 partitions on disk, the findings
    and counts are those of the whole file read at once, and the partitions' files are gone
    afterwards."""
    from kpi_xl.sfa import held

    path = dirty_log(tmp_path / "log.csv", 1500, seed=5)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text.split("\n", 1)[1], encoding="utf-8")
    source = path if backend == "csv" else as_warehouse(path, backend, tmp_path)
    stores = []
    real = held.Held.for_rows.__func__

    def spy(cls, rows, part_rows=None):
        stores.append(real(cls, rows, 500))
        return stores[-1]

    monkeypatch.setattr(held.Held, "for_rows", classmethod(spy))
    parts = assert_same([source], monkeypatch)
    spilled = [s for s in stores if s.partitions > 1]
    assert spilled and all(s._folder is not None for s in spilled)
    assert not any(Path(s._folder.name).exists() for s in spilled)
    dup = next(f for f in parts.findings if f.rule.value == "duplicate_row")
    assert dup.count > 1400  # the second copy (less the blank, total and unreadable rows)


def test_no_room_for_held_rows_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    """A temporary folder that cannot take the held rows: a one-line error naming it, the rows
    and TMPDIR; --json still prints a document; no output workbook, no traceback."""
    import json
    import tempfile

    from kpi_xl.cli import main
    from kpi_xl.sfa import held

    path = dirty_log(tmp_path / "log.csv", 600, seed=4)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text.split("\n", 1)[1], encoding="utf-8")
    monkeypatch.setattr(streaming, "STREAM_BYTES", 0)
    monkeypatch.setattr(streaming, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(held, "PART_ROWS", 100)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    out = tmp_path / "r.xlsx"
    code = main(["report", "--data", str(path), "--plan", str(_plan(tmp_path)), "--json",
                 "--lang", "en", "-o", str(out)])
    said = capsys.readouterr()
    assert code == 2 and not out.exists()
    [line] = [x for x in said.err.splitlines() if "no-such-folder" in x]
    assert "repeated rows (same ID, or identical)" in line and "TMPDIR" in line and "Traceback" not in said.err
    assert json.loads(said.out)["error"]["code"] == "held_unwritable"


def test_what_a_chunk_keeps_of_its_frame_holds_none_of_its_rows():
    """Each chunk keeps its cleaned frame's columns and types, for a report of no rows: a view
    of no rows would keep every chunk's frame alive (5.3 GB, not 2.4 GB, at 100M rows)."""
    import numpy as np

    n = 100_000
    frame = pd.DataFrame({"owner": pd.Series([f"担当{i % 7}" for i in range(n)], dtype="category"),
                          "id": pd.Series([f"A{i}" for i in range(n)], dtype="string[pyarrow]"),
                          "count": np.arange(n), "when": pd.date_range("2026-10-01", periods=n, freq="min")})
    kept = streaming._no_rows(frame)
    assert len(kept) == 0 and kept.dtypes.to_dict() == frame.dtypes.to_dict()
    held = 0
    for name in kept.columns:
        values = kept[name].array
        if hasattr(values, "_pa_array"):
            held += sum(b.size for c in values._pa_array.chunks for b in c.buffers() if b is not None)
        else:
            array = np.asarray(values.codes if name == "owner" else values)
            held += 0 if array.base is None else np.asarray(array.base).nbytes
    assert held < 1024

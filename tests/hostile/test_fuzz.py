"""Random bytes, random CSV shapes and random settings documents through the CLI, in-process:
the exit code is 0 or 2, nothing escapes as an exception (a traceback), and with --json the
output is strict JSON. Deterministic in CI (derandomize); a failure found locally becomes an
@example here."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kpi_xl.cli import main
from tests.hostile.test_corpus import PLAN, strict_json

FUZZ = settings(max_examples=int(os.environ.get("KPI_XL_FUZZ", "25")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

HEADERS = ["日付", "担当者", "活動種別", "結果", "件数", "金額", "通電", "受注", "商談ステータス", "受注日", "年月",
           "架電数", "通話時間", "失注理由", "取引先", "商談ID", "date", "owner", "memo", "", "=SUM(A1)", "\x00"]
CELLS = ["2026-10-01", "2026/10/02 9:15", "46296", "2026-09-30T15:30:00Z", "2026-10-01T09:00+09:00",
         "60", "9999-12-31", "佐藤", "鈴木　花子", "架電", "メール", "通電",
         "アポ獲得", "受注", "失注", "商談中", "1", "0", "○", "×", "2.5", "-40", "1e309", "inf", "NaN", "12,34",
         "¥1,200", "▲500", "0:02:05", "", " ", "=1+1", "@SUM(A1)", "合計", "\x00\x07", "𠮷野家", "髙橋"]


def run(folder: Path, *args: str) -> None:
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        code = main(list(args))
    finally:
        os.chdir(cwd)
    assert code in (0, 2)
    return code


def report(folder: Path, data: Path, capsys) -> None:
    (folder / "plan.yaml").write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    code = run(folder, "report", "--data", str(data), "--plan", "plan.yaml", "-o", "r.xlsx", "--force", "--json",
               "--lang", "en")
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    data = strict_json(out)  # with --json, stdout is a document whatever happened
    if code != 0:
        assert len(err.strip().splitlines()) == 1 and set(data) == {"error"}


@FUZZ
@given(raw=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".parquet", ".tsv"]))
@example(raw=b"\xef\xbb\xbf\x00\x00", suffix=".csv")
@example(raw=b"PK\x03\x04garbage", suffix=".xlsx")
@example(raw=b"@A\x15P\xe0", suffix=".csv")  # a header with U+0085, a line break to str.splitlines
def test_random_bytes_as_an_export(tmp_path_factory, capsys, raw, suffix):
    folder = tmp_path_factory.mktemp("bytes")
    path = folder / f"data{suffix}"
    path.write_bytes(raw)
    report(folder, path, capsys)


@FUZZ
@given(header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
       rows=st.lists(st.lists(st.sampled_from(CELLS), min_size=0, max_size=9), max_size=12),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]), delimiter=st.sampled_from([",", ";", "\t"]))
@example(header=["日付", "担当者", "活動種別"], rows=[["9999-12-31", "佐藤", "架電"]], encoding="utf-8", delimiter=",")
@example(header=["担当者", "年月", "架電数"], rows=[["佐藤", "2026-10", "1e309"]], encoding="utf-8", delimiter=",")
@example(header=["担当者", "商談ステータス"], rows=[], encoding="utf-8", delimiter=",")
@example(header=["担当者", "商談ステータス"], rows=[["佐藤", "受注"]], encoding="utf-8", delimiter=",")
@example(header=["日付", "担当者"], rows=[["-40"]], encoding="utf-8", delimiter=",")  # year -40: no ns overflow
def test_random_csv_shapes(tmp_path_factory, capsys, header, rows, encoding, delimiter):
    folder = tmp_path_factory.mktemp("csv")
    lines = [delimiter.join(header), *(delimiter.join(r) for r in rows)]
    text = "\n".join(lines) + "\n"
    path = folder / "log.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    report(folder, path, capsys)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    st.sampled_from(["20%", "1.2億", "2026", "sdr", "佐藤:1:2026-10:0.5", "2026-04-01..2027-03-31",
                                     "受注率", "inf", "", "=1+1", "true", "false"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["受注率", "商談化率", "name", "capacity", "ramp", "metric", "x"]), inner, max_size=3),
    max_leaves=6)
KEYS = st.sampled_from(["template", "kgi", "unit_price", "rates", "volumes", "fiscal_year", "fy_start", "holidays",
                        "reps", "leads", "split", "exact", "capacity_per_day", "phase", "lang", "warn", "asof",
                        "scenario", "display", "kpis", "growth", "target", "typo"])


@FUZZ
@given(document=st.dictionaries(KEYS, VALUES, max_size=8))
@example(document={"template": "sdr", "kgi": 1e308, "unit_price": 1e-300, "rates": {"受注率": "20%"}})
@example(document={"reps": [{"name": None}], "kgi": 100})
@example(document={"template": 1})
def test_random_settings_documents(tmp_path_factory, capsys, document):
    folder = tmp_path_factory.mktemp("settings")
    (folder / "p.json").write_text(json.dumps(document, ensure_ascii=False, default=str), encoding="utf-8")
    code = run(folder, "plan", "p.json", "-o", "out.xlsx", "--json", "--lang", "en")
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    data = strict_json(out)  # with --json, stdout is a document whatever happened
    if code != 0:
        assert len(err.strip().splitlines()) == 1 and set(data) == {"error"}, err

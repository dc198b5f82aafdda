"""Japanese Windows exports are cp932: decoded as cp932 whenever the bytes are valid cp932,
so IBM/NEC-extension names round-trip byte-exact; --encoding overrides the detection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpi_xl.engine.templates import get_template
from kpi_xl.sfa.ingest import ingest
from kpi_xl.sfa.reading import SNIFF_BYTES, detect_encoding

NAMES = ["髙橋 一郎", "山﨑 花子", "①営業 ㈱太郎", "鈴木～次郎", "佐藤−三郎"]
SDR = get_template("sdr")


def cp932_export(path: Path, names: list[str], rows: int = 3) -> bytes:
    lines = ["日付,担当者,活動種別,結果"] + [f"2026-10-0{1 + i % 3},{n},架電,通電" for n in names for i in range(rows)]
    raw = ("\r\n".join(lines) + "\r\n").encode("cp932")
    path.write_bytes(raw)
    return raw


def test_ibm_and_nec_extension_names_round_trip_byte_exact(tmp_path):
    cp932_export(tmp_path / "log.csv", NAMES)
    data = ingest([tmp_path / "log.csv"], SDR)
    assert data.sources[0].raw.encoding == "cp932"
    owners = data.actuals.owners
    assert len(owners) == len(NAMES)
    # the bytes each name had in the file are the bytes its decoded form writes back to
    assert sorted(o.encode("cp932") for o in owners) == sorted(n.encode("cp932") for n in NAMES)
    assert "髙橋 一郎" in owners and "山﨑 花子" in owners and "①営業 ㈱太郎" in owners  # not 郄橋 (shift_jis_2004)


def test_the_report_workbook_keeps_the_names(tmp_path):
    cp932_export(tmp_path / "log.csv", NAMES)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"template": "sdr", "kgi": 10_000_000, "unit_price": 1_000_000, "fiscal_year": 2026,
                                "rates": {"受注率": "20%", "商談化率": "10%"}, "reps": 5}), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", str(tmp_path / "log.csv"),
                          "--plan", str(plan), "-o", str(tmp_path / "r.xlsx"), "--json"],
                         capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["files"][0]["encoding"] == "cp932"
    wb = load_workbook(tmp_path / "r.xlsx")
    written = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for name in NAMES:
        assert name.encode("cp932").decode("cp932") in written


def test_detection_order_and_a_character_cut_by_the_sample(tmp_path):
    assert detect_encoding("担当者".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf" + "担当者".encode()) == "utf-8-sig"
    assert detect_encoding("髙橋,﨑".encode("cp932")) == "cp932"
    head = "担当者,".encode("cp932")
    body = head + ("a" * (SNIFF_BYTES - 1 - len(head))).encode("ascii") + "髙".encode("cp932")
    assert detect_encoding(body[:SNIFF_BYTES]) == "cp932"  # 髙's first byte ends the sample
    utf = ("a" * (SNIFF_BYTES - 1)).encode("ascii") + "髙".encode()
    assert detect_encoding(utf[:SNIFF_BYTES]) == "utf-8"


def test_encoding_overrides_detection_and_a_bad_name_is_a_clear_error(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"Date,Owner,Type\n2026-10-01," + "Müller".encode("latin-1") + b",call\n")
    data = ingest([path], SDR, encoding="latin-1")
    assert data.actuals.owners == ["Müller"] and data.sources[0].raw.encoding == "iso8859-1"
    out = subprocess.run([sys.executable, "-m", "kpi_xl.cli", "report", "--data", str(path), "--plan", "x.yaml",
                          "-o", str(tmp_path / "r.xlsx"), "--encoding", "klingon", "--lang", "en"],
                         capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.splitlines()) == 1 and "--encoding" in out.stderr and "klingon" in out.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_every_encoding_reads_the_same_counts(tmp_path, encoding):
    body = "日付,担当者,活動種別,結果\n" + "".join(f"2026-10-01,{n},架電,通電\n" for n in NAMES[:3])
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(body.encode(encoding))
    data = ingest([path], SDR)
    assert data.sources[0].raw.encoding == encoding
    assert data.actuals.team_month("2026-10")["calls"] == 3


@pytest.mark.parametrize("where", ["in the sample", "after the sample"])
def test_a_utf8_export_with_a_broken_byte_leaves_out_that_row_only(tmp_path, where):
    """One name's bytes broken (a byte lost, another pasted in) in a UTF-8 export: once the
    whole file was refused as unreadable cp932. Now it is read as UTF-8, every other name
    byte-exact, and the broken row — whose owner would be a garbled new rep — is left out
    and named by its line (header: line 1), whether the detector's 64 KiB sample saw it or not."""
    names = ["佐藤", "鈴木", "髙橋"]
    rows = 3_000 if where == "after the sample" else 300  # ~32 bytes a line: 3,000 lines pass 64 KiB
    lines = ["活動ID,日付,担当者,活動種別,結果"] + [f"A{i},2026-10-{1 + i % 28:02d},{names[i % 3]},架電,通電"
                                                  for i in range(rows)]
    broken = rows - 2 if where == "after the sample" else 1  # the data row whose name breaks
    body = "\n".join(lines).encode() + b"\n"
    start = body.index(f"A{broken},".encode())
    name_at = body.index(names[broken % 3].encode(), start)
    body = body[:name_at + 1] + b"\xff" + body[name_at + 3:]  # the name's first character: its tail bytes lost
    path = tmp_path / "log.csv"
    path.write_bytes(body)
    assert (len(body) > SNIFF_BYTES and detect_encoding(body[:SNIFF_BYTES]) == "utf-8") == (where == "after the sample")
    data = ingest([path], SDR)
    assert data.sources[0].raw.encoding == "utf-8"
    assert [(f.rule.value, list(f.rows)) for f in data.findings if f.rule.excludes] == [("undecodable", [broken + 2])]
    assert sorted(data.actuals.owners) == sorted(names)
    assert data.actuals.team_month("2026-10")["calls"] == rows - 1


def test_mostly_utf8_is_told_from_other_encodings():
    text = "日付,担当者\n" + "".join(f"2026-10-01,佐藤{i}\n" for i in range(200))
    broken = text.encode().replace("佐藤1,".encode(), b"\x8d\xb2\x93\xa1,", 1)  # one name pasted in as cp932
    assert detect_encoding(broken) == "utf-8"
    assert detect_encoding(text.encode("euc-jp")) != "utf-8"  # another encoding: broken nearly everywhere
    assert detect_encoding(text.encode("cp932")) == "cp932"


@pytest.mark.parametrize("given", [None, "cp932"])
def test_a_cp932_export_with_a_broken_byte_pair_keeps_its_names_exact(tmp_path, given):
    """The same in cp932 (detected, or given with --encoding): one row's bytes are no cp932
    character; that row is left out and 髙橋's stay byte-exact (a CJK codec's decoder takes
    its error handling when made, so the replacing codec wraps it)."""
    raw = cp932_export(tmp_path / "log.csv", NAMES[:3])
    at = raw.index("山﨑".encode("cp932"))
    (tmp_path / "log.csv").write_bytes(raw[:at] + b"\x85\x20" + raw[at + 2:])  # 0x85 0x20: no cp932 pair
    data = ingest([tmp_path / "log.csv"], SDR, encoding=given)
    assert data.sources[0].raw.encoding == "cp932"
    assert [(f.rule.value, list(f.rows)) for f in data.findings if f.rule.excludes] == [("undecodable", [5])]
    assert sorted(data.actuals.owners) == sorted([NAMES[0], NAMES[1], NAMES[2]])
    assert data.actuals.team_month("2026-10")["calls"] == 8

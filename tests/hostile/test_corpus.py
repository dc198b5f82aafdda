"""The hostile-input corpus (cases.yaml): each case runs the CLI in-process in a fresh folder
with the files it names, and states its outcome — exit 2 with a one-line message naming the
field and value, or exit 0 with exact numbers or a finding (rule and rows). No case may end
in a traceback, and `--json` output must be strict JSON (no NaN or Infinity)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kpi_xl.cli import main
from tests.hostile.edits import EDITS

CASES = yaml.safe_load((Path(__file__).with_name("cases.yaml")).read_text(encoding="utf-8"))
PLAN = {"template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000, "fiscal_year": 2026,
        "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"}, "volumes": {"メール送信数": 0},
        "reps": ["佐藤", "鈴木"]}


def strict_json(text: str) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"not JSON (RFC 8259): {name}")

    return json.loads(text, parse_constant=refuse)


def lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def prepare(folder: Path, case: dict) -> None:
    (folder / "plan.yaml").write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    for name, content in (case.get("files") or {}).items():
        path = folder / name
        if isinstance(content, dict) and "base64" in content:
            path.write_bytes(base64.b64decode(content["base64"]))
        elif isinstance(content, dict) and "cp932" in content:
            path.write_bytes(content["cp932"].encode("cp932"))
        elif isinstance(content, dict) and "yaml" in content:
            path.write_text(yaml.safe_dump(content["yaml"], allow_unicode=True), encoding="utf-8")
        else:
            path.write_text(content, encoding="utf-8")
    for edit in case.get("edits") or []:
        EDITS[edit["do"]](folder, **{k: v for k, v in edit.items() if k != "do"})


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    prepare(tmp_path, case)
    code = main([str(a) for a in case["args"]])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    expect = case["expect"]
    assert code == expect.get("exit", 0) or (expect.get("exit") == "any" and code in (0, 2)), err
    if code == 2 and expect.get("exit") == 2:
        assert len(err.strip().splitlines()) == 1, err  # one line, like every error
    for word in expect.get("says", []):
        assert str(word) in err, (word, err)
    data = strict_json(out) if "--json" in case["args"] else None
    if code == 2 and data is not None:  # an error is a document too: its code and the line on stderr
        assert data["error"]["message"] == err.strip().removeprefix("kpi-xl: "), (data, err)
    if code == 2 and expect.get("exit") == "any":
        assert len(err.strip().splitlines()) == 1, err
    for path, value in (expect.get("json") or {}).items():
        got = lookup(data, path)
        assert got == pytest.approx(value) if isinstance(value, float) else got == value, (path, got)
    for finding in expect.get("findings", []):
        hits = [f for f in data["findings"] if f["rule"] == finding["rule"]]
        assert hits, (finding, data["findings"])
        if "rows" in finding:
            assert sorted(r for f in hits for a, b in f["row_runs"] for r in range(a, b + 1)) == finding["rows"]
    for name in expect.get("files_absent", []):
        assert not (tmp_path / name).exists()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


ERRORS = [c for c in CASES if c["expect"].get("exit") == 2]
PROSE = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")  # three English words in a row
DETAIL = re.compile(r"（詳細: .*?）")  # a library's or the OS's own words, quoted after a Japanese reason
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def in_japanese(args: list) -> list[str]:
    words = [str(a) for a in args]
    if "--lang" in words:
        words[words.index("--lang") + 1] = "ja"
        return words
    return [*words, "--lang", "ja"]


@pytest.mark.parametrize("case", ERRORS, ids=[c["id"] for c in ERRORS])
def test_error_in_japanese(case, tmp_path, monkeypatch, capsys):
    """The same refusal in Japanese says what is allowed in Japanese: no English phrase in it
    but the keys, flags and values a user types, and a library's own words marked 詳細 — argparse's
    own refusals of a command line included."""
    monkeypatch.chdir(tmp_path)
    prepare(tmp_path, case)
    code = main(in_japanese(case["args"]))
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert JAPANESE.search(err), err
    assert not PROSE.findall(DETAIL.sub("", err)), err

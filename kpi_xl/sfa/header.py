"""Finding the header of an export: which row(s) name the columns, and which column holds
each field kpi_xl needs (担当者/Owner/Sales Agent, 日付/Date, …). Two-row headers are
recognised by trying the first rows alone and joined."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_xl.errors import DataError
from kpi_xl.sfa.vocabulary import Vocabulary, key

REQUIRED = {"activities": ("owner", "date"), "opportunities": ("owner", "stage"), "summary": ("owner",)}


@dataclass
class Header:
    rows: int  # how many rows the header takes
    names: list[str]  # the header text per column (joined for two-row headers)
    fields: dict[str, int]  # field → column position
    shape: str  # "activities", "opportunities" or "summary" (counts per rep and month)
    metrics: dict[str, int] | None = None  # summary tables: metric id → column position


def _recognise(names: list[str], vocab: Vocabulary) -> dict[str, int]:
    found: dict[str, int] = {}
    keys = [key(n) for n in names]
    for field, header in vocab.columns.items():
        if key(header) in keys:
            found[field] = keys.index(key(header))
    synonyms = {key(word): field for field, words in vocab.headers.items() for word in words}
    for position, k in enumerate(keys):
        field = synonyms.get(k)
        if field and field not in found and position not in found.values():
            found[field] = position
    return found


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def find_header(rows: pd.DataFrame, vocab: Vocabulary, file: str,
                metric_words: dict[str, str] | None = None) -> Header:
    """``metric_words`` (word key → metric id) lets a per-rep summary table be recognised by
    columns named like the template's metrics (架電数, 商談化数, Deals won …)."""
    first = [[_text(v) for v in rows.iloc[i].tolist()] for i in range(min(3, len(rows)))]
    candidates: list[tuple[int, list[str]]] = []
    for i, row in enumerate(first):
        if i > 1:
            break
        candidates.append((i + 1, row))
        if i + 1 < len(first):
            joined = [f"{a} {b}".strip() if a and b else (b or a) for a, b in zip(row, first[i + 1])]
            candidates.append((i + 2, first[i + 1]))
            candidates.append((i + 2, joined))
    best: tuple[int, int, list[str], dict[str, int]] | None = None
    for count, names in candidates:
        fields = _recognise(names, vocab)
        score = len(fields)
        if best is None or score > best[0]:
            best = (score, count, names, fields)
    assert best is not None
    _, count, names, fields = best
    metrics: dict[str, int] = {}
    claimed = {p: f for f, p in fields.items() if f not in ("amount", "count")}  # 売上 is a metric in a summary
    for position, name in enumerate(names):
        metric = (metric_words or {}).get(key(name))
        if metric and position not in claimed and metric not in metrics:
            metrics[metric] = position
    summary = any(not m.startswith("rate:") for m in metrics) and "type" not in fields and "stage" not in fields
    shape = vocab.shape or ("opportunities" if "stage" in fields else "summary" if summary else "activities")
    if shape == "summary":
        fields = {f: p for f, p in fields.items() if p not in metrics.values()}
    for field, header in vocab.columns.items():
        if field not in fields:
            raise DataError("data_mapped_missing", field=field, header=header, file=file,
                            found=", ".join(n for n in names if n))
    missing = [f for f in REQUIRED[shape] if f not in fields and f not in vocab.defaults]
    if "date" in missing and "month" in fields:
        missing.remove("date")
    if shape == "summary" and "date" not in fields and "month" not in fields:
        missing.append("month")
    if missing:
        expected = "; ".join(f"{f}: {' / '.join(vocab.headers[f][:4])}" for f in missing)
        raise DataError("data_columns", file=file, missing=", ".join(missing), expected=expected,
                        found=", ".join(n for n in names if n) or "(none)")
    return Header(count, names, fields, shape, metrics if shape == "summary" else None)

"""Finding the header of an export: which row(s) name the columns, and which column holds
each field kpi_xl needs (担当者/Owner/Sales Agent, 日付/Date, …). Two-row headers are
recognised by trying the first rows alone and joined."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pandas as pd

from kpi_xl.errors import DataError
from kpi_xl.sfa.vocabulary import Vocabulary, key


class Shape(str, Enum):
    """What one row of an export is."""

    ACTIVITIES = "activities"  # one call, email or meeting
    OPPORTUNITIES = "opportunities"  # one deal
    SUMMARY = "summary"  # counts per rep and month


REQUIRED = {Shape.ACTIVITIES: ("owner", "date"), Shape.OPPORTUNITIES: ("owner", "stage"), Shape.SUMMARY: ("owner",)}


@dataclass(frozen=True)
class MetricWord:
    """A header word that names a template metric (架電数 → calls; 商談化率 → a rate)."""

    metric: str
    is_rate: bool = False


@dataclass(frozen=True)
class MetricColumn:
    """A summary table's column named like a template metric (架電数, 商談化率 …)."""

    metric: str
    position: int
    is_rate: bool = False  # a given rate is recomputed from its counts, never read


@dataclass
class Header:
    rows: int  # how many rows the header takes
    names: list[str]  # the header text per column (joined for two-row headers)
    fields: dict[str, int]  # field → column position
    shape: Shape
    metrics: tuple[MetricColumn, ...] = ()  # summary tables only


def recognise(names: list[str], vocab: Vocabulary) -> dict[str, int]:
    """field → column position for the header ``names`` (mapped headers first, then synonyms)."""
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


def _candidates(rows: pd.DataFrame) -> list[tuple[int, list[str]]]:
    """(rows taken, header names): the first row, the second, and the two joined."""
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
    return candidates


def _metric_columns(names: list[str], fields: dict[str, int],
                    metric_words: dict[str, MetricWord]) -> tuple[MetricColumn, ...]:
    """Columns named like a metric, other than those a field already claims."""
    claimed = {p for f, p in fields.items() if f not in ("amount", "count")}  # 売上 is a metric in a summary
    found: dict[str, MetricColumn] = {}
    for position, name in enumerate(names):
        word = metric_words.get(key(name))
        if word and position not in claimed and word.metric not in found:
            found[word.metric] = MetricColumn(word.metric, position, word.is_rate)
    return tuple(found.values())


def find_header(rows: pd.DataFrame, vocab: Vocabulary, file: str,
                metric_words: dict[str, MetricWord] | None = None) -> Header:
    """``metric_words`` (word key → metric) lets a per-rep summary table be recognised by
    columns named like the template's metrics (架電数, 商談化数, Deals won …)."""
    best: tuple[int, int, list[str], dict[str, int]] | None = None
    for count, names in _candidates(rows):
        fields = recognise(names, vocab)
        score = len(fields)
        if best is None or score > best[0]:
            best = (score, count, names, fields)
    assert best is not None
    _, count, names, fields = best
    metrics = _metric_columns(names, fields, metric_words or {})
    summary = any(not m.is_rate for m in metrics) and "type" not in fields and "stage" not in fields
    shape = Shape(vocab.shape) if vocab.shape else \
        Shape.OPPORTUNITIES if "stage" in fields else Shape.SUMMARY if summary else Shape.ACTIVITIES
    if shape is Shape.SUMMARY:
        fields = {f: p for f, p in fields.items() if p not in {m.position for m in metrics}}
    for field, header in vocab.columns.items():
        if field not in fields:
            raise DataError("data_mapped_missing", field=field, header=header, file=file,
                            found=", ".join(n for n in names if n))
    missing = [f for f in REQUIRED[shape] if f not in fields and f not in vocab.defaults]
    if "date" in missing and "month" in fields:
        missing.remove("date")
    if shape is Shape.SUMMARY and "date" not in fields and "month" not in fields:
        missing.append("month")
    if missing:
        expected = "; ".join(f"{f}: {' / '.join(vocab.headers[f][:4])}" for f in missing)
        raise DataError("data_columns", file=file, missing=", ".join(missing), expected=expected,
                        found=", ".join(n for n in names if n) or "(none)")
    return Header(count, names, fields, shape, metrics if shape is Shape.SUMMARY else ())

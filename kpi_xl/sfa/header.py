"""Finding the header of an export: which row(s) name the columns, which column holds each
field kpi_xl reads (担当者/Owner/Sales Agent, 日付/Date, …), which are yes/no outcome flags
(通電, 商談化, 受注 …) and which a per-rep summary's counts. Two-row headers are recognised
by trying the first rows alone and joined. Every column ends up used (and how) or ignored
(and why): :attr:`Header.columns`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

import pandas as pd

from kpi_xl.engine.observations import OUTCOMES
from kpi_xl.errors import DataError
from kpi_xl.sfa.parsing import CONTROL
from kpi_xl.sfa.vocabulary import Vocabulary, bare, in_language, key


class Shape(str, Enum):
    """What one row of an export is."""

    ACTIVITIES = "activities"  # one call, email or meeting
    OPPORTUNITIES = "opportunities"  # one deal or lead
    SUMMARY = "summary"  # counts per rep and month


class Use(str, Enum):
    """How a column of an export is used."""

    FIELD = "field"  # owner, date, stage …
    FLAG = "flag"  # a yes/no outcome (通電, 受注 …)
    COUNT = "count"  # a summary's count of an outcome (通電 = 45): counted like the flag
    METRIC = "metric"  # a summary table's count, named like a template metric
    RATE = "rate"  # a summary table's rate: recomputed from its counts, not read
    IGNORED = "ignored"


class Why(str, Enum):
    """Why a column is ignored."""

    UNKNOWN = "unknown"  # no field, flag or metric has this name
    REPEATED = "repeated"  # another column already gives this field
    UNNAMED = "unnamed"  # the header cell is empty


@dataclass(frozen=True)
class ColumnUse:
    """One column of a file and what kpi_xl does with it."""

    position: int
    header: str
    use: Use
    name: str = ""  # the field, outcome or metric; for IGNORED the :class:`Why`


@dataclass(frozen=True)
class MetricWord:
    """A header word that names a template metric (架電数 → calls; 商談化率 → a rate)."""

    metric: str
    is_rate: bool = False
    whole: bool = False  # a count: whole numbers of 0 or more


@dataclass(frozen=True)
class MetricColumn:
    """A summary table's column named like a template metric (架電数, 商談化率 …)."""

    metric: str
    position: int
    is_rate: bool = False  # a given rate is recomputed from its counts, never read
    whole: bool = False  # a count: whole numbers of 0 or more


OUTCOME_NAMES = frozenset(o.value for o in OUTCOMES)
REQUIRED = {Shape.ACTIVITIES: ("owner", "date"), Shape.OPPORTUNITIES: ("owner", "stage"), Shape.SUMMARY: ("owner",)}


@dataclass
class Header:
    rows: int  # how many rows the header takes
    names: list[str]  # the header text per column (joined for two-row headers)
    fields: dict[str, int]  # field → column position
    shape: Shape
    metrics: tuple[MetricColumn, ...] = ()  # summary tables only
    flags: dict[str, int] = field(default_factory=dict)  # outcome → column position
    columns: list[ColumnUse] = field(default_factory=list)
    above: int = 0  # rows over the header: a title block (report name, filters), reported as such


def recognise(names: list[str], vocab: Vocabulary) -> dict[str, int]:
    """field → column position for the header ``names`` (mapped headers first, then synonyms)."""
    return _match(names, {f: h for f, h in vocab.columns.items() if f not in OUTCOME_NAMES}, vocab.headers, set())


def recognise_flags(names: list[str], vocab: Vocabulary, taken: set[int]) -> dict[str, int]:
    """outcome → column position of its yes/no flag column."""
    return _match(names, {f: h for f, h in vocab.columns.items() if f in OUTCOME_NAMES}, vocab.flags, taken)


def _match(names: list[str], mapped: dict[str, str], synonyms: dict[str, list[str]], taken: set[int]
           ) -> dict[str, int]:
    found: dict[str, int] = {}
    keys = [key(n) for n in names]
    for name, header in mapped.items():
        if key(header) in keys:
            found[name] = keys.index(key(header))
    words = {key(word): name for name, ws in synonyms.items() for word in ws}
    for candidates in (keys, [bare(k) for k in keys]):  # 金額（千円）: as written, then without its note
        for position, k in enumerate(candidates):
            name = words.get(k)
            if name and name not in found and position not in found.values() and position not in taken:
                found[name] = position
    return found


def _text(value: object) -> str:
    """A header cell as text, control characters (NUL …) removed."""
    return "" if value is None or pd.isna(value) else re.sub(CONTROL, "", str(value)).strip()


TITLE_ROWS = 20  # a header may sit under a title block this deep (report name, filters, date)


def _candidates(rows: pd.DataFrame) -> list[tuple[int, list[str], int]]:
    """(rows taken, header names, rows above the header): the first row, the second, and the
    two joined; then each row under a title block (a report's name, filters and date)."""
    first = [[_text(v) for v in rows.iloc[i].tolist()] for i in range(min(TITLE_ROWS + 1, len(rows)))]
    candidates: list[tuple[int, list[str], int]] = []
    for i, row in enumerate(first[:2]):
        candidates.append((i + 1, row, i))
        if i + 1 < len(first):
            joined = [f"{a} {b}".strip() if a and b else (b or a) for a, b in zip(row, first[i + 1])]
            candidates.append((i + 2, first[i + 1], i + 1))
            candidates.append((i + 2, joined, i))
    candidates += [(i + 1, row, i) for i, row in enumerate(first[3:TITLE_ROWS], start=3)]
    return candidates


def _metric_columns(names: list[str], claimed: set[int],
                    metric_words: dict[str, MetricWord]) -> tuple[MetricColumn, ...]:
    """Columns named like a metric, other than those a field already claims."""
    found: dict[str, MetricColumn] = {}
    for position, name in enumerate(names):
        word = metric_words.get(key(name)) or metric_words.get(bare(key(name)))
        if word and position not in claimed and word.metric not in found:
            found[word.metric] = MetricColumn(word.metric, position, word.is_rate, word.whole)
    return tuple(found.values())


def _counts(raw: pd.Series) -> bool:
    """Whether a column holds counts (numbers, some other than 0 and 1), not yes/no flags."""
    numbers = pd.to_numeric(raw.dropna().astype(str).str.strip().replace("", None), errors="coerce")
    return bool(len(numbers)) and numbers.notna().all() and not numbers.isin([0, 1]).all()


def _split_flags(rows: pd.DataFrame, count: int, fields: dict[str, int], flags: dict[str, int],
                 metrics: tuple[MetricColumn, ...]) -> tuple[dict[str, int], tuple[MetricColumn, ...], bool]:
    """Columns named like a flag (受注, 商談化) are flags in an activity log and counts in a
    per-rep summary: a file is a summary when it has a month and no date, or when every such
    column holds counts. Returns (flags, metrics, whether the flags are a summary's counts)."""
    sample = rows.iloc[count:count + 2000]
    counts = {p: _counts(sample.iloc[:, p]) for p in set(flags.values())}
    summary = ("month" in fields and "date" not in fields) or (bool(counts) and all(counts.values()))
    metric_at = {m.position for m in metrics}
    if not summary:
        return flags, tuple(m for m in metrics if m.position not in flags.values()), False
    return {o: p for o, p in flags.items() if p not in metric_at}, metrics, True


def _shape(vocab: Vocabulary, fields: dict[str, int], metrics: tuple[MetricColumn, ...],
           flags: dict[str, int], counts: bool) -> Shape:
    """A stage column makes a deal or lead list; counts (named like metrics or outcomes) with
    no activity type and no yes/no flags a per-rep summary; anything else an activity log."""
    if vocab.shape:
        return Shape(vocab.shape)
    if "stage" in fields:
        return Shape.OPPORTUNITIES
    if "type" in fields or (flags and not counts):
        return Shape.ACTIVITIES
    return Shape.SUMMARY if counts or any(not m.is_rate for m in metrics) else Shape.ACTIVITIES


def _uses(names: list[str], header: Header, vocab: Vocabulary) -> list[ColumnUse]:
    """Every column: used as a field, flag or metric, or ignored and why."""
    by_position: dict[int, tuple[Use, str]] = {p: (Use.FIELD, f) for f, p in header.fields.items()}
    flag_use = Use.COUNT if header.shape is Shape.SUMMARY else Use.FLAG
    by_position.update({p: (flag_use, o) for o, p in header.flags.items()})
    by_position.update({m.position: (Use.RATE if m.is_rate else Use.METRIC, m.metric) for m in header.metrics})
    synonyms = {key(w) for ws in (*vocab.headers.values(), *vocab.flags.values()) for w in ws}
    out = []
    for position, name in enumerate(names):
        use, what = by_position.get(position, (Use.IGNORED, ""))
        if use is Use.IGNORED:
            what = (Why.UNNAMED if not name else Why.REPEATED if key(name) in synonyms else Why.UNKNOWN).value
        out.append(ColumnUse(position, name, use, what))
    return out


def find_header(rows: pd.DataFrame, vocab: Vocabulary, file: str,
                metric_words: dict[str, MetricWord] | None = None) -> Header:
    """``metric_words`` (word key → metric) lets a per-rep summary table be recognised by
    columns named like the template's metrics (架電数, 商談化数, Deals won …)."""
    best: tuple[int, int, list[str], dict[str, int], dict[str, int], int] | None = None
    for count, names, above in _candidates(rows):
        fields = recognise(names, vocab)
        flags = recognise_flags(names, vocab, set(fields.values()))
        score = len(fields) + len(flags)
        if best is None or score > best[0]:
            best = (score, count, names, fields, flags, above)
    if best is None:  # an empty sheet or file
        raise DataError("data_empty", file=file, read=0)
    _, count, names, fields, flags, above = best
    claimed = {p for f, p in fields.items() if f not in ("amount", "count")}  # 売上 is a metric in a summary
    metrics = _metric_columns(names, claimed, metric_words or {})
    flags, metrics, counts = _split_flags(rows, count, fields, flags, metrics)
    shape = _shape(vocab, fields, metrics, flags, counts)
    if shape is Shape.SUMMARY:
        fields = {f: p for f, p in fields.items() if p not in {m.position for m in metrics}}
    else:
        metrics = ()
    if shape is Shape.OPPORTUNITIES and "id" not in fields and "deal" in fields:
        fields["id"] = fields.pop("deal")  # in a deal list, 商談ID is the record's own ID
    _check(vocab, fields, flags, names, file, shape)
    header = Header(count, names, fields, shape, metrics, flags, above=above)
    header.columns = _uses(names, header, vocab)
    return header


def _examples(words: list[str]) -> list[str]:
    """A field's first Japanese and first English header words, three of each, for a message."""
    return in_language(words, "ja")[:3] + in_language(words, "en")[:3]


def _check(vocab: Vocabulary, fields: dict[str, int], flags: dict[str, int], names: list[str], file: str,
           shape: Shape) -> None:
    """Mapped headers must exist; the shape's required fields must be found."""
    for name, header in vocab.columns.items():
        if name not in fields and name not in flags and not (name == "deal" and "id" in fields):
            raise DataError("data_mapped_missing", field=name, header=header, file=file,
                            found=", ".join(n for n in names if n))
    missing = [f for f in REQUIRED[shape] if f not in fields and f not in vocab.defaults]
    if "date" in missing and "month" in fields:
        missing.remove("date")
    if shape is Shape.SUMMARY and "date" not in fields and "month" not in fields:
        missing.append("month")
    if missing:
        expected = "; ".join(f"{f}: {' / '.join(_examples(vocab.headers[f]))}" for f in missing)
        raise DataError("data_columns", file=file, missing=", ".join(missing), expected=expected,
                        found=", ".join(n for n in names if n) or "(none)")

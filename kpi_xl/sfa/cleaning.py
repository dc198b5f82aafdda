"""Cleaning an export's rows, vectorised with pandas, with every finding counted and listed
by source row: nothing is dropped silently, and read = used + excluded always holds."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from kpi_xl.engine.observations import Observation
from kpi_xl.engine.values import fold_name
from kpi_xl.sfa.context import Context
from kpi_xl.sfa.encodings import as_category, shared_encodings
from kpi_xl.sfa.findings import Finding, Listed, Rule
from kpi_xl.sfa.header import Header, Shape
from kpi_xl.sfa.outcomes import outcomes
from kpi_xl.sfa.parsing import (
    OWN_UNIT,
    lookup_words,
    parse_dates,
    parse_numbers,
    parse_times,
    text_values,
    without_excel_text,
    yen_scale,
)
from kpi_xl.sfa.reading import RawFile
from kpi_xl.sfa.repeats import repeated as repeated_ids
from kpi_xl.sfa.tally import Tally
from kpi_xl.sfa.vocabulary import STAGE_ORDER, Vocabulary, key

MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"))}


@dataclass
class Cleaned:
    """Rows that can be used, in canonical columns, plus what was found on the way."""

    file: str
    shape: Shape
    frame: pd.DataFrame  # row, owner, date, timed, type, o:<outcome> …, count, amount, id, deal, account …
    read: int
    findings: list[Finding] = field(default_factory=list)
    sourced: frozenset[Observation] = frozenset()  # what this file can tell (no column: no data)
    tally: Tally | None = None  # a file read in chunks: its counts, its rows not kept (frame empty)
    kept: int | None = None  # … and how many rows it used

    @property
    def excluded(self) -> int:
        return sum(f.count for f in self.findings if f.excludes)

    @property
    def used(self) -> int:
        return len(self.frame) if self.kept is None else self.kept

    def dates(self) -> pd.Series:
        """The dates of the rows used (of a file read in chunks: each such day once)."""
        if self.tally is not None and self.tally.days is not None:
            return self.tally.days
        return self.frame["date"].dropna() if "date" in self.frame else pd.Series(dtype="datetime64[ns]")

    def teams(self) -> pd.DataFrame:
        """owner, team, rows: how many rows used name each owner's team (a team column's)."""
        if self.tally is not None and self.tally.teams is not None:
            return self.tally.teams
        if "team" not in self.frame:
            return pd.DataFrame(columns=["owner", "team", "rows"])
        both = self.frame[["owner", "team"]].dropna().astype(str)
        return both.groupby(["owner", "team"], as_index=False).size().rename(columns={"size": "rows"})


# An owner that is a spreadsheet formula (=HYPERLINK(…), =A1, +SUM(…)) leaked from a sheet, not
# a person: reported and left out, never given a row of its own on 担当者別.
FORMULA_LIKE = r"^\s*(?:=|[+@]\s*[A-Za-z_][\w.]*\s*\()"


def _excel_text(ctx: Context) -> None:
    """Cells written ="0001" read as their text (0001) before any rule looks at them, noted by
    column (each column named, hits or not, when a log is read in chunks: joined by position)."""
    ctx.data, hits = without_excel_text(ctx.data)  # a copy when any is: never the caller's rows
    none = pd.Series(False, index=ctx.data.index)
    names = ctx.header.names  # a ragged row may run past the header
    for position, hit in enumerate(hits):
        ctx.note(Rule.EXCEL_TEXT, none if hit is None else hit,
                 detail=names[position] if position < len(names) else f"#{position + 1}")


def _undecodable(ctx: Context) -> None:
    """Rows with a byte the file's encoding has no character for (read as U+FFFD): a garbled
    name would be a rep of its own, so the row is left out, named, rather than counted."""
    if not ctx.replaced:
        return
    broken = pd.Series(False, index=ctx.data.index)
    for i in range(ctx.data.shape[1]):
        broken |= ctx.data.iloc[:, i].astype("string").str.contains("\ufffd", regex=False).fillna(False).astype(bool)
    ctx.exclude(Rule.UNDECODABLE, broken)


def _overlong(ctx: Context) -> None:
    """In a CSV whose lines differ in length, a row with cells past the header's last column
    (an unquoted comma in a memo shifts every cell after it): left out, never read shifted."""
    if not ctx.ragged:
        return
    named = [i for i, name in enumerate(ctx.header.names) if name]
    last = named[-1] if named else -1
    if ctx.data.shape[1] > last + 1:
        ctx.exclude(Rule.EXTRA_CELLS, ctx.data.iloc[:, last + 1:].notna().any(axis=1))


def _blank_and_total_rows(ctx: Context) -> None:
    positions = sorted({*ctx.header.fields.values(), *ctx.header.flags.values()})
    blank = np.logical_and.reduce([ctx.text_at(i).isna().to_numpy(dtype=bool) for i in positions])
    ctx.exclude(Rule.BLANK_ROW, pd.Series(blank, index=ctx.data.index))
    markers = {key(m): "total" for m in ctx.vocab.totals}
    owner = ctx.text("owner") if ctx.column("owner") is not None else pd.Series(pd.NA, index=ctx.data.index)
    marked = lookup_words(owner, markers, words_only=True).notna() | lookup_words(
        ctx.text_at(0), markers, words_only=True).notna()
    ownerless = owner.isna() & ~marked
    if ownerless.any():  # 合計 in any column of a row without an owner: a total row, not a missing owner
        for i in positions:
            hit = lookup_words(ctx.text_at(i)[ownerless], markers, words_only=True).notna()
            marked = marked | hit.reindex(marked.index, fill_value=False)
    ctx.exclude(Rule.TOTAL_ROW, marked)
    ctx.exclude(Rule.NOTE_LINE, _note_lines(ctx, owner))
    ctx.exclude(Rule.MISSING_OWNER, owner.isna())
    distinct = pd.Series(owner.dropna().unique(), dtype=object)  # a few hundred names, not a million rows
    formula = owner.isin(distinct[distinct.str.match(FORMULA_LIKE)]).astype(bool)
    ctx.exclude(Rule.FORMULA_OWNER, formula, detail=ctx.unknown_values(owner, owner.where(~formula)))
    ctx.frame["owner"] = as_category(owner)


def _note_lines(ctx: Context, owner: pd.Series) -> pd.Series:
    """Rows without an owner holding one cell only — a report's name, its copyright, who
    generated it (a Salesforce export ends so) — notes, not rows missing their owner. Judged
    row by row, so a log read in chunks finds the same."""
    lines = pd.Series(False, index=ctx.data.index)
    ownerless = owner.isna().to_numpy(dtype=bool)
    if ownerless.any():
        lines[ownerless] = (ctx.data[ownerless].notna().sum(axis=1) == 1).to_numpy()
    return lines


def _status(ctx: Context) -> None:
    """An activity's status (状況, a meeting's outcome): a task not done yet (未着手, not started)
    was planned, not performed, and one that did not take place (キャンセル, no show) never was:
    both are left out; a status neither done, open nor cancelled is noted and the row kept."""
    if ctx.header.shape is not Shape.ACTIVITIES or ctx.column("status") is None:
        return
    raw = ctx.text("status")
    status = lookup_words(raw, ctx.vocab.lookup(ctx.vocab.statuses))
    for word, rule in (("open", Rule.NOT_DONE), ("cancelled", Rule.CANCELLED)):
        hit = (status == word).fillna(False).astype(bool)
        ctx.exclude(rule, hit, detail=Listed({str(v) for v in raw[hit & ~ctx.excluded].unique()}))
    ctx.note(Rule.UNKNOWN_STATUS, raw.notna() & status.isna(), detail=ctx.unknown_values(raw, status))


def _stages(ctx: Context) -> None:
    if ctx.header.shape is not Shape.OPPORTUNITIES:
        return
    raw_stage = ctx.text("stage")
    stage = lookup_words(raw_stage, ctx.vocab.lookup(ctx.vocab.stages))
    ctx.exclude(Rule.UNKNOWN_STAGE, stage.isna(), detail=ctx.unknown_values(raw_stage, stage))
    ctx.frame["stage"] = stage.astype(object)


def _month_dates(ctx: Context) -> pd.Series:
    """A month column (2026-10, 2026/10, 2026年10月) as the first of that month; with a
    mapping's ``year``, month names (may, jun …) and a day column."""
    if ctx.vocab.year is None:
        return ctx.text("month").astype(object).map(
            lambda v: re.sub(r"[年/.]", "-", unicodedata.normalize("NFKC", v)).rstrip("月").strip() + "-01"
            if isinstance(v, str) else pd.NA)
    day = ctx.text("day").astype(object) if ctx.column("day") is not None else pd.Series("1", index=ctx.data.index)
    return pd.Series([_dated(ctx.vocab.year, m, d) for m, d in zip(ctx.text("month").astype(object), day)],
                     index=ctx.data.index, dtype="string")


@lru_cache(maxsize=4096)  # a log holds a few hundred month × day pairs
def _dated(year: int, month: object, day: object) -> object:
    """``year``-month-day from a month (oct, October, 10, １０) and a day (15, １５, 15.0) as the
    ISO date text; a month or day that is neither stays in the text, so the date is reported
    unreadable (never a wrong day: 1.5 is no day); NA when either is blank."""
    if not isinstance(month, str) or not isinstance(day, str):
        return pd.NA
    folded_month, folded_day = (unicodedata.normalize("NFKC", v).strip().lower() for v in (month, day))
    number = MONTHS.get(folded_month[:3]) or (int(folded_month) if re.fullmatch(r"0?[1-9]|1[0-2]", folded_month)
                                              else None)
    whole = re.fullmatch(r"(\d{1,2})(?:\.0*)?", folded_day)
    return f"{year}-{number:02d}-{int(whole[1]):02d}" if number and whole else f"{year}-{month}-{day}"


def _converted(ctx: Context, text: pd.Series, serial: pd.Series, zoned: pd.Series, column: str) -> None:
    """Notes of a date column's values converted: text dates, Excel serials, UTC offsets."""
    ctx.note(Rule.DATE_TEXT, text, detail=column)
    ctx.note(Rule.DATE_SERIAL, serial, detail=column)
    ctx.note(Rule.DATE_ZONE, zoned, detail=f"{column}: {ctx.vocab.timezone}" if column else ctx.vocab.timezone)


def _dates(ctx: Context) -> None:
    fields = ctx.header.fields
    raw = _month_dates(ctx) if "month" in fields and "date" not in fields else ctx.column("date")
    if raw is None:  # a deal list without any date column: every engaged deal lacks its date
        raw = pd.Series(pd.NA, index=ctx.data.index, dtype="string")
    date, as_text, serial, bad, outside, zoned = parse_dates(raw, ctx.vocab.timezone)
    column = ctx.header.names[fields["date"]] if "date" in fields else ""
    ctx.exclude(Rule.DATE_OUTSIDE, outside, detail=column)
    undated = date.isna() & ~bad
    if "stage" in ctx.frame:
        undated = undated & (ctx.frame["stage"] != "prospect")  # deals not yet engaged have no engage date
    ctx.exclude(Rule.MISSING_DATE, undated)
    ctx.exclude(Rule.BAD_DATE, bad)
    _converted(ctx, as_text, serial, zoned, column)
    timed = date.notna() & (date != date.dt.normalize())
    if ctx.column("time") is not None:  # a separate time-of-day column (時刻)
        offset, bad_time = parse_times(ctx.column("time"))
        ctx.note(Rule.BAD_TIME, bad_time, detail=ctx.header.names[fields["time"]])
        date = date.where(offset.isna(), date.dt.normalize() + offset)
        timed = timed | (offset.notna() & date.notna())
    _not_yet(ctx, date)
    ctx.frame["date"] = date
    ctx.frame["timed"] = timed.to_numpy(dtype=bool)
    for other in ("close_date", "last_activity"):
        if ctx.column(other) is not None:
            parsed, o_text, o_serial, o_bad, o_outside, o_zoned = parse_dates(ctx.column(other), ctx.vocab.timezone)
            name = ctx.header.names[fields[other]]
            _converted(ctx, o_text, o_serial, o_zoned, name)
            if other == "close_date":
                ctx.exclude(Rule.DATE_OUTSIDE, o_outside, detail=name)
                ctx.exclude(Rule.BAD_DATE, o_bad, detail=name)
            else:
                ctx.note(Rule.DATE_OUTSIDE, o_outside, detail=name)
                ctx.note(Rule.BAD_DATE, o_bad, detail=name)
            ctx.frame[other] = parsed


def _not_yet(ctx: Context, date: pd.Series) -> None:
    """An activity dated after today (a task scheduled for next week, in a log without a status
    column) was planned, not performed: left out. Deals keep their future close dates."""
    if ctx.header.shape is Shape.ACTIVITIES and ctx.vocab.today is not None:
        tomorrow = pd.Timestamp(ctx.vocab.today) + pd.Timedelta(days=1)
        ctx.exclude(Rule.FUTURE_DATE, date >= tomorrow, detail=ctx.vocab.today.isoformat())


def _number_column(ctx: Context, raw: pd.Series, name: str, *, whole: bool = False) -> pd.Series:
    """A column of numbers; with ``whole``, a count: 2.5 calls or −40 deals are excluded."""
    values, normal, bad = parse_numbers(raw)
    ctx.note(Rule.NUMBER_TEXT, normal, detail=name)
    ctx.exclude(Rule.BAD_NUMBER, bad, detail=name)
    if whole:
        ctx.exclude(Rule.BAD_COUNT, values.notna() & ((values < 0) | (values % 1 != 0)), detail=name)
    return values


def _in_yen(ctx: Context, values: pd.Series, raw: pd.Series, header: str) -> pd.Series:
    """Amounts in the unit their header names (金額（千円）: ×1,000), noted; a cell that says
    its own unit (80万円) is already in yen."""
    scale = yen_scale(header)
    if scale == 1:
        return values
    plain = values.notna() & ~text_values(raw).str.contains(OWN_UNIT).fillna(False).astype(bool)
    ctx.note(Rule.AMOUNT_UNIT, plain, detail=f"{header}: ×{scale:,}")
    return values.where(~plain, values * scale)


def _amounts(ctx: Context) -> None:
    for field_name in ("amount", "count"):
        if ctx.column(field_name) is not None:
            values = _number_column(ctx, ctx.column(field_name), field_name, whole=field_name == "count")
            if field_name == "amount" and "amount" in ctx.header.fields:
                values = _in_yen(ctx, values, ctx.column("amount"), ctx.header.names[ctx.header.fields["amount"]])
            ctx.frame[field_name] = values
    for column in ctx.header.metrics:  # a summary table's metric columns
        if column.is_rate:  # a given rate ("20%") is recomputed from its counts
            ctx.findings.append(Finding(Rule.RATE_RECOMPUTED, ctx.name, [], ctx.header.names[column.position]))
        else:
            raw = ctx.data.iloc[:, column.position]
            values = _number_column(ctx, raw, column.metric, whole=column.whole)
            ctx.frame[f"m:{column.metric}"] = values if column.whole else \
                _in_yen(ctx, values, raw, ctx.header.names[column.position])
    if ctx.header.shape is Shape.SUMMARY:  # a summary's 通電 / 商談化 column: counts of that outcome
        for outcome, position in ctx.header.flags.items():
            ctx.frame[f"n:{outcome}"] = _number_column(ctx, ctx.data.iloc[:, position], outcome, whole=True)
            ctx.sourced.add(Observation(outcome))


def _extras(ctx: Context) -> None:
    for extra in ("id", "deal", "product", "account", "team", "loss_reason"):
        if ctx.column(extra) is not None:
            ctx.frame[extra] = ctx.text(extra)


def duplicates(ctx: Context) -> None:
    """Records exported twice (an ID seen again with an identical row), and IDs repeated: the
    last row of an ID is kept. Without an ID, identical rows are noted and kept."""
    frame, data = ctx.frame, ctx.data
    if "id" not in frame:  # without an ID, two identical calls on a day are real: report, keep
        ctx.note(Rule.IDENTICAL_ROWS, data.astype("string").duplicated(keep="first"))
        return
    repeated = repeated_ids(frame["id"])  # one GROUP BY over the IDs; blank IDs never repeat
    none = pd.Series(False, index=data.index)
    if not repeated.any():  # each ID once (a clean export): nothing repeats
        ctx.exclude(Rule.DUPLICATE_ROW, none)
        ctx.exclude(Rule.DUPLICATE_ID, none)
        return
    identical = none.copy()
    identical[repeated] = data[repeated].astype("string").duplicated(keep="first")  # the same record twice
    ctx.exclude(Rule.DUPLICATE_ROW, identical)
    _stages_backwards(ctx)
    codes = np.full(len(repeated), -1)
    codes[repeated] = pd.factorize(frame["id"][repeated])[0]  # only the repeated IDs hashed again
    ctx.exclude(Rule.DUPLICATE_ID, pd.Series(_not_last(codes, repeated & ~ctx.excluded.to_numpy(dtype=bool)),
                                             index=data.index))


def _not_last(codes: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Among the ``live`` rows, those followed later by a row of the same code (an ID's last row is kept)."""
    at = np.flatnonzero(live)
    last = np.full(int(codes.max(initial=-1)) + 1, -1)
    np.maximum.at(last, codes[at], at)
    out = np.zeros(len(codes), dtype=bool)
    out[at] = last[codes[at]] != at
    return out


def _name_variants(ctx: Context) -> None:
    for column_name in VARIANT_COLUMNS:
        if column_name in ctx.frame:
            kept = ~ctx.excluded
            values = ctx.frame.loc[kept, column_name]
            odd, detail = variant_spellings(values.value_counts(), column_name)
            if odd:
                rows = ctx.frame.loc[kept, "row"][values.isin(odd)]
                ctx.findings.append(Finding(Rule.NAME_VARIANT, ctx.name, rows.to_numpy(dtype="int64"), detail))


# Rules that look at one row at a time, then those that compare rows (they come last).
ROW_STEPS = (_undecodable, _excel_text, _overlong, _blank_and_total_rows, _status, _stages, _dates, _amounts, _extras,
             outcomes)
STEPS = (*ROW_STEPS, duplicates, _name_variants)
VARIANT_COLUMNS = ("owner", "product")


def clean(raw: RawFile, header: Header, vocab: Vocabulary) -> Cleaned:
    """Apply every rule to one file's rows; read = used + excluded."""
    ctx = Context.start(raw, header, vocab)
    with shared_encodings():
        for step in STEPS:
            step(ctx)
    return cleaned(ctx)


def cleaned(ctx: Context) -> Cleaned:
    """The rows a context kept, with its findings."""
    kept = ctx.frame if not ctx.excluded.any() else ctx.frame.loc[~ctx.excluded]
    return Cleaned(ctx.name, ctx.header.shape, kept.reset_index(drop=True), len(ctx.data), ctx.findings,
                   frozenset(ctx.sourced))


def _stages_backwards(ctx: Context) -> None:
    """Stages going backwards among the rows of one deal (a history of snapshots)."""
    if ctx.header.shape is not Shape.OPPORTUNITIES:
        return
    frame = ctx.frame
    live = frame.loc[~ctx.excluded & frame["id"].notna()]
    repeated = live[live["id"].duplicated(keep=False)]
    if repeated.empty:
        return
    rank = repeated["stage"].map({s: i for i, s in enumerate(STAGE_ORDER)}).fillna(-1)
    when = repeated["date"].fillna(repeated.get("close_date", repeated["date"]))
    ordered = repeated.assign(rank=rank, when=when).sort_values(["id", "when", "row"])
    back = ordered.groupby("id")["rank"].diff() < 0
    back = back & ~ordered["stage"].isin(["lost", "disqualified"])
    if back.any():
        ctx.findings.append(Finding(Rule.STAGE_BACKWARDS, ctx.name, ordered.loc[back, "row"].to_numpy(dtype="int64")))


def variant_spellings(counts: pd.Series, column_name: str) -> tuple[set[str], str]:
    """Names that differ only by spaces or width (reported, not merged), from how many rows
    spell each name: the less common spellings, and the finding's detail."""
    counts = counts[counts > 0]
    if counts.empty:
        return set(), ""
    uniques = pd.Series(counts.index.astype(str))
    groups = uniques.groupby(uniques.map(fold_name)).agg(list)
    clashes = [sorted(g) for g in groups if len(g) > 1]
    odd = {v for group in clashes for v in sorted(group, key=lambda v: -counts.get(v, 0))[1:]}
    return odd, f"{column_name}: " + "; ".join(" / ".join(g) for g in clashes[:10]) if clashes else ""

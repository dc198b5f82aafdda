"""Cleaning an export's rows, vectorised with pandas, with every finding counted and listed
by source row: nothing is dropped silently, and read = used + excluded always holds."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_xl.engine.values import parse_number
from kpi_xl.errors import KpiXlError
from kpi_xl.sfa.findings import Finding, Rule
from kpi_xl.sfa.header import Header, Shape
from kpi_xl.sfa.reading import RawFile
from kpi_xl.sfa.vocabulary import STAGE_ORDER, Vocabulary, key

MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"))}


@dataclass
class Cleaned:
    """Rows that can be used, in canonical columns, plus what was found on the way."""

    file: str
    shape: Shape
    frame: pd.DataFrame  # row, owner, date, close_date, stage, type, result, count, amount, id, product
    read: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def excluded(self) -> int:
        return sum(f.count for f in self.findings if f.excludes)

    @property
    def used(self) -> int:
        return len(self.frame)


def _text(series: pd.Series) -> pd.Series:
    """Values as stripped strings; NA for blanks. A column that needs no stripping is reused
    as it is, not copied (it matters at ten million rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = series.astype("string[pyarrow]")
    array = pa.array(out)
    if pc.any(pc.match_substring_regex(array, r"^\s|\s$")).as_py():
        out = out.str.strip()
        return out.mask(out == "", pd.NA)
    if pc.any(pc.equal(array, "")).as_py():
        return out.mask(out == "", pd.NA)
    return out


def _lookup(series: pd.Series, table: dict[str, str], *, words_only: bool = False) -> pd.Series:
    """Map values through ``table`` by their :func:`~kpi_xl.sfa.vocabulary.key` (None where no
    word matches). Keys are computed once per distinct value (pyarrow dictionary encoding);
    ``words_only`` skips values with digits (IDs, dates), which no vocabulary word has."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(series.astype("string[pyarrow]"))
    if words_only:
        array = pc.if_else(pc.match_substring_regex(array, r"\d"), pa.scalar(None, pa.string()), array)
    encoded = pc.dictionary_encode(array)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    names = [table.get(key(v)) for v in encoded.dictionary.to_pylist()]
    mapped = pa.array(names, type=pa.string()).take(encoded.indices)
    return pd.Series(mapped.to_numpy(zero_copy_only=False), index=series.index, dtype=object)


def _rows(mask: pd.Series, numbers: pd.Series) -> list[int]:
    return numbers[mask.fillna(False).to_numpy(dtype=bool)].tolist()


def _parse_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(parsed, text-format mask, Excel-serial mask, unparseable mask)."""
    present = raw.notna()
    if raw.dtype == object:
        typed = raw.map(lambda v: v if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year") else pd.NA)
        parsed = pd.to_datetime(typed, errors="coerce")
        text = _text(raw.where(typed.isna()))
    else:
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        text = _text(raw)
    plain = pd.to_datetime(text.where(parsed.isna()), format="%Y-%m-%d", errors="coerce")  # the common case, fast
    parsed = parsed.fillna(plain)
    as_text = pd.Series(False, index=raw.index)
    serial = pd.Series(False, index=raw.index)
    others = parsed.isna() & text.notna()
    if others.any():
        odd = text[others]
        numeric = odd.str.fullmatch(r"\d{5}(\.0+)?").fillna(False).astype(bool)
        if numeric.any():  # Excel serial day numbers (46000 = 2025-12-09)
            days = pd.to_numeric(odd[numeric], errors="coerce")
            parsed = parsed.fillna((pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")).reindex(raw.index))
            serial = numeric.reindex(raw.index, fill_value=False)
        rest_text = odd[~numeric]
        iso = pd.to_datetime(rest_text.astype(object), format="ISO8601", errors="coerce")
        parsed = parsed.fillna(iso.reindex(raw.index))
        as_text = (iso.notna() & ~rest_text.str.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?").fillna(False)
                   .astype(bool)).reindex(raw.index, fill_value=False)
    rest = present & parsed.isna() & text.notna()
    if rest.any():
        def normal(value: str) -> str:
            v = unicodedata.normalize("NFKC", value).strip()
            v = re.sub(r"[年月/.]", "-", v).replace("日", "")
            return v

        retry = pd.to_datetime(text[rest].map(normal), format="ISO8601", errors="coerce")
        as_text = as_text | retry.notna().reindex(raw.index, fill_value=False)
        parsed = parsed.fillna(retry.reindex(raw.index))
    bad = present & parsed.isna()
    return parsed.astype("datetime64[ns]"), as_text, serial, bad


def _fast_numbers(text: pd.Series) -> pd.Series | None:
    """Plain numeric text cast in one pyarrow call; None when any value needs the slow path."""
    if text.dtype == object:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        cast = pc.cast(pa.array(text.astype("string[pyarrow]")), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(cast.to_numpy(zero_copy_only=False), index=text.index)


def _numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, normalised-text mask, unparseable mask): "1,200", "１２", "¥1,000", "▲500"…"""
    text = _text(raw) if raw.dtype != object else raw.map(lambda v: v if isinstance(v, (int, float)) else
                                                          (str(v).strip() or pd.NA) if v is not None else pd.NA)
    values = _fast_numbers(text)
    if values is None:
        values = pd.to_numeric(text, errors="coerce")
    rest = text.notna() & values.isna()
    normal = pd.Series(False, index=raw.index)
    bad = pd.Series(False, index=raw.index)
    if rest.any():
        def parse(value: object) -> float:
            try:
                return parse_number(value, "value")
            except KpiXlError:
                return np.nan

        uniques = text[rest].astype(str).unique()
        table = {u: parse(u) for u in uniques}
        fixed = text[rest].astype(str).map(table)
        values = values.astype("float64").fillna(fixed.reindex(raw.index))
        normal = fixed.notna().reindex(raw.index, fill_value=False)
        bad = fixed.isna().reindex(raw.index, fill_value=False)
    return values.astype("float64"), normal, bad


@dataclass
class _Context:
    """One file being cleaned: the rows, what has been excluded, found and kept so far."""

    name: str
    data: pd.DataFrame
    header: Header
    vocab: Vocabulary
    numbers: pd.Series  # source row numbers (1-based)
    frame: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    excluded: pd.Series = None  # type: ignore[assignment]
    texts: dict[int, pd.Series] = field(default_factory=dict)

    @classmethod
    def start(cls, raw: RawFile, header: Header, vocab: Vocabulary) -> _Context:
        data = raw.rows.iloc[header.rows:]
        numbers = pd.Series(data.index + 1, index=data.index)
        ctx = cls(raw.path.name, data, header, vocab, numbers, pd.DataFrame({"row": numbers.astype("int64")}))
        ctx.excluded = pd.Series(False, index=data.index)
        return ctx

    def exclude(self, rule: Rule, mask: pd.Series, detail: str = "") -> None:
        """Leave the rows in ``mask`` out, with a finding (rows already excluded not counted twice)."""
        hit = mask.fillna(False) & ~self.excluded
        if hit.any():
            self.findings.append(Finding(rule, self.name, _rows(hit, self.numbers), detail))
            self.excluded = self.excluded | hit

    def note(self, rule: Rule, mask: pd.Series, detail: str = "") -> None:
        """Report the rows in ``mask`` and keep them."""
        hit = mask.fillna(False) & ~self.excluded
        if hit.any():
            self.findings.append(Finding(rule, self.name, _rows(hit, self.numbers), detail))

    def column(self, field_name: str) -> pd.Series | None:
        """The raw column of a field, a mapping's constant default, or None."""
        position = self.header.fields.get(field_name)
        if position is None:
            if field_name in self.vocab.defaults:
                return pd.Series(self.vocab.defaults[field_name], index=self.data.index, dtype="string")
            return None
        return self.data.iloc[:, position]

    def text_at(self, position: int) -> pd.Series:
        if position not in self.texts:
            self.texts[position] = _text(self.data.iloc[:, position])
        return self.texts[position]

    def text(self, field_name: str) -> pd.Series:
        position = self.header.fields.get(field_name)
        return self.text_at(position) if position is not None else _text(self.column(field_name))

    def unknown_values(self, raw: pd.Series, mapped: pd.Series) -> str:
        """The first 20 raw values that mapped to nothing, for a finding's detail."""
        return ", ".join(sorted({str(v) for v in raw[mapped.isna() & ~self.excluded].dropna().unique()})[:20])


def _blank_and_total_rows(ctx: _Context) -> None:
    positions = sorted(set(ctx.header.fields.values()))
    ctx.exclude(Rule.BLANK_ROW, pd.concat([ctx.text_at(i).isna() for i in positions], axis=1).all(axis=1))
    markers = {key(m): "total" for m in ctx.vocab.totals}
    owner = ctx.text("owner") if ctx.column("owner") is not None else pd.Series(pd.NA, index=ctx.data.index)
    ctx.exclude(Rule.TOTAL_ROW, _lookup(owner, markers, words_only=True).notna()
                | _lookup(ctx.text_at(0), markers, words_only=True).notna())
    ctx.exclude(Rule.MISSING_OWNER, owner.isna())
    ctx.frame["owner"] = owner.astype("category")


def _stages(ctx: _Context) -> None:
    if ctx.header.shape is not Shape.OPPORTUNITIES:
        return
    raw_stage = ctx.text("stage")
    stage = _lookup(raw_stage, ctx.vocab.lookup(ctx.vocab.stages))
    ctx.exclude(Rule.UNKNOWN_STAGE, stage.isna(), detail=ctx.unknown_values(raw_stage, stage))
    ctx.frame["stage"] = stage


def _month_dates(ctx: _Context) -> pd.Series:
    """A month column (2026-10, 2026/10, 2026年10月) as the first of that month; with a
    mapping's ``year``, month names (may, jun …) and a day column."""
    if ctx.vocab.year is None:
        return ctx.text("month").astype(object).map(
            lambda v: re.sub(r"[年/.]", "-", unicodedata.normalize("NFKC", v)).rstrip("月").strip() + "-01"
            if isinstance(v, str) else pd.NA)
    months = ctx.text("month").astype(object).map(lambda v: MONTHS.get(str(v).lower()[:3])
                                                  if isinstance(v, str) else None)
    days = pd.to_numeric(ctx.text("day"), errors="coerce") if ctx.column("day") is not None \
        else pd.Series(1, index=ctx.data.index)
    return pd.Series([f"{ctx.vocab.year}-{int(m):02d}-{int(d):02d}" if m and d == d else pd.NA
                      for m, d in zip(months, days)], index=ctx.data.index, dtype="string")


def _dates(ctx: _Context) -> None:
    fields = ctx.header.fields
    raw = _month_dates(ctx) if "month" in fields and "date" not in fields else ctx.column("date")
    date, as_text, serial, bad = _parse_dates(raw)
    undated = date.isna() & ~bad
    if "stage" in ctx.frame:
        undated = undated & (ctx.frame["stage"] != "prospect")  # deals not yet engaged have no engage date
    ctx.exclude(Rule.MISSING_DATE, undated)
    ctx.exclude(Rule.BAD_DATE, bad)
    ctx.note(Rule.DATE_TEXT, as_text)
    ctx.note(Rule.DATE_SERIAL, serial)
    ctx.frame["date"] = date
    if ctx.column("close_date") is not None:
        close, c_text, c_serial, c_bad = _parse_dates(ctx.column("close_date"))
        ctx.note(Rule.DATE_TEXT, c_text)
        ctx.note(Rule.DATE_SERIAL, c_serial)
        ctx.exclude(Rule.BAD_DATE, c_bad)
        ctx.frame["close_date"] = close


def _number_column(ctx: _Context, raw: pd.Series, name: str) -> pd.Series:
    values, normal, bad = _numbers(raw)
    ctx.note(Rule.NUMBER_TEXT, normal, detail=name)
    ctx.exclude(Rule.BAD_NUMBER, bad, detail=name)
    return values


def _amounts(ctx: _Context) -> None:
    for field_name in ("amount", "count"):
        if ctx.column(field_name) is not None:
            ctx.frame[field_name] = _number_column(ctx, ctx.column(field_name), field_name)
    for column in ctx.header.metrics:  # a summary table's metric columns
        if column.is_rate:  # a given rate ("20%") is recomputed from its counts
            ctx.findings.append(Finding(Rule.RATE_RECOMPUTED, ctx.name, [], ctx.header.names[column.position]))
        else:
            ctx.frame[f"m:{column.metric}"] = _number_column(ctx, ctx.data.iloc[:, column.position], column.metric)


def _activity_types(ctx: _Context) -> None:
    if ctx.header.shape is not Shape.ACTIVITIES:
        return
    raw_type = ctx.text("type") if ctx.column("type") is not None else pd.Series(pd.NA, index=ctx.data.index)
    ctx.frame["type"] = _lookup(raw_type, ctx.vocab.lookup(ctx.vocab.types))
    ctx.exclude(Rule.UNKNOWN_TYPE, ctx.frame["type"].isna(), detail=ctx.unknown_values(raw_type, ctx.frame["type"]))
    if ctx.column("result") is not None:
        ctx.frame["result"] = _lookup(ctx.text("result"), ctx.vocab.lookup(ctx.vocab.results))


def _extras(ctx: _Context) -> None:
    for extra in ("id", "product", "account"):
        if ctx.column(extra) is not None:
            ctx.frame[extra] = ctx.text(extra)


def _duplicates(ctx: _Context) -> None:
    frame, data = ctx.frame, ctx.data
    if "id" not in frame:  # without an ID, two identical calls on a day are real: report, keep
        ctx.note(Rule.IDENTICAL_ROWS, data.astype("string").duplicated(keep="first"))
        return
    repeated = frame["id"].notna() & frame["id"].duplicated(keep=False)
    identical = pd.Series(False, index=data.index)
    if repeated.any():  # with an ID, an identical row is the same record exported twice
        identical[repeated] = data[repeated].astype("string").duplicated(keep="first")
    ctx.exclude(Rule.DUPLICATE_ROW, identical)
    _stages_backwards(ctx)
    ids = frame["id"].where(~ctx.excluded)
    ctx.exclude(Rule.DUPLICATE_ID, ids.notna() & ids.duplicated(keep="last"))


def _name_variants(ctx: _Context) -> None:
    for column_name in ("owner", "product"):
        if column_name in ctx.frame:
            kept = ~ctx.excluded
            _variants(ctx.frame.loc[kept, column_name], ctx.frame.loc[kept, "row"], ctx.findings, ctx.name,
                      column_name)


STEPS = (_blank_and_total_rows, _stages, _dates, _amounts, _activity_types, _extras, _duplicates, _name_variants)


def clean(raw: RawFile, header: Header, vocab: Vocabulary) -> Cleaned:
    """Apply every rule to one file's rows; read = used + excluded."""
    ctx = _Context.start(raw, header, vocab)
    for step in STEPS:
        step(ctx)
    kept = ctx.frame if not ctx.excluded.any() else ctx.frame.loc[~ctx.excluded]
    return Cleaned(ctx.name, header.shape, kept.reset_index(drop=True), len(ctx.data), ctx.findings)


def _stages_backwards(ctx: _Context) -> None:
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
    back = back & ~ordered["stage"].isin(["lost"])
    if back.any():
        ctx.findings.append(Finding(Rule.STAGE_BACKWARDS, ctx.name, sorted(ordered.loc[back, "row"].tolist())))


def _variants(values: pd.Series, rows: pd.Series, findings: list[Finding], name: str, column_name: str) -> None:
    """Names that differ only by spaces or width (reported, not merged)."""
    uniques = pd.Series(values.dropna().unique())
    if uniques.empty:
        return
    folded = uniques.map(lambda v: re.sub(r"\s", "", unicodedata.normalize("NFKC", v)).casefold())
    groups = uniques.groupby(folded).agg(list)
    clashes = [sorted(g) for g in groups if len(g) > 1]
    if clashes:
        counts = values.value_counts()
        odd = {v for group in clashes for v in sorted(group, key=lambda v: -counts.get(v, 0))[1:]}
        hit = values.isin(odd)  # the rows spelled the less common way
        detail = f"{column_name}: " + "; ".join(" / ".join(g) for g in clashes[:10])
        findings.append(Finding(Rule.NAME_VARIANT, name, rows[hit].tolist(), detail))

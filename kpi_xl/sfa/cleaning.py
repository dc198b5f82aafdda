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
from kpi_xl.sfa.header import Header
from kpi_xl.sfa.reading import RawFile
from kpi_xl.sfa.vocabulary import Vocabulary, key

EXCLUDING = ("blank_row", "total_row", "missing_owner", "missing_date", "bad_date", "bad_number",
             "unknown_type", "unknown_stage", "duplicate_row", "duplicate_id")
MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"))}


@dataclass
class Finding:
    """One data-quality rule's hits in one file."""

    rule: str
    file: str
    rows: list[int]
    detail: str = ""

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def excludes(self) -> bool:
        return self.rule in EXCLUDING


@dataclass
class Cleaned:
    """Rows that can be used, in canonical columns, plus what was found on the way."""

    file: str
    shape: str
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


def _dates(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
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


def clean(raw: RawFile, header: Header, vocab: Vocabulary) -> Cleaned:
    name = raw.path.name
    data = raw.rows.iloc[header.rows:]
    numbers = pd.Series(data.index + 1, index=data.index)  # source row numbers (1-based)
    read = len(data)
    findings: list[Finding] = []
    excluded = pd.Series(False, index=data.index)

    def exclude(rule: str, mask: pd.Series, detail: str = "") -> None:
        nonlocal excluded
        hit = mask.fillna(False) & ~excluded
        if hit.any():
            findings.append(Finding(rule, name, _rows(hit, numbers), detail))
            excluded = excluded | hit

    def note(rule: str, mask: pd.Series, detail: str = "") -> None:
        hit = mask.fillna(False) & ~excluded
        if hit.any():
            findings.append(Finding(rule, name, _rows(hit, numbers), detail))

    def column(field_name: str) -> pd.Series | None:
        position = header.fields.get(field_name)
        if position is None:
            if field_name in vocab.defaults:
                return pd.Series(vocab.defaults[field_name], index=data.index, dtype="string")
            return None
        return data.iloc[:, position]

    texts: dict[int, pd.Series] = {}

    def text_at(position: int) -> pd.Series:
        if position not in texts:
            texts[position] = _text(data.iloc[:, position])
        return texts[position]

    def text(field_name: str) -> pd.Series:
        position = header.fields.get(field_name)
        return text_at(position) if position is not None else _text(column(field_name))

    positions = sorted(set(header.fields.values()))
    exclude("blank_row", pd.concat([text_at(i).isna() for i in positions], axis=1).all(axis=1))
    markers = {key(m) for m in vocab.totals}
    owner = text("owner") if column("owner") is not None else pd.Series(pd.NA, index=data.index)
    first = text_at(0)
    marker_table = {m: "total" for m in markers}
    exclude("total_row", _lookup(owner, marker_table, words_only=True).notna()
            | _lookup(first, marker_table, words_only=True).notna())
    exclude("missing_owner", owner.isna())

    frame = pd.DataFrame({"row": numbers.astype("int64"), "owner": owner.astype("category")})
    stage = None
    if header.shape == "opportunities":
        stages = vocab.lookup(vocab.stages)
        raw_stage = text("stage")
        stage = _lookup(raw_stage, stages)
        exclude("unknown_stage", stage.isna(), detail=", ".join(sorted(
            {str(v) for v in raw_stage[stage.isna() & ~excluded].dropna().unique()})[:20]))
        frame["stage"] = stage
    if "month" in header.fields and "date" not in header.fields and vocab.year is None:
        # a month column (2026-10, 2026/10, 2026年10月): the first of that month
        date_raw = text("month").astype(object).map(
            lambda v: re.sub(r"[年/.]", "-", unicodedata.normalize("NFKC", v)).rstrip("月").strip() + "-01"
            if isinstance(v, str) else pd.NA)
    elif "month" in header.fields and "date" not in header.fields and vocab.year is not None:
        months = text("month").astype(object).map(lambda v: MONTHS.get(str(v).lower()[:3])
                                                            if isinstance(v, str) else None)
        days = pd.to_numeric(text("day"), errors="coerce") if column("day") is not None else 1
        date_raw = pd.Series([f"{vocab.year}-{int(m):02d}-{int(d):02d}" if m and d == d else pd.NA
                              for m, d in zip(months, days if not isinstance(days, int) else [1] * len(data))],
                             index=data.index, dtype="string")
    else:
        date_raw = column("date")
    date, as_text, serial, bad = _dates(date_raw)
    undated = date.isna() & ~bad
    if stage is not None:
        undated = undated & (stage != "prospect")  # deals not yet engaged have no engage date
    exclude("missing_date", undated)
    exclude("bad_date", bad)
    note("date_text", as_text)
    note("date_serial", serial)
    frame["date"] = date
    if column("close_date") is not None:
        close, c_text, c_serial, c_bad = _dates(column("close_date"))
        note("date_text", c_text)
        note("date_serial", c_serial)
        exclude("bad_date", c_bad)
        frame["close_date"] = close
    for field_name in ("amount", "count"):
        if column(field_name) is not None:
            values, normal, bad_number = _numbers(column(field_name))
            note("number_text", normal, detail=field_name)
            exclude("bad_number", bad_number, detail=field_name)
            frame[field_name] = values
    if header.shape == "summary":
        for metric, position in (header.metrics or {}).items():
            if metric.startswith("rate:"):  # a given rate ("20%") is recomputed from its counts
                findings.append(Finding("rate_recomputed", name, [], f"{header.names[position]}"))
                continue
            values, normal, bad_number = _numbers(data.iloc[:, position])
            note("number_text", normal, detail=metric)
            exclude("bad_number", bad_number, detail=metric)
            frame[f"m:{metric}"] = values
    if header.shape == "activities":
        types = vocab.lookup(vocab.types)
        raw_type = text("type") if column("type") is not None else pd.Series(pd.NA, index=data.index)
        frame["type"] = _lookup(raw_type, types)
        exclude("unknown_type", frame["type"].isna(), detail=", ".join(sorted(
            {str(v) for v in raw_type[frame["type"].isna() & ~excluded].dropna().unique()})[:20]))
        results = vocab.lookup(vocab.results)
        if column("result") is not None:
            frame["result"] = _lookup(text("result"), results)
    for extra in ("id", "product", "account"):
        if column(extra) is not None:
            frame[extra] = text(extra)
    if "id" in frame:  # with an ID, an identical row is the same record exported twice
        repeated = frame["id"].notna() & frame["id"].duplicated(keep=False)
        identical = pd.Series(False, index=data.index)
        if repeated.any():  # compare whole rows only among repeated IDs
            identical[repeated] = data[repeated].astype("string").duplicated(keep="first")
        exclude("duplicate_row", identical)
    else:  # without one, two identical calls on a day are real: report, keep
        note("identical_rows", data.astype("string").duplicated(keep="first"))
    if "id" in frame:
        _duplicate_ids(frame, excluded, findings, name, header.shape)
        ids = frame["id"].where(~excluded)
        exclude("duplicate_id", ids.notna() & ids.duplicated(keep="last"))
    for column_name in ("owner", "product"):
        if column_name in frame:
            _variants(frame.loc[~excluded, column_name], frame.loc[~excluded, "row"], findings, name, column_name)
    kept = frame if not excluded.any() else frame.loc[~excluded]
    return Cleaned(name, header.shape, kept.reset_index(drop=True), read, findings)


def _duplicate_ids(frame: pd.DataFrame, excluded: pd.Series, findings: list[Finding], name: str, shape: str) -> None:
    """Stages going backwards among the rows of one deal (a history of snapshots)."""
    if shape != "opportunities":
        return
    from kpi_xl.sfa.vocabulary import STAGE_ORDER

    live = frame.loc[~excluded & frame["id"].notna()]
    repeated = live[live["id"].duplicated(keep=False)]
    if repeated.empty:
        return
    rank = repeated["stage"].map({s: i for i, s in enumerate(STAGE_ORDER)}).fillna(-1)
    when = repeated["date"].fillna(repeated.get("close_date", repeated["date"]))
    ordered = repeated.assign(rank=rank, when=when).sort_values(["id", "when", "row"])
    back = ordered.groupby("id")["rank"].diff() < 0
    back = back & ~ordered["stage"].isin(["lost"])
    if back.any():
        findings.append(Finding("stage_backwards", name, sorted(ordered.loc[back, "row"].tolist())))


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
        findings.append(Finding("name_variant", name, rows[hit].tolist(), detail))

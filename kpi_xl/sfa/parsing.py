"""Column parsers for export values, vectorised: text, vocabulary words, dates and times,
numbers, yes/no flags and call durations. Each returns the parsed values and masks of the
rows that needed normalising or could not be read, so cleaning can report them by row."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import time, timedelta
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from kpi_xl.engine.values import parse_number
from kpi_xl.errors import KpiXlError
from kpi_xl.sfa.encodings import arrow_text, distinct, factorized, respelled, row_codes
from kpi_xl.sfa.text_bytes import has_digit, may_need_cleaning
from kpi_xl.sfa.vocabulary import TEAM_ZONE, key, note

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
WIDE_TIME = "datetime64[us]"  # a parsed time before it is cut to 1900–2100 (nanoseconds end at 1677 and 2262)
ZONED = r"\d\s*(?:Z|[+-]\d{2}:?\d{2})$"  # …09:00:00Z, …09:00+09:00, …09:00 +0900 (a date alone has none)
FIRST_DATE, LAST_DATE = pd.Timestamp("1900-03-01"), pd.Timestamp("2100-12-31 23:59:59")
# Excel serials read as dates: 10000 (1927-05-18) … 73050 (2100-12-31). A smaller number in a
# date column is no date (serials up to 60 include Excel's fictitious 1900-02-29).
FIRST_SERIAL, LAST_SERIAL = 10_000, 73_051
SECONDS_A_DAY = 86_400.0


# Whatever Python's str.strip removes, as an RE2 pattern: ASCII whitespace, every Unicode space
# (the full-width 　 U+3000, no-break spaces), line and paragraph separators, \x1c–\x1f, NEL.
# RE2's \s alone is ASCII: a name padded with 　 was stripped only when another value in the
# column happened to end in an ASCII space.
SPACE = r"[\s\p{Z}\x{1c}-\x{1f}\x{85}]"
EDGE_SPACE = f"^{SPACE}|{SPACE}$"


def excel_text(series: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """Cells written ="0001" — how an export keeps a CSV cell as text when Excel opens it
    (leading zeros, dates, phone numbers) — as their text, 0001, and which they were; None
    when no cell is (a column of typed values, as read from XLSX, is never)."""
    import pyarrow.compute as pc

    if not pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
        return None
    array = arrow_text(series)
    probe = distinct(array).dictionary if _repetitive(array) else array  # the encoding later steps reuse
    if not pc.any(pc.starts_with(probe, '="')).as_py():
        return None
    hit = pc.fill_null(pc.match_substring_regex(array, r'^="(?:[^"]|"")*"$'), False)
    inner = pc.replace_substring(pc.replace_substring_regex(array, r'^="(.*)"$', r"\1"), '""', '"')
    values = pd.Series(pc.if_else(hit, inner, array), index=series.index, dtype="string[pyarrow]")
    return values, pd.Series(hit.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)


def without_excel_text(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.Series | None]]:
    """``rows`` with every ="…" cell read as its text (:func:`excel_text`) — a copy, or the
    same frame when no cell is one — and per column which cells were (None: no cell)."""
    out, hits = rows, []
    for position in range(rows.shape[1]):
        found = excel_text(rows.iloc[:, position])
        hits.append(None if found is None else found[1])
        if found is not None:
            out = out.copy() if out is rows else out
            out.isetitem(position, found[0])
    return out, hits


def text_values(series: pd.Series) -> pd.Series:
    """Values as stripped strings; NA for blanks. A column that needs no stripping is reused
    as it is, not copied (it matters at ten million rows); a repetitive one (names, dates) is
    stripped on its distinct values."""
    return _per_distinct(series, lambda text: (_stripped(text), pd.Series(False, index=text.index)))[0]


def _per_distinct(series: pd.Series, clean: Callable[[pd.Series], tuple[pd.Series, pd.Series]]
                  ) -> tuple[pd.Series, pd.Series]:
    """``clean`` (text → text, flags) of a column: of its distinct values, spread back to the
    rows, when it repeats itself; the column itself when nothing changed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = series.astype("string[pyarrow]")
    array = pa.array(out)
    if not _repetitive(array):
        return clean(out)
    encoded = distinct(array)
    words = pd.Series(encoded.dictionary, dtype="string[pyarrow]")
    fixed, flags = clean(words)
    if fixed is words and not flags.any():
        return out, pd.Series(False, index=series.index)
    values = pd.Series(pc.take(pa.array(fixed), encoded.indices), index=series.index, dtype="string[pyarrow]")
    respelled(pa.array(values), pa.array(fixed), encoded)  # its encoding follows from the old: not hashed again
    rows = pc.fill_null(pc.take(pa.array(flags.to_numpy(dtype=bool)), encoded.indices), False)
    return values, pd.Series(rows.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)


def _stripped(out: pd.Series) -> pd.Series:
    """``out`` stripped, blanks NA; ``out`` itself when nothing needs it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(out)
    if pc.any(pc.match_substring_regex(array, EDGE_SPACE)).as_py():
        out = out.str.strip()
        return out.mask(out == "", pd.NA)
    if pc.any(pc.equal(array, "")).as_py():
        return out.mask(out == "", pd.NA)
    return out


DIGIT = r"[0-9]"  # what RE2's \d is: ASCII digits only (Python's \d takes any script's)
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # what XML 1.0, and so no xlsx cell, can hold
UNUSUAL = f"{EDGE_SPACE}|{CONTROL}"  # anything text_values or without_control_characters would change


def without_control_characters(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``text`` with control characters removed; (text, mask of the rows that had some)."""
    import pyarrow.compute as pc

    array = arrow_text(text)
    odd = pc.match_substring_regex(array, CONTROL)
    if not pc.any(odd).as_py():
        return text, pd.Series(False, index=text.index)
    cleaned = pd.Series(pc.replace_substring_regex(array, CONTROL, ""), index=text.index, dtype="string[pyarrow]")
    cleaned = cleaned.mask(cleaned.str.strip() == "", pd.NA)
    return cleaned, pd.Series(odd.to_numpy(zero_copy_only=False), index=text.index).fillna(False).astype(bool)


def clean_text(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """:func:`without_control_characters` of :func:`text_values`, in one regex pass over the
    column when nothing needs either (the common case: half the time on a clean export); a
    repetitive column (names, dates, types) is cleaned on its distinct values."""
    return _per_distinct(series, _cleaned)


def _cleaned(out: pd.Series) -> tuple[pd.Series, pd.Series]:
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(out)
    if not may_need_cleaning(array) or (  # the bytes say no (fast), else the regex decides
            not pc.any(pc.match_substring_regex(array, UNUSUAL)).as_py() and not pc.any(pc.equal(array, "")).as_py()):
        return out, pd.Series(False, index=out.index)
    return without_control_characters(text_values(out))


def _repetitive(array: Any) -> bool:
    """Whether a long column holds few distinct values, judged from its first 4096."""
    import pyarrow.compute as pc

    return len(array) > 8192 and len(pc.unique(array.slice(0, 4096))) < 512


def lookup_words(series: pd.Series, table: dict[str, str], *, words_only: bool = False) -> pd.Series:
    """Map values through ``table`` by their :func:`~kpi_xl.sfa.vocabulary.key` (None where no
    word matches). Keys are computed once per distinct value (pyarrow dictionary encoding);
    ``words_only`` skips values with digits (IDs, dates), which no vocabulary word has."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = arrow_text(series)
    if words_only and not _repetitive(array):  # a million IDs: only the few values without digits are looked up
        plain = ~has_digit(array) & np.asarray(pc.is_valid(array).to_numpy(zero_copy_only=False), dtype=bool)
        rows = np.flatnonzero(plain)
        codes = np.full(len(series), -1, dtype=np.int16)
        codes[rows], categories = _word_codes(array.take(pa.array(rows, pa.int64())), table, skip_digits=False)
    else:
        codes, categories = _word_codes(array, table, skip_digits=words_only)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=series.index)


def _word_codes(array: Any, table: dict[str, str], *, skip_digits: bool) -> tuple[np.ndarray, list[str]]:
    """Each value's category code (-1: no word) and the categories, looked up once per distinct value."""
    encoded = distinct(array)
    skip = re.compile(DIGIT).search if skip_digits else (lambda _: None)
    names = [None if skip(v) else table.get(key(v)) for v in encoded.dictionary.to_pylist()]
    categories = sorted({n for n in names if n is not None})
    code_of = [categories.index(n) if n is not None else -1 for n in names]
    codes = np.asarray([*code_of, -1], dtype=np.int16)[row_codes(encoded)]  # the last: a blank row's
    return codes, categories


def _japanese_date(value: str) -> str:
    """2026年10月1日 9時15分 → 2026-10-1 9:15 (full width folded)."""
    v = unicodedata.normalize("NFKC", value).strip()
    v = re.sub(r"(\d+)時(\d+)分(?:(\d+)秒)?", lambda m: f"{m[1]}:{m[2]}" + (f":{m[3]}" if m[3] else ""), v)
    v = re.sub(r"(\d+)時", r"\1:00", v)
    v = re.sub(r"[年月/.](?=\d)", "-", v).replace("日", " ").replace("月", "")
    return re.sub(r"\s+", " ", v).strip()


class Dates(NamedTuple):
    """Parsed dates and, by row, how they were found."""

    values: pd.Series  # datetime64[ns]; NaT where blank, unreadable or outside
    text: pd.Series  # converted from a text format (2026/10/01, 2026年10月1日)
    serial: pd.Series  # converted from an Excel serial day number
    bad: pd.Series  # not a date
    outside: pd.Series  # a date, but before 1900-03-01 or after 2100 (9999-12-31, Excel serial 60)
    zoned: pd.Series  # a time with a UTC offset (…Z, …+09:00), converted to the team's time zone


def _fit(parsed: pd.Series, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Dates in nanoseconds, those outside FIRST_DATE … LAST_DATE cut out; (dates, outside)."""
    parsed = pd.Series(parsed, index=index) if not isinstance(parsed, pd.Series) else parsed.reindex(index)
    outside = parsed.notna() & ((parsed < FIRST_DATE) | (parsed > LAST_DATE))
    return parsed.mask(outside).astype("datetime64[ns]"), outside.astype(bool)


def parse_dates(raw: pd.Series, zone: str = TEAM_ZONE) -> Dates:
    """:func:`dates_by_row` over the column's distinct values, spread back to the rows: an
    export of a million rows holds a few hundred different dates, each parsed once."""
    codes, uniques = factorized(raw)
    if len(uniques) * 2 > len(raw):
        return dates_by_row(raw, zone)
    once = dates_by_row(pd.Series(uniques, dtype=raw.dtype), zone)
    present = codes >= 0
    at = np.where(present, codes, 0)

    def spread(values: pd.Series, blank: object) -> pd.Series:
        out = pd.Series(values.to_numpy()[at] if len(values) else np.full(len(at), blank), index=raw.index)
        return out.where(present, blank)

    return Dates(spread(once.values, pd.NaT).astype("datetime64[ns]"),
                 *(spread(flags, False).astype(bool) for flags in once[1:]))


def dates_by_row(raw: pd.Series, zone: str = TEAM_ZONE) -> Dates:
    """Dates as exports write them. The time of day is kept where the value has one
    (2026-10-01 09:15, 46296.5, a typed XLSX datetime); dates outside 1900-03-01 … 2100-12-31
    — Excel's serials up to 60 (its fictitious 1900-02-29 included), 0001-01-01, 9999-12-31 —
    are reported, never a crash or a wrong month. A time with a UTC offset (a CRM's
    2026-09-30T15:30:00Z) is converted to ``zone``, the team's: 2026-10-01 00:30 in Tokyo."""
    index = raw.index
    present = raw.notna()
    outside = pd.Series(False, index=index)
    if raw.dtype == object:
        typed = raw.map(lambda v: v if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year") else pd.NA)
        parsed, out = _fit(pd.to_datetime(typed.map(_bounded), errors="coerce"), index)
        outside |= out | (typed.notna() & typed.map(_bounded).isna())
        text = text_values(raw.where(typed.isna()))
    else:
        parsed = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
        text = text_values(raw)
    plain, out = _fit(pd.to_datetime(text.where(parsed.isna()), format="%Y-%m-%d", errors="coerce"), index)
    parsed, outside = parsed.fillna(plain), outside | out
    as_text = pd.Series(False, index=index)
    serial = pd.Series(False, index=index)
    zoned = pd.Series(False, index=index)
    others = parsed.isna() & text.notna() & ~outside
    if others.any():
        odd = text[others]
        numeric = odd.str.fullmatch(r"\d{1,7}(\.\d+)?").fillna(False).astype(bool)
        if numeric.any():  # Excel serial day numbers (46000 = 2025-12-09; .5 = noon)
            days = odd[numeric].astype(object).map(float).astype("float64")  # ４６２９６ too (float reads any digits)
            usable = (days >= FIRST_SERIAL) & (days < LAST_SERIAL)
            outside |= (~usable).reindex(index, fill_value=False)
            stamps = EXCEL_EPOCH + pd.to_timedelta((days[usable] * SECONDS_A_DAY).round(), unit="s")
            parsed = parsed.fillna(_fit(stamps, index)[0])
            serial = usable.reindex(index, fill_value=False)
        rest_text = odd[~numeric]
        local, zoned = _iso(rest_text, zone)
        iso, out = _fit(local, index)
        zoned = zoned.reindex(index, fill_value=False)
        parsed, outside = parsed.fillna(iso), outside | out
        as_text = (iso.notna() & ~text.str.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?").fillna(False).astype(bool))
    rest = present & parsed.isna() & text.notna() & ~outside
    if rest.any():
        local, zoned_too = _iso(text[rest].map(_japanese_date), zone)
        zoned = zoned | zoned_too.reindex(index, fill_value=False)
        retry, out = _fit(local, index)
        as_text = as_text | retry.notna()
        parsed, outside = parsed.fillna(retry), outside | out
    bad = present & parsed.isna() & ~outside
    zoned = zoned & parsed.notna()
    return Dates(parsed.astype("datetime64[ns]"), as_text.astype(bool), serial.astype(bool), bad, outside, zoned)


def _iso(text: pd.Series, zone: str) -> tuple[pd.Series, pd.Series]:
    """ISO 8601 text as local times, and which had a UTC offset (Z, +09:00, +0900): those are
    taken to ``zone`` and the offset dropped, so that offsets may differ from row to row. The
    offsets are looked for only when pandas finds some (a log without them pays nothing). In
    microseconds, which hold any year a text can name (-40, 0001): :func:`_fit` cuts the rest."""
    text = text.astype(object)
    none = pd.Series(False, index=text.index)
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except ValueError:  # offsets that differ from row to row, or beside times without one
        parsed = None
    if parsed is not None and parsed.dtype.kind == "M" and getattr(parsed.dt, "tz", None) is None:
        return parsed.astype(WIDE_TIME), none
    zoned = text.str.contains(ZONED).fillna(False).astype(bool)
    local = pd.to_datetime(text.where(~zoned), format="ISO8601", errors="coerce").astype(WIDE_TIME)
    utc = pd.to_datetime(text[zoned], format="ISO8601", errors="coerce", utc=True)
    local[zoned] = utc.dt.tz_convert(zone).dt.tz_localize(None).astype(WIDE_TIME)
    return local, zoned & local.notna()


def _bounded(value: object) -> object:
    """A typed date within FIRST_DATE … LAST_DATE, else NA (datetime(9999, 12, 31) overflows ns)."""
    if value is pd.NA or value is None:
        return pd.NA
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NA
    return stamp if FIRST_DATE <= stamp <= LAST_DATE else pd.NA


def _time_of_day(value: object) -> float:
    """Seconds after midnight: 9:15, 09:15:30, 9時15分, an XLSX time or datetime, 0.385 of a day."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if hasattr(value, "hour"):
        return value.hour * 3600 + value.minute * 60 + value.second  # type: ignore[union-attr]
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value) * SECONDS_A_DAY if 0 <= float(value) < 1 else np.nan
    v = unicodedata.normalize("NFKC", str(value)).strip()
    match = re.fullmatch(r"(\d{1,2})(?::|時)(\d{2})(?:(?::|分)(\d{2}(?:\.\d+)?)秒?|分)?", v)
    if match:
        h, m, s = float(match[1]), float(match[2]), float(match[3] or 0)
        return h * 3600 + m * 60 + s if h < 24 and m < 60 and s < 60 else np.nan
    if re.fullmatch(r"0?\.\d+", v):
        return float(v) * SECONDS_A_DAY
    return np.nan


def parse_times(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A separate time-of-day column as offsets from midnight; (offsets, unparseable mask)."""
    values = raw.astype(object)
    table = {v: _time_of_day(v) for v in pd.unique(values[values.notna()])}
    seconds = pd.to_numeric(values.map(lambda v: table.get(v, np.nan) if v is not None and v is not pd.NA
                                       else np.nan), errors="coerce").astype("float64")
    blank = text_values(values.map(lambda v: "" if v is None or v is pd.NA else str(v))).isna()
    return pd.to_timedelta(seconds, unit="s"), ~blank & seconds.isna()


def _clock_seconds(value: str) -> float:
    """"1:02:03" → 3723, "2:05" → 125 (minutes:seconds), "3分20秒" → 200; NaN otherwise."""
    v = unicodedata.normalize("NFKC", value).strip()
    match = re.fullmatch(r"(?:(\d+)時間)?(?:(\d+)分)?(?:(\d+(?:\.\d+)?)秒)?", v)
    if match and any(match.groups()):
        h, m, s = (float(g) if g else 0.0 for g in match.groups())
        return h * 3600 + m * 60 + s
    parts = v.split(":")
    if 2 <= len(parts) <= 3 and all(re.fullmatch(r"\d+(\.\d+)?", p) for p in parts):
        numbers = [float(p) for p in parts]
        return sum(n * f for n, f in zip(reversed(numbers), (1, 60, 3600)))
    return np.nan


def _duration_of(value: object, unit: str) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return np.nan
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, pd.Timedelta):
        return value.total_seconds()
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value) * {"day": SECONDS_A_DAY, "minute": 60.0}.get(unit, 1.0)
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.\d+)?", unicodedata.normalize("NFKC", text)):
        return _duration_of(float(unicodedata.normalize("NFKC", text)), unit)
    return _clock_seconds(text)


def parse_durations(raw: pd.Series, unit: str = "second") -> tuple[pd.Series, pd.Series]:
    """Call durations as seconds: hh:mm:ss, mm:ss, 3分20秒, an XLSX time, or a plain number in
    ``unit`` ("second", "minute", or "day" for Excel's fraction of a day); (seconds, unparseable)."""
    values = raw.astype(object)
    uniques = pd.unique(values[values.notna()])
    table = {v: _duration_of(v, unit) for v in uniques}
    seconds = values.map(lambda v: table.get(v, np.nan) if v is not None and v is not pd.NA else np.nan)
    seconds = pd.to_numeric(seconds, errors="coerce").astype("float64")
    blank = values.map(lambda v: v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
                       or (isinstance(v, str) and not v.strip()))
    return seconds, ~blank.astype(bool) & seconds.isna()


def duration_unit(header: str, raw: pd.Series) -> str:
    """How a number in a duration column counts: the header says (秒 / sec, 分 / min); else a
    column of fractions below 1 is Excel's fraction of a day, anything else seconds."""
    name = unicodedata.normalize("NFKC", header).casefold()
    if "秒" in name or "sec" in name:
        return "second"
    if "分" in name or "min" in name:
        return "minute"
    numbers = pd.to_numeric(raw.astype(object).map(lambda v: v if isinstance(v, (int, float)) else
                                                   unicodedata.normalize("NFKC", str(v)).strip()
                                                   if v is not None and v is not pd.NA else None),
                            errors="coerce").dropna()
    return "day" if len(numbers) and numbers.max() < 1 and numbers.gt(0).any() else "second"


def parse_flags(raw: pd.Series, yes: set[str], no: set[str]) -> tuple[pd.Series, pd.Series]:
    """Yes/no values (1/0, TRUE/FALSE, ○/×, あり/なし …; blank is no); (flags, unknown mask)."""
    values = raw.astype(object)

    def word(v: object) -> str:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, (bool, np.bool_)):
            return "true" if v else "false"
        if isinstance(v, (int, float, np.integer, np.floating)) and float(v) == int(v):
            return str(int(v))
        return key(re.sub(r"^(\d+)\.0+$", r"\1", unicodedata.normalize("NFKC", str(v)).strip()))

    uniques = pd.unique(values)
    words = {v: word(v) for v in uniques}
    keys = values.map(words)
    flags = keys.isin(yes)
    unknown = ~flags & ~keys.isin(no) & (keys != "")
    return flags.astype(bool), unknown.astype(bool)


def _fast_numbers(text: pd.Series) -> pd.Series | None:
    """Plain numeric text cast in one pyarrow call; None when any value needs the slow path."""
    if text.dtype == object:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        cast = pc.cast(arrow_text(text), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(cast.to_numpy(zero_copy_only=False), index=text.index)


def _numbers_by_value(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")`` computed once per distinct value (a count
    column is "1" a million times; one full-width "１" must not send them all the slow way)."""
    if text.dtype == object:
        return pd.to_numeric(text, errors="coerce")
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = distinct(arrow_text(text))
    numbers = pd.to_numeric(pd.Series(encoded.dictionary.to_pandas(), dtype=object), errors="coerce")
    values = pc.take(pa.array(numbers.to_numpy(dtype="float64")), encoded.indices)
    return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")


YEN_UNITS = {"円": 1, "千円": 1_000, "万円": 10_000, "百万円": 1_000_000, "億円": 100_000_000, "yen": 1, "jpy": 1,
             "千": 1_000, "万": 10_000, "百万": 1_000_000, "億": 100_000_000}
OWN_UNIT = r"[万億千円¥￥]"  # a cell that says its own unit (80万円, ¥1,200) is read as it says


def yen_scale(header: str) -> int:
    """How many yen one unit of an amount column is, from its header's note: 金額（千円） → 1,000."""
    return YEN_UNITS.get(note(key(header)), 1)


def parse_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, normalised-text mask, unparseable mask): "1,200", "１２", "¥1,000", "▲500"…"""
    text = text_values(raw) if raw.dtype != object else raw.map(
        lambda v: v if isinstance(v, (int, float)) else (str(v).strip() or pd.NA) if v is not None else pd.NA)
    values = _fast_numbers(text)
    if values is None:
        values = _numbers_by_value(text)
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
    values = values.astype("float64")
    infinite = pd.Series(np.isinf(values.to_numpy()), index=raw.index)
    if infinite.any():  # "inf", "1e309", a Parquet ±inf: no count or amount is infinite
        values = values.mask(infinite)
        bad = bad | infinite
    return values, normal, bad

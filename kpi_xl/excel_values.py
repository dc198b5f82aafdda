"""Excel-shaped values in and out of the engine, for the Excel functions.

Excel sends numbers as floats, blanks as None, ranges as 2-D lists, dates as datetimes
and text such as "20%", "１２" or "1,200"; results go back as scalars or 2-D lists that
spill. Errors become one short text in the cell, ``#KPI! …``, never a traceback.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from kpi_xl.engine.dates import parse_date
from kpi_xl.engine.values import format_percent, parse_lang, parse_number, parse_rate
from kpi_xl.errors import InputError, KpiXlError
from kpi_xl.i18n import message

F = TypeVar("F", bound=Callable[..., Any])
ERROR_PREFIX = "#KPI! "


def flat(value: Any) -> list[Any]:
    """A row, column or 2-D range as one list, blanks dropped; a scalar as [value]."""
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out.extend(flat(item) if isinstance(item, (list, tuple)) else [item])
        return [v for v in out if v not in (None, "")]
    return [] if value in (None, "") else [value]


def grid_numbers(value: Any, field: str) -> list[float | None]:
    """Every cell of a range in reading order, as a number or None for a blank (kept, so
    two same-shaped ranges pair up cell by cell)."""
    rows = value if isinstance(value, (list, tuple)) else [value]
    cells = [c for row in rows for c in (row if isinstance(row, (list, tuple)) else [row])]
    return [None if c in (None, "") else parse_number(c, f"{field}[{i + 1}]") for i, c in enumerate(cells)]


def column(values: Sequence[Any]) -> list[list[Any]]:
    """A list as a spilled column."""
    return [[v] for v in values]


def rate(value: Any, field: str) -> float:
    """A rate from a cell: a %-formatted cell arrives as 1.2 for 120%, so numbers above 1
    are out of range (not "ambiguous" as the bare 20 typed on a command line is)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 1:
        raise InputError("rate_range", field=field, value=format_percent(value))
    return parse_rate(value, field)


def rate_list(value: Any, field: str, names: Sequence[str] = ()) -> list[float]:
    """The rates of a range; an error names the rate (``names``, goal outward) and its position."""
    items = flat(value)
    if not items:
        raise InputError("missing", field=field)
    return [rate(v, f"{names[i]} ({field}[{i + 1}])" if i < len(names) else f"{field}[{i + 1}]")
            for i, v in enumerate(items)]


def number(value: Any, field: str, default: float | None = None) -> float | None:
    if value in (None, ""):
        return default
    return parse_number(value, field)


def whole_number(value: Any, field: str) -> int:
    """A whole number (a fiscal year, a month): 2026.7 is refused, not cut to 2026."""
    number_value = parse_number(value, field)
    if number_value != int(number_value):
        raise InputError("not_whole", field=field, value=value)
    return int(number_value)


def flag(value: Any, default: bool = False) -> bool:
    """Excel's TRUE/FALSE, 1/0 or text "TRUE"/"はい"."""
    if value in (None, ""):
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "はい", "y")
    return bool(value)


def dates(value: Any, field: str) -> list[date]:
    out = []
    for item in flat(value):
        if isinstance(item, datetime):
            out.append(item.date())
        elif isinstance(item, date):
            out.append(item)
        else:
            out.append(parse_date(str(item), field))
    return out


def excel_date(day: date) -> datetime:
    """A date as the datetime Excel's COM bridge converts to a date serial."""
    return datetime(day.year, day.month, day.day)


def lang_of(value: Any) -> str:
    return parse_lang(value) if value not in (None, "") else "ja"


def elementwise(fn: Callable[..., Any], *args: Any) -> Any:
    """Apply ``fn`` to scalars, or cell by cell to same-shaped 2-D ranges (vectorised UDFs)."""
    grids = [a for a in args if isinstance(a, (list, tuple))]
    if not grids:
        return fn(*args)
    rows = [list(row) if isinstance(row, (list, tuple)) else [row] for row in grids[0]]
    width = max((len(row) for row in rows), default=0)  # a result spills as a rectangle
    return [[fn(*(_at(a, r, c) for a in args)) for c in range(width)] for r in range(len(rows))]


def _at(value: Any, r: int, c: int) -> Any:
    if not isinstance(value, (list, tuple)):
        return value
    row = value[r] if r < len(value) else None
    if isinstance(row, (list, tuple)):
        return row[c] if c < len(row) else None
    return row if c == 0 else None


def finite_cells(value: Any, error: str) -> Any:
    """A UDF's result with every NaN or infinite number (1e308 × 10, 1 ÷ 1e-320) replaced by
    ``error``: a cell shows why, never inf."""
    if isinstance(value, float) and not math.isfinite(value):
        return error
    if isinstance(value, (list, tuple)):
        return [finite_cells(v, error) for v in value]
    return value


def cell_errors(fn: F) -> F:
    """Turn any error into ``#KPI! message`` in the language of the call's ``lang`` argument."""

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        lang = "ja"
        names = fn.__code__.co_varnames[: fn.__code__.co_argcount]
        if "lang" in names and len(args) > names.index("lang"):
            try:
                lang = lang_of(args[names.index("lang")])
            except KpiXlError:
                lang = "en"
        try:
            result = fn(*args)
        except KpiXlError as exc:
            return ERROR_PREFIX + exc.message(lang)
        except Exception as exc:  # the cell must show a message, never a traceback
            return ERROR_PREFIX + message("internal", lang, kind=type(exc).__name__)
        inputs = ", ".join(n for n in names if n != "lang")
        return finite_cells(result, ERROR_PREFIX + message("result_not_finite", lang, args=inputs))

    return wrapper  # type: ignore[return-value]

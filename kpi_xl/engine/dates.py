"""Dates and months as people type them: 2026-12-29, 2026/12/29, 2026年12月29日, closure
ranges such as 2026-12-29..2027-01-03, and months such as 2026-10 or 2026年10月."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from kpi_xl.engine.values import normalise_text
from kpi_xl.errors import InputError
from kpi_xl.i18n import Text

MAX_CLOSURE_DAYS = 366  # one closure range spans at most a year
_RANGE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:(?:\.\.|〜|~|/)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s*$")


def parse_date(text: str | date, field: str = "date") -> date:
    """A date from 2026-12-29, 2026/12/29 or 2026年12月29日."""
    if isinstance(text, date):
        return text
    norm = re.sub(r"[年月/.]", "-", str(text).strip()).rstrip("日")
    try:
        y, m, d = (int(part) for part in norm.split("-"))
        return date(y, m, d)
    except (ValueError, TypeError):
        raise InputError("bad_date", field=field, value=text) from None


def parse_closures(texts: Iterable[str], field: str = "holiday") -> list[date]:
    """Company closures from "2026-12-29..2027-01-03" ranges or single dates."""
    days: list[date] = []
    for text in texts:
        for part in str(text).split(","):
            norm = part.strip().replace("/", "-")
            m = _RANGE.match(norm)
            if not m:
                raise InputError("bad_date", field=field, value=part)
            start = parse_date(m.group(1), field)
            end = parse_date(m.group(2), field) if m.group(2) else start
            if end < start:
                raise InputError("bad_date", field=field, value=part)
            if (end - start).days >= MAX_CLOSURE_DAYS:  # 0001-01-01..9999-12-31 is a typo, not a closure
                raise InputError("out_of_range", field=field, value=part,
                                 allowed=Text(f"1回 {MAX_CLOSURE_DAYS} 日以内の休業",
                                              f"a closure of at most {MAX_CLOSURE_DAYS} days"))
            days.extend(start + timedelta(i) for i in range((end - start).days + 1))
            if len(days) > MAX_CLOSURE_DAYS * 3:
                raise InputError("out_of_range", field=field, value=part,
                                 allowed=Text(f"休業日は合計 {MAX_CLOSURE_DAYS * 3} 日以内",
                                              f"at most {MAX_CLOSURE_DAYS * 3} closed days in all"))
    return days


_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def month_start(key: str) -> date:
    """The first day of a month key ("2026-10" → 2026-10-01)."""
    return date(int(key[:4]), int(key[5:7]), 1)


def parse_month(text: str, field: str = "month") -> str:
    """A month key "2026-10" from 2026-10, 2026/10 or 2026年10月 (full-width digits too)."""
    m = _MONTH.match(normalise_text(str(text)))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError("bad_month", field=field, value=text)
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"

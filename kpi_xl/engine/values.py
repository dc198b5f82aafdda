"""Numbers and rates as people type them in Japan and elsewhere.

Accepts full-width digits and signs, thousands separators, ¥/円, 万/億 suffixes and
compounds (1億2000万), ▲/△ and
(1,234) negatives and "20%" rates, so the CLI, the UDFs and the readers agree on what a
cell such as "１２０万" or "２０％" means.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from kpi_xl.errors import InputError
from kpi_xl.i18n import Text

Field = str | Text  # a field name, optionally in both languages

_UNITS = {"万": 10_000.0, "億": 100_000_000.0, "千": 1_000.0, "k": 1_000.0, "m": 1_000_000.0}
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?(e[+-]?\d+)?(万|億|千|k|m)?%?円?$", re.IGNORECASE)
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?(万|億|千|k|m)?$", re.IGNORECASE)
# 1億2,000万円, 3万5千: parts in descending units, each below the unit above it (1億20000万 is a slip)
_PART = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_COMPOUND = re.compile(rf"^([+-]?)(?:{_PART}億)?(?:{_PART}万)?(?:{_PART}千)?{_PART}?円?$")
_LEVELS = (100_000_000.0, 10_000.0, 1_000.0, 1.0)


def normalise_text(text: str) -> str:
    """NFKC-fold full-width characters and strip blanks (incl. ideographic spaces)."""
    return unicodedata.normalize("NFKC", text).strip()


def fold_name(name: str) -> str:
    """A person's name compared ignoring spaces, width and case (佐藤　健 = 佐藤 健 = 佐藤健)."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name)).casefold()


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a cell: a wide or full-width character (漢字, かな, Ｗ) takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _parse_text_number(field: Field, raw: str) -> tuple[float, bool]:
    """Parse ``raw``; return (value, had_percent_sign)."""
    text = normalise_text(raw)
    negative = False
    if text[:1] in ("▲", "△"):
        negative, text = True, text[1:].strip()
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    text = text.replace("¥", "").replace("￥", "").replace(" ", "")
    compound = _compound(text)
    if compound is not None:
        return (-compound if negative else compound), False
    if "," in text and not _GROUPED.match(text):  # "12,34": a decimal comma or a typo, never 1234
        raise InputError("not_a_number", field=field, value=raw)
    text = text.replace(",", "")
    if text.endswith("円"):
        text = text[:-1]
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    m = _NUMBER.match(text)
    if not m:
        raise InputError("not_a_number", field=field, value=raw)
    value = float(m.group(2) + (f"e{m.group(3)}" if m.group(3) else ""))  # 1e309 → inf, never an OverflowError
    if m.group(4):
        value *= _UNITS[m.group(4).lower()]
    if not math.isfinite(value):
        raise InputError("not_a_number", field=field, value=raw)
    if m.group(1) == "-":
        negative = not negative
    value = -value if negative else value
    return (value / 100.0 if percent else value), percent


def _compound(text: str) -> float | None:
    """1億2,000万 = 120,000,000, 3万5千 = 35,000: two or more parts in descending units, each
    below the unit above it; None for anything else (a single part is :data:`_NUMBER`'s)."""
    m = _COMPOUND.match(text)
    if not m or sum(part is not None for part in m.groups()[1:]) < 2:
        return None
    parts = [(float(part.replace(",", "")), scale) for part, scale in zip(m.groups()[1:], _LEVELS) if part is not None]
    if any(value * scale >= upper for (value, scale), (_, upper) in zip(parts[1:], parts)):
        return None  # 1億20000万: a part as big as the unit before it
    value = math.fsum(value * scale for value, scale in parts)
    return -value if m.group(1) == "-" else value


def parse_number(value: Any, field: Field) -> float:
    """A finite number from a float, int or text such as "1,200", "¥1.2億", "▲500"."""
    if isinstance(value, bool) or value is None:
        raise InputError("not_a_number", field=field, value=value)
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float (10**400)
            raise InputError("not_a_number", field=field, value=value) from None
    elif isinstance(value, str):
        number = _parse_text_number(field, value)[0]
    else:
        raise InputError("not_a_number", field=field, value=value)
    if not math.isfinite(number):
        raise InputError("not_a_number", field=field, value=value)
    return number


def parse_rate(value: Any, field: Field) -> float:
    """A rate in (0, 1] from 0.2, "20%", "0.2" or "２０％".

    A bare number above 1 (e.g. 20) is refused rather than guessed as 20%.
    """
    if isinstance(value, str):
        if not normalise_text(value):
            raise InputError("not_a_rate", field=field, value=value)
        try:
            rate, percent = _parse_text_number(field, value)
        except InputError:
            raise InputError("not_a_rate", field=field, value=value) from None
        shown = value
    else:
        rate = parse_number(value, field)
        percent, shown = False, value
    if not math.isfinite(rate):
        raise InputError("not_a_rate", field=field, value=value)
    if rate > 1 and not percent:
        raise InputError("rate_bare_number", field=field, value=shown)
    if not 0 < rate <= 1:
        shown = shown if isinstance(shown, str) else format_percent(rate)
        raise InputError("rate_range", field=field, value=shown)
    return rate


def parse_count(value: Any, field: Field) -> float:
    """A whole, non-negative count ("1,200", 12.0)."""
    number = parse_non_negative(value, field)
    if number != int(number):
        raise InputError("not_whole", field=field, value=value)
    return number


def parse_positive(value: Any, field: Field) -> float:
    """A number above zero (targets, unit prices)."""
    number = parse_number(value, field)
    if number <= 0:
        raise InputError("not_positive", field=field, value=value)
    return number


def parse_non_negative(value: Any, field: Field) -> float:
    """A number of zero or more (volumes, capacities)."""
    number = parse_number(value, field)
    if number < 0:
        raise InputError("negative", field=field, value=value)
    return number


_TRUE = {"true", "yes", "y", "on", "1", "はい"}
_FALSE = {"false", "no", "n", "off", "0", "いいえ", ""}


def parse_bool(value: Any, field: Field) -> bool:
    """true/false as settings files write it: a YAML boolean, "true"/"false", yes/no, 1/0.
    Any other value is an error, so exact: "false" never switches exact mode on."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = normalise_text(str(value)).casefold()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise InputError("bad_choice", field=field, value=value, allowed="true, false")


def format_percent(rate: float, digits: int = 4) -> str:
    """0.2 → "20%", 0.125 → "12.5%": how a rate is echoed back in messages; a measured rate
    (13/85 = 15.2941…%) is shown with ``digits=1`` as 15.3%."""
    text = f"{rate * 100:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text}%"


def parse_pair(text: str, field: Field) -> tuple[str, str]:
    """Split "受注率=20%" (also full-width ＝ or :) into name and value."""
    norm = normalise_text(text)
    for sep in ("=", ":"):
        if sep in norm:
            name, _, value = norm.partition(sep)
            if name.strip() and value.strip():
                return name.strip(), value.strip()
    raise InputError("bad_pair", field=field, value=text)




LANGS = ("ja", "en")


def parse_lang(value: Any, field: str = "lang") -> str:
    """"ja" or "en" (case and blanks ignored); anything else is an input error."""
    lang = normalise_text(str(value)).lower()
    if lang not in LANGS:
        raise InputError("bad_choice", field=field, value=value, allowed=", ".join(LANGS))
    return lang

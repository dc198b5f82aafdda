"""Data-quality findings: each rule's hits in one file, by source row. A rule either
excludes the rows it hits (and they are counted as excluded) or only notes them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Rule(str, Enum):
    """Every data-quality rule kpi_xl applies to an export."""

    BLANK_ROW = "blank_row"
    TOTAL_ROW = "total_row"
    MISSING_OWNER = "missing_owner"
    FORMULA_OWNER = "formula_owner"
    MISSING_DATE = "missing_date"
    BAD_DATE = "bad_date"
    BAD_NUMBER = "bad_number"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_STAGE = "unknown_stage"
    DUPLICATE_ROW = "duplicate_row"
    DUPLICATE_ID = "duplicate_id"
    IDENTICAL_ROWS = "identical_rows"
    DATE_TEXT = "date_text"
    DATE_SERIAL = "date_serial"
    NUMBER_TEXT = "number_text"
    NAME_VARIANT = "name_variant"
    STAGE_BACKWARDS = "stage_backwards"
    IMPOSSIBLE_FUNNEL = "impossible_funnel"
    RATE_RECOMPUTED = "rate_recomputed"
    NESTED_CSV = "nested_csv"
    UNKNOWN_FLAG = "unknown_flag"
    UNKNOWN_RESULT = "unknown_result"
    BAD_DURATION = "bad_duration"
    BAD_TIME = "bad_time"
    ASSUMED_TYPE = "assumed_type"
    DATE_OUTSIDE = "date_outside"
    BAD_COUNT = "bad_count"
    CONTROL_CHARACTERS = "control_characters"

    @property
    def excludes(self) -> bool:
        """Whether rows hit by this rule are left out of the counts."""
        return self in _EXCLUDING


_EXCLUDING = frozenset({Rule.BLANK_ROW, Rule.TOTAL_ROW, Rule.MISSING_OWNER, Rule.FORMULA_OWNER, Rule.MISSING_DATE,
                        Rule.BAD_DATE,
                        Rule.BAD_NUMBER, Rule.UNKNOWN_TYPE, Rule.UNKNOWN_STAGE, Rule.DUPLICATE_ROW,
                        Rule.DUPLICATE_ID, Rule.DATE_OUTSIDE, Rule.BAD_COUNT})


@dataclass
class Finding:
    """One data-quality rule's hits in one file."""

    rule: Rule
    file: str
    rows: list[int]
    detail: str = ""

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def excludes(self) -> bool:
        return self.rule.excludes

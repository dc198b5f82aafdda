"""Data-quality findings: each rule's hits in one file, by source row. A rule either
excludes the rows it hits (and they are counted as excluded) or only notes them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kpi_xl.sfa.rows import Rows


class Rule(str, Enum):
    """Every data-quality rule kpi_xl applies to an export."""

    BLANK_ROW = "blank_row"
    ABOVE_HEADER = "above_header"
    EXTRA_CELLS = "extra_cells"
    TOTAL_ROW = "total_row"
    NOTE_LINE = "note_line"
    MISSING_OWNER = "missing_owner"
    FORMULA_OWNER = "formula_owner"
    MISSING_DATE = "missing_date"
    BAD_DATE = "bad_date"
    BAD_NUMBER = "bad_number"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_STAGE = "unknown_stage"
    NOT_DONE = "not_done"
    CANCELLED = "cancelled"
    FUTURE_DATE = "future_date"
    UNKNOWN_STATUS = "unknown_status"
    DUPLICATE_ROW = "duplicate_row"
    DUPLICATE_ID = "duplicate_id"
    ID_IN_LATER_FILE = "id_in_later_file"
    ROW_IN_LATER_FILE = "row_in_later_file"
    NOT_COMPARED = "not_compared"
    SHEET_SKIPPED = "sheet_skipped"
    IDENTICAL_ROWS = "identical_rows"
    DATE_TEXT = "date_text"
    DATE_SERIAL = "date_serial"
    DATE_ZONE = "date_zone"
    NUMBER_TEXT = "number_text"
    AMOUNT_UNIT = "amount_unit"
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
    EXCEL_TEXT = "excel_text"
    UNDECODABLE = "undecodable"

    @property
    def excludes(self) -> bool:
        """Whether rows hit by this rule are left out of the counts."""
        return self in _EXCLUDING

    @property
    def about_file(self) -> bool:
        """Whether the rule speaks of a file as a whole (its findings list no rows)."""
        return self in (Rule.ASSUMED_TYPE, Rule.RATE_RECOMPUTED, Rule.NESTED_CSV, Rule.NOT_COMPARED,
                        Rule.SHEET_SKIPPED)


_EXCLUDING = frozenset({Rule.UNDECODABLE, Rule.BLANK_ROW, Rule.EXTRA_CELLS, Rule.TOTAL_ROW, Rule.NOTE_LINE,
                        Rule.MISSING_OWNER, Rule.FORMULA_OWNER, Rule.MISSING_DATE, Rule.BAD_DATE, Rule.BAD_NUMBER,
                        Rule.UNKNOWN_TYPE, Rule.UNKNOWN_STAGE, Rule.NOT_DONE, Rule.CANCELLED, Rule.FUTURE_DATE,
                        Rule.DUPLICATE_ROW, Rule.DUPLICATE_ID, Rule.ID_IN_LATER_FILE, Rule.ROW_IN_LATER_FILE,
                        Rule.DATE_OUTSIDE, Rule.BAD_COUNT})


LISTED = 20  # values a finding's detail shows


class Listed(str):
    """A finding's detail that lists values (the first 20, sorted, after an optional prefix).
    It keeps them all, so that the findings of a file's chunks can be joined exactly."""

    values: frozenset[str]
    prefix: str

    def __new__(cls, values: frozenset[str] | set[str], prefix: str = "") -> Listed:
        self = super().__new__(cls, prefix + ", ".join(sorted(values)[:LISTED]))
        self.values, self.prefix = frozenset(values), prefix
        return self

    def __reduce__(self) -> tuple:
        return Listed, (self.values, self.prefix)

    def union(self, other: Listed) -> Listed:
        return Listed(self.values | other.values, self.prefix)


@dataclass
class Finding:
    """One data-quality rule's hits in one file."""

    rule: Rule
    file: str
    rows: Rows  # given as any row numbers (a list, an array), kept as runs
    detail: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.rows, Rows):
            self.rows = Rows.of(self.rows)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def excludes(self) -> bool:
        return self.rule.excludes

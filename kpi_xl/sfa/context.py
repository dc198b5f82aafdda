"""One file being cleaned: its rows, the header found, what has been excluded, noted and
kept so far. Cleaning steps (:mod:`kpi_xl.sfa.cleaning`, :mod:`kpi_xl.sfa.outcomes`) read
raw columns through it and record every finding by source row."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpi_xl.engine.observations import Observation
from kpi_xl.sfa.findings import Finding, Listed, Rule
from kpi_xl.sfa.header import Header
from kpi_xl.sfa.parsing import clean_text, text_values
from kpi_xl.sfa.reading import RAGGED, RawFile
from kpi_xl.sfa.rows import Rows
from kpi_xl.sfa.vocabulary import Vocabulary


def rows_of(mask: pd.Series, numbers: pd.Series) -> Rows:
    return Rows.of(numbers.to_numpy(dtype="int64")[mask.fillna(False).to_numpy(dtype=bool)])


@dataclass
class Context:
    """One file being cleaned."""

    name: str
    data: pd.DataFrame
    header: Header
    vocab: Vocabulary
    numbers: pd.Series  # source row numbers (1-based)
    frame: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    excluded: pd.Series = None  # type: ignore[assignment]
    texts: dict[int, pd.Series] = field(default_factory=dict)
    sourced: set[Observation] = field(default_factory=set)  # what this file can tell
    every_rule: bool = False  # record each rule applied, even with no hits (a chunk of a file)
    ragged: bool = False  # its lines differ in length (read line by line): a line may run past the header
    replaced: bool = False  # some bytes were not in its encoding: read as U+FFFD

    @classmethod
    def start(cls, raw: RawFile, header: Header, vocab: Vocabulary) -> Context:
        ctx = cls.over(raw.name, raw.rows.iloc[header.rows:], header, vocab)
        ctx.ragged, ctx.replaced = raw.engine == RAGGED, raw.replaced
        return ctx

    @classmethod
    def over(cls, name: str, data: pd.DataFrame, header: Header, vocab: Vocabulary) -> Context:
        """Rows under the header; index ``i`` is source row ``i + 1``."""
        numbers = pd.Series(data.index + 1, index=data.index)
        ctx = cls(name, data, header, vocab, numbers, pd.DataFrame({"row": numbers.astype("int64")}))
        ctx.excluded = pd.Series(False, index=data.index)
        return ctx

    def exclude(self, rule: Rule, mask: pd.Series, detail: str = "") -> None:
        """Leave the rows in ``mask`` out, with a finding (rows already excluded not counted twice)."""
        hit = self._record(rule, mask, detail)
        if hit is not None:
            self.excluded = self.excluded | hit

    def note(self, rule: Rule, mask: pd.Series, detail: str = "") -> None:
        """Report the rows in ``mask`` and keep them."""
        self._record(rule, mask, detail)

    def _record(self, rule: Rule, mask: pd.Series, detail: str) -> pd.Series | None:
        """The finding for the rows of ``mask`` not excluded yet (with ``every_rule``, one with
        none too); those rows, or None when there are none."""
        hit = self._hits(mask)
        if hit is not None and hit.any():
            self.findings.append(Finding(rule, self.name, rows_of(hit, self.numbers), detail))
            return hit
        if self.every_rule:
            self.findings.append(Finding(rule, self.name, [], detail))
        return None

    def _hits(self, mask: pd.Series) -> pd.Series | None:
        """The rows of ``mask`` not excluded yet; None when ``mask`` has none (most rules find
        nothing: one pass over it then, not three)."""
        if not mask.to_numpy(dtype=bool, na_value=False).any():
            return None
        return mask.fillna(False) & ~self.excluded

    def column(self, field_name: str) -> pd.Series | None:
        """The raw column of a field, a mapping's constant default, or None."""
        position = self.header.fields.get(field_name)
        if position is None:
            if field_name in self.vocab.defaults:
                return pd.Series(self.vocab.defaults[field_name], index=self.data.index, dtype="string")
            return None
        return self.data.iloc[:, position]

    def text_at(self, position: int) -> pd.Series:
        """A column's values as stripped text; control characters (NUL, ESC …), which no
        workbook may hold, are removed and the rows reported."""
        if position not in self.texts:
            values, odd = clean_text(self.data.iloc[:, position])
            self.note(Rule.CONTROL_CHARACTERS, odd, detail=self.header.names[position])
            self.texts[position] = values
        return self.texts[position]

    def text(self, field_name: str) -> pd.Series:
        position = self.header.fields.get(field_name)
        return self.text_at(position) if position is not None else text_values(self.column(field_name))

    def unknown_values(self, raw: pd.Series, mapped: pd.Series, prefix: str = "") -> Listed:
        """The raw values that mapped to nothing, for a finding's detail."""
        return Listed({str(v) for v in raw[mapped.isna() & ~self.excluded].dropna().unique()}, prefix)

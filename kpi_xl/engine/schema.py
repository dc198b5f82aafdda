"""The shape of every document a user writes — plan settings, mapping files, KPI lists —
checked before any value is read, so a wrong type or a typo anywhere names its key path
(`reps[2].ramp`, `kpis[0].targt`) in one line instead of ending in a TypeError.

Values themselves (is "20%" a rate, is 2026 a year) are checked by the parsers; the schema
only says what kind of thing belongs where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kpi_xl.errors import InputError
from kpi_xl.i18n import Text

A_VALUE = Text("数値か文字", "a number or text")
A_TABLE = Text("表（キー: 値）", "a table (key: value)")


@dataclass(frozen=True)
class Scalar:
    """A single value: text or a number (numbers may be typed as text: "1,200")."""

    what: Text = A_VALUE
    texts: bool = True
    numbers: bool = True
    dates: bool = False

    def check(self, value: Any, path: str) -> None:
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = ((self.texts and isinstance(value, str)) or (self.numbers and is_number)
              or (self.dates and isinstance(value, date)) or (isinstance(value, bool) and self.what == BOOL.what))
        if not ok:
            wrong(path, value, self.what)


@dataclass(frozen=True)
class ListOf:
    """A list of ``item``; with ``single``, one item alone is taken as a list of one."""

    item: Spec
    single: bool = False

    @property
    def what(self) -> Text:
        return Text(f"リスト（各要素は{self.item.what.ja}）", f"a list, each {self.item.what.en}")

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            if self.single and not isinstance(value, (Mapping, list)):
                self.item.check(value, path)
                return
            wrong(path, value, self.what)
        for i, item in enumerate(value):
            self.item.check(item, f"{path}[{i}]")


@dataclass(frozen=True)
class Table:
    """A table with the given ``keys`` (each its own spec), or any keys holding ``values``."""

    keys: Mapping[str, Spec] = field(default_factory=dict)
    values: Spec | None = None
    what: Text = A_TABLE

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            wrong(path, value, self.what)
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            spec = self.keys.get(str(key), self.values)
            if spec is None:  # a typo, at the top or deep inside (reps[0].capcity)
                raise InputError("unknown_key", field=where, allowed=", ".join(self.keys))
            if item is not None:
                spec.check(item, where)


@dataclass(frozen=True)
class Either:
    """One of several shapes (a rep as "佐藤:1" or as a table)."""

    options: tuple[Spec, ...]
    what: Text

    def check(self, value: Any, path: str) -> None:
        """The option of the value's own kind decides, so its errors keep their key path."""
        kind = Table if isinstance(value, Mapping) else ListOf if isinstance(value, list) else Scalar
        for option in self.options:
            if isinstance(option, kind):
                try:
                    option.check(value, path)
                    return
                except InputError:
                    if kind is not Scalar:
                        raise
        wrong(path, value, self.what)


Spec = Scalar | ListOf | Table | Either


def wrong(path: str, value: Any, what: Text) -> None:
    shown = value if isinstance(value, (str, int, float)) else type(value).__name__
    raise InputError("bad_choice", field=path or "document", value=shown, allowed=what)


VALUE = Scalar()
NUMBER = Scalar(Text("数値", "a number"))
TEXT = Scalar(Text("文字", "text"), numbers=False)
DAY = Scalar(Text("日付（2026-10-01）", "a date (2026-10-01)"), numbers=False, dates=True)
BOOL = Scalar(Text("true か false", "true or false"))
NAMED_VALUES = Table(values=VALUE, what=Text("「名前: 値」の表", "a table of name: value"))
MONTH = Scalar(Text("年月（2026-10）", "a month (2026-10)"), dates=True, numbers=False)
REP = Either((TEXT, Table({"name": VALUE, "capacity": VALUE, "start": MONTH, "ramp": ListOf(NUMBER, single=False)})),
             Text("「名前:稼働率」の文字か表 {name, capacity, start, ramp} の担当者",
                  "a rep as 名前:稼働率 text or a table {name, capacity, start, ramp}"))
KPI = Either((TEXT, Table({"metric": TEXT, "target": VALUE, "deadline": DAY, "owner": VALUE,
                           "definition": VALUE})),
             Text("指標名か表 {metric, target, deadline, owner, definition} のKPI",
                  "a KPI as a metric name or a table {metric, target, deadline, owner, definition}"))
TARGET = Either((TEXT, NAMED_VALUES), Text("受注数=10 か {受注数: 10}", "受注数=10 or {受注数: 10}"))
SCENARIOS = Table(values=ListOf(VALUE), what=Text("「率: [楽観, 悲観]」の表", "a table of rate: [upside, downside]"))
LAG_SHARES = Table(values=ListOf(VALUE), what=Text("「段: [同月, +1, +2, +3か月]」の表",
                                                   "a table of stage: [same month, +1, +2, +3 months]"))

SETTINGS = Table({
    "template": TEXT, "kgi": VALUE, "target": TARGET,
    "unit_price": VALUE, "rates": NAMED_VALUES, "volumes": NAMED_VALUES, "fiscal_year": VALUE,
    "fy_start": VALUE, "quarter": VALUE, "holidays": ListOf(DAY, single=True),
    "reps": Either((NUMBER, TEXT, ListOf(REP)), Text("人数か担当者のリスト", "a number of reps or a list of reps")),
    "leads": NAMED_VALUES, "split": TEXT, "exact": BOOL, "capacity_per_day": VALUE, "phase": TEXT,
    "lang": TEXT, "warn": VALUE, "public_holidays": BOOL, "asof": DAY, "scenario": NUMBER, "display": TEXT,
    "kpis": ListOf(KPI), "growth": NAMED_VALUES,
    "scenarios": SCENARIOS, "lag_shares": LAG_SHARES,
}, what=Text("設定の表（template: sdr, kgi: …）", "a table of settings (template: sdr, kgi: …)"))

WORDS = ListOf(VALUE, single=True)
MAPPING = Table({
    "columns": Table(values=VALUE, what=Text("「項目: 見出し」の表", "a table of field: header")),
    "flags": Table(values=VALUE, what=Text("「成果: 見出し」の表", "a table of outcome: header")),
    "flag_values": Table(values=WORDS, what=Text("表 {yes: [...], no: [...]}", "a table {yes: [...], no: [...]}")),
    "types": Table(values=WORDS), "results": Table(values=WORDS), "stages": Table(values=WORDS),
    "statuses": Table(values=WORDS),
    "shape": TEXT, "defaults": Table(values=VALUE), "year": NUMBER, "conversation_seconds": VALUE, "timezone": TEXT,
}, what=Text("マッピングの表（columns: …, results: …）", "a table of mappings (columns: …, results: …)"))


def check_document(document: Any, spec: Table, name: str) -> None:
    """Raise an InputError naming the key path of the first value of the wrong kind."""
    if not isinstance(document, Mapping):
        wrong(name, document, spec.what)
    spec.check(document, "")

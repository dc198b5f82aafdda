"""The words SFA exports use (templates/sfa.toml), merged with a user's mapping file."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from kpi_xl.engine.observations import ACTIVITY_TYPES, OUTCOMES
from kpi_xl.engine.schema import MAPPING, check_document
from kpi_xl.engine.toml_data import template_dir
from kpi_xl.engine.values import normalise_text, parse_number
from kpi_xl.errors import DataError, InputError, KpiXlError
from kpi_xl.i18n import Text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIELDS = ("owner", "date", "time", "close_date", "last_activity", "type", "result", "stage", "amount", "duration",
          "loss_reason", "id", "deal", "count", "product", "account", "month", "day", "team", "status")
STAGE_ORDER = ("prospect", "lead", "valid_lead", "mql", "sql", "open", "qualified", "won", "lost", "disqualified")
DEAL_STAGES = ("prospect", "open", "qualified")  # a deal still to be worked (aged on 滞留案件)
LEAD_STAGES = ("lead", "valid_lead", "mql", "sql", "disqualified")  # a file with these is a lead list
NO_RESULT = "none"  # result values that say nothing happened (不在, busy …)
CONVERSATION_SECONDS = 120.0  # 003: 有効架電 = a call of 2 minutes or more
TEAM_ZONE = "Asia/Tokyo"  # where a time with a UTC offset is shown, unless a mapping's timezone says
# Names older mapping files used for types and results, still accepted.
LEGACY = {"types": {"calls": "call", "emails_sent": "email", "meetings": "visit"},
          "results": {"connects": "reached", "meetings": "meeting"}}


def key(text: Any) -> str:
    """Compare words ignoring case, width, spaces, underscores and hyphens."""
    return _key(str(text))


@lru_cache(maxsize=4096)  # the vocabulary's words are keyed again for every header and column
def _key(text: str) -> str:
    return re.sub(r"[\s_\-・]", "", normalise_text(text).casefold())


def in_language(words: list[str], lang: str) -> list[str]:
    """The words an export in ``lang`` would write: ASCII ones for en, the others for ja."""
    return [w for w in words if w.isascii() == (lang == "en")]


NOTE = r"\(([^()]*)\)$"  # a header's trailing note in brackets, on its key: 金額(千円), 日付(jst)


def bare(word_key: str) -> str:
    """A header's key without its note: 金額(千円) → 金額, 日付(jst) → 日付."""
    return re.sub(NOTE, "", word_key) or word_key


def note(word_key: str) -> str:
    """A header's note, from its key: 金額(千円) → 千円; "" when it has none."""
    found = re.search(NOTE, word_key)
    return found[1] if found else ""


@dataclass
class Vocabulary:
    headers: dict[str, list[str]]
    types: dict[str, list[str]]  # observation (call, email, visit) → values
    results: dict[str, list[str]]  # observation or "none" → values
    stages: dict[str, list[str]]
    totals: list[str]
    flags: dict[str, list[str]] = field(default_factory=dict)  # observation → flag column headers
    flag_values: dict[str, list[str]] = field(default_factory=dict)  # "yes" / "no" → values
    columns: dict[str, str] = field(default_factory=dict)  # field or flag → the export's exact header
    shape: str | None = None  # "activities" or "opportunities", when the mapping says so
    defaults: dict[str, str] = field(default_factory=dict)  # field → value for every row
    year: int | None = None  # for exports with a month but no year (UCI bank)
    conversation_seconds: float = CONVERSATION_SECONDS
    timezone: str = TEAM_ZONE  # where a time with a UTC offset (…Z, …+09:00) is shown (IANA name)
    statuses: dict[str, list[str]] = field(default_factory=dict)  # "done" / "open" / "cancelled" → status words
    today: date | None = None  # the day the data is read, in the team's zone: a later activity is planned, not done

    def lookup(self, table: dict[str, list[str]]) -> dict[str, str]:
        """word key → metric/stage name."""
        out: dict[str, str] = {}
        for name, words in table.items():
            for word in words:
                out.setdefault(key(word), name)
        return out


def team_today(zone: str) -> date:
    """Today where the team works (``zone``, an IANA name): an activity dated later has not happened."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(zone)).date()


@lru_cache(maxsize=1)
def _builtin() -> dict[str, Any]:
    return tomllib.loads((template_dir() / "sfa.toml").read_text(encoding="utf-8"))


def load_vocabulary(mapping: Path | str | None = None) -> Vocabulary:
    """The shipped vocabulary, overridden by a mapping file (YAML/TOML/JSON) if given.

    A mapping file may hold ``columns`` (field or outcome → header in the export),
    ``flags`` (outcome → its flag column's header), ``flag_values`` (yes/no lists),
    ``types``, ``results`` and ``stages`` (value lists, replacing the shipped ones per
    name), ``shape``, ``defaults`` (field → constant), ``year``, ``conversation_seconds`` and
    ``timezone`` (where times with a UTC offset are shown; Asia/Tokyo by default).
    """
    base = _builtin()
    vocab = Vocabulary({k: list(v) for k, v in base["headers"].items()}, _copy(base["types"]),
                       _copy(base["results"]), _copy(base["stages"]), list(base["totals"]["markers"]),
                       _copy(base["flags"]), _copy(base["flag_values"]), statuses=_copy(base["statuses"]))
    if mapping is None:
        return vocab
    from kpi_xl.settings_file import load_settings

    data = load_settings(mapping)
    try:
        check_document(data, MAPPING, str(mapping))
    except InputError as exc:
        raise DataError("mapping_shape", file=str(mapping),
                        reason=Text(exc.message("ja"), exc.message("en"))) from None
    for name, header in (data.get("columns") or {}).items():
        vocab.columns[_column_name(str(name), mapping)] = str(header)
    for name, header in (data.get("flags") or {}).items():
        vocab.columns[_outcome(str(name), f"flags.{name}", mapping)] = str(header)
    for table, names in (("types", [o.value for o in ACTIVITY_TYPES]), ("results", [*_OUTCOME_NAMES, NO_RESULT]),
                         ("stages", list(STAGE_ORDER)), ("flag_values", ["yes", "no"]),
                         ("statuses", ["done", "open", "cancelled"])):
        for name, words in (data.get(table) or {}).items():
            if isinstance(name, bool):  # YAML reads a bare `yes:` / `no:` key as true / false
                name = "yes" if name else "no"
            name = LEGACY.get(table, {}).get(str(name), str(name))
            if name not in names:
                raise DataError("mapping_key", file=str(mapping), key=f"{table}.{name}", allowed=", ".join(names))
            _replace(getattr(vocab, table), name, words if isinstance(words, list) else [words])
    _scalars(vocab, data, mapping)
    return vocab


_OUTCOME_NAMES = [o.value for o in OUTCOMES]


def _copy(table: dict[str, list[str]]) -> dict[str, list[str]]:
    return {str(k): [str(w) for w in v] for k, v in table.items()}


def _column_name(name: str, mapping: Path | str) -> str:
    """A ``columns`` key: a field (owner, date …) or an outcome flag (reached, won …)."""
    if name in FIELDS or name in _OUTCOME_NAMES:
        return name
    raise DataError("mapping_key", file=str(mapping), key=f"columns.{name}",
                    allowed=", ".join((*FIELDS, *_OUTCOME_NAMES)))


def _outcome(name: str, where: str, mapping: Path | str) -> str:
    if name not in _OUTCOME_NAMES:
        raise DataError("mapping_key", file=str(mapping), key=where, allowed=", ".join(_OUTCOME_NAMES))
    return name


def _replace(table: dict[str, list[str]], name: str, words: list[Any]) -> None:
    """``name``'s words become ``words``; the same words leave every other name."""
    given = [str(w) for w in words]
    keys = {key(w) for w in given}
    for other, others in table.items():
        table[other] = [w for w in others if key(w) not in keys]
    table[name] = given


def _scalars(vocab: Vocabulary, data: dict[str, Any], mapping: Path | str) -> None:
    shape = data.get("shape")
    if shape is not None and shape not in ("activities", "opportunities", "leads"):
        raise DataError("mapping_value", file=str(mapping), key="shape", value=shape,
                        allowed="activities, opportunities, leads")
    vocab.shape = "opportunities" if shape == "leads" else shape
    vocab.defaults = {str(k): str(v) for k, v in (data.get("defaults") or {}).items()}
    for name in vocab.defaults:
        _column_name(name, mapping)
    if data.get("year") is not None:
        try:
            year = parse_number(data["year"], "year")
        except KpiXlError:
            year = 0
        if year != int(year) or not 1901 <= year <= 2199:
            raise DataError("mapping_value", file=str(mapping), key="year", value=data["year"],
                            allowed=Text("1901～2199 の年（例: 2008）", "a year 1901 to 2199, e.g. 2008"))
        vocab.year = int(year)
    if data.get("conversation_seconds") is not None:
        try:
            seconds = parse_number(data["conversation_seconds"], "conversation_seconds")
        except KpiXlError:
            seconds = -1.0
        if not seconds > 0:
            raise DataError("mapping_value", file=str(mapping), key="conversation_seconds",
                            value=data["conversation_seconds"],
                            allowed=Text("0 より大きい秒数（120 = 2分）",
                                         "a number of seconds above 0 (120 = 2 minutes)"))
        vocab.conversation_seconds = seconds
    if data.get("timezone") is not None:
        vocab.timezone = _zone(data["timezone"], mapping)


def _zone(name: Any, mapping: Path | str) -> str:
    """An IANA time zone name (Asia/Tokyo, Europe/London, UTC) a mapping gives."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise DataError("mapping_value", file=str(mapping), key="timezone", value=name,
                        allowed=Text("Asia/Tokyo、America/New_York、UTC などのタイムゾーン名",
                                     "a time zone such as Asia/Tokyo, America/New_York or UTC")) from None
    return str(name)


def source_words(vocab: Vocabulary, observation: str, lang: str = "ja") -> list[str]:
    """Columns or values that would tell ``observation`` (for "no data" reasons), as an export
    in ``lang`` would name them, e.g. reached → 通電 column, 通電有無 column, 通話時間, 結果 = 通電
    (en: reached, connected, call duration, result = connected)."""
    def pick(words: list[str], n: int = 1) -> list[str]:
        return (in_language(words, lang) or words)[:n]  # the language's own words, if it has some

    words: list[str] = []
    if observation in vocab.types:
        words.append(f"{pick(vocab.headers['type'])[0]} = {pick(vocab.types[observation])[0]}")
    if observation in vocab.flags:
        words += pick(vocab.flags[observation], 2)
    if observation in ("reached", "conversation"):
        words += pick(vocab.headers["duration"])
    if observation in vocab.results:
        words.append(f"{pick(vocab.headers['result'])[0]} = {pick(vocab.results[observation])[0]}")
    stage = {"meeting": "open"}.get(observation, observation)
    if stage in vocab.stages:
        words.append(f"{pick(vocab.headers['stage'])[0]} = {pick(vocab.stages[stage])[0]}")
    if observation in ("amount", "account"):
        words += pick(vocab.headers[observation], 2)
    return words


def vocabulary_table(vocab: Vocabulary | None = None) -> str:
    """README's "Recognised columns" list, from templates/sfa.toml (a test keeps it current):
    header words per field and outcome flag, and the values for yes/no, results and stages."""
    v = vocab or load_vocabulary()

    def words(items: list[str]) -> str:
        return ", ".join(items)

    lines = ["| Column | Recognised headers |", "|---|---|"]
    lines += [f"| {name} | {words(items)} |" for name, items in v.headers.items()]
    lines += [f"| flag: {name} | {words(items)} |" for name, items in v.flags.items()]
    lines += ["", "| Values | Recognised words |", "|---|---|"]
    lines += [f"| flag {name} | {words(items)} (blank = no) |" if name == "no" else f"| flag {name} | {words(items)} |"
              for name, items in v.flag_values.items()]
    lines += [f"| type {name} | {words(items)} |" for name, items in v.types.items()]
    lines += [f"| result {name} | {words(items)} |" for name, items in v.results.items()]
    lines += [f"| stage {name} | {words(items)} |" for name, items in v.stages.items()]
    lines += [f"| status {name} | {words(items)} |" for name, items in v.statuses.items()]
    lines += ["", "| Template | Metric ← what the exports say |", "|---|---|"]
    from kpi_xl.engine.templates import get_template, template_names

    for name in template_names():
        template = get_template(name)
        bound = "; ".join(f"{template.tree.metrics[m].name.ja} ← {' + '.join(o.value for o in obs)}"
                          for m, obs in template.observe.items())
        lines.append(f"| {name} | {bound} |")
    return "\n".join(lines)

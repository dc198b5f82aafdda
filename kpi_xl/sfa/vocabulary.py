"""The words SFA exports use (templates/sfa.toml), merged with a user's mapping file."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kpi_xl.engine.toml_data import template_dir
from kpi_xl.engine.values import normalise_text
from kpi_xl.errors import DataError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIELDS = ("owner", "date", "close_date", "type", "result", "stage", "amount", "id", "count", "product",
          "account", "month", "day", "team")
STAGE_ORDER = ("prospect", "open", "won", "lost")


def key(text: Any) -> str:
    """Compare words ignoring case, width, spaces, underscores and hyphens."""
    return re.sub(r"[\s_\-・]", "", normalise_text(str(text)).casefold())


@dataclass
class Vocabulary:
    headers: dict[str, list[str]]
    types: dict[str, list[str]]
    results: dict[str, list[str]]
    stages: dict[str, list[str]]
    totals: list[str]
    columns: dict[str, str] = field(default_factory=dict)  # field → the export's exact header
    shape: str | None = None  # "activities" or "opportunities", when the mapping says so
    defaults: dict[str, str] = field(default_factory=dict)  # field → value for every row
    year: int | None = None  # for exports with a month but no year (UCI bank)

    def lookup(self, table: dict[str, list[str]]) -> dict[str, str]:
        """word key → metric/stage name."""
        out: dict[str, str] = {}
        for name, words in table.items():
            for word in words:
                out.setdefault(key(word), name)
        return out


@lru_cache(maxsize=1)
def _builtin() -> dict[str, Any]:
    return tomllib.loads((template_dir() / "sfa.toml").read_text(encoding="utf-8"))


def load_vocabulary(mapping: Path | str | None = None) -> Vocabulary:
    """The shipped vocabulary, overridden by a mapping file (YAML/TOML/JSON) if given.

    A mapping file may hold ``columns`` (field → header in the export), ``types``,
    ``results`` and ``stages`` (value lists, replacing the shipped ones per name),
    ``shape``, ``defaults`` (field → constant) and ``year``.
    """
    base = _builtin()
    vocab = Vocabulary({k: list(v) for k, v in base["headers"].items()}, dict(base["types"]),
                       dict(base["results"]), dict(base["stages"]), list(base["totals"]["markers"]))
    if mapping is None:
        return vocab
    from kpi_xl.settings_file import load_settings

    data = load_settings(mapping)
    allowed = {"columns", "types", "results", "stages", "shape", "defaults", "year"}
    for name in data:
        if name not in allowed:
            raise DataError("mapping_key", file=str(mapping), key=name, allowed=", ".join(sorted(allowed)))
    for name, header in (data.get("columns") or {}).items():
        if name not in FIELDS:
            raise DataError("mapping_key", file=str(mapping), key=f"columns.{name}", allowed=", ".join(FIELDS))
        vocab.columns[name] = str(header)
    for table in ("types", "results", "stages"):
        for name, words in (data.get(table) or {}).items():
            getattr(vocab, table)[str(name)] = [str(w) for w in (words if isinstance(words, list) else [words])]
    shape = data.get("shape")
    if shape is not None and shape not in ("activities", "opportunities"):
        raise DataError("mapping_key", file=str(mapping), key="shape", allowed="activities, opportunities")
    vocab.shape = shape
    vocab.defaults = {str(k): str(v) for k, v in (data.get("defaults") or {}).items()}
    vocab.year = int(data["year"]) if data.get("year") is not None else None
    return vocab

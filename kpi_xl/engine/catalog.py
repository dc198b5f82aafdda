"""The seeds' reference tables, loaded from templates/: organisation phases and their KPI
sets (DOMAIN.md §5), published benchmarks with their sources (§4) and the hints that
explain a weak stage (§6)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi_xl.engine.toml_data import broken, by_name, expect, name_key, read_table
from kpi_xl.i18n import NO_TEXT, Text

if TYPE_CHECKING:
    from kpi_xl.engine.templates import Template


@dataclass(frozen=True)
class Phase:
    """An organisation phase with its KPI candidates and count limits."""

    id: str
    name: Text
    focus: Text
    kpis: tuple[str, ...]
    min_kpis: int
    max_kpis: int
    measurement: Text
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.name.pick(lang)

    def kpis_for(self, template: Template) -> list[str]:
        """The phase's KPIs in ``template``: the template's own list for the phase, else the
        phase's candidates it has (topped up from its chain to the phase's minimum), within
        the phase's count limits."""
        if self.id in template.phases:
            return list(template.phases[self.id])
        present = [k for k in self.kpis if k in template.tree.metrics]
        for extra in [*template.chain, *template.chain_rates()]:
            if len(present) >= self.min_kpis:
                break
            if extra not in present:
                present.append(extra)
        return present[: self.max_kpis]


@dataclass(frozen=True)
class Benchmark:
    """A published range for a metric, with its unit, direction and source."""

    id: str
    name: Text
    low: float
    high: float | None
    unit: str
    higher_is_better: bool
    source: str
    note: Text = NO_TEXT

    def label(self, lang: str) -> str:
        return self.name.pick(lang)

    def contains(self, value: float) -> bool:
        return value >= self.low and (self.high is None or value <= self.high)


def _text(spec: dict, key: str, file: Path, where: str, required: bool = True) -> Text:
    """``{key}_ja`` / ``{key}_en`` (or ``ja`` / ``en`` for the key "") as one Text."""
    ja, en = (f"{key}_ja", f"{key}_en") if key else ("ja", "en")
    return Text(expect(spec, ja, str, file, where, required) or "",
                expect(spec, en, str, file, where, required) or "")


def _items(name: str, build: Callable[[str, dict, Path, str], Any]) -> dict[str, Any]:
    """Each top-level table of a shipped data file, built into an item."""
    file, data = read_table(name)
    return {key: build(key, spec, file, f"{key}.") for key, spec in data.items()}


def _phase(pid: str, spec: dict, file: Path, where: str) -> Phase:
    lo = expect(spec, "min_kpis", int, file, where)
    hi = expect(spec, "max_kpis", int, file, where)
    if not 1 <= lo <= hi:
        raise broken(file, where + "min_kpis", f"need 1 ≤ min_kpis ≤ max_kpis, got {lo}, {hi}")
    return Phase(pid, _text(spec, "", file, where), _text(spec, "focus", file, where),
                 tuple(expect(spec, "kpis", list, file, where)), lo, hi, _text(spec, "measurement", file, where),
                 tuple(expect(spec, "aliases", list, file, where, required=False) or ()))


@cache
def load_phases() -> dict[str, Phase]:
    """The three phases 立ち上げ期 / 成長期 / 安定期, in order."""
    return _items("phases.toml", _phase)


def get_phase(name: str) -> Phase:
    """A phase by id, Japanese or English name, or alias (安定期 for 安定・拡大期)."""
    phases = load_phases()
    key = name_key(name)
    for phase in phases.values():
        if key in (name_key(a) for a in phase.aliases):
            return phase
    return by_name(phases, name, "unknown_phase", ", ".join(f"{p.id} ({p.name.ja})" for p in phases.values()))


def _benchmark(bid: str, spec: dict, file: Path, where: str) -> Benchmark:
    direction = expect(spec, "direction", str, file, where)
    if direction not in ("higher", "lower"):
        raise broken(file, where + "direction", f"must be 'higher' or 'lower', got {direction!r}")
    return Benchmark(bid, _text(spec, "", file, where), float(expect(spec, "low", (int, float), file, where)),
                     None if spec.get("high") is None else float(spec["high"]), expect(spec, "unit", str, file, where),
                     direction == "higher", expect(spec, "source", str, file, where),
                     _text(spec, "note", file, where, required=False))


@cache
def load_benchmarks() -> dict[str, Benchmark]:
    """Benchmarks of DOMAIN.md §4, each with its source."""
    return _items("benchmarks.toml", _benchmark)


def get_benchmark(name: str) -> Benchmark:
    marks = load_benchmarks()
    return by_name(marks, name, "unknown_benchmark", ", ".join(marks))


@cache
def load_hints() -> dict[str, Text]:
    """Diagnosis hints of DOMAIN.md §6 by id."""
    return _items("hints.toml", lambda _id, spec, file, where: _text(spec, "", file, where))

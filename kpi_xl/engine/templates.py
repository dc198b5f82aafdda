"""Funnel, sales-style, phase and benchmark templates, loaded from TOML data files.

The files live in ``templates/`` (shipped inside the package as ``kpi_xl/templates``).
A user can pass the path of their own funnel file; a broken file gets a
:class:`~kpi_xl.errors.TemplateError` naming the file, the key and the problem.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from kpi_xl.engine.tree import OPS, Formula, Kind, KpiTree, Metric
from kpi_xl.engine.values import normalise_text
from kpi_xl.errors import TemplateError, TreeError, UnknownNameError
from kpi_xl.i18n import Text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def template_dir() -> Path:
    """Where the shipped templates are: inside the installed package, or the repo root."""
    packaged = Path(__file__).resolve().parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Template:
    """A funnel or sales style: its KPI tree, main chain and labels."""

    id: str
    kind: str
    ja: str
    en: str
    tree: KpiTree = field(repr=False)
    chain: tuple[str, ...]
    source: str
    description_ja: str = ""
    description_en: str = ""
    _names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def label(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    @property
    def root_id(self) -> str:
        return self.tree.root

    @property
    def metrics(self) -> dict[str, Metric]:
        return dict(self.tree.metrics)

    def metric(self, name: str) -> Metric:
        """Find a metric by id, Japanese or English label or alias (width/case-blind)."""
        key = _name_key(name)
        found = self._index().get(key)
        if found is None:
            raise UnknownNameError("unknown_metric", value=name, template=self.id,
                                   allowed=names(self.tree.metrics.values()))
        return self.tree.metrics[found]

    def _index(self) -> dict[str, str]:
        index = self._names
        if not index:
            for metric in self.tree.metrics.values():
                for name in (metric.id, metric.ja, metric.en, *metric.aliases):
                    index.setdefault(_name_key(name), metric.id)
        return index

    def chain_rates(self) -> list[str]:
        """Rate inputs met walking the chain down from the root (受注率 first)."""
        rates = []
        for parent, child in pairwise(self.chain):
            for other in self.tree.children(parent):
                if other != child and self.tree.metrics[other].kind is Kind.RATE:
                    rates.append(other)
        return rates

    def definition(self, metric_id: str, lang: str) -> str:
        """How a metric is computed, e.g. "商談化率 = 商談化数 ÷ コネクト数"."""
        metric = self.tree.metrics[metric_id]
        labels = {m.id: m.label(lang) for m in self.tree.metrics.values()}
        if metric.numerator and metric.denominator:
            return f"{labels[metric_id]} = {labels[metric.numerator]} ÷ {labels[metric.denominator]}"
        formula = self.tree.formulas.get(metric_id)
        if formula:
            return f"{labels[metric_id]} = {formula.text(labels)}"
        return metric.definition_ja if lang == "ja" else metric.definition_en


def names(metrics: Iterable[Metric]) -> Text:
    """A comma-separated list of metric labels, in both languages."""
    items = list(metrics)
    return Text(", ".join(m.ja for m in items), ", ".join(m.en for m in items))


def _name_key(name: str) -> str:
    return re.sub(r"[\s_・\-]", "", normalise_text(str(name)).casefold())


# -- loading -------------------------------------------------------------------------
_TOP_KEYS = {"id", "kind", "ja", "en", "root", "chain", "metrics", "description_ja",
             "description_en"}
_METRIC_KEYS = {"kind", "ja", "en", "formula", "higher_is_better", "controllable",
                "numerator", "denominator", "unit", "benchmark", "hint", "aliases",
                "definition_ja", "definition_en"}
_FORMULA = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*(\s*[*/+\-]\s*[A-Za-z_][A-Za-z0-9_]*)+\s*$")


def _broken(file: Path | str, key: str, problem: str) -> TemplateError:
    return TemplateError("template_broken", file=str(file), key=key, problem=problem)


def _expect(data: dict[str, Any], key: str, typ: type | tuple[type, ...], file: Path,
            where: str, required: bool = True) -> Any:
    if key not in data:
        if required:
            raise _broken(file, f"{where}{key}", "missing (required)")
        return None
    value = data[key]
    if not isinstance(value, typ) or (isinstance(value, bool) and typ is not bool):
        names = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
        raise _broken(file, f"{where}{key}", f"must be {names}, got {value!r}")
    return value


def parse_formula(text: str, file: Path, key: str) -> Formula:
    """``"won * unit_price"`` → Formula("*", ("won", "unit_price")): one operator only."""
    if not _FORMULA.match(text):
        raise _broken(file, key, f"formula {text!r} must be metric ids joined by one of "
                      f"{' '.join(OPS)}, e.g. 'won * unit_price'")
    ops = set(re.findall(r"[*/+\-]", text))
    if len(ops) != 1:
        raise _broken(file, key, f"formula {text!r} mixes operators {sorted(ops)}; "
                      "use one operation per metric and add an intermediate metric")
    op = ops.pop()
    args = tuple(a.strip() for a in re.split(r"[*/+\-]", text))
    if op in "-/" and len(args) != 2:
        raise _broken(file, key, f"formula {text!r}: {op} takes exactly two metrics")
    return Formula(op, args)


def load_template_file(path: Path | str) -> Template:
    """Load and validate one funnel/style template file."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _broken(file, "-", "file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _broken(file, "-", f"not valid TOML: {exc}") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _broken(file, sorted(unknown)[0], f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}")
    tid = _expect(data, "id", str, file, "")
    kind = _expect(data, "kind", str, file, "")
    if kind not in ("funnel", "style"):
        raise _broken(file, "kind", f"must be 'funnel' or 'style', got {kind!r}")
    raw_metrics = _expect(data, "metrics", dict, file, "")
    metrics: dict[str, Metric] = {}
    formulas: dict[str, Formula] = {}
    for mid, spec in raw_metrics.items():
        where = f"metrics.{mid}."
        if not isinstance(spec, dict):
            raise _broken(file, f"metrics.{mid}", "must be a table")
        extra = set(spec) - _METRIC_KEYS
        if extra:
            raise _broken(file, where + sorted(extra)[0],
                          f"unknown key; allowed: {', '.join(sorted(_METRIC_KEYS))}")
        kind_text = _expect(spec, "kind", str, file, where)
        try:
            mkind = Kind(kind_text)
        except ValueError:
            raise _broken(file, where + "kind", f"must be one of "
                          f"{', '.join(k.value for k in Kind)}, got {kind_text!r}") from None
        aliases = _expect(spec, "aliases", list, file, where, required=False) or []
        metrics[mid] = Metric(
            id=mid, kind=mkind,
            ja=_expect(spec, "ja", str, file, where), en=_expect(spec, "en", str, file, where),
            higher_is_better=_expect(spec, "higher_is_better", bool, file, where, False) is not False,
            controllable=_expect(spec, "controllable", bool, file, where, False) is not False,
            numerator=_expect(spec, "numerator", str, file, where, False),
            denominator=_expect(spec, "denominator", str, file, where, False),
            unit=_expect(spec, "unit", str, file, where, False) or "",
            benchmark=_expect(spec, "benchmark", str, file, where, False),
            hint=_expect(spec, "hint", str, file, where, False),
            aliases=tuple(str(a) for a in aliases),
            definition_ja=_expect(spec, "definition_ja", str, file, where, False) or "",
            definition_en=_expect(spec, "definition_en", str, file, where, False) or "",
        )
        text = _expect(spec, "formula", str, file, where, False)
        if text is not None:
            formulas[mid] = parse_formula(text, file, where + "formula")
    for mid, formula in formulas.items():
        for arg in formula.args:
            if arg not in metrics:
                raise _broken(file, f"metrics.{mid}.formula", f"uses unknown metric {arg!r}")
    for mid, metric in metrics.items():
        for part in ("numerator", "denominator"):
            ref = getattr(metric, part)
            if ref is not None and ref not in metrics:
                raise _broken(file, f"metrics.{mid}.{part}", f"unknown metric {ref!r}")
        if metric.kind is Kind.RATE and (metric.numerator is None) != (metric.denominator is None):
            raise _broken(file, f"metrics.{mid}", "a rate needs both numerator and denominator")
        if metric.benchmark is not None and metric.benchmark not in load_benchmarks():
            raise _broken(file, f"metrics.{mid}.benchmark", f"unknown benchmark "
                          f"{metric.benchmark!r}; known: {', '.join(load_benchmarks())}")
        if metric.hint is not None and metric.hint not in load_hints():
            raise _broken(file, f"metrics.{mid}.hint", f"unknown hint {metric.hint!r}; "
                          f"known: {', '.join(load_hints())}")
    root = _expect(data, "root", str, file, "")
    if root not in metrics:
        raise _broken(file, "root", f"unknown metric {root!r}")
    chain = tuple(_expect(data, "chain", list, file, ""))
    if not chain or chain[0] != root:
        raise _broken(file, "chain", f"must start at the root {root!r}")
    for parent, child in pairwise(chain):
        if child not in metrics:
            raise _broken(file, "chain", f"unknown metric {child!r}")
        if child not in (formulas[parent].args if parent in formulas else ()):
            raise _broken(file, "chain", f"{child!r} is not in the formula of {parent!r}")
    try:
        tree = KpiTree(metrics, formulas, root)
    except TreeError as exc:
        raise _broken(file, "metrics", exc.message("en")) from None
    return Template(id=tid, kind=kind, ja=_expect(data, "ja", str, file, ""),
                    en=_expect(data, "en", str, file, ""), tree=tree, chain=chain,
                    source=str(file),
                    description_ja=data.get("description_ja", ""),
                    description_en=data.get("description_en", ""))


@cache
def _builtin_templates() -> dict[str, Template]:
    found = {}
    for folder in ("funnels", "styles"):
        for file in sorted((template_dir() / folder).glob("*.toml")):
            template = load_template_file(file)
            found[template.id] = template
    return found


def template_names() -> list[str]:
    """Ids of the shipped templates (funnels first, then sales styles)."""
    return list(_builtin_templates())


def get_template(name: str) -> Template:
    """A shipped template by id (``sdr``), or a user's template file by path."""
    builtin = _builtin_templates()
    key = normalise_text(str(name)).casefold()
    if key in builtin:
        return builtin[key]
    for template in builtin.values():
        if key in (template.ja.casefold(), template.en.casefold()):
            return template
    if key.endswith(".toml") or Path(name).is_file():
        return load_template_file(name)
    raise UnknownNameError("unknown_template", value=name, allowed=", ".join(builtin))


# -- phases, benchmarks, hints ----------------------------------------------------------
@dataclass(frozen=True)
class Phase:
    """An organisation phase (DOMAIN.md §5) with its KPI candidates and count limits."""

    id: str
    ja: str
    en: str
    focus_ja: str
    focus_en: str
    kpis: tuple[str, ...]
    min_kpis: int
    max_kpis: int
    measurement_ja: str
    measurement_en: str

    def label(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    def kpis_for(self, template: Template) -> list[str]:
        """The phase's KPIs present in ``template``, cut to the phase's count limit. A sales
        style that names none of them (SaaS, 不動産 …) tracks its own chain and rates."""
        present = [k for k in self.kpis if k in template.tree.metrics]
        if not present:
            present = [*template.chain, *template.chain_rates()]
        return present[: self.max_kpis]


@dataclass(frozen=True)
class Benchmark:
    """A published range for a metric, with its unit, direction and source."""

    id: str
    ja: str
    en: str
    low: float
    high: float | None
    unit: str
    higher_is_better: bool
    source: str
    note_ja: str = ""
    note_en: str = ""

    def label(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    def contains(self, value: float) -> bool:
        return value >= self.low and (self.high is None or value <= self.high)


def _load_table(name: str) -> tuple[Path, dict[str, Any]]:
    file = template_dir() / name
    try:
        return file, tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _broken(file, "-", str(exc)) from None


@cache
def load_phases() -> dict[str, Phase]:
    """The three phases 立ち上げ期 / 成長期 / 安定期, in order."""
    file, data = _load_table("phases.toml")
    phases = {}
    for pid, spec in data.items():
        where = f"{pid}."
        lo = _expect(spec, "min_kpis", int, file, where)
        hi = _expect(spec, "max_kpis", int, file, where)
        if not 1 <= lo <= hi:
            raise _broken(file, where + "min_kpis", f"need 1 ≤ min_kpis ≤ max_kpis, got {lo}, {hi}")
        phases[pid] = Phase(pid, _expect(spec, "ja", str, file, where),
                            _expect(spec, "en", str, file, where),
                            _expect(spec, "focus_ja", str, file, where),
                            _expect(spec, "focus_en", str, file, where),
                            tuple(_expect(spec, "kpis", list, file, where)), lo, hi,
                            _expect(spec, "measurement_ja", str, file, where),
                            _expect(spec, "measurement_en", str, file, where))
    return phases


def _by_name(items: dict[str, Any], name: str, code: str, allowed: str) -> Any:
    """The item whose id, Japanese or English label is ``name`` (width- and case-blind)."""
    key = normalise_text(str(name)).casefold()
    for item in items.values():
        if key in (item.id, item.ja.casefold(), item.en.casefold()):
            return item
    raise UnknownNameError(code, value=name, allowed=allowed)


def get_phase(name: str) -> Phase:
    phases = load_phases()
    return _by_name(phases, name, "unknown_phase", ", ".join(f"{p.id} ({p.ja})" for p in phases.values()))


@cache
def load_benchmarks() -> dict[str, Benchmark]:
    """Benchmarks of DOMAIN.md §4, each with its source."""
    file, data = _load_table("benchmarks.toml")
    marks = {}
    for bid, spec in data.items():
        where = f"{bid}."
        direction = _expect(spec, "direction", str, file, where)
        if direction not in ("higher", "lower"):
            raise _broken(file, where + "direction", f"must be 'higher' or 'lower', got {direction!r}")
        marks[bid] = Benchmark(bid, _expect(spec, "ja", str, file, where),
                               _expect(spec, "en", str, file, where),
                               float(_expect(spec, "low", (int, float), file, where)),
                               None if spec.get("high") is None else float(spec["high"]),
                               _expect(spec, "unit", str, file, where), direction == "higher",
                               _expect(spec, "source", str, file, where),
                               spec.get("note_ja", ""), spec.get("note_en", ""))
    return marks


def get_benchmark(name: str) -> Benchmark:
    marks = load_benchmarks()
    return _by_name(marks, name, "unknown_benchmark", ", ".join(marks))


@cache
def load_hints() -> dict[str, tuple[str, str]]:
    """Diagnosis hints of DOMAIN.md §6: id → (ja, en)."""
    file, data = _load_table("hints.toml")
    return {hid: (_expect(spec, "ja", str, file, f"{hid}."), _expect(spec, "en", str, file, f"{hid}."))
            for hid, spec in data.items()}

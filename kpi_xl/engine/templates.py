"""Funnel and sales-style templates, loaded from TOML data files.

The files live in ``templates/funnels`` and ``templates/styles`` (shipped inside the
package as ``kpi_xl/templates``). A user can pass the path of their own funnel file; a
broken file gets a :class:`~kpi_xl.errors.TemplateError` naming the file, the key and the
problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from kpi_xl.engine.catalog import load_benchmarks, load_hints, load_phases
from kpi_xl.engine.observations import Observation
from kpi_xl.engine.toml_data import TOMLDecodeError, broken, expect, is_named, name_key, parse_toml, template_dir
from kpi_xl.engine.tree import OPS, Formula, Kind, KpiTree, Metric, Tier
from kpi_xl.engine.values import normalise_text
from kpi_xl.errors import TreeError, UnknownNameError
from kpi_xl.i18n import NO_TEXT, Text, label


@dataclass(frozen=True)
class Template:
    """A funnel or sales style: its KPI tree, main chain and labels."""

    id: str
    kind: str
    name: Text
    tree: KpiTree = field(repr=False)
    chain: tuple[str, ...]
    source: str
    description: Text = NO_TEXT
    phases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # phase id → its KPIs here
    activity: str | None = None  # what a rep's daily capacity counts (架電数), if the template has it
    capacity: str | None = None  # the benchmark giving that capacity by default (34 calls a day)
    observe: Mapping[str, tuple[Observation, ...]] = field(default_factory=dict)  # metric → what exports tell it
    _names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def label(self, lang: str) -> str:
        return self.name.pick(lang)

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
                for name in (metric.id, metric.name.ja, metric.name.en, *metric.aliases):
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
        """How a metric is computed, e.g. "商談化率 = 商談化数 ÷ コネクト数", with its note."""
        metric = self.tree.metrics[metric_id]
        labels = {m.id: m.label(lang) for m in self.tree.metrics.values()}
        note = metric.definition.pick(lang)
        formula = self.tree.formulas.get(metric_id)
        if metric.numerator and metric.denominator:
            text = f"{labels[metric_id]} = {labels[metric.numerator]} ÷ {labels[metric.denominator]}"
        elif formula:
            text = f"{labels[metric_id]} = {formula.text(labels)}"
        else:
            return note
        return label("with_note", lang, text=text, note=note) if note else text


def names(metrics: Iterable[Metric]) -> Text:
    """A comma-separated list of metric labels, in both languages."""
    items = list(metrics)
    return Text(", ".join(m.name.ja for m in items), ", ".join(m.name.en for m in items))


def _name_key(name: str) -> str:
    return re.sub(r"[\s_・\-]", "", normalise_text(str(name)).casefold())


# -- loading -------------------------------------------------------------------------
_TOP_KEYS = {"id", "kind", "ja", "en", "root", "chain", "metrics", "description_ja",
             "description_en", "phases", "activity", "capacity", "observe"}
_METRIC_KEYS = {"kind", "tier", "ja", "en", "formula", "higher_is_better", "controllable",
                "numerator", "denominator", "unit", "benchmark", "hint", "aliases",
                "definition_ja", "definition_en"}
_FORMULA = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*(\s*[*/+\-]\s*[A-Za-z_][A-Za-z0-9_]*)+\s*$")


def parse_formula(text: str, file: Path, key: str) -> Formula:
    """``"won * unit_price"`` → Formula("*", ("won", "unit_price")): one operator only."""
    if not _FORMULA.match(text):
        raise broken(file, key, f"formula {text!r} must be metric ids joined by one of "
                     f"{' '.join(OPS)}, e.g. 'won * unit_price'")
    ops = set(re.findall(r"[*/+\-]", text))
    if len(ops) != 1:
        raise broken(file, key, f"formula {text!r} mixes operators {sorted(ops)}; "
                     "use one operation per metric and add an intermediate metric")
    op = ops.pop()
    args = tuple(a.strip() for a in re.split(r"[*/+\-]", text))
    if op in "-/" and len(args) != 2:
        raise broken(file, key, f"formula {text!r}: {op} takes exactly two metrics")
    return Formula(op, args)


def _read_template_data(file: Path) -> dict[str, Any]:
    try:
        data = parse_toml(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise broken(file, "-", "file not found") from None
    except (TOMLDecodeError, UnicodeDecodeError) as exc:
        raise broken(file, "-", f"not valid TOML: {exc}") from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise broken(file, sorted(unknown)[0], f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}")
    kind = expect(data, "kind", str, file, "")
    if kind not in ("funnel", "style"):
        raise broken(file, "kind", f"must be 'funnel' or 'style', got {kind!r}")
    return data


def _metric(mid: str, spec: Any, file: Path) -> Metric:
    """One ``[metrics.<id>]`` table as a Metric (its formula is read separately)."""
    where = f"metrics.{mid}."
    if not isinstance(spec, dict):
        raise broken(file, f"metrics.{mid}", "must be a table")
    extra = set(spec) - _METRIC_KEYS
    if extra:
        raise broken(file, where + sorted(extra)[0], f"unknown key; allowed: {', '.join(sorted(_METRIC_KEYS))}")
    kind_text = expect(spec, "kind", str, file, where)
    try:
        kind = Kind(kind_text)
    except ValueError:
        raise broken(file, where + "kind", f"must be one of "
                     f"{', '.join(k.value for k in Kind)}, got {kind_text!r}") from None

    def optional(key: str, typ: type = str) -> Any:
        return expect(spec, key, typ, file, where, required=False)

    tier_text = optional("tier")
    try:
        tier = Tier(tier_text) if tier_text else _default_tier(kind, "formula" in spec)
    except ValueError:
        raise broken(file, where + "tier", f"must be one of {', '.join(t.value for t in Tier)}, "
                     f"got {tier_text!r}") from None
    return Metric(
        id=mid, kind=kind,
        name=Text(expect(spec, "ja", str, file, where), expect(spec, "en", str, file, where)),
        higher_is_better=optional("higher_is_better", bool) is not False,
        controllable=optional("controllable", bool) is not False,
        numerator=optional("numerator"), denominator=optional("denominator"),
        unit=optional("unit") or "", benchmark=optional("benchmark"), hint=optional("hint"),
        aliases=tuple(str(a) for a in optional("aliases", list) or []),
        definition=Text(optional("definition_ja") or "", optional("definition_en") or ""),
        tier=tier,
    )


def _default_tier(kind: Kind, derived: bool) -> Tier:
    """For a template that does not say: rates are results, amounts outcomes, counts a rep
    types in directly are actions and derived counts results."""
    if kind is Kind.RATE:
        return Tier.RESULT
    if kind is Kind.AMOUNT:
        return Tier.OUTCOME
    return Tier.RESULT if derived else Tier.ACTION


def _check_references(metrics: dict[str, Metric], formulas: dict[str, Formula], file: Path) -> None:
    """Every formula argument, numerator, denominator, benchmark and hint must exist."""
    for mid, formula in formulas.items():
        for arg in formula.args:
            if arg not in metrics:
                raise broken(file, f"metrics.{mid}.formula", f"uses unknown metric {arg!r}")
    for mid, metric in metrics.items():
        for part in ("numerator", "denominator"):
            ref = getattr(metric, part)
            if ref is not None and ref not in metrics:
                raise broken(file, f"metrics.{mid}.{part}", f"unknown metric {ref!r}")
        if metric.kind is Kind.RATE and (metric.numerator is None) != (metric.denominator is None):
            raise broken(file, f"metrics.{mid}", "a rate needs both numerator and denominator")
        if metric.benchmark is not None and metric.benchmark not in load_benchmarks():
            raise broken(file, f"metrics.{mid}.benchmark", f"unknown benchmark "
                         f"{metric.benchmark!r}; known: {', '.join(load_benchmarks())}")
        if metric.hint is not None and metric.hint not in load_hints():
            raise broken(file, f"metrics.{mid}.hint", f"unknown hint {metric.hint!r}; "
                         f"known: {', '.join(load_hints())}")


def _chain(data: dict[str, Any], metrics: dict[str, Metric], formulas: dict[str, Formula],
           file: Path) -> tuple[str, tuple[str, ...]]:
    """The root and the main chain: each stage must be an argument of the one above."""
    root = expect(data, "root", str, file, "")
    if root not in metrics:
        raise broken(file, "root", f"unknown metric {root!r}")
    chain = tuple(expect(data, "chain", list, file, ""))
    if not chain or chain[0] != root:
        raise broken(file, "chain", f"must start at the root {root!r}")
    for parent, child in pairwise(chain):
        if child not in metrics:
            raise broken(file, "chain", f"unknown metric {child!r}")
        if child not in (formulas[parent].args if parent in formulas else ()):
            raise broken(file, "chain", f"{child!r} is not in the formula of {parent!r}")
    return root, chain


def load_template_file(path: Path | str) -> Template:
    """Load and validate one funnel/style template file."""
    file = Path(path)
    data = _read_template_data(file)
    raw_metrics = expect(data, "metrics", dict, file, "")
    metrics = {mid: _metric(mid, spec, file) for mid, spec in raw_metrics.items()}
    formulas = {}
    for mid, spec in raw_metrics.items():
        text = expect(spec, "formula", str, file, f"metrics.{mid}.", required=False)
        if text is not None:
            formulas[mid] = parse_formula(text, file, f"metrics.{mid}.formula")
    _check_references(metrics, formulas, file)
    root, chain = _chain(data, metrics, formulas, file)
    try:
        tree = KpiTree(metrics, formulas, root)
    except TreeError as exc:
        raise broken(file, "metrics", exc.message("en")) from None
    activity, capacity = _capacity(data, metrics, file)
    return Template(id=expect(data, "id", str, file, ""), kind=data["kind"],
                    name=Text(expect(data, "ja", str, file, ""), expect(data, "en", str, file, "")),
                    tree=tree, chain=chain, source=str(file),
                    description=Text(data.get("description_ja", ""), data.get("description_en", "")),
                    phases=_phases(data, metrics, file), activity=activity, capacity=capacity,
                    observe=_observe(data, metrics, file))


def _phases(data: dict[str, Any], metrics: dict[str, Metric], file: Path) -> dict[str, tuple[str, ...]]:
    """``[phases]``: each phase's KPIs in this template (metric ids)."""
    table = expect(data, "phases", dict, file, "", required=False) or {}
    out = {}
    for phase, kpis in table.items():
        if phase not in load_phases():
            raise broken(file, f"phases.{phase}", f"unknown phase; known: {', '.join(load_phases())}")
        if not isinstance(kpis, list) or any(k not in metrics for k in kpis):
            raise broken(file, f"phases.{phase}", f"must list metric ids of this template, got {kpis!r}")
        limits = load_phases()[phase]
        if not limits.min_kpis <= len(kpis) <= limits.max_kpis:
            raise broken(file, f"phases.{phase}", f"{len(kpis)} KPIs; {limits.name.ja} takes "
                         f"{limits.min_kpis}–{limits.max_kpis}")
        out[phase] = tuple(kpis)
    return out


def _observe(data: dict[str, Any], metrics: dict[str, Metric], file: Path) -> dict[str, tuple[Observation, ...]]:
    """``[observe]``: each metric an export can count, and the observations that count it
    (コネクト数 = 通電した架電 + 返信のあったメール)."""
    table = expect(data, "observe", dict, file, "", required=False) or {}
    known = {o.value for o in Observation}
    out = {}
    for metric, observed in table.items():
        items = observed if isinstance(observed, list) else [observed]
        if metric not in metrics or metrics[metric].kind is Kind.RATE:
            raise broken(file, f"observe.{metric}", "must name a count or amount metric of this template")
        if not items or any(o not in known for o in items):
            raise broken(file, f"observe.{metric}", f"must list observations ({', '.join(sorted(known))})")
        out[metric] = tuple(Observation(o) for o in items)
    return out


def _capacity(data: dict[str, Any], metrics: dict[str, Metric], file: Path) -> tuple[str | None, str | None]:
    """The activity a rep's daily capacity is counted in (default: 架電数 when there is one)
    and the benchmark that gives the capacity by default."""
    activity = expect(data, "activity", str, file, "", required=False)
    if activity is None:
        activity = "calls" if "calls" in metrics else None
    elif activity not in metrics:
        raise broken(file, "activity", f"unknown metric {activity!r}")
    capacity = expect(data, "capacity", str, file, "", required=False)
    if capacity is not None and capacity not in load_benchmarks():
        raise broken(file, "capacity", f"unknown benchmark {capacity!r}; known: {', '.join(load_benchmarks())}")
    return activity, capacity


TEMPLATE_FOLDERS = ("funnels", "styles")  # funnels listed first, then sales styles


@cache
def _builtin_files() -> dict[str, Path]:
    """Shipped template id → its file: a template's id is its file's stem (tested), so one
    template is read without parsing the other nine."""
    return {file.stem: file for folder in TEMPLATE_FOLDERS for file in sorted((template_dir() / folder).glob("*.toml"))}


@cache
def _builtin(template_id: str) -> Template:
    return load_template_file(_builtin_files()[template_id])


def template_names() -> list[str]:
    """Ids of the shipped templates (funnels first, then sales styles)."""
    return list(_builtin_files())


def get_template(name: str) -> Template:
    """A shipped template by id (``sdr``), or a user's template file by path."""
    key = name_key(name)
    if key in _builtin_files():
        return _builtin(key)
    for template in map(_builtin, _builtin_files()):
        if is_named(template, key):
            return template
    if key.endswith(".toml") or Path(name).is_file():
        return load_template_file(name)
    raise UnknownNameError("unknown_template", value=name, allowed=", ".join(_builtin_files()))

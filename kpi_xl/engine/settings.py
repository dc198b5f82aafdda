"""Plan settings as people write them (CLI flags, plan.yaml, a workbook's 入力 sheet)
validated once into :class:`Settings`: the engine's :class:`~kpi_xl.engine.plan.PlanSpec`,
the presentation options every face shares (language, warn threshold, phase, as-of date,
scenario, amount display) and the KPI list ``kpi-xl lint`` checks.

Every face builds its settings here, so "20%", "１２０万" and "受注率" mean the same thing
everywhere, and a bad value is reported once, the same way, naming the field.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from typing import Any

from kpi_xl.engine.allocation import MAX_REPS, REP_COUNT, Rep, team
from kpi_xl.engine.calendar import SPLIT_METHODS
from kpi_xl.engine.catalog import get_phase
from kpi_xl.engine.dates import parse_closures, parse_date
from kpi_xl.engine.diagnosis import DEFAULT_WARN
from kpi_xl.engine.lag import ONE_STAGE, SHARE_MONTHS
from kpi_xl.engine.lint import KpiSpec
from kpi_xl.engine.plan import PlanSpec
from kpi_xl.engine.schema import SETTINGS, check_document
from kpi_xl.engine.templates import Template, get_template, names
from kpi_xl.engine.tree import Kind
from kpi_xl.engine.values import (
    parse_bool,
    parse_count,
    parse_lang,
    parse_non_negative,
    parse_number,
    parse_positive,
    parse_rate,
)
from kpi_xl.errors import InputError
from kpi_xl.i18n import Text, between

SCENARIO_FACTORS = (1.0, 1.1, 0.9)  # base, upside, downside: rates × factor, capped at 100%


class Display(str, Enum):
    """How amounts are shown: in 円, 万円 or 億円."""

    YEN = "yen"
    MAN = "man"
    OKU = "oku"


@dataclass(frozen=True)
class PlanOptions:
    """How a plan is presented (what the engine's numbers do not depend on)."""

    lang: str = "ja"
    warn: float = DEFAULT_WARN
    phase: str | None = None
    asof: date | None = None
    scenario: int = 0
    display: Display = Display.YEN


@dataclass(frozen=True)
class Settings:
    """One settings document, validated: the plan, its presentation and its KPI list."""

    spec: PlanSpec
    options: PlanOptions
    kpis: tuple[KpiSpec, ...] = ()


def read_settings(settings: Mapping[str, Any]) -> Settings:
    """Validate a whole settings document once (every command starts here). The active
    scenario (upside: rates × 1.1, downside: × 0.9, capped at 100%) is applied here, so the
    plan printed, returned as JSON and written as a workbook is the same plan."""
    spec = spec_from_settings(settings)
    options = options_from_settings(settings)
    if options.scenario:
        spec = replace(spec, knowns=scenario_knowns(spec, options.scenario), base_knowns=dict(spec.knowns))
    return Settings(spec, options, kpis_from_settings(settings, spec.template))


def scenario_knowns(spec: PlanSpec, scenario: int, base: Mapping[str, float] | None = None) -> dict[str, float]:
    """The inputs of scenario 0 (base), 1 (upside) or 2 (downside): rates scaled by the
    scenario's factor and capped at 100%, or as ``spec.scenario_rates`` gives them; volumes and
    prices unchanged."""
    factor = SCENARIO_FACTORS[scenario]
    tree = spec.template.tree
    given = {k: pair[scenario - 1] for k, pair in spec.scenario_rates.items()} if scenario else {}
    return {k: given[k] if k in given else min(1.0, v * factor) if tree.metrics[k].kind is Kind.RATE else v
            for k, v in (spec.knowns if base is None else base).items()}


def _whole(value: Any, field: str, low: int, high: int) -> int:
    number = parse_number(value, field)
    if number != int(number) or not low <= number <= high:
        raise InputError("out_of_range", field=field, value=value, allowed=between(low, high))
    return int(number)


def metric_value(template: Template, name: str, raw: Any, field: str) -> tuple[str, float]:
    """Resolve a metric name and parse its value by the metric's kind."""
    metric = template.metric(name)
    if metric.kind is Kind.RATE:
        return metric.id, parse_rate(raw, metric.name)
    if metric.kind is Kind.COUNT:
        return metric.id, parse_count(raw, metric.name)
    return metric.id, parse_non_negative(raw, metric.name)


def parse_rep(text: str) -> Rep:
    """"name[:capacity[:start YYYY-MM[:ramp/ramp…]]]" e.g. "佐藤:1:2026-10:0.5/0.75"."""
    parts = [p.strip() for p in str(text).replace("：", ":").split(":")]
    name = parts[0]
    if not name:
        raise InputError("bad_rep", field="rep", value=text)
    capacity = parse_non_negative(parts[1], f"{name}.capacity") if len(parts) > 1 else 1.0
    start = parse_date(parts[2] + "-01", f"{name}.start") if len(parts) > 2 and parts[2] else None
    ramp = tuple(parse_number(r, f"{name}.ramp") for r in parts[3].split("/")) if len(parts) > 3 else ()
    if any(not 0 <= r <= 1 for r in ramp):
        raise InputError("out_of_range", field=f"{name}.ramp", value=parts[3], allowed=between(0, 1))
    return Rep(name, capacity, start, ramp)


def _rep_table(item: Mapping[str, Any], index: int) -> Rep:
    """A rep written as a table: {name, capacity, start, ramp}."""
    name = "" if item.get("name") is None else str(item.get("name")).strip()
    if not name:
        raise InputError("missing", field=f"reps[{index}].name", hint="例/e.g. {name: 佐藤, capacity: 1}")
    start = item.get("start")
    ramp = item.get("ramp") or ()
    rep = Rep(name, parse_non_negative(item.get("capacity", 1), f"{name}.capacity"),
              parse_date(f"{start}-01" if start and len(str(start)) <= 7 else start,
                         f"{name}.start") if start else None,
              tuple(parse_number(r, f"{name}.ramp") for r in ramp))
    if any(not 0 <= r <= 1 for r in rep.ramp):
        raise InputError("out_of_range", field=f"{name}.ramp", value=list(ramp), allowed=between(0, 1))
    return rep


def _number_like(raw: Any) -> bool:
    """Whether ``raw`` reads as a number to Python (``nan``, ``-inf`` and ``1e400`` do)."""
    try:
        float(unicodedata.normalize("NFKC", str(raw)).replace(",", ""))
    except ValueError:
        return False
    return True


def parse_reps(raw: Any) -> tuple[Rep, ...]:
    """An int (that many full-time reps), or a list of "name:cap:start:ramp" / tables."""
    if raw is None:
        return (Rep("Rep 1"),)
    if isinstance(raw, (int, float, str)) and not isinstance(raw, bool) and \
            not (isinstance(raw, str) and ":" in raw):
        try:
            count = parse_number(raw, "reps")
        except InputError:
            if _number_like(raw):  # nan, inf, 1e400: a count that is not finite, not a rep's name
                raise InputError("out_of_range", field="reps", value=raw,
                                 allowed=REP_COUNT) from None
            return (parse_rep(str(raw)),)
        if count != int(count) or not 1 <= count <= MAX_REPS:
            raise InputError("out_of_range", field="reps", value=raw, allowed=REP_COUNT)
        return tuple(team(int(count)))
    items = raw if isinstance(raw, list) else [raw]
    if len(items) > MAX_REPS:
        raise InputError("out_of_range", field="reps", value=f"{len(items)} reps", allowed=between(1, MAX_REPS))
    reps = [_rep_table(item, i) if isinstance(item, Mapping) else parse_rep(str(item)) for i, item in enumerate(items)]
    rep_names = [r.name for r in reps]
    dupes = sorted(n for n, times in Counter(rep_names).items() if times > 1)
    if dupes:
        raise InputError("bad_choice", field="reps", value=dupes[0], allowed=Text("重複しない名前", "unique names"))
    return tuple(reps)


def _knowns(template: Template, settings: Mapping[str, Any]) -> dict[str, float]:
    """Rates, fixed volumes and the unit price, by metric id."""
    knowns: dict[str, float] = {}
    for field in ("rates", "volumes"):
        entries = settings.get(field) or {}
        if not isinstance(entries, Mapping):
            raise InputError("bad_pair", field=field, value=entries)
        for name, raw in entries.items():
            mid, value = metric_value(template, str(name), raw, field)
            knowns[mid] = value
    if settings.get("unit_price") is not None:
        price = unit_price_metric(template)
        knowns[price] = parse_positive(settings["unit_price"], template.tree.name(price))
    return knowns


def spec_from_settings(settings: Mapping[str, Any]) -> PlanSpec:
    """Validate ``settings`` (plain data) and build the plan spec.

    Presentation keys (lang, warn, phase, asof, scenario, display, kpis) are allowed and
    validated by :func:`options_from_settings`, so one settings file serves every command."""
    check_document(settings, SETTINGS, "settings")
    template = get_template(settings.get("template") or "sdr")
    target, goal = _goal(template, settings)
    fiscal_year = settings.get("fiscal_year")
    split = str(settings.get("split") or "equal")
    if split not in SPLIT_METHODS:
        raise InputError("bad_choice", field="split", value=split, allowed=", ".join(SPLIT_METHODS))
    leads = {}
    for name, raw in (settings.get("leads") or {}).items():
        stage = _chain_stage(template, str(name))
        leads[stage] = _whole(raw, f"lead {name}", 0, 24)
    capacity = settings.get("capacity_per_day")
    growth = {}
    for name, raw in (settings.get("growth") or {}).items():  # 前月比: each month this much above the last
        stage = _chain_stage(template, str(name))
        growth[stage] = parse_number(raw, f"growth {name}")
        if not -0.5 < growth[stage] <= 1:
            raise InputError("out_of_range", field=f"growth {name}", value=raw, allowed=between("-50%", "100%"))
    return PlanSpec(
        template=template, goal=goal, knowns=_knowns(template, settings), target=target,
        fiscal_year=None if fiscal_year is None else _whole(fiscal_year, "fiscal_year", 1901, 2199),
        fy_start=_whole(settings.get("fy_start", 4), "fy_start", 1, 12),
        quarter=None if settings.get("quarter") is None else
        _whole(settings["quarter"], "quarter", 1, 4),
        closures=tuple(parse_closures(settings.get("holidays") or [])),
        public_holidays=parse_bool(settings.get("public_holidays", True), "public_holidays"),
        reps=parse_reps(settings.get("reps")),
        leads=leads, split=split, exact=parse_bool(settings.get("exact"), "exact"),
        capacity_per_day=None if capacity is None else parse_positive(capacity, "capacity_per_day"),
        growth=growth, scenario_rates=_scenario_rates(template, settings.get("scenarios") or {}),
        lag_shares=_lag_shares(template, settings.get("lag_shares") or {}),
    )


def _lag_shares(template: Template, table: Mapping[str, Any]) -> dict[str, tuple[float, ...]]:
    """``lag_shares: {受注数: [32%, 17%, 17%, 34%]}``: the share of a stage's results in the same
    month as the stage below, one, two and three or more months later; scaled to add up to
    100% (all zero: all in the same month). One stage at most."""
    out = {}
    for name, raw in table.items():
        stage = _chain_stage(template, str(name))
        field = f"lag_shares.{name}"
        values = list(raw) if isinstance(raw, (list, tuple)) else [raw]
        if not 1 <= len(values) <= SHARE_MONTHS or stage == template.chain[-1]:
            raise InputError("out_of_range", field=field, value=raw,
                             allowed=Text(f"最後より上の段に 1～{SHARE_MONTHS} 個の割合（例: [40%, 30%, 20%, 10%]）",
                                          f"1 to {SHARE_MONTHS} shares on a stage above the last, "
                                          "e.g. [40%, 30%, 20%, 10%]"))
        shares = [parse_non_negative(v, f"{field}[{i + 1}]") for i, v in enumerate(values)]
        total = sum(shares)
        shares = [x / total for x in shares] if total > 0 else [1.0]
        out[stage] = tuple(shares) + (0.0,) * (SHARE_MONTHS - len(shares))
    if len(out) > 1:
        raise InputError("out_of_range", field="lag_shares", value=", ".join(table), allowed=ONE_STAGE)
    return out


def _scenario_rates(template: Template, scenarios: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """``scenarios: {受注率: [楽観, 悲観]}``: a rate's upside and downside given outright."""
    out = {}
    for name, pair in scenarios.items():
        metric = template.metric(str(name))
        field = f"scenarios.{name}"
        if metric.kind is not Kind.RATE:
            raise InputError("out_of_range", field=field, value=name,
                             allowed=Text("テンプレートの率", "a rate of the template"))
        values = list(pair) if isinstance(pair, (list, tuple)) else [pair]
        if len(values) != 2:
            raise InputError("out_of_range", field=field, value=pair, allowed=Text(
                "[楽観, 悲観]（例: [22%, 18%]）", "[upside, downside], e.g. [22%, 18%]"))
        out[metric.id] = (parse_rate(values[0], field), parse_rate(values[1], field))
    return out


def options_from_settings(settings: Mapping[str, Any]) -> PlanOptions:
    """The presentation part of plan settings (lang, warn, phase, asof, scenario, display)."""
    warn = settings.get("warn")
    phase = settings.get("phase")
    scenario = settings.get("scenario", 0)
    if scenario not in (0, 1, 2):
        raise InputError("bad_choice", field="scenario", value=scenario,
                         allowed=Text("0（基本）, 1（楽観）, 2（悲観）", "0 (base), 1 (upside), 2 (downside)"))
    display = settings.get("display", Display.YEN.value)
    if display not in {d.value for d in Display}:
        raise InputError("bad_choice", field="display", value=display,
                         allowed=", ".join(d.value for d in Display))
    return PlanOptions(
        lang=parse_lang(settings.get("lang") or "ja"),
        warn=DEFAULT_WARN if warn is None else parse_rate(warn, "warn"),
        phase=None if phase is None else get_phase(str(phase)).id,
        asof=None if settings.get("asof") is None else parse_date(settings["asof"], "asof"),
        scenario=int(scenario),
        display=Display(display),
    )


def kpis_from_settings(settings: Mapping[str, Any], template: Template) -> tuple[KpiSpec, ...]:
    """The ``kpis:`` list (metric, target, deadline, owner, definition) ``kpi-xl lint`` checks;
    each target is read by its metric's kind (a rate as 15% or 0.15)."""
    out = []
    for item in settings.get("kpis") or []:
        entry = item if isinstance(item, Mapping) else {"metric": item}
        name, target = str(entry.get("metric", "")), entry.get("target")
        out.append(KpiSpec(name, None if target is None else metric_value(template, name, target, "kpis")[1],
                           None if entry.get("deadline") is None else str(entry["deadline"]),
                           entry.get("owner"), entry.get("definition")))
    return tuple(out)


def unit_price_metric(template: Template) -> str:
    """The amount leaf of the root formula (平均受注単価)."""
    for arg in template.tree.children(template.root_id):
        if template.tree.metrics[arg].kind is Kind.AMOUNT and arg not in template.tree.formulas:
            return arg
    raise InputError("bad_choice", field="unit_price", value=template.id,
                     allowed=Text("KGI が件数 × 単価のテンプレート",
                                                                "templates whose KGI is count × price"))


def _chain_stage(template: Template, name: str) -> str:
    """A stage on the chain by name; a rate names the stage it produces (受注率 → 受注数)."""
    metric = template.metric(name)
    if metric.id in template.chain:
        return metric.id
    if metric.kind is Kind.RATE and metric.numerator in template.chain:
        return metric.numerator
    raise InputError("bad_choice", field="lead", value=name, allowed=names(
        template.tree.metrics[m] for m in template.chain[1:]))


def _goal(template: Template, settings: Mapping[str, Any]) -> tuple[str, float]:
    target = settings.get("target")
    kgi = settings.get("kgi")
    if target is not None:
        if isinstance(target, Mapping) and len(target) == 1:
            (name, raw), = target.items()
        elif isinstance(target, str) and "=" in target:
            name, _, raw = target.partition("=")
        else:
            raise InputError("bad_pair", field="target", value=target)
        metric = template.metric(name.strip())
        if metric.id not in template.chain and metric.id not in template.tree.formulas:
            raise InputError("bad_choice", field="target", value=metric.name.ja, allowed=names(
                template.tree.metrics[m] for m in [*template.chain, *template.tree.formulas]))
        if metric.kind is Kind.RATE:
            return metric.id, parse_rate(raw, metric.name)
        return metric.id, parse_positive(raw, metric.name)
    if kgi is None:
        raise InputError("missing", field="kgi",
                         hint="例/e.g. --kgi 120000000 または/or --target 受注数=10")
    root = template.tree.metrics[template.root_id]
    return root.id, parse_positive(kgi, Text(f"KGI（{root.name.ja}）", f"KGI ({root.name.en})"))

"""Plan settings as people write them (CLI flags, plan.yaml, a workbook's 入力 sheet)
turned into a validated :class:`~kpi_xl.engine.plan.PlanSpec`.

Every face builds its spec here, so "20%", "１２０万" and "受注率" mean the same thing
everywhere, and a bad value is reported once, the same way, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kpi_xl.engine.allocation import Rep, parse_rep, team
from kpi_xl.engine.calendar import SPLIT_METHODS, parse_closures, parse_date
from kpi_xl.engine.plan import PlanSpec
from kpi_xl.engine.templates import Template, get_template, names
from kpi_xl.engine.tree import Kind
from kpi_xl.engine.values import (
    parse_count,
    parse_non_negative,
    parse_number,
    parse_positive,
    parse_rate,
)
from kpi_xl.errors import InputError
from kpi_xl.i18n import Text

KEYS = ("template", "kgi", "target", "unit_price", "rates", "volumes", "fiscal_year",
        "fy_start", "quarter", "holidays", "reps", "leads", "split", "exact",
        "capacity_per_day", "phase", "lang", "warn", "public_holidays", "asof", "scenario", "display", "kpis")


def _whole(value: Any, field: str, low: int, high: int) -> int:
    number = parse_number(value, field)
    if number != int(number) or not low <= number <= high:
        raise InputError("out_of_range", field=field, value=value, allowed=f"{low}–{high}")
    return int(number)


def metric_value(template: Template, name: str, raw: Any, field: str) -> tuple[str, float]:
    """Resolve a metric name and parse its value by the metric's kind."""
    metric = template.metric(name)
    label = Text(metric.ja, metric.en)
    if metric.kind is Kind.RATE:
        return metric.id, parse_rate(raw, label)
    if metric.kind is Kind.COUNT:
        return metric.id, parse_count(raw, label)
    return metric.id, parse_non_negative(raw, label)


def parse_reps(raw: Any) -> tuple[Rep, ...]:
    """An int (that many full-time reps), or a list of "name:cap:start:ramp" / tables."""
    if raw is None:
        return (Rep("Rep 1"),)
    if isinstance(raw, (int, float, str)) and not isinstance(raw, bool) and \
            not (isinstance(raw, str) and ":" in raw):
        try:
            count = parse_number(raw, "reps")
        except InputError:
            return (parse_rep(str(raw)),)
        if count != int(count) or count < 1:
            raise InputError("out_of_range", field="reps", value=raw, allowed="1 or more")
        return tuple(team(int(count)))
    items = raw if isinstance(raw, list) else [raw]
    reps = []
    for item in items:
        if isinstance(item, Mapping):
            name = str(item.get("name", "")).strip()
            if not name:
                raise InputError("missing", field="reps[].name")
            start = item.get("start")
            ramp = item.get("ramp") or ()
            rep = Rep(name, parse_non_negative(item.get("capacity", 1), f"{name}.capacity"),
                      parse_date(f"{start}-01" if start and len(str(start)) <= 7 else start,
                                 f"{name}.start") if start else None,
                      tuple(parse_number(r, f"{name}.ramp") for r in ramp))
            if any(not 0 <= r <= 1 for r in rep.ramp):
                raise InputError("out_of_range", field=f"{name}.ramp", value=list(ramp),
                                 allowed="0–1")
            reps.append(rep)
        else:
            reps.append(parse_rep(str(item)))
    names = [r.name for r in reps]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError("bad_choice", field="reps", value=dupes[0], allowed="unique names")
    return tuple(reps)


def spec_from_settings(settings: Mapping[str, Any]) -> PlanSpec:
    """Validate ``settings`` (plain data) and build the plan spec.

    Presentation keys (lang, warn, phase, asof, scenario, display, kpis) are allowed and
    left to the faces that use them, so one settings file serves every command."""
    unknown = [k for k in settings if k not in KEYS]
    if unknown:
        raise InputError("bad_choice", field="settings", value=unknown[0], allowed=", ".join(KEYS))
    template = get_template(settings.get("template") or "sdr")
    knowns: dict[str, float] = {}
    for field in ("rates", "volumes"):
        entries = settings.get(field) or {}
        if not isinstance(entries, Mapping):
            raise InputError("bad_pair", field=field, value=entries)
        for name, raw in entries.items():
            mid, value = metric_value(template, str(name), raw, field)
            knowns[mid] = value
    if settings.get("unit_price") is not None:
        price = _unit_price_metric(template)
        knowns[price] = parse_positive(settings["unit_price"], template.tree.name(price))
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
    return PlanSpec(
        template=template, goal=goal, knowns=knowns, target=target,
        fiscal_year=None if fiscal_year is None else _whole(fiscal_year, "fiscal_year", 1901, 2199),
        fy_start=_whole(settings.get("fy_start", 4), "fy_start", 1, 12),
        quarter=None if settings.get("quarter") is None else
        _whole(settings["quarter"], "quarter", 1, 4),
        closures=tuple(parse_closures(settings.get("holidays") or [])),
        public_holidays=settings.get("public_holidays", True) is not False,
        reps=parse_reps(settings.get("reps")),
        leads=leads, split=split, exact=bool(settings.get("exact", False)),
        capacity_per_day=None if capacity is None else parse_positive(capacity, "capacity_per_day"),
    )


def _unit_price_metric(template: Template) -> str:
    """The amount leaf of the root formula (平均受注単価)."""
    for arg in template.tree.children(template.root_id):
        if template.tree.metrics[arg].kind is Kind.AMOUNT and arg not in template.tree.formulas:
            return arg
    raise InputError("bad_choice", field="unit_price", value=template.id,
                     allowed="templates whose KGI is count × price")


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
        if metric.id not in template.chain:
            raise InputError("bad_choice", field="target", value=metric.ja, allowed=names(
                template.tree.metrics[m] for m in template.chain))
        return metric.id, parse_positive(raw, template.tree.name(metric.id))
    if kgi is None:
        raise InputError("missing", field="kgi",
                         hint="例/e.g. --kgi 120000000 または/or --target 受注数=10")
    root = template.tree.metrics[template.root_id]
    return root.id, parse_positive(kgi, Text(f"KGI（{root.ja}）", f"KGI ({root.en})"))

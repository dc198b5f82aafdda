"""Reverse calculation (逆算) down a template's main chain.

From a goal at the top of the chain (¥12M revenue, or 10 deals) walk down stage by stage
for as long as the inputs allow: each stage's required count is the tree solve of the
stage above, rounded up like Excel. Where an input is missing the walk stops and says
which one would take it further.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from kpi_xl.engine.templates import Template, names
from kpi_xl.engine.tree import Formula, Kind, KpiTree, Metric, invert, round_required
from kpi_xl.errors import InputError, TreeError
from kpi_xl.i18n import Text, between


class Stage(NamedTuple):
    """One stage of a reverse result: the metric, its required value, and the inputs used."""

    metric: str
    value: float
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reverse:
    """Required value per chain stage, from the goal down to the lever."""

    template: Template
    target: str
    goal: float
    stages: tuple[Stage, ...]
    missing: tuple[str, ...]
    exact: bool

    @property
    def lever(self) -> str:
        return self.stages[-1].metric

    @property
    def used(self) -> tuple[str, ...]:
        """The inputs the walk used, in order (rates, prices, fixed volumes)."""
        seen: list[str] = []
        for stage in self.stages:
            for metric in stage.via:
                seen.extend(m for m in self.template.tree.descendants(metric) if m not in seen)
        return tuple(seen)

    def value(self, metric: str) -> float:
        for stage in self.stages:
            if stage.metric == metric:
                return stage.value
        raise KeyError(metric)

    def as_dict(self) -> dict[str, float]:
        return {s.metric: s.value for s in self.stages}


MAX_VALUE = 1e15  # 1,000兆: above this a goal or a required count is a typo (Excel keeps 15 digits)


def reverse(template: Template, goal: float, knowns: Mapping[str, float], *,
            target: str | None = None, exact: bool = False) -> Reverse:
    """Solve the chain below ``target`` (default: the root) for ``goal``.

    ``knowns`` maps metric ids to rates, unit prices and any fixed volumes.
    """
    tree = template.tree
    target = target or template.root_id
    if goal < 0:
        raise InputError("negative", field=tree.name(target), value=goal)
    if not goal <= MAX_VALUE:
        raise InputError("out_of_range", field=tree.name(target), value=goal, allowed=between(0, f"{MAX_VALUE:.0e}"))
    if target not in template.chain:
        return _checked(_reverse_formula(template, goal, knowns, target, exact))
    current = round_required(tree.metrics[target], goal, exact)
    stages, missing = _walk_chain(template, [Stage(target, current)], knowns, exact)
    return _checked(Reverse(template, target, goal, tuple(stages), missing, exact))


def _checked(result: Reverse) -> Reverse:
    """A plan whose required activity passes 10^15 (a tiny rate under a huge goal) is refused:
    no spreadsheet holds such a count exactly, and past 1e308 it is infinite."""
    for stage in result.stages:
        if not math.isfinite(stage.value) or abs(stage.value) > MAX_VALUE:
            raise InputError("out_of_range", field=result.template.tree.name(stage.metric), value=stage.value,
                             allowed=Text(
                f"必要数が {MAX_VALUE:.0e} 以下になる計画（目標と率を確認してください）",
                f"a plan needing at most {MAX_VALUE:.0e} (check the goal and the rates)"))
    return result


def _walk_chain(template: Template, stages: list[Stage], knowns: Mapping[str, float], exact: bool
                ) -> tuple[list[Stage], tuple[str, ...]]:
    """Continue down the main chain from the last stage for as long as the inputs allow;
    returns the stages and the inputs that would take it further."""
    tree, chain = template.tree, template.chain
    current = stages[-1].value
    for parent, child in pairwise(chain[chain.index(stages[-1].metric):]):
        step = tree.path(parent, child)[0]
        absent = tuple(o for o in step.others if o not in knowns and not _available(template, o, knowns))
        if absent:
            return stages, absent
        current = invert(step, current, knowns, tree, exact)
        stages.append(Stage(child, current, step.others))
    return stages, ()


def _reverse_formula(template: Template, goal: float, knowns: Mapping[str, float], target: str,
                     exact: bool) -> Reverse:
    """A goal on a metric off the main chain (継続率 90%, 002): its formula solved for the one
    input not given (継続顧客数 = 90% × 更新対象顧客数)."""
    tree = template.tree
    formula = tree.formulas.get(target)
    if formula is None:
        raise InputError("bad_choice", field="target", value=tree.name(target),
                         allowed=names(tree.metrics[m] for m in [*template.chain, *tree.formulas]))
    top = round_required(tree.metrics[target], goal, exact)
    unknown = [a for a in formula.args if a not in knowns and not _available(template, a, knowns)]
    if len(unknown) != 1:
        return Reverse(template, target, goal, (Stage(target, top),), tuple(unknown[1:]), exact)
    step = tree.path(target, unknown[0])[0]
    stages = [Stage(target, top), Stage(unknown[0], invert(step, top, knowns, tree, exact), step.others)]
    missing: tuple[str, ...] = ()
    if unknown[0] in template.chain:
        stages, missing = _walk_chain(template, stages, knowns, exact)
    return Reverse(template, target, goal, tuple(stages), missing, exact)


def _available(template: Template, metric: str, knowns: Mapping[str, float]) -> bool:
    if metric in knowns:
        return True
    try:
        template.tree.value(metric, knowns, metric)
    except TreeError:
        return False
    return True



@lru_cache(maxsize=32)
def chain_template(stages: int, priced: bool) -> Template:
    """A plain chain of ``stages`` rates (rate 1 nearest the goal), for callers that have
    rates but no named funnel (the Excel functions). With ``priced`` the goal is an amount
    = count × unit price; otherwise the goal is the first count itself."""
    metrics: dict[str, Metric] = {}
    formulas: dict[str, Formula] = {}
    for i in range(stages + 1):
        metrics[f"s{i}"] = Metric(f"s{i}", Kind.COUNT, Text(f"段階{i}", f"Stage {i}"))
    for i in range(1, stages + 1):
        metrics[f"r{i}"] = Metric(f"r{i}", Kind.RATE, Text(f"率{i}", f"Rate {i}"), numerator=f"s{i - 1}",
                                  denominator=f"s{i}")
        formulas[f"s{i - 1}"] = Formula("*", (f"s{i}", f"r{i}"))
    chain = [f"s{i}" for i in range(stages + 1)]
    if priced:
        metrics["goal"] = Metric("goal", Kind.AMOUNT, Text("KGI", "KGI"))
        metrics["price"] = Metric("price", Kind.AMOUNT, Text("平均受注単価", "Average deal size"))
        formulas["goal"] = Formula("*", ("s0", "price"))
        chain.insert(0, "goal")
    tree = KpiTree(metrics, formulas, chain[0])
    return Template("chain", "funnel", Text("逆算チェーン", "Reverse chain"), tree, tuple(chain), "<chain>")


def reverse_rates(goal: float, rates: Sequence[float], unit_price: float | None = None, *,
                  exact: bool = False) -> list[float]:
    """Required count at each stage for ``goal``: the goal's count, then one per rate.

    ``rates`` run from the goal outward (受注率 first): 12,000,000 at ¥1,000,000 with
    20% and 10% needs 12, 60 and 600.
    """
    template = chain_template(len(rates), unit_price is not None)
    knowns = {f"r{i + 1}": rate for i, rate in enumerate(rates)}
    if unit_price is not None:
        knowns["price"] = unit_price
    result = reverse(template, goal, knowns, exact=exact)
    return [s.value for s in result.stages if s.metric.startswith("s")]


def forward_rates(volume: float, rates: Sequence[float], unit_price: float | None = None) -> list[float]:
    """Expected counts from ``volume`` at the top of the funnel down to the goal's count,
    then the revenue when ``unit_price`` is given (no rounding: these are expectations)."""
    template = chain_template(len(rates), unit_price is not None)
    inputs = {f"r{i + 1}": rate for i, rate in enumerate(rates)}
    inputs[f"s{len(rates)}"] = volume
    if unit_price is not None:
        inputs["price"] = unit_price
    values = template.tree.evaluate(inputs)
    out = [values[f"s{i}"] for i in range(len(rates), -1, -1)]
    return [*out, values["goal"]] if unit_price is not None else out

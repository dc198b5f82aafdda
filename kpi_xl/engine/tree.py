"""The KPI tree: metrics joined by one arithmetic operation each (DOMAIN.md §1).

A derived metric is ``a × b``, ``a ÷ b``, ``a + b (+ …)`` or ``a − b`` over its children;
leaves are inputs (rates, volumes, unit prices). The tree is evaluated forward from the
leaves and solved in reverse for one unknown leaf (the lever) on the path below a target:
reverse calculation through a funnel is exactly that solve. Counts are rounded up at each
stage like Excel's ROUNDUP unless ``exact`` is asked for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from itertools import pairwise

from kpi_xl.engine.excelmath import roundup
from kpi_xl.errors import TreeError
from kpi_xl.i18n import NO_TEXT, Text

OPS = ("*", "/", "+", "-")


class Kind(str, Enum):
    """What a metric measures; decides rounding and number format."""

    COUNT = "count"
    AMOUNT = "amount"
    RATE = "rate"
    RATIO = "ratio"


class Tier(str, Enum):
    """The KPI tiers of seed 001: 行動指標 (what a rep does), 結果指標 (what the activity
    yields) and 成果指標 (the business outcome)."""

    ACTION = "action"
    RESULT = "result"
    OUTCOME = "outcome"

    def label(self, lang: str) -> str:
        return _TIER_NAMES[self].pick(lang)


_TIER_NAMES = {Tier.ACTION: Text("行動指標", "activity"), Tier.RESULT: Text("結果指標", "result"),
               Tier.OUTCOME: Text("成果指標", "outcome")}


@dataclass(frozen=True)
class Metric:
    """One node of a KPI tree, with the labels and meaning a user reads."""

    id: str
    kind: Kind
    name: Text
    higher_is_better: bool = True
    controllable: bool = True
    numerator: str | None = None
    denominator: str | None = None
    unit: str = ""
    benchmark: str | None = None
    hint: str | None = None
    aliases: tuple[str, ...] = ()
    definition: Text = NO_TEXT
    tier: Tier = Tier.RESULT

    def label(self, lang: str) -> str:
        return self.name.pick(lang)

    @property
    def is_count(self) -> bool:
        return self.kind is Kind.COUNT


@dataclass(frozen=True)
class Formula:
    """``op`` applied left to right over ``args`` (− and ÷ take exactly two)."""

    op: str
    args: tuple[str, ...]

    def apply(self, values: Iterable[float]) -> float:
        vals = list(values)
        if self.op == "*":
            return math.prod(vals)
        if self.op == "+":
            return math.fsum(vals)
        if self.op == "-":
            return vals[0] - vals[1]
        return vals[0] / vals[1] if vals[1] else math.nan

    def text(self, label: Mapping[str, str]) -> str:
        sign = {"*": " × ", "/": " ÷ ", "+": " + ", "-": " − "}[self.op]
        return sign.join(label[a] for a in self.args)


@dataclass(frozen=True)
class Step:
    """One inversion on a solve path: find ``child`` of ``parent`` from the others."""

    parent: str
    child: str
    formula: Formula
    others: tuple[str, ...]
    child_is_count: bool
    child_kind: Kind


@dataclass
class KpiTree:
    """Metrics and the formulas that derive some of them from others."""

    metrics: Mapping[str, Metric]
    formulas: Mapping[str, Formula]
    root: str
    _order: tuple[str, ...] = field(init=False, repr=False)
    _paths: dict[tuple[str, str], tuple[Step, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for node, formula in self.formulas.items():
            if formula.op not in OPS:
                raise TreeError("bad_choice", field=f"{node}.op", value=formula.op,
                                allowed=" ".join(OPS))
            if formula.op in "-/" and len(formula.args) != 2:
                raise TreeError("bad_choice", field=f"{node}.args", value=len(formula.args),
                                allowed="2")
        self._order = self._topological_order()
        self._paths = {}

    # -- structure -------------------------------------------------------------------
    def _topological_order(self) -> tuple[str, ...]:
        order: list[str] = []
        state: dict[str, int] = {}
        for start in self.metrics:
            if state.get(start):
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            trail: list[str] = []
            while stack:
                node, i = stack.pop()
                if i == 0:
                    if state.get(node) == 2:
                        continue
                    state[node] = 1
                    trail.append(node)
                args = self.formulas[node].args if node in self.formulas else ()
                if i < len(args):
                    stack.append((node, i + 1))
                    child = args[i]
                    if state.get(child) == 1:
                        cycle = [*trail[trail.index(child):], child]
                        raise TreeError("tree_cycle", cycle=" → ".join(cycle))
                    if state.get(child) != 2:
                        stack.append((child, 0))
                else:
                    state[node] = 2
                    trail.pop()
                    order.append(node)
        return tuple(order)

    def name(self, node: str) -> Text:
        """A metric's label in both languages, for messages."""
        metric = self.metrics.get(node)
        return metric.name if metric else Text(node, node)

    def children(self, node: str) -> tuple[str, ...]:
        formula = self.formulas.get(node)
        return formula.args if formula else ()

    def leaves(self, under: str | None = None) -> list[str]:
        """Input metrics (no formula) under ``under`` (default: the root), in order."""
        return [n for n in self.descendants(under or self.root) if n not in self.formulas]

    def descendants(self, node: str) -> list[str]:
        """``node`` and every metric it is computed from, parents before children."""
        seen: list[str] = []
        todo = [node]
        while todo:
            current = todo.pop(0)
            if current not in seen:
                seen.append(current)
                todo.extend(self.children(current))
        return seen

    def path(self, target: str, unknown: str) -> tuple[Step, ...]:
        """The inversion steps from ``target`` down to ``unknown`` (cached)."""
        key = (target, unknown)
        steps = self._paths.get(key)
        if steps is None:
            steps = self._paths[key] = self._find_path(target, unknown)
        return steps

    def _find_path(self, target: str, unknown: str) -> tuple[Step, ...]:
        routes: list[list[str]] = []

        def walk(node: str, trail: list[str]) -> None:
            if node == unknown:
                routes.append(trail)
                return
            for child in self.children(node):
                walk(child, [*trail, child])

        walk(target, [target])
        if not routes:
            below = [self.metrics[n] for n in self.descendants(target)[1:]]
            raise TreeError("tree_unreachable", value=self.name(unknown),
                            target=self.name(target),
                            allowed=Text(", ".join(m.name.ja for m in below),
                                         ", ".join(m.name.en for m in below)))
        if len(routes) > 1 or any(self.children(n).count(c) > 1
                                  for n, c in pairwise(routes[0])):
            raise TreeError("tree_twice", value=self.name(unknown), target=self.name(target))
        route = routes[0]
        steps = []
        for parent, child in pairwise(route):
            formula = self.formulas[parent]
            others = tuple(a for a in formula.args if a != child)
            metric = self.metrics[child]
            steps.append(Step(parent, child, formula, others, metric.is_count, metric.kind))
        return tuple(steps)

    # -- forward ---------------------------------------------------------------------
    def evaluate(self, inputs: Mapping[str, float]) -> dict[str, float]:
        """Every metric computable from ``inputs``; given values win over formulas.

        Forward values are expectations, not rounded: 600 calls at 10% are 60.0 connects.
        """
        values = dict(inputs)
        for node in self._order:
            if node in values:
                continue
            formula = self.formulas.get(node)
            if formula and all(a in values for a in formula.args):
                values[node] = formula.apply(values[a] for a in formula.args)
        return values

    def value(self, node: str, inputs: Mapping[str, float], needed_by: str) -> float:
        """``node``'s value from ``inputs`` (computing it forward if derived)."""
        if node in inputs:
            return inputs[node]
        formula = self.formulas.get(node)
        if formula is None:
            raise TreeError("tree_missing_input", value=self.name(node),
                            target=self.name(needed_by))
        return formula.apply(self.value(a, inputs, node) for a in formula.args)

    # -- reverse ---------------------------------------------------------------------
    def solve(self, target: str, goal: float, unknown: str, knowns: Mapping[str, float],
              *, exact: bool = False) -> dict[str, float]:
        """Required values from ``target`` (= ``goal``) down to ``unknown``.

        Returns each metric on the path with its required value, the lever last.
        """
        required = {target: round_required(self.metrics[target], goal, exact)}
        current = required[target]
        for step in self.path(target, unknown):
            current = invert(step, current, knowns, self, exact)
            required[step.child] = current
        return required


def round_required(metric: Metric, value: float, exact: bool = False) -> float:
    """A required value as the plan states it: counts rounded up like Excel."""
    return value if exact or not metric.is_count else roundup(value)


def invert(step: Step, parent_value: float, knowns: Mapping[str, float], tree: KpiTree,
           exact: bool) -> float:
    """Solve ``step.child`` so that ``step.parent`` reaches ``parent_value``."""
    formula, child = step.formula, step.child
    others = [knowns[o] if o in knowns else tree.value(o, knowns, step.parent)
              for o in step.others]
    op = formula.op
    if op == "*":
        divisor = math.prod(others)
        if divisor == 0:
            zero = next(o for o, v in zip(step.others, others) if v == 0)
            raise TreeError("tree_zero_divisor", value=tree.name(zero), target=tree.name(child))
        result = parent_value / divisor
    elif op == "+":
        result = parent_value - math.fsum(others)
    elif op == "-":
        result = parent_value + others[0] if formula.args[0] == child else others[0] - parent_value
    elif formula.args[0] == child:
        result = parent_value * others[0]
    else:
        if parent_value == 0:
            raise TreeError("tree_zero_divisor", value=tree.name(step.parent),
                            target=tree.name(child))
        result = others[0] / parent_value
    kind = step.child_kind
    if kind is Kind.RATE and not 0 < result <= 1:
        raise TreeError("tree_no_solution", value=tree.name(child),
                        target=tree.name(step.parent), goal=f"{parent_value:,.6g}",
                        need=f"{result:.2%}", allowed="0% < x ≤ 100%")
    if kind in (Kind.COUNT, Kind.AMOUNT) and result < 0:
        result = 0.0
    if step.child_is_count and not exact:
        result = roundup(result)
    return result

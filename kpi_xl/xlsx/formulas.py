"""Excel formula text built from the engine's own structures.

The workbook's formulas are generated from the same tree, steps and rules the engine
evaluates, so the two cannot drift apart silently; the differential tests recalculate
them in LibreOffice and compare.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from kpi_xl.engine.allocation import QUOTA_DIGITS
from kpi_xl.engine.diagnosis import STATUS_DECIMALS
from kpi_xl.engine.tree import Kind, KpiTree, Step


def invert(step: Step, parent: str, others: Mapping[str, str], exact: bool) -> str:
    """The formula for ``step.child`` so that ``step.parent`` (at ``parent``) is reached."""
    args = [others[o] for o in step.others]
    op, child_first = step.formula.op, step.formula.args[0] == step.child
    if op == "*":
        expr = f"{parent}/{args[0]}" if len(args) == 1 else f"{parent}/({'*'.join(args)})"
    elif op == "+":
        expr = f"{parent}-({'+'.join(args)})" if len(args) > 1 else f"{parent}-{args[0]}"
    elif op == "-":
        expr = f"{parent}+{args[0]}" if child_first else f"{args[0]}-{parent}"
    else:
        expr = f"{parent}*{args[0]}" if child_first else f"{args[0]}/{parent}"
    if step.child_kind in (Kind.COUNT, Kind.AMOUNT):
        expr = f"MAX(0,{expr})"
    if step.child_is_count and not exact:
        expr = f"ROUNDUP({expr},0)"
    return expr


def forward(tree: KpiTree, node: str, leaf: Callable[[str], str | None],
            given: Mapping[str, str] | None = None) -> str | None:
    """An expression computing ``node`` from leaves (``leaf(id)`` gives their refs).

    ``given`` maps metrics whose value is already in a cell (used instead of their
    formula, as the engine prefers given values). None when an input is missing.
    """
    given = given or {}
    if node in given:
        return given[node]
    formula = tree.formulas.get(node)
    if formula is None:
        return leaf(node)
    parts = [forward(tree, a, leaf, given) for a in formula.args]
    if any(p is None for p in parts):
        return None
    return "(" + formula.op.join(parts) + ")"  # every derived part is parenthesised already


def largest_remainder(total: str, weights: str, weight: str, before: str) -> str:
    """Whole share of ``total`` for ``weight`` among ``weights`` (largest remainder).

    ``before`` is a 0/1 array marking the entries that come before this one, so ties
    go to the earlier entry exactly as :func:`kpi_xl.engine.allocation.largest_remainder`.
    """
    def quota(x: str) -> str:
        return f"ROUND({total}*{x}/SUM({weights}),{QUOTA_DIGITS})"

    def rem(x: str) -> str:
        return f"ROUND({quota(x)}-INT({quota(x)}),{QUOTA_DIGITS})"

    rank = (f"SUMPRODUCT(({rem(weights)}>{rem(weight)})*1)"  # (…)*1, not --(…): every evaluator counts it
            f"+SUMPRODUCT(({rem(weights)}={rem(weight)})*{before})")
    left = f"{total}-SUMPRODUCT(INT({quota(weights)}))"
    return f"IF({total}=0,0,INT({quota(weight)})+IF({rank}<{left},1,0))"


def proportional(total: str, weights: str, weight: str) -> str:
    """Unrounded share of ``total`` for ``weight`` (amounts, exact mode)."""
    return f"IF({total}=0,0,{total}*{weight}/SUM({weights}))"


def achievement(actual: str, target: str, higher_is_better: bool = True) -> str:
    """Achievement as the engine's :func:`~kpi_xl.engine.diagnosis.achievement`: actual ÷
    target (target ÷ actual when lower is better, 100% at zero); "" when undefined."""
    if higher_is_better:
        return f'IF(OR({actual}="",{target}="",{target}=0),"",{actual}/{target})'
    return f'IF(OR({actual}="",{target}=""),"",IF({actual}=0,1,{target}/{actual}))'


def judged(ach: str) -> str:
    """The achievement as statuses compare it: rounded to STATUS_DECIMALS, so 160 ÷ 177.78
    (0.8999999999999999 in binary) is 90% in every spreadsheet program and in the engine."""
    return f"ROUND({ach},{STATUS_DECIMALS})"


def status(ach: str, warn: str, words: Sequence[str]) -> str:
    """The status word for an achievement cell: hit ≥ 100%, watch ≥ ``warn``, else miss."""
    hit, watch, miss = words
    value = judged(ach)
    return f'IF({ach}="","",IF({value}>=1,"{hit}",IF({value}>={warn},"{watch}","{miss}")))'


ANY_NUMBER = '">-1E+300"'  # a SUMIFS criterion every number meets and no blank or text does


def sum_where_number(values: str, condition: str) -> str:
    """Σ ``values`` over the cells where ``condition`` holds a number (blanks and "" skipped)."""
    return f"SUMIFS({values},{condition},{ANY_NUMBER})"


def average_where_number(values: str, condition: str) -> str:
    """The mean of ``values`` over the cells where both it and ``condition`` hold numbers
    ("" when there is none: AVERAGEIFS alone would be #DIV/0!)."""
    both = f"{condition},{ANY_NUMBER},{values},{ANY_NUMBER}"
    return f'IF(COUNTIFS({both})=0,"",AVERAGEIFS({values},{both}))'


def period_rate(numerators: str, denominators: str) -> str:
    """Σ numerator ÷ Σ denominator over the months that have both ("" without data): the
    engine's :func:`~kpi_xl.engine.actuals.period_rate`."""
    num = sum_where_number(numerators, denominators)
    den = sum_where_number(denominators, numerators)
    return f'IF({den}=0,"",{num}/{den})'

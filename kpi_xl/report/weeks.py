"""The report month week by week (the seeds review daily, weekly and monthly): each ISO
week touching the month, its business days in the plan, the team's actuals and the plan's
weekly targets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from kpi_xl.engine.calendar import month_end
from kpi_xl.engine.dates import month_start
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.tree import Kind
from kpi_xl.report.lines import Line


@dataclass
class Week:
    key: str  # 2026-W41
    start: date
    end: date
    business_days: int
    lines: list[Line]


def weeks(plan: Plan, month: str, metrics: Sequence[str], seen: set[str],
          actual: Callable[[str], dict[str, float]]) -> list[Week]:
    """Weeks of the plan that touch ``month``; ``actual`` gives a week's team counts and rates."""
    first = month_start(month)
    last = month_end(first)
    tree = plan.spec.template.tree
    out = []
    for i, period in enumerate(plan.weeks):
        if period.end < first or period.start > last:
            continue
        values = actual(period.key)
        lines = []
        for metric in metrics:
            if metric in plan.weekly:
                goal: float | None = plan.weekly[metric][i]
            elif tree.metrics[metric].kind is Kind.RATE:
                goal = plan.spec.knowns.get(metric)
            else:
                goal = None
            lines.append(Line(metric, values.get(metric) if metric in seen else None, goal))
        out.append(Week(period.key, period.start, period.end, period.business_days, lines))
    return out

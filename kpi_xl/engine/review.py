"""A month's review of a plan: its actuals diagnosed against the plan's targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kpi_xl.engine.actuals import derive
from kpi_xl.engine.diagnosis import DEFAULT_WARN, Diagnosis, diagnose
from kpi_xl.engine.plan import Plan


@dataclass(frozen=True)
class MonthReview:
    month: str
    actuals: dict[str, float]
    targets: dict[str, float]
    diagnosis: Diagnosis


def review_month(plan: Plan, actuals: Mapping[str, Mapping[str, float]], month: str | None = None,
                 *, warn: float = DEFAULT_WARN) -> MonthReview | None:
    """Diagnose ``month`` (default: the latest month with any actual); None with no actuals.

    ``actuals`` maps metric → {"2026-10": value}. The gap's plan side is the month's lever
    target with the plan's rates (and fixed volumes spread evenly over the months), so with
    a sales-cycle lag it compares activity and outcome of the same calendar month, as a
    monthly review does.
    """
    if month is None:
        month = plan.latest_month(k for series in actuals.values() for k in series)
        if month is None:
            return None
    index = plan.month_index(month)
    typed = {m: series[month] for m, series in actuals.items() if month in series}
    got = derive(plan.spec.template, typed)  # sums (アプローチ数) and every rate, by its own definition
    targets = {}
    for metric in got:
        value = plan.month_targets(metric)[index]
        if value is not None:
            targets[metric] = value
    lever = plan.reverse.lever
    tree = plan.spec.template.tree
    months = len(plan.month_keys)
    monthly_knowns = {k: (v / months if tree.metrics[k].is_count else v) for k, v in plan.spec.knowns.items()}
    plan_inputs = {**monthly_knowns, lever: plan.monthly[lever][plan.lead_in + index]}
    diagnosis = diagnose(plan.spec.template, got, targets, plan_inputs, warn=warn, target=plan.reverse.target)
    return MonthReview(month, got, targets, diagnosis)

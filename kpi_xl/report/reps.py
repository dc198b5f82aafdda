"""Who the report's per-rep lines are: the plan's reps, and every other owner the data
names — a spelling variant of a rep (佐藤　健 for 佐藤 健) or someone the plan does not
know. Only reps receive a share of the team target, so per-rep targets add up to the team's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from kpi_xl.engine.allocation import named
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.values import fold_name


class RepKind(str, Enum):
    """How an owner in the data relates to the plan."""

    PLAN = "plan"  # a rep the plan names
    SHARE = "share"  # the plan names no reps (reps: N): an equal share of the team target
    VARIANT = "variant"  # another spelling of a rep's name (spaces, width): no target, not merged
    UNPLANNED = "unplanned"  # a name the plan does not know: no target


@dataclass(frozen=True)
class Owner:
    name: str
    kind: RepKind
    of: str | None = None  # for a variant: the rep it spells


def owners_of(plan: Plan, active: Sequence[str], activity: Mapping[str, float]) -> list[Owner]:
    """The report's owners for a month: a named plan's reps (with or without data), then
    the other owners active in the month; ``activity`` (owner → rows over all data) picks
    the usual spelling among variants when the plan names no reps."""
    if named(plan.spec.reps):
        reps = [r.name for r in plan.spec.reps]
        folded = {fold_name(r): r for r in reps}
        planned = set(reps)
        others = [o for o in active if o not in planned]
        return [Owner(r, RepKind.PLAN) for r in reps] + [
            Owner(o, RepKind.VARIANT, folded[fold_name(o)]) if fold_name(o) in folded else Owner(o, RepKind.UNPLANNED)
            for o in sorted(others)]
    usual: dict[str, str] = {}
    for o in sorted(active, key=lambda o: (-activity.get(o, 0.0), o)):
        usual.setdefault(fold_name(o), o)
    return [Owner(o, RepKind.SHARE) if usual[fold_name(o)] == o else Owner(o, RepKind.VARIANT, usual[fold_name(o)])
            for o in sorted(active)]


def rep_goals(plan: Plan, metrics: Sequence[str], index: int, owners: Sequence[Owner]
              ) -> dict[str, list[float | None]]:
    """metric → each owner's target: the plan's for reps and shares, none for the others."""
    targeted = [o.name for o in owners if o.kind in (RepKind.PLAN, RepKind.SHARE)]
    out = {}
    for metric in metrics:
        goals = dict(zip(targeted, plan.rep_targets(metric, index, targeted)))
        out[metric] = [goals.get(o.name) if o.kind in (RepKind.PLAN, RepKind.SHARE) else None for o in owners]
    return out

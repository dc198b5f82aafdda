"""Loss reasons (失注理由): lost deals per reason in the month and the fiscal year to date,
with each reason's share, and per rep over the year to date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

NO_REASON = ""  # a lost deal without a reason is counted under "(none given)"


@dataclass(frozen=True)
class Reason:
    reason: str
    month: int
    ytd: int


@dataclass
class Losses:
    reasons: list[Reason] = field(default_factory=list)  # most frequent (year to date) first
    by_rep: dict[str, dict[str, int]] = field(default_factory=dict)  # owner → reason → lost (year to date)

    @property
    def month_total(self) -> int:
        return sum(r.month for r in self.reasons)

    @property
    def ytd_total(self) -> int:
        return sum(r.ytd for r in self.reasons)


def losses(table: pd.DataFrame, month: str, fiscal_months: Sequence[str]) -> Losses | None:
    """The loss table for ``month``; None when the data gives no loss reasons at all."""
    if table.empty:
        return None
    ytd = table[table["month"].isin(list(fiscal_months))]
    now = table[table["month"] == month]
    per_reason = ytd.groupby("reason")["lost"].sum()
    this_month = now.groupby("reason")["lost"].sum()
    reasons = sorted(set(per_reason.index) | set(this_month.index),
                     key=lambda r: (-int(per_reason.get(r, 0)), r == NO_REASON, r))
    rows = [Reason(r, int(this_month.get(r, 0)), int(per_reason.get(r, 0))) for r in reasons]
    by_rep: dict[str, dict[str, int]] = {}
    for (owner, reason), count in ytd.groupby(["owner", "reason"])["lost"].sum().items():
        by_rep.setdefault(str(owner), {})[str(reason)] = int(count)
    return Losses(rows, dict(sorted(by_rep.items())))

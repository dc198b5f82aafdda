"""Sharing a team target over reps by capacity, in whole numbers that add up.

A rep's weight in a month is their capacity (1.0 full time, 0.5 part time) times their
ramp factor (a new hire at 50% in the first month, …). Shares use the largest-remainder
method so that 42 over three reps is 14 + 14 + 14 and never 41 or 43.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kpi_xl.errors import InputError
from kpi_xl.i18n import Text

QUOTA_DIGITS = 10  # quotas and remainders are rounded to this many decimals, in Python and in Excel alike


@dataclass(frozen=True)
class Rep:
    """A rep, their capacity, start month and ramp factors for their first months."""

    name: str
    capacity: float = 1.0
    start: date | None = None
    ramp: tuple[float, ...] = ()

    def weight(self, month: date) -> float:
        """Capacity in the month starting ``month``, ramp applied; 0 before they start."""
        if self.start is None:
            return self.capacity
        index = (month.year - self.start.year) * 12 + month.month - self.start.month
        if index < 0:
            return 0.0
        factor = self.ramp[index] if index < len(self.ramp) else 1.0
        return self.capacity * factor


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Whole shares of ``total`` proportional to ``weights``, adding up exactly.

    Ties in the remainder go to the earlier rep, so the result is deterministic and the
    same formula can be written in a workbook.
    """
    if total < 0 or total != int(total):
        raise InputError("not_whole", field="total", value=total)
    weight_sum = math.fsum(weights)
    if any(w < 0 for w in weights):
        raise InputError("negative", field="capacity", value=min(weights))
    if weight_sum <= 0:
        if total == 0:
            return [0] * len(weights)
        raise InputError("not_positive", field=Text("稼働率の合計", "capacity (sum over reps)"), value=weight_sum)
    quotas = [round(total * w / weight_sum, QUOTA_DIGITS) for w in weights]
    shares = [math.floor(q) for q in quotas]
    left = int(total) - sum(shares)
    remainders = [round(q - s, QUOTA_DIGITS) for q, s in zip(quotas, shares)]  # equal remainders tie exactly
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


MAX_REPS = 10_000  # a team larger than this is a typo (reps: 1e7), refused before any work
REP_COUNT = Text(f"1～{MAX_REPS} の整数", f"a whole number, 1 to {MAX_REPS}")  # what a number of reps may be


def named(reps: Sequence[Rep], prefix: str = "Rep") -> bool:
    """Whether a plan names its reps (not just ``reps: 3`` → Rep 1 … Rep 3)."""
    return [r.name for r in reps] != [f"{prefix} {i}" for i in range(1, len(reps) + 1)]


def team(count: int, prefix: str = "Rep") -> list[Rep]:
    """``count`` full-time reps named Rep 1 … Rep n."""
    if count < 1 or count != int(count):
        raise InputError("out_of_range", field="reps", value=count, allowed=REP_COUNT)
    return [Rep(f"{prefix} {i}") for i in range(1, int(count) + 1)]

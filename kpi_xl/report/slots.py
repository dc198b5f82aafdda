"""Connect rate by weekday × hour (000: 「午前中の架電の一部を午後に変更してみる」): calls and
calls reached per slot over the report month and the two before it, Σ reached ÷ Σ calls,
with the best and worst slots among those with enough calls to tell."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_xl.engine.calendar import add_months
from kpi_xl.engine.dates import month_start

WINDOW_MONTHS = 3
MIN_CALLS = 20  # a slot with fewer calls is shown but never named best or worst


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 = Monday
    hour: int
    calls: float
    reached: float

    @property
    def rate(self) -> float | None:
        return self.reached / self.calls if self.calls else None


@dataclass(frozen=True)
class Heatmap:
    months: tuple[str, ...]
    slots: tuple[Slot, ...]
    best: Slot | None
    worst: Slot | None

    @property
    def hours(self) -> list[int]:
        return sorted({s.hour for s in self.slots})

    def at(self, weekday: int, hour: int) -> Slot | None:
        return next((s for s in self.slots if s.weekday == weekday and s.hour == hour), None)


def window(month: str) -> tuple[str, ...]:
    """The report month and the months before it that the heatmap covers, oldest first."""
    start = month_start(month)
    return tuple(f"{add_months(start, -k):%Y-%m}" for k in reversed(range(WINDOW_MONTHS)))


def heatmap(slots: pd.DataFrame, month: str) -> Heatmap | None:
    """The heatmap for the window ending at ``month``; None without timed calls in it."""
    months = window(month)
    rows = slots[slots["month"].isin(months)] if len(slots) else slots
    if rows.empty:
        return None
    grouped = rows.groupby(["weekday", "hour"], as_index=False)[["calls", "reached"]].sum()
    cells = tuple(Slot(int(r.weekday), int(r.hour), float(r.calls), float(r.reached))
                  for r in grouped.itertuples() if r.calls > 0)
    ranked = sorted((s for s in cells if s.calls >= MIN_CALLS), key=lambda s: (s.rate, -s.calls, s.weekday, s.hour))
    if len(ranked) < 2:
        return Heatmap(months, cells, None, None)
    return Heatmap(months, cells, ranked[-1], ranked[0])

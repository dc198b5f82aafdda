"""The chance that a deal open on a day wins within the days left, measured from the deal
lists' own history as it stood that day (nothing after it is looked at).

An export holds each deal's current stage only, so a closed deal's stage at some earlier age
is unknown: the chance is conditioned on the deal's age. Of the deals that were still open at
age ``a`` and whose next ``d`` days had all passed by that day, the share won within them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from kpi_xl.sfa.header import Shape
from kpi_xl.sfa.ingest import Ingested

MIN_SEEN = 20  # fewer deals observed at an age and the chance is taken from age 0
CLOSED = ("won", "lost", "disqualified")


@dataclass(frozen=True)
class Deals:
    """Every deal of the exports' deal lists: start and close day numbers (NaN while open)."""

    start: np.ndarray  # days since 1970-01-01
    close: np.ndarray  # NaN: no close date or not closed
    won: np.ndarray  # bool
    value: np.ndarray  # the deal's amount (NaN where the list has none)
    owner: np.ndarray
    deal: np.ndarray

    def as_of(self, day: date) -> Deals:
        """The deals as they stood at the end of ``day``: later starts gone, later closes open
        again, without the amount they closed at (not known that day)."""
        cut = _day(day)
        keep = self.start <= cut
        late = self.close > cut
        return Deals(self.start[keep], np.where(late, np.nan, self.close)[keep], (self.won & ~late)[keep],
                     np.where(late, np.nan, self.value)[keep], self.owner[keep], self.deal[keep])

    @cached_property
    def lasted(self) -> np.ndarray:
        """Days from start to close (infinite while open)."""
        return np.where(np.isnan(self.close), np.inf, self.close - self.start)

    def won_between(self, first: date, last: date) -> tuple[float, float]:
        """(deals won, their value) with a close date from ``first`` to ``last``."""
        hit = self.won & (self.close >= _day(first)) & (self.close <= _day(last))
        return float(hit.sum()), float(np.nansum(self.value[hit]))

    def closed_before(self, day: date) -> int:
        return int((self.close < _day(day)).sum())

    def started_since(self, first: date) -> int:
        return int((self.start >= _day(first)).sum())

    def ages(self, today: date) -> np.ndarray:
        """Each deal's days since its start at ``today``."""
        return (_day(today) - self.start).astype(np.int64)

    def open_mask(self) -> np.ndarray:
        return np.isnan(self.close)

    def chance(self, age: int, days: int, today: date) -> tuple[float, int]:
        """(share won within ``days`` after age ``age``, deals it was measured on) from deals
        open at that age whose whole window lay before ``today``."""
        cut = _day(today)
        lasted = self.lasted
        seen = (self.start + age + days <= cut) & (lasted > age)
        won = seen & self.won & (lasted <= age + days)
        return (float(won.sum() / seen.sum()) if seen.any() else 0.0), int(seen.sum())

    def odds(self, age: int, days: int, today: date) -> float | None:
        """:meth:`chance`, from age 0 when too few deals reached ``age``; None with too few at all."""
        for at in (age, 0):
            p, seen = self.chance(at, days, today)
            if seen >= MIN_SEEN:
                return p
        return None


def deals_of(data: Ingested) -> Deals | None:
    """The deal lists' rows with a start date, or None without a deal list."""
    frames = [s.cleaned.frame for s in data.sources
              if s.cleaned.shape is Shape.OPPORTUNITIES and {"stage", "date"} <= set(s.cleaned.frame.columns)]
    frames = [f[f["date"].notna()] for f in frames]
    if not frames:
        return None
    f = pd.concat(frames, ignore_index=True)
    closed = f["stage"].isin(CLOSED).to_numpy()
    when = (f["close_date"].fillna(f["date"]) if "close_date" in f else f["date"])
    close = np.where(closed, _days(when), np.nan)
    value = f["amount"].astype("float64").to_numpy() if "amount" in f else np.full(len(f), np.nan)
    ids = f["id"].astype("string").fillna("").to_numpy(str) if "id" in f else np.full(len(f), "")
    return Deals(_days(f["date"]), close, (f["stage"] == "won").to_numpy(), value,
                 f["owner"].astype("string").fillna("").to_numpy(str), ids)


def _days(series: pd.Series) -> np.ndarray:
    return ((series - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)).to_numpy("float64")


EPOCH = date(1970, 1, 1).toordinal()


def _day(day: date) -> float:
    return float(day.toordinal() - EPOCH)

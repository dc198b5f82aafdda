"""How good is the landing forecast? Each month of an export forecast from its first half (as
of its middle business day, the history cut there) and compared with how the month really
ended: the share of months whose P10–P90 range held the real value, and the mean absolute
error of P50."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kpi_xl.engine.calendar import BusinessCalendar, month_end
from kpi_xl.engine.dates import month_start
from kpi_xl.engine.history import price_parts
from kpi_xl.engine.landing import Landing
from kpi_xl.engine.templates import Template
from kpi_xl.report.landings import Basis, Month, month_landing
from kpi_xl.sfa.deal_odds import Deals, deals_of
from kpi_xl.sfa.ingest import ingest


@dataclass(frozen=True)
class Trial:
    month: str
    metric: str
    landing: Landing  # at the pace so far
    real: float
    pipeline: Landing | None = None  # open deals weighted


def backtest(paths: Sequence[Path | str], template: Template, mapping: Path | str | None = None,
             months: Sequence[str] | None = None) -> list[Trial]:
    """One trial per month (default: every month with wins) and per outcome (wins, revenue)."""
    data = ingest(paths, template, mapping)
    deals = deals_of(data)
    if deals is None:
        return []
    revenue, won = price_parts(template)
    chosen = months or sorted({m for m in data.actuals.months if _outcomes(deals, m, None, revenue, won)[won] > 0})
    calendar = BusinessCalendar()
    trials = []
    for key in chosen:
        month = Month.at(key, calendar, share=0.5)
        so_far = _outcomes(deals, key, month, revenue, won)
        whole = _outcomes(deals, key, None, revenue, won)
        result = month_landing(template, month, {revenue: so_far[revenue], won: so_far[won]}, [revenue, won], {},
                               deals, None)
        trials += [Trial(key, m, result.lines[m], whole[m], result.pipeline.get(m)) for m in (won, revenue)]
    return trials


def _outcomes(deals: Deals, key: str, month: Month | None, revenue: str, won: str) -> dict[str, float]:
    """Wins and revenue closed in the month (up to its as-of date with ``month``)."""
    first = month_start(key)
    start = first.toordinal() - 719163  # days since 1970-01-01
    end = (month.as_of if month else month_end(first)).toordinal() - 719163
    hit = deals.won & (deals.close >= start) & (deals.close <= end)
    return {won: float(hit.sum()), revenue: float(np.nansum(deals.value[hit]))}


def summary(trials: Sequence[Trial], metric: str, basis: Basis = Basis.PACE) -> tuple[float, float, int]:
    """(P10–P90 coverage, mean absolute error of P50 relative to the real value, months)."""
    chosen = [(t.landing if basis is Basis.PACE else t.pipeline, t.real) for t in trials if t.metric == metric]
    chosen = [(got, real) for got, real in chosen if got is not None and real]
    if not chosen:
        return 0.0, 0.0, 0
    cover = sum(got.low <= real <= got.high for got, real in chosen) / len(chosen)
    error = sum(abs(got.expected - real) / real for got, real in chosen) / len(chosen)
    return cover, error, len(chosen)

"""The team's history from its exports, for ``kpi-xl plan --from-data``: the last full months'
team counts and the rep-days behind them, measured by :mod:`kpi_xl.engine.history`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.engine.calendar import BusinessCalendar, month_end
from kpi_xl.engine.dates import month_start
from kpi_xl.engine.history import History, lag_of, measure_history
from kpi_xl.engine.templates import Template
from kpi_xl.errors import DataError
from kpi_xl.sfa.ingest import Ingested, ingest

DEFAULT_MONTHS = 6
BOOTSTRAP = 2000  # resamples for the deal size's interval
CHUNK = 200
MIN_DEALS = 10


def history_from_exports(paths: Sequence[Path | str], template: Template, months: int = DEFAULT_MONTHS, *,
                         mapping: Path | str | None = None, encoding: str | None = None,
                         closures: Iterable[date] = ()) -> tuple[History, Ingested]:
    """Measure the last ``months`` full months of the exports (a month the data does not reach
    the end of — the current one — is left out)."""
    data = ingest(paths, template, mapping, encoding=encoding)
    last = _last_day(data)
    calendar = BusinessCalendar(closures)
    full = [m for m in data.actuals.months if last is not None and _last_business_day(calendar, m) <= last]
    if not full:
        raise DataError("history_empty", path=", ".join(Path(p).name for p in paths))
    chosen = full[-months:]
    business_days = {m: calendar.count(month_start(m), month_end(month_start(m))) for m in chosen}
    active = _active_months(data, template.activity, chosen)  # a rep is someone who did the activity
    rep_days = {m: business_days[m] * sum(m in months_of for months_of in active.values()) for m in chosen}
    team = measure_history(template, {m: data.actuals.team_month(m) for m in chosen}, rep_days)
    reps = {owner: measure_history(template, _rep_months(data, owner, chosen), {m: business_days[m] for m in months_of})
            for owner, months_of in active.items()}
    lag, shares = lag_of(_won_pairs(data, set(chosen)))
    amounts = _won_amounts(data, set(chosen))
    return replace(team, lag=lag, lag_months=shares, reps=reps, price_interval=bootstrap_mean(amounts),
                   price_deals=len(amounts)), data


def bootstrap_mean(values: np.ndarray, resamples: int = BOOTSTRAP, seed: int = 0) -> tuple[float, float] | None:
    """The 95% percentile-bootstrap interval of the mean (a deal size has no closed form: a
    few large deals skew it); seeded, so a plan is the same every run. None under 10 values."""
    if len(values) < MIN_DEALS:
        return None
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    for start in range(0, resamples, CHUNK):  # bounded memory on a long deal list
        picks = rng.integers(0, len(values), (min(CHUNK, resamples - start), len(values)))
        means[start:start + len(picks)] = values[picks].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def _won_amounts(data: Ingested, months: set[str]) -> np.ndarray:
    """The amount of each deal won in ``months`` (deal lists with an amount column)."""
    out = []
    for source in data.sources:
        frame = source.cleaned.frame
        if not {"stage", "amount"} <= set(frame.columns):
            continue
        when = frame["close_date"].fillna(frame["date"]) if "close_date" in frame else frame["date"]
        won = (frame["stage"] == "won") & frame["amount"].notna() & when.notna()
        keep = won & when.dt.strftime("%Y-%m").isin(months)
        out.append(frame.loc[keep, "amount"].astype("float64").to_numpy())
    return np.concatenate(out) if out else np.empty(0)


def _rep_months(data: Ingested, owner: str, months: list[str]) -> dict[str, dict[str, float]]:
    """One rep's own counts in each of ``months`` that has any."""
    return {m: counts for m in months if (counts := data.actuals.rep_month(owner, m))}


def _won_pairs(data: Ingested, months: set[str]) -> list[tuple[date, date]]:
    """(start, won) dates of the deals won in ``months`` — from deal lists with both dates."""
    pairs = []
    for source in data.sources:
        frame = source.cleaned.frame
        if not {"stage", "date", "close_date"} <= set(frame.columns):
            continue
        won = frame[(frame["stage"] == "won") & frame["date"].notna() & frame["close_date"].notna()]
        for start, end in zip(won["date"], won["close_date"]):
            if f"{end:%Y-%m}" in months:
                pairs.append((start.date(), end.date()))
    return pairs


def _last_business_day(calendar: BusinessCalendar, month: str) -> date:
    """The month's last business day: data reaching it makes the month full (a month ending on
    a Saturday is complete on Friday)."""
    days = calendar.days(month_start(month), month_end(month_start(month)))
    return days[-1] if days else month_end(month_start(month))


def _last_day(data: Ingested) -> date | None:
    days = [s.cleaned.dates().max() for s in data.sources]
    days = [d for d in days if pd.notna(d)]
    return max(days).date() if days else None


def _active_months(data: Ingested, activity: str | None, months: list[str]) -> dict[str, set[str]]:
    """Each owner with any of the capacity activity (架電数) in ``months``, and those months (a
    one-row spelling variant without it is no rep)."""
    frame = data.actuals.by_month
    if activity is None or activity not in frame.columns:
        return {}
    done = frame[activity]
    out: dict[str, set[str]] = {}
    for owner, month in done[done > 0].index:
        if month in months:
            out.setdefault(owner, set()).add(month)
    return out

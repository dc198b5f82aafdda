"""The team's history from its exports, for ``kpi-xl plan --from-data``: the last full months'
team counts and the rep-days behind them, measured by :mod:`kpi_xl.engine.history`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from kpi_xl.engine.calendar import BusinessCalendar, month_end
from kpi_xl.engine.history import History, lag_of, measure_history
from kpi_xl.engine.templates import Template
from kpi_xl.errors import DataError
from kpi_xl.sfa.ingest import Ingested, ingest

DEFAULT_MONTHS = 6


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
    monthly = {m: data.actuals.team_month(m) for m in chosen}
    rep_days = {m: _active_reps(data, m, template.activity) * calendar.count(_first(m), month_end(_first(m)))
                for m in chosen}
    lag, shares = lag_of(_won_pairs(data, set(chosen)))
    reps = {owner: _rep_history(data, template, owner, chosen, calendar) for owner in data.actuals.owners}
    team = measure_history(template, monthly, rep_days)
    # a rep is someone who did the capacity activity (a one-row spelling variant is not)
    kept = {k: v for k, v in reps.items() if v is not None and v.per_rep_day is not None}
    return replace(team, lag=lag, lag_months=shares, reps=kept), data


def _rep_history(data: Ingested, template: Template, owner: str, months: list[str],
                 calendar: BusinessCalendar) -> History | None:
    """One rep on their own rows; business days count in the months they did the activity."""
    monthly = {m: counts for m in months if (counts := data.actuals.rep_month(owner, m))}
    if not monthly:
        return None
    active = {m for m, counts in monthly.items() if counts.get(template.activity or "", 0) > 0}
    rep_days = {m: calendar.count(_first(m), month_end(_first(m))) for m in active}
    return measure_history(template, monthly, rep_days)


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
    days = calendar.days(_first(month), month_end(_first(month)))
    return days[-1] if days else month_end(_first(month))


def _first(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _last_day(data: Ingested) -> date | None:
    days = [s.cleaned.frame["date"].max() for s in data.sources if "date" in s.cleaned.frame]
    days = [d for d in days if pd.notna(d)]
    return max(days).date() if days else None


def _active_reps(data: Ingested, month: str, activity: str | None) -> int:
    """Reps with any of the capacity activity (架電数) that month."""
    frame = data.actuals.by_month
    if activity is None or activity not in frame.columns or month not in data.actuals.months:
        return 0
    counts = frame.xs(month, level=1)[activity]
    return int((counts > 0).sum())

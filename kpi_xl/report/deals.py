"""Open deals and how long since anyone touched them (滞留案件): aged from the deal's last
activity — a 最終活動日 column, else the latest activity logged for its deal ID or its
account — and only when neither exists from its start date, saying so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

import pandas as pd

from kpi_xl.sfa.aggregate import Actuals
from kpi_xl.sfa.header import Shape
from kpi_xl.sfa.ingest import Ingested
from kpi_xl.sfa.vocabulary import DEAL_STAGES


class Basis(str, Enum):
    """What a deal's age is counted from."""

    LAST_ACTIVITY = "last_activity"  # the deal list's 最終活動日 column
    DEAL_LOG = "deal_log"  # the latest activity logged with the deal's ID
    ACCOUNT_LOG = "account_log"  # the latest activity logged for the deal's account
    START = "start"  # no activity known: the deal's start date


@dataclass
class OpenDeal:
    owner: str
    deal: str
    stage: str
    since: date | None
    days: int | None
    row: int
    file: str
    basis: Basis = Basis.START


def _latest(row: object, actuals: Actuals, as_of: date) -> tuple[date | None, Basis]:
    """The deal's last touch on or before ``as_of`` and where it comes from."""
    candidates: list[tuple[pd.Timestamp, Basis]] = []
    last = getattr(row, "last_activity", None)
    if last is not None and pd.notna(last):
        candidates.append((last, Basis.LAST_ACTIVITY))
    for link, basis in (("deal", Basis.DEAL_LOG), ("account", Basis.ACCOUNT_LOG)):
        key = getattr(row, "id" if link == "deal" else "account", None)
        log = actuals.last_touch.get(link)
        if log is not None and key is not None and pd.notna(key) and str(key) in log.index:
            candidates.append((log[str(key)], basis))
    limit = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    usable = [(when, basis) for when, basis in candidates if when < limit]
    if usable:
        when, basis = max(usable, key=lambda c: c[0])
        return when.date(), basis
    start = getattr(row, "date", None)
    return (start.date() if start is not None and pd.notna(start) else None), Basis.START


def open_deals(data: Ingested, as_of: date) -> list[OpenDeal]:
    """Deals still open at ``as_of``, the longest untouched first."""
    deals = []
    for source in data.sources:
        frame = source.cleaned.frame
        if source.cleaned.shape is not Shape.OPPORTUNITIES:
            continue
        live = frame[frame["stage"].isin(DEAL_STAGES)]
        for row in live.itertuples():
            since, basis = _latest(row, data.actuals, as_of)
            days = (as_of - since).days if since and since <= as_of else None
            deals.append(OpenDeal(row.owner, getattr(row, "id", "") or "", row.stage, since, days, row.row,
                                  source.cleaned.file, basis))
    return sorted(deals, key=lambda d: (-(d.days if d.days is not None else -1), d.owner))

"""Sales-cycle lag: activity happens months before the win it produces.

A lead time on a stage (e.g. 受注 takes 2 months from 商談) moves every stage above it
earlier in the calendar: April revenue needs February meetings, and the calls behind them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kpi_xl.errors import InputError
from kpi_xl.i18n import Text


def stage_offsets(chain: Sequence[str], leads: Mapping[str, int]) -> dict[str, int]:
    """Months each chain stage runs ahead of the goal.

    ``leads[stage]`` is the time from the stage above ``stage`` to ``stage``; every stage
    above it inherits it. Example: chain revenue→won→meetings, leads {won: 2} gives
    revenue 0, won 0, meetings 2.
    """
    for stage, months in leads.items():
        if stage not in chain:
            raise InputError("bad_choice", field="lead", value=stage, allowed=", ".join(chain))
        if months < 0 or months != int(months):
            raise InputError("not_whole", field=f"lead {stage}", value=months)
    offsets: dict[str, int] = {}
    total = 0
    for stage in chain:
        offsets[stage] = total
        total += int(leads.get(stage, 0))
    return offsets


ONE_STAGE = Text("1つの段だけ", "one stage")  # lag_shares may shape one stage's lag, no more
SHARE_MONTHS = 4  # a measured lag's shares: the same month, one, two, three or more months later


def stage_lags(chain: Sequence[str], leads: Mapping[str, int],
               shares: Mapping[str, Sequence[float]] | None = None) -> dict[str, dict[int, float]]:
    """Per chain stage: months ahead of the goal → the share of its target placed there.

    A lead time is all of a stage's results one fixed number of months after the stage below
    in the funnel; measured ``shares`` spread them: ``shares[won] = (0.3, 0.2, 0.2, 0.3)``
    says 30% of wins come in the meeting's month, 20% a month later … (the lead, if any, adds
    on top). April's wins then need meetings spread over April and the three months before.
    """
    stage_offsets(chain, leads)  # validates the leads
    shares = shares or {}
    if len(shares) > 1:
        raise InputError("bad_choice", field="lag_shares", value=", ".join(shares), allowed=ONE_STAGE)
    out: dict[str, dict[int, float]] = {}
    lag = {0: 1.0}
    for stage in chain:
        out[stage] = dict(lag)
        step = {int(leads.get(stage, 0)) + d: w for d, w in enumerate(shares[stage])} if stage in shares \
            else {int(leads.get(stage, 0)): 1.0}
        lag = _convolve(lag, step)
    return out  # without shares each stage is one point: its offset, as stage_offsets gives it


def _convolve(a: Mapping[int, float], b: Mapping[int, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for i, x in a.items():
        for j, y in b.items():
            out[i + j] = out.get(i + j, 0.0) + x * y
    return out


def spread_back(values: Sequence[float], lag: Mapping[int, float], lead_in: int) -> list[float]:
    """A per-month series placed on a timeline that starts ``lead_in`` months before its first
    month: each month's value ``k`` months earlier in proportion to ``lag[k]``, summed per month
    (a lead time is the one-point lag ``{k: 1.0}``)."""
    timeline = [0.0] * (len(values) + lead_in)
    for k, weight in lag.items():
        for i, value in enumerate(values):
            timeline[lead_in - k + i] += weight * value
    return timeline

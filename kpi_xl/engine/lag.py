"""Sales-cycle lag: activity happens months before the win it produces.

A lead time on a stage (e.g. 受注 takes 2 months from 商談) moves every stage above it
earlier in the calendar: April revenue needs February meetings, and the calls behind them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kpi_xl.errors import InputError


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


def shift(values: Sequence[float], offset: int, lead_in: int) -> list[float]:
    """Place a per-month series ``offset`` months earlier on a timeline that starts
    ``lead_in`` months before the first month."""
    timeline = [0.0] * (len(values) + lead_in)
    for i, value in enumerate(values):
        timeline[lead_in - offset + i] = value
    return timeline

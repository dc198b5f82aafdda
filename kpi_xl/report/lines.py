"""One KPI's actual beside its target, the unit every table of the report is made of."""

from __future__ import annotations

from dataclasses import dataclass

from kpi_xl.engine.diagnosis import achievement


@dataclass
class Line:
    metric: str
    actual: float | None  # None: the data cannot tell it (see the report's no-data list)
    target: float | None

    def achievement(self, higher_is_better: bool) -> float | None:
        return achievement(self.actual, self.target, higher_is_better)

"""Checking a KPI plan against the rules of DOMAIN.md §5–6.

Per phase: the number of KPIs within the phase's limits; per KPI: the SMART fields
present (a number, a deadline, an owner, a measurable definition) and whether the rep can
control it (profit margin, say, is not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kpi_xl.engine.catalog import Phase, get_phase
from kpi_xl.engine.templates import Template
from kpi_xl.i18n import message

if TYPE_CHECKING:  # settings builds on this module's KpiSpec
    from kpi_xl.engine.settings import Settings


@dataclass(frozen=True)
class KpiSpec:
    """A KPI as a plan states it."""

    metric: str
    target: float | None = None
    deadline: str | None = None
    owner: str | None = None
    definition: str | None = None


@dataclass(frozen=True)
class Finding:
    """One lint finding: code, level and the KPI it concerns (None: the plan)."""

    code: str
    level: str
    metric: str | None
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str = "ja") -> str:
        return message(self.code, lang, **dict(self.params))


def lint(template: Template, phase: Phase, kpis: Sequence[KpiSpec]) -> list[Finding]:
    """Every problem with ``kpis`` as the plan for ``phase``; empty when the plan is sound."""
    findings = []
    count = len(kpis)
    if not phase.min_kpis <= count <= phase.max_kpis:
        findings.append(Finding("lint_count", "error", None, (
            ("phase", phase.name), ("count", count), ("low", phase.min_kpis),
            ("high", phase.max_kpis))))
    for kpi in kpis:
        metric = template.metric(kpi.metric)
        name = metric.name
        definition = kpi.definition or template.definition(metric.id, "ja")
        missing = [field for field, present in (
            ("number", kpi.target is not None), ("deadline", bool(kpi.deadline)),
            ("owner", bool(kpi.owner)), ("definition", bool(definition))) if not present]
        for field in missing:
            findings.append(Finding(f"lint_smart_{field}", "warning", metric.id,
                                    (("metric", name),)))
        if not metric.controllable:
            findings.append(Finding("lint_uncontrollable", "warning", metric.id,
                                    (("metric", name),)))
        if metric.id not in phase.kpis:
            findings.append(Finding("lint_off_phase", "info", metric.id,
                                    (("metric", name), ("phase", phase.name))))
    return findings


def lint_settings(settings: Settings) -> tuple[Phase, list[KpiSpec], list[Finding]]:
    """Lint a plan's ``kpis`` (or, without a list, the phase's suggested KPIs) for its phase
    (立ち上げ期 when the settings name none)."""
    phase = get_phase(settings.options.phase or "launch")
    template = settings.spec.template
    kpis = list(settings.kpis) or [KpiSpec(m) for m in phase.kpis_for(template)]
    return phase, kpis, lint(template, phase, kpis)

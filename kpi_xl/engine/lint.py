"""Checking a KPI plan against the rules of DOMAIN.md §5–6.

Per phase: the number of KPIs within the phase's limits; per KPI: SMART (a number, a
deadline, an owner, a measurable definition; achievable — not far outside its published
band; relevant — it feeds the KGI) and whether the rep can move it: 成果指標 (001's outcome
tier: 受注数, 売上, LTV) and metrics like profit margin are not KPIs a rep controls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kpi_xl.engine.catalog import Phase, get_phase, load_benchmarks
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind, Metric, Tier
from kpi_xl.engine.values import format_percent
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
            ("phase", phase.name), ("count", count), ("low", phase.min_kpis), ("high", phase.max_kpis))))
    for kpi in kpis:
        findings += _kpi_findings(template, phase, kpi)
    return findings


def _kpi_findings(template: Template, phase: Phase, kpi: KpiSpec) -> list[Finding]:
    """SMART (measurable, time-bound, owned, defined, achievable, relevant) and who controls it."""
    metric = template.metric(kpi.metric)
    name = (("metric", metric.name),)
    definition = kpi.definition or template.definition(metric.id, "ja")
    out = [Finding(f"lint_smart_{field}", "warning", metric.id, name) for field, present in (
        ("number", kpi.target is not None), ("deadline", bool(kpi.deadline)),
        ("owner", bool(kpi.owner)), ("definition", bool(definition))) if not present]
    if kpi.target is not None and _unrealistic(metric, kpi.target):
        mark = load_benchmarks()[metric.benchmark or ""]
        out.append(Finding("lint_smart_achievable", "warning", metric.id, (
            *name, ("value", format_percent(kpi.target)), ("low", format_percent(mark.low)),
            ("high", format_percent(mark.high or mark.low)))))
    if metric.id not in template.tree.descendants(template.root_id):
        out.append(Finding("lint_smart_relevant", "warning", metric.id,
                           (*name, ("kgi", template.tree.metrics[template.root_id].name))))
    if metric.tier is Tier.OUTCOME:
        out.append(Finding("lint_outcome", "warning", metric.id, name))
    elif not metric.controllable:
        out.append(Finding("lint_uncontrollable", "warning", metric.id, name))
    if metric.id not in phase.kpis and metric.id not in phase.kpis_for(template):
        out.append(Finding("lint_off_phase", "info", metric.id, (*name, ("phase", phase.name))))
    return out


def _unrealistic(metric: Metric, target: float) -> bool:
    """A rate target below half its benchmark's low end or above twice its high end."""
    mark = load_benchmarks().get(metric.benchmark or "")
    if mark is None or metric.kind is not Kind.RATE:
        return False
    return target < mark.low / 2 or target > (mark.high or mark.low) * 2


def lint_settings(settings: Settings) -> tuple[Phase, list[KpiSpec], list[Finding]]:
    """Lint a plan's ``kpis`` (or, without a list, the phase's suggested KPIs) for its phase
    (立ち上げ期 when the settings name none)."""
    phase = get_phase(settings.options.phase or "launch")
    template = settings.spec.template
    kpis = list(settings.kpis) or [KpiSpec(m) for m in phase.kpis_for(template)]
    return phase, kpis, lint(template, phase, kpis)

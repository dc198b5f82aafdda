"""The landing (着地見込み) as the lines ``kpi-xl report`` prints and the sheets' notes: each
KPI's P50 with its range, target and chance; the lever that most raises the chance."""

from __future__ import annotations

from kpi_xl.display import fmt
from kpi_xl.i18n import label
from kpi_xl.report.figures import MonthlyReport


def landing_lines(report: MonthlyReport, lang: str) -> list[str]:
    """The title, one line per KPI, the lever (empty without a landing)."""
    got = report.landing
    if got is None or not got.lines:
        return []
    template = report.plan.spec.template
    targets = {line.metric: line.target for line in report.month_lines}
    out = [label("landing_title", lang, asof=got.as_of.isoformat(), elapsed=got.elapsed, bd=got.business_days)]
    for metric, line in got.lines.items():
        target = targets.get(metric)
        out.append(label("landing_line", lang, metric=template.tree.metrics[metric].label(lang),
                         p50=fmt(template, metric, round(line.expected)), p10=fmt(template, metric, round(line.low)),
                         p90=fmt(template, metric, round(line.high)),
                         target="—" if target is None else fmt(template, metric, target),
                         chance="—" if line.probability is None else f"{line.probability:.0%}"))
    lever = lever_line(report, lang)
    return out + ([lever] if lever else [])


def lever_line(report: MonthlyReport, lang: str) -> str | None:
    """The lever that most raises the chance of the goal; a finished month says so instead."""
    got = report.landing
    if got.elapsed >= got.business_days:
        return label("landing_done", lang)
    if got.lever is None:
        return None
    effect, chance = got.lever
    tree = report.plan.spec.template.tree
    goal = got.lines.get(report.plan.reverse.target) or next(iter(got.lines.values()))
    return label("landing_lever", lang, metric=tree.metrics[effect.metric].label(lang), step=effect.step,
                 before=f"{goal.probability or 0:.0%}", after=f"{chance:.0%}")

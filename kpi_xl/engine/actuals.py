"""Observed counts as the engine reads them: what they imply (sums such as アプローチ数 and
every rate by its own numerator and denominator), and which metrics data can tell at all."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from kpi_xl.engine.diagnosis import actual_rates
from kpi_xl.engine.observations import CHANNEL, Observation
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind


def derive(template: Template, counts: Mapping[str, float]) -> dict[str, float]:
    """Counts plus what the engine derives from them: sums (アプローチ数) and every rate."""
    known = {k: v for k, v in counts.items() if k in template.tree.metrics}
    values = template.tree.evaluate(known)
    values = {k: v for k, v in values.items() if template.tree.metrics[k].kind is not Kind.RATE or k in known}
    return {**values, **actual_rates(template, values)}


def observable(template: Template, metric: str, observed: Collection[str]) -> bool:
    """Whether data holding the ``observed`` metrics can tell ``metric``: observed itself, a
    rate of two observable counts, or a sum of observable metrics (アプローチ数 = 架電数 +
    メール送信数). A product needs its own data: 売上 is not 受注数 × a planned unit price."""
    if metric in observed:
        return True
    m = template.tree.metrics[metric]
    if m.numerator and m.denominator:
        return observable(template, m.numerator, observed) and observable(template, m.denominator, observed)
    formula = template.tree.formulas.get(metric)
    return bool(formula) and formula.op == "+" and all(observable(template, a, observed) for a in formula.args)


def partly_observed(template: Template, sourced: Collection[Observation], totals: Mapping[str, float]
                    ) -> dict[str, tuple[tuple[Observation, ...], tuple[Observation, ...]]]:
    """metric → (the outcomes counted, those left out) for each metric the data feeds in part:
    コネクト数 is calls reached plus emails replied, and a log that sends emails (``totals``:
    each metric's count over the data) but never says whether one was answered counts only
    the calls'. Its rates rest on that part."""
    out = {}
    for metric, observed in template.observe.items():
        counted = tuple(o for o in observed if o in sourced)
        missing = tuple(o for o in observed if o not in sourced and _has_rows(template, CHANNEL.get(o), totals))
        if counted and missing:
            out[metric] = (counted, missing)
    return out


def _has_rows(template: Template, channel: Observation | None, totals: Mapping[str, float]) -> bool:
    """Whether the data counts any activity of ``channel`` (in the metric that counts it alone)."""
    return channel is not None and any(totals.get(m, 0) > 0 for m, obs in template.observe.items()
                                       if obs == (channel,))


def period_rate(numerators: Sequence[float | None], denominators: Sequence[float | None]) -> float | None:
    """A rate over a period: Σ numerator ÷ Σ denominator over the periods that have both,
    never the average of the periods' rates (000: コネクト率 = コネクト数 ÷ アプローチ数).
    April 10/100 and May 300/1,000 make 310/1,100 = 28.2%, not 20.0%. None without data."""
    pairs = [(n, d) for n, d in zip(numerators, denominators) if n is not None and d is not None]
    total = math.fsum(d for _, d in pairs)
    return math.fsum(n for n, _ in pairs) / total if pairs and total else None

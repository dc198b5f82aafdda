"""Reading actuals against a plan: achievement, status, the bottleneck and the revenue gap.

The bottleneck is the chain rate with the largest relative shortfall against its target
rate (or, without one, the low end of its benchmark); its hint comes from DOMAIN.md §6.
The gap between actual and planned KGI is split, by sequential substitution from the top
of the funnel down, into the volume effect and each stage's rate effect (and price);
the parts add up exactly to the gap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from kpi_xl.engine.catalog import load_benchmarks, load_hints
from kpi_xl.engine.excelmath import excel_round
from kpi_xl.engine.templates import Template, get_template, template_names
from kpi_xl.engine.tree import Kind
from kpi_xl.errors import UnknownNameError
from kpi_xl.i18n import Text

DEFAULT_WARN = 0.9  # below 90% achievement a KPI is "watch" (amber), below the threshold "miss"
STATUS_DECIMALS = 12  # an achievement is judged rounded to this many decimals, here and in every workbook


class Status(str, Enum):
    """A KPI's traffic light: 達成 (hit), 注意 (watch), 未達 (miss); NONE without an actual."""

    HIT = "hit"
    WATCH = "watch"
    MISS = "miss"
    NONE = "none"


_HIT, _WATCH, _MISS, _NONE = Status.HIT, Status.WATCH, Status.MISS, Status.NONE  # fast in a 10,000-row loop


def achievement(actual: float | None, target: float | None, higher_is_better: bool = True
                ) -> float | None:
    """Actual ÷ target (target ÷ actual when lower is better); None when undefined.

    A lower-is-better KPI at zero (no churn at all) counts as 100%.
    """
    if actual is None or target is None:
        return None
    if higher_is_better:
        return actual / target if target else None
    if actual == 0:
        return 1.0
    return target / actual


def status(actual: float | None, target: float | None, warn: float = DEFAULT_WARN,
           higher_is_better: bool = True) -> Status:
    """達成 (hit) at ≥100%, 注意 (watch) at ≥ warn, else 未達 (miss); empty is not a miss."""
    ratio = achievement(actual, target, higher_is_better)
    if ratio is None:
        return _NONE
    ratio = excel_round(ratio, STATUS_DECIMALS)  # as the workbook compares it: 3 ÷ 3.333… is 90%, not 89.99…%
    if ratio >= 1:
        return _HIT
    return _WATCH if ratio >= warn else _MISS


@dataclass(frozen=True)
class KpiResult:
    """One KPI's actual against target."""

    metric: str
    actual: float | None
    target: float | None
    achievement: float | None
    status: Status


@dataclass(frozen=True)
class StageRate:
    """A chain rate's actual vs its reference (target or benchmark)."""

    rate: str
    actual: float | None
    target: float | None
    bench_low: float | None
    bench_high: float | None
    reference: float | None
    shortfall: float | None
    hint: str | None

    @property
    def outside_benchmark(self) -> bool:
        if self.actual is None or self.bench_low is None:
            return False
        return self.actual < self.bench_low or (self.bench_high is not None
                                                 and self.actual > self.bench_high)


@dataclass(frozen=True)
class GapPart:
    """The KGI change from replacing one planned input by its actual."""

    metric: str
    kind: str  # "volume", "rate", "price", or "other" for what the inputs leave unexplained
    planned: float
    actual: float
    effect: float


@dataclass(frozen=True)
class Finding:
    """A diagnosis the seeds name, with its hint: a weak rate, a volume below target, or KPIs
    met while the KGI is missed."""

    hint: str  # a hints.toml id
    metric: str | None = None  # the rate or count it is about
    name: Text | None = None  # that metric's name, for hints that say it

    def text(self, lang: str) -> str:
        hint = load_hints()[self.hint].pick(lang)
        return hint.format(metric=self.name.pick(lang)) if self.name else hint


@dataclass(frozen=True)
class Diagnosis:
    kpis: list[KpiResult]
    rates: list[StageRate]
    bottleneck: StageRate | None
    planned_kgi: float | None
    actual_kgi: float | None
    gap: list[GapPart]
    findings: list[Finding] = field(default_factory=list)  # the bottleneck's first, then the rest

    def hint(self, lang: str) -> str:
        """What the weakest point usually means (the first finding)."""
        return self.findings[0].text(lang) if self.findings else ""


def shortfall(actual: float, reference: float, higher_is_better: bool = True) -> float:
    """How far ``actual`` falls short of ``reference``, relative to it (0.2 = 20% short)."""
    return 1 - actual / reference if higher_is_better else actual / reference - 1


def weakest(shortfalls: Sequence[float | None]) -> int | None:
    """Index of the largest positive shortfall (the first on a tie); None when none falls short."""
    best, index = 0.0, None
    for i, value in enumerate(shortfalls):
        if value is not None and value > best:
            best, index = value, i
    return index


def hint_for(name: str, lang: str = "ja") -> str:
    """The §6 hint for a rate named in any shipped template (商談化率, Connect rate …)."""
    for template_id in template_names():
        try:
            metric = get_template(template_id).metric(name)
        except UnknownNameError:
            continue
        if metric.hint:
            return load_hints()[metric.hint].pick(lang)
    return ""


def actual_rates(template: Template, actuals: Mapping[str, float]) -> dict[str, float]:
    """Each rate whose numerator and denominator are in ``actuals``, by its own definition."""
    rates = {}
    for metric in template.tree.metrics.values():
        if metric.kind is Kind.RATE and metric.numerator and metric.denominator:
            num, den = actuals.get(metric.numerator), actuals.get(metric.denominator)
            if num is not None and den:
                rates[metric.id] = num / den
    return rates


def diagnose(template: Template, actuals: Mapping[str, float], targets: Mapping[str, float],
             plan_inputs: Mapping[str, float], *, warn: float = DEFAULT_WARN,
             target: str | None = None) -> Diagnosis:
    """Diagnose ``actuals`` (counts, amounts) against ``targets`` (per metric) and the
    plan's inputs (rates, prices, the lever volume)."""
    tree = template.tree
    target = target or template.root_id
    kpis = []
    for mid, goal in targets.items():
        metric = tree.metrics[mid]
        actual = actuals.get(mid)
        kpis.append(KpiResult(mid, actual, goal,
                              achievement(actual, goal, metric.higher_is_better),
                              status(actual, goal, warn, metric.higher_is_better)))
    typed = {k: v for k, v in actuals.items() if tree.metrics[k].kind is Kind.RATE}
    got = {**typed, **actual_rates(template, actuals)}  # counts, where given, define the rate
    marks = load_benchmarks()
    rates = []
    for rid in template.chain_rates():
        metric = tree.metrics[rid]
        mark = marks.get(metric.benchmark) if metric.benchmark else None
        goal = plan_inputs.get(rid)
        reference = goal if goal is not None else (mark.low if mark else None)
        actual = got.get(rid)
        short = shortfall(actual, reference, metric.higher_is_better) \
            if actual is not None and reference else None
        rates.append(StageRate(rid, actual, goal, mark.low if mark else None,
                               mark.high if mark else None, reference, short, metric.hint))
    worst = weakest([r.shortfall for r in rates])
    bottleneck = None if worst is None else rates[worst]
    planned, actual_kgi, gap = _gap(template, actuals, got, plan_inputs, target)
    return Diagnosis(kpis, rates, bottleneck, planned, actual_kgi, gap,
                     findings(template, kpis, bottleneck, target))


def findings(template: Template, kpis: Sequence[KpiResult], bottleneck: StageRate | None, target: str
             ) -> list[Finding]:
    """The seeds' readings of the numbers, most telling first:
    - the bottleneck rate's hint, but only when the volume it is measured over is on target
      (「架電数は多いのにコネクト率が低い」 needs the calls); else that volume's shortfall;
    - counts below target (002: 「アポイント件数が目標に届かない場合、ターゲットリストの
      見直しやアプローチ手法の改善を検討」), the activity end of the funnel first;
    - every KPI met but the KGI missed (001: 「KPI達成なのにKGI未達」: the tree's links)."""
    tree = template.tree
    by_metric = {k.metric: k for k in kpis}
    short = {k.metric for k in kpis if k.status in (_WATCH, _MISS)}
    out: list[Finding] = []
    if bottleneck is not None and bottleneck.hint:
        denominator = tree.metrics[bottleneck.rate].denominator
        if denominator in short:
            out.append(Finding("volume_short", denominator, tree.metrics[denominator].name))
        else:
            out.append(Finding(bottleneck.hint, bottleneck.rate))
    order = {m: i for i, m in enumerate(reversed(template.chain))}
    volumes = sorted((m for m in short if tree.metrics[m].is_count and m != target and m in order), key=order.get)
    if volumes and all(f.metric != volumes[0] for f in out):  # the shortfall nearest the activity: the cause
        out.append(Finding("volume_short", volumes[0], tree.metrics[volumes[0]].name))
    others = [k for m, k in by_metric.items() if m != target and k.status is not _NONE
              and tree.metrics[m].kind is not Kind.AMOUNT]
    if target in short and others and all(k.status is _HIT for k in others):
        out.append(Finding("tree_links"))
    return out


def _gap(template: Template, actuals: Mapping[str, float], rates: Mapping[str, float],
         plan_inputs: Mapping[str, float], target: str
         ) -> tuple[float | None, float | None, list[GapPart]]:
    tree = template.tree
    planned = tree.evaluate(plan_inputs).get(target)
    if planned is None:
        return None, actuals.get(target), []
    order = [m for m in reversed(template.chain) if m in plan_inputs]
    order += [r for r in reversed(template.chain_rates()) if r in plan_inputs]
    order += [leaf for leaf in tree.leaves(target) if leaf in plan_inputs and leaf not in order]
    current = dict(plan_inputs)
    value = planned
    parts = []
    for metric_id in order:
        metric = tree.metrics[metric_id]
        if metric.kind is Kind.RATE:
            new, kind = rates.get(metric_id), "rate"
        elif metric.kind is Kind.AMOUNT:
            new, kind = _actual_amount(template, metric_id, actuals), "price"
        else:
            new, kind = actuals.get(metric_id), "volume"
        if new is None:
            continue
        trial = {**current, metric_id: new}
        after = tree.evaluate(trial)[target]
        parts.append(GapPart(metric_id, kind, current[metric_id], new, after - value))
        current, value = trial, after
    actual = actuals.get(target, value if parts else None)
    if parts and actual is not None and abs(actual - value) > 1e-9 * max(1.0, abs(actual)):
        # what the substituted inputs do not explain (e.g. counts from different sources)
        parts.append(GapPart(target, "other", value, actual, actual - value))
    return planned, actual, parts


def _actual_amount(template: Template, metric_id: str, actuals: Mapping[str, float]
                   ) -> float | None:
    """An amount leaf's actual, given or implied (unit price = revenue ÷ deals)."""
    if metric_id in actuals:
        return actuals[metric_id]
    tree = template.tree
    for parent, formula in tree.formulas.items():
        if formula.op == "*" and metric_id in formula.args and parent in actuals:
            others = [a for a in formula.args if a != metric_id]
            if all(actuals.get(o) for o in others):
                product = 1.0
                for o in others:
                    product *= actuals[o]
                return actuals[parent] / product
    return None

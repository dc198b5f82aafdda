"""Plans and reverse chains as terminal text and as JSON (the CLI's two outputs)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from kpi_xl.engine.plan import Plan
from kpi_xl.engine.review import MonthReview
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind
from kpi_xl.engine.values import format_percent
from kpi_xl.i18n import label

if TYPE_CHECKING:  # the report types pull in pandas; the console stays importable without it
    from kpi_xl.sfa.ingest import Ingested
    from kpi_xl.sfa.monthly import MonthlyReport


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def fmt(template: Template, metric_id: str, value: float) -> str:
    """A value formatted by its metric's kind: ¥ for amounts, % for rates."""
    kind = template.tree.metrics[metric_id].kind
    if kind is Kind.RATE:
        return format_percent(value)
    if kind is Kind.AMOUNT:
        return f"-¥{-value:,.0f}" if value < 0 else f"¥{value:,.0f}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def table(rows: list[list[str]], left: frozenset[int] = frozenset({0})) -> str:
    """Rows as aligned columns; columns in ``left`` are left-aligned, the rest right."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(_pad(cell, w, i not in left) for i, (cell, w) in
                               enumerate(zip(row, widths))).rstrip() for row in rows)


def render_plan(plan: Plan, lang: str = "ja") -> str:
    """The reverse chain, and with a calendar the monthly/weekly/daily/rep tables."""
    result = plan.reverse
    t = result.template
    m = t.tree.metrics
    name = {k: v.label(lang) for k, v in m.items()}
    lines = [f"{label('template', lang)}: {t.label(lang)}",
             f"{label('kgi', lang)}: {name[result.target]} {fmt(t, result.target, result.goal)}",
             ""]
    summary = " ← ".join(f"{name[s.metric]} {fmt(t, s.metric, s.value)}"
                         for s in result.stages[1:])
    lines += [summary, ""]
    rows = [[label("stage", lang), label("required", lang), label("how", lang)]]
    above = result.stages[0]
    for stage in result.stages[1:]:
        how = t.tree.formulas[above.metric]
        parts = [f"{name[o]} {fmt(t, o, plan.spec.knowns[o])}" if o in plan.spec.knowns else name[o]
                 for o in stage.via]
        sign = {"*": " ÷ ", "+": " − ", "-": " ± ", "/": " × "}[how.op]
        rows.append([name[stage.metric], fmt(t, stage.metric, stage.value),
                     f"= {name[above.metric]}{sign}{sign.join(parts)}"])
        above = stage
    lines.append(table(rows, frozenset({0, 2})))
    if result.missing:
        lines += ["", f"{label('next_input', lang)}: " + ", ".join(
            f"{name[x]} (--{'rate' if m[x].kind is Kind.RATE else 'volume'} {m[x].ja}=…)"
            for x in result.missing)]
    if plan.months:
        lines += ["", *_calendar(plan, lang, name)]
    if plan.sensitivity:
        lines += ["", f"{label('sensitivity', lang)}:"]
        rows = [[name[e.metric] + f" {e.step}", f"{'+' if e.delta >= 0 else ''}"
                 f"{fmt(t, result.target, e.delta)}"] for e in plan.sensitivity]
        lines.append(table(rows))
    return "\n".join(lines)


def _calendar(plan: Plan, lang: str, name: dict[str, str]) -> list[str]:
    t = plan.reverse.template
    lines = [label("monthly_plan", lang) + (" " + label("lead_in", lang) if plan.lead_in else "")]
    header = [label("stage", lang)] + [p.key[2:] for p in plan.months] + [label("total", lang)]
    rows = [header, [label("business_days", lang)] + [str(p.business_days) for p in plan.months]
            + [str(sum(p.business_days for p in plan.months))]]
    for stage in plan.stages:
        series = plan.monthly[stage]
        rows.append([name[stage]] + [_short(t, stage, v) for v in series]
                    + [_short(t, stage, sum(series))])
    lever = plan.reverse.lever
    rows.append([f"{name[lever]} / {label('per_day', lang)}"]
                + [_short(t, lever, v) for v in plan.daily[lever]] + [""])
    lines.append(table(rows))
    weekly = plan.weekly[lever]
    if weekly:
        lines += ["", f"{name[lever]}: " + label("weeks_summary", lang, n=len(weekly),
                                                first=_short(t, lever, min(weekly)),
                                                most=_short(t, lever, max(weekly)))]
    reps = plan.spec.reps
    rows = [[label("rep", lang)] + [p.key[2:] for p in plan.months] + [label("total", lang)]]
    for i, rep in enumerate(reps):
        series = [row[i] for row in plan.per_rep[lever]]
        rows.append([rep.name] + [_short(t, lever, v) for v in series]
                    + [_short(t, lever, sum(series))])
    lines += ["", f"{label('per_rep', lang)}: {name[lever]}", table(rows)]
    feas = plan.feasibility
    if feas:
        lines += ["", f"{label('feasibility', lang)}:"]
        key = "feasible" if feas.feasible else "infeasible"
        lines.append(label(key, lang, activity=name[feas.activity], need=f"{feas.per_rep_day:,.1f}",
                           cap=f"{feas.capacity:,.0f}", util=f"{feas.utilisation:.0%}"))
        if not feas.feasible:
            lines.append(label("more_reps", lang, n=feas.more_reps))
            for option in feas.rate_options:
                if option.needed is None:
                    lines.append(label("rate_impossible", lang, rate=name[option.rate]))
                else:
                    lines.append(label("rate_option", lang, rate=name[option.rate],
                                       current=format_percent(option.current),
                                       needed=format_percent(option.needed),
                                       points=option.points))
            lines.append(label("longer", lang, days=feas.extra_business_days,
                               months=feas.extra_months))
        lines.append(label("benchmark_note", lang))
    return lines


def render_review(review: MonthReview, plan: Plan, lang: str = "ja") -> str:
    """A month's KPIs vs target, the bottleneck with its hint and the KGI gap split."""
    t = plan.reverse.template
    m = t.tree.metrics
    d = review.diagnosis
    words = dict(zip(("hit", "watch", "miss", "none"), [*label("status_words", lang).split("|"), "—"]))
    lines = [label("review_title", lang, month=review.month), ""]
    rows = [label("kpi_header", lang).split("|")]
    for k in d.kpis:
        rows.append([m[k.metric].label(lang), fmt(t, k.metric, k.actual) if k.actual is not None else "—",
                     fmt(t, k.metric, k.target) if k.target is not None else "—",
                     f"{k.achievement:.0%}" if k.achievement is not None else "—", words[k.status]])
    lines.append(table(rows, frozenset({0, 4})))
    lines += ["", f"{label('bottleneck', lang)}:"]
    b = d.bottleneck
    if b is None:
        lines.append(label("no_bottleneck", lang))
    else:
        lines.append(label("bottleneck_line", lang, rate=m[b.rate].label(lang), actual=format_percent(b.actual),
                           reference=format_percent(b.reference), short=b.shortfall))
        lines.append(d.hint(lang))
    if d.gap and d.planned_kgi is not None and d.actual_kgi is not None:
        target = plan.reverse.target
        kinds = dict(zip(("volume", "rate", "price", "other"), label("gap_kinds", lang).split("|")))
        lines += ["", label("gap_title", lang, planned=fmt(t, target, d.planned_kgi),
                            actual=fmt(t, target, d.actual_kgi))]
        lines.append(table([[m[p.metric].label(lang), kinds[p.kind],
                             ("+" if p.effect >= 0 else "") + fmt(t, target, p.effect)] for p in d.gap],
                           frozenset({0, 1})))
    return "\n".join(lines)


def review_json(review: MonthReview, plan: Plan) -> dict[str, Any]:
    d = review.diagnosis
    return {
        "month": review.month,
        "kpis": [{"metric": k.metric, "actual": k.actual, "target": k.target, "achievement": k.achievement,
                  "status": k.status} for k in d.kpis],
        "rates": [{"rate": r.rate, "actual": r.actual, "target": r.target, "reference": r.reference,
                   "shortfall": r.shortfall, "outside_benchmark": r.outside_benchmark} for r in d.rates],
        "bottleneck": d.bottleneck.rate if d.bottleneck else None,
        "hint": {"ja": d.hint("ja"), "en": d.hint("en")},
        "planned_kgi": d.planned_kgi,
        "actual_kgi": d.actual_kgi,
        "gap": [{"metric": p.metric, "kind": p.kind, "planned": p.planned, "actual": p.actual,
                 "effect": p.effect} for p in d.gap],
    }


def _short(template: Template, metric_id: str, value: float) -> str:
    if template.tree.metrics[metric_id].kind is Kind.AMOUNT:
        return f"{value / 10_000:,.0f}万" if value else "0"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def plan_json(plan: Plan, lang: str = "ja") -> dict[str, Any]:
    """Everything the plan computed, keyed by metric id, for scripts."""
    result = plan.reverse
    t = result.template
    out: dict[str, Any] = {
        "template": t.id,
        "target": result.target,
        "goal": result.goal,
        "exact": result.exact,
        "labels": {s.metric: t.tree.metrics[s.metric].label(lang) for s in result.stages},
        "chain": [{"metric": s.metric, "value": s.value} for s in result.stages],
        "missing_inputs": list(result.missing),
        "inputs": dict(plan.spec.knowns),
        "sensitivity": [{"metric": e.metric, "step": e.step, "kgi_delta": e.delta}
                        for e in plan.sensitivity],
    }
    if plan.months:
        out["months"] = [{"month": p.key, "business_days": p.business_days} for p in plan.months]
        out["weeks"] = [{"week": p.key, "start": p.start.isoformat(), "end": p.end.isoformat(),
                         "business_days": p.business_days} for p in plan.weeks]
        out["monthly"] = plan.monthly
        out["weekly"] = plan.weekly
        out["per_business_day"] = plan.daily
        out["reps"] = [r.name for r in plan.spec.reps]
        out["per_rep"] = plan.per_rep
        out["per_rep_per_business_day"] = plan.per_rep_daily
        feas = plan.feasibility
        if feas:
            out["feasibility"] = {
                "activity": feas.activity, "required": feas.required, "rep_days": feas.rep_days,
                "per_rep_day": feas.per_rep_day, "capacity": feas.capacity,
                "feasible": feas.feasible, "more_reps": feas.more_reps,
                "rate_options": [{"rate": o.rate, "current": o.current, "needed": o.needed,
                                  "points": o.points} for o in feas.rate_options],
                "extra_business_days": feas.extra_business_days,
                "extra_months": feas.extra_months,
            }
    return out


def report_json(report: MonthlyReport, data: Ingested) -> dict[str, Any]:
    """The monthly report's figures: team lines, per rep and month, per week, findings."""
    from kpi_xl.sfa.aggregate import derived

    template = report.plan.spec.template

    def lines(items):
        return {line.metric: {"actual": line.actual, "target": line.target,
                              "status": report.status(line)} for line in items}

    by_rep_month: dict[str, dict[str, dict[str, float]]] = {}
    for (owner, month), row in data.actuals.by_month.iterrows():
        by_rep_month.setdefault(owner, {})[month] = derived(template, {k: float(v) for k, v in row.items()})
    by_week: dict[str, dict[str, float]] = {}
    for week, row in data.actuals.by_week.groupby(level=1).sum().iterrows():
        by_week[week] = derived(template, {k: float(v) for k, v in row.items()})
    diagnosis = report.review.diagnosis if report.review else None
    return {
        "month": report.month,
        "as_of": report.as_of.isoformat(),
        "team": lines(report.month_lines),
        "fiscal_ytd": lines(report.ytd_lines),
        "bottleneck": diagnosis.bottleneck.rate if diagnosis and diagnosis.bottleneck else None,
        "gap": [{"metric": p.metric, "kind": p.kind, "effect": p.effect} for p in diagnosis.gap] if diagnosis else [],
        "reps": {r.owner: {m: {"actual": line.actual, "target": line.target} for m, line in r.lines.items()}
                 for r in report.reps},
        "teams": {name: lines(team.values()) for name, team in report.team_lines.items()},
        "by_rep_month": by_rep_month,
        "by_week": by_week,
        "files": [{"file": s.raw.path.name, "sha256": s.raw.sha256, "encoding": s.raw.encoding,
                   "reader": s.raw.engine, "read": s.cleaned.read, "used": s.cleaned.used,
                   "excluded": s.cleaned.excluded} for s in data.sources],
        "findings": [{"file": f.file, "rule": f.rule, "count": f.count, "excluded": f.excludes,
                      "rows": f.rows, "detail": f.detail} for f in data.findings],
    }

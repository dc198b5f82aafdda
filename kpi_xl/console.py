"""Plans, reviews, lint findings and templates as terminal text and as JSON (the CLI's
two outputs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kpi_xl.display import change, fmt, short
from kpi_xl.engine.catalog import Phase
from kpi_xl.engine.diagnosis import Status
from kpi_xl.engine.lint import Finding
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.review import MonthReview
from kpi_xl.engine.templates import Template, get_template
from kpi_xl.engine.tree import Kind
from kpi_xl.engine.values import display_width, format_percent
from kpi_xl.i18n import label

MEASURED = 1  # decimals of a measured rate in a review: 13 ÷ 85 reads 15.3%, not 15.2941%


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def table(rows: list[list[str]], left: frozenset[int] = frozenset({0})) -> str:
    """Rows as aligned columns; columns in ``left`` are left-aligned, the rest right."""
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(_pad(cell, w, i not in left) for i, (cell, w) in
                               enumerate(zip(row, widths))).rstrip() for row in rows)


def render_plan(plan: Plan, lang: str = "ja") -> str:
    """The reverse chain with the definition of every rate it used, and with a calendar the
    monthly/weekly/daily/rep tables, the capacity check and the sensitivity."""
    result = plan.reverse
    t = result.template
    name = {k: v.label(lang) for k, v in t.tree.metrics.items()}
    lines = [f"{label('template', lang)}: {t.label(lang)}",
             f"{label('kgi', lang)}: {name[result.target]} {fmt(t, result.target, result.goal)}", ""]
    if len(result.stages) > 1:
        lines += [" ← ".join(f"{name[s.metric]} {fmt(t, s.metric, s.value)}" for s in result.stages[1:]), ""]
        lines.append(_chain_table(plan, lang, name))
    lines += _definitions(plan, lang) + _next_inputs(plan, lang, name) + _unused(plan, lang) + _warnings(plan, lang)
    if plan.months:
        lines += ["", *_calendar(plan, lang, name)]
    if plan.sensitivity:
        lines += ["", f"{label('sensitivity', lang)}:"]
        rows = [[name[e.metric] + f" {e.step}", change(t, result.target, e.delta)] for e in plan.sensitivity]
        lines.append(table(rows))
    return "\n".join(lines)


def _chain_table(plan: Plan, lang: str, name: dict[str, str]) -> str:
    """Each stage, its required count and how it follows from the stage above."""
    result, t = plan.reverse, plan.reverse.template
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
    return table(rows, frozenset({0, 2}))


def _definitions(plan: Plan, lang: str) -> list[str]:
    """The definition of every rate the walk used: the same label can mean another
    denominator in another funnel (受注率 over 商談化数 in SDR, over 有効商談数 for calls)."""
    t = plan.reverse.template
    rates = [m for m in plan.reverse.used if t.tree.metrics[m].kind is Kind.RATE]
    if not rates:
        return []
    return ["", f"{label('definitions', lang)}:", *(f"  {t.definition(r, lang)}" for r in rates)]


def _next_inputs(plan: Plan, lang: str, name: dict[str, str]) -> list[str]:
    missing = plan.reverse.missing
    if not missing:
        return []
    m = plan.reverse.template.tree.metrics

    def flag(x: str) -> str:
        if m[x].kind is Kind.AMOUNT and plan.reverse.template.tree.children(plan.reverse.template.root_id).count(x):
            return "--unit-price …"
        named = m[x].name.ja if lang == "ja" else x  # both are accepted: the one a user of ``lang`` types
        return f"--{'rate' if m[x].kind is Kind.RATE else 'volume'} {named}=…"

    return ["", f"{label('next_input', lang)}: " + ", ".join(f"{name[x]} ({flag(x)})" for x in missing)]


def _unused(plan: Plan, lang: str) -> list[str]:
    """Inputs given but not used by the walk, each with its own definition, so a rate named
    like another never silently takes the other's denominator."""
    t = plan.reverse.template
    used = set(plan.reverse.used) | {s.metric for s in plan.reverse.stages}
    unused = [k for k in plan.spec.knowns if k not in used]
    if not unused:
        return []
    def described(k: str) -> str:
        metric = t.tree.metrics[k]
        return t.definition(k, lang) if metric.kind is Kind.RATE else metric.label(lang)

    return ["", label("unused_inputs", lang) + ":", *(f"  {described(k)}" for k in unused)]


def _warnings(plan: Plan, lang: str) -> list[str]:
    t = plan.reverse.template
    return [label("rate_unrealistic", lang, metric=t.tree.metrics[w.metric].label(lang),
                  value=format_percent(w.value), low=format_percent(w.low), high=format_percent(w.high),
                  source=w.source) for w in plan.warnings]


def _calendar(plan: Plan, lang: str, name: dict[str, str]) -> list[str]:
    t = plan.reverse.template
    lines = [label("monthly_plan", lang) + (" " + label("lead_in", lang) if plan.lead_in else "")]
    header = [label("stage", lang)] + [p.key[2:] for p in plan.months] + [label("total", lang)]
    rows = [header, [label("business_days", lang)] + [str(p.business_days) for p in plan.months]
            + [str(sum(p.business_days for p in plan.months))]]
    for stage in plan.stages:
        series = plan.monthly[stage]
        total = "" if t.tree.metrics[stage].kind is Kind.RATE else short(t, stage, sum(series), lang)
        rows.append([name[stage]] + [short(t, stage, v, lang) for v in series] + [total])
    lever = plan.reverse.lever
    rows.append([f"{name[lever]} / {label('per_day', lang)}"]
                + [short(t, lever, v, lang) for v in plan.daily[lever]] + [""])
    lines.append(table(rows))
    weekly = plan.weekly[lever]
    if weekly:
        lines += ["", f"{name[lever]}: " + label("weeks_summary", lang, n=len(weekly),
                                                first=short(t, lever, min(weekly), lang),
                                                most=short(t, lever, max(weekly), lang))]
    reps = plan.spec.reps
    rows = [[label("rep", lang)] + [p.key[2:] for p in plan.months] + [label("total", lang)]]
    for i, rep in enumerate(reps):
        series = [row[i] for row in plan.per_rep[lever]]
        rows.append([rep.name] + [short(t, lever, v, lang) for v in series]
                    + [short(t, lever, sum(series), lang)])
    lines += ["", f"{label('per_rep', lang)}: {name[lever]}", table(rows)]
    return lines + _feasibility(plan, lang, name)


def render_feasibility(plan: Plan, lang: str = "ja") -> str:
    """The capacity check alone: can the reps do it, and the levers that close a gap."""
    return "\n".join(_feasibility(plan, lang, {k: v.label(lang) for k, v in plan.spec.template.tree.metrics.items()}))


def _feasibility(plan: Plan, lang: str, name: dict[str, str]) -> list[str]:
    """Whether the activity fits the capacity, and the ways to close the gap — or why the
    check cannot be made."""
    feas = plan.feasibility
    if not feas:
        return []
    lines = ["", f"{label('feasibility', lang)}:"]
    activity = name.get(feas.activity or "", "")
    if not feas.measured:
        missing = ", ".join(name[x] for x in feas.missing)
        return [*lines, label(f"capacity_{feas.check.value}", lang, activity=activity, missing=missing)]
    key = "feasible" if feas.feasible else "infeasible"
    lines.append(label(key, lang, activity=activity, need=f"{feas.per_rep_day:,.1f}",
                       cap=f"{feas.capacity:,.0f}", util=f"{feas.utilisation:.0%}"))
    if not feas.feasible:
        lines.append(label("more_reps", lang, n=feas.more_reps))
        for option in feas.rate_options:
            if option.needed is None:
                lines.append(label("rate_impossible", lang, rate=name[option.rate]))
            else:
                lines.append(label("rate_option", lang, rate=name[option.rate], current=format_percent(option.current),
                                   needed=format_percent(option.needed), points=option.points))
        lines.append(label("longer", lang, days=feas.extra_business_days, months=feas.extra_months))
    lines.append(label("benchmark_note", lang))
    return lines


def render_review(review: MonthReview, plan: Plan, lang: str = "ja") -> str:
    """A month's KPIs vs target, the bottleneck with its hint and the KGI gap split."""
    t = plan.reverse.template
    m = t.tree.metrics
    d = review.diagnosis
    words = dict(zip(Status, [*label("status_words", lang).split("|"), "—"]))
    lines = [label("review_title", lang, month=review.month), ""]
    rows = [label("kpi_header", lang).split("|")]
    for k in d.kpis:
        rows.append([m[k.metric].label(lang), fmt(t, k.metric, k.actual, MEASURED) if k.actual is not None else "—",
                     fmt(t, k.metric, k.target, MEASURED) if k.target is not None else "—",
                     f"{k.achievement:.0%}" if k.achievement is not None else "—", words[k.status]])
    lines.append(table(rows, frozenset({0, 4})))
    lines += ["", f"{label('bottleneck', lang)}:"]
    b = d.bottleneck
    if b is None:
        lines.append(label("no_bottleneck", lang))
    else:
        lines.append(label("bottleneck_line", lang, rate=m[b.rate].label(lang),
                           actual=format_percent(b.actual, MEASURED), reference=format_percent(b.reference, MEASURED),
                           short=b.shortfall))
    lines += [label("bullet", lang) + f.text(lang) for f in d.findings]
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
                  "status": k.status.value} for k in d.kpis],
        "rates": [{"rate": r.rate, "actual": r.actual, "target": r.target, "reference": r.reference,
                   "shortfall": r.shortfall, "outside_benchmark": r.outside_benchmark} for r in d.rates],
        "bottleneck": d.bottleneck.rate if d.bottleneck else None,
        "hint": {"ja": d.hint("ja"), "en": d.hint("en")},
        "findings": [{"hint": f.hint, "metric": f.metric, "ja": f.text("ja"), "en": f.text("en")} for f in d.findings],
        "planned_kgi": d.planned_kgi,
        "actual_kgi": d.actual_kgi,
        "gap": [{"metric": p.metric, "kind": p.kind, "planned": p.planned, "actual": p.actual,
                 "effect": p.effect} for p in d.gap],
    }


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
        "unused_inputs": [k for k in plan.spec.knowns
                          if k not in set(result.used) | {s.metric for s in result.stages}],
        "definitions": {m: t.definition(m, lang) for m in result.used if t.tree.metrics[m].kind is Kind.RATE},
        "warnings": [{"metric": w.metric, "value": w.value, "low": w.low, "high": w.high, "source": w.source}
                     for w in plan.warnings],
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
                "check": feas.check.value, "activity": feas.activity, "required": feas.required,
                "rep_days": feas.rep_days, "per_rep_day": feas.per_rep_day if feas.measured else None,
                "capacity": feas.capacity, "missing_inputs": list(feas.missing),
                "feasible": feas.feasible, "more_reps": feas.more_reps,
                "rate_options": [{"rate": o.rate, "current": o.current, "needed": o.needed,
                                  "points": o.points} for o in feas.rate_options],
                "extra_business_days": feas.extra_business_days,
                "extra_months": feas.extra_months,
            }
    return out


def render_lint(findings: Sequence[Finding], phase: Phase, count: int, lang: str) -> str:
    if not findings:
        return label("lint_ok", lang, phase=phase.label(lang), n=count)
    return "\n".join(f"{f.level}: {f.message(lang)}" for f in findings)


def lint_json(findings: Sequence[Finding], lang: str) -> list[dict[str, Any]]:
    return [{"code": f.code, "level": f.level, "metric": f.metric, "message": f.message(lang)} for f in findings]


def render_templates(ids: Sequence[str], lang: str) -> str:
    """One line per template: its id and name."""
    return "\n".join(f"{n:14} {get_template(n).label(lang)}" for n in ids)


def render_template(t: Template, lang: str) -> str:
    """A template's metrics with their kind and definition."""
    rows = [f"{t.label(lang)} [{t.id}]", ""]
    for mid, metric in t.tree.metrics.items():
        definition = t.definition(mid, lang)
        rows.append(f"  {metric.label(lang)} ({mid}, {metric.kind.value})" + (f": {definition}" if definition else ""))
    return "\n".join(rows)


def template_json(t: Template, lang: str) -> dict[str, Any]:
    return {"id": t.id, "kind": t.kind, "name": t.label(lang), "chain": list(t.chain),
            "metrics": [{"id": mid, "name": m.label(lang), "kind": m.kind.value,
                         "definition": t.definition(mid, lang)} for mid, m in t.tree.metrics.items()]}


def rate_table(lang: str = "ja") -> str:
    """Every rate of every shipped template with its numerator, denominator and published
    band, as a Markdown table (README's domain section is this table)."""
    from kpi_xl.display import band_text
    from kpi_xl.engine.catalog import load_benchmarks
    from kpi_xl.engine.templates import template_names

    marks = load_benchmarks()
    rows = ["| template | rate | = numerator ÷ denominator | tier | benchmark |", "|---|---|---|---|---|"]
    for tid in template_names():
        t = get_template(tid)
        for metric in t.tree.metrics.values():
            if metric.kind is not Kind.RATE or not metric.numerator:
                continue
            num, den = (t.tree.metrics[x].label(lang) for x in (metric.numerator, metric.denominator))
            band = band_text(marks[metric.benchmark], lang).split("（")[0] if metric.benchmark else "—"
            rows.append(f"| {tid} | {metric.label(lang)} | {num} ÷ {den} | {metric.tier.label(lang)} | {band} |")
    return "\n".join(rows)

"""A measured history (``kpi-xl plan --from-data``) as terminal text and JSON: each rate with
its interval and sample, and where a rate fell back to its benchmark, saying so."""

from __future__ import annotations

from typing import Any

from kpi_xl.console import render_feasibility, table
from kpi_xl.display import band_text, fmt
from kpi_xl.engine.catalog import load_benchmarks
from kpi_xl.engine.feasibility import default_capacity
from kpi_xl.engine.history import History, MeasuredRate, Source, reachable
from kpi_xl.engine.plan import Plan
from kpi_xl.engine.templates import Template
from kpi_xl.i18n import label


def render_history(history: History, plan: Plan, lang: str) -> str:
    template = plan.spec.template
    rows = [label("hist_header", lang).split("|")]
    rows += [_row(r, template, lang) for r in history.rates]
    lines = [label("hist_title", lang, first=history.months[0], last=history.months[-1], n=len(history.months)),
             table(rows)]
    if history.unit_price is not None:
        lines.append(label("hist_price", lang, value=fmt(template, template.chain[0], history.unit_price)))
        if history.price_interval is not None:
            low, high = (fmt(template, template.chain[0], v) for v in history.price_interval)
            lines[-1] += label("hist_price_interval", lang, low=low, high=high, n=f"{history.price_deals:,}")
    if history.per_rep_day is not None and history.capacity_metric:
        lines.append(label("hist_capacity", lang, activity=template.tree.metrics[history.capacity_metric].label(lang),
                           value=f"{history.per_rep_day:.1f}", bench=f"{default_capacity():g}"))
    if history.lag is not None:
        shares = [f"{x:.0%}" for x in history.lag_months]
        lines.append(label("hist_lag", lang, n=len(history.lag.days), p50=history.lag.quantile(0.5),
                           p25=history.lag.quantile(0.25), p75=history.lag.quantile(0.75), m0=shares[0],
                           m1=shares[1], m2=shares[2], m3=shares[3]))
        if plan.spec.lag_shares:
            lines.append(label("hist_lag_used", lang))
    if history.reps:
        lines += ["", label("hist_reps", lang), table(_rep_rows(history, template, lang), left=frozenset({0}))]
    bottom_up = reachable(plan)
    if bottom_up is not None:
        target, goal = plan.reverse.target, plan.reverse.goal
        lines.append(label("hist_reach", lang, reach=fmt(template, target, bottom_up), goal=fmt(template, target, goal),
                           gap=fmt(template, target, bottom_up - goal)))
        lines.append(render_feasibility(plan, lang))
    return "\n".join(lines)


def _rep_rows(history: History, template: Template, lang: str) -> list[list[str]]:
    activity = template.tree.metrics[history.capacity_metric].label(lang) if history.capacity_metric else ""
    header = label("hist_rep_header", lang, activity=activity).split("|")
    rows = [header + [template.tree.metrics[r.rate].label(lang) for r in history.rates]]
    for name, rep in sorted(history.reps.items()):
        shown = ["—" if rep.per_rep_day is None else f"{rep.per_rep_day:.1f}"]
        shown += [_pct(r.measured) + ("" if r.source is Source.MEASURED else "*") for r in rep.rates]
        rows.append([name, *shown])
    return rows


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _row(r: MeasuredRate, template: Template, lang: str) -> list[str]:
    interval = "—" if r.low is None or r.high is None else f"{_pct(r.low)}–{_pct(r.high)}"
    planned = _pct(r.planned)
    if r.source is Source.BENCHMARK:
        mark = load_benchmarks()[template.tree.metrics[r.rate].benchmark]
        planned += f" ({label('hist_benchmark', lang, band=band_text(mark, lang))})"
    elif r.source is Source.THIN:
        planned += f" ({label('hist_thin', lang)})"
    return [template.tree.metrics[r.rate].label(lang), _pct(r.measured), interval,
            f"{r.numerator:,.0f}/{r.denominator:,.0f}", planned]


def _lag_json(history: History) -> dict[str, Any] | None:
    """Meeting → won days as quartiles (not one number per deal) and the share of wins by month."""
    if history.lag is None:
        return None
    lag = history.lag
    return {"deals": len(lag.days), "p25": lag.quantile(0.25), "median": lag.quantile(0.5),
            "p75": lag.quantile(0.75), "month_shares": list(history.lag_months)}


def history_json(history: History, plan: Plan) -> dict[str, Any]:
    return {"months": list(history.months), "bottom_up_kgi": reachable(plan), "unit_price": history.unit_price,
            "unit_price_interval": list(history.price_interval) if history.price_interval else None,
            "unit_price_deals": history.price_deals,
            "per_rep_day": history.per_rep_day,
            "capacity_metric": history.capacity_metric,
            "reps": {name: {"per_rep_day": rep.per_rep_day,
                            "rates": {r.rate: {"measured": r.measured, "numerator": r.numerator,
                                               "denominator": r.denominator, "source": r.source.value}
                                      for r in rep.rates}} for name, rep in sorted(history.reps.items())},
            "lag": _lag_json(history),
            "rates": [{"rate": r.rate, "numerator": r.numerator, "denominator": r.denominator,
                       "measured": r.measured, "low": r.low, "high": r.high, "source": r.source.value,
                       "planned": r.planned, "band": list(r.band) if r.band else None} for r in history.rates]}

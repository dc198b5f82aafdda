"""The monthly report's figures as plain data for ``--json``: team lines, per rep and
month, per week, files and findings."""

from __future__ import annotations

from typing import Any

from kpi_xl.engine.actuals import derive
from kpi_xl.engine.landing import Landing
from kpi_xl.report.figures import MonthlyReport
from kpi_xl.report.lines import Line
from kpi_xl.sfa.header import ColumnUse, Use
from kpi_xl.sfa.ingest import Ingested


def report_json(report: MonthlyReport, data: Ingested, lang: str = "en") -> dict[str, Any]:
    template = report.plan.spec.template

    def lines(items: Any) -> dict[str, Any]:
        return {line.metric: _line(line, report) for line in items}

    by_rep_month: dict[str, dict[str, dict[str, float]]] = {}
    for (owner, month), row in data.actuals.by_month.iterrows():
        by_rep_month.setdefault(owner, {})[month] = derive(template, {k: float(v) for k, v in row.items()})
    by_week: dict[str, dict[str, float]] = {}
    for week, row in data.actuals.by_week.groupby(level=1).sum().iterrows():
        by_week[week] = derive(template, {k: float(v) for k, v in row.items()})
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
        "rep_kinds": {r.owner: {"kind": r.kind.value, "of": r.of} for r in report.reps},
        "no_data": {m: {"missing": list(n.missing), "needs": n.needs_in(lang), "reason": n.text(template, lang)}
                    for m, n in report.no_data.items()},
        "partial": {m: n.as_json(template, lang) for m, n in report.partial.items()},
        "weeks": [{"week": w.key, "start": w.start.isoformat(), "end": w.end.isoformat(),
                   "business_days": w.business_days, **lines(w.lines)} for w in report.weeks],
        "heatmap": _heatmap(report),
        "losses": _losses(report),
        "landing": _landing(report),
        "open_deals": [{"owner": d.owner, "deal": d.deal, "stage": d.stage,
                        "since": d.since.isoformat() if d.since else None, "days": d.days, "basis": d.basis.value,
                        "file": d.file, "row": d.row} for d in report.open_deals],
        "teams": {name: lines(team.values()) for name, team in report.team_lines.items()},
        "by_rep_month": by_rep_month,
        "by_week": by_week,
        "files": [{"file": s.raw.name, "sha256": s.raw.sha256, "encoding": s.raw.encoding,
                   "reader": s.raw.engine, "shape": s.header.shape.value, "read": s.cleaned.read,
                   "used": s.cleaned.used, "excluded": s.cleaned.excluded,
                   "tells": sorted(o.value for o in s.cleaned.sourced),
                   "columns": [_column(c) for c in s.header.columns]} for s in data.sources],
        "findings": [{"file": f.file, "rule": f.rule.value, "count": f.count, "excluded": f.excludes,
                      "row_runs": f.rows.runs(), "detail": f.detail} for f in data.findings],
    }


def _column(use: ColumnUse) -> dict[str, Any]:
    out: dict[str, Any] = {"column": use.position + 1, "header": use.header, "use": use.use.value}
    out["reason" if use.use is Use.IGNORED else "as"] = use.name
    return out


def _heatmap(report: MonthlyReport) -> dict[str, Any] | None:
    """Calls, calls reached and the rate per weekday (0 = Monday) × hour; best and worst slot."""
    h = report.heatmap
    if h is None:
        return None

    def slot(s: Any) -> dict[str, Any] | None:
        return None if s is None else {"weekday": s.weekday, "hour": s.hour, "calls": s.calls,
                                       "reached": s.reached, "rate": s.rate}

    return {"months": list(h.months), "slots": [slot(s) for s in h.slots], "best": slot(h.best),
            "worst": slot(h.worst)}


def _losses(report: MonthlyReport) -> dict[str, Any] | None:
    table = report.losses
    if table is None:
        return None
    return {"reasons": [{"reason": r.reason, "month": r.month, "ytd": r.ytd,
                         "month_share": r.month / table.month_total if table.month_total else None,
                         "ytd_share": r.ytd / table.ytd_total if table.ytd_total else None}
                        for r in table.reasons],
            "by_rep": table.by_rep}


def _landing(report: MonthlyReport) -> dict[str, Any] | None:
    """Each KPI's landing at the pace (and for wins and revenue from the open deals), the
    range widths learnt from past months, the lever; the deals' terms so KPI_LANDING can redo it."""
    got = report.landing
    if got is None:
        return None

    def one(x: Landing) -> dict[str, Any]:
        return {"actual": x.actual, "p50": x.expected, "p10": x.low, "p90": x.high, "probability": x.probability}

    lever = {"metric": got.lever[0].metric, "step": got.lever[0].step, "probability": got.lever[1]} \
        if got.lever else None
    return {"as_of": got.as_of.isoformat(), "elapsed": got.elapsed, "business_days": got.business_days,
            "pace": {m: one(x) for m, x in got.lines.items()},
            "deals": {m: one(x) for m, x in got.pipeline.items()},
            "spread": {f"{basis.value}:{metric}": v for (basis, metric), v in got.spread.items()},
            "lever": lever,
            "chances": [{"owner": c.owner, "deal": c.deal, "age": c.age, "value": c.value, "chance": c.chance,
                         "day": c.day.isoformat() if c.day else None} for c in got.chances]}


def _line(line: Line, report: MonthlyReport) -> dict[str, Any]:
    return {"actual": line.actual, "target": line.target, "status": report.status(line).value}

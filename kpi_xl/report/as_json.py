"""The monthly report's figures as plain data for ``--json``: team lines, per rep and
month, per week, files and findings."""

from __future__ import annotations

from typing import Any

from kpi_xl.engine.actuals import derive
from kpi_xl.report.figures import Line, MonthlyReport
from kpi_xl.sfa.ingest import Ingested


def report_json(report: MonthlyReport, data: Ingested) -> dict[str, Any]:
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
        "teams": {name: lines(team.values()) for name, team in report.team_lines.items()},
        "by_rep_month": by_rep_month,
        "by_week": by_week,
        "files": [{"file": s.raw.path.name, "sha256": s.raw.sha256, "encoding": s.raw.encoding,
                   "reader": s.raw.engine, "read": s.cleaned.read, "used": s.cleaned.used,
                   "excluded": s.cleaned.excluded} for s in data.sources],
        "findings": [{"file": f.file, "rule": f.rule.value, "count": f.count, "excluded": f.excludes,
                      "rows": f.rows, "detail": f.detail} for f in data.findings],
    }


def _line(line: Line, report: MonthlyReport) -> dict[str, Any]:
    return {"actual": line.actual, "target": line.target, "status": report.status(line).value}

"""The monthly report: SFA/CRM exports read and counted (:mod:`kpi_xl.sfa`), compared with
the plan by the engine (:mod:`kpi_xl.report.figures`), written as a workbook
(:mod:`kpi_xl.report.sheets`) and as data (:mod:`kpi_xl.report.as_json`).

:func:`make_report` is the one entry point; the CLI, the demo and Python users call it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kpi_xl.engine.catalog import get_phase
from kpi_xl.engine.dates import parse_month
from kpi_xl.engine.plan import Plan, build_plan
from kpi_xl.engine.settings import Settings
from kpi_xl.engine.tree import Kind
from kpi_xl.files import XLSX, check_output, write_atomic
from kpi_xl.i18n import label
from kpi_xl.plan_files import load_plan_settings
from kpi_xl.report.as_json import report_json
from kpi_xl.report.figures import STALE_DAYS, MonthlyReport, build_report
from kpi_xl.report.sheets import build_report_workbook
from kpi_xl.sfa.ingest import Ingested, ingest
from kpi_xl.sfa.reading import check_encoding
from kpi_xl.sfa.teams import read_teams

__all__ = ["STALE_DAYS", "Report", "make_report"]


@dataclass
class Report:
    """A month's report: its figures, the data they came from, and where it was written."""

    figures: MonthlyReport
    data: Ingested
    lang: str
    plan_name: str
    output: Path | None = None

    def as_json(self) -> dict[str, Any]:
        out = report_json(self.figures, self.data, self.lang)
        return {"output": str(self.output), **out} if self.output else out

    @property
    def warnings(self) -> list[str]:
        """One line per stage the plan tracks that no column of the exports feeds, or feeds in part."""
        figures = self.figures
        template = figures.plan.spec.template
        return [found[m].text(template, self.lang) for found in (figures.no_data, figures.partial)
                for m in figures.metrics if m in found and template.tree.metrics[m].kind is not Kind.RATE]

    @property
    def rows_line(self) -> str:
        """Rows read, used and excluded over every export, pointing to the sheet that says why:
        a month's counts never hide that rows were left out."""
        sources = [s.cleaned for s in self.data.sources]
        return label("rows_line", self.lang, read=sum(c.read for c in sources), used=sum(c.used for c in sources),
                     excluded=sum(c.excluded for c in sources), sheet=label("sheet_quality", self.lang))

    def save(self, path: Path | str, *, force: bool = False, inputs: Sequence[Path] = ()) -> Path:
        """Write the report workbook atomically (never over an input, nor over a file without ``force``)."""
        wb, _ = build_report_workbook(self.figures, self.data, self.lang, self.plan_name)
        self.output = write_atomic(path, lambda tmp: wb.save(tmp), force=force, inputs=inputs, suffixes=XLSX)
        return self.output


def make_report(data: Sequence[Path | str], plan: Path | str | Settings, month: str | None = None, *,
                mapping: Path | str | None = None, teams: Path | str | None = None, phase: str | None = None,
                warn: float | None = None, stale_days: tuple[int, int, int] = STALE_DAYS,
                lang: str | None = None, output: Path | str | None = None, force: bool = False,
                progress: Any = None, encoding: str | None = None, today: date | None = None) -> Report:
    """Read the exports in ``data``, compare ``month`` (default: the latest fiscal month
    with data) with ``plan`` (a plan workbook, a settings file or validated settings) and,
    with ``output``, write the report workbook. Options the caller leaves out (warn, phase,
    lang) come from the plan's own settings; ``encoding`` overrides CSV encoding detection.

    ``progress`` is anything with ``update(1)``: called after each file is read and
    cleaned, after the counting and after the writing. ``today`` (default: the team's today)
    bounds the activities counted: one dated later was planned, not done."""
    encoding = check_encoding(encoding) if encoding else None  # a typo is reported before any work
    settings = plan if isinstance(plan, Settings) else load_plan_settings(plan)
    plan_name = "settings" if isinstance(plan, Settings) else Path(plan).name
    inputs = [Path(p) for p in [*data, *(x for x in (plan, mapping, teams) if isinstance(x, (str, Path)))]]
    if output is not None:
        check_output(Path(output), force=force, inputs=inputs, suffixes=XLSX)
    computed = build_plan(settings.spec)
    ingested = ingest(data, settings.spec.template, mapping, progress=progress, encoding=encoding, today=today)
    figures = build_report(computed, ingested, _month(computed, ingested, month),
                           warn=settings.options.warn if warn is None else warn,
                           stale_days=stale_days, teams=read_teams(teams) if teams else None,
                           phase=get_phase(phase).id if phase else settings.options.phase, asof=today)
    report = Report(figures, ingested, lang or settings.options.lang, plan_name)
    if output is not None:
        report.save(output, force=force, inputs=inputs)
    if progress is not None:
        progress.update(1)
    return report


def _month(plan: Plan, data: Ingested, month: str | None) -> str:
    """The month asked for, else the latest fiscal month with data, else the first."""
    if month is not None:
        return parse_month(month)
    return plan.latest_month(data.actuals.months) or plan.month_keys[0]

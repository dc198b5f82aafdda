"""``kpi-xl review``: a plan workbook's inputs and typed actuals read back, the plan
recomputed by the engine (formula cells are never trusted) and a month reviewed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi_xl.engine.dates import parse_month
from kpi_xl.engine.plan import Plan, build_plan
from kpi_xl.engine.review import MonthReview, review_month
from kpi_xl.engine.settings import PlanOptions
from kpi_xl.errors import InputError
from kpi_xl.workbook.reader import read_plan_workbook


@dataclass(frozen=True)
class Reviewed:
    plan: Plan
    review: MonthReview
    options: PlanOptions


def review_workbook(path: Path | str, month: str | None = None) -> Reviewed:
    """Review ``month`` (default: the latest with actuals) of the plan workbook at ``path``."""
    book = read_plan_workbook(path)
    plan = build_plan(book.spec)
    typed = sorted({key for series in book.actuals.values() for key in series})
    if not typed:
        raise InputError("no_actuals", path=str(path))
    key = None if month is None else parse_month(month)
    if key is not None and key not in typed:  # not an empty table that reads as "all is well"
        raise InputError("no_actuals_month", path=str(path), month=key, months=", ".join(typed))
    review = review_month(plan, book.actuals, key, warn=book.options.warn)
    if review is None:
        raise InputError("no_actuals", path=str(path))
    return Reviewed(plan, review, book.options)

"""kpi_xl: plan, reverse-calculate and review inside-sales KPIs in Excel.

The engine lives in :mod:`kpi_xl.engine`; importing this package does not import
pandas, openpyxl or xlwings.
"""

from kpi_xl.engine.funnel import Reverse, reverse
from kpi_xl.engine.plan import Plan, PlanSpec, build_plan
from kpi_xl.engine.templates import Template, get_template
from kpi_xl.errors import KpiXlError
from kpi_xl.version import __version__

__all__ = [
    "KpiXlError",
    "Plan",
    "PlanSpec",
    "Reverse",
    "Template",
    "__version__",
    "build_plan",
    "get_template",
    "reverse",
]

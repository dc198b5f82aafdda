"""Charts as a manager reads them, shared by the plan and report workbooks: axes always shown
(Excel hides an axis openpyxl leaves undecided), straight line segments between periods, bars
on a log scale with their values where stages span orders of magnitude."""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart
from openpyxl.chart.label import DataLabelList


def bar_chart(title: str, *, log: bool = False, values: bool = False) -> BarChart:
    """Horizontal bars, first category at the top; ``log`` for a funnel (120 deals beside 40,000
    calls), ``values`` to print each bar's number."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if log:
        chart.y_axis.scaling.logBase = 10
    if values:
        chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                         showLegendKey=False, showPercent=False)
    chart.height, chart.width = 8, 18
    return chart


def straighten(chart: LineChart) -> LineChart:
    """Straight segments between months (a smoothed curve invents values between them), axes shown."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for series in chart.series:
        series.smooth = False
    return chart

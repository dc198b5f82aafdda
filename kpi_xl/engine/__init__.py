"""The pure engine: KPI trees, templates, calendar, allocation, feasibility, diagnosis.

Nothing here imports pandas, openpyxl or xlwings; every face of kpi_xl (CLI, UDFs,
workbooks, reports) calls into this package for its numbers.
"""

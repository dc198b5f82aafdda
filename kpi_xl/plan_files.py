"""A plan from the file a user names: a plan workbook written by ``kpi-xl plan`` (its
inputs read back and recomputed by the engine) or a settings file (plan.yaml/.json/.toml)."""

from __future__ import annotations

from pathlib import Path

from kpi_xl.engine.settings import Settings, read_settings
from kpi_xl.settings_file import load_settings

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def load_plan_settings(path: Path | str) -> Settings:
    """The validated settings behind a plan workbook or a settings file."""
    if Path(path).suffix.lower() in WORKBOOK_SUFFIXES:
        from kpi_xl.workbook.reader import read_plan_workbook  # openpyxl only when a workbook is given

        book = read_plan_workbook(path)
        return Settings(book.spec, book.options)
    return read_settings(load_settings(path))

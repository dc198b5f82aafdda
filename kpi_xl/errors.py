"""The package's exception tree.

Every error names the field, the value and what is allowed, in Japanese and English.
Each class also derives from the builtin exception a Python caller would expect, so
``except ValueError`` keeps working for code that does not know kpi_xl.
"""

from __future__ import annotations

from typing import Any

from kpi_xl.i18n import message


class KpiXlError(Exception):
    """Base of every kpi_xl error; ``message(lang)`` renders it for a user."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "ja") -> str:
        return message(self.code, lang, **self.params)


class InputError(KpiXlError, ValueError):
    """A value given by the user is malformed or out of range."""


class UnknownNameError(KpiXlError, LookupError):
    """A metric, template, phase or benchmark name that does not exist."""

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return self.message("en")


class TemplateError(KpiXlError, ValueError):
    """A template file is broken: names the file, the key and the problem."""


class TreeError(KpiXlError, ValueError):
    """A KPI tree has a cycle, or the requested unknown cannot be solved for."""


class OutputError(KpiXlError, OSError):
    """An output file cannot be written (exists without --force, unwritable)."""


class WorkbookError(KpiXlError, ValueError):
    """A workbook cannot be read back: names the sheet and the cell."""


class DataError(KpiXlError, ValueError):
    """An SFA/CRM export cannot be used: names the file, column and problem."""

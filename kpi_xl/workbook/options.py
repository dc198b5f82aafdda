"""Presentation options of a plan workbook (what the engine does not need to know)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kpi_xl.engine.calendar import parse_date
from kpi_xl.engine.diagnosis import DEFAULT_WARN
from kpi_xl.engine.templates import get_phase
from kpi_xl.engine.values import parse_rate
from kpi_xl.errors import InputError
from kpi_xl.i18n import check_lang

SCENARIO_FACTORS = (1.0, 1.1, 0.9)  # base, upside, downside: rates × factor, capped at 100%
DISPLAY_UNITS = ("yen", "man", "oku")


@dataclass(frozen=True)
class WorkbookOptions:
    lang: str = "ja"
    warn: float = DEFAULT_WARN
    phase: str | None = None
    asof: date | None = None
    scenario: int = 0
    display: str = "yen"


def options_from_settings(settings: dict[str, Any]) -> WorkbookOptions:
    """The workbook part of plan settings (lang, warn, phase, asof, scenario, display)."""
    lang = check_lang(str(settings.get("lang") or "ja"))
    warn = settings.get("warn")
    phase = settings.get("phase")
    scenario = settings.get("scenario", 0)
    if scenario not in (0, 1, 2):
        raise InputError("bad_choice", field="scenario", value=scenario, allowed="0, 1, 2")
    display = settings.get("display", "yen")
    if display not in DISPLAY_UNITS:
        raise InputError("bad_choice", field="display", value=display, allowed=", ".join(DISPLAY_UNITS))
    return WorkbookOptions(
        lang=lang,
        warn=DEFAULT_WARN if warn is None else parse_rate(warn, "warn"),
        phase=None if phase is None else get_phase(str(phase)).id,
        asof=None if settings.get("asof") is None else parse_date(settings["asof"], "asof"),
        scenario=int(scenario),
        display=display,
    )

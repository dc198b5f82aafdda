"""Excel's rounding, reproduced exactly.

Excel works on numbers rounded to 15 significant digits before ROUNDUP/ROUNDDOWN/INT see
them, so ``57/0.57`` (100.00000000000001 as a float) rounds *up* to 100 in Excel while
``math.ceil`` gives 101. Every required count in kpi_xl goes through :func:`roundup`.
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal


def round15(x: float) -> float:
    """``x`` as Excel sees it: rounded to 15 significant digits."""
    return float(f"{x:.15g}")


def roundup(x: float, digits: int = 0) -> float:
    """Excel ``ROUNDUP(x, digits)``: away from zero, after the 15-digit snap."""
    if digits == 0:
        s = float(f"{x:.15g}")
        return float(math.ceil(s)) if s >= 0 else -float(math.ceil(-s))
    return float(Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_UP))


def rounddown(x: float, digits: int = 0) -> float:
    """Excel ``ROUNDDOWN(x, digits)``: towards zero, after the 15-digit snap."""
    return float(Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN))


def excel_round(x: float, digits: int = 0) -> float:
    """Excel ``ROUND(x, digits)``: half away from zero, after the 15-digit snap."""
    return float(Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def excel_int(x: float) -> int:
    """Excel ``INT(x)``: the floor, after the 15-digit snap."""
    return math.floor(float(f"{x:.15g}"))

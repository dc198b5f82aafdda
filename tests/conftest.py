"""Shared fixtures: LibreOffice availability (required in CI, skipped locally without it)."""

from __future__ import annotations

import os

import pytest

from kpi_xl.workbook.recalc import soffice


@pytest.fixture(scope="session")
def libreoffice() -> str:
    binary = soffice()
    if binary is None:
        if os.environ.get("KPI_XL_REQUIRE_SOFFICE"):
            pytest.fail("soffice is required here (KPI_XL_REQUIRE_SOFFICE is set) but is not installed")
        pytest.skip("LibreOffice (soffice) is not installed; apt-get install libreoffice-calc-nogui")
    return binary

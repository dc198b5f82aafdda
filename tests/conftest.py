"""Shared fixtures: LibreOffice availability (required in CI, skipped locally without it)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from kpi_xl.xlsx.recalc import soffice

# CI must be deterministic: the same examples every run, no deadline flakiness. A failure
# found locally with random draws becomes an @example on its test.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def libreoffice() -> str:
    binary = soffice()
    if binary is None:
        if os.environ.get("KPI_XL_REQUIRE_SOFFICE"):
            pytest.fail("soffice is required here (KPI_XL_REQUIRE_SOFFICE is set) but is not installed")
        pytest.skip("LibreOffice (soffice) is not installed; apt-get install libreoffice-calc-nogui")
    return binary

"""What a test needs from the machine (Java, the package registries …): without it the test
skips locally and fails where KPI_XL_REQUIRE_INSTALL is set (CI), so CI never skips it."""

from __future__ import annotations

import os

import pytest


def unavailable(why: str) -> None:
    if os.environ.get("KPI_XL_REQUIRE_INSTALL"):
        pytest.fail(f"{why} (KPI_XL_REQUIRE_INSTALL is set)")
    pytest.skip(why)

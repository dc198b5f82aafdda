"""A local Spark session for the in-process backend tests (one per test run: it takes seconds)."""

from __future__ import annotations

import pytest

from tests.sfa.spark_session import spark_or_skip


@pytest.fixture(scope="session")
def spark():
    spark_or_skip()
    from kpi_xl.sfa.spark import _session

    session = _session("tests")
    session.conf.set("spark.sql.session.timeZone", "UTC")
    yield session
    session.stop()

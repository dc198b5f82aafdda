"""A local Spark (pyspark and Java): skipped locally without them, required in CI
(KPI_XL_REQUIRE_INSTALL), so that the Spark backend is tested for real where CI runs."""

from __future__ import annotations

import shutil
from importlib.util import find_spec

from tests.required import unavailable


def spark_or_skip() -> None:
    """Skip (or fail, in CI) when a local Spark cannot start here."""
    missing = [what for what, there in (("pyspark", find_spec("pyspark")), ("java", shutil.which("java"))) if not there]
    if missing:
        unavailable(f"a local Spark needs {' and '.join(missing)}")


def parquet_table(path) -> str:
    """The ``--data`` name of a Parquet file or folder as a Spark table."""
    return f"spark:parquet.`{path}`"

"""Fixtures for the install tests: the wheel built from this checkout, the pure-Python wheels
xlwings Lite would fetch, and the ``pyodide`` npm package. They need the package registries;
without them the tests skip locally and fail where KPI_XL_REQUIRE_INSTALL is set (CI)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.required import unavailable

ROOT = Path(__file__).resolve().parents[2]
LITE = ROOT / "examples" / "xlwings_lite"
PYODIDE = "pyodide@314.0.7"  # Python 3.14 in the browser, as xlwings Lite runs it
MICROPIP = "micropip==0.11.1"


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """kpi_xl's wheel, built from this checkout (the templates travel inside it)."""
    folder = tmp_path_factory.mktemp("wheel")
    out = run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(folder)])
    if out.returncode:
        unavailable(f"pip wheel failed: {out.stderr.strip()[-300:]}")
    return next(folder.glob("kpi_xl-*.whl"))


def lite_pins() -> list[str]:
    """The pinned packages of the README's Lite requirements.txt (every line but the wheel URL)."""
    lines = (LITE / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [x.strip() for x in lines if x.strip() and "/" not in x and not x.startswith("#")]


@pytest.fixture(scope="session")
def lite_wheels(wheel, tmp_path_factory) -> Path:
    """A folder standing in for PyPI: kpi_xl's wheel and the pure-Python wheels Lite would fetch."""
    folder = tmp_path_factory.mktemp("lite_wheels")
    shutil.copy(wheel, folder)
    out = run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "--platform", "any",
               "--implementation", "py", "--python-version", "3.14", "-d", str(folder),
               *lite_pins(), "jpholiday", MICROPIP])
    if out.returncode:
        unavailable(f"pip download failed: {out.stderr.strip()[-300:]}")
    return folder


@pytest.fixture(scope="session")
def pyodide_dir() -> Path:
    """The ``pyodide`` npm package (installed once into ~/.cache/kpi_xl)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        unavailable("node and npm are needed for the Pyodide test")
    prefix = Path(os.environ.get("KPI_XL_PYODIDE_PREFIX", Path.home() / ".cache" / "kpi_xl" / PYODIDE))
    package = prefix / "node_modules" / "pyodide"
    if not (package / "pyodide.mjs").exists():
        out = run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(prefix), PYODIDE])
        if out.returncode:
            unavailable(f"npm install {PYODIDE} failed: {out.stderr.strip()[-300:]}")
    return package

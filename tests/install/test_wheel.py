"""The wheel installs into a fresh virtual environment and runs the main job (README's install
path without the source tree)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.install


def test_wheel_carries_the_templates(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "kpi_xl/templates/funnels/sdr.toml" in names
    assert "kpi_xl/templates/sfa.toml" in names


def test_fresh_venv_runs_the_demo(wheel, tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    install = subprocess.run([str(bin_dir / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True,
                             env=clean)
    assert install.returncode == 0, install.stderr[-2000:]
    where = subprocess.run([str(bin_dir / "python"), "-c", "import kpi_xl; print(kpi_xl.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True, env=clean)
    assert Path(where.stdout.strip()).is_relative_to(venv)  # the wheel's copy, not this checkout
    demo = subprocess.run([str(bin_dir / "kpi-xl"), "demo", "--out", "kpi-demo", "--lang", "en"],
                          capture_output=True, text=True, cwd=tmp_path, env=clean)
    assert demo.returncode == 0, demo.stderr[-2000:]
    written = {p.name for p in (tmp_path / "kpi-demo").iterdir()}
    assert {"activities.csv", "plan.xlsx", "report-2026-10.xlsx"} <= written
    assert "Meetings set" in demo.stdout

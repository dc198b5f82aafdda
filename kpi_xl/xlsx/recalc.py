"""Recalculate or render workbooks with LibreOffice headless.

openpyxl writes formulas without cached values; LibreOffice computes every formula when
it converts a file, so converting xlsx → xlsx yields the values a user would see. Used by
the differential tests and by ``scripts/render_workbook.py``. Each run gets a private
profile directory so parallel runs do not collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path


def soffice() -> str | None:
    """Path of the soffice binary, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: Sequence[Path], outdir: Path, fmt: str = "xlsx", timeout: int = 600) -> list[Path]:
    """Convert ``files`` in one LibreOffice process; return the converted paths."""
    binary = soffice()
    if binary is None:
        raise FileNotFoundError("soffice (LibreOffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kpi-xl-lo-") as profile:
        cmd = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)]
        env = {**os.environ, "HOME": profile}
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env=env)
    suffix = "." + fmt.split(":")[0]
    out = [outdir / (Path(f).stem + suffix) for f in files]
    missing = [p for p in out if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return out

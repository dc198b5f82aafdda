"""Render a workbook to PNG pages to look at it as a user would.

    python scripts/render_workbook.py plan.xlsx out/        # → out/plan-01.png, …

LibreOffice prints every sheet to PDF (each sheet one page wide), pdftoppm turns the
pages into PNGs. Look for ##### columns, cut labels, unreadable colours.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kpi_xl.xlsx.recalc import convert


def render(workbook: Path, outdir: Path, dpi: int = 70) -> list[Path]:
    pdf = convert([workbook], outdir, "pdf")[0]
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(outdir / workbook.stem)], check=True)
    return sorted(outdir.glob(f"{workbook.stem}-*.png"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for page in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(page)

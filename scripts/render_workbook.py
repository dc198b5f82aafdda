"""Render a workbook to PNG pages to look at it as a user would.

    python scripts/render_workbook.py plan.xlsx out/        # → out/plan-01.png, …

LibreOffice prints every sheet to PDF (each sheet one page wide), pdftoppm turns the
pages into PNGs. Look for ##### columns, cut labels, unreadable colours; a line is printed
for every page that shows ### (a number wider than its column), and the exit code is 1.
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


def overflowing(pdf: Path) -> list[str]:
    """Pages of a printed workbook that show ### (a value wider than its column)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [f"page {i + 1}: {line.strip()}" for i, page in enumerate(text.split("\f"))
            for line in page.splitlines() if "###" in line]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pages = render(Path(sys.argv[1]), Path(sys.argv[2]))
    for page in pages:
        print(page)
    problems = overflowing(Path(sys.argv[2]) / (Path(sys.argv[1]).stem + ".pdf"))
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)

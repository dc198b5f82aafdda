"""What a case in cases.yaml may do to its folder before the run: write a plan workbook and
damage it as a user (or an attacker) would, make a folder read-only, write binary files."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName


def plan_workbook(folder: Path, name: str = "plan.xlsx", **settings: Any) -> None:
    """A plan workbook from plan.yaml, with ``settings`` overriding its keys."""
    import yaml

    from kpi_xl.engine.plan import build_plan
    from kpi_xl.engine.settings import read_settings
    from kpi_xl.workbook.writer import write_plan

    data = {**yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8")), **settings}
    read = read_settings(data)
    write_plan(folder / name, build_plan(read.spec), read.options)


def point_name(folder: Path, name: str, to: str, workbook: str = "plan.xlsx") -> None:
    """Point a defined name somewhere else: "#REF!", a constant, two areas."""
    path = folder / workbook
    wb = load_workbook(path)
    del wb.defined_names[name]
    wb.defined_names[name] = DefinedName(name, attr_text=to)
    wb.save(path)


def drop_sheet(folder: Path, sheet: str, workbook: str = "plan.xlsx") -> None:
    path = folder / workbook
    wb = load_workbook(path)
    del wb[sheet if sheet in wb.sheetnames else wb.sheetnames[int(sheet)]]
    wb.save(path)


def set_cell(folder: Path, name: str, value: Any, workbook: str = "plan.xlsx", scenario: bool = False) -> None:
    """Type ``value`` into the cell a defined name points at (with ``scenario``, into its base
    scenario column, where the KGI and rates are typed)."""
    from kpi_xl.workbook.inputs_sheet import COL_S1

    path = folder / workbook
    wb = load_workbook(path)
    sheet, coord = next(iter(wb.defined_names[name].destinations))
    cell = wb[sheet][coord.replace("$", "")]
    (wb[sheet].cell(cell.row, COL_S1) if scenario else cell).value = value
    wb.save(path)


def set_actual(folder: Path, metric: str, value: Any, month: int = 0, workbook: str = "plan.xlsx") -> None:
    """Type ``value`` as ``metric``'s actual of plan month ``month`` (0: the first), as a user would."""
    from kpi_xl.workbook.inputs_sheet import COL_KEY, COL_S1

    path = folder / workbook
    wb = load_workbook(path)
    ws, row = next((ws, r) for ws in wb.worksheets for r in range(1, ws.max_row + 1)
                   if ws.cell(r, COL_KEY).value == f"act:{metric}")
    ws.cell(row, COL_S1 + month).value = value
    wb.save(path)


def read_only(folder: Path, path: str) -> None:
    target = folder / path
    target.mkdir(exist_ok=True)
    os.chmod(target, 0o555)


def parquet(folder: Path, name: str, columns: dict[str, list[Any]]) -> None:
    pd.DataFrame(columns).to_parquet(folder / name)


def xlsx(folder: Path, name: str, rows: list[list[Any]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(folder / name)


def xml_bomb(folder: Path, name: str) -> None:
    """An XLSX whose sheet XML declares an external entity (XXE) and entity expansion."""
    xlsx(folder, name, [["日付", "担当者", "活動種別"], ["2026-10-01", "佐藤", "架電"]])
    path = folder / name
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">'
            b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    sheet = "xl/worksheets/sheet1.xml"
    body = parts[sheet]
    parts[sheet] = evil + (body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body)
    with zipfile.ZipFile(path, "w") as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


EDITS = {f.__name__: f for f in (plan_workbook, point_name, drop_sheet, set_cell, set_actual, read_only, parquet, xlsx,
                                 xml_bomb)}

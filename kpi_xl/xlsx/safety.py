"""Checks on an xlsx before parsing it: a real zip, of sane declared size and ratio, with no
XML document type declarations.

openpyxl parses XML with defusedxml when it is installed (it is a dependency), which stops
entity expansion; python-calamine does not resolve entities either. Still, no workbook Excel
writes declares a DOCTYPE or entities, so a part that does is refused before any reader sees
it, and zip bombs are stopped before any XML is read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from kpi_xl.errors import WorkbookError
from kpi_xl.i18n import NO_SUCH_FILE, Text

MAX_UNPACKED = 1 << 30  # 1 GiB of declared uncompressed content
MAX_RATIO = 200  # no member may declare more than 200× its compressed size (zeros aside)
PROLOGUE = 4096  # a DOCTYPE can only come before the root element, at the start of a part


def check_archive(path: Path) -> None:
    """Raise a WorkbookError if ``path`` is missing, not a zip, or expands absurdly."""
    if not path.is_file():
        raise WorkbookError("wb_unreadable", path=str(path), reason=NO_SUCH_FILE)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError("wb_unreadable", path=str(path), reason=Text(
            f"xlsx（zip）ファイルではありません（詳細: {exc}）", f"not an xlsx (zip) file: {exc}")) from None
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise WorkbookError("wb_unreadable", path=str(path),
                            reason=Text(f"展開すると {total:,} バイト（上限 {MAX_UNPACKED:,}）",
                                        f"declares {total:,} bytes unpacked (limit {MAX_UNPACKED:,})"))
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO \
                and member.file_size > 10 << 20:
            times = member.file_size // member.compress_size
            raise WorkbookError("wb_unreadable", path=str(path),
                                reason=Text(f"{member.filename} が {times} 倍に展開されます",
                                            f"{member.filename} expands {times}×"))
    _no_doctype(path)


def _no_doctype(path: Path) -> None:
    """Refuse XML parts declaring a DOCTYPE or entities (XXE, billion laughs)."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if not member.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(member) as handle:
                head = handle.read(PROLOGUE)
            if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                raise WorkbookError("wb_unreadable", path=str(path),
                                    reason=Text(f"{member.filename} に DOCTYPE か実体の宣言があります（拒否）",
                                                f"{member.filename} declares a DOCTYPE or entities (refused)"))

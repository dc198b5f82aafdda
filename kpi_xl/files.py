"""Writing output files safely: never over a user's file without --force, never half-written.

The content is written to a temporary file in the target's folder and renamed over the
target in one step, so an interrupted run leaves either the old file or the new one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from kpi_xl.errors import OutputError
from kpi_xl.i18n import A_FOLDER, Text, os_reason

XLSX = (".xlsx",)
XLSM = (".xlsm",)


def check_output(path: Path, *, force: bool, inputs: Iterable[Path] = (), suffixes: tuple[str, ...] = ()) -> None:
    """Refuse an output named for another format (plan.csv would hold a workbook), one over an
    input, or one over an existing file without ``force``."""
    target = path.resolve()
    for source in inputs:
        if Path(source).resolve() == target:
            raise OutputError("same_as_input", path=str(path))
    if suffixes and path.suffix.lower() not in suffixes:
        raise OutputError("output_suffix", path=str(path), allowed=" / ".join(suffixes))
    if path.exists() and not force:
        raise OutputError("output_exists", path=str(path))
    if path.exists() and path.is_dir():
        raise OutputError("output_unwritable", path=str(path), reason=A_FOLDER)


def _normal_mode(target: Path) -> int:
    """The existing file's mode, or what a plain open() would give under the umask."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path | str, write: Callable[[Path], None], *, force: bool = False,
                 inputs: Iterable[Path] = (), suffixes: tuple[str, ...] = ()) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` in one rename."""
    target = Path(path)
    check_output(target, force=force, inputs=inputs, suffixes=suffixes)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("output_unwritable", path=str(target), reason=Text(
            f"フォルダー {folder} がありません", f"no folder {folder}"))
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # a read-only folder, a full disk, a pseudo file system
        raise OutputError("output_unwritable", path=str(target), reason=os_reason(exc)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, _normal_mode(target))  # mkstemp makes 0600; give the file the usual mode
        if force:
            os.replace(tmp, target)
        else:
            _publish_new(tmp, target)
    except FileExistsError:  # another run created it first: exactly one wins
        raise OutputError("output_exists", path=str(target)) from None
    except OSError as exc:
        raise OutputError("output_unwritable", path=str(target), reason=os_reason(exc)) from None
    finally:  # also on Ctrl-C: no hidden .tmp file left behind
        if tmp.exists():
            tmp.unlink()
    return target


def _publish_new(tmp: Path, target: Path) -> None:
    """Move ``tmp`` to ``target`` only if no file is there (a hard link fails if it exists,
    atomically); where links are not supported, an exclusive create reserves the name."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        os.replace(tmp, target)

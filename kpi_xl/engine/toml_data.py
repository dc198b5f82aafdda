"""Reading the shipped TOML data files (templates/): where they are, typed key access that
names the file and key on error, and lookup of an item by id or label."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kpi_xl.engine.values import normalise_text
from kpi_xl.errors import TemplateError, UnknownNameError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOMLDecodeError = tomllib.TOMLDecodeError


def template_dir() -> Path:
    """Where the shipped templates are: inside the installed package, or the repo root."""
    packaged = Path(__file__).resolve().parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def broken(file: Path | str, key: str, problem: str) -> TemplateError:
    """The error for a broken data file: file, key and problem."""
    return TemplateError("template_broken", file=str(file), key=key, problem=problem)


def parse_toml(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def read_table(name: str) -> tuple[Path, dict[str, Any]]:
    """A shipped data file (``phases.toml`` …) parsed; a broken one names itself."""
    file = template_dir() / name
    try:
        return file, parse_toml(file.read_text(encoding="utf-8"))
    except (OSError, TOMLDecodeError) as exc:
        raise broken(file, "-", str(exc)) from None


def expect(data: dict[str, Any], key: str, typ: type | tuple[type, ...], file: Path, where: str,
           required: bool = True) -> Any:
    """``data[key]`` checked to be a ``typ``; missing optional keys give None."""
    if key not in data:
        if required:
            raise broken(file, f"{where}{key}", "missing (required)")
        return None
    value = data[key]
    if not isinstance(value, typ) or (isinstance(value, bool) and typ is not bool):
        names = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
        raise broken(file, f"{where}{key}", f"must be {names}, got {value!r}")
    return value


def name_key(name: Any) -> str:
    """A name as compared: width- and case-blind (ＳＤＲ（反響型） = sdr(反響型))."""
    return normalise_text(str(name)).casefold()


def is_named(item: Any, key: str) -> bool:
    """Whether ``key`` (a :func:`name_key`) is the item's id, Japanese or English name."""
    return key in (item.id, name_key(item.name.ja), name_key(item.name.en))


def by_name(items: dict[str, Any], name: str, code: str, allowed: str) -> Any:
    """The item whose id, Japanese or English name is ``name`` (width- and case-blind)."""
    key = name_key(name)
    for item in items.values():
        if is_named(item, key):
            return item
    raise UnknownNameError(code, value=name, allowed=allowed)

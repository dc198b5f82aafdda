"""Plan settings files (plan.yaml, .json or .toml) read into plain settings data."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from kpi_xl.errors import InputError
from kpi_xl.i18n import Text, library_reason, os_reason

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXPORTS = (".csv", ".tsv", ".parquet")  # data for --data, never a settings file
KINDS = Text("設定は UTF-8 のテキスト（.yaml / .json / .toml）、計画は計画ブック .xlsx でも可",
             "settings are UTF-8 text: .yaml, .json or .toml; a plan may also be a plan workbook .xlsx")


def load_settings(path: Path | str) -> dict[str, Any]:
    """Read a settings file; the keys are those of :mod:`kpi_xl.engine.settings`."""
    file = Path(path)
    if file.suffix.lower() in EXPORTS:
        raise InputError("settings_file", path=str(file),
                         reason=Text(f"{file.suffix} はエクスポートです（--data に指定してください）",
                                     f"a {file.suffix} file is an export: give it with --data"))
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("settings_file", path=str(file),
                         reason=Text(f"UTF-8 のテキストではありません（{KINDS.ja}）",
                                     f"not UTF-8 text ({KINDS.en})")) from None
    except OSError as exc:
        raise InputError("settings_file", path=str(file), reason=os_reason(exc)) from None
    try:
        if file.suffix.lower() == ".json":
            data = json.loads(text)
        elif file.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # each parser has its own error class; all mean "not parseable"
        raise InputError("settings_file", path=str(file), reason=library_reason(exc)) from None
    if not isinstance(data, dict):
        raise InputError("settings_file", path=str(file), reason=Text(
            "最上位は設定の表（template: sdr, kgi: …）にしてください", "the top level must be a mapping of settings"))
    return data

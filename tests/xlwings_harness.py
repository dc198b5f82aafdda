"""xlwings's own UDF machinery on a machine without Excel.

pywin32's modules are stubbed in ``sys.modules`` so that ``xlwings.udfs`` imports; its real
``xlfunc``/``xlarg``/``xlret`` then decorate a fresh copy of :mod:`kpi_xl.udfs`, its real
``generate_vba_wrapper`` writes the VBA, and calls go through ``xlwings.conversion`` the way
``xlwings.udfs.call_udf`` sends them.
"""

from __future__ import annotations

import importlib
import io
import sys
import types
from typing import Any


def _stub_pywin32() -> None:
    if "pythoncom" not in sys.modules:
        pythoncom = types.ModuleType("pythoncom")
        pythoncom.CoInitialize = lambda: None
        sys.modules["pythoncom"] = pythoncom
    if "pywintypes" not in sys.modules:
        pywintypes = types.ModuleType("pywintypes")
        pywintypes.com_error = type("com_error", (Exception,), {})
        sys.modules["pywintypes"] = pywintypes
    if "win32com" not in sys.modules:
        win32com = types.ModuleType("win32com")
        client = types.ModuleType("win32com.client")
        client.Dispatch = lambda *a, **k: None
        win32com.client = client
        sys.modules["win32com"] = win32com
        sys.modules["win32com.client"] = client


class _DesktopExcelStandIn:
    """What xlwings's conversion pipeline asks of the Excel engine, as the Windows engine
    answers it (dates arrive from pywin32 as datetimes; blanks become ``empty_as``)."""

    name = "excel"
    type = "desktop"

    @staticmethod
    def prepare_xl_data_element(x: Any, date_format: Any) -> Any:
        return "" if x is None else x

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        def clean(value):
            if value in ("", None):
                return empty_as
            if number_builder is not None and isinstance(value, float):
                return number_builder(value)
            return value

        return [[clean(c) for c in row] for row in data]


def _register_excel_engine() -> None:
    import xlwings
    from xlwings.main import Engine

    if "excel" not in [e.name for e in xlwings.engines]:
        xlwings.engines.add(Engine(impl=_DesktopExcelStandIn()))


def decorated_udfs() -> types.ModuleType:
    """kpi_xl.udfs re-imported under xlwings's real Windows decorators."""
    _stub_pywin32()
    _register_excel_engine()
    import xlwings
    import xlwings.udfs as xu

    saved = (xlwings.func, xlwings.arg, xlwings.ret)
    xlwings.func, xlwings.arg, xlwings.ret = xu.xlfunc, xu.xlarg, xu.xlret
    try:
        sys.modules.pop("kpi_xl.udfs", None)
        module = importlib.import_module("kpi_xl.udfs")
    finally:
        xlwings.func, xlwings.arg, xlwings.ret = saved
        sys.modules.pop("kpi_xl.udfs", None)
    return module


class FakeBook:
    Name = "workbook.xlsm"


def vba_for(module: types.ModuleType) -> str:
    import xlwings.udfs as xu

    out = io.StringIO()
    xu.generate_vba_wrapper("kpi_xl.udfs", module, out, FakeBook())
    return out.getvalue()


def call(module: types.ModuleType, name: str, *args: Any) -> Any:
    """Call a UDF as call_udf does: missing args → defaults, conversion.read in, write out."""
    from xlwings import conversion

    func = getattr(module, name)
    info = func.__xlfunc__
    converted = []
    for i, arg_info in enumerate(info["args"]):
        value = args[i] if i < len(args) else arg_info.get("optional")
        converted.append(conversion.read(None, value, arg_info["options"]))
    result = conversion.write(func(*converted), None, info["ret"]["options"])
    # Excel shows a 1 × 1 array as the value itself
    return result[0][0] if isinstance(result, list) and len(result) == 1 and len(result[0]) == 1 else result

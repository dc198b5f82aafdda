"""The architecture the folder listing shows, enforced: a pure engine at the centre, adapters
around it, faces that do not import each other, and no import cycles."""

import ast
import subprocess
import sys
from pathlib import Path

import kpi_xl

PACKAGE = Path(kpi_xl.__file__).parent
HEAVY = ("pandas", "openpyxl", "xlwings", "numpy")
BASE = {"errors", "i18n", "version"}
# what each part may import from kpi_xl (besides itself); anything not listed is forbidden
ALLOWED = {
    "i18n": set(),
    "version": set(),
    "errors": {"i18n"},
    "engine": BASE,
    "display": BASE | {"engine"},
    "files": BASE,
    "settings_file": BASE,
    "memory": set(),
    "xlsx": BASE | {"engine"},
    "sfa": BASE | {"engine", "settings_file", "xlsx", "memory"},
    "workbook": BASE | {"engine", "display", "files", "xlsx"},
    "plan_files": BASE | {"engine", "settings_file", "workbook"},
    "report": BASE | {"engine", "display", "files", "xlsx", "sfa", "plan_files"},
    "console": BASE | {"engine", "display"},
    "history_view": BASE | {"engine", "display", "console"},
    "excel_values": BASE | {"engine"},
    "udfs": BASE | {"engine", "display", "excel_values"},
    "macro_workbook": BASE | {"engine", "files", "xlsx"},
    "demo": BASE | {"engine", "report", "workbook"},
    "__init__": BASE | {"engine"},
    "cli": BASE | {"engine", "console", "history_view", "settings_file", "sfa", "report", "workbook",
                   "macro_workbook", "demo", "memory"},
}


def part(module: str) -> str:
    """kpi_xl.engine.tree → engine; kpi_xl.cli → cli; kpi_xl → __init__."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports(path: Path, *, runtime_only: bool = False) -> set[str]:
    """Every kpi_xl module ``path`` imports, at module level or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree) if runtime_only else set()
    found = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kpi_xl"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("kpi_xl"))
    return found


def test_every_part_is_known():
    assert {part(m) for m in modules()} <= set(ALLOWED)


def test_imports_go_only_in_the_allowed_directions():
    known = modules()
    wrong = []
    for name, path in known.items():
        source = part(name)
        for target in imports(path):
            if target not in known and target.rsplit(".", 1)[0] in known:
                target = target.rsplit(".", 1)[0]  # `from kpi_xl.x import name`
            if target not in known:
                continue
            dest = part(target)
            if dest != source and dest not in ALLOWED[source]:
                wrong.append(f"{name} → {target}")
    assert not wrong, "forbidden imports:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles():
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        edges = set()
        for target in imports(path, runtime_only=True):
            target = target if target in known else target.rsplit(".", 1)[0]
            if target in known and target != name and not name.startswith(target + "."):
                edges.add(target)
        graph[name] = edges
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*trail[trail.index(nxt):], nxt]))
            elif not state.get(nxt):
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_engine_imports_no_pandas_openpyxl_or_xlwings():
    code = ("import sys, kpi_xl, kpi_xl.engine.plan, kpi_xl.engine.diagnosis, kpi_xl.engine.lint, "
            "kpi_xl.engine.settings, kpi_xl.cli; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_excel_functions_do_not_load_openpyxl():
    """Every =KPI_* call imports kpi_xl.udfs: it must not pull in the workbook writers."""
    code = "import sys, kpi_xl.udfs; print('openpyxl' in sys.modules, 'kpi_xl.workbook' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_engine_sources_do_not_name_the_adapters_libraries():
    for source in (PACKAGE / "engine").glob("*.py"):
        text = source.read_text(encoding="utf-8")
        for lib in HEAVY:
            assert f"import {lib}" not in text and f"from {lib}" not in text, source


def test_public_names_are_sorted():
    assert kpi_xl.__all__ == sorted(kpi_xl.__all__)

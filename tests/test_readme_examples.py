"""Every `kpi-xl …` command in README's shell examples runs as written, in a folder holding what
`kpi-xl demo` writes (and `examples/`), and prints the lines README says it prints: a documented
example that stops working fails here (as sqlite-utils keeps its docs honest)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_xl.demo import run_demo

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\s*$")


def shell_examples(text: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for each `kpi-xl` line of the sh blocks; a `# …` line
    right under a command is output it must print (… stands for any text)."""
    examples: list[tuple[str, list[str]]] = []
    block: list[str] | None = None
    shell = False
    for line in text.splitlines():
        fence = FENCE.match(line)
        if fence and block is None:
            block, shell = [], fence.group(1) in ("sh", "bash")
        elif fence:
            examples += _commands(block) if shell else []
            block = None
        elif block is not None:
            block.append(line)
    return examples


def _commands(lines: list[str]) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for line in "\n".join(lines).replace("\\\n", " ").splitlines():
        if line.startswith("# ") and out:
            out[-1][1].append(line[2:])
            continue
        for part in line.split("&&"):
            part = part.split("  #")[0].strip()  # an inline comment explains; it is not output
            if part.startswith("kpi-xl "):
                out.append((" ".join(part.split()), []))
    return out


EXAMPLES = shell_examples(README)


def test_readme_has_examples_of_every_command():
    used = {shlex.split(c)[1] for c, _ in EXAMPLES}
    assert {"reverse", "plan", "review", "report", "lint", "workbook", "templates", "demo"} <= used


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("readme") / "kpi-demo"
    run_demo(folder)
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=[c[:60] for c, _ in EXAMPLES])
def test_readme_example_runs_as_written(command, expected, demo_folder, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(demo_folder, work)
    args = shlex.split(command)[1:]
    done = subprocess.run([sys.executable, "-m", "kpi_xl.cli", *args], cwd=work, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    ok = {0, 1} if args[0] == "lint" else {0}  # lint exits 1 when a rule is broken, as README says
    assert done.returncode in ok and "Traceback" not in done.stderr, done.stderr[-1500:]
    printed = (done.stdout + done.stderr).splitlines()
    for want in expected:
        pieces = [p.strip() for p in want.split("…") if p.strip()]
        assert any(_in_order(pieces, line) for line in printed), f"README says {command!r} prints {want!r}"


def _in_order(pieces: list[str], line: str) -> bool:
    at = 0
    for piece in pieces:
        at = line.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True

"""README must document every command and state the two fresh-machine commands CI runs."""

import re
from pathlib import Path

from kpi_xl.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented_in_the_readme():
    for name in COMMANDS:
        assert f"kpi-xl {name}" in README, f"README lacks a section for `kpi-xl {name}`"


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, cmd in COMMANDS.items():
        assert cmd.__doc__, name
        assert sub.choices[name].description


def test_ci_runs_the_readme_test_command():
    block = re.search(r"<!-- test-command -->\s*```(?:sh|bash)?\n(.+?)```", README, re.S)
    assert block, "README must mark its test command with <!-- test-command -->"
    test_cmd = block.group(1).strip().splitlines()[-1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci


def test_the_architecture_section_lists_every_module():
    """README's tree names each module and package of kpi_xl, and nothing that is gone."""
    section = README.split("## Architecture", 1)[1].split("```", 2)[1]
    package = ROOT / "kpi_xl"
    for path in package.rglob("*.py"):
        if path.name == "__init__.py":
            continue
        rel = path.relative_to(package)
        assert path.name in section, f"README's architecture tree lacks {rel}"
    for folder in ("engine", "sfa", "report", "workbook", "xlsx"):
        assert f"{folder}/" in section
    for named in re.findall(r"\b([a-z_]+\.py)\b", section):
        assert list(package.rglob(named)) or (ROOT / "scripts" / named).exists(), f"README names {named}"


def test_the_rate_table_is_generated_from_the_templates():
    """README lists each template's rates with numerator and denominator; it cannot drift."""
    from kpi_xl.console import rate_table

    block = re.search(r"<!-- rates:begin -->\n(.*?)\n<!-- rates:end -->", README, re.S)
    assert block, "README lacks the generated rate table"
    assert block.group(1) == rate_table("ja"), "regenerate: python -c 'from kpi_xl.console import rate_table; " \
        "print(rate_table())'"
    assert "| call | 有効架電率 | 有効架電数 ÷ 架電数 |" in block.group(1)  # 003: 架電のうち…
    assert "| sdr | 通電率 | 通電数 ÷ 架電数 |" in block.group(1)
    assert "| real_estate | 契約率 | 契約数 ÷ 来店数・問い合わせ件数 |" in block.group(1)


def test_the_recognised_columns_are_generated_from_sfa_toml():
    """README lists the headers, flag values and bindings kpi_xl recognises: the shipped ones."""
    from kpi_xl.sfa.vocabulary import vocabulary_table

    block = re.search(r"<!-- columns:begin -->\n(.*?)\n<!-- columns:end -->", README, re.S)
    assert block, "README must hold the generated list between <!-- columns:begin/end -->"
    assert block.group(1) == vocabulary_table(), "regenerate: python -c 'from kpi_xl.sfa.vocabulary import " \
        "vocabulary_table; print(vocabulary_table())'"


def test_the_lite_files_in_the_readme_are_the_ones_the_pyodide_test_uses():
    """README's xlwings Lite requirements.txt and main.py are the files tests/install runs."""
    for name in ("requirements.txt", "main.py"):
        text = (ROOT / "examples" / "xlwings_lite" / name).read_text(encoding="utf-8")
        assert f"(`examples/xlwings_lite/{name}`)\n```{'python' if name.endswith('.py') else ''}\n{text}```" in README


def test_readme_never_tells_users_to_install_from_pypi():
    """kpi-xl is not published: no install line may send a user to PyPI for it."""
    blocks = "\n".join(re.findall(r"```(?:sh|bash)?\n(.*?)```", README, re.S))
    assert "pip install" in blocks and not re.search(r"pip install kpi-xl(?![\w.-])", blocks)
    assert "not on PyPI" in README

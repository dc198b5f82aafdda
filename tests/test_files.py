"""Writing outputs: atomic, never over a file without --force, exactly one winner when two
runs race for the same name, nothing half-written left behind when interrupted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kpi_xl.errors import OutputError
from kpi_xl.files import write_atomic


def test_a_race_for_the_same_output_has_exactly_one_winner(tmp_path):
    target = tmp_path / "report.xlsx"

    def slow_write(tmp: Path) -> None:
        tmp.write_text("mine", encoding="utf-8")
        target.write_text("the other run's", encoding="utf-8")  # another run finished meanwhile

    with pytest.raises(OutputError, match="--force"):
        write_atomic(target, slow_write)
    assert target.read_text(encoding="utf-8") == "the other run's"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]  # no .tmp left


def test_force_replaces_and_an_interrupt_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, lambda tmp: tmp.write_text("new", encoding="utf-8"), force=True)
    assert target.read_text(encoding="utf-8") == "new"

    def interrupted(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, interrupted, force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_two_processes_racing_without_force(tmp_path):
    code = ("import sys, time\nfrom kpi_xl.files import write_atomic\nfrom kpi_xl.errors import OutputError\n"
            "def w(tmp):\n    tmp.write_text(sys.argv[1]); time.sleep(0.5)\n"
            "try:\n    write_atomic(sys.argv[2], w); print('won')\nexcept OutputError:\n    print('lost')\n")
    target = tmp_path / "plan.xlsx"
    runs = [subprocess.Popen([sys.executable, "-c", code, name, str(target)], stdout=subprocess.PIPE, text=True)
            for name in ("first", "second")]
    results = sorted(r.communicate()[0].strip() for r in runs)
    assert results == ["lost", "won"]
    assert target.read_text() in ("first", "second")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]

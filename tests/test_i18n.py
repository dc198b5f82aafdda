"""Message parameters in both languages: the operating system's and libraries' English reasons
get a Japanese lead-in, and what is allowed reads in the message's language."""

from __future__ import annotations

import errno

from kpi_xl.errors import InputError, OutputError
from kpi_xl.i18n import at_least, between, library_reason, os_reason


def test_the_common_os_refusals_are_said_in_both_languages():
    denied = os_reason(PermissionError(errno.EACCES, "Permission denied"))
    assert (denied.ja, denied.en) == ("アクセス権がありません", "Permission denied")  # English: the OS's own
    full = OutputError("output_unwritable", path="r.xlsx", reason=os_reason(OSError(errno.ENOSPC, "No space left")))
    assert full.message("ja") == "r.xlsx に書き込めません: ディスクの空きがありません"
    assert full.message("en") == "cannot write r.xlsx: No space left"


def test_a_rare_os_refusal_keeps_its_own_words_as_the_detail():
    """Not "reading failed": the same reason serves a file that cannot be written."""
    rare = os_reason(OSError(errno.ELOOP, "Too many levels of symbolic links"))
    assert rare.en == "Too many levels of symbolic links"
    assert rare.ja == "OS がエラーを返しました（詳細: Too many levels of symbolic links）"  # a write fails so too


def test_a_library_reason_is_its_first_line_cut_to_200_characters():
    reason = library_reason(ValueError("line one\nline two"))
    assert (reason.ja, reason.en) == ("読み込みに失敗しました（詳細: line one）", "line one")
    assert len(library_reason(ValueError("x" * 500)).en) == 200
    assert library_reason(KeyError()).en == "KeyError"


def test_what_is_allowed_reads_in_the_message_language():
    error = InputError("out_of_range", field="reps", value=0, allowed=at_least(1))
    assert error.message("ja") == "reps は 1 以上 で指定してください（指定値: 0）"
    assert error.message("en") == "reps must be 1 or more (got 0)"
    span = InputError("out_of_range", field="quarter", value=5, allowed=between(1, 4))
    assert span.message("ja") == "quarter は 1～4 で指定してください（指定値: 5）"
    assert span.message("en") == "quarter must be 1 to 4 (got 5)"


def test_a_benchmark_band_says_its_unit_in_the_language():
    """benchmarks.toml writes counts per rep in Japanese (件/人日, 件/人月); English says them in English."""
    from kpi_xl.display import band_text
    from kpi_xl.engine.catalog import load_benchmarks

    marks = load_benchmarks()
    assert band_text(marks["calls_per_rep_day"], "en") == "34 per rep-day (verify with your own data)"
    assert band_text(marks["calls_per_rep_day"], "ja") == "34 件/人日（自社データで確認してください）"
    assert band_text(marks["sql_meetings_per_rep_month"], "en").startswith("20–40 per rep-month")

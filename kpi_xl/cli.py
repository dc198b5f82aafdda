"""The ``kpi-xl`` command. Each subcommand turns its flags into settings, makes one library
call and returns an :class:`Outcome` that is printed as text or, with ``--json``, as JSON;
library errors become one readable message and exit code 2 here, at the edge.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, NoReturn

from kpi_xl.console import (
    lint_json,
    plan_json,
    render_lint,
    render_plan,
    render_review,
    render_template,
    render_templates,
    review_json,
    template_json,
)
from kpi_xl.engine.dates import parse_date
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import read_settings
from kpi_xl.engine.templates import get_template, template_names
from kpi_xl.engine.values import parse_count, parse_pair, parse_rate
from kpi_xl.errors import InputError, KpiXlError
from kpi_xl.i18n import Text, at_least, label, usage_message
from kpi_xl.settings_file import load_settings
from kpi_xl.version import __version__

# a setting's flag, named beside it in an error: the user may have typed either
FLAGS = {"fiscal_year": "--fy", "fy_start": "--fy-start", "quarter": "--quarter", "holidays": "--holiday",
         "reps": "--reps", "rep": "--rep", "capacity_per_day": "--capacity", "split": "--split",
         "unit_price": "--unit-price", "target": "--target", "warn": "--warn", "asof": "--asof",
         "scenario": "--scenario", "display": "--display"}
STALE_DEFAULT = "14,30,60"  # kpi_xl.report.STALE_DAYS, without importing pandas for --help


@dataclass
class Outcome:
    """What a command produced: data for --json, text for people, the exit code."""

    data: Any
    text: str
    exit_code: int = 0
    warnings: Sequence[str] = ()  # printed to stderr, one line each


def _pairs(values: Sequence[str] | None, field: str) -> dict[str, str]:
    return dict(parse_pair(v, field) for v in values or ())


def _plan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--template", default=None,
                   help="funnel or style id (sdr, bdr, call, email, the_model, …) or a .toml file")
    p.add_argument("--kgi", help="goal at the top of the tree, e.g. 120000000, 1.2億")
    p.add_argument("--target", help="goal on another stage instead, e.g. 受注数=10")
    p.add_argument("--unit-price", help="average deal size (平均受注単価)")
    p.add_argument("--rate", action="append", metavar="NAME=RATE",
                   help="a conversion rate, e.g. 受注率=20%% (repeatable)")
    p.add_argument("--volume", action="append", metavar="NAME=N",
                   help="a fixed volume, e.g. メール送信数=0 (repeatable)")
    p.add_argument("--fy", "--fiscal-year", dest="fy", help="fiscal year (named by the year it starts in)")
    p.add_argument("--fy-start", help="first month of the fiscal year (default 4)")
    p.add_argument("--quarter", help="plan one fiscal quarter (1–4) instead of the year")
    p.add_argument("--holiday", action="append", metavar="DATE[..DATE]",
                   help="company closure(s), e.g. 2026-12-29..2027-01-03 (repeatable)")
    p.add_argument("--reps", help="number of full-time reps")
    p.add_argument("--rep", action="append", metavar="NAME[:CAP[:START[:RAMP]]]",
                   help="a rep with capacity, start month and ramp, e.g. 佐藤:1:2026-10:0.5/0.75")
    p.add_argument("--lead", action="append", metavar="STAGE=MONTHS",
                   help="sales-cycle lag into a stage, e.g. 受注数=2 (repeatable)")
    p.add_argument("--split", choices=("equal", "weighted"),
                   help="equal per period (the seeds' way) or weighted by business days")
    p.add_argument("--capacity", help="activity capacity per rep per business day (default 34)")
    p.add_argument("--exact", action="store_true", help="do not round counts up")


def _settings(args: argparse.Namespace, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """``base`` settings (from a file) with every flag the user gave laid over them."""
    settings: dict[str, Any] = dict(base or {})
    for key, flag, name in (("rates", args.rate, "--rate"), ("volumes", args.volume, "--volume"),
                            ("leads", args.lead, "--lead")):
        if flag:
            settings[key] = {**(settings.get(key) or {}), **_pairs(flag, name)}
    for key, value in (("template", args.template), ("kgi", args.kgi), ("target", args.target),
                       ("unit_price", args.unit_price), ("fiscal_year", args.fy), ("fy_start", args.fy_start),
                       ("quarter", args.quarter), ("capacity_per_day", args.capacity), ("split", args.split)):
        if value is not None:
            settings[key] = value
    if args.exact:
        settings["exact"] = True
    if args.holiday:
        settings["holidays"] = [*(settings.get("holidays") or []), *args.holiday]
    if args.rep:
        settings["reps"] = args.rep
    elif args.reps is not None:
        settings["reps"] = args.reps
    for key in ("lang", "phase", "warn", "asof", "scenario", "display"):
        value = getattr(args, key, None)
        if value is not None:
            settings[key] = value
    return settings


def cmd_reverse(args: argparse.Namespace) -> Outcome:
    """KGIからファネルを逆算（--fy で月・週・営業日・担当者別も） /
    Reverse-calculate the funnel (and, with --fy, the calendar and reps)."""
    plan = build_plan(read_settings(_settings(args)).spec)
    return Outcome(plan_json(plan, args.lang), render_plan(plan, args.lang))


def cmd_plan(args: argparse.Namespace) -> Outcome:
    """計画ブックを作成（KPIツリー・フェーズ・カレンダー・ペース・感度分析、すべて数式） /
    Write a plan workbook (KPI tree, phases, calendar, pacing, sensitivity) with live formulas."""
    from kpi_xl.workbook.writer import write_plan_workbook

    raw = _settings(args, load_settings(args.settings) if args.settings else None)
    if not args.from_data and (args.mapping or args.months or args.encoding):  # never silently unused
        raise InputError("missing", field="--from-data", hint=Text(
            "--mapping・--months・--encoding はそのファイルの読み方です",
            "--mapping, --months and --encoding read its files"))
    history, partial = _history(args, raw) if args.from_data else (None, {})
    settings = read_settings(raw)
    args.lang = args.lang or settings.options.lang
    inputs = [Path(p) for p in ([args.settings] if args.settings else []) + list(args.from_data or [])]
    plan, written = write_plan_workbook(args.output, settings, force=args.force, inputs=inputs)
    text = label("written", args.lang, path=str(written))
    data = {"output": str(written), **plan_json(plan, args.lang)}
    if history is not None:
        from kpi_xl.history_view import history_json, render_history

        text = f"{render_history(history, plan, args.lang)}\n\n{text}"
        data["history"] = history_json(history, plan)
        data["history"]["partial"] = {m: found.as_json(plan.spec.template, args.lang) for m, found in partial.items()}
    return Outcome(data, text, warnings=[found.text(plan.spec.template, args.lang) for found in partial.values()])


def _history(args: argparse.Namespace, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Measure the exports (--from-data) and lay the measured rates and deal size under the
    settings: a rate or price the user gave still wins. Also the stages measured in part
    (emails sent, replies untold: コネクト率 rests on calls alone)."""
    from kpi_xl.engine.history import with_history
    from kpi_xl.engine.templates import get_template
    from kpi_xl.report.no_data import partial
    from kpi_xl.sfa.history import DEFAULT_MONTHS, history_from_exports

    months = int(parse_count(args.months, "--months")) if args.months is not None else DEFAULT_MONTHS
    if months < 1:
        raise InputError("out_of_range", field="--months", value=args.months, allowed=at_least(1))
    template = get_template(str(raw.get("template") or "sdr"))
    history, data = history_from_exports(args.from_data, template, months, mapping=args.mapping,
                                         encoding=args.encoding)
    raw.update(with_history(raw, history, template))
    return history, partial(template, template.chain, data.actuals, data.vocab)


def cmd_review(args: argparse.Namespace) -> Outcome:
    """計画ブックの入力と実績を読み戻し、月の振り返り（達成率・ボトルネック・差の内訳） /
    Read a plan workbook back (inputs and typed actuals), recompute it and review a month."""
    from kpi_xl.workbook.review import review_workbook

    reviewed = review_workbook(args.workbook, args.month)
    args.lang = args.lang or reviewed.options.lang
    return Outcome(review_json(reviewed.review, reviewed.plan),
                   render_review(reviewed.review, reviewed.plan, args.lang))


def cmd_workbook(args: argparse.Namespace) -> Outcome:
    """マクロブック workbook.xlsm を作成（=KPI_* 関数、使い方、例） /
    Write workbook.xlsm: the macro workbook with the =KPI_* functions, a how-to and examples."""
    from kpi_xl.macro_workbook import build_macro_workbook

    build_macro_workbook(args.output, force=args.force)
    return Outcome({"output": args.output}, label("written", args.lang, path=args.output))


def _stale_days(text: str) -> tuple[int, int, int]:
    days = [int(parse_count(x, "--stale")) for x in text.split(",")]
    if len(days) != 3 or not days[0] < days[1] < days[2]:
        raise InputError("out_of_range", field="--stale", value=text, allowed=Text(
            "増えていく3つの日数（例: 14,30,60）", "three rising day counts, e.g. 14,30,60"))
    return days[0], days[1], days[2]


def cmd_report(args: argparse.Namespace) -> Outcome:
    """SFA/CRMのエクスポートを読み、計画と比べて月次レポートを作成 /
    Read SFA/CRM exports, compare a month with the plan and write the monthly report workbook."""
    from kpi_xl.memory import reuse_freed_memory

    reuse_freed_memory()  # the command owns its process: big columns reuse freed memory
    from kpi_xl.report import make_report

    progress = _progress(2 * len(args.data) + 2)  # read and clean each file, count, write
    report = make_report(args.data, args.plan, args.month, mapping=args.mapping, teams=args.teams, phase=args.phase,
                         warn=None if args.warn is None else parse_rate(args.warn, "--warn"),
                         stale_days=_stale_days(args.stale or STALE_DEFAULT), lang=args.lang,
                         output=args.output, force=args.force, progress=progress, encoding=args.encoding,
                         today=None if args.asof is None else parse_date(args.asof, "--asof"))
    if progress is not None:
        progress.close()
    from kpi_xl.report.landing_text import landing_lines

    args.lang = report.lang
    written = label("written", report.lang, path=str(report.output))
    text = "\n".join([*landing_lines(report.figures, report.lang), report.rows_line, written])
    return Outcome(report.as_json(), text, warnings=report.warnings)


def _progress(total: int):
    """A progress bar on stderr for interactive runs; None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="step", file=sys.stderr, leave=False)


def cmd_lint(args: argparse.Namespace) -> Outcome:
    """計画のKPIを点検（フェーズごとの個数、SMART、担当者が動かせるか） /
    Check a plan's KPIs: the count per phase, SMART fields, KPIs the rep can control."""
    from kpi_xl.engine.lint import lint_settings

    raw = load_settings(args.settings)
    settings = read_settings({**raw, "phase": args.phase} if args.phase else raw)
    args.lang = args.lang or settings.options.lang
    phase, kpis, findings = lint_settings(settings)
    failed = any(f.level == "error" for f in findings)
    return Outcome(lint_json(findings, args.lang), render_lint(findings, phase, len(kpis), args.lang), int(failed))


def cmd_templates(args: argparse.Namespace) -> Outcome:
    """テンプレートの一覧、または1つの指標と定義 /
    List the shipped templates, or show one template's metrics and definitions."""
    if args.name:
        template = get_template(args.name)
        return Outcome(template_json(template, args.lang), render_template(template, args.lang))
    ids = template_names()
    return Outcome([{"id": n, "name": get_template(n).label(args.lang)} for n in ids],
                   render_templates(ids, args.lang))


def cmd_demo(args: argparse.Namespace) -> Outcome:
    """デモデータで一通り実行（SFAエクスポート・計画・月次レポートを ./kpi-demo/ に） /
    The main job on built-in demo data: a synthetic SFA export, a plan and a monthly report
    in ./kpi-demo/ (an SDR team of ten planning FY2026), and the plan printed."""
    from kpi_xl.demo import run_demo

    demo = run_demo(args.out, lang=args.lang, force=args.force)
    written = "\n".join(f"  {p}" for p in demo.files)
    return Outcome({**plan_json(demo.plan, args.lang), "files": [str(p) for p in demo.files]},
                   f"{render_plan(demo.plan, args.lang)}\n\n{label('written', args.lang, path=str(demo.folder))}"
                   f"\n{written}")


COMMANDS: dict[str, Callable[[argparse.Namespace], Outcome]] = {
    "reverse": cmd_reverse, "plan": cmd_plan, "review": cmd_review, "report": cmd_report, "lint": cmd_lint,
    "workbook": cmd_workbook, "templates": cmd_templates, "demo": cmd_demo}


def _subcommand(sub: Any, name: str, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    doc = COMMANDS[name].__doc__
    return sub.add_parser(name, parents=[common], help=doc, description=doc)


def _report_options(rpt: argparse.ArgumentParser) -> None:
    rpt.add_argument("--data", action="extend", nargs="+", required=True,
                     help="SFA/CRM exports: CSV, XLSX or Parquet (one or more; repeatable)")
    rpt.add_argument("--encoding", help="the CSV files' encoding, e.g. cp932 or utf-8 (default: detected)")
    rpt.add_argument("--plan", required=True, help="a plan workbook (kpi-xl plan) or plan.yaml")
    rpt.add_argument("--month", help="the month to report, e.g. 2026-10 (default: the latest with data)")
    rpt.add_argument("--asof", help="count the exports as they stood on this day, e.g. 2026-10-15: later "
                                    "activities are planned, not done, and the month's pace and landing are "
                                    "measured on it (default: today; the pace then runs to the last activity)")
    rpt.add_argument("--mapping", help="a mapping file (YAML/TOML/JSON) for headers and values the defaults miss")
    rpt.add_argument("--warn", help="achievement below which a KPI is amber (default: the plan's, 90%%)")
    rpt.add_argument("--phase", help="show the phase's KPIs per rep: launch/立ち上げ期, growth/成長期, stable/安定期")
    rpt.add_argument("--teams", help="a table of reps and their team or manager (CSV/XLSX)")
    rpt.add_argument("--stale", help="days for blue, yellow, red open deals (default 14,30,60)")
    rpt.add_argument("-o", "--output", required=True, help="the report workbook to write (.xlsx)")
    rpt.add_argument("--force", action="store_true", help="overwrite an existing output file")


def _plan_file_options(pln: argparse.ArgumentParser) -> None:
    pln.add_argument("settings", nargs="?", help="plan.yaml (or .json/.toml) with the same settings as the flags")
    _plan_options(pln)
    pln.add_argument("-o", "--output", required=True, help="the workbook to write (.xlsx)")
    pln.add_argument("--force", action="store_true", help="overwrite an existing output file")
    pln.add_argument("--phase", help="the team's phase: launch/立ち上げ期, growth/成長期, stable/安定期")
    pln.add_argument("--warn", help="achievement below which a KPI is amber, e.g. 90%%")
    pln.add_argument("--asof", help="as-of date for the pacing sheet (default: first day of the plan)")
    pln.add_argument("--scenario", type=int, choices=(0, 1, 2), help="active scenario: 0 base, 1 upside, 2 downside")
    pln.add_argument("--display", choices=("yen", "man", "oku"), help="show amounts in 円, 万円 or 億円")
    pln.add_argument("--from-data", nargs="+", metavar="FILE",
                     help="plan bottom-up from SFA exports: rates and deal size measured over the last full months")
    pln.add_argument("--months", help="how many full months --from-data measures (default 6)")
    pln.add_argument("--encoding", help="the CSV files' encoding for --from-data (default: detected)")
    pln.add_argument("--mapping", help="a mapping file for --from-data's headers and values (as report's)")


def finite(data: Any) -> Any:
    """``data`` with any NaN or infinity as null: --json output is always RFC 8259 JSON."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(v) for v in data]
    return data


class _UsageError(SystemExit):
    """A command line argparse cannot take: its one line, exit code 2."""

    def __init__(self, prog: str, text: str) -> None:
        super().__init__(2)
        self.prog, self.text = prog, text

    def line(self, lang: str) -> str:
        return f"{self.prog}: {usage_message(self.text, lang)} (--help)"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors, like every other kpi-xl error (no usage block)."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(self.prog, message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kpi-xl", description=(
        "Plan, reverse-calculate and review inside-sales KPIs. "
        "KGIから逆算してKPIを計画・振り返るツール"))
    parser.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    common = _Parser(add_help=False)
    common.add_argument("--lang", choices=("ja", "en"), help="output language (default ja)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    sub = parser.add_subparsers(dest="command", required=True)
    _plan_options(_subcommand(sub, "reverse", common))
    _plan_file_options(_subcommand(sub, "plan", common))
    rev = _subcommand(sub, "review", common)
    rev.add_argument("workbook", help="a plan workbook written by kpi-xl plan, with actuals typed in")
    rev.add_argument("--month", help="the month to review, e.g. 2026-10 (default: the latest with actuals)")
    _report_options(_subcommand(sub, "report", common))
    lnt = _subcommand(sub, "lint", common)
    lnt.add_argument("settings", help="plan.yaml with `phase` and `kpis` (metric, target, deadline, owner, definition)")
    lnt.add_argument("--phase", help="launch/立ち上げ期, growth/成長期 or stable/安定期 (default: the file's)")
    wbk = _subcommand(sub, "workbook", common)
    wbk.add_argument("-o", "--output", default="workbook.xlsm", help="where to write it (default workbook.xlsm)")
    wbk.add_argument("--force", action="store_true", help="overwrite an existing file")
    _subcommand(sub, "templates", common).add_argument("name", nargs="?", help="template id to show")
    dmo = _subcommand(sub, "demo", common)
    dmo.add_argument("--out", default="kpi-demo", help="the folder to write (default ./kpi-demo)")
    dmo.add_argument("--force", action="store_true", help="write into an existing, non-empty folder")
    return parser


def _with_flag(exc: KpiXlError) -> KpiXlError:
    """``exc`` naming its setting's flag too: fiscal_year (--fy)."""
    field = exc.params.get("field")
    if isinstance(field, str) and field in FLAGS:
        exc.params = {**exc.params, "field": f"{field} ({FLAGS[field]})"}
    return exc


def _lang_in(words: list[str]) -> str:
    """The --lang of a command line argparse could not take (ja unless it says en)."""
    lang = "ja"
    for before, word in pairwise(["", *words]):  # the last one given wins, as argparse's would
        if word.startswith("--lang="):
            lang = word.removeprefix("--lang=")
        elif before == "--lang":
            lang = word
    return "en" if lang == "en" else "ja"


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(words)
    except _UsageError as exc:  # with --json, a program reading stdout still gets a document
        line = exc.line(_lang_in(words))
        print(line, file=sys.stderr)
        if "--json" in words:
            print(json.dumps({"error": {"code": "usage", "message": line.removeprefix("kpi-xl: ")}},
                             ensure_ascii=False))
        return 2
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 2
    if args.command not in ("plan", "review", "report", "lint"):  # these take the language of their plan file
        args.lang = args.lang or "ja"
    try:
        outcome = COMMANDS[args.command](args)
    except KpiXlError as exc:
        said = _with_flag(exc).message(args.lang or "ja")
        print(f"kpi-xl: {said}", file=sys.stderr)
        if args.json:  # a program reading stdout gets a document to parse, not nothing
            print(json.dumps({"error": {"code": exc.code, "message": said}}, ensure_ascii=False))
        return 2
    except KeyboardInterrupt:  # Ctrl-C: partial output files were removed on the way out
        print(f"kpi-xl: {label('interrupted', args.lang or 'ja')}", file=sys.stderr)
        return 130
    for line in outcome.warnings:
        print(f"kpi-xl: {label('warning', args.lang or 'ja')}: {line}", file=sys.stderr)
    text = json.dumps(finite(outcome.data), ensure_ascii=False, indent=2, allow_nan=False) if args.json \
        else outcome.text
    try:
        print(text)
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
    return outcome.exit_code


def run() -> None:
    """The ``kpi-xl`` command: :func:`main`, then out at once. Every file is written and closed
    by then and the output is flushed here; the interpreter's teardown (freeing pandas, pyarrow
    and openpyxl: ~0.15 s) is no part of what a user waits for."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a pipe closed by its reader
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()

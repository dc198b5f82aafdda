"""The ``kpi-xl`` command. Each subcommand parses flags, makes one library call and
prints the result; library errors become one readable message and exit code 2 here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kpi_xl import __version__
from kpi_xl.console import plan_json, render_plan, render_review, report_json, review_json
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.engine.templates import get_template, template_names
from kpi_xl.engine.values import parse_number, parse_pair, parse_rate
from kpi_xl.errors import InputError, KpiXlError, OutputError
from kpi_xl.i18n import label
from kpi_xl.settings_file import load_settings

DEMO_SETTINGS: dict[str, Any] = {
    "template": "sdr",
    "kgi": 240_000_000,
    "unit_price": 1_000_000,
    "rates": {"受注率": "20%", "商談化率": "12%", "コネクト率": "15%"},
    "volumes": {"メール送信数": 13_000},
    "fiscal_year": 2026,
    "fy_start": 4,
    "holidays": ["2026-12-29..2027-01-03"],
    "reps": 10,
    "leads": {"受注数": 1},
}


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
    p.add_argument("--fy", type=str, help="fiscal year (named by the year it starts in)")
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
    return settings


def cmd_reverse(args: argparse.Namespace) -> str:
    """KGIからファネルを逆算（--fy で月・週・営業日・担当者別も） /
    Reverse-calculate the funnel (and, with --fy, the calendar and reps)."""
    plan = build_plan(spec_from_settings(_settings(args)))
    if args.json:
        return json.dumps(plan_json(plan, args.lang), ensure_ascii=False, indent=2)
    return render_plan(plan, args.lang)


def _plan_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Settings from the optional file, with the command line's flags laid over them."""
    settings = _settings(args, load_settings(args.settings) if args.settings else None)
    for key in ("lang", "phase", "warn", "asof", "scenario", "display"):
        value = getattr(args, key, None)
        if value is not None:
            settings[key] = value
    return settings


def cmd_plan(args: argparse.Namespace) -> str:
    """計画ブックを作成（KPIツリー・フェーズ・カレンダー・ペース・感度分析、すべて数式） /
    Write a plan workbook (KPI tree, phases, calendar, pacing, sensitivity) with live formulas."""
    from kpi_xl.workbook.options import options_from_settings
    from kpi_xl.workbook.writer import write_plan

    settings = _plan_settings(args)
    options = options_from_settings(settings)
    args.lang = options.lang
    spec = spec_from_settings(settings)
    if spec.fiscal_year is None:
        raise InputError("missing", field="fiscal_year (--fy)", hint="例/e.g. --fy 2026")
    plan = build_plan(spec)
    inputs = [Path(args.settings)] if args.settings else []
    written = write_plan(args.output, plan, options, force=args.force, inputs=inputs)
    if args.json:
        return json.dumps({"output": str(written), **plan_json(plan, options.lang)}, ensure_ascii=False, indent=2)
    return label("written", options.lang, path=str(written))


def cmd_review(args: argparse.Namespace) -> str:
    """計画ブックの入力と実績を読み戻し、月の振り返り（達成率・ボトルネック・差の内訳） /
    Read a plan workbook back (inputs and typed actuals), recompute it and review a month."""
    from kpi_xl.engine.review import review_month
    from kpi_xl.workbook.reader import read_plan_workbook

    book = read_plan_workbook(args.workbook)
    plan = build_plan(book.spec)
    review = review_month(plan, book.actuals, args.month, warn=book.options.warn)
    if review is None:
        raise InputError("no_actuals", path=str(args.workbook))
    if args.json:
        return json.dumps(review_json(review, plan), ensure_ascii=False, indent=2)
    return render_review(review, plan, args.lang)


def cmd_workbook(args: argparse.Namespace) -> str:
    """マクロブック workbook.xlsm を作成（=KPI_* 関数、使い方、例） /
    Write workbook.xlsm: the macro workbook with the =KPI_* functions, a how-to and examples."""
    from kpi_xl.macro_workbook import build_macro_workbook

    build_macro_workbook(args.output, force=args.force)
    return label("written", args.lang, path=args.output)


def _load_plan(path: str):
    """A plan from a plan workbook (inputs recomputed by the engine) or a settings file."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        from kpi_xl.workbook.reader import read_plan_workbook

        book = read_plan_workbook(path)
        return build_plan(book.spec), book.options.warn, book.options.phase
    settings = load_settings(path)
    from kpi_xl.workbook.options import options_from_settings

    options = options_from_settings({k: v for k, v in settings.items() if k in ("lang", "warn", "phase")})
    return build_plan(spec_from_settings(settings)), options.warn, options.phase


def cmd_report(args: argparse.Namespace) -> str:
    """SFA/CRMのエクスポートを読み、計画と比べて月次レポートを作成 /
    Read SFA/CRM exports, compare a month with the plan and write the monthly report workbook."""
    from kpi_xl.sfa.ingest import ingest
    from kpi_xl.sfa.monthly import build_report
    from kpi_xl.workbook.report_writer import write_report

    plan, warn, phase = _load_plan(args.plan)
    if args.phase is not None:
        from kpi_xl.engine.templates import get_phase

        phase = get_phase(args.phase).id
    if args.warn is not None:
        warn = parse_rate(args.warn, "--warn")
    days = [int(parse_number(x, "--stale")) for x in args.stale.split(",")] if args.stale else [14, 30, 60]
    if len(days) != 3 or not days[0] < days[1] < days[2]:
        raise InputError("out_of_range", field="--stale", value=args.stale,
                         allowed="three rising day counts, e.g. 14,30,60")
    inputs = [Path(p) for p in [*args.data, args.plan, args.mapping, args.teams] if p]
    from kpi_xl.files import check_output

    check_output(Path(args.output), force=args.force, inputs=inputs)
    progress = _progress(2 * len(args.data) + 2)  # read and clean each file, count, write
    data = ingest(args.data, plan.spec.template, args.mapping, progress=progress)
    month = args.month or _latest_month(plan, data)
    from kpi_xl.sfa.teams import read_teams

    teams = read_teams(args.teams) if args.teams else None
    report = build_report(plan, data, month, warn=warn, stale_days=(days[0], days[1], days[2]), teams=teams,
                          phase=phase)
    written = write_report(args.output, report, data, args.lang, Path(args.plan).name, force=args.force,
                           inputs=inputs)
    if progress is not None:
        progress.update(1)
        progress.close()
    if args.json:
        return json.dumps({"output": str(written), **report_json(report, data)}, ensure_ascii=False, indent=2)
    return label("written", args.lang, path=str(written))


def _latest_month(plan, data) -> str:
    keys = [m.key for m in plan.fiscal_months]
    seen = [m for m in data.actuals.months if m in keys]
    return seen[-1] if seen else keys[0]


def _progress(total: int):
    """A progress bar on stderr for interactive runs; None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="step", file=sys.stderr, leave=False)


def cmd_lint(args: argparse.Namespace) -> str:
    """計画のKPIを点検（フェーズごとの個数、SMART、担当者が動かせるか） /
    Check a plan's KPIs: the count per phase, SMART fields, KPIs the rep can control."""
    from kpi_xl.engine.lint import KpiSpec, lint
    from kpi_xl.engine.templates import get_phase

    settings = load_settings(args.settings)
    spec = spec_from_settings(settings)
    phase = get_phase(str(args.phase or settings.get("phase") or "launch"))
    template = spec.template
    kpis = []
    for item in settings.get("kpis") or [{"metric": m} for m in phase.kpis_for(template)]:
        entry = item if isinstance(item, dict) else {"metric": item}
        target = entry.get("target")
        kpis.append(KpiSpec(str(entry.get("metric", "")), None if target is None else parse_number(target, "target"),
                            None if entry.get("deadline") is None else str(entry["deadline"]),
                            entry.get("owner"), entry.get("definition")))
    findings = lint(template, phase, kpis)
    if args.json:
        return json.dumps([{"code": f.code, "level": f.level, "metric": f.metric, "message": f.message(args.lang)}
                           for f in findings], ensure_ascii=False, indent=2)
    if not findings:
        return label("lint_ok", args.lang, phase=phase.label(args.lang), n=len(kpis))
    args.exit_code = 1 if any(f.level == "error" for f in findings) else 0
    return "\n".join(f"{f.level}: {f.message(args.lang)}" for f in findings)


def cmd_templates(args: argparse.Namespace) -> str:
    """テンプレートの一覧、または1つの指標と定義 /
    List the shipped templates, or show one template's metrics and definitions."""
    if args.name:
        t = get_template(args.name)
        rows = [f"{t.label(args.lang)} [{t.id}]", ""]
        for mid, metric in t.tree.metrics.items():
            definition = t.definition(mid, args.lang)
            rows.append(f"  {metric.label(args.lang)} ({mid}, {metric.kind.value})"
                        + (f": {definition}" if definition else ""))
        return "\n".join(rows)
    return "\n".join(f"{n:14} {get_template(n).label(args.lang)}" for n in template_names())


def cmd_demo(args: argparse.Namespace) -> str:
    """デモデータで一通り実行（SFAエクスポート・計画・月次レポートを ./kpi-demo/ に） /
    The main job on built-in demo data: a synthetic SFA export, a plan and a monthly report
    in ./kpi-demo/ (an SDR team of ten planning FY2026), and the plan printed."""
    from datetime import date

    import yaml

    from kpi_xl.sfa.demo_data import REPS, write_demo_data
    from kpi_xl.workbook.options import options_from_settings
    from kpi_xl.workbook.writer import write_plan

    folder = Path(args.out)
    if folder.exists() and any(folder.iterdir()) and not args.force:
        raise OutputError("output_exists", path=str(folder))
    files = write_demo_data(folder, date(2026, 10, 1))
    settings = {**DEMO_SETTINGS, "reps": list(REPS), "lang": args.lang, "phase": "growth"}
    (folder / "plan.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = build_plan(spec_from_settings(settings))
    write_plan(folder / "plan.xlsx", plan, options_from_settings({"lang": args.lang, "phase": "growth"}), force=True)
    report_args = build_parser().parse_args([
        "report", "--data", str(files.activities), "--data", str(files.opportunities),
        "--plan", str(folder / "plan.xlsx"), "--month", "2026-10", "-o", str(folder / "report-2026-10.xlsx"),
        "--force", "--lang", args.lang])
    cmd_report(report_args)
    if args.json:
        return json.dumps(plan_json(plan, args.lang), ensure_ascii=False, indent=2)
    written = "\n".join(f"  {p}" for p in sorted(folder.iterdir()))
    return f"{render_plan(plan, args.lang)}\n\n{label('written', args.lang, path=str(folder))}\n{written}"


COMMANDS = {"reverse": cmd_reverse, "plan": cmd_plan, "review": cmd_review, "report": cmd_report,
            "lint": cmd_lint, "workbook": cmd_workbook, "templates": cmd_templates, "demo": cmd_demo}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi-xl", description=(
        "Plan, reverse-calculate and review inside-sales KPIs. "
        "KGIから逆算してKPIを計画・振り返るツール"))
    parser.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("ja", "en"), help="output language (default ja)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    sub = parser.add_subparsers(dest="command", required=True)
    rvs = sub.add_parser("reverse", parents=[common], help=cmd_reverse.__doc__,
                         description=cmd_reverse.__doc__)
    _plan_options(rvs)
    pln = sub.add_parser("plan", parents=[common], help=cmd_plan.__doc__, description=cmd_plan.__doc__)
    pln.add_argument("settings", nargs="?", help="plan.yaml (or .json/.toml) with the same settings as the flags")
    _plan_options(pln)
    pln.add_argument("-o", "--output", required=True, help="the workbook to write (.xlsx)")
    pln.add_argument("--force", action="store_true", help="overwrite an existing output file")
    pln.add_argument("--phase", help="the team's phase: launch/立ち上げ期, growth/成長期, stable/安定期")
    pln.add_argument("--warn", help="achievement below which a KPI is amber, e.g. 90%%")
    pln.add_argument("--asof", help="as-of date for the pacing sheet (default: first day of the plan)")
    pln.add_argument("--scenario", type=int, choices=(0, 1, 2), help="active scenario: 0 base, 1 upside, 2 downside")
    pln.add_argument("--display", choices=("yen", "man", "oku"), help="show amounts in 円, 万円 or 億円")
    rev = sub.add_parser("review", parents=[common], help=cmd_review.__doc__, description=cmd_review.__doc__)
    rev.add_argument("workbook", help="a plan workbook written by kpi-xl plan, with actuals typed in")
    rev.add_argument("--month", help="the month to review, e.g. 2026-10 (default: the latest with actuals)")
    rpt = sub.add_parser("report", parents=[common], help=cmd_report.__doc__, description=cmd_report.__doc__)
    rpt.add_argument("--data", action="append", required=True,
                     help="an SFA/CRM export: CSV, XLSX or Parquet (repeatable)")
    rpt.add_argument("--plan", required=True, help="a plan workbook (kpi-xl plan) or plan.yaml")
    rpt.add_argument("--month", help="the month to report, e.g. 2026-10 (default: the latest with data)")
    rpt.add_argument("--mapping", help="a mapping file (YAML/TOML/JSON) for headers and values the defaults miss")
    rpt.add_argument("--warn", help="achievement below which a KPI is amber (default: the plan's, 90%%)")
    rpt.add_argument("--phase", help="show the phase's KPIs per rep: launch/立ち上げ期, growth/成長期, stable/安定期")
    rpt.add_argument("--teams", help="a table of reps and their team or manager (CSV/XLSX)")
    rpt.add_argument("--stale", help="days for blue, yellow, red open deals (default 14,30,60)")
    rpt.add_argument("-o", "--output", required=True, help="the report workbook to write (.xlsx)")
    rpt.add_argument("--force", action="store_true", help="overwrite an existing output file")
    lnt = sub.add_parser("lint", parents=[common], help=cmd_lint.__doc__, description=cmd_lint.__doc__)
    lnt.add_argument("settings", help="plan.yaml with `phase` and `kpis` (metric, target, deadline, owner, definition)")
    lnt.add_argument("--phase", help="launch/立ち上げ期, growth/成長期 or stable/安定期 (default: the file's)")
    wbk = sub.add_parser("workbook", parents=[common], help=cmd_workbook.__doc__, description=cmd_workbook.__doc__)
    wbk.add_argument("-o", "--output", default="workbook.xlsm", help="where to write it (default workbook.xlsm)")
    wbk.add_argument("--force", action="store_true", help="overwrite an existing file")
    tpl = sub.add_parser("templates", parents=[common], help=cmd_templates.__doc__,
                         description=cmd_templates.__doc__)
    tpl.add_argument("name", nargs="?", help="template id to show")
    dmo = sub.add_parser("demo", parents=[common], help=cmd_demo.__doc__, description=cmd_demo.__doc__)
    dmo.add_argument("--out", default="kpi-demo", help="the folder to write (default ./kpi-demo)")
    dmo.add_argument("--force", action="store_true", help="write into an existing, non-empty folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "plan":
        args.lang = args.lang or "ja"
    try:
        output = COMMANDS[args.command](args)
    except KpiXlError as exc:
        print(f"kpi-xl: {exc.message(args.lang or 'ja')}", file=sys.stderr)
        return 2
    try:
        print(output)
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
    return getattr(args, "exit_code", 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

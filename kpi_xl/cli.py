"""The ``kpi-xl`` command. Each subcommand parses flags, makes one library call and
prints the result; library errors become one readable message and exit code 2 here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from kpi_xl import __version__
from kpi_xl.console import plan_json, render_plan
from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.engine.templates import get_template, template_names
from kpi_xl.engine.values import parse_pair
from kpi_xl.errors import KpiXlError

DEMO_SETTINGS: dict[str, Any] = {
    "template": "sdr",
    "kgi": 120_000_000,
    "unit_price": 1_000_000,
    "rates": {"受注率": "20%", "商談化率": "10%", "コネクト率": "15%"},
    "volumes": {"メール送信数": 0},
    "fiscal_year": 2026,
    "fy_start": 4,
    "holidays": ["2026-12-29..2027-01-03"],
    "reps": 8,
    "leads": {"受注数": 1},
}


def _pairs(values: Sequence[str] | None, field: str) -> dict[str, str]:
    return dict(parse_pair(v, field) for v in values or ())


def _plan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--template", default="sdr",
                   help="funnel or style id (sdr, bdr, call, email, the_model, …) or a .toml file")
    p.add_argument("--kgi", help="goal at the top of the tree, e.g. 120000000, 1.2億")
    p.add_argument("--target", help="goal on another stage instead, e.g. 受注数=10")
    p.add_argument("--unit-price", help="average deal size (平均受注単価)")
    p.add_argument("--rate", action="append", metavar="NAME=RATE",
                   help="a conversion rate, e.g. 受注率=20%% (repeatable)")
    p.add_argument("--volume", action="append", metavar="NAME=N",
                   help="a fixed volume, e.g. メール送信数=0 (repeatable)")
    p.add_argument("--fy", type=str, help="fiscal year (named by the year it starts in)")
    p.add_argument("--fy-start", default="4", help="first month of the fiscal year (default 4)")
    p.add_argument("--quarter", help="plan one fiscal quarter (1–4) instead of the year")
    p.add_argument("--holiday", action="append", metavar="DATE[..DATE]",
                   help="company closure(s), e.g. 2026-12-29..2027-01-03 (repeatable)")
    p.add_argument("--reps", help="number of full-time reps")
    p.add_argument("--rep", action="append", metavar="NAME[:CAP[:START[:RAMP]]]",
                   help="a rep with capacity, start month and ramp, e.g. 佐藤:1:2026-10:0.5/0.75")
    p.add_argument("--lead", action="append", metavar="STAGE=MONTHS",
                   help="sales-cycle lag into a stage, e.g. 受注数=2 (repeatable)")
    p.add_argument("--split", choices=("equal", "weighted"), default="equal",
                   help="equal per period (the seeds' way) or weighted by business days")
    p.add_argument("--capacity", help="activity capacity per rep per business day (default 34)")
    p.add_argument("--exact", action="store_true", help="do not round counts up")


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "template": args.template,
        "rates": _pairs(args.rate, "--rate"),
        "volumes": _pairs(args.volume, "--volume"),
        "leads": _pairs(args.lead, "--lead"),
        "split": args.split,
        "exact": args.exact,
        "fy_start": args.fy_start,
        "holidays": args.holiday or [],
    }
    for key, value in (("kgi", args.kgi), ("target", args.target),
                       ("unit_price", args.unit_price), ("fiscal_year", args.fy),
                       ("quarter", args.quarter), ("capacity_per_day", args.capacity)):
        if value is not None:
            settings[key] = value
    if args.rep:
        settings["reps"] = args.rep
    elif args.reps is not None:
        settings["reps"] = args.reps
    return settings


def cmd_reverse(args: argparse.Namespace) -> str:
    """Reverse-calculate the funnel (and, with --fy, the calendar and reps)."""
    plan = build_plan(spec_from_settings(_settings(args)))
    if args.json:
        return json.dumps(plan_json(plan, args.lang), ensure_ascii=False, indent=2)
    return render_plan(plan, args.lang)


def cmd_templates(args: argparse.Namespace) -> str:
    """List the shipped templates, or show one template's metrics and definitions."""
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
    """Run the main job on built-in demo data: an SDR team of 8 planning ¥120M for FY2026."""
    plan = build_plan(spec_from_settings(DEMO_SETTINGS))
    if args.json:
        return json.dumps(plan_json(plan, args.lang), ensure_ascii=False, indent=2)
    return render_plan(plan, args.lang)


COMMANDS = {"reverse": cmd_reverse, "templates": cmd_templates, "demo": cmd_demo}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi-xl", description=(
        "Plan, reverse-calculate and review inside-sales KPIs. "
        "KGIから逆算してKPIを計画・振り返るツール"))
    parser.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("ja", "en"), default="ja", help="output language")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    sub = parser.add_subparsers(dest="command", required=True)
    rev = sub.add_parser("reverse", parents=[common], help=cmd_reverse.__doc__,
                         description=cmd_reverse.__doc__)
    _plan_options(rev)
    tpl = sub.add_parser("templates", parents=[common], help=cmd_templates.__doc__,
                         description=cmd_templates.__doc__)
    tpl.add_argument("name", nargs="?", help="template id to show")
    sub.add_parser("demo", parents=[common], help=cmd_demo.__doc__, description=cmd_demo.__doc__)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        output = COMMANDS[args.command](args)
    except KpiXlError as exc:
        print(f"kpi-xl: {exc.message(args.lang)}", file=sys.stderr)
        return 2
    print(output)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Excel functions (=KPI_REVERSE, =KPI_RATE, …) as xlwings UDFs: thin wrappers over the engine.

Each function converts Excel's arguments, calls the engine and converts the result; errors
show as ``#KPI! …`` in the cell. The arguments carry no type hints on purpose: xlwings
would read a hint as a converter and reject Excel's "20%" or "1,200" before we see them.
Import path is pure Python (no pandas), so the module also runs in xlwings Lite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import xlwings as xw

from kpi_xl.display import band_text
from kpi_xl.engine.actuals import period_rate
from kpi_xl.engine.allocation import MAX_REPS, largest_remainder
from kpi_xl.engine.calendar import (
    BusinessCalendar,
    fiscal_months,
    iso_weeks,
    per_day,
    split,
)
from kpi_xl.engine.catalog import get_benchmark
from kpi_xl.engine.diagnosis import DEFAULT_WARN, Status, achievement, hint_for, shortfall, status, weakest
from kpi_xl.engine.excelmath import roundup
from kpi_xl.engine.feasibility import default_capacity, extra_reps
from kpi_xl.engine.funnel import MAX_VALUE, forward_rates, reverse_rates
from kpi_xl.engine.landing import landing
from kpi_xl.engine.templates import get_template
from kpi_xl.engine.values import parse_number
from kpi_xl.errors import InputError, KpiXlError
from kpi_xl.excel_values import (
    cell_errors,
    column,
    dates,
    elementwise,
    excel_date,
    flag,
    flat,
    grid_numbers,
    lang_of,
    number,
    rate,
    rate_list,
    whole_number,
)
from kpi_xl.i18n import Text, between, label, message

__all__ = ["KPI_ACHIEVEMENT", "KPI_BENCHMARK", "KPI_BOTTLENECK", "KPI_FEASIBILITY", "KPI_FORWARD", "KPI_LANDING",
           "KPI_PER_REP", "KPI_RATE", "KPI_REVERSE", "KPI_SPLIT", "KPI_STATUS", "KPI_TEMPLATE"]

CATEGORY = "kpi_xl"
STATUS_KEYS = (Status.HIT, Status.WATCH, Status.MISS)
F = TypeVar("F", bound=Callable[..., Any])


def udf(**args: str | tuple[str, int]) -> Callable[[F], F]:
    """xlwings's ``@func`` and one ``@arg`` per argument (its doc, or (doc, 2) for a range
    that must arrive 2-D), over :func:`cell_errors` so a cell never shows a traceback."""
    def wrap(fn: F) -> F:
        wrapped: Any = cell_errors(fn)
        for name, spec in reversed(list(args.items())):
            doc, ndim = spec if isinstance(spec, tuple) else (spec, None)
            wrapped = xw.arg(name, doc=doc, **({"ndim": ndim} if ndim else {}))(wrapped)
        return xw.func(category=CATEGORY)(wrapped)
    return wrap


@udf(
    kgi="目標（売上や受注数） / the goal: revenue, or a count such as deals",
    rates="率の範囲、KGI側から順に（受注率が先） / rates from the goal outward (win rate first)",
    unit_price="平均受注単価（省略時はKGIを件数とみなす） / deal size; omit when the goal is a count",
    labels="TRUE かテンプレート名で段階名の列を付ける / TRUE or a template name adds a label column",
    rounding="FALSE で切り上げない / FALSE skips rounding up",
    lang="ja / en",
)
def KPI_REVERSE(kgi, rates, unit_price=None, labels=None, rounding=True, lang="ja"):
    """KGIから各段階の必要件数を逆算（切り上げ） / Required count per stage, reverse-calculated from the goal."""
    goal = parse_number(kgi, "kgi")
    if goal < 0:
        raise InputError("negative", field="kgi", value=kgi)
    code = lang_of(lang)
    values = reverse_rates(goal, rate_list(rates, "rates", _rate_names(labels, code)), number(unit_price, "unit_price"),
                           exact=not flag(rounding, True))
    names = _labels(labels, len(values), code)
    return [[n, v] for n, v in zip(names, values)] if names else column(values)


@udf(
    volume="ファネル最上段の件数（架電数など） / the volume at the top of the funnel, e.g. calls",
    rates="率の範囲、KGI側から順に / rates from the goal outward",
    unit_price="平均受注単価（指定すると売上も返す） / average deal size; adds the revenue",
)
def KPI_FORWARD(volume, rates, unit_price=None):
    """活動量から各段階の見込み件数と売上を計算 / Expected counts down the funnel and the revenue."""
    return column(forward_rates(parse_number(volume, "volume"), rate_list(rates, "rates", _rate_names(None, "ja")),
                                number(unit_price, "unit_price")))


@udf(
    numerator=("分子（例: 商談化数） / numerator, e.g. meetings set", 2),
    denominator=("分母（例: コネクト数） / denominator, e.g. connects", 2),
    lang="ja / en",
    total="TRUE: 期間の率 = Σ分子 ÷ Σ分母（月の率の平均ではない） / TRUE: one rate over the period, Σ ÷ Σ",
)
def KPI_RATE(numerator, denominator, lang="ja", total=False):
    """率 = 分子 ÷ 分母（分母0は説明を表示） / A rate; a zero denominator gives a readable message."""
    code = lang_of(lang)
    if flag(total):
        nums, dens = grid_numbers(numerator, "numerator"), grid_numbers(denominator, "denominator")
        if len(nums) != len(dens):
            raise InputError("shape_mismatch", field="denominator", got=len(dens), other="numerator", want=len(nums))
        value = period_rate(nums, dens)
        return "#KPI! " + message("zero_denominator", code) if value is None else value

    def one(num, den):
        if num in (None, "") or den in (None, ""):
            return ""
        n, d = parse_number(num, "numerator"), parse_number(den, "denominator")
        return n / d if d else "#KPI! " + message("zero_denominator", code)

    return elementwise(one, numerator, denominator)


@udf(
    total="配分する年間（または四半期）目標 / the annual (or quarterly) total",
    fiscal_year="年度（開始年、例: 2026） / fiscal year, named by the year it starts",
    period='"month"（既定）/ "week" / "day"',
    fy_start="期首月（既定 4） / first month of the fiscal year (default 4)",
    holidays="会社休業日の範囲（祝日は自動） / company closures (public holidays are included)",
    method='"equal"（既定、切り上げ）/ "weighted"（営業日比例）',
    rounding="件数は TRUE（既定、切り上げ）、金額は FALSE / TRUE for counts (rounded up), FALSE for amounts",
)
def KPI_SPLIT(total, fiscal_year, period="month", fy_start=4, holidays=None, method="equal", rounding=True):
    """目標を月・週・営業日に配分（期首・営業日・目標の表） / Split a target into months, weeks or days."""
    amount = parse_number(total, "total")
    fy = whole_number(fiscal_year, "fiscal_year")
    start = whole_number(number(fy_start, "fy_start", 4), "fy_start")
    cal = BusinessCalendar(dates(holidays, "holidays"))
    kind = str(period or "month").strip().lower()
    how = str(method or "equal").strip().lower()
    whole = flag(rounding, True)
    if kind in ("month", "week"):
        periods = fiscal_months(fy, start, cal) if kind == "month" else iso_weeks(fy, start, cal)
        shares = split(amount, [p.business_days for p in periods], how, whole=whole)
        return [[excel_date(p.start), p.business_days, s] for p, s in zip(periods, shares)]
    if kind == "day":
        months = fiscal_months(fy, start, cal)
        shares = split(amount, [m.business_days for m in months], how, whole=whole)
        return [[excel_date(day), 1, per_day(share, m.business_days, whole=whole)]
                for m, share in zip(months, shares) for day in cal.days(m.start, m.end)]
    raise InputError("bad_choice", field="period", value=period,
                     allowed=Text("month（月）, week（週）, day（日）", "month, week, day"))


@udf(
    total="チーム目標（件数） / the team total (a count)",
    capacities=("担当者ごとの稼働率の範囲（1 = 100%） / each rep's capacity (1 = full time)", 2),
)
def KPI_PER_REP(total, capacities):
    """稼働率で担当者に配分（合計はチーム目標と一致） / Whole shares per rep that add up to the total."""
    amount = parse_number(total, "total")
    if not 0 <= amount <= MAX_VALUE:
        raise InputError("out_of_range", field="total", value=total, allowed=between(0, f"{MAX_VALUE:.0e}"))
    weights = [parse_number(c, "capacity") for c in flat(capacities)]
    if any(not 0 <= w <= MAX_VALUE for w in weights):
        raise InputError("out_of_range", field="capacities", value=max(weights), allowed=between(0, f"{MAX_VALUE:.0e}"))
    shares = largest_remainder(int(roundup(amount)), weights)
    is_row = isinstance(capacities, (list, tuple)) and len(capacities) == 1 and \
        isinstance(capacities[0], (list, tuple)) and len(capacities[0]) > 1
    return [shares] if is_row else column(shares)  # a row in, a row out


@udf(
    actual=("実績 / actual", 2),
    target=("目標 / target", 2),
    lower_is_better="TRUE: 低いほど良い指標（解約率など） / TRUE for churn-like KPIs",
)
def KPI_ACHIEVEMENT(actual, target, lower_is_better=False):
    """達成率（低いほど良い指標は逆数） / Achievement: actual ÷ target, flipped when lower is better."""
    higher = not flag(lower_is_better)

    def one(a, t):
        if a in (None, "") or t in (None, ""):
            return ""
        ratio = achievement(parse_number(a, "actual"), parse_number(t, "target"), higher)
        return "" if ratio is None else ratio

    return elementwise(one, actual, target)


@udf(
    actual=("実績 / actual", 2),
    target=("目標 / target", 2),
    warn="注意とする達成率の下限（既定 90%） / warn threshold (default 90%)",
    lower_is_better="TRUE: 低いほど良い指標 / TRUE for churn-like KPIs",
    lang="ja: 達成/注意/未達, en: hit/watch/miss",
)
def KPI_STATUS(actual, target, warn=DEFAULT_WARN, lower_is_better=False, lang="ja"):
    """達成 / 注意 / 未達（実績が空なら空） / hit, watch or miss; blank when there is no actual."""
    threshold = rate(warn, "warn") if warn not in (None, "") else DEFAULT_WARN
    words = dict(zip(STATUS_KEYS, label("status_words", lang_of(lang)).split("|")))
    higher = not flag(lower_is_better)

    def one(a, t):
        if a in (None, "") or t in (None, ""):
            return ""
        return words.get(status(parse_number(a, "actual"), parse_number(t, "target"), threshold, higher), "")

    return elementwise(one, actual, target)


@udf(
    metric="指標名（受注率、コネクト率、架電数…） / metric name",
    field='"low" / "high" / "source" / "unit" / "band"（既定）',
    lang="ja / en",
)
def KPI_BENCHMARK(metric, field="band", lang="ja"):
    """ベンチマークの範囲と出典（自社データで確認を） / A published benchmark band and its source."""
    mark = get_benchmark(str(metric))
    key = str(field or "band").strip().lower()
    values = {"low": mark.low, "high": mark.high if mark.high is not None else mark.low,
              "source": mark.source, "unit": mark.unit, "band": band_text(mark, lang_of(lang))}
    if key not in values:
        raise InputError("bad_choice", field="field", value=field, allowed=", ".join(values))
    return values[key]


@udf(
    stage_names="段階（率）の名前の範囲 / names of the rates",
    actual_rates="実績の率の範囲 / actual rates",
    target_rates="目標の率の範囲 / target rates",
    lang="ja / en",
)
def KPI_BOTTLENECK(stage_names, actual_rates, target_rates, lang="ja"):
    """最も目標を下回る段階とヒント / The weakest stage (largest shortfall) and what it usually means."""
    code = lang_of(lang)
    names = [str(n) for n in flat(stage_names)]
    got = rate_list(actual_rates, "actual_rates")
    want = rate_list(target_rates, "target_rates")
    for field, values in (("actual_rates", got), ("target_rates", want)):
        if len(values) != len(names):
            raise InputError("shape_mismatch", field=field, got=len(values), other="stage_names", want=len(names))
    worst = weakest([shortfall(a, t) for a, t in zip(got, want)])
    if worst is None:
        return [[label("no_bottleneck", code), ""]]
    return [[names[worst], hint_for(names[worst], code)]]


@udf(
    required_per_day="チームで1営業日に必要な活動量 / activity the team needs per business day",
    reps="担当者数（稼働率の合計） / reps (sum of capacities)",
    capacity_per_day="1人1営業日の上限（既定 34 件） / per-rep capacity (default 34, the benchmark)",
    lang="ja / en",
)
def KPI_FEASIBILITY(required_per_day, reps, capacity_per_day=None, lang="ja"):
    """実現可能か、足りなければ必要な増員数 / Feasible, or how many more reps close the gap."""
    code = lang_of(lang)
    need = parse_number(required_per_day, "required_per_day")
    if not 0 <= need <= MAX_VALUE:
        raise InputError("out_of_range", field="required_per_day", value=required_per_day,
                         allowed=between(0, f"{MAX_VALUE:.0e}"))
    team = parse_number(reps, "reps")
    if not 0.001 <= team <= MAX_REPS:
        raise InputError("out_of_range", field="reps", value=reps, allowed=between(0.001, MAX_REPS))
    cap = number(capacity_per_day, "capacity_per_day", default_capacity())
    more = extra_reps(need, team * cap, cap)
    per_rep = f"{need / team:,.1f}"
    if more == 0:
        return message("feasible_short", code, need=per_rep, cap=f"{cap:,.0f}")
    return message("infeasible_short", code, n=more, need=per_rep, cap=f"{cap:,.0f}")


@udf(
    actual_to_date="月初からの実績 / the month's actual so far",
    business_days_elapsed="経過した営業日 / business days gone",
    business_days_total="月の営業日 / business days in the month",
    pipeline="未決の商談の金額（件数なら 1）の範囲 / open deals' values (1 each for a count)",
    win_rates="各商談の受注確率（範囲か 1 つ） / each deal's chance to win by month end (a range or one rate)",
    target="月目標（達成確率を返す） / the month's target: adds the chance of reaching it",
    unit="1件あたりの金額（金額をペースで見込むとき） / value of one event, for an amount at the pace",
    spread="過去の予測誤差（レポートの値） / past months' relative error (as the report shows)",
)
def KPI_LANDING(actual_to_date, business_days_elapsed, business_days_total, pipeline=None, win_rates=None,
                target=None, unit=None, spread=None):
    """月末の着地見込み: P50, P10, P90（目標があれば達成確率も） / Where the month lands: P50, P10, P90
    (and the chance of the target)."""
    values = [parse_number(v, f"pipeline[{i + 1}]") for i, v in enumerate(flat(pipeline))]
    deals = None
    if values or win_rates not in (None, ""):
        chances = [parse_number(v, f"win_rates[{i + 1}]") for i, v in enumerate(flat(win_rates))]  # 0% is a chance
        if len(chances) == 1:
            chances = chances * len(values)
        if len(chances) != len(values):
            raise InputError("out_of_range", field="win_rates", value=f"{len(chances)} rates",
                             allowed=Text(f"1つの率、または商談ごと（{len(values)} 個）",
                                          f"one rate, or one per deal ({len(values)})"))
        deals = list(zip(values, chances))
    goal = number(target, "target")
    got = landing(number(actual_to_date, "actual_to_date"),
                  whole_number(business_days_elapsed, "business_days_elapsed"),
                  whole_number(business_days_total, "business_days_total"), deals=deals,
                  unit=number(unit, "unit", 1.0), target=goal, spread=number(spread, "spread"))
    row = [got.expected, got.low, got.high]
    return [[*row, got.probability]] if goal is not None else [row]


@udf(
    template="テンプレート名（sdr, bdr, call, email, the_model …） / template id",
    lang="ja / en",
)
def KPI_TEMPLATE(template, lang="ja"):
    """テンプレートの段階と率の定義（表） / A template's metrics, kinds and definitions, as a table."""
    code = lang_of(lang)
    found = get_template(str(template))
    metrics = found.tree.metrics
    rows = [[metrics[m].label(code), metrics[m].kind.value, found.definition(m, code)] for m in found.chain]
    rows += [[metrics[r].label(code), "rate", found.definition(r, code)] for r in found.chain_rates()]
    return rows


def _rate_names(labels, lang: str) -> list[str]:
    """The chain's rate names, goal outward (受注率 first), of the template ``labels`` names, or of
    SDR: what the rates range holds, so an error says 受注率 rather than rates[1]."""
    if isinstance(labels, str) and labels.strip():
        try:
            template = get_template(labels.strip())
        except KpiXlError:
            return []  # the labels argument reports its own error
    else:
        template = get_template("sdr")
    return [template.tree.metrics[r].label(lang) for r in template.chain_rates()]


def _labels(labels, count: int, lang: str) -> list[str] | None:
    if labels in (None, "", False, 0):
        return None
    if isinstance(labels, (list, tuple)):
        names = [str(n) for n in flat(labels)]
        if len(names) != count:
            raise InputError("shape_mismatch", field="labels", got=len(names), other="rates + 1", want=count)
        return names
    template = get_template("sdr" if labels is True or labels == 1 else str(labels))
    chain = [m for m in template.chain if template.tree.metrics[m].is_count]
    names = [template.tree.metrics[m].label(lang) for m in chain[:count]]
    return names + [f"{label('stage', lang)} {i + 1}" for i in range(len(names), count)]

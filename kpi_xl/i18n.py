"""Every user-facing message and label in Japanese and English.

Messages are looked up by code so the same error reads right in a cell, a CLI and a
workbook; ``{field}``-style parameters are filled in by :func:`message`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

LANGS = ("ja", "en")


class Text(NamedTuple):
    """A message parameter that itself reads differently per language (e.g. a metric name)."""

    ja: str
    en: str

    def __str__(self) -> str:
        return self.en

_MESSAGES: dict[str, tuple[str, str]] = {
    # values
    "rate_range": (
        "{field} は 0% より大きく 100% 以下で指定してください（指定値: {value}）。例: 20% または 0.2",
        "{field} must be more than 0% and at most 100% (got {value}); write e.g. 20% or 0.2",
    ),
    "rate_bare_number": (
        "{field} の {value} は比率として曖昧です。20% または 0.2 のように指定してください",
        "{field} = {value} is ambiguous as a rate; write it as 20% or 0.2",
    ),
    "not_a_number": (
        "{field} は数値で指定してください（指定値: {value!r}）。例: 1200、1,200、¥1,200、1.2億",
        "{field} must be a number (got {value!r}); e.g. 1200, 1,200, ¥1,200, 1.2億",
    ),
    "not_a_rate": (
        "{field} は比率で指定してください（指定値: {value!r}）。例: 20% または 0.2",
        "{field} must be a rate (got {value!r}); e.g. 20% or 0.2",
    ),
    "negative": (
        "{field} は 0 以上で指定してください（指定値: {value}）",
        "{field} must be zero or more (got {value})",
    ),
    "not_positive": (
        "{field} は 0 より大きい値で指定してください（指定値: {value}）",
        "{field} must be more than zero (got {value})",
    ),
    "missing": (
        "{field} が指定されていません。{hint}",
        "{field} is missing. {hint}",
    ),
    "not_whole": (
        "{field} は整数で指定してください（指定値: {value}）",
        "{field} must be a whole number (got {value})",
    ),
    "out_of_range": (
        "{field} は {allowed} の範囲で指定してください（指定値: {value}）",
        "{field} must be within {allowed} (got {value})",
    ),
    "bad_choice": (
        "{field} に {value!r} は使えません。使える値: {allowed}",
        "{field} cannot be {value!r}; allowed: {allowed}",
    ),
    "bad_date": (
        "{field} は日付（例: 2026-12-29）で指定してください（指定値: {value!r}）",
        "{field} must be a date such as 2026-12-29 (got {value!r})",
    ),
    "bad_pair": (
        "{field} は 名前=値 の形で指定してください（指定値: {value!r}）",
        "{field} must look like name=value (got {value!r})",
    ),
    # names
    "unknown_metric": (
        "指標 {value!r} はテンプレート {template} にありません。使える指標: {allowed}",
        "metric {value!r} is not in template {template}; known metrics: {allowed}",
    ),
    "unknown_template": (
        "テンプレート {value!r} はありません。使えるテンプレート: {allowed}",
        "there is no template {value!r}; available: {allowed}",
    ),
    "unknown_phase": (
        "フェーズ {value!r} はありません。使えるフェーズ: {allowed}",
        "there is no phase {value!r}; available: {allowed}",
    ),
    "unknown_benchmark": (
        "ベンチマーク {value!r} はありません。使えるベンチマーク: {allowed}",
        "there is no benchmark {value!r}; available: {allowed}",
    ),
    # templates
    "template_broken": (
        "テンプレート {file} のキー {key}: {problem}",
        "template {file}, key {key}: {problem}",
    ),
    # tree
    "tree_cycle": (
        "KPIツリーに循環があります: {cycle}。各指標は自分自身に依存できません",
        "the KPI tree has a cycle: {cycle}; a metric cannot depend on itself",
    ),
    "tree_unreachable": (
        "{value} は {target} の計算に使われていないため逆算できません。{target} の下にある指標: {allowed}",
        "{value} does not feed {target}, so it cannot be solved for; metrics under {target}: {allowed}",
    ),
    "tree_twice": (
        "{value} は {target} の計算に複数回現れるため、一意に逆算できません",
        "{value} appears more than once under {target}, so it has no unique reverse solution",
    ),
    "tree_missing_input": (
        "{target} を計算するには {value} の値が必要です。{hint}",
        "{target} needs a value for {value}. {hint}",
    ),
    "tree_zero_divisor": (
        "{value} が 0 のため {target} を逆算できません（0 で割ることになります）",
        "{value} is zero, so {target} cannot be solved for (division by zero)",
    ),
    "tree_no_solution": (
        "{target} = {goal} を満たす {value} は許される範囲にありません（必要値: {need}、許容: {allowed}）",
        "no allowed {value} reaches {target} = {goal} (would need {need}; allowed: {allowed})",
    ),
    # lint
    "lint_count": (
        "{phase} のKPIは {low}〜{high} 個にしてください（現在 {count} 個）",
        "{phase} should have {low}–{high} KPIs (has {count})",
    ),
    "lint_smart_number": (
        "{metric}: 目標値（数値）がありません（SMART: Measurable）",
        "{metric}: no target number (SMART: measurable)",
    ),
    "lint_smart_deadline": (
        "{metric}: 期限がありません（SMART: Time-bound）",
        "{metric}: no deadline (SMART: time-bound)",
    ),
    "lint_smart_owner": (
        "{metric}: 担当者が決まっていません",
        "{metric}: no owner",
    ),
    "lint_smart_definition": (
        "{metric}: 測定方法（定義）がありません。部門間で定義を合意してください",
        "{metric}: no measurable definition; agree one across departments",
    ),
    "lint_uncontrollable": (
        "{metric}: 担当者が直接コントロールできない指標です。KPIではなく結果指標として扱ってください",
        "{metric}: the rep cannot control it; track it as an outcome, not a KPI",
    ),
    "lint_off_phase": (
        "{metric}: {phase} の推奨KPIではありません",
        "{metric}: not a suggested KPI for {phase}",
    ),
    # output
    "output_exists": (
        "{path} は既に存在します。上書きするには --force を付けてください",
        "{path} already exists; add --force to overwrite it",
    ),
    "output_unwritable": (
        "{path} に書き込めません: {reason}",
        "cannot write {path}: {reason}",
    ),
    "same_as_input": (
        "出力先 {path} が入力ファイルと同じです。利用者のブックは直接書き換えません。別の名前を指定してください",
        "output {path} is the input file; kpi_xl never edits a user's workbook in place, "
        "choose another name",
    ),
}


_LABELS: dict[str, tuple[str, str]] = {
    "kgi": ("KGI", "KGI"),
    "template": ("テンプレート", "Template"),
    "stage": ("段階", "Stage"),
    "required": ("必要数", "Required"),
    "how": ("計算", "How"),
    "next_input": ("さらに逆算するには次の入力が必要です", "To reverse further, give"),
    "month": ("月", "Month"),
    "week": ("週", "Week"),
    "business_days": ("営業日数", "Business days"),
    "per_day": ("1営業日あたり", "Per business day"),
    "per_rep": ("担当者別", "Per rep"),
    "per_rep_day": ("担当者1人1営業日あたり", "Per rep per business day"),
    "total": ("合計", "Total"),
    "monthly_plan": ("月別目標", "Monthly targets"),
    "weekly_plan": ("週次目標", "Weekly targets"),
    "weeks_summary": ("週次目標（{n}週）: 1週あたり {first}〜{most}",
                      "Weekly targets ({n} weeks): {first}–{most} per week"),
    "lead_in": ("（リードタイム分の前倒し月を含む）", "(includes lead-in months for sales-cycle lag)"),
    "feasibility": ("実現可能性", "Feasibility"),
    "feasible": ("達成可能: {activity} は1人1営業日あたり {need} 件（上限 {cap} 件、稼働率 {util}）",
                 "Feasible: {activity} {need} per rep per business day (capacity {cap}, {util} used)"),
    "infeasible": ("能力不足: {activity} は1人1営業日あたり {need} 件必要（上限 {cap} 件、稼働率 {util}）",
                   "Over capacity: {activity} needs {need} per rep per business day "
                   "(capacity {cap}, {util})"),
    "more_reps": ("・担当者を {n} 人増やす", "- add {n} more reps"),
    "rate_option": ("・{rate} を {current} → {needed}（+{points:.1f}ポイント）に改善する",
                    "- raise {rate} from {current} to {needed} (+{points:.1f} points)"),
    "rate_impossible": ("・{rate} の改善だけでは届きません", "- {rate} alone cannot close it"),
    "longer": ("・期間を {days} 営業日（約 {months:.1f} か月）延ばす",
               "- extend the period by {days} business days (about {months:.1f} months)"),
    "sensitivity": ("感度分析（KGIへの影響）", "Sensitivity (effect on the KGI)"),
    "benchmark_note": ("ベンチマークは公開データです。自社データで確認してください",
                       "Benchmarks are published figures; verify with your own data"),
    "rep": ("担当者", "Rep"),
}


def label(key: str, lang: str = "ja", **params: Any) -> str:
    """A UI label in ``lang``; ``params`` fill its placeholders."""
    ja, en = _LABELS[key]
    text = ja if lang == "ja" else en
    return text.format(**params) if params else text


def message(code: str, lang: str = "ja", **params: Any) -> str:
    """Render message ``code`` in ``lang`` (ja/en); unknown langs fall back to English."""
    ja, en = _MESSAGES[code]
    text = ja if lang == "ja" else en
    params.setdefault("hint", "")
    chosen = {k: (v.ja if lang == "ja" else v.en) if isinstance(v, Text) else v
              for k, v in params.items()}
    return text.format(**chosen).strip()


def pick(labels: dict[str, str] | tuple[str, str], lang: str) -> str:
    """Choose the label for ``lang`` from a {ja, en} mapping or a (ja, en) pair."""
    if isinstance(labels, tuple):
        return labels[0] if lang == "ja" else labels[1]
    return labels.get(lang) or labels.get("en") or labels.get("ja") or ""


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is supported, else raise the package's input error."""
    if lang not in LANGS:
        from kpi_xl.errors import InputError

        raise InputError("bad_choice", field="lang", value=lang, allowed="ja, en")
    return lang

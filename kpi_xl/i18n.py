"""Every user-facing message and label in Japanese and English.

Messages are looked up by code so the same error reads right in a cell, a CLI and a
workbook; ``{field}``-style parameters are filled in by :func:`message`.
"""

from __future__ import annotations

import errno
import re
from typing import Any, NamedTuple


class Text(NamedTuple):
    """Text in both languages (a metric name, a hint, a message parameter)."""

    ja: str
    en: str

    def pick(self, lang: str) -> str:
        """The text in ``lang`` (English for anything but "ja")."""
        return self.ja if lang == "ja" else self.en

    def __str__(self) -> str:
        return self.en


NO_TEXT = Text("", "")


NO_SUCH_FILE = Text("ファイルがありません", "no such file")
A_FOLDER = Text("フォルダーです（ファイル名を指定してください）", "a folder (give a file name)")
_OS_REASONS = {  # the operating system's words are English: the common ones in Japanese
    errno.ENOENT: "ファイルまたはフォルダーがありません",
    errno.EACCES: "アクセス権がありません",
    errno.EPERM: "この操作は許可されていません",
    errno.EROFS: "読み取り専用の場所です",
    errno.ENOSPC: "ディスクの空きがありません",
    errno.EISDIR: A_FOLDER.ja,
    errno.ENOTDIR: "途中の名前がフォルダーではありません",
    errno.ENAMETOOLONG: "名前が長すぎます",
    errno.EBUSY: "使用中です（他のアプリで開いていませんか）",
}


def os_reason(exc: OSError) -> Text:
    """Why the operating system refused a read or a write: in English its own words (as a search
    finds them), in Japanese ours for the common cases, else its words as the detail."""
    words = exc.strerror or str(exc) or type(exc).__name__
    return Text(_OS_REASONS.get(exc.errno or 0, f"OS がエラーを返しました（詳細: {words}）"), words)


def library_reason(detail: Any) -> Text:
    """A library's own one-line reason (English), behind a Japanese lead-in."""
    text = str(detail).splitlines()[0][:200] if str(detail) else type(detail).__name__
    return Text(f"読み込みに失敗しました（詳細: {text}）", text)


_USAGE_JA = (  # argparse's own messages (English), for a command line it cannot take
    (r"argument (\S+): expected one argument", r"\1 には値が1つ必要です"),
    (r"argument (\S+): expected at least one argument", r"\1 には値が1つ以上必要です"),
    (r"argument (\S+): expected at most one argument", r"\1 にとれる値は1つまでです"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"\1 に \2 は使えません。使える値: \3"),
    (r"argument (\S+): ignored explicit argument (.*)", r"\1 は値をとりません（指定値: \2）"),
    (r"argument (\S+): (.*)", r"\1: \2"),
    (r"unrecognized arguments: (.*)", r"知らない引数です: \1"),
    (r"the following arguments are required: (.*)", r"次の引数が必要です: \1"),
    (r"ambiguous option: (\S+) could match (.*)", r"\1 は複数のオプションに当てはまります: \2"),
)


def usage_message(text: str, lang: str) -> str:
    """argparse's message ``text`` in ``lang``: as it is in English, else in Japanese when it is
    one of those a user meets (a missing value, a bad choice, an unknown flag)."""
    if lang == "en":
        return text
    for pattern, japanese in _USAGE_JA:
        if re.fullmatch(pattern, text):
            return re.sub(pattern, japanese, text)
    return text


def at_least(low: float | str) -> Text:
    """What an error says is allowed: ``low`` or more."""
    return Text(f"{low} 以上", f"{low} or more")


def between(low: float | str, high: float | str) -> Text:
    """What an error says is allowed: ``low`` to ``high``, both included."""
    return Text(f"{low}～{high}", f"{low} to {high}")

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
        "{field} は {allowed} で指定してください（指定値: {value}）",
        "{field} must be {allowed} (got {value})",
    ),
    "bad_choice": (
        "{field} に {value!r} は使えません。使える値: {allowed}",
        "{field} cannot be {value!r}; allowed: {allowed}",
    ),
    "bad_month": (
        "{field} は年月（例: 2026-10）で指定してください（指定値: {value!r}）",
        "{field} must be a month such as 2026-10 (got {value!r})",
    ),
    "bad_date": (
        "{field} は日付（例: 2026-12-29）で指定してください（指定値: {value!r}）",
        "{field} must be a date such as 2026-12-29 (got {value!r})",
    ),
    "unknown_key": (
        "{field} というキーは使えません。使えるキー: {allowed}",
        "{field}: no such key; allowed keys: {allowed}",
    ),
    "bad_rep": (
        "{field} は 名前[:稼働率[:開始月[:立ち上がり]]] の形で指定してください（指定値: {value!r}）。例: 佐藤:1:2026-10:0.5/0.75",
        "{field} must look like name[:capacity[:start month[:ramp]]] (got {value!r}); e.g. 佐藤:1:2026-10:0.5/0.75",
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
    "lint_smart_achievable": (
        "{metric}: 目標 {value} はベンチマーク {low}〜{high} から大きく外れています。達成可能か確認してください（SMART: Achievable）",
        "{metric}: the target {value} is far outside the benchmark {low}–{high}; check it is achievable (SMART: achievable)",
    ),
    "lint_smart_relevant": (
        "{metric}: KGI（{kgi}）の計算につながっていません。KGIとの因果関係を確認してください（SMART: Relevant）",
        "{metric}: does not feed the KGI ({kgi}); check how it moves the goal (SMART: relevant)",
    ),
    "lint_outcome": (
        "{metric}: 成果指標です。担当者が日々動かせる行動指標・結果指標をKPIにしてください",
        "{metric}: an outcome metric; make the KPIs the activity and result metrics a rep moves day to day",
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
    # workbooks read back
    "wb_unreadable": (
        "{path} をブックとして開けません: {reason}",
        "cannot open {path} as a workbook: {reason}",
    ),
    "wb_not_plan": (
        "{path} は kpi_xl の計画ブックではありません（シート {sheet} がありません）。kpi-xl plan で作成したブックを指定してください",
        "{path} is not a kpi_xl plan workbook (no sheet {sheet}); use a workbook made by kpi-xl plan",
    ),
    "wb_missing_name": (
        "計画ブックの名前 {name} が見つかりません（シート {sheet}）。ブックが壊れているか、名前が削除されています",
        "the plan workbook has no defined name {name} (sheet {sheet}); the workbook is damaged or the name was deleted",
    ),
    "wb_bad_name": (
        "定義された名前 {name} の参照先が壊れています（{target}）。計画ブックを作り直してください",
        "the defined name {name} no longer points at one cell range ({target}); generate the plan workbook again",
    ),
    "wb_missing_sheet": (
        "計画ブックにシート {sheet} がありません",
        "the plan workbook has no sheet {sheet}",
    ),
    "wb_bad_cell": (
        "シート {sheet} のセル {cell}: {problem}",
        "sheet {sheet}, cell {cell}: {problem}",
    ),
    "wb_formula_no_value": (
        "シート {sheet} のセル {cell}: 数式 {formula} の計算結果が保存されていません。Excel か LibreOffice で開いて保存して"
        "から実行するか、数値を入力してください",
        "sheet {sheet}, cell {cell}: the formula {formula} has no computed value saved; open and save the workbook in "
        "Excel or LibreOffice first, or type the number",
    ),
    "wb_text_actual": (
        "シート {sheet} のセル {cell}: 数値が文字列として入っています（例: {value}）。ブックの数式は文字列を数えないため、"
        "合計と率から抜けています。数値として入力し直してください（Excel: セルの ⚠ から「数値に変換する」）",
        "sheet {sheet}, cells {cell}: numbers held as text (e.g. {value}), which the workbook's formulas do not count "
        "(its sums and rates leave them out); type them again as numbers (Excel: the cells' ⚠ menu → Convert to "
        "Number)",
    ),
    "settings_file": (
        "設定ファイル {path} を読めません: {reason}",
        "cannot read the settings file {path}: {reason}",
    ),
    "no_actuals": (
        "{path} には実績が入力されていません。「実績」シートの黄色のセルに月ごとの実績を入力してください",
        "{path} has no actuals yet; type them into the yellow cells of the Actuals sheet",
    ),
    "no_actuals_month": (
        "{path} の {month} には実績が入力されていません（実績のある月: {months}）",
        "{path} has no actuals typed for {month} (months with actuals: {months})",
    ),
    "zero_denominator": ("分母が0です", "the denominator is 0"),
    "not_a_list": (
        "{field} はセル範囲か数値で指定してください（指定値: {value!r}）",
        "{field} must be a range or a number (got {value!r})",
    ),
    "shape_mismatch": (
        "{field} の個数（{got}）が {other} の個数（{want}）と一致しません",
        "{field} has {got} values but {other} has {want}",
    ),
    "result_not_finite": (
        "結果が大きすぎて計算できません（{args} を確認してください）",
        "the result is too large to compute; check {args}",
    ),
    "internal": (
        "予期しないエラーです（{kind}）。入力を確認し、解決しない場合は報告してください",
        "unexpected error ({kind}); check the inputs, and report it if it persists",
    ),
    "feasible_short": ("達成可能（1人1日 {need} 件 / 上限 {cap} 件）", "feasible ({need} per rep-day, capacity {cap})"),
    "infeasible_short": ("能力不足: あと {n} 人必要（1人1日 {need} 件 / 上限 {cap} 件）",
                         "over capacity: {n} more reps needed ({need} per rep-day, capacity {cap})"),
    # SFA exports
    "mapping_value": (
        "マッピングファイル {file} の {key} に {value!r} は使えません。使える値: {allowed}",
        "mapping file {file}: {key} cannot be {value!r}; allowed: {allowed}",
    ),
    "mapping_shape": (
        "マッピングファイル {file}: {reason}",
        "mapping file {file}: {reason}",
    ),
    "mapping_key": (
        "マッピングファイル {file} のキー {key} は使えません。使えるキー: {allowed}",
        "mapping file {file}: key {key} is not allowed; allowed: {allowed}",
    ),
    "data_unreadable": (
        "{file} を読めません: {reason}",
        "cannot read {file}: {reason}",
    ),
    "data_format": (
        "{file} の形式（{suffix}）には対応していません。CSV、XLSX、Parquet のいずれかにしてください",
        "{file}: format {suffix} is not supported; use CSV, XLSX or Parquet",
    ),
    "data_columns": (
        "{file} に必要な列がありません: {missing}。期待する見出し: {expected}。ファイルの見出し: {found}。"
        "--mapping でマッピングファイルを指定できます",
        "{file} lacks required columns: {missing}. Expected headers: {expected}. The file has: {found}. "
        "Map them with --mapping FILE",
    ),
    "data_mapped_missing": (
        "マッピングファイルの列 {field} = {header!r} が {file} にありません。ファイルの見出し: {found}",
        "the mapping names column {field} = {header!r}, which {file} does not have; the file has: {found}",
    ),
    "history_empty": (
        "{path} には最終日まで揃った月がありません。計画の元にする実績が必要です",
        "{path} holds no full month of history to plan from",
    ),
    "data_empty": (
        "{file} には使えるデータ行がありません（読み込み {read} 行、すべて除外）",
        "{file} has no usable rows ({read} read, all excluded)",
    ),
    "data_same_file": (
        "{first} と {second} は同じ内容のファイルです。1回だけ指定してください",
        "{first} and {second} are the same export (identical content); give it once",
    ),
    "month_outside": (
        "対象月 {month} は計画の年度（{first}〜{last}）の外です",
        "month {month} is outside the plan's fiscal year ({first} … {last})",
    ),
    # data-quality rules
    "rule_above_header": ("見出しより上の行（レポート名・条件・出力日などの表題）: データではない",
                          "rows above the header (a report's name, filters, date): not data"),
    "rule_extra_cells": ("見出しより多いセルがある行（メモ内の引用符なしのカンマなどで列がずれている）",
                         "more cells than the header (an unquoted comma in a memo shifts the columns)"),
    "rule_blank_row": ("空行", "blank row"),
    "rule_total_row": ("合計・小計行", "total or subtotal row"),
    "rule_note_line": ("担当者のない1セルだけの行（レポート名・著作権表示・出力者などの注記）",
                       "a line of one cell without an owner (a report's name, copyright, generated by)"),
    "rule_missing_owner": ("担当者が空", "no owner"),
    "rule_formula_owner": ("担当者が数式（=HYPERLINK(…) など）で人名ではない", "the owner is a spreadsheet formula (=HYPERLINK(…) …), not a person"),
    "rule_missing_date": ("日付が空", "no date"),
    "rule_bad_date": ("日付として読めない", "unreadable date"),
    "rule_bad_number": ("数値として読めない", "unreadable number"),
    "rule_unknown_type": ("活動種別が不明", "unknown activity type"),
    "rule_not_done": ("未完了の活動（未着手・進行中など: 予定であって実施ではないため数えない）",
                      "an activity not done yet (not started, in progress: planned, not performed; not counted)"),
    "rule_cancelled": ("行われなかった活動（キャンセル・不参加・リスケ: 実施ではないため数えない）",
                       "an activity that did not take place (canceled, no show, rescheduled; not counted)"),
    "rule_future_date": ("今日より後の日付の活動（予定であって実施ではないため数えない）",
                         "an activity dated after today (planned, not performed; not counted)"),
    "rule_unknown_status": ("状況の値が不明（実施済みとして数える）", "unknown status value (counted as done)"),
    "rule_unknown_stage": ("ステージが不明", "unknown stage"),
    "rule_duplicate_row": ("重複行（1件として数える）", "duplicate row (counted once)"),
    "rule_identical_rows": ("同一内容の行（IDがないため別の活動として数える）", "identical rows (no ID column, so counted as separate activities)"),
    "rule_duplicate_id": ("IDの重複（最新の1件を使用）", "duplicate ID (the latest is used)"),
    "rule_id_in_later_file": ("後に指定したファイルにも同じID（そちらの行を使用）",
                              "ID also in a file given later (that file's row is used)"),
    "rule_row_in_later_file": ("後に指定したファイルにも同じ内容の行（IDがないため内容で照合し、そちらの行を使用）",
                               "the same row in a file given later (no ID: matched by content; that file's row is used)"),
    "rule_sheet_skipped": ("使わなかったシート（見出しを認識できない、または使える行がない: 表紙・メモなど）",
                           "sheet not used (no header recognised, or no usable row: a cover sheet, notes)"),
    "rule_not_compared": ("大きいため分割して読んだファイル: 他のファイルと同じIDの行は確認していません",
                          "read in chunks (a big file): not checked for IDs that the other files hold too"),
    "rule_date_text": ("文字の日付を変換（2026/10/01、2026年10月1日など）", "text dates converted (2026/10/01, 2026年10月1日 …)"),
    "rule_date_serial": ("Excelのシリアル値の日付を変換", "Excel serial dates converted"),
    "rule_date_zone": ("時差（Z、+09:00など）付きの日時をチームのタイムゾーンに変換（マッピングの timezone で変更可）",
                       "times with a UTC offset (Z, +09:00 …) converted to the team's time zone (a mapping's timezone)"),
    "rule_amount_unit": ("見出しの単位（千円・万円など）で書かれた金額を円に換算", "amounts in the header's unit (千円, 万円 …) converted to yen"),
    "rule_number_text": ("数値を正規化（全角、桁区切り、¥、▲、(1,234)）", "numbers normalised (full-width, separators, ¥, ▲, (1,234))"),
    "rule_name_variant": ("空白・全角半角だけが違う名前（統合せず報告）", "names differing only by spaces or width (reported, not merged)"),
    "rule_stage_backwards": ("ステージが後戻りした案件", "deals whose stage went backwards"),
    "rule_impossible_funnel": ("あり得ないファネル（後段が前段より多い）", "impossible funnel (a later stage exceeds an earlier one)"),
    "rule_rate_recomputed": ("表の率の列は使わず、件数から計算し直します", "a rate column in the table is recomputed from the counts"),
    "rule_nested_csv": ("Excelで保存し直されたCSV（1行が1セル）を分解", "CSV re-saved by Excel (each line one cell), split again"),
    "rule_unknown_flag": ("フラグ列の値がはい/いいえとして読めない（いいえとして数える）", "flag value neither yes nor no (counted as no)"),
    "rule_unknown_result": ("結果の値が不明（成果なしとして数える）", "unknown result value (counted as no outcome)"),
    "rule_bad_duration": ("通話時間として読めない（通電・有効架電に数えない）", "unreadable call duration (not counted as reached or a conversation)"),
    "rule_bad_time": ("時刻として読めない（日付のみ使用）", "unreadable time of day (the date alone is used)"),
    "rule_date_outside": ("ありえない日付（1900-03-01〜2100-12-31の外、Excelシリアル値10000未満）",
                          "impossible date (outside 1900-03-01 … 2100-12-31, or an Excel serial below 10000)"),
    "rule_bad_count": ("件数が0以上の整数でない（2.5件、−40件など）", "a count that is not a whole number of 0 or more (2.5, −40)"),
    "rule_excel_text": ('Excelの文字列形式（="0001"）を文字として読み込み', 'Excel\'s text form (="0001") read as its text'),
    "rule_undecodable": ("ファイルの文字コードでは読めないバイトを含む行（文字化けしているため数えない。"
                         "エクスポートし直すか、--encoding を指定）",
                         "a row holding bytes its file's encoding cannot read (garbled, so not counted; export it "
                         "again, or give --encoding)"),
    "rule_control_characters": ("制御文字（NULなど）を削除", "control characters (NUL …) removed"),
    "rule_assumed_type": ("活動種別の列がないため、全行をこの種別として数える", "no activity type column: every row counted as this type"),
    # output
    "output_exists": (
        "{path} は既に存在します。上書きするには --force を付けてください",
        "{path} already exists; add --force to overwrite it",
    ),
    "output_suffix": (
        "出力先 {path} の拡張子が違います。{allowed} で指定してください（Excel ブックを書き出します）",
        "output {path} has the wrong extension: use {allowed} (the output is an Excel workbook)",
    ),
    "output_unwritable": (
        "{path} に書き込めません: {reason}",
        "cannot write {path}: {reason}",
    ),
    "held_unwritable": (
        "重複する行（同じID、または全く同じ行）{rows:,} 行を一時フォルダ {path} に置けません: {reason}。"
        "空きのあるフォルダを環境変数 TMPDIR で指定してください",
        "cannot keep the {rows:,} repeated rows (same ID, or identical) in the temporary folder {path}: "
        "{reason}; point the TMPDIR environment variable at a folder with room",
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
    "bullet": ("・", "- "),
    "more_reps": ("・担当者を {n} 人増やす", "- add {n} more reps"),
    "rate_option": ("・{rate} を {current} → {needed}（+{points:.1f}ポイント）に改善する",
                    "- raise {rate} from {current} to {needed} (+{points:.1f} points)"),
    "rate_impossible": ("・{rate} の改善だけでは届きません", "- {rate} alone cannot close it"),
    "longer": ("・期間を {days} 営業日（約 {months:.1f} か月）延ばす",
               "- extend the period by {days} business days (about {months:.1f} months)"),
    "sensitivity": ("感度分析（KGIへの影響）", "Sensitivity (effect on the KGI)"),
    "definitions": ("使った率の定義", "Definitions of the rates used"),
    "unused_inputs": ("指定されたが逆算に使われなかった入力", "Given but not used by the chain"),
    "rate_unrealistic": ("注意: {metric} {value} はベンチマーク {low}〜{high} から大きく外れています（出典: {source}）。"
                         "達成可能か確認してください（SMART: Achievable）",
                         "Note: {metric} {value} is far outside the benchmark {low}–{high} (source: {source}); "
                         "check it is achievable (SMART: achievable)"),
    "capacity_not_reached": ("{activity}まで逆算できないため能力は判定できません。次の入力が必要です: {missing}",
                             "The chain stops above {activity}, so capacity cannot be checked; give: {missing}"),
    "capacity_no_activity": ("この計画の段階は{activity}に至らないため、1人1営業日の能力とは比べません",
                             "This plan's stages do not reach {activity}, so it is not compared with a daily capacity"),
    "capacity_no_capacity": ("{activity}の1人1営業日あたりの上限が公開データにありません。--capacity で指定してください",
                             "No published per-rep daily capacity for {activity}; set one with --capacity"),
    "benchmark_note": ("ベンチマークは公開データです。自社データで確認してください",
                       "Benchmarks are published figures; verify with your own data"),
    "rep": ("担当者", "Rep"),
    "written": ("{path} を書き出しました", "wrote {path}"),
    "rows_line": ("データ: 読込 {read:,} 行、使用 {used:,} 行、除外 {excluded:,} 行（理由は{sheet}シート）",
                  "data: {read:,} rows read, {used:,} used, {excluded:,} excluded (why: the {sheet} sheet)"),
    "lint_ok": ("{phase} のKPI {n} 個に問題はありません", "the {n} KPIs for {phase} look sound"),
    "review_title": ("{month} の振り返り", "Review of {month}"),
    "kpi_header": ("KPI|実績|目標|達成率|状況", "KPI|Actual|Target|Achievement|Status"),
    "bottleneck": ("ボトルネック", "Bottleneck"),
    "bottleneck_line": ("{rate}: 実績 {actual} / 基準 {reference}（{short:.0%} 不足）",
                        "{rate}: actual {actual} vs {reference} ({short:.0%} short)"),
    "partial_rate": ("※ {rate}は{metric}（一部のみ: {missing}を含まない）から計算しています。実際の率と違う可能性があります",
                     "※ {rate} rests on {metric}, which is partial ({missing} not counted): the real rate may differ"),
    "no_bottleneck": ("目標率を下回る段階はありません", "no stage is below its reference rate"),
    "gap_title": ("KGIの差の内訳（計画 {planned} → 実績 {actual}）", "KGI gap split (plan {planned} → actual {actual})"),
    "gap_kinds": ("量|率|単価|その他", "volume|rate|price|other"),
    # workbook: sheet names
    "sheet_inputs": ("入力", "Inputs"),
    "sheet_actuals": ("実績", "Actuals"),
    "sheet_holidays": ("休日", "Holidays"),
    "sheet_chart_data": ("グラフデータ", "Chart data"),
    "sheet_tree": ("KPIツリー", "KPI tree"),
    "sheet_launch": ("立ち上げ期", "Launch"),
    "sheet_growth": ("成長期", "Growth"),
    "sheet_stable": ("安定期", "Stable"),
    "sheet_calendar": ("カレンダー", "Calendar"),
    "sheet_weeks": ("週次", "Weekly"),
    "sheet_pacing": ("ペース", "Pacing"),
    "sheet_sensitivity": ("感度分析", "Sensitivity"),
    "sheet_charts": ("グラフ", "Charts"),
    # workbook: inputs
    "in_title": ("KPI計画の前提（入力）", "Plan inputs"),
    "in_note": ("黄色のセルに入力してください。ほかのセルは数式で計算されます（シートはパスワードなしで保護）。",
                "Type into the yellow cells; everything else is computed (sheets are protected without a password)."),
    "scenario": ("シナリオ", "Scenario"),
    "scenario_names": ("標準|楽観|悲観", "Base|Upside|Downside"),
    "item": ("項目", "Item"),
    "unit": ("単位", "Unit"),
    "active": ("採用値", "Active"),
    "notes": ("説明", "Notes"),
    "settings": ("カレンダーと判定", "Calendar and thresholds"),
    "fy": ("年度（開始年）", "Fiscal year (year it starts)"),
    "fy_start": ("期首月", "First month of the fiscal year"),
    "split": ("月への配分方法", "Monthly split"),
    "split_words": ("均等|営業日比例", "equal|weighted"),
    "asof": ("基準日（ペース計算用）", "As-of date (for pacing)"),
    "warn": ("注意しきい値（達成率）", "Warn threshold (achievement)"),
    "capacity": ("1人1営業日の活動上限", "Capacity per rep per business day"),
    "capacity_of": ("1人1営業日の上限（{activity}）", "{activity} a rep can do per business day"),
    "display": ("金額の表示単位", "Show amounts in"),
    "display_words": ("円|万円|億円", "yen|10k yen (万円)|100M yen (億円)"),
    "leads": ("リードタイム（月）", "Sales-cycle lag (months)"),
    "growth_title": ("前月比（月ごとの伸び）", "Month-over-month growth"),
    "lag_shares_title": ("{stage} の時期（{below} からの月数ごとの割合、実測）",
                         "When {stage} come ({below} → {stage}: share by months later, measured)"),
    "lag_share_row": ("{n} か月後", "{n} months later"),
    "lag_share_last": ("{n} か月以上後", "{n} or more months later"),
    "growth_row": ("{stage} の前月比", "{stage}, growth over the month before"),
    "weights_row": ("配分の重み", "split weights"),
    "v_growth": ("-50%〜100%で入力してください / Enter -50% to 100%",) * 2,
    "lead_row": ("{below} → {stage} の期間", "{below} → {stage}"),
    "reps": ("担当者", "Reps"),
    "rep_header": ("氏名|稼働率|開始月", "Name|Capacity|Start month"),
    "ramp_month": ("ランプ{n}か月目", "Ramp month {n}"),
    "holidays": ("休日・休業日", "Holidays and closures"),
    "holiday_note": ("営業日数はこの表を除いて数えます（祝日は入力済み）。会社の休業日を黄色のセルに追加できます。",
                     "Business days leave out the dates in this table (public holidays are filled in); add the company's closures in the yellow cells."),
    "holiday_header": ("日付|名称", "Date|Name"),
    "closure": ("会社休業日", "Company closure"),
    "goal_of": ("目標: {metric}", "Goal: {metric}"),
    "unit_yen": ("円", "JPY"),
    "unit_count": ("件", "count"),
    "unit_rate": ("%", "%"),
    "unit_months": ("か月", "months"),
    "unit_days": ("件/人日", "per rep-day"),
    "unit_rep_month": ("件/人月", "per rep-month"),
    "separator": ("　｜　", " | "),
    "v_title": ("入力エラー / Invalid input", "入力エラー / Invalid input"),
    "v_rate": ("0%より大きく100%以下で入力してください / Enter more than 0% and at most 100%",) * 2,
    "v_count": ("0以上の整数を入力してください / Enter a whole number, 0 or more",) * 2,
    "v_actual_amount": ("0以上の金額を入力してください / Enter an amount, 0 or more",) * 2,
    "v_amount": ("0より大きい数値を入力してください / Enter a number above 0",) * 2,
    "v_nonneg": ("0以上の数値を入力してください（1 = 100%） / Enter a number, 0 or more (1 = 100%)",) * 2,
    "v_date": ("日付を入力してください（例: 2026/12/29） / Enter a date, e.g. 2026-12-29",) * 2,
    "v_fy": ("{low}〜{high}年度を入力してください（休日表がその範囲を含みます） / Enter a fiscal year from {low} to {high} "
             "(the holiday table covers them)",) * 2,
    "v_month": ("1〜12の月を入力してください / Enter a month from 1 to 12",) * 2,
    "v_share": ("0%〜100%で入力してください / Enter 0% to 100%",) * 2,
    "v_list": ("一覧から選んでください / Choose from the list",) * 2,
    # workbook: tree
    "tree_title": ("KPIツリー（KGI → KSF → KPI）", "KPI tree (KGI → KSF → KPI)"),
    "tree_note": ("値はすべて「入力」シートから計算されます。必要数は切り上げ（ROUNDUP）です。",
                  "Every value is computed from the Inputs sheet; required counts are rounded up (ROUNDUP)."),
    "tree_header": ("区分|指標|値|単位|定義|実績（累計）|ベンチマーク|指標の種類",
                    "Level|Metric|Value|Unit|Definition|Actual (to date)|Benchmark|Tier"),
    "other_metrics": ("その他の指標", "Other metrics"),
    "no_input": ("（入力なし）", "(no input)"),
    "verify": ("自社データで確認してください", "verify with your own data"),
    "band": ("{band}（{verify}）", "{band} ({verify})"),
    "with_note": ("{text}（{note}）", "{text} ({note})"),
    # workbook: calendar
    "cal_title": ("カレンダー（月別・営業日・担当者別の目標）", "Calendar (targets per month, business day and rep)"),
    "cal_note": ("営業日数 = NETWORKDAYS(月初, 月末, 休日表)。担当者別の合計はチーム目標と一致します。",
                 "Business days = NETWORKDAYS(first, last, holiday table). Per-rep shares add up to the team target."),
    "first_day": ("月初", "First day"),
    "last_day": ("月末", "Last day"),
    "target": ("目標", "target"),
    "before_lag": ("配分（ラグ前）", "split before lag"),
    "weight": ("稼働係数", "capacity weight"),
    "check": ("差（担当者計−チーム）", "check: reps − team"),
    "lag_warning": ("リードタイムの合計がカレンダーの前倒し月数（{n}）を超えています。計画を作り直してください。",
                    "Total lead time exceeds the calendar's {n} lead-in month(s); generate the plan again."),
    # workbook: weeks
    "weeks_title": ("週次目標（ISO週）", "Weekly targets (ISO weeks)"),
    "weeks_header": ("週|開始|終了|営業日数", "Week|Start|End|Business days"),
    # workbook: pacing
    "pace_title": ("ペース（基準日の月の進捗目安）", "Pacing (the as-of date's month)"),
    "pace_note": ("基準日は「入力」シートで変更できます（TODAY関数は使いません）。",
                  "Change the as-of date on the Inputs sheet (no TODAY())."),
    "pace_month": ("対象月", "Month"),
    "elapsed": ("経過営業日（基準日まで）", "Business days elapsed (to the as-of date)"),
    "month_target": ("月の目標", "Month target"),
    "pace_to_date": ("基準日までの目安", "Pace to date"),
    "actual_input": ("実績（入力）", "Actual (input)"),
    "gap": ("差（実績−目安）", "Gap (actual − pace)"),
    "day_no": ("営業日", "Business day"),
    "date": ("日付", "Date"),
    "cumulative": ("累計目標", "cumulative"),
    # workbook: phases
    "phase_title": ("{phase}のKPI（{focus}）", "{phase} KPIs ({focus})"),
    "phase_note": ("測定方法: {measurement}。KPI数の目安: {low}〜{high}個。実績を黄色のセルに入力すると達成率と状況が色で表示されます。",
                   "Measured by: {measurement}. Keep {low}–{high} KPIs. Type actuals into the yellow cells; achievement and status colour themselves."),
    "phase_header": ("KPI|行", "KPI|Row"),
    "row_target": ("目標", "Target"),
    "row_actual": ("実績", "Actual"),
    "row_achievement": ("達成率", "Achievement"),
    "row_status": ("状況", "Status"),
    "row_band": ("ベンチマーク判定", "Benchmark check"),
    "status_words": ("達成|注意|未達", "hit|watch|miss"),
    "band_words": ("◆ 範囲外|範囲内", "◆ outside band|within band"),
    "year": ("年間", "Year"),
    "todate": ("累計（実績月まで）", "To date"),
    "plan_period": ("計画期間（進捗）", "Plan period (progress)"),
    "tier": ("区分", "Tier"),
    "act_title": ("実績（月別に入力）", "Actuals (type them per month)"),
    "act_note": ("黄色のセルに月ごとの実績（件数・金額）を入力してください。合計と率は自動計算されます（期間の率は Σ分子 ÷ Σ分母）。",
                 "Type each month's counts and amounts into the yellow cells; sums and rates are computed (a period's rate is Σ numerator ÷ Σ denominator)."),
    "benchmark": ("ベンチマーク", "Benchmark"),
    "source": ("出典", "Source"),
    "definition": ("定義", "Definition"),
    # workbook: sensitivity
    "sens_title": ("感度分析（KGIへの影響）", "Sensitivity (effect on the KGI)"),
    "sens_note": ("前提を1つずつ動かしたときのKGIの変化（率は+1ポイント、量と単価は+10%）。",
                  "KGI change when one input moves (rates +1 point, volumes and prices +10%)."),
    "sens_header": ("指標|変化|現在値|変化後|変化後のKGI|KGIへの影響|順位",
                    "Input|Step|Now|After|KGI after|KGI effect|Rank"),
    "base_kgi": ("基準KGI（必要活動量からの計算値）", "KGI from the required activity"),
    "ranked": ("影響の大きい順", "Ranked by effect"),
    # report workbook
    "sheet_summary": ("サマリー", "Summary"),
    "sheet_reps": ("担当者別", "By rep"),
    "sheet_trend": ("推移", "Trend"),
    "sheet_bottleneck": ("ボトルネック", "Bottleneck"),
    "sheet_quality": ("データ品質", "Data quality"),
    "sheet_assumptions": ("前提", "Assumptions"),
    "hist_title": ("過去の実績から（{first}〜{last}、{n}か月、率は Σ分子 ÷ Σ分母）",
                   "From the team's history ({first} … {last}, {n} months; each rate Σ numerator ÷ Σ denominator)"),
    "hist_header": ("率|実測|95%区間|分子/分母|計画に使う値", "Rate|Measured|95% interval|Numerator/denominator|Planned"),
    "hist_measured": ("実測", "measured"),
    "hist_benchmark": ("件数が少ないためベンチマーク {band} の中央を使用", "too few events: the middle of the benchmark {band}"),
    "hist_thin": ("件数が少なく参考値（ベンチマークなし）", "too few events to rely on (no benchmark)"),
    "hist_price": ("平均受注単価（実測）: {value}", "Average deal size (measured): {value}"),
    "hist_lag_used": ("計画はこの割合で、各月の受注に要る商談化をその月と前の 3 か月に配分します（lag_shares）",
                      "The plan spreads the meetings each month's wins need over that month and the three "
                      "before by these shares (lag_shares)"),
    "hist_price_interval": ("（95%区間 {low}–{high}、ブートストラップ、{n}件）",
                            " (95% interval {low}–{high}, bootstrap over {n} deals)"),
    "hist_reach": ("この率と能力で届く見込み: {reach}（トップダウンの目標 {goal}、差 {gap}）",
                   "Reachable at these rates and this capacity: {reach} (top-down goal {goal}, gap {gap})"),
    "hist_lag": ("商談化→受注（実測 {n} 件）: 中央値 {p50:.0f} 日、25〜75%: {p25:.0f}〜{p75:.0f} 日。受注の月: 同月 {m0}、翌月 {m1}、2か月後 {m2}、3か月以上 {m3}",
                 "Meeting → won ({n} deals measured): median {p50:.0f} days, 25–75%: {p25:.0f}–{p75:.0f} days. Won in the same month {m0}, the next {m1}, two months later {m2}, three or more {m3}"),
    "hist_reps": ("担当者別（* は件数が少なく参考値）", "Per rep (* too few events to rely on)"),
    "hist_rep_header": ("担当者|{activity}/営業日", "Rep|{activity} per business day"),
    "hist_capacity": ("{activity} / 人・営業日（実測）: {value}（ベンチマーク {bench}）",
                      "{activity} per rep per business day (measured): {value} (benchmark {bench})"),
    "as_plan": ("計画", "plan"),
    "as_template": ("テンプレート", "template"),
    "as_file": ("ファイル", "file"),
    "as_encoding": ("  文字コード / 読み込み", "  encoding / reader"),
    "as_delimiter": ("区切り文字", "delimiter"),
    "as_shape": ("  1行の意味", "  one row is"),
    "as_tells": ("  読み取れること", "  what it tells"),
    "as_columns": ("  列の対応", "  columns"),
    "as_definitions": ("定義", "definitions"),
    "as_counting": ("数え方", "counting"),
    "as_rep_targets": ("担当者別の目標", "per-rep targets"),
    "shape_activities": ("活動1件（架電・メール・商談）", "one activity (call, email, meeting)"),
    "shape_opportunities": ("案件またはリード1件", "one deal or lead"),
    "shape_summary": ("担当者×月の集計", "counts per rep and month"),
    "obs_call": ("架電", "call"),
    "obs_email": ("メール送信", "email sent"),
    "obs_visit": ("訪問", "visit"),
    "obs_reached": ("通電", "reached"),
    "obs_conversation": ("有効会話", "conversation"),
    "obs_keyman": ("キーマン接続", "key person reached"),
    "obs_opened": ("開封", "opened"),
    "obs_clicked": ("クリック", "clicked"),
    "obs_replied": ("返信", "replied"),
    "obs_meeting": ("商談化", "meeting set"),
    "obs_qualified": ("有効商談", "qualified meeting"),
    "obs_won": ("受注", "won"),
    "obs_lost": ("失注", "lost"),
    "obs_amount": ("受注金額", "amount won"),
    "obs_account": ("アプローチ企業", "account approached"),
    "obs_lead": ("リード", "lead"),
    "obs_valid_lead": ("有効リード", "valid lead"),
    "obs_mql": ("MQL", "MQL"),
    "obs_sql": ("SQL", "SQL"),
    "sheet_deals": ("滞留案件", "Open deals"),
    "rep_title": ("{month} 月次KPIレポート", "Monthly KPI report, {month}"),
    "rep_note": ("データ: {files}　計画: {plan}　基準日: {asof}", "Data: {files}   Plan: {plan}   As of: {asof}"),
    "month_col": ("当月", "Month"),
    "ytd_col": ("年度累計", "Fiscal YTD"),
    "kpi_cols": ("KPI|当月実績|当月目標|達成率|状況|年度累計実績|年度累計目標|達成率|状況|メモ",
                 "KPI|Actual|Target|Achievement|Status|YTD actual|YTD target|Achievement|Status|Note"),
    "pace_title_r": ("月初からのペース（{asof}時点、{elapsed}/{bd}営業日）", "Month-to-date pace ({asof}, {elapsed}/{bd} business days)"),
    "pace_cols": ("段階|実績|目安|差", "Stage|Actual|Pace target|Gap"),
    "landing_title": ("月末の着地見込み（{asof}時点、{elapsed}/{bd}営業日）",
                      "Where the month will land ({asof}, {elapsed}/{bd} business days)"),
    "landing_cols": ("段階|実績（累計）|着地見込み|P10|P90|月目標|達成確率|商談から|商談 P10|商談 P90",
                     "Stage|Actual so far|Landing (P50)|P10|P90|Month target|Chance of target|From deals|"
                     "Deals P10|Deals P90"),
    "landing_note": ("着地見込み = 実績 + これまでの営業日ペースで残りの営業日分。P10–P90 はその幅"
                     "（ペースの不確かさ、または過去の月に同じ時点から予測した誤差のうち広い方）。",
                     "Landing = actual + the business-day pace so far over the business days left; P10–P90 is "
                     "its range (the pace's uncertainty, or the error of the same forecast on past months, "
                     "whichever is wider)."),
    "landing_deals_note": ("商談から = 未決の商談それぞれを、同じ経過日数の過去の商談が残りの日数で受注した割合で加重し、"
                           "残りの営業日に始まる商談も同じペースで加えた見込み（参考: 過去データの検証ではペースの方が近い）。",
                           "From deals = each open deal weighted by the share of past deals of the same age that "
                           "won within the days left, plus the deals the rest of the month will start at this "
                           "month's pace (for reference: on past data the pace forecast came closer)."),
    "landing_lever": ("達成確率を最も上げるレバー: 残りの営業日で {metric} {step} → 達成確率 {before} から {after}",
                      "The lever that most raises the chance: {metric} {step} for the rest of the month → "
                      "{before} to {after}"),
    "landing_line": ("  {metric}: {p50}（P10 {p10} – P90 {p90}）目標 {target}、達成確率 {chance}",
                     "  {metric}: {p50} (P10 {p10} – P90 {p90}), target {target}, chance {chance}"),
    "landing_done": ("月の営業日はすべて経過: 着地 = 実績。", "Every business day of the month has passed: "
                     "the landing is the actual."),
    "gap_cols": ("要因|種類|KGIへの影響", "Driver|Kind|Effect on the KGI"),
    "rate_cols": ("率|実績|目標|ベンチマーク下限|上限|不足|出典|ヒント", "Rate|Actual|Target|Benchmark low|High|Shortfall|Source|Hint"),
    "quality_cols": ("ファイル|ルール|内容|件数|除外|行番号|詳細", "File|Rule|What|Count|Excluded|Rows|Detail"),
    "recon_cols": ("ファイル|読込行|使用行|除外行|読込 = 使用 + 除外", "File|Rows read|Used|Excluded|read = used + excluded"),
    "deal_cols": ("担当者|案件|ステージ|最終活動日|経過日数|ファイル|行|最終活動日の根拠",
                  "Owner|Deal|Stage|Last activity|Days|File|Row|Last activity from"),
    "deal_stage_prospect": ("見込み", "Prospect"),
    "deal_stage_open": ("商談中", "Open"),
    "deal_stage_qualified": ("有効商談", "Qualified"),
    "basis_last_activity": ("最終活動日の列", "the last activity column"),
    "basis_deal_log": ("活動ログ（商談ID）", "the activity log (deal ID)"),
    "basis_account_log": ("活動ログ（取引先）", "the activity log (account)"),
    "basis_start": ("活動の記録なし：商談開始日から", "no activity found: from the deal's start date"),
    "columns_title": ("列の使い方（すべての列: 使用 / 無視とその理由）", "How each column is used (every column: used, or ignored and why)"),
    "columns_cols": ("ファイル|列|見出し|使い方|項目 / 理由", "File|Column|Header|Use|As / reason"),
    "use_field": ("項目", "field"),
    "use_flag": ("フラグ", "flag"),
    "use_metric": ("集計値", "count"),
    "use_count": ("集計値（成果の件数）", "count of an outcome"),
    "use_rate": ("率（件数から再計算）", "rate (recomputed from counts)"),
    "use_ignored": ("無視", "ignored"),
    "why_unknown": ("kpi_xl が読む項目ではない", "not a column kpi_xl reads"),
    "why_repeated": ("同じ項目を別の列から読んでいる", "the same field is read from another column"),
    "why_unnamed": ("見出しが空", "no header"),
    "not_in_template": ("（このテンプレートの指標には使わない）", "(no metric of this template counts it)"),
    "no_data_title": ("データなしの指標（0ではありません）", "No data (not zero)"),
    "rep_kind_col": ("区分", "Kind"),
    "rep_kind_plan": ("計画の担当者", "plan rep"),
    "rep_kind_share": ("均等配分", "equal share"),
    "rep_kind_variant": ("表記ゆれ: {of}（目標なし・統合しない）", "spelling of {of} (no target, not merged)"),
    "rep_kind_unplanned": ("計画にない担当者（目標なし）", "not in the plan (no target)"),
    "sheet_slots": ("時間帯別", "By hour"),
    "sheet_losses": ("失注理由", "Loss reasons"),
    "slots_title": ("曜日×時間帯の通電率（{first}〜{last}、Σ通電÷Σ架電）", "Reach rate by weekday × hour ({first} to {last}, Σ reached ÷ Σ calls)"),
    "slots_note": ("色: 赤 低い → 緑 高い。{n}件未満の時間帯は最良・最悪に選ばない。000:「午前中の架電の一部を午後に変更してみる」",
                   "Colour: red low → green high. Slots with fewer than {n} calls are never named best or worst. "
                   "Seed 000: move some morning calls to the afternoon."),
    "slots_best": ("最も通電率が高い: {slot}（{rate}、{calls}件）", "Best: {slot} ({rate}, {calls} calls)"),
    "slots_worst": ("最も通電率が低い: {slot}（{rate}、{calls}件）", "Worst: {slot} ({rate}, {calls} calls)"),
    "slots_none": ("時刻付きの架電データがありません（日時の列に時刻、または時刻の列があれば表示します）",
                   "No calls with a time of day (a date column with times, or a time column, fills this sheet)"),
    "slots_counts": ("架電数|通電数", "Calls|Reached"),
    "weekdays": ("月|火|水|木|金|土|日", "Mon|Tue|Wed|Thu|Fri|Sat|Sun"),
    "hour_col": ("時", "Hour"),
    "losses_title": ("失注理由（{month} と年度累計）", "Loss reasons ({month} and fiscal year to date)"),
    "losses_cols": ("失注理由|当月|当月構成比|年度累計|年度累計構成比", "Reason|Month|Month share|YTD|YTD share"),
    "losses_by_rep": ("担当者別（年度累計）", "By rep (fiscal year to date)"),
    "losses_none": ("失注理由の列がありません", "No loss reason column in the data"),
    "no_reason": ("（理由なし）", "(none given)"),
    "weeks_report_title": ("{month} の週次（ISO週、目標は計画の週次）", "{month} week by week (ISO weeks; targets from the plan's weekly split)"),
    "weeks_report_cols": ("週|開始|終了|営業日", "Week|Start|End|Business days"),
    "stale_note": ("経過日数の色: {a}日未満 白、{a}日以上 青、{b}日以上 黄、{c}日以上 赤（--stale で変更）",
                   "Days colour: under {a} white, {a}+ blue, {b}+ yellow, {c}+ red (change with --stale)"),
    "yes": ("はい", "yes"),
    "no": ("いいえ", "no"),
    "warn_cell": ("注意しきい値", "Warn threshold"),
    "team": ("チーム", "Team"),
    "funnel_month": ("ファネル（当月 目標 vs 実績）", "Funnel (month target vs actual)"),
    "total_row": ("合計", "Total"),
    "counting_note": ("活動の結果は同じ経路の前段を含む（受注の電話は通電・有効会話・商談化でもある）。ただし、"
                      "ファイルに列や値のない段階は含めず「データなし」とする。通話時間は1秒以上で通電、既定2分以上で有効架電。"
                      "案件は商談化月に商談化数、受注・失注月に受注数・売上・失注として数える。活動ログと案件・リード一覧の"
                      "両方がある場合、受注・失注・金額・有効商談・リード段階は一覧から、その他は活動ログから数える（二重計上しない）。",
                      "An activity outcome implies the earlier ones of its channel (a won call also reached "
                      "someone, was a conversation and set a meeting) — but only stages the file has a column or "
                      "value for; others are \"no data\". A call duration of 1 s or more is reached, 2 minutes or "
                      "more (by default) a conversation. A deal counts as a meeting in its engage month and as won "
                      "or lost in its close month. Given both an activity log and a deal or lead list, wins, losses, "
                      "amounts, qualified meetings and lead stages come from the list and the rest from the log, "
                      "so nothing is counted twice."),
    "rep_targets_note": ("担当者別の目標は計画の担当者ごとの配分（合計はチーム目標）。計画に名前のない担当者と表記ゆれには目標を配分しない。"
                         "計画が人数だけ（reps: N）のときは、その月に実績のある担当者に均等配分",
                         "Per-rep targets are the plan's shares (they add up to the team target). Owners the plan "
                         "does not name, and other spellings of a rep's name, get none. A plan of reps: N splits "
                         "the team target equally over the owners with data that month"),
    "no_data": ("{metric}: データなし — {missing}を数える列がありません（例: {needs}）",
                "{metric}: no data — no column counts {missing} (e.g. {needs})"),
    "partial_data": ("{metric}: 一部のみ — {missing}を数える列がないため、{counted}だけを数えています"
                     "（この数を使う率も同様。例: {needs}）",
                     "{metric}: partial — only {counted} is counted, as no column tells {missing} (rates built on "
                     "it are partial too; e.g. {needs})"),
    "no_data_summary": ("担当者別集計表の「{metric}」列", "a summary table's {metric} column"),
    "no_data_word": ("データなし", "no data"),
    "warning": ("警告", "warning"),
    "interrupted": ("中断しました（書きかけのファイルは残していません）", "interrupted (no half-written file left behind)"),
    # workbook: charts
    "charts_title": ("グラフ", "Charts"),
    "funnel_chart": ("ファネル（年間目標 vs 実績）", "Funnel (year target vs actual)"),
    "trend_chart": ("月次KGI推移", "Monthly KGI trend"),
    "target_word": ("目標", "Target"),
    "actual_word": ("実績", "Actual"),
    "sens_chart": ("KGIへの影響（大きい順）", "KGI effect (largest first)"),
}


def label(key: str, lang: str = "ja", **params: Any) -> str:
    """A UI label in ``lang``; ``params`` fill its placeholders."""
    text = Text(*_LABELS[key]).pick(lang)
    return text.format(**params) if params else text


def message(code: str, lang: str = "ja", **params: Any) -> str:
    """Render message ``code`` in ``lang`` (ja/en); unknown langs fall back to English."""
    text = Text(*_MESSAGES[code]).pick(lang)
    params.setdefault("hint", "")
    chosen = {k: _short(v.pick(lang) if isinstance(v, Text) else v) for k, v in params.items()}
    return text.format(**chosen).strip()


ECHO_LIMIT = 120  # an echoed value longer than this is cut: a 200,000-cell range is not a message


def _short(value: Any) -> Any:
    """``value`` as a message echoes it: long text or collections cut to ECHO_LIMIT characters,
    line breaks and control characters escaped (\\n, \\x85), so every message is one line."""
    if isinstance(value, str) and not value.isprintable():
        value = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    if isinstance(value, (str, list, tuple, dict)) or (isinstance(value, int) and abs(value) > 10**40):
        text = value if isinstance(value, str) else repr(value)
        if len(text) > ECHO_LIMIT or isinstance(value, int):
            return f"{text[:min(ECHO_LIMIT, 20 if isinstance(value, int) else ECHO_LIMIT)]}…({len(text):,} chars)"
    return value

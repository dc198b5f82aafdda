"""workbook.xlsm: xlwings's standalone quickstart workbook, set up for kpi_xl's functions.

Starts from the .xlsm that ``xlwings quickstart NAME --standalone`` copies (its VBA project,
with the xlwings module and ImportPythonUDFs, kept intact via ``keep_vba``), activates the
``xlwings.conf`` sheet with ``UDF Modules = kpi_xl.udfs``, and adds a bilingual how-to sheet
and an examples sheet where every =KPI_* call sits beside the same computation in native
formulas (which work without Python, e.g. in LibreOffice).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from kpi_xl.engine.templates import get_template
from kpi_xl.files import XLSM, write_atomic
from kpi_xl.i18n import label
from kpi_xl.xlsx import formulas, styles
from kpi_xl.xlsx.cells import Layout, text_cell

HOWTO = "使い方 (How to use)"
EXAMPLES = "例 (Examples)"
UDF_MODULE = "kpi_xl.udfs"

STEPS = [
    ("1. Python 3.10 以上と kpi_xl を入れる（PyPI 未公開）: 仮想環境で pip install kpi_xl-<版>-py3-none-any.whl、"
     "またはリポジトリのフォルダで pip install . （README の「インストール」参照）",
     "1. Install Python 3.10+ and kpi_xl (not on PyPI yet): in a virtual environment, "
     "pip install kpi_xl-<version>-py3-none-any.whl, or pip install . in a clone (README, Installing)"),
    ("2. このブック (workbook.xlsm) を開き、マクロを有効にする",
     "2. Open this workbook (workbook.xlsm) and enable macros"),
    ("3. Alt+F8 → ImportPythonUDFs を1回実行する（関数が登録されます）",
     "3. Alt+F8 → run ImportPythonUDFs once (it registers the functions)"),
    ("4. どのシートでも =KPI_REVERSE(12000000, {0.2;0.1}, 1000000) のように使う",
     "4. Use them in any sheet, e.g. =KPI_REVERSE(12000000, {0.2;0.1}, 1000000)"),
    ("エラーはセルに #KPI! … と表示されます（例: 受注率は0〜100%）",
     "Errors show in the cell as #KPI! … (e.g. a win rate must be 0–100%)"),
    ("表を返す関数は Excel 365/2021 では自動でスピルします。Excel 2016/2019 では結果の大きさの範囲を選び、"
     "Ctrl+Shift+Enter で配列数式として入力してください",
     "Functions that return a table spill in Excel 365/2021; in Excel 2016/2019 select a range of the "
     "result's size and enter the formula with Ctrl+Shift+Enter"),
    ("ImportPythonUDFs には「VBA プロジェクト オブジェクト モデルへのアクセスを信頼する」の設定が必要です"
     "（ファイル → オプション → トラスト センター → マクロの設定）",
     "ImportPythonUDFs needs \"Trust access to the VBA project object model\" "
     "(File → Options → Trust Center → Macro Settings)"),
]
FUNCTIONS = [
    ("KPI_REVERSE(kgi, rates, [unit_price], [labels], [rounding], [lang])", "KGIから各段階の必要件数（切り上げ）",
     "required count per stage from the goal (rounded up)"),
    ("KPI_FORWARD(volume, rates, [unit_price])", "活動量から見込み件数と売上", "expected counts and revenue"),
    ("KPI_RATE(numerator, denominator, [lang])", "率（分母0は説明を表示）", "a rate; zero denominators explained"),
    ("KPI_SPLIT(total, fiscal_year, [period], [fy_start], [holidays], [method])",
     "月・週・営業日への配分（祝日込み）", "split over months, weeks or business days (holidays included)"),
    ("KPI_PER_REP(total, capacities)", "担当者別（合計が一致）", "per-rep shares that add up"),
    ("KPI_ACHIEVEMENT(actual, target, [lower_is_better])", "達成率", "achievement"),
    ("KPI_STATUS(actual, target, [warn], [lower_is_better], [lang])", "達成 / 注意 / 未達", "hit / watch / miss"),
    ("KPI_BENCHMARK(metric, [field], [lang])", "ベンチマークと出典", "benchmark band and source"),
    ("KPI_BOTTLENECK(stage_names, actual_rates, target_rates, [lang])", "ボトルネックとヒント",
     "the weakest stage and its hint"),
    ("KPI_FEASIBILITY(required_per_day, reps, [capacity_per_day], [lang])", "実現可能性と必要増員",
     "feasible, or how many more reps"),
    ("KPI_LANDING(actual_to_date, business_days_elapsed, business_days_total, [pipeline], [win_rates], [target], "
     "[unit], [spread])", "月末の着地見込み P50・P10・P90（と達成確率）",
     "where the month lands: P50, P10, P90 (and the chance of the target)"),
    ("KPI_TEMPLATE(template, [lang])", "テンプレートの定義", "a template's definitions"),
]


def quickstart_source() -> Path:
    """The standalone .xlsm inside the installed xlwings package (what its quickstart copies)."""
    import xlwings

    return Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"


def build_macro_workbook(path: Path | str, *, force: bool = False) -> Layout:
    """Write workbook.xlsm; return where the native example results are (for tests)."""
    wb = load_workbook(quickstart_source(), keep_vba=True)
    conf = wb["_xlwings.conf"]
    conf.title = "xlwings.conf"
    for row in conf.iter_rows(min_col=1, max_col=2):
        if row[0].value == "UDF Modules":
            row[1].value = UDF_MODULE
    first = wb.worksheets[0]
    first.title = HOWTO
    _howto(first)
    layout = Layout()
    _examples(wb.create_sheet(EXAMPLES, 1), layout)
    wb.active = 0
    write_atomic(path, lambda tmp: wb.save(tmp), force=force, suffixes=XLSM)
    return layout


def _howto(ws: Worksheet) -> None:
    styles.title(ws, "kpi_xl の Excel 関数 / kpi_xl Excel functions")
    ws.column_dimensions["A"].width = 3
    ws.column_dimensions["B"].width = 72
    ws.column_dimensions["C"].width = 44
    ws.column_dimensions["D"].width = 52
    row = 3
    for ja, en in STEPS:
        ws.cell(row, 2, ja)
        ws.cell(row, 3, en)
        row += 1
    row += 1
    styles.header(ws, row, 2, ["関数 / Function", "日本語", "English"])
    for signature, ja, en in FUNCTIONS:
        row += 1
        ws.cell(row, 2, signature)
        ws.cell(row, 3, ja)
        ws.cell(row, 4, en)
    row += 2
    ws.cell(row, 2, "「例 (Examples)」シート: 各 =KPI_* の隣に、同じ計算を通常の数式で書いています"
                    "（Pythonなしでも計算されます）。")
    ws.cell(row + 1, 2, "The Examples sheet puts each =KPI_* call beside the same computation in native formulas "
                        "(these work without Python).")


EXAMPLE_INPUTS = [("KGI（売上）/ goal", 12_000_000, styles.YEN), ("平均受注単価 / deal size", 1_000_000, styles.YEN),
                  ("受注率 / win rate", 0.2, styles.RATE), ("商談化率 / meeting rate", 0.1, styles.RATE),
                  ("コネクト率 / connect rate", 0.15, styles.RATE), ("年度 / fiscal year", 2026, "0"),
                  ("担当者1 稼働率 / rep 1 capacity", 1, "0%"), ("担当者2 稼働率 / rep 2 capacity", 1, "0%"),
                  ("担当者3 稼働率 / rep 3 capacity", 0.5, "0%"), ("実績 / actual", 95, styles.COUNT),
                  ("目標 / target", 100, styles.COUNT), ("注意しきい値 / warn", 0.9, styles.RATE)]
KGI, PRICE, WIN, MEET, FY = "$C$4", "$C$5", "$C$6", "$C$7", "$C$9"
CAPS, ACTUAL, TARGET, WARN = "$C$10:$C$12", "$C$13", "$C$14", "$C$15"


RESULT, NATIVE_TEXT, NATIVE = 5, 8, 9  # columns: the =KPI_* result (up to 3 wide), its native twin


class _Examples:
    """Writes example blocks one under another: the =KPI_* call and its native twin."""

    def __init__(self, ws: Worksheet, layout: Layout, row: int) -> None:
        self.ws, self.layout, self.row = ws, layout, row

    def block(self, title: str, udf: str, shape: tuple[int, int], natives: list[str], key: str,
              number_format: str) -> None:
        """``shape`` is the (rows, columns) the function returns: the array formula spans it."""
        ws, r = self.ws, self.row
        rows, cols = shape
        ws.cell(r, 2, title).font = styles.BOLD
        text_cell(ws, r, 4, udf).font = styles.NOTE_FONT  # the call as text, to read beside its result
        corner = f"{get_column_letter(RESULT + cols - 1)}{r + rows - 1}"
        ws.cell(r, RESULT).value = ArrayFormula(f"{get_column_letter(RESULT)}{r}:{corner}", udf) \
            if (rows, cols) != (1, 1) else udf
        for k, native in enumerate(natives):
            text = native.lstrip("=")
            text_cell(ws, r + k, NATIVE_TEXT, text if len(text) <= 60 else text[:57] + "…").font = styles.NOTE_FONT
            cell = ws.cell(r + k, NATIVE, native)
            cell.number_format = number_format
            self.layout.put(("native", key, str(k)), ws.title, r + k, NATIVE)
        self.row += max(rows, len(natives)) + 1


def _examples(ws: Worksheet, layout: Layout) -> None:
    styles.title(ws, "例: 関数と通常の数式 / Examples: functions beside native formulas",
                 "C列の値を変えると両方が再計算されます / change column C and both sides recompute")
    for col, width in zip("ABCDEFGHI", (3, 30, 14, 36, 14, 14, 34, 36, 16)):
        ws.column_dimensions[col].width = width
    for i, (text, value, number_format) in enumerate(EXAMPLE_INPUTS):
        ws.cell(4 + i, 2, text)
        styles.as_input(ws.cell(4 + i, 3, value), number_format)
    top = 18
    styles.header(ws, top, 2, ["", "", "=KPI_* (Python)", "", "", "", "通常の数式 / native", ""])
    ex = _Examples(ws, layout, top + 1)
    g = get_column_letter(NATIVE)
    r = ex.row
    ex.block("逆算 / reverse", f"=KPI_REVERSE({KGI},{WIN}:{MEET},{PRICE})", (3, 1),
             [f"=ROUNDUP({KGI}/{PRICE},0)", f"=ROUNDUP({g}{r}/{WIN},0)", f"=ROUNDUP({g}{r + 1}/{MEET},0)"],
             "reverse", styles.COUNT)
    r = ex.row
    ex.block("見込み / forward", f"=KPI_FORWARD(600,{WIN}:{MEET},{PRICE})", (4, 1),
             ["=600", f"={g}{r}*{MEET}", f"={g}{r + 1}*{WIN}", f"={g}{r + 2}*{PRICE}"], "forward", "#,##0.##")
    ex.block("率 / rate", "=KPI_RATE(60,600)", (1, 1), ['=IF(600=0,"#KPI!",60/600)'], "rate", styles.RATE)
    ex.block("月次配分 / monthly split", f"=KPI_SPLIT(500,{FY})", (12, 3), ["=ROUNDUP(500/12,0)"], "split",
             styles.COUNT)
    ex.block("担当者別 / per rep", f"=KPI_PER_REP(42,{CAPS})", (3, 1),
             ["=" + formulas.largest_remainder("42", CAPS, f"$C${10 + k}", f"(ROW({CAPS})<ROW($C${10 + k}))")
              for k in range(3)], "per_rep", styles.COUNT)
    ach = formulas.achievement(ACTUAL, TARGET)
    ex.block("達成率 / achievement", f"=KPI_ACHIEVEMENT({ACTUAL},{TARGET})", (1, 1), ["=" + ach], "achievement",
             styles.RATE)
    ex.block("状況 / status", f"=KPI_STATUS({ACTUAL},{TARGET},{WARN})", (1, 1),
             ["=" + formulas.status(ach, WARN, label("status_words", "ja").split("|"))], "status", "@")
    ex.block("実現可能性 / feasibility", "=KPI_FEASIBILITY(400,8)", (1, 1), ["=MAX(0,ROUNDUP((400-8*34)/34,0))"],
             "feasibility", "0")
    ex.block("ベンチマーク / benchmark", '=KPI_BENCHMARK("受注率","low")', (1, 1), ["=0.1"], "benchmark", styles.RATE)
    ex.block("ボトルネック / bottleneck", '=KPI_BOTTLENECK({"コネクト率","商談化率"},{0.1,0.09},{0.15,0.1})', (1, 2),
             ['=INDEX({"コネクト率","商談化率"},MATCH(MAX(1-{0.1,0.09}/{0.15,0.1}),1-{0.1,0.09}/{0.15,0.1},0))'],
             "bottleneck", "@")
    rest, sd = "40*(20-10)/10", "SQRT(40*(20-10)/10*(1+(20-10)/10))"  # the pace's gamma–Poisson rest
    ex.block("着地見込み / landing", "=KPI_LANDING(40,10,20,,,100)", (1, 4),
             [f"=40+{rest}", f"=MAX(40,40+{rest}-NORMSINV(0.9)*{sd})", f"=40+{rest}+NORMSINV(0.9)*{sd}",
              f"=1-NORMSDIST((100-40-{rest})/{sd})"], "landing", "0.0")
    sdr = get_template("sdr")
    ex.block("テンプレート / template", '=KPI_TEMPLATE("sdr")', (len(sdr.chain) + len(sdr.chain_rates()), 3), [],
             "template", "@")
    styles.protect(ws)

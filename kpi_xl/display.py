"""Values as a person reads them: ¥ amounts, % rates, counts, benchmark bands. Shared by
the terminal output, the reports, the workbooks and the Excel functions (pure Python)."""

from __future__ import annotations

from kpi_xl.engine.catalog import Benchmark
from kpi_xl.engine.templates import Template
from kpi_xl.engine.tree import Kind
from kpi_xl.engine.values import format_percent
from kpi_xl.i18n import label


def fmt(template: Template, metric_id: str, value: float, digits: int = 4) -> str:
    """A value formatted by its metric's kind: ¥ for amounts, % for rates (``digits`` decimals at most)."""
    kind = template.tree.metrics[metric_id].kind
    if kind is Kind.RATE:
        return format_percent(value, digits)
    if kind is Kind.AMOUNT:
        return f"-¥{-value:,.0f}" if value < 0 else f"¥{value:,.0f}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def short(template: Template, metric_id: str, value: float, lang: str = "ja") -> str:
    """A value for a narrow table column: amounts in 万 (Japanese) or ¥ with k/M (English),
    counts without decimals."""
    kind = template.tree.metrics[metric_id].kind
    if kind is Kind.AMOUNT:
        return short_yen(value) if lang == "en" else f"{value / 10_000:,.0f}万" if value else "0"
    if kind is Kind.RATE:
        return format_percent(value)
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def short_yen(value: float) -> str:
    """¥120M, ¥10.5M, ¥950k, ¥800: an amount in yen for English readers, who do not count in 万."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    for unit, scale in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if size >= scale:
            number = f"{size / scale:,.1f}".removesuffix(".0")
            return f"{sign}¥{number}{unit}"
    return f"{sign}¥{size:,.0f}"


def change(template: Template, metric_id: str, delta: float) -> str:
    """A signed change of a metric: ¥ for amounts, points for rates (+2.5pt)."""
    if template.tree.metrics[metric_id].kind is Kind.RATE:
        return f"{delta * 100:+.2f}pt"
    text = fmt(template, metric_id, delta)
    return text if delta < 0 else "+" + text


def band_text(mark: Benchmark, lang: str) -> str:
    """"10.0%–20.0%" or "34 件/人日" (en: "34 per rep-day") for a benchmark, with "verify with
    your own data"."""
    def show(x: float) -> str:
        return f"{x:.1%}" if mark.unit == "%" else f"{x:,.0f}"
    rng = show(mark.low) if mark.high in (None, mark.low) else f"{show(mark.low)}–{show(mark.high)}"
    units = {label(key, "ja"): label(key, lang) for key in ("unit_days", "unit_rep_month")}  # benchmarks.toml's
    unit = "" if mark.unit == "%" else f" {units.get(mark.unit, mark.unit)}"
    return label("band", lang, band=f"{rng}{unit}", verify=label("verify", lang))

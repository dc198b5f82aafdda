"""From cleaned rows to counts per rep × month (and ISO week): the engine inputs.

pandas does the counting; the engine derives the rest (アプローチ数 = 架電数 + メール送信数,
every rate by its own numerator and denominator), so a report and a plan agree by design.
An activity result implies the results before it (a won call was also a connect and a
meeting); a deal counts as a meeting in its engage month and as won in its close month.
Given both an activity log and a deal list, meetings come from the log and wins and
revenue from the deal list, so nothing is counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from kpi_xl.engine.actuals import derive
from kpi_xl.engine.templates import Template
from kpi_xl.sfa.cleaning import Cleaned
from kpi_xl.sfa.findings import Finding, Rule
from kpi_xl.sfa.header import Shape

OBSERVED = ("calls", "emails_sent", "connects", "meetings", "won", "revenue", "lost", "open")
RESULT_LEVELS = ("connects", "meetings", "won")


def contributions(c: Cleaned) -> pd.DataFrame:
    """One row per source row and date, with the metric counts it adds."""
    f = c.frame
    if c.shape is Shape.SUMMARY:
        out = pd.DataFrame({"owner": f["owner"], "when": f["date"]})
        for column in f.columns:
            if column.startswith("m:"):
                out[column[2:]] = f[column].fillna(0.0)
        return out
    if c.shape is Shape.ACTIVITIES:
        count = f["count"].astype("float64").fillna(1.0).to_numpy() if "count" in f else 1.0
        kind = f["type"].astype(object).to_numpy()
        out = pd.DataFrame({"owner": f["owner"], "when": f["date"]})
        for metric in ("calls", "emails_sent", "meetings"):
            out[metric] = np.where(kind == metric, count, 0.0)
        levels = {r: float(i) for i, r in enumerate(RESULT_LEVELS)}
        level = f["result"].astype(object).map(levels).astype("float64").to_numpy() if "result" in f \
            else np.full(len(f), np.nan)
        for i, metric in enumerate(RESULT_LEVELS):
            out[metric] = out.get(metric, 0.0) + (level >= i)
        amount = f["amount"].astype("float64").fillna(0.0).to_numpy() if "amount" in f else 0.0
        out["revenue"] = np.where(level >= RESULT_LEVELS.index("won"), amount, 0.0)
        return out
    f = f.assign(stage=f["stage"].astype(object))
    engaged = f[f["stage"].isin(["open", "won", "lost"]) & f["date"].notna()]
    meet = pd.DataFrame({"owner": engaged["owner"], "when": engaged["date"], "meetings": 1.0})
    closed = f[f["stage"].isin(["won", "lost"])]
    when = closed["close_date"].fillna(closed["date"]) if "close_date" in closed else closed["date"]
    close = pd.DataFrame({"owner": closed["owner"], "when": when,
                          "won": (closed["stage"] == "won").astype(float),
                          "lost": (closed["stage"] == "lost").astype(float),
                          "revenue": closed["amount"].astype("float64").where(closed["stage"] == "won", 0.0).fillna(0.0)
                          if "amount" in closed else 0.0})
    return pd.concat([meet, close], ignore_index=True).fillna(0.0)


@dataclass
class Actuals:
    """Observed counts per (owner, month) and (owner, ISO week), summed over all files."""

    by_month: pd.DataFrame
    by_week: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)

    @property
    def owners(self) -> list[str]:
        return sorted(self.by_month.index.get_level_values(0).unique())

    @property
    def months(self) -> list[str]:
        return sorted(self.by_month.index.get_level_values(1).unique())

    def rep_month(self, owner: str, month: str) -> dict[str, float]:
        try:
            row = self.by_month.loc[(owner, month)]
        except KeyError:
            return {}
        return {m: float(v) for m, v in row.items()}

    def team_month(self, month: str, owners: list[str] | None = None) -> dict[str, float]:
        if month not in self.months:
            return {}
        frame = self.by_month.xs(month, level=1)
        if owners is not None:
            frame = frame[frame.index.isin(owners)]
        return {m: float(v) for m, v in frame.sum().items()} if len(frame) else {}


def aggregate(cleaned: list[Cleaned], template: Template) -> Actuals:
    both = {c.shape for c in cleaned} == {Shape.ACTIVITIES, Shape.OPPORTUNITIES}
    parts = []
    for c in cleaned:
        part = contributions(c)
        if both:  # meetings come from the activity log, wins and revenue from the deal list
            drop = ["won", "revenue"] if c.shape is Shape.ACTIVITIES else ["meetings"]
            part = part.drop(columns=[d for d in drop if d in part])
        parts.append(part)
    facts = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["owner", "when"])
    extra = [m for m in facts.columns if m in template.tree.metrics and m not in OBSERVED]
    metrics = [m for m in (*OBSERVED, *extra)
               if m in facts.columns and (m in template.tree.metrics or m in ("lost", "open"))]
    facts = facts.dropna(subset=["when"])
    when = facts["when"].dt
    facts["month"] = when.year * 100 + when.month  # integer keys group fast; labelled after
    iso = when.isocalendar()
    facts["week"] = iso["year"].astype("int64") * 100 + iso["week"].astype("int64")
    if not isinstance(facts["owner"].dtype, pd.CategoricalDtype):  # files' names merged into one vocabulary
        facts["owner"] = facts["owner"].astype(str).astype("category")
    by_month = facts.groupby(["owner", "month"], sort=True, observed=True)[metrics].sum()
    by_week = facts.groupby(["owner", "week"], sort=True, observed=True)[metrics].sum()
    by_month.index = by_month.index.set_levels(
        [f"{k // 100}-{k % 100:02d}" for k in by_month.index.levels[1]], level=1)
    by_week.index = by_week.index.set_levels(
        [f"{k // 100}-W{k % 100:02d}" for k in by_week.index.levels[1]], level=1)
    actuals = Actuals(by_month, by_week)
    if all(c.shape is not Shape.OPPORTUNITIES for c in cleaned):  # deals count at engage and close: no funnel
        actuals.findings = impossible_funnels(actuals, template)
    return actuals


def impossible_funnels(actuals: Actuals, template: Template) -> list[Finding]:
    """Rep-months where a stage holds more than the stage it comes from (more connects than
    calls, more meetings than connects …). Sum stages take a missing addend as zero
    (no email column: no emails)."""
    tree = template.tree
    pairs = [(p, c, tree.formulas[p].op) for p, c in pairwise(template.chain)
             if tree.metrics[c].is_count and tree.metrics[p].is_count]  # never yen against deals
    found = []
    for (owner, month), row in actuals.by_month.iterrows():
        counts = {k: float(v) for k, v in row.items()}
        for parent, _, op in pairs:
            if op == "+":
                for addend in tree.formulas[parent].args:
                    counts.setdefault(addend, 0.0)
        values = derive(template, counts)
        for parent, child, op in pairs:
            if parent in values and child in values and op == "*" and values[parent] > values[child]:
                found.append(f"{owner} {month}: {parent} {values[parent]:.0f} > {child} {values[child]:.0f}")
    return [Finding(Rule.IMPOSSIBLE_FUNNEL, "-", [], "; ".join(found[:30]) + (" …" if len(found) > 30 else ""))] \
        if found else []

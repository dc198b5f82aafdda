"""From cleaned rows to counts per rep × month (and ISO week): the engine inputs.

pandas counts what each row says (:mod:`kpi_xl.sfa.outcomes`); the template's ``[observe]``
names those counts (通電 → 通電数 and コネクト数); the engine derives the rest (アプローチ数 =
架電数 + メール送信数, every rate by its own numerator and denominator), so a report and a
plan agree by design. A deal counts as a meeting in its engage month and as won or lost in
its close month. Given both an activity log and a deal or lead list, outcomes of the deal
(won, lost, amount, qualified, lead stages) come from the list and the rest from the log,
so nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from kpi_xl.engine.actuals import derive, partly_observed
from kpi_xl.engine.observations import ACTIVITY_TYPES, OUTCOMES, Observation
from kpi_xl.engine.templates import Template
from kpi_xl.sfa.cleaning import Cleaned
from kpi_xl.sfa.findings import Finding, Rule
from kpi_xl.sfa.header import Shape
from kpi_xl.sfa.tally import LOSS_KEYS, SLOT_KEYS, Tally, merge

# Outcomes of the deal or lead itself: taken from a list when one tells them.
FROM_LISTS = frozenset(Observation(o) for o in ("won", "lost", "amount", "qualified", "lead", "valid_lead", "mql",
                                                 "sql"))
AT_CLOSE = frozenset({Observation.WON, Observation.LOST, Observation.AMOUNT})  # a list counts these at close
EXTRA = (Observation.LOST,)  # counted for the report although no template metric names them


def _activity_facts(c: Cleaned, use: set[Observation]) -> pd.DataFrame:
    f = c.frame
    count = f["count"].astype("float64").fillna(1.0).to_numpy() if "count" in f else 1.0
    out = pd.DataFrame({"owner": f["owner"], "when": f["date"]})
    for o in use:
        if o in ACTIVITY_TYPES:
            out[o.value] = np.where((f["type"] == o.value).to_numpy(dtype=bool), count, 0.0)
        elif o in OUTCOMES:
            out[o.value] = f[f"o:{o.value}"].astype("float64")
    if Observation.AMOUNT in use:
        out[Observation.AMOUNT.value] = np.where(f["o:won"], f["amount"].astype("float64").fillna(0.0), 0.0)
    if Observation.ACCOUNT in use:
        out["account"] = f["account"]
    return out


def _list_facts(c: Cleaned, use: set[Observation]) -> pd.DataFrame:
    """A deal or lead list: stages in the record's month, won/lost/amount in its close month."""
    f = c.frame
    early = [o for o in use if o in OUTCOMES and o not in AT_CLOSE]
    late = [o for o in use if o in AT_CLOSE and o is not Observation.AMOUNT]
    parts = [pd.DataFrame({"owner": f["owner"], "when": f["date"],
                           **{o.value: f[f"o:{o.value}"].astype("float64") for o in early}})]
    if late or Observation.AMOUNT in use:
        closed = f["close_date"].fillna(f["date"]) if "close_date" in f else f["date"]
        close = pd.DataFrame({"owner": f["owner"], "when": closed,
                              **{o.value: f[f"o:{o.value}"].astype("float64") for o in late}})
        if Observation.AMOUNT in use:
            close[Observation.AMOUNT.value] = np.where(f["o:won"], f["amount"].astype("float64").fillna(0.0), 0.0)
        parts.append(close)
    return pd.concat(parts, ignore_index=True)


def facts(c: Cleaned, use: set[Observation]) -> pd.DataFrame:
    """One row per source row and date, with the observations ``use`` it adds (a summary
    table: its metric columns as ``m:<metric>``)."""
    if c.shape is Shape.SUMMARY:
        out = pd.DataFrame({"owner": c.frame["owner"], "when": c.frame["date"]})
        for column in c.frame.columns:
            if column.startswith("m:"):
                out[column] = c.frame[column].fillna(0.0)
            elif column.startswith("n:"):
                out[column[2:]] = c.frame[column].fillna(0.0)
        return out
    return (_activity_facts if c.shape is Shape.ACTIVITIES else _list_facts)(c, use)


def uses(cleaned: list[Cleaned]) -> list[set[Observation]]:
    """Per file, the observations it is counted for: deal outcomes from a list when one
    tells them, everything else from an activity log when one tells it."""
    lists = set().union(*(c.sourced for c in cleaned if c.shape is Shape.OPPORTUNITIES))
    logs = set().union(*(c.sourced for c in cleaned if c.shape is Shape.ACTIVITIES))
    out = []
    for c in cleaned:
        if c.shape is Shape.ACTIVITIES:
            out.append({o for o in c.sourced if not (o in FROM_LISTS and o in lists)})
        else:
            out.append({o for o in c.sourced if o in FROM_LISTS or o not in logs})
    return out


@dataclass
class Actuals:
    """Observed counts per (owner, month) and (owner, ISO week), summed over all files, in
    the template's metrics; what the files could tell; call slots, losses and last touches."""

    by_month: pd.DataFrame
    by_week: pd.DataFrame
    sourced: frozenset[Observation] = frozenset()
    findings: list[Finding] = field(default_factory=list)
    slots: pd.DataFrame = field(default_factory=pd.DataFrame)  # month, weekday, hour, calls, reached
    losses: pd.DataFrame = field(default_factory=pd.DataFrame)  # owner, month, reason, lost
    last_touch: dict[str, pd.Series] = field(default_factory=dict)  # "deal" / "account" → latest activity

    @property
    def owners(self) -> list[str]:
        return sorted(self.by_month.index.get_level_values(0).unique())

    @property
    def months(self) -> list[str]:
        return sorted(self.by_month.index.get_level_values(1).unique())

    def partly_observed(self, template: Template) -> dict[str, tuple[tuple[Observation, ...], tuple[Observation, ...]]]:
        """The metrics these counts feed in part (:func:`kpi_xl.engine.actuals.partly_observed`)."""
        return partly_observed(template, self.sourced, self.by_month.sum().to_dict())

    def rep_month(self, owner: str, month: str) -> dict[str, float]:
        try:
            row = self.by_month.loc[(owner, month)]
        except KeyError:
            return {}
        return {m: float(v) for m, v in row.items()}

    def team_month(self, month: str, owners: Iterable[str] | None = None) -> dict[str, float]:
        if month not in self.months:
            return {}
        frame = self.by_month.xs(month, level=1)
        if owners is not None:
            frame = frame[frame.index.isin(list(owners))]
        return {m: float(v) for m, v in frame.sum().items()} if len(frame) else {}


def tally_of(c: Cleaned, use: set[Observation]) -> Tally:
    """One file's counts for the observations ``use`` (a file read in chunks brings its own)."""
    if c.tally is not None:
        if c.shape is Shape.SUMMARY:
            return c.tally
        return c.tally.only({o.value for o in use}, Observation.ACCOUNT in use)
    return Tally.of(facts(c, use), _slots(c), _touches(c), _losses(c))


def chunk_tally(c: Cleaned) -> Tally:
    """The counts of part of a file for all it tells (which of them count is chosen when the
    files are added up), with each day it has rows on and its owners' teams."""
    tally = Tally.of(facts(c, set(c.sourced)), _slots(c), _touches(c), _losses(c))
    tally.days = c.dates().dt.normalize().drop_duplicates()
    tally.teams = c.teams()
    return tally


def _counted(total: Tally, period: str) -> pd.DataFrame:
    """The sums per owner × period, with the distinct accounts touched as ``account``."""
    out = getattr(total, period).copy()
    if total.accounts is not None:
        distinct = total.accounts.groupby(["owner", period])["account"].nunique()
        out["account"] = distinct.reindex(out.index, fill_value=0).to_numpy()
    return out


def _bind(observed: pd.DataFrame, template: Template) -> pd.DataFrame:
    """Observation columns → the template's metric columns (summed where a metric takes
    several), plus summary tables' metric columns and the extras the report shows."""
    out = pd.DataFrame(index=observed.index)
    for metric, wanted in template.observe.items():
        present = [o.value for o in wanted if o.value in observed]
        if present:
            out[metric] = observed[present].sum(axis=1)
    for column in observed.columns:
        if column.startswith("m:") and column[2:] in template.tree.metrics:
            out[column[2:]] = out[column[2:]] + observed[column] if column[2:] in out else observed[column]
    for extra in EXTRA:
        if extra.value in observed:
            out[extra.value] = observed[extra.value]
    return out


def _labelled(frame: pd.DataFrame, fmt: str) -> pd.DataFrame:
    frame.index = frame.index.set_levels([fmt.format(k // 100, k % 100) for k in frame.index.levels[1]], level=1)
    return frame


def aggregate(cleaned: list[Cleaned], template: Template) -> Actuals:
    wanted = uses(cleaned)
    total = merge([tally_of(c, u) for c, u in zip(cleaned, wanted)])
    by_month = _labelled(_bind(_counted(total, "month"), template), "{}-{:02d}")
    by_week = _labelled(_bind(_counted(total, "week"), template), "{}-W{:02d}")
    sourced = frozenset().union(*wanted) if wanted else frozenset()
    actuals = Actuals(by_month, by_week, sourced, slots=total.slots, losses=total.losses,
                      last_touch=total.touch)
    if all(c.shape is not Shape.OPPORTUNITIES for c in cleaned):  # deals count at engage and close: no funnel
        actuals.findings = impossible_funnels(actuals, template)
    return actuals


def _slots(c: Cleaned) -> pd.DataFrame | None:
    """Calls and calls reached per month × weekday × hour, from rows with a time of day."""
    f = c.frame
    if c.shape is not Shape.ACTIVITIES or Observation.REACHED not in c.sourced or "timed" not in f:
        return None
    calls = f[(f["type"] == Observation.CALL.value) & f["timed"]]
    count = calls["count"].astype("float64").fillna(1.0) if "count" in calls else 1.0
    when = calls["date"].dt
    slots = pd.DataFrame({"month": when.strftime("%Y-%m"), "weekday": when.day_of_week, "hour": when.hour,
                          "calls": count, "reached": calls["o:reached"].astype("float64")})
    return slots.groupby(SLOT_KEYS, as_index=False)[["calls", "reached"]].sum()


def _touches(c: Cleaned) -> dict[str, pd.Series]:
    """The latest activity date per deal ID and per account, from an activity log."""
    out: dict[str, pd.Series] = {}
    if c.shape is not Shape.ACTIVITIES:
        return out
    for link in ("deal", "account"):
        if link in c.frame:
            both = c.frame[[link, "date"]].dropna()
            out[link] = both.groupby(both[link].astype(str))["date"].max()
    return out


def _losses(c: Cleaned) -> pd.DataFrame | None:
    """Lost deals per owner × close month × loss reason (失注理由; blank when not given)."""
    f = c.frame
    if Observation.LOST not in c.sourced or "loss_reason" not in f:
        return None
    lost = f[f["o:lost"]]
    when = lost["close_date"].fillna(lost["date"]) if "close_date" in lost else lost["date"]
    frame = pd.DataFrame({"owner": lost["owner"].astype(str), "month": when.dt.strftime("%Y-%m"),
                          "reason": lost["loss_reason"].fillna("").astype(str)}).dropna(subset=["month"])
    return frame.groupby(LOSS_KEYS, as_index=False).size().rename(columns={"size": "lost"})


def impossible_funnels(actuals: Actuals, template: Template) -> list[Finding]:
    """Rep-months where a stage holds more than the stage it comes from (more connects than
    calls, more meetings than connects …). Sum stages take a missing addend as zero
    (no email column: no emails). A stage the data feeds in part is not held to it: meetings
    set by email outnumber the connects of a log that never says an email was answered."""
    tree = template.tree
    part = actuals.partly_observed(template)
    pairs = [(p, c, tree.formulas[p].op) for p, c in pairwise(template.chain)
             if tree.metrics[c].is_count and tree.metrics[p].is_count and c not in part]  # never yen against deals
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

"""One file's counts — or one chunk's of a file too big to hold — before the files are added
up: observation sums per owner × month and owner × ISO week, the accounts touched (kept as
distinct owner × period × account, so that an account is counted once across files and
chunks), calls per time slot and the latest touch per deal and account. Tallies add up
exactly: every part is a sum, a set or a maximum."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

PERIODS = ("month", "week")
SLOT_KEYS = ["month", "weekday", "hour"]
SLOT_COLUMNS = [*SLOT_KEYS, "calls", "reached"]
LOSS_KEYS = ["owner", "month", "reason"]


def no_slots() -> pd.DataFrame:
    return pd.DataFrame(columns=SLOT_COLUMNS)


def no_losses() -> pd.DataFrame:
    return pd.DataFrame(columns=[*LOSS_KEYS, "lost"])


def _period_codes(when: pd.Series) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per period, each row's code and the keys the codes stand for, sorted: integer keys
    (2026-10 → 202610, ISO week 2026-W41 → 202641) group fast. Computed once per day (a million
    rows fall on a few hundred); ``when`` has no blanks."""
    day = when.to_numpy(dtype="datetime64[D]").view("int64")
    first = int(day.min(initial=0))
    span = int(day.max(initial=0)) - first + 1
    # cleaning keeps dates within 1900-03-01 … 2100-12-31: a row's day indexes a table of ≤ 73,415 days
    day_codes, days = day - first, np.arange(first, first + span)
    dt = pd.Series(days.astype("datetime64[D]")).dt
    iso = dt.isocalendar()
    by_day = {"month": (dt.year * 100 + dt.month).to_numpy(dtype="int64"),
              "week": (iso["year"].astype("int64") * 100 + iso["week"].astype("int64")).to_numpy(dtype="int64")}
    out = {}
    for period, key_of_day in by_day.items():
        keys, code_of_day = np.unique(key_of_day, return_inverse=True)
        out[period] = (code_of_day.reshape(-1)[day_codes], keys)
    return out


def _owner_codes(owner: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's owner as a code into the owners' names, sorted (-1: no owner)."""
    if isinstance(owner.dtype, pd.CategoricalDtype):
        codes, names = owner.cat.codes.to_numpy(dtype=np.int64), owner.cat.categories.astype(str).to_numpy(dtype=object)
    else:  # as text, a blank one included (it is then "nan", as str() writes it)
        codes, names = pd.factorize(owner.astype(str).to_numpy(dtype=object))
        names = np.asarray(names, dtype=object)
    names, merged = np.unique(names, return_inverse=True) if len(names) else (names, np.zeros(0, dtype=np.int64))
    code_of = np.append(merged.reshape(-1), -1)  # the last entry: a code of -1 stays -1
    return code_of[codes], names


def summed(owners: tuple[np.ndarray, np.ndarray], codes: np.ndarray, keys: np.ndarray, values: pd.DataFrame,
           period: str) -> pd.DataFrame:
    """``values`` summed per owner × period key, sorted, one row per pair some row has (what
    ``groupby(["owner", period], sort=True, observed=True).sum()`` gives), counted with
    ``np.bincount`` over one integer per pair instead of hashing every row. ``owners``: each row's
    owner code and the names (:func:`_owner_codes`); ``keys`` holds at least one key."""
    owner_codes, names = owners
    live = owner_codes >= 0
    group = owner_codes[live] * len(keys) + codes[live]
    size = len(names) * len(keys)
    present = np.flatnonzero(np.bincount(group, minlength=size))
    columns = {c: np.bincount(group, weights=values[c].to_numpy(dtype="float64")[live], minlength=size)[present]
               .astype("float64") for c in values.columns}  # (no rows: bincount gives integers)
    index = pd.MultiIndex.from_arrays([pd.Index(names[present // len(keys)], dtype=object).astype(str),
                                       pd.Index(keys[present % len(keys)], dtype="int64")], names=["owner", period])
    return pd.DataFrame(columns, index=index, columns=values.columns)


@dataclass
class Tally:
    month: pd.DataFrame  # index (owner, month key) → one column per observation, summed
    week: pd.DataFrame  # index (owner, week key)
    accounts: pd.DataFrame | None = None  # owner, month, week, account: distinct
    slots: pd.DataFrame = field(default_factory=lambda: no_slots())
    touch: dict[str, pd.Series] = field(default_factory=dict)  # "deal" / "account" → latest activity
    losses: pd.DataFrame = field(default_factory=lambda: no_losses())  # owner, month, reason, lost
    days: pd.Series | None = None  # a chunked file's: each day with a row used
    teams: pd.DataFrame | None = None  # … and owner, team, rows: how many rows name each owner's team

    @classmethod
    def of(cls, facts: pd.DataFrame, slots: pd.DataFrame | None = None,
           touch: dict[str, pd.Series] | None = None, losses: pd.DataFrame | None = None) -> Tally:
        """From fact rows (owner, when, one column per observation, maybe account)."""
        data = facts.dropna(subset=["when"])
        periods = _period_codes(data["when"])
        sums = [c for c in data.columns if c not in ("owner", "when", "account")]
        values = data[sums].astype("float64").fillna(0.0)
        owners = _owner_codes(data["owner"])  # once for both periods
        grouped = {p: summed(owners, *periods[p], values, p) for p in PERIODS}
        accounts = None
        if "account" in data:
            by_period = pd.DataFrame({p: keys[codes] for p, (codes, keys) in periods.items()}, index=data.index)
            accounts = pd.concat([data[["owner"]].astype(str), by_period, data[["account"]]], axis=1)
            accounts = accounts.loc[data["account"].notna().to_numpy()].drop_duplicates()
        return cls(grouped["month"], grouped["week"], accounts,
                   slots if slots is not None else no_slots(), touch or {},
                   losses if losses is not None else no_losses())

    def only(self, columns: set[str], accounts: bool) -> Tally:
        """The same counts, for the observations a file is counted for."""
        keep = [c for c in self.month.columns if c in columns]
        return replace(self, month=self.month[keep], week=self.week[keep],
                       accounts=self.accounts if accounts else None)


def merge(tallies: list[Tally]) -> Tally:
    """Several tallies as one: sums added, accounts united, slots and losses added, touches the latest."""
    if not tallies:
        return Tally.of(pd.DataFrame({"owner": pd.Series(dtype=str), "when": pd.Series(dtype="datetime64[ns]")}))
    if len(tallies) == 1:
        return tallies[0]
    accounts = [t.accounts for t in tallies if t.accounts is not None]
    days = [t.days for t in tallies if t.days is not None]
    teams = [t.teams for t in tallies if t.teams is not None]
    slots = _summed([t.slots for t in tallies], SLOT_KEYS, ["calls", "reached"])
    losses = _summed([t.losses for t in tallies], LOSS_KEYS, ["lost"])
    return Tally(_add([t.month for t in tallies]), _add([t.week for t in tallies]),
                 pd.concat(accounts, ignore_index=True).drop_duplicates() if accounts else None,
                 no_slots() if slots is None else slots, _latest([t.touch for t in tallies]),
                 no_losses() if losses is None else losses,
                 pd.Series(pd.concat(days).unique()).sort_values(ignore_index=True) if days else None,
                 _summed(teams, ["owner", "team"], ["rows"]))


def _add(frames: list[pd.DataFrame]) -> pd.DataFrame:
    both = pd.concat(frames)
    return both.fillna(0.0).groupby(level=[0, 1], sort=True).sum()


def _summed(frames: list[pd.DataFrame], keys: list[str], columns: list[str]) -> pd.DataFrame | None:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames).groupby(keys, as_index=False)[columns].sum() if frames else None


def _latest(touches: list[dict[str, pd.Series]]) -> dict[str, pd.Series]:
    links = {link for touch in touches for link in touch}
    return {link: pd.concat([t[link] for t in touches if link in t]).groupby(level=0).max() for link in links}

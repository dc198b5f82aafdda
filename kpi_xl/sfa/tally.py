"""One file's counts — or one chunk's of a file too big to hold — before the files are added
up: observation sums per owner × month and owner × ISO week, the accounts touched (kept as
distinct owner × period × account, so that an account is counted once across files and
chunks), calls per time slot and the latest touch per deal and account. Tallies add up
exactly: every part is a sum, a set or a maximum."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

PERIODS = ("month", "week")
SLOT_KEYS = ["month", "weekday", "hour"]
SLOT_COLUMNS = [*SLOT_KEYS, "calls", "reached"]
LOSS_KEYS = ["owner", "month", "reason"]


def no_slots() -> pd.DataFrame:
    return pd.DataFrame(columns=SLOT_COLUMNS)


def no_losses() -> pd.DataFrame:
    return pd.DataFrame(columns=[*LOSS_KEYS, "lost"])


def _keys(when: pd.Series) -> pd.DataFrame:
    """Integer period keys (2026-10 → 202610, ISO week 2026-W41 → 202641): they group fast.
    Computed once per day (a million rows fall on a few hundred); ``when`` has no blanks."""
    codes, days = pd.factorize(when.to_numpy(dtype="datetime64[D]"))
    dt = pd.Series(days).dt
    iso = dt.isocalendar()
    month = (dt.year * 100 + dt.month).to_numpy(dtype="int64")
    week = (iso["year"].astype("int64") * 100 + iso["week"].astype("int64")).to_numpy(dtype="int64")
    return pd.DataFrame({"month": month[codes], "week": week[codes]}, index=when.index)


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
        data = pd.concat([data.drop(columns="when"), _keys(data["when"])], axis=1)
        if not isinstance(data["owner"].dtype, pd.CategoricalDtype):
            data["owner"] = data["owner"].astype(str).astype("category")
        sums = [c for c in data.columns if c not in ("owner", "account", *PERIODS)]
        data[sums] = data[sums].astype("float64").fillna(0.0)
        grouped = {p: data.groupby(["owner", p], sort=True, observed=True)[sums].sum() for p in PERIODS}
        accounts = None
        if "account" in data:
            accounts = data.loc[data["account"].notna(), ["owner", *PERIODS, "account"]].astype(
                {"owner": str}).drop_duplicates()
        return cls(_plain(grouped["month"]), _plain(grouped["week"]), accounts,
                   slots if slots is not None else no_slots(), touch or {},
                   losses if losses is not None else no_losses())

    def only(self, columns: set[str], accounts: bool) -> Tally:
        """The same counts, for the observations a file is counted for."""
        keep = [c for c in self.month.columns if c in columns]
        return replace(self, month=self.month[keep], week=self.week[keep],
                       accounts=self.accounts if accounts else None)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Owners as text in the index, so that tallies of files with different owners add up."""
    frame.index = frame.index.set_levels(frame.index.levels[0].astype(str), level=0)
    return frame


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

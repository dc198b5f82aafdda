"""Synthetic SFA/CTI exports with known truth, written in the shapes real tools write.

Each call is generated with its outcomes decided first (reached ⇒ maybe a conversation ⇒
maybe a meeting ⇒ maybe won), so the truth per rep and month is a plain count over the
generated calls — never a number the code under test computed."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

# Names with characters only Microsoft's cp932 has (NEC/IBM extensions) or that other
# Shift_JIS variants decode differently: 髙 (IBM), 﨑 (IBM), ① ㈱ (NEC), ～ and −.
REPS = ["髙橋 一郎", "山﨑 花子", "①営業 ㈱太郎", "鈴木～次郎", "佐藤−三郎"]
REASONS = ["価格", "競合", "時期尚早", ""]


@dataclass(frozen=True)
class Call:
    rep: str
    when: datetime
    seconds: int
    meeting: bool
    won: bool
    amount: int
    reason: str  # a loss reason for a meeting that was lost

    @property
    def reached(self) -> bool:
        return self.seconds >= 1

    @property
    def conversation(self) -> bool:
        return self.seconds >= 120

    @property
    def lost(self) -> bool:
        return bool(self.reason)

    @property
    def month(self) -> str:
        return f"{self.when:%Y-%m}"


def make_calls(seed: int = 1, per_rep: int = 120, first: datetime = datetime(2026, 9, 1)) -> list[Call]:
    """Calls over two months on weekdays 9:00–18:00; outcomes nested as in real funnels."""
    rnd = random.Random(seed)
    calls = []
    for rep in REPS:
        for _ in range(per_rep):
            day = first + timedelta(days=rnd.randrange(61))
            while day.weekday() >= 5:
                day += timedelta(days=1)
            when = day.replace(hour=rnd.randrange(9, 18), minute=rnd.randrange(60), second=rnd.randrange(60))
            seconds = 0 if rnd.random() < 0.6 else rnd.choice([1, 15, 59, 119, 120, 121, 300, 900])
            meeting = seconds >= 120 and rnd.random() < 0.4
            won = meeting and rnd.random() < 0.3
            reason = rnd.choice(REASONS[:3]) if meeting and not won and rnd.random() < 0.6 else ""
            calls.append(Call(rep, when, seconds, meeting, won, rnd.randrange(10, 200) * 10_000 if won else 0, reason))
    return calls


def truth(calls: list[Call]) -> dict[tuple[str, str], Counter]:
    """(rep, month) → counts, straight from the generated calls."""
    out: dict[tuple[str, str], Counter] = {}
    for c in calls:
        counts = out.setdefault((c.rep, c.month), Counter())
        counts["calls"] += 1
        counts["reached"] += c.reached
        counts["conversation"] += c.conversation
        counts["meeting"] += c.meeting
        counts["won"] += c.won
        counts["amount"] += c.amount
        counts["lost"] += c.lost
    return out


@dataclass(frozen=True)
class Vocab:
    """How one tool names its flag columns and writes yes and no."""

    reached: str
    meeting: str
    won: str
    yes: object
    no: object


VOCABS = {
    "ja_01": Vocab("通電", "商談化", "受注", "1", "0"),
    "ja_marks": Vocab("接続有無", "アポ獲得", "成約", "○", "×"),
    "ja_words": Vocab("コネクト", "アポ", "受注有無", "あり", "なし"),
    "en_bool": Vocab("Connected", "Meeting Set", "Won", "TRUE", "FALSE"),
    "en_yes": Vocab("reached", "appointment set", "closed won", "Yes", "No"),
}


def flag_frame(calls: list[Call], vocab: Vocab, *, typed: bool = False) -> pd.DataFrame:
    """One row per call: date-time, owner, flags, amount, a memo column kpi_xl must list as ignored.
    ``typed``: Python values (datetime, bool) as an XLSX or Parquet writer would store them."""
    def flag(value: bool) -> object:
        if typed:
            return value
        return vocab.yes if value else vocab.no

    return pd.DataFrame({
        "架電日時": [c.when if typed else f"{c.when:%Y/%m/%d %H:%M}" for c in calls],
        "担当者": [c.rep for c in calls],
        vocab.reached: [flag(c.reached) for c in calls],
        vocab.meeting: [flag(c.meeting) for c in calls],
        vocab.won: [flag(c.won) for c in calls],
        "受注金額": [c.amount if c.won else None for c in calls],
        "メモ": ["折り返し希望" if i % 7 == 0 else "" for i in range(len(calls))],
    })


def write_csv(frame: pd.DataFrame, path: Path, encoding: str) -> Path:
    """As Japanese Excel or a CTI tool writes it: CRLF, the given encoding (BOM for utf-8-sig)."""
    text = frame.to_csv(index=False, lineterminator="\r\n")
    path.write_bytes(text.encode(encoding))
    return path


def result_word(c: Call) -> str:
    """A 通話結果 column's value for a call: its furthest outcome."""
    return "受注" if c.won else "アポ獲得" if c.meeting else "有効会話" if c.conversation else \
        "通電" if c.reached else "不在"

"""What an SFA/CRM export can tell about one row, before any template gives it a name.

An export says "this call reached someone", "this deal was won", "this lead is an MQL";
a template binds those observations to its metrics (``[observe]``: 通電 → 通電数 and
コネクト数, 受注 → 受注数 or 成約数 …). The ladders say what a later outcome implies on the
same row: a call that set a meeting also reached someone and was a conversation; a lead at
SQL was also an MQL. An implied outcome is only counted where the file can tell that outcome
at all (a column or value for it), so a missing stage stays "no data", never a number made
up from the stages above it.
"""

from __future__ import annotations

from enum import Enum


class Observation(str, Enum):
    """One thing an export row can say. Activity types are counted with the row's 件数."""

    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"  # a meeting or visit held, as an activity type
    REACHED = "reached"  # 通電: the call was answered (≥ 1 s)
    CONVERSATION = "conversation"  # 有効会話 / 有効架電: a real talk (≥ 2 min by default)
    KEYMAN = "keyman"  # キーマン接続: the decision maker reached
    OPENED = "opened"
    CLICKED = "clicked"
    REPLIED = "replied"
    MEETING = "meeting"  # 商談化 / アポ獲得: a meeting set
    QUALIFIED = "qualified"  # 有効商談
    WON = "won"
    LOST = "lost"
    AMOUNT = "amount"  # 受注金額: counted on won rows only
    ACCOUNT = "account"  # distinct 取引先 approached by a rep in the period
    LEAD = "lead"
    VALID_LEAD = "valid_lead"
    MQL = "mql"
    SQL = "sql"

    @property
    def is_type(self) -> bool:
        """An activity type: counted with the row's 件数, not once per row."""
        return self in ACTIVITY_TYPES


ACTIVITY_TYPES = (Observation.CALL, Observation.EMAIL, Observation.VISIT)
# A flag or value that can be set on a row (everything but types, amounts and accounts).
OUTCOMES = tuple(o for o in Observation if o not in (*ACTIVITY_TYPES, Observation.AMOUNT, Observation.ACCOUNT))

# The activity each outcome happens on: a reply needs an email sent, a call reached a call.
CHANNEL = {Observation.REACHED: Observation.CALL, Observation.CONVERSATION: Observation.CALL,
           Observation.KEYMAN: Observation.CALL, Observation.OPENED: Observation.EMAIL,
           Observation.CLICKED: Observation.EMAIL, Observation.REPLIED: Observation.EMAIL}

# Per channel, outcomes from first to last: each implies every one before it on that row.
_AFTER_MEETING = (Observation.MEETING, Observation.QUALIFIED, Observation.WON)
LADDERS: dict[Observation | None, tuple[Observation, ...]] = {
    Observation.CALL: (Observation.REACHED, Observation.CONVERSATION, Observation.KEYMAN, *_AFTER_MEETING),
    Observation.EMAIL: (Observation.OPENED, Observation.REPLIED, *_AFTER_MEETING),
    Observation.VISIT: _AFTER_MEETING,
    None: (Observation.LEAD, Observation.VALID_LEAD, Observation.MQL, Observation.SQL, *_AFTER_MEETING),
}
# Outcomes outside the ladders, with the ladder step they imply: a click means the email was
# opened; in a deal list a lost deal was a meeting (on an activity row a loss reason may be
# a prospect declining on the call, so it implies nothing there).
IMPLIES = {Observation.CLICKED: Observation.OPENED}
LIST_IMPLIES = {**IMPLIES, Observation.LOST: Observation.MEETING}

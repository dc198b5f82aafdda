"""What each row of a file says happened: its activity type and outcomes, from flag columns
(通電 0/1, 受注 ○/×), a result column (通話結果), a call duration (≥ 1 s reached, ≥ 2 min a
conversation) and a deal or lead stage. A later outcome implies the earlier ones of its
channel (:data:`~kpi_xl.engine.observations.LADDERS`) — only for outcomes the file can tell,
so an outcome nothing in the file speaks of stays "no data"."""

from __future__ import annotations

import pandas as pd

from kpi_xl.engine.observations import CHANNEL, IMPLIES, LADDERS, LIST_IMPLIES, OUTCOMES, Observation
from kpi_xl.sfa.context import Context
from kpi_xl.sfa.findings import Finding, Rule
from kpi_xl.sfa.header import Shape
from kpi_xl.sfa.parsing import duration_unit, lookup_words, parse_durations, parse_flags
from kpi_xl.sfa.vocabulary import LEAD_STAGES, NO_RESULT, key

CALL_OUTCOMES = frozenset(o for o, channel in CHANNEL.items() if channel is Observation.CALL)
EMAIL_OUTCOMES = frozenset(o for o, channel in CHANNEL.items() if channel is Observation.EMAIL)
# A stage's outcome: the stage names it, but for 商談中 (a meeting) and 対象外 (still a lead).
STAGE_OUTCOME = {stage: Observation({"open": "meeting", "disqualified": "lead"}.get(stage, stage))
                 for stage in ("lead", "valid_lead", "mql", "sql", "open", "qualified", "won", "lost", "disqualified")}


def _or(found: dict[Observation, pd.Series], outcome: Observation, mask: pd.Series) -> None:
    found[outcome] = found[outcome] | mask if outcome in found else mask


def _flags(ctx: Context, found: dict[Observation, pd.Series]) -> None:
    """Yes/no outcome columns; a value that is neither yes nor no is noted and counted as no."""
    if ctx.header.shape is Shape.SUMMARY:  # there they are counts, read with the metric columns
        return
    yes, no = ({key(w) for w in ctx.vocab.flag_values[k]} for k in ("yes", "no"))
    for outcome, position in ctx.header.flags.items():
        raw = ctx.data.iloc[:, position]
        flags, unknown = parse_flags(raw, yes, no)
        name = ctx.header.names[position]
        ctx.note(Rule.UNKNOWN_FLAG, unknown, detail=ctx.unknown_values(raw, raw.where(~unknown), f"{name}: "))
        _or(found, Observation(outcome), flags)
        ctx.sourced.add(Observation(outcome))


def _results(ctx: Context, found: dict[Observation, pd.Series]) -> pd.Series:
    """A result column: each value names an outcome, says nothing happened (不在), or is noted.
    The rows whose result says nothing happened (不在, 留守電, voicemail)."""
    if ctx.column("result") is None:
        return pd.Series(False, index=ctx.data.index)
    raw = ctx.text("result")
    mapped = lookup_words(raw, ctx.vocab.lookup(ctx.vocab.results))
    ctx.note(Rule.UNKNOWN_RESULT, raw.notna() & mapped.isna(), detail=ctx.unknown_values(raw, mapped))
    present = set(mapped[~ctx.excluded].dropna().unique()) - {NO_RESULT}
    for name in present:
        _or(found, Observation(name), (mapped == name).astype(bool))
        ctx.sourced.add(Observation(name))
    return (mapped == NO_RESULT).fillna(False).astype(bool)


def _durations(ctx: Context, found: dict[Observation, pd.Series], silent: pd.Series) -> None:
    """通話時間: ≥ 1 s reached (通電), ≥ ``conversation_seconds`` a conversation (有効架電) —
    but not where the result says nothing happened (``silent``): a 留守電 of 30 s reached a
    voicemail, not a person."""
    raw = ctx.column("duration")
    if raw is None:
        return
    unit = duration_unit(ctx.header.names[ctx.header.fields["duration"]], raw)
    seconds, bad = parse_durations(raw, unit)
    ctx.note(Rule.BAD_DURATION, bad, detail=ctx.header.names[ctx.header.fields["duration"]])
    ctx.frame["duration"] = seconds
    _or(found, Observation.REACHED, (seconds >= 1).fillna(False).astype(bool) & ~silent)
    _or(found, Observation.CONVERSATION, (seconds >= ctx.vocab.conversation_seconds).fillna(False).astype(bool)
        & ~silent)
    ctx.sourced |= {Observation.REACHED, Observation.CONVERSATION}


def _stage_outcomes(ctx: Context, found: dict[Observation, pd.Series]) -> None:
    """A deal or lead stage: 商談中 a meeting, 受注 won, MQL …; in a lead list every row is a lead."""
    if "stage" not in ctx.frame:
        return
    stage = ctx.frame["stage"]
    present = set(stage[~ctx.excluded].dropna().unique())
    for name, outcome in STAGE_OUTCOME.items():
        if name in present:
            _or(found, outcome, (stage == name).astype(bool))
            ctx.sourced.add(outcome)
    if present & set(LEAD_STAGES):
        _or(found, Observation.LEAD, stage.notna().astype(bool))


def _loss_reasons(ctx: Context, found: dict[Observation, pd.Series]) -> None:
    """A row with a loss reason (失注理由) was lost."""
    if "loss_reason" in ctx.frame:
        _or(found, Observation.LOST, ctx.frame["loss_reason"].notna().astype(bool))
        ctx.sourced.add(Observation.LOST)


def _channel(ctx: Context) -> Observation:
    """The type of every row of an activity file without a type column: email when the file
    speaks only of email outcomes, else a call (a CTI log)."""
    told = ctx.sourced & (CALL_OUTCOMES | EMAIL_OUTCOMES)
    return Observation.EMAIL if told and told <= EMAIL_OUTCOMES else Observation.CALL


def _types(ctx: Context, found: dict[Observation, pd.Series]) -> None:
    if ctx.header.shape is not Shape.ACTIVITIES:
        return
    if ctx.column("type") is None:
        channel = _channel(ctx)
        ctx.frame["type"] = channel.value
        ctx.findings.append(Finding(Rule.ASSUMED_TYPE, ctx.name, [], channel.value))  # the whole file
        ctx.sourced.add(channel)
        return
    raw_type = ctx.text("type")
    mapped = lookup_words(raw_type, ctx.vocab.lookup(ctx.vocab.types))
    ctx.exclude(Rule.UNKNOWN_TYPE, mapped.isna(), detail=ctx.unknown_values(raw_type, mapped))
    ctx.frame["type"] = mapped
    ctx.sourced |= {Observation.CALL, Observation.EMAIL}
    visits = (mapped == Observation.VISIT.value) & ~ctx.excluded
    if visits.any():  # a meeting held was a meeting set
        ctx.sourced |= {Observation.VISIT, Observation.MEETING}
        _or(found, Observation.MEETING, visits.astype(bool))


def _ladders(ctx: Context, found: dict[Observation, pd.Series]) -> dict[Observation, pd.Series]:
    """Each row's outcomes with what they imply on its channel, for the outcomes the file tells."""
    kinds = ctx.frame.get("type")
    implied = dict(found)
    for outcome, step in (IMPLIES if kinds is not None else LIST_IMPLIES).items():
        if outcome in found:
            _or(implied, step, found[outcome])
    out = {o: found.get(o, pd.Series(False, index=ctx.data.index)).copy() for o in OUTCOMES if o in ctx.sourced}
    for channel, ladder in LADDERS.items():
        if (channel is None) != (kinds is None):
            continue
        rows = pd.Series(True, index=ctx.data.index) if kinds is None else (kinds == channel.value)
        level = pd.Series(-1, index=ctx.data.index)
        for i, outcome in enumerate(ladder):
            if outcome in implied:
                level = level.mask(implied[outcome].fillna(False).astype(bool) & rows, i)
        for i, outcome in enumerate(ladder):
            if outcome in out:
                out[outcome] = out[outcome] | (level >= i)
    return out


def outcomes(ctx: Context) -> None:
    """Set ``type`` (activities) and one ``o:<outcome>`` column per outcome the file tells."""
    found: dict[Observation, pd.Series] = {}
    _flags(ctx, found)
    silent = _results(ctx, found)
    _durations(ctx, found, silent)
    _stage_outcomes(ctx, found)
    _loss_reasons(ctx, found)
    _types(ctx, found)
    for outcome, mask in _ladders(ctx, found).items():
        ctx.frame[f"o:{outcome.value}"] = mask.fillna(False).astype(bool).to_numpy()
    if "amount" in ctx.frame and Observation.WON in ctx.sourced:
        ctx.sourced.add(Observation.AMOUNT)
    if ctx.header.shape is Shape.ACTIVITIES and ctx.column("account") is not None:
        ctx.sourced.add(Observation.ACCOUNT)


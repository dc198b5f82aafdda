"""Who gets a share of the team target: the plan's reps only; other owners are listed."""

from __future__ import annotations

import pytest

from kpi_xl.engine.plan import build_plan
from kpi_xl.engine.settings import spec_from_settings
from kpi_xl.report.reps import RepKind, owners_of, rep_goals

BASE = {"template": "sdr", "kgi": 120_000_000, "unit_price": 1_000_000, "fiscal_year": 2026,
        "rates": {"受注率": "20%", "商談化率": "10%"}}


def test_a_named_plan_targets_its_reps_and_lists_everyone_else():
    plan = build_plan(spec_from_settings({**BASE, "reps": ["佐藤 健", "鈴木 美咲", "新人 太郎"]}))
    owners = owners_of(plan, ["佐藤 健", "佐藤　健", "ｻﾄｳ", "鈴木 美咲", "山田 花子"], {})
    kinds = {o.name: (o.kind, o.of) for o in owners}
    assert kinds == {"佐藤 健": (RepKind.PLAN, None), "鈴木 美咲": (RepKind.PLAN, None),
                     "新人 太郎": (RepKind.PLAN, None), "佐藤　健": (RepKind.VARIANT, "佐藤 健"),
                     "ｻﾄｳ": (RepKind.UNPLANNED, None), "山田 花子": (RepKind.UNPLANNED, None)}
    goals = rep_goals(plan, ["meetings", "won", "revenue", "win_rate"], 6, owners)
    for metric in ("meetings", "won", "revenue"):
        team = plan.month_targets(metric)[6]
        assert sum(g for g in goals[metric] if g is not None) == pytest.approx(team)
        assert [g for o, g in zip(owners, goals[metric]) if o.kind is not RepKind.PLAN] == [None] * 3
    assert goals["win_rate"][0] == 0.2


def test_a_plan_of_n_reps_shares_equally_over_distinct_owners():
    plan = build_plan(spec_from_settings({**BASE, "reps": 3}))
    activity = {"佐藤 健": 900, "佐藤　健": 3, "鈴木": 800, "田中": 700}
    owners = owners_of(plan, list(activity), activity)
    kinds = {o.name: (o.kind, o.of) for o in owners}
    assert kinds["佐藤　健"] == (RepKind.VARIANT, "佐藤 健")  # the rarer spelling of the same person
    assert [o.name for o in owners if o.kind is RepKind.SHARE] == ["佐藤 健", "田中", "鈴木"]
    goals = rep_goals(plan, ["meetings"], 0, owners)["meetings"]
    team = plan.month_targets("meetings")[0]
    shares = [g for g in goals if g is not None]
    assert len(shares) == 3 and sum(shares) == team and max(shares) - min(shares) <= 1

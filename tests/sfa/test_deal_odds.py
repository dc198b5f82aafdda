"""An open deal's chance to win in the days left, against a plain pandas count of the same
synthetic deal list."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from kpi_xl.engine.templates import get_template
from kpi_xl.sfa.deal_odds import deals_of
from kpi_xl.sfa.ingest import ingest

TODAY = date(2026, 10, 15)


@pytest.fixture(scope="module")
def deal_list(tmp_path_factory):
    rng = np.random.default_rng(7)
    rows = []
    for i in range(600):
        start = date(2026, 1, 5) + timedelta(days=int(rng.integers(0, 280)))
        lasted = int(rng.integers(1, 120))
        end = start + timedelta(days=lasted)
        stage = "受注" if rng.random() < 0.4 else "失注"
        if end > date(2026, 10, 31) or rng.random() < 0.1:
            stage, end = "商談中", None
        rows.append({"商談ID": f"D{i:04d}", "担当者": f"担当{i % 5}", "商談ステータス": stage,
                     "商談開始日": start.isoformat(), "受注日": end.isoformat() if end else "",
                     "金額": 100_000 * (1 + i % 7) if stage == "受注" else ""})
    path = tmp_path_factory.mktemp("odds") / "deals.csv"
    frame = pd.DataFrame(rows)
    frame.to_csv(path, index=False, encoding="utf-8")
    return path, frame


def expected_chance(frame: pd.DataFrame, age: int, days: int) -> tuple[float, int]:
    """Deals open at ``age`` whose next ``days`` passed by TODAY, as the data stood on TODAY."""
    start = pd.to_datetime(frame["商談開始日"])
    end = pd.to_datetime(frame["受注日"].replace("", None))
    today = pd.Timestamp(TODAY)
    known = frame["商談ステータス"].isin(["受注", "失注"]) & (end <= today)
    lasted = (end - start).dt.days.where(known, np.inf)
    seen = (start + pd.Timedelta(days=age + days) <= today) & (lasted > age)
    won = seen & known & (frame["商談ステータス"] == "受注") & (lasted <= age + days)
    return won.sum() / seen.sum(), int(seen.sum())


@pytest.mark.parametrize(("age", "days"), [(0, 16), (10, 16), (30, 5), (60, 30), (90, 0)])
def test_chance_equals_a_pandas_count(deal_list, age, days):
    path, frame = deal_list
    deals = deals_of(ingest([path], get_template("sdr")))
    got, seen = deals.as_of(TODAY).chance(age, days, TODAY)
    want, want_seen = expected_chance(frame, age, days)
    assert seen == want_seen and got == pytest.approx(want)


def test_as_of_reopens_what_closed_later(deal_list):
    path, frame = deal_list
    deals = deals_of(ingest([path], get_template("sdr"))).as_of(TODAY)
    start = pd.to_datetime(frame["商談開始日"])
    end = pd.to_datetime(frame["受注日"].replace("", None))
    still_open = (start <= pd.Timestamp(TODAY)) & (end.isna() | (end > pd.Timestamp(TODAY)))
    assert int(deals.open_mask().sum()) == int(still_open.sum())
    won = frame["商談ステータス"].eq("受注") & (end <= pd.Timestamp(TODAY))
    assert deals.won_between(date(2026, 1, 1), TODAY) == (won.sum(), pd.to_numeric(frame["金額"][won]).sum())

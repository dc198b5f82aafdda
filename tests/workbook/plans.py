"""Seeded random plan settings for the differential tests (a table of varied plans)."""

from __future__ import annotations

import random
from typing import Any

CHAINS = {
    "sdr": {"rates": ["受注率", "商談化率", "コネクト率"], "volumes": {"メール送信数": (0, 3000)}},
    "call": {"rates": ["受注率", "有効商談率", "商談獲得率", "有効架電率", "通電率"], "volumes": {}},
    "bdr": {"rates": ["受注率", "商談化率", "キーマンコネクト率"], "volumes": {}},
    "email": {"rates": ["受注率", "商談化率", "返信率", "開封率"], "volumes": {}},
    "the_model": {"rates": ["受注率", "商談化率", "SQL転換率", "MQL転換率"], "volumes": {}},
}


def random_settings(seed: int) -> dict[str, Any]:
    rnd = random.Random(seed)
    template = rnd.choice(sorted(CHAINS))
    spec = CHAINS[template]
    rates = {name: round(rnd.uniform(0.03, 0.6), rnd.choice([2, 3, 4])) for name in spec["rates"]}
    volumes = {name: rnd.randint(*bounds) for name, bounds in spec["volumes"].items()}
    reps: list[Any] = []
    for i in range(rnd.randint(1, 7)):
        rep: dict[str, Any] = {"name": f"担当{i + 1}", "capacity": rnd.choice([1, 1, 1, 0.5, 0.8])}
        if rnd.random() < 0.3:
            rep["start"] = f"{2026 + rnd.randint(0, 1)}-{rnd.randint(1, 12):02d}"
            rep["ramp"] = [rnd.choice([0.25, 0.5]), rnd.choice([0.5, 0.75])][: rnd.randint(1, 2)]
        reps.append(rep)
    if all(r.get("start") for r in reps):
        reps[0].pop("start")
        reps[0].pop("ramp", None)
    chain_stage = {"sdr": "受注数", "call": "受注数", "bdr": "受注数", "email": "受注数", "the_model": "受注件数"}
    settings: dict[str, Any] = {
        "template": template,
        "kgi": rnd.choice([12_000_000, 100_000_000, 123_456_789, 7_777_777, 500_000_000]),
        "unit_price": rnd.choice([300_000, 1_000_000, 1_234_567, 2_500_000]),
        "rates": rates,
        "volumes": volumes,
        "fiscal_year": rnd.choice([2025, 2026, 2027]),
        "fy_start": rnd.choice([4, 4, 1, 10, 7]),
        "split": rnd.choice(["equal", "weighted"]),
        "reps": reps,
        "holidays": rnd.choice([[], ["2026-12-29..2027-01-03"], ["2026-08-13..2026-08-14", "2027-05-01"]]),
        "exact": rnd.random() < 0.15,
    }
    if rnd.random() < 0.4:
        settings["leads"] = {chain_stage[template]: rnd.randint(1, 2)}
    if rnd.random() < 0.2:
        settings["quarter"] = rnd.randint(1, 4)
    _lag_shares(settings, chain_stage[template], random.Random(f"lag{seed}"))
    return settings


# Every template, with the inputs its chain needs: rate names → (low, high); volumes likewise.
VARIED = {
    "sdr": ({"受注率": (0.05, 0.5), "商談化率": (0.03, 0.4), "コネクト率": (0.05, 0.3)}, {"メール送信数": (0, 20000)}),
    "call": ({"受注率": (0.1, 0.6), "有効商談率": (0.3, 0.9), "商談獲得率": (0.05, 0.4), "有効架電率": (0.05, 0.25),
              "通電率": (0.3, 0.7)}, {}),
    "bdr": ({"受注率": (0.05, 0.5), "商談化率": (0.05, 0.5), "キーマンコネクト率": (0.05, 0.4)},
            {"1社あたりアプローチ数": (1, 6), "メール送信数": (0, 5000)}),
    "email": ({"受注率": (0.05, 0.5), "商談化率": (0.05, 0.6), "返信率": (0.005, 0.1)}, {}),
    "the_model": ({"受注率": (0.05, 0.5), "商談化率": (0.2, 0.8), "SQL転換率": (0.1, 0.6), "MQL転換率": (0.1, 0.6),
                   "転換率": (0.005, 0.05)}, {}),
    "new_business": ({"成約率": (0.05, 0.5), "商談化率": (0.3, 0.9), "アポイント率": (0.02, 0.2)}, {}),
    "route": ({"訪問受注率": (0.05, 0.5)}, {}),
    "saas": ({"トライアル転換率": (0.003, 0.3)}, {}),
    "manufacturing": ({"見積受注率": (0.05, 0.6)}, {}),
    "real_estate": ({"契約率": (0.005, 0.1)}, {}),
}


def _awkward(rnd: random.Random, low: float, high: float) -> float:
    """A rate with an awkward number of decimals (0.3, 0.127, 0.0463 …)."""
    return round(rnd.uniform(low, high), rnd.choice([2, 3, 4]))


def _reps(rnd: random.Random, fiscal_year: int) -> list[Any]:
    reps: list[Any] = []
    for i in range(rnd.randint(1, 6)):
        rep: dict[str, Any] = {"name": rnd.choice(["担当", "Rep ", "髙橋", "=1+1 "]) + str(i + 1),
                               "capacity": rnd.choice([1, 1, 1, 0.5, 0.8, 0.3])}
        if rnd.random() < 0.35:
            rep["start"] = f"{fiscal_year + rnd.randint(0, 1)}-{rnd.randint(1, 12):02d}"
            rep["ramp"] = [rnd.choice([0.2, 0.25, 0.5, 0.6, 0.75, 0.9]) for _ in range(rnd.randint(1, 6))]
        reps.append(rep)
    if all(r.get("start") for r in reps):
        reps[0].pop("start")
        reps[0].pop("ramp", None)
    return reps


def varied_settings(seed: int) -> dict[str, Any]:
    """A random valid plan over every template and option a user can set."""
    rnd = random.Random(seed)
    template = sorted(VARIED)[seed % len(VARIED)]
    rates, volumes = VARIED[template]
    fiscal_year = rnd.choice([2025, 2026, 2027, 2028])
    settings: dict[str, Any] = {
        "template": template,
        "rates": {name: _awkward(rnd, *bounds) for name, bounds in rates.items()},
        "volumes": {name: (rnd.randint(int(lo), int(hi)) if hi > 10 else round(rnd.uniform(lo, hi), 1))
                    for name, (lo, hi) in volumes.items()},
        "fiscal_year": fiscal_year, "fy_start": rnd.choice([4, 4, 1, 10, 7]),
        "split": rnd.choice(["equal", "weighted"]), "reps": _reps(rnd, fiscal_year),
        "holidays": rnd.choice([[], [f"{fiscal_year}-12-29..{fiscal_year + 1}-01-03"],
                                [f"{fiscal_year}-08-13..{fiscal_year}-08-14", f"{fiscal_year + 1}-05-01"]]),
        "exact": rnd.random() < 0.15, "scenario": rnd.choice([0, 0, 0, 1, 2]), "lang": rnd.choice(["ja", "en"]),
    }
    kgi = 10 ** rnd.uniform(5, 10)
    settings["kgi"] = round(kgi, rnd.choice([-3, 0, 0, 2]))
    settings["unit_price"] = round(kgi / rnd.uniform(3, 300), rnd.choice([-3, 0]))
    if template == "the_model" and rnd.random() < 0.3:  # 002: a KGI that is a rate
        settings.pop("kgi")
        settings.pop("unit_price")
        settings["target"] = f"継続率={rnd.randint(70, 99)}%"
        settings["volumes"] = {"更新対象顧客数": rnd.randint(20, 3000)}
    if rnd.random() < 0.35 and "kgi" in settings:
        settings["leads"] = {_first_stage(template): rnd.randint(1, 2)}
    if rnd.random() < 0.2:
        settings["quarter"] = rnd.randint(1, 4)
    if rnd.random() < 0.15 and "kgi" in settings and not settings.get("quarter"):
        settings["growth"] = {_first_stage(template): rnd.choice(["10%", "20%", "-5%"])}
    _lag_shares(settings, _first_stage(template), random.Random(f"lag{seed}"))
    return settings


def _lag_shares(settings: dict[str, Any], stage: str, rnd: random.Random) -> None:
    """A measured lag on a quarter of the plans (its own random stream: the other draws stay)."""
    if rnd.random() < 0.25 and "kgi" in settings:
        settings["lag_shares"] = {stage: [f"{rnd.choice([0, 5, 17, 33, 50])}%" for _ in range(rnd.randint(1, 4))]}


def _first_stage(template: str) -> str:
    """The stage under the KGI (受注数 and its namesakes)."""
    from kpi_xl.engine.templates import get_template

    t = get_template(template)
    return t.tree.metrics[t.chain[1]].name.ja

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
    return settings

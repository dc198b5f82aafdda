"""Engine speed: µs per reverse solve of a 6-stage chain and per full plan (12 months × 10 reps).

Each figure is printed beside a baseline measured in the same run, so the ratio is what
to compare across machines: for the chain, six hand-written divide-and-ceil lines (the
least any reverse can do); for the plan, the same chain solved 12 × 10 times by hand.

    python benchmarks/bench_engine.py
"""

from __future__ import annotations

import math
import timeit

from kpi_xl.engine.allocation import team
from kpi_xl.engine.funnel import reverse
from kpi_xl.engine.plan import PlanSpec, build_plan
from kpi_xl.engine.templates import get_template

CALL = get_template("call")
KNOWNS = {"unit_price": 1_000_000, "win_rate": 0.5, "valid_meeting_rate": 0.6,
          "meeting_rate": 0.2, "valid_call_rate": 0.4, "connect_rate": 0.5}
RATES = (0.5, 0.6, 0.2, 0.4, 0.5)


def by_hand(goal: float) -> list[float]:
    won = math.ceil(goal / 1_000_000)
    out = [won]
    for rate in RATES:
        out.append(math.ceil(out[-1] / rate))
    return out


def per_call_us(fn, number: int) -> float:
    best = min(timeit.repeat(fn, number=number, repeat=5))
    return best / number * 1e6


def main() -> None:
    assert reverse(CALL, 10_000_000, KNOWNS).lever == "calls"
    assert len(reverse(CALL, 10_000_000, KNOWNS).stages) == 7  # goal + 6 stages
    chain = per_call_us(lambda: reverse(CALL, 10_000_000, KNOWNS), 20_000)
    base = per_call_us(lambda: by_hand(10_000_000), 20_000)
    print(f"reverse, 6-stage chain : {chain:8.2f} µs   (hand-written ceil chain {base:.2f} µs, "
          f"ratio {chain / base:.1f}×)")
    spec = PlanSpec(CALL, 120_000_000, KNOWNS, fiscal_year=2026, reps=tuple(team(10)))
    build_plan(spec)  # warm the holiday cache, as any second plan in a session would find it
    plan = per_call_us(lambda: build_plan(spec), 200)
    base_plan = per_call_us(lambda: [by_hand(10_000_000) for _ in range(120)], 2_000)
    print(f"full plan, 12 m × 10 reps: {plan:8.1f} µs   (120 hand-written chains {base_plan:.1f} µs, "
          f"ratio {plan / base_plan:.1f}×)")


if __name__ == "__main__":
    main()

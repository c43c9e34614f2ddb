"""Per-run metrics: one flat dict of numbers, read from the figures of sim.figures.

Every figure the run's world can have, plus per-reward and per-tier figures under keys like
`redemption_rate[free coffee]` and `tier_mix[gold]`. A metric a run cannot have (no
program, no surveys) is missing from its dict rather than zero. Labels, units and which
way is better come from `sim.figures.figure`.
"""

from __future__ import annotations

from typing import Any

from sim import figures

# Rewards redeemed by fewer than this share of the customers who could afford them are
# flagged in the report: points nobody wants to spend them on.
LOW_REDEMPTION = 0.15


def run_metrics(result: Any) -> dict[str, float]:
    """Every metric of one run (a sim.Result), as plain floats."""
    summary = result.summary()
    out = figures.available(summary, result.scenario)
    if result.scenario.loyalty is not None:
        out.update(figures.reward_rates(result.tables.get("rewards")))
        out.update({f"tier_mix[{t}]": float(n) for t, n in summary["tier_mix"].items()})
    return out

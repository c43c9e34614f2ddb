"""Per-run metrics: one flat dict of numbers from a Result's tables and summary.

Declared once here (name, label, unit) so the comparison table, the report and the
notebooks agree. Per-reward and per-tier figures use keys like
`redemption_rate[free coffee]` and `tier_mix[gold]`. A metric a run cannot have (no
program, no surveys) is missing from its dict rather than zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# Rewards redeemed by fewer than this share of the customers who could afford them are
# flagged in the report: points nobody wants to spend them on.
LOW_REDEMPTION = 0.15


@dataclass(frozen=True)
class Metric:
    """How a metric is shown: its label, unit ('money', 'share', 'count') and direction."""

    name: str
    label: str
    unit: str = "count"
    higher_is_better: bool | None = True


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("retention", "retention of the starting base", "share"),
        Metric("active_at_end", "active customers at the end"),
        Metric("orders", "orders"),
        Metric("revenue", "revenue", "money"),
        Metric("gross_margin", "gross margin", "money"),
        Metric("program_cost", "program cost (rewards)", "money", False),
        Metric("outreach_cost", "outreach cost", "money", False),
        Metric("margin_after_program", "margin after program and outreach cost", "money"),
        Metric("members", "program members"),
        Metric("points_issued", "points issued", "count", None),
        Metric("points_redeemed", "points redeemed", "count", None),
        Metric("points_expired", "points expired", "count", None),
        Metric("points_outstanding", "points outstanding at the end", "count", None),
        Metric("points_liability", "outstanding liability", "money", False),
        Metric("breakage", "breakage (share of points never redeemed)", "share", None),
        Metric("tier_moves_up", "tier moves up", "count", None),
        Metric("tier_moves_down", "tier moves down", "count", None),
        Metric("nps", "NPS 净推荐值", "score"),
        Metric("complaints", "complaints", "count", False),
    ]
}


def metric_info(name: str) -> Metric:
    """The Metric for a name, including the bracketed per-reward and per-tier ones."""
    if name in METRICS:
        return METRICS[name]
    base, _, item = name.partition("[")
    item = item.rstrip("]")
    if base == "redemption_rate":
        return Metric(name, f"redemption rate: {item}", "share")
    if base == "tier_mix":
        return Metric(name, f"customers in tier {item} at the end", "count", None)
    return Metric(name, name.replace("_", " "), "count", None)


def run_metrics(result: Any) -> dict[str, float]:
    """Every metric of one run (a sim.Result), as plain floats."""
    tables = result.tables
    summary = result.summary()
    horizon = result.scenario.horizon_days
    out: dict[str, float | None] = {
        "retention": summary.get("retention"),
        "active_at_end": summary.get("active_at_end"),
        "orders": summary.get("orders"),
        "revenue": summary.get("revenue"),
        "gross_margin": summary.get("gross_margin"),
    }
    daily = tables.get("daily", pd.DataFrame())
    spent = float(daily["outreach_cost"].sum()) if "outreach_cost" in daily else 0.0
    out["outreach_cost"] = summary.get("outreach_cost", spent)
    if result.scenario.loyalty is not None:
        out.update(loyalty_metrics(tables, summary, tier_order(result.scenario), horizon))
    else:
        out["program_cost"] = 0.0
    # gross margin is on net amounts, so tier discounts and coupons are already in it;
    # what is left to take off is what rewards cost and what messages cost
    out["margin_after_program"] = (
        (out["gross_margin"] or 0.0) - (summary.get("reward_cost") or 0.0) - out["outreach_cost"]
    )
    surveys = tables.get("surveys")
    if summary.get("nps") is not None:
        out["nps"] = summary["nps"]
    elif surveys is not None and (surveys["kind"] == "nps").any():
        out["nps"] = nps(surveys.loc[surveys["kind"] == "nps", "score"])
    if result.scenario.service is not None:
        out["complaints"] = summary.get("complaints")
    return {k: float(v) for k, v in out.items() if v is not None and np.isfinite(v)}


def loyalty_metrics(
    tables: dict[str, pd.DataFrame],
    summary: dict[str, Any],
    tiers: Sequence[str] = (),
    horizon: int | None = None,
) -> dict[str, float]:
    """Points, liability, breakage, program cost, rewards and tiers of one run.

    Figures the summary holds are taken from it; the rest come from the tables.
    """
    ledger = tables.get("points_ledger", pd.DataFrame(columns=["delta", "reason", "day"]))
    if horizon is not None and len(ledger):
        ledger = ledger[(ledger["day"] >= 0) & (ledger["day"] < horizon)]
    by = ledger.groupby("reason")["delta"].sum() if len(ledger) else pd.Series(dtype=float)
    issued = float(by.get("earn", 0) + by.get("bonus", 0))
    redeemed = float(-by.get("redeem", 0))
    expired = float(-by.get("expire", 0))
    computed = {
        "points_issued": issued,
        "points_redeemed": redeemed,
        "points_expired": expired,
        "points_outstanding": issued - redeemed - expired + float(by.get("adjust", 0)),
        "breakage": expired / issued if issued else None,
    }
    daily = tables.get("daily")
    if daily is not None and "points_liability" in daily and len(daily):
        computed["points_liability"] = float(daily["points_liability"].iloc[-1])
    redemptions = tables.get("redemptions")
    if redemptions is not None and "cost" in redemptions:
        computed["program_cost"] = float(redemptions["cost"].sum())
    out: dict[str, float] = {}
    for key in [*computed, "program_cost", "points_liability", "members"]:
        value = summary.get(key, computed.get(key))
        if value is not None:
            out[key] = float(value)
    out.setdefault("program_cost", 0.0)
    out.update(reward_rates(tables.get("rewards")))
    tier_table = tables.get("tiers")
    mix = summary.get("tier_mix")
    if not isinstance(mix, dict) and tier_table is not None and tiers:
        mix = tier_counts(tier_table, tiers[1:])
    if isinstance(mix, dict):
        out.update({f"tier_mix[{t}]": float(n) for t, n in mix.items()})
    if tier_table is not None and tiers:
        up, down = tier_moves(tier_table, tiers)
        out["tier_moves_up"], out["tier_moves_down"] = float(up), float(down)
    return out


def reward_rates(rewards: pd.DataFrame | None) -> dict[str, float]:
    """Redemption rate per reward: times redeemed / times a customer could afford it."""
    if rewards is None or not len(rewards):
        return {}
    if "redemption_rate" in rewards:
        rate = rewards["redemption_rate"].astype(float)
    else:
        affordable = rewards["times_affordable"].astype(float)
        rate = rewards["times_redeemed"].astype(float) / affordable.where(affordable > 0)
    return {
        f"redemption_rate[{name}]": float(r)
        for name, r in zip(rewards["reward"], rate, strict=True)
        if pd.notna(r)
    }


def tier_moves(tiers: pd.DataFrame, order: Sequence[str]) -> tuple[int, int]:
    """(moves up, moves down) in a tiers table, given the tiers from lowest to highest."""
    if not len(tiers):
        return 0, 0
    rank = {name: i for i, name in enumerate(order)}
    start = tiers["tier_from"].map(rank)
    end = tiers["tier_to"].map(rank)
    known = start.notna() & end.notna()
    return int((end[known] > start[known]).sum()), int((end[known] < start[known]).sum())


def tier_counts(tiers: pd.DataFrame, names: Sequence[str]) -> dict[str, int]:
    """Customers whose latest tier change left them in each of `names` (above the base)."""
    last = tiers.sort_values("day", kind="stable").groupby("customer_id")["tier_to"].last()
    counts = last.value_counts()
    return {name: int(counts.get(name, 0)) for name in names}


def tier_order(scenario: Any) -> list[str]:
    """Tier names from lowest to highest: the base tier, then the program's tiers."""
    program = getattr(scenario, "loyalty", None)
    if program is None:
        return []
    names = [t.name for t in getattr(program, "tiers", None) or []]
    base = getattr(program, "base_tier", None)
    return ([base] if base and base not in names else []) + names


def nps(scores: pd.Series) -> float | None:
    """Net promoter score: % promoters (9-10) minus % detractors (0-6), from -100 to 100."""
    s = pd.to_numeric(scores, errors="coerce").dropna()
    if not len(s):
        return None
    return float(100.0 * ((s >= 9).mean() - (s <= 6).mean()))

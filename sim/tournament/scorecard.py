"""The balanced scorecard: each team's metrics from its runs, normalised across teams, weighted.

Normalisation (documented for trainers): for each metric, the teams' means over the
replications become z-scores, z = (team − field mean) / spread, where spread is the
standard deviation across teams but never less than the metric's `min_spread` (so noise-
sized differences stay small), signed so that higher is better, and capped at ±z_cap. The
score is Σ weight × z / Σ weight. A capped, weighted sum means that winning one metric by a
mile buys at most z_cap × its weight, which the other metrics can take back.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.experiments.metrics import nps
from sim.tournament.trainer import SCORED, Costs

# Shown on the pages: label and unit of every metric a run records.
LABELS = {
    "retention": ("retention of the starting base", "share"),
    "margin": ("margin after program, outreach and service costs", "money"),
    "nps": ("NPS 净推荐值", "score"),
    "points_liability": ("points liability at the end", "money"),
    "complaints": ("complaints", "count"),
    "revenue": ("revenue", "money"),
    "active_at_end": ("active customers at the end", "count"),
    "reward_cost": ("reward cost", "money"),
    "discounts": ("discounts (tiers and coupons)", "money"),
    "outreach_cost": ("message cost", "money"),
    "service_cost": ("service cost (cases and staffed agents)", "money"),
    "messages": ("messages sent", "count"),
    "opted_out": ("customers who opted out", "count"),
    "promise_kept": ("response promise kept", "share"),
    "won_back": ("customers won back", "count"),
}
# Relative min_spread (a share of the field's mean) for these; others are absolute.
RELATIVE = ("margin", "points_liability")


def run_metrics(result, costs: Costs) -> dict[str, float]:
    """The scorecard and debrief figures of one run (a sim.Result), as plain floats.

    margin = Σ amount × category margin − discounts (tier and coupon) − reward cost −
    message cost − complaint cases − staffed agent days × costs.agent_day.
    """
    sc, s, t = result.scenario, result.summary(), result.tables
    horizon = sc.horizon_days

    def within(df: pd.DataFrame, col: str = "day") -> pd.DataFrame:
        return df[(df[col] >= 0) & (df[col] < horizon)]

    orders = within(t["orders"])
    rate = {c.name: c.margin for c in sc.catalogue.categories}
    goods = float((orders["amount"] * orders["category"].astype(str).map(rate)).sum())
    discounts = float(orders["discount"].sum())
    rewards = float(within(t["redemptions"])["cost"].sum()) if "redemptions" in t else 0.0
    messages = within(t["touches"])
    staffing = 0.0
    if sc.service is not None:
        days = pd.date_range(sc.start_date, periods=horizon, freq="D")
        open_days = horizon if sc.service.open_weekends else int((days.dayofweek < 5).sum())
        agents = sc.service.l1_agents + sc.service.l2_agents
        staffing = agents * open_days * costs.agent_day
    service = float(s.get("service_cost") or 0.0) + staffing
    surveys = within(t["surveys"])
    score = nps(surveys.loc[surveys["kind"] == "nps", "score"])
    out = {
        "retention": s.get("retention"),
        "margin": goods - discounts - rewards - float(messages["cost"].sum()) - service,
        "nps": score,
        "points_liability": float(s.get("points_liability") or 0.0),
        "complaints": float(s.get("complaints") or 0),
        "revenue": s.get("revenue"),
        "active_at_end": s.get("active_at_end"),
        "reward_cost": rewards,
        "discounts": discounts,
        "outreach_cost": float(messages["cost"].sum()),
        "service_cost": service,
        "messages": float(len(messages)),
        "opted_out": s.get("opted_out"),
        "promise_kept": s.get("promise_kept"),
        "won_back": s.get("won_back"),
    }
    return {k: float(v) for k, v in out.items() if v is not None and np.isfinite(float(v))}


def normalise(
    means: pd.DataFrame,
    min_spread: Mapping[str, float] | None = None,
    z_cap: float = 2.0,
) -> pd.DataFrame:
    """z-scores of the scored metrics (rows: teams, columns: metrics), higher is better.

    A metric a team lacks (no NPS answers) counts as the field mean (z = 0).
    """
    floors = dict(min_spread or {})
    out = pd.DataFrame(index=means.index)
    for metric, higher in SCORED.items():
        if metric not in means:
            out[metric] = 0.0
            continue
        x = means[metric].astype(float)
        centre = float(x.mean()) if x.notna().any() else 0.0
        sd = float(x.std(ddof=0)) if x.notna().sum() > 1 else 0.0
        floor = floors.get(metric, 0.0)
        if metric in RELATIVE:
            floor *= abs(centre)
        spread = max(sd, floor)
        z = (x - centre) / spread if spread > 0 else x * 0.0
        out[metric] = (z if higher else -z).clip(-z_cap, z_cap).fillna(0.0)
    return out


def weighted_score(z: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Σ weight × z over the scored metrics, divided by the sum of the weights."""
    w = pd.Series({m: float(weights.get(m, 0.0)) for m in SCORED})
    return (z[list(SCORED)] * w).sum(axis=1) / w.sum()


def scorecard(
    means: pd.DataFrame,
    weights: Mapping[str, float],
    min_spread: Mapping[str, float] | None = None,
    z_cap: float = 2.0,
) -> pd.DataFrame:
    """Per team: the metric means, their z-scores (`z_<metric>`), `score` and `rank` (1 = best)."""
    z = normalise(means, min_spread, z_cap)
    table = means.copy()
    for metric in SCORED:
        table[f"z_{metric}"] = z[metric]
    table["score"] = weighted_score(z, weights)
    table["rank"] = table["score"].rank(ascending=False, method="min").astype(int)
    return table.sort_values(["rank"], kind="stable")

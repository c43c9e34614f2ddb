"""The balanced scorecard: each team's metrics from its runs, normalised across teams, weighted.

A run's metrics are `sim.experiments.run_metrics` (the figures of sim.figures), the same
numbers the strategy lab and the compare report show.

Normalisation (documented for trainers): for each metric, the teams' means over the
replications become z-scores, z = (team − field mean) / spread, where spread is the
standard deviation across teams but never less than the metric's `min_spread` (so noise-
sized differences stay small), signed so that higher is better, and capped at ±z_cap. The
score is Σ weight × z / Σ weight. A capped, weighted sum means that winning one metric by a
mile buys at most z_cap × its weight, which the other metrics can take back.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sim.tournament.trainer import SCORED

# Relative min_spread (a share of the field's mean) for these; others are absolute.
RELATIVE = ("margin_after_costs", "points_liability")


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

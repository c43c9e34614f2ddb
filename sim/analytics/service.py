"""Service-desk KPIs from the `tickets` table, and a side-by-side of desk policies.

Pure functions over the contract's tables: the 48 小时响应承诺 (promise kept), response
times, the 72 小时二次回访 (follow-up within 72 hours), cost and CSAT per policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.analytics.feedback import failure_groups, silent_defections, silent_share
from sim.figures import first_response_hours, promise_kept_share, resolution_hours

if TYPE_CHECKING:
    from sim.result import Result

FOLLOW_UP_HOURS = 72.0
# Response-time bins in hours, for the distribution chart.
RESPONSE_BINS = (0.0, 1.0, 4.0, 24.0, 48.0, 96.0, np.inf)
RESPONSE_LABELS = ("<1 h", "1-4 h", "4-24 h", "24-48 h", "48-96 h", ">96 h")


def opened_in(tickets: pd.DataFrame, horizon: float | None = None) -> pd.DataFrame:
    """Tickets opened from day 0 (and before `horizon`): the cases of the period."""
    t = tickets[tickets["opened_day"] >= 0]
    return t if horizon is None else t[t["opened_day"] < horizon]


def response_hours(tickets: pd.DataFrame) -> pd.Series:
    """Hours from complaint to first response (NaN while nobody has answered)."""
    return (tickets["first_response_day"] - tickets["opened_day"]) * 24.0


def response_distribution(tickets: pd.DataFrame) -> pd.Series:
    """Count of tickets per response-time bin ('<1 h' … '>96 h', 'unanswered')."""
    hours = response_hours(tickets)
    bins = pd.cut(hours, RESPONSE_BINS, labels=RESPONSE_LABELS, right=False)
    counts = bins.value_counts(sort=False).reindex(RESPONSE_LABELS, fill_value=0)
    counts["unanswered"] = int(hours.isna().sum())
    return counts.astype(int)


def desk_kpis(
    tickets: pd.DataFrame, horizon: float | None = None, promise_hours: float = 48.0
) -> dict:
    """Headline desk figures: cases, promise kept, response times, follow-up, cost, CSAT.

    Promise kept and the mean waits are those of sim.figures (a case still unanswered at
    the end counts with its wait so far); without a horizon only answered cases count.
    """
    t = opened_in(tickets, horizon)
    hours = response_hours(t)
    end = horizon if horizon is not None else np.nan
    resolved = t["resolved_day"].notna()
    follow = (t["follow_up_day"] - t["resolved_day"]) * 24.0
    n = len(t)
    return {
        "tickets": n,
        "promise_kept": _or_nan(promise_kept_share(t, promise_hours, end)),
        "mean_response_h": _or_nan(first_response_hours(t, end)),
        "mean_resolution_h": _or_nan(resolution_hours(t, end)),
        "median_response_h": float(hours.median()) if hours.notna().any() else np.nan,
        "p90_response_h": float(hours.quantile(0.9)) if hours.notna().any() else np.nan,
        "resolved": float(resolved.mean()) if n else np.nan,
        "followed_up_72h": float((follow <= FOLLOW_UP_HOURS).sum() / resolved.sum())
        if resolved.any()
        else np.nan,
        "escalated": float(t["escalated"].mean()) if n else np.nan,
        "csat": float(t["csat"].mean()) if t["csat"].notna().any() else np.nan,
        "cost": round(float(t["cost"].sum()), 2),
        "cost_per_ticket": round(float(t["cost"].mean()), 2) if n else np.nan,
    }


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else value


def complainer_outcomes(tables: dict[str, pd.DataFrame], horizon: float | None = None) -> dict:
    """Of customers who complained: how many, the share who left, their end satisfaction."""
    groups = failure_groups(tables["customers"], tables["orders"])
    ids = groups.index[groups == "failure, complained"]
    c = tables["customers"].set_index("customer_id").loc[ids]
    left = c["churn_day"].notna()
    if horizon is not None:
        left &= c["churn_day"] < horizon
    return {
        "complainers": int(len(c)),
        "complainers_left": float(left.mean()) if len(c) else np.nan,
        "complainer_satisfaction": float(c["true_satisfaction_end"].mean()) if len(c) else np.nan,
    }


def policy_row(result: Result) -> dict:
    """One run's figures for the policy table: retention, revenue, desk KPIs, silent losses."""
    horizon = result.scenario.horizon_days
    s = result.summary()
    t = result.tables
    svc = result.scenario.service
    kpi = desk_kpis(t["tickets"], horizon, svc.policy.response_hours if svc else 48.0)
    return {
        "retention": s["retention"],
        "active_at_end": s["active_at_end"],
        "revenue": s["revenue"],
        "tickets": kpi["tickets"],
        "promise_kept": kpi["promise_kept"],
        "median_response_h": kpi["median_response_h"],
        "mean_response_h": kpi["mean_response_h"],
        "mean_resolution_h": kpi["mean_resolution_h"],
        "followed_up_72h": kpi["followed_up_72h"],
        "csat": kpi["csat"],
        "staff_cost": s["staff_cost"],
        "desk_cost": s["desk_cost"],
        **complainer_outcomes(t, horizon),
        "silent_share": silent_share(t["orders"][t["orders"]["day"] >= 0]),
        "silent_defections": int(len(silent_defections(t["customers"], t["orders"], horizon))),
    }


def compare_policies(results: dict[str, Result], baseline: str | None = None) -> pd.DataFrame:
    """Policies side by side (one column each); with `baseline`, a 'vs <baseline>' column per
    other policy holds the difference."""
    table = pd.DataFrame({name: policy_row(r) for name, r in results.items()})
    if baseline is not None:
        for name in results:
            if name != baseline:
                table[f"{name} vs {baseline}"] = table[name].astype(float) - table[baseline].astype(
                    float
                )
    return table


def orders_in_period(
    orders: pd.DataFrame, ids: pd.Index, horizon: float | None = None
) -> pd.DataFrame:
    """The orders of customers `ids` from day 0 (and before `horizon`)."""
    o = orders[(orders["day"] >= 0) & orders["customer_id"].isin(ids)]
    return o if horizon is None else o[o["day"] < horizon]


def cohort_outcomes(
    tables: dict[str, pd.DataFrame], ids: pd.Index | list[int], horizon: float | None = None
) -> dict:
    """How a fixed group of customers fared in one run: share who left, end satisfaction,
    orders per customer in the period. Run it on the same ids across runs with one seed
    (common random numbers) to compare policies, or a world without failures."""
    c = tables["customers"].set_index("customer_id").reindex(pd.Index(ids))
    left = c["churn_day"].notna()
    if horizon is not None:
        left &= c["churn_day"] < horizon
    o = orders_in_period(tables["orders"], c.index, horizon)
    n = len(c)
    return {
        "customers": n,
        "left": float(left.mean()) if n else np.nan,
        "satisfaction_end": float(c["true_satisfaction_end"].mean()) if n else np.nan,
        "orders_per_customer": float(len(o) / n) if n else np.nan,
    }


def paired_outcomes(
    with_failure: dict[str, pd.DataFrame],
    without: dict[str, pd.DataFrame],
    ids: pd.Index | list[int],
    horizon: float | None = None,
) -> pd.DataFrame:
    """The same customers in two runs of one seed (common random numbers): their end
    satisfaction and orders in the period, each world's mean, the mean paired difference
    and its standard error. Rows: satisfaction_end, orders."""
    ids = pd.Index(ids)

    def per_customer(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        o = orders_in_period(tables["orders"], ids, horizon)
        c = tables["customers"].set_index("customer_id")
        return pd.DataFrame(
            {
                "satisfaction_end": c["true_satisfaction_end"].reindex(ids),
                "orders": o.groupby("customer_id").size().reindex(ids, fill_value=0),
            }
        )

    a, b = per_customer(with_failure), per_customer(without)
    diff = a - b
    n = len(ids)
    return pd.DataFrame(
        {
            "with failure": a.mean(),
            "no failure": b.mean(),
            "difference": diff.mean(),
            "se": diff.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan,
        }
    )


def complaints_by_severity(orders: pd.DataFrame) -> pd.DataFrame:
    """Per failure severity: failed orders, complaints, silent ones and the silent share."""
    f = orders[orders["service_failure"].astype(str) != "none"]
    g = f.groupby(f["service_failure"].astype(str))["complained"]
    out = pd.DataFrame({"failures": g.size(), "complained": g.sum().astype(int)})
    out = out.reindex([s for s in ("minor", "major", "severe") if s in out.index])
    out["silent"] = out["failures"] - out["complained"]
    out["silent_share"] = out["silent"] / out["failures"]
    out.index.name = "severity"
    return out

"""Retention: Kaplan-Meier survival of customer lifetimes and a cohort retention matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd


def kaplan_meier(durations, observed) -> pd.Series:
    """Product-limit estimate S(t) at each distinct event or censoring time (S(0) = 1).

    `observed` is True where the lifetime ended (churn seen), False where it was censored.
    The same numbers as lifelines' KaplanMeierFitter.survival_function_ (tests check).
    """
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    times = np.unique(np.r_[0.0, d])
    order = np.searchsorted(times, d)
    deaths = np.bincount(order, weights=e, minlength=len(times))
    leaving = np.bincount(order, minlength=len(times))
    at_risk = len(d) - np.r_[0, np.cumsum(leaving)[:-1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1 - deaths / at_risk, 1.0)
    return pd.Series(np.cumprod(factor), index=pd.Index(times, name="timeline"), name="KM")


def true_lifetimes(customers: pd.DataFrame, end_day: float) -> pd.DataFrame:
    """Each customer's lifetime from the simulator's truth: signup to churn, censored at end."""
    churn = customers["churn_day"].to_numpy(dtype=float)
    gone = ~np.isnan(churn) & (churn <= end_day)
    stop = np.where(gone, churn, end_day)
    return pd.DataFrame(
        {"duration": stop - customers["signup_day"].to_numpy(dtype=float), "observed": gone},
        index=customers["customer_id"],
    )


def observed_lifetimes(orders: pd.DataFrame, as_of: float, inactive_days: float) -> pd.DataFrame:
    """Lifetimes a business can see: first to last order, ended when silent `inactive_days`.

    Customers who ordered within `inactive_days` of `as_of` are censored at `as_of`.
    """
    g = orders[orders["day"] <= as_of].groupby("customer_id")["day"]
    first, last = g.min(), g.max()
    ended = (as_of - last) >= inactive_days
    return pd.DataFrame(
        {"duration": np.where(ended, last - first, as_of - first), "observed": ended.to_numpy()},
        index=first.index,
    )


def cohort_retention(orders: pd.DataFrame, period_days: float = 30) -> pd.DataFrame:
    """Share of each cohort (customers by period of first order) ordering k periods later.

    Rows: the cohort's first period (start day); columns: k = 0, 1, 2, ...; cell = share of
    the cohort with at least one order in its k-th period. Column 0 is 1 by construction.
    """
    period = np.floor(orders["day"].to_numpy(dtype=float) / period_days).astype(np.int64)
    frame = pd.DataFrame({"customer_id": orders["customer_id"].to_numpy(), "period": period})
    frame = frame.drop_duplicates()
    cohort = frame.groupby("customer_id")["period"].transform("min")
    frame["cohort"] = cohort
    frame["k"] = frame["period"] - cohort
    counts = frame.pivot_table(index="cohort", columns="k", values="customer_id", aggfunc="count")
    matrix = counts.div(counts[0], axis=0)
    matrix.index = pd.Index(matrix.index * period_days, name="cohort_start_day")
    # periods a cohort has not reached yet stay NaN; reached but empty periods are 0
    last = period.max()
    for start in matrix.index:
        reached = last - int(start // period_days)
        matrix.loc[start, [k for k in matrix.columns if k <= reached]] = matrix.loc[
            start, [k for k in matrix.columns if k <= reached]
        ].fillna(0.0)
    matrix.columns.name = "periods_after_first"
    return matrix

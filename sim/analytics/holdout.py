"""A calibration/holdout split of a transaction log, and what BG/NBD expects of the holdout.

`calibration_and_holdout` follows lifetimes' `calibration_and_holdout_data` (daily): the
calibration summary of every customer seen by `calibration_end` (frequency = repeat
purchase days, recency and T in days, monetary_value = mean of the repeat days), and for
those customers the purchase days in (calibration_end, observation_end]. Several purchases
of one customer on one calendar day are one purchase occasion, their amounts summed.
Customers first seen in the holdout are left out, as lifetimes does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analytics.btyd import BGNBD, GammaGamma
from sim.analytics.rfm import rfm_summary
from sim.i18n import _

CAL = ("frequency_cal", "recency_cal", "T_cal")
# customers with this many repeat purchases or more share the last bar of a chart
MAX_BIN = 7


def _days(values) -> pd.Series:
    """Dates (datetimes, strings or yyyymmdd numbers) as datetime64 at midnight."""
    s = pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(s):
        fmt = "%Y%m%d" if pd.api.types.is_integer_dtype(s) else "mixed"
        s = pd.to_datetime(s.astype(str), format=fmt)
    return s.dt.tz_localize(None).dt.normalize() if s.dt.tz is not None else s.dt.normalize()


def occasions(
    transactions: pd.DataFrame, customer: str, date: str, amount: str | None = None
) -> pd.DataFrame:
    """One row per customer and purchase day (columns customer, date, amount), the day's
    amounts summed (amount 0 without an amount column), sorted by customer and date."""
    frame = pd.DataFrame(
        {
            "customer": transactions[customer].to_numpy(),
            "date": _days(transactions[date]).to_numpy(),
            "amount": (transactions[amount].to_numpy(dtype=float) if amount is not None else 0.0),
        }
    )
    return frame.groupby(["customer", "date"], sort=True, as_index=False)["amount"].sum()


def calibration_and_holdout(
    transactions: pd.DataFrame,
    customer: str,
    date: str,
    calibration_end,
    observation_end,
    amount: str | None = None,
) -> pd.DataFrame:
    """Per calibration customer (indexed by `customer`): frequency_cal, recency_cal, T_cal
    (days), frequency_holdout (purchase days in the holdout, all of them repeats),
    duration_holdout (days), and with `amount` monetary_value_cal and monetary_value_holdout
    (mean amount of an occasion; 0 without any). Both ends are inclusive dates."""
    cal_end = pd.Timestamp(calibration_end).normalize()
    obs_end = pd.Timestamp(observation_end).normalize()
    if obs_end <= cal_end:
        raise ValueError(
            _(
                "observation_end {end} must be after calibration_end {cal}",
                end=obs_end.date(),
                cal=cal_end.date(),
            )
        )
    occ = occasions(transactions, customer, date, amount)
    cal = occ[occ["date"] <= cal_end]
    rfm = rfm_summary(
        cal.rename(columns={"customer": "customer_id"}), observation_end=cal_end, period_days=1
    )
    out = pd.DataFrame(
        {
            "frequency_cal": rfm["frequency"].astype(float),
            "recency_cal": rfm["recency"].astype(float),
            "T_cal": rfm["T"].astype(float),
        },
        index=rfm.index.rename(customer),
    )
    if amount is not None:
        out["monetary_value_cal"] = rfm["monetary_value"].astype(float)
    hold = occ[(occ["date"] > cal_end) & (occ["date"] <= obs_end)]
    by = hold.groupby("customer", sort=True)["amount"]
    out["frequency_holdout"] = by.size().reindex(out.index, fill_value=0).astype(float)
    if amount is not None:
        out["monetary_value_holdout"] = by.mean().reindex(out.index, fill_value=0.0)
    out["duration_holdout"] = float((obs_end - cal_end).days)
    return out


def holdout_revenue(
    transactions: pd.DataFrame,
    customer: str,
    date: str,
    amount: str,
    calibration_end,
    observation_end,
) -> float:
    """Total amount the calibration customers spent in (calibration_end, observation_end]."""
    occ = occasions(transactions, customer, date, amount)
    cal_end = pd.Timestamp(calibration_end).normalize()
    obs_end = pd.Timestamp(observation_end).normalize()
    known = occ.loc[occ["date"] <= cal_end, "customer"].unique()
    hold = occ[(occ["date"] > cal_end) & (occ["date"] <= obs_end)]
    return float(hold.loc[hold["customer"].isin(known), "amount"].sum())


def expected_holdout_purchases(
    model: BGNBD, summary: pd.DataFrame, unit_days: float = 1.0, t: float | None = None
) -> np.ndarray:
    """BG/NBD expected purchases of each calibration customer in their holdout (FHL eq. 10),
    or in its first `t` days. The summary is in days; `unit_days` is the model's unit (7 for
    a model fitted in weeks): both give the same purchases."""
    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in CAL)
    span = summary["duration_holdout"].to_numpy(dtype=float) if t is None else float(t)
    return model.expected_purchases(np.asarray(span) / unit_days, x, t_x / unit_days, T / unit_days)


def expected_holdout_revenue(
    model: BGNBD, spend: GammaGamma, summary: pd.DataFrame, unit_days: float = 1.0
) -> np.ndarray:
    """Each calibration customer's expected holdout revenue: Gamma-Gamma's expected spend
    per occasion given their history × their BG/NBD expected holdout purchases."""
    each = spend.expected_spend(summary["frequency_cal"], summary["monetary_value_cal"])
    return each * expected_holdout_purchases(model, summary, unit_days)


def expected_cumulative(
    model: BGNBD, summary: pd.DataFrame, days: int, unit_days: float = 1.0
) -> np.ndarray:
    """Expected repeat purchases of the calibration customers in holdout days 1..`days`,
    cumulated (the model's line of the cumulative chart); element d-1 is after day d."""
    return np.array(
        [
            expected_holdout_purchases(model, summary, unit_days, t=d).sum()
            for d in range(1, days + 1)
        ]
    )


def customers_by_purchases(purchases, max_count: int = MAX_BIN) -> pd.Series:
    """How many customers made 0, 1, …, `max_count` or more purchases (index 0..max_count,
    the last holding everyone from `max_count` up)."""
    n = np.minimum(np.asarray(purchases, dtype=float), max_count).astype(int)
    counts = np.bincount(n, minlength=max_count + 1)
    return pd.Series(counts, index=pd.RangeIndex(max_count + 1), name="customers")


def holdout_by_frequency(
    summary: pd.DataFrame,
    model: BGNBD | None = None,
    simulated=None,
    max_frequency: int = MAX_BIN,
    unit_days: float = 1.0,
) -> pd.DataFrame:
    """Mean holdout purchases per customer by calibration frequency (0..max_frequency, the
    last bin holding the rest): `actual`, `model` (BG/NBD conditional expectation) and
    `simulated` (per-customer purchases aligned with the summary's rows), and `customers`."""
    group = np.minimum(summary["frequency_cal"].to_numpy(dtype=float), max_frequency).astype(int)
    frame = pd.DataFrame({"group": group, "actual": summary["frequency_holdout"].to_numpy()})
    if model is not None:
        frame["model"] = expected_holdout_purchases(model, summary, unit_days)
    if simulated is not None:
        frame["simulated"] = np.asarray(simulated, dtype=float)
    g = frame.groupby("group")
    out = g.mean()
    out.insert(0, "customers", g.size())
    out.index.name = "frequency_cal"
    return out.reindex(pd.RangeIndex(max_frequency + 1, name="frequency_cal"))


def daily_repeat_purchases(
    transactions: pd.DataFrame, customer: str, date: str, start=None, end=None
) -> pd.Series:
    """Repeat purchase occasions per calendar day (each customer's first day left out),
    every day from `start` to `end` (default the log's first and last) present."""
    occ = occasions(transactions, customer, date)
    first = occ.groupby("customer")["date"].transform("min")
    repeat = occ.loc[occ["date"] > first, "date"]
    start = occ["date"].min() if start is None else pd.Timestamp(start).normalize()
    end = occ["date"].max() if end is None else pd.Timestamp(end).normalize()
    days = pd.date_range(start, end, freq="D", name="date")
    return repeat.value_counts().reindex(days, fill_value=0).rename("repeat_purchases")

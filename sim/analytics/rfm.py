"""The per-customer RFM summary in buy-till-you-die (BTYD) conventions.

frequency = repeat purchase periods (distinct purchase days after the first), recency = age
at the last purchase, T = age at the end of observation, monetary_value = mean value of the
repeat purchase days (0 without repeats), as lifetimes' `summary_data_from_transaction_data`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.i18n import _

_DAY = np.timedelta64(1, "D")


def _grid(day: np.ndarray, period_days: float) -> np.ndarray:
    """Start of the purchase period holding each time (the time itself when period_days=0)."""
    return np.floor(day / period_days) * period_days if period_days > 0 else day


def _periods(orders: pd.DataFrame, observation_end, period_days: float) -> tuple[np.ndarray, float]:
    """Purchase period of each order and the observation end, in days on one axis.

    A `day` column (float days, the simulator's) wins over a `date` column (datetimes or
    yyyymmdd, which are whole days already).
    """
    if "day" in orders:
        day = _grid(orders["day"].to_numpy(dtype=float), period_days)
        if observation_end is None:
            return day, float(day.max())
        return day, float(_grid(np.asarray(float(observation_end)), period_days))
    if "date" not in orders:
        raise KeyError(_("orders need a `day` column (float days) or a `date` column"))
    dates = orders["date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        fmt = "%Y%m%d" if pd.api.types.is_integer_dtype(dates) else None
        dates = pd.to_datetime(dates.astype(str), format=fmt)
    stamp = dates.to_numpy(dtype="datetime64[D]")
    origin = stamp.min()
    day = _grid(((stamp - origin) / _DAY).astype(float), period_days)
    if observation_end is None:
        end = day.max()
    else:
        end = float((np.datetime64(pd.Timestamp(observation_end), "D") - origin) / _DAY)
    return day, end


def rfm_summary(
    orders: pd.DataFrame,
    observation_end=None,
    unit_days: float = 1,
    *,
    period_days: float = 1,
) -> pd.DataFrame:
    """Frequency, recency, T and monetary_value per customer, indexed by customer_id.

    Time: a `day` column (float days; our orders table) is used if present, else `date`
    (CDNOW). Orders in the same period of `period_days` days (default 1: the calendar day,
    floor(day)) form one purchase, their values summed; `period_days=0` keeps every order.
    Orders after `observation_end` (a day number, or a date; inclusive; default the last
    order's day) are ignored. Ages are in units of `unit_days` days (7 = weeks). Value comes
    from `net_amount` if present, else `amount`.
    """
    value_col = "net_amount" if "net_amount" in orders else "amount"
    day, end = _periods(orders, observation_end, period_days)
    keep = day <= end
    frame = pd.DataFrame(
        {
            "customer_id": orders["customer_id"].to_numpy()[keep],
            "period": day[keep],
            "value": orders[value_col].to_numpy(dtype=float)[keep],
        }
    )
    # one row per customer and purchase day, values summed
    per_day = frame.groupby(["customer_id", "period"], sort=True, observed=True)["value"].sum()
    cid = per_day.index.get_level_values(0).to_numpy()
    period = per_day.index.get_level_values(1).to_numpy()
    value = per_day.to_numpy()
    starts = np.flatnonzero(np.r_[True, cid[1:] != cid[:-1]])
    counts = np.diff(np.r_[starts, len(cid)])
    first = period[starts]
    last = period[starts + counts - 1]
    first_value = value[starts]
    total = np.add.reduceat(value, starts)
    frequency = counts - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (total - first_value) / frequency, 0.0)
    out = pd.DataFrame(
        {
            "frequency": frequency.astype(np.int64),
            "recency": (last - first) / unit_days,
            "T": (end - first) / unit_days,
            "monetary_value": monetary,
        },
        index=pd.Index(cid[starts], name="customer_id"),
    )
    return out

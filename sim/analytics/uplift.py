"""What a message really changed, measured against its control group (对照组).

A trigger with `holdout` keeps a random share of the customers it fires for out of the
send (the holdouts table). Both groups are followed for the same window after the day the
trigger first fired for them; the difference is the message's effect, with its interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiments.stats import welch_difference
from sim.i18n import _


@dataclass(frozen=True)
class Lift:
    """One outcome's means in the offered and the control group, and their difference."""

    outcome: str
    offered: float
    control: float
    difference: float
    ci_low: float
    ci_high: float

    within_noise: bool  # the 95% interval includes 0: the data cannot tell it from nothing


@dataclass(frozen=True)
class OfferTest:
    """A trigger's offered and control customers followed over `window_days`."""

    trigger: str
    window_days: float
    groups: pd.DataFrame  # one row per customer: day, control, ordered, margin
    lifts: tuple[Lift, ...]

    def table(self) -> pd.DataFrame:
        rows = [
            {
                "outcome": x.outcome,
                "offered": x.offered,
                "control": x.control,
                "difference": x.difference,
                "ci_low": x.ci_low,
                "ci_high": x.ci_high,
                "within noise": x.within_noise,
            }
            for x in self.lifts
        ]
        return pd.DataFrame(rows).set_index("outcome")

    def lift(self, outcome: str) -> Lift:
        return next(x for x in self.lifts if x.outcome == outcome)

    @property
    def sizes(self) -> tuple[int, int]:
        """(offered, control) customers with a whole window inside the data."""
        c = self.groups["control"]
        return int((~c).sum()), int(c.sum())


def offer_test(
    touches: pd.DataFrame,
    holdouts: pd.DataFrame,
    orders: pd.DataFrame,
    trigger: str,
    window_days: float = 60,
    end_day: float | None = None,
) -> OfferTest:
    """Compare who a trigger messaged with its control group over the next `window_days`.

    Each customer counts once, from the first day the trigger fired for them; customers
    whose window runs past `end_day` (default: the last order's day) are left out, so both
    groups are followed equally long. Outcomes: the share who ordered, and margin per
    customer (orders' gross margin, coupons already taken off, message cost not).
    """
    sent = touches.loc[touches["trigger"] == trigger, ["customer_id", "day"]]
    kept = holdouts.loc[holdouts["trigger"] == trigger, ["customer_id", "day"]]
    if kept.empty:
        raise ValueError(
            _(
                "trigger {trigger} has no control group: set its `holdout` (e.g. 0.2) in the "
                "scenario's outreach section and run again",
                trigger=repr(trigger),
            )
        )
    both = pd.concat([sent.assign(control=False), kept.assign(control=True)])
    first = both.sort_values("day", kind="stable").drop_duplicates("customer_id")
    end = float(orders["day"].max()) if end_day is None else float(end_day)
    first = first[first["day"] + window_days <= end].set_index("customer_id")
    o = orders[["customer_id", "day", "gross_margin"]].merge(
        first["day"].rename("from"), left_on="customer_id", right_index=True
    )
    o = o[(o["day"] > o["from"]) & (o["day"] <= o["from"] + window_days)]
    per = o.groupby("customer_id")
    groups = first.assign(
        ordered=per.size().reindex(first.index, fill_value=0).to_numpy() > 0,
        margin=per["gross_margin"].sum().reindex(first.index, fill_value=0.0).to_numpy(),
    )
    lifts = []
    for outcome, col in (("ordered", "ordered"), ("margin per customer", "margin")):
        a = groups.loc[~groups["control"], col].to_numpy(dtype=float)
        b = groups.loc[groups["control"], col].to_numpy(dtype=float)
        d = welch_difference(a, b)
        lifts.append(Lift(outcome, _mean(a), _mean(b), d.mean, d.low, d.high, d.within_noise))
    return OfferTest(trigger, window_days, groups, tuple(lifts))


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else np.nan

"""客户生命周期 lifecycle stage at a moment: prospect, new, active, at risk, lost."""

from __future__ import annotations

import numpy as np
import pandas as pd

STAGES = ["prospect", "new", "active", "at risk", "lost"]


def lifecycle_stage(
    customer_ids,
    orders: pd.DataFrame,
    as_of: float,
    new_days: float = 30,
    at_risk_days: float = 60,
    lost_days: float = 180,
) -> pd.Series:
    """Stage of each customer on day `as_of`, from orders up to then.

    prospect: known but no order yet; new: first order within `new_days`; lost: silent for
    `lost_days` or more; at risk: silent for `at_risk_days` or more; otherwise active.
    """
    ids = pd.Index(customer_ids, name="customer_id")
    g = orders[orders["day"] <= as_of].groupby("customer_id")["day"]
    first = g.min().reindex(ids).to_numpy(dtype=float)
    silent = as_of - g.max().reindex(ids).to_numpy(dtype=float)
    stage = np.select(
        [np.isnan(first), silent >= lost_days, silent >= at_risk_days, as_of - first < new_days],
        ["prospect", "lost", "at risk", "new"],
        default="active",
    )
    return pd.Series(pd.Categorical(stage, categories=STAGES), index=ids, name="stage")

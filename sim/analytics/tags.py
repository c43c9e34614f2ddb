"""动态标签 dynamic tags: named rules over a per-customer feature table, re-evaluated any time.

A rule is a pandas `query` expression over the features' columns, so a trainer can change it
as text (e.g. "days_since_last > 60") without touching code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.i18n import _

DEFAULT_TAGS: dict[str, str] = {
    "churn warning": "days_since_last > 90",
    "discount-sensitive": "coupon_orders >= 2",
    "new-product early adopter": "new_product_share >= 0.3 and orders >= 2",
    "brand loyal": "orders >= 10 and top_category_share >= 0.7",
    "big spender": "mean_order >= mean_order_p90",
}


def tag_features(
    orders: pd.DataFrame, as_of: float, new_categories: tuple[str, ...] = ("merchandise",)
) -> pd.DataFrame:
    """Per-customer features the default tags use, from orders up to `as_of` (days).

    `new_categories` are the lines a trainer treats as new products. `coupon_orders` counts the
    orders a message's coupon brought (a discount on an order a message triggered): what a CRM
    sees of price-driven customers, since tier discounts go to every member alike.
    """
    o = orders[orders["day"] <= as_of]
    cat = o["category"].astype(str)
    frame = pd.DataFrame(
        {
            "customer_id": o["customer_id"].to_numpy(),
            "day": o["day"].to_numpy(dtype=float),
            "amount": o["amount"].to_numpy(dtype=float),
            "discount": o["discount"].to_numpy(dtype=float),
            "new": cat.isin(new_categories).to_numpy(),
            "category": cat.to_numpy(),
            "coupon": coupon_orders(o),
        }
    )
    g = frame.groupby("customer_id")
    counts = frame.groupby(["customer_id", "category"]).size()
    top = counts.groupby(level=0).max()
    out = pd.DataFrame(
        {
            "orders": g.size(),
            "days_since_last": as_of - g["day"].max(),
            "mean_order": g["amount"].mean(),
            "discount_share": g["discount"].sum() / g["amount"].sum(),
            "coupon_orders": g["coupon"].sum(),
            "new_product_share": g["new"].mean(),
        }
    )
    out["top_category_share"] = top.reindex(out.index) / out["orders"]
    out["mean_order_p90"] = float(np.quantile(out["mean_order"], 0.9)) if len(out) else np.nan
    return out


def coupon_orders(orders: pd.DataFrame) -> np.ndarray:
    """True for each order bought with a message's coupon (triggered by a message, discounted)."""
    if "triggered_by" not in orders:
        return np.zeros(len(orders), dtype=bool)
    trig = orders["triggered_by"]
    sent = trig.notna().to_numpy() & (trig.astype(str) != "").to_numpy()
    return sent & (orders["discount"].to_numpy(dtype=float) > 0)


def apply_tags(features: pd.DataFrame, rules: dict[str, str] | None = None) -> pd.DataFrame:
    """One boolean column per tag: True where the customer matches the rule."""
    rules = DEFAULT_TAGS if rules is None else rules
    out = pd.DataFrame(index=features.index)
    for name, expr in rules.items():
        try:
            hit = features.query(expr).index
        except Exception as exc:  # a trainer's typo: say which rule and which columns exist
            raise ValueError(
                _(
                    "tag {name}: cannot evaluate {expr} ({error}); columns are {columns}",
                    name=repr(name),
                    expr=repr(expr),
                    error=exc,
                    columns=", ".join(features.columns),
                )
            ) from exc
        out[name] = features.index.isin(hit)
    return out

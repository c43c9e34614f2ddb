"""客户细分 segmentation: RFM scores and named segments, value pyramid, Pareto share, needs groups.

Tie rule for every quantile score here: customers are ranked by value with ties given their
average rank (pandas `rank(method="average", pct=True)`), and score = ceil(pct × bins). Equal
values always get equal scores, so heavy ties (many one-time buyers) make unequal bins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analytics.tags import coupon_orders

# The common RFM grid on (R score, F score); a trainer can pass their own map.
SEGMENT_MAP: dict[str, str] = {
    r"[1-2][1-2]": "hibernating",
    r"[1-2][3-4]": "at risk",
    r"[1-2]5": "can't lose",
    r"3[1-2]": "about to sleep",
    r"33": "need attention",
    r"[3-4][4-5]": "loyal",
    r"41": "promising",
    r"51": "new",
    r"[4-5][2-3]": "potential loyalists",
    r"5[4-5]": "champions",
}
SEGMENTS = list(dict.fromkeys(SEGMENT_MAP.values()))


def quantile_score(values, bins: int = 5, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1..bins by percentile rank; ties share the average rank (see module doc)."""
    s = pd.Series(np.asarray(values, dtype=float))
    pct = (s if higher_is_better else -s).rank(method="average", pct=True).to_numpy()
    return np.clip(np.ceil(pct * bins), 1, bins).astype(int)


def rfm_scores(summary: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """R, F, M scores (5 = best) from an rfm_summary; R scores the time since the last purchase
    (T - recency, shorter is better). One-time buyers (frequency and monetary_value 0) tie."""
    silence = summary["T"] - summary["recency"]
    out = pd.DataFrame(
        {
            "R": quantile_score(silence, bins, higher_is_better=False),
            "F": quantile_score(summary["frequency"], bins),
            "M": quantile_score(summary["monetary_value"], bins),
        },
        index=summary.index,
    )
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


def rfm_segment(scores: pd.DataFrame, segment_map: dict[str, str] | None = None) -> pd.Series:
    """Named segment from the R and F scores (first matching pattern of the map wins)."""
    mapping = SEGMENT_MAP if segment_map is None else segment_map
    rf = scores["R"].astype(str) + scores["F"].astype(str)
    out = pd.Series(pd.NA, index=scores.index, dtype="object")
    for pattern, name in mapping.items():
        hit = out.isna() & rf.str.fullmatch(pattern).astype(bool)
        out[hit] = name
    order = list(dict.fromkeys(mapping.values()))
    return pd.Series(pd.Categorical(out, categories=order), index=scores.index, name="segment")


def pareto_share(values, top: float = 0.2) -> float:
    """Share of the total held by the top `top` fraction of customers (e.g. the 80/20 check)."""
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    k = int(round(top * len(v)))
    return float(v[:k].sum() / v.sum()) if v.sum() > 0 else float("nan")


def value_pyramid(value: pd.Series, vip: float = 0.05, high_potential: float = 0.20) -> pd.Series:
    """金字塔模型 value pyramid: top `vip` share VIP, the next up to `high_potential` high
    potential, the rest regular. Rank by value, ties broken by index order (stable sort)."""
    order = np.argsort(-value.to_numpy(dtype=float), kind="stable")
    n = len(value)
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n)
    tier = np.where(
        rank < round(vip * n),
        "VIP",
        np.where(rank < round(high_potential * n), "high potential", "regular"),
    )
    cats = ["VIP", "high potential", "regular"]
    return pd.Series(pd.Categorical(tier, categories=cats), index=value.index, name="pyramid")


def behaviour_features(orders: pd.DataFrame, price_levels: dict[str, float]) -> pd.DataFrame:
    """What orders reveal per customer: price index, premium share, order size, discount share
    and orders bought on a message's coupon.

    price_index = mean of amount / category price level (what they pay for the same kind of
    item); premium_share = share of orders in categories priced above 1.5.
    """
    level = orders["category"].astype(str).map(price_levels).to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "customer_id": orders["customer_id"].to_numpy(),
            "price_index": orders["amount"].to_numpy(dtype=float) / level,
            "premium": level > 1.5,
            "amount": orders["amount"].to_numpy(dtype=float),
            "discount": orders["discount"].to_numpy(dtype=float),
            "coupon": coupon_orders(orders),
        }
    )
    g = frame.groupby("customer_id")
    out = pd.DataFrame(
        {
            "orders": g.size(),
            "price_index": g["price_index"].mean(),
            "premium_share": g["premium"].mean(),
            "mean_order": g["amount"].mean(),
            "discount_share": g["discount"].sum() / g["amount"].sum(),
            "coupon_orders": g["coupon"].sum(),
        }
    )
    return out


def needs_groups(features: pd.DataFrame, min_orders: int = 3) -> pd.Series:
    """Price-, quality-sensitive or unclear, from behaviour alone (a rule, not the truth).

    Quality: premium share or price index in the top third; price: both in the bottom third
    or two or more orders bought on a coupon; fewer than `min_orders` orders: unclear.
    Service sensitivity leaves no trace in orders, so nobody is called service-sensitive.
    """
    pi = features["price_index"].rank(pct=True)
    ps = features["premium_share"].rank(pct=True)
    group = np.where(
        (features["coupon_orders"] >= 2) | ((pi <= 1 / 3) & (ps <= 1 / 3)),
        "price",
        np.where((pi > 2 / 3) | (ps > 2 / 3), "quality", "unclear"),
    )
    group = np.where(features["orders"] < min_orders, "unclear", group)
    cats = ["price", "quality", "service", "unclear"]
    return pd.Series(pd.Categorical(group, categories=cats), index=features.index, name="needs")


def agreement(found: pd.Series, truth: pd.Series) -> pd.DataFrame:
    """Cross-table of found groups against the truth (rows: truth), shares of each row."""
    both = pd.concat([truth.rename("truth"), found.rename("found")], axis=1, join="inner")
    return pd.crosstab(both["truth"], both["found"], normalize="index")

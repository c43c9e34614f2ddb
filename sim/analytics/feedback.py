"""Outreach and feedback over the contract's tables: pure functions, no SimPy, no widgets.

Surveys (NPS 净推荐值, CSAT) and their non-response bias, comment keywords by month, the
silent customers (failures nobody complained about, invitations nobody answered), and what
automated messages did (orders triggered, cost per channel, opt-outs).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy.special import ndtr

TOPICS = ("price", "quality", "service", "delivery")

# Keywords per language and topic: a comment counts once per topic whose keyword it holds.
KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {
        "price": ("价格", "贵", "便宜", "优惠", "涨价", "性价比", "划算"),
        "quality": ("品质", "质量", "味道", "新鲜"),
        "service": ("服务", "店员", "投诉", "态度"),
        "delivery": ("配送", "送达", "送错"),
    },
    "en": {
        "price": ("price", "expensive", "cheap", "discount", "value"),
        "quality": ("quality", "taste", "fresh", "as good"),
        "service": ("service", "staff", "complain", "rude", "helpful"),
        "delivery": ("delivery", "arrived", "on time"),
    },
}

# NPS: an answer of 9-10 promotes, 0-6 detracts (Reichheld's bands).
PROMOTER, DETRACTOR = 9, 6


def language(locale: str) -> str:
    """The keyword language of a scenario locale: 'zh' for zh_*, else 'en'."""
    return "zh" if str(locale).lower().startswith("zh") else "en"


# ------------------------------------------------------------------------ surveys


def nps(scores: pd.Series | np.ndarray | list[float]) -> float:
    """Net promoter score: % of answers 9-10 minus % of answers 0-6 (−100..100)."""
    s = pd.Series(scores, dtype=float).dropna()
    if not len(s):
        return float("nan")
    return float(100 * ((s >= PROMOTER).mean() - (s <= DETRACTOR).mean()))


def expected_nps(satisfaction: pd.Series | np.ndarray, noise: float = 1.0) -> float:
    """The NPS a group would give if every one of them answered.

    The world's answer is round(10·s + N(0, noise)), so P(promoter) = Φ((10s − 8.5)/noise)
    and P(detractor) = Φ((6.5 − 10s)/noise); with noise 0 the bands are exact.
    """
    s = np.asarray(satisfaction, dtype=float)
    s = s[~np.isnan(s)]
    if not len(s):
        return float("nan")
    x = 10 * s
    if noise <= 0:
        promoters, detractors = x >= PROMOTER - 0.5, x < DETRACTOR + 0.5
    else:
        promoters = ndtr((x - (PROMOTER - 0.5)) / noise)
        detractors = ndtr(((DETRACTOR + 0.5) - x) / noise)
    return float(100 * (np.mean(promoters) - np.mean(detractors)))


def satisfaction_band(satisfaction: pd.Series, bands: int = 5) -> pd.Series:
    """Equal-width bands of satisfaction 0-1, labelled '0.0-0.2', … (ordered categories)."""
    edges = np.linspace(0.0, 1.0, bands + 1)
    labels = [f"{a:.1f}-{b:.1f}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return pd.cut(satisfaction.clip(0, 1), edges, labels=labels, include_lowest=True)


def response_by_band(invitations: pd.DataFrame, bands: int = 5, kind: str | None = None):
    """Invitations, answers and response rate per band of true satisfaction (the U shape).

    From `survey_invitations`; `kind` ('nps' or 'csat') keeps one kind of survey.
    """
    inv = invitations if kind is None else invitations[invitations["kind"] == kind]
    band = satisfaction_band(inv["true_satisfaction"], bands)
    g = inv.groupby(band, observed=False)["responded"]
    out = pd.DataFrame({"invited": g.size(), "responded": g.sum().astype(int)})
    out["rate"] = out["responded"] / out["invited"].where(out["invited"] > 0)
    out.index.name = "satisfaction"
    return out


def nps_bias(invitations: pd.DataFrame, surveys: pd.DataFrame, noise: float = 1.0) -> dict:
    """NPS as surveyed, against what the same invitees would all have said (the truth).

    `surveyed`: the NPS answers; `answerers`: expected NPS of those who answered, from their
    satisfaction; `everyone`: expected NPS of all invited. answerers − everyone is the
    non-response bias; surveyed − answerers is only noise.
    """
    inv = invitations[invitations["kind"] == "nps"]
    answers = surveys[surveys["kind"] == "nps"]["score"]
    return {
        "invited": int(len(inv)),
        "answered": int(inv["responded"].sum()),
        "response_rate": float(inv["responded"].mean()) if len(inv) else float("nan"),
        "surveyed": nps(answers),
        "answerers": expected_nps(inv.loc[inv["responded"], "true_satisfaction"], noise),
        "everyone": expected_nps(inv["true_satisfaction"], noise),
    }


def active_when_asked(invitations: pd.DataFrame, customers: pd.DataFrame) -> pd.Series:
    """Per invitation: had the customer not yet left (truth: churn_day) when asked?"""
    churn = customers.set_index("customer_id")["churn_day"]
    left_at = churn.reindex(invitations["customer_id"]).to_numpy()
    gone = ~np.isnan(left_at) & (left_at <= invitations["day"].to_numpy())
    return pd.Series(~gone, index=invitations.index, name="active")


def never_answered(invitations: pd.DataFrame) -> pd.DataFrame:
    """Per customer invited: invitations, answers, mean satisfaction when asked, silent flag."""
    g = invitations.groupby("customer_id")
    out = pd.DataFrame(
        {
            "invited": g.size(),
            "answered": g["responded"].sum().astype(int),
            "satisfaction": g["true_satisfaction"].mean(),
        }
    )
    out["silent"] = out["answered"] == 0
    return out


def comment_topics(
    comments: pd.Series, lang: str = "zh", keywords: dict[str, tuple[str, ...]] | None = None
) -> pd.DataFrame:
    """One boolean column per topic: does the comment hold one of the topic's keywords?

    `keywords` maps topic -> words; by default `KEYWORDS[lang]`. English is case-blind.
    """
    words = KEYWORDS[lang] if keywords is None else keywords
    text = comments.fillna("").astype(str)
    if lang == "en":
        text = text.str.lower()
    return pd.DataFrame(
        {
            topic: text.apply(lambda t, ks=tuple(ks): any(k.lower() in t for k in ks)).astype(bool)
            for topic, ks in words.items()
        },
        index=comments.index,
    )


def keyword_counts(
    surveys: pd.DataFrame,
    start_date: dt.date | str,
    lang: str = "zh",
    keywords: dict[str, tuple[str, ...]] | None = None,
    horizon: int | None = None,
    share: bool = False,
) -> pd.DataFrame:
    """Comments mentioning each topic, per calendar month ('2026-01', …): the heat-map.

    `surveys.day` counts from `start_date`; rows before day 0 (or from `horizon` on) are left
    out, and months without comments show zeros. `share`: divide by the month's comments.
    """
    s = surveys[surveys["comment"].fillna("").astype(str) != ""]
    s = s[s["day"] >= 0]
    if horizon is not None:
        s = s[s["day"] < horizon]
    start = pd.Timestamp(start_date)
    dates = start + pd.to_timedelta(np.floor(s["day"].to_numpy()), unit="D")
    month = pd.Series(pd.DatetimeIndex(dates).strftime("%Y-%m"), index=s.index)
    topics = comment_topics(s["comment"], lang, keywords)
    counts = topics.groupby(month).sum().astype(int)
    if horizon is not None and horizon > 0:
        last = start + pd.Timedelta(days=horizon - 1)
        months = pd.period_range(start, last, freq="M").strftime("%Y-%m")
        counts = counts.reindex(months, fill_value=0)
    if share:
        total = month.value_counts().reindex(counts.index, fill_value=0)
        counts = counts.div(total.where(total > 0), axis=0).fillna(0.0)
    counts.index.name = "month"
    return counts


# ---------------------------------------------------------------- silent failures


def silent_share(orders: pd.DataFrame) -> float:
    """Share of failed orders (service_failure != 'none') nobody complained about."""
    failed = orders[orders["service_failure"].astype(str) != "none"]
    return float((~failed["complained"].astype(bool)).mean()) if len(failed) else float("nan")


def failure_groups(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.Series:
    """Per customer: 'no failure', 'failure, silent' or 'failure, complained' (ever)."""
    failed = orders[orders["service_failure"].astype(str) != "none"]
    complained = failed.groupby("customer_id")["complained"].any()
    group = pd.Series("no failure", index=customers["customer_id"].to_numpy(), name="group")
    group[complained.index[~complained.to_numpy()]] = "failure, silent"
    group[complained.index[complained.to_numpy()]] = "failure, complained"
    group.index.name = "customer_id"
    return group


def silent_defections(
    customers: pd.DataFrame, orders: pd.DataFrame, horizon: float | None = None
) -> pd.DataFrame:
    """Customers who had a service failure, never complained, and left (by `horizon`).

    One row each: failures, the worst severity, churn_day. A CRM sees none of them coming.
    """
    failed = orders[orders["service_failure"].astype(str) != "none"]
    rank = {"minor": 1, "major": 2, "severe": 3}
    g = failed.groupby("customer_id")
    per = pd.DataFrame(
        {
            "failures": g.size(),
            "complained": g["complained"].any(),
            "worst": g["service_failure"].agg(
                lambda s: max(s.astype(str), key=lambda v: rank.get(v, 0))
            ),
        }
    )
    churn = customers.set_index("customer_id")["churn_day"]
    per["churn_day"] = churn.reindex(per.index)
    left = per["churn_day"].notna()
    if horizon is not None:
        left &= per["churn_day"] < horizon
    out = per[~per["complained"] & left].drop(columns="complained")
    out.index.name = "customer_id"
    return out


def outcomes_by_group(
    customers: pd.DataFrame, orders: pd.DataFrame, horizon: float | None = None
) -> pd.DataFrame:
    """Customers, share who left, and mean end satisfaction per failure group."""
    group = failure_groups(customers, orders)
    c = customers.set_index("customer_id")
    left = c["churn_day"].notna()
    if horizon is not None:
        left &= c["churn_day"] < horizon
    df = pd.DataFrame(
        {"group": group, "left": left.reindex(group.index), "sat": c["true_satisfaction_end"]}
    )
    out = df.groupby("group").agg(
        customers=("left", "size"), left=("left", "mean"), satisfaction_end=("sat", "mean")
    )
    order = ["no failure", "failure, silent", "failure, complained"]
    return out.reindex([g for g in order if g in out.index])


# ---------------------------------------------------------------------- outreach


def _in_horizon(df: pd.DataFrame, horizon: float | None) -> pd.DataFrame:
    if horizon is None:
        return df[df["day"] >= 0]
    return df[(df["day"] >= 0) & (df["day"] < horizon)]


def outreach_by_trigger(
    touches: pd.DataFrame, orders: pd.DataFrame, horizon: float | None = None
) -> pd.DataFrame:
    """Per trigger: messages, cost, open and conversion rates, orders and revenue it led to,
    coupon cost and opt-outs it caused."""
    t = _in_horizon(touches, horizon)
    o = _in_horizon(orders, horizon)
    o = o[o["triggered_by"].astype(str) != ""]
    g = t.groupby(t["trigger"].astype(str))
    out = pd.DataFrame(
        {
            "channel": g["channel"].first().astype(str),
            "messages": g.size(),
            "cost": g["cost"].sum(),
            "opened": g["opened"].mean(),
            "converted": g["converted"].mean(),
            "coupon_cost": g["coupon"].sum(),
            "opt_outs": g["opted_out"].sum().astype(int),
        }
    )
    by = o.groupby(o["triggered_by"].astype(str))["net_amount"]
    out["orders"] = by.size().reindex(out.index, fill_value=0).astype(int)
    out["revenue"] = by.sum().reindex(out.index, fill_value=0.0)
    out.index.name = "trigger"
    return out


def cost_by_channel(touches: pd.DataFrame, horizon: float | None = None) -> pd.DataFrame:
    """Per channel: messages, message cost and coupon cost."""
    t = _in_horizon(touches, horizon)
    g = t.groupby(t["channel"].astype(str))
    out = pd.DataFrame(
        {"messages": g.size(), "cost": g["cost"].sum(), "coupons": g["coupon"].sum()}
    )
    out.index.name = "channel"
    return out


def outreach_headline(tables: dict[str, pd.DataFrame], horizon: float | None = None) -> dict:
    """The figures an outreach change moves: messages, cost, triggered orders, opt-outs, churn."""
    t = _in_horizon(tables["touches"], horizon)
    o = _in_horizon(tables["orders"], horizon)
    c = tables["customers"]
    left = c["churn_day"].notna() & (c["churn_day"] >= 0)
    if horizon is not None:
        left &= c["churn_day"] < horizon
    return {
        "messages": int(len(t)),
        "message_cost": round(float(t["cost"].sum()), 2),
        "coupon_cost": round(float(t["coupon"].sum()), 2),
        "triggered_orders": int((o["triggered_by"].astype(str) != "").sum()),
        "triggered_revenue": round(
            float(o.loc[o["triggered_by"].astype(str) != "", "net_amount"].sum()), 2
        ),
        "opted_out": int(c["opted_out"].sum()),
        "churned": int(left.sum()),
        "revenue": round(float(o["net_amount"].sum()), 2),
    }


def messages_after_complaint(
    tickets: pd.DataFrame, touches: pd.DataFrame, window_days: float = 7.0
) -> pd.DataFrame:
    """Per ticket: automated messages the customer got within `window_days` of complaining.

    Automation does not know a customer is angry: a coupon a day after a complaint is where
    a person should have taken over. Human channels (a phone call) count too; see `trigger`.
    """
    t = tickets[["ticket_id", "customer_id", "opened_day"]]
    m = t.merge(touches[["customer_id", "day", "trigger"]], on="customer_id", how="left")
    hit = (m["day"] >= m["opened_day"]) & (m["day"] < m["opened_day"] + window_days)
    counts = m[hit].groupby("ticket_id").size()
    out = t.set_index("ticket_id")
    out["messages"] = counts.reindex(out.index, fill_value=0).astype(int)
    return out

"""Turn a finished world's records into the data contract's tables (DESIGN.md).

Column names are a contract: add freely, never rename silently. Tables whose subsystem
is off are present and empty, with their columns, so code can rely on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.sections.service import SEVERITIES
from sim.world import basket
from sim.world.population import NEEDS

if TYPE_CHECKING:
    from sim.world import World

EMPTY_TABLES: dict[str, dict[str, str]] = {
    "points_ledger": {
        "customer_id": "int64",
        "day": "float64",
        "delta": "int64",
        "reason": "str",
        "balance": "int64",
    },
    "tiers": {"customer_id": "int64", "day": "float64", "tier_from": "str", "tier_to": "str"},
    "tickets": {
        "ticket_id": "int64",
        "customer_id": "int64",
        "opened_day": "float64",
        "severity": "str",
        "first_response_day": "float64",
        "resolved_day": "float64",
        "follow_up_day": "float64",
        "escalated": "bool",
        "handling": "str",
        "csat": "float64",
    },
    "inquiries": {
        "inquiry_id": "int64",
        "customer_id": "int64",
        "opened_day": "float64",
        "first_response_day": "float64",
        "resolved_day": "float64",
    },
    "touches": {
        "touch_id": "int64",
        "customer_id": "int64",
        "day": "float64",
        "trigger": "str",
        "channel": "str",
        "cost": "float64",
        "opened": "bool",
        "converted": "bool",
        "opted_out": "bool",
        "coupon": "float64",
    },
    "holdouts": {
        "customer_id": "int64",
        "day": "float64",
        "trigger": "str",
    },
    "survey_invitations": {
        "customer_id": "int64",
        "day": "float64",
        "kind": "str",
        "occasion": "str",
        "true_satisfaction": "float64",
        "responded": "bool",
    },
    "surveys": {
        "customer_id": "int64",
        "day": "float64",
        "kind": "str",
        "score": "float64",
        "comment": "str",
        "occasion": "str",
    },
}


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def _dates(start: np.datetime64, days: np.ndarray) -> np.ndarray:
    return start + np.floor(days).astype("int64").astype("timedelta64[D]")


def build_tables(world: World) -> dict[str, pd.DataFrame]:
    sc = world.scenario
    pop = world.pop
    start = np.datetime64(sc.start_date, "D")
    origin = world.start
    cats = sc.catalogue.categories
    channels = list(sc.population.channel_mix)
    joined = ~np.isnan(world.signup_time)
    idx = np.flatnonzero(joined)  # customers who joined before the horizon ended
    ids = idx + 1

    # ---------------------------------------------------------------- orders
    # each order column is made once and handed to the frame as it is (copy=False: a block
    # per column); the log's columns are dropped as soon as they are used, so a
    # 1,000,000-customer world holds about one frame's worth at a time
    o = world.orders.arrays(release=True)
    cust = o.pop("cust")
    cat = basket.category(pop.taste_cdf, o.pop("ucat"), rows=cust)
    price = np.array([c.price_level for c in cats])
    margin = np.array([c.margin for c in cats])
    amount = basket.amount(o.pop("z"), pop.spend_scale[cust], price[cat])
    discount = np.minimum(np.round(o.pop("discount"), 2), amount)
    net = np.round(amount - discount, 2)
    day = o.pop("time")
    day -= origin
    # gross margin = net × m − discount × (1 − m), with m the category's margin, in place
    gross = margin[cat]
    lost = 1 - gross
    lost *= discount
    gross *= net
    gross -= lost
    del lost
    np.round(gross, 2, out=gross)
    trigger_names = [t.name for t in sc.outreach.triggers] if sc.outreach else []
    columns = {
        "order_id": np.arange(1, len(cust) + 1, dtype=np.int64),
        "customer_id": cust + 1,
        "day": day,
        "date": _dates(start, day),
        "category": pd.Categorical.from_codes(cat, [c.name for c in cats]),
        "channel": pd.Categorical.from_codes(pop.channel[cust], channels),
        "amount": amount,
        "discount": discount,
        "net_amount": net,
        "points_earned": o.pop("points_earned"),
        "points_redeemed": o.pop("points_redeemed"),
        "gross_margin": gross,
    }
    del cust, cat, amount, discount
    columns["fulfilment_problem"] = o.pop("problem")
    columns["service_failure"] = pd.Categorical.from_codes(
        o.pop("failure").astype(np.int64), ["none", *SEVERITIES]
    )
    columns["complained"] = o.pop("complained")
    columns["triggered_by"] = pd.Categorical.from_codes(
        o.pop("trigger").astype(np.int64), ["", *trigger_names]
    )
    orders = pd.DataFrame(columns, copy=False)
    del o, columns

    # ---------------------------------------------------------------- customers
    prof = world.all_profiles()
    referrer = world.referred_by[idx]
    signup_day = world.signup_time[idx] - origin
    churn_day = world.churn_time[idx] - origin
    needs = pop.needs[idx]
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "referred_by": np.where(referrer >= 0, referrer + 1.0, np.nan),  # NaN: nobody
            "name": prof["name"][idx],
            "gender": prof["gender"][idx],
            "birth_date": prof["birth_date"][idx],
            "city": prof["city"][idx],
            "phone": prof["phone"][idx],
            "email": prof["email"][idx],
            "preferred_channel": pd.Categorical.from_codes(pop.channel[idx], channels),
            "signup_day": signup_day,
            "signup_date": _dates(start, signup_day),
            "churn_day": churn_day,
            "true_purchase_rate": pop.purchase_rate[idx],
            "true_dropout_prob": pop.dropout_prob[idx],
            "true_mean_spend": pop.mean_spend[idx],
            "true_spend_scale": pop.spend_scale[idx],
            "true_price_sensitivity": needs[:, 0],
            "true_quality_sensitivity": needs[:, 1],
            "true_service_sensitivity": needs[:, 2],
            "true_needs_profile": pd.Categorical.from_codes(pop.dominant_need[idx], NEEDS),
            "true_satisfaction_start": pop.satisfaction0[idx],
            "true_satisfaction_end": world.sat[idx],
            "opted_out": world.outbox.opted_out[idx] if world.outbox else np.zeros(len(idx), bool),
            "times_won_back": world.won_back[idx],
            "base_customer": pop.base_id[idx].astype(str),
        },
        copy=False,
    )
    if not len(customers):
        customers["birth_date"] = customers["birth_date"].astype("datetime64[s]")

    # ---------------------------------------------------------------- daily
    horizon = sc.horizon_days
    edges = np.arange(1, horizon + 1, dtype=float)  # end of each day
    # a customer won back left once more than their churn_day says, and came back
    gaps = np.asarray(world.returns, dtype=float).reshape(-1, 2) - origin
    s_sorted = np.sort(signup_day)
    c_sorted = np.sort(np.concatenate([churn_day[~np.isnan(churn_day)], gaps[:, 0]]))
    b_sorted = np.sort(gaps[:, 1])
    joined_by = np.searchsorted(s_sorted, edges, side="left")
    left_by = np.searchsorted(c_sorted, edges, side="left")
    back_by = np.searchsorted(b_sorted, edges, side="left")
    joined_before = np.searchsorted(s_sorted, edges - 1, side="left")
    left_before = np.searchsorted(c_sorted, edges - 1, side="left")
    back_before = np.searchsorted(b_sorted, edges - 1, side="left")
    in_horizon = (day >= 0) & (day < horizon)
    order_day = np.floor(day[in_horizon]).astype(np.int64)
    days = np.arange(horizon)
    daily = pd.DataFrame(
        {
            "day": days,
            "date": start + days.astype("timedelta64[D]"),
            "active": joined_by - left_by + back_by,
            "new": joined_by - joined_before,
            "churned": left_by - left_before,
            "won_back": back_by - back_before,
            "orders": np.bincount(order_day, minlength=horizon),
            "revenue": np.round(
                np.bincount(order_day, weights=net[in_horizon], minlength=horizon), 2
            ),
            "gross_margin": np.round(
                np.bincount(
                    order_day,
                    weights=orders["gross_margin"].to_numpy()[in_horizon],
                    minlength=horizon,
                ),
                2,
            ),
            "points_liability": np.zeros(horizon),
            "points_outstanding": np.zeros(horizon, dtype=np.int64),
            "open_tickets": np.zeros(horizon, dtype=np.int64),
        }
    )

    tables = {"customers": customers, "orders": orders, "daily": daily}
    tables.update({name: _empty(cols) for name, cols in EMPTY_TABLES.items()})
    if world.desk is not None:
        tables["tickets"] = _tickets(world.desk.tickets, origin)
        tables["inquiries"] = _inquiries(world.desk.inquiries, origin)
    if world.members is not None:
        _loyalty_tables(tables, world.members, origin)
    tables.setdefault("rewards", _empty(LOYALTY_TABLES["rewards"]))
    tables.setdefault("redemptions", _empty(LOYALTY_TABLES["redemptions"]))
    _service_days(daily, orders, tables["tickets"], world)

    # ---------------------------------------------------------------- contracts
    ren = world.renewals.rows
    tables["renewals"] = pd.DataFrame(
        {
            "customer_id": np.array([r[0] + 1 for r in ren], dtype=np.int64),
            "day": np.array([r[1] - origin for r in ren], dtype=float),
            "satisfaction": np.array([r[2] for r in ren], dtype=float),
            "lapse_prob": np.array([r[3] for r in ren], dtype=float),
            "outcome": pd.Series([r[4] for r in ren], dtype="str"),
        }
    )
    if world.outbox is not None or world.contacts.rows:
        tables["touches"] = _touches(world, origin)
    if world.outbox is not None and world.outbox.holdouts:
        tables["holdouts"] = _holdouts(world.outbox, origin)
    if world.survey_desk is not None:
        tables["surveys"], tables["survey_invitations"] = _surveys(world.survey_desk, origin)
    _outreach_days(daily, tables["touches"])
    return tables


TICKET_EXTRA = {
    "channel": "str",
    "promise_kept": "bool",
    "recovery_quality": "float64",
    "cost": "float64",
}


def _tickets(rows: list[tuple], origin: float) -> pd.DataFrame:
    """The desk's cases, in the order they were opened."""
    if not rows:
        return _empty(EMPTY_TABLES["tickets"] | TICKET_EXTRA)
    (
        cust,
        opened,
        severity,
        channel,
        first,
        resolved,
        follow,
        escalated,
        handling,
        csat,
        kept,
        quality,
        cost,
    ) = (list(col) for col in zip(*rows, strict=True))
    df = pd.DataFrame(
        {
            "customer_id": np.asarray(cust, dtype=np.int64) + 1,
            "opened_day": np.asarray(opened) - origin,
            "severity": pd.Categorical(severity, categories=list(SEVERITIES)),
            "first_response_day": np.asarray(first) - origin,
            "resolved_day": np.asarray(resolved) - origin,
            "follow_up_day": np.asarray(follow, dtype=float) - origin,
            "escalated": np.asarray(escalated, dtype=bool),
            "handling": pd.Series(handling, dtype="str"),
            "csat": np.asarray(csat, dtype=float),
            "channel": pd.Series(channel, dtype="str"),
            "promise_kept": np.asarray(kept, dtype=bool),
            "recovery_quality": np.asarray(quality, dtype=float),
            "cost": np.round(np.asarray(cost, dtype=float), 2),
        }
    )
    df = df.sort_values(["opened_day", "customer_id"], kind="stable").reset_index(drop=True)
    df.insert(0, "ticket_id", np.arange(1, len(df) + 1, dtype=np.int64))
    return df


def _inquiries(rows: list[list], origin: float) -> pd.DataFrame:
    """The desk's questions that are not complaints, in the order they were asked."""
    if not rows:
        return _empty(EMPTY_TABLES["inquiries"])
    cust, opened, first, resolved = (np.asarray(col) for col in zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "inquiry_id": np.arange(1, len(rows) + 1, dtype=np.int64),
            "customer_id": cust.astype(np.int64) + 1,
            "opened_day": opened.astype(float) - origin,
            "first_response_day": first.astype(float) - origin,
            "resolved_day": resolved.astype(float) - origin,
        }
    )


def _service_days(
    daily: pd.DataFrame, orders: pd.DataFrame, tickets: pd.DataFrame, world: World
) -> None:
    """Failures, complaints, open cases and running shocks per day, into `daily`."""
    horizon = len(daily)
    day = orders["day"].to_numpy()
    in_h = (day >= 0) & (day < horizon)
    d = np.floor(day[in_h]).astype(np.int64)
    failed = (orders["service_failure"] != "none").to_numpy()[in_h]
    daily["service_failures"] = np.bincount(d, weights=failed, minlength=horizon).astype(int)
    daily["complaints"] = np.bincount(
        d, weights=orders["complained"].to_numpy()[in_h], minlength=horizon
    ).astype(int)
    ends = np.arange(1, horizon + 1, dtype=float)
    opened = np.sort(tickets["opened_day"].to_numpy())
    resolved = np.sort(tickets["resolved_day"].to_numpy())
    daily["open_tickets"] = (
        np.searchsorted(opened, ends, side="left") - np.searchsorted(resolved, ends, side="left")
    ).astype(np.int64)
    books = world.shocks
    daily["shock"] = [books.active_on(i) if books else "" for i in range(horizon)]


def _touches(world: World, origin: float) -> pd.DataFrame:
    """Messages sent and account-manager contacts, in time order (ties by customer, then
    messages before contacts, each in the order they happened)."""
    box = world.outbox
    triggers = box.outreach.triggers if box is not None else []
    # the trigger and channel columns: codes into these, the contacts' as the last code
    names = [x.name for x in triggers] + ["account_review"]
    channels = [x.channel for x in triggers] + ["account_manager"]
    costs = [box.outreach.channels[x.channel].cost for x in triggers] + [0.0]
    cols: list[list[np.ndarray]] = [[] for _ in range(7)]  # cust, day, code, opened, ...
    if box is not None and box.touches:
        for col, parts in zip(cols, zip(*box.touches, strict=True), strict=True):
            col.extend(parts)
    if world.contacts.rows:
        con = np.array(world.contacts.rows, dtype=float)
        n = len(con)
        no = np.zeros(n, bool)
        # a contact: opened, never converted or opted out, no coupon
        contact = (con[:, 0], con[:, 1], np.full(n, len(triggers)), ~no, no, no, np.zeros(n))
        for col, part in zip(cols, contact, strict=True):
            col.append(part)
    if not cols[0]:
        return _empty(EMPTY_TABLES["touches"])
    kinds = (np.int64, float, np.int64, bool, bool, bool, float)
    cust, day, code, opened, converted, opted, coupon = (
        np.concatenate(col).astype(kind, copy=False) for col, kind in zip(cols, kinds, strict=True)
    )
    del cols
    day -= origin
    order = np.lexsort((cust, day))  # stable: ties keep the order they were logged in
    code = code[order]
    return pd.DataFrame(
        {
            "touch_id": np.arange(1, len(order) + 1, dtype=np.int64),
            "customer_id": cust[order] + 1,
            "day": day[order],
            "trigger": pd.array(names, dtype="str").take(code),
            "channel": pd.array(channels, dtype="str").take(code),
            "cost": np.asarray(costs)[code],
            "opened": opened[order],
            "converted": converted[order],
            "opted_out": opted[order],
            "coupon": coupon[order],
        },
        copy=False,
    )


def _holdouts(box, origin: float) -> pd.DataFrame:
    """Customers a trigger fired for but kept as its control group: who, when, which."""
    c, t, k = (np.concatenate(col) for col in zip(*box.holdouts, strict=True))
    names = np.array([x.name for x in box.outreach.triggers], dtype=object)
    df = pd.DataFrame(
        {"customer_id": c.astype(np.int64) + 1, "day": t - origin, "trigger": names[k.astype(int)]}
    )
    df = df.sort_values(["day", "customer_id"], kind="stable").reset_index(drop=True)
    return df.astype({"trigger": "str"})


def _surveys(desk, origin: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Answers (the contract's surveys table) and every invitation with the truth."""
    answers = pd.DataFrame(
        desk.answers, columns=["customer_id", "day", "kind", "occasion", "score", "comment"]
    ).astype(
        {
            "customer_id": np.int64,
            "day": float,
            "kind": "str",
            "occasion": "str",
            "score": float,
            "comment": "str",
        }
    )
    answers["customer_id"] += 1
    answers["day"] -= origin
    answers = answers[["customer_id", "day", "kind", "score", "comment", "occasion"]]
    invited = pd.DataFrame(
        desk.invitations,
        columns=["customer_id", "day", "kind", "occasion", "true_satisfaction", "responded"],
    ).astype(
        {
            "customer_id": np.int64,
            "day": float,
            "kind": "str",
            "occasion": "str",
            "true_satisfaction": float,
            "responded": bool,
        }
    )
    invited["customer_id"] += 1
    invited["day"] -= origin
    sort = ["day", "customer_id"]
    return (
        answers.sort_values(sort, kind="stable").reset_index(drop=True),
        invited.sort_values(sort, kind="stable").reset_index(drop=True),
    )


def _outreach_days(daily: pd.DataFrame, touches: pd.DataFrame) -> None:
    horizon = len(daily)
    day = touches["day"].to_numpy()
    ok = (day >= 0) & (day < horizon)
    d = np.floor(day[ok]).astype(np.int64)
    daily["messages"] = np.bincount(d, minlength=horizon).astype(np.int64)
    daily["outreach_cost"] = np.round(
        np.bincount(d, weights=touches["cost"].to_numpy(dtype=float)[ok], minlength=horizon), 2
    )


LOYALTY_TABLES = {
    "rewards": {
        "reward": "str",
        "points": "int64",
        "cost": "float64",
        "times_affordable": "int64",
        "times_redeemed": "int64",
        "redemption_rate": "float64",
    },
    "redemptions": {
        "customer_id": "int64",
        "day": "float64",
        "reward": "str",
        "points": "int64",
        "cost": "float64",
    },
}


def _loyalty_tables(tables: dict, members, origin: float) -> None:
    """points_ledger, tiers, rewards and redemptions, and the daily points liability."""
    cols = members.ledger.columns()
    day = cols["day"] - origin
    # expiries are settled when an account is next touched, so sort into time order
    order = np.lexsort((cols["customer_id"], day))  # stable: ties keep their order
    reasons = pd.array(list(members.ledger.REASONS), dtype="str")
    ledger = pd.DataFrame(
        {
            "customer_id": cols["customer_id"][order],
            "day": day[order],
            "delta": cols["delta"][order],
            "reason": reasons.take(cols["reason"][order].astype(np.int64)),
            "balance": cols["balance"][order],
        }
    )
    tables["points_ledger"] = ledger
    tiers = pd.DataFrame(members.tier_log, columns=["customer_id", "day", "tier_from", "tier_to"])
    tiers = tiers.astype(
        {"customer_id": np.int64, "day": float, "tier_from": "str", "tier_to": "str"}
    )
    tiers["day"] -= origin
    tables["tiers"] = tiers.sort_values(["day", "customer_id"], kind="stable").reset_index(
        drop=True
    )
    r = members.rewards
    affordable = np.asarray(members.affordable, dtype=np.int64)
    redeemed = np.asarray(members.redeemed, dtype=np.int64)
    tables["rewards"] = pd.DataFrame(
        {
            "reward": pd.Series([x.name for x in r], dtype="str"),
            "points": np.array([x.points for x in r], dtype=np.int64),
            "cost": np.array([x.cost for x in r], dtype=float),
            "times_affordable": affordable,
            "times_redeemed": redeemed,
            "redemption_rate": np.divide(
                redeemed, affordable, out=np.zeros(len(r)), where=affordable > 0
            ),
        }
    )
    red = pd.DataFrame(
        members.redemptions, columns=["customer_id", "day", "reward", "points", "cost"]
    )
    red = red.astype(
        {"customer_id": np.int64, "day": float, "reward": "str", "points": np.int64, "cost": float}
    )
    red["customer_id"] += 1
    red["day"] -= origin
    tables["redemptions"] = red.sort_values(["day", "customer_id"], kind="stable").reset_index(
        drop=True
    )
    daily = tables["daily"]
    horizon = len(daily)
    d = np.floor(ledger["day"].to_numpy())
    before = ledger["delta"].to_numpy()[d < 0].sum()
    ok = (d >= 0) & (d < horizon)
    per_day = np.bincount(
        d[ok].astype(np.int64), weights=ledger["delta"].to_numpy()[ok], minlength=horizon
    )
    outstanding = before + np.cumsum(per_day)
    daily["points_outstanding"] = outstanding.astype(np.int64)
    daily["points_liability"] = np.round(outstanding * members.engine.point_value, 2)

"""The case: one customer picked by seed from a simulated world, their full record, and the
answer key computed from the world's tables.

"Today" is the last simulated day. Value follows notebook 02: RFM on every customer's
orders, CLV over the next 180 days (30-day steps, 1% a month, 70% margin) from BG/NBD and
Gamma-Gamma, the value pyramid on that CLV (VIP top 5%, high potential next 15%).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import analytics as an
from sim.i18n import _
from sim.outputs import write_file
from sim.result import Result
from sim.scenario import Scenario


class CaseError(ValueError):
    """This world cannot make a golden-30 case; the message says why and what to use."""


CLV = {"horizon": 180, "step": 30, "discount_rate": 0.01, "margin": 0.7}
RECENT_DAYS = 90  # "recent" complaint; orders in the last 90 days vs the 90 before
RECORD_TABLES = ("orders", "tickets", "touches", "surveys", "points_ledger", "tiers")


@dataclass
class Case:
    """One customer's complete record as a CRM shows it (no `true_*` columns), the world's
    orders (for RFM and CLV), and the answer key (kept out of the record)."""

    customer_id: int
    today: float
    profile: pd.Series
    record: dict[str, pd.DataFrame]
    orders: pd.DataFrame
    scenario: Scenario
    seed: int
    pick: int
    _key: dict[str, Any] = field(repr=False, default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        record = self.__dict__.get("record", {})
        if name in record:
            return record[name]
        raise AttributeError(name)

    def date(self, day: float) -> str:
        """A simulated day as a calendar date (start_date + floor(day))."""
        return str(pd.Timestamp(self.scenario.start_date) + pd.Timedelta(days=int(np.floor(day))))[
            :10
        ]


def make_case(
    scenario: Scenario,
    seed: int = 7,
    pick: int = 0,
    customers: int | None = None,
    days: int | None = None,
    result: Result | None = None,
) -> Case:
    """Simulate `scenario` with `seed` (or use `result`) and pick the case customer.

    `pick` draws another customer from the same world (one per participant pair).
    CaseError when the world cannot make a case (a contractual one, or too few buyers).
    """
    check_world(scenario)
    if result is None:
        from sim.runner import run

        result = run(scenario, seed=seed, customers=customers, days=days, progress=False)
    t = result.tables
    today = float(result.scenario.horizon_days - 1)
    try:
        value = value_table(t["orders"], today)
    except an.FitError as exc:
        raise CaseError(
            _(
                "this world is too small to value its customers ({error}); simulate more "
                "customers or days (--customers, --days; the notebook's case: 2,000 and 365)",
                error=exc,
            )
        ) from None
    cid = pick_customer(value, t["orders"], t["tickets"], today, seed, pick)
    profile = t["customers"].set_index("customer_id").loc[cid]
    profile = profile[[c for c in profile.index if not c.startswith("true_")]]
    record = {
        name: t[name][t[name]["customer_id"] == cid].reset_index(drop=True)
        for name in RECORD_TABLES
        if name in t
    }
    orders = t["orders"].drop(columns=[c for c in t["orders"] if c.startswith("true_")])
    case = Case(int(cid), today, profile, record, orders, result.scenario, result.seed, pick)
    case._key = answer_key(case, value)
    return case


def check_world(scenario: Scenario) -> None:
    """CaseError unless the world is one a case can be made from: the value task rests on
    BG/NBD and Gamma-Gamma, models of customers who buy when they like and leave without
    notice; accounts on contracts (which renew or lapse at a known date) break them."""
    if scenario.setting.kind == "contractual":
        raise CaseError(
            _(
                "{name} is a contractual world (setting.kind: contractual), and a "
                "golden-30 case cannot be made from one: its value task fits BG/NBD and "
                "Gamma-Gamma, which model customers who buy when they like and leave "
                "unannounced, not accounts that renew or lapse at a contract's end. Use a "
                "non-contractual world, e.g. scenarios/coffee_chain.yaml or "
                "scenarios/online_store.yaml",
                name=repr(scenario.name),
            )
        )


def value_table(orders: pd.DataFrame, today: float) -> pd.DataFrame:
    """Per customer: RFM summary and scores, segment, 180-day CLV and pyramid tier."""
    summary = an.rfm_summary(orders, observation_end=today)
    scores = an.rfm_scores(summary)
    bg = an.BGNBD().fit(summary["frequency"], summary["recency"], summary["T"])
    gg = an.GammaGamma().fit(summary["frequency"], summary["monetary_value"])
    spend = gg.expected_spend(summary["frequency"], summary["monetary_value"])
    clv = an.clv(bg, spend, summary["frequency"], summary["recency"], summary["T"], **CLV)
    out = summary.join(scores)
    out["segment"] = an.rfm_segment(scores).astype(str)
    out["clv_180d"] = clv
    out["clv_undiscounted"] = an.clv(
        bg,
        spend,
        summary["frequency"],
        summary["recency"],
        summary["T"],
        **{**CLV, "discount_rate": 0},
    )
    out["pyramid"] = an.value_pyramid(out["clv_180d"]).astype(str)
    return out


def pick_customer(
    value: pd.DataFrame,
    orders: pd.DataFrame,
    tickets: pd.DataFrame,
    today: float,
    seed: int,
    pick: int = 0,
) -> int:
    """Someone interesting, drawn by seed: a VIP with a recent complaint and a drop in
    orders; the criteria relax step by step. `pick` k takes the k-th in that order."""
    day = orders["day"]
    recent = orders[day > today - RECENT_DAYS].groupby("customer_id").size()
    before = orders[(day > today - 2 * RECENT_DAYS) & (day <= today - RECENT_DAYS)]
    before = before.groupby("customer_id").size()
    df = value[["pyramid"]].copy()
    df["recent"] = recent.reindex(df.index).fillna(0)
    df["before"] = before.reindex(df.index).fillna(0)
    complained = set(tickets.loc[tickets["opened_day"] > today - RECENT_DAYS, "customer_id"])
    df["complaint"] = df.index.isin(complained)
    df["ever"] = df.index.isin(set(tickets["customer_id"]))
    drop = (df["recent"] < df["before"]) & (df["recent"] > 0)
    big = drop & (df["recent"] <= 0.8 * df["before"])
    vip = df["pyramid"] == "VIP"
    steps = [
        vip & df["complaint"] & big,
        vip & df["complaint"] & drop,
        (df["pyramid"] != "regular") & df["complaint"] & drop,
        (df["pyramid"] != "regular") & df["ever"],
        df["ever"],
        pd.Series(True, index=df.index),
    ]
    rng = np.random.default_rng(int(seed))
    order: list[int] = []
    for step in steps:  # the strictest group first, each group shuffled by the seed
        fresh = np.sort([i for i in df.index[step] if i not in set(order)])
        order += [int(i) for i in rng.permutation(fresh)]
    return order[int(pick) % len(order)]


def answer_key(case: Case, value: pd.DataFrame) -> dict[str, Any]:
    """What the checks compare with: value, service history and the opportunity's frame."""
    v = value.loc[case.customer_id]
    tickets = case.record["tickets"].sort_values("opened_day", kind="stable")
    last = tickets.iloc[-1] if len(tickets) else None
    orders = case.record["orders"]
    day = orders["day"]
    sc = case.scenario
    rewards = {r.name: r.cost for r in sc.loyalty.rewards} if sc.loyalty else {}
    human = [n for n, c in sc.outreach.channels.items() if c.human] if sc.outreach else []
    balance = case.record["points_ledger"]["balance"]
    key: dict[str, Any] = {
        "case": {
            "scenario": sc.name,
            "seed": case.seed,
            "pick": case.pick,
            "customer_id": case.customer_id,
            "today": case.today,
            "name": str(case.profile.get("name", "")),
        },
        "value": {
            "rfm_segment": str(v["segment"]),
            "R": int(v["R"]),
            "F": int(v["F"]),
            "M": int(v["M"]),
            "pyramid_tier": str(v["pyramid"]),
            "clv_180d": round(float(v["clv_180d"]), 2),
            "clv_undiscounted": round(float(v["clv_undiscounted"]), 2),
            "past_revenue": round(float(orders["net_amount"].sum()), 2),
            "method": dict(CLV),
        },
        "service": {
            "tickets": int(len(tickets)),
            "open_tickets": int(tickets["resolved_day"].isna().sum()),
            "last_complaint_day": None if last is None else round(float(last["opened_day"]), 2),
            "last_complaint_severity": None if last is None else str(last["severity"]),
            "promise_kept": None if last is None else _flag(last["promise_kept"]),
            "first_complaint_day": None
            if last is None
            else round(float(tickets["opened_day"].iloc[0]), 2),
        },
        "behaviour": {
            "orders_last_90d": int((day > case.today - RECENT_DAYS).sum()),
            "orders_90d_before": int(
                ((day > case.today - 2 * RECENT_DAYS) & (day <= case.today - RECENT_DAYS)).sum()
            ),
            "points_balance": int(balance.iloc[-1]) if len(balance) else 0,
            "opted_out": bool(case.profile.get("opted_out", False)),
            "preferred_channel": str(case.profile.get("preferred_channel", "")),
        },
        "opportunity": {
            "good_channels": sorted(set(human) | {"store"}),
            "max_offer_cost": round(0.15 * float(v["clv_180d"]), 2),
            "rewards": rewards,
            "point_value": _point_value(sc),
            "must_resolve_open_case": bool(tickets["resolved_day"].isna().any()),
            "example": "a personal phone call from the store manager: apologise for the last "
            "complaint, check it is closed, and invite them back with a reward they can use now",
        },
    }
    return key


def _flag(value: Any) -> bool | None:
    return None if pd.isna(value) else bool(value)


def _point_value(sc: Scenario) -> float:
    """What one point costs the business: the program's value, else the cheapest reward's."""
    if sc.loyalty is None:
        return 0.0
    if sc.loyalty.point_value:
        return float(sc.loyalty.point_value)
    rates = [r.cost / r.points for r in sc.loyalty.rewards if r.points > 0]
    return float(min(rates)) if rates else 0.0


def write_answer_key(case: Case, path: str | Path, overwrite: bool = True) -> Path:
    """Write the case's answer key as JSON for the trainer (never shown in the notebook),
    atomically, creating its folder; `overwrite=False` refuses to replace a file."""
    text = json.dumps(case._key, indent=2, ensure_ascii=False, default=str)
    return write_file(path, text + "\n", force=overwrite, create_folder=True)

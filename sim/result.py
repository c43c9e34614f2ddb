"""A run's outcome: the data-contract tables, the resolved scenario, the seed, a summary.

`Result.save(dir)` writes CSV (and Parquet when pyarrow is present), summary.json and the
resolved scenario, atomically (sim.outputs.write_folder): everything goes to a temporary
folder beside `dir`, renamed into place only when complete, so a failed run never leaves
half a folder, and `overwrite` replaces only a folder this tool wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.outputs import OutputError, check_folder, write_folder
from sim.scenario import Scenario

__all__ = ["OutputError", "Result", "check_output_dir"]


def check_output_dir(
    directory: str | Path, overwrite: bool = False, inputs: tuple[str | Path, ...] = ()
) -> Path:
    """Raise OutputError unless `directory` can be (re)written as asked (see sim.outputs)."""
    return check_folder(directory, force=overwrite, inputs=inputs)


@dataclass
class Result:
    """Tables of one run plus what produced them (scenario and seed)."""

    tables: dict[str, pd.DataFrame]
    scenario: Scenario
    seed: int
    _summary: dict | None = field(default=None, repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def summary(self) -> dict:
        """Headline figures of the run (all within the horizon unless named otherwise)."""
        if self._summary is None:
            self._summary = _summarise(self)
        return dict(self._summary)

    def save(
        self,
        directory: str | Path,
        parquet: bool = True,
        overwrite: bool = False,
        inputs: tuple[str | Path, ...] = (),
    ) -> Path:
        """Write every table, summary.json and scenario.yaml into `directory`, atomically.
        `overwrite` replaces only a folder this tool wrote (sim.outputs.write_folder);
        `inputs` are files the folder must not hold (the scenario read)."""
        return write_folder(
            directory,
            lambda tmp: self._write(tmp, parquet),
            force=overwrite,
            inputs=inputs,
            by="python -m sim run",
        )

    def _write(self, folder: Path, parquet: bool) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            parquet = False
        for name, df in self.tables.items():
            df.to_csv(folder / f"{name}.csv", index=False)
            if parquet:
                df.to_parquet(folder / f"{name}.parquet", index=False)
        (folder / "summary.json").write_text(
            json.dumps(self.summary(), indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
        resolved = self.scenario.model_dump(mode="json")
        resolved["seed"] = self.seed
        (folder / "scenario.yaml").write_text(
            "# The resolved scenario of this run (defaults filled in, overrides applied).\n"
            + yaml.safe_dump(resolved, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )


def _summarise(result: Result) -> dict:
    sc = result.scenario
    customers = result.tables["customers"]
    orders = result.tables["orders"]
    daily = result.tables["daily"]
    horizon = sc.horizon_days
    signup = customers["signup_day"].to_numpy()
    churn = customers["churn_day"].to_numpy()
    in_h = orders[(orders["day"] >= 0) & (orders["day"] < horizon)]
    at_start = (signup < 0) & ~(churn < 0)
    still = at_start & ~(churn < horizon)
    revenue = float(in_h["net_amount"].sum())
    n_orders = len(in_h)
    summary = {
        "scenario": sc.name,
        "seed": result.seed,
        "setting": sc.setting.kind,
        "start_date": str(sc.start_date),
        "horizon_days": horizon,
        "currency": sc.catalogue.currency,
        "customers": len(customers),
        "active_at_start": int(at_start.sum()),
        "acquired": int(((signup >= 0) & (signup < horizon)).sum()),
        "active_at_end": int(daily["active"].iloc[-1]) if len(daily) else 0,
        "churned": int(((churn >= 0) & (churn < horizon)).sum()),
        "retention": round(float(still.sum() / at_start.sum()), 4) if at_start.any() else None,
        "orders": n_orders,
        "revenue": round(revenue, 2),
        "gross_margin": round(float(in_h["gross_margin"].sum()), 2),
        "mean_order_value": round(revenue / n_orders, 2) if n_orders else None,
        "orders_with_problems": int(in_h["fulfilment_problem"].sum()),
        **_service_summary(result.tables, horizon),
        **_loyalty_summary(result.tables, horizon, sc),
        **_outreach_summary(result.tables, horizon),
        "margin_after_costs": None,  # filled below
        "mean_satisfaction_end": round(float(np.mean(customers["true_satisfaction_end"])), 4)
        if len(customers)
        else None,
    }
    summary["margin_after_costs"] = _margin_after_costs(summary)
    return summary


def _margin_after_costs(summary: dict) -> float:
    """Gross margin (on net amounts: discounts and coupons are already in it) less what
    rewards, messages and the desk cost."""
    return round(
        summary["gross_margin"]
        - (summary.get("reward_cost") or 0.0)
        - (summary.get("outreach_cost") or 0.0)
        - (summary.get("service_cost") or 0.0),
        2,
    )


def _service_summary(tables: dict[str, pd.DataFrame], horizon: int) -> dict:
    orders = tables["orders"]
    in_h = orders[(orders["day"] >= 0) & (orders["day"] < horizon)]
    failures = int((in_h["service_failure"] != "none").sum())
    complaints = int(in_h["complained"].sum())
    t = tables["tickets"]
    t = t[(t["opened_day"] >= 0) & (t["opened_day"] < horizon)]
    answered = t.dropna(subset=["first_response_day"])
    return {
        "service_failures": failures,
        "complaints": complaints,
        "silent_failures": failures - complaints,
        "promise_kept": round(float(answered["promise_kept"].mean()), 4) if len(answered) else None,
        "mean_ticket_csat": round(float(t["csat"].mean()), 3) if t["csat"].notna().any() else None,
        "service_cost": round(float(t["cost"].sum()), 2) if "cost" in t else 0.0,
    }


def _in_horizon(df: pd.DataFrame, horizon: int, column: str = "day") -> pd.DataFrame:
    return df[(df[column] >= 0) & (df[column] < horizon)]


def _loyalty_summary(tables: dict[str, pd.DataFrame], horizon: int, sc: Scenario) -> dict:
    """Points issued, redeemed and expired in the horizon, what is left, what it all cost."""
    ledger = _in_horizon(tables["points_ledger"], horizon)
    by = ledger.groupby("reason")["delta"].sum() if len(ledger) else pd.Series(dtype=float)
    issued = int(by.get("earn", 0) + by.get("bonus", 0))
    redeemed = int(-by.get("redeem", 0))
    expired = int(-by.get("expire", 0))
    daily = tables["daily"]
    outstanding = int(daily["points_outstanding"].iloc[-1]) if len(daily) else 0
    liability = float(daily["points_liability"].iloc[-1]) if len(daily) else 0.0
    orders = _in_horizon(tables["orders"], horizon)
    touches = _in_horizon(tables["touches"], horizon)
    coupons = float(touches["coupon"].sum()) if "coupon" in touches else 0.0
    reward_cost = float(_in_horizon(tables["redemptions"], horizon)["cost"].sum())
    tier_discounts = max(0.0, float(orders["discount"].sum()) - coupons)
    tiers = tables["tiers"]
    members = int(ledger["customer_id"].nunique()) if len(ledger) else 0
    held: dict[str, int] = {}
    if len(tiers):
        last = tiers.sort_values("day", kind="stable").groupby("customer_id")["tier_to"].last()
        held = {str(k): int(v) for k, v in last.value_counts().items()}
    # every tier of the ladder, empty ones too (a run where nobody reached platinum has
    # 0 platinum members, not an unknown number)
    mix: dict[str, int] = {}
    if sc.loyalty is not None:
        above = {t.name: held.get(t.name, 0) for t in sc.loyalty.tiers}
        mix = {sc.loyalty.base_tier: members - sum(above.values()), **above}
    return {
        "members": members,
        "points_issued": issued,
        "points_redeemed": redeemed,
        "points_expired": expired,
        "points_outstanding": outstanding,
        "points_liability": round(liability, 2),
        "breakage": round(expired / (expired + redeemed), 4) if expired + redeemed else None,
        "reward_cost": round(reward_cost, 2),
        "tier_discounts": round(tier_discounts, 2),
        "program_cost": round(reward_cost + tier_discounts, 2),
        "tier_moves_up": _moves(tiers, sc, up=True),
        "tier_moves_down": _moves(tiers, sc, up=False),
        "tier_mix": mix,
    }


def _moves(tiers: pd.DataFrame, sc: Scenario, up: bool) -> int:
    """Tier changes up (or down) the program's ladder."""
    if not len(tiers) or sc.loyalty is None:
        return 0
    rank = {sc.loyalty.base_tier: 0, **{t.name: i + 1 for i, t in enumerate(sc.loyalty.tiers)}}
    a, b = tiers["tier_from"].map(rank), tiers["tier_to"].map(rank)
    return int((b > a).sum() if up else (b < a).sum())


def _outreach_summary(tables: dict[str, pd.DataFrame], horizon: int) -> dict:
    """Messages and what they did; surveys and what they say (NPS = % 9-10 − % 0-6)."""
    touches = _in_horizon(tables["touches"], horizon)
    orders = _in_horizon(tables["orders"], horizon)
    surveys = _in_horizon(tables["surveys"], horizon)
    invited = _in_horizon(tables["survey_invitations"], horizon)
    nps = surveys[surveys["kind"] == "nps"]["score"]
    customers = tables["customers"]
    return {
        "messages": len(touches),
        "outreach_cost": round(float(touches["cost"].sum()), 2),
        "coupon_cost": round(float(touches["coupon"].sum()), 2) if "coupon" in touches else 0.0,
        "triggered_orders": int((orders["triggered_by"] != "").sum())
        if "triggered_by" in orders
        else 0,
        "opted_out": int(customers["opted_out"].sum()) if "opted_out" in customers else 0,
        "won_back": int((customers["times_won_back"] > 0).sum())
        if "times_won_back" in customers
        else 0,
        "survey_response_rate": round(float(invited["responded"].mean()), 4)
        if len(invited)
        else None,
        "nps": round(float(((nps >= 9).mean() - (nps <= 6).mean()) * 100), 1) if len(nps) else None,
    }

"""The cost side of a program: points issued, redeemed, expired, liability and breakage.

Also replays a points ledger to check (or rebuild) the tier history it implies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sim.loyalty.account import Account
from sim.loyalty.engine import Engine
from sim.loyalty.results import LedgerRow
from sim.loyalty.tiers import TierRow


@dataclass(frozen=True, slots=True)
class Totals:
    """Program totals over a set of accounts, in points and money.

    breakage: the share of points that left the program by expiring rather than being
    redeemed, expired / (expired + redeemed); NaN while none has left.
    """

    issued: int  # earned + bonus + positive adjustments
    earned: int
    bonus: int
    redeemed: int
    expired: int
    adjusted: int
    outstanding: int
    liability: float  # outstanding × point_value
    reward_cost: float  # real cost of the rewards redeemed
    breakage: float


def totals(engine: Engine, accounts: Iterable[Account]) -> Totals:
    """Sum the accounts' movements; outstanding points valued at the engine's point_value."""
    earned = bonus = redeemed = expired = adjusted = outstanding = 0
    cost = []
    for a in accounts:
        earned += a.earned
        bonus += a.bonus
        redeemed += a.redeemed
        expired += a.expired
        adjusted += a.adjusted
        outstanding += a.balance
        cost.append(a.reward_cost)
    gone = expired + redeemed
    return Totals(
        issued=earned + bonus + max(adjusted, 0),
        earned=earned,
        bonus=bonus,
        redeemed=redeemed,
        expired=expired,
        adjusted=adjusted,
        outstanding=outstanding,
        liability=outstanding * engine.point_value,
        reward_cost=math.fsum(cost),
        breakage=expired / gone if gone else math.nan,
    )


def replay_tiers(engine: Engine, ledger: Iterable[LedgerRow], until: float) -> list[TierRow]:
    """The tier history that the ledger's "earn" rows imply, reviews settled up to `until`.

    Only for programs that qualify on points (spend is not in the ledger). A world whose
    tiers table differs from this replay has a bug.
    """
    if engine.tiers.spend:
        raise ValueError("replay needs qualification on points; this program counts spend")
    tiers = engine.tiers
    log: list[TierRow] = []
    accounts: dict[int, Account] = {}
    for customer_id, day, delta, reason, _balance in ledger:
        a = accounts.get(customer_id)
        if a is None:
            a = accounts[customer_id] = Account(customer_id)
        _settle(tiers, a, day, log)
        if reason == "earn":
            tiers.qualify(a, day, delta, log)
    for a in accounts.values():
        _settle(tiers, a, until, log)
    return log


def _settle(tiers, a: Account, day: float, log: list) -> None:
    while a.review_day <= day:
        tiers.review(a, a.review_day, log)

"""What the engine's operations return, besides an Earning (sim/loyalty/earning.py)."""

from __future__ import annotations

from dataclasses import dataclass

LedgerRow = tuple[int, float, int, str, int]  # customer_id, day, delta, reason, balance


@dataclass(frozen=True, slots=True)
class ExpiredLot:
    """Points of one award that expired unspent."""

    award_day: float
    points: int
    expiry_day: float


@dataclass(frozen=True, slots=True)
class Redemption:
    """A reward taken: its point and real cost and the lots the points came from (oldest first)."""

    reward: str
    points: int
    cost: float
    lots: tuple[tuple[float, int], ...]  # (award_day, points taken)
    balance: int


@dataclass(frozen=True, slots=True)
class TierChange:
    """A move between tiers (up or down) on `day`."""

    customer_id: int
    day: float
    tier_from: str
    tier_to: str


@dataclass(frozen=True, slots=True)
class Advance:
    """What happened on its own between two calls: expiries and tier reviews."""

    expired: list[ExpiredLot]
    tier_changes: list[TierChange]

"""What the engine's operations return: plain records, an Earning that explains itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

LedgerRow = tuple[int, float, int, str, int]  # customer_id, day, delta, reason, balance


class Earning:
    """The points one order earned: the base, each rule's points, and why.

    `by_rule` maps each rule that fired to its points (a cap's are negative);
    `explain()` lists every rule: fired and how many points, or why not.
    """

    __slots__ = (
        "engine",
        "points",
        "base",
        "parts",
        "day",
        "amount",
        "category",
        "tier",
        "gift",
        "birthday",
    )

    def __init__(
        self, engine, points, base, parts, day, amount, category, tier, gift, birthday
    ) -> None:
        self.engine = engine
        self.points = points  # total credited (>= 0)
        self.base = base
        self.parts = parts  # per rule in order: points if fired, None if not; cut at a stop
        self.day = day
        self.amount = amount
        self.category = category
        self.tier = tier  # tier index held when the order was placed
        self.gift = gift  # whether a once-a-year birthday bonus was given
        self.birthday = birthday  # the member's (month, day) or None

    @property
    def by_rule(self) -> dict[str, int]:
        names = self.engine.rule_names
        return {names[i]: p for i, p in enumerate(self.parts) if p is not None}

    def explain(self) -> list[str]:
        """One line per rule, e.g. "weekend_double: not applied — order on a Tuesday"."""
        from sim.loyalty.explain import explain

        return explain(self)

    def __repr__(self) -> str:
        return f"Earning(points={self.points}, base={self.base}, by_rule={self.by_rule})"


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

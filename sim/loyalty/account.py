"""A member's loyalty state: balance, point lots, tier and qualifying history.

A plain class with __slots__ (the world holds one per customer and touches it per order);
the engine changes it, nothing else should.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import deque

INF = float("inf")


class Account:
    """One member. `lots` holds [award_day, points_left, expiry_day] lists, oldest first.

    Totals (`earned`, `bonus`, `redeemed`, `expired`, `adjusted`) only grow, so that
    earned + bonus + adjusted − redeemed − expired == balance at every moment.
    """

    __slots__ = (
        "customer_id",
        "birthday",
        "balance",
        "lots",
        "tier",
        "review_day",
        "in_grace",
        "qual_day",
        "qual_amount",
        "qual_head",
        "qual_sum",
        "qual_year",
        "prev_sum",
        "next_event",
        "last_day",
        "birthday_year",
        "caps",
        "earned",
        "bonus",
        "redeemed",
        "expired",
        "adjusted",
        "reward_cost",
    )

    def __init__(self, customer_id: int = 0, birthday: dt.date | tuple[int, int] | None = None):
        self.customer_id = customer_id
        if isinstance(birthday, dt.date):
            birthday = (birthday.month, birthday.day)
        self.birthday = birthday  # (month, day) or None
        self.balance = 0
        self.lots: deque[list] = deque()
        self.tier = 0  # index into Engine.tier_names; 0 is the base tier
        self.review_day = INF  # when the tier is next reviewed
        self.in_grace = False
        # the rolling window's (day, amount) pairs from qual_head on, as two typed columns
        # (16 bytes a pair where a tuple took ~116: a member keeps a year of orders here)
        self.qual_day = array("d")
        self.qual_amount = array("d")
        self.qual_head = 0
        self.qual_sum = 0.0  # rolling: sum of the window; calendar: this year's total
        self.qual_year = 0  # calendar: the year qual_sum belongs to
        self.prev_sum = 0.0  # calendar: the year before qual_year
        self.next_event = INF  # min(first lot's expiry, review_day)
        self.last_day = -INF
        self.birthday_year = None  # the year whose birthday bonus was given
        self.caps: dict[int, list] = {}  # cap rule index -> [period key, points used]
        self.earned = 0
        self.bonus = 0
        self.redeemed = 0
        self.expired = 0
        self.adjusted = 0
        self.reward_cost = 0.0

    def __repr__(self) -> str:
        return (
            f"Account(customer_id={self.customer_id}, balance={self.balance}, "
            f"tier={self.tier}, lots={len(self.lots)})"
        )

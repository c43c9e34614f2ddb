"""Tier qualification and reviews: upgrade at once, review at window ends, downgrade by policy.

Upgrades happen the moment the qualifying total over the window reaches a higher
threshold. A member above the base tier is reviewed when the window ends (rolling: every
`days` days from the upgrade; calendar_year: every 1 January, on the year just ended):
still qualified, the tier is kept; otherwise `requalify` drops to the tier the window
supports, `grace` first keeps the tier `grace_days` longer and drops then unless the
member has qualified again, `never` keeps it for good. Reviews happen at their own day
whatever day the engine is next called, so results do not depend on call frequency.
"""

from __future__ import annotations

import math
from bisect import bisect_right

from sim.loyalty.account import INF, Account
from sim.loyalty.calendar import Calendar
from sim.loyalty.schema import LoyaltyProgram

TierRow = tuple[int, float, str, str]  # customer_id, day, tier_from, tier_to


class Tiers:
    """A program's tier rules compiled to plain numbers; appends rows to `log`."""

    __slots__ = ("names", "thresholds", "spend", "rolling", "window", "policy", "grace", "cal")

    def __init__(self, program: LoyaltyProgram, calendar: Calendar) -> None:
        self.names = (program.base_tier, *(t.name for t in program.tiers))
        self.thresholds = [t.threshold for t in program.tiers]
        self.spend = program.qualification.basis == "spend"
        self.rolling = program.qualification.window == "rolling"
        self.window = float(program.qualification.days)
        self.policy = program.downgrade.policy
        self.grace = float(program.downgrade.grace_days)
        self.cal = calendar

    def supported(self, total: float) -> int:
        """The highest tier index whose threshold `total` reaches (0 = base tier)."""
        return bisect_right(self.thresholds, total + 1e-9)

    def qualify(self, a: Account, day: float, amount: float, log: list) -> None:
        """Count `amount` towards the window at `day`; upgrade when a threshold is reached."""
        if not self.thresholds:
            return
        if self.rolling:
            days, amounts = a.qual_day, a.qual_amount
            days.append(day)
            amounts.append(amount)
            a.qual_sum += amount
            cutoff = day - self.window
            h = a.qual_head
            while days[h] <= cutoff:
                a.qual_sum -= amounts[h]
                h += 1
            _forget(a, h)
            total = a.qual_sum
        else:
            year = self.cal.date(day).year
            if year != a.qual_year:
                a.prev_sum = a.qual_sum if year == a.qual_year + 1 else 0.0
                a.qual_year = year
                a.qual_sum = 0.0
            a.qual_sum += amount
            total = a.qual_sum
        target = bisect_right(self.thresholds, total + 1e-9)  # self.supported(total)
        if target > a.tier:
            self._move(a, day, target, log)
            a.in_grace = False
            self._schedule(a, day)

    def review(self, a: Account, t: float, log: list) -> None:
        """The review due at `t`: keep, start a grace period, or drop (per the policy)."""
        target = self.supported(self._window_total(a, t))
        if target >= a.tier:
            a.in_grace = False
            self._schedule(a, t)
        elif self.policy == "grace" and not a.in_grace and self.grace > 0:
            a.in_grace = True
            a.review_day = t + self.grace
        else:
            a.in_grace = False
            self._move(a, t, target, log)
            self._schedule(a, t)

    def _window_total(self, a: Account, t: float) -> float:
        if self.rolling:
            days, h = a.qual_day, a.qual_head
            cutoff = t - self.window
            while h < len(days) and days[h] <= cutoff:
                h += 1
            _forget(a, h)
            a.qual_sum = math.fsum(a.qual_amount[a.qual_head :])  # re-sum: no drift from +/-
            return a.qual_sum
        year = self.cal.date(t).year  # the year just ended, or (after grace) this one so far
        this = a.qual_sum if a.qual_year == year else 0.0
        if a.qual_year == year:
            last = a.prev_sum
        elif a.qual_year == year - 1:
            last = a.qual_sum
        else:
            last = 0.0
        return max(this, last)

    def _schedule(self, a: Account, t: float) -> None:
        if a.tier == 0 or self.policy == "never":
            a.review_day = INF
        elif self.rolling:
            a.review_day = t + self.window
        else:
            a.review_day = self.cal.year_end_after(t, 0)

    def _move(self, a: Account, day: float, target: int, log: list) -> None:
        log.append((a.customer_id, day, self.names[a.tier], self.names[target]))
        a.tier = target


def _forget(a: Account, head: int) -> None:
    """Move the rolling window's start to `head`; drop the pairs before it once they are
    at least half of what is stored (amortised O(1) a pair)."""
    if head >= 32 and 2 * head >= len(a.qual_day):
        del a.qual_day[:head], a.qual_amount[:head]
        head = 0
    a.qual_head = head

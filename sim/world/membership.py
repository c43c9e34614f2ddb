"""The loyalty program in the world: who joins, what they earn, redeem, and how it holds them.

The rules themselves live in `sim.loyalty` (pure); this module applies them order by order
and turns a member's state into behaviour: a points balance and a tier are a switching
cost (lower odds of leaving, more so for the discount-sensitive), customers close to the
next tier buy sooner, and members who can afford a reward redeem it at their own rate.
The program starts on the scenario's start date.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from typing import TYPE_CHECKING

import numpy as np

from sim.loyalty import Account, Engine, LoyaltyError, LoyaltyProgram
from sim.loyalty.schema import Behaviour
from sim.world.records import LedgerColumns
from sim.world.rng import REFERRALS

if TYPE_CHECKING:
    from sim.world import World


def referral_chance(behaviour: Behaviour, worth: float) -> float:
    """The chance that a member's order brings a friend, for a referral bonus worth `worth`
    mean orders: rising from 0 with the bonus and levelling off at `behaviour.referral`
    (half of it at `referral_half_worth`)."""
    if worth <= 0:
        return 0.0
    return behaviour.referral * worth / (worth + behaviour.referral_half_worth)


class Membership:
    """The program's engine, its members' accounts, and what members did with rewards."""

    def __init__(self, world: World, program: LoyaltyProgram) -> None:
        self.world = world
        self.program = program
        self.behaviour = program.behaviour
        origin = world.scenario.start_date - dt.timedelta(days=int(world.start))
        self.ledger = LedgerColumns()
        self.tier_log: list[tuple] = []
        self.engine = Engine(program, start_date=origin, ledger=self.ledger, tier_log=self.tier_log)
        self.accounts: dict[int, Account] = {}
        self.declined: set[int] = set()
        self.store = world.store
        self.store.add("said_no", False, bool)  # `declined`, as a column
        self.store.share(self, said_no="said_no")
        self.propensity: dict[int, float] = {}
        self.uniforms: dict[int, _Uniforms] = {}  # each member's redemption draws
        mean_order = float(np.mean(world.pop.mean_spend)) if len(world.pop) else 1.0
        # what a point is worth in mean orders: a balance's hold and a referral bonus's pull
        self.orders_per_point = self.engine.point_value / mean_order
        # members refer friends only when the program pays for it, more often for more
        worth = program.referral_bonus * self.orders_per_point
        self.refer_chance = referral_chance(program.behaviour, worth)
        self.refers = self.refer_chance > 0
        self.referrals: dict[int, _Uniforms] = {}  # each member's referral draws
        self.rewards = sorted(program.rewards, key=lambda r: r.points)
        self.reward_points = [r.points for r in self.rewards]
        self.affordable = [0] * len(self.rewards)
        self.redeemed = [0] * len(self.rewards)
        self.redemptions: list[tuple] = []
        thresholds = [t.threshold for t in program.tiers]
        self.thresholds = thresholds
        # discount-sensitive customers value points and status more (the behaviour's
        # value weights: ×1.15 for sensitivity 0.6, ×0.55 for 0.2 by default)
        self.weight: list[float] = []
        self._weigh(np.arange(len(self.store)))
        self.store.on_append(self._weigh)

    def _weigh(self, rows: np.ndarray) -> None:
        """The value weights of customers `rows` (the last rows of the store)."""
        b = self.behaviour
        needs = self.store.needs[rows, 0]
        self.weight.extend((b.value_weight_base + b.value_weight_price * needs).tolist())

    def account(self, c: int, now: float) -> Account | None:
        """Customer c's account, enrolling them at their first order in the program's time."""
        a = self.accounts.get(c)
        if a is not None or c in self.declined or now < self.world.start:
            return a
        rng = self.world.loyalty_rng(c)
        if rng.random() >= self.behaviour.enrolment:
            self.declined.add(c)
            self.said_no[c] = True
            return None
        m = self.behaviour.redemption
        self.propensity[c] = float(rng.beta(4 * m, 4 * (1 - m))) if 0 < m < 1 else m
        self.uniforms[c] = _Uniforms(rng)
        birth = self.world.profile("birth_date", c).astype("datetime64[D]").item()
        a = self.accounts[c] = Account(customer_id=c + 1, birthday=birth)
        self.engine.signup(a, now)
        return a

    def on_order(self, c: int, now: float, amount: float, category: str) -> tuple[float, int, int]:
        """Apply the program to one order: (tier discount, points earned, points redeemed)."""
        a = self.accounts.get(c) or self.account(c, now)
        if a is None:
            return 0.0, 0, 0
        return self._apply(a, c, now, amount, category)

    def _apply(
        self, a: Account, c: int, now: float, amount: float, category: str
    ) -> tuple[float, int, int]:
        rate = self.engine.discount(a)
        discount = round(rate * amount * 100.0) / 100.0 if rate else 0.0
        earned = self.engine.earn(a, now, amount - discount, category).points
        redeemed = 0
        n_can = bisect_right(self.reward_points, a.balance)
        if n_can:
            counts = self.affordable
            for i in range(n_can):
                counts[i] += 1
            u_redeem, u_pick = self.uniforms[c].pair()
            if u_redeem < self.propensity[c]:
                i = min(int(u_pick * n_can), n_can - 1)
                reward = self.rewards[i]
                try:
                    self.engine.redeem(a, reward.name, now)
                except LoyaltyError:  # pragma: no cover - affordable was checked above
                    return discount, earned, 0
                self.redeemed[i] += 1
                redeemed = reward.points
                self.redemptions.append((c, now, reward.name, reward.points, reward.cost))
        if self.refers:
            self._refer(a, c, now)
        return discount, earned, redeemed

    def _refer(self, a: Account, c: int, now: float) -> None:
        """Whether member c's order at `now` brings a friend: the bonus now, the friend's
        first order an exponential delay later (both draws from c's own referral stream)."""
        draws = self.referrals.get(c)
        if draws is None:
            draws = self.referrals[c] = _Uniforms(self.world.streams.kept(REFERRALS, c))
        u_refer, u_delay = draws.pair()
        if u_refer < self.refer_chance:
            self.engine.referral(a, now)
            self.world.refer(c, now - self.behaviour.referral_delay_days * math.log1p(-u_delay))

    def on_orders(
        self, cs: np.ndarray, t: np.ndarray, amount: np.ndarray, categories: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """`on_order` for a round of orders by distinct customers: arrays of discount,
        points earned and redeemed, extra log-odds of leaving and purchase speed (0 and 1
        for non-members), as `leave_logodds` and `rate_multiplier` give them after it."""
        n = len(cs)
        discount, logodds, speed = [0.0] * n, [0.0] * n, [1.0] * n
        earned, redeemed = [0] * n, [0] * n
        accounts, start = self.accounts, self.world.start
        names = self.world._category_names
        apply, leave_logodds, speed_of = self._apply, self.leave_logodds, self.rate_multiplier
        # only members, and customers not yet asked, in the program's time
        todo = np.flatnonzero((t >= start) & ~self.said_no[cs])
        rows = zip(
            todo.tolist(),
            cs[todo].tolist(),
            t[todo].tolist(),
            amount[todo].tolist(),
            categories[todo].tolist(),
            strict=True,
        )
        for i, c, when, spent, k in rows:
            a = accounts.get(c)
            if a is None:
                a = self.account(c, when)
                if a is None:
                    continue
            off, earned[i], redeemed[i] = apply(a, c, when, spent, names[k])
            discount[i] = 0.0 + off
            logodds[i], speed[i] = leave_logodds(c), speed_of(c)
        return (
            np.array(discount),
            np.array(earned, dtype=np.int64),
            np.array(redeemed, dtype=np.int64),
            np.array(logodds),
            np.array(speed),
        )

    def leave_logodds(self, c: int) -> float:
        """How much the member's balance and tier lower their odds of leaving (<= 0)."""
        a = self.accounts.get(c)
        if a is None:
            return 0.0
        b = self.behaviour
        worth = a.balance * self.orders_per_point
        return -self.weight[c] * (b.switching_cost * min(2.0, worth) + b.tier_loyalty * a.tier)

    def rate_multiplier(self, c: int) -> float:
        """Faster buying for members close below the next tier's threshold."""
        a = self.accounts.get(c)
        if a is None or a.tier >= len(self.thresholds):
            return 1.0
        nxt = self.thresholds[a.tier]
        near = nxt * (1 - self.behaviour.near_threshold) <= a.qual_sum < nxt
        return 1.0 + self.behaviour.threshold_speedup if near else 1.0

    def priority(self, c: int) -> int:
        """Desk priority: members of tiers with priority service go first (lower first)."""
        a = self.accounts.get(c)
        if a is None or not self.engine.priority(a):
            return 0
        return -int(a.tier)

    def finish(self, end: float) -> None:
        """Settle expiries and tier reviews due by the end of the horizon."""
        for a in self.accounts.values():
            if a.last_day <= end:
                self.engine.advance(a, math.nextafter(end, -math.inf))


class _Uniforms:
    """A member's redemption draws from their loyalty stream, 16 at a time: the same
    numbers, in the same order, as one `random(2)` call per order."""

    __slots__ = ("rng", "buf", "i")

    BLOCK = 16

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.i = self.BLOCK

    def pair(self) -> tuple[float, float]:
        i = self.i
        if i == self.BLOCK:
            self.buf = self.rng.random(self.BLOCK).tolist()
            i = 0
        self.i = i + 2
        return self.buf[i], self.buf[i + 1]

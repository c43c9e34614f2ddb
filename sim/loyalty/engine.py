"""The loyalty engine: a program compiled once, then fast pure operations on accounts.

Points per order, in this order:
1. base = whole currency units (amount // currency_unit) × base_points_per_unit, rounded down;
2. `rules` top to bottom. A conditional rule (weekday, category, tier, date_range, birthday)
   that holds adds (multiplier − 1) × base (stacking "add") or (multiplier − 1) × the
   running total (stacking "multiply"), rounded down, plus its fixed `bonus` (a birthday
   bonus once per year); a cap cuts the running total to what is left of its allowance
   for the order/day/week/month/year; a rule with `stop: true` that fires ends evaluation;
3. the total never goes below zero; it is credited as one lot that expires by the policy.
Tier rules use the tier held before the order; the order then counts towards qualification.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Iterable

from sim.i18n import _
from sim.loyalty.account import INF, Account
from sim.loyalty.calendar import Calendar, birthday_in
from sim.loyalty.earning import Earning
from sim.loyalty.results import Advance, ExpiredLot, LedgerRow, Redemption, TierChange
from sim.loyalty.schema import (
    WEEKDAYS,
    BirthdayRule,
    CapRule,
    CategoryRule,
    DateRangeRule,
    LoyaltyProgram,
    TierRule,
    WeekdayRule,
)
from sim.loyalty.tiers import TierRow, Tiers
from sim.problems import DID_YOU_MEAN

WEEKDAY, CATEGORY, TIER, DATE, BIRTHDAY, CAP = range(6)
_UNSEEN = object()
_NEAR_MONTHS = frozenset((0, 1, 11))  # month differences a within_days <= 31 can span
_CAP_PERIODS = {"order": 0, "day": 1, "week": 2, "month": 3, "year": 4}


class LoyaltyError(ValueError):
    """An operation the program does not allow (unknown reward, too few points, time travel)."""


class Engine:
    """One program on one calendar. Rows go to `ledger` and `tier_log` as they happen.

    `ledger` rows: (customer_id, day, delta, reason, balance), reason one of earn, bonus,
    redeem, expire, adjust. `tier_log` rows: (customer_id, day, tier_from, tier_to).
    Calls for one account must come in non-decreasing `day`.
    """

    def __init__(
        self,
        program: LoyaltyProgram,
        start_date: dt.date = dt.date(2026, 1, 1),
        ledger: list[LedgerRow] | None = None,
        tier_log: list[TierRow] | None = None,
    ) -> None:
        self.program = program
        self.cal = Calendar(start_date)
        self.ledger: list[LedgerRow] = [] if ledger is None else ledger
        self.tier_log: list[TierRow] = [] if tier_log is None else tier_log
        self.unit = float(program.currency_unit)
        self.per_unit = float(program.base_points_per_unit)
        self.multiply = program.stacking == "multiply"
        self.rules = [self._compile(r, program) for r in program.rules]
        self.rule_names = tuple(r.name for r in program.rules)
        self.needs_date = any(r[0] in (BIRTHDAY, CAP) for r in self.rules)
        self.tiers = Tiers(program, self.cal)
        self.tier_names = self.tiers.names
        self.benefits = (None, *(t.benefits for t in program.tiers))
        self.rewards = {r.name: (r.points, r.cost) for r in program.rewards}
        if program.point_value is not None:
            self.point_value = float(program.point_value)
        elif program.rewards:
            self.point_value = sum(r.cost / r.points for r in program.rewards) / len(
                program.rewards
            )
        else:
            self.point_value = 0.0
        ex = program.expiry
        self.expiry = (ex.policy, ex.days, ex.months, ex.years)
        self._expiry_at: dict[int, float] = {}  # calendar policies: whole day -> expiry day
        self._dates: dict[int, dt.date] = {}  # ordinal -> date, for birthday and cap rules
        # (birthday, ordinal, rule's condition) -> the birthday year it celebrates, or None
        self._birthdays: dict[tuple, int | None] = {}
        self._plans: dict[tuple, tuple] = {}  # (ordinal, category, tier) -> rules to apply

    # ------------------------------------------------------------------ compiling

    def _compile(self, rule, program: LoyaltyProgram) -> tuple:
        """(code, stop, multiplier, bonus, what the condition needs) for one rule."""
        if isinstance(rule, CapRule):
            return (CAP, rule.stop, 1.0, 0, (rule.max_points, _CAP_PERIODS[rule.per]))
        if isinstance(rule, WeekdayRule):
            what = frozenset(WEEKDAYS.index(d) for d in rule.days)
            code = WEEKDAY
        elif isinstance(rule, CategoryRule):
            what, code = frozenset(rule.categories), CATEGORY
        elif isinstance(rule, TierRule):
            names = [program.base_tier, *(t.name for t in program.tiers)]
            what, code = frozenset(names.index(n) for n in rule.tiers), TIER
        elif isinstance(rule, DateRangeRule):
            what, code = (rule.start.toordinal(), rule.end.toordinal()), DATE
        elif isinstance(rule, BirthdayRule):
            what, code = (rule.within_days, rule.whole_month), BIRTHDAY
        else:  # pragma: no cover - the schema's union is closed
            raise TypeError(f"unknown rule {rule!r}")
        return (code, rule.stop, float(rule.multiplier), int(rule.bonus), what)

    # ------------------------------------------------------------------- earning

    def earn(self, a: Account, day: float, amount: float, category: str = "") -> Earning:
        """Credit the points for one order of `amount` in `category` on `day`."""
        if day < a.last_day:
            self._time_travel(a, day)
        a.last_day = day
        if day >= a.next_event:
            self.advance(a, day)
        tier = a.tier  # the tier the order is placed in (rules use it; it may rise below)
        units = amount // self.unit if amount > 0 else 0.0
        base = int(units * self.per_unit)
        total = base
        parts: list = []
        gift = False
        rules = self.rules
        if rules:
            ordinal = self.cal.start_ord + int(day // 1)
            date = None
            if self.needs_date:
                date = self._dates.get(ordinal)
                if date is None:
                    date = self._dates[ordinal] = dt.date.fromordinal(ordinal)
            multiply = self.multiply
            parts = [None] * len(rules)
            plan = self._plans.get((ordinal, category, tier))
            if plan is None:
                plan = self._plans[ordinal, category, tier] = self._plan(ordinal, category, tier)
            for i, code, stop, mult, bonus, what in plan:
                if code == BIRTHDAY:
                    year = None
                    bd = a.birthday
                    # (a date months away from the birthday cannot be within the window)
                    if bd and (what[1] or (date.month - bd[0]) % 12 in _NEAR_MONTHS):
                        key = (bd, ordinal, what)
                        year = self._birthdays.get(key, _UNSEEN)
                        if year is _UNSEEN:
                            year = self._birthdays[key] = _birthday_year(a.birthday, date, what)
                    if year is None:
                        continue
                    if bonus and a.birthday_year != year:
                        a.birthday_year = year
                        gift = True
                    else:
                        bonus = 0
                elif code == CAP:  # cut the running total to what is left of the allowance
                    limit, period = what
                    if period == 0:
                        allowed = limit
                    else:
                        if period == 1:
                            key = int(day // 1)
                        elif period == 2:
                            key = (ordinal - 1) // 7
                        elif period == 3:
                            key = date.year * 12 + date.month
                        else:
                            key = date.year
                        state = a.caps.get(i)
                        if state is None or state[0] != key:
                            state = a.caps[i] = [key, 0]
                        allowed = limit - state[1] if limit > state[1] else 0
                        state[1] += total if total < allowed else allowed
                    if total > allowed:
                        parts[i] = allowed - total
                        total = allowed
                        if stop:
                            del parts[i + 1 :]
                            break
                    continue
                extra = int((total if multiply else base) * (mult - 1.0)) if mult != 1.0 else 0
                if extra < -total:
                    extra = -total
                extra += bonus
                total += extra
                parts[i] = extra
                if stop:
                    del parts[i + 1 :]
                    break
        if total > 0:  # as _award(a, day, total, "earn"), inlined: this runs per order
            expiry = self._expiry(day)
            a.lots.append([day, total, expiry])
            a.balance += total
            if expiry < a.next_event:
                a.next_event = expiry
            self.ledger.append((a.customer_id, day, total, "earn", a.balance))
            a.earned += total
        self.tiers.qualify(a, day, amount if self.tiers.spend else total, self.tier_log)
        if a.review_day < a.next_event:
            a.next_event = a.review_day
        return Earning(self, total, base, parts, day, amount, category, tier, gift, a.birthday)

    def _plan(self, ordinal: int, category: str, tier: int) -> tuple:
        """The rules to work through for an order on `ordinal` in `category` by a member
        of `tier`: (index, code, stop, multiplier, bonus, condition) of every rule whose
        condition holds for them, and of every birthday and cap rule (those depend on the
        member), in order; made once per (day, category, tier)."""
        steps = []
        for i, (code, stop, mult, bonus, what) in enumerate(self.rules):
            if code == WEEKDAY:
                hit = (ordinal - 1) % 7 in what
            elif code == CATEGORY:
                hit = category in what
            elif code == TIER:
                hit = tier in what
            elif code == DATE:
                hit = what[0] <= ordinal <= what[1]
            else:  # BIRTHDAY, CAP
                hit = True
            if hit:
                steps.append((i, code, stop, mult, bonus, what))
        return tuple(steps)

    # ------------------------------------------------------ bonuses and adjustments

    def signup(self, a: Account, day: float) -> int:
        """The sign-up bonus (reason "bonus"); returns the points given."""
        return self._bonus(a, day, self.program.signup_bonus)

    def referral(self, a: Account, day: float) -> int:
        """The referral bonus (reason "referral") for the member `a` who brought someone in."""
        return self._bonus(a, day, self.program.referral_bonus, "referral")

    def _bonus(self, a: Account, day: float, points: int, reason: str = "bonus") -> int:
        self._step(a, day)
        if points > 0:
            self._award(a, day, points, reason)
            a.bonus += points
        return points

    def adjust(self, a: Account, day: float, delta: int) -> list[tuple[float, int]]:
        """A manual correction (reason "adjust"): + adds a lot, − takes points oldest first."""
        self._step(a, day)
        delta = int(delta)
        if delta > 0:
            self._award(a, day, delta, "adjust")
            a.adjusted += delta
            return [(day, delta)]
        if -delta > a.balance:
            raise LoyaltyError(
                _(
                    "cannot take {points} points from a balance of {balance}",
                    points=-delta,
                    balance=a.balance,
                )
            )
        taken = self._spend(a, -delta)
        a.adjusted += delta
        if delta:
            self.ledger.append((a.customer_id, day, delta, "adjust", a.balance))
        return taken

    # ---------------------------------------------------------------- redemption

    def redeem(self, a: Account, reward: str, day: float) -> Redemption:
        """Exchange points for `reward`, spending the oldest points first."""
        self._step(a, day)
        try:
            points, cost = self.rewards[reward]
        except KeyError:
            close = difflib.get_close_matches(reward, list(self.rewards), n=1)
            hint = "; " + _(DID_YOU_MEAN, guess=repr(close[0])) if close else ""
            raise LoyaltyError(_("no reward named {reward}", reward=repr(reward)) + hint) from None
        if a.balance < points:
            raise LoyaltyError(
                _(
                    "{reward} costs {points} points; the balance is {balance}",
                    reward=repr(reward),
                    points=points,
                    balance=a.balance,
                )
            )
        taken = self._spend(a, points)
        a.redeemed += points
        a.reward_cost += cost
        self.ledger.append((a.customer_id, day, -points, "redeem", a.balance))
        return Redemption(reward, points, cost, tuple(taken), a.balance)

    def affordable(self, a: Account) -> list[str]:
        """The rewards the member's balance pays for, cheapest first."""
        return [
            n for n, (p, _) in sorted(self.rewards.items(), key=lambda kv: kv[1]) if p <= a.balance
        ]

    # ------------------------------------------------------------- time passing

    def advance(self, a: Account, day: float) -> Advance:
        """Settle everything due up to `day`: lot expiries and tier reviews, in time order."""
        expired: list[ExpiredLot] = []
        moves = len(self.tier_log)
        lots = a.lots
        while True:
            exp = lots[0][2] if lots else INF
            rev = a.review_day
            if exp <= rev:
                if exp > day:
                    break
                award, left, _expires = lots.popleft()
                a.balance -= left
                a.expired += left
                self.ledger.append((a.customer_id, exp, -left, "expire", a.balance))
                expired.append(ExpiredLot(award, left, exp))
            else:
                if rev > day:
                    break
                self.tiers.review(a, rev, self.tier_log)
        a.next_event = min(lots[0][2] if lots else INF, a.review_day)
        changes = [TierChange(*row) for row in self.tier_log[moves:]]
        return Advance(expired, changes)

    def expire(self, a: Account, day: float) -> list[ExpiredLot]:
        """Expire every lot due by `day` (and settle due tier reviews); the lots expired."""
        self._check(a, day)
        return self.advance(a, day).expired

    def requalify(self, a: Account, day: float) -> list[TierChange]:
        """Run the tier reviews due by `day` (and due expiries); the tier changes made."""
        self._check(a, day)
        return self.advance(a, day).tier_changes

    # ---------------------------------------------------------------- benefits

    def tier_name(self, a: Account) -> str:
        return self.tier_names[a.tier]

    def discount(self, a: Account) -> float:
        """The tier's discount fraction on orders (0 for the base tier)."""
        b = self.benefits[a.tier]
        return b.discount if b is not None else 0.0

    def priority(self, a: Account) -> bool:
        b = self.benefits[a.tier]
        return b.priority if b is not None else False

    def liability(self, accounts: Account | Iterable[Account]) -> float:
        """Money value of outstanding points: balance × point_value."""
        if isinstance(accounts, Account):
            return accounts.balance * self.point_value
        return math.fsum(a.balance for a in accounts) * self.point_value

    # ----------------------------------------------------------------- helpers

    def _step(self, a: Account, day: float) -> None:
        self._check(a, day)
        if day >= a.next_event:
            self.advance(a, day)

    def _check(self, a: Account, day: float) -> None:
        if day < a.last_day:
            self._time_travel(a, day)
        a.last_day = day

    @staticmethod
    def _time_travel(a: Account, day: float) -> None:
        raise LoyaltyError(
            _(
                "customer {customer}: day {day} comes before day {seen} already seen",
                customer=a.customer_id,
                day=day,
                seen=a.last_day,
            )
        )

    def _award(self, a: Account, day: float, points: int, reason: str) -> None:
        expiry = self._expiry(day)
        a.lots.append([day, points, expiry])
        a.balance += points
        if expiry < a.next_event:
            a.next_event = expiry
        self.ledger.append((a.customer_id, day, points, reason, a.balance))

    def _expiry(self, day: float) -> float:
        policy, days, months, years = self.expiry
        if policy == "never":
            return INF
        if policy == "days":
            return day + days
        whole = int(day // 1)
        cached = self._expiry_at.get(whole)
        if cached is None:
            if policy == "month_end":
                cached = self.cal.month_end_after(day, months)
            else:
                cached = self.cal.year_end_after(day, years)
            self._expiry_at[whole] = cached
        return cached

    @staticmethod
    def _spend(a: Account, points: int) -> list[tuple[float, int]]:
        """Take `points` from the oldest lots first; the (award_day, points) taken."""
        taken = []
        lots = a.lots
        while points > 0:
            lot = lots[0]
            take = lot[1] if lot[1] <= points else points
            lot[1] -= take
            points -= take
            a.balance -= take
            taken.append((lot[0], take))
            if lot[1] == 0:
                lots.popleft()
        a.next_event = min(lots[0][2] if lots else INF, a.review_day)
        return taken


def _birthday_year(birthday: tuple[int, int], date: dt.date, what: tuple) -> int | None:
    """The year of the birthday this date celebrates under the rule, or None."""
    within, whole_month = what
    month, mday = birthday
    if whole_month:
        return date.year if date.month == month else None
    if (date.month - month) % 12 not in (0, 1, 11):  # within_days <= 31: months apart
        return None
    ordinal = date.toordinal()
    for year in (date.year, date.year - 1, date.year + 1):
        if abs(ordinal - birthday_in(year, month, mday).toordinal()) <= within:
            return year
    return None

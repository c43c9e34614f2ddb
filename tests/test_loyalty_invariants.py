"""Invariants on random histories (Hypothesis): points are conserved, never negative,
the ledger adds up, and replaying the ledger reproduces the tier history."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.loyalty import Account, Engine, LoyaltyError, LoyaltyProgram, replay_tiers, totals

RULES = [
    {"kind": "weekday", "name": "weekend", "days": ["sat", "sun"], "multiplier": 2},
    {"kind": "category", "name": "beans", "categories": ["beans"], "multiplier": 3, "stop": True},
    {"kind": "tier", "name": "gold", "tiers": ["gold"], "multiplier": 1.5},
    {"kind": "birthday", "name": "bday", "within_days": 2, "multiplier": 2, "bonus": 50},
    {"kind": "cap", "name": "day_cap", "max_points": 400, "per": "day"},
]

programs = st.fixed_dictionaries(
    {
        "rules": st.just(RULES),
        "stacking": st.sampled_from(["add", "multiply"]),
        "signup_bonus": st.integers(0, 100),
        "tiers": st.just(
            [{"name": "silver", "threshold": 200}, {"name": "gold", "threshold": 800}]
        ),
        "qualification": st.fixed_dictionaries(
            {"window": st.sampled_from(["rolling", "calendar_year"]), "days": st.integers(20, 200)}
        ),
        "downgrade": st.fixed_dictionaries(
            {
                "policy": st.sampled_from(["requalify", "grace", "never"]),
                "grace_days": st.integers(0, 60),
            }
        ),
        "expiry": st.one_of(
            st.fixed_dictionaries({"policy": st.just("days"), "days": st.integers(1, 120)}),
            st.fixed_dictionaries({"policy": st.just("month_end"), "months": st.integers(0, 3)}),
            st.fixed_dictionaries({"policy": st.just("year_end"), "years": st.integers(0, 1)}),
            st.just({"policy": "never"}),
        ),
        "rewards": st.just(
            [{"name": "small", "points": 50}, {"name": "big", "points": 300, "cost": 9}]
        ),
    }
)

steps = st.lists(
    st.tuples(
        st.sampled_from(["earn", "earn", "earn", "redeem", "expire", "requalify", "adjust"]),
        st.floats(0, 40, allow_nan=False),  # days since the last step
        st.floats(0, 400, allow_nan=False),  # order amount
        st.sampled_from(["coffee", "beans", "tea"]),
        st.sampled_from(["small", "big"]),
    ),
    max_size=60,
)


def check(e: Engine, accounts: dict[int, Account]) -> None:
    for a in accounts.values():
        assert a.balance >= 0
        assert a.earned + a.bonus + a.adjusted - a.redeemed - a.expired == a.balance
        assert sum(lot[1] for lot in a.lots) == a.balance
        assert all(lot[1] > 0 for lot in a.lots)
        expiries = [lot[2] for lot in a.lots]
        assert expiries == sorted(expiries)  # oldest first is also soonest to expire
    running: dict[int, int] = {}
    for cid, _day, delta, _reason, balance in e.ledger:
        running[cid] = running.get(cid, 0) + delta
        assert running[cid] == balance >= 0
    for cid, a in accounts.items():
        by = {}
        for row in e.ledger:
            if row[0] == cid:
                by[row[3]] = by.get(row[3], 0) + row[2]
        assert by.get("earn", 0) == a.earned
        assert by.get("bonus", 0) == a.bonus
        assert -by.get("redeem", 0) == a.redeemed
        assert -by.get("expire", 0) == a.expired


@settings(max_examples=150, deadline=None)
@given(programs, steps, st.integers(0, 2))
def test_random_histories_keep_the_books(program: dict, history: list, who: int) -> None:
    e = Engine(LoyaltyProgram.model_validate(program), dt.date(2026, 1, 1))
    accounts = {i: Account(i, dt.date(1990, 1, 5 + i)) for i in range(3)}
    day = 0.0
    for a in accounts.values():
        e.signup(a, 0.0)
    for n, (op, gap, amount, category, reward) in enumerate(history):
        day += gap
        a = accounts[(who + n) % 3]
        if op == "earn":
            assert e.earn(a, day, amount, category).points >= 0
        elif op == "redeem":
            try:
                e.redeem(a, reward, day)
            except LoyaltyError:
                assert a.balance < e.rewards[reward][0]
        elif op == "expire":
            e.expire(a, day)
        elif op == "requalify":
            e.requalify(a, day)
        else:
            e.expire(a, day)  # so that the balance below is today's
            e.adjust(a, day, -min(a.balance, int(amount) // 4) if n % 2 else int(amount) // 4)
        check(e, accounts)
    for a in accounts.values():
        e.requalify(a, day + 1000)
    check(e, accounts)
    replayed = replay_tiers(e, e.ledger, day + 1000)
    assert sorted(replayed, key=lambda r: r[0]) == sorted(e.tier_log, key=lambda r: r[0])
    t = totals(e, accounts.values())
    assert t.issued - t.redeemed - t.expired + min(t.adjusted, 0) == t.outstanding

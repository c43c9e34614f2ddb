"""Worked examples of the loyalty engine: exact points per rule, order, caps, stop, expiry.

The calendar starts on Thursday 2026-01-01, so day 2 is a Saturday, day 5 a Tuesday,
day 44 is 14 February and day 68 is 10 March.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from sim.loyalty import Account, Engine, LoyaltyError, LoyaltyProgram, totals

START = dt.date(2026, 1, 1)
SAT, SUN, TUE = 2.0, 3.0, 5.0

WEEKEND = {"kind": "weekday", "name": "weekend_double", "days": ["sat", "sun"], "multiplier": 2}
BEANS = {"kind": "category", "name": "beans_triple", "categories": ["beans"], "multiplier": 3}


def engine(**program) -> Engine:
    return Engine(LoyaltyProgram.model_validate(program), START)


def test_calendar_weekdays() -> None:
    e = engine()
    assert [e.cal.date(d).strftime("%a") for d in (0, SAT, SUN, TUE)] == [
        "Thu",
        "Sat",
        "Sun",
        "Tue",
    ]
    assert e.cal.date(44) == dt.date(2026, 2, 14)
    assert e.cal.date(68.9) == dt.date(2026, 3, 10)


def test_base_points_per_whole_unit() -> None:
    e = engine(currency_unit=10, base_points_per_unit=2)
    a = Account(1)
    assert e.earn(a, 0, 57.9).points == 10  # 5 whole units of 10 × 2 points
    assert e.earn(a, 0, 9.99).points == 0  # no whole unit, no points, no ledger row
    assert e.ledger == [(1, 0, 10, "earn", 10)]


def test_weekday_multiplier() -> None:
    e = engine(rules=[WEEKEND])
    a = Account(1)
    sat = e.earn(a, SAT + 0.4, 38.0, "coffee")
    assert (sat.points, sat.base, sat.by_rule) == (76, 38, {"weekend_double": 38})
    tue = e.earn(a, TUE, 38.0, "coffee")
    assert (tue.points, tue.by_rule) == (38, {})
    assert "weekend_double: not applied — order on a Tuesday" in tue.explain()
    assert "weekend_double: +38 points — order on a Saturday (×2)" in sat.explain()


def test_category_multiplier_and_stacking() -> None:
    a = Account(1)
    e = engine(rules=[WEEKEND, BEANS])
    assert e.earn(a, TUE, 40, "beans").by_rule == {"beans_triple": 80}  # 40 + 2 × 40
    both = e.earn(a, 9.0, 40, "beans")  # day 9 is a Saturday
    assert (both.points, both.by_rule) == (160, {"weekend_double": 40, "beans_triple": 80})
    e = engine(rules=[WEEKEND, BEANS], stacking="multiply")
    both = e.earn(Account(1), SAT, 40, "beans")  # 40 × 2 × 3
    assert (both.points, both.by_rule) == (240, {"weekend_double": 40, "beans_triple": 160})


def test_tier_multiplier_uses_the_tier_before_the_order() -> None:
    e = engine(
        rules=[{"kind": "tier", "name": "gold_bonus", "tiers": ["gold"], "multiplier": 1.25}],
        tiers=[{"name": "gold", "threshold": 100}],
    )
    a = Account(1)
    first = e.earn(a, 0, 100)  # reaches gold with this order, earned as a member
    assert (first.points, e.tier_name(a)) == (100, "gold")
    second = e.earn(a, 1, 30)  # 30 + int(30 × 0.25) = 30 + 7
    assert (second.points, second.by_rule) == (37, {"gold_bonus": 7})
    assert "gold_bonus: not applied — member is member, not gold" in first.explain()


def test_date_range_includes_both_ends() -> None:
    valentine = {
        "kind": "date_range",
        "name": "valentine",
        "start": "2026-02-14",
        "end": "2026-02-14",
        "multiplier": 5,
    }
    e = engine(rules=[valentine])
    a = Account(1)
    assert [e.earn(a, d, 20).points for d in (43.9, 44.0, 44.99, 45.0)] == [20, 100, 100, 20]


def test_birthday_multiplier_and_bonus_once_a_year() -> None:
    rule = {"kind": "birthday", "name": "birthday", "multiplier": 2, "bonus": 100}
    e = engine(rules=[rule])
    a = Account(1, dt.date(1990, 3, 10))
    assert e.earn(a, 67, 20).points == 20  # 9 March
    on = e.earn(a, 68, 20)
    assert (on.points, on.by_rule) == (140, {"birthday": 120})  # 20 + 20 + 100
    again = e.earn(a, 68.5, 20)
    assert again.points == 40  # still double, the bonus only once
    assert "already given this year" in again.explain()[1]
    assert e.earn(a, 365 + 68, 20).points == 140  # 10 March 2027: a new year's bonus
    assert e.earn(Account(2), 68, 20).explain()[1] == "birthday: not applied — no birthday on file"


def test_birthday_windows_and_leap_day() -> None:
    week = {"kind": "birthday", "name": "bday_week", "within_days": 3, "multiplier": 2}
    e = engine(rules=[week])
    a = Account(1, (3, 10))
    assert [e.earn(a, d, 10).points for d in (64, 65, 71, 72)] == [10, 20, 20, 10]
    month = {"kind": "birthday", "name": "bday_month", "whole_month": True, "multiplier": 2}
    e = engine(rules=[month])
    a = Account(1, (3, 31))
    assert [e.earn(a, d, 10).points for d in (58, 59, 89, 90)] == [10, 20, 20, 10]
    e = engine(rules=[{**week, "within_days": 0}])
    leap = Account(3, dt.date(2000, 2, 29))
    assert [e.earn(leap, d, 10).points for d in (57, 58, 59)] == [10, 20, 10]  # 28 Feb 2026
    near_new_year = Account(4, (12, 31))
    assert e.earn(near_new_year, 364, 10).points == 20


def test_cap_per_order_and_later_rules_are_not_capped() -> None:
    cap = {"kind": "cap", "name": "order_cap", "max_points": 50}
    bonus = {"kind": "category", "name": "beans_bonus", "categories": ["beans"], "bonus": 10}
    e = engine(rules=[WEEKEND, cap, bonus])
    r = e.earn(Account(1), SAT, 40, "beans")  # 80, capped to 50, then +10
    assert (r.points, r.by_rule) == (
        60,
        {"weekend_double": 40, "order_cap": -30, "beans_bonus": 10},
    )
    assert "order_cap: -30 points — capped at 50 points per order" in r.explain()
    small = e.earn(Account(2), TUE, 20, "tea")
    assert "order_cap: not applied — 20 points fit under the cap of 50 per order" in small.explain()


def test_cap_per_day_carries_over_within_the_day_only() -> None:
    e = engine(rules=[WEEKEND, {"kind": "cap", "name": "day_cap", "max_points": 100, "per": "day"}])
    a = Account(1)
    points = [e.earn(a, d, 40).points for d in (SAT, SAT + 0.3, SAT + 0.6, SUN)]
    assert points == [80, 20, 0, 80]
    assert [row[2] for row in e.ledger] == [80, 20, 80]  # an order earning 0 writes no row


def test_cap_per_month() -> None:
    e = engine(rules=[{"kind": "cap", "name": "month_cap", "max_points": 100, "per": "month"}])
    a = Account(1)
    assert [e.earn(a, d, 60).points for d in (0, 10, 30, 31)] == [60, 40, 0, 60]


def test_stop_here_ends_evaluation() -> None:
    e = engine(rules=[{**BEANS, "stop": True}, WEEKEND])
    beans = e.earn(Account(1), SAT, 40, "beans")
    assert (beans.points, beans.by_rule) == (120, {"beans_triple": 80})
    lines = beans.explain()
    assert "stop here" in lines[1]
    assert lines[2] == "weekend_double: not evaluated — stopped by beans_triple"
    coffee = e.earn(Account(2), SAT, 40, "coffee")  # the stop rule did not fire
    assert coffee.by_rule == {"weekend_double": 40}


def test_rule_order_matters_with_caps() -> None:
    cap = {"kind": "cap", "name": "cap", "max_points": 50}
    assert engine(rules=[WEEKEND, cap]).earn(Account(1), SAT, 40).points == 50
    assert engine(rules=[cap, WEEKEND]).earn(Account(1), SAT, 40).points == 80


def test_zero_multiplier_gives_no_points_never_negative() -> None:
    none = {"kind": "category", "name": "no_merch", "categories": ["merch"], "multiplier": 0}
    e = engine(rules=[none, {**none, "name": "again"}])
    r = e.earn(Account(1), TUE, 50, "merch")
    assert (r.points, r.by_rule) == (0, {"no_merch": -50, "again": 0})
    assert e.ledger == []


def test_explanation_lists_every_rule() -> None:
    e = engine(rules=[WEEKEND, BEANS])
    lines = e.earn(Account(1), TUE, 40, "beans").explain()
    assert lines == [
        "base: 40 points — 40 whole unit(s) of 1 × 1 point(s)",
        "weekend_double: not applied — order on a Tuesday",
        "beans_triple: +80 points — order in 'beans' (×3)",
        "total: 120 points",
    ]


def test_signup_and_referral_bonuses() -> None:
    e = engine(signup_bonus=50, referral_bonus=100, point_value=0.02)
    a = Account(7)
    assert (e.signup(a, 0), e.referral(a, 3), e.earn(a, 4, 10).points) == (50, 100, 10)
    assert e.ledger == [
        (7, 0, 50, "bonus", 50), (7, 3, 100, "referral", 150), (7, 4, 10, "earn", 160),
    ]  # fmt: skip


def test_expiry_per_lot_and_oldest_first_spending() -> None:
    e = engine(expiry={"policy": "days", "days": 30}, rewards=[{"name": "mug", "points": 120}])
    a = Account(1)
    e.earn(a, 0, 100)
    e.earn(a, 10, 50)
    r = e.redeem(a, "mug", 20)
    assert r.lots == ((0, 100), (10, 20))  # the oldest lot first
    assert [(x.award_day, x.points, x.expiry_day) for x in e.expire(a, 45)] == [(10, 30, 40)]
    assert e.ledger == [
        (1, 0, 100, "earn", 100),
        (1, 10, 50, "earn", 150),
        (1, 20, -120, "redeem", 30),
        (1, 40, -30, "expire", 0),
    ]


def test_expiry_is_settled_before_a_later_redemption() -> None:
    e = engine(expiry={"policy": "days", "days": 30}, rewards=[{"name": "cup", "points": 40}])
    a = Account(1)
    e.earn(a, 0, 100)
    e.earn(a, 20, 50)
    r = e.redeem(a, "cup", 35)  # the day-0 lot expired on day 30
    assert r.lots == ((20, 40),)
    assert e.ledger[2:] == [(1, 30, -100, "expire", 50), (1, 35, -40, "redeem", 10)]


@pytest.mark.parametrize(
    ("expiry", "day", "expires"),
    [
        ({"policy": "days", "days": 365}, 10.5, 375.5),
        ({"policy": "month_end", "months": 0}, 3, 31),  # 4 Jan -> 1 Feb
        ({"policy": "month_end", "months": 12}, 3, 396),  # end of January 2027
        ({"policy": "year_end"}, 100, 365),  # 1 Jan 2027
        ({"policy": "year_end", "years": 1}, 100, 730),
        ({"policy": "never"}, 5, math.inf),
    ],
)
def test_expiry_policies(expiry: dict, day: float, expires: float) -> None:
    e = engine(expiry=expiry)
    a = Account(1)
    e.earn(a, day, 10)
    assert a.lots[0][2] == expires
    if math.isfinite(expires):
        assert e.expire(a, expires - 0.001) == []
        assert [x.points for x in e.expire(a, expires)] == [10]
        assert (a.balance, a.expired) == (0, 10)


def test_redemption_errors_and_affordability() -> None:
    rewards = [{"name": "free coffee", "points": 300, "cost": 8}, {"name": "pastry", "points": 200}]
    e = engine(rewards=rewards)
    a = Account(1)
    e.earn(a, 0, 250)
    assert e.affordable(a) == ["pastry"]
    with pytest.raises(LoyaltyError, match="costs 300 points; the balance is 250"):
        e.redeem(a, "free coffee", 1)
    with pytest.raises(LoyaltyError, match="did you mean 'free coffee'"):
        e.redeem(a, "free cofee", 1)
    with pytest.raises(LoyaltyError, match="comes before"):
        e.earn(a, 0.5, 10)


def test_liability_breakage_and_reward_cost() -> None:
    rewards = [
        {"name": "coffee", "points": 100, "cost": 8},
        {"name": "tumbler", "points": 400, "cost": 48},
    ]
    e = engine(rewards=rewards, expiry={"policy": "days", "days": 10})
    assert e.point_value == pytest.approx((0.08 + 0.12) / 2)
    a, b = Account(1), Account(2)
    e.earn(a, 0, 150)
    e.redeem(a, "coffee", 1)
    e.earn(b, 0, 80)
    e.expire(b, 20)
    e.earn(a, 5, 30)
    t = totals(e, [a, b])
    assert (t.issued, t.redeemed, t.expired, t.outstanding) == (260, 100, 80, 80)
    assert t.reward_cost == 8
    assert t.breakage == pytest.approx(80 / 180)
    assert t.liability == pytest.approx(80 * 0.1) == e.liability([a, b])


def test_adjustments_take_oldest_points() -> None:
    e = engine()
    a = Account(1)
    e.earn(a, 0, 30)
    e.adjust(a, 1, 20)
    assert e.adjust(a, 2, -40) == [(0, 30), (1, 10)]
    assert (a.balance, a.adjusted) == (10, -20)
    with pytest.raises(LoyaltyError):
        e.adjust(a, 3, -11)
    assert e.ledger[-2:] == [(1, 1, 20, "adjust", 50), (1, 2, -40, "adjust", 10)]


def test_tier_benefits() -> None:
    e = engine(
        tiers=[
            {"name": "silver", "threshold": 10, "benefits": {"discount": 0.02}},
            {"name": "gold", "threshold": 50, "benefits": {"discount": 0.05, "priority": True}},
        ]
    )
    a = Account(1)
    assert (e.discount(a), e.priority(a)) == (0.0, False)
    e.earn(a, 0, 60)
    assert (e.tier_name(a), e.discount(a), e.priority(a)) == ("gold", 0.05, True)

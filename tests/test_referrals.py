"""The referral program (issue 17 part 5): members bring friends in mid-run.

A member's order brings a friend when the program pays a `referral_bonus`, with a chance
that grows with the bonus's worth and levels off at `loyalty.behaviour.referral`: the
bonus goes to the member's ledger (reason `referral`) with that order, and the friend
joins with their first order an exponential delay later, as a new row of the customer
store, `referred_by` naming the member. With the bonus at 0 nobody is referred and the
tables are those of a world without referrals. (The reference path and the window path
agree with friends joining: tests/test_fast_paths.py.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.loyalty import Engine
from sim.scenario import Scenario
from sim.world.membership import referral_chance

ROOT = Path(__file__).resolve().parents[1]
COFFEE = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml")
CUSTOMERS, DAYS = 600, 240
BONUS = 600  # points: about 0.43 of a mean order, so members refer at 81% of the most


def with_referrals(bonus: int, referral: float = 0.03, delay: float = 7.0) -> Scenario:
    data = COFFEE.model_dump()
    data["loyalty"]["referral_bonus"] = bonus
    data["loyalty"]["behaviour"].update(referral=referral, referral_delay_days=delay)
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def referred() -> sim.Result:
    return sim.run(with_referrals(BONUS), seed=5, customers=CUSTOMERS, days=DAYS)


def test_without_a_bonus_nobody_is_referred_and_the_tables_do_not_change() -> None:
    plain = sim.run(COFFEE, seed=5, customers=CUSTOMERS, days=DAYS)
    eager = sim.run(with_referrals(0, referral=0.5), seed=5, customers=CUSTOMERS, days=DAYS)
    assert plain["customers"]["referred_by"].isna().all()
    for name in plain.tables:
        pd.testing.assert_frame_equal(plain[name], eager[name], check_exact=True, obj=name)


def test_each_friend_names_a_member_who_got_the_bonus_before_they_joined(referred) -> None:
    customers, ledger = referred["customers"], referred["points_ledger"]
    friends = customers[customers["referred_by"].notna()]
    assert len(friends) > 20
    bonus = ledger[ledger["reason"] == "referral"]
    assert (bonus["delta"] == BONUS).all()
    assert len(friends) <= len(bonus)  # (a friend due after the horizon never joins)
    members = set(ledger["customer_id"])
    assert set(friends["referred_by"].astype(int)) <= members
    first_bonus = bonus.groupby("customer_id")["day"].min()
    joined = friends.set_index("customer_id")["signup_day"]
    by = friends.set_index("customer_id")["referred_by"].astype(int)
    assert (joined.to_numpy() >= first_bonus.loc[by].to_numpy()).all()
    per_member = friends["referred_by"].astype(int).value_counts()
    paid = bonus["customer_id"].value_counts().loc[per_member.index]
    assert (per_member.to_numpy() <= paid.to_numpy()).all()
    # friends are customers like any: they buy from their first day, with their own names
    orders = referred["orders"]
    first = orders.groupby("customer_id")["day"].min().loc[friends["customer_id"]]
    assert np.allclose(first.to_numpy(), friends["signup_day"].to_numpy())
    assert customers["email"].is_unique and friends["name"].str.len().gt(0).all()


def chance(result: sim.Result, scenario: Scenario) -> float:
    """The per-order chance the world used: the bonus's worth in mean orders of the
    starting base (their true mean spend), through the one definition."""
    program = scenario.loyalty
    base = result["customers"]
    spend = base.loc[base["referred_by"].isna(), "true_mean_spend"].mean()
    worth = program.referral_bonus * Engine(program).point_value / spend
    return referral_chance(program.behaviour, worth)


def test_the_chance_rises_with_the_bonus_and_levels_off_at_the_most() -> None:
    b = with_referrals(0, referral=0.04).loyalty.behaviour
    assert referral_chance(b, 0.0) == 0.0
    assert referral_chance(b, b.referral_half_worth) == pytest.approx(0.02)
    worths = [0.01, 0.1, 0.25, 1.0, 10.0]
    chances = [referral_chance(b, w) for w in worths]
    assert chances == sorted(chances) and chances[-1] < 0.04
    assert chances[-1] > 0.99 * 0.04 and chances[2] == pytest.approx(0.04 * 0.25 / 0.35)


def test_a_larger_bonus_brings_more_friends() -> None:
    def friends(bonus: int) -> int:
        r = sim.run(with_referrals(bonus), seed=3, customers=400, days=180)
        return int(r["customers"]["referred_by"].notna().sum())

    small, large = friends(60), friends(1200)
    assert 0 < small < large, (small, large)


def test_referrals_per_member_order_and_the_delay_are_what_the_scenario_says(referred) -> None:
    """Each member order in the program's time is one Bernoulli(chance) draw; the friend's
    first order comes an Exponential(7 days) later."""
    ledger, orders = referred["points_ledger"], referred["orders"]
    enrolled = ledger.groupby("customer_id")["day"].min()
    o = orders[orders["customer_id"].isin(enrolled.index) & (orders["day"] >= 0)]
    n = int((o["day"].to_numpy() >= enrolled.loc[o["customer_id"]].to_numpy()).sum())
    k = int((ledger["reason"] == "referral").sum())
    p = chance(referred, with_referrals(BONUS))
    assert 0.02 < p < 0.03
    assert abs(k - p * n) < 4 * np.sqrt(n * p * (1 - p)), (k, n, p)

    long = sim.run(with_referrals(BONUS, referral=0.06, delay=3.0), seed=8, customers=400,
                   days=DAYS)  # fmt: skip
    customers, bonus = long["customers"], long["points_ledger"]
    bonus = bonus[bonus["reason"] == "referral"].sort_values(["customer_id", "day"])
    friends = customers[customers["referred_by"].notna()]
    # each member's friends in joining order come from their bonuses in order: pair the
    # member's first bonuses with their friends (a 3-day delay rarely swaps two)
    waits = []
    for member, mine in friends.groupby("referred_by"):
        days = bonus.loc[bonus["customer_id"] == member, "day"].to_numpy()[: len(mine)]
        waits.extend(np.sort(mine["signup_day"].to_numpy()) - days)
    waits = np.asarray(waits)
    assert len(waits) > 100
    assert abs(waits.mean() - 3.0) < 4 * 3.0 / np.sqrt(len(waits)), waits.mean()


def test_same_seed_same_friends() -> None:
    a = sim.run(with_referrals(BONUS), seed=11, customers=300, days=120)
    b = sim.run(with_referrals(BONUS), seed=11, customers=300, days=120)
    for name in a.tables:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)
    assert a["customers"]["referred_by"].notna().any()

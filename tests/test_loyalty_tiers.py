"""Tier qualification and downgrade policies on hand-made histories (exact tier logs).

Programs here have no earning rules, so an order's points equal its amount.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sim.loyalty import Account, Engine, LoyaltyProgram, replay_tiers

TIERS = [{"name": "silver", "threshold": 100}, {"name": "gold", "threshold": 300}]


def run(history: list[tuple[float, float]], until: float, **program) -> list[tuple]:
    """Earn each (day, amount), settle reviews up to `until`; the tier log."""
    e = Engine(LoyaltyProgram.model_validate({"tiers": TIERS, **program}), dt.date(2026, 1, 1))
    a = Account(1)
    for day, amount in history:
        e.earn(a, day, amount)
    e.requalify(a, until)
    assert replay_tiers(e, e.ledger, until) == e.tier_log
    return e.tier_log


ROLLING = {"qualification": {"window": "rolling", "days": 100}}


def test_upgrade_on_reaching_a_threshold_and_requalify_at_window_end() -> None:
    assert run([(0, 150)], 500, **ROLLING) == [
        (1, 0, "member", "silver"),
        (1, 100, "silver", "member"),
    ]


def test_requalified_member_keeps_the_tier_for_another_window() -> None:
    log = run([(0, 150), (50, 120)], 500, **ROLLING)
    assert log == [(1, 0, "member", "silver"), (1, 200, "silver", "member")]


def test_jump_two_tiers_then_drop_to_what_the_window_supports() -> None:
    log = run([(0, 350), (60, 150)], 500, **ROLLING)
    assert log == [
        (1, 0, "member", "gold"),
        (1, 100, "gold", "silver"),  # the window (0, 100] holds 150 points
        (1, 200, "silver", "member"),
    ]


def test_upgrade_within_a_window_accumulates() -> None:
    log = run([(0, 60), (30, 60), (90, 200), (150, 10)], 150, **ROLLING)
    assert log == [(1, 30, "member", "silver"), (1, 90, "silver", "gold")]


def test_points_leave_a_rolling_window() -> None:
    # 80 on day 0 has left the 100-day window by day 120: 30 + 80 is not enough
    assert run([(0, 80), (120, 30), (125, 60)], 130, **ROLLING) == []


def test_grace_period_then_drop() -> None:
    grace = {**ROLLING, "downgrade": {"policy": "grace", "grace_days": 30}}
    assert run([(0, 150)], 500, **grace) == [
        (1, 0, "member", "silver"),
        (1, 130, "silver", "member"),
    ]


def test_grace_period_saved_by_requalifying() -> None:
    grace = {**ROLLING, "downgrade": {"policy": "grace", "grace_days": 30}}
    log = run([(0, 150), (120, 100)], 240, **grace)
    assert log == [(1, 0, "member", "silver")]  # kept at 130; next review at 230 passes
    assert run([(0, 150), (120, 100)], 260, **grace)[-1] == (1, 260, "silver", "member")


def test_never_downgrade() -> None:
    never = {**ROLLING, "downgrade": {"policy": "never"}}
    assert run([(0, 350)], 5000, **never) == [(1, 0, "member", "gold")]


CALENDAR = {"qualification": {"window": "calendar_year"}}


def test_calendar_year_status_lasts_through_next_year() -> None:
    # 150 points on 1 March 2026: silver for 2026 and 2027, reviewed on 1 January 2028
    assert run([(59, 150)], 1000, **CALENDAR) == [
        (1, 59, "member", "silver"),
        (1, 730, "silver", "member"),
    ]


@pytest.mark.parametrize(
    ("points_2027", "log_tail"),
    # 1 January 2029 is day 1096: 2028 is a leap year
    [(50, [(1, 730, "silver", "member")]), (120, [(1, 1096, "silver", "member")])],
)
def test_calendar_year_requalification(points_2027: int, log_tail: list) -> None:
    log = run([(59, 150), (400, points_2027)], 1100, **CALENDAR)
    assert log == [(1, 59, "member", "silver"), *log_tail]


def test_calendar_year_totals_reset_on_1_january() -> None:
    assert run([(300, 60), (370, 60)], 400, **CALENDAR) == []


def test_spend_basis_counts_amounts_not_points() -> None:
    no_points = [{"kind": "category", "name": "none", "categories": ["x"], "multiplier": 0}]
    e = Engine(
        LoyaltyProgram.model_validate(
            {"tiers": TIERS, "rules": no_points, "qualification": {"basis": "spend"}}
        )
    )
    a = Account(1)
    assert e.earn(a, 0, 150, "x").points == 0
    assert e.tier_name(a) == "silver"


def test_reviews_do_not_depend_on_how_often_the_engine_is_called() -> None:
    program = LoyaltyProgram.model_validate(
        {"tiers": TIERS, **ROLLING, "downgrade": {"policy": "grace", "grace_days": 15}}
    )
    history = [(0, 350), (90, 120), (170, 40), (260, 200), (400, 10)]
    logs = []
    for daily in (False, True):
        e = Engine(program)
        a = Account(1)
        day = 0.0
        for when, amount in history:
            while daily and day < when:
                e.requalify(a, day)
                day += 1
            e.earn(a, when, amount)
        e.requalify(a, 600)
        logs.append(e.tier_log)
    assert logs[0] == logs[1]
    assert len(logs[0]) >= 3


def test_a_long_rolling_window_holds_exactly_its_orders_and_keeps_little_else() -> None:
    """Five years of an order every half day: at each order the window's total is the sum
    of the points of the last 100 days (to the point), and the pairs kept behind the window
    never outnumber those in it by more than a small constant (they are dropped as it
    moves, not kept for the whole history)."""
    e = Engine(LoyaltyProgram.model_validate({"tiers": TIERS, **ROLLING}), dt.date(2026, 1, 1))
    a = Account(1)
    history = [(k * 0.5, float(1 + k % 7)) for k in range(3650)]
    for i, (day, amount) in enumerate(history):
        e.earn(a, day, amount)
        inside = [x for d, x in history[: i + 1] if d > day - 100]
        assert a.qual_sum == pytest.approx(sum(inside), abs=1e-6)
        assert len(a.qual_day) - a.qual_head == len(inside)
        assert len(a.qual_day) <= 2 * len(inside) + 32

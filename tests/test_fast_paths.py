"""The fast ways of placing orders against the one-yield-per-order reference.

`settle=False` runs `customers.shopper`, one SimPy wake-up per order. With sections on,
the world places free customers' orders a window at a time (sim.world.lives) and holds
the others to their exact times; every table must come out the same, bit for bit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
ONLINE = ROOT / "scenarios" / "online_store.yaml"


def assert_same_tables(fast: sim.Result, slow: sim.Result) -> None:
    assert fast.tables.keys() == slow.tables.keys()
    for name in slow.tables:
        pd.testing.assert_frame_equal(
            fast.tables[name], slow.tables[name], check_exact=True, obj=name
        )


def with_changes(path: Path, **sections) -> Scenario:
    data = sim.load_scenario(path).model_dump()
    data.update(sections)
    return Scenario.model_validate(data)


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(sim.load_scenario(COFFEE), id="coffee_chain"),
        pytest.param(sim.load_scenario(ONLINE), id="online_store"),
        pytest.param(
            with_changes(
                COFFEE,
                shocks=[
                    {"kind": "competitor_price_cut", "day": 20, "duration_days": 30},
                    {"kind": "competitor_price_cut", "day": 40, "duration_days": 30},
                    {"kind": "service_outage", "day": 60, "duration_days": 10, "strength": 0.8},
                    {
                        "kind": "product_recall",
                        "day": 30,
                        "duration_days": 15,
                        "categories": ["bakery"],
                    },
                ],
            ),
            id="overlapping_shocks",
        ),
        pytest.param(
            with_changes(
                COFFEE,
                shocks=[
                    {
                        "kind": "competitor_price_cut",
                        "day": 30,
                        "duration_days": 40,
                        "strength": 0.9,
                    }
                ],
            ),
            id="one_price_cut",
        ),
        pytest.param(
            with_changes(
                COFFEE,
                service={
                    **sim.load_scenario(COFFEE).service.model_dump(),
                    "inquiries_per_customer_year": 30.0,  # a queue every day, tiers first
                    "hours_open": 8,
                },
            ),
            id="busy_inquiry_desk",
        ),
        pytest.param(
            with_changes(
                COFFEE,
                loyalty={
                    **sim.load_scenario(COFFEE).loyalty.model_dump(),
                    "referral_bonus": 100,
                    "behaviour": {  # friends joining all through the run
                        **sim.load_scenario(COFFEE).loyalty.behaviour.model_dump(),
                        "referral": 0.05,
                    },
                },
            ),
            id="referrals",
        ),
        pytest.param(with_changes(COFFEE, outreach=None, surveys=None), id="no_outreach"),
        pytest.param(with_changes(COFFEE, service=None, loyalty=None), id="no_desk_no_program"),
    ],
)
def test_windows_equal_the_per_order_reference(scenario: Scenario) -> None:
    fast = sim.run(scenario, seed=3, customers=500, days=150)
    slow = sim.run(scenario, seed=3, customers=500, days=150, settle=False)
    assert_same_tables(fast, slow)
    assert len(fast["orders"]) > 2000
    assert (fast["orders"]["service_failure"] != "none").any() or scenario.service is None


def test_every_order_is_placed_once_whichever_way_it_went() -> None:
    """Orders placed in a window, held to their time, or brought by a message all land:
    a win-back campaign and a busy desk in a small world still match the reference."""
    sc = sim.load_scenario(COFFEE)
    data = sc.model_dump()
    data["service"]["failure_rate"] = 0.2  # many held customers
    data["outreach"]["triggers"][3]["conversion"] = 0.9  # many won back
    busy = Scenario.model_validate(data)
    fast = sim.run(busy, seed=9, customers=300, days=200)
    slow = sim.run(busy, seed=9, customers=300, days=200, settle=False)
    assert_same_tables(fast, slow)
    assert (fast["customers"]["times_won_back"] > 0).sum() > 5


SHIPPED = {p.stem: sim.load_scenario(p) for p in sorted((ROOT / "scenarios").glob("*.yaml"))}
SECTIONS = ("loyalty", "service", "outreach", "surveys")


@st.composite
def random_worlds(draw: st.DrawFn) -> tuple[Scenario, int, int, int]:
    """A shipped world with some sections switched off and a few random shocks."""
    data = SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))].model_dump()
    for section in SECTIONS:
        if data.get(section) is not None and draw(st.booleans()):
            data[section] = None
    categories = [c["name"] for c in data["catalogue"]["categories"]]
    shocks = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["competitor_price_cut", "service_outage", "product_recall"]))
        shock = {
            "kind": kind,
            "day": draw(st.integers(0, 120)),
            "duration_days": draw(st.integers(1, 60)),
            "strength": draw(st.floats(0.1, 1.0)),
        }
        if kind == "product_recall":
            shock["categories"] = [draw(st.sampled_from(categories))]
        shocks.append(shock)
    data["shocks"] = shocks
    if data.get("loyalty") is not None:  # members may bring friends in mid-run
        data["loyalty"]["referral_bonus"] = draw(st.sampled_from([0, 100]))
        data["loyalty"]["behaviour"]["referral"] = draw(st.sampled_from([0.01, 0.1]))
    customers = draw(st.integers(20, 300))
    days = draw(st.integers(20, 160))
    seed = draw(st.integers(0, 2**31 - 1))
    return Scenario.model_validate(data), customers, days, seed


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_worlds())
def test_windows_equal_the_reference_on_random_worlds(world) -> None:
    """Any shipped world, any mix of sections and shocks, any size and seed: the window
    path and the one-yield-per-order reference write the same tables, bit for bit."""
    scenario, customers, days, seed = world
    fast = sim.run(scenario, seed=seed, customers=customers, days=days)
    slow = sim.run(scenario, seed=seed, customers=customers, days=days, settle=False)
    assert_same_tables(fast, slow)


def test_a_window_starts_at_every_edge_and_lasts_at_most_a_day() -> None:
    """The hold protocol's edges (sim.world.lives): the outbox's daily send and the
    quarterly survey (at noon of the program's first day) each start a window."""
    from sim.world import World
    from sim.world.lives import DAY

    sc = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml").with_overrides(
        customers=150, days=200
    )
    world = World(sc, seed=5)
    lives = world.lives
    assert lives.edges == [world.outbox, world.survey_desk]
    windows = []
    place_until = lives.place_until
    lives.place_until = lambda t: (windows.append((world.env.now, t)), place_until(t))[1]
    sends, targets = set(), world.outbox.targets
    world.outbox.targets = lambda *a: (sends.add(world.env.now), targets(*a))[1]
    world.run()
    starts = {now for now, _ in windows}
    assert all(0 < until - now <= DAY for now, until in windows)
    survey = world.start + 0.5
    assert {survey, survey + 90.0} <= starts
    assert len(sends) == 200 and sends <= starts  # a send every day, at 10:00

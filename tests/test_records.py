"""The order log: three ways of logging orders, one canonical set of columns, and a run
that holds only what it still needs (peak memory is a target of the engine's issue)."""

from __future__ import annotations

import gc

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.world import World, customers
from sim.world.records import OrderLog

# one logging step: ("batch", customer, n), ("one", customer) or ("wide", n)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("batch"), st.integers(0, 5), st.integers(0, 6)),
        st.tuples(st.just("one"), st.integers(0, 5)),
        st.tuples(st.just("wide"), st.integers(0, 6)),
    ),
    max_size=25,
)


def _log(steps: list[tuple], seed: int) -> OrderLog:
    """A log filled by `steps`, with times on a coarse grid so that ties happen."""
    rng = np.random.default_rng(seed)
    log = OrderLog()
    for step in steps:
        if step[0] == "batch":
            _, c, n = step
            times = np.sort(rng.integers(0, 8, n)).astype(float)
            # a strided view, as the settled path slices its blocks of draws
            z, u = rng.random((2, 2 * n))[:, ::2]
            log.add_batch(c, times, z, u)
        elif step[0] == "one":
            log.add(step[1], float(rng.integers(0, 8)), rng.random(), rng.random(), True, 2)
        else:
            n = step[1]
            log.add_columns(
                cust=rng.integers(0, 6, n),
                time=rng.integers(0, 8, n).astype(float),
                z=rng.random(n),
                points_earned=rng.integers(0, 50, n),
            )
    return log


@settings(max_examples=60, deadline=None)
@given(steps=STEPS, seed=st.integers(0, 2**16))
def test_releasing_the_log_gives_the_same_columns_and_leaves_it_empty(steps, seed):
    kept = _log(steps, seed).arrays()
    log = _log(steps, seed)
    released = log.arrays(release=True)
    assert len(log) == 0 and len(log.arrays()["cust"]) == 0
    assert kept.keys() == released.keys()
    for name, column in kept.items():
        assert column.dtype == released[name].dtype, name
        np.testing.assert_array_equal(column, released[name], err_msg=name)
    # the canonical order: by time, ties by customer
    key = np.stack([kept["time"], kept["cust"]])
    assert (np.diff(key[0]) >= 0).all()
    ties = np.diff(key[0]) == 0
    assert (np.diff(key[1])[ties] >= 0).all()
    n = sum(s[2] for s in steps if s[0] == "batch") + sum(s[0] == "one" for s in steps)
    assert len(kept["cust"]) == n + sum(s[1] for s in steps if s[0] == "wide")


def test_a_batch_keeps_the_numbers_it_was_given():
    log = OrderLog()
    block = np.arange(12.0).reshape(3, 4)
    log.add_batch(3, block[0, 1:3], block[1, ::2], block[2, 1:3])
    block[:] = -1  # the log keeps its own copy, not a view of the draws
    out = log.arrays()
    np.testing.assert_array_equal(out["time"], [1.0, 2.0])
    np.testing.assert_array_equal(out["z"], [4.0, 6.0])
    np.testing.assert_array_equal(out["ucat"], [9.0, 10.0])
    np.testing.assert_array_equal(out["cust"], [3, 3])


def _pure(customers: int, days: int) -> sim.Scenario:
    data = sim.load_scenario("scenarios/coffee_chain.yaml").model_dump()
    for key in ("loyalty", "service", "outreach", "surveys", "shocks"):
        data[key] = None
    return sim.Scenario.model_validate(data).with_overrides(customers=customers, days=days)


def test_a_settled_customer_waiting_to_leave_holds_no_draws():
    """A settled life waits for its churn holding a float: with its block of draws and
    generator kept (~2 kB a customer) a 1,000,000-customer world held 2 GB more."""
    world = World(_pure(400, 120), seed=5)
    assert world._settled
    gc.collect()
    before = sum(isinstance(o, customers.Draws) for o in gc.get_objects())  # other tests'
    middle = (world.start + world.end) / 2
    world.env.run(until=middle)
    during = sum(isinstance(o, customers.Draws) for o in gc.get_objects())
    world.env.run(until=world.end)
    assert (world.churn_time > middle).sum() > 20  # customers were waiting to leave ...
    assert during - before <= 0  # ... and none of them held their draws


def test_the_tables_are_built_once():
    world = World(_pure(200, 60), seed=5)
    world.run()
    first = world.tables()
    assert len(first["orders"]) > 500
    again = world.tables()  # building them emptied the order log: the same tables
    assert again is first

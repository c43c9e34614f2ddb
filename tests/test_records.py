"""The order log: three ways of logging orders, one canonical set of columns, and a run
that holds only what it still needs (peak memory is a target of the engine's issue)."""

from __future__ import annotations

import gc

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from worlds import pure

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


def _log(steps: list[tuple], seed: int) -> tuple[OrderLog, list[dict]]:
    """A log filled by `steps`, with times on a coarse grid so that ties happen, and the
    same orders as plain rows in the order they were logged, each with its path's rank
    (settled batches, then rounds of columns, then orders one at a time)."""
    rng = np.random.default_rng(seed)
    log, rows = OrderLog(), []
    zero = dict.fromkeys(OrderLog.NAMES, 0)
    for step in steps:
        if step[0] == "batch":
            _, c, n = step
            times = np.sort(rng.integers(0, 8, n)).astype(float)
            # a strided view, as the settled path slices its blocks of draws
            z, u = rng.random((2, 2 * n))[:, ::2]
            log.add_batch(c, times, z, u)
            rows += [
                zero | dict(cust=c, time=t, z=a, ucat=b, path=0)
                for t, a, b in zip(times, z, u, strict=True)
            ]
        elif step[0] == "one":
            row = dict(cust=step[1], time=float(rng.integers(0, 8)), z=rng.random())
            row |= dict(ucat=rng.random(), problem=True, failure=2)
            log.add(**row)
            rows.append(zero | row | dict(path=2))
        else:
            n = step[1]
            cols = dict(
                cust=rng.integers(0, 6, n),
                time=rng.integers(0, 8, n).astype(float),
                z=rng.random(n),
                points_earned=rng.integers(0, 50, n),
            )
            log.add_columns(**cols)
            rows += [zero | {k: v[i] for k, v in cols.items()} | dict(path=1) for i in range(n)]
    return log, rows


@settings(max_examples=60, deadline=None)
@given(steps=STEPS, seed=st.integers(0, 2**16))
def test_the_log_is_its_orders_sorted_by_time_then_customer_and_releasing_it_empties_it(
    steps, seed
):
    log, rows = _log(steps, seed)
    kept = log.arrays()
    rows.sort(key=lambda r: (r["time"], r["cust"], r["path"]))  # stable: then as logged
    for name, kind in zip(OrderLog.NAMES, OrderLog.TYPES, strict=True):
        assert kept[name].dtype == kind, name
        np.testing.assert_array_equal(kept[name], [r[name] for r in rows], err_msg=name)
    log, _ = _log(steps, seed)
    released = log.arrays(release=True)
    assert len(log) == 0 and len(log.arrays()["cust"]) == 0
    for name, column in kept.items():
        assert column.dtype == released[name].dtype, name
        np.testing.assert_array_equal(column, released[name], err_msg=name)


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


def test_a_settled_customer_waiting_to_leave_holds_no_draws():
    """A settled life waits for its churn holding a float: with its block of draws and
    generator kept (~2 kB a customer) a 1,000,000-customer world held 2 GB more."""
    world = World(pure().with_overrides(customers=400, days=120), seed=5)
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
    world = World(pure().with_overrides(customers=200, days=60), seed=5)
    world.run()
    first = world.tables()
    assert len(first["orders"]) > 500
    again = world.tables()  # building them emptied the order log: the same tables
    assert again is first


def test_messages_and_contacts_are_one_touches_table_in_time_order():
    """The touches table joins the outbox's messages and the account managers' contacts,
    sorted by day then customer; a contact is an `account_review` that costs nothing."""
    for name, n in (("online_store", 300), ("b2b_contracts", 200)):
        touches = sim.run(f"scenarios/{name}.yaml", customers=n, days=120).tables["touches"]
        assert len(touches) > 100, name
        np.testing.assert_array_equal(touches["touch_id"], np.arange(1, len(touches) + 1))
        key = touches[["day", "customer_id"]].to_numpy()
        later = (np.diff(key[:, 0]) > 0) | ((np.diff(key[:, 0]) == 0) & (np.diff(key[:, 1]) >= 0))
        assert later.all(), name
        assert str(touches["trigger"].dtype) == str(touches["channel"].dtype) == "str"
        review = touches[touches["trigger"] == "account_review"]
        assert (review["channel"] == "account_manager").all()
        assert (review["cost"] == 0).all() and review["opened"].all()
        assert not (review["converted"].any() or review["coupon"].any())
    assert len(review) > 20  # b2b_contracts' account managers called

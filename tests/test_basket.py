"""An order's category: one customer's tastes and many customers' rows pick alike."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.world import basket


@settings(max_examples=200, deadline=None)
@given(
    tastes=st.lists(st.integers(0, 5), min_size=1, max_size=6).filter(any),
    picks=st.lists(st.integers(0, 40), min_size=1, max_size=40),
)
def test_one_customers_tastes_pick_the_categories_their_row_among_many_picks(tastes, picks):
    """The binary search over one customer's cumulative tastes counts the tastes a uniform
    exceeds exactly as the column-at-a-time count over many rows does, ties (a uniform on
    a boundary, a category of zero taste) included."""
    w = np.asarray(tastes, dtype=float)
    cdf = np.cumsum(w / w.sum())
    # uniforms on a grid that hits the boundaries, and the boundaries themselves
    u = np.concatenate([np.asarray(picks) / 40.0, cdf])
    one = basket.category(cdf, u)
    many = basket.category(np.repeat(cdf[None, :], len(u), axis=0), u)
    assert one.dtype == many.dtype == np.int64
    assert np.array_equal(one, many)
    assert ((one >= 0) & (one < len(cdf))).all()


@settings(max_examples=300, deadline=None)
@given(
    z=st.floats(0.0, 1e4, allow_subnormal=False),
    scale=st.floats(0.05, 50.0),
    price=st.floats(0.1, 100.0),
)
def test_an_amount_is_rounded_to_the_cent_as_numpys_round_does(z, scale, price):
    """The written-out rounding equals np.round(·, 2) bit for bit, never below one cent,
    for one order and for many."""
    want = max(float(np.round(z / scale * price, 2)), 0.01)
    assert float(basket.amount(z, scale, price)) == want
    many = basket.amount(np.array([z, z]), np.array([scale, scale]), np.array([price, price]))
    assert many.tolist() == [want, want]


@settings(max_examples=60, deadline=None)
@given(
    customers=st.integers(1, 6),
    orders=st.integers(0, 40),
    chunk=st.integers(1, 9),
    seed=st.integers(0, 2**16),
)
def test_customers_rows_gathered_in_chunks_pick_as_their_matrix_does(
    customers, orders, chunk, seed
):
    """The tables' path (`rows=`, CHUNK rows gathered at a time) picks exactly what the
    orders × categories matrix of those rows picks, whatever the chunk boundaries."""
    rng = np.random.default_rng(seed)
    w = rng.integers(0, 4, (customers, 4)).astype(float) + (rng.random((customers, 4)) < 0.5)
    w[w.sum(axis=1) == 0, 0] = 1.0
    cdf = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    rows = rng.integers(0, customers, orders)
    u = np.round(rng.random(orders) * 8) / 8  # boundaries hit
    was = basket.CHUNK
    basket.CHUNK = chunk
    try:
        got = basket.category(cdf, u, rows=rows)
    finally:
        basket.CHUNK = was
    assert got.dtype == np.int64
    assert np.array_equal(got, basket.category(cdf[rows], u))

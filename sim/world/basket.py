"""What an order is, written once: its category from the customer's tastes and one uniform,
its amount from the Gamma-Gamma spend draw. The order paths and the tables all call these,
for one order or many."""

from __future__ import annotations

import numpy as np

CHUNK = 1 << 18  # orders whose tastes `category` gathers at once (10 MB for 5 categories)


def category(taste_cdf: np.ndarray, u, rows: np.ndarray | None = None) -> np.ndarray:
    """The category index each uniform `u` picks from cumulative tastes `taste_cdf`
    (..., k), broadcast against u: how many of the first k − 1 tastes it exceeds. With
    `rows`, the tastes are `taste_cdf[rows]`, gathered CHUNK rows at a time, so a
    1,000,000-customer world's orders need no orders × categories matrix."""
    u = np.asarray(u)
    if taste_cdf.ndim == 1:  # one customer's tastes (sorted): the count is a binary search
        return np.searchsorted(taste_cdf[:-1], u, side="left").astype(np.int64)
    if rows is not None:  # a chunk of rows at a time: one gather a row, a bounded matrix
        cat = np.empty(len(rows), dtype=np.int64)
        for a in range(0, len(rows), CHUNK):
            cat[a : a + CHUNK] = category(taste_cdf[rows[a : a + CHUNK]], u[a : a + CHUNK])
        return cat
    cat = np.zeros(np.broadcast_shapes(u.shape, taste_cdf.shape[:-1]), dtype=np.int64)
    for k in range(taste_cdf.shape[-1] - 1):
        cat += u > taste_cdf[..., k]
    return cat


def amount(z, spend_scale, price) -> np.ndarray:
    """An order's amount: spend draw z over the customer's scale ν, at the category's
    price level, rounded to the cent and never below one cent."""
    # np.round(x, 2) is rint(x * 100.0) / 100.0; written out, it skips round's dispatch,
    # which costs more than the arithmetic for the one order of the per-order path
    return np.maximum(np.rint(np.asarray(z) / spend_scale * price * 100.0) / 100.0, 0.01)

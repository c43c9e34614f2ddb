"""Analytics speed: RFM summary over 1,000,000 orders / 100,000 customers (target < 1 s) and a
BG/NBD fit on 100,000 customers (target < 5 s). Synthetic inputs, seeded; every figure measured.

    python benchmarks/analytics.py
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from sim.analytics import BGNBD, rfm_summary


def orders_table(n_orders: int, n_customers: int, seed: int = 0) -> pd.DataFrame:
    """Orders in the contract's shape: customer_id, day (float), net_amount."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "customer_id": rng.integers(1, n_customers + 1, n_orders),
            "day": rng.uniform(0, 730, n_orders),
            "net_amount": rng.gamma(6, 5, n_orders).round(2),
        }
    )


def best_of(fn, repeats: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> int:
    orders = orders_table(1_000_000, 100_000)
    t_rfm, summary = best_of(lambda: rfm_summary(orders, observation_end=730))
    print(
        f"rfm_summary   1,000,000 orders / {len(summary):,} customers: {t_rfm:6.3f} s  "
        "(target < 1 s)"
    )
    truth = BGNBD(params={"r": 1.5, "alpha": 12.5, "a": 1.2, "b": 28.8})
    T = np.random.default_rng(1).uniform(30, 730, 100_000)
    x, t_x = truth.simulate(T, np.random.default_rng(2))
    t_fit, model = best_of(lambda: BGNBD().fit(x, t_x, T))
    fitted = ", ".join(f"{k} {v:.3g}" for k, v in model.params.items())
    print(
        f"BGNBD.fit     100,000 customers:                    {t_fit:6.3f} s  "
        f"(target < 5 s; fitted {fitted}; truth r 1.5, alpha 12.5, a 1.2, b 28.8)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

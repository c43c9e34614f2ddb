"""`make bench`: the performance harness. Every figure is measured in this one run.

For each world size it runs the coffee-chain scenario in a fresh child process (so the
peak memory is that world's own): the cold start (the fresh process's imports and its
first run), the peak resident memory of that run, then the same run again warm, its orders
per second and, in that same child, a bare SimPy loop (one process per customer that only
does `yield env.timeout(...)`, as many timeouts as the world produced orders) and the
ratio of our warm orders per second to the bare loop's. Targets are issue 17's.

    python benchmarks/run.py            # 5,000 / 10,000 / 100,000 customers x 365 days
    python benchmarks/run.py --quick    # 5,000 only
    python benchmarks/run.py --million  # and a pure world of 1,000,000 customers
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import time
t_start = time.perf_counter()
import gc, json, resource, sys
import numpy as np, simpy
import sim

customers, days, settle = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
scenario = sim.load_scenario(sys.argv[4])
if sys.argv[5] == "pure":  # the sections off: the customers alone (a pure BG/NBD world)
    data = scenario.model_dump()
    for key in ("loyalty", "service", "outreach", "surveys", "shocks"):
        data[key] = None
    scenario = sim.Scenario.model_validate(data)


def once():
    t0 = time.perf_counter()
    result = sim.run(scenario, seed=7, customers=customers, days=days, progress=False,
                     settle=None if settle else False)
    return result, time.perf_counter() - t0


result, first = once()
cold = time.perf_counter() - t_start  # the fresh process: imports, scenario, first run
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
n_orders = len(result.tables["orders"])
n_customers = len(result.tables["customers"])
del result
gc.collect()
result, wall = once()  # warm: the same run again in this process
del result
gc.collect()

# The bare loop: the same number of customer processes and timeouts, nothing else.
per = max(1, n_orders // n_customers)
extra = n_orders - per * n_customers
rng = np.random.default_rng(0)
def bare(env, n):
    for _ in range(n):
        yield env.timeout(rng.exponential(1.0))
env = simpy.Environment()
t1 = time.perf_counter()
for i in range(n_customers):
    env.process(bare(env, per + (1 if i < extra else 0)))
env.run()
bare_wall = time.perf_counter() - t1
print(json.dumps(dict(customers=n_customers, orders=n_orders, wall=wall, cold=cold,
                      peak_mb=peak_mb, bare_wall=bare_wall)))
"""


def measure(customers: int, days: int, settle: bool, scenario: Path, world: str) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(customers),
            str(days),
            "1" if settle else "0",
            str(scenario),
            world,
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the classroom world")
    parser.add_argument(
        "--million",
        action="store_true",
        help="also the pure world of 1,000,000 customers (366 s and 12.5 GB on 2026-12-04)",
    )
    args = parser.parse_args()
    scenario = ROOT / "scenarios" / "coffee_chain.yaml"
    sizes = [5_000] if args.quick else [5_000, 10_000, 100_000]
    targets = {
        ("full", 5_000): "<= 0.5 s, ratio >= 1",
        ("full", 100_000): "<= 15 s, <= 1.2 GB",
        ("pure", 1_000_000): "<= 90 s, <= 6 GB",
    }
    print("coffee chain, 365 days, seed 7; one fresh process per row")
    print("pure = the customers alone (sections off); full = loyalty, desk, outreach, surveys")
    print("and the shock on, as shipped. Paths: settled = a whole life at once (pure worlds);")
    print("windows = a day's orders of every free customer at once (sim.world.lives);")
    print("per-order = one SimPy wake-up per order, the reference both must equal\n")
    header = (
        f"{'world':>5} {'initial':>8} {'path':>9} {'customers':>9} {'orders':>9} {'cold s':>7} "
        f"{'warm s':>7} {'peak MB':>8} {'orders/s':>10} {'bare/s':>10} {'ratio':>6}  target"
    )
    print(header)
    print("-" * len(header))
    rows = [
        ("pure", size, settle)
        for size in sizes
        for settle in (True, False)
        if settle or size <= 10_000
    ]
    rows += [("pure", 1_000_000, True)] if args.million else []
    rows += [("full", size, True) for size in sizes]
    rows += [("full", size, False) for size in sizes if size <= 5_000]
    for world, size, settle in rows:
        m = measure(size, 365, settle, scenario, world)
        ours = m["orders"] / m["wall"]
        bare = m["orders"] / m["bare_wall"]
        target = targets.get((world, size), "") if settle else ""
        path = ("settled" if world == "pure" else "windows") if settle else "per-order"
        print(
            f"{world:>5} {size:>8,} {path:>9} "
            f"{m['customers']:>9,} {m['orders']:>9,} {m['cold']:>7.2f} {m['wall']:>7.2f} "
            f"{m['peak_mb']:>8.0f} "
            f"{ours:>10,.0f} {bare:>10,.0f} {ours / bare:>6.2f}  {target}",
            flush=True,
        )
    print(
        "\nratio = our warm orders per second / a bare SimPy loop's timeouts per second, both "
        "measured in the same process; cold and warm include building every table and the "
        "Faker profiles; peak = the first run's process."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

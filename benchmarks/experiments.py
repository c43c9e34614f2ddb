"""Experiments benchmark: 2 variants × 20 replications of the classroom world.

The classroom world is the coffee chain (5,000 customers × 365 days). The two variants are
the loyalty program (scenarios/variants/coffee_loyalty.yaml) and no program. Measured on
local processes (every core; issue 17's target: at most 15 s), then through a Dask
LocalCluster with the same number of worker processes, with the overhead ratio Dask /
local. Both must give the same table.

    python benchmarks/experiments.py               # 20 replications
    python benchmarks/experiments.py --replications 4 --no-dask   # a quick look
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

import sim
from sim.experiments import build_variant, read_variant
from sim.experiments.runner import default_workers

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 15.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask measurement")
    args = parser.parse_args()

    base = sim.load_scenario(ROOT / "scenarios/coffee_chain.yaml")
    program = build_variant(base, read_variant(ROOT / "scenarios/variants/coffee_loyalty.yaml"))
    variants = {"no_program": ROOT / "scenarios/variants/no_program.yaml"}
    size = {"customers": args.customers, "days": args.days, "seed": 7, "progress": False}
    workers = default_workers()
    runs = 2 * args.replications

    t0 = time.perf_counter()
    local = sim.compare(program, variants, args.replications, executor=workers, **size)
    wall = time.perf_counter() - t0
    verdict = "met" if wall <= TARGET_S else "NOT met"
    print(
        f"local processes ({workers} workers): 2 variants x {args.replications} replications "
        f"= {runs} runs of {args.customers:,} customers x {args.days} days in {wall:.1f} s "
        f"({wall / runs:.2f} s per run); target <= {TARGET_S:.0f} s: {verdict}"
    )
    if args.no_dask:
        return 0
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("dask: not installed (pip install 'dask[distributed]'); skipped")
        return 0
    t1 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        started = time.perf_counter() - t1
        on_dask = sim.compare(program, variants, args.replications, executor=client, **size)
    dask_wall = time.perf_counter() - t1
    same = on_dask.table.equals(local.table)
    print(
        f"dask LocalCluster ({workers} worker processes): {dask_wall:.1f} s including "
        f"{started:.1f} s cluster start; overhead ratio dask / local = {dask_wall / wall:.2f}; "
        f"same table as local: {same}"
    )
    t = local.table.set_index("metric")
    with pd.option_context("display.float_format", "{:,.4g}".format, "display.width", 120):
        print(
            t.loc[
                ["retention", "revenue", "margin_after_costs"],
                ["difference", "ci_low", "ci_high"],
            ]
        )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""The strategy lab's Run with its intervals, on the lab's classroom world.

The world is notebook 09's: the coffee chain, 1,000 customers, one year, seed 7. The lab
first shows one run beside the baseline, then runs the other replications in the background
(sim.views.noise) and redraws the table with 95% intervals. Measured, each in seconds and as
a ratio to one plain run of that world:

- one run: `sim.run` alone;
- opening the lab: the baseline, drawn (the replications are skipped: your levers are the
  baseline's, so every change is exactly 0);
- a Run with one lever moved: time to the first result, then to the full intervals
  (the baseline's replications too, this first time), with the replications on one
  background thread and on the lab's worker processes (sim.views.noise.panel_workers;
  the first time including their start);
- a second lever value: the intervals with the baseline's replications cached;
- the same Run again: served from the cache.

    python benchmarks/lab.py                  # 5 replications
    python benchmarks/lab.py --replications 3
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import sim  # noqa: E402
from sim.views.lab import StrategyLab  # noqa: E402
from sim.views.noise import REPLICATIONS, panel_workers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LEVER = ("outreach.triggers[winback].coupon", 40, 25)


def measure(scenario: sim.Scenario, customers: int, replications: int, workers: int) -> dict:
    """The lab's waits, in seconds, on a fresh lab (nothing cached) with `workers`."""
    lab = StrategyLab(
        scenario, seed=7, customers=customers, replications=replications, workers=workers
    )
    took = {}
    t0 = time.perf_counter()
    lab.update()
    lab.jobs.wait()
    took["opened"] = time.perf_counter() - t0
    lab.sliders[LEVER[0]].value = LEVER[1]
    t0 = time.perf_counter()
    lab.update()
    took["first"] = time.perf_counter() - t0
    lab.jobs.wait()
    took["full"] = time.perf_counter() - t0
    assert lab.paired.n == replications, "the replications did not all finish"
    lab.sliders[LEVER[0]].value = LEVER[2]
    t0 = time.perf_counter()
    lab.update()
    lab.jobs.wait()
    took["second"] = time.perf_counter() - t0
    assert lab.paired.n == replications, "the replications did not all finish"
    t0 = time.perf_counter()
    lab.update()
    lab.jobs.wait()
    took["again"] = time.perf_counter() - t0
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=REPLICATIONS)
    parser.add_argument("--customers", type=int, default=1000)
    args = parser.parse_args()
    scenario = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml")
    world = scenario.with_overrides(customers=args.customers)
    sim.run(world.with_overrides(days=30), seed=1, progress=False)  # imports, warm caches

    t0 = time.perf_counter()
    sim.run(world, seed=7, progress=False)
    one = time.perf_counter() - t0
    workers = panel_workers()
    thread = measure(scenario, args.customers, args.replications, 1)
    pooled = measure(scenario, args.customers, args.replications, workers)

    days = scenario.horizon_days
    print(
        f"strategy lab, coffee chain {args.customers:,} customers x {days} days, seed 7, "
        f"{args.replications} replications (common random numbers); one thread vs "
        f"{workers} worker processes"
    )
    rows = [
        ("open the lab (baseline drawn)", "opened"),
        (f"Run, {LEVER[0]} = {LEVER[1]}: first result", "first"),
        (f"  ... with its {args.replications} replications' 95% intervals", "full"),
        (f"{LEVER[0]} = {LEVER[2]}: with its intervals", "second"),
        ("the same Run again (cache)", "again"),
    ]
    print(f"{'one run (sim.run)':<62} {one:>6.2f} s")
    print(f"{'':<62} {'thread':>8} {'x run':>6} {'workers':>8} {'x run':>6} {'ratio':>6}")
    for label, key in rows:
        a, b = thread[key], pooled[key]
        print(f"{label:<62} {a:>6.2f} s {a / one:>6.2f} {b:>6.2f} s {b / one:>6.2f} {b / a:>6.2f}")
    print(
        "The first result is one run of your world (the baseline's runs are cached); the "
        f"intervals need {args.replications - 1} more runs of each world the first time, "
        "of yours only once the baseline's are cached, and run in the background "
        "(ratio = workers / thread)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

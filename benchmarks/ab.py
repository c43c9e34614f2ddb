"""A/B of the engine: this working tree against a git revision, on CPU time, tables hashed.

On a shared or virtual machine wall time swings by tens of percent from one minute to the
next (steal); CPU time (time.process_time) moves far less. This runs the shipped coffee
chain (every section on) in alternating fresh processes of the base revision (a temporary
git worktree) and of this tree, each process timing `--runs` runs after a warm-up, and
prints the median CPU and wall seconds of both, their ratio, and whether the two give
identical tables (a hash of every table), which a speed-up must keep.

    python benchmarks/ab.py --base HEAD            # uncommitted changes against HEAD
    python benchmarks/ab.py --base 6f95376 --customers 20000 --rounds 1
    python benchmarks/ab.py --base HEAD --pure --customers 100000 --runs 1 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import hashlib, json, resource, sys, time
import pandas as pd
import sim

customers, runs, pure = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "pure"
scenario = sim.load_scenario("scenarios/coffee_chain.yaml")
if pure:  # the sections off, as benchmarks/run.py's pure world
    data = scenario.model_dump()
    for key in ("loyalty", "service", "outreach", "surveys", "shocks"):
        data[key] = None
    scenario = sim.Scenario.model_validate(data)
sim.run(scenario, seed=7, customers=300, days=30, progress=False)  # imports, warm caches
cpu, wall = [], []
for _ in range(runs):
    c0, w0 = time.process_time(), time.perf_counter()
    result = sim.run(scenario, seed=7, customers=customers, days=365, progress=False)
    cpu.append(time.process_time() - c0)
    wall.append(time.perf_counter() - w0)
h = hashlib.sha256()
for name in sorted(result.tables):
    h.update(pd.util.hash_pandas_object(result.tables[name], index=False).values.tobytes())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cpu": cpu, "wall": wall, "hash": h.hexdigest()[:16], "peak_mb": peak,
                  "orders": len(result.tables["orders"]), "where": sim.__file__}))
"""


def measure(tree: Path, customers: int, runs: int, world: str) -> dict:
    """One fresh process of the engine in `tree` (its own `sim`, its own scenario)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(customers), str(runs), world],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    m = json.loads(out.stdout.strip().splitlines()[-1])
    if not m["where"].startswith(str(tree)):
        raise SystemExit(f"the child imported sim from {m['where']}, not from {tree}")
    return m


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the git revision to compare against")
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per process")
    parser.add_argument("--rounds", type=int, default=2, help="alternating process pairs")
    parser.add_argument("--pure", action="store_true", help="the sections off (pure BG/NBD)")
    args = parser.parse_args()
    world = "pure" if args.pure else "full"
    with tempfile.TemporaryDirectory(prefix="ab-base-") as tmp:
        base = Path(tmp) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(base), args.base],
            cwd=ROOT,
            check=True,
        )
        try:
            got: dict[str, list[dict]] = {"base": [], "this": []}
            for _ in range(args.rounds):
                got["base"].append(measure(base, args.customers, args.runs, world))
                got["this"].append(measure(ROOT, args.customers, args.runs, world))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)
    sections = "the sections off" if args.pure else "every section on"
    print(
        f"coffee chain {args.customers:,} x 365, seed 7, {sections}; "
        f"{args.rounds} x {args.runs} runs each, alternating fresh processes"
    )
    med = {}
    for side, ms in got.items():
        cpu = statistics.median(x for m in ms for x in m["cpu"])
        wall = statistics.median(x for m in ms for x in m["wall"])
        med[side] = cpu
        label = args.base if side == "base" else "this tree"
        peak = max(m["peak_mb"] for m in ms)
        print(
            f"{label:>12}: CPU {cpu:6.2f} s  wall {wall:6.2f} s  peak {peak:,.0f} MB  "
            f"orders {ms[0]['orders']:,}  tables {ms[0]['hash']}"
        )
    same = {m["hash"] for ms in got.values() for m in ms}
    print(f"ratio this / base (CPU): {med['this'] / med['base']:.3f}")
    print("tables identical" if len(same) == 1 else "TABLES DIFFER between the two trees")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Calibration at scale (issue 15 part 7): a CRM export of 100,000 customers and 1,000,000
order rows calibrates (read, pseudonymise, fit, base, scenario, report; no holdout
replications) in under 60 s and under 4 GB. The export is synthetic and seeded: customers
arrive over the first year, buy at their own Gamma-distributed rate until they stop, spend
Gamma amounts; dates as text, a few returns, as a real export has them.

Each size runs in a fresh child process, so the peak memory is that calibration's own.

    python benchmarks/calibrate.py            # 100,000 customers x 1,000,000 rows
    python benchmarks/calibrate.py --quick    # 10,000 x 100,000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SECONDS, GIGABYTES = 60.0, 4.0  # the targets at full size

CHILD = r"""
import json, resource, sys, time
from sim.calibrate import calibrate
t0 = time.perf_counter()
twin = calibrate(sys.argv[1], sys.argv[2], progress=False, salt_file=sys.argv[3])
wall = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(wall=wall, peak_mb=peak_mb, customers=int(len(twin.fit.summary)))))
"""


def export(path: Path, customers: int, rows: int, seed: int = 0) -> int:
    """Write a synthetic export of about `rows` order rows; returns the rows written."""
    rng = np.random.default_rng(seed)
    days = 730
    first = rng.uniform(0, 365, customers)
    life = rng.exponential(400, customers)  # when each customer quietly stops
    span = np.minimum(first + life, days) - first
    rate = rng.gamma(1.2, 1.0, customers)
    rate *= (rows - customers) / (rate * span).sum()  # about `rows` rows in all
    repeats = rng.poisson(rate * span)
    again = np.repeat(np.arange(customers), repeats)
    who = np.concatenate([np.arange(customers), again])
    when = np.concatenate([first, first[again] + rng.uniform(0, 1, len(again)) * span[again]])
    amount = rng.gamma(4.0, 12.0, len(who)).round(2)
    amount[rng.random(len(who)) < 0.01] *= -1  # returns
    start = pd.Timestamp("2024-01-01")
    frame = pd.DataFrame(
        {
            "customer_id": np.char.add("C", who.astype(str)),
            "order_date": (start + pd.to_timedelta(np.floor(when), unit="D")).strftime("%Y-%m-%d"),
            "amount": amount,
        }
    )
    frame.to_csv(path, index=False)
    return len(frame)


def measure(customers: int, rows: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.csv"
        written = export(path, customers, rows)
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), str(Path(tmp) / "twin"),
             str(Path(tmp) / "twin.salt")],
            capture_output=True, text=True, cwd=ROOT, check=True,
        )  # fmt: skip
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result.update(rows=written, megabytes=path.stat().st_size / 1e6)
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 customers only")
    args = parser.parse_args(argv)
    sizes = [(10_000, 100_000)] if args.quick else [(10_000, 100_000), (100_000, 1_000_000)]
    print("calibrate (no holdout): read, pseudonymise, fit, base.csv, scenario.yaml, report")
    print(f"{'customers':>10} {'rows':>10} {'file MB':>8} {'wall s':>7} {'peak MB':>8}")
    ok = True
    for customers, rows in sizes:
        r = measure(customers, rows)
        print(f"{r['customers']:>10,} {r['rows']:>10,} {r['megabytes']:>8.1f} {r['wall']:>7.1f} "
              f"{r['peak_mb']:>8,.0f}")  # fmt: skip
        if customers == 100_000:
            fast, small = r["wall"] < SECONDS, r["peak_mb"] < GIGABYTES * 1024
            ok = fast and small
            print(f"  target: < {SECONDS:.0f} s ({'met' if fast else 'MISSED'}), "
                  f"< {GIGABYTES:.0f} GB ({'met' if small else 'MISSED'})")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

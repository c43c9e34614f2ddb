"""Export speed: a 100,000-customer world written as a SQLite file (target < 10 s) and as an
Excel workbook (target < 60 s; sim.xlsx writes it in about 31 s where openpyxl's write-only
mode took 177 s, on a loaded 2-core machine). The world is simulated first (not timed); the
default is the online store over 30 days, whose every table fits in an Excel sheet (a coffee
chain of 100,000 customers has about 2.8 million orders, more than a sheet's 1,048,575 rows:
the workbook is refused, as it should be, and only SQL is timed).

    python benchmarks/database.py [--scenario FILE.yaml] [--customers N] [--days N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import sim
from sim.outputs import OutputError

ROOT = Path(__file__).resolve().parents[1]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "online_store.yaml"))
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args(argv)
    scenario = sim.load_scenario(args.scenario).with_overrides(
        customers=args.customers, days=args.days
    )
    t_run = time.perf_counter()
    result = sim.run(scenario, seed=7, progress=False)
    t_run = time.perf_counter() - t_run
    rows = sum(len(df) for df in result.tables.values())
    cells = sum(df.size for df in result.tables.values())
    biggest = max(result.tables, key=lambda n: len(result.tables[n]))
    print(
        f"world: {scenario.name}, {len(result['customers']):,} customers, {rows:,} rows "
        f"({cells:,} cells; largest {biggest} {len(result[biggest]):,}), simulated in {t_run:.1f} s"
    )
    with tempfile.TemporaryDirectory() as folder:
        sql = Path(folder) / "world.sqlite"
        t_sql = timed(lambda: result.to_sql(sql))
        size = sql.stat().st_size / 2**20
        print(f"to_sql    {t_sql:6.2f} s  {size:6.1f} MiB  (target < 10 s)")
        xlsx = Path(folder) / "world.xlsx"
        try:
            t_xlsx = timed(lambda: result.to_excel(xlsx))
        except OutputError as exc:
            print(f"to_excel  refused: {exc}")
        else:
            size = xlsx.stat().st_size / 2**20
            print(
                f"to_excel  {t_xlsx:6.2f} s  {size:6.1f} MiB  "
                f"({cells / t_xlsx:,.0f} cells/s; target < 60 s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

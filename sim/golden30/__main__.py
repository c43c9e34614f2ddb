"""`python -m sim.golden30 --out FILE`: write a case's answer key for the trainer."""

from __future__ import annotations

import argparse
import sys

from sim.golden30.case import make_case, write_answer_key
from sim.scenario import ScenarioError, load_scenario


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.golden30", description=__doc__)
    p.add_argument("--scenario", default="scenarios/coffee_chain.yaml", help="the world")
    p.add_argument("--seed", type=int, default=7, help="world seed (the notebook's: 7)")
    p.add_argument("--pick", type=int, default=0, help="another customer of the same world")
    p.add_argument("--customers", type=int, default=2000, help="initial customers (2000)")
    p.add_argument("--days", type=int, default=365, help="horizon in days (365)")
    p.add_argument("--out", required=True, help="JSON file to write the key into")
    args = p.parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    case = make_case(scenario, args.seed, args.pick, args.customers, args.days)
    path = write_answer_key(case, args.out)
    print(f"customer {case.customer_id} ({case.profile['name']}): answer key -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

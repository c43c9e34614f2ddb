"""`python -m sim.golden30 --out FILE`: write a case's answer key for the trainer.

Bad input (a number out of range, an --out that is a folder or already there without
--force, a world that cannot make a case) exits 2 with a message naming the option, before
anything is simulated where it can be known then.
"""

from __future__ import annotations

import sys

from sim.argwords import WHOLE_NUMBER, Parser
from sim.golden30.case import CaseError, check_world, make_case, write_answer_key
from sim.i18n import _, using
from sim.options import INTERRUPTED, LIMITS, add_language_option, out_of_range, requested_language
from sim.outputs import OutputError, check_file, interrupted_code, sigterm_as_interrupt
from sim.scenario import ScenarioError, load_scenario

LIMITS_HERE = {**LIMITS, "--customers": (1, 5_000_000), "--pick": (0, 1_000_000)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with using(requested_language(argv)):
        return _main(argv)


def _main(argv: list[str]) -> int:
    p = Parser(
        prog="python -m sim.golden30",
        description=_("Write a golden-30-minutes case's answer key for the trainer."),
    )
    add_language_option(p, top=True)
    p.add_argument("--scenario", default="scenarios/coffee_chain.yaml", help=_("the world"))
    p.add_argument("--seed", type=WHOLE_NUMBER, default=7, help=_("world seed (the notebook's: 7)"))
    p.add_argument(
        "--pick", type=WHOLE_NUMBER, default=0, help=_("another customer of the same world")
    )
    p.add_argument(
        "--customers", type=WHOLE_NUMBER, default=2000, help=_("initial customers (2000)")
    )
    p.add_argument("--days", type=WHOLE_NUMBER, default=365, help=_("horizon in days (365)"))
    p.add_argument("--out", required=True, help=_("JSON file to write the answer key into"))
    p.add_argument("--force", action="store_true", help=_("replace the --out file if it exists"))
    args = p.parse_args(argv)
    bad = out_of_range(args, LIMITS_HERE)
    if bad:
        return _fail(bad)
    with sigterm_as_interrupt():
        try:
            check_file(args.out, force=args.force, create_folder=True)
            scenario = load_scenario(args.scenario)
            try:
                check_world(scenario)
            except CaseError as exc:
                return _fail(_("--scenario {file}: {reason}", file=args.scenario, reason=exc))
            case = make_case(scenario, args.seed, args.pick, args.customers, args.days)
            path = write_answer_key(case, args.out, overwrite=args.force)
        except ScenarioError as exc:
            return _fail(exc.report())
        except (OutputError, CaseError) as exc:
            return _fail(str(exc))
        except KeyboardInterrupt as exc:
            print(_(INTERRUPTED), file=sys.stderr)
            return interrupted_code(exc)
    print(
        _(
            "customer {customer} ({name}): answer key -> {file}",
            customer=case.customer_id,
            name=case.profile["name"],
            file=path,
        )
    )
    return 0


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

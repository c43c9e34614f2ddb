"""Command line: `python -m sim run|validate|schema ...`.

Exit codes: 0 done, 2 bad input (a scenario problem, a bad argument), 130 interrupted
(Ctrl-C), 143 stopped by SIGTERM (handled like Ctrl-C: nothing half-written is left).
Bad input prints a one-screen message, never a Python traceback.
"""

from __future__ import annotations

import argparse
import sys

from sim.outputs import interrupted_code, sigterm_as_interrupt
from sim.scenario import ScenarioError, json_schema, load_scenario

ALLOW_LARGE = "run even if its estimated peak memory is more than this machine has free"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sim",
        description="Simulate a customer world from a scenario file.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="simulate a scenario and write its tables")
    run.add_argument("scenario", help="scenario YAML file, e.g. scenarios/coffee_chain.yaml")
    run.add_argument("--out", required=True, help="directory to write the tables into")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    run.add_argument("--customers", type=int, help="initial customers (scales acquisitions)")
    run.add_argument("--days", type=int, help="horizon in days")
    run.add_argument("--csv-only", action="store_true", help="skip the Parquet copies")
    run.add_argument(
        "--force", action="store_true", help="replace DIR if this tool wrote it (and only then)"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--allow-large", action="store_true", help=ALLOW_LARGE)

    val = sub.add_parser("validate", help="check scenario files and report every problem")
    val.add_argument("files", nargs="+", help="scenario YAML files")

    sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")

    roleplay = sub.add_parser("roleplay", help="role-play training scripts: lint, play, cards")
    rp = roleplay.add_subparsers(dest="roleplay_command", required=True)
    rp_lint = rp.add_parser("lint", help="check role-play scripts; file:line: message each")
    rp_lint.add_argument("files", nargs="+", help="script YAML files, e.g. scenarios/roleplay/*")
    rp_play = rp.add_parser("play", help="play a role-play script in the terminal")
    rp_play.add_argument("file", help="script YAML file")
    rp_play.add_argument("--lang", choices=["en", "zh"], default="en", help="language shown")
    rp_play.add_argument("--seed", type=int, default=0, help="seed for the sudden variables")
    rp_cards = rp.add_parser("cards", help="write printable customer cards (HTML)")
    rp_cards.add_argument("files", nargs="+", help="script YAML files")
    rp_cards.add_argument("--out", required=True, help="HTML file to write, e.g. cards.html")
    rp_cards.add_argument(
        "--lang", choices=["en", "zh", "both"], default="both", help="languages (both)"
    )
    rp_cards.add_argument("--force", action="store_true", help="replace an existing file")

    cmp = sub.add_parser("compare", help="compare variants over replications, write a report")
    cmp.add_argument("scenario", help="base scenario YAML file")
    cmp.add_argument(
        "--variant",
        action="append",
        required=True,
        metavar="NAME=FILE",
        help="a partial scenario deep-merged over the base (repeat for several)",
    )
    cmp.add_argument("--replications", type=int, default=10, help="runs per variant (10)")
    cmp.add_argument("--report", metavar="FILE.html", help="write the HTML report here")
    cmp.add_argument("--out", metavar="DIR", help="keep one file per finished run (resumable)")
    cmp.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://h:8786")
    cmp.add_argument("--workers", type=int, help="local processes (default: one per core)")
    cmp.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    cmp.add_argument("--customers", type=int, help="initial customers (scales acquisitions)")
    cmp.add_argument("--days", type=int, help="horizon in days")
    cmp.add_argument("--force", action="store_true", help="replace an existing --report file")
    cmp.add_argument("--quiet", action="store_true", help="no progress bar")
    cmp.add_argument("--allow-large", action="store_true", help=ALLOW_LARGE)

    from sim.tournament.command import add_parser as add_tournament

    add_tournament(sub)  # python -m sim tournament SCENARIO SUBMISSIONS/
    return parser


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


LIMITS = {"--customers": (0, 5_000_000), "--days": (1, 3650), "--seed": (0, 2**63 - 1)}


def out_of_range(args: argparse.Namespace, limits: dict[str, tuple[int, int]]) -> str | None:
    """The message for the first option outside its limits ({'--days': (1, 3650)}), if any."""
    for flag, (low, high) in limits.items():
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None and not low <= value <= high:
            return f"{flag}: expected a whole number from {low:,} to {high:,}, found {value:,}"
    return None


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.result import OutputError, check_output_dir
    from sim.runner import run
    from sim.runsize import check_run_size

    bad = out_of_range(args, LIMITS)
    if bad:
        return _fail(bad)
    scenario = load_scenario(args.scenario)
    if args.customers is not None or args.days is not None:
        scenario = scenario.with_overrides(customers=args.customers, days=args.days)
    if not args.allow_large:
        check_run_size(scenario, args.scenario)  # before it fills the machine
    try:  # before minutes of simulating
        check_output_dir(args.out, overwrite=args.force, inputs=(args.scenario,))
    except OutputError as exc:
        return _fail(str(exc))
    result = run(scenario, seed=args.seed, progress=not args.quiet)
    try:
        written = result.save(
            args.out, parquet=not args.csv_only, overwrite=args.force, inputs=(args.scenario,)
        )
    except OutputError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"--out {args.out}: could not write ({exc}); nothing was written")
    summary = result.summary()
    print(
        f"{scenario.name}: seed {result.seed}, {summary['customers']} customers, "
        f"{summary['orders']} orders, revenue {summary['revenue']:,.2f} "
        f"{scenario.catalogue.currency} -> {written}"
    )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        try:
            scenario = load_scenario(name)
        except ScenarioError as exc:
            print(exc.report(), file=sys.stderr)
            status = 2
        else:
            print(
                f"{name}: ok ({scenario.name}, {scenario.setting.kind}, "
                f"{scenario.horizon_days} days)"
            )
    return status


def main(argv: list[str] | None = None) -> int:
    # a console that cannot show a character of a scenario should not crash the report
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    with sigterm_as_interrupt():
        return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "schema":
            print(json_schema())
            return 0
        if args.command == "roleplay":
            from sim.roleplay.commands import cards_command, lint_command, play_command

            if args.roleplay_command == "lint":
                return lint_command(args.files)
            if args.roleplay_command == "cards":
                return cards_command(args.files, args.out, args.lang, args.force)
            return play_command(args.file, lang=args.lang, seed=args.seed)
        if args.command == "compare":
            from sim.experiments.command import compare_command

            return compare_command(args)
        if args.command == "tournament":
            from sim.tournament.command import tournament_command

            return tournament_command(args)
    except ScenarioError as exc:
        return _fail(exc.report())
    except KeyboardInterrupt as exc:
        print("interrupted; nothing was written", file=sys.stderr)
        return interrupted_code(exc)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

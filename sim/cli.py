"""Command line: `python -m sim run|validate|schema|compare|calibrate ...`.

Exit codes: 0 done, 2 bad input (a scenario problem, a bad argument), 130 interrupted
(Ctrl-C), 143 stopped by SIGTERM (handled like Ctrl-C: nothing half-written is left).
Bad input prints a one-screen message, never a Python traceback. Every command takes
`--lang zh|en` (else SIM_LANG, else the system locale) for its help and messages.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator

from sim.argwords import WHOLE_NUMBER, Parser
from sim.i18n import N_, _, language_in_use, using
from sim.options import (
    INTERRUPTED,
    LIMITS,
    add_language_option,
    add_shared,
    out_of_range,
    requested_language,
)

# Only the standard library, sim.i18n and sim.argwords are imported above: `--help` of
# every command prints without pandas, SimPy, matplotlib or pydantic. Each command imports
# what it needs when it runs.


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m sim",
        description=_("Simulate a customer world from a scenario file."),
    )
    add_language_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help=_("simulate a scenario and write its tables"))
    run.add_argument("scenario", help=_("scenario YAML file, e.g. scenarios/coffee_chain.yaml"))
    run.add_argument("--out", required=True, help=_("directory to write the tables into"))
    run.add_argument("--seed", type=WHOLE_NUMBER, help=_("random seed (default: the scenario's)"))
    add_shared(run, "--customers", "--days")
    run.add_argument("--csv-only", action="store_true", help=_("skip the Parquet copies"))
    run.add_argument(
        "--format",
        action="append",
        choices=("csv", "xlsx", "sqlite"),
        help=_(
            "what to write into DIR: csv (CSV and Parquet, the default), xlsx (world.xlsx, "
            "an Excel workbook) or sqlite (world.sqlite, a SQL database); repeat for several"
        ),
    )
    add_shared(run, "--force", "--quiet", "--allow-large")

    val = sub.add_parser("validate", help=_("check scenario files and report every problem"))
    val.add_argument("files", nargs="+", help=_("scenario YAML files"))

    schema = sub.add_parser("schema", help=_("print the scenario JSON Schema (for editors)"))

    roleplay = sub.add_parser("roleplay", help=_("role-play training scripts: lint, play, cards"))
    rp = roleplay.add_subparsers(dest="roleplay_command", required=True)
    rp_lint = rp.add_parser("lint", help=_("check role-play scripts; file:line: message each"))
    rp_lint.add_argument("files", nargs="+", help=_("script YAML files, e.g. scenarios/roleplay/*"))
    rp_play = rp.add_parser("play", help=_("play a role-play script in the terminal"))
    rp_play.add_argument("file", help=_("script YAML file"))
    rp_play.add_argument(
        "--seed", type=WHOLE_NUMBER, default=0, help=_("seed for the sudden variables")
    )
    rp_cards = rp.add_parser(
        "cards",
        help=_("write printable customer cards (HTML), in both languages unless --lang is given"),
    )
    rp_cards.add_argument("files", nargs="+", help=_("script YAML files"))
    rp_cards.add_argument("--out", required=True, help=_("HTML file to write, e.g. cards.html"))
    add_shared(rp_cards, "--force", force=N_("replace an existing file"))

    cmp = sub.add_parser("compare", help=_("compare variants over replications, write a report"))
    cmp.add_argument("scenario", help=_("base scenario YAML file"))
    cmp.add_argument(
        "--variant",
        action="append",
        required=True,
        metavar="NAME=FILE",
        help=_("a partial scenario deep-merged over the base (repeat for several)"),
    )
    cmp.add_argument(
        "--replications", type=WHOLE_NUMBER, default=10, help=_("runs per variant (10)")
    )
    cmp.add_argument("--report", metavar="FILE.html", help=_("write the HTML report here"))
    cmp.add_argument("--out", metavar="DIR", help=_("keep one file per finished run (resumable)"))
    cmp.add_argument("--scheduler", metavar="ADDRESS", help=_("Dask scheduler, e.g. tcp://h:8786"))
    add_shared(cmp, "--workers")
    cmp.add_argument("--seed", type=WHOLE_NUMBER, help=_("root seed (default: the scenario's)"))
    add_shared(cmp, "--customers", "--days")
    add_shared(cmp, "--force", force=N_("replace an existing --report file"))
    add_shared(cmp, "--quiet", "--allow-large")

    # python -m sim tournament SCENARIO SUBMISSIONS/
    tour = sub.add_parser("tournament", help=_("run teams' strategy files on one world, rank them"))
    tour.add_argument("scenario", help=_("the world, e.g. scenarios/coffee_chain.yaml"))
    tour.add_argument("submissions", help=_("folder of team files (*.yaml), one per team"))
    tour.add_argument(
        "--trainer", metavar="FILE", help=_("trainer's file: shocks, rounds, weights")
    )
    tour.add_argument(
        "--round", choices=["practice", "scored"], help=_("rounds to run (trainer's)")
    )
    tour.add_argument(
        "--replications", type=WHOLE_NUMBER, help=_("runs per team and round (trainer's)")
    )
    tour.add_argument(
        "--out", metavar="DIR", help=_("where to write (default out/tournament-ROUND)")
    )
    add_shared(tour, "--customers", "--days", "--workers", "--force", "--quiet")

    # python -m sim calibrate EXPORT --out DIR
    cal = sub.add_parser("calibrate", help=_("fit a twin world to a CRM export of orders"))
    cal.add_argument(
        "export", help=_("the orders exported from a CRM: .csv, .txt, .xlsx or .parquet")
    )
    cal.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help=_("folder to write the twin into (scenario.yaml, base.csv, report.html)"),
    )
    cal.add_argument(
        "--holdout-from",
        metavar="DATE",
        help=_("first day held out: fit on the orders before it, compare the rest"),
    )
    for role, word in (
        ("customer", N_("the customer id column (default: recognised by its name)")),
        ("date", N_("the order date column (default: recognised by its name)")),
        ("amount", N_("the amount column (default: recognised by its name)")),
        ("category", N_("the category column (optional; default: recognised by its name)")),
    ):
        cal.add_argument(f"--{role}-col", metavar="COLUMN", help=_(word))
    cal.add_argument(
        "--salt-file",
        metavar="FILE",
        help=_("the salt of the pseudonyms (default: DIR.salt beside DIR; made if missing)"),
    )
    cal.add_argument(
        "--locale", help=_("locale of the made-up names (default: zh_CN for Chinese headers)")
    )
    cal.add_argument("--currency", help=_("3-letter currency code (default: the locale's)"))
    cal.add_argument(
        "--replications",
        type=WHOLE_NUMBER,
        default=20,
        help=_("runs of the twin over the holdout (20)"),
    )
    add_shared(cal, "--force", "--quiet")

    commands = (run, val, schema, roleplay, rp_lint, rp_play, rp_cards, cmp, tour, cal)
    for command in commands:
        add_language_option(command)
    return parser


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.result import OutputError, check_output_dir
    from sim.runner import run
    from sim.runsize import check_run_size
    from sim.scenario import load_scenario

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
            args.out,
            parquet=not args.csv_only,
            overwrite=args.force,
            inputs=(args.scenario,),
            formats=tuple(dict.fromkeys(args.format or ["csv"])),
            progress=not args.quiet,
        )
    except OutputError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(
            _(
                "--out {folder}: could not write ({reason}); nothing was written",
                folder=args.out,
                reason=exc,
            )
        )
    summary = result.summary()
    print(
        _(
            "{name}: seed {seed}, {customers:,} customers, {orders:,} orders, "
            "revenue {revenue:,.2f} {currency} -> {folder}",
            name=scenario.name,
            seed=result.seed,
            customers=summary["customers"],
            orders=summary["orders"],
            revenue=summary["revenue"],
            currency=scenario.catalogue.currency,
            folder=written,
        )
    )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from sim.scenario import ScenarioError, load_scenario

    status = 0
    for name in args.files:
        try:
            scenario = load_scenario(name)
        except ScenarioError as exc:
            print(exc.report(), file=sys.stderr)
            status = 2
        else:
            print(
                _(
                    "{file}: ok ({name}, {kind}, {days} days)",
                    file=name,
                    name=scenario.name,
                    kind=scenario.setting.kind,
                    days=scenario.horizon_days,
                )
            )
    return status


@contextlib.contextmanager
def printable_streams() -> Iterator[None]:
    """Inside: stdout and stderr write a character the console cannot show as an escape
    (a scenario's Chinese name on a Latin-1 console) instead of failing; after: as before,
    so a command run in-process (tests, a notebook) leaves the caller's streams alone."""
    streams = [s for s in (sys.stdout, sys.stderr) if hasattr(s, "reconfigure")]
    before = [s.errors for s in streams]
    for stream in streams:
        stream.reconfigure(errors="backslashreplace")
    try:
        yield
    finally:
        for stream, errors in zip(streams, before, strict=True):
            stream.reconfigure(errors=errors)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with printable_streams(), using(requested_language(argv)):
        args = _parser().parse_args(argv)
        from sim.outputs import sigterm_as_interrupt

        with sigterm_as_interrupt():
            return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    from sim.outputs import interrupted_code
    from sim.scenario import ScenarioError, json_schema

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
                chosen = getattr(args, "lang", None)  # cards: both languages unless asked
                return cards_command(args.files, args.out, chosen or "both", args.force)
            return play_command(args.file, lang=language_in_use(), seed=args.seed)
        if args.command == "compare":
            from sim.experiments.command import compare_command

            return compare_command(args)
        if args.command == "tournament":
            from sim.tournament.command import tournament_command

            return tournament_command(args)
        if args.command == "calibrate":
            from sim.calibrate.command import calibrate_command

            return calibrate_command(args)
    except ScenarioError as exc:
        return _fail(exc.report())
    except KeyboardInterrupt as exc:
        print(_(INTERRUPTED), file=sys.stderr)
        return interrupted_code(exc)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

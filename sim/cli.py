"""Command line: `python -m sim run|validate|schema ...`.

Exit codes: 0 done, 2 bad input (a scenario problem, a bad argument), 130 interrupted
(Ctrl-C), 143 stopped by SIGTERM (handled like Ctrl-C: nothing half-written is left).
Bad input prints a one-screen message, never a Python traceback. Every command takes
`--lang zh|en` (else SIM_LANG, else the system locale) for its help and messages.
"""

from __future__ import annotations

import argparse
import sys

from sim.argwords import Parser
from sim.i18n import LANGUAGES, N_, _, language_in_use, using
from sim.outputs import interrupted_code, sigterm_as_interrupt
from sim.scenario import ScenarioError, json_schema, load_scenario

ALLOW_LARGE = N_("run even if its estimated peak memory is more than this machine has free")


def requested_language(argv: list[str]) -> str | None:
    """The --lang that `argv` gives, read before the parser is built so that its help is in
    that language; None when there is none or it is not one we have (the parser says so)."""
    pre = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    pre.add_argument("--lang")
    try:
        known = pre.parse_known_args(argv)[0]
    except argparse.ArgumentError:
        return None
    return known.lang if known.lang in LANGUAGES else None


def add_language_option(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """`--lang zh|en` on `parser`. A subcommand's leaves the top level's value alone when
    it is not given (argparse would otherwise put its default over it)."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None if top else argparse.SUPPRESS,
        help=_("language of help and messages (default: SIM_LANG, else the system locale)"),
    )


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
    run.add_argument("--seed", type=int, help=_("random seed (default: the scenario's)"))
    run.add_argument("--customers", type=int, help=_(CUSTOMERS_HELP))
    run.add_argument("--days", type=int, help=_(DAYS_HELP))
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
    run.add_argument("--force", action="store_true", help=_(FORCE_HELP))
    run.add_argument("--quiet", action="store_true", help=_(QUIET_HELP))
    run.add_argument("--allow-large", action="store_true", help=_(ALLOW_LARGE))

    val = sub.add_parser("validate", help=_("check scenario files and report every problem"))
    val.add_argument("files", nargs="+", help=_("scenario YAML files"))

    schema = sub.add_parser("schema", help=_("print the scenario JSON Schema (for editors)"))

    roleplay = sub.add_parser("roleplay", help=_("role-play training scripts: lint, play, cards"))
    rp = roleplay.add_subparsers(dest="roleplay_command", required=True)
    rp_lint = rp.add_parser("lint", help=_("check role-play scripts; file:line: message each"))
    rp_lint.add_argument("files", nargs="+", help=_("script YAML files, e.g. scenarios/roleplay/*"))
    rp_play = rp.add_parser("play", help=_("play a role-play script in the terminal"))
    rp_play.add_argument("file", help=_("script YAML file"))
    rp_play.add_argument("--seed", type=int, default=0, help=_("seed for the sudden variables"))
    rp_cards = rp.add_parser(
        "cards",
        help=_("write printable customer cards (HTML), in both languages unless --lang is given"),
    )
    rp_cards.add_argument("files", nargs="+", help=_("script YAML files"))
    rp_cards.add_argument("--out", required=True, help=_("HTML file to write, e.g. cards.html"))
    rp_cards.add_argument("--force", action="store_true", help=_("replace an existing file"))

    cmp = sub.add_parser("compare", help=_("compare variants over replications, write a report"))
    cmp.add_argument("scenario", help=_("base scenario YAML file"))
    cmp.add_argument(
        "--variant",
        action="append",
        required=True,
        metavar="NAME=FILE",
        help=_("a partial scenario deep-merged over the base (repeat for several)"),
    )
    cmp.add_argument("--replications", type=int, default=10, help=_("runs per variant (10)"))
    cmp.add_argument("--report", metavar="FILE.html", help=_("write the HTML report here"))
    cmp.add_argument("--out", metavar="DIR", help=_("keep one file per finished run (resumable)"))
    cmp.add_argument("--scheduler", metavar="ADDRESS", help=_("Dask scheduler, e.g. tcp://h:8786"))
    cmp.add_argument("--workers", type=int, help=_(WORKERS_HELP))
    cmp.add_argument("--seed", type=int, help=_("root seed (default: the scenario's)"))
    cmp.add_argument("--customers", type=int, help=_(CUSTOMERS_HELP))
    cmp.add_argument("--days", type=int, help=_(DAYS_HELP))
    cmp.add_argument("--force", action="store_true", help=_("replace an existing --report file"))
    cmp.add_argument("--quiet", action="store_true", help=_(QUIET_HELP))
    cmp.add_argument("--allow-large", action="store_true", help=_(ALLOW_LARGE))

    from sim.tournament.command import add_parser as add_tournament

    add_tournament(sub)  # python -m sim tournament SCENARIO SUBMISSIONS/
    for command in (
        run,
        val,
        schema,
        roleplay,
        rp_lint,
        rp_play,
        rp_cards,
        cmp,
        sub.choices["tournament"],
    ):
        add_language_option(command)
    return parser


# help texts several commands share
CUSTOMERS_HELP = N_("initial customers (scales acquisitions)")
DAYS_HELP = N_("horizon in days")
FORCE_HELP = N_("replace DIR if this tool wrote it (and only then)")
QUIET_HELP = N_("no progress bar")
WORKERS_HELP = N_("local processes (default: one per core)")


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


INTERRUPTED = N_("interrupted; nothing was written")
LIMITS = {"--customers": (0, 5_000_000), "--days": (1, 3650), "--seed": (0, 2**63 - 1)}


def out_of_range(args: argparse.Namespace, limits: dict[str, tuple[int, int]]) -> str | None:
    """The message for the first option outside its limits ({'--days': (1, 3650)}), if any."""
    for flag, (low, high) in limits.items():
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None and not low <= value <= high:
            return _(
                "{option}: expected a whole number from {low:,} to {high:,}, found {value:,}",
                option=flag,
                low=low,
                high=high,
                value=value,
            )
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
            args.out,
            parquet=not args.csv_only,
            overwrite=args.force,
            inputs=(args.scenario,),
            formats=tuple(dict.fromkeys(args.format or ["csv"])),
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
            "{name}: seed {seed}, {customers} customers, {orders} orders, "
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


def main(argv: list[str] | None = None) -> int:
    # a console that cannot show a character of a scenario should not crash the report
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    argv = sys.argv[1:] if argv is None else argv
    with using(requested_language(argv)):
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
                chosen = getattr(args, "lang", None)  # cards: both languages unless asked
                return cards_command(args.files, args.out, chosen or "both", args.force)
            return play_command(args.file, lang=language_in_use(), seed=args.seed)
        if args.command == "compare":
            from sim.experiments.command import compare_command

            return compare_command(args)
        if args.command == "tournament":
            from sim.tournament.command import tournament_command

            return tournament_command(args)
    except ScenarioError as exc:
        return _fail(exc.report())
    except KeyboardInterrupt as exc:
        print(_(INTERRUPTED), file=sys.stderr)
        return interrupted_code(exc)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Command-line options several commands share, defined once: their help, their limits.

sim/cli.py builds the parsers of `python -m sim ...` from these; sim.golden30's command and
the command modules (sim/experiments/command.py, sim/tournament/command.py) read the limits
here, never from sim.cli, so no command imports the module that imports it. Standard library
and sim.i18n only: a command's --help loads nothing else.
"""

from __future__ import annotations

import argparse

from sim.argwords import WHOLE_NUMBER
from sim.i18n import LANGUAGES, N_, _

# help texts several commands share
CUSTOMERS_HELP = N_("initial customers (scales acquisitions)")
DAYS_HELP = N_("horizon in days")
FORCE_HELP = N_("replace DIR if this tool wrote it (and only then)")
QUIET_HELP = N_("no progress bar")
WORKERS_HELP = N_("local processes (default: one per core)")
ALLOW_LARGE = N_("run even if its estimated peak memory is more than this machine has free")
INTERRUPTED = N_("interrupted; nothing was written")

# flag -> add_argument's keywords (help as a msgid, translated when the parser is built)
SHARED: dict[str, dict] = {
    "--customers": {"type": WHOLE_NUMBER, "help": CUSTOMERS_HELP},
    "--days": {"type": WHOLE_NUMBER, "help": DAYS_HELP},
    "--force": {"action": "store_true", "help": FORCE_HELP},
    "--quiet": {"action": "store_true", "help": QUIET_HELP},
    "--workers": {"type": WHOLE_NUMBER, "help": WORKERS_HELP},
    "--allow-large": {"action": "store_true", "help": ALLOW_LARGE},
}

LIMITS = {"--customers": (0, 5_000_000), "--days": (1, 3650), "--seed": (0, 2**63 - 1)}


def add_shared(parser: argparse.ArgumentParser, *flags: str, **helps: str) -> None:
    """Add each shared option of `flags` to `parser`, its help in the language in use;
    `helps` gives a command its own help for one (`force=N_("replace the --out file")`)."""
    for flag in flags:
        spec = dict(SHARED[flag])
        spec["help"] = _(helps.get(flag[2:].replace("-", "_"), spec["help"]))
        parser.add_argument(flag, **spec)


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

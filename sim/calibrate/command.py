"""`python -m sim calibrate EXPORT --out DIR`: calibrate a twin and say what was done.

Prints what was read (rows, customers, dates, what was dropped and why), the fitted
parameters with their standard errors, and what was written. A bad export, option or
output folder exits 2 with every problem listed and nothing written (sim/cli.py turns the
ExportError, a ScenarioError, into that).
"""

from __future__ import annotations

import argparse
import sys

from sim.calibrate import calibrate
from sim.calibrate.say import fit_lines, read_lines, written_lines
from sim.i18n import _
from sim.outputs import OutputError


def calibrate_command(args: argparse.Namespace) -> int:
    """Run `calibrate` from parsed arguments; 0 done, 2 bad input (the caller catches the
    ExportError)."""
    try:
        twin = calibrate(
            args.export,
            args.out,
            args.holdout_from,
            salt_file=args.salt_file,
            locale=args.locale,
            currency=args.currency,
            force=args.force,
            replications=args.replications,
            progress=not args.quiet,
            customer_col=args.customer_col,
            date_col=args.date_col,
            amount_col=args.amount_col,
            category_col=args.category_col,
        )
    except OutputError as exc:
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:
        reason = exc.strerror or exc
        message = _(
            "--out {folder}: could not write ({reason}); nothing was written",
            folder=args.out,
            reason=reason,
        )
        print(message, file=sys.stderr)
        return 2
    print("\n".join(read_lines(twin.export.report) + fit_lines(twin.fit) + written_lines(twin)))
    return 0

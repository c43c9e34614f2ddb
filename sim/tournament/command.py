"""`python -m sim tournament SCENARIO SUBMISSIONS/`: run, score, write the pages (its
arguments are defined with the other commands' in sim/cli.py).

Bad input (a team file touching the world, a bad trainer file, a missing folder, a bad
number) exits 2 with a one-screen message and no traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.i18n import _
from sim.options import out_of_range
from sim.outputs import OutputError, check_folder, write_folder


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


LIMITS = {
    "--replications": (1, 1000),
    "--customers": (1, 5_000_000),
    "--days": (1, 3650),
    "--workers": (1, 512),
}


def tournament_command(args: argparse.Namespace) -> int:
    """Run the tournament the arguments describe; 0 done, 2 bad input."""
    from sim.scenario import load_scenario
    from sim.tournament.pages import ROUND_KINDS, write_pages
    from sim.tournament.run import run_tournament
    from sim.tournament.trainer import load_trainer

    bad = out_of_range(args, LIMITS)
    if bad:
        return _fail(bad)
    if not Path(args.submissions).is_dir():
        return _fail(
            _(
                "{folder}: expected a folder of team files (one .yaml per team), "
                "found no folder there",
                folder=args.submissions,
            )
        )
    trainer = load_trainer(args.trainer)
    kind = args.round or trainer.round
    if not trainer.rounds_of(kind):
        return _fail(
            _(
                "{file}: rounds: no {kind} round; add one",
                file=args.trainer or _("trainer file"),
                kind=kind,
            )
        )
    out = Path(args.out or f"out/tournament-{kind}")
    inputs = [args.scenario, args.submissions, *([args.trainer] if args.trainer else [])]
    try:
        check_folder(out, force=args.force, inputs=inputs)
    except OutputError as exc:
        return _fail(str(exc))
    scenario = load_scenario(args.scenario)
    t = run_tournament(
        scenario,
        args.submissions,
        trainer,
        kind=kind,
        replications=args.replications,
        customers=args.customers,
        days=args.days,
        workers=args.workers,
        progress=not args.quiet,
    )
    try:
        written = write_folder(
            out,
            lambda tmp: write_pages(t, tmp),
            force=args.force,
            inputs=inputs,
            by="python -m sim tournament",
        )
    except OutputError as exc:
        return _fail(str(exc))
    board = t.leaderboard()
    rounds = _(", ").join(r.round.name for r in t.rounds)
    kind_shown = _(ROUND_KINDS.get(kind, kind))
    print(
        _(
            "{trainer}: {kind} rounds ({rounds})",
            trainer=trainer.name,
            kind=kind_shown,
            rounds=rounds,
        )
    )
    for _row, r in board.iterrows():
        rank, team, score = f"{r['rank']:>2}", f"{r['team']:<24}", f"{r['score']:+.2f}"
        print("  " + _("{rank}. {team} score {score}", rank=rank, team=team, score=score))
    print(
        _(
            "leaderboard and debrief pages -> {file}",
            file=written / "leaderboard.html",
        )
    )
    return 0

"""`python -m sim compare`: parse NAME=FILE variants, run the comparison, print, report.

Bad input (a NAME=FILE without '=', a missing file, an invalid merged variant, a report
that cannot be written or is already there without --force, an --out folder holding other
files) exits 2 with a short message and no traceback, before anything runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.experiments.design import read_variant
from sim.experiments.store import RunStore
from sim.i18n import _
from sim.options import LIMITS, out_of_range
from sim.outputs import OutputError, check_file, interrupted_code

# Metrics printed on the terminal; the report and --out hold them all.
HEADLINE = [
    "retention",
    "active_at_end",
    "revenue",
    "margin_after_costs",
    "points_issued",
    "points_liability",
    "breakage",
]


class UsageError(Exception):
    """A command-line argument that cannot be used as given."""


def parse_variant_args(specs: list[str]) -> dict[str, Path]:
    """['no_program=path.yaml', ...] -> {'no_program': Path('path.yaml')}, checked."""
    out: dict[str, Path] = {}
    for spec in specs:
        name, sep, file = spec.partition("=")
        name, file = name.strip(), file.strip()
        if not sep or not name or not file:
            raise UsageError(
                _(
                    "--variant {spec}: expected NAME=FILE, "
                    "e.g. --variant no_program=scenarios/variants/no_program.yaml",
                    spec=repr(spec),
                )
            )
        if name == "baseline":
            raise UsageError(
                _("--variant: 'baseline' names the base scenario; choose another NAME")
            )
        if name in out:
            raise UsageError(
                _("--variant: the name {name} is given twice; names must differ", name=repr(name))
            )
        out[name] = Path(file)
    return out


def _check(args: argparse.Namespace) -> None:
    if args.replications < 2:
        raise UsageError(
            _(
                "--replications: expected at least 2 (a confidence interval needs two), found {n}",
                n=args.replications,
            )
        )
    if args.workers is not None and args.workers < 1:
        raise UsageError(_("--workers: expected at least 1, found {n}", n=args.workers))
    if args.workers is not None and args.scheduler:
        raise UsageError(_("--workers and --scheduler: give one (Dask sets its own workers)"))
    bad = out_of_range(args, LIMITS)
    if bad:
        raise UsageError(bad)
    try:
        if args.report:
            check_file(args.report, force=args.force, option="--report")
        if args.out:
            RunStore(args.out).check()
    except OutputError as exc:
        raise UsageError(str(exc)) from None


def compare_command(args: argparse.Namespace) -> int:
    """Run `python -m sim compare` from parsed arguments; return the exit code."""
    from sim.experiments.compare import compare
    from sim.scenario import load_scenario

    try:
        _check(args)
        files = parse_variant_args(args.variant)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    base = load_scenario(args.scenario)
    variants = {name: read_variant(path, name) for name, path in files.items()}
    executor = args.scheduler or args.workers
    if not args.allow_large and not args.scheduler:  # Dask workers have their own memory
        check_sizes(base, variants, args)
    try:
        cmp = compare(
            base,
            variants,
            replications=args.replications,
            seed=args.seed,
            executor=executor,
            customers=args.customers,
            days=args.days,
            out=args.out,
            progress=not args.quiet,
        )
    except (OSError, TimeoutError) as exc:
        if args.scheduler:
            message = _(
                "--scheduler {address}: cannot reach it ({reason})",
                address=args.scheduler,
                reason=exc,
            )
            print(message, file=sys.stderr)
            return 2
        raise
    except KeyboardInterrupt as exc:
        if args.out:
            message = _(
                "interrupted; finished runs are kept in {folder}: run the same command to resume",
                folder=args.out,
            )
        else:
            message = _("interrupted")
        print(message, file=sys.stderr)
        return interrupted_code(exc)
    print(headline_text(cmp))
    if args.report:
        from sim.views.report import write_report  # the command's output, drawn by the views

        try:
            path = write_report(cmp, args.report, overwrite=args.force)
        except OutputError as exc:  # the file appeared, or the folder went, while running
            print(exc, file=sys.stderr)
            return 2
        print(_("report: {file}", file=path))
    return 0


def check_sizes(base, variants: dict, args: argparse.Namespace) -> None:
    """ScenarioError (exit 2) when the runs going at once would not fit in free memory."""
    from sim.experiments.design import resolve_variants
    from sim.experiments.runner import default_workers
    from sim.runsize import check_run_size

    worlds = {"baseline": base, **resolve_variants(base, variants)}
    runs = len(worlds) * args.replications
    parallel = max(1, min(args.workers or default_workers(), runs))
    for name, world in worlds.items():
        if args.customers is not None or args.days is not None:
            world = world.with_overrides(customers=args.customers, days=args.days)
        source = args.scenario if name == "baseline" else str(variants[name].source)
        check_run_size(world, source, parallel)


def headline_text(cmp) -> str:
    """A few lines per variant: difference against the baseline with its 95% CI."""
    t = cmp.table
    lines = [
        _(
            "{scenario}: {n} replications per variant, seed {seed}; "
            "difference vs baseline [95% CI]  (* = CI excludes 0)",
            scenario=cmp.scenario.name,
            n=cmp.replications,
            seed=cmp.seed,
        )
    ]
    for name in cmp.variants:
        lines.append(f"  {name}")
        rows = t[(t["variant"] == name) & t["metric"].isin(HEADLINE)]
        for _metric, r in rows.set_index("metric").reindex(HEADLINE).dropna(how="all").iterrows():
            star = "*" if r["significant"] else " "
            lines.append(
                f"    {star} {r.name:<22} {_num(r['difference']):>14}  "
                f"[{_num(r['ci_low'])}, {_num(r['ci_high'])}]"
            )
    return "\n".join(lines)


def _num(x: float) -> str:
    if x != x:  # NaN
        return "–"
    return f"{x:+,.4f}" if abs(x) < 10 else f"{x:+,.0f}"

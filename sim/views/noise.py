"""Differences beside a baseline, with their 95% interval over a few replications.

Every panel that shows "baseline, this run, change" (the strategy lab, the desk and outreach
panels) runs the baseline and the changed world on the same seeds (common random numbers),
takes the difference replication by replication (sim.experiments.stats.paired_difference)
and writes it with its interval; an interval that includes 0 reads "within noise", in words
and in a muted style. Replication 0 is the panel's own seed, so the first run shown is the
same run as before; the others may run in a background thread (and its worker processes)
while the first result shows.
"""

from __future__ import annotations

import concurrent.futures as cf
import html
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.experiments.design import replication_seeds
from sim.experiments.runner import default_workers, worker_pool
from sim.experiments.stats import WITHIN_NOISE, Difference, paired_difference
from sim.figures import fmt, plain
from sim.i18n import N_, _

# Replications of a panel's Run: enough for a t-interval with 4 degrees of freedom
# (t = 2.78; with 2 runs it is 12.7), few enough to finish in seconds (benchmarks/lab.py).
REPLICATIONS = 5
MUTED = "color:#767676;font-style:italic"

Figures = dict[str, float | None]
# How often a background job waiting on worker processes looks whether it was cancelled.
POLL_S = 0.1
# A panel's worker processes (at most the cores there are): two halve the wait on a 2-core
# laptop (benchmarks/lab.py); more would each hold a world in a shared classroom server's
# memory for little gain with 4 replications left.
PANEL_WORKERS = 2


def panel_workers() -> int:
    """How many worker processes a panel's replications use here."""
    return min(PANEL_WORKERS, default_workers())


@dataclass
class FigureSource:
    """Where a panel's figures of one run come from: `compute(world, seed)` simulates them
    (a module-level function of picklable arguments, so a worker process can run it),
    `known(world, seed)` gives them if they are at hand (else None) and `keep(world, seed,
    figures)` remembers new ones (a panel without a cache leaves both out)."""

    compute: Callable[[Any, int], Figures]
    known: Callable[[Any, int], Figures | None] = lambda world, seed: None
    keep: Callable[[Any, int, Figures], None] = lambda world, seed, figures: None

    def figures(self, world: Any, seed: int) -> Figures:
        """The figures at hand, or computed in this process and kept."""
        card = self.known(world, seed)
        if card is None:
            card = self.compute(world, seed)
            self.keep(world, seed, card)
        return card


def panel_seeds(seed: int, replications: int = REPLICATIONS) -> list[int]:
    """The seeds of a panel's replications: its own seed first, then
    `replication_seeds(seed, replications - 1)`."""
    return [int(seed), *(replication_seeds(seed, replications - 1) if replications > 1 else [])]


@dataclass
class Paired:
    """The figures of the baseline and of the changed world, one dict per replication,
    replication k of both on the same seed. `identical`: the changed world is the baseline
    itself, so under common random numbers every one of `replications` differences is
    exactly 0 and none needs running."""

    baseline: list[Figures] = field(default_factory=list)
    variant: list[Figures] = field(default_factory=list)
    identical: bool = False
    replications: int = REPLICATIONS

    @property
    def n(self) -> int:
        return min(len(self.baseline), len(self.variant))

    def mean(self, side: str, name: str) -> float | None:
        """Mean of figure `name` over the replications of 'baseline' or 'variant'."""
        values = [r.get(name) for r in getattr(self, side)[: self.n]]
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    def difference(self, name: str) -> Difference | None:
        """variant − baseline of figure `name`, paired by replication (None if never known)."""
        a = [r.get(name) for r in self.baseline[: self.n]]
        b = [r.get(name) for r in self.variant[: self.n]]
        if all(v is None for v in a) or all(v is None for v in b):
            return None
        if self.identical:
            return Difference(0.0, 0.0, 0.0, self.replications)
        return paired_difference(a, b)

    @property
    def complete(self) -> bool:
        """Every replication is in (or none is needed)."""
        return self.identical or self.n >= self.replications


def noise_style(table: pd.DataFrame, column: str = "reading"):
    """A pandas Styler of a what-if table: rows whose `column` says 'within noise' in grey
    italics, numbers plain (sim.figures.plain: 462,400, never 4.624e+05), for notebooks."""

    def style(row: pd.Series) -> list[str]:
        return [MUTED if row.get(column) == WITHIN_NOISE else ""] * len(row)

    return table.style.apply(style, axis=1).format(
        plain, subset=table.select_dtypes("number").columns
    )


def interval_text(d: Difference, unit: str) -> str:
    """The interval as text: '[−1.2, +3.4]'."""
    return f"[{fmt(d.low, unit, signed=True)}, {fmt(d.high, unit, signed=True)}]"


def noise_word(d: Difference | None) -> str:
    """'within noise' (in the language in use) where the interval includes 0, else ''
    (also with no interval yet)."""
    return _(WITHIN_NOISE) if d is not None and d.within_noise else ""


def change_html(d: Difference | None, unit: str) -> str:
    """A table cell's content: the change, its 95% interval, and 'within noise' (muted) when
    the interval includes 0; a one-run change says that its interval is still to come."""
    if d is None:
        return ""
    change = fmt(d.mean, unit, signed=True)
    if not d.known:
        pending = _("(one run)")
        return f"{change} <small class='sim-noise-pending'>{pending}</small>"
    interval = html.escape(interval_text(d, unit))
    if d.within_noise:
        return (
            f"<span class='sim-within-noise' style='{MUTED}'>{change} <small>{interval}</small>"
            f" {_(WITHIN_NOISE)}</span>"
        )
    return f"<b>{change}</b> <small>{interval}</small>"


def pair_runs(
    source: FigureSource,
    baseline: object,
    variant: object,
    seeds: Sequence[int],
    paired: Paired | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    pool: cf.Executor | None = None,
) -> Paired:
    """Figures of `baseline` and `variant` on each seed (from `source`), added to `paired`
    from the replication it has reached; `progress(done, total)` after each pair; stops
    early when `cancelled()` says so. With a `pool`, the runs go to the pool's workers at
    once and are added in the same order: the same Paired, sooner."""
    paired = paired if paired is not None else Paired()
    total = len(seeds)
    stop = cancelled if cancelled is not None else (lambda: False)
    todo = seeds[paired.n : total]
    if pool is not None:
        pairs = _pairs_on(pool, source, baseline, variant, todo, stop)
    else:
        pairs = _pairs_here(source, baseline, variant, todo, stop)
    for base, mine in pairs:
        paired.baseline.append(base)
        paired.variant.append(mine)
        if progress is not None:
            progress(paired.n, total)
    return paired


def _pairs_here(
    source: FigureSource,
    baseline: object,
    variant: object,
    seeds: Sequence[int],
    cancelled: Callable[[], bool],
) -> Iterator[tuple[Figures, Figures]]:
    for seed in seeds:
        if cancelled():
            return
        yield source.figures(baseline, seed), source.figures(variant, seed)


def _pairs_on(
    pool: cf.Executor,
    source: FigureSource,
    baseline: object,
    variant: object,
    seeds: Sequence[int],
    cancelled: Callable[[], bool],
) -> Iterator[tuple[Figures, Figures]]:
    """Every run not at hand submitted at once; pairs yielded in seed order as they finish.
    Cancelled, the runs not started are dropped (those running finish and are kept)."""

    def ask(world: object, seed: int) -> cf.Future:
        card = source.known(world, seed)
        if card is not None:
            ready: cf.Future = cf.Future()
            ready.set_result(card)
            return ready
        future = pool.submit(source.compute, world, seed)

        def keep(done: cf.Future) -> None:
            if not done.cancelled() and done.exception() is None:
                source.keep(world, seed, done.result())

        future.add_done_callback(keep)
        return future

    wanted = [(ask(baseline, seed), ask(variant, seed)) for seed in seeds]
    try:
        for pair in wanted:
            while cf.wait(pair, timeout=POLL_S).not_done:
                if cancelled():
                    return
            if cancelled():
                return
            yield pair[0].result(), pair[1].result()
    finally:
        for pair in wanted:
            for future in pair:
                future.cancel()


class Background:
    """Runs one job at a time off the kernel's main thread (or inline, for tests and
    scripts); starting a new job cancels the one before it, which stops at its next step.
    With `workers` > 1 (threaded only) a job may also use that many worker processes,
    started at the first `pool()` and kept while this object lives."""

    def __init__(self, threaded: bool = True, workers: int = 1) -> None:
        self.threaded = threaded
        self.workers = workers if threaded else 1
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._pool: cf.ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def start(self, job: Callable[[Callable[[], bool]], None]) -> None:
        """Run `job(cancelled)`; `cancelled()` turns true once a newer job starts."""
        self._generation += 1
        mine = self._generation

        def cancelled() -> bool:
            return self._generation != mine

        if not self.threaded:
            job(cancelled)
            return
        self._thread = threading.Thread(target=job, args=(cancelled,), daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Cancel the running job, if any."""
        self._generation += 1

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the running job to finish (tests and the benchmark)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def pool(self) -> cf.ProcessPoolExecutor | None:
        """The worker processes (None with one worker); a pool broken by a dead worker is
        replaced, so the next Run works again."""
        if self.workers < 2:
            return None
        with self._pool_lock:
            if self._pool is None or getattr(self._pool, "_broken", False):
                if self._pool is not None:
                    self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = worker_pool(self.workers)
                weakref.finalize(self, self._pool.shutdown, wait=False, cancel_futures=True)
            return self._pool


def paired_html(
    paired: Paired,
    rows: Sequence[tuple[str, str, str]],
    mine: str = N_("your levers"),
    css: str = "sim-lab-table",
    currency: str = "",
) -> str:
    """A panel's table: for each (key, label, unit) row the baseline and the changed world
    (means over the replications run so far) and the change with its 95% interval,
    'within noise' where it includes 0. `mine` names the changed world's column (a msgid)."""
    body = []
    for key, label, unit in rows:
        a, b = paired.mean("baseline", key), paired.mean("variant", key)
        body.append(
            f"<tr><td>{html.escape(label)}</td><td>{fmt(a, unit, currency=currency)}</td>"
            f"<td><b>{fmt(b, unit, currency=currency)}</b></td>"
            f"<td>{change_html(paired.difference(key), unit)}</td></tr>"
        )
    runs = _("one run") if paired.n == 1 else _("mean of {n} runs", n=paired.n)
    labels = (_("baseline ({runs})", runs=runs), _(mine), _("change [95% interval]"))
    head = "<tr><th></th>" + "".join(f"<th>{html.escape(t)}</th>" for t in labels) + "</tr>"
    return f"<table class='{css}'>{head}{''.join(body)}</table>"


def noise_note(paired: Paired, took: float | None = None) -> str:
    """What the intervals under a panel's table mean, once they are in."""
    if paired.identical:
        return _(
            "Nothing differs from the baseline: on the same customers every run gives the "
            "same figures, so each change is exactly 0."
        )
    if took is None:
        done = _("✓ 95% intervals from {n} runs on the same customers (common random numbers).",
                 n=paired.n)  # fmt: skip
    else:
        done = _(
            "✓ 95% intervals from {n} runs on the same customers (common random numbers), "
            "in {seconds} s.",
            n=paired.n,
            seconds=f"{took:.1f}",
        )
    return (
        done
        + " "
        + _(
            "<i>Within noise</i>: the interval includes 0, so these runs cannot tell this "
            "change from the baseline on that figure."
        )
    )


def pending_note(paired: Paired, replications: int) -> str:
    """The note while the replications behind the intervals are still running."""
    return _(
        "Running the same customers {n} more times for the 95% intervals…",
        n=replications - paired.n,
    )


def failed_note(error: Exception) -> str:
    """The note when a replication failed (a thread's traceback reaches no one)."""
    return _("The intervals could not be computed: {error}", error=html.escape(str(error)))


def replicate_in_background(
    jobs: Background,
    source: FigureSource,
    baseline: object,
    variant: object,
    seeds: Sequence[int],
    paired: Paired,
    redraw: Callable[[Paired, bool], None],
    failed: Callable[[Exception], None],
) -> None:
    """Run the replications `paired` still lacks as a background job of `jobs`: `redraw(paired,
    done)` after each pair and at the end, `failed(exc)` if a run raises (a thread's traceback
    reaches no one). On the job's worker processes when it has them."""
    if paired.complete:
        redraw(paired, True)
        return

    def job(cancelled: Callable[[], bool]) -> None:
        def step(done: int, total: int) -> None:
            if not cancelled():
                redraw(paired, False)

        try:
            pair_runs(source, baseline, variant, seeds, paired, step, cancelled, jobs.pool())
        except Exception as exc:
            failed(exc)
            raise
        if not cancelled():
            redraw(paired, True)

    jobs.start(job)

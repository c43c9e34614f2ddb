"""Executors: run many (scenario, seed) tasks in-process, on local processes or on Dask.

Each task is independent and returns a flat dict of metrics, so the results do not depend
on which executor ran them or in which order they finished. With a RunStore, finished
runs are written as they arrive and reused on the next call.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from sim.experiments.metrics import run_metrics
from sim.experiments.store import RunStore
from sim.i18n import _
from sim.outputs import die_with_parent
from sim.scenario import Scenario

# What `executor=` accepts: None/"processes" (local processes, all cores), "serial"
# (in this process), an int (that many local processes), a Dask scheduler address, a
# dask.distributed.Client, or any concurrent.futures.Executor.
ExecutorSpec = Any


@dataclass(frozen=True)
class Task:
    """One simulation: a label (variant or grid point), its replication and seed."""

    label: str
    replication: int
    seed: int
    scenario: Scenario
    customers: int | None = None
    days: int | None = None

    def fingerprint(self) -> str:
        """A hash of everything that decides this run's outcome."""
        payload = {
            "scenario": self.scenario.model_dump(mode="json"),
            "seed": self.seed,
            "customers": self.customers,
            "days": self.days,
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_task(task: Task) -> dict[str, float]:
    """Simulate one task and return its metrics (runs in whichever worker got it)."""
    from sim.runner import run

    result = run(
        task.scenario, seed=task.seed, customers=task.customers, days=task.days, progress=False
    )
    return run_metrics(result)


@dataclass
class Outcome:
    """Metrics of every task in the order asked, and how many were computed or reused."""

    metrics: list[dict[str, float]]
    computed: int
    reused: int


def replicate(
    worlds: Mapping[str, Scenario],
    seeds: Sequence[int],
    column: str,
    customers: int | None = None,
    days: int | None = None,
    executor: ExecutorSpec = None,
    out: str | os.PathLike | None = None,
    progress: bool = True,
    desc: str = "runs",
) -> tuple[pd.DataFrame, Outcome]:
    """Every world run once per seed, replication k with `seeds[k]` in every world (common
    random numbers): a tidy frame (`column` naming the world, replication, seed, metric,
    value) of their metrics, and the outcome. `out` keeps finished runs, so an interrupted
    call resumes."""
    tasks = [
        Task(name, k, s, world, customers, days)
        for name, world in worlds.items()
        for k, s in enumerate(seeds)
    ]
    store = RunStore(out) if out is not None else None
    if store is not None:
        store.check()
    # a world given twice (e.g. a what-if whose levers are the baseline's) runs once per seed
    prints = [t.fingerprint() for t in tasks]
    unique: dict[str, Task] = {}
    for p, t in zip(prints, tasks, strict=True):
        unique.setdefault(p, t)
    done = execute(list(unique.values()), executor, store, progress, desc=desc)
    found = dict(zip(unique, done.metrics, strict=True))
    outcome = Outcome([found[p] for p in prints], done.computed, done.reused)
    rows = [
        (t.label, t.replication, t.seed, metric, value)
        for t, metrics in zip(tasks, outcome.metrics, strict=True)
        for metric, value in metrics.items()
    ]
    columns = [column, "replication", "seed", "metric", "value"]
    return pd.DataFrame(rows, columns=columns), outcome


def execute(
    tasks: Sequence[Task],
    executor: ExecutorSpec = None,
    store: RunStore | None = None,
    progress: bool = True,
    desc: str = "runs",
) -> Outcome:
    """Run every task not already in `store`; save each as it finishes."""
    results: dict[int, dict[str, float]] = {}
    prints = [t.fingerprint() for t in tasks] if store is not None else []
    if store is not None:
        for i, task in enumerate(tasks):
            found = store.load(task.label, task.replication, prints[i])
            if found is not None:
                results[i] = found
    pending = [i for i in range(len(tasks)) if i not in results]
    bar = tqdm(total=len(tasks), initial=len(results), desc=desc, disable=not progress)
    try:
        for i, metrics in dispatch([tasks[i] for i in pending], pending, executor):
            results[i] = metrics
            if store is not None:
                t = tasks[i]
                record = {
                    "label": t.label,
                    "replication": t.replication,
                    "seed": t.seed,
                    "fingerprint": prints[i],
                    "metrics": metrics,
                }
                store.save(t.label, t.replication, record)
            bar.update(1)
    finally:
        bar.close()
    return Outcome([results[i] for i in range(len(tasks))], len(pending), len(tasks) - len(pending))


def dispatch(
    tasks: Sequence[Any],
    ids: Sequence[int],
    executor: ExecutorSpec,
    fn: Callable[[Any], Any] | None = None,
    what: str = "experiments",
    serially: str = "executor='serial'",
) -> Iterator[tuple[int, Any]]:
    """(id, fn(task)) pairs as tasks finish, on the executor asked for (`fn`: `run_task`).
    `what` and `serially` word the advice when a worker process dies."""
    if not tasks:
        return
    fn = run_task if fn is None else fn
    if executor == "serial" or executor == 1:
        for i, task in zip(ids, tasks, strict=True):
            yield i, fn(task)
        return
    if _is_dask(executor):
        yield from _dask(tasks, ids, executor, fn)
        return
    if isinstance(executor, cf.Executor):
        yield from _futures(executor, tasks, ids, fn)
        return
    if executor is None or executor == "processes" or isinstance(executor, int):
        workers = executor if isinstance(executor, int) else default_workers()
        workers = max(1, min(workers, len(tasks)))
        if workers == 1:
            yield from dispatch(tasks, ids, "serial", fn)
            return
        try:
            yield from _pool(tasks, ids, fn, workers)
        except cf.process.BrokenProcessPool as exc:
            raise RuntimeError(
                _(
                    "a worker process stopped abruptly. In a script, put the code that runs "
                    "{what} under `if __name__ == '__main__':` (worker processes import "
                    "the script), or pass {serially}",
                    what=what,
                    serially=serially,
                )
            ) from exc
        return
    raise ValueError(
        _(
            "executor: expected None, 'processes', 'serial', a number of workers, a Dask "
            "scheduler address or client, or a concurrent.futures executor; found {found}",
            found=repr(executor),
        )
    )


def _pool(
    tasks: Sequence[Any], ids: Sequence[int], fn: Callable[[Any], Any], workers: int
) -> Iterator[tuple[int, Any]]:
    """Local worker processes that die with this process (even killed by SIGKILL, on Linux)
    and are stopped at once, not after their running tasks, when this one is interrupted."""
    pool = worker_pool(workers)
    try:
        yield from _futures(pool, tasks, ids, fn)
    except BaseException:  # Ctrl-C, SIGTERM, an error, or the caller stopped reading
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def worker_pool(workers: int) -> cf.ProcessPoolExecutor:
    """`workers` local processes that die with this one (even killed by SIGKILL, on Linux)."""
    return cf.ProcessPoolExecutor(
        workers, mp_context=_context(), initializer=die_with_parent, initargs=(os.getpid(),)
    )


def _stop_workers(pool: cf.ProcessPoolExecutor) -> None:
    if hasattr(pool, "terminate_workers"):  # Python 3.14+
        pool.terminate_workers()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown drops it
    for process in processes:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(5)


def default_workers() -> int:
    """Local processes by default: one per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one (safe with threads, workers start with sim imported)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.experiments.runner"])
        return ctx
    return multiprocessing.get_context("spawn")


def _futures(
    pool: cf.Executor, tasks: Sequence[Any], ids: Sequence[int], fn: Callable[[Any], Any]
) -> Iterator[tuple[int, Any]]:
    futures = {pool.submit(fn, task): i for i, task in zip(ids, tasks, strict=True)}
    try:
        for future in cf.as_completed(futures):
            yield futures[future], future.result()
    finally:
        for future in futures:
            future.cancel()


def _is_dask(executor: ExecutorSpec) -> bool:
    if isinstance(executor, str) and executor not in ("serial", "processes"):
        return True
    return type(executor).__module__.split(".")[0] == "distributed"


def _dask(
    tasks: Sequence[Any], ids: Sequence[int], executor: ExecutorSpec, fn: Callable[[Any], Any]
) -> Iterator[tuple[int, Any]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise RuntimeError(
            _("running on Dask needs dask.distributed: pip install 'dask[distributed]'")
        ) from None
    own = isinstance(executor, str)
    client = Client(executor, timeout="20s") if own else executor
    try:
        futures = {
            client.submit(fn, task, pure=False): i for i, task in zip(ids, tasks, strict=True)
        }
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            client.cancel(list(futures))
    finally:
        if own:
            client.close()

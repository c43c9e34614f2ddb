"""Parameter sweeps: every point of a grid × replications, with common random numbers.

>>> sw = sim.experiments.sweep(scenario, {"loyalty.tiers[1].threshold": [1000, 1500, 2000],
...                                       "loyalty.rules[0].multiplier": [1.5, 2, 3]},
...                            replications=3, seed=7, customers=1000, days=180)
>>> sw.pivot("margin_after_costs")   # rows: first parameter, columns: second

Grid parameters are dotted paths into the scenario (list indices allowed), as in Mesa's
`batch_run(model, parameters=...)`. Every point uses the same replication seeds, and the
unchanged scenario runs too, so each point also gets its paired difference to it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim import paths
from sim.experiments.compare import BASELINE
from sim.experiments.design import replication_seeds, with_values
from sim.experiments.runner import ExecutorSpec, replicate
from sim.experiments.stats import LEVEL, paired_table, summary_table
from sim.i18n import _
from sim.scenario import Scenario, load_scenario


@dataclass
class Sweep:
    """The outcome of `sweep`: tidy runs and a table per grid point × metric."""

    scenario: Scenario
    grid: dict[str, list[Any]]
    points: list[dict[str, Any]]
    seed: int
    seeds: list[int]
    runs: pd.DataFrame  # point, replication, seed, metric, value
    level: float = LEVEL
    computed: int = 0
    reused: int = 0

    @property
    def table(self) -> pd.DataFrame:
        """One row per grid point × metric: the parameters, mean with its CI, n, and the
        paired difference to the unchanged scenario with its CI (`within_noise` where that
        CI includes 0)."""
        labels = {_label(p): p for p in self.points}
        means = summary_table(self.runs[self.runs["point"] != BASELINE], ["point"], self.level)
        diffs = paired_table(self.runs, BASELINE, self.level, group="point")
        diffs = diffs[["point", "metric", "difference", "ci_low", "ci_high", "within_noise"]]
        diffs = diffs.rename(
            columns={"ci_low": "difference_ci_low", "ci_high": "difference_ci_high"}
        )
        out = means.merge(diffs, on=["point", "metric"], how="left")
        params = pd.DataFrame([labels[p] for p in out["point"]], index=out.index)
        return pd.concat([params, out.drop(columns="point")], axis=1)

    def pivot(
        self,
        metric: str,
        value: str = "mean",
        index: str | None = None,
        columns: str | None = None,
    ) -> pd.DataFrame:
        """A heatmap-ready grid of one metric: rows the first parameter, columns the second
        (`value` may be 'mean', 'difference', 'ci_low', ...)."""
        names = list(self.grid)
        index = index or names[0]
        columns = columns or (names[1] if len(names) > 1 else None)
        t = self.table
        t = t[t["metric"] == metric]
        if columns is None:
            return t.set_index(index)[[value]]
        return t.pivot_table(index=index, columns=columns, values=value, aggfunc="mean")

    def noise(self, metric: str) -> pd.DataFrame:
        """Like `pivot`: True where the point's difference to the unchanged scenario is
        within noise (its 95% interval includes 0), for plot_heatmap's marks."""
        return self.pivot(metric, value="within_noise").astype(float) > 0.5


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, first parameter varying slowest."""
    for path, values in grid.items():
        paths.parse(path)
        if isinstance(values, str) or not len(values):
            raise ValueError(_("grid {path}: expected a non-empty list of values", path=repr(path)))
    names = list(grid)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]


def sweep(
    scenario: Scenario | str | Path,
    grid: Mapping[str, Sequence[Any]],
    replications: int = 3,
    seed: int | None = None,
    executor: ExecutorSpec = None,
    customers: int | None = None,
    days: int | None = None,
    out: str | Path | None = None,
    progress: bool = True,
) -> Sweep:
    """Run every grid point (and the unchanged scenario) `replications` times with shared
    seeds; `out` keeps finished runs so an interrupted sweep resumes."""
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    points = grid_points(grid)
    worlds = {BASELINE: base}
    for p in points:
        worlds[_label(p)] = with_values(base, p, source=f"sweep point {_label(p)}")
    root = int(base.seed if seed is None else seed)
    seeds = replication_seeds(root, replications)
    runs, outcome = replicate(
        worlds, seeds, "point", customers, days, executor, out, progress, desc="sweep"
    )
    return Sweep(
        scenario=base,
        grid={k: list(v) for k, v in grid.items()},
        points=points,
        seed=root,
        seeds=seeds,
        runs=runs,
        computed=outcome.computed,
        reused=outcome.reused,
    )


def _label(point: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items())

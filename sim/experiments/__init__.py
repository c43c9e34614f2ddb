"""Experiments: variants × replications with common random numbers, sweeps, executors.

Modules: design (variants, deep merge, dotted paths, seeds), metrics (one run's figures),
stats (paired differences, t-intervals), store (incremental results), runner
(serial, local processes, Dask), compare (`sim.compare`), sweep (grids).
"""

from sim.experiments.compare import BASELINE, Comparison, compare, what_if
from sim.experiments.design import (
    Variant,
    build_variant,
    deep_merge,
    read_variant,
    replication_seeds,
    set_path,
    with_values,
)
from sim.experiments.metrics import LOW_REDEMPTION, run_metrics
from sim.experiments.stats import Difference, mean_ci, paired_difference, paired_table
from sim.experiments.sweep import Sweep, grid_points, sweep

__all__ = [
    "BASELINE",
    "LOW_REDEMPTION",
    "Comparison",
    "Difference",
    "Sweep",
    "Variant",
    "build_variant",
    "compare",
    "deep_merge",
    "grid_points",
    "mean_ci",
    "paired_difference",
    "paired_table",
    "read_variant",
    "replication_seeds",
    "run_metrics",
    "set_path",
    "sweep",
    "what_if",
    "with_values",
]

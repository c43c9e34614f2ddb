"""`sim.compare`: variants × replications with common random numbers, paired differences.

>>> cmp = sim.compare("scenarios/coffee_chain.yaml",
...                   {"no_program": "scenarios/variants/no_program.yaml"},
...                   replications=10, seed=7, customers=1000, days=180)
>>> cmp.table            # one row per variant × metric, difference and 95% CI
>>> write_report(cmp, "report.html")  # sim.views.report: the HTML page for a manager
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.design import replication_seeds, resolve_variants, with_values
from sim.experiments.metrics import LOW_REDEMPTION
from sim.experiments.runner import ExecutorSpec, replicate
from sim.experiments.stats import LEVEL, WITHIN_NOISE, paired_table, summary_table
from sim.i18n import _
from sim.scenario import Scenario, load_scenario

BASELINE = "baseline"


@dataclass
class Comparison:
    """The outcome of `sim.compare`: every run's metrics and the paired differences."""

    scenario: Scenario
    variants: dict[str, Scenario]
    seed: int
    seeds: list[int]
    runs: pd.DataFrame  # tidy: variant, replication, seed, metric, value
    customers: int | None = None
    days: int | None = None
    level: float = LEVEL
    computed: int = 0
    reused: int = 0
    _table: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def replications(self) -> int:
        return len(self.seeds)

    @property
    def names(self) -> list[str]:
        """The baseline's name, then the variants', in the order given."""
        return [BASELINE, *self.variants]

    @property
    def table(self) -> pd.DataFrame:
        """One row per variant × metric: baseline and variant means, paired difference
        variant − baseline with its CI (`ci_low`, `ci_high`), n, and whether the CI
        excludes 0 (`significant`)."""
        if self._table is None:
            self._table = paired_table(self.runs, BASELINE, self.level)
        return self._table.copy()

    def means(self) -> pd.DataFrame:
        """Mean and CI of every metric per variant, baseline included (for charts)."""
        return summary_table(self.runs, ["variant"], self.level)

    def rewards(self) -> pd.DataFrame:
        """Mean redemption rate of each reward per variant, flagged under 15%."""
        m = self.means()
        m = m[m["metric"].str.startswith("redemption_rate[")]
        out = m.assign(reward=m["metric"].str.slice(len("redemption_rate["), -1))
        out = out[["variant", "reward", "mean", "ci_low", "ci_high", "n"]]
        out = out.rename(columns={"mean": "redemption_rate"})
        return out.assign(low=out["redemption_rate"] < LOW_REDEMPTION).reset_index(drop=True)

    def tier_mix(self) -> pd.DataFrame:
        """Mean number of customers in each tier at the end, per variant (wide)."""
        m = self.means()
        m = m[m["metric"].str.startswith("tier_mix[")]
        m = m.assign(tier=m["metric"].str.slice(len("tier_mix["), -1))
        if not len(m):
            return pd.DataFrame()
        wide = m.pivot(index="variant", columns="tier", values="mean")
        tiers = list(dict.fromkeys(m["tier"]))  # as the runs list them: lowest tier first
        return wide.reindex(index=[v for v in self.names if v in wide.index], columns=tiers)


def compare(
    scenario: Scenario | str | Path,
    variants: Mapping[str, Any],
    replications: int = 10,
    seed: int | None = None,
    executor: ExecutorSpec = None,
    customers: int | None = None,
    days: int | None = None,
    out: str | Path | None = None,
    progress: bool = True,
) -> Comparison:
    """Run the base scenario and each variant `replications` times with shared seeds.

    `variants` maps a name to a variant file, a partial-scenario dict (deep-merged over
    the base) or a full Scenario. `seed` defaults to the scenario's; replication k uses
    `replication_seeds(seed, n)[k]` in every variant (common random numbers).
    `executor`: None = local processes on every core, "serial", an int of workers, a Dask
    scheduler address or Client. `out`: a folder keeping one file per finished run, so an
    interrupted comparison resumes where it stopped.
    """
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if BASELINE in variants:
        raise ValueError(
            _("{name} names the base scenario; give the variant another name", name=repr(BASELINE))
        )
    resolved = resolve_variants(base, variants)
    root = int(base.seed if seed is None else seed)
    seeds = replication_seeds(root, replications)
    worlds = {BASELINE: base, **resolved}
    runs, outcome = replicate(
        worlds, seeds, "variant", customers, days, executor, out, progress, desc="compare"
    )
    return Comparison(
        scenario=base,
        variants=resolved,
        seed=root,
        seeds=seeds,
        runs=runs,
        customers=customers,
        days=days,
        computed=outcome.computed,
        reused=outcome.reused,
    )


# What a trainee watches while moving loyalty levers (notebook 03).
WHAT_IF = [
    "retention",
    "active_at_end",
    "revenue",
    "margin_after_costs",
    "program_cost",
    "points_issued",
    "points_liability",
    "breakage",
]


def what_if(
    scenario: Scenario,
    values: Mapping[str, Any],
    replications: int = 5,
    seed: int | None = None,
    customers: int | None = None,
    days: int | None = None,
    executor: ExecutorSpec = "serial",
    metrics: list[str] | None = None,
) -> pd.DataFrame:
    """The scenario with `values` set (dotted paths) against the scenario as is: one row per
    metric with both means, the paired difference and its 95% CI, and a `reading` that says
    'within noise' where the CI includes 0. A widget's callback. Five replications by
    default: with two, the interval is 12.7 standard errors wide each side and says nothing."""
    mine = with_values(scenario, values, source="your levers")
    cmp = compare(
        scenario,
        {"your rules": mine},
        replications=replications,
        seed=seed,
        executor=executor,
        customers=customers,
        days=days,
        progress=False,
    )
    wanted = metrics or WHAT_IF
    t = cmp.table
    t = t[t["metric"].isin(wanted)].set_index("metric").reindex(wanted).dropna(how="all")
    t = t.assign(reading=t["within_noise"].map({True: WITHIN_NOISE, False: ""}).fillna(""))
    t = t[["baseline_mean", "variant_mean", "difference", "ci_low", "ci_high", "reading"]]
    return t.rename(columns={"baseline_mean": "baseline", "variant_mean": "your rules"})

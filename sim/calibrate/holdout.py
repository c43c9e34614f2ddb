"""The holdout check of a twin (issue 15 part 5): simulate the holdout from the calibration
customers over replications and set it beside what happened and what BG/NBD expects.

`simulate_holdout` runs the twin scenario once per replication seed on the experiments'
executors (local processes by default, with a progress bar) and keeps, per replication,
what the calibration customers (the customers table's `base_customer`) bought.
`holdout_json` is the content of `holdout.json`; `check` does the whole job from the
export's occasions and the two fitted models; `write_holdout` writes the file atomically.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analytics.btyd import BGNBD, GammaGamma
from sim.analytics.holdout import (
    calibration_and_holdout,
    daily_repeat_purchases,
    expected_cumulative,
    expected_holdout_purchases,
    expected_holdout_revenue,
)
from sim.i18n import _
from sim.scenario import Scenario, load_scenario

LEVEL = 0.95  # the share of replications inside [low, high]
FILENAME = "holdout.json"


# ---------------------------------------------------------------------- simulation


def base_purchases(tables: dict[str, pd.DataFrame], horizon: int) -> dict[str, Any]:
    """What the calibration customers bought in one run's days [0, horizon): purchase
    occasions (one per customer and day, the BTYD convention), revenue (net amounts), counts
    of customers by occasions (index k: customers with k), occasions per day, and each
    base customer's occasions (pseudonym -> occasions, those with at least one)."""
    customers = tables["customers"]
    base = customers["base_customer"].fillna("").astype(str)
    ids = customers.loc[base != "", "customer_id"].to_numpy()
    pseudonym = dict(zip(ids, base[base != ""], strict=True))
    orders = tables["orders"]
    value = "net_amount" if "net_amount" in orders else "amount"
    day = orders["day"].to_numpy(dtype=float)
    mine = orders["customer_id"].isin(ids).to_numpy() & (day >= 0) & (day < horizon)
    frame = pd.DataFrame(
        {
            "customer": orders["customer_id"].to_numpy()[mine],
            "day": np.floor(day[mine]).astype(int),
            "value": orders[value].to_numpy(dtype=float)[mine],
        }
    )
    per_day = frame.drop_duplicates(["customer", "day"])
    by_customer = per_day.groupby("customer").size()
    counts = np.bincount(by_customer.to_numpy(), minlength=1)
    counts[0] += len(ids) - len(by_customer)
    daily = np.bincount(per_day["day"].to_numpy(), minlength=horizon)[:horizon]
    return {
        "repeat_orders": int(len(per_day)),
        "revenue": float(frame["value"].sum()),
        "counts": counts.astype(int).tolist(),
        "daily": daily.astype(int).tolist(),
        "by_customer": {pseudonym[c]: int(n) for c, n in by_customer.items()},
    }


def _replicate(task: tuple[Scenario, int]) -> dict[str, Any]:
    """One replication of the twin (runs in whichever worker got it)."""
    from sim.runner import run

    scenario, seed = task
    result = run(scenario, seed=seed, progress=False)
    return base_purchases(result.tables, scenario.horizon_days)


def simulate_holdout(
    scenario: Scenario | str | Path,
    replications: int,
    seed: int,
    executor: Any = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Run the twin `replications` times (seeds from `replication_seeds(seed, n)`) on the
    experiments' executors; per replication (lists in seed order): repeat_orders, revenue,
    counts, daily and by_customer of the calibration customers (see `base_purchases`)."""
    from tqdm.auto import tqdm

    from sim.experiments.design import replication_seeds
    from sim.experiments.runner import dispatch

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    seeds = replication_seeds(seed, replications)
    tasks = [(scenario, s) for s in seeds]
    found: dict[int, dict[str, Any]] = {}
    bar = tqdm(total=len(tasks), desc=_("holdout replications"), disable=not progress)
    try:
        for i, out in dispatch(tasks, list(range(len(tasks))), executor, fn=_replicate,
                               what=_("the holdout check")):  # fmt: skip
            found[i] = out
            bar.update(1)
    finally:
        bar.close()
    runs = [found[i] for i in range(len(tasks))]
    keys = ("repeat_orders", "revenue", "counts", "daily", "by_customer")
    return {
        "replications": len(runs),
        "seed": int(seed),
        "seeds": seeds,
        "horizon_days": scenario.horizon_days,
        **{k: [r[k] for r in runs] for k in keys},
    }


# ---------------------------------------------------------------------- the numbers


def spread(values: Sequence[float], level: float = LEVEL) -> dict[str, float | None]:
    """{mean, sd, low, high} of replications: their mean and standard deviation, and the
    range holding the middle `level` of them (percentiles 2.5 and 97.5, linearly
    interpolated; None with fewer than 2). The range says where a real holdout should fall
    if the twin is right, and does not shrink with more replications as an interval for
    the mean would; sd / √n is the standard error of the mean."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if not len(x):
        return {"mean": None, "sd": None, "low": None, "high": None}
    if len(x) < 2:
        return {"mean": float(x.mean()), "sd": None, "low": None, "high": None}
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(x, [tail, 100 - tail])
    sd = float(x.std(ddof=1))
    return {"mean": float(x.mean()), "sd": sd, "low": float(low), "high": float(high)}


@dataclass(frozen=True)
class Observed:
    """What really happened in the holdout, and the periods."""

    calibration_start: dt.date
    calibration_end: dt.date
    holdout_start: dt.date
    holdout_end: dt.date
    customers: int  # calibration customers
    repeat_orders: int  # their purchase occasions in the holdout
    revenue: float  # their spend in the holdout

    @property
    def holdout_days(self) -> int:
        return (self.holdout_end - self.holdout_start).days + 1


@dataclass(frozen=True)
class Expected:
    """What the fitted models expect of the holdout: BG/NBD purchases summed over the
    calibration customers, and revenue = Gamma-Gamma spend × those purchases."""

    repeat_orders: float
    revenue: float


def _round(d: dict[str, float | None], digits: int) -> dict[str, float | None]:
    return {k: None if v is None else round(v, digits) for k, v in d.items()}


def holdout_json(actual: Observed, simulated: dict[str, Any], model: Expected) -> dict[str, Any]:
    """The content of holdout.json: actual, simulated ({mean, low, high} over replications,
    `spread`) and model-expected repeat orders and revenue, the dates and replications."""
    return {
        "calibration_start": actual.calibration_start.isoformat(),
        "calibration_end": actual.calibration_end.isoformat(),
        "holdout_start": actual.holdout_start.isoformat(),
        "holdout_end": actual.holdout_end.isoformat(),
        "calibration_customers": actual.customers,
        "replications": int(simulated["replications"]),
        "actual_repeat_orders": int(actual.repeat_orders),
        "simulated_repeat_orders": _round(spread(simulated["repeat_orders"]), 1),
        "model_expected_repeat_orders": round(float(model.repeat_orders), 1),
        "actual_revenue": round(float(actual.revenue), 2),
        "simulated_revenue": _round(spread(simulated["revenue"]), 2),
        "model_expected_revenue": round(float(model.revenue), 2),
    }


def write_holdout(path: str | Path, data: dict[str, Any], force: bool = True) -> Path:
    """Write holdout.json atomically (a temporary file renamed into place)."""
    from sim.outputs import write_file

    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return write_file(path, text, force=force)


# ---------------------------------------------------------------------- the whole check


@dataclass
class HoldoutCheck:
    """Everything the report shows of a holdout: the split, the three sides' numbers,
    the simulated replications and the daily paths."""

    summary: pd.DataFrame  # calibration_and_holdout of the occasions
    observed: Observed
    expected: Expected
    simulated: dict[str, Any]
    bgnbd: BGNBD
    daily_actual: pd.Series  # repeat occasions per calendar day, whole log
    model_cumulative: np.ndarray  # expected cumulative holdout purchases, day 1..n

    @property
    def numbers(self) -> dict[str, Any]:
        """holdout.json's content."""
        return holdout_json(self.observed, self.simulated, self.expected)

    def simulated_by_customer(self) -> np.ndarray:
        """Mean simulated holdout purchases of each calibration customer (summary's rows)."""
        total = pd.Series(0.0, index=self.summary.index.astype(str))
        for run in self.simulated["by_customer"]:
            hits = pd.Series(run, dtype=float)
            total = total.add(hits.reindex(total.index, fill_value=0.0))
        return total.to_numpy() / max(self.simulated["replications"], 1)

    def simulated_counts(self) -> pd.Series:
        """Mean customers by number of holdout purchases over the replications."""
        runs = self.simulated["counts"]
        width = max(len(c) for c in runs)
        table = np.array([np.pad(c, (0, width - len(c))) for c in runs], dtype=float)
        return pd.Series(table.mean(axis=0), name="customers")

    def simulated_daily(self) -> pd.DataFrame:
        """Simulated repeat occasions per holdout day, one column per replication."""
        days = pd.date_range(self.observed.holdout_start, periods=self.observed.holdout_days)
        data = np.array(self.simulated["daily"], dtype=float).T[: len(days)]
        return pd.DataFrame(data, index=days[: len(data)])


def check(
    occasions: pd.DataFrame,
    bgnbd: BGNBD,
    gamma_gamma: GammaGamma,
    scenario: Scenario | str | Path,
    calibration_end: dt.date,
    holdout_end: dt.date | None = None,
    replications: int = 20,
    seed: int = 0,
    executor: Any = None,
    progress: bool = True,
    simulated: dict[str, Any] | None = None,
) -> HoldoutCheck:
    """The holdout check of a twin: split the occasions (customer, date, amount; the
    reader's) at `calibration_end`, the models' expectations (fitted in days on the
    calibration part) and the twin's replications (`simulated` given: those)."""
    end = pd.Timestamp(holdout_end or occasions["date"].max()).date()
    summary = calibration_and_holdout(
        occasions, "customer", "date", calibration_end, end, amount="amount"
    )
    summary.index = summary.index.astype(str)
    cal_end = pd.Timestamp(calibration_end)
    hold = occasions[(occasions["date"] > cal_end) & (occasions["date"] <= pd.Timestamp(end))]
    hold = hold[hold["customer"].astype(str).isin(summary.index)]
    observed = Observed(
        calibration_start=pd.Timestamp(occasions["date"].min()).date(),
        calibration_end=cal_end.date(),
        holdout_start=(cal_end + pd.Timedelta(days=1)).date(),
        holdout_end=end,
        customers=len(summary),
        repeat_orders=int(summary["frequency_holdout"].sum()),
        revenue=float(hold["amount"].sum()),
    )
    expected = Expected(
        repeat_orders=float(expected_holdout_purchases(bgnbd, summary).sum()),
        revenue=float(expected_holdout_revenue(bgnbd, gamma_gamma, summary).sum()),
    )
    if simulated is None:
        simulated = simulate_holdout(scenario, replications, seed, executor, progress)
    daily = daily_repeat_purchases(occasions, "customer", "date", end=end)
    cumulative = expected_cumulative(bgnbd, summary, observed.holdout_days)
    return HoldoutCheck(summary, observed, expected, simulated, bgnbd, daily, cumulative)

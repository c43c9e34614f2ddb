"""The holdout diagnostics people know from lifetimes, as plain functions returning Figures:
calibration vs holdout purchases by frequency, period transactions, cumulative transactions.

The numbers come from sim.analytics.holdout; these only draw them (bars in the order
actual, model, simulated, so a test can read their heights back from `ax.patches`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.analytics.btyd import BGNBD
from sim.analytics.holdout import MAX_BIN, customers_by_purchases, holdout_by_frequency
from sim.figures import fmt
from sim.i18n import N_, _
from sim.views.fonts import cjk_fonts
from sim.views.plots import date_axis

SERIES = {"actual": N_("actual"), "model": N_("BG/NBD model"), "simulated": N_("simulated twin")}
COLOURS = {"actual": "0.35", "model": "C0", "simulated": "C1"}


def _tidy(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: fmt(y, "number")))


def _bars(ax, table: pd.DataFrame, columns: list[str], legend: str = "upper left") -> None:
    """Grouped bars, one group per row of `table`, one bar per column (in that order)."""
    x = np.arange(len(table))
    width = 0.8 / len(columns)
    for i, name in enumerate(columns):
        heights = table[name].fillna(0).to_numpy(dtype=float)
        offset = (i - (len(columns) - 1) / 2) * width
        ax.bar(x + offset, heights, width, label=_(SERIES[name]), color=COLOURS[name])
    last = len(table) - 1
    labels = [str(i) if i < last else f"{i}+" for i in range(len(table))]
    ax.set_xticks(x, labels)
    ax.legend(frameon=False, loc=legend)


@cjk_fonts()
def plot_calibration_vs_holdout(
    summary: pd.DataFrame,
    model: BGNBD | None = None,
    simulated=None,
    max_frequency: int = MAX_BIN,
    unit_days: float = 1.0,
) -> Figure:
    """Mean holdout purchases per customer by calibration-period repeat purchases: actual,
    the BG/NBD conditional expectation and, given per-customer means, the simulated twin."""
    table = holdout_by_frequency(summary, model, simulated, max_frequency, unit_days)
    columns = [c for c in ("actual", "model", "simulated") if c in table]
    fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    _bars(ax, table, columns)
    ax.set_xlabel(_("repeat purchases in the calibration period"))
    ax.set_ylabel(_("mean purchases in the holdout"))
    _tidy(ax)
    return fig


def _binned(values, max_count: int) -> pd.Series:
    """Counts of customers by purchases: given so (a Series indexed 0..n) or counted here."""
    if isinstance(values, pd.Series) and values.name == "customers":
        return values.reindex(pd.RangeIndex(max_count + 1), fill_value=0)
    return customers_by_purchases(values, max_count)


@cjk_fonts()
def plot_period_transactions(actual, simulated, model=None, max_count: int = MAX_BIN) -> Figure:
    """Customers by number of purchases in the holdout (0, 1, …, max_count+): actual beside
    simulated (and the model). Each is per-customer purchases, or counts of customers from
    `sim.analytics.holdout.customers_by_purchases` (e.g. a mean over replications)."""
    table = pd.DataFrame({"actual": _binned(actual, max_count)})
    if model is not None:
        table["model"] = _binned(model, max_count)
    table["simulated"] = _binned(simulated, max_count)
    fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    _bars(ax, table, list(table.columns), legend="upper right")  # the 0 bar is the tallest
    ax.set_xlabel(_("purchases in the holdout"))
    ax.set_ylabel(_("customers"))
    _tidy(ax)
    return fig


@cjk_fonts()
def plot_cumulative_transactions(
    daily_actual: pd.Series,
    daily_simulated: pd.Series | pd.DataFrame,
    holdout_start,
    model=None,
) -> Figure:
    """Cumulative repeat purchases by day: actual over the whole log, and from the holdout
    line on the simulated twin (mean, and the band of 95% of replications when given one
    column per replication) and the model's expectation, both starting from the actual."""
    start = pd.Timestamp(holdout_start).normalize()
    actual = daily_actual.sort_index().cumsum()
    before = float(actual[actual.index < start].iloc[-1]) if (actual.index < start).any() else 0.0
    fig, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
    ax.plot(actual.index, actual.to_numpy(), color=COLOURS["actual"], lw=2, label=_("actual"))
    sim_daily = daily_simulated
    if isinstance(sim_daily, pd.DataFrame):
        paths = sim_daily.sort_index().cumsum() + before
        low, high = paths.quantile(0.025, axis=1), paths.quantile(0.975, axis=1)
        ax.fill_between(paths.index, low, high, color=COLOURS["simulated"], alpha=0.25, lw=0)
        mean = paths.mean(axis=1)
    else:
        mean = sim_daily.sort_index().cumsum() + before
    ax.plot(mean.index, mean.to_numpy(), color=COLOURS["simulated"], lw=2,
            label=_(SERIES["simulated"]))  # fmt: skip
    if model is not None:
        model = pd.Series(np.asarray(model, dtype=float), index=mean.index[: len(model)])
        ax.plot(model.index, model.to_numpy() + before, color=COLOURS["model"], lw=1.5, ls="--",
                label=_(SERIES["model"]))  # fmt: skip
    ax.axvline(start, color="C3", lw=1, ls=":")
    ax.annotate(_("holdout starts"), (start, 0), (5, 5), textcoords="offset points",
                xycoords=("data", "axes fraction"), color="C3", fontsize=8)  # fmt: skip
    ax.set_ylabel(_("cumulative repeat purchases"))
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(6, integer=True))
    ax.legend(frameon=False, loc="upper left")
    _tidy(ax)
    date_axis(ax, actual.index.to_series())
    return fig

"""Charts over the Result tables: plain functions of DataFrames returning matplotlib Figures.

No SimPy, no widgets: the notebooks, the widgets and the reports all draw with these.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure


def plot_daily(
    daily: pd.DataFrame,
    currency: str = "",
    title: str = "",
    baseline: pd.DataFrame | None = None,
    rolling: int = 7,
) -> Figure:
    """Active customers and daily revenue (with a rolling mean) over the horizon.

    `baseline`, when given, is drawn in grey behind, so a change can be seen against it.
    """
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 5.5), sharex=True, layout="constrained")
    if baseline is not None and len(baseline):
        ax1.plot(baseline["date"], baseline["active"], color="0.7", lw=1.5, label="baseline")
        ax2.plot(
            baseline["date"],
            baseline["revenue"].rolling(rolling, min_periods=1).mean(),
            color="0.7",
            lw=1.5,
            label=f"baseline, {rolling}-day mean",
        )
    ax1.plot(daily["date"], daily["active"], color="C0", lw=2, label="active customers")
    ax1.set_ylabel("active customers")
    ax1.set_ylim(bottom=0)
    ax1.legend(loc="lower left", frameon=False)
    ax2.bar(daily["date"], daily["revenue"], width=1.0, color="C1", alpha=0.35, label="daily")
    ax2.plot(
        daily["date"],
        daily["revenue"].rolling(rolling, min_periods=1).mean(),
        color="C1",
        lw=2,
        label=f"{rolling}-day mean",
    )
    ax2.set_ylabel(f"revenue {currency}".strip())
    ax2.set_ylim(bottom=0)
    ax2.legend(loc="lower left", frameon=False)
    for ax in (ax1, ax2):
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


def plot_top(
    values: pd.Series, title: str = "", xlabel: str = "", n: int = 10, color: str = "C2"
) -> Figure:
    """A horizontal bar chart of the n largest values (for example revenue by city)."""
    top = values.sort_values(ascending=False).head(n)[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(top) + 1.2), layout="constrained")
    ax.barh([str(i) for i in top.index], top.to_numpy(), color=color)
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    return fig

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
    # above the bars, not over them
    ax2.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=3, frameon=False, fontsize=8)
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


def plot_monthly_orders(
    orders: pd.DataFrame, end: str | pd.Timestamp | None = None, title: str = ""
) -> Figure:
    """Orders per calendar month (from the `date` column), every month from the first order
    to `end` drawn, empty ones too, each labelled once (for example 2026-01)."""
    months = pd.to_datetime(orders["date"]).dt.to_period("M")
    last = pd.Timestamp(end).to_period("M") if end is not None else months.max()
    first = months.min() if len(months) else last
    span = pd.period_range(first, last, freq="M")
    counts = months.value_counts().reindex(span, fill_value=0)
    fig, ax = plt.subplots(figsize=(8, 2.8), layout="constrained")
    ax.bar([str(p) for p in span], counts.to_numpy(), color="#1f6fb2")
    ax.set_ylabel("orders")
    ax.yaxis.get_major_locator().set_params(integer=True)  # a count has no fractions
    ax.tick_params(axis="x", rotation=60 if len(span) > 8 else 0, labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    return fig

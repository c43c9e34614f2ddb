"""Charts over the Result tables: plain functions of DataFrames returning matplotlib Figures.

No SimPy, no widgets: the notebooks, the widgets and the reports all draw with these.
"""

from __future__ import annotations

import math

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.figures import fmt_month
from sim.i18n import _, language_in_use

MONTH_TICKS = 6  # at most this many month ticks on a date axis


def date_axis(ax, dates: pd.Series) -> None:
    """Month ticks on the x axis of `ax`, written by sim.figures.fmt_month (2026-03,
    2026年3月): every month, or every k-th so that at most MONTH_TICKS show. Every chart
    with a date axis calls this after drawing."""
    stamps = pd.to_datetime(pd.Series(dates))
    months = 1
    if len(stamps):
        first, last = stamps.min(), stamps.max()
        months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, math.ceil(months / MONTH_TICKS))
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=step))
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    language = language_in_use()  # ticks are written when drawn: keep the chart's language
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: fmt_month(mdates.num2date(x), language))
    )


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
        ax1.plot(baseline["date"], baseline["active"], color="0.7", lw=1.5, label=_("baseline"))
        ax2.plot(
            baseline["date"],
            baseline["revenue"].rolling(rolling, min_periods=1).mean(),
            color="0.7",
            lw=1.5,
            label=_("baseline, {n}-day mean", n=rolling),
        )
    ax1.plot(daily["date"], daily["active"], color="C0", lw=2, label=_("active customers"))
    ax1.set_ylabel(_("active customers"))
    ax1.set_ylim(bottom=0)
    ax1.legend(loc="lower left", frameon=False)
    ax2.bar(daily["date"], daily["revenue"], width=1.0, color="C1", alpha=0.35, label=_("daily"))
    ax2.plot(
        daily["date"],
        daily["revenue"].rolling(rolling, min_periods=1).mean(),
        color="C1",
        lw=2,
        label=_("{n}-day mean", n=rolling),
    )
    ax2.set_ylabel(_("revenue {currency}", currency=currency).strip())
    ax2.set_ylim(bottom=0)
    # above the bars, not over them
    ax2.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=3, frameon=False, fontsize=8)
    for ax in (ax1, ax2):
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", alpha=0.3)
    date_axis(ax2, daily["date"])
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
    to `end` drawn, empty ones too, each labelled once (sim.figures.fmt_month: 2026-01,
    2026年1月)."""
    months = pd.to_datetime(orders["date"]).dt.to_period("M")
    last = pd.Timestamp(end).to_period("M") if end is not None else months.max()
    first = months.min() if len(months) else last
    span = pd.period_range(first, last, freq="M")
    counts = months.value_counts().reindex(span, fill_value=0)
    fig, ax = plt.subplots(figsize=(8, 2.8), layout="constrained")
    ax.bar([fmt_month(p) for p in span], counts.to_numpy(), color="#1f6fb2")
    ax.set_ylabel(_("orders"))
    ax.yaxis.get_major_locator().set_params(integer=True)  # a count has no fractions
    ax.tick_params(axis="x", rotation=60 if len(span) > 8 else 0, labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    return fig

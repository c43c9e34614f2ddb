"""Charts for segmentation, customer value and churn warning: plain functions returning Figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.figures import fmt
from sim.i18n import N_, _

# The value pyramid's tiers (sim.analytics.value_pyramid's values), shown translated.
PYRAMID_TIERS = (N_("VIP"), N_("high potential"), N_("regular"))


def _tidy(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)


def plot_pareto(values, title: str = "", mark: float = 0.2) -> Figure:
    """Cumulative share of value against the share of customers, best customers first."""
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    x = np.arange(1, len(v) + 1) / len(v)
    y = np.cumsum(v) / v.sum()
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(x, y, lw=2, color="C0")
    ax.plot([0, 1], [0, 1], color="0.7", ls="--", lw=1, label=_("everyone equal"))
    share = y[max(int(round(mark * len(v))) - 1, 0)]
    ax.axvline(mark, color="C3", lw=1)
    ax.annotate(
        _("top {top} → {share}", top=f"{mark:.0%}", share=f"{share:.0%}"),
        (mark, share),
        (mark + 0.05, share - 0.15),
        arrowprops={"arrowstyle": "->"},
    )
    ax.set_xlabel(_("share of customers (best first)"))
    ax.set_ylabel(_("share of revenue"))
    ax.legend(frameon=False, loc="lower right")
    ax.set_title(title)
    _tidy(ax)
    return fig


def plot_counts(counts: pd.Series, title: str = "", xlabel: str | None = None) -> Figure:
    """Horizontal bars of counts per group (segments, stages, tags); the x label is
    'customers' (in the language in use) unless given."""
    xlabel = _("customers") if xlabel is None else xlabel
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(counts) + 1.2), layout="constrained")
    ax.barh([str(i) for i in counts.index][::-1], counts.to_numpy()[::-1], color="C2")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_pyramid(tiers: pd.Series, value: pd.Series, title: str = "") -> Figure:
    """金字塔模型: customers and value share per tier, VIP on top."""
    frame = pd.DataFrame({"tier": tiers, "value": value})
    g = frame.groupby("tier", observed=False)["value"].agg(["size", "sum"])
    g["share"] = g["sum"] / g["sum"].sum()
    fig, ax = plt.subplots(figsize=(8, 0.8 * len(g) + 0.8), layout="constrained")
    widths = g["size"].to_numpy() / g["size"].max()
    for i, (tier, row) in enumerate(g.iterrows()):
        y = len(g) - 1 - i
        ax.barh(y, widths[i], left=(1 - widths[i]) / 2, color=f"C{i}", alpha=0.8)
        # the label beside the pyramid: a narrow top box cannot hold it
        ax.text(
            (1 + widths[i]) / 2 + 0.03,
            y,
            _(
                "{tier}: {n} customers, {share} of value",
                tier=_(str(tier)),
                n=fmt(row["size"], "count"),
                share=fmt(row["share"], "share"),
            ),
            ha="left",
            va="center",
        )
    ax.set_xlim(0, 1.9)
    ax.set_axis_off()
    ax.set_title(title)
    return fig


def plot_warning_scores(scores: dict[str, dict]) -> Figure:
    """Precision, recall and lead time of each warning method side by side."""
    names = list(scores)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
    x = np.arange(len(names))
    a1.bar(x - 0.2, [scores[n]["precision"] for n in names], 0.4, label=_("precision"))
    a1.bar(x + 0.2, [scores[n]["recall"] for n in names], 0.4, label=_("recall"))
    a1.set_xticks(x, names)
    a1.set_ylim(0, 1)
    a1.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncols=2)  # above the bars
    a2.bar(x, [scores[n]["median_lead_days"] for n in names], color="C3")
    a2.axhline(0, color="0.3", lw=1)
    a2.set_xticks(x, names)
    a2.set_ylabel(_("median lead (days; < 0 = late)"))
    for ax in (a1, a2):
        _tidy(ax)
    return fig


def plot_survival(curves: dict[str, pd.Series], xlabel: str | None = None) -> Figure:
    """Kaplan-Meier curves (step functions) on one chart; the x label is 'days since first
    order' (in the language in use) unless given."""
    xlabel = _("days since first order") if xlabel is None else xlabel
    fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    for name, s in curves.items():
        ax.step(s.index, s.to_numpy(), where="post", label=name, lw=2)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(_("share still a customer"))
    ax.legend(frameon=False)
    _tidy(ax)
    return fig


def plot_cohorts(matrix: pd.DataFrame, title: str = "") -> Figure:
    """Cohort retention matrix as a heat map (rows: cohorts, columns: periods after first)."""
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(matrix) + 1.5), layout="constrained")
    im = ax.imshow(matrix.to_numpy(dtype=float), aspect="auto", cmap="Blues", vmin=0, vmax=1)
    ax.set_yticks(range(len(matrix)), [_("day {day}", day=int(d)) for d in matrix.index])
    ax.set_xlabel(_("periods after the first order"))
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label=_("share ordering"))
    return fig

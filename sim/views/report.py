"""The planner's report: one self-contained HTML file a manager can open offline.

Charts are PNGs embedded as base64, styles are inline, nothing is fetched from the network.
The chart functions are plain functions of DataFrames (notebooks use them too).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from sim import figures
from sim.experiments.metrics import LOW_REDEMPTION
from sim.figures import fmt
from sim.i18n import N_, _, language_in_use
from sim.outputs import write_file
from sim.views.fonts import cjk_fonts
from sim.views.noise import WITHIN_NOISE

if TYPE_CHECKING:
    from sim.experiments.compare import Comparison

# The metrics a manager sees first, in this order (when the runs have them).
HEADLINE = [
    "retention",
    "active_at_end",
    "revenue",
    "gross_margin",
    "program_cost",
    "margin_after_costs",
    "points_issued",
    "points_redeemed",
    "points_expired",
    "points_liability",
    "breakage",
    "tier_moves_up",
    "tier_moves_down",
    "nps",
    "complaints",
    "first_response_hours",
    "promise_kept",
    "staff_cost",
]
CHARTED = ["retention", "active_at_end", "revenue", "margin_after_costs", "points_liability"]


@cjk_fonts()  # tick labels are made while drawing
def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="chart" src="data:image/png;base64,{data}">'


# ---------------------------------------------------------------------- charts


@cjk_fonts()  # variant names may be Chinese; the caller's rcParams stay
def plot_metric_cis(means: pd.DataFrame, metric: str, order: list[str] | None = None) -> Figure:
    """Mean and 95% CI of one metric per variant (rows of `Comparison.means()`)."""
    m = means[means["metric"] == metric].set_index("variant")
    if order is not None:
        m = m.reindex([v for v in order if v in m.index])
    info = figures.info(metric)
    scale = 100.0 if info.unit == "share" else 1.0
    mean = m["mean"].to_numpy() * scale
    low = np.nan_to_num(mean - m["ci_low"].to_numpy() * scale)
    high = np.nan_to_num(m["ci_high"].to_numpy() * scale - mean)
    fig, ax = plt.subplots(figsize=(5.2, 0.55 * len(m) + 1.1), layout="constrained")
    y = np.arange(len(m))
    colors = ["0.55" if i == 0 else f"C{i - 1}" for i in range(len(m))]
    ax.barh(y, mean, color=colors, alpha=0.8)
    ax.errorbar(mean, y, xerr=[low, high], fmt="none", ecolor="black", capsize=4, lw=1.2)
    ax.set_yticks(y, m.index)
    ax.invert_yaxis()
    ax.set_title(info.label + (" (%)" if info.unit == "share" else ""), fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.6g}"))
    lo = np.nanmin(mean - low) if len(mean) else 0
    hi = np.nanmax(mean + high) if len(mean) else 1
    if lo > 0:  # zoom in on the differences, with the axis break made clear in the label
        pad = (hi - lo) * 0.6 or abs(hi) * 0.05 or 1.0
        ax.set_xlim(max(0.0, lo - pad), hi + pad * 0.3)
        if lo - pad > 0:
            ax.set_xlabel(_("axis does not start at 0"), fontsize=8, color="0.4")
    return fig


@cjk_fonts()  # variant names may be Chinese; the caller's rcParams stay
def plot_tier_mix(mix: pd.DataFrame) -> Figure:
    """Stacked bars: mean customers per tier at the end, one bar per variant."""
    fig, ax = plt.subplots(figsize=(6, 0.5 * len(mix) + 1.2), layout="constrained")
    left = np.zeros(len(mix))
    for i, tier in enumerate(mix.columns):
        values = mix[tier].fillna(0).to_numpy()
        ax.barh(mix.index, values, left=left, label=str(tier), color=f"C{i}")
        left += values
    ax.invert_yaxis()
    ax.legend(  # above the bars, clear of the axis label
        frameon=False,
        ncols=min(4, len(mix.columns)),
        loc="lower left",
        bbox_to_anchor=(0, 1),
    )
    ax.set_xlabel(_("customers at the end (mean over replications)"))
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@cjk_fonts()  # variant names may be Chinese; the caller's rcParams stay
def plot_heatmap(
    pivot: pd.DataFrame,
    title: str = "",
    fmt_cell: str = "{:,.0f}",
    noise: pd.DataFrame | None = None,
) -> Figure:
    """A heatmap of a sweep's pivot (rows × columns of two parameters), values written in.
    `noise` (e.g. `Sweep.noise(metric)`): True where a cell's difference from the baseline is
    within noise; those cells are hatched, their value is written "≈ value" in grey, and
    the legend below the map says so."""
    fig, ax = plt.subplots(
        figsize=(1.3 * len(pivot.columns) + 2.5, 0.8 * len(pivot) + 1.8), layout="constrained"
    )
    data = pivot.to_numpy(dtype=float)
    quiet = np.zeros(data.shape, dtype=bool)
    if noise is not None:
        quiet = noise.reindex(index=pivot.index, columns=pivot.columns).fillna(False)
        quiet = quiet.to_numpy(dtype=bool)
    im = ax.imshow(data, cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(pivot.columns)), [str(c) for c in pivot.columns])
    ax.set_yticks(range(len(pivot.index)), [str(i) for i in pivot.index])
    ax.set_xlabel(str(pivot.columns.name or ""))
    ax.set_ylabel(str(pivot.index.name or ""))
    mid = np.nanmean(data) if np.isfinite(data).any() else 0
    for (i, j), v in np.ndenumerate(data):
        if not np.isfinite(v):
            continue
        text, color = fmt_cell.format(v), "white" if v < mid else "black"
        if quiet[i, j]:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                                   edgecolor="0.85", lw=0))  # fmt: skip
            text = f"≈ {text}"
            color = "0.75" if v < mid else "0.35"
        ax.text(j, i, text, ha="center", va="center", fontsize=9, color=color)
    fig.colorbar(im, ax=ax, shrink=0.8)
    if quiet.any():
        mark = Patch(facecolor="none", edgecolor="0.4", hatch="///", label=_(NOISE_MARK))
        fig.legend(handles=[mark], loc="outside lower center", frameon=False, fontsize=8)
    if title:
        ax.set_title(title, fontsize=11, loc="left")
    return fig


NOISE_MARK = N_("≈, hatched: within noise of the baseline (its 95% interval includes 0)")


# ---------------------------------------------------------------------- report

# The look every HTML page we write shares (this report, the tournament's pages).
PAGE_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{padding:.3em .7em;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left} th{background:#f5f5f5}
.note{background:#fafafa;border-left:4px solid #8aa;padding:.5em 1em} .meta{color:#555}
"""
_CSS = (
    PAGE_CSS
    + """h2{margin-top:1.8em;border-bottom:1px solid #ddd}
td.better{background:#d9f2dd} td.worse{background:#f9d9d6} td.moved{background:#dde8f7}
td.low{background:#f9d9d6;font-weight:bold} td.noise,span.noise{color:#767676;font-style:italic}
.meta td{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:1em} .charts img{max-width:520px}
.legend span{padding:0 .5em;margin-right:.6em}
"""
)


def render_report(cmp: Comparison, title: str | None = None) -> str:
    """The report as an HTML string, in the language in use (its lang attribute too)."""
    title = title or _("What-if report: {scenario}", scenario=cmp.scenario.name)
    lang = "zh-CN" if language_in_use() == "zh" else "en"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        _meta(cmp),
        _how_to_read(cmp),
        _h2(_("Differences against the baseline")),
        _legend(),
        _headline(cmp),
        _h2(_("Means and 95% confidence intervals")),
        _charts(cmp),
        _rewards(cmp),
        _tiers(cmp),
        _h2(_("All metrics")),
        _all_metrics(cmp),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def write_report(
    cmp: Comparison, path: str | Path, title: str | None = None, overwrite: bool = True
) -> Path:
    """Write the report atomically (sim.outputs.write_file); `overwrite=False` refuses to
    replace an existing file (the command line without --force)."""
    return write_file(path, render_report(cmp, title), force=overwrite, option="--report")


def _e(text: object) -> str:
    return html.escape(str(text))


def _h2(text: str) -> str:
    return f"<h2>{_e(text)}</h2>"


def _meta(cmp: Comparison) -> str:
    size = []
    if cmp.customers is not None:
        size.append(_("{n:,} initial customers", n=cmp.customers))
    if cmp.days is not None:
        size.append(fmt(cmp.days, "days"))
    seeds = ", ".join(str(s) for s in cmp.seeds[:5]) + (", …" if len(cmp.seeds) > 5 else "")
    variants = ", ".join(cmp.variants)
    rows = [
        (_("Scenario"), cmp.scenario.name),
        (_("Variants"), _("{variants} (each against the baseline: the scenario as is)",
                          variants=variants)),
        (_("Replications"), _("{n} per variant, with common random numbers",
                              n=cmp.replications)),
        (_("Seeds"), _("root seed {seed}; replication seeds {seeds}", seed=cmp.seed,
                       seeds=seeds)),
        (_("World"), ", ".join(size) or _("as in the scenario")),
        (_("Made"), _("{date} with python -m sim compare", date=dt.date.today().isoformat())),
    ]  # fmt: skip
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table class='meta'>{body}</table>"


def _how_to_read(cmp: Comparison) -> str:
    note = _(
        "<b>How to read this.</b> Each variant was simulated "
        "{n} times, and so was the baseline; replication k of every variant "
        "uses the same random customers (common random numbers), so the difference between "
        "a variant and the baseline is measured replication by replication. The "
        "<i>difference</i> column is the average of those differences, and the 95% "
        "confidence interval says how far it may be from the true effect in this simulated "
        "world. When the interval does not include 0 the cell is coloured: green if the "
        "change is good for the business, red if bad, blue for figures that are neither "
        "(points issued, tier moves). An interval that includes 0 means the simulation "
        "cannot tell the variant from the baseline with this many replications: it reads "
        "<i>{within_noise}</i>, in grey. "
        "Rewards redeemed by fewer than "
        "{low} of the customers who could afford them are flagged: members do "
        "not value them. These are simulated customers: treat the figures as a comparison "
        "of rules, not a forecast.",
        n=cmp.replications,
        within_noise=_(WITHIN_NOISE),
        low=f"{LOW_REDEMPTION:.0%}",
    )
    return f"<div class='note'>{note}</div>"


def _legend() -> str:
    excludes, includes = _e(_("CI excludes 0:")), _e(_("CI includes 0:"))
    better, worse, changed = _e(_("better")), _e(_("worse")), _e(_("changed"))
    return (
        f"<p class='legend'>{excludes} <span style='background:#d9f2dd'>{better}</span>"
        f"<span style='background:#f9d9d6'>{worse}</span>"
        f"<span style='background:#dde8f7'>{changed}</span>"
        f"{includes} <span class='noise'>{_e(_(WITHIN_NOISE))}</span></p>"
    )


def _cell_class(row: pd.Series) -> str:
    if not row["significant"]:
        return ""
    good = figures.info(row["metric"]).higher_is_better
    if good is None:
        return "moved"
    return "better" if (row["difference"] > 0) == good else "worse"


def _rows(t: pd.DataFrame) -> str:
    out = []
    for _i, r in t.iterrows():
        info = figures.info(r["metric"])
        cls = _cell_class(r)
        ci = f"[{fmt(r['ci_low'], info.unit, True)}, {fmt(r['ci_high'], info.unit, True)}]"
        if r.get("within_noise", False):
            cls, ci = "noise", f"{ci} {_(WITHIN_NOISE)}"
        out.append(
            f"<tr><td>{_e(info.label)}</td><td>{fmt(r['baseline_mean'], info.unit)}</td>"
            f"<td>{fmt(r['variant_mean'], info.unit)}</td>"
            f"<td class='{cls}'>{fmt(r['difference'], info.unit, True)}</td>"
            f"<td class='{cls}'>{ci}</td><td>{int(r['n'])}</td></tr>"
        )
    return "".join(out)


# The columns of a metrics table (English msgids, shown in the language in use).
_HEAD = (N_("metric"), N_("baseline"), N_("variant"), N_("difference"), N_("95% CI"), N_("n"))


def _head(columns: tuple[str, ...] = _HEAD) -> str:
    return "<tr>" + "".join(f"<th>{_e(_(c))}</th>" for c in columns) + "</tr>"


def _headline(cmp: Comparison) -> str:
    t = cmp.table
    out = []
    for name in cmp.variants:
        rows = t[(t["variant"] == name) & t["metric"].isin(HEADLINE)].copy()
        rows["_o"] = rows["metric"].map(HEADLINE.index)
        rows = rows.sort_values("_o")
        out.append(f"<h3>{_e(name)}</h3><table>{_head()}{_rows(rows)}</table>")
    return "".join(out)


def _all_metrics(cmp: Comparison) -> str:
    t = cmp.table
    out = []
    for name in cmp.variants:
        out.append(f"<h3>{_e(name)}</h3><table>{_head()}{_rows(t[t['variant'] == name])}</table>")
    return "".join(out)


def _charts(cmp: Comparison) -> str:
    means = cmp.means()
    imgs = [
        _png(plot_metric_cis(means, m, cmp.names)) for m in CHARTED if (means["metric"] == m).any()
    ]
    return "<div class='charts'>" + "".join(imgs) + "</div>"


def _rewards(cmp: Comparison) -> str:
    r = cmp.rewards()
    if not len(r):
        return ""
    rows = []
    for _i, x in r.iterrows():
        cls = "low" if x["low"] else ""
        flag = _("under {share}", share=f"{LOW_REDEMPTION:.0%}") if x["low"] else ""
        rows.append(
            f"<tr><td>{_e(x['variant'])}</td><td>{_e(x['reward'])}</td>"
            f"<td class='{cls}'>{fmt(x['redemption_rate'], 'share')}</td>"
            f"<td>[{fmt(x['ci_low'], 'share')}, {fmt(x['ci_high'], 'share')}]</td>"
            f"<td>{flag}</td></tr>"
        )
    what = _(
        "Share of the times a member could afford a reward that they redeemed it (mean over "
        "replications, 95% CI)."
    )
    head = _head((N_("variant"), N_("reward"), N_("redemption rate"), N_("95% CI"), N_("flag")))
    return (
        _h2(_("Rewards: redemption rate"))
        + f"<p>{_e(what)}</p><table>{head}"
        + "".join(rows)
        + "</table>"
    )


def _tiers(cmp: Comparison) -> str:
    mix = cmp.tier_mix()
    if not len(mix):
        return ""
    head = f"<tr><th>{_e(_('variant'))}</th>" + "".join(f"<th>{_e(c)}</th>" for c in mix.columns)
    head += "</tr>"
    body = "".join(
        f"<tr><td>{_e(v)}</td>" + "".join(f"<td>{fmt(x, 'count')}</td>" for x in row) + "</tr>"
        for v, row in zip(mix.index, mix.to_numpy(), strict=True)
    )
    what = _("Mean number of customers in each tier (silver / gold / platinum) on the last day.")
    return (
        _h2(_("Tier mix at the end"))
        + f"<p>{_e(what)}</p><table>{head}{body}</table>"
        + _png(plot_tier_mix(mix))
    )

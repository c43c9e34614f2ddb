"""Outreach and survey views: message-rule sliders beside the baseline, survey-bias charts.

Sliders come from the scenario schema (`lever`, and `trigger_lever` for a trigger, addressed
by name as `outreach.triggers[churn_warning].days`). `OutreachPanel.run_with` and `update`
are plain methods, so tests drive the panel without a browser.
"""

from __future__ import annotations

import html

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

from sim import paths
from sim.analytics.feedback import cost_by_channel, nps, outreach_by_trigger, outreach_headline
from sim.experiments.design import with_values
from sim.figures import fmt, fmt_month, fmt_table
from sim.i18n import N_, _
from sim.result import Result
from sim.runner import run
from sim.scenario import Scenario
from sim.views.exercises import Feedback, exercise
from sim.views.noise import (
    REPLICATIONS,
    Background,
    FigureSource,
    Paired,
    failed_note,
    noise_note,
    paired_html,
    panel_seeds,
    panel_workers,
    pending_note,
    replicate_in_background,
)
from sim.views.panel_figures import outreach_figures_of
from sim.views.widgets import (
    Lever,
    explain,
    lever,
    lever_slider,
    run_button,
    run_outputs,
    show_figure,
)

TOPIC_LABELS = {
    "price": N_("price 价格"),
    "quality": N_("quality 品质"),
    "service": N_("service 服务"),
    "delivery": N_("delivery 配送"),
}


def trigger_lever(
    scenario: Scenario,
    name: str,
    field: str,
    minimum: float,
    maximum: float,
    step: float | None = None,
    label: str | None = None,
    moves: tuple[str, ...] = (),
) -> Lever:
    """A Lever for one field of the trigger called `name`: outreach.triggers[name].field
    (help text from the schema; PathError naming the triggers there are if none is `name`)."""
    text = _(label) if label else f"{name} {field}".replace("_", " ")
    path = f"outreach.triggers[{name}].{field}"
    return lever(scenario, path, maximum, minimum, step, text, moves)


# The columns of the headline table (English; the panel shows them translated).
HEADLINE_COLUMNS = (N_("baseline"), N_("this run"), N_("change"))
# The label of each outreach_headline figure, as the panel shows it.
HEADLINE_LABELS = {
    "messages": N_("messages"),
    "message_cost": N_("message cost"),
    "coupon_cost": N_("coupon cost"),
    "triggered_orders": N_("triggered orders"),
    "triggered_revenue": N_("triggered revenue"),
    "opted_out": N_("opted out"),
    "churned": N_("churned"),
    "revenue": N_("revenue"),
}
# The unit of each outreach_headline figure, as `fmt` writes it.
HEADLINE_UNITS = {
    "messages": "count",
    "message_cost": "money",
    "coupon_cost": "money",
    "triggered_orders": "count",
    "triggered_revenue": "money",
    "opted_out": "count",
    "churned": "count",
    "revenue": "money",
}


def headline_table(base: dict, now: dict) -> pd.DataFrame:
    """Baseline, this run and the change, one row per headline figure."""
    baseline, this_run, change = HEADLINE_COLUMNS
    df = pd.DataFrame({baseline: pd.Series(base), this_run: pd.Series(now)})
    df[change] = df[this_run] - df[baseline]
    return df


def headline_html(table: pd.DataFrame, currency: str = "") -> str:
    """`headline_table` as the panel shows it: labelled rows, units, a signed change."""
    out = fmt_table(table, HEADLINE_UNITS, by="index", currency=currency)
    out["change"] = [
        fmt(v, HEADLINE_UNITS.get(k, "number"), signed=True, currency=currency)
        for k, v in table["change"].items()
    ]
    out.index = [_(HEADLINE_LABELS[k]) if k in HEADLINE_LABELS else str(k) for k in out.index]
    out.columns = [_(str(c)) for c in out.columns]  # baseline, this run, change
    return out.to_html(classes="sim-table")


def plot_outreach_comparison(
    base: dict[str, pd.DataFrame], now: dict[str, pd.DataFrame], horizon: float | None = None
) -> Figure:
    """Four panels, baseline (grey) beside this run: orders triggered and messages per
    trigger, cost per channel, and opt-outs and churn."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 6), layout="constrained")
    bt, nt = (
        outreach_by_trigger(base["touches"], base["orders"], horizon),
        outreach_by_trigger(now["touches"], now["orders"], horizon),
    )
    bc, nc = cost_by_channel(base["touches"], horizon), cost_by_channel(now["touches"], horizon)
    bh, nh = outreach_headline(base, horizon), outreach_headline(now, horizon)
    panels = [
        (axes[0, 0], bt["orders"], nt["orders"], _("orders triggered, by message")),
        (axes[0, 1], bt["messages"], nt["messages"], _("messages sent, by message")),
        (
            axes[1, 0],
            bc["cost"] + bc["coupons"],
            nc["cost"] + nc["coupons"],
            _("cost per channel (messages + coupons redeemed)"),
        ),
        (
            axes[1, 1],
            pd.Series({_("opted out"): bh["opted_out"], _("churned"): bh["churned"]}),
            pd.Series({_("opted out"): nh["opted_out"], _("churned"): nh["churned"]}),
            _("customers who opted out / left"),
        ),
    ]
    for ax, b, n, title in panels:
        idx = list(dict.fromkeys([*b.index, *n.index]))
        b, n = b.reindex(idx, fill_value=0), n.reindex(idx, fill_value=0)
        x = np.arange(len(idx))
        ax.bar(x - 0.2, b.to_numpy(), 0.4, color="0.7", label=_("baseline"))
        ax.bar(x + 0.2, n.to_numpy(), 0.4, color="C0", label=_("this run"))
        ax.set_xticks(x, idx, rotation=20, fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0, 0].legend(frameon=False)
    return fig


class OutreachPanel:
    """Sliders for message rules, a Run button, and the outcome beside the baseline.

    The baseline is the scenario as given, run with the same seeds (common random numbers):
    the first run shows at once, the other replications run in the background and give each
    change its 95% interval. Tests set `panel.sliders[path].value` and call
    `panel.button.click()`.
    """

    def __init__(
        self,
        scenario: Scenario,
        levers: list[Lever],
        seed: int = 7,
        baseline: Result | None = None,
        replications: int = REPLICATIONS,
        background: bool = True,
        workers: int | None = None,
    ) -> None:
        self.scenario = scenario
        self.levers = levers
        self.seed = seed
        self.seeds = panel_seeds(seed, replications)
        workers = panel_workers() if workers is None else workers
        self.jobs = Background(threaded=background, workers=workers)
        self.source = FigureSource(outreach_figures_of)  # the replications' figures of one run
        self.baseline = baseline
        self.sliders: dict[str, w.Widget] = {}
        for lv in levers:
            self.sliders[lv.path] = lever_slider(
                lv, paths.value_at(scenario, lv.path), label_width="180px", width="520px"
            )
        self.button = run_button(lambda: self.update())
        self.status, self.table, self.out = run_outputs("sim-outreach-table")
        self.note = w.HTML()
        self.note.add_class("sim-noise-note")
        self.result: Result | None = None
        self.variant: Scenario | None = None
        self.comparison: pd.DataFrame | None = None
        self.paired: Paired | None = None
        self.figure: Figure | None = None
        self.widget = w.VBox(
            [
                *self.sliders.values(),
                w.HBox([self.button, self.status]),
                self.table,
                self.note,
                self.out,
            ]
        )

    def values(self) -> dict[str, float]:
        return {path: s.value for path, s in self.sliders.items()}

    def run_with(self, values: dict[str, float]) -> pd.DataFrame:
        """Run with these rule values (and the baseline once); return the headline table."""
        horizon = self.scenario.horizon_days
        if self.baseline is None:
            self.baseline = run(self.scenario, seed=self.seed, progress=False)
        self.variant = with_values(self.scenario, values, source="your levers")
        self.result = run(self.variant, seed=self.seed, progress=False)
        self.comparison = headline_table(
            outreach_headline(self.baseline.tables, horizon),
            outreach_headline(self.result.tables, horizon),
        )
        return self.comparison

    def update(self) -> None:
        """Button callback: run with the sliders' values, redraw the table and the chart,
        then start the replications behind the intervals."""
        self.jobs.cancel()
        self.status.value = _("running…")
        try:
            table = self.run_with(self.values())
        except ValueError as exc:  # a combination the schema refuses
            self.status.value = f"<span style='color:#b00'>{html.escape(explain(exc))}</span>"
            return
        self.status.value = html.escape(
            _("seed {seed}: the same customers as the baseline", seed=self.seed)
        )
        same = self.variant.model_dump() == self.scenario.model_dump()
        self.paired = Paired(
            [table["baseline"].to_dict()], [table["this run"].to_dict()], same, len(self.seeds)
        )
        fig = plot_outreach_comparison(
            self.baseline.tables, self.result.tables, self.scenario.horizon_days
        )
        self.figure = fig
        show_figure(self.out, fig)
        replicate_in_background(
            self.jobs, self.source, self.scenario, self.variant, self.seeds, self.paired,
            self._redraw, self._failed,
        )  # fmt: skip

    def _redraw(self, paired: Paired, done: bool) -> None:
        rows = [(k, _(label), HEADLINE_UNITS[k]) for k, label in HEADLINE_LABELS.items()]
        currency = self.scenario.catalogue.currency
        self.table.value = paired_html(paired, rows, N_("this run"), "sim-table", currency)
        self.note.value = noise_note(paired) if done else pending_note(paired, len(self.seeds))

    def _failed(self, exc: Exception) -> None:
        self.note.value = failed_note(exc)

    def _ipython_display_(self) -> None:
        display(self.widget)


def outreach_levers(scenario: Scenario) -> list[Lever]:
    """The notebook's message rules (churn-warning days and coupon, campaign frequency,
    win-back days, the fatigue threshold) and survey plan (NPS sample share, how much more
    the extremes answer), built from the schema where it allows."""
    return [
        trigger_lever(scenario, "churn_warning", "days", 7, 120, 1,
                      N_("churn warning after (days)"), ("messages", "coupon_cost")),
        trigger_lever(scenario, "churn_warning", "coupon", 0, 30, 1, N_("churn-warning coupon"),
                      ("coupon_cost",)),
        trigger_lever(scenario, "monthly_offer", "days", 3, 60, 1, N_("campaign every (days)"),
                      ("messages", "opted_out")),
        trigger_lever(scenario, "winback", "days", 30, 180, 1, N_("win-back after (days)"),
                      ("messages", "outreach_cost")),
        lever(scenario, "outreach.fatigue.max_messages", minimum=1, maximum=12,
              label=_("max messages"), moves=("opted_out",)),
        lever(scenario, "surveys.nps_sample_share", minimum=0.05, maximum=1.0, step=0.05,
              label=_("nps sample share"), moves=("survey_answers",)),
        lever(scenario, "surveys.extremity_bias", minimum=0.0, maximum=5.0, step=0.5,
              label=_("extremity bias"), moves=("survey_response_rate",)),
    ]  # fmt: skip


# ------------------------------------------------------------------------ surveys


def plot_response_by_band(table: pd.DataFrame, overall: float | None = None) -> Figure:
    """Response rate per satisfaction band, with how many were invited on each bar."""
    fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
    labels = [str(i) for i in table.index]
    ax.bar(labels, table["rate"].fillna(0).to_numpy(), color="C4")
    for i, (n, r) in enumerate(zip(table["invited"], table["rate"].fillna(0), strict=True)):
        ax.text(i, r, f"n={n}", ha="center", va="bottom", fontsize=8)
    if overall is not None:
        overall_label = _("overall {share}", share=f"{overall:.0%}")
        ax.axhline(overall, color="0.4", ls="--", lw=1, label=overall_label)
        ax.legend(frameon=False)
    ax.set_xlabel(_("true satisfaction when asked"))
    ax.set_ylabel(_("share who answered"))
    ax.set_title(_("Who answers a survey (the extremes answer more)"))
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_nps_bias(bias: dict) -> Figure:
    """NPS as surveyed, expected from those who answered, and from everyone asked."""
    names = ["surveyed", "answerers", "everyone"]
    labels = [_("as surveyed"), _("answerers' truth"), _("everyone's truth")]
    values = [bias[k] for k in names]
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    ax.bar(labels, values, color=["C0", "C0", "C3"])
    for i, v in enumerate(values):
        ax.text(i, v, f"{v:+.0f}", ha="center", va="bottom" if v >= 0 else "top")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_ylabel("NPS")
    ax.set_title(_("NPS 净推荐值: what the survey says vs what everyone thinks"))
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_keyword_heatmap(counts: pd.DataFrame, title: str = "", fmt: str = "{:.0f}") -> Figure:
    """Months × topics heat-map of comment keywords (from `keyword_counts`)."""
    fig, ax = plt.subplots(figsize=(8, 3.2), layout="constrained")
    data = counts.T.to_numpy(dtype=float)
    im = ax.imshow(data, aspect="auto", cmap="YlOrRd")
    months = [fmt_month(m) for m in counts.index]  # '2026-01' -> 2026-01, 2026年1月
    ax.set_xticks(range(len(counts.index)), months, rotation=45, fontsize=8)
    topics = [_(TOPIC_LABELS[c]) if c in TOPIC_LABELS else c for c in counts.columns]
    ax.set_yticks(range(len(counts.columns)), topics)
    top = np.nanmax(data) if data.size else 0
    for (i, j), v in np.ndenumerate(data):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                color="white" if top and v > 0.6 * top else "black")  # fmt: skip
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(title or _("What the comments talk about, month by month"))
    return fig


@exercise
def check_nps(answer: object, surveys: pd.DataFrame) -> Feedback:
    """Exercise: the NPS of the `nps` answers (% of 9-10 minus % of 0-6, from −100 to 100)."""
    try:
        a = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return Feedback(False, "give one number between -100 and 100")
    scores = surveys.loc[surveys["kind"] == "nps", "score"]
    right = nps(scores)

    def near(x: float, tol: float = 0.05) -> bool:
        return bool(np.isfinite(a) and abs(a - x) <= tol)

    if near(right):
        return Feedback(True, f"right: NPS {right:+.1f} from {len(scores)} answers")
    if near(right / 100, 0.0005):
        return Feedback(False, "that is a fraction: NPS is in points, multiply by 100")
    if near(nps(surveys["score"])):
        return Feedback(False, "you mixed in the CSAT answers (1-5): keep kind == 'nps' only")
    promoters = float((scores >= 9).mean() * 100)
    if near(promoters):
        return Feedback(False, "that is the share of promoters: subtract the detractors (0-6)")
    if near(float(((scores >= 9).mean() - (scores <= 7).mean()) * 100)):
        return Feedback(False, "7 and 8 are passives, not detractors: detractors answer 0-6")
    if near(float(((scores >= 8).mean() - (scores <= 6).mean()) * 100)):
        return Feedback(False, "promoters answer 9 or 10; an 8 is a passive")
    return Feedback(
        False,
        f"not quite ({a:.1f}): keep kind == 'nps', then 100 × (share ≥ 9 − share ≤ 6)",
    )

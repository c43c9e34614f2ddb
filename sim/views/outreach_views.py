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
from sim.figures import fmt, fmt_table
from sim.result import Result
from sim.runner import run
from sim.scenario import Scenario
from sim.views.exercises import Feedback, exercise
from sim.views.noise import (
    REPLICATIONS,
    Background,
    Paired,
    noise_note,
    paired_html,
    panel_seeds,
    replicate_in_background,
)
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
    "price": "price 价格",
    "quality": "quality 品质",
    "service": "service 服务",
    "delivery": "delivery 配送",
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
    text = label or f"{name} {field}".replace("_", " ")
    path = f"outreach.triggers[{name}].{field}"
    return lever(scenario, path, maximum, minimum, step, text, moves)


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
    df = pd.DataFrame({"baseline": pd.Series(base), "this run": pd.Series(now)})
    df["change"] = df["this run"] - df["baseline"]
    return df


def headline_html(table: pd.DataFrame, currency: str = "") -> str:
    """`headline_table` as the panel shows it: labelled rows, units, a signed change."""
    out = fmt_table(table, HEADLINE_UNITS, by="index", currency=currency)
    out["change"] = [
        fmt(v, HEADLINE_UNITS.get(k, "number"), signed=True, currency=currency)
        for k, v in table["change"].items()
    ]
    out.index = [str(k).replace("_", " ") for k in out.index]
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
        (axes[0, 0], bt["orders"], nt["orders"], "orders triggered, by message"),
        (axes[0, 1], bt["messages"], nt["messages"], "messages sent, by message"),
        (
            axes[1, 0],
            bc["cost"] + bc["coupons"],
            nc["cost"] + nc["coupons"],
            "cost per channel (messages + coupons redeemed)",
        ),
        (
            axes[1, 1],
            pd.Series({"opted out": bh["opted_out"], "churned": bh["churned"]}),
            pd.Series({"opted out": nh["opted_out"], "churned": nh["churned"]}),
            "customers who opted out / left",
        ),
    ]
    for ax, b, n, title in panels:
        idx = list(dict.fromkeys([*b.index, *n.index]))
        b, n = b.reindex(idx, fill_value=0), n.reindex(idx, fill_value=0)
        x = np.arange(len(idx))
        ax.bar(x - 0.2, b.to_numpy(), 0.4, color="0.7", label="baseline")
        ax.bar(x + 0.2, n.to_numpy(), 0.4, color="C0", label="this run")
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
    ) -> None:
        self.scenario = scenario
        self.levers = levers
        self.seed = seed
        self.seeds = panel_seeds(seed, replications)
        self.jobs = Background(threaded=background)
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

    def figures_of(self, world: Scenario, seed: int) -> dict:
        """The headline figures of one run of `world`."""
        result = run(world, seed=seed, progress=False)
        return outreach_headline(result.tables, self.scenario.horizon_days)

    def update(self) -> None:
        """Button callback: run with the sliders' values, redraw the table and the chart,
        then start the replications behind the intervals."""
        self.jobs.cancel()
        self.status.value = "running…"
        try:
            table = self.run_with(self.values())
        except ValueError as exc:  # a combination the schema refuses
            self.status.value = f"<span style='color:#b00'>{html.escape(explain(exc))}</span>"
            return
        self.status.value = html.escape(f"seed {self.seed}: the same customers as the baseline")
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
            self.jobs, self.figures_of, self.scenario, self.variant, self.seeds, self.paired,
            self._redraw, self._failed,
        )  # fmt: skip

    def _redraw(self, paired: Paired, done: bool) -> None:
        rows = [(k, k.replace("_", " "), unit) for k, unit in HEADLINE_UNITS.items()]
        currency = self.scenario.catalogue.currency
        self.table.value = paired_html(paired, rows, "this run", "sim-table", currency)
        self.note.value = (
            noise_note(paired, what="rules")
            if done
            else f"Running the same customers {len(self.seeds) - paired.n} more times for the "
            "95% intervals…"
        )

    def _failed(self, exc: Exception) -> None:
        self.note.value = f"The intervals could not be computed: {html.escape(str(exc))}"

    def _ipython_display_(self) -> None:
        display(self.widget)


def outreach_levers(scenario: Scenario) -> list[Lever]:
    """The notebook's message rules (churn-warning days and coupon, campaign frequency,
    win-back days, the fatigue threshold) and survey plan (NPS sample share, how much more
    the extremes answer), built from the schema where it allows."""
    return [
        trigger_lever(scenario, "churn_warning", "days", 7, 120, 1, "churn warning after (days)",
                      ("messages", "coupon_cost")),
        trigger_lever(scenario, "churn_warning", "coupon", 0, 30, 1, "churn-warning coupon",
                      ("coupon_cost",)),
        trigger_lever(scenario, "monthly_offer", "days", 3, 60, 1, "campaign every (days)",
                      ("messages", "opted_out")),
        trigger_lever(scenario, "winback", "days", 30, 180, 1, "win-back after (days)",
                      ("messages", "outreach_cost")),
        lever(scenario, "outreach.fatigue.max_messages", minimum=1, maximum=12,
              moves=("opted_out",)),
        lever(scenario, "surveys.nps_sample_share", minimum=0.05, maximum=1.0, step=0.05,
              moves=("survey_answers",)),
        lever(scenario, "surveys.extremity_bias", minimum=0.0, maximum=5.0, step=0.5,
              moves=("survey_response_rate",)),
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
        ax.axhline(overall, color="0.4", ls="--", lw=1, label=f"overall {overall:.0%}")
        ax.legend(frameon=False)
    ax.set_xlabel("true satisfaction when asked")
    ax.set_ylabel("share who answered")
    ax.set_title("Who answers a survey (the extremes answer more)")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_nps_bias(bias: dict) -> Figure:
    """NPS as surveyed, expected from those who answered, and from everyone asked."""
    names = ["surveyed", "answerers", "everyone"]
    labels = ["as surveyed", "answerers' truth", "everyone's truth"]
    values = [bias[k] for k in names]
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    ax.bar(labels, values, color=["C0", "C0", "C3"])
    for i, v in enumerate(values):
        ax.text(i, v, f"{v:+.0f}", ha="center", va="bottom" if v >= 0 else "top")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_ylabel("NPS")
    ax.set_title("NPS 净推荐值: what the survey says vs what everyone thinks")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_keyword_heatmap(counts: pd.DataFrame, title: str = "", fmt: str = "{:.0f}") -> Figure:
    """Months × topics heat-map of comment keywords (from `keyword_counts`)."""
    fig, ax = plt.subplots(figsize=(8, 3.2), layout="constrained")
    data = counts.T.to_numpy(dtype=float)
    im = ax.imshow(data, aspect="auto", cmap="YlOrRd")
    ax.set_xticks(range(len(counts.index)), counts.index, rotation=45, fontsize=8)
    ax.set_yticks(range(len(counts.columns)), [TOPIC_LABELS.get(c, c) for c in counts.columns])
    top = np.nanmax(data) if data.size else 0
    for (i, j), v in np.ndenumerate(data):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                color="white" if top and v > 0.6 * top else "black")  # fmt: skip
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(title or "What the comments talk about, month by month")
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

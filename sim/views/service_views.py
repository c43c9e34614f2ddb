"""Complaint handling views: desk policies side by side, the silent majority, a policy panel.

Plots are plain functions of tables; `PolicyPanel` is a thin ipywidgets layer whose
callbacks (`run_with`, `update`) are methods a test calls without a browser.
"""

from __future__ import annotations

import html

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

from sim.analytics.feedback import silent_share
from sim.analytics.service import compare_policies, policy_row, response_distribution
from sim.figures import fmt, fmt_table, info
from sim.i18n import N_, _
from sim.result import Result
from sim.runner import run
from sim.scenario import Scenario
from sim.sections.service import DeskPolicy
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
from sim.views.panel_figures import policy_figures_of
from sim.views.widgets import run_button, run_outputs, show_figure

# A desk that answers late (five days), never apologises, compensates or follows up.
NEGLECT = DeskPolicy(
    response_hours=48.0,
    response_delay_hours=120.0,
    apology=False,
    compensation="none",
    escalation="never",
    follow_up_hours=None,
)

# What the policy chart shows, and the rows of the policy table shown to trainees, in
# order; labels, units and which way is better come from sim.figures.
CHART_METRICS = (
    "retention",
    "csat",
    "desk_cost",
    "promise_kept",
    "complainers_left",
    "silent_defections",
)
TABLE_ROWS = (
    "retention",
    "revenue",
    "tickets",
    "promise_kept",
    "mean_response_h",
    "median_response_h",
    "mean_resolution_h",
    "followed_up_72h",
    "csat",
    "staff_cost",
    "desk_cost",
    "complainers",
    "complainers_left",
    "complainer_satisfaction",
    "silent_share",
    "silent_defections",
)


def with_policy(scenario: Scenario, policy: DeskPolicy) -> Scenario:
    """A validated copy of `scenario` whose service desk runs `policy`."""
    data = scenario.model_dump()
    if data.get("service") is None:
        raise ValueError(_("this scenario has no service section: there is no desk to run"))
    data["service"]["policy"] = policy.model_dump()
    return Scenario.model_validate(data)


def without_failures(scenario: Scenario) -> Scenario:
    """The same world where no order ever goes wrong: the counterfactual for a failure."""
    data = scenario.model_dump()
    data["service"]["failure_rate"] = 0.0
    data["service"]["failure_rate_by_category"] = {}
    return Scenario.model_validate(data)


# A desk that does everything right: it answers at once, apologises, compensates in full,
# escalates every case and calls back.
PERFECT = DeskPolicy(
    response_hours=48.0,
    response_delay_hours=0.0,
    apology=True,
    compensation="full",
    escalation="always",
    follow_up_hours=72.0,
)


def controlled_recovery(
    scenario: Scenario, severity: str, failure_rate: float = 0.05
) -> tuple[Scenario, Scenario]:
    """The recovery-paradox experiment as two worlds with one seed: every failure is of
    `severity`, every failed customer complains to an ample desk that recovers perfectly;
    and the same world where nothing goes wrong. Loyalty, messages, surveys and shocks are
    off so that the desk is the only difference."""
    data = scenario.model_dump()
    if data.get("service") is None:
        raise ValueError(_("this scenario has no service section: there is no desk to run"))
    for section in ("loyalty", "outreach", "surveys", "shocks"):
        data[section] = None
    data["service"].update(
        failure_rate=failure_rate,
        failure_rate_by_category={},
        severity_mix={s: float(s == severity) for s in ("minor", "major", "severe")},
        complain_prob={"minor": 1.0, "major": 1.0, "severe": 1.0},
        l1_agents=30,
        l2_agents=15,
        hours_open=24,
        policy=PERFECT.model_dump(),
    )
    failing = Scenario.model_validate(data)
    return failing, without_failures(failing)


def policy_table(table: pd.DataFrame, currency: str = "", labels: bool = True) -> pd.DataFrame:
    """The rows of TABLE_ROWS of a `compare_policies` table, written as a report would
    (76.8%, 462,400 CNY, 5.2 h); a 'vs' column is a signed change. Rows and columns carry
    the figures' labels in the language in use; labels=False keeps the figure names."""
    shown = table.loc[[r for r in TABLE_ROWS if r in table.index]]
    units = {r: info(r).unit for r in shown.index}
    out = fmt_table(shown, units, by="index", currency=currency)
    for col in [c for c in shown.columns if " vs " in str(c)]:
        out[col] = [fmt(v, units[r], signed=True, currency=currency) for r, v in shown[col].items()]
    if labels:
        out.index = [info(r).label for r in out.index]
        out.columns = [_column(c) for c in out.columns]
    return out


def _column(name: object) -> str:
    """A policy table's column as the panel shows it: 'baseline', 'your policy', and
    'your policy vs baseline' in the language in use; other policy names as they are."""
    left, vs, right = str(name).partition(" vs ")
    if vs:
        return _("{policy} vs {baseline}", policy=_column(left), baseline=_column(right))
    known = {"baseline": _("baseline"), "your policy": _("your policy")}
    return known.get(left, left)


def plot_policy_comparison(table: pd.DataFrame, policies: list[str] | None = None) -> Figure:
    """Small multiples: one panel per metric, one bar per policy (from `compare_policies`)."""
    cols = policies or [c for c in table.columns if " vs " not in str(c)]
    metrics = [m for m in CHART_METRICS if m in table.index]
    fig, axes = plt.subplots(2, 3, figsize=(10, 5.5), layout="constrained")
    for ax, m in zip(axes.flat, metrics, strict=False):
        label, higher_better = info(m).label, info(m).higher_is_better
        values = table.loc[m, cols].astype(float).to_numpy()
        ax.bar(cols, values, color=[f"C{i}" for i in range(len(cols))])
        better = _("↑ better") if higher_better else _("↓ better")
        ax.set_title(f"{label}\n({better})", fontsize=9)  # a long label fits its panel
        ax.tick_params(axis="x", labelrotation=20, labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        if m == "retention":
            low = np.nanmin(values)
            ax.set_ylim(max(0.0, low - 0.05), min(1.0, np.nanmax(values) + 0.02))
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    fig.suptitle(_("What if the whole desk handled complaints this way?"))
    return fig


def plot_response_times(tickets: dict[str, pd.DataFrame], promise_hours: float = 48.0) -> Figure:
    """Grouped bars: tickets per response-time bin, one colour per policy."""
    dist = pd.DataFrame({k: response_distribution(t) for k, t in tickets.items()})
    fig, ax = plt.subplots(figsize=(8, 3.2), layout="constrained")
    width = 0.8 / max(1, len(dist.columns))
    x = np.arange(len(dist))
    for i, name in enumerate(dist.columns):
        ax.bar(x + i * width, dist[name], width, label=name, color=f"C{i}")
    ax.set_xticks(x + 0.4 - width / 2, dist.index)
    ax.set_ylabel(_("tickets"))
    ax.set_title(
        _(
            "time to first response (the promise: {hours} h, 48 小时响应承诺)",
            hours=f"{promise_hours:g}",
        )
    )
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_silent_share(by_severity: pd.DataFrame) -> Figure:
    """Stacked bars per severity: failures that were complained about vs those that were not."""
    fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
    idx = list(by_severity.index)
    ax.bar(idx, by_severity["complained"], color="C0", label=_("complained (a ticket)"))
    ax.bar(
        idx,
        by_severity["silent"],
        bottom=by_severity["complained"],
        color="0.7",
        label=_("silent (no ticket)"),
    )
    for i, (_sev, row) in enumerate(by_severity.iterrows()):
        silent = _("{share} silent", share=f"{row['silent_share']:.0%}")
        ax.text(i, row["failures"], silent, ha="center", va="bottom")
    ax.set_ylabel(_("orders that went wrong"))
    ax.set_title(_("Most unhappy customers never complain"))
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


@exercise
def check_silent_share(answer: object, orders: pd.DataFrame) -> Feedback:
    """Exercise: of the orders that went wrong, what share did nobody complain about?"""
    try:
        a = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return Feedback(False, _("give one number between 0 and 1"))
    right = silent_share(orders)
    failed = orders["service_failure"].astype(str) != "none"
    silent = failed & ~orders["complained"].astype(bool)

    def near(x: float, tol: float = 0.005) -> bool:
        return bool(np.isfinite(a) and abs(a - x) <= tol)

    if near(right):
        return Feedback(
            True, _("right: {share} of failures never reached the desk", share=f"{right:.1%}")
        )
    if near(right * 100, 0.5):
        return Feedback(
            False, _("that is a percentage: give the share as a fraction (0.86, not 86)")
        )
    if near(1 - right):
        return Feedback(False, _("that is the share who complained; the question asks who did not"))
    if near(float(silent.sum() / len(orders)), 0.0005):
        return Feedback(
            False, _("you divided by all orders: divide by the orders that went wrong only")
        )
    if near(float((~orders["complained"].astype(bool)).mean())):
        return Feedback(
            False,
            _("service_failure 'none' means nothing went wrong: keep only failed orders first"),
        )
    return Feedback(
        False,
        _(
            "not quite ({answer}): filter orders with service_failure != 'none', then take "
            "the share where complained is False",
            answer=f"{a:.3f}",
        ),
    )


# What each control of the policy panel claims to move (sim.figures names): a test runs
# the shipped world at both ends of each control (tests/test_levers_act.py).
POLICY_MOVES: dict[str, tuple[str, ...]] = {
    "response_delay_hours": ("first_response_hours", "promise_kept", "mean_ticket_csat"),
    "apology": ("mean_ticket_csat",),
    "compensation": ("compensation_cost", "mean_ticket_csat"),
    "escalation": ("resolution_hours",),
    "follow_up_hours": ("mean_ticket_csat",),
    "follow_up": ("mean_ticket_csat",),
}


def policy_widgets(policy: DeskPolicy) -> dict[str, w.Widget]:
    """One control per DeskPolicy field, with its schema description and what it moves as
    tooltip."""
    fields = DeskPolicy.model_fields
    style = {"description_width": "160px"}
    ws: dict[str, w.Widget] = {
        "response_delay_hours": w.FloatSlider(
            value=policy.response_delay_hours,
            min=0,
            max=168,
            step=1,
            description=_("response delay (h)"),
            continuous_update=False,
        ),
        "apology": w.Checkbox(value=policy.apology, description=_("apologise")),
        "compensation": w.Dropdown(
            options=["none", "small", "full"],
            value=policy.compensation,
            description=_("compensation"),
        ),
        "escalation": w.Dropdown(
            options=["never", "when_severe", "always"],
            value=policy.escalation,
            description=_("escalation"),
        ),
        "follow_up_hours": w.FloatSlider(
            value=policy.follow_up_hours if policy.follow_up_hours is not None else 0.0,
            min=0,
            max=168,
            step=1,
            description=_("follow-up after (h)"),
            continuous_update=False,
        ),
        "follow_up": w.Checkbox(
            value=policy.follow_up_hours is not None, description=_("follow up")
        ),
    }
    for name, widget in ws.items():
        widget.style = style
        help_text = _(fields[name].description) if name in fields else _("call back at all")
        moved = _("moves: {figures}", figures=", ".join(info(m).label for m in POLICY_MOVES[name]))
        widget.tooltip = f"{help_text} — {moved}"
        widget.add_class("sim-policy")
    return ws


class PolicyPanel:
    """Controls for a desk policy, a Run button, and the policy beside the baseline.

    The first run shows at once; the other replications (same seeds for both worlds: common
    random numbers) run in the background and give each change its 95% interval.
    `run_with(policy)` and `update()` are the callbacks: tests set a control's value and
    call `panel.button.click()` (or `update()`), then read `panel.table.value`.
    """

    def __init__(
        self,
        scenario: Scenario,
        baseline: Result | None = None,
        seed: int = 7,
        start: DeskPolicy | None = None,
        replications: int = REPLICATIONS,
        background: bool = True,
        workers: int | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.seeds = panel_seeds(seed, replications)
        workers = panel_workers() if workers is None else workers
        self.jobs = Background(threaded=background, workers=workers)
        self.source = FigureSource(policy_figures_of)  # the replications' figures of one run
        self.baseline = baseline
        self.controls = policy_widgets(start or scenario.service.policy)
        self.button = run_button(lambda: self.update())
        self.status, self.table, self.out = run_outputs("sim-policy-table")
        self.note = w.HTML()
        self.note.add_class("sim-noise-note")
        self.result: Result | None = None
        self.variant: Scenario | None = None
        self.comparison: pd.DataFrame | None = None
        self.paired: Paired | None = None
        self.figure: Figure | None = None
        self.widget = w.VBox(
            [
                *self.controls.values(),
                w.HBox([self.button, self.status]),
                self.table,
                self.note,
                self.out,
            ]
        )

    def policy(self) -> DeskPolicy:
        """The DeskPolicy the controls describe now."""
        c = self.controls
        return DeskPolicy(
            response_hours=self.scenario.service.policy.response_hours,
            response_delay_hours=c["response_delay_hours"].value,
            apology=c["apology"].value,
            compensation=c["compensation"].value,
            escalation=c["escalation"].value,
            follow_up_hours=c["follow_up_hours"].value if c["follow_up"].value else None,
        )

    def run_with(self, policy: DeskPolicy) -> pd.DataFrame:
        """Run the world with `policy` (and the baseline once) and return the comparison."""
        if self.baseline is None:
            self.baseline = run(self.scenario, seed=self.seed, progress=False)
        self.variant = with_policy(self.scenario, policy)
        self.result = run(self.variant, seed=self.seed, progress=False)
        self.comparison = compare_policies(
            {"baseline": self.baseline, "your policy": self.result}, baseline="baseline"
        )
        return self.comparison

    def update(self) -> None:
        """Button callback: run with the controls' policy, redraw the table and chart, then
        start the replications behind the intervals."""
        self.jobs.cancel()
        self.status.value = _("running…")
        table = self.run_with(self.policy())
        self.status.value = html.escape(
            _("seed {seed}, same customers as the baseline", seed=self.seed)
        )
        same = self.variant.model_dump() == self.scenario.model_dump()
        self.paired = Paired(
            [policy_row(self.baseline)], [policy_row(self.result)], same, len(self.seeds)
        )
        self._redraw(self.paired, self.paired.complete)
        fig = plot_policy_comparison(table, ["baseline", "your policy"])
        self.figure = fig
        show_figure(self.out, fig)
        replicate_in_background(
            self.jobs, self.source, self.scenario, self.variant, self.seeds, self.paired,
            self._redraw, self._failed,
        )  # fmt: skip

    def _redraw(self, paired: Paired, done: bool) -> None:
        rows = [(r, info(r).label, info(r).unit) for r in TABLE_ROWS]
        currency = self.scenario.catalogue.currency
        self.table.value = paired_html(paired, rows, N_("your policy"), "sim-table", currency)
        self.note.value = noise_note(paired) if done else pending_note(paired, len(self.seeds))

    def _failed(self, exc: Exception) -> None:
        self.note.value = failed_note(exc)

    def _ipython_display_(self) -> None:
        display(self.widget)

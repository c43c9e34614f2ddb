"""The strategy lab: levers from the scenario schema, a Run button, results beside a baseline.

Levers name scenario fields by path; list items are picked by name, e.g.
``loyalty.rules[weekend_double].multiplier``. Bounds and help text come from the schema.
Runs go through a `RunCache`, so an unchanged world is served from memory. Each change
carries its 95% interval from `replications` common-random-number runs (sim.views.noise):
the lab's own seed shows first, the other replications run in the background and only
their figures are kept.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from sim import figures, paths
from sim.experiments.design import with_values
from sim.figures import fmt, money_scale
from sim.i18n import N_, _, language_in_use
from sim.result import Result
from sim.runner import run
from sim.scenario import Scenario
from sim.views.fonts import cjk_fonts
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
from sim.views.panel_figures import COST_PARTS, LAB_FIGURES, lab_figures, lab_figures_of
from sim.views.plots import date_axis
from sim.views.widgets import Lever, explain, lever, lever_slider, run_button


@dataclass(frozen=True)
class LeverSpec:
    """Which scenario field to expose, under which heading and label (English msgids,
    shown in the language in use), with optional slider bounds, and the figures
    (sim.figures names) it claims to move: tests/test_levers_act.py runs the shipped world
    at both ends of the slider and checks that each of them moves. `cap` may lower the
    maximum for the world at hand (see `run_months`), never below the scenario's own value.
    Without a label, the last two names of the path make one."""

    group: str
    path: str
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    moves: tuple[str, ...] = ()
    cap: Callable[[Scenario], float] | None = None
    label: str = ""


def run_months(scenario: Scenario) -> int:
    """The longest month_end expiry under which some points still expire in this run:
    points are earned from day 0, and a point earned in the first month expires at the
    start of the month `months` + 1 after it, which must come before the horizon's end
    (a one-year run: 10 months; longer is inert)."""
    start = scenario.start_date
    end = start + dt.timedelta(days=scenario.horizon_days)  # the first day after
    between = (end.year - start.year) * 12 + end.month - start.month
    return max(1, between - 1 - (end.day == 1))


POINTS = ("points_issued", "points_liability")
SENT = ("messages", "outreach_cost")
STAFF = ("staff_cost", "margin_after_costs")
LOYALTY, OUTREACH, SERVICE, WINBACK = (
    N_("Loyalty rules"),
    N_("Outreach"),
    N_("Service"),
    N_("Win-back offer"),
)
# The lab's levers: paths, labels, slider ranges and what they move; help and limits come
# from the schema. The gold threshold stays between silver's (500) and platinum's (4000).
LAB_LEVERS: tuple[LeverSpec, ...] = (
    LeverSpec(LOYALTY, "loyalty.rules[weekend_double].multiplier", 1, 4, 0.25, POINTS,
              label=N_("weekend double multiplier")),
    LeverSpec(LOYALTY, "loyalty.tiers[gold].threshold", 600, 3900, 100,
              ("tier_discounts", "tier_moves_up"), label=N_("gold threshold")),
    LeverSpec(LOYALTY, "loyalty.expiry.months", 1, 36, None,
              ("points_expired", "breakage"), cap=run_months, label=N_("expiry months")),
    LeverSpec(LOYALTY, "loyalty.rules[birthday].bonus", 0, 1000, 50, POINTS,
              label=N_("birthday bonus")),
    LeverSpec(LOYALTY, "loyalty.referral_bonus", 0, 1000, 50, ("referred", "points_issued"),
              label=N_("referral bonus")),
    LeverSpec(OUTREACH, "outreach.triggers[churn_warning].days", 7, 120, 1,
              ("messages", "coupon_cost"), label=N_("churn warning days")),
    LeverSpec(OUTREACH, "outreach.triggers[monthly_offer].days", 7, 120, 1,
              ("messages", "opted_out"), label=N_("monthly offer days")),
    LeverSpec(OUTREACH, "outreach.fatigue.max_messages", 0, 12, None, ("opted_out",),
              label=N_("fatigue max messages")),
    LeverSpec(SERVICE, "service.l1_agents", 1, 10, None, STAFF, label=N_("service l1 agents")),
    LeverSpec(SERVICE, "service.hours_open", 4, 24, 1,
              (*STAFF, "first_response_hours", "inquiry_wait_hours"),
              label=N_("service hours open")),
    LeverSpec(SERVICE, "service.policy.response_hours", 2, 96, 2, ("promise_kept",),
              label=N_("policy response hours")),
    LeverSpec(WINBACK, "outreach.triggers[winback].days", 30, 240, 5, SENT,
              label=N_("winback days")),
    LeverSpec(WINBACK, "outreach.triggers[winback].coupon", 0, 60, 1, ("coupon_cost",),
              label=N_("winback coupon")),
)  # fmt: skip


def schema_lever(scenario: Scenario, spec: LeverSpec) -> Lever:
    """A Lever for `spec.path`: bounds within the schema's limits, its description as help."""
    names = [key or name for name, key in paths.parse(spec.path)[-2:]]
    label = _(spec.label) if spec.label else " ".join(names).replace("_", " ")
    maximum = spec.maximum
    if spec.cap is not None:
        cap = max(spec.cap(scenario), paths.value_at(scenario, spec.path))
        maximum = cap if maximum is None else min(maximum, cap)
    return lever(scenario, spec.path, maximum, spec.minimum, spec.step, label, spec.moves)


def lab_levers(scenario: Scenario, specs: tuple[LeverSpec, ...] = LAB_LEVERS) -> list[Lever]:
    """The levers of `specs` that this scenario has (a world without outreach has none)."""
    out = []
    for spec in specs:
        try:
            out.append(schema_lever(scenario, spec))
        except paths.PathError:  # not in this world (e.g. no outreach section)
            continue
    return out


def css_name(path: str) -> str:
    """The CSS class of a lever's slider, e.g. sim-lever-service-l1-agents."""
    return "sim-lever-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


# --------------------------------------------------------------------------- cache


class RunCache:
    """Results by (resolved scenario JSON, seed), most recent kept; counts hits and misses.

    `figures` keeps only a run's lab figures (for the replications behind the intervals),
    many more of them than whole results: `figure_hits` and `figure_misses` count those."""

    def __init__(self, maxsize: int = 32, figures_maxsize: int = 1024) -> None:
        self.maxsize = maxsize
        self.figures_maxsize = figures_maxsize
        self.hits = 0
        self.misses = 0
        self.figure_hits = 0
        self.figure_misses = 0
        self._store: OrderedDict[tuple[str, int], Result] = OrderedDict()
        self._figures: OrderedDict[tuple[str, int], dict] = OrderedDict()
        self._lock = threading.Lock()  # the lab's background replications share the cache
        # where the replications behind the intervals get their figures (sim.views.noise)
        self.source = FigureSource(lab_figures_of, self.known_figures, self.keep_figures)

    @staticmethod
    def key(scenario: Scenario, seed: int) -> tuple[str, int]:
        data = scenario.model_dump(mode="json")
        return json.dumps(data, sort_keys=True, ensure_ascii=False), int(seed)

    def __contains__(self, item: tuple[Scenario, int]) -> bool:
        return self.key(*item) in self._store

    def __len__(self) -> int:
        return len(self._store)

    def run(self, scenario: Scenario, seed: int) -> Result:
        """The result of `scenario` with `seed`, simulated only if not already in memory."""
        key = self.key(scenario, seed)
        with self._lock:
            if key in self._store:
                self.hits += 1
                self._store.move_to_end(key)
                return self._store[key]
            self.misses += 1
        result = run(scenario, seed=seed, progress=False)
        with self._lock:
            self._store[key] = result
            while len(self._store) > self.maxsize:
                self._store.popitem(last=False)
        return result

    def figures(self, scenario: Scenario, seed: int) -> dict[str, float | None]:
        """The lab figures of `scenario` with `seed`: from memory, from a kept result, or
        simulated (then only the figures are kept)."""
        return self.source.figures(scenario, seed)

    def known_figures(self, scenario: Scenario, seed: int) -> dict[str, float | None] | None:
        """The lab figures of `scenario` with `seed` if they are at hand without a run."""
        key = self.key(scenario, seed)
        with self._lock:
            if key in self._figures:
                self.figure_hits += 1
                self._figures.move_to_end(key)
                return self._figures[key]
            self.figure_misses += 1
            result = self._store.get(key)
        if result is None:
            return None
        card = lab_figures(result)
        self.keep_figures(scenario, seed, card)
        return card

    def keep_figures(self, scenario: Scenario, seed: int, card: dict[str, float | None]) -> None:
        """Remember the lab figures of a run (e.g. one a worker process simulated)."""
        key = self.key(scenario, seed)
        with self._lock:
            self._figures[key] = card
            while len(self._figures) > self.figures_maxsize:
                self._figures.popitem(last=False)


# --------------------------------------------------------------------------- numbers


def numbers_html(paired: Paired) -> str:
    """A table of the lab's figures: baseline, your levers (means over the replications run
    so far) and the change with its 95% interval, 'within noise' where it includes 0."""
    rows = [(key, figures.info(key).label, figures.info(key).unit) for key in LAB_FIGURES]
    return paired_html(paired, rows)


# --------------------------------------------------------------------------- chart


@cjk_fonts()  # scenario names and labels may be Chinese; the caller's rcParams stay
def plot_lab(result: Result, baseline: Result | None = None) -> Figure:
    """Retention curve, cumulative revenue and margin, NPS and cost, against the baseline."""
    # Fixed margins, not layout="constrained": its layout pass draws every tick label once
    # more and takes half of each Run's redraw (tests/test_charts.py checks the fit).
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.4))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.1, top=0.9, hspace=0.45, wspace=0.2)
    (a_ret, a_money), (a_nps, a_cost) = axes
    now, base = result.tables["daily"], baseline.tables["daily"] if baseline else None
    scale, unit = money_scale(result.scenario.catalogue.currency)
    if base is not None:
        a_ret.plot(base["date"], base["active"], color="0.65", lw=1.5, label=_("baseline"))
    a_ret.plot(now["date"], now["active"], color="C0", lw=2, label=_("this run"))
    shock = now["shock"].astype(str) != ""
    if shock.any():
        days = now["date"][shock]
        a_ret.axvspan(days.iloc[0], days.iloc[-1], color="C3", alpha=0.08, label=_("shock"))
    a_ret.set_title(_("Retention: active customers"))
    a_ret.set_ylim(bottom=0)
    a_ret.legend(loc="lower left", frameon=False, fontsize=8)
    for col, color, label in (("revenue", "C1", _("revenue")), ("gross_margin", "C2", _("margin"))):
        if base is not None:
            a_money.plot(base["date"], base[col].cumsum() / scale, color="0.65", lw=1.2, ls="--")
        a_money.plot(now["date"], now[col].cumsum() / scale, color=color, lw=2, label=label)
    a_money.set_title(_("Cumulative revenue and margin ({unit}; grey: baseline)", unit=unit))
    a_money.legend(loc="upper left", frameon=False, fontsize=8)
    runs = [(True, baseline), (False, result)] if baseline else [(False, result)]
    cards = [(is_base, lab_figures(r)) for is_base, r in runs]
    _bars_nps(a_nps, cards)
    _bars_cost(a_cost, cards, scale, unit)
    for ax in axes.flat:
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=8)
        ax.title.set_fontsize(10)
    for ax in (a_ret, a_money):
        date_axis(ax, now["date"])
        ax.tick_params(axis="x", labelrotation=30)
    fig.suptitle(result.scenario.name, fontsize=11)
    return fig


def _bar_names(cards: list[tuple[bool, dict]]) -> list[str]:
    """The bars' names: 'baseline' for the baseline's card, 'this run' for the other."""
    return [_("baseline") if is_base else _("this run") for is_base, _card in cards]


def _bars_nps(ax: Any, cards: list[tuple[bool, dict]]) -> None:
    values = [c["nps"] if c["nps"] is not None else 0.0 for _base, c in cards]
    colors = ["0.65" if is_base else "C4" for is_base, _card in cards]
    bars = ax.bar(_bar_names(cards), values, color=colors, width=0.5)
    texts = [
        _("n/a") if c["nps"] is None else fmt(c["nps"], "score", signed=True) for _b, c in cards
    ]
    ax.bar_label(bars, texts, padding=2)  # beyond the bar's end, above or below zero
    ax.axhline(0, color="0.3", lw=0.8)
    ax.margins(y=0.2)
    ax.set_title(_("NPS (% promoters − % detractors)"))


def _bars_cost(ax: Any, cards: list[tuple[bool, dict]], scale: float, unit: str) -> None:
    names = _bar_names(cards)
    bottom = [0.0] * len(cards)
    for i, (key, label) in enumerate(COST_PARTS):
        values = [(c[key] or 0.0) / scale for _base, c in cards]
        ax.bar(names, values, bottom=bottom, width=0.5, color=f"C{i + 5}", label=_(label))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(_("Cost of the strategy ({unit})", unit=unit))
    ax.legend(loc="upper left", frameon=False, fontsize=7, ncols=2)
    ax.set_ylim(top=max(bottom) * 1.35 if max(bottom) > 0 else 1)


@cjk_fonts()  # tick labels are made while drawing
def figure_png(fig: Figure, dpi: int = 80) -> bytes:
    """The figure as PNG bytes (for an Image widget)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


# --------------------------------------------------------------------------- panel


CHARTS_KEPT = 8  # the lab's charts kept for Runs served from the cache


class StrategyLab:
    """The strategy-lab panel: sliders by group, Run and Reset, figures and chart.

    Tests set `lab.sliders[path].value` and call `lab.button.click()`; `lab.cache` counts
    how often a run was served from memory.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 7,
        customers: int | None = 1000,
        days: int | None = None,
        specs: tuple[LeverSpec, ...] = LAB_LEVERS,
        cache: RunCache | None = None,
        replications: int = REPLICATIONS,
        background: bool = True,
        workers: int | None = None,
    ) -> None:
        if customers is not None or days is not None:
            scenario = scenario.with_overrides(customers=customers, days=days)
        self.scenario = scenario
        self.seed = seed
        self.seeds = panel_seeds(seed, replications)
        self.cache = cache if cache is not None else RunCache()
        workers = panel_workers() if workers is None else workers
        self.jobs = Background(threaded=background, workers=workers)
        self.levers = lab_levers(scenario, specs)
        self.groups = {lv.path: s.group for s in specs for lv in self.levers if lv.path == s.path}
        self.sliders = {lv.path: self._slider(lv) for lv in self.levers}
        self.button = run_button(lambda: self.update())
        self.reset_button = w.Button(description=_("Reset levers"), icon="undo")
        self.reset_button.add_class("sim-reset")
        self.status = w.HTML(_("Press <b>Run</b> to simulate the world with these levers."))
        self.status.add_class("sim-status")
        self.note = w.HTML()
        self.note.add_class("sim-noise-note")
        self.progress = w.IntProgress(value=0, min=0, max=len(self.seeds), description=_("runs"))
        self.progress.add_class("sim-progress")
        self.progress.layout.visibility = "hidden"
        self.table = w.HTML()
        self.table.add_class("sim-lab-numbers")
        self.chart = w.Image(format="png", layout=w.Layout(width="800px"))
        self.chart.add_class("sim-lab-chart")
        self.reset_button.on_click(lambda _b: self.reset())
        self.baseline: Result | None = None
        self.result: Result | None = None
        self.variant: Scenario | None = None
        self.paired: Paired | None = None
        self.figure: Figure | None = None
        self._charts: OrderedDict[tuple, tuple] = OrderedDict()  # see _chart
        self.widget = self._layout()

    def _slider(self, lv: Lever) -> w.Widget:
        value = paths.value_at(self.scenario, lv.path)
        slider = lever_slider(lv, value, label_width="200px", width="470px")
        if not lv.integer and lv.step >= 1:
            slider.readout_format = ".0f"
        slider.add_class(css_name(lv.path))
        return slider

    def _layout(self) -> w.Widget:
        column: list[w.Widget] = []
        for group in dict.fromkeys(self.groups.values()):
            column.append(w.HTML(f"<b>{html.escape(_(group))}</b>"))
            column += [self.sliders[p] for p, g in self.groups.items() if g == group]
        column += [w.HBox([self.button, self.reset_button]), self.status, self.progress, self.note]
        left = w.VBox(column, layout=w.Layout(width="490px"))
        right = w.VBox([self.table, self.chart])
        return w.HBox([left, right], layout=w.Layout(flex_flow="row wrap"))

    def values(self) -> dict[str, float]:
        """The sliders' values by lever path."""
        return {path: s.value for path, s in self.sliders.items()}

    def run_with(self, values: dict[str, float]) -> Result:
        """Run the world with these lever values (first the unchanged baseline, if needed)."""
        scenario = with_values(self.scenario, values, source="your levers")
        if self.baseline is None:
            self.baseline = self.cache.run(self.scenario, self.seed)
        self.result = self.cache.run(scenario, self.seed)
        self.variant = scenario
        return self.result

    def first_pair(self) -> Paired:
        """The first replication of the baseline and of the last world run (the lab's seed)."""
        same = RunCache.key(self.variant, 0) == RunCache.key(self.scenario, 0)
        base, mine = (self.cache.figures(w, self.seed) for w in (self.scenario, self.variant))
        return Paired([base], [mine], identical=same, replications=len(self.seeds))

    def _intervals(self, paired: Paired) -> None:
        """Run the replications behind the intervals (in the background if threaded),
        redrawing the table and the progress bar after each pair."""
        ran = not paired.complete
        self.progress.value = paired.n
        self.progress.layout.visibility = "visible" if ran else "hidden"
        if ran:
            self.note.value = pending_note(paired, len(self.seeds))
        start = time.perf_counter()

        def redraw(paired: Paired, done: bool) -> None:
            self.progress.value = paired.n
            self.table.value = numbers_html(paired)
            if done:
                self.progress.layout.visibility = "hidden"
                self.note.value = noise_note(paired, time.perf_counter() - start if ran else None)

        def failed(exc: Exception) -> None:
            self.progress.layout.visibility = "hidden"
            self.note.value = failed_note(exc)

        replicate_in_background(
            self.jobs, self.cache.source, self.scenario, self.variant, self.seeds, paired,
            redraw, failed,
        )  # fmt: skip

    def reset(self) -> None:
        """Put every slider back to the scenario's own value."""
        for path, slider in self.sliders.items():
            slider.value = paths.value_at(self.scenario, path)

    def update(self) -> None:
        """Run button: run (or fetch from the cache), then redraw figures and chart."""
        size = self.scenario.population.initial_customers
        self.status.value = _(
            "Running the world: {size:,} customers, seed {seed}…", size=size, seed=self.seed
        )
        self.button.disabled = True
        self.jobs.cancel()  # the replications of the previous Run are no longer wanted
        hits, start = self.cache.hits, time.perf_counter()
        try:
            result = self.run_with(self.values())
        except ValueError as exc:  # the levers make an impossible world
            why = _(
                "⚠ This combination of levers is not a valid world: {reason}. "
                "Move a lever back or press Reset.",
                reason=html.escape(explain(exc)),
            )
            self.status.value = f"<span style='color:#b00'>{why}</span>"
            return
        finally:
            self.button.disabled = False
        took = time.perf_counter() - start
        cached = self.cache.hits > hits
        served = _("from the cache (same world as before)") if cached else _("simulated")
        self.paired = self.first_pair()
        self.table.value = numbers_html(self.paired)
        self.figure, self.chart.value = self._chart(result)
        self.status.value = _(
            "✓ Done in {seconds} s, {served}. Grey = baseline.",
            seconds=f"{took:.1f}",
            served=served,
        )
        self._intervals(self.paired)

    def _chart(self, result: Result) -> tuple[Figure, bytes]:
        """The chart of `result` against the baseline, and its PNG: drawn once, then kept
        for the last CHARTS_KEPT Runs, so a lever moved back to an earlier value redraws
        at once (results come from the cache as the same objects)."""
        key = (id(result), id(self.baseline), language_in_use())
        kept = self._charts.get(key)
        if kept is not None and kept[0] is result and kept[1] is self.baseline:
            self._charts.move_to_end(key)
            return kept[2], kept[3]
        fig = plot_lab(result, self.baseline)
        png = figure_png(fig)
        plt.close(fig)
        self._charts[key] = (result, self.baseline, fig, png)
        while len(self._charts) > CHARTS_KEPT:
            self._charts.popitem(last=False)
        return fig, png

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if self.result is None:
            self.update()
        display(self.widget)

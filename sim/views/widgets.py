"""ipywidgets panels: thin layers over plain functions a test can call without a browser.

Sliders are built from the scenario schema (field descriptions and bounds), not by hand
per notebook: name the scenario fields you want as levers, the panel does the rest.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w
import matplotlib.pyplot as plt
from IPython.display import display

from sim import paths
from sim.experiments.design import with_values
from sim.figures import fmt, info
from sim.i18n import _
from sim.result import Result
from sim.runner import run
from sim.scenario import Scenario, ScenarioError
from sim.views.plots import plot_daily


@dataclass(frozen=True)
class Lever:
    """One scenario field exposed as a slider."""

    path: str  # dotted path into the scenario, e.g. "population.initial_customers"
    label: str
    description: str
    minimum: float
    maximum: float
    step: float
    integer: bool
    moves: tuple[str, ...] = ()  # the sim.figures it claims to move (tests/test_levers_act.py)


def lever(
    scenario: Scenario,
    path: str,
    maximum: float | None = None,
    minimum: float | None = None,
    step: float | None = None,
    label: str | None = None,
    moves: tuple[str, ...] = (),
) -> Lever:
    """A Lever for `path` (sim.paths syntax, e.g. loyalty.tiers[gold].threshold): the
    slider's range is the one asked for, kept within the schema's limits, and its help
    text is the field's description (in the language in use where the schema marks it
    with N_); `moves` names the figures it claims to move.
    PathError when the scenario has no such field."""
    info, value = paths.field_at(scenario, path)
    integer = isinstance(value, int) and not isinstance(value, bool)
    low, high, strict = paths.limits(info)
    if low is not None and strict:  # the slider may not sit on an excluded bound
        low = low + (1 if integer else 0.01)
    floors = [v for v in (minimum, low) if v is not None]
    minimum = max(floors) if floors else 0
    if maximum is None:
        maximum = high if high is not None else max(4 * value, 1)
    elif high is not None:
        maximum = min(maximum, high)
    if step is None:
        step = 1 if integer else round((maximum - minimum) / 100, 6)
    label = label or paths.parse(path)[-1][0].replace("_", " ")
    help_text = _(info.description) if info.description else label
    return Lever(path, label, help_text, minimum, maximum, step, integer, moves)


def moves_text(lv: Lever) -> str:
    """What a lever claims to move, in the figures' own labels (for its tooltip)."""
    if not lv.moves:
        return ""
    return _("moves: {figures}", figures=", ".join(info(m).label for m in lv.moves))


def explain(error: ValueError) -> str:
    """A short, readable reason why the levers do not make a valid world."""
    if isinstance(error, ScenarioError):
        return "; ".join(
            _("{path}: expected {expected}, found {found}", path=p.path, expected=p.expected,
              found=p.found)
            for p in error.problems[:3]
        )  # fmt: skip
    return str(error)


def lever_slider(
    lv: Lever, value: float, label_width: str = "140px", width: str = "480px"
) -> w.Widget:
    """The slider of one lever (class `sim-lever`, so a browser test can find it)."""
    cls = w.IntSlider if lv.integer else w.FloatSlider
    slider = cls(
        value=value,
        min=lv.minimum,
        max=lv.maximum,
        step=lv.step,
        description=lv.label,
        tooltip=" — ".join(t for t in (lv.description, moves_text(lv)) if t),
        style={"description_width": label_width},
        layout=w.Layout(width=width),
        continuous_update=False,
    )
    slider.add_class("sim-lever")
    return slider


def run_button(on_run: Callable[[], None]) -> w.Button:
    """The primary Run button of a panel (class sim-run: the browser tests click it)."""
    button = w.Button(description=_("Run"), button_style="primary", icon="play")
    button.add_class("sim-run")
    button.on_click(lambda _b: on_run())
    return button


def run_outputs(table_class: str | None = None) -> tuple[w.HTML, w.HTML, w.Output]:
    """A panel's status line, result table and chart output (class sim-chart)."""
    status, table, out = w.HTML(), w.HTML(), w.Output()
    if table_class:
        table.add_class(table_class)
    out.add_class("sim-chart")
    return status, table, out


def show_figure(out: w.Output, fig) -> None:
    """Replace what `out` shows with `fig`, and free the figure."""
    out.clear_output(wait=True)
    with out:
        display(fig)
    plt.close(fig)


def summary_html(result: Result, baseline: Result | None = None) -> str:
    """A small table of the headline figures, with the change against a baseline."""
    keys = [
        "customers",
        "active_at_end",
        "churned",
        "retention",
        "orders",
        "revenue",
        "mean_order_value",
    ]
    now = result.summary()
    base = baseline.summary() if baseline is not None else None
    currency = result.scenario.catalogue.currency
    rows = []
    for k in keys:
        f, v = info(k), now.get(k)
        cell = fmt(v, f.unit, currency=currency)
        delta = ""
        if base is not None and isinstance(v, int | float) and isinstance(base.get(k), int | float):
            delta = fmt(v - base[k], f.unit, signed=True, currency=currency)
        rows.append(f"<tr><td>{html.escape(f.label)}</td><td>{cell}</td><td>{delta}</td></tr>")
    head = ""
    if base:
        head = "<tr><th></th><th>{}</th><th>{}</th></tr>".format(_("this run"), _("vs baseline"))
    return f"<table class='sim-summary'>{head}{''.join(rows)}</table>"


class RunPanel:
    """Sliders for some scenario fields, a Run button, the daily chart and the summary.

    `panel.run_with(values)` is the callback as a plain method: tests call it directly or
    set a slider and call `panel.button.click()`. `start` sets sliders away from the
    scenario's own values (e.g. a smaller population, so that a run takes about a second).
    """

    def __init__(
        self,
        scenario: Scenario,
        levers: list[Lever],
        seed: int = 7,
        show_baseline: bool = True,
        start: dict[str, float] | None = None,
    ) -> None:
        self.scenario = scenario
        self.levers = levers
        self.seed = seed
        self.sliders: dict[str, w.Widget] = {}
        for lv in levers:
            _info, value = paths.field_at(scenario, lv.path)
            self.sliders[lv.path] = lever_slider(lv, (start or {}).get(lv.path, value))
        self.seed_box = w.IntText(
            value=seed, description=_("seed"), style={"description_width": "140px"}
        )
        self.button = run_button(lambda: self.update())
        self.status, self.table, self.out = run_outputs()
        self.baseline: Result | None = None
        self.result: Result | None = None
        self.figure = None
        self.show_baseline = show_baseline
        self.widget = w.VBox(
            [
                *self.sliders.values(),
                self.seed_box,
                w.HBox([self.button, self.status]),
                self.table,
                self.out,
            ]
        )

    def values(self) -> dict[str, float]:
        return {path: s.value for path, s in self.sliders.items()}

    def run_with(self, values: dict[str, float], seed: int | None = None) -> Result:
        """Run the scenario with these lever values (the first run becomes the baseline)."""
        scenario = with_values(self.scenario, values, source="your levers")
        result = run(scenario, seed=self.seed if seed is None else seed, progress=False)
        if self.baseline is None:
            self.baseline = result
        self.result = result
        return result

    def update(self) -> None:
        """Button callback: run with the sliders' values and redraw."""
        self.status.value = _("running…")
        try:
            result = self.run_with(self.values(), seed=self.seed_box.value)
        except ValueError as exc:  # an impossible combination of levers
            self.status.value = f"<span style='color:#b00'>{html.escape(explain(exc))}</span>"
            return
        base = self.baseline if self.show_baseline and self.baseline is not result else None
        s = result.summary()
        self.status.value = _(
            "{customers:,} customers, {orders:,} orders, seed {seed}",
            customers=s["customers"],
            orders=s["orders"],
            seed=result.seed,
        )
        self.table.value = summary_html(result, base)
        fig = plot_daily(
            result.tables["daily"],
            result.scenario.catalogue.currency,
            baseline=base.tables["daily"] if base is not None else None,
        )
        self.figure = fig
        show_figure(self.out, fig)

    def _ipython_display_(self) -> None:
        if self.result is None:
            self.update()
        display(self.widget)

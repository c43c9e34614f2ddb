"""Threshold sliders that redraw an analysis: a thin ipywidgets layer over a plain function.

`ThresholdPanel(sliders, draw)`: whenever a slider moves, `draw(values)` returns (html, figure)
and the panel shows them. `panel.update()` is the callback; tests set `slider.value` and read
`panel.html.value` / `panel.figure` without a browser.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import matplotlib.pyplot as plt
from IPython.display import display
from matplotlib.figure import Figure

from sim.i18n import _

Draw = Callable[[dict[str, float]], tuple[str, Figure | None]]


def slider(description: str, value: float, minimum: float, maximum: float, step: float):
    """A FloatSlider (IntSlider for whole steps) with the `sim-threshold` CSS class."""
    whole = all(float(v).is_integer() for v in (value, minimum, maximum, step))
    cls = w.IntSlider if whole else w.FloatSlider
    s = cls(
        value=value,
        min=minimum,
        max=maximum,
        step=step,
        description=description,
        continuous_update=False,
        style={"description_width": "180px"},
        layout=w.Layout(width="520px"),
    )
    s.add_class("sim-threshold")
    return s


class ThresholdPanel:
    """Sliders plus an HTML summary and a chart, redrawn by `draw` on every change."""

    def __init__(self, sliders: dict[str, w.Widget], draw: Draw) -> None:
        self.sliders = sliders
        self.draw = draw
        self.html = w.HTML()
        self.html.add_class("sim-threshold-summary")
        self.out = w.Output()
        self.out.add_class("sim-chart")
        self.figure: Figure | None = None
        for s in sliders.values():
            s.observe(lambda _change: self.update(), names="value")
        self.widget = w.VBox([*sliders.values(), self.html, self.out])
        self.update()

    def values(self) -> dict[str, float]:
        return {name: s.value for name, s in self.sliders.items()}

    def update(self) -> None:
        """Slider callback: recompute with the current values and redraw."""
        text, fig = self.draw(self.values())
        self.html.value = text
        self.figure = fig
        self.out.clear_output(wait=True)
        if fig is not None:
            with self.out:
                display(fig)
            plt.close(fig)

    def _ipython_display_(self) -> None:
        display(self.widget)


def pyramid_panel(value, revenue=None) -> ThresholdPanel:
    """Sliders for the VIP and high-potential shares; redraws the value pyramid (金字塔模型)."""
    from sim.analytics import value_pyramid
    from sim.views.analytics_plots import plot_pyramid

    shown = value if revenue is None else revenue

    def draw(v: dict[str, float]) -> tuple[str, Figure]:
        vip = v["VIP share"]
        high = max(v["VIP + high potential share"], vip)
        tiers = value_pyramid(value, vip=vip, high_potential=high)
        top = shown[tiers == "VIP"].sum() / shown.sum()
        text = _(
            "<b>VIP</b>: {vip:,} customers bring {share} of value; <b>high potential</b>: {high:,}",
            vip=int((tiers == "VIP").sum()),
            share=f"{top:.1%}",
            high=int((tiers == "high potential").sum()),
        )
        return text, plot_pyramid(tiers, shown)

    return ThresholdPanel(
        {
            "VIP share": slider(_("VIP share"), 0.05, 0.01, 0.30, 0.01),
            "VIP + high potential share": slider(_("VIP + high potential"), 0.20, 0.05, 0.60, 0.01),
        },
        draw,
    )


def warning_panel(
    flags_for, churn_day, as_of: float, offer_cost: float, win_rate: float, value_if_won: float
) -> ThresholdPanel:
    """Sliders for the inactivity days and the P(alive) threshold; redraws both scores.

    `flags_for(days, threshold)` returns a DataFrame with rule_flag_day and model_flag_day
    (e.g. a partial of sim.analytics.warning_table).
    """
    from sim.analytics import score_warnings, winback_value
    from sim.views.analytics_plots import plot_warning_scores

    def draw(v: dict[str, float]) -> tuple[str, Figure]:
        flags = flags_for(v["no order for (days)"], v["P(alive) below"])
        scores = {}
        rows = []
        for name, col in ((_("rule"), "rule_flag_day"), (_("model"), "model_flag_day")):
            s = score_warnings(flags[col], churn_day, as_of, cost_per_false_alarm=offer_cost)
            scores[name] = s.as_dict()
            net = winback_value(s, offer_cost, win_rate, value_if_won)
            rows.append(
                f"<tr><td>{name}</td><td>{s.flagged:,}</td><td>{s.precision:.2f}</td>"
                f"<td>{s.recall:.2f}</td><td>{s.median_lead_days:.0f}</td>"
                f"<td>{s.false_alarm_cost:,.0f}</td><td>{net:,.0f}</td></tr>"
            )
        columns = (
            _("flagged"),
            _("precision"),
            _("recall"),
            _("lead days"),
            _("false-alarm cost"),
            _("win-back net"),
        )
        head = "<tr><th></th>" + "".join(f"<th>{c}</th>" for c in columns) + "</tr>"
        return f"<table class='sim-scores'>{head}{''.join(rows)}</table>", plot_warning_scores(
            scores
        )

    return ThresholdPanel(
        {
            "no order for (days)": slider(_("no order for (days)"), 90, 15, 240, 5),
            "P(alive) below": slider(_("P(alive) below"), 0.5, 0.05, 0.95, 0.05),
        },
        draw,
    )

"""Notebook 03's panel: loyalty-rule sliders, Run, and a what-if table with intervals.

The callback is `sim.experiments.what_if` (today's program against the sliders' rules, the
same customers in both, a few replications): tests move a slider and call `update()`.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd
from IPython.display import display

from sim import paths
from sim.experiments import what_if
from sim.scenario import Scenario, ScenarioError
from sim.views.lab import LAB_LEVERS, LeverSpec, lab_levers
from sim.views.noise import REPLICATIONS, noise_style
from sim.views.widgets import Lever, explain, lever_slider, run_button

# The lab's loyalty levers, the same specs: one definition of what each moves and how far.
LOYALTY_LEVERS: tuple[LeverSpec, ...] = tuple(s for s in LAB_LEVERS if s.group == "Loyalty rules")


def loyalty_levers(program: Scenario) -> list[Lever]:
    """The weekend multiplier, the gold threshold, the expiry months (up to the longest that
    acts in `program`'s horizon) and the birthday bonus of a program."""
    return lab_levers(program, LOYALTY_LEVERS)


class LoyaltyPanel:
    """Sliders for a program's rules, a Run button, and the what-if table: baseline, your
    rules, the paired difference with its 95% interval, grey where within noise."""

    def __init__(
        self,
        program: Scenario,
        levers: list[Lever] | None = None,
        seed: int = 7,
        replications: int = REPLICATIONS,
        customers: int | None = None,
        days: int | None = None,
    ) -> None:
        self.program = program
        sized = program.with_overrides(customers=customers, days=days)
        self.levers = levers if levers is not None else loyalty_levers(sized)
        self.seed, self.replications = seed, replications
        self.size = {"customers": customers, "days": days}
        self.sliders = {
            lv.path: lever_slider(lv, paths.value_at(program, lv.path), "170px", "520px")
            for lv in self.levers
        }
        self.button = run_button(lambda: self.update())
        self.status = w.HTML()
        self.out = w.Output()
        self.table: pd.DataFrame | None = None
        self.widget = w.VBox([*self.sliders.values(), w.HBox([self.button, self.status]), self.out])

    def values(self) -> dict[str, float]:
        return {path: s.value for path, s in self.sliders.items()}

    def update(self) -> pd.DataFrame | None:
        """Run: the what-if table of the sliders' rules (None, with the reason in the status
        line, when they make an impossible program, e.g. gold above platinum)."""
        self.status.value = "running…"
        try:
            table = what_if(self.program, self.values(), self.replications, self.seed, **self.size)
        except (ScenarioError, ValueError) as exc:
            self.status.value = f"<span style='color:#b00'>{html.escape(explain(exc))}</span>"
            return None
        self.status.value = (
            "difference = your rules − today's program, 95% interval over "
            f"{self.replications} replications; grey rows: within noise"
        )
        self.table = table
        self.out.clear_output(wait=True)
        with self.out:
            display(noise_style(table))
        return table

    def _ipython_display_(self) -> None:
        display(self.widget)

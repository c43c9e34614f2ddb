"""The strategy lab's figures of one run: what its table and cost chart show.

Kept apart from the lab's widgets and charts so that a worker process computing the
replications behind the intervals imports only the simulator and sim.figures.
"""

from __future__ import annotations

from sim.i18n import N_
from sim.result import Result
from sim.runner import run
from sim.scenario import Scenario

# The lab's table, top to bottom; labels, units and formulas are those of sim.figures.
LAB_FIGURES = (
    "retention",
    "active_at_end",
    "revenue",
    "gross_margin",
    "margin_after_costs",
    "nps",
    "strategy_cost",
    "staff_cost",
    "points_liability",
    "referred",
    "complaints",
    "first_response_hours",
    "resolution_hours",
    "promise_kept",
    "inquiries",
    "inquiry_wait_hours",
)
# The parts of the cost chart: figure and legend.
COST_PARTS = (
    ("reward_cost", N_("rewards")),
    ("discounts", N_("discounts + coupons")),
    ("outreach_cost", N_("messages")),
    ("desk_cost", N_("service desk")),
)


def lab_figures(result: Result) -> dict[str, float | None]:
    """The lab's figures of one run (the table's and the charts'), from its summary."""
    s = result.summary()
    names = dict.fromkeys([*LAB_FIGURES, *(k for k, _label in COST_PARTS)])
    return {name: s.get(name) for name in names}


def run_figures(scenario: Scenario, seed: int) -> dict[str, float | None]:
    """Simulate `scenario` with `seed` and keep only its lab figures (what a worker returns)."""
    return lab_figures(run(scenario, seed=seed, progress=False))

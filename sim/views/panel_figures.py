"""The figures a panel shows of one run: the strategy lab's table and cost chart, the
outreach panel's headline, the desk panel's policy row.

Kept apart from the panels' widgets and charts: a worker process computing the replications
behind the intervals (sim.views.noise) imports only the simulator and the analytics.
"""

from __future__ import annotations

from sim.analytics.feedback import outreach_headline
from sim.analytics.service import policy_row
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


def lab_figures_of(world: Scenario, seed: int) -> dict[str, float | None]:
    """Simulate `world` with `seed` and keep only its lab figures (what a worker returns)."""
    return lab_figures(run(world, seed=seed, progress=False))


def outreach_figures_of(world: Scenario, seed: int) -> dict:
    """The outreach panel's headline figures of one run of `world`."""
    return outreach_headline(run(world, seed=seed, progress=False).tables, world.horizon_days)


def policy_figures_of(world: Scenario, seed: int) -> dict:
    """The desk panel's policy figures of one run of `world`."""
    return policy_row(run(world, seed=seed, progress=False))

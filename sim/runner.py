"""`sim.run`: build a world from a scenario, run it, return its Result."""

from __future__ import annotations

from pathlib import Path

from sim.result import Result
from sim.scenario import Scenario, load_scenario
from sim.world import World, quiet_gc

# Worlds bigger than this show a progress bar unless told otherwise.
PROGRESS_THRESHOLD = 50_000


def run(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    customers: int | None = None,
    days: int | None = None,
    progress: bool | None = None,
    settle: bool | None = None,
) -> Result:
    """Simulate `scenario` (a Scenario or a YAML path) and return its tables.

    `customers` and `days` override the population size and horizon; `seed` defaults to
    the scenario's own. Same scenario and seed give identical tables. `settle=False`
    places every order as its own SimPy event (the slow reference the fast paths equal).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if customers is not None or days is not None:
        scenario = scenario.with_overrides(customers=customers, days=days)
    with quiet_gc():  # till the world is freed: it owes the collector nothing then
        world = World(scenario, seed=seed, settle=settle)
        if progress is None:
            expected = scenario.population.initial_customers + (
                scenario.population.acquisitions_per_day * scenario.horizon_days
            )
            progress = expected > PROGRESS_THRESHOLD
        world.run(progress=progress)
        tables, seed = world.tables(), world.seed
        world.close()
        del world
    return Result(tables=tables, scenario=scenario, seed=seed)

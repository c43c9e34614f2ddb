"""Optional sections of a scenario (service desk, shocks, ...): their typed models.

Each is off when absent from the scenario file. The models share `base.Section`, which
forbids unknown keys so a typo is reported with a "did you mean" hint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.scenario import Scenario

# The scenario blocks that can touch a customer between their orders.
SHARED_SECTIONS = ("loyalty", "service", "outreach", "surveys", "shocks")


def settles(scenario: Scenario) -> bool:
    """Whether each shopper's whole life can be settled at once (sim.world.customers.settle):
    a non-contractual world with every shared section off, a path far lighter on time and
    memory (sim.runsize counts it apart)."""
    return scenario.setting.kind != "contractual" and all(
        getattr(scenario, s) is None for s in SHARED_SECTIONS
    )

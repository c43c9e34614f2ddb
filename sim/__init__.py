"""Customer-management workbench: a reproducible simulated customer world.

>>> import sim
>>> scenario = sim.load_scenario("scenarios/coffee_chain.yaml")
>>> result = sim.run(scenario, seed=7, customers=500, days=90)
>>> result.tables["orders"].head()

`import sim` loads none of pandas, SimPy or matplotlib: each public name below is imported
the first time it is used (sim.lazy), so a command that only prints its help starts at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_names

if TYPE_CHECKING:  # for type checkers and editors; at run time the names load on first use
    from sim import datasets
    from sim.datasets import SCENARIOS
    from sim.experiments import compare
    from sim.i18n import language_in_use, set_language
    from sim.result import Result
    from sim.runner import run
    from sim.scenario import Scenario, ScenarioError, load_scenario, parse_scenario

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "SCENARIOS": "sim.datasets",
        "Result": "sim.result",
        "Scenario": "sim.scenario",
        "ScenarioError": "sim.scenario",
        "compare": "sim.experiments",
        "datasets": "sim.datasets",
        "language_in_use": "sim.i18n",
        "load_scenario": "sim.scenario",
        "parse_scenario": "sim.scenario",
        "run": "sim.runner",
        "set_language": "sim.i18n",
    },
)

__all__ = [
    "SCENARIOS",
    "Result",
    "Scenario",
    "ScenarioError",
    "compare",
    "datasets",
    "language_in_use",
    "load_scenario",
    "parse_scenario",
    "run",
    "set_language",
]
__version__ = "0.1.0"

"""Customer-management workbench: a reproducible simulated customer world.

>>> import sim
>>> scenario = sim.load_scenario("scenarios/coffee_chain.yaml")
>>> result = sim.run(scenario, seed=7, customers=500, days=90)
>>> result.tables["orders"].head()
"""

from sim import datasets
from sim.datasets import SCENARIOS
from sim.experiments import compare
from sim.i18n import language_in_use, set_language
from sim.result import Result
from sim.runner import run
from sim.scenario import Scenario, ScenarioError, load_scenario, parse_scenario

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

"""Shared test worlds: the shipped scenarios, and the coffee chain with its sections off."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.scenario import Scenario
from sim.sections import SHARED_SECTIONS

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
B2B = ROOT / "scenarios" / "b2b_contracts.yaml"
TELECOM = ROOT / "scenarios" / "telecom_service.yaml"


def pure(path: Path = COFFEE, **changes) -> Scenario:
    """A shipped scenario with every acting section off: a pure BG/NBD (or contract)
    world, plus `changes` (top-level keys, or nested ones spelt a__b)."""
    data = sim.load_scenario(path).model_dump()
    for key in SHARED_SECTIONS:
        data[key] = None
    for key, value in changes.items():
        target = data
        *parents, leaf = key.split("__")
        for p in parents:
            target = target[p]
        target[leaf] = value
    return Scenario.model_validate(data)

"""The shipped datasets load, follow the contract, and are what their command makes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim import datasets

ROOT = Path(__file__).resolve().parents[1]


def test_coffee_chain_loads_with_types():
    tables = datasets.load("coffee_chain")
    for name in (
        "customers",
        "orders",
        "daily",
        "points_ledger",
        "tiers",
        "tickets",
        "touches",
        "surveys",
    ):
        assert name in tables, name
    orders = tables["orders"]
    assert pd.api.types.is_datetime64_any_dtype(orders["date"])
    assert isinstance(orders["category"].dtype, pd.CategoricalDtype)
    assert tables["customers"]["customer_id"].is_unique
    assert 2000 < len(tables["customers"]) < 6000


def test_coffee_chain_is_exactly_what_the_documented_command_makes():
    """datasets/README.md's command regenerates these files; if the engine changes, this
    fails until `make datasets` is run again."""
    summary = datasets.summary("coffee_chain")
    scenario = sim.load_scenario(ROOT / "datasets" / "coffee_chain" / "scenario.yaml")
    fresh = sim.run(scenario, seed=summary["seed"])
    assert fresh.summary() == json.loads(json.dumps(summary))
    shipped = datasets.load("coffee_chain", ["orders", "customers"])
    assert np.array_equal(shipped["orders"]["amount"], fresh["orders"]["amount"])
    assert np.array_equal(shipped["orders"]["day"], fresh["orders"]["day"])
    assert list(shipped["customers"]["name"]) == list(fresh["customers"]["name"])
    readme = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    assert "python -m sim run scenarios/coffee_chain.yaml" in readme


def test_every_contract_column_is_documented():
    readme = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    tables = datasets.load("coffee_chain")
    for name, df in tables.items():
        assert f"### {name}" in readme, f"table {name} has no section in datasets/README.md"
        for col in df.columns:
            assert f"`{col}`" in readme, f"{name}.{col} is not documented"


def test_unknown_dataset_names_the_available_ones():
    with pytest.raises(FileNotFoundError, match="coffee_chain"):
        datasets.load("cofee_chain")


def test_the_loader_is_reachable_after_import_sim_alone():
    """README's `sim.datasets.load(...)` works with nothing but `import sim` (a fresh process,
    so no earlier test has imported sim.datasets already)."""
    code = "import sim; print(len(sim.datasets.load('coffee_chain')['customers']))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) > 1000

"""Every lever moves what it claims to move.

Each lever of the strategy lab (sim.views.lab.LAB_LEVERS), of the outreach panel
(outreach_levers), of notebook 03's loyalty panel (loyalty_levers) and each control of
the desk policy panel (POLICY_MOVES) declares the figures it moves. The shipped coffee
chain, in a small world, runs at the lever's low and at its high end with the same few
replication seeds (common random numbers); for every claimed figure the paired difference
high − low must clear its 95% interval. Runs are shared between levers (a lever's end that
is the scenario's own value is the one default world), and only the figures are kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sim
from sim.experiments.design import replication_seeds, with_values
from sim.experiments.runner import Task, execute
from sim.experiments.stats import mean_ci
from sim.figures import FIGURES
from sim.scenario import Scenario
from sim.views.lab import lab_levers, run_months
from sim.views.loyalty_views import loyalty_levers
from sim.views.outreach_views import outreach_levers
from sim.views.service_views import POLICY_MOVES, PolicyPanel, with_policy

ROOT = Path(__file__).resolve().parents[1]
COFFEE = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml")
# Small enough for the whole file to take about a minute and a half on one core (42
# distinct worlds, 3 seeds each), under a minute on two.
WORLD = {"customers": 400, "days": 180}
SEEDS = replication_seeds(2026, 3)
# The escalation and compensation controls act only on complaints (some 10-20 a run in this
# world; a case sent to level 2 may also wait for the next opening): six seeds, the first
# three the same.
REPLICATIONS = {"desk panel: escalation": 6, "desk panel: compensation": 6}
SHIPPED = COFFEE.with_overrides(**WORLD)


def seeds_of(name: str) -> list[int]:
    return replication_seeds(2026, REPLICATIONS.get(name, len(SEEDS)))


def _key(scenario: Scenario) -> str:
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


def _control_ends(control) -> tuple:
    """The low and high end of a panel control: a slider's bounds, a checkbox off and on,
    a drop-down's first and last option."""
    if hasattr(control, "options"):
        return control.options[0], control.options[-1]
    if isinstance(control.value, bool):
        return False, True
    return control.min, control.max


def lever_ends(scenario: Scenario = SHIPPED) -> dict[str, tuple[Scenario, Scenario, tuple]]:
    """Every lever by a readable name: (world at its low end, at its high end, its claims)."""
    out: dict[str, tuple[Scenario, Scenario, tuple]] = {}
    panels = (
        ("lab", lab_levers(scenario)),
        ("outreach", outreach_levers(scenario)),
        ("loyalty panel", loyalty_levers(scenario)),  # notebook 03 (the lab's runs, shared)
    )
    for where, levers in panels:
        for lv in levers:
            low, high = (
                with_values(scenario, {lv.path: v}, source="lever test")
                for v in (lv.minimum, lv.maximum)
            )
            out[f"{where}: {lv.path}"] = (low, high, lv.moves)
    panel = PolicyPanel(scenario)
    for name, control in panel.controls.items():
        own = control.value
        ends = []
        for value in _control_ends(control):
            control.value = value
            ends.append(with_policy(scenario, panel.policy()))
        control.value = own
        out[f"desk panel: {name}"] = (*ends, POLICY_MOVES[name])
    return out


def run_figures(worlds: list[tuple[Scenario, list[int]]]) -> dict[tuple[str, int], dict]:
    """The figures of each distinct world with each of its seeds, run on the experiments'
    own local processes (one per core)."""
    tasks: dict[tuple[str, int], Task] = {}
    for scenario, seeds in worlds:
        key = _key(scenario)
        for seed in seeds:
            tasks.setdefault((key, seed), Task(key, 0, seed, scenario))
    outcome = execute(list(tasks.values()), executor=None, progress=False)
    return dict(zip(tasks, outcome.metrics, strict=True))


def paired_move(runs: dict, low: Scenario, high: Scenario, figure: str, seeds: list[int]):
    """(mean, 95% CI low, CI high, n) of `figure` at the high end minus the low end,
    replication by replication."""
    a, b = _key(low), _key(high)
    diffs = []
    for seed in seeds:
        lo, hi = runs[(a, seed)].get(figure), runs[(b, seed)].get(figure)
        if lo is not None and hi is not None:
            diffs.append(hi - lo)
    return mean_ci(diffs)


LEVERS = lever_ends()


@pytest.fixture(scope="module")
def runs() -> dict:
    worlds = [(w, seeds_of(name)) for name, (low, high, _) in LEVERS.items() for w in (low, high)]
    return run_figures(worlds)


def test_every_lever_declares_figures_that_exist():
    assert len(LEVERS) >= 25
    for name, (low, high, moves) in LEVERS.items():
        assert moves, f"{name} claims to move nothing"
        unknown = [m for m in moves if m not in FIGURES]
        assert not unknown, f"{name}: no such figure {unknown}"
        assert _key(low) != _key(high), f"{name}: its two ends are the same world"


def test_the_expiry_slider_stops_where_points_can_still_expire():
    """Points are earned from day 0; under month_end expiry of m months a point of the first
    month expires at the start of month m + 1 after it. In the lab's one-year world 10
    months is the longest that acts, in this file's half year 4: one month more and not a
    single point expires. The slider stops there, or at the scenario's own value."""
    assert run_months(COFFEE) == 10 and run_months(SHIPPED) == 4
    assert run_months(COFFEE.with_overrides(days=730)) == 22

    def expired(months: int) -> float:
        world = with_values(SHIPPED, {"loyalty.expiry.months": months}, source="lever test")
        return sim.run(world, seed=SEEDS[0]).summary()["points_expired"]

    assert expired(4) > 0 and expired(5) == 0
    short = with_values(COFFEE, {"loyalty.expiry.months": 3}, source="lever test")
    expiry = {lv.path: lv for lv in lab_levers(short)}["loyalty.expiry.months"]
    assert expiry.maximum == 10
    own = {lv.path: lv for lv in lab_levers(COFFEE)}["loyalty.expiry.months"]
    assert own.maximum == 12  # the program's own 12 months, inert in one year, stays


@pytest.mark.parametrize("name", list(LEVERS))
def test_the_lever_moves_what_it_claims(runs, name):
    low, high, moves = LEVERS[name]
    seeds = seeds_of(name)
    for figure in moves:
        mean, ci_low, ci_high, n = paired_move(runs, low, high, figure, seeds)
        assert n == len(seeds), f"{name}: {figure} missing in some runs"
        assert ci_low > 0 or ci_high < 0, (
            f"{name} does not move {figure} beyond run-to-run noise: "
            f"high − low = {mean:.4g}, 95% CI [{ci_low:.4g}, {ci_high:.4g}]"
        )

"""Experiments end to end on tiny worlds: CRN, known effects, executors, resume."""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiments import compare
from sim.experiments import runner as runner_mod

COFFEE = "scenarios/coffee_chain.yaml"
SMALL = {"customers": 300, "days": 120, "progress": False}
MORE = {"population": {"acquisitions_per_day": 12}}  # the coffee chain's 6, doubled


@pytest.fixture(scope="module")
def base() -> sim.Scenario:
    return sim.load_scenario(COFFEE)


@pytest.fixture(scope="module")
def serial(base):
    return compare(
        base, {"same": {}, "more": MORE}, replications=4, seed=11, executor="serial", **SMALL
    )


def test_identical_variant_has_zero_difference_and_zero_width_ci(serial):
    same = serial.table[serial.table["variant"] == "same"]
    assert len(same) >= 6
    assert (same["difference"] == 0).all()
    assert (same["ci_low"] == 0).all() and (same["ci_high"] == 0).all()
    assert (same["n"] == 4).all() and not same["significant"].any()


def test_known_effect_shows_with_a_ci_excluding_zero(serial):
    t = serial.table.set_index(["variant", "metric"])
    rev = t.loc[("more", "revenue")]
    assert rev["difference"] > 0 and rev["ci_low"] > 0 and rev["significant"]
    assert rev["variant_mean"] - rev["baseline_mean"] == pytest.approx(rev["difference"])
    assert t.loc[("more", "active_at_end"), "ci_low"] > 0


def test_table_shape_and_runs_use_the_shared_seeds(serial):
    t = serial.table
    assert list(t.columns[:8]) == [
        "variant",
        "metric",
        "baseline_mean",
        "variant_mean",
        "difference",
        "ci_low",
        "ci_high",
        "n",
    ]
    assert serial.replications == 4 and serial.names == ["baseline", "same", "more"]
    seeds = serial.runs.groupby("variant")["seed"].apply(lambda s: sorted(set(s)))
    assert seeds["baseline"] == seeds["more"] == sorted(serial.seeds)
    assert {"retention", "revenue", "margin_after_costs"} <= set(t["metric"])
    # the baseline's revenue in a run equals a plain sim.run with that replication's seed
    one = sim.run(sim.load_scenario(COFFEE), seed=serial.seeds[2], customers=300, days=120)
    runs = serial.runs
    stored = runs[
        (runs["variant"] == "baseline") & (runs["replication"] == 2) & (runs["metric"] == "revenue")
    ]["value"]
    assert stored.item() == one.summary()["revenue"]


def test_process_pool_and_executor_instance_give_the_same_table(serial, base):
    variants = {"same": {}, "more": MORE}
    pool = compare(base, variants, replications=4, seed=11, executor=2, **SMALL)
    pd.testing.assert_frame_equal(pool.table, serial.table)
    with cf.ThreadPoolExecutor(2) as ex:
        threads = compare(base, variants, replications=4, seed=11, executor=ex, **SMALL)
    pd.testing.assert_frame_equal(threads.table, serial.table)


def test_resume_computes_only_the_missing_runs(tmp_path, base, monkeypatch):
    calls = []
    real = runner_mod.run_task

    def counting(task):
        calls.append((task.label, task.replication))
        return real(task)

    monkeypatch.setattr(runner_mod, "run_task", counting)
    variants = {"more": MORE}
    first = compare(
        base, variants, replications=3, seed=5, executor="serial", out=tmp_path, **SMALL
    )
    assert len(calls) == 6 and first.computed == 6 and first.reused == 0
    files = sorted(tmp_path.glob("*/rep-*.json"))
    assert len(files) == 6
    files[0].unlink()
    files[4].unlink()
    calls.clear()
    again = compare(
        base, variants, replications=3, seed=5, executor="serial", out=tmp_path, **SMALL
    )
    assert len(calls) == 2 and again.computed == 2 and again.reused == 4
    pd.testing.assert_frame_equal(again.table, first.table)
    # more replications later: only the new ones run
    calls.clear()
    more = compare(base, variants, replications=4, seed=5, executor="serial", out=tmp_path, **SMALL)
    assert sorted(calls) == [("baseline", 3), ("more", 3)]
    assert more.reused == 6
    # a changed variant under the same name is not mixed up with the stored runs
    calls.clear()
    compare(
        base,
        {"more": {"population": {"acquisitions_per_day": 10}}},
        replications=3,
        seed=5,
        executor="serial",
        out=tmp_path,
        **SMALL,
    )
    assert sorted(calls) == [("more", 0), ("more", 1), ("more", 2)]


def test_interrupted_run_keeps_what_finished(tmp_path, base, monkeypatch):
    real = runner_mod.run_task
    done = []

    def flaky(task):
        if len(done) == 3:
            raise KeyboardInterrupt
        done.append(task)
        return real(task)

    monkeypatch.setattr(runner_mod, "run_task", flaky)
    with pytest.raises(KeyboardInterrupt):
        compare(
            base, {"more": MORE}, replications=3, seed=5, executor="serial", out=tmp_path, **SMALL
        )
    assert len(list(tmp_path.glob("*/rep-*.json"))) == 3
    assert not list(tmp_path.glob("*/.*.tmp"))
    monkeypatch.setattr(runner_mod, "run_task", real)
    resumed = compare(
        base, {"more": MORE}, replications=3, seed=5, executor="serial", out=tmp_path, **SMALL
    )
    assert resumed.reused == 3 and resumed.computed == 3


def test_variants_are_validated_before_anything_runs(base, tmp_path):
    with pytest.raises(sim.ScenarioError, match="population.acquisitions_per_day"):
        compare(base, {"bad": {"population": {"acquisitions_per_day": -1}}}, replications=2)
    with pytest.raises(ValueError, match="baseline"):
        compare(base, {"baseline": {}}, replications=2)
    with pytest.raises(ValueError, match="executor"):
        compare(base, {"same": {}}, replications=2, executor=object(), **SMALL)


def test_dask_local_cluster_gives_the_same_table(serial, base):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        variants = {"same": {}, "more": MORE}
        by_client = compare(base, variants, replications=4, seed=11, executor=client, **SMALL)
        by_address = compare(
            base,
            {"more": MORE},
            replications=2,
            seed=11,
            executor=cluster.scheduler_address,
            **SMALL,
        )
    pd.testing.assert_frame_equal(by_client.table, serial.table)
    sub = serial.runs[serial.runs["variant"].isin(["baseline", "more"])]
    sub = sub[sub["replication"] < 2].reset_index(drop=True)
    assert np.array_equal(by_address.runs["value"].to_numpy(), sub["value"].to_numpy())


def test_sweep_grid_table_and_pivot(base):
    from sim.experiments import grid_points, sweep

    grid = {
        "catalogue.categories[0].margin": [0.5, 0.7],
        "population.acquisitions_per_day": [6, 12],
    }
    assert grid_points(grid)[:2] == [
        {"catalogue.categories[0].margin": 0.5, "population.acquisitions_per_day": 6},
        {"catalogue.categories[0].margin": 0.5, "population.acquisitions_per_day": 12},
    ]
    sw = sweep(base, grid, replications=2, seed=3, executor="serial", **SMALL)
    t = sw.table
    assert len(t[t["metric"] == "revenue"]) == 4 and (t["n"] == 2).all()
    pv = sw.pivot("gross_margin")
    assert pv.shape == (2, 2)
    assert pv.index.name == "catalogue.categories[0].margin"
    assert list(pv.columns) == [6, 12]
    # margin only changes gross margin, not revenue: same customers under CRN
    rev = sw.pivot("revenue")
    assert rev.loc[0.5, 6] == rev.loc[0.7, 6]
    assert pv.loc[0.7, 6] > pv.loc[0.5, 6]
    # the coffee chain's margin is 0.7 and it gets 6 a day: that point equals the baseline
    d = sw.pivot("gross_margin", value="difference")
    assert d.loc[0.7, 6] == 0 and d.loc[0.5, 6] < 0
    with pytest.raises(sim.ScenarioError, match="margin"):
        sweep(base, {"catalogue.categories[0].margin": [2.0]}, replications=2, **SMALL)


def test_loyalty_program_against_no_program(base):
    """The shipped variant switches the coffee chain's program off: its whole cost goes."""
    assert base.loyalty is not None  # coffee_chain.yaml ships with its program
    cmp = compare(
        base,
        {"no_program": "scenarios/variants/no_program.yaml"},
        replications=2,
        seed=3,
        executor="serial",
        **SMALL,
    )
    t = cmp.table.set_index("metric")
    cost = t.loc["program_cost"]
    assert cost["baseline_mean"] > 0 and cost["variant_mean"] == 0
    assert cost["difference"] == -cost["baseline_mean"]
    issued = t.loc["points_issued"]  # only the baseline has points: no pairs to compare
    assert issued["baseline_mean"] > 0 and issued["n"] == 0 and np.isnan(issued["difference"])
    rewards = cmp.rewards()
    assert set(rewards["variant"]) == {"baseline"} and len(rewards) == len(base.loyalty.rewards)
    assert ((rewards["redemption_rate"] >= 0) & (rewards["redemption_rate"] <= 1)).all()
    mix = cmp.tier_mix()
    assert list(mix.index) == ["baseline"] and "gold" in mix.columns

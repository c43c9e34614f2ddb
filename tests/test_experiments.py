"""Experiments, the pure parts: deep merge, variants, dotted paths, seeds, CIs, metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim import figures
from sim.experiments.design import (
    Variant,
    build_variant,
    deep_merge,
    read_variant,
    replication_seeds,
    set_path,
    with_values,
)
from sim.experiments.stats import mean_ci, paired_table
from sim.experiments.sweep import grid_points
from sim.figures import nps, reward_rates
from sim.paths import value_at

COFFEE = "scenarios/coffee_chain.yaml"


# ------------------------------------------------------------------ deep merge


def test_deep_merge_mappings_merge_recursively():
    base = {"a": 1, "b": {"c": 2, "d": {"e": 3, "f": 4}}}
    patch = {"b": {"d": {"e": 30}, "g": 5}}
    assert deep_merge(base, patch) == {"a": 1, "b": {"c": 2, "d": {"e": 30, "f": 4}, "g": 5}}
    assert base == {"a": 1, "b": {"c": 2, "d": {"e": 3, "f": 4}}}  # untouched


def test_deep_merge_lists_scalars_and_null_replace():
    base = {"rules": [{"x": 1}, {"y": 2}], "n": 3, "loyalty": {"tiers": [1, 2]}}
    merged = deep_merge(base, {"rules": [{"z": 9}], "n": 4, "loyalty": None})
    assert merged == {"rules": [{"z": 9}], "n": 4, "loyalty": None}
    assert deep_merge({"a": None}, {"a": {"b": 1}}) == {"a": {"b": 1}}
    assert deep_merge({"a": 1}, {}) == {"a": 1}


def test_deep_merge_a_new_kind_replaces_the_mapping():
    base = {"setting": {"kind": "contractual", "term_days": 365}}
    assert deep_merge(base, {"setting": {"kind": "non_contractual"}}) == {
        "setting": {"kind": "non_contractual"}
    }
    same = deep_merge(base, {"setting": {"kind": "contractual", "term_days": 90}})
    assert same == {"setting": {"kind": "contractual", "term_days": 90}}


# ------------------------------------------------------------------- variants


def test_variant_file_is_merged_over_the_base(tmp_path):
    base = sim.load_scenario(COFFEE)
    f = tmp_path / "more.yaml"
    f.write_text("population:\n  acquisitions_per_day: 12\n", encoding="utf-8")
    v = build_variant(base, read_variant(f))
    assert v.population.acquisitions_per_day == 12
    assert v.population.initial_customers == base.population.initial_customers
    assert v.catalogue == base.catalogue
    assert read_variant(f).name == "more"


def test_invalid_variant_names_its_file_field_and_line(tmp_path):
    base = sim.load_scenario(COFFEE)
    f = tmp_path / "bad.yaml"
    f.write_text("# a comment\npopulation:\n  dropout: {a: -1, b: 3}\n", encoding="utf-8")
    with pytest.raises(sim.ScenarioError) as err:
        build_variant(base, read_variant(f))
    text = err.value.report()
    assert str(f) in text
    assert "population.dropout.a" in text
    assert f"{f}:3" in text


def test_variant_typo_gets_a_hint_and_bad_yaml_is_reported(tmp_path):
    base = sim.load_scenario(COFFEE)
    f = tmp_path / "typo.yaml"
    f.write_text("population:\n  acquisitions_per_dya: 3\n", encoding="utf-8")
    with pytest.raises(sim.ScenarioError, match="did you mean 'acquisitions_per_day'"):
        build_variant(base, read_variant(f))
    g = tmp_path / "list.yaml"
    g.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(sim.ScenarioError, match="partial scenario"):
        read_variant(g)
    with pytest.raises(sim.ScenarioError, match="no file"):
        read_variant(tmp_path / "missing.yaml")


def test_a_path_key_changes_one_rule_and_keeps_the_rest():
    base = sim.load_scenario(COFFEE)
    v = build_variant(base, read_variant("scenarios/variants/no_weekend_double.yaml"))
    changed = {r.name for r, b in zip(v.loyalty.rules, base.loyalty.rules, strict=True) if r != b}
    assert changed == {"weekend_double"}
    assert value_at(v, "loyalty.rules[weekend_double].multiplier") == 1
    assert v.loyalty.model_copy(update={"rules": base.loyalty.rules}) == base.loyalty
    assert v.model_copy(update={"loyalty": base.loyalty}) == base


def test_a_bad_path_key_names_its_line_and_the_nearest_name(tmp_path):
    base = sim.load_scenario(COFFEE)
    f = tmp_path / "bad.yaml"
    f.write_text("# one rule\nloyalty.rulez[weekend_double].multiplier: 2\n", encoding="utf-8")
    with pytest.raises(sim.ScenarioError) as err:
        build_variant(base, read_variant(f))
    assert f"{f}:2" in err.value.report() and "did you mean 'rules'" in err.value.report()
    f.write_text("# one rule\nloyalty.rules[weekend_double].multiplier: -3\n", encoding="utf-8")
    with pytest.raises(sim.ScenarioError) as err:
        build_variant(base, read_variant(f))
    assert f"{f}:2" in err.value.report() and "found -3" in err.value.report()


def test_empty_variant_is_the_base(tmp_path):
    base = sim.load_scenario(COFFEE)
    f = tmp_path / "empty.yaml"
    f.write_text("# nothing differs\n", encoding="utf-8")
    assert build_variant(base, read_variant(f)) == base
    assert build_variant(base, Variant("same", {})) == base


# --------------------------------------------------------------- dotted paths


def test_dotted_paths_with_list_indices_and_names():
    data = {"loyalty": {"tiers": [{"name": "silver", "threshold": 500}, {"threshold": 1500}]}}
    out = set_path(data, "loyalty.tiers[1].threshold", 2000)
    assert value_at(out, "loyalty.tiers[1].threshold") == 2000
    assert value_at(data, "loyalty.tiers[1].threshold") == 1500
    assert value_at(set_path(data, "loyalty.tiers[silver].threshold", 9), "loyalty.tiers[0]") == {
        "name": "silver",
        "threshold": 9,
    }
    for bad in ["", "a..b", "[0].a", "a.b[1", "a[]", "a[1][2]"]:
        with pytest.raises(ValueError):
            grid_points({bad: [1]})
    with pytest.raises(sim.ScenarioError, match="loyalty.tiers\\[5\\].threshold"):
        set_path(data, "loyalty.tiers[5].threshold", 1)


def test_with_values_validates_the_point():
    base = sim.load_scenario(COFFEE)
    v = with_values(base, {"catalogue.categories[0].margin": 0.5, "horizon_days": 30})
    assert v.catalogue.categories[0].margin == 0.5 and v.horizon_days == 30
    with pytest.raises(sim.ScenarioError, match="catalogue.categories\\[0\\].margin"):
        with_values(base, {"catalogue.categories[0].margin": 1.5})


# ---------------------------------------------------------------------- seeds


def test_replication_seeds_are_fixed_distinct_and_prefix_stable():
    s = replication_seeds(7, 5)
    assert s == replication_seeds(7, 5)
    assert s[:3] == replication_seeds(7, 3)  # adding replications keeps the first ones
    assert len(set(s)) == 5 and all(0 <= x < 2**63 for x in s)
    assert s != replication_seeds(8, 5)
    expected = [
        int(c.generate_state(1, dtype=np.uint64)[0]) >> 1
        for c in np.random.SeedSequence(7).spawn(5)
    ]
    assert s == expected
    with pytest.raises(ValueError):
        replication_seeds(7, 0)


# ------------------------------------------------------------------------ CIs


def test_mean_ci_matches_scipy_on_hand_data():
    x = [1.0, 3.0, 2.5, 4.0, 0.5]
    mean, low, high, n = mean_ci(x)
    ref = stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))
    assert n == 5 and mean == pytest.approx(2.2)
    assert (low, high) == pytest.approx(ref, rel=1e-12)
    # by hand: t(0.975, 4) = 2.776445, sd = 1.3964, half = 1.73391
    assert high - mean == pytest.approx(2.7764451 * np.std(x, ddof=1) / np.sqrt(5), rel=1e-6)


def test_mean_ci_degenerate_cases():
    assert mean_ci([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0, 3)
    m, lo, hi, n = mean_ci([5.0])
    assert (m, n) == (5.0, 1) and np.isnan(lo) and np.isnan(hi)
    assert mean_ci([])[3] == 0


def test_paired_table_uses_per_replication_differences():
    # baseline varies a lot between replications; the variant is always +1 or +2 above it
    base = [10.0, 50.0, 30.0, 70.0]
    var = [11.0, 52.0, 31.0, 72.0]
    rows = [("baseline", k, "revenue", v) for k, v in enumerate(base)]
    rows += [("b", k, "revenue", v) for k, v in enumerate(var)]
    runs = pd.DataFrame(rows, columns=["variant", "replication", "metric", "value"])
    t = paired_table(runs, "baseline")
    row = t.iloc[0]
    assert (row["variant"], row["metric"], row["n"]) == ("b", "revenue", 4)
    assert row["baseline_mean"] == 40.0 and row["variant_mean"] == 41.5
    assert row["difference"] == 1.5
    ref = stats.t.interval(0.95, 3, loc=1.5, scale=stats.sem([1.0, 2.0, 1.0, 2.0]))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(ref)
    assert row["ci_low"] > 0 and row["significant"]


def test_paired_table_metric_only_in_variant_has_means_but_no_difference():
    runs = pd.DataFrame(
        [("baseline", 0, "revenue", 1.0), ("p", 0, "revenue", 2.0), ("p", 0, "breakage", 0.3)],
        columns=["variant", "replication", "metric", "value"],
    )
    t = paired_table(runs, "baseline").set_index("metric")
    assert np.isnan(t.loc["breakage", "baseline_mean"]) and t.loc["breakage", "variant_mean"] == 0.3
    assert t.loc["breakage", "n"] == 0 and not t.loc["breakage", "significant"]


# -------------------------------------------------------------------- metrics


def _loyalty_tables() -> dict[str, pd.DataFrame]:
    ledger = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 2, 1],
            "day": [1.0, 2.0, 3.0, 1.5, 2.5, 40.0, -5.0],
            "delta": [100, 50, -80, 200, 20, -60, 999],
            "reason": ["earn", "bonus", "redeem", "earn", "earn", "expire", "earn"],
            "balance": [100, 150, 70, 200, 220, 160, 999],
        }
    )
    tiers = pd.DataFrame(
        {
            "customer_id": [1, 2, 2, 3],
            "day": [1.0, 2.0, 30.0, 4.0],
            "tier_from": ["member", "member", "gold", "silver"],
            "tier_to": ["silver", "gold", "silver", "platinum"],
        }
    )
    rewards = pd.DataFrame(
        {
            "reward": ["free coffee", "tumbler"],
            "points": [300, 2500],
            "cost": [8.0, 45.0],
            "times_affordable": [40, 10],
            "times_redeemed": [10, 1],
        }
    )
    redemptions = pd.DataFrame(
        {"customer_id": [1], "day": [3.0], "reward": ["free coffee"], "points": [80], "cost": [8.0]}
    )
    daily = pd.DataFrame({"day": [0, 1], "points_liability": [5.0, 12.5]})
    return {
        "points_ledger": ledger,
        "tiers": tiers,
        "rewards": rewards,
        "redemptions": redemptions,
        "daily": daily,
    }


def _hand_run(**tables) -> figures.Run:
    """The coffee chain's scenario (its tier ladder, a 365-day horizon) over hand tables."""
    scenario = sim.load_scenario("scenarios/coffee_chain.yaml")
    return figures.Run({**_loyalty_tables(), **tables}, scenario)


def test_loyalty_figures_from_hand_made_tables():
    run = _hand_run()
    assert run["points_issued"] == 370  # the history row on day -5 is outside the horizon
    assert run["points_redeemed"] == 80
    assert run["points_expired"] == 60
    assert run["breakage"] == round(60 / 140, 4)  # of the points that left, expired
    assert run["points_liability"] == 12.5
    assert run["reward_cost"] == 8.0
    assert (run["tier_moves_up"], run["tier_moves_down"]) == (3, 1)
    rates = reward_rates(run.tables["rewards"])
    assert rates == {"redemption_rate[free coffee]": 0.25, "redemption_rate[tumbler]": 0.1}


def test_reward_rates_use_the_column_when_present_and_skip_unaffordable():
    rewards = pd.DataFrame(
        {"reward": ["a", "b"], "times_affordable": [0, 4], "times_redeemed": [0, 1]}
    )
    assert reward_rates(rewards) == {"redemption_rate[b]": 0.25}
    with_col = rewards.assign(redemption_rate=[0.5, 0.05])
    assert reward_rates(with_col) == {"redemption_rate[a]": 0.5, "redemption_rate[b]": 0.05}
    assert reward_rates(None) == {}


def test_tier_moves_and_nps_on_hand_data():
    t = pd.DataFrame(
        {"day": [1.0, 2, 3, 4], "tier_from": ["member", "silver", "gold", "x"],
         "tier_to": ["silver", "gold", "member", "member"], "customer_id": [1, 1, 1, 2]}
    )  # fmt: skip
    run = _hand_run(tiers=t)
    assert (run["tier_moves_up"], run["tier_moves_down"]) == (2, 1)
    assert nps(pd.Series([10, 9, 8, 7, 6, 0, 10, 10])) == pytest.approx(100 * (4 / 8 - 2 / 8))
    assert nps(pd.Series([], dtype=float)) is None


def test_tier_mix_counts_every_tier_from_the_tiers_table():
    run = _hand_run()
    # customer 1 ends silver, 2 went gold then back to silver, 3 ends platinum
    mix = figures.tier_mix(run)
    assert (mix["silver"], mix["gold"], mix["platinum"]) == (2, 0, 1)

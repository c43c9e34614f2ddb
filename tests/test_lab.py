"""The strategy lab driven as the notebook drives it, without a browser."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import sim  # noqa: E402
from sim import figures  # noqa: E402
from sim.experiments import with_values  # noqa: E402
from sim.paths import PathError, field_at  # noqa: E402
from sim.views.lab import (  # noqa: E402
    LAB_LEVERS,
    RunCache,
    StrategyLab,
    css_name,
    lab_figures,
    lab_levers,
    numbers_html,
)
from sim.views.noise import Paired, panel_seeds  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COFFEE = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml")
SMALL = {"customers": 250, "days": 120}


@pytest.fixture
def lab() -> StrategyLab:
    # replications inline (no thread), three of them: a test reads the intervals at once
    return StrategyLab(COFFEE, seed=3, replications=3, background=False, **SMALL)


def row(table: str, name: str) -> str:
    """The row of figure `name` in the lab's numbers table."""
    label = figures.info(name).label
    return next(r for r in table.split("<tr>") if r.startswith(f"<td>{label}</td>"))


def test_every_lever_comes_from_the_schema_with_its_help_and_limits():
    levers = {lv.path: lv for lv in lab_levers(COFFEE)}
    assert list(levers) == [s.path for s in LAB_LEVERS]
    hours = levers["service.hours_open"]
    assert hours.maximum <= 24 and not hours.integer  # the schema's le=24
    assert "staffed" in hours.description
    assert levers["service.l1_agents"].integer and levers["service.l1_agents"].minimum >= 1
    weekend = levers["loyalty.rules[weekend_double].multiplier"]
    assert weekend.label == "weekend double multiplier" and "double points" in weekend.description
    assert (
        "days since the last order" in levers["outreach.triggers[churn_warning].days"].description
    )


def test_a_world_without_a_section_gets_only_the_levers_it_has():
    b2b = sim.load_scenario(ROOT / "scenarios" / "b2b_contracts.yaml")
    bare = b2b.model_copy(update={"outreach": None})
    assert bare.loyalty is None and bare.service is None and bare.outreach is None
    assert lab_levers(bare) == []
    # the B2B world has outreach but none of the lab's named triggers (churn_warning,
    # monthly_offer, winback): only the fatigue lever applies
    assert [lv.path for lv in lab_levers(b2b)] == ["outreach.fatigue.max_messages"]
    telecom = sim.load_scenario(ROOT / "scenarios" / "telecom_service.yaml")
    paths = [lv.path for lv in lab_levers(telecom)]
    assert "service.l1_agents" in paths
    assert all(p.startswith(("service.", "outreach.")) for p in paths)


def test_paths_pick_list_items_by_name_and_set_a_validated_copy():
    _, value = field_at(COFFEE, "loyalty.tiers[gold].threshold")
    assert value == 1500
    changed = with_values(
        COFFEE,
        {"loyalty.tiers[gold].threshold": 2000, "outreach.triggers[winback].coupon": 30},
    )
    assert changed.loyalty.tiers[1].threshold == 2000
    assert next(t for t in changed.outreach.triggers if t.name == "winback").coupon == 30
    assert COFFEE.loyalty.tiers[1].threshold == 1500  # the original is untouched
    with pytest.raises(PathError, match="no item named 'diamond'.*silver, gold, platinum"):
        field_at(COFFEE, "loyalty.tiers[diamond].threshold")


def test_sliders_carry_css_classes_a_browser_test_can_find(lab):
    slider = lab.sliders["service.l1_agents"]
    assert "sim-lever" in slider._dom_classes
    assert css_name("service.l1_agents") in slider._dom_classes
    assert css_name("loyalty.rules[weekend_double].multiplier") == (
        "sim-lever-loyalty-rules-weekend-double-multiplier"
    )
    assert "sim-run" in lab.button._dom_classes
    assert "sim-lab-chart" in lab.chart._dom_classes


def test_an_unchanged_world_is_served_from_the_cache(lab):
    lab.button.click()  # simulates the baseline; this run is the same world: a hit
    assert (lab.cache.misses, lab.cache.hits) == (1, 1)
    assert lab.result is lab.baseline
    lab.button.click()
    assert (lab.cache.misses, lab.cache.hits) == (1, 2)
    assert "cache" in lab.status.value

    lab.sliders["outreach.triggers[winback].coupon"].value = 40
    lab.button.click()
    assert (lab.cache.misses, lab.cache.hits) == (2, 2)
    assert "simulated" in lab.status.value
    changed = lab.result

    lab.reset_button.click()
    lab.button.click()
    assert (lab.cache.misses, lab.cache.hits) == (2, 3)
    assert lab.result is lab.baseline
    lab.sliders["outreach.triggers[winback].coupon"].value = 40
    lab.button.click()
    assert lab.result is changed and lab.cache.hits == 4


def test_the_cache_key_is_the_resolved_scenario_and_the_seed():
    cache = RunCache(maxsize=2)
    small = COFFEE.with_overrides(customers=100, days=30)
    a = cache.run(small, 1)
    assert cache.run(small, 1) is a
    b = cache.run(small, 2)
    assert b is not a and (cache.misses, cache.hits) == (2, 1)
    cache.run(with_values(small, {"service.l1_agents": 4}), 1)  # pushes the oldest out
    assert len(cache) == 2 and (small, 1) not in cache and (small, 2) in cache


def test_run_redraws_the_chart_and_the_numbers_beside_the_baseline(lab):
    lab.button.click()
    first_png, first_table = bytes(lab.chart.value), lab.table.value
    assert first_png.startswith(b"\x89PNG") and "baseline" in first_table
    lab.sliders["outreach.triggers[winback].coupon"].value = 60
    lab.sliders["outreach.triggers[churn_warning].days"].value = 10
    lab.button.click()
    assert lab.result is not lab.baseline
    assert lab.result.scenario.outreach.triggers[2].days == 10
    assert bytes(lab.chart.value) != first_png and lab.table.value != first_table
    retention_axes = lab.figure.axes[0]
    assert len(retention_axes.lines) == 2  # baseline and this run
    assert "Done" in lab.status.value and not lab.button.disabled


def test_a_lever_moved_back_shows_its_chart_again_without_redrawing(lab, monkeypatch):
    import sim.views.lab as lab_module

    drawn = []
    plot = lab_module.plot_lab
    monkeypatch.setattr(lab_module, "plot_lab", lambda *a: drawn.append(a) or plot(*a))
    coupon = lab.sliders["outreach.triggers[winback].coupon"]
    own = coupon.value
    lab.button.click()
    first = bytes(lab.chart.value)
    coupon.value = 60
    lab.button.click()
    moved = bytes(lab.chart.value)
    coupon.value = own
    lab.button.click()  # the first world again: from the cache, chart and all
    assert len(drawn) == 2 and moved != first and bytes(lab.chart.value) == first
    assert "from the cache" in lab.status.value


def test_an_impossible_lever_combination_shows_a_message_not_a_traceback(lab):
    lab.button.click()
    before = lab.result
    gold = lab.sliders["loyalty.tiers[gold].threshold"]
    assert gold.max < 4000  # the lab's slider stays below platinum's threshold...
    gold.max = 5000  # ...so widen it, as a notebook could
    gold.value = 4500
    lab.button.click()
    assert "not a valid world" in lab.status.value and "loyalty.tiers" in lab.status.value
    assert "Traceback" not in lab.status.value
    assert lab.result is before and not lab.button.disabled


def test_lab_figures_and_table_show_the_headline_figures():
    result = sim.run(COFFEE, seed=1, **SMALL)
    card = lab_figures(result)
    s = result.summary()
    assert card["revenue"] == s["revenue"] and card["nps"] == s["nps"]
    assert card["margin_after_costs"] < card["gross_margin"]
    # two agents (1 L1 + 1 L2) staffed 4 hours a day on every day of the horizon
    svc = result.scenario.service
    hours = 2 * 4 * result.scenario.horizon_days
    assert card["staff_cost"] == pytest.approx(hours * svc.agent_cost_per_hour)
    assert card["first_response_hours"] >= 0 and 0 <= card["promise_kept"] <= 1
    text = numbers_html(Paired([card], [card]))
    assert "retention" in text and "NPS" in text and "+0.0 pp" in text and "one run" in text
    assert "first-response wait" in text and "response promise kept" in text


def test_a_lever_that_moves_a_figure_is_not_within_noise_and_a_no_op_change_is():
    """Triple weekend points raise the points liability in every replication (the lever
    test's claim); moving a slider and back leaves the world as it was: every change is
    exactly 0, within noise, with no run needed."""
    lab = StrategyLab(COFFEE, seed=3, customers=400, days=180, replications=4, background=False)
    weekend = lab.sliders["loyalty.rules[weekend_double].multiplier"]
    weekend.value = 4
    lab.button.click()
    assert lab.paired.n == 4 and lab.paired.complete
    assert [len(x) for x in (lab.paired.baseline, lab.paired.variant)] == [4, 4]
    d = lab.paired.difference("points_liability")
    assert d.n == 4 and d.low > 0 and not d.within_noise
    liability = row(lab.table.value, "points_liability")
    assert "within noise" not in liability and "[+" in liability
    assert "mean of 4 runs" in lab.table.value and "95% intervals from 4 runs" in lab.note.value
    # the staff cost does not depend on the weekend rule: exactly 0 in every replication
    assert "within noise" in row(lab.table.value, "staff_cost")
    misses = lab.cache.figure_misses
    weekend.value = 2  # the scenario's own value
    lab.button.click()
    assert lab.paired.identical and lab.cache.figure_misses == misses  # nothing ran
    for name in ("points_liability", "retention", "revenue"):
        assert lab.paired.difference(name).within_noise
        assert "within noise" in row(lab.table.value, name)
    assert "exactly 0" in lab.note.value


def test_replications_share_the_seeds_and_run_in_the_background():
    # a background thread and two worker processes, as a trainee's lab on a laptop
    lab = StrategyLab(COFFEE, seed=3, replications=3, workers=2, **SMALL)
    assert lab.seeds == panel_seeds(3, 3) and lab.seeds[0] == 3 and len(set(lab.seeds)) == 3
    lab.sliders["outreach.triggers[winback].coupon"].value = 40
    lab.button.click()
    assert "Done" in lab.status.value  # the first result shows before the intervals
    lab.jobs.wait(120)
    assert lab.paired.n == 3 and "95% intervals from 3 runs" in lab.note.value
    assert lab.progress.layout.visibility == "hidden"
    # the workers' replications are the ones the kernel would have run itself, in order
    here = StrategyLab(COFFEE, seed=3, replications=3, background=False, **SMALL)
    here.sliders["outreach.triggers[winback].coupon"].value = 40
    here.button.click()
    assert lab.paired == here.paired and lab.table.value == here.table.value
    assert lab.cache.known_figures(lab.variant, lab.seeds[2]) == here.paired.variant[2]
    # the first replication is the lab's own run: the same figures as a plain run
    plain = sim.run(
        with_values(COFFEE.with_overrides(**SMALL), {"outreach.triggers[winback].coupon": 40}),
        seed=3,
    )
    assert lab.paired.variant[0] == lab_figures(plain)  # fmt: skip


def test_a_replication_that_fails_says_so_in_the_note_and_hides_the_progress_bar():
    lab = StrategyLab(COFFEE, seed=3, customers=200, days=60, replications=3, background=False)
    simulate = lab.cache.source.compute
    calls = []

    def breaks_on_the_second_seed(world, seed):
        calls.append(seed)
        if seed == lab.seeds[1]:
            raise RuntimeError("the disk is full")
        return simulate(world, seed)

    lab.cache.source.compute = breaks_on_the_second_seed
    lab.sliders["outreach.triggers[winback].coupon"].value = 40
    lab.button.click()  # ipywidgets logs the callback's error; the note says it
    assert "The intervals could not be computed: the disk is full" in lab.note.value
    assert lab.progress.layout.visibility == "hidden" and lab.paired.n == 1
    assert lab.seeds[1] in calls

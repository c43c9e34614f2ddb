"""The start-here panel, driven as a notebook would drive it, without a browser."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import sim  # noqa: E402
from sim.views.widgets import RunPanel, lever, summary_html  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml")


def make_panel() -> RunPanel:
    return RunPanel(
        SCENARIO,
        levers=[
            lever(SCENARIO, "population.initial_customers", minimum=100, maximum=5000),
            lever(SCENARIO, "horizon_days", minimum=30, maximum=730),
        ],
        seed=3,
    )


def test_levers_take_bounds_and_help_from_the_schema():
    lv = lever(SCENARIO, "horizon_days")
    assert (lv.minimum, lv.maximum, lv.integer) == (1, 3650, True)
    lv = lever(SCENARIO, "population.satisfaction_effect")
    assert lv.minimum == 0 and not lv.integer
    assert "satisfaction" in lv.description


def test_moving_sliders_and_clicking_run_reruns_and_redraws():
    panel = make_panel()
    panel.sliders["population.initial_customers"].value = 400
    panel.sliders["horizon_days"].value = 60
    panel.button.click()
    first = panel.result
    assert len(first.tables["daily"]) == 60
    assert first.scenario.population.initial_customers == 400
    assert panel.baseline is first
    assert "customers" in panel.status.value

    panel.sliders["population.initial_customers"].value = 800
    panel.button.click()
    second = panel.result
    assert second is not first and panel.baseline is first
    assert second.summary()["customers"] > first.summary()["customers"]
    assert "vs baseline" in panel.table.value
    # the chart was redrawn with the baseline behind the new run
    assert panel.figure is not None
    assert len(panel.figure.axes[0].lines) == 2


def test_an_impossible_lever_value_shows_a_message_not_a_traceback():
    panel = make_panel()
    panel.sliders["horizon_days"].max = 10_000
    panel.sliders["horizon_days"].value = 9_000  # beyond the schema's 3650-day limit
    panel.button.click()
    assert panel.result is None
    assert "horizon_days" in panel.status.value and "3650" in panel.status.value


def test_summary_table_shows_differences():
    a = sim.run(SCENARIO, seed=1, customers=200, days=30)
    b = sim.run(SCENARIO, seed=1, customers=400, days=30)
    text = summary_html(b, a)
    assert "+" in text and "vs baseline" in text

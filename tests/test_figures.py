"""One definition per figure: the summary, the experiments' metrics, the strategy lab, the
desk panel and the tournament read the same numbers, and margin matches a hand count."""

from pathlib import Path

import pandas as pd
import pytest

import sim
from sim import figures
from sim.analytics.service import policy_row
from sim.experiments import build_variant, read_variant
from sim.experiments.metrics import run_metrics
from sim.tournament import load_trainer
from sim.tournament.run import Job, run_job
from sim.views.lab import LAB_FIGURES, lab_figures

ROOT = Path(__file__).resolve().parents[1]
COFFEE = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml")


@pytest.fixture(scope="module")
def result():
    return sim.run(COFFEE.with_overrides(customers=300, days=120), seed=3, progress=False)


def test_every_reader_agrees_on_every_shared_figure(result):
    summary = result.summary()
    metrics = run_metrics(result)
    lab = lab_figures(result)
    job = Job("practice", "team", 0, 3, result.scenario, True)
    tournament = run_job(job)["metrics"]
    desk = policy_row(result)
    for name in figures.FIGURES:
        if name in metrics:
            assert metrics[name] == pytest.approx(summary[name]), name
            assert tournament[name] == pytest.approx(summary[name]), name
        if name in lab:
            assert lab[name] == summary[name], name
    assert set(LAB_FIGURES) <= set(metrics)
    for panel, name in [("promise_kept", "promise_kept"), ("mean_response_h",
                        "first_response_hours"), ("desk_cost", "desk_cost")]:  # fmt: skip
        assert desk[panel] == pytest.approx(summary[name], abs=0.01), panel


def test_margin_after_costs_matches_a_count_from_the_tables(result):
    """Σ amount × category margin − discounts − rewards − messages − compensation − staff,
    counted here from the raw tables, not with the figures' own formula."""
    t, sc = result.tables, result.scenario
    h = sc.horizon_days

    def within(df, col="day"):
        return df[(df[col] >= 0) & (df[col] < h)]

    orders = within(t["orders"])
    rate = {c.name: c.margin for c in sc.catalogue.categories}
    goods = (orders["amount"] * orders["category"].astype(str).map(rate)).sum()
    svc = sc.service
    staff = (svc.l1_agents + svc.l2_agents) * svc.hours_open * h * svc.agent_cost_per_hour
    expected = (
        goods
        - orders["discount"].sum()
        - within(t["redemptions"])["cost"].sum()
        - within(t["touches"])["cost"].sum()
        - within(t["tickets"], "opened_day")["cost"].sum()
        - staff
    )
    assert result.summary()["margin_after_costs"] == pytest.approx(expected, abs=1.0)


def test_staff_cost_counts_only_open_days():
    weekdays = COFFEE.with_overrides(customers=50, days=14)
    data = weekdays.model_dump()
    data["service"].update(open_weekends=False, hours_open=8, l1_agents=1, l2_agents=1)
    data["service"]["agent_cost_per_hour"] = 40.0
    run = figures.Run({}, sim.Scenario.model_validate(data))
    # 2026-01-01 is a Thursday: 14 days hold 10 weekdays
    assert run["staff_cost"] == 2 * 8 * 10 * 40.0


def test_promise_kept_counts_a_case_left_waiting_past_the_promise():
    nan = float("nan")
    tickets = pd.DataFrame(
        {
            "opened_day": [1.0, 2.0, 9.5, 5.0],
            "first_response_day": [1.5, 5.0, nan, nan],
            "resolved_day": [1.6, 5.1, nan, nan],
            "promise_kept": [True, False, False, False],
        }
    )
    # day 10 is the end: the case opened on 9.5 may still be answered in time (left out),
    # the one opened on day 5 has waited 120 h > 48 h (broken)
    assert figures.promise_kept_share(tickets, 48.0, 10) == pytest.approx(1 / 3)
    assert figures.first_response_hours(tickets, 10) == pytest.approx((12 + 72 + 12 + 120) / 4)


def test_a_trainer_file_with_costs_is_refused_with_a_pointer_to_the_scenario(tmp_path):
    f = tmp_path / "trainer.yaml"
    f.write_text("replications: 2\ncosts:\n  agent_day: 20\n", encoding="utf-8")
    with pytest.raises(sim.ScenarioError, match="agent_cost_per_hour"):
        load_trainer(f)
    f.write_text("weights: {margin: 1}\n", encoding="utf-8")
    with pytest.raises(sim.ScenarioError, match="margin_after_costs"):
        load_trainer(f)


def _coffee_with(tmp_path, old: str, new: str) -> Path:
    text = (ROOT / "scenarios" / "coffee_chain.yaml").read_text(encoding="utf-8")
    assert old in text
    f = tmp_path / "coffee.yaml"
    f.write_text(text.replace(old, new), encoding="utf-8")
    return f


def test_tier_gifts_are_refused_naming_the_field_and_the_line(tmp_path):
    old = "{name: silver, threshold: 500, benefits: {discount: 0.0}}"
    f = _coffee_with(tmp_path, old, old.replace("0.0}", "0.0, gifts: [mug]}"))
    with pytest.raises(sim.ScenarioError) as err:
        sim.load_scenario(f)
    text = str(err.value)
    assert "loyalty.tiers[0].benefits.gifts" in text and "not simulated" in text
    assert f"{f}:" in text  # file and line


@pytest.mark.parametrize("value", ["-1", ".nan", ".inf", "20000"])
def test_agent_cost_per_hour_must_be_finite_and_in_range(tmp_path, value):
    f = _coffee_with(tmp_path, "agent_cost_per_hour: 43.0", f"agent_cost_per_hour: {value}")
    with pytest.raises(sim.ScenarioError, match="service.agent_cost_per_hour"):
        sim.load_scenario(f)


def test_the_shipped_loyalty_variant_pays_for_referrals_and_gives_no_gifts():
    """Its referral bonus brings friends in (tests/test_referrals.py); tier gifts, which
    nothing in the world would act on, stay out."""
    text = (ROOT / "scenarios" / "variants" / "coffee_loyalty.yaml").read_text(encoding="utf-8")
    assert "gifts" not in text
    coffee = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml")
    program = read_variant(ROOT / "scenarios" / "variants" / "coffee_loyalty.yaml")
    assert build_variant(coffee, program).loyalty.referral_bonus > 0


def test_desk_panel_rows_and_chart_read_their_labels_from_figures():
    """The desk table and chart name figures; label, unit and direction are declared once,
    in sim.figures (an undeclared name would fall back to its own spelling, as a count)."""
    from sim.figures import FIGURES, POLICY_FIGURES, info
    from sim.views.service_views import CHART_METRICS, TABLE_ROWS

    for name in (*TABLE_ROWS, *CHART_METRICS):
        assert name in FIGURES or name in POLICY_FIGURES, name
    assert all(info(m).higher_is_better is not None for m in CHART_METRICS)
    assert not set(POLICY_FIGURES) & set(FIGURES)

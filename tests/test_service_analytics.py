"""Desk KPIs from a hand-made tickets table, the silent-share checker, and a policy table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from worlds import COFFEE

import sim
from sim.analytics import service as sv
from sim.sections.service import DeskPolicy
from sim.views.service_views import NEGLECT, check_silent_share, with_policy, without_failures

nan = np.nan


def _tickets():
    # opened, first response 0.5 h / 10 h / 60 h / none; one opened before day 0
    return pd.DataFrame(
        {
            "ticket_id": [1, 2, 3, 4, 5],
            "customer_id": [1, 2, 3, 4, 5],
            "opened_day": [1.0, 2.0, 3.0, 4.0, -1.0],
            "severity": ["minor", "major", "severe", "minor", "minor"],
            "first_response_day": [1.0 + 0.5 / 24, 2.0 + 10 / 24, 3.0 + 60 / 24, nan, -0.9],
            "resolved_day": [1.1, 2.5, 6.0, nan, -0.8],
            "follow_up_day": [2.1, 6.5, nan, nan, nan],
            "escalated": [False, False, True, False, False],
            "csat": [5.0, 4.0, 1.0, nan, 3.0],
            "promise_kept": [True, True, False, False, True],
            "cost": [20.0, 30.0, 100.0, 0.0, 10.0],
        }
    )


def test_desk_kpis_of_a_hand_made_table():
    k = sv.desk_kpis(_tickets(), horizon=365)
    assert k["tickets"] == 4  # the case opened before day 0 is not this period's
    # two of the three answered in 48 h; the unanswered case opened on day 4 has waited
    # far beyond the promise by day 365, so it counts as broken: 2 of 4
    assert k["promise_kept"] == pytest.approx(2 / 4)
    assert sv.desk_kpis(_tickets())["promise_kept"] == pytest.approx(2 / 3)  # no horizon
    # mean first response: 0.5, 10 and 60 h, and the waiting case's 361 days so far
    assert k["mean_response_h"] == pytest.approx((0.5 + 10 + 60 + 361 * 24) / 4)
    assert k["median_response_h"] == pytest.approx(10.0)
    assert k["resolved"] == pytest.approx(3 / 4)
    # follow-ups 24 h (kept) and 96 h (late) after resolution; one resolved case had none
    assert k["followed_up_72h"] == pytest.approx(1 / 3)
    assert k["escalated"] == pytest.approx(0.25)
    assert k["csat"] == pytest.approx(10 / 3)
    assert k["cost"] == 150.0 and k["cost_per_ticket"] == 37.5


def test_response_distribution_bins_hours_and_counts_unanswered():
    d = sv.response_distribution(sv.opened_in(_tickets()))
    assert d.to_dict() == {
        "<1 h": 1,
        "1-4 h": 0,
        "4-24 h": 1,
        "24-48 h": 0,
        "48-96 h": 1,
        ">96 h": 0,
        "unanswered": 1,
    }


def test_complaints_by_severity_and_cohort_outcomes():
    orders = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3],
            "day": [1.0, 2.0, 3.0, 4.0, 500.0],
            "service_failure": ["minor", "minor", "severe", "none", "severe"],
            "complained": [True, False, True, False, False],
        }
    )
    t = sv.complaints_by_severity(orders)
    assert t.index.tolist() == ["minor", "severe"]
    assert t.loc["minor"].tolist() == [2, 1, 1, 0.5]
    assert t.loc["severe", "silent_share"] == 0.5
    customers = pd.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "churn_day": [10.0, nan, 400.0],
            "true_satisfaction_end": [0.2, 0.6, 0.7],
        }
    )
    c = sv.cohort_outcomes({"customers": customers, "orders": orders}, [1, 3], horizon=365)
    assert c == {
        "customers": 2,
        "left": 0.5,
        "satisfaction_end": pytest.approx(0.45),
        "orders_per_customer": 1.5,
    }


def test_the_silent_share_checker_says_what_is_wrong():
    orders = pd.DataFrame(
        {
            "service_failure": ["none"] * 6 + ["minor", "minor", "major", "severe"],
            "complained": [False] * 6 + [False, False, False, True],
        }
    )
    assert check_silent_share(0.75, orders).ok
    assert "percentage" in check_silent_share(75, orders).message
    assert "who complained" in check_silent_share(0.25, orders).message
    assert "all orders" in check_silent_share(0.3, orders).message
    assert "'none'" in check_silent_share(0.9, orders).message
    assert not check_silent_share("many", orders).ok
    assert "filter" in check_silent_share(0.5, orders).message


@pytest.fixture(scope="module")
def runs():
    scenario = sim.load_scenario(COFFEE).with_overrides(customers=300, days=180)
    return scenario, {
        "baseline": sim.run(scenario, seed=3),
        "neglect": sim.run(with_policy(scenario, NEGLECT), seed=3),
    }


def test_with_policy_replaces_only_the_desk_policy(runs):
    scenario, _ = runs
    policy = DeskPolicy(compensation="full", follow_up_hours=None)
    changed = with_policy(scenario, policy)
    assert changed.service.policy == policy
    assert changed.service.l1_agents == scenario.service.l1_agents
    assert without_failures(scenario).service.failure_rate == 0.0


def test_policy_table_shows_neglect_breaks_promises_and_csat(runs):
    _, results = runs
    table = sv.compare_policies(results, baseline="baseline")
    assert list(table.columns) == ["baseline", "neglect", "neglect vs baseline"]
    b, n = table["baseline"], table["neglect"]
    assert n["tickets"] > 0 and b["tickets"] > 0
    assert b["promise_kept"] == 1.0 and n["promise_kept"] == 0.0
    assert n["median_response_h"] >= 120.0
    assert n["csat"] < b["csat"] and n["followed_up_72h"] == 0.0
    assert table.loc["csat", "neglect vs baseline"] == pytest.approx(n["csat"] - b["csat"])
    # the desk's figures equal those of the summary
    assert b["retention"] == results["baseline"].summary()["retention"]
    assert b["desk_cost"] == pytest.approx(results["baseline"].summary()["desk_cost"])
    assert b["promise_kept"] == results["baseline"].summary()["promise_kept"]

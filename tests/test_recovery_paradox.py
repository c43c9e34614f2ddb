"""The service recovery paradox as the evidence has it (de Matos, Henrique and Rossi 2007;
Soares and Proença 2015), measured on a controlled world: every failed customer complains
and is recovered perfectly, beside the same seed where nothing goes wrong. A good recovery
lifts satisfaction above its pre-failure level but does not make customers buy more than
if nothing had failed; a severe failure still costs customers."""

from __future__ import annotations

import pytest

import sim
from sim.analytics.feedback import failure_groups
from sim.analytics.service import paired_outcomes
from sim.views.service_views import controlled_recovery

COFFEE = "scenarios/coffee_chain.yaml"


def outcomes(severity: str):
    base = sim.load_scenario(COFFEE).with_overrides(customers=1500, days=365)
    failing, clean = controlled_recovery(base, severity)
    a = sim.run(failing, seed=3, progress=False).tables
    b = sim.run(clean, seed=3, progress=False).tables
    groups = failure_groups(a["customers"], a["orders"])
    complainers = groups.index[groups == "failure, complained"]
    assert len(complainers) > 500  # the comparison is about many customers, not a few
    return paired_outcomes(a, b, complainers, base.horizon_days)


@pytest.fixture(scope="module")
def minor():
    return outcomes("minor")


def test_a_good_recovery_of_a_minor_failure_lifts_satisfaction_above_no_failure(minor):
    sat = minor.loc["satisfaction_end"]
    assert sat["difference"] > 0.02 and sat["difference"] > 4 * sat["se"]


def test_it_does_not_make_customers_buy_more_than_if_nothing_had_failed(minor):
    orders = minor.loc["orders"]
    # not significantly above the no-failure world (it was +1.45 orders, se 0.15, when the
    # satisfaction lift also lowered the odds of leaving)
    assert orders["difference"] < 2 * orders["se"]


def test_a_severe_failure_still_costs_customers_after_a_perfect_recovery():
    severe = outcomes("severe").loc["orders"]
    assert severe["difference"] < 0 and abs(severe["difference"]) > 4 * severe["se"]

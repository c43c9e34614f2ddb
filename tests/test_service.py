"""The service desk and shocks against theory (Erlang C) and against the same world without them."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from worlds import pure

import sim
from sim.scenario import Scenario, ScenarioError, parse_scenario
from sim.sections.service import DeskPolicy
from sim.world.service import recovery_quality
from sim.world.shocks import advance

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"


def coffee(**sections) -> Scenario:
    """The coffee chain with only the given sections on."""
    return pure(COFFEE, **sections)


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C)."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def test_desk_waits_match_erlang_c():
    """Many customers, each rarely failing: complaints arrive as a Poisson stream; with
    exponential handling the level-1 queue is M/M/c and its mean wait is Erlang C's."""
    sc = Scenario.model_validate(
        {
            "name": "erlang",
            "horizon_days": 200,
            "population": {
                "initial_customers": 20000,
                "history_days": 60,
                "acquisitions_per_day": 0,
                "purchase_rate": {"r": 12.0, "alpha": 100.0},
                "dropout": {"a": 0.01, "b": 1000.0},
                "satisfaction_effect": 0.0,
            },
            "service": {
                "failure_rate": 0.032,
                "complain_prob": {"minor": 1.0, "major": 1.0, "severe": 1.0},
                "severity_scar": {"minor": 0.0, "major": 0.0, "severe": 0.0},
                "l1_agents": 2,
                "l1_hours": 0.5,
                "policy": {"escalation": "never", "follow_up_hours": None},
            },
        }
    )
    r = sim.run(sc, seed=5)
    t = r["tickets"]
    # past the start-up, and opened a day before the end (so every one was answered)
    t = t[(t["opened_day"] >= 20) & (t["opened_day"] < 199)]
    span = 199 - 20
    lam = len(t) / span
    mu = 24 / 0.5
    waits = (t["first_response_day"] - t["opened_day"]).to_numpy()
    assert not np.isnan(waits).any()
    expected = erlang_c_wait(lam, mu, 2)
    # standard error from batch means (waits are autocorrelated)
    batches = np.array_split(waits, 20)
    se = np.std([b.mean() for b in batches], ddof=1) / math.sqrt(20)
    assert 0.6 < lam / (2 * mu) < 0.9, "load should be high enough to queue"
    assert abs(waits.mean() - expected) < 3 * se + 0.02 * expected, (waits.mean(), expected, se)


def test_inquiry_waits_match_erlang_c():
    """Inquiries alone (no failures): a Poisson stream at the per-customer rate times the
    customers active, exponential handling, one level-1 agent round the clock: M/M/1,
    whose mean wait in queue is Erlang C's with c = 1."""
    sc = Scenario.model_validate(
        {
            "name": "erlang inquiries",
            "horizon_days": 200,
            "population": {
                "initial_customers": 2000,
                "history_days": 30,
                "acquisitions_per_day": 0,
                "purchase_rate": {"r": 2.0, "alpha": 100.0},
                "dropout": {"a": 0.01, "b": 1000.0},
            },
            "service": {
                "failure_rate": 0.0,
                "l1_agents": 1,
                "hours_open": 24,
                "inquiries_per_customer_year": 6.0,
                "inquiry_minutes": 30.0,
            },
        }
    )
    r = sim.run(sc, seed=11)
    assert len(r["tickets"]) == 0
    q = r["inquiries"]
    q = q[(q["opened_day"] >= 10) & (q["opened_day"] < 199)]
    span = 199 - 10
    active = r["daily"]["active"].iloc[10:199].mean()
    lam = len(q) / span
    # the stream's rate is the per-customer rate times the customers active
    expected_arrivals = 6.0 / 365.0 * active * span
    assert abs(len(q) - expected_arrivals) < 3 * math.sqrt(expected_arrivals)
    mu = 24 * 60 / 30.0
    waits = (q["first_response_day"] - q["opened_day"]).to_numpy()
    assert not np.isnan(waits).any()
    handling = (q["resolved_day"] - q["first_response_day"]).to_numpy()
    assert abs(handling.mean() - 1 / mu) < 4 * handling.std() / math.sqrt(len(handling))
    expected = erlang_c_wait(lam, mu, 1)
    batches = np.array_split(waits, 20)
    se = np.std([b.mean() for b in batches], ddof=1) / math.sqrt(20)
    assert 0.5 < lam / mu < 0.9, "load should be high enough to queue"
    assert abs(waits.mean() - expected) < 3 * se + 0.02 * expected, (waits.mean(), expected, se)


def test_inquiries_are_not_complaints_but_delay_them():
    """Inquiries fill their own table; every complaint figure still counts complaints,
    and a desk busy with questions answers its complaints later."""
    base = coffee(service={"l1_agents": 1, "hours_open": 8})
    busy = coffee(service={"l1_agents": 1, "hours_open": 8, "inquiries_per_customer_year": 40.0})
    quiet, loaded = (sim.run(s, seed=4, customers=800, days=200) for s in (base, busy))
    assert len(quiet["inquiries"]) == 0 and len(loaded["inquiries"]) > 5000
    for r in (quiet, loaded):
        t = r["tickets"]
        assert len(t) == int(r["orders"]["complained"].sum())
        in_horizon = t[(t["opened_day"] >= 0) & (t["opened_day"] < 200)]
        assert r.summary()["complaints"] == len(in_horizon) > 20
    s_quiet, s_loaded = quiet.summary(), loaded.summary()
    assert s_quiet["inquiries"] == 0 and s_loaded["inquiries"] > 5000
    assert s_loaded["inquiry_wait_hours"] > 1.0
    assert s_loaded["first_response_hours"] > s_quiet["first_response_hours"] + 1.0


def test_most_unhappy_customers_stay_silent():
    r = sim.run(coffee(service={}), seed=2, customers=2000)
    failed = r["orders"][r["orders"]["service_failure"] != "none"]
    assert len(failed) > 200
    assert failed["complained"].mean() < 0.25
    # every complaint became a ticket, and only complaints did
    assert len(r["tickets"]) == int(r["orders"]["complained"].sum())
    cust = r["customers"].set_index("customer_id")
    silent = failed.loc[~failed["complained"], "customer_id"].unique()
    # silent customers end less satisfied than they started
    drop = cust.loc[silent, "true_satisfaction_start"] - cust.loc[silent, "true_satisfaction_end"]
    assert (drop > 0).mean() > 0.8


def test_recovery_quality_scores_each_part():
    good = DeskPolicy(
        response_hours=48,
        apology=True,
        compensation="full",
        escalation="when_severe",
        follow_up_hours=72,
    )
    q = recovery_quality("severe", 10, good, escalated=True, followed_up_within_hours=72)
    assert q["total"] == pytest.approx(1.0)
    bad = DeskPolicy(
        response_hours=48,
        apology=False,
        compensation="none",
        escalation="never",
        follow_up_hours=None,
    )
    q = recovery_quality("severe", 48 * 2, bad, escalated=False, followed_up_within_hours=None)
    assert q["speed"] == pytest.approx(-0.5) and q["total"] < 0
    # a small gesture is enough for a minor failure, not for a severe one
    mid = DeskPolicy(compensation="small")
    assert recovery_quality("minor", 1, mid, False, 72)["compensation"] == 1.0
    assert recovery_quality("severe", 1, mid, True, 72)["compensation"] == 0.5


def _one_severity(severity: str, policy: dict, failure_rate: float = 0.02) -> Scenario:
    return coffee(
        service={
            "failure_rate": failure_rate,
            "severity_mix": {s: float(s == severity) for s in ("minor", "major", "severe")},
            "complain_prob": {"minor": 1.0, "major": 1.0, "severe": 1.0},
            "l1_agents": 6,
            "policy": policy,
        }
    )


PERFECT = {
    "response_hours": 48,
    "apology": True,
    "compensation": "full",
    "escalation": "when_severe",
    "follow_up_hours": 24,
}
NEGLECT = {
    "response_hours": 48,
    "apology": False,
    "compensation": "none",
    "escalation": "never",
    "follow_up_hours": None,
}


def test_good_recovery_lifts_satisfaction_above_where_it_was():
    """The recovery paradox on satisfaction (de Matos et al. 2007): minor failures, all
    complained about, perfectly handled: satisfaction ends above the start."""
    r = sim.run(_one_severity("minor", PERFECT), seed=4, customers=1500)
    cust = r["customers"].set_index("customer_id")
    once = r["tickets"]["customer_id"].value_counts()
    once = once[once == 1].index
    active = cust.loc[once][cust.loc[once, "churn_day"].isna()]
    lift = active["true_satisfaction_end"] - active["true_satisfaction_start"]
    assert len(active) > 30 and (lift > 0).mean() > 0.9


def test_handling_matters_and_severe_failures_still_cost():
    base = sim.run(coffee(service={"failure_rate": 0.0}), seed=6, customers=2000)
    perfect = sim.run(_one_severity("severe", PERFECT, 0.03), seed=6, customers=2000)
    neglect = sim.run(_one_severity("severe", NEGLECT, 0.03), seed=6, customers=2000)
    churned = {
        k: r.summary()["churned"]
        for k, r in (("base", base), ("perfect", perfect), ("neglect", neglect))
    }
    assert churned["neglect"] > churned["perfect"] > churned["base"], churned
    assert perfect["tickets"]["csat"].mean() > neglect["tickets"]["csat"].mean() + 1


def test_scenario_rejects_unknown_failure_category():
    text = "name: x\nservice:\n  failure_rate_by_category:\n    cofee: 0.1\n"
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "x.yaml")
    report = err.value.report()
    assert "cofee" in report and "x.yaml:" in report


# ----------------------------------------------------------------- shocks


def test_advance_through_rate_pieces():
    assert advance(0.0, 5.0, []) == 5.0
    # half the rate on [10, 20): 5 base days from day 8 = 2 normal + 3 at half speed = 6
    assert advance(8.0, 5.0, [(10.0, 20.0, 0.5)]) == pytest.approx(16.0)
    # through the whole piece and beyond: 2 + 5 (10 days at half) + 1
    assert advance(8.0, 8.0, [(10.0, 20.0, 0.5)]) == pytest.approx(21.0)
    # starting inside the piece
    assert advance(12.0, 1.0, [(10.0, 20.0, 0.5)]) == pytest.approx(14.0)


def test_competitor_price_cut_hits_price_sensitive_customers():
    shock = [{"kind": "competitor_price_cut", "day": 100, "duration_days": 60, "strength": 0.8}]
    calm = sim.run(coffee(service=None, shocks=[]), seed=8, customers=3000, days=200)
    hit = sim.run(coffee(shocks=shock), seed=8, customers=3000, days=200)
    assert set(hit["daily"]["shock"].iloc[100:160]) == {"competitor_price_cut"}
    assert set(hit["daily"]["shock"].iloc[:100]) == {""}

    def window_orders(r, need):
        o = r["orders"].merge(r["customers"][["customer_id", "true_needs_profile"]])
        o = o[(o["day"] >= 100) & (o["day"] < 160)]
        return (o["true_needs_profile"] == need).sum()

    price_drop = 1 - window_orders(hit, "price") / window_orders(calm, "price")
    quality_drop = 1 - window_orders(hit, "quality") / window_orders(calm, "quality")
    assert price_drop > 0.25 and price_drop > 2 * quality_drop, (price_drop, quality_drop)
    assert hit.summary()["churned"] > calm.summary()["churned"]


def test_product_recall_makes_its_category_fail():
    shocks = [
        {
            "kind": "product_recall",
            "day": 30,
            "duration_days": 30,
            "strength": 1.0,
            "categories": ["bakery"],
        }
    ]
    r = sim.run(
        coffee(service={"failure_rate": 0.01}, shocks=shocks), seed=3, customers=2000, days=90
    )
    o = r["orders"]
    window = (o["day"] >= 30) & (o["day"] < 60)
    failed = o["service_failure"] != "none"
    bakery = o["category"] == "bakery"
    assert failed[window & bakery].mean() > 0.5
    assert failed[window & ~bakery].mean() < 0.03
    assert failed[~window & bakery].mean() < 0.03


def test_service_outage_lengthens_waits():
    svc = {
        "failure_rate": 0.03,
        "complain_prob": {"minor": 1.0, "major": 1.0, "severe": 1.0},
        "l1_agents": 2,
        "l1_hours": 1.0,
        "policy": {"follow_up_hours": None},
    }
    shocks = [{"kind": "service_outage", "day": 40, "duration_days": 20, "strength": 0.5}]
    r = sim.run(coffee(service=svc, shocks=shocks), seed=1, customers=3000, days=100)
    t = r["tickets"]
    t = t[t["opened_day"] < 99]  # a day before the end: every one was answered
    wait = (t["first_response_day"] - t["opened_day"]) * 24
    assert wait.notna().all()
    during = (t["opened_day"] >= 40) & (t["opened_day"] < 60)
    assert wait[during].mean() > 2 * wait[~during].mean()
    assert t.loc[during, "promise_kept"].mean() <= t.loc[~during, "promise_kept"].mean()


def test_desk_answers_only_in_its_opening_hours():
    """Open 09:00-17:00 on weekdays: every first response falls in those hours, and a
    complaint made on Friday evening waits for Monday."""
    svc = {
        "failure_rate": 0.03,
        "complain_prob": {"minor": 1.0, "major": 1.0, "severe": 1.0},
        "opens_at_hour": 9,
        "hours_open": 8,
        "open_weekends": False,
        "policy": {"follow_up_hours": None},
    }
    r = sim.run(coffee(service=svc), seed=2, customers=1500, days=120)
    t = r["tickets"].dropna(subset=["first_response_day"])
    first = t["first_response_day"].to_numpy()
    hour = (first % 1) * 24
    weekday = (r.scenario.start_date.weekday() + np.floor(first).astype(int)) % 7
    assert ((hour >= 9 - 1e-9) & (hour < 17)).all()
    assert not (weekday >= 5).any(), "an agent answered on a weekend"
    opened = t["opened_day"].to_numpy()
    friday_evening = ((r.scenario.start_date.weekday() + np.floor(opened).astype(int)) % 7 == 4) & (
        (opened % 1) * 24 > 18
    )
    assert friday_evening.any()
    waits = (first - opened)[friday_evening] * 24
    assert (waits > 57 - 1e-6).all()  # Friday after 18:00 to Monday 09:00: 57 to 63 hours
    assert (r["tickets"]["promise_kept"].mean()) < 1.0


def test_a_deliberate_response_delay_is_what_the_customer_waits_at_least():
    """A role-play style of 'I'll call back tomorrow' run as desk policy."""
    svc = {
        "failure_rate": 0.03,
        "complain_prob": {"minor": 1.0, "major": 1.0, "severe": 1.0},
        "l1_agents": 4,
        "policy": {"response_delay_hours": 30, "follow_up_hours": None},
    }
    r = sim.run(coffee(service=svc), seed=2, customers=1000, days=120)
    t = r["tickets"].dropna(subset=["first_response_day"])
    wait = (t["first_response_day"] - t["opened_day"]) * 24
    assert len(t) > 20 and (wait >= 30 - 1e-9).all() and wait.median() < 31


@pytest.mark.parametrize("mean", [0.02, 0.5, 3.0])
def test_inquiry_counts_are_poisson(mean):
    """Each customer's questions a day, by inversion of one uniform: Poisson's pmf."""
    from scipy import stats

    from sim.world.service import poisson_counts

    u = np.random.default_rng(1).random(400_000)
    counts = np.bincount(poisson_counts(u, mean))
    k = np.arange(len(counts))
    expected = stats.poisson.pmf(k, mean) * len(u)
    big = expected > 50
    assert np.all(np.abs(counts[big] - expected[big]) < 5 * np.sqrt(expected[big]))
    assert abs(poisson_counts(u, mean).mean() - mean) < 5 * np.sqrt(mean / len(u))

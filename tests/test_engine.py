"""The engine against its own ground truth: reproducibility, invariants, closed forms."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import hyp2f1
from worlds import pure

import sim
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
B2B = ROOT / "scenarios" / "b2b_contracts.yaml"
TELECOM = ROOT / "scenarios" / "telecom_service.yaml"
ONLINE = ROOT / "scenarios" / "online_store.yaml"


def table_hashes(result: sim.Result) -> dict[str, str]:
    """A content hash per table (values and column names)."""
    out = {}
    for name, df in sorted(result.tables.items()):
        h = hashlib.sha256(",".join(df.columns).encode())
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
        out[name] = h.hexdigest()
    return out


def small(path: Path = COFFEE, **changes) -> Scenario:
    """The scenario with its acting sections off (a pure BG/NBD or contract world)."""
    return pure(path, **changes)


# ----------------------------------------------------------------- reproducibility


def test_same_seed_same_tables_different_seed_different():
    sc = sim.load_scenario(COFFEE)
    a = table_hashes(sim.run(sc, seed=3, customers=400, days=120))
    b = table_hashes(sim.run(sc, seed=3, customers=400, days=120))
    c = table_hashes(sim.run(sc, seed=4, customers=400, days=120))
    assert a == b
    for name in ("customers", "orders", "daily"):
        assert a[name] != c[name], name


HASH_SCRIPT = """
import hashlib, json, sys
import pandas as pd, sim
r = sim.run(sys.argv[1], seed=5, customers=300, days=90)
print(json.dumps({n: hashlib.sha256(pd.util.hash_pandas_object(df, index=False)
      .to_numpy().tobytes()).hexdigest() for n, df in sorted(r.tables.items())}))
"""


@pytest.mark.parametrize("path", [COFFEE, B2B, TELECOM], ids=["coffee", "b2b", "telecom"])
def test_same_seed_same_tables_across_processes(path):
    outs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", HASH_SCRIPT, str(path)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
                env={"PYTHONHASHSEED": str(k), "PATH": "/usr/bin:/bin"},
            ).stdout
        )
        for k in (1, 2)
    ]
    assert outs[0] == outs[1]
    here = sim.run(path, seed=5, customers=300, days=90)
    for name, df in here.tables.items():
        digest = hashlib.sha256(
            pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes()
        ).hexdigest()
        assert digest == outs[0][name], name


def test_settled_path_equals_per_order_reference():
    """The batch-settled shopper draws the same numbers as the one-yield-per-order one."""
    sc = small()
    fast = sim.run(sc, seed=11, customers=600, days=200, settle=True)
    slow = sim.run(sc, seed=11, customers=600, days=200, settle=False)
    assert table_hashes(fast) == table_hashes(slow)
    assert len(fast["orders"]) > 5000


def test_overrides_set_size_and_horizon():
    sc = sim.load_scenario(COFFEE)
    r = sim.run(sc, seed=1, customers=250, days=40)
    assert len(r["daily"]) == 40
    assert r.scenario.population.initial_customers == 250
    # acquisitions scale with the base: 6/day × 250/3000
    assert r.scenario.population.acquisitions_per_day == pytest.approx(0.5)
    assert (r["customers"]["signup_day"] < 0).sum() == 250
    assert r["orders"]["day"].max() < 40


# ----------------------------------------------------------------- invariants


def check_invariants(r: sim.Result) -> None:
    """What must hold in any world: ids, amounts, order timing, daily counts."""
    horizon = r.scenario.horizon_days
    cust = r["customers"].set_index("customer_id")
    orders = r["orders"]
    assert cust.index.is_unique and orders["order_id"].is_unique
    assert (orders["amount"] > 0).all()
    assert set(orders["customer_id"]) <= set(cust.index)
    signup = cust["signup_day"].reindex(orders["customer_id"]).to_numpy()
    churn = cust["churn_day"].reindex(orders["customer_id"]).to_numpy()
    assert (orders["day"].to_numpy() >= signup).all(), "an order before signup"
    assert not (orders["day"].to_numpy() > churn).any(), "an order after churn"
    assert (orders["day"] < horizon).all()
    assert orders["day"].is_monotonic_increasing
    # the first order of every customer is on their signup day
    first = orders.groupby("customer_id")["day"].min()
    assert np.array_equal(first.to_numpy(), cust.loc[first.index, "signup_day"].to_numpy())
    assert len(first) == len(cust)
    dates = pd.Timestamp(r.scenario.start_date) + pd.to_timedelta(np.floor(orders["day"]), "D")
    assert (orders["date"] == dates).all()
    # daily.active agrees with the customers table on every day
    daily = r["daily"]
    assert len(daily) == horizon
    s = cust["signup_day"].to_numpy()
    c = cust["churn_day"].to_numpy()
    if not (cust["times_won_back"] > 0).any():  # (a won-back customer left twice)
        for d in daily["day"]:
            expect = int(((s < d + 1) & ~(c < d + 1)).sum())
            assert daily.loc[d, "active"] == expect, d
    moves = daily["new"] - daily["churned"] + daily["won_back"]
    assert (daily["active"].diff().iloc[1:] == moves.iloc[1:]).all()
    in_h = orders[orders["day"] >= 0]
    assert daily["orders"].sum() == len(in_h)
    assert daily["revenue"].sum() == pytest.approx(in_h["net_amount"].sum(), rel=1e-9, abs=0.01)
    sat = cust["true_satisfaction_end"]
    assert ((sat >= 0) & (sat <= 1)).all()
    # cases: one per complaint, opened at the complained order, in causal order
    t = r["tickets"]
    complained = orders[orders["complained"]]
    assert len(t) == len(complained)
    assert np.allclose(np.sort(t["opened_day"]), np.sort(complained["day"]))
    assert (complained["service_failure"] != "none").all()
    answered = t.dropna(subset=["first_response_day"])
    assert (answered["first_response_day"] >= answered["opened_day"]).all()
    done = t.dropna(subset=["resolved_day"])
    assert (done["resolved_day"] >= done["first_response_day"]).all()
    assert (done.dropna(subset=["follow_up_day"]).eval("follow_up_day >= resolved_day")).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "path", [COFFEE, B2B, TELECOM, ONLINE], ids=["coffee", "b2b", "telecom", "online"]
)
def test_invariants(path, seed):
    check_invariants(sim.run(path, seed=seed, customers=300, days=200))


@settings(max_examples=30, deadline=None)
@given(
    contractual=st.booleans(),
    initial=st.integers(0, 150),
    history=st.integers(0, 120),
    acquisitions=st.floats(0, 3),
    horizon=st.integers(1, 150),
    r=st.floats(0.1, 5),
    alpha=st.floats(1, 60),
    a=st.floats(0.2, 5),
    b=st.floats(0.2, 30),
    term=st.integers(10, 120),
    failure=st.floats(0, 1),
    service_failure=st.one_of(st.none(), st.floats(0, 0.5)),
    shock_day=st.one_of(st.none(), st.floats(0, 150)),
    seed=st.integers(0, 2**32),
)
def test_invariants_on_random_worlds(
    contractual,
    initial,
    history,
    acquisitions,
    horizon,
    r,
    alpha,
    a,
    b,
    term,
    failure,
    service_failure,
    shock_day,
    seed,
):
    setting = (
        {"kind": "contractual", "term_days": term, "fulfilment_failure_rate": failure}
        if contractual
        else {"kind": "non_contractual"}
    )
    sc = Scenario.model_validate(
        {
            "name": "random world",
            "horizon_days": horizon,
            "setting": setting,
            "population": {
                "initial_customers": initial,
                "history_days": history,
                "acquisitions_per_day": acquisitions,
                "purchase_rate": {"r": r, "alpha": alpha},
                "dropout": {"a": a, "b": b},
            },
            "service": None
            if service_failure is None
            else {
                "failure_rate": service_failure,
                "hours_open": 8,
                "open_weekends": False,
            },
            "shocks": None
            if shock_day is None
            else [
                {"kind": "competitor_price_cut", "day": shock_day, "duration_days": 20},
                {"kind": "service_outage", "day": shock_day / 2, "duration_days": 5},
            ],
        }
    )
    r1 = sim.run(sc, seed=seed)
    check_invariants(r1)
    assert table_hashes(r1) == table_hashes(sim.run(sc, seed=seed))


def test_contract_lapses_only_at_term_ends():
    r = sim.run(B2B, seed=2, customers=300, days=730)
    cust = r["customers"].dropna(subset=["churn_day"])
    term = r.scenario.setting.term_days
    terms = (cust["churn_day"] - cust["signup_day"]) / term
    assert np.allclose(terms, np.round(terms), atol=1e-6)
    assert (np.round(terms) >= 1).all()


def test_all_contract_tables_are_present():
    r = sim.run(COFFEE, seed=1, customers=100, days=30)
    for name in (
        "customers",
        "orders",
        "points_ledger",
        "tiers",
        "tickets",
        "touches",
        "surveys",
        "daily",
    ):
        assert name in r.tables
    assert list(r["tickets"].columns[:3]) == ["ticket_id", "customer_id", "opened_day"]


# ----------------------------------------------------------------- ground truth


def test_repeat_purchases_match_btyd_expectation_per_customer():
    """Pure BG/NBD: E[X(T) | λ, p] = (1 − exp(−λpT)) / p, summed over customers."""
    r = sim.run(small(), seed=21, customers=6000, days=365)
    cust = r["customers"]
    counts = r["orders"].groupby("customer_id").size().reindex(cust["customer_id"]) - 1
    T = 365 - cust["signup_day"].to_numpy()
    lam = cust["true_purchase_rate"].to_numpy()
    p = cust["true_dropout_prob"].to_numpy()
    expected = (1 - np.exp(-lam * p * T)) / p
    assert counts.sum() == pytest.approx(expected.sum(), rel=0.03)
    # and per decile of λ, so errors cannot cancel between light and heavy buyers
    deciles = pd.qcut(lam, 5, labels=False)
    for k in range(5):
        m = deciles == k
        assert counts.to_numpy()[m].sum() == pytest.approx(expected[m].sum(), rel=0.08), k


def test_population_mean_matches_bgnbd_closed_form():
    """E[X(t)] for a random customer (Fader, Hardie and Lee 2005, eq. 9)."""
    sc = small(
        population__history_days=0,
        population__acquisitions_per_day=0.0,
        population__initial_customers=20000,
        horizon_days=180,
    )
    r = sim.run(sc, seed=8)
    pop = sc.population
    rr, alpha, a, b = pop.purchase_rate.r, pop.purchase_rate.alpha, pop.dropout.a, pop.dropout.b
    t = 180.0
    closed = (
        (a + b - 1)
        / (a - 1)
        * (1 - (alpha / (alpha + t)) ** rr * hyp2f1(rr, b, a + b - 1, t / (alpha + t)))
    )
    counts = r["orders"].groupby("customer_id").size() - 1
    assert len(counts) == 20000
    se = counts.std() / np.sqrt(len(counts))
    assert abs(counts.mean() - closed) < 3 * se, (counts.mean(), closed, se)
    # the traits themselves follow the scenario's distributions
    c = r["customers"]
    assert c["true_purchase_rate"].mean() == pytest.approx(rr / alpha, rel=0.03)
    assert c["true_dropout_prob"].mean() == pytest.approx(a / (a + b), rel=0.05)


def test_contract_renewals_follow_their_lapse_odds():
    """With nothing moving satisfaction, each renewal lapses with the account's own p."""
    sc = small(
        B2B,
        setting__fulfilment_failure_rate=0.0,
        setting__contact_every_days=None,
        setting__satisfaction_decay_per_day=0.0,
        population__initial_customers=3000,
    )
    r = sim.run(sc, seed=4)
    ren = r["renewals"].merge(r["customers"][["customer_id", "true_dropout_prob"]])
    assert np.array_equal(ren["lapse_prob"].to_numpy(), ren["true_dropout_prob"].to_numpy())
    lapsed = (ren["outcome"] == "lapsed").to_numpy()
    q = ren["lapse_prob"].to_numpy()
    se = np.sqrt((q * (1 - q)).sum())
    assert abs(lapsed.sum() - q.sum()) < 3 * se


def test_fulfilment_problems_cost_renewals():
    """Same seed, same accounts: a desk with many fulfilment failures keeps fewer of them."""
    good = small(B2B, setting__fulfilment_failure_rate=0.0, population__initial_customers=1500)
    bad = small(B2B, setting__fulfilment_failure_rate=0.3, population__initial_customers=1500)
    rg, rb = sim.run(good, seed=9), sim.run(bad, seed=9)
    assert rb.summary()["churned"] > rg.summary()["churned"] * 1.2
    assert (
        rb["customers"]["true_satisfaction_end"].mean()
        < rg["customers"]["true_satisfaction_end"].mean() - 0.05
    )
    assert rb["orders"]["fulfilment_problem"].mean() == pytest.approx(0.3, abs=0.02)


def test_common_random_numbers_leave_untouched_customers_alone():
    """Same seed, a different desk policy: customers who never had a service failure in
    either run live exactly the same lives (their own draws, keyed outreach draws)."""
    base = sim.load_scenario(COFFEE).model_dump()
    other = sim.load_scenario(COFFEE).model_dump()
    other["service"]["policy"] = {
        "apology": False,
        "compensation": "none",
        "escalation": "never",
        "follow_up_hours": None,
    }
    a = sim.run(Scenario.model_validate(base), seed=3, customers=800, days=200)
    b = sim.run(Scenario.model_validate(other), seed=3, customers=800, days=200)

    def failed(r):
        o = r["orders"]
        return set(o.loc[o["service_failure"] != "none", "customer_id"])

    untouched = set(a["customers"]["customer_id"]) - failed(a) - failed(b)
    assert len(untouched) > 500

    def lives(r):
        o = r["orders"][r["orders"]["customer_id"].isin(untouched)]
        return o.groupby("customer_id").agg(n=("order_id", "size"), spent=("amount", "sum"))

    la, lb = lives(a), lives(b)
    same = (la["n"] == lb["n"]) & (la["spent"] == lb["spent"])
    # the marketing VIP list ranks everyone by spend, so a few untouched customers can
    # still be called (or not) because others changed; nearly all must be identical
    assert same.mean() > 0.99, same.mean()

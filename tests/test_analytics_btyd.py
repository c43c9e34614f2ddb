"""BG/NBD and Gamma-Gamma: published CDNOW parameters, closed forms, recovery of a world."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import check_grad
from scipy.special import hyp2f1
from worlds import pure

import sim
from sim import datasets
from sim.analytics import BGNBD, FitError, GammaGamma, clv, rfm_summary

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cdnow():
    return datasets.load_cdnow_summary()


@pytest.fixture(scope="module")
def bgnbd(cdnow):
    return BGNBD().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def sig3(x: float) -> float:
    return float(f"{x:.3g}")


def test_bgnbd_reproduces_fader_hardie_lee_2005(bgnbd):
    """Published: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4."""
    p = bgnbd.params
    assert sig3(p["r"]) == 0.243
    assert sig3(p["alpha"]) == 4.41 and p["alpha"] == pytest.approx(4.414, abs=5e-4)
    assert sig3(p["a"]) == 0.793
    assert sig3(p["b"]) == 2.43 and p["b"] == pytest.approx(2.426, abs=5e-4)
    assert bgnbd.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert all(0 < se < v for se, v in zip(bgnbd.standard_errors.values(), p.values(), strict=True))


def test_gamma_gamma_reproduces_the_published_spend_model(cdnow):
    """Fader, Hardie and Lee's Gamma-Gamma note on CDNOW: p = 6.25, q = 3.74, gamma = 15.44."""
    gg = GammaGamma().fit(cdnow["frequency"], cdnow["monetary_value"])
    assert gg.params["p"] == pytest.approx(6.25, abs=0.005)
    assert gg.params["q"] == pytest.approx(3.74, abs=0.005)
    assert gg.params["v"] == pytest.approx(15.44, abs=0.01)
    spend = gg.expected_spend([0, 1, 100], [0, 30.0, 30.0])
    population = 6.25 * 15.44 / 2.74
    assert spend[0] == pytest.approx(population, rel=1e-2)  # no repeats: the population mean
    assert 30 < spend[1] < population  # one repeat: pulled towards the population mean
    assert spend[2] == pytest.approx(30, abs=0.3)  # many repeats: the shrinkage fades


def test_gradient_is_the_derivative_of_the_likelihood(cdnow):
    m = BGNBD()
    x, t, T = (cdnow[c].to_numpy() for c in ("frequency", "recency", "T"))
    w = np.ones_like(x)
    for theta in (np.log([0.24, 4.4, 0.79, 2.4]), np.array([0.3, -0.2, 1.0, -0.5])):
        err = check_grad(
            lambda th: m._negll(th, x, t, T, w)[0], lambda th: m._negll(th, x, t, T, w)[1], theta
        )
        assert err < 1e-5


def test_predictions_match_the_papers_closed_forms(bgnbd):
    r, alpha, a, b = bgnbd.params.values()
    t = np.array([1.0, 39.0, 78.0])
    direct = (
        (a + b - 1)
        / (a - 1)
        * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    )
    assert np.allclose(bgnbd.expected_purchases_new(t), direct, rtol=1e-10)
    x, tx, T = 2.0, 30.43, 38.86
    z = 39 / (alpha + T + 39)
    alive = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))
    cond = (
        (a + b + x - 1)
        / (a - 1)
        * (1 - ((alpha + T) / (alpha + T + 39)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
        * alive
    )
    assert bgnbd.p_alive(x, tx, T)[0] == pytest.approx(alive, rel=1e-12)
    assert bgnbd.expected_purchases(39, x, tx, T)[0] == pytest.approx(cond, rel=1e-9)
    # nobody with zero repeats can have died; a big buyer long gone almost surely has
    assert bgnbd.p_alive(0, 0, 38.86)[0] == 1.0
    assert bgnbd.p_alive(50, 1, 38.86)[0] < 1e-10


def test_big_frequencies_do_not_overflow(bgnbd):
    x = np.array([0, 5, 500, 5000])
    out = bgnbd.expected_purchases(52, x, [0, 30, 38, 38.8], [38.86] * 4)
    assert np.isfinite(out).all() and out[3] > out[2] > out[1]
    # thousands of purchases per customer, half the base one-time buyers
    truth = BGNBD(params={"r": 2.0, "alpha": 0.02, "a": 1.0, "b": 1000.0})
    x, tx = truth.simulate(np.full(600, 52.0), np.random.default_rng(0))
    x, tx = np.r_[x, np.zeros(600)], np.r_[tx, np.zeros(600)]
    m = BGNBD().fit(x, tx, np.full(1200, 52.0))
    assert x.max() > 10_000
    assert all(np.isfinite(v) and v > 0 for v in m.params.values())


def test_a_world_where_nobody_leaves_is_reported_not_fitted_to_nan():
    rng = np.random.default_rng(0)
    x = np.r_[rng.poisson(3000, 200), np.zeros(800)]
    tx = np.where(x > 0, 364.9, 0.0)
    with pytest.raises(FitError, match="cannot identify"):
        BGNBD().fit(x, tx, np.full(1000, 365.0))


def test_clv_discounts_and_applies_margin(bgnbd):
    args = ([2.0, 0.0], [30.43, 0.0], [38.86, 38.86])
    flat = clv(bgnbd, 20.0, *args, horizon=52, step=4)
    assert np.allclose(flat, 20 * bgnbd.expected_purchases(52, *args))
    disc = clv(bgnbd, 20.0, *args, horizon=52, step=4, discount_rate=0.01, margin=0.3)
    assert (disc < 0.3 * flat).all() and (disc > 0.3 * flat / 1.01**13).all()


def test_fits_say_what_to_check_when_they_cannot():
    with pytest.raises(FitError, match="repeat purchase"):
        BGNBD().fit([0, 0, 0], [0, 0, 0], [10, 10, 10])
    with pytest.raises(FitError, match="same unit"):
        BGNBD().fit([1, 2], [5, 40], [10, 10])
    with pytest.raises(FitError, match="NaN"):
        BGNBD().fit([1, np.nan], [5, 4], [10, 10])
    with pytest.raises(FitError, match="not fitted"):
        BGNBD().p_alive(1, 1, 2)
    with pytest.raises(FitError, match="repeat purchases"):
        GammaGamma().fit([0, 0], [0, 0])


def recovery_world(seed: int) -> sim.Result:
    """The coffee chain with every customer starting on day 0 (no history, no acquisition)."""
    data = pure().model_dump()  # BG/NBD ground truth: nothing acts on the customers
    data["population"]["history_days"] = 0
    data["population"]["acquisitions_per_day"] = 0
    return sim.run(sim.Scenario.model_validate(data), seed=seed, customers=5000, days=365)


def test_bgnbd_recovers_the_simulated_worlds_parameters():
    """5,000 customers for a year: every parameter within 3 standard errors of the truth.

    Each order is its own purchase here (period_days=0): the simulator draws continuous
    times, which is what BG/NBD assumes.
    """
    result = recovery_world(seed=1)
    pop = result.scenario.population
    truth = {
        "r": pop.purchase_rate.r,
        "alpha": pop.purchase_rate.alpha,
        "a": pop.dropout.a,
        "b": pop.dropout.b,
    }
    s = rfm_summary(result["orders"], observation_end=365, period_days=0)
    m = BGNBD().fit(s["frequency"], s["recency"], s["T"])
    for name, true in truth.items():
        z = (m.params[name] - true) / m.standard_errors[name]
        assert abs(z) < 3, (name, m.params[name], true, m.standard_errors[name])


def test_counting_purchase_days_undercounts_heavy_coffee_buyers():
    """The daily-period convention merges same-day orders: at coffee-shop rates that
    loses repeat orders and biases the rate down (the notebook discusses it)."""
    orders = recovery_world(seed=1)["orders"]
    daily = rfm_summary(orders, observation_end=365)
    every = rfm_summary(orders, observation_end=365, period_days=0)
    lost = 1 - daily["frequency"].sum() / every["frequency"].sum()
    assert 0.02 < lost < 0.2
    m = BGNBD().fit(daily["frequency"], daily["recency"], daily["T"])
    assert m.params["r"] / m.params["alpha"] < 1.5 / 12.5

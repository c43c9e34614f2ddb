"""Who the customers are: signup times and latent traits, drawn once, vectorised.

Traits follow the heterogeneity of the buy-till-you-die models: purchase rate
λ ~ Gamma(r, α), dropout p ~ Beta(a, b), spend scale ν ~ Gamma(q, γ) (Gamma-Gamma).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario

NEEDS = ("price", "quality", "service")
# How far a customer's dominant need stands out: its Dirichlet weight is 2 + this, the
# others 2, so the dominant sensitivity averages 0.6 and the other two 0.2.
DOMINANT_NEED_WEIGHT = 4.0


@dataclass
class Population:
    """Column arrays of every customer who ever joins the world, in signup order."""

    signup: np.ndarray  # env time of the first order (days from the history start)
    purchase_rate: np.ndarray  # λ, orders per day while active
    dropout_prob: np.ndarray  # p, chance of leaving after each repeat order or renewal
    spend_scale: np.ndarray  # ν of the Gamma-Gamma model (rate of the order amount)
    satisfaction0: np.ndarray  # starting satisfaction in [0, 1]
    needs: np.ndarray  # (n, 3) sensitivities to price, quality, service; rows sum to 1
    dominant_need: np.ndarray  # index into NEEDS
    channel: np.ndarray  # index into scenario.population.channel_mix
    taste_cdf: np.ndarray  # (n, k) cumulative category probabilities per customer
    mean_spend: np.ndarray  # expected amount of one order, given the traits

    def __len__(self) -> int:
        return len(self.signup)


def draw_population(scenario: Scenario, rng: np.random.Generator) -> Population:
    """Draw the initial base and every later acquisition with their traits."""
    pop = scenario.population
    history = float(pop.history_days)
    horizon = float(scenario.horizon_days)

    n0 = pop.initial_customers
    initial = rng.uniform(0.0, history, n0) if history > 0 else np.zeros(n0)
    n_new = rng.poisson(pop.acquisitions_per_day * horizon) if pop.acquisitions_per_day else 0
    # Given their count, Poisson arrival times are uniform on the interval.
    acquired = history + rng.uniform(0.0, horizon, n_new)
    signup = np.sort(np.concatenate([initial, acquired]), kind="stable")
    n = len(signup)

    lam = rng.gamma(pop.purchase_rate.r, 1.0 / pop.purchase_rate.alpha, n)
    p = rng.beta(pop.dropout.a, pop.dropout.b, n)
    nu = rng.gamma(pop.spend.q, 1.0 / pop.spend.gamma, n)
    sat0 = rng.beta(pop.satisfaction.a, pop.satisfaction.b, n)

    need_shares = np.array([pop.needs_mix.get(k, 0.0) for k in NEEDS])
    dominant = rng.choice(len(NEEDS), size=n, p=need_shares / need_shares.sum())
    weights = np.full((n, len(NEEDS)), 2.0)
    weights[np.arange(n), dominant] += DOMINANT_NEED_WEIGHT
    needs = rng.standard_gamma(weights)
    needs /= needs.sum(axis=1, keepdims=True)

    channel_shares = np.array(list(pop.channel_mix.values()))
    channel = rng.choice(len(channel_shares), size=n, p=channel_shares / channel_shares.sum())

    cats = scenario.catalogue.categories
    shares = np.array([c.share for c in cats])
    alpha = np.maximum(scenario.catalogue.taste_concentration * shares, 1e-3)
    taste = rng.standard_gamma(np.broadcast_to(alpha, (n, len(cats))))
    sums = taste.sum(axis=1, keepdims=True)
    # A customer whose draws all underflow gets the population average taste.
    taste = np.where(sums > 0, taste / np.where(sums > 0, sums, 1.0), shares)
    taste_cdf = np.cumsum(taste, axis=1)
    taste_cdf[:, -1] = 1.0

    price = np.array([c.price_level for c in cats])
    mean_spend = pop.spend.p / nu * (taste @ price)
    return Population(
        signup=signup,
        purchase_rate=lam,
        dropout_prob=p,
        spend_scale=nu,
        satisfaction0=sat0,
        needs=needs,
        dominant_need=dominant,
        channel=channel,
        taste_cdf=taste_cdf,
        mean_spend=mean_spend,
    )

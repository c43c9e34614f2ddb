"""Who the customers are: signup times and latent traits, drawn once, vectorised.

Traits follow the heterogeneity of the buy-till-you-die models: purchase rate
λ ~ Gamma(r, α), dropout p ~ Beta(a, b), spend scale ν ~ Gamma(q, γ) (Gamma-Gamma).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario
from sim.world import rng

NEEDS = ("price", "quality", "service")


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
    key: np.ndarray  # who the customer is, whatever the world's size (ACQUIRED_KEY)
    block: np.ndarray  # INITIAL or ACQUIRED

    def __len__(self) -> int:
        return len(self.signup)


# A customer's key: the initial base is numbered 0, 1, 2, ... and the customers acquired
# during the horizon from ACQUIRED_KEY on, each block in its own order of drawing. Every draw
# about a customer depends only on (seed, subsystem, key), so a world with two more
# customers is the same world plus two: its first customers live the same lives.
ACQUIRED_KEY = 1 << 32
INITIAL, ACQUIRED = 0, 1
# Each trait has its own stream within a block (numpy's draws are sequential, so the first
# n of a longer array are the n of a shorter one): part of the reproducibility contract.
SIGNUP, COUNT, RATE, DROPOUT, SPEND, SATISFACTION, DOMINANT, NEED_MIX, CHANNEL, TASTE = range(10)


def trait_stream(seed: int, block: int, trait: int) -> np.random.Generator:
    """The generator of one trait of one block of customers."""
    return rng.stream(seed, rng.POPULATION, block, trait)


def draw_population(scenario: Scenario, seed: int) -> Population:
    """Draw the initial base and every later acquisition with their traits, in signup
    order; `key` says who each one is (see ACQUIRED_KEY)."""
    pop = scenario.population
    history = float(pop.history_days)
    horizon = float(scenario.horizon_days)

    n0 = pop.initial_customers
    initial = (
        trait_stream(seed, INITIAL, SIGNUP).uniform(0.0, history, n0)
        if history > 0
        else np.zeros(n0)
    )
    rate = pop.acquisitions_per_day * horizon
    n_new = int(trait_stream(seed, ACQUIRED, COUNT).poisson(rate)) if rate > 0 else 0
    # Given their count, Poisson arrival times are uniform on the interval.
    acquired = history + trait_stream(seed, ACQUIRED, SIGNUP).uniform(0.0, horizon, n_new)
    blocks = [
        _traits(scenario, seed, INITIAL, initial, np.arange(n0, dtype=np.int64)),
        _traits(scenario, seed, ACQUIRED, acquired, ACQUIRED_KEY + np.arange(n_new)),
    ]
    signup = np.concatenate([initial, acquired])
    order = np.argsort(signup, kind="stable")
    return Population(
        **{
            name: np.concatenate([b[name] for b in blocks])[order]
            for name in Population.__dataclass_fields__
        }
    )


def _traits(
    scenario: Scenario, seed: int, block: int, signup: np.ndarray, key: np.ndarray
) -> dict[str, np.ndarray]:
    """The latent traits of one block of customers, each trait from its own stream."""
    pop = scenario.population
    n = len(signup)

    def draw(trait: int) -> np.random.Generator:
        return trait_stream(seed, block, trait)

    lam = draw(RATE).gamma(pop.purchase_rate.r, 1.0 / pop.purchase_rate.alpha, n)
    p = draw(DROPOUT).beta(pop.dropout.a, pop.dropout.b, n)
    nu = draw(SPEND).gamma(pop.spend.q, 1.0 / pop.spend.gamma, n)
    sat0 = draw(SATISFACTION).beta(pop.satisfaction.a, pop.satisfaction.b, n)

    need_shares = np.array([pop.needs_mix.get(k, 0.0) for k in NEEDS])
    dominant = draw(DOMINANT).choice(len(NEEDS), size=n, p=need_shares / need_shares.sum())
    # Dirichlet weights: need_weight each, the dominant need `dominant_need_boost` more
    weights = np.full((n, len(NEEDS)), pop.need_weight)
    weights[np.arange(n), dominant] += pop.dominant_need_boost
    needs = draw(NEED_MIX).standard_gamma(weights)
    needs /= needs.sum(axis=1, keepdims=True)

    channel_shares = np.array(list(pop.channel_mix.values()))
    channel = draw(CHANNEL).choice(
        len(channel_shares), size=n, p=channel_shares / channel_shares.sum()
    )

    cats = scenario.catalogue.categories
    shares = np.array([c.share for c in cats])
    alpha = np.maximum(scenario.catalogue.taste_concentration * shares, 1e-3)
    taste = draw(TASTE).standard_gamma(np.broadcast_to(alpha, (n, len(cats))))
    sums = taste.sum(axis=1, keepdims=True)
    # A customer whose draws all underflow gets the population average taste.
    taste = np.where(sums > 0, taste / np.where(sums > 0, sums, 1.0), shares)
    taste_cdf = np.cumsum(taste, axis=1)
    taste_cdf[:, -1] = 1.0

    price = np.array([c.price_level for c in cats])
    mean_spend = pop.spend.p / nu * (taste @ price)
    return {
        "signup": signup,
        "purchase_rate": lam,
        "dropout_prob": p,
        "spend_scale": nu,
        "satisfaction0": sat0,
        "needs": needs,
        "dominant_need": dominant,
        "channel": channel,
        "taste_cdf": taste_cdf,
        "mean_spend": mean_spend,
        "key": key,
        "block": np.full(n, block, dtype=np.int8),
    }

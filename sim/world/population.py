"""Who the customers are: signup times and latent traits, drawn once, vectorised.

Traits follow the heterogeneity of the buy-till-you-die models: purchase rate
λ ~ Gamma(r, α), dropout p ~ Beta(a, b), spend scale ν ~ Gamma(q, γ) (Gamma-Gamma).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario
from sim.world import rng
from sim.world.base import Base, read_base

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
    block: np.ndarray  # INITIAL, ACQUIRED or BASE
    # A base customer (BASE: a twin's real customer, sim.world.base) enters at the start
    # in the middle of their life: no first order then, a history before it, and alive or
    # not as the model believes given that history.
    continuing: np.ndarray  # bool: enters without a first order (BASE)
    alive: np.ndarray  # bool: False for a base customer who had already left
    first_seen: np.ndarray  # env time of the first order (signup for all but BASE)
    last_seen: np.ndarray  # env time of the last order before entering (NaN: none)
    spend0: np.ndarray  # spend before entering
    base_id: np.ndarray  # the base file's pseudonym ("" for simulated customers)

    def __len__(self) -> int:
        return len(self.signup)


# A customer's key: the initial base is numbered 0, 1, 2, ... and the customers acquired
# during the horizon from ACQUIRED_KEY on, each block in its own order of drawing. Every draw
# about a customer depends only on (seed, subsystem, key), so a world with two more
# customers is the same world plus two: its first customers live the same lives.
ACQUIRED_KEY = 1 << 32
BASE_KEY = 2 * ACQUIRED_KEY  # (block k's keys start at k × ACQUIRED_KEY)
REFERRED_KEY = 3 * ACQUIRED_KEY  # friends referred by members, in the order they join
INITIAL, ACQUIRED, BASE, REFERRED = 0, 1, 2, 3
# Each trait has its own stream within a block (numpy's draws are sequential, so the first
# n of a longer array are the n of a shorter one): part of the reproducibility contract.
SIGNUP, COUNT, RATE, DROPOUT, SPEND, SATISFACTION, DOMINANT, NEED_MIX, CHANNEL, TASTE = range(10)
ALIVE = 10


def trait_stream(seed: int, block: int, trait: int, *part: int) -> np.random.Generator:
    """The generator of one trait of one block of customers (or of one `part` of it: a
    referred friend has their own)."""
    return rng.stream(seed, rng.POPULATION, block, trait, *part)


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
    if pop.base is not None:
        blocks.append(draw_base(scenario, seed, read_base(pop.base)))
    signup = np.concatenate([b["signup"] for b in blocks])
    order = np.argsort(signup, kind="stable")
    return Population(
        **{
            name: np.concatenate([b[name] for b in blocks])[order]
            for name in Population.__dataclass_fields__
        }
    )


def draw_referred(scenario: Scenario, seed: int, k: int, signup: float) -> dict[str, np.ndarray]:
    """The traits of the k-th friend referred in a run (k = 0, 1, ... in the order they
    join), who signs up at env time `signup`: drawn as any new customer's, from one stream
    of their own (the traits in a fixed order), so they depend only on (seed, k)."""
    own = trait_stream(seed, REFERRED, 0, k)
    return _traits(scenario, seed, REFERRED, np.array([float(signup)]),
                   np.array([REFERRED_KEY + k], dtype=np.int64), stream=own)  # fmt: skip


def _traits(
    scenario: Scenario,
    seed: int,
    block: int,
    signup: np.ndarray,
    key: np.ndarray,
    stream: np.random.Generator | None = None,
) -> dict[str, np.ndarray]:
    """The latent traits of one block of customers, each trait from its own stream (or
    all from `stream`, one customer's own)."""
    pop = scenario.population
    n = len(signup)

    def draw(trait: int) -> np.random.Generator:
        return stream if stream is not None else trait_stream(seed, block, trait)

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
    none = np.full(n, np.nan)
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
        "continuing": np.zeros(n, dtype=bool),
        "alive": np.ones(n, dtype=bool),
        "first_seen": signup,
        "last_seen": none,
        "spend0": np.zeros(n),
        "base_id": np.full(n, "", dtype=object),
    }


def draw_base(scenario: Scenario, seed: int, base: Base) -> dict[str, np.ndarray]:
    """The base's customers as they enter at the start, given their histories: alive with
    their BG/NBD P(alive); purchase rate λ ~ Gamma(r + x, α + T) and dropout
    p ~ Beta(a, b + x), the posterior of an active customer (FHL 2005); spend scale
    ν ~ Gamma(q + p·x, γ + x·m̄), the Gamma-Gamma posterior (Fader, Hardie and Lee 2005b).
    Their other traits are drawn as anyone's. A customer who had left keeps the draws of
    an active one in the truth columns; they never act on them."""
    from sim.analytics.btyd import BGNBD

    pop = scenario.population
    history = float(pop.history_days)
    n = len(base)
    x, T = base.frequency, base.T
    out = _traits(scenario, seed, BASE, np.full(n, history), BASE_KEY + np.arange(n))

    def draw(trait: int) -> np.random.Generator:
        return trait_stream(seed, BASE, trait)

    r, alpha = pop.purchase_rate.r, pop.purchase_rate.alpha
    a, b = pop.dropout.a, pop.dropout.b
    model = BGNBD(params={"r": r, "alpha": alpha, "a": a, "b": b})
    p_alive = model.p_alive(x, base.recency, T)
    alive = draw(ALIVE).random(n) < p_alive
    lam = draw(RATE).gamma(r + x, 1.0 / (alpha + T))
    p = draw(DROPOUT).beta(a, b + x)
    spend = pop.spend
    nu = draw(SPEND).gamma(spend.q + spend.p * x, 1.0 / (spend.gamma + x * base.monetary_value))
    out.update(
        purchase_rate=lam,
        dropout_prob=p,
        spend_scale=nu,
        mean_spend=out["mean_spend"] * out["spend_scale"] / nu,  # p/ν × the taste's price
        continuing=np.ones(n, dtype=bool),
        alive=alive,
        first_seen=history + base.first_day,
        last_seen=history + base.last_day,
        spend0=base.spend.astype(float),
        base_id=base.customer.copy(),
    )
    return out

"""Customer processes: how one customer buys, drifts and leaves, or renews and lapses.

Read like SimPy's tutorial: the processes are generators over (env, world, customer
index). `shopper` is the reference, one `yield` per order. `settle`, a plain function,
draws the same numbers in the same order and settles a whole life at once when the
customer arrives; the world uses it when nothing shared (a desk, a message, a shock) can
touch the customer between orders. tests/test_engine.py proves the two give identical
tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.world.shocks import advance

if TYPE_CHECKING:
    import simpy

    from sim.world import World

BLOCK = 32


class Draws:
    """One customer's purchase draws, served in fixed blocks of BLOCK orders.

    Order j uses gap[j] (the wait before it, in units of 1/λ), u[j] (leave after it, or
    a fulfilment problem), z[j] (its Gamma spend draw), c[j] (its category draw) and f[j]
    (whether it suffers a service failure).
    """

    __slots__ = ("rng", "shape", "gap", "u", "z", "c", "f", "i")

    def __init__(self, rng: np.random.Generator, spend_shape: float) -> None:
        self.rng = rng
        self.shape = spend_shape
        self.i = BLOCK

    def refill(self) -> None:
        self.gap, self.z, self.u, self.c, self.f = draw_block(self.rng, self.shape)
        self.i = 0

    def next(self) -> tuple[float, float, float, float, float]:
        if self.i == BLOCK:
            self.refill()
        i = self.i
        self.i = i + 1
        return self.gap[i], self.u[i], self.z[i], self.c[i], self.f[i]


def draw_block(
    rng: np.random.Generator, spend_shape: float, out: np.ndarray | None = None
) -> np.ndarray:
    """The next BLOCK orders' draws of one customer as rows gap, z, u, c, f (see
    `Draws`), written into `out` (5 × BLOCK) when given."""
    if out is None:
        out = np.empty((5, BLOCK))
    rng.standard_exponential(out=out[0])
    rng.standard_gamma(spend_shape, out=out[1])
    rng.random(out=out[2:])
    return out


def shopper(env: simpy.Environment, world: World, c: int, life: int = 0):
    """Non-contractual customer: first order now, then orders at rate λ; after each repeat
    order leaves with probability p (the BG/NBD process of Fader, Hardie and Lee 2005)."""
    draws = world.draws(c, life)
    lam = world.pop.purchase_rate[c]
    pieces = world.shocks.rate_pieces(c) if world.shocks else []
    _, _, z, ucat, f = draws.next()
    if life or not world.pop.continuing[c]:  # (a base customer enters between orders)
        world.place_order(c, z, ucat, f)
    while True:
        gap, u, z, ucat, f = draws.next()
        wait = gap / (lam * world.purchase_speed(c))
        if pieces:
            yield env.timeout(advance(env.now, wait, pieces) - env.now)
        else:
            yield env.timeout(wait)
        world.place_order(c, z, ucat, f)
        if u < world.dropout_probability(c):
            world.churn(c, env.now)
            return


def settle(world: World, c: int) -> None:
    """The same life as `shopper`, settled now in blocks up to the horizon: no process,
    only the churn, scheduled for when it happens (holding a float, not the draws)."""
    churn_at = settle_life(world, c, world.env.now)
    if churn_at is not None:
        world.env.call_at(churn_at, lambda _event: world.churn(c, churn_at))


def settle_life(world: World, c: int, t: float) -> float | None:
    """Log customer c's orders from `t` up to the horizon; when they leave, or None.

    Each wait is added to the clock one at a time, exactly as env.now advances in
    `shopper` (and as a cumsum would): a plain loop, since a block holds a few orders and
    a numpy call on a handful of numbers costs more than the arithmetic."""
    draws = world.draws(c)
    lam = float(world.pop.purchase_rate[c])
    p = world.settled_dropout(c)
    end = world.end
    log = world.orders
    draws.refill()
    # a new customer's first order is placed now, with the block's first draws; it goes
    # to the log with the run of orders after it (one batch, not two)
    lead = 0 if world.pop.continuing[c] else 1
    # (no service section, so draws.f is drawn but never matters on this path)
    i = 1
    while True:
        if i == BLOCK:
            draws.refill()
            i = 0
        first, times, leaves = i - lead, [t] if lead else [], False
        for gap, u in zip(draws.gap[i:].tolist(), draws.u[i:].tolist(), strict=True):
            t = t + gap / lam
            if not t < end:  # the horizon comes first
                break
            times.append(t)
            i += 1
            if u < p:
                leaves = True
                break
        log.add_batch(c, times, draws.z[first:i], draws.c[first:i])
        lead = 0
        if leaves:
            return t
        if i < BLOCK:
            return None


def account(env: simpy.Environment, world: World, c: int, life: int = 0):
    """Contract account: signs a contract now and orders at rate λ while it runs; some
    orders have fulfilment problems, which cost satisfaction. Renewal is decided by
    `contract_renewals`, contact by `account_manager`."""
    setting = world.scenario.setting
    draws = world.draws(c, life)
    lam = world.pop.purchase_rate[c]
    env.process(contract_renewals(env, world, c, draws.rng))
    if setting.contact_every_days:
        env.process(account_manager(env, world, c))
    pieces = world.shocks.rate_pieces(c) if world.shocks else []
    first = True
    while True:
        gap, u, z, ucat, f = draws.next()
        if not first:
            wait = gap / (lam * world.purchase_speed(c))
            if pieces:
                yield env.timeout(advance(env.now, wait, pieces) - env.now)
            else:
                yield env.timeout(wait)
            if world.churned(c):
                return
        first = False
        problem = bool(u < setting.fulfilment_failure_rate)
        world.place_order(c, z, ucat, f, problem)
        if problem:
            world.move_satisfaction(c, -setting.failure_satisfaction_drop, env.now)


def contract_renewals(env: simpy.Environment, world: World, c: int, rng: np.random.Generator):
    """At each term end the account renews, or lapses with its satisfaction-adjusted odds."""
    term = world.scenario.setting.term_days
    while True:
        yield env.timeout(term)
        sat = world.satisfaction_at(c, env.now)
        q = world.dropout_probability(c)
        lapsed = bool(rng.random() < q)
        world.renewals.add(c, env.now, sat, q, "lapsed" if lapsed else "renewed")
        if lapsed:
            world.churn(c, env.now)
            return


def account_manager(env: simpy.Environment, world: World, c: int):
    """The account manager's regular contact lifts the account's satisfaction."""
    setting = world.scenario.setting
    while True:
        yield env.timeout(setting.contact_every_days)
        if world.churned(c):
            return
        world.move_satisfaction(c, setting.contact_satisfaction_lift, env.now)
        world.contacts.add(c, env.now)

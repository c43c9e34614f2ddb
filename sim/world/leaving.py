"""Why a customer leaves, written once: one definition for one customer or many.

At each decision point (a repeat order, a contract's term end) a customer leaves with
their own dropout chance p, moved on the log-odds scale by how far satisfaction has
fallen since they joined and by what else weighs on them now:

    log-odds(leave) = log-odds(p) + effect × (sat0 − staying sat) + scar + shocks + program

`staying sat` leaves out the part of a recovery that lifted satisfaction above its level
before the failure: customers say so in surveys, but it does not keep them (de Matos,
Henrique and Rossi 2007). The scar is the lasting cost of severe failures, `shocks` a
competitor's offer while it runs, `program` the switching cost a member's points and tier
build (<= 0). The one-customer path and the batched path both call `leave_probability`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.world import World


def staying(sat, lift):
    """Satisfaction as it acts on leaving: without the recovery's lift, never below 0."""
    return np.maximum(0.0, sat - lift)


def lapse_probability(
    p: np.ndarray, sat0: np.ndarray, sat: np.ndarray, effect: float, extra: np.ndarray
) -> np.ndarray:
    """Chances of leaving given satisfaction and extra log-odds, element-wise: exactly p
    while satisfaction is where the customer started and nothing else adds to the odds."""
    p = np.asarray(p, dtype=float)
    shift = effect * (np.asarray(sat0) - sat) + extra
    moved = (shift != 0.0) & (p > 0.0) & (p < 1.0)
    q = p.copy()
    if moved.any():
        pm = p[moved]
        # math.exp on each, not np.exp: its result never depends on the array's length
        grow = np.fromiter((math.exp(s) for s in shift[moved].tolist()), float)
        odds = pm / (1.0 - pm) * grow
        q[moved] = odds / (1.0 + odds)
    return q


def extra_logodds(
    world: World, cs: np.ndarray, t: np.ndarray, program: np.ndarray | None = None
) -> np.ndarray:
    """What adds to customers cs's odds of leaving at times t besides satisfaction: the
    scar, the shocks running then, and the program's switching cost (`program` when the
    caller has it already, else read from the members' accounts now)."""
    extra = world.scar[cs]
    if world.shocks is not None:
        extra = extra + world.shocks.leave_logodds_many(cs, t)
    if world.members is not None:
        if program is None:
            program = np.array([world.members.leave_logodds(c) for c in cs.tolist()])
        extra = extra + program
    return extra


def leave_probability(
    world: World, cs: np.ndarray, t: np.ndarray, program: np.ndarray | None = None
) -> np.ndarray:
    """Chance that each of customers cs leaves at a decision point at times t, from their
    satisfaction as last brought up to date (`World.satisfaction_at` applies any decay)."""
    pop = world.pop
    sat = staying(world.sat[cs], world.recovery_lift[cs])
    effect = world.scenario.population.satisfaction_effect
    extra = extra_logodds(world, cs, t, program)
    return lapse_probability(pop.dropout_prob[cs], pop.satisfaction0[cs], sat, effect, extra)

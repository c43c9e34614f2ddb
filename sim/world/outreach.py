"""Marketing automation: a daily process that finds who each trigger fires for and sends.

Who qualifies is what a CRM can see (signup, last order, birthday, spend so far, opt-out),
never the truth: an inactivity warning also reaches customers who have already left, and
that waste is part of what the trainee should notice.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.sections.outreach import Outreach, Trigger
from sim.world.population import NEEDS
from sim.world.rng import OUTREACH, keyed_uniforms

if TYPE_CHECKING:
    from sim.world import World


# the leading key of the control-group draws; the daily draws' leading key is the day (>= 0)
HOLDOUT_KEY = -1


class Outbox:
    """Sends messages to customers and keeps the touches and fatigue state.

    A trigger's messages of the day go out as one batch: the draws for opening, fatigue
    and conversion are keyed by (customer, day, trigger) and made in one vector, so a
    weekly newsletter to every customer costs microseconds per message, and a customer's
    draws do not depend on who else got a message (common random numbers hold).
    """

    def __init__(self, world: World, outreach: Outreach) -> None:
        self.world = world
        self.outreach = outreach
        self.store = world.store
        self.store.add("opted_out", False, bool)
        # the times of each customer's last (max_messages + 1) messages, a ring per row
        self.slots = outreach.fatigue.max_messages + 1
        self.store.add("sent_at", -np.inf, float, (self.slots,))
        self.store.add("message_ring", 0, np.int64)
        self.store.share(self, opted_out="opted_out", sent_at="sent_at", ring="message_ring")
        self.touches: list[tuple[np.ndarray, ...]] = []
        self.holdouts: list[tuple[np.ndarray, ...]] = []  # control groups: who, when, trigger
        self.trigger_names = [t.name for t in outreach.triggers]
        channels = list(world.scenario.population.channel_mix)
        # each customer's preferred channel, as an index into `channels`; a trigger's
        # channel as the same index (-1 for an outreach-only channel, e.g. sms)
        self.channel_code = {name: i for i, name in enumerate(channels)}
        self.next_at = math.inf  # the next send: an edge of sim.world.lives (a window ends there)

    def process(self, env: simpy.Environment):
        """Each day at the send hour, from the start date on, evaluate every trigger."""
        world = self.world
        first = world.start + self.outreach.send_hour / 24.0
        if first >= world.end:
            return
        self.next_at = env.now + (first - env.now)  # exactly when the timeout fires
        yield env.timeout(first - env.now)
        day = 0
        while True:
            for k, trigger in enumerate(self.outreach.triggers):
                targets = self.targets(trigger, day)
                if len(targets):
                    self.send(targets, k, trigger, day)
            day += 1
            self.next_at = env.now + 1.0
            yield env.timeout(1.0)

    def targets(self, trigger: Trigger, day: int) -> np.ndarray:
        """Customers this trigger fires for today, in id order."""
        w = self.world
        now = w.env.now
        joined = ~np.isnan(w.signup_time)
        reachable = joined & ~self.opted_out
        days = trigger.days or 0.0
        if trigger.kind == "welcome":
            hit = (w.signup_time <= now - days) & (w.signup_time > now - days - 1)
        elif trigger.kind in ("inactivity", "winback"):
            hit = (w.last_order <= now - days) & (w.last_order > now - days - 1)
        elif trigger.kind == "vip_at_risk":
            hit = (w.last_order <= now - days) & (w.last_order > now - days - 1)
            spend = np.where(joined, w.spend_so_far, 0.0)
            n_vip = max(1, int(round(trigger.vip_share * joined.sum())))
            cutoff = np.sort(spend)[-n_vip] if joined.any() else math.inf
            hit &= spend >= cutoff
        elif trigger.kind == "birthday":
            hit = w.birth_md == w.calendar_md(day)
        else:  # campaign
            if day % int(max(1, round(days))):
                return np.empty(0, dtype=np.int64)
            hit = np.ones(len(reachable), dtype=bool)
            if trigger.segment != "all":
                hit &= w.pop.dominant_need == NEEDS.index(trigger.segment)
        return np.flatnonzero(hit & reachable)

    def send(self, c: np.ndarray, k: int, trigger: Trigger, day: int) -> None:
        """Today's messages of one trigger to customers `c`: cost, fatigue, opened, and
        perhaps an order (or a return, for a win-back offer). The trigger's control group
        is listed in `holdouts` and sent nothing."""
        w = self.world
        o = self.outreach
        now = w.env.now
        if trigger.holdout:
            control = self.held_out(c, k, trigger)
            if control.any():
                kept = c[control]
                self.holdouts.append((kept, np.full(len(kept), now), np.full(len(kept), k)))
                c = c[~control]
                if not len(c):
                    return
        channel = o.channels[trigger.channel]
        n = len(c)
        u = keyed_uniforms(w.seed, OUTREACH, day, k, w.pop.key[c], np.arange(3)[:, None])
        u_fatigue, u_open, u_convert = u[0], u[1], u[2]
        # fatigue: this message and the last max_messages all fall inside the window
        self.sent_at[c, self.ring[c] % self.slots] = now
        self.ring[c] += 1
        too_many = (self.sent_at[c] > now - o.fatigue.window_days).all(axis=1)
        opted = too_many & (u_fatigue < o.fatigue.opt_out_prob)
        self.opted_out[c[opted]] = True
        if too_many.any():
            w.move_satisfaction_many(c[too_many], -o.fatigue.satisfaction_drop, now)
        rate = np.where(
            self.store.channel[c] == self.channel_code.get(trigger.channel, -1),
            min(1.0, channel.open_rate * o.preferred_channel_boost),
            channel.open_rate,
        )
        rate = np.minimum(rate, 1.0)
        opened = u_open < rate
        churned = ~np.isnan(w.churn_time[c])
        if trigger.satisfaction_lift:
            lift = c[opened & ~churned]
            if len(lift):
                w.move_satisfaction_many(lift, trigger.satisfaction_lift, now)
        price = w.pop.needs[c, 0]
        p = np.minimum(
            1.0, trigger.conversion * (1 + o.coupon_sensitivity * trigger.coupon * price)
        )
        converts = opened & (u_convert < p)
        converted = converts & (~churned | (trigger.kind == "winback"))
        for cust, gone in zip(c[converted], churned[converted], strict=True):
            cust = int(cust)
            if gone:
                w.win_back(cust)
            else:
                w.hold(cust)
                w.env.process(w.triggered_order(cust, k + 1, w.outreach_rng(cust)))
        self.touches.append(
            (
                c,
                np.full(n, now),
                np.full(n, k),
                opened,
                converted,
                opted,
                np.where(converted, trigger.coupon, 0.0),
            )
        )

    def held_out(self, c: np.ndarray, k: int, trigger: Trigger) -> np.ndarray:
        """Which of customers `c` are in trigger k's control group: one draw per (customer,
        trigger), so a customer stays in it for every firing and every variant."""
        key = self.world.pop.key[c]
        return keyed_uniforms(self.world.seed, OUTREACH, HOLDOUT_KEY, k, key) < trigger.holdout

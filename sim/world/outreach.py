"""Marketing automation: a daily process that finds who each trigger fires for and sends.

Who qualifies is what a CRM can see (signup, last order, birthday, spend so far, opt-out),
never the truth: an inactivity warning also reaches customers who have already left, and
that waste is part of what the trainee should notice.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.sections.outreach import Outreach, Trigger
from sim.world.population import NEEDS

if TYPE_CHECKING:
    from sim.world import World


class Outbox:
    """Sends messages to customers and keeps the touches and fatigue state."""

    def __init__(self, world: World, outreach: Outreach) -> None:
        self.world = world
        self.outreach = outreach
        n = len(world.pop)
        self.opted_out = np.zeros(n, dtype=bool)
        self.recent: dict[int, deque] = {}
        self.touches: list[tuple] = []
        self.trigger_names = [t.name for t in outreach.triggers]
        channels = list(world.scenario.population.channel_mix)
        self.preferred = [channels[k] for k in world.pop.channel]

    def process(self, env: simpy.Environment):
        """Each day at the send hour, from the start date on, evaluate every trigger."""
        world = self.world
        first = world.start + self.outreach.send_hour / 24.0
        if first >= world.end:
            return
        yield env.timeout(first - env.now)
        day = 0
        while True:
            for k, trigger in enumerate(self.outreach.triggers):
                for c in self.targets(trigger, day):
                    self.send(int(c), k, trigger)
            day += 1
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

    def send(self, c: int, k: int, trigger: Trigger) -> None:
        """One message to customer c: cost, fatigue, opened, and perhaps an order."""
        w = self.world
        o = self.outreach
        now = w.env.now
        channel = o.channels[trigger.channel]
        rng = w.outreach_rng(c)
        recent = self.recent.setdefault(c, deque())
        recent.append(now)
        while recent and recent[0] <= now - o.fatigue.window_days:
            recent.popleft()
        opted_out = False
        excess = len(recent) - o.fatigue.max_messages
        u_fatigue, u_open, u_convert = rng.random(3)
        if excess > 0:
            w.move_satisfaction(c, -o.fatigue.satisfaction_drop, now)
            opted_out = bool(u_fatigue < o.fatigue.opt_out_prob)
            self.opted_out[c] = opted_out
        boost = o.preferred_channel_boost if self.preferred[c] == trigger.channel else 1.0
        opened = bool(u_open < min(1.0, channel.open_rate * boost))
        converted = False
        if opened:
            if trigger.satisfaction_lift and not w.churned(c):
                w.move_satisfaction(c, trigger.satisfaction_lift, now)
            price = w.pop.needs[c, 0]
            p = min(1.0, trigger.conversion * (1 + o.coupon_sensitivity * trigger.coupon * price))
            if u_convert < p:
                if not w.churned(c):
                    converted = True
                    w.env.process(w.triggered_order(c, k + 1, rng))
                elif trigger.kind == "winback":
                    converted = True
                    w.win_back(c)
        self.touches.append(
            (
                c,
                now,
                trigger.name,
                trigger.channel,
                channel.cost,
                opened,
                converted,
                opted_out,
                trigger.coupon if converted else 0.0,
            )
        )

"""The service desk: failures on orders, complaints queueing for agents, recovery.

A failure always costs satisfaction and may leave a lasting scar on the odds of leaving;
only some customers complain (most go quietly). A complaint queues for a level-1 agent
(SimPy PriorityResource, higher tiers first when the scenario says so), may be escalated
to level 2, is resolved, and followed up; how well it was handled sets how much
satisfaction comes back, possibly above where it was (the recovery paradox).

Most of a desk's work is not complaints but questions (order status, points, opening
hours, invoices): `inquiries` is one desk-level Poisson stream of them. They queue for the
same level-1 agents under the same rules as complaints (higher tiers first where the
scenario says so, otherwise first come, first served): a hotline or chat queue learns
that a contact is a complaint only when an agent takes it. So a busy desk answers
complaints late too, and staffing shows in the promise kept.
"""

from __future__ import annotations

import math
from bisect import bisect_right, insort_right
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.sections.service import PARTS, SEVERITIES, DeskPolicy, Recovery, Service
from sim.world.rng import INQUIRIES, keyed_uniforms

if TYPE_CHECKING:
    from sim.world import World


def recovery_quality(
    severity: str,
    response_hours: float,
    policy: DeskPolicy,
    escalated: bool,
    followed_up_within_hours: float | None,
    recovery: Recovery | None = None,
) -> dict[str, float]:
    """Score each part of a recovery (1 = as good as it gets) and their weighted total,
    with the service section's `recovery` weights (the defaults when None).

    Speed is 1 within the response promise and falls below 0 when the promise is broken
    badly (a broken promise makes things worse than no promise). Escalation counts only
    for severe failures; compensation only as far as the severity calls for it.
    """
    r = Recovery() if recovery is None else recovery
    promise = policy.response_hours
    if response_hours <= promise:
        speed = 1.0
    else:
        # (in this order of operations: the shipped tables depend on its rounding)
        late = r.late_penalty * (response_hours - promise) / promise
        speed = max(-r.broken_promise_floor, 1.0 - late)
    apology = 1.0 if policy.apology else 0.0
    value = r.compensation_value[policy.compensation]
    compensation = min(1.0, value / r.compensation_needed[severity])
    escalation = (1.0 if escalated else 0.0) if severity == "severe" else 1.0
    follow = (
        1.0
        if followed_up_within_hours is not None
        and followed_up_within_hours <= r.follow_up_window_hours
        else 0.0
    )
    parts = {
        "speed": speed,
        "apology": apology,
        "compensation": compensation,
        "escalation": escalation,
        "follow_up": follow,
    }
    parts["total"] = sum(getattr(r, k) * parts[k] for k in PARTS)
    return parts


_KEY = attrgetter("key")


class WaitingLine(simpy.resources.resource.SortedQueue):
    """SimPy's SortedQueue, the same order, without its re-sort on every arrival: it sorts
    the whole line again (a key call per waiting contact), which an understaffed desk of a
    big world pays millions of times; a binary search puts the newcomer after every equal
    key, where the stable sort put it. (SimPy's resources make it without a maxlen.)"""

    def append(self, item: Any) -> None:
        insort_right(self, item, key=_KEY)


class Agents(simpy.PriorityResource):
    """A priority resource whose waiting line is a WaitingLine (SimPy's documented
    PutQueue extension point)."""

    PutQueue = WaitingLine


class ServiceDesk:
    """Level-1 and level-2 agents as SimPy priority resources, plus the case records."""

    def __init__(self, env: simpy.Environment, service: Service) -> None:
        self.env = env
        self.service = service
        self.l1 = Agents(env, capacity=service.l1_agents)
        self.l2 = Agents(env, capacity=service.l2_agents)
        self.tickets: list[tuple] = []
        self.inquiries: list[list] = []  # customer, opened, first response, resolved

    def shifts(self, first_weekday: int):
        """A process closing the desk outside its hours: at closing time it claims every
        agent at top priority (agents finish the case in hand first) until it reopens.
        `first_weekday` is the weekday of env day 0 (Monday = 0)."""
        env, svc = self.env, self.service
        if svc.hours_open >= 24 and svc.open_weekends:
            return
        opens, closes = svc.opens_at_hour / 24.0, (svc.opens_at_hour + svc.hours_open) / 24.0

        def is_open_day(d: int) -> bool:
            return svc.open_weekends or (first_weekday + d) % 7 < 5

        day = 0
        closed_from = 0.0
        while True:
            # the next opening strictly after closed_from
            d = day if day + opens > closed_from else day + 1
            while not is_open_day(d):
                d += 1
            reopen = d + opens
            if reopen > closed_from:
                claims = [
                    res.request(priority=-(10**9))
                    for res in (self.l1, self.l2)
                    for _ in range(res.capacity)
                ]
                yield env.timeout(reopen - env.now)
                for req in claims:
                    if req.triggered:
                        req.resource.release(req)
                    else:
                        req.cancel()
            closed_from = d + closes
            day = d + 1
            yield env.timeout(closed_from - env.now)

    def outage(self, start: float, duration: float, strength: float):
        """A process taking a share of the level-1 agents away for a while."""
        env = self.env
        n_out = min(self.l1.capacity, max(1, math.ceil(strength * self.l1.capacity)))
        if start > env.now:
            yield env.timeout(start - env.now)
        requests = [self.l1.request(priority=-(10**9)) for _ in range(n_out)]
        yield env.all_of(requests)
        yield env.timeout(duration)
        for r in requests:
            self.l1.release(r)


def complaint(
    env: simpy.Environment,
    world: World,
    c: int,
    severity: str,
    channel: str,
    rng: np.random.Generator,
):
    """One complaint: queue, first response, handling, escalation, resolution, follow-up.

    Its ticket row is written when it opens and filled in as it goes, so cases still open
    at the end of the horizon are in the table with empty response or resolution days.
    """
    desk = world.desk
    svc = desk.service
    policy = svc.policy
    opened = env.now
    escalated = policy.escalation == "always" or (
        policy.escalation == "when_severe" and severity == "severe"
    )
    handling = (
        "+".join(
            part
            for part, on in (
                ("apology", policy.apology),
                (f"compensation_{policy.compensation}", policy.compensation != "none"),
                ("escalated", escalated),
                ("follow_up", policy.follow_up_hours is not None),
            )
            if on
        )
        or "plain"
    )
    nan = math.nan
    # c, opened, severity, channel, first response, resolved, follow-up, escalated,
    # handling, csat, promise kept, recovery quality, cost (the compensation; agents are
    # paid for their staffed hours, sim.figures' staff_cost)
    row = [
        c,
        opened,
        severity,
        channel,
        nan,
        nan,
        nan,
        escalated,
        handling,
        nan,
        False,
        nan,
        svc.compensation_cost[policy.compensation],
    ]
    desk.tickets.append(row)
    if policy.response_delay_hours:
        yield env.timeout(policy.response_delay_hours / 24.0)
    priority = world.service_priority(c)
    with desk.l1.request(priority=priority) as req:
        yield req
        first_response = row[4] = env.now
        row[10] = (first_response - opened) * 24.0 <= policy.response_hours
        l1_time = rng.exponential(svc.l1_hours / 24.0)
        yield env.timeout(l1_time)
    if escalated:
        with desk.l2.request(priority=priority) as req:
            yield req
            l2_time = rng.exponential(svc.l2_hours / 24.0)
            yield env.timeout(l2_time)
    resolved = row[5] = env.now
    follow_hours = policy.follow_up_hours
    quality = recovery_quality(
        severity, (first_response - opened) * 24.0, policy, escalated, follow_hours, svc.recovery
    )
    row[11] = quality["total"]
    row[9] = float(np.clip(np.rint(1 + 4 * max(0.0, quality["total"]) + rng.normal(0, 0.6)), 1, 5))
    # what the follow-up adds comes when it happens; the rest at resolution
    at_resolution = quality["total"] - svc.recovery.follow_up * quality["follow_up"]
    gain = svc.failure_drop[severity] + svc.recovery_paradox[severity]
    overshoot = svc.recovery_paradox[severity] / gain if gain > 0 else 0.0
    if not world.churned(c):
        world.recover(c, at_resolution * gain, overshoot, resolved)
    world.on_ticket_closed(c)
    if follow_hours is not None:
        yield env.timeout(follow_hours / 24.0)
        row[6] = env.now
        if not world.churned(c):
            lift = svc.recovery.follow_up * quality["follow_up"] * gain
            world.recover(c, lift, overshoot, env.now)


def poisson_counts(u: np.ndarray, mean: float) -> np.ndarray:
    """Poisson(mean) counts by inversion of one uniform each: a slightly different mean
    changes the count only of those whose uniform lies near a step of the cdf."""
    pmf, cdf, k = math.exp(-mean), [], 0
    total = pmf
    while total < 1.0 - 1e-15 and k < 50:
        cdf.append(total)
        k += 1
        pmf *= mean / k
        total += pmf
    return np.searchsorted(np.asarray(cdf), u, side="right")


def day_inquiries(world: World, day: int, active: np.ndarray):
    """Day `day`'s questions: each active customer asks Poisson(rate a day) times, at
    uniform times in the day, each with a standard exponential of work. Every draw is
    keyed by (day, customer key, question), so who else is active changes nothing of a
    customer's own questions (common random numbers across variants and sizes).
    Returns (customer, time into the day, work) sorted by time."""
    per_day = world.desk.service.inquiries_per_customer_year / 365.0
    key = world.pop.key[active]
    count = poisson_counts(keyed_uniforms(world.seed, INQUIRIES, day, 0, key), per_day)
    rows = []
    for j in range(int(count.max(initial=0))):
        asks = count > j
        u = keyed_uniforms(world.seed, INQUIRIES, day, j + 1, key[asks], np.arange(2)[:, None])
        rows.append((active[asks], u[0], -np.log1p(-u[1])))
    if not rows:
        return []
    who, offset, work = (np.concatenate(parts) for parts in zip(*rows, strict=True))
    order = np.lexsort((who, offset))
    return list(zip(who[order].tolist(), offset[order].tolist(), work[order].tolist(), strict=True))


def inquiries(env: simpy.Environment, world: World):
    """The desk's inquiries: each active customer asks `inquiries_per_customer_year`
    questions a year (a Poisson stream of theirs, drawn day by day).

    Day d's questions are drawn at d − 1; their customers are held from then on
    (`World.hold`: their orders are placed at their exact times, so the tier an inquiry
    queues with is the same on every order path). A customer who has left by the time of
    their question never asks it.
    """
    svc = world.desk.service
    if svc.inquiries_per_customer_year <= 0.0:
        return
    mean_days = svc.inquiry_minutes / (24.0 * 60.0)
    day = 0
    while day + 1 < world.end:
        active = world.active_customers(env.now)
        for c, offset, work in day_inquiries(world, day + 1, active):
            world.hold(c)
            env.process(inquiry(env, world, c, day + 1 + offset, work * mean_days))
        day += 1
        yield env.timeout(1.0)


def inquiry(env: simpy.Environment, world: World, c: int, at: float, handling: float):
    """One question from customer c at env time `at`: it queues for a level-1 agent (as a
    complaint of theirs would), takes `handling` days of the agent's time, and is done."""
    if at > env.now:
        yield env.timeout(at - env.now)
    if env.now < world.end and not world.churned(c):
        desk = world.desk
        row = [c, env.now, math.nan, math.nan]
        desk.inquiries.append(row)
        with desk.l1.request(priority=world.service_priority(c)) as req:
            yield req
            row[2] = env.now
            yield env.timeout(handling)
        row[3] = env.now
    world.let_go(c)


class FailureDraw:
    """Severity of a failure, whether the customer complains, and through which channel:
    the scenario's shares made cumulative once, one uniform per choice (as
    `Generator.choice` with `p` draws, without its per-call checks)."""

    def __init__(self, svc: Service) -> None:
        self.svc = svc
        mix = np.array([svc.severity_mix[s] for s in SEVERITIES], dtype=float)
        self.severity_cdf = (np.cumsum(mix) / mix.sum()).tolist()
        self.channels = list(svc.complaint_channel_mix)
        shares = np.array([svc.complaint_channel_mix[k] for k in self.channels], dtype=float)
        self.channel_cdf = (np.cumsum(shares) / shares.sum()).tolist()

    def __call__(self, rng: np.random.Generator) -> tuple[str, bool, str]:
        u_severity, u_complain, u_channel = rng.random(3).tolist()
        severity = SEVERITIES[min(bisect_right(self.severity_cdf, u_severity), 2)]
        complains = u_complain < self.svc.complain_prob[severity]
        k = min(bisect_right(self.channel_cdf, u_channel), len(self.channels) - 1)
        return severity, complains, self.channels[k]

"""Customers' regular orders, placed ahead of time and many customers at a time.

With sections on, a whole life cannot be settled in advance (a message, a ticket or the
program changes what comes next), yet most of the time nothing touches a customer but
their own orders. The run is cut into windows at the moments that read or change many
customers (the daily send, the quarterly survey, and at least once a day). At the start
of each window every free customer's orders in it are placed at once, one vectorised
round per order. A customer is held, and placed one order at a time at its exact time as
a SimPy event, while something of theirs is under way (the survey after their first
order, a ticket, a message that may bring an order) or when their next order will go
wrong (its complaint must queue at the desk then). The tables equal those of the one-yield-per-order
`customers.shopper`, the reference (tests/test_fast_paths.py).

The hold protocol, which every process that touches a customer keeps:

- *Edges.* A process that reads or changes many customers at one moment (the outbox's daily
  send, the survey desk's quarterly survey) is an `Edge`: it keeps `next_at`, the moment
  it next runs, and the world hands it to `Lives`. A window starts at every edge and at
  least once a day (`DAY`: the desk draws tomorrow's questions daily), so no order after
  an edge is placed before the edge has run.
- *Holds.* A process that will read or change customer c at a later moment (a ticket, a
  question, a message that may bring an order, the survey after a first order) calls
  `World.hold(c)` when it starts, at the latest at the window start before that moment,
  and `World.let_go(c)` when it is over. A held customer's orders are SimPy events at
  their exact times; holds count (`pending`), so several may overlap.
- *Free again.* At each window start, the held customers with nothing pending and no
  order about to go wrong are let go: from there on a window may settle their orders
  ahead of time again.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

import numpy as np

from sim.world import basket, rng
from sim.world.clock import AFTER_OTHERS
from sim.world.customers import BLOCK, draw_block
from sim.world.leaving import leave_probability
from sim.world.population import NEEDS
from sim.world.shocks import advance, rate_multiplier

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sim.world import World

INF = math.inf
DAY = 1.0  # the longest window


class Edge(Protocol):
    """A process that reads or changes many customers at one moment: a window ends at
    `next_at`, the next such moment (inf: none to come)."""

    next_at: float


class Lives:
    """Every customer's next regular order, purchase draws and whether they are held.

    Row c of `gap`, `u`, `z`, `cat_u`, `f` is customer c's current block of BLOCK draws
    (`customers.draw_block`, as `customers.Draws` makes them), and `ptr[c]` the next
    unused one: order j of a life uses gap[j] (its wait), u[j] (leave after it), z[j]
    (spend), cat_u[j] (category) and f[j] (a failure). A free customer's next order is
    at `next[c]`; a held one's at `event_at[c]`, as a SimPy event (`fails[c]`: it goes
    wrong). All of these are columns of the world's customer store (they grow with it).
    """

    # (store column, fill, dtype, shape): the lives' state of each customer
    COLUMNS = (
        ("next_order", INF, float, ()),
        ("event_at", INF, float, ()),
        ("event_fails", False, bool, ()),
        ("token", 0, np.int64, ()),  # bumped when a held customer is let go: event void
        ("pending", 0, np.int64, ()),  # things of theirs under way (tickets, messages...)
        ("draw_ptr", BLOCK, np.int64, ()),
        ("draws", 0.0, float, (5, BLOCK)),  # rows of `customers.draw_block`
        ("draw_cat", 0, np.int16, (BLOCK,)),  # the category each cat_u picks
        ("purchase_rng", None, object, ()),
        ("has_pieces", False, bool, ()),  # a price cut changes their purchase rate
        ("join_at", INF, float, ()),  # when `join_until` lets them in (INF: not drawn)
    )

    # this object's attributes for store columns
    SHARED = {
        "next": "next_order",
        "event_at": "event_at",
        "fails": "event_fails",
        "token": "token",
        "pending": "pending",
        "ptr": "draw_ptr",
        "draws": "draws",
        "cat": "draw_cat",
        "rngs": "purchase_rng",
        "has_pieces": "has_pieces",
        "join_at": "join_at",
        "lam": "purchase_rate",
        "taste_cdf": "taste_cdf",
        "spend_scale": "spend_scale",
    }

    def _draw_rows(self) -> None:
        """gap, z, u, cat_u, f: the rows of `draws` (views, made again when it grows)."""
        self.gap, self.z, self.u, self.cat_u, self.f = (self.draws[:, k] for k in range(5))

    def __init__(self, world: World, edges: Sequence[Edge] = ()) -> None:
        self.world = world
        self.edges = list(edges)
        self.store = world.store
        for name, fill, dtype, shape in self.COLUMNS:
            self.store.add(name, fill, dtype, shape)
        self.store.share(self, **self.SHARED)
        self._draw_rows()
        self.store.on_append(lambda _rows: self._draw_rows())
        self.held: set[int] = set()
        shocks = world.shocks
        self.cuts = shocks.price_cuts if shocks is not None else []
        self._mark_pieces(np.arange(len(self.store)))
        self.store.on_append(self._mark_pieces)
        self._pieces: dict[int, list] = {}
        # waits that might reach into a price cut go through `advance` one by one
        self.cut_from = min((a for _, a, _ in self.cuts), default=INF)
        self.cut_to = max((b for _, _, b in self.cuts), default=-INF)
        self.can_fail = world.failures is not None
        self.price = np.asarray(world._price, dtype=float)
        # when each customer joins: the env times `World.arrivals` reaches, worked out
        # the same way (its timeouts add each wait to the time before)
        signup, join_at, now = world.pop.signup, np.empty(len(self.store)), 0.0
        for c in range(len(signup)):
            wait = signup[c] - now
            if wait > 0:
                now = now + wait
            join_at[c] = now
        self.store.set("join_at", join_at)
        self.joined = 0
        world.env.call_at(0.0, self.window, AFTER_OTHERS)

    def _mark_pieces(self, rows: np.ndarray) -> None:
        """Whose purchase rate a price cut changes (their `rate_pieces` are not empty)."""
        needs = self.world.pop.needs
        for shock, _, _ in self.cuts:
            x = needs[rows, NEEDS.index(shock.needs)]
            self.has_pieces[rows] |= rate_multiplier(shock, x) != 1.0

    def drop_draws(self) -> None:
        """The run is over: let go of the purchase draws and streams (the largest state)."""
        self.store.drop("purchase_rng", "draws", "draw_cat")
        self.rngs = self.draws = self.cat = None
        self.gap = self.z = self.u = self.cat_u = self.f = None

    # ------------------------------------------------------------------ one customer
    def refill(self, c: int) -> None:
        block = draw_block(self.rngs[c], self.world._spend_shape, out=self.draws[c])
        self.cat[c] = basket.category(self.taste_cdf[c], block[3])
        self.ptr[c] = 0

    def _new_life(self, c: int, life: int = 0) -> None:
        self.rngs[c] = self.world.streams.new(rng.PURCHASES, c, life)
        self.refill(c)
        self.ptr[c] = 1

    def start(self, c: int, life: int = 0) -> None:
        """Customer c's life begins now with an order (a return, or a sign-up whose first
        order goes wrong); they are held until the next window."""
        if life or self.rngs[c] is None:
            self._new_life(c, life)
        self.held.add(c)
        w = self.world
        w.place_order(c, self.z[c, 0], self.cat_u[c, 0], self.f[c, 0])
        self._schedule(c, w.env.now)

    def join_until(self, t: float) -> None:
        """Everyone who signs up before t: their first orders, as `World.arrivals` and
        `customers.shopper` would place them (a first order that goes wrong waits for
        its own time)."""
        w = self.world
        t = min(t, w.end)
        lo = self.joined
        hi = lo + int(np.searchsorted(self.join_at[lo:], t, side="left"))
        if hi == lo:
            return
        self.joined = hi
        cs = np.arange(lo, hi)
        when = self.join_at[lo:hi]
        pop = w.pop
        base = pop.continuing[cs]
        if base.any():  # base customers enter between orders: their next one, if alive
            entering = cs[base & pop.alive[cs]]
            for c in entering.tolist():
                self._new_life(c)
            speed = np.array([w.purchase_speed(c) for c in entering.tolist()])
            self._schedule_many(entering, when[base & pop.alive[cs]], speed)
            cs, when = cs[~base], when[~base]
        w.signup_time[cs] = when
        for c in cs.tolist():
            self._new_life(c)
        j = np.zeros(len(cs), dtype=np.int64)
        fails = np.zeros(len(cs), dtype=bool)
        if self.can_fail:
            fails = self.f[cs, j] < w.failure_chances(self.cat[cs, j], when)
        for c, t_c in zip(cs[fails].tolist(), when[fails].tolist(), strict=True):
            w.env.call_at(t_c, lambda _event, c=c: self.start(c))
        cs, when, j = cs[~fails], when[~fails], j[~fails]
        speed, _ = self._place(cs, when, j)  # (a first order never ends a relationship)
        desk = w.survey_desk
        asked = np.zeros(len(cs), dtype=bool)
        if desk is not None and desk.surveys.after_first_order:
            asked = when >= w.start
            for c, t_c in zip(cs[asked].tolist(), when[asked].tolist(), strict=True):
                self.hold(c)
                w.env.call_at(t_c, lambda _event, c=c: w.env.process(self._first_survey(c)))
                self._schedule(c, t_c)
        self._schedule_many(cs[~asked], when[~asked], speed[~asked])

    def _first_survey(self, c: int):
        """The survey after a first order placed by `join_until` (c is held till it ends)."""
        yield from self.world.survey_desk.after_first_order(self.world.env, c)
        self.let_go(c)

    def pieces(self, c: int) -> list[tuple[float, float, float]]:
        """Customer c's purchase-rate pieces under the price cuts (made once)."""
        p = self._pieces.get(c)
        if p is None:
            p = self._pieces[c] = self.world.shocks.rate_pieces(c)
        return p

    def restart(self, c: int, life: int):
        """A process: the new life of a customer won back (after the day's sends)."""
        self.start(c, life)
        yield from ()

    def hold(self, c: int) -> None:
        """Something of customer c's is under way: place their orders one by one."""
        self.pending[c] += 1
        if c in self.held:
            return
        self.held.add(c)
        t = float(self.next[c])
        if t < INF:
            self.next[c] = INF
            self._event(c, t, False)

    def let_go(self, c: int) -> None:
        """It is over; customer c is free again from the next window."""
        self.pending[c] -= 1

    def _schedule(self, c: int, t: float) -> None:
        """After a held customer's order at t: their next order, as a SimPy event."""
        j = int(self.ptr[c])
        if j == BLOCK:
            self.refill(c)
            j = 0
        w = self.world
        wait = self.gap[c, j] / (self.lam[c] * w.purchase_speed(c))
        cut = self.has_pieces[c]
        t_next = t + (advance(t, wait, self.pieces(c)) - t) if cut else t + wait
        self._event(c, t_next, self.can_fail and self._fails(c, j, t_next))

    def _event(self, c: int, t: float, fails: bool) -> None:
        self.event_at[c] = t
        self.fails[c] = fails
        if t < self.world.end:
            token = self.token[c]
            self.world.env.call_at(t, lambda _event: self._on_time(c, token))

    def _fails(self, c: int, j: int, t: float) -> bool:
        chance = self.world.failure_chances(self.cat[c, j : j + 1], np.array([t]))[0]
        return bool(self.f[c, j] < chance)

    def _on_time(self, c: int, token: int) -> None:
        """A held customer's order, at its time (as `customers.shopper` places it)."""
        if token != self.token[c]:
            return  # let go since: the window placed this order
        w = self.world
        now = w.env.now
        self.event_at[c] = INF
        j = int(self.ptr[c])
        self.ptr[c] = j + 1
        w.place_order(c, self.z[c, j], self.cat_u[c, j], self.f[c, j])
        if self.u[c, j] < w.dropout_probability(c):
            w.churn(c, now)
            self.rngs[c] = None  # this life is over (a return starts a new stream)
            return
        self._schedule(c, now)

    # ------------------------------------------------------------------ a window
    def window(self, _event=None) -> None:
        """At a window's start: let go of the held with nothing under way, place every
        free customer's orders due before the next window, and book that window."""
        w = self.world
        env = w.env
        now = env.now
        for c in [c for c in self.held if self.pending[c] == 0 and not self.fails[c]]:
            self.held.discard(c)
            self.token[c] += 1
            self.next[c] = self.event_at[c]
            self.event_at[c] = INF
        until = min(now + DAY, w.end, *(edge.next_at for edge in self.edges))
        self.join_until(until)
        self.place_until(until)
        if until < w.end:
            env.call_at(until, self.window, AFTER_OTHERS)

    def place_until(self, t: float) -> None:
        """Place every free customer's orders due before t, one order each per round."""
        w = self.world
        while True:
            cs = np.flatnonzero(self.next < t)
            if not len(cs):
                return
            when = self.next[cs]
            j = self.ptr[cs]
            self.ptr[cs] = j + 1
            self.next[cs] = INF
            speed, member_logodds = self._place(cs, when, j)
            program = member_logodds if w.members is not None else None
            leave = self.u[cs, j] < leave_probability(w, cs, when, program)
            w.churn_time[cs[leave]] = when[leave]
            for c in cs[leave].tolist():
                self.rngs[c] = None  # this life is over (a return starts a new stream)
            stay = ~leave
            self._schedule_many(cs[stay], when[stay], speed[stay])

    def _place(self, cs: np.ndarray, t: np.ndarray, j: np.ndarray):
        """One round of orders that do not go wrong, as `World.place_order` places them;
        the members' purchase speed and switching cost after them."""
        w = self.world
        z, cat_u = self.z[cs, j], self.cat_u[cs, j]
        w.last_order[cs] = t
        n = len(cs)
        speed = np.ones(n)
        member_logodds = np.zeros(n)
        columns = {"cust": cs, "time": t, "z": z, "ucat": cat_u}
        cat = self.cat[cs, j]
        amount = basket.amount(z, self.spend_scale[cs], self.price[cat])
        w.spend_so_far[cs] += amount
        if w.members is not None:
            discount, earned, redeemed, member_logodds, speed = w.members.on_orders(
                cs, t, amount, cat
            )
            columns.update(discount=discount, points_earned=earned, points_redeemed=redeemed)
        w.orders.add_columns(**columns)
        return speed, member_logodds

    def _schedule_many(self, cs: np.ndarray, t: np.ndarray, speed: np.ndarray) -> None:
        """The next order of many free customers after their orders at times t; those
        whose next order goes wrong are held (it becomes a SimPy event)."""
        if not len(cs):
            return
        for c in cs[self.ptr[cs] == BLOCK].tolist():
            self.refill(c)
        j = self.ptr[cs]
        wait = self.gap[cs, j] / (self.lam[cs] * speed)
        t_next = t + wait
        pieces = self.has_pieces[cs]
        if pieces.any():
            # exactly the reference's t + (advance(t, wait) − t); advance is t + wait
            # unless the wait may reach into a price cut, then it is worked out one by one
            t_next[pieces] = t[pieces] + (t_next[pieces] - t[pieces])
            near = np.flatnonzero(pieces & (t < self.cut_to) & (t + wait > self.cut_from - 1e-6))
            for i in near.tolist():
                ti = float(t[i])
                t_next[i] = ti + (advance(ti, float(wait[i]), self.pieces(int(cs[i]))) - ti)
        if not self.can_fail:
            self.next[cs] = t_next
            return
        fails = self.f[cs, j] < self.world.failure_chances(self.cat[cs, j], t_next)
        self.next[cs] = np.where(fails, INF, t_next)
        for c, when in zip(cs[fails].tolist(), t_next[fails].tolist(), strict=True):
            self.held.add(c)
            self._event(c, when, True)

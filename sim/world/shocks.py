"""Sudden variables: who a scheduled shock hits, and how hard, as plain numbers.

A competitor's price cut slows the purchases of the customers sensitive to it and raises
their odds of leaving while it lasts; a recall makes orders in its categories go wrong;
an outage makes every order likelier to go wrong and takes agents off the desk (that part
is the desk's `outage` process). How hard each kind hits is a field of the shock
(sim/sections/shocks.py: rate_cut, leave_logodds, recall_failure, outage_failure).
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np

from sim.sections.shocks import Shock
from sim.world.population import NEEDS


def rate_multiplier(shock: Shock, x: float | np.ndarray) -> float | np.ndarray:
    """How a competitor price cut multiplies the purchase rate of customers of
    sensitivity x (0-1) while it lasts: 1 − rate_cut × strength × x."""
    return 1.0 - shock.rate_cut * shock.strength * x


class ShockBook:
    """The scenario's shocks in env time, with per-customer effects."""

    def __init__(self, shocks: list[Shock], offset: float, store, categories: list[str]) -> None:
        self.shocks = shocks
        self.windows = [(s, s.day + offset, s.end + offset) for s in shocks]
        self.store = store.view("needs")  # (a view: the store grows)
        self.categories = categories
        self.price_cuts = [w for w in self.windows if w[0].kind == "competitor_price_cut"]

    @property
    def needs(self) -> np.ndarray:
        """Every customer's sensitivities to price, quality and service."""
        return self.store.needs

    def rate_pieces(self, c: int) -> list[tuple[float, float, float]]:
        """Non-overlapping (start, end, multiplier) pieces of customer c's purchase rate."""
        if not self.price_cuts:
            return []
        cuts = []
        for shock, a, b in self.price_cuts:
            x = self.needs[c, NEEDS.index(shock.needs)]
            cuts.append((a, b, rate_multiplier(shock, x)))
        edges = sorted({e for a, b, _ in cuts for e in (a, b)})
        pieces = []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            m = 1.0
            for a, b, mult in cuts:
                if a <= lo and hi <= b:
                    m *= mult
            if m != 1.0:
                pieces.append((lo, hi, m))
        return pieces

    def leave_logodds_many(self, cs: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Extra log-odds of leaving for customers cs at env times t (the price cuts running)."""
        extra = np.zeros(len(cs))
        for shock, a, b in self.price_cuts:
            on = (a <= t) & (t < b)
            hit = shock.leave_logodds * shock.strength * self.needs[cs, NEEDS.index(shock.needs)]
            extra = np.where(on, extra + hit, extra)
        return extra

    def price_cut_hits(self, c: int, t: float) -> bool:
        """Whether a price cut running at env time t touches customer c (strength and
        sensitivity both above 0): what their survey comments then talk about."""
        return any(
            a <= t < b and shock.strength * self.needs[c, NEEDS.index(shock.needs)] > 0
            for shock, a, b in self.price_cuts
        )

    def failure_rates(self, base: np.ndarray, category: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The chance that orders of category indices `category` at env times t go wrong,
        from their base chance: a recall raises it in its categories, an outage everywhere."""
        f = base
        for shock, a, b in self.windows:
            if shock.kind not in ("product_recall", "service_outage"):
                continue
            on = (a <= t) & (t < b)
            if shock.kind == "product_recall":
                hit = np.isin(category, [self.categories.index(n) for n in shock.categories])
                f = np.where(on & hit, f + (1.0 - f) * shock.recall_failure * shock.strength, f)
            elif shock.kind == "service_outage":
                rise = 1.0 + shock.outage_failure * shock.strength
                f = np.where(on, np.minimum(1.0, f * rise), f)
        return f

    def active_on(self, day: int) -> str:
        """Names of the shocks running on table day `day`, comma-separated."""
        return ",".join(s.name for s in self.shocks if s.day < day + 1 and s.end > day)


def advance(t: float, base_time: float, pieces: list[tuple[float, float, float]]) -> float:
    """The env time at which `base_time` days of purchasing at the normal rate have passed,
    when the rate is multiplied by m within each (start, end, m) piece."""
    if not pieces:
        return t + base_time
    i = max(0, bisect_right([p[0] for p in pieces], t) - 1)
    x = base_time
    for a, b, m in pieces[i:]:
        if b <= t:
            continue
        if a > t:
            if x <= a - t:
                return t + x
            x -= a - t
            t = a
        capacity = (b - t) * m
        if m > 0 and x <= capacity:
            return t + x / m
        x -= max(capacity, 0.0)
        t = b
    return t + x

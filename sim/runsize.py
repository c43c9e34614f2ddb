"""How big a run will be, known before it starts: customers, orders, messages, peak memory.

`estimate` is a pure function of the resolved scenario; `check_run_size` refuses a run
whose estimate exceeds the memory this machine has free, saying how to shrink it. The
coefficients were measured on the shipped scenarios (peak resident memory of `sim.run`
in a fresh process; see the measurements in tests/test_runsize.py).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from sim.i18n import _
from sim.problems import Problem, ScenarioError
from sim.scenario import Scenario
from sim.sections import settles

# Peak memory = BASE + the bytes of each kind of row the run keeps (measured, rounded up).
BASE_BYTES = 160e6  # the interpreter, numpy, pandas, simpy, the Faker pools
BYTES_PER_CUSTOMER = 2_500.0  # traits, profile strings, per-customer state and streams
BYTES_PER_CUSTOMER_CATEGORY = 40.0  # tastes: a few float64 columns per category
BYTES_PER_ORDER = 600.0  # the orders table and the records behind it, ledger rows included
BYTES_PER_TOUCH = 300.0  # a message row (touches) and the sending state
# A world with every shared section off settles each life at once: no per-customer
# state beyond the traits and profiles, 24 logged bytes an order and its table row.
BYTES_PER_SETTLED_CUSTOMER = 600.0
BYTES_PER_SETTLED_ORDER = 130.0
# Share of the machine's free memory one run may plan to use.
MEMORY_SHARE = 0.8


@dataclass(frozen=True)
class RunSize:
    """What a run is expected to produce, and the peak memory that takes."""

    customers: float
    orders: float
    touches: float
    peak_bytes: float

    def describe(self) -> str:
        return _(
            "about {memory} for {customers:,.0f} customers, "
            "{orders:,.0f} orders and {touches:,.0f} messages",
            memory=_gb(self.peak_bytes),
            customers=self.customers,
            orders=self.orders,
            touches=self.touches,
        )


def _gb(n: float) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e8 else f"{n / 1e6:,.0f} MB"


def estimate(scenario: Scenario) -> RunSize:
    """The expected size of one run of `scenario` (its own size; apply overrides first).

    Orders per customer follow the individual BG/NBD expectation with the mean traits,
    (1 - exp(-λ p t)) / p for t days in the world, plus the first order; a contractual
    account stays about term / p days. Messages: each campaign (and account-manager
    contact) reaches a customer each time it runs while they are around, other triggers
    about once per customer.
    """
    pop = scenario.population
    horizon = float(scenario.horizon_days)
    initial = float(pop.initial_customers)
    acquired = pop.acquisitions_per_day * horizon
    customers = initial + acquired
    if customers <= 0:
        return RunSize(0.0, 0.0, 0.0, BASE_BYTES)
    # mean days in the world: the initial base joined over the history window
    days = (initial * (pop.history_days / 2 + horizon) + acquired * horizon / 2) / customers
    rate = pop.purchase_rate.r / pop.purchase_rate.alpha
    p = pop.dropout.a / (pop.dropout.a + pop.dropout.b)
    if scenario.setting.kind == "contractual":
        per_customer = rate * min(days, scenario.setting.term_days / max(p, 1e-9))
    else:
        per_customer = 1.0 + (-math.expm1(-rate * p * days) / p if p > 0 else rate * days)
    orders = customers * per_customer
    touches = 0.0  # per customer: a campaign reaches them every t.days they are around
    if scenario.outreach is not None:
        for t in scenario.outreach.triggers:
            touches += days / t.days if t.kind == "campaign" and t.days else 1.0
    if scenario.setting.kind == "contractual" and scenario.setting.contact_every_days:
        touches += days / scenario.setting.contact_every_days  # account-manager contacts
    touches *= customers
    categories = len(scenario.catalogue.categories)
    settled = settles(scenario)
    customer_bytes = BYTES_PER_SETTLED_CUSTOMER if settled else BYTES_PER_CUSTOMER
    peak = (
        BASE_BYTES
        + customers * (customer_bytes + BYTES_PER_CUSTOMER_CATEGORY * categories)
        + orders * (BYTES_PER_SETTLED_ORDER if settled else BYTES_PER_ORDER)
        + touches * BYTES_PER_TOUCH
    )
    return RunSize(customers, orders, touches, peak)


def available_memory() -> int:
    """Bytes this machine can give a new process now (MemAvailable on Linux)."""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not a POSIX system: no limit known
        return 2**62


def memory_limit() -> int:
    """The most memory a run may plan to use: a share of what is free now."""
    return int(available_memory() * MEMORY_SHARE)


def check_run_size(
    scenario: Scenario, source: str, parallel: int = 1, limit: int | None = None
) -> RunSize:
    """The run's estimate; ScenarioError (exit 2) when `parallel` such runs at once would
    need more than `limit` (default: `memory_limit()`), with the figures and the way out."""
    size = estimate(scenario)
    limit = memory_limit() if limit is None else limit
    need = size.peak_bytes * max(parallel, 1)
    if need <= limit:
        return size

    def fits(**override: int) -> bool:
        smaller = scenario.with_overrides(**override)
        return estimate(smaller).peak_bytes * max(parallel, 1) <= limit

    ways = []
    customers = _largest(lambda n: fits(customers=n), scenario.population.initial_customers)
    if customers is not None:
        ways.append(f"--customers {customers}")
    days = _largest(lambda n: fits(days=n), scenario.horizon_days, low=1)
    if days is not None:
        ways.append(f"--days {days}")
    if parallel > 1:
        ways.append(_("fewer --workers"))
    if parallel > 1:
        found = _(
            "{n} runs at once, {size}, {total} in all",
            n=parallel,
            size=size.describe(),
            total=_gb(need),
        )
    else:
        found = size.describe()
    if ways:
        hint = _(
            "shrink it with {ways}, or pass --allow-large to run it anyway",
            ways=_(" or ").join(ways),
        )
    else:
        hint = _("pass --allow-large to run it anyway")
    problem = Problem(
        "population.initial_customers",
        None,
        _("a run that fits in the memory free here ({memory})", memory=_gb(limit)),
        found,
        hint,
    )
    raise ScenarioError([problem], source)


def _largest(fits, high: int, low: int = 0) -> int | None:
    """The largest n in [low, high) with fits(n), for a `fits` true up to some n; None if
    not even `low` fits."""
    if not fits(low):
        return None
    while high - low > 1:  # fits(low) and not fits(high)
        mid = (low + high) // 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    return low

"""The one simulated world: a SimPy environment, its random streams, state and records.

    world = World(scenario, seed=7)
    world.run()
    tables = world.tables()

Env time runs from the start of the initial base's history; day 0 of the tables is the
scenario's start_date, so history orders have negative days.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
from contextlib import contextmanager

import numpy as np

from sim.scenario import Scenario
from sim.sections import settles
from sim.sections.service import SEVERITIES, Service
from sim.world import basket, customers, leaving, population, rng
from sim.world.clock import Clock
from sim.world.feedback import SurveyDesk
from sim.world.lives import Lives
from sim.world.membership import Membership
from sim.world.outreach import Outbox
from sim.world.population import draw_population
from sim.world.profiles import GrowingProfiles, keyed_profiles
from sim.world.records import EventLog, OrderLog
from sim.world.service import FailureDraw, ServiceDesk, complaint, inquiries
from sim.world.shocks import ShockBook
from sim.world.store import CustomerStore


class World:
    """Owns everything of one run; two worlds in one process never touch each other."""

    # the world's state of each customer: store columns (name, fill, dtype)
    STATE = (
        ("signup_time", np.nan, float),  # env time of joining (NaN: not yet)
        ("churn_time", np.nan, float),  # env time of leaving (NaN: active)
        ("sat", np.nan, float),  # satisfaction in [0, 1], as it last moved
        ("sat_time", np.nan, float),  # when it last moved
        ("scar", 0.0, float),  # lasting extra log-odds of leaving (severe failures)
        # how far a good recovery lifted satisfaction above its pre-failure level: customers
        # say so in surveys, but it does not keep them (de Matos, Henrique and Rossi 2007)
        ("recovery_lift", 0.0, float),
        ("last_order", np.nan, float),  # what a CRM sees: the last order's time
        ("spend_so_far", 0.0, float),
        ("last_failure", -np.inf, float),
        ("won_back", 0, np.int64),
        ("referred_by", -1, np.int64),  # the member who referred them (-1: nobody)
    )

    def __init__(self, scenario: Scenario, seed: int | None = None, settle: bool | None = None):
        self.scenario = scenario
        self.seed = int(scenario.seed if seed is None else seed)
        self.env = Clock()
        self.start = float(scenario.population.history_days)
        self.end = self.start + scenario.horizon_days
        # every per-customer array lives in one store, which grows when someone joins
        # mid-run; `pop` is the same store, read for the traits
        self.store = self.pop = CustomerStore(draw_population(scenario, self.seed))
        pop = self.store
        for name, fill, dtype in self.STATE:
            pop.add(name, fill, dtype)
        pop.share(self, **{name: name for name, _, _ in self.STATE})
        self._enter(np.arange(len(pop)))
        pop.on_append(self._enter)  # (a referred friend joining mid-run)
        self.orders = OrderLog()
        self.renewals = EventLog(("cust", "time", "satisfaction", "lapse_prob", "outcome"))
        self.contacts = EventLog(("cust", "time"))
        contractual = scenario.setting.kind == "contractual"
        self._settled = False
        # Which path places a shopper's orders: settle=False is the one-yield-per-order
        # reference; otherwise a whole life at once when no section can touch it, else a
        # day's window at a time (sim.world.lives). All three give the same tables.
        lazy = False
        if contractual:
            self._process = customers.account
        elif settle is False:
            self._process = customers.shopper
        elif settles(scenario):
            self._process = None  # customers.settle settles each life as it arrives
            self._settled = True
        else:
            self._process = None  # sim.world.lives places the orders
            lazy = True
        self._decay = scenario.setting.satisfaction_decay_per_day if contractual else 0.0
        self._spend_shape = scenario.population.spend.p
        self._ran = False
        self._tables: dict | None = None
        self._settled_p = np.empty(0)  # settled_dropout's chances, made on first use
        self.returns: list[tuple[float, float]] = []  # (left, came back) of won-back lives
        self.profiles = keyed_profiles(self.pop, scenario.locale, self.seed, scenario.start_date)
        self.n0 = len(self.store)  # the rows after these are referred friends, as they join
        self._friends = GrowingProfiles(
            scenario.locale, self.seed, scenario.start_date, population.REFERRED
        )
        cats = scenario.catalogue.categories
        self._price = [c.price_level for c in cats]
        self.streams = rng.Streams(self.seed, self.store)  # every customer's own streams
        self._setup_service_and_shocks()
        self._setup_outreach_and_surveys()
        self.members = Membership(self, scenario.loyalty) if scenario.loyalty else None
        edges = [e for e in (self.outbox, self.survey_desk) if e is not None]
        self.lives = Lives(self, edges) if lazy else None
        if self.lives is None:  # (the lives' windows let customers join)
            self.env.process(self.arrivals())

    def _enter(self, rows: np.ndarray) -> None:
        """The world's state of customers `rows` from their traits, before they act: a
        base customer is known from their first order on, and one who had left, since
        their last (they never act in this world)."""
        pop = self.store
        continuing = pop.continuing[rows]
        self.signup_time[rows] = np.where(continuing, pop.first_seen[rows], np.nan)
        self.churn_time[rows] = np.where(continuing & ~pop.alive[rows], pop.last_seen[rows], np.nan)
        self.sat[rows] = pop.satisfaction0[rows]
        self.sat_time[rows] = pop.signup[rows]
        self.last_order[rows] = pop.last_seen[rows]  # what a CRM sees: the last order's time
        self.spend_so_far[rows] = pop.spend0[rows]

    def _setup_outreach_and_surveys(self) -> None:
        sc = self.scenario
        self.outbox = Outbox(self, sc.outreach) if sc.outreach is not None else None
        self.survey_desk = SurveyDesk(self, sc.surveys) if sc.surveys is not None else None
        if self.outbox is not None:
            self.env.process(self.outbox.process(self.env))
            self.store.add("birth_md", 0, np.int64)  # month × 100 + day of the birthday
            self.store.set("birth_md", month_day(self.profiles["birth_date"]))
            self.store.share(self, birth_md="birth_md")
        if self.survey_desk is not None and sc.surveys.quarterly_nps:
            self.env.process(self.survey_desk.quarterly(self.env))

    def calendar_md(self, day: int) -> int:
        """Month × 100 + day of the month of table day `day` (for birthdays)."""
        d = dt.date.fromordinal(self.scenario.start_date.toordinal() + day)
        return d.month * 100 + d.day

    def _setup_service_and_shocks(self) -> None:
        sc = self.scenario
        names = [c.name for c in sc.catalogue.categories]
        self.shocks = ShockBook(sc.shocks, self.start, self.store, names) if sc.shocks else None
        self.desk = ServiceDesk(self.env, sc.service) if sc.service is not None else None
        # Failures happen with a service section, or through a recall or outage without
        # one; then nobody complains, as there is no desk to complain to.
        self.failures: Service | None = sc.service
        if self.failures is None and self.shocks is not None:
            self.failures = Service(failure_rate=0.0, complain_prob={s: 0.0 for s in SEVERITIES})
        self._category_names = names
        if self.failures is not None:
            f = self.failures
            self._draw_failure = FailureDraw(f)
            rates = [f.failure_rate_by_category.get(n, f.failure_rate) for n in names]
            self._failure_rate = np.asarray(rates, dtype=float)
        self._service_rngs: dict[int, np.random.Generator] = {}
        if self.desk is not None:
            origin = sc.start_date.toordinal() - sc.population.history_days
            self.env.process(self.desk.shifts(first_weekday=(origin - 1) % 7))
            self.env.process(inquiries(self.env, self))
        if self.desk is not None and self.shocks is not None:
            for shock, a, b in self.shocks.windows:
                if shock.kind == "service_outage":
                    self.env.process(self.desk.outage(a, b - a, shock.strength))

    # ------------------------------------------------------------------ processes
    def arrivals(self):
        """The source: starts each customer's process at their signup time."""
        env, signup, process = self.env, self.pop.signup, self._process
        continuing, alive, settled = self.pop.continuing, self.pop.alive, self._settled
        for c in range(len(signup)):
            wait = signup[c] - env.now
            if wait > 0:
                yield env.timeout(wait)
            if env.now >= self.end:
                return
            if not continuing[c]:
                self.signup_time[c] = env.now
            if not alive[c]:
                continue
            if settled:
                customers.settle(self, c)
            else:
                env.process(process(env, self, c))

    def refer(self, referrer: int, t: float) -> None:
        """A friend of member `referrer` joins with their first order at env time t (not
        after the horizon); the program credited the referral bonus already."""
        if t < self.end:
            self.env.call_at(t, lambda _event: self._join_referred(referrer))

    def _join_referred(self, referrer: int) -> None:
        """The referred friend signs up now: a new row of the store, traits of their own
        (`population.draw_referred`), a life started as any new customer's."""
        now = self.env.now
        k = len(self.store) - self.n0
        traits = population.draw_referred(self.scenario, self.seed, k, now)
        c = int(self.store.append(**traits)[0])
        self.referred_by[c] = referrer
        self.signup_time[c] = now
        if self.outbox is not None:
            self.birth_md[c] = month_day(np.array([self.profile("birth_date", c)]))[0]
        if self.lives is not None:
            self.lives.start(c)
        else:
            self.env.process(self._process(self.env, self, c))

    def profile(self, name: str, c: int):
        """Customer c's profile field `name` (name, gender, birth_date, city, phone, email)."""
        if c < self.n0:
            return self.profiles[name][c]
        return self._friends.rows(c - self.n0 + 1)[name][c - self.n0]

    def all_profiles(self) -> dict[str, np.ndarray]:
        """Every customer's profiles, row for row with the store (friends last)."""
        if len(self.store) == self.n0:
            return self.profiles
        friends = self._friends.rows(len(self.store) - self.n0)
        return {n: np.concatenate([v, friends[n]]) for n, v in self.profiles.items()}

    # ------------------------------------------------------------------ state
    def draws(self, c: int, life: int = 0) -> customers.Draws:
        """Customer c's own purchase draws (its own stream: common random numbers); a
        customer won back after leaving starts a new life with a new stream."""
        stream = self.streams.new(rng.PURCHASES, c, life)
        return customers.Draws(stream, self._spend_shape)

    def dropout_probability(self, c: int, now: float | None = None) -> float:
        """Chance that customer c leaves at a decision point now (or at `now`, for an order
        a window places ahead of its time): `leaving.leave_probability` for one."""
        now = self.env.now if now is None else now
        self.satisfaction_at(c, now)  # bring any decay up to date
        return float(leaving.leave_probability(self, np.array([c]), np.array([now]))[0])

    def settled_dropout(self, c: int) -> float:
        """`dropout_probability` on the settled path, where no section runs: nothing moves
        satisfaction or the odds, so a customer's chance is the one they start with, and
        the store's are made at once by the same batched definition."""
        if c >= len(self._settled_p):
            cs = np.arange(len(self.store))
            self._settled_p = leaving.leave_probability(self, cs, np.full(len(cs), self.start))
        return float(self._settled_p[c])

    def service_rng(self, c: int) -> np.random.Generator:
        """Customer c's own service stream, made on their first failure."""
        return self.streams.kept(rng.SERVICE, c)

    def outreach_rng(self, c: int) -> np.random.Generator:
        """Customer c's own stream for messages and what they do about them."""
        return self.streams.kept(rng.OUTREACH, c)

    def loyalty_rng(self, c: int) -> np.random.Generator:
        """Customer c's own stream for joining the program and redeeming rewards."""
        return self.streams.kept(rng.LOYALTY, c)

    def purchase_speed(self, c: int) -> float:
        """How much faster than usual customer c buys now (members near a tier: > 1)."""
        return self.members.rate_multiplier(c) if self.members is not None else 1.0

    def survey_rng(self, c: int) -> np.random.Generator:
        """Customer c's own stream for surveys."""
        return self.streams.kept(rng.SURVEYS, c)

    def service_priority(self, c: int) -> int:
        """Queue priority of customer c's complaints (lower is served first)."""
        if (
            self.members is not None
            and self.desk is not None
            and self.desk.service.priority_by_tier
        ):
            return self.members.priority(c)
        return 0

    def place_order(
        self,
        c: int,
        z: float,
        ucat: float,
        f: float,
        problem: bool = False,
        trigger: int = 0,
        discount: float = 0.0,
        now: float | None = None,
    ) -> None:
        """Record an order now (or at `now`, for an order a window places ahead of its time;
        such an order never fails); the program may apply, it may go wrong, the customer
        may complain."""
        now = self.env.now if now is None else now
        first = math.isnan(self.last_order[c])
        self.last_order[c] = now
        if (
            self.outbox is None
            and self.failures is None
            and self.survey_desk is None
            and self.members is None
        ):
            self.orders.add(c, now, z, ucat, problem, trigger=trigger, discount=discount)
            return
        cat = int(basket.category(self.pop.taste_cdf[c], ucat))
        amount = float(basket.amount(z, self.pop.spend_scale[c], self._price[cat]))
        self.spend_so_far[c] += amount
        earned = redeemed = 0
        if self.members is not None:
            off, earned, redeemed = self.members.on_order(
                c, now, max(amount - discount, 0.0), self._category_names[cat]
            )
            discount += off
        position = self.orders.add(
            c,
            now,
            z,
            ucat,
            problem,
            trigger=trigger,
            discount=discount,
            points_earned=earned,
            points_redeemed=redeemed,
        )
        desk = self.survey_desk
        if first and desk is not None and now >= self.start and desk.surveys.after_first_order:
            self.env.process(self._holding(c, desk.after_first_order(self.env, c)))
        if self.failures is None:
            return
        if f >= self.failure_chances(np.array([cat]), np.array([now]))[0]:
            return
        svc = self.failures
        stream = self.service_rng(c)
        severity, complains, channel = self._draw_failure(stream)
        self.move_satisfaction(c, -svc.failure_drop[severity], now)
        self.scar[c] += svc.severity_scar[severity]
        self.last_failure[c] = now
        complains = complains and self.desk is not None
        if complains:
            self.env.process(
                self._holding(c, complaint(self.env, self, c, severity, channel, stream))
            )
        self.orders.mark(position, SEVERITIES.index(severity) + 1, complains)

    def failure_chances(self, cats: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The chance that an order of category index cats at env time t goes wrong: the
        category's failure rate, raised by any recall or outage running then."""
        rate = self._failure_rate[cats]
        if self.shocks is not None:
            rate = self.shocks.failure_rates(rate, cats, t)
        return rate

    def satisfaction_at(self, c: int, time: float) -> float:
        """Customer c's satisfaction at `time`, after the decay since it last moved."""
        if self._decay:
            elapsed = time - self.sat_time[c]
            if elapsed > 0:
                self.sat[c] = max(0.0, self.sat[c] - self._decay * elapsed)
                self.recovery_lift[c] = max(0.0, self.recovery_lift[c] - self._decay * elapsed)
                self.sat_time[c] = time
        return float(self.sat[c])

    def recover(self, c: int, delta: float, overshoot: float, time: float) -> None:
        """A recovery moves customer c's satisfaction by delta; `overshoot` is the share of
        a rise that lifts it above where it was before the failure (the recovery paradox)."""
        before = self.satisfaction_at(c, time)
        self.move_satisfaction(c, delta, time)
        if delta > 0 and overshoot > 0:
            self.recovery_lift[c] += (self.sat[c] - before) * overshoot

    def move_satisfaction(self, c: int, delta: float, time: float) -> None:
        """Shift customer c's satisfaction by delta, kept within [0, 1]."""
        current = self.satisfaction_at(c, time)
        self.sat[c] = min(1.0, max(0.0, current + delta))
        self.sat_time[c] = time

    def move_satisfaction_many(self, cs: np.ndarray, delta: float, time: float) -> None:
        """move_satisfaction for many customers at once."""
        if self._decay:
            for c in cs:
                self.move_satisfaction(int(c), delta, time)
            return
        self.sat[cs] = np.clip(self.sat[cs] + delta, 0.0, 1.0)
        self.sat_time[cs] = time

    def churn(self, c: int, time: float) -> None:
        self.churn_time[c] = time

    def triggered_order(self, c: int, trigger: int, stream: np.random.Generator):
        """A process: the order a message led to, placed within a few days."""
        coupon = self.scenario.outreach.triggers[trigger - 1].coupon
        delay, z, ucat, f = (
            stream.exponential(1.0),
            stream.standard_gamma(self._spend_shape),
            stream.random(),
            stream.random(),
        )
        yield self.env.timeout(delay)
        if not self.churned(c):
            self.place_order(c, z, ucat, f, trigger=trigger, discount=coupon)
        self.let_go(c)

    def win_back(self, c: int) -> None:
        """A customer who had left comes back: a new life starts now with an order."""
        self.won_back[c] += 1
        self.returns.append((float(self.churn_time[c]), float(self.env.now)))
        self.churn_time[c] = np.nan
        life = int(self.won_back[c])
        if self.lives is not None:
            self.env.process(self.lives.restart(c, life))
        else:
            self.env.process(self._process(self.env, self, c, life))

    def hold(self, c: int) -> None:
        """Something of customer c's starts that will read or change them later (a ticket,
        a message that may bring an order, a survey): place their orders one at a time."""
        if self.lives is not None:
            self.lives.hold(c)

    def let_go(self, c: int) -> None:
        """What `hold` was for is over."""
        if self.lives is not None:
            self.lives.let_go(c)

    def _holding(self, c: int, process):
        """Run `process` with customer c held."""
        self.hold(c)
        yield from process
        self.let_go(c)

    def on_ticket_closed(self, c: int) -> None:
        if self.survey_desk is not None and self.survey_desk.surveys.after_ticket:
            self.survey_desk.ask(c, "csat", "ticket")

    def active_customers(self, time: float) -> np.ndarray:
        """Customers who have joined and not left at `time` (as times, not flags: a window
        of sim.world.lives may have placed a join or a departure ahead of now)."""
        return np.flatnonzero((self.signup_time <= time) & ~(self.churn_time <= time))

    def churned(self, c: int) -> bool:
        return not math.isnan(self.churn_time[c])

    # ------------------------------------------------------------------ running
    def run(self, progress: bool = False) -> World:
        """Run from the start of the history to the end of the horizon (once)."""
        if self._ran:
            raise RuntimeError("this world has already run; make a new World to run again")
        self._ran = True
        with quiet_gc():
            if not progress:
                self.env.run(until=self.end)
            else:
                from tqdm.auto import tqdm

                days = int(math.ceil(self.end))
                with tqdm(total=days, desc=self.scenario.name, unit="day") as bar:
                    for day in range(1, days + 1):
                        self.env.run(until=min(float(day), self.end))
                        bar.update(1)
        if self.members is not None:
            self.members.finish(self.end)
        self._drop_draws()
        return self

    def _drop_draws(self) -> None:
        """Let go of what only drew random numbers (a run's largest state after its
        records: a stream per customer and subsystem, each life's block of draws), so the
        tables are built beside the records alone."""
        self.streams.clear()
        if self.lives is not None:
            self.lives.drop_draws()
        if self.members is not None:
            self.members.uniforms.clear()

    def close(self) -> None:
        """Let go of the run's machinery once its tables are built: close every process
        still waiting, empty the queues and untie the store from its holders, so the world
        is freed as soon as it is dropped instead of waiting for a garbage-collector pass
        over everything it made (0.1-0.3 s a run)."""
        self.env.close()
        if self.desk is not None:
            for res in (self.desk.l1, self.desk.l2):
                for queue in (res.queue, res.users, res.put_queue, res.get_queue):
                    queue.clear()
        self.store.close()
        self.lives = self.outbox = self.survey_desk = self.members = self.desk = None

    def tables(self) -> dict:
        """The Result tables of DESIGN.md's data contract (DataFrames, built once: building
        them empties the order log, so later calls return the same tables)."""
        if self._tables is None:
            from sim.world.tables import build_tables

            self._tables = build_tables(self)
        return self._tables


def month_day(dates: np.ndarray) -> np.ndarray:
    """Month × 100 + day of the month of each date (a birthday, compared with a day's)."""
    days = dates.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    return (months.astype(np.int64) % 12 + 1) * 100 + ((days - months).astype(np.int64) + 1)


@contextmanager
def quiet_gc():
    """Pause the cyclic garbage collector while running: our records hold no cycles and
    its scans cost more than the simulation at 100,000 customers."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

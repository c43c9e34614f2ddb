"""Every headline figure of a run, declared once: name, label, unit, which way is better, formula.

The run summary, the experiments' metrics, the strategy lab, the compare report and the
tournament scorecard all read figures from here, so a team meets the same margin and the
same costs wherever it looks. A formula is a plain function of a `Run` (the tables and the
resolved scenario); figures within the horizon only (day 0 to horizon_days).

    margin_after_costs = gross_margin − reward_cost − outreach_cost − compensation_cost
                         − staff_cost

Gross margin is on net amounts, so tier discounts and coupons are already out of it.
Staff cost = desk agents (L1 + L2) × hours open a day × open days × cost per agent-hour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from sim.i18n import N_, _, language_in_use
from sim.scenario import Scenario

UNITS = ("share", "count", "money", "score", "hours", "days")
DIGITS = {"share": 4, "money": 2, "score": 1, "hours": 2}


@dataclass
class Run:
    """A run's tables and its resolved scenario, with each figure computed at most once."""

    tables: dict[str, pd.DataFrame]
    scenario: Scenario
    _values: dict[str, float | None] = field(default_factory=dict, repr=False)

    @property
    def horizon(self) -> int:
        return self.scenario.horizon_days

    def within(self, table: str, column: str = "day") -> pd.DataFrame:
        """Rows of `table` from day 0 to the horizon (an absent table is empty)."""
        df = self.tables.get(table)
        if df is None or column not in df:
            return pd.DataFrame(columns=[column])
        return df[(df[column] >= 0) & (df[column] < self.horizon)]

    def __getitem__(self, name: str) -> float | None:
        """The value of figure `name` in this run (None where the run cannot have it)."""
        if name not in self._values:
            f = FIGURES[name]
            value = f.formula(self)
            if value is not None:
                value = float(value)
                if not np.isfinite(value):
                    value = None
                elif f.unit == "count":
                    value = int(round(value)) if float(value).is_integer() else value
                else:
                    value = round(value, DIGITS[f.unit])
            self._values[name] = value
        return self._values[name]


@dataclass(frozen=True)
class Figure:
    """One figure: its label, unit (share, count, money, score, hours), whether higher is
    better (None: neither), the section a run needs to have it, and its formula."""

    name: str
    label: str
    unit: str
    higher_is_better: bool | None
    formula: Callable[[Run], float | None]
    needs: str | None = None


def _waits(tickets: pd.DataFrame, until: str, horizon: float) -> pd.Series:
    """Hours from opening to `until` per case; a case still waiting at the end of the
    horizon counts with its wait so far (a lower bound, so an overloaded desk shows).
    With a NaN horizon, waiting cases are left out."""
    end = tickets[until].where(tickets[until].notna(), float(horizon))
    return ((end - tickets["opened_day"]) * 24.0).dropna()


def first_response_hours(tickets: pd.DataFrame, horizon: float) -> float | None:
    """Mean hours from complaint (or inquiry) to first answer, of the cases opened in the
    horizon."""
    waits = _waits(tickets, "first_response_day", horizon)
    return float(waits.mean()) if len(waits) else None


def resolution_hours(tickets: pd.DataFrame, horizon: float) -> float | None:
    """Mean hours from complaint to resolution, of the cases opened in the horizon."""
    waits = _waits(tickets, "resolved_day", horizon)
    return float(waits.mean()) if len(waits) else None


def promise_kept_share(tickets: pd.DataFrame, promise_hours: float, horizon: float) -> float | None:
    """Share of cases answered within the promise (48 小时响应承诺). A case still unanswered
    at the end counts as broken once it has waited longer than the promise, and is left
    out while it may still be kept."""
    if not len(tickets):
        return None
    answered = tickets["first_response_day"].notna()
    waited = (float(horizon) - tickets["opened_day"]) * 24.0  # NaN horizon: none decided
    decided = answered | (waited > promise_hours)
    if not decided.any():
        return None
    kept = answered & tickets["promise_kept"].astype(bool)
    return float(kept[decided].mean())


def _sum(df: pd.DataFrame, column: str) -> float:
    return float(df[column].sum()) if column in df and len(df) else 0.0


def _last(run: Run, column: str) -> float:
    daily = run.tables.get("daily")
    return float(daily[column].iloc[-1]) if daily is not None and len(daily) else 0.0


def _customers(run: Run) -> tuple[np.ndarray, np.ndarray]:
    c = run.tables["customers"]
    return c["signup_day"].to_numpy(dtype=float), c["churn_day"].to_numpy(dtype=float)


def _retention(run: Run) -> float | None:
    signup, churn = _customers(run)
    at_start = (signup < 0) & ~(churn < 0)
    still = at_start & ~(churn < run.horizon)
    return still.sum() / at_start.sum() if at_start.any() else None


def _referred(run: Run) -> int:
    """Friends who joined within the run because a member referred them."""
    c = run.tables["customers"]
    signup = c["signup_day"].to_numpy(dtype=float)
    joined = (signup >= 0) & (signup < run.horizon)
    return int((joined & c["referred_by"].notna().to_numpy()).sum())


def _points(run: Run, reason: str) -> float:
    ledger = run.within("points_ledger")
    return _sum(ledger[ledger["reason"] == reason], "delta") if len(ledger) else 0.0


def _breakage(run: Run) -> float | None:
    spent = run["points_expired"] + run["points_redeemed"]
    return run["points_expired"] / spent if spent else None


def _tier_moves(run: Run, up: bool) -> int:
    tiers = run.tables.get("tiers")
    order = tier_order(run.scenario)
    if tiers is None or not len(tiers) or not order:
        return 0
    rank = {name: i for i, name in enumerate(order)}
    a, b = tiers["tier_from"].map(rank), tiers["tier_to"].map(rank)
    return int((b > a).sum() if up else (b < a).sum())


def _nps(run: Run) -> float | None:
    surveys = run.within("surveys")
    if not len(surveys):
        return None
    return nps(surveys.loc[surveys["kind"] == "nps", "score"])


def _staff_cost(run: Run) -> float:
    """Agents (L1 + L2) × hours open a day × open days in the horizon × cost per hour."""
    svc = run.scenario.service
    if svc is None:
        return 0.0
    days = pd.date_range(run.scenario.start_date, periods=run.horizon, freq="D")
    open_days = run.horizon if svc.open_weekends else int((days.day_of_week < 5).sum())
    agents = svc.l1_agents + svc.l2_agents
    return agents * svc.hours_open * open_days * svc.agent_cost_per_hour


def _promise_hours(run: Run) -> float:
    svc = run.scenario.service
    return svc.policy.response_hours if svc is not None else np.nan


def _tickets(run: Run) -> pd.DataFrame:
    return run.within("tickets", "opened_day")


def _inquiries(run: Run) -> pd.DataFrame:
    return run.within("inquiries", "opened_day")


def _failures(run: Run) -> int:
    orders = run.within("orders")
    return int((orders["service_failure"].astype(str) != "none").sum()) if len(orders) else 0


def _survey_response(run: Run) -> float | None:
    invited = run.within("survey_invitations")
    return float(invited["responded"].mean()) if len(invited) else None


def _customer_count(column: str, test: Callable[[pd.Series], pd.Series]) -> Callable:
    def count(run: Run) -> int:
        c = run.tables["customers"]
        return int(test(c[column]).sum()) if column in c else 0

    return count


FIGURES: dict[str, Figure] = {
    f.name: f
    for f in [
        Figure("retention", N_("retention of the starting base"), "share", True, _retention),
        Figure("active_at_end", N_("active customers at the end"), "count", True,
               lambda r: _last(r, "active")),
        Figure("acquired", N_("customers acquired"), "count", True, lambda r: (
            lambda s, _c: ((s >= 0) & (s < r.horizon)).sum())(*_customers(r))),
        Figure("churned", N_("customers lost"), "count", False, lambda r: (
            lambda _s, c: ((c >= 0) & (c < r.horizon)).sum())(*_customers(r))),
        Figure("orders", N_("orders"), "count", True, lambda r: len(r.within("orders"))),
        Figure("revenue", N_("revenue"), "money", True,
               lambda r: _sum(r.within("orders"), "net_amount")),
        Figure("gross_margin", N_("gross margin (after discounts)"), "money", True,
               lambda r: _sum(r.within("orders"), "gross_margin")),
        Figure("mean_order_value", N_("mean order value"), "money", None,
               lambda r: r["revenue"] / r["orders"] if r["orders"] else None),
        Figure("discounts", N_("discounts (tiers and coupons)"), "money", None,
               lambda r: _sum(r.within("orders"), "discount")),
        Figure("orders_with_problems", N_("orders with a fulfilment problem"), "count", False,
               lambda r: _sum(r.within("orders"), "fulfilment_problem")),
        # the desk
        Figure("service_failures", N_("service failures"), "count", False, _failures, "service"),
        Figure("complaints", N_("complaints"), "count", False,
               lambda r: _sum(r.within("orders"), "complained"), "service"),
        Figure("silent_failures", N_("failures nobody complained about"), "count", False,
               lambda r: r["service_failures"] - r["complaints"], "service"),
        Figure("first_response_hours", N_("first-response wait (mean, hours)"), "hours", False,
               lambda r: first_response_hours(_tickets(r), r.horizon), "service"),
        Figure("resolution_hours", N_("time to resolution (mean, hours)"), "hours", False,
               lambda r: resolution_hours(_tickets(r), r.horizon), "service"),
        Figure("promise_kept", N_("response promise kept"), "share", True,
               lambda r: promise_kept_share(_tickets(r), _promise_hours(r), r.horizon),
               "service"),
        Figure("inquiries", N_("inquiries (questions that are not complaints)"), "count", None,
               lambda r: len(_inquiries(r)), "service"),
        Figure("inquiry_wait_hours", N_("inquiry wait for an answer (mean, hours)"), "hours", False,
               lambda r: first_response_hours(_inquiries(r), r.horizon)
               if len(_inquiries(r)) else None, "service"),
        Figure("mean_ticket_csat", N_("ticket CSAT (1-5)"), "score", True,
               lambda r: _tickets(r)["csat"].mean() if len(_tickets(r)) else None, "service"),
        Figure("compensation_cost", N_("compensation paid on cases"), "money", False,
               lambda r: _sum(_tickets(r), "cost")),
        Figure("staff_cost", N_("desk staff (agent-hours × cost per hour)"), "money", False,
               _staff_cost),
        Figure("desk_cost", N_("desk cost (staff and compensation)"), "money", False,
               lambda r: r["staff_cost"] + r["compensation_cost"]),
        # the loyalty program
        Figure("members", N_("program members"), "count", None,
               lambda r: r.within("points_ledger")["customer_id"].nunique()
               if len(r.within("points_ledger")) else 0, "loyalty"),
        Figure("referred", N_("customers members referred"), "count", True, _referred, "loyalty"),
        Figure("points_issued", N_("points issued"), "count", None,
               lambda r: _points(r, "earn") + _points(r, "bonus") + _points(r, "referral"),
               "loyalty"),
        Figure("points_redeemed", N_("points redeemed"), "count", None,
               lambda r: -_points(r, "redeem"), "loyalty"),
        Figure("points_expired", N_("points expired"), "count", None,
               lambda r: -_points(r, "expire"), "loyalty"),
        Figure("points_outstanding", N_("points outstanding at the end"), "count", None,
               lambda r: _last(r, "points_outstanding"), "loyalty"),
        Figure("points_liability", N_("points liability at the end"), "money", False,
               lambda r: _last(r, "points_liability"), "loyalty"),
        Figure("breakage", N_("breakage (share of spent points that expired)"), "share", None,
               _breakage, "loyalty"),
        Figure("reward_cost", N_("reward cost"), "money", False,
               lambda r: _sum(r.within("redemptions"), "cost")),
        Figure("tier_discounts", N_("tier discounts"), "money", False,
               lambda r: max(0.0, r["discounts"] - r["coupon_cost"])),
        Figure("program_cost", N_("program cost (rewards and tier discounts)"), "money", False,
               lambda r: r["reward_cost"] + r["tier_discounts"]),
        Figure("tier_moves_up", N_("tier moves up"), "count", None,
               lambda r: _tier_moves(r, up=True), "loyalty"),
        Figure("tier_moves_down", N_("tier moves down"), "count", None,
               lambda r: _tier_moves(r, up=False), "loyalty"),
        # outreach and surveys
        Figure("messages", N_("messages sent"), "count", None,
               lambda r: len(r.within("touches")), "outreach"),
        Figure("outreach_cost", N_("message cost"), "money", False,
               lambda r: _sum(r.within("touches"), "cost")),
        Figure("coupon_cost", N_("coupons redeemed"), "money", False,
               lambda r: _sum(r.within("touches"), "coupon")),
        Figure("triggered_orders", N_("orders a message triggered"), "count", True,
               lambda r: (r.within("orders")["triggered_by"].astype(str) != "").sum()
               if "triggered_by" in r.within("orders") else 0, "outreach"),
        Figure("opted_out", N_("customers who opted out"), "count", False,
               _customer_count("opted_out", lambda s: s.astype(bool)), "outreach"),
        Figure("won_back", N_("customers won back"), "count", True,
               _customer_count("times_won_back", lambda s: s > 0), "outreach"),
        Figure("survey_answers", N_("survey answers"), "count", None,
               lambda r: len(r.within("surveys")), "surveys"),
        Figure("survey_response_rate", N_("survey response rate"), "share", None,
               _survey_response, "surveys"),
        Figure("nps", N_("NPS 净推荐值"), "score", True, _nps, "surveys"),
        # the bottom line
        Figure("margin_after_costs", N_("margin after rewards, messages and desk"), "money", True,
               lambda r: r["gross_margin"] - r["reward_cost"] - r["outreach_cost"]
               - r["compensation_cost"] - r["staff_cost"]),
        Figure("strategy_cost", N_("cost of the strategy (rewards, discounts, messages, desk)"),
               "money", False,
               lambda r: r["reward_cost"] + r["discounts"] + r["outreach_cost"] + r["desk_cost"]),
        Figure("mean_satisfaction_end", N_("mean satisfaction at the end (truth)"), "share", True,
               lambda r: r.tables["customers"]["true_satisfaction_end"].mean()
               if len(r.tables["customers"]) else None),
    ]
}  # fmt: skip


def _of_tables(run: Run) -> float | None:
    return None  # computed from a run's tables by sim.analytics.service, not from a Run


# Figures of the desk-policy table (sim.analytics.service.policy_row) that are not run
# figures: declared here so that their label, unit and direction live in one place too.
POLICY_FIGURES: dict[str, Figure] = {
    f.name: f
    for f in (
        Figure("tickets", N_("complaints handled"), "count", None, _of_tables, "service"),
        Figure("median_response_h", N_("median first response"), "hours", False, _of_tables),
        Figure("mean_response_h", N_("mean first response"), "hours", False, _of_tables),
        Figure("mean_resolution_h", N_("mean time to resolve"), "hours", False, _of_tables),
        Figure("followed_up_72h", N_("followed up within 72 h"), "share", True, _of_tables),
        Figure("csat", N_("ticket CSAT (1-5)"), "score", True, _of_tables),
        Figure("complainers", N_("customers who complained"), "count", None, _of_tables),
        Figure("complainers_left", N_("complainers who left"), "share", False, _of_tables),
        Figure(
            "complainer_satisfaction",
            N_("complainers' satisfaction at the end"),
            "share",
            True,
            _of_tables,
        ),
        Figure("silent_share", N_("failures nobody complained about"), "share", None, _of_tables),
        Figure("silent_defections", N_("silent defections"), "count", False, _of_tables),
    )
}


def info(name: str) -> Figure:
    """The Figure for a name: a run figure, a policy-table figure, or a bracketed
    per-reward or per-tier one; its label in the language in use (the English label,
    FIGURES[name].label, is the catalogue's msgid)."""
    found = FIGURES.get(name) or POLICY_FIGURES.get(name)
    if found is not None:
        return replace(found, label=_(found.label))
    base, _sep, item = name.partition("[")
    item = item.rstrip("]")
    if base == "redemption_rate":
        label = _("redemption rate: {item}", item=item)
        return Figure(name, label, "share", True, lambda r: None)
    if base == "tier_mix":
        label = _("customers in tier {item} at the end", item=item)
        return Figure(name, label, "count", None, lambda r: None)
    return Figure(name, name.replace("_", " "), "count", None, lambda r: None)


def values(run: Run, names: Sequence[str] | None = None) -> dict[str, float | None]:
    """The figures `names` (all by default) of one run, in FIGURES order."""
    return {name: run[name] for name in (names if names is not None else FIGURES)}


def available(found: dict[str, Any], scenario: Any) -> dict[str, float]:
    """The figures in `found` (a summary, or `values`) that a run of `scenario` can have
    (its world has the section each needs), as floats; one it cannot have (no program,
    no answers) is missing rather than zero."""
    return {
        name: float(found[name])
        for name, f in FIGURES.items()
        if found.get(name) is not None
        and (f.needs is None or getattr(scenario, f.needs, None) is not None)
    }


def tier_order(scenario: Any) -> list[str]:
    """Tier names from lowest to highest: the base tier, then the program's tiers."""
    program = getattr(scenario, "loyalty", None)
    if program is None:
        return []
    names = [t.name for t in getattr(program, "tiers", None) or []]
    base = getattr(program, "base_tier", None)
    return ([base] if base and base not in names else []) + names


def tier_mix(run: Run) -> dict[str, int]:
    """Members in each tier at the end (every tier of the ladder, empty ones too)."""
    program = run.scenario.loyalty
    if program is None:
        return {}
    tiers = run.tables.get("tiers")
    held: dict[str, int] = {}
    if tiers is not None and len(tiers):
        last = tiers.sort_values("day", kind="stable").groupby("customer_id")["tier_to"].last()
        held = {str(k): int(v) for k, v in last.value_counts().items()}
    above = {t.name: held.get(t.name, 0) for t in program.tiers}
    return {program.base_tier: int(run["members"] or 0) - sum(above.values()), **above}


def reward_rates(rewards: pd.DataFrame | None) -> dict[str, float]:
    """Redemption rate per reward: times redeemed / times a customer could afford it."""
    if rewards is None or not len(rewards):
        return {}
    if "redemption_rate" in rewards:
        rate = rewards["redemption_rate"].astype(float)
    else:
        affordable = rewards["times_affordable"].astype(float)
        rate = rewards["times_redeemed"].astype(float) / affordable.where(affordable > 0)
    return {
        f"redemption_rate[{name}]": float(r)
        for name, r in zip(rewards["reward"], rate, strict=True)
        if pd.notna(r)
    }


def nps(scores: pd.Series) -> float | None:
    """Net promoter score: % promoters (9-10) minus % detractors (0-6), from -100 to 100."""
    s = pd.to_numeric(scores, errors="coerce").dropna()
    if not len(s):
        return None
    return float(100.0 * ((s >= 9).mean() - (s <= 6).mean()))


# From this size up (in absolute value) a zh reader sees money and counts in 万 (10,000s).
WAN_FROM = 100_000


def fmt(
    value: float | None,
    unit: str = "count",
    signed: bool = False,
    currency: str = "",
    start: Any = None,
) -> str:
    """A number as a business reader sees it, the one place that decides how:

    count  whole, with thousands separators (a mean below 10 keeps one decimal: 3.4)
    money  separators, no cents from 100 up, then the currency: 12,345 CNY, 32.25 CNY,
           three digits below 0.1 (a message costs 0.005 CNY)
    share  a percentage, 76.8% (a signed change in percentage points: +1.2 pp)
    days   12 days, 3.5 days; `start` given (the scenario's start date): the date
    hours, score  one decimal (hours with h)
    z      a z-score or a score made of them: always signed, two decimals, +0.64
    id     an identifier as it is, no separators: 12345
    number anything else: separators and at most two decimals, never 4.6e+05
    '–' when there is no value.

    In Chinese (language_in_use() == "zh") the units are Chinese (12 天, 5.2 小时,
    +1.2 个百分点), CNY is written ¥12,345 (other currencies keep their code: 12,345 USD),
    and money and counts of WAN_FROM (100,000) or more in absolute value are written in
    万 with one decimal, a trailing .0 dropped: ¥46.2 万, 150 万, -¥12.5 万, +¥10 万."""
    if value is None or isinstance(value, str):
        return "–" if value is None else value
    value = float(value)
    if not np.isfinite(value):
        return "–"
    zh = language_in_use() == "zh"
    value = 0.0 if abs(value) < 1e-9 else value  # rounding dust, never -0 or 1e-12
    sign = "+" if signed else ""
    if unit == "share":
        if signed:
            return _("{value} pp", value=f"{value * 100:+,.1f}")
        return f"{value * 100:,.1f}%"
    if unit == "id":
        return str(int(value)) if value.is_integer() else str(value)
    if unit == "z":
        return f"{value:+.2f}"
    if unit in ("score", "hours"):
        text = f"{value:{sign},.1f}"
        return _("{value} h", value=text) if unit == "hours" else text
    if unit == "days" and start is not None and not signed:
        return str((pd.Timestamp(start) + pd.Timedelta(days=int(np.floor(value)))).date())
    if zh and unit in ("money", "count") and abs(value) >= WAN_FROM:
        text = f"{abs(value) / 10_000:,.1f}".removesuffix(".0") + " 万"
    else:
        whole = abs(value) >= (100 if unit in ("money", "number") else 10) or value.is_integer()
        if unit in ("count", "days"):
            text = f"{abs(value):,.0f}" if whole else f"{abs(value):,.1f}"
        elif unit in ("number", "money") and 0 < abs(value) < 0.1:  # 3 digits, no exponent
            digits = min(8, 2 - int(np.floor(np.log10(abs(value)))))
            text = f"{abs(value):.{digits}f}".rstrip("0").rstrip(".")
        elif unit == "number" and 0 < abs(value) < 1:
            text = f"{abs(value):.3f}".rstrip("0").rstrip(".")
        else:
            text = f"{abs(value):,.0f}" if whole else f"{abs(value):,.2f}"
    minus = "-" if np.signbit(value) else ""  # as Python writes it: -0.0 too
    lead = minus or ("+" if signed else "")
    if unit == "days":
        days = _("{value} day", value=lead + text) if abs(value) == 1 else None
        return days or _("{value} days", value=lead + text)
    if unit == "money" and zh and currency == "CNY":
        return f"{lead}¥{text}"
    if unit == "money":
        return f"{lead}{text} {currency}".rstrip()
    return lead + text


def money_scale(currency: str = "") -> tuple[float, str]:
    """How a chart's money axis is scaled, and its unit as the title says it: thousands in
    English (1000, 'thousand CNY'), 万 in Chinese (10000, '万元' for CNY, else '万 USD')."""
    if language_in_use() == "zh":
        return 10_000.0, "万元" if currency == "CNY" else f"万 {currency}".strip()
    return 1_000.0, f"thousand {currency}".strip()


def fmt_month(when: Any, language: str | None = None) -> str:
    """A month as a chart's tick reads it: 2026-03, in Chinese 2026年3月 (`language`:
    the language in use unless given)."""
    stamp = pd.Timestamp(str(when)) if isinstance(when, pd.Period) else pd.Timestamp(when)
    if (language or language_in_use()) == "zh":
        return f"{stamp.year}年{stamp.month}月"
    return f"{stamp.year}-{stamp.month:02d}"


def plain(value: float) -> str:
    """A number with no unit known (pandas' display.float_format in a notebook)."""
    return fmt(value, "number")


def fmt_table(
    df: pd.DataFrame,
    units: dict[str, str],
    by: str = "columns",
    currency: str = "",
    start: Any = None,
    labels: bool = False,
) -> pd.DataFrame:
    """`df` with every number written by `fmt`: `units` names the unit of each column (or,
    with by="index", of each row); the rest are plain numbers. `labels` renames the rows
    or columns to the figures' labels (sim.figures.info)."""
    out = df.astype(object).copy()
    keys = out.columns if by == "columns" else out.index
    for key in keys:
        unit = units.get(key, "number")
        cells = out[key] if by == "columns" else out.loc[key]
        shown = [
            fmt(v, unit, currency=currency, start=start) if _is_number(v) else v for v in cells
        ]
        if by == "columns":
            out[key] = shown
        else:
            out.loc[key] = shown
    if labels:
        names = {k: info(str(k)).label for k in keys}
        out = out.rename(columns=names) if by == "columns" else out.rename(index=names)
    return out


def _is_number(value: Any) -> bool:
    return value is None or (
        isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    )


RUN_DETAILS = {
    "scenario": N_("scenario"),
    "seed": N_("seed"),
    "start_date": N_("start date"),
    "horizon_days": N_("days simulated"),
}


def table(summary: dict[str, Any]) -> pd.DataFrame:
    """A run's summary as a business reader sees it: one labelled row per figure the run
    has, in FIGURES order, formatted by `fmt` (money with its currency); the run's details
    first. Labels and headers are in the language in use."""
    currency = summary.get("currency", "")
    rows = [(_(label), str(summary[key])) for key, label in RUN_DETAILS.items() if key in summary]
    for name, f in FIGURES.items():
        if summary.get(name) is not None:
            rows.append((_(f.label), fmt(summary[name], f.unit, currency=currency)))
    figure, value = _("figure"), _("value")
    return pd.DataFrame(rows, columns=[figure, value]).set_index(figure)


# Columns of the analysis tables the notebooks show (the headline figures are in FIGURES):
# the label a trainee reads and the unit `fmt` writes them in. One entry per column name.
COLUMNS: dict[str, tuple[str, str]] = {
    # the data contract (datasets/README.md)
    **{key: (key, "id") for key in ("customer_id", "order_id", "ticket_id", "touch_id", "crm_id")},
    "signup_day": (N_("signup day"), "days"),
    "churn_day": (N_("churn day (truth)"), "days"),
    "day": (N_("day"), "days"),
    "amount": (N_("amount"), "money"),
    "net_amount": (N_("net amount"), "money"),
    "discount": (N_("discount"), "money"),
    "gross_margin": (N_("gross margin"), "money"),
    "true_purchase_rate": (N_("orders per day (truth)"), "number"),
    "true_dropout_prob": (N_("chance of leaving after an order (truth)"), "share"),
    "true_mean_spend": (N_("mean spend (truth)"), "money"),
    "true_spend_scale": (N_("spend spread (truth)"), "number"),
    "true_price_sensitivity": (N_("price sensitivity (truth)"), "share"),
    "true_quality_sensitivity": (N_("quality sensitivity (truth)"), "share"),
    "true_service_sensitivity": (N_("service sensitivity (truth)"), "share"),
    "true_satisfaction_start": (N_("satisfaction at the start (truth)"), "share"),
    "true_satisfaction_end": (N_("satisfaction at the end (truth)"), "share"),
    # outcome cohorts (sim.analytics.service)
    "customers": (N_("customers"), "count"),
    "left": (N_("left"), "share"),
    "satisfaction_end": (N_("satisfaction at the end"), "share"),
    "orders_per_customer": (N_("orders per customer"), "count"),
    "failures": (N_("failures"), "count"),
    "complained": (N_("complained"), "count"),
    "silent": (N_("never complained"), "count"),
    "silent_share": (N_("share who never complained"), "share"),
    # desk policies (sim.sections.service.DeskPolicy)
    "response_hours": (N_("response promise"), "hours"),
    "response_delay_hours": (N_("extra delay before answering"), "hours"),
    "follow_up_hours": (N_("follow-up call after"), "hours"),
    # churn warnings (sim.analytics.churn.WarningScore)
    "flagged": (N_("flagged"), "count"),
    "true_positives": (N_("flagged and did leave"), "count"),
    "false_positives": (N_("false alarms"), "count"),
    "false_negatives": (N_("left unflagged"), "count"),
    "precision": (N_("precision"), "share"),
    "recall": (N_("recall"), "share"),
    "median_lead_days": (N_("median warning lead (negative: late)"), "days"),
    "false_alarm_cost": (N_("cost of false alarms"), "money"),
    # outreach and surveys (sim.analytics.feedback)
    "message_cost": (N_("message cost"), "money"),
    "coupon_cost": (N_("coupons redeemed"), "money"),
    "coupons": (N_("coupons redeemed"), "money"),
    "triggered_orders": (N_("orders a message triggered"), "count"),
    "triggered_revenue": (N_("revenue of those orders"), "money"),
    "opted_out": (N_("opted out"), "count"),
    "cost": (N_("cost"), "money"),
    "opened": (N_("opened"), "share"),
    "converted": (N_("converted"), "share"),
    "opt_outs": (N_("opt-outs"), "count"),
    "cost_per_order": (N_("cost per triggered order"), "money"),
    "conversion": (N_("conversion"), "share"),
    "open_rate": (N_("open rate"), "share"),
    "coupon": (N_("coupon"), "money"),
    "days": (N_("after (days)"), "days"),
    "invited": (N_("invited"), "count"),
    "responded": (N_("responded"), "count"),
    "rate": (N_("response rate"), "share"),
    "satisfaction": (N_("satisfaction (truth)"), "share"),
    # comparisons (sim.experiments)
    "redemption_rate": (N_("redemption rate"), "share"),
    "n": (N_("replications"), "count"),
    # RFM summaries (sim.analytics.rfm_summary, in days)
    "frequency": (N_("repeat orders"), "count"),
    "recency": (N_("days from first to last order"), "days"),
    "T": (N_("days since the first order"), "days"),
    "monetary_value": (N_("mean repeat order"), "money"),
    # fitted model parameters (sim.analytics.btyd)
    "r": (N_("r: purchase-rate shape"), "number"),
    "alpha": (N_("alpha: purchase-rate scale (days)"), "number"),
    "a": (N_("a: dropout shape a"), "number"),
    "b": (N_("b: dropout shape b"), "number"),
    "p": (N_("p: spend shape"), "number"),
    "q": (N_("q: spend heterogeneity shape"), "number"),
    "v": (N_("v: spend heterogeneity scale"), "number"),
}

# Columns (or rows) that hold a difference: written with a sign, in the unit of their row.
DIFFERENCES = ("difference", "change")


def column(name: Any) -> tuple[str, str] | None:
    """(label, unit) of a column or row name: an analysis or data column (COLUMNS), else a
    headline figure, or None when nothing is declared for it."""
    if not isinstance(name, str):
        return None
    if name in COLUMNS:
        return COLUMNS[name]
    return (FIGURES[name].label, FIGURES[name].unit) if name in FIGURES else None


def report(
    data: pd.DataFrame | pd.Series | dict,
    by: str = "columns",
    unit: str = "number",
    currency: str = "",
    start: Any = None,
    signed: bool = False,
) -> pd.DataFrame:
    """A table as a trainee should read it: every number in the unit declared for its
    column (by="columns") or its row (by="index"; with a MultiIndex, its last level), the
    rest in `unit`; labelled; a difference column ("difference", "change", "x vs y") or
    any cell with `signed` carries its sign. A dict or Series becomes one "value" column
    with a row per key. The numbers of `data` are left as they are (this is a copy)."""
    if isinstance(data, dict):
        data = pd.Series(data, dtype=object)
    if isinstance(data, pd.Series):
        data, by = data.to_frame("value"), "index"
    keys = data.columns if by == "columns" else data.index

    def key_unit(key: Any) -> str:
        last = key[-1] if isinstance(key, tuple) else key
        found = column(last)
        return found[1] if found else unit

    units = {k: key_unit(k) for k in keys}
    out = fmt_table(data, units, by=by, currency=currency, start=start)
    for col in data.columns:
        differs = signed or col in DIFFERENCES or " vs " in str(col)
        if by == "index" and differs:
            out[col] = [
                fmt(v, units[k], signed=True, currency=currency) if _is_number(v) else v
                for k, v in data[col].items()
            ]
        elif differs:
            out[col] = [
                fmt(v, units[col], signed=True, currency=currency) if _is_number(v) else v
                for v in data[col]
            ]
    return out.rename(columns=_label, index=_label)


def _label(name: Any) -> Any:
    found = column(name)
    return _(found[0]) if found else name

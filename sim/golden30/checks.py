"""Checks in the manner of Trailhead's "check challenge": each item earns points, and a miss
says what is missing and how to find it, never just "incorrect".

An answer is a plain dict; a check returns a `Report` of `Item`s (printable, with points).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.golden30.case import Case
from sim.golden30.timer import Timer
from sim.i18n import N_, _


@dataclass(frozen=True)
class Item:
    """One checked answer: its name, points earned of possible, and the coaching message."""

    name: str
    points: float
    possible: float
    message: str

    def __str__(self) -> str:
        mark = "✔" if self.points >= self.possible else "◐" if self.points > 0 else "✘"
        return f"{mark} {self.name} ({self.points:g}/{self.possible:g}): {self.message}"


@dataclass
class Report:
    """The items of one or more checks, with the total and, if timed, the time used."""

    title: str
    items: list[Item] = field(default_factory=list)
    timer: Timer | None = None
    answered: bool = True

    @property
    def points(self) -> float:
        return float(sum(i.points for i in self.items))

    @property
    def possible(self) -> float:
        return float(sum(i.possible for i in self.items))

    @property
    def ok(self) -> bool:
        return self.points >= self.possible

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if not self.answered:
            return _(
                "{title}: not answered yet ({possible:g} points to earn). "
                "Fill in your answer above, then run this cell again.",
                title=_(self.title),
                possible=self.possible,
            )
        lines = [
            _(
                "{title}: {points:g} of {possible:g} points scored",
                title=_(self.title),
                points=self.points,
                possible=self.possible,
            )
        ]
        lines += [f"  {i}" for i in self.items]
        if self.timer is not None:
            lines.append(f"  {self.timer.text()}")
        return "\n".join(lines)


def _number(x: Any) -> float | None:
    try:
        value = float(str(x).replace(",", "").strip())
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) else None


def _day(x: Any, case: Case) -> float | None:
    """A day number, or a date (text or datetime) turned into a day number."""
    number = _number(x)
    if number is not None:
        return number
    try:
        stamp = pd.Timestamp(x)
    except (TypeError, ValueError):
        return None
    if pd.isna(stamp):
        return None
    return float((stamp.normalize() - pd.Timestamp(case.scenario.start_date)).days)


def answered(answer: Any) -> bool:
    """Whether the trainee has filled in anything yet: a dict with at least one value."""
    return isinstance(answer, dict) and any(
        v is not None and str(v).strip() != "" for v in answer.values()
    )


def _missing(answer: dict, key: str, how: str) -> Item | None:
    if key not in answer or answer[key] is None or str(answer[key]).strip() == "":
        return Item(key, 0, 1, _("missing: fill in {key}. {how}", key=repr(key), how=how))
    return None


# ------------------------------------------------------------------------ value


def check_value(answer: dict, case: Case) -> Report:
    """Task 1: RFM segment, value-pyramid tier and 180-day CLV (2 points: ±5%; 1: ±30%)."""
    answer = answer if isinstance(answer, dict) else {}
    k = case._key["value"]
    items: list[Item] = []
    how_rfm = _(
        "Build rfm_summary(case.orders, observation_end=case.today) for every customer, then "
        "rfm_scores and rfm_segment, and read the row of case.customer_id"
    )
    seg = _missing(answer, "rfm_segment", how_rfm)
    if seg is None:
        given = str(answer["rfm_segment"]).strip().lower()
        if given == k["rfm_segment"]:
            seg = Item(
                "rfm_segment",
                1,
                1,
                _("right: R={r}, F={f} make {segment}", r=k["R"], f=k["F"], segment=repr(given)),
            )
        else:
            seg = Item(
                "rfm_segment",
                0,
                1,
                _(
                    "{given} is not what this customer's R and F scores give. Scores are "
                    "quantiles over ALL customers, not this one alone: {how}",
                    given=repr(given),
                    how=how_rfm,
                ),
            )
    items.append(seg)
    tier = _missing(
        answer,
        "pyramid_tier",
        _("value_pyramid(clv of every customer) gives VIP / high potential"),
    )
    if tier is None:
        given = str(answer["pyramid_tier"]).strip()
        if given.lower() == k["pyramid_tier"].lower():
            tier = Item("pyramid_tier", 1, 1, _(RIGHT, answer=k["pyramid_tier"]))
        else:
            tier = Item(
                "pyramid_tier",
                0,
                1,
                _(
                    "{given} is not the pyramid tier. The pyramid ranks customers by their future "
                    "value (the 180-day CLV), not by past spend: VIP = top 5%, high potential "
                    "= next 15%",
                    given=repr(given),
                ),
            )
    items.append(tier)
    items.append(_check_clv(answer, k))
    return Report(TASK_VALUE, items, answered=answered(answer))


def _check_clv(answer: dict, k: dict) -> Item:
    method = _(
        "BG/NBD + Gamma-Gamma over the next 180 days, step 30, discount 1% a step, margin 70%"
    )
    a = _number(answer.get("clv_180d"))
    if a is None:
        return Item(
            "clv_180d", 0, 2, _("missing: give the CLV as one number ({method})", method=method)
        )
    right = k["clv_180d"]
    err = abs(a - right) / max(abs(right), 1e-9)
    if err <= 0.05:
        return Item(
            "clv_180d", 2, 2, _("right: about {clv:,.0f} over the next 180 days", clv=right)
        )
    for other, why in (
        (k["past_revenue"], N_("that is what the customer has spent so far; CLV looks forward")),
        (right / CLV_MARGIN, N_("you left out the margin: CLV is profit, not revenue (× 0.7)")),
        (k["clv_undiscounted"], N_("you did not discount: use discount_rate=0.01 per 30-day step")),
    ):
        if abs(a - other) <= 0.05 * max(abs(other), 1e-9):
            return Item("clv_180d", 1 if err <= 0.3 else 0, 2, _(why))
    high = a > right
    if err <= 0.3:
        close = _("close but high by {off:.0%}: check {method}", off=err, method=method)
        if not high:
            close = _("close but low by {off:.0%}: check {method}", off=err, method=method)
        return Item("clv_180d", 1, 2, close)
    if high:
        far = _("too high (off by {off:.0%}); compute it with {method}", off=err, method=method)
    else:
        far = _("too low (off by {off:.0%}); compute it with {method}", off=err, method=method)
    return Item("clv_180d", 0, 2, far)


CLV_MARGIN = 0.7
RIGHT = N_("right: {answer}")
TASK_VALUE = N_("Task 1 · value (客户价值评估)")
TASK_SERVICE = N_("Task 2 · service history (服务记录)")
TASK_OPPORTUNITY = N_("Task 3 · next opportunity (创造机会)")
GOLDEN30 = N_("黄金30分钟 golden 30 minutes")


# ---------------------------------------------------------------------- service


def check_service(answer: dict, case: Case) -> Report:
    """Task 2: tickets, open tickets, last complaint (day, severity), promise kept."""
    answer = answer if isinstance(answer, dict) else {}
    k = case._key["service"]
    items: list[Item] = []
    for name, how in (
        ("tickets", _("Look at case.tickets (one row per complaint): count its rows")),
        (
            "open_tickets",
            _("Look at case.tickets (one row per complaint): open = no resolved_day yet"),
        ),
    ):
        miss = _missing(answer, name, how)
        if miss:
            items.append(miss)
            continue
        a = _number(answer[name])
        if a == k[name]:
            items.append(Item(name, 1, 1, _(RIGHT, answer=k[name])))
        elif name == "open_tickets" and a == k["tickets"] and k["tickets"] != k[name]:
            items.append(
                Item(name, 0, 1, _("that counts every ticket; open ones have no resolved_day"))
            )
        else:
            items.append(
                Item(name, 0, 1, _("{given} is not it. {how}", given=answer[name], how=how))
            )
    items.append(_check_last(answer, case, k))
    sev = _missing(
        answer,
        "last_complaint_severity",
        _("Look at case.tickets (one row per complaint): the severity of the latest one"),
    )
    if sev is None:
        given = str(answer["last_complaint_severity"]).strip().lower()
        if given == str(k["last_complaint_severity"]).lower():
            sev = Item("last_complaint_severity", 1, 1, _(RIGHT, answer=given))
        else:
            sev = Item(
                "last_complaint_severity",
                0,
                1,
                _(
                    "{given} is not the severity of the latest ticket: sort by opened_day",
                    given=repr(given),
                ),
            )
    items.append(sev)
    items.append(_check_promise(answer, k))
    return Report(TASK_SERVICE, items, answered=answered(answer))


def _check_last(answer: dict, case: Case, k: dict) -> Item:
    name = "last_complaint_day"
    if k[name] is None:
        if answer.get(name) in (None, "", "none"):
            return Item(name, 1, 1, _("right: no complaint on record"))
        return Item(name, 0, 1, _("this customer never complained: answer None"))
    a = _day(answer.get(name), case)
    if a is None:
        return Item(
            name, 0, 1, _("missing: give the day (opened_day) or the date of the latest ticket")
        )
    if abs(a - k[name]) <= 1:
        return Item(
            name, 1, 1, _("right: day {day:.0f} ({date})", day=k[name], date=case.date(k[name]))
        )
    if abs(a - k["first_complaint_day"]) <= 1 and k["tickets"] > 1:
        return Item(name, 0, 1, _("that is the first complaint; the last is the latest opened_day"))
    return Item(name, 0, 1, _("not the latest ticket: take the largest opened_day in case.tickets"))


def _check_promise(answer: dict, k: dict) -> Item:
    name = "promise_kept"
    if k["last_complaint_day"] is None:
        return Item(name, 1, 1, _("no complaint, no promise to keep"))
    given = answer.get(name)
    right = k[name]
    if isinstance(given, str):
        given = {"yes": True, "true": True, "no": False, "false": False}.get(given.lower(), given)
    if given is None and right is not None:
        return Item(
            name,
            0,
            1,
            _(
                "missing: was the latest ticket answered within the promise? "
                "(promise_kept column; 48 小时响应承诺)"
            ),
        )
    if given == right:
        if right:
            said = _("right: the response promise was kept")
        elif right is None:
            said = _("right: the latest ticket is not answered yet")
        else:
            said = _("right: the response promise was broken")
        return Item(name, 1, 1, said)
    return Item(
        name,
        0,
        1,
        _(
            "check the promise_kept column of the latest ticket (first_response_day − "
            "opened_day against the 48-hour promise)"
        ),
    )


# ------------------------------------------------------------------ opportunity

_WORDS = {
    "value": r"vip|clv|value|valu|worth|segment|champion|loyal|can't lose|at risk|high potential"
    r"|价值|贵宾|高价值",
    "service": r"complain|ticket|case|service|fail|apolog|投诉|服务|工单",
    "behaviour": r"drop|fewer|fell|fall|declin|less|slow|quiet|silent|lapse|down|下降|减少|流失",
    "recovery": r"apolog|sorry|follow|complain|recover|make it right|道歉|致歉|回访|跟进",
    "resolve": r"resolv|close|fix|solve|finish|解决|处理|关闭",
}


def _has(text: str, kind: str) -> bool:
    return re.search(_WORDS[kind], text.lower()) is not None


# A number, then (matched where the number ends) the word for points. Searched as one
# pattern, `[\d.,]+\s*points` backtracks over every start in a long run of digits: a 40 KB
# answer took minutes. Each run matched once, then a look at what follows, is linear.
_NUMBER = re.compile(r"[\d.,]+")
_POINTS = re.compile(r"\s*(?:points|pts|积分)")


def offer_cost(offer: Any, case: Case) -> float | None:
    """What an offer costs the business: a reward's cost, 'N points', or a coupon value."""
    k = case._key["opportunity"]
    text = str(offer).strip().lower()
    for name, cost in k["rewards"].items():
        if name.lower() in text:
            return float(cost)
    numbers = list(_NUMBER.finditer(text))
    points = next((m for m in numbers if _POINTS.match(text, m.end())), None)
    if points and _number(points.group()) is not None:
        return _number(points.group()) * k["point_value"]
    if numbers and _number(numbers[0].group()) is not None and not re.search(r"%|percent", text):
        return _number(numbers[0].group())
    return None


def check_opportunity(answer: dict, case: Case) -> Report:
    """Task 3: the next action, its channel and offer, and why (6 points)."""
    answer = answer if isinstance(answer, dict) else {}
    k = case._key["opportunity"]
    b = case._key["behaviour"]
    items: list[Item] = []
    channel = str(answer.get("channel", "") or "").strip().lower()
    if not channel:
        items.append(Item("channel", 0, 1, _("missing: say how you reach the customer")))
    elif channel in k["good_channels"]:
        items.append(
            Item(
                "channel",
                1,
                1,
                _("right: {channel} is a person talking to a person", channel=channel),
            )
        )
    elif b["opted_out"]:
        items.append(
            Item(
                "channel",
                0,
                1,
                _(
                    "this customer opted out of messages (profile.opted_out): only a person "
                    "(phone, in store) may reach out"
                ),
            )
        )
    else:
        items.append(
            Item(
                "channel",
                0,
                1,
                _(
                    "{channel} is automated: a VIP who complained and is buying less needs a "
                    "person. Use one of {channels} (outreach channels with human: true, or "
                    "the store)",
                    channel=repr(channel),
                    channels=", ".join(k["good_channels"]),
                ),
            )
        )
    offer = answer.get("offer")
    cost = offer_cost(offer, case) if offer not in (None, "") else None
    rewards = ", ".join(k["rewards"]) or _("a coupon")
    if offer in (None, ""):
        items.append(
            Item(
                "offer",
                0,
                1,
                _("missing: add a gesture ({rewards}, 'N points', a coupon)", rewards=rewards),
            )
        )
    elif cost is None:
        items.append(
            Item(
                "offer",
                0,
                1,
                _(
                    "cannot price {offer}: name a reward ({rewards}), 'N points' or a coupon value",
                    offer=repr(str(offer)),
                    rewards=rewards,
                ),
            )
        )
    elif cost > k["max_offer_cost"]:
        items.append(
            Item(
                "offer",
                0,
                1,
                _(
                    "{offer} costs about {cost:,.0f}, more than 15% of what the customer is "
                    "worth over the next 180 days ({most:,.0f}): a gesture, not a bribe",
                    offer=repr(str(offer)),
                    cost=cost,
                    most=k["max_offer_cost"],
                ),
            )
        )
    else:
        items.append(
            Item("offer", 1, 1, _("right: a gesture costing about {cost:,.2f}", cost=cost))
        )
    action = str(answer.get("action", "") or "")
    if not action.strip():
        items.append(Item("action", 0, 1, _("missing: say what you will do")))
    elif k["must_resolve_open_case"] and not _has(action, "resolve"):
        items.append(
            Item(
                "action",
                0,
                1,
                _(
                    "a ticket is still open: the first step is to resolve it; selling before "
                    "fixing reads as not listening"
                ),
            )
        )
    elif case._key["service"]["tickets"] and not (
        _has(action, "recovery") or _has(action, "resolve")
    ):
        items.append(
            Item(
                "action",
                0,
                1,
                _(
                    "the action ignores the complaint: acknowledge it (apologise, check it was "
                    "fixed, follow up) before any offer"
                ),
            )
        )
    else:
        items.append(Item("action", 1, 1, _("right: the action starts from the complaint")))
    why = str(answer.get("why", "") or "")
    for kind, missing in (
        ("value", N_("the justification does not cite why this customer matters (pyramid "
                     "tier, segment or CLV)")),
        ("service", N_("the justification does not cite the service history (the "
                       "complaint, the ticket)")),
        ("behaviour", N_("the justification does not cite what changed in behaviour "
                         "(orders dropped in the last 90 days)")),
    ):  # fmt: skip
        if _has(why, kind):
            items.append(Item(f"why: {kind}", 1, 1, _("cited")))
        else:
            items.append(Item(f"why: {kind}", 0, 1, _(missing)))
    return Report(TASK_OPPORTUNITY, items, answered=answered(answer))


def grade(
    value: dict, service: dict, opportunity: dict, case: Case, timer: Timer | None = None
) -> Report:
    """All three tasks in one report, with the time used (stops the timer). Nothing is
    handed in, and the clock runs on, while all three answers are still empty."""
    handed_in = any(answered(a) for a in (value, service, opportunity))
    if timer is not None and handed_in:
        timer.stop()
    items = [
        *check_value(value, case).items,
        *check_service(service, case).items,
        *check_opportunity(opportunity, case).items,
    ]
    return Report(GOLDEN30, items, timer, answered=handed_in)

"""What one order earned, and why: the Earning record and its plain-language explanation
(which rules fired, and why the others did not).

The engine's hot path records numbers only; the text is rendered when `explain()` is asked.
The record and its explanation live together so neither module imports the other.
"""

from __future__ import annotations

import datetime as dt

from sim.loyalty.schema import (
    BirthdayRule,
    CapRule,
    CategoryRule,
    DateRangeRule,
    TierRule,
    WeekdayRule,
)


class Earning:
    """The points one order earned: the base, each rule's points, and why.

    `by_rule` maps each rule that fired to its points (a cap's are negative);
    `explain()` lists every rule: fired and how many points, or why not.
    """

    __slots__ = (
        "engine",
        "points",
        "base",
        "parts",
        "day",
        "amount",
        "category",
        "tier",
        "gift",
        "birthday",
    )

    def __init__(
        self, engine, points, base, parts, day, amount, category, tier, gift, birthday
    ) -> None:
        self.engine = engine
        self.points = points  # total credited (>= 0)
        self.base = base
        self.parts = parts  # per rule in order: points if fired, None if not; cut at a stop
        self.day = day
        self.amount = amount
        self.category = category
        self.tier = tier  # tier index held when the order was placed
        self.gift = gift  # whether a once-a-year birthday bonus was given
        self.birthday = birthday  # the member's (month, day) or None

    @property
    def by_rule(self) -> dict[str, int]:
        names = self.engine.rule_names
        return {names[i]: p for i, p in enumerate(self.parts) if p is not None}

    def explain(self) -> list[str]:
        """One line per rule, e.g. "weekend_double: not applied — order on a Tuesday"."""
        return explain(self)

    def __repr__(self) -> str:
        return f"Earning(points={self.points}, base={self.base}, by_rule={self.by_rule})"


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PER = {"order": "order", "day": "day", "week": "week", "month": "month", "year": "year"}


def explain(e: Earning) -> list[str]:
    """One line for the base and one per rule, in evaluation order."""
    engine = e.engine
    program = engine.program
    date = engine.cal.date(e.day)
    units = int(e.amount // engine.unit) if e.amount > 0 else 0
    lines = [
        f"base: {e.base} points — {units} whole unit(s) of {engine.unit:g} "
        f"× {engine.per_unit:g} point(s)"
    ]
    running = e.base
    stopped_by = None
    for i, rule in enumerate(program.rules):
        if stopped_by is not None or i >= len(e.parts):
            stopped_by = stopped_by or _stopper(program, e)
            lines.append(f"{rule.name}: not evaluated — stopped by {stopped_by}")
            continue
        part = e.parts[i]
        if part is None:
            lines.append(f"{rule.name}: not applied — {_why_not(rule, e, date, running)}")
            continue
        running += part
        text = f"{rule.name}: {part:+d} points — {_why(rule, e, date)}"
        if rule.stop:
            text += "; stop here: later rules are not evaluated"
        lines.append(text)
    lines.append(f"total: {e.points} points")
    return lines


def _stopper(program, e: Earning) -> str:
    return program.rules[len(e.parts) - 1].name


def _tier(e: Earning, index: int | None = None) -> str:
    return e.engine.tier_names[e.tier if index is None else index]


def _why(rule, e: Earning, date: dt.date) -> str:
    mult = f"×{rule.multiplier:g}" if not isinstance(rule, CapRule) else ""
    extra = f", +{rule.bonus} bonus" if getattr(rule, "bonus", 0) else ""
    if isinstance(rule, WeekdayRule):
        return f"order on a {DAY_NAMES[date.weekday()]} ({mult}{extra})"
    if isinstance(rule, CategoryRule):
        return f"order in {e.category!r} ({mult}{extra})"
    if isinstance(rule, TierRule):
        return f"member is {_tier(e)} ({mult}{extra})"
    if isinstance(rule, DateRangeRule):
        return f"order on {date.isoformat()}, within {rule.start}..{rule.end} ({mult}{extra})"
    if isinstance(rule, BirthdayRule):
        if rule.bonus and not e.gift:
            extra = f", bonus of {rule.bonus} already given this year"
        return f"order in the birthday period ({mult}{extra})"
    return f"capped at {rule.max_points} points per {_PER[rule.per]}"


def _why_not(rule, e: Earning, date: dt.date, running: int) -> str:
    if isinstance(rule, WeekdayRule):
        return f"order on a {DAY_NAMES[date.weekday()]}"
    if isinstance(rule, CategoryRule):
        return f"order in {e.category!r}, not in {', '.join(rule.categories)}"
    if isinstance(rule, TierRule):
        return f"member is {_tier(e)}, not {', '.join(rule.tiers)}"
    if isinstance(rule, DateRangeRule):
        return f"order on {date.isoformat()}, outside {rule.start}..{rule.end}"
    if isinstance(rule, BirthdayRule):
        account_birthday = _birthday_text(e)
        if account_birthday is None:
            return "no birthday on file"
        return f"order on {date.isoformat()}, not in the birthday period ({account_birthday})"
    if rule.per == "order":
        return f"{running} points fit under the cap of {rule.max_points} per order"
    return f"{running} points fit in what is left of {rule.max_points} per {_PER[rule.per]}"


def _birthday_text(e: Earning) -> str | None:
    birthday = e.birthday
    return None if birthday is None else f"birthday {birthday[0]:02d}-{birthday[1]:02d}"

"""The loyalty section of a scenario: typed, validated at load, errors with field and line.

Models subclass the scenario's `_Model` (unknown keys are errors) and raise through
`_invalid`, so the scenario error layer renders them as file:line: field: expected/found.
Keys avoid YAML 1.1's booleans (`on`, `off`, `yes`, `no`): qualification uses `basis:`.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from sim.i18n import N_, _
from sim.sections.base import (
    MAX_DAYS,
    MAX_MONEY,
    MAX_POINTS,
    CalendarDate,
    LogOdds,
    Points,
    Probability,
)
from sim.sections.base import Section as _Model
from sim.sections.base import describe as _describe
from sim.sections.base import invalid as _invalid

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_MULTIPLIER = 10.0  # "10x points" is the top of real promotions
Multiplier = Annotated[
    float,
    Field(
        ge=0.0,
        le=MAX_MULTIPLIER,
        description=N_("points × this (2 = double points; 0 = no points)"),
    ),
]
# The most points one unit of currency may earn with every rule firing at once, so that a
# member's balance stays a whole number a table can hold.
MAX_POINTS_PER_UNIT = 10_000.0
MAX_RULES = 50


class _Rule(_Model):
    """What every earning rule has: a name (for explanations) and a 'stop here' flag."""

    name: str = Field(min_length=1, description="shown in explanations and reports")
    stop: bool = Field(False, description="when this rule fires, later rules are not evaluated")


class _Conditional(_Rule):
    """A rule that, when its condition holds, multiplies base points and/or adds a bonus."""

    multiplier: Multiplier = 1.0
    bonus: Points = Field(0, description=N_("fixed points added when the rule fires"))


class WeekdayRule(_Conditional):
    """Multiplier on given weekdays, e.g. weekend double points (周末双倍积分)."""

    kind: Literal["weekday"] = "weekday"
    days: list[Weekday] = Field(min_length=1, description="mon, tue, ... sun")

    @field_validator("days", mode="before")
    @classmethod
    def _short_names(cls, value: object) -> object:
        """Accept Saturday / SAT / sat alike: the first three letters name the day."""
        if isinstance(value, list):
            return [_day(v) for v in value]
        return value


class CategoryRule(_Conditional):
    """Multiplier on orders of given categories, e.g. triple points on beans."""

    kind: Literal["category"] = "category"
    categories: list[str] = Field(min_length=1, description="names from catalogue.categories")


class TierRule(_Conditional):
    """Multiplier for members of given tiers (the tier held before the order)."""

    kind: Literal["tier"] = "tier"
    tiers: list[str] = Field(min_length=1, description="tier names from `tiers`")


class DateRangeRule(_Conditional):
    """Multiplier between two calendar dates, both included (a promotion)."""

    kind: Literal["date_range"] = "date_range"
    start: CalendarDate
    end: CalendarDate

    @model_validator(mode="after")
    def _ordered(self) -> DateRangeRule:
        if self.end < self.start:
            raise _invalid(
                _("an end date on or after the start ({start})", start=self.start.isoformat()),
                self.end.isoformat(),
                _("swap start and end"),
                at=("end",),
            )
        return self


class BirthdayRule(_Conditional):
    """Multiplier on orders near the member's birthday; `bonus` is given once a year."""

    kind: Literal["birthday"] = "birthday"
    within_days: int = Field(
        0, ge=0, le=31, description="days either side of the birthday (0 = the day itself)"
    )
    whole_month: bool = Field(False, description="the whole birthday month counts")


class CapRule(_Rule):
    """Caps the points of the rules before it: per order, or per calendar day/week/month/year."""

    kind: Literal["cap"] = "cap"
    max_points: Points = Field(description="most points the rules above may give")
    per: Literal["order", "day", "week", "month", "year"] = "order"


Rule = Annotated[
    WeekdayRule | CategoryRule | TierRule | DateRangeRule | BirthdayRule | CapRule,
    Field(discriminator="kind"),
]


class TierBenefits(_Model):
    """What a tier gives: a discount on orders and priority service. (Gifts are not
    simulated: they would have no effect and no cost, so the field is refused.)"""

    discount: float = Field(0.0, ge=0.0, lt=1.0, description="fraction off (0.05 = 5%)")
    priority: bool = Field(False, description="served first at the service desk")

    @model_validator(mode="before")
    @classmethod
    def _no_gifts(cls, data: object) -> object:
        if isinstance(data, dict) and "gifts" in data:
            raise _invalid(
                _("discount and priority"),
                "gifts",
                _(
                    "tier gifts are not simulated (no effect on customers, no cost): delete "
                    "gifts, or model a gift as a reward in loyalty.rewards"
                ),
                at=("gifts",),
            )
        return data


class Tier(_Model):
    """A status level reached when the qualifying total reaches `threshold`."""

    name: str = Field(min_length=1)
    threshold: float = Field(
        ge=0.0, le=MAX_POINTS, description=N_("points or spend in the window to qualify")
    )
    benefits: TierBenefits = Field(default_factory=TierBenefits)


class Qualification(_Model):
    """What counts towards tiers (order points or spend) and over which window."""

    basis: Literal["points", "spend"] = "points"
    window: Literal["rolling", "calendar_year"] = "rolling"
    days: int = Field(365, gt=0, le=MAX_DAYS, description="length of a rolling window, in days")


class Downgrade(_Model):
    """What happens at a review when the member no longer qualifies for the tier."""

    policy: Literal["requalify", "grace", "never"] = "requalify"
    grace_days: int = Field(
        90, ge=0, le=MAX_DAYS, description="extra days kept before dropping (grace)"
    )


class Expiry(_Model):
    """When awarded points expire, lot by lot (each award expires on its own)."""

    policy: Literal["days", "month_end", "year_end", "never"] = "never"
    days: int = Field(
        365, gt=0, le=MAX_DAYS, description="policy days: expire this many days after award"
    )
    months: int = Field(
        12,
        ge=0,
        le=120,
        description=N_("policy month_end: at the end of the month this many months on"),
    )
    years: int = Field(
        0, ge=0, le=10, description="policy year_end: at the end of the year this many years on"
    )


class Reward(_Model):
    """A reward in the catalogue: what it costs in points and what it costs the business."""

    name: str = Field(min_length=1)
    points: int = Field(ge=1, le=MAX_POINTS, description="points a member pays for it")
    cost: float = Field(
        0.0, ge=0.0, le=MAX_MONEY, description="real cost to the business, in currency"
    )

    @field_validator("points", mode="before")
    @classmethod
    def _positive(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 1:
            raise _invalid(
                _("a point cost of at least 1"),
                _describe(value),
                _("a reward costing no points would be free for every member"),
            )
        return value


# A member's value weight multiplies log-odds: ten keeps the product within LogOdds.
MAX_VALUE_WEIGHT = 10.0


class Behaviour(_Model):
    """How customers react to the program in the simulated world (not part of the rules).

    Defaults are modest: a program that pays for itself in a typical world is something
    the trainee should find by design, not get for free.
    """

    enrolment: Probability = Field(
        0.6, description="share of customers who join the program at their first order"
    )
    switching_cost: LogOdds = Field(
        0.4,
        description="lower log-odds of leaving per point balance worth one average order "
        "(up to two), × the member's value weight (value_weight_base + value_weight_price "
        "× price sensitivity): the discount-sensitive value points more",
    )
    tier_loyalty: LogOdds = Field(
        0.15,
        description="lower log-odds of leaving per tier above the base tier, × the member's "
        "value weight as switching_cost is",
    )
    value_weight_base: float = Field(
        0.25,
        ge=0.0,
        le=MAX_VALUE_WEIGHT,
        description=N_(
            "the part of a member's value weight (how much points and status hold them) "
            "that every member has, whatever their price sensitivity. Default 0.25: chosen "
            "so that a member who cares little about price (sensitivity 0.2) feels about "
            "half the switching cost (×0.55); a teaching assumption"
        ),
    )
    value_weight_price: float = Field(
        1.5,
        ge=0.0,
        le=MAX_VALUE_WEIGHT,
        description=N_(
            "value weight gained per unit of price sensitivity: weight = value_weight_base "
            "+ this × price sensitivity. Default 1.5: chosen so that a typical price-driven "
            "member (sensitivity 0.6) weighs points a little above one (×1.15), since "
            "discount seekers value points more; a teaching assumption"
        ),
    )
    near_threshold: Probability = Field(
        0.15, description="within this share below the next tier's threshold, customers..."
    )
    threshold_speedup: float = Field(
        0.3, ge=0.0, le=10.0, description="...buy this much more often (0.3 = 30% faster)"
    )
    redemption: Probability = Field(
        0.35, description="mean chance that a member who can afford a reward redeems one"
    )
    referral: Probability = Field(
        0.01,
        description=N_(
            "the most often a member brings a friend with an order, approached as the "
            "referral_bonus grows (none is referred without one). Default 0.01: a teaching "
            "assumption, as no published per-order rate fits every shop; set it from your "
            "own program (referred customers ÷ members' orders). Referred customers are "
            "worth more and stay longer (Schmitt, Skiera and Van den Bulte 2011)"
        ),
    )
    referral_half_worth: float = Field(
        0.1,
        gt=0.0,
        le=100.0,
        description=N_(
            "the referral bonus's worth, in mean orders (bonus × point value ÷ mean order "
            "value), at which members refer half as often as `referral`: chance = referral "
            "× worth ÷ (worth + this). Default 0.1: any reward raises referral likelihood "
            "and its size matters far less (Ryu and Feick 2007), though larger rewards do "
            "bring more new customers (Wolters, Schulze and Gedenk 2020); in the coffee "
            "chain a free coffee's 300 points (about a fifth of a mean order) get two "
            "thirds of the most. The midpoint is a teaching assumption"
        ),
    )
    referral_delay_days: float = Field(
        7.0,
        gt=0.0,
        le=365.0,
        description=N_(
            "mean days from the order on which a member refers a friend to the friend's "
            "first order (exponential); the bonus is credited with the referring order. "
            "Default 7: a teaching assumption"
        ),
    )


class LoyaltyProgram(_Model):
    """A loyalty program (客户忠诚计划): earning rules, tiers, expiry and rewards.

    Points per order: whole currency units × base_points_per_unit, then `rules` in order.
    """

    currency_unit: float = Field(
        1.0, ge=0.01, le=MAX_MONEY, description="points are earned per this much spend"
    )
    base_points_per_unit: float = Field(1.0, ge=0.0, le=1000.0)
    stacking: Literal["add", "multiply"] = Field(
        "add",
        description="add: each multiplier adds (m-1)×base; multiply: multipliers compound",
    )
    rules: list[Rule] = Field(
        default_factory=list, max_length=MAX_RULES, description="evaluated top to bottom"
    )
    base_tier: str = Field("member", min_length=1, description="the tier below every threshold")
    tiers: list[Tier] = Field(default_factory=list, description="lowest threshold first")
    qualification: Qualification = Field(default_factory=Qualification)
    downgrade: Downgrade = Field(default_factory=Downgrade)
    expiry: Expiry = Field(default_factory=Expiry)
    rewards: list[Reward] = Field(default_factory=list)
    point_value: float | None = Field(
        None,
        ge=0.0,
        le=MAX_MONEY,
        description="money per outstanding point for the liability; "
        "null = the rewards' average cost per point",
    )
    signup_bonus: Points = 0
    referral_bonus: Points = Field(
        0,
        description=N_(
            "points a member gets for each friend they refer (reason referral in the "
            "ledger); with 0 nobody is referred. A larger bonus brings more friends, levelling "
            "off (behaviour.referral and referral_half_worth say how often members refer)"
        ),
    )
    behaviour: Behaviour = Field(default_factory=Behaviour)

    @field_validator("rules")
    @classmethod
    def _unique_rules(cls, rules: list) -> list:
        _unique([r.name for r in rules], "rule")
        return rules

    @field_validator("tiers")
    @classmethod
    def _increasing(cls, tiers: list[Tier]) -> list[Tier]:
        _unique([t.name for t in tiers], "tier")
        for i in range(1, len(tiers)):
            before, here = tiers[i - 1], tiers[i]
            if here.threshold <= before.threshold:
                raise _invalid(
                    _(
                        "a threshold above {tier}'s {threshold:g}",
                        tier=before.name,
                        threshold=before.threshold,
                    ),
                    f"{here.threshold:g}",
                    _("list tiers from the lowest threshold to the highest"),
                    at=(i, "threshold"),
                )
        return tiers

    @field_validator("rewards")
    @classmethod
    def _unique_rewards(cls, rewards: list[Reward]) -> list[Reward]:
        _unique([r.name for r in rewards], "reward")
        return rewards

    @model_validator(mode="after")
    def _bounded_earning(self) -> LoyaltyProgram:
        mults = [r.multiplier for r in self.rules if not isinstance(r, CapRule)]
        if self.stacking == "multiply":
            most = float(np.prod([max(m, 1.0) for m in mults]))
        else:
            most = 1.0 + sum(max(m - 1.0, 0.0) for m in mults)
        per_unit = self.base_points_per_unit / self.currency_unit * most
        if per_unit > MAX_POINTS_PER_UNIT:
            raise _invalid(
                _(
                    "at most {most:,.0f} points per unit of currency with every rule firing",
                    most=MAX_POINTS_PER_UNIT,
                ),
                _(
                    "{points:,.4g} (base_points_per_unit / currency_unit × the multipliers)",
                    points=per_unit,
                ),
                _("lower base_points_per_unit or the multipliers, or raise currency_unit"),
                at=("base_points_per_unit",),
            )
        return self

    @model_validator(mode="after")
    def _referrals_are_worth_something(self) -> LoyaltyProgram:
        if self.referral_bonus > 0 and not self.rewards and not self.point_value:
            raise _invalid(
                _("a referral bonus in points that buy something"),
                _(
                    "{points:g} points, with no rewards and no point_value",
                    points=self.referral_bonus,
                ),
                _("add rewards, set point_value, or set referral_bonus to 0"),
                at=("referral_bonus",),
            )
        return self

    @model_validator(mode="after")
    def _references(self) -> LoyaltyProgram:
        names = [t.name for t in self.tiers]
        if self.base_tier in names:
            raise _invalid(
                _("a base tier name different from the tiers' names"),
                repr(self.base_tier),
                _("base_tier names members below every threshold; rename it"),
                at=("base_tier",),
            )
        for i, rule in enumerate(self.rules):
            if isinstance(rule, TierRule):
                for j, name in enumerate(rule.tiers):
                    if name not in names and name != self.base_tier:
                        raise _invalid(
                            _(
                                "a tier named in tiers: {names}",
                                names=", ".join(repr(n) for n in names),
                            ),
                            repr(name),
                            _guess(name, [*names, self.base_tier]),
                            at=("rules", i, "tiers", j),
                        )
        return self

    def check_against(self, categories: list[str]) -> list[tuple[tuple, str]]:
        """Every category a rule names that the catalogue lacks: (path, message) pairs.

        Paths are relative to the loyalty section, e.g. ("rules", 1, "categories", 0).
        """
        out = []
        for i, rule in enumerate(self.rules):
            if isinstance(rule, CategoryRule):
                for j, name in enumerate(rule.categories):
                    if name not in categories:
                        message = _(
                            "unknown category {name}; {hint}",
                            name=repr(name),
                            hint=_guess(name, categories),
                        )
                        out.append((("rules", i, "categories", j), message))
        return out

    def category_error(
        self, categories: list[str], at: tuple = ("loyalty",)
    ) -> PydanticCustomError | None:
        """The first unknown category as an error a Scenario model validator can raise.

        `at` is where this section sits in the scenario; the rendered path and line point
        at the offending item, e.g. loyalty.rules[1].categories[0].
        """
        for path, _message in self.check_against(categories):
            name = self.rules[path[1]].categories[path[3]]
            return _invalid(
                _(
                    "a category from catalogue.categories: {names}",
                    names=", ".join(map(repr, categories)),
                ),
                repr(name),
                _guess(name, categories),
                at=tuple(at) + path,
            )
        return None


def _day(value: object) -> object:
    if isinstance(value, str):
        text = value.strip().lower()
        full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        if text in full or text[:3] in WEEKDAYS and len(text) == 3:
            return text[:3]
    return value


# what a list of named things says of a name given twice: (expected, hint) per kind
_UNIQUE = {
    "rule": (N_("a rule name used only once"), N_("give each rule its own name")),
    "tier": (N_("a tier name used only once"), N_("give each tier its own name")),
    "reward": (N_("a reward name used only once"), N_("give each reward its own name")),
}


def _unique(names: list[str], what: str) -> None:
    expected, hint = _UNIQUE[what]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise _invalid(
                _(expected),
                _(
                    "{name} again (already [{index}])",
                    name=repr(name),
                    index=names.index(name),
                ),
                _(hint),
                at=(i, "name"),
            )


def _guess(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return _("did you mean {guess}?", guess=repr(close[0]))
    if options:
        return _("known: {names}", names=", ".join(options))
    return _("define it first")

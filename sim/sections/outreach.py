"""The `outreach` section: triggered messages over channels with cost, and contact fatigue.

A message is opened with its channel's open rate (higher on the customer's preferred
channel); an opened offer converts an active customer into an extra order with the
trigger's conversion rate, more often for price-sensitive customers when it carries a
coupon. Win-back offers can bring back a customer who has left. Too many messages in a
window annoy: satisfaction falls and some customers opt out of all contact.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from sim.i18n import N_, _
from sim.sections.base import (
    MAX_DAYS,
    MAX_FACTOR,
    Days,
    Factor,
    Money,
    Probability,
    Section,
    invalid,
)

TRIGGERS = ("welcome", "birthday", "inactivity", "winback", "campaign", "vip_at_risk")


class Channel(Section):
    """An outbound channel: what one message costs and how often it is opened."""

    cost: Money = Field(description="cost of one message, in the currency")
    open_rate: Probability = Field(description="chance a message on this channel is opened")
    human: bool = Field(False, description="a person calls (the human touch), not automation")


# A trigger's days: a campaign every quarter of a day at most often (each one may touch
# every customer, so a smaller step would flood the run).
MIN_TRIGGER_DAYS = 0.25


class Trigger(Section):
    """One automated (or human) message rule."""

    kind: Literal["welcome", "birthday", "inactivity", "winback", "campaign", "vip_at_risk"]
    name: str = Field("", description="a label; defaults to the kind")
    channel: str = Field(description="one of the section's channels")
    days: float | None = Field(
        None,
        ge=MIN_TRIGGER_DAYS,
        le=MAX_DAYS,
        description=N_(
            "inactivity/winback/vip_at_risk: days since the last order; "
            "campaign: every this many days; welcome: days after the first order"
        ),
    )
    coupon: Money = Field(0.0, description=N_("value of the coupon it carries"))
    conversion: Probability = Field(
        0.1, description="chance an opened message leads to an order (or a return, for winback)"
    )
    satisfaction_lift: Probability = Field(
        0.0, description="satisfaction gained when opened (feeling remembered)"
    )
    segment: Literal["all", "price", "quality", "service"] = Field(
        "all", description="campaign: only customers whose dominant need is this"
    )
    vip_share: Probability = Field(
        0.1, description="vip_at_risk: the top share of customers by spend counted as VIP"
    )
    holdout: Probability = Field(
        0.0,
        description="share of the customers it fires for kept as a control group: they get "
        "nothing and cost nothing, and the holdouts table lists them, so the message's "
        "effect can be measured against them",
    )

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: object) -> object:
        if isinstance(data, dict):
            data = dict(data)
            if not data.get("name"):
                data["name"] = data.get("kind", "")
            if data.get("days") is None:
                default = {
                    "welcome": 1,
                    "inactivity": 30,
                    "winback": 90,
                    "campaign": 30,
                    "vip_at_risk": 21,
                }.get(data.get("kind"))
                if default is not None:
                    data["days"] = default
        return data


MAX_MESSAGES = 10_000  # messages tolerated in a fatigue window


class Fatigue(Section):
    """When contact becomes too much."""

    window_days: Days = Field(30.0, description=N_("the window messages are counted in"))
    max_messages: int = Field(
        4, ge=0, le=MAX_MESSAGES, description=N_("messages tolerated in the window")
    )
    satisfaction_drop: Probability = Field(
        0.03, description=N_("satisfaction lost per message beyond the tolerated number")
    )
    opt_out_prob: Probability = Field(
        0.08, description=N_("chance of opting out of all contact per message beyond it")
    )


MAX_TRIGGERS = 100  # message rules in one outreach section


class Outreach(Section):
    """Channels, message triggers and fatigue."""

    channels: dict[str, Channel] = Field(
        default_factory=lambda: {
            "sms": Channel(cost=0.05, open_rate=0.3),
            "email": Channel(cost=0.01, open_rate=0.2),
            "app": Channel(cost=0.005, open_rate=0.15),
            "phone": Channel(cost=4.0, open_rate=0.7, human=True),
        }
    )
    preferred_channel_boost: float = Field(
        1.5,
        gt=0.0,
        le=MAX_FACTOR,
        description="open rate × this on the channel the customer prefers",
    )
    coupon_sensitivity: Factor = Field(
        0.05,
        description="conversion × (1 + this × coupon × price sensitivity): coupons work on "
        "the price-sensitive",
    )
    triggers: list[Trigger] = Field(default_factory=list, max_length=MAX_TRIGGERS)
    fatigue: Fatigue = Field(default_factory=Fatigue)
    send_hour: float = Field(10.0, ge=0, lt=24, description="when the day's messages go out")

    @field_validator("triggers")
    @classmethod
    def _names_unique(cls, triggers: list[Trigger]) -> list[Trigger]:
        names = [t.name for t in triggers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise invalid(
                _("unique trigger names"),
                _("repeated: {names}", names=", ".join(dupes)),
                _("give each trigger its own name"),
            )
        return triggers

    @model_validator(mode="after")
    def _known_channels(self) -> Outreach:
        for i, t in enumerate(self.triggers):
            if t.channel not in self.channels:
                raise invalid(
                    _("one of the section's channels"),
                    repr(t.channel),
                    _("channels: {names}", names=", ".join(self.channels)),
                    at=("triggers", i, "channel"),
                )
        return self

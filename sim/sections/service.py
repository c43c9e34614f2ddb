"""The `service` section: service failures, complaints, the desk and its handling policy.

Defaults follow the evidence DESIGN.md cites: most unhappy customers never complain
(TARP's 1 in 26; Stephens and Gwinner 1998, up to two thirds never report), so complaint
probabilities are low; a good recovery lifts satisfaction above its pre-failure level
(de Matos, Henrique and Rossi 2007) but a severe failure leaves a lasting scar on the
odds of leaving, whatever the recovery (Soares and Proença 2015).
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from sim.i18n import N_, _
from sim.sections.base import (
    MAX_AGENTS,
    SHARES_ADDING_UP,
    Hours,
    LogOdds,
    Money,
    Probability,
    Section,
    invalid,
)

SEVERITIES = ("minor", "major", "severe")


NONE_FOR = N_("none for {names}")


def _check_severities(value: dict[str, float]) -> dict[str, float]:
    missing = [s for s in SEVERITIES if s not in value]
    if missing:
        raise invalid(
            _("a value for each severity (minor, major, severe)"),
            _(NONE_FOR, names=", ".join(missing)),
            _("add the missing severities"),
        )
    return value


# A case waits at most this long on purpose, or for its follow-up call: a month.
MAX_DELAY_HOURS = 24 * 31


class DeskPolicy(Section):
    """How the desk handles a complaint. A role-play transcript maps to one of these
    (`sim.roleplay.policy_from_transcript`), so one person's style can run a whole desk."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_hours: Hours = Field(
        48.0, description=N_("the response promise: first answer within this many hours")
    )
    response_delay_hours: float = Field(
        0.0,
        ge=0.0,
        le=MAX_DELAY_HOURS,
        description=N_(
            "hours a new case waits on purpose before it joins the queue "
            "(0 = as soon as an agent is free; a role-play style of 'I'll call back tomorrow')"
        ),
    )
    apology: bool = Field(True, description=N_("agents apologise for the failure"))
    compensation: Literal["none", "small", "full"] = Field(
        "small", description=N_("compensation offered: none, a small gesture, or the full loss")
    )
    escalation: Literal["never", "when_severe", "always"] = Field(
        "when_severe", description=N_("when a case goes to a level-2 agent")
    )
    follow_up_hours: float | None = Field(
        72.0,
        ge=0.0,
        le=MAX_DELAY_HOURS,
        description=N_("call back this many hours after resolution; null = no follow-up"),
    )


PARTS = ("speed", "apology", "compensation", "escalation", "follow_up")
COMPENSATIONS = ("none", "small", "full")


class Recovery(Section):
    """How the handling of a complaint scores (recovery_quality, 1 = as good as it gets):
    five parts, each scored 0-1 and weighted; the total sets how much of the failure's lost
    satisfaction comes back (more than all of it with a recovery paradox)."""

    speed: Probability = Field(
        0.35,
        description=N_(
            "weight of a fast first answer in the recovery's quality (the five weights add "
            "up to 1). Default 0.35: chosen so that keeping the response promise weighs "
            "most, as the 48-hour promise says; a teaching assumption"
        ),
    )
    apology: Probability = Field(
        0.15,
        description=N_(
            "weight of an apology in the recovery's quality. Default 0.15: a teaching assumption"
        ),
    )
    compensation: Probability = Field(
        0.2,
        description=N_(
            "weight of compensation (as far as the severity calls for it) in the recovery's "
            "quality. Default 0.2: a teaching assumption"
        ),
    )
    escalation: Probability = Field(
        0.15,
        description=N_(
            "weight of escalating a severe case to level 2 in the recovery's quality (other "
            "cases score it in full). Default 0.15: a teaching assumption"
        ),
    )
    follow_up: Probability = Field(
        0.15,
        description=N_(
            "weight of a follow-up call within follow_up_window_hours in the recovery's "
            "quality; it counts when the call is made. Default 0.15: a teaching assumption"
        ),
    )
    late_penalty: float = Field(
        1.5,
        ge=0.0,
        le=100.0,
        description=N_(
            "a late first answer scores speed 1 − this × (hours late ÷ the promise). "
            "Default 1.5: chosen so that an answer late by two thirds of the promise scores "
            "0; a teaching assumption"
        ),
    )
    broken_promise_floor: Probability = Field(
        0.5,
        description=N_(
            "the lowest a very late answer scores for speed is minus this (a badly broken "
            "promise is worse than none). Default 0.5: a teaching assumption"
        ),
    )
    follow_up_window_hours: float = Field(
        72.0,
        ge=0.0,
        le=MAX_DELAY_HOURS,
        description=N_(
            "a follow-up call counts only within this many hours of resolution. Default 72: "
            "the practice of a second follow-up call within 72 hours (72 小时二次回访)"
        ),
    )
    compensation_value: dict[str, Probability] = Field(
        {"none": 0.0, "small": 0.5, "full": 1.0},  # (pydantic copies it per model)
        description=N_(
            "what each compensation level (none, small, full) is worth, as a share of a "
            "full refund. Default 0, 0.5, 1: a small gesture is half the full loss; a "
            "teaching assumption"
        ),
    )
    compensation_needed: dict[str, Probability] = Field(
        {"minor": 0.3, "major": 0.6, "severe": 1.0},  # (pydantic copies it per model)
        description=N_(
            "the compensation each severity calls for, on the same scale: compensation "
            "scores min(1, value ÷ this). Default 0.3, 0.6, 1: a minor failure is put "
            "right by a small gesture, a severe one needs the full loss; a teaching "
            "assumption"
        ),
    )

    @field_validator("compensation_value")
    @classmethod
    def _levels(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [k for k in value if k not in COMPENSATIONS]
        if unknown:
            raise invalid(_("compensation levels none, small, full"), ", ".join(unknown))
        missing = [k for k in COMPENSATIONS if k not in value]
        if missing:
            raise invalid(
                _("a value for none, small and full"), _(NONE_FOR, names=", ".join(missing))
            )
        return value

    @field_validator("compensation_needed")
    @classmethod
    def _per_severity(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [k for k in value if k not in SEVERITIES]
        if unknown:
            raise invalid(_("severities minor, major, severe"), ", ".join(unknown))
        value = _check_severities(value)
        zero = [k for k in SEVERITIES if value[k] <= 0.0]
        if zero:
            raise invalid(
                _("a share above 0 for each severity"),
                _("0 for {names}", names=", ".join(zero)),
                _("every failure calls for some compensation; use a small share"),
            )
        return value

    @model_validator(mode="after")
    def _weights_add_up(self) -> Recovery:
        total = sum(getattr(self, k) for k in PARTS)
        if abs(total - 1.0) > 1e-6:
            raise invalid(
                _("weights speed, apology, compensation, escalation, follow_up adding up to 1"),
                _(SHARES_ADDING_UP, total=total),
                _("lower one weight as much as you raise another"),
            )
        return self


class Service(Section):
    """Service failures on orders, complaints, and a desk of level-1 and level-2 agents."""

    failure_rate: Probability = Field(0.03, description="chance that an order goes wrong")
    failure_rate_by_category: dict[str, Probability] = Field(
        default_factory=dict, description="failure rates for particular categories"
    )
    severity_mix: dict[str, Probability] = Field(
        default_factory=lambda: {"minor": 0.6, "major": 0.3, "severe": 0.1},
        description="share of failures of each severity",
    )
    complain_prob: dict[str, Probability] = Field(
        default_factory=lambda: {"minor": 0.04, "major": 0.2, "severe": 0.5},
        description="chance that a customer with a failure of this severity complains",
    )
    complaint_channel_mix: dict[str, Probability] = Field(
        default_factory=lambda: {"phone": 0.45, "app": 0.35, "store": 0.2},
        description="how complaints arrive",
    )
    l1_agents: int = Field(2, ge=1, le=MAX_AGENTS, description=N_("level-1 agents (first line)"))
    l2_agents: int = Field(1, ge=1, le=MAX_AGENTS, description="level-2 agents (escalations)")
    l1_hours: Hours = Field(0.5, description="mean handling time of a level-1 case")
    l2_hours: Hours = Field(2.0, description="mean handling time of a level-2 case")
    opens_at_hour: float = Field(9.0, ge=0, lt=24, description="when the desk opens each day")
    hours_open: float = Field(
        24.0,
        gt=0,
        le=24,
        description=N_("hours the desk is staffed each day (24 = round the clock)"),
    )
    open_weekends: bool = Field(True, description="whether the desk works on Saturday and Sunday")
    priority_by_tier: bool = Field(
        False, description="higher loyalty tiers are served first (needs a loyalty program)"
    )
    failure_drop: dict[str, Probability] = Field(
        default_factory=lambda: {"minor": 0.05, "major": 0.15, "severe": 0.3},
        description="satisfaction lost at a failure of each severity",
    )
    recovery_paradox: dict[str, Probability] = Field(
        default_factory=lambda: {"minor": 0.04, "major": 0.02, "severe": 0.0},
        description="how far above its pre-failure level a perfect recovery lifts satisfaction "
        "(it shows in surveys and CSAT, not in the odds of leaving: the meta-analysis of de "
        "Matos, Henrique and Rossi 2007 found no effect on repurchase)",
    )
    severity_scar: dict[str, LogOdds] = Field(
        default_factory=lambda: {"minor": 0.0, "major": 0.1, "severe": 0.4},
        description="lasting rise in the log-odds of leaving after a failure, recovered or not",
    )
    compensation_cost: dict[str, Money] = Field(
        default_factory=lambda: {"none": 0.0, "small": 10.0, "full": 40.0},
        description="cost of each compensation level, in the catalogue's currency",
    )
    inquiries_per_customer_year: float = Field(
        0.0,
        ge=0.0,
        le=365.0,
        description="questions and requests that are not complaints (order status, points, "
        "opening hours, invoices) per active customer per year; they queue for the level-1 "
        "agents with the complaints (0 = none)",
    )
    inquiry_minutes: float = Field(
        6.0,
        gt=0.0,
        le=24 * 60,
        description="mean minutes a level-1 agent spends on one inquiry (exponential)",
    )
    agent_cost_per_hour: float = Field(
        25.0,
        ge=0.0,
        le=10_000.0,  # a wage per hour: far below MAX_MONEY
        description="cost of one staffed agent-hour (wage plus employer on-costs), paid for "
        "every hour the desk is open, busy or not",
    )
    policy: DeskPolicy = Field(default_factory=DeskPolicy)
    recovery: Recovery = Field(default_factory=Recovery)

    @field_validator(
        "severity_mix", "complain_prob", "failure_drop", "recovery_paradox", "severity_scar"
    )
    @classmethod
    def _per_severity(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [k for k in value if k not in SEVERITIES]
        if unknown:
            raise invalid(_("severities minor, major, severe"), ", ".join(unknown))
        return _check_severities(value)

    @field_validator("severity_mix", "complaint_channel_mix")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        total = sum(value.values())
        if abs(total - 1.0) > 1e-6:
            raise invalid(_("shares adding up to 1"), _(SHARES_ADDING_UP, total=total))
        return value

    @field_validator("compensation_cost")
    @classmethod
    def _levels(cls, value: dict[str, float]) -> dict[str, float]:
        missing = [k for k in ("none", "small", "full") if k not in value]
        if missing:
            raise invalid(
                _("a cost for none, small and full"), _(NONE_FOR, names=", ".join(missing))
            )
        return value

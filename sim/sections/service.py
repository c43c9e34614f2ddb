"""The `service` section: service failures, complaints, the desk and its handling policy.

Defaults follow the evidence DESIGN.md cites: most unhappy customers never complain
(TARP's 1 in 26; Stephens and Gwinner 1998, up to two thirds never report), so complaint
probabilities are low; a good recovery lifts satisfaction above its pre-failure level
(de Matos, Henrique and Rossi 2007) but a severe failure leaves a lasting scar on the
odds of leaving, whatever the recovery (Soares and Proença 2015).
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

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

"""The `surveys` section: NPS and CSAT surveys, and who answers them.

Answers follow satisfaction, but the chance of answering rises for the delighted and the
furious (non-response bias toward the extremes), so the silent middle is under-heard;
the truth tables keep everyone's satisfaction, so the bias can be measured.
"""

from __future__ import annotations

from pydantic import Field

from sim.i18n import N_
from sim.sections.base import MAX_DAYS, MAX_FACTOR, LogOdds, Probability, Section


class Topics(Section):
    """What a comment is about: the customer's three needs (price, quality, service) weigh
    as they are, plus these weights; a topic is drawn in proportion to its weight."""

    delivery: float = Field(
        0.15,
        ge=0.0,
        le=MAX_FACTOR,
        description=N_(
            "weight of the delivery topic for every customer (the needs sum to 1). Default "
            "0.15: chosen so that about one comment in eight is about delivery when nothing "
            "went wrong; a teaching assumption"
        ),
    )
    failure_service: float = Field(
        0.6,
        ge=0.0,
        le=MAX_FACTOR,
        description=N_(
            "added to the service topic's weight within 30 days of a failed order. Default "
            "0.6: chosen so that a customer whose order went wrong talks mostly about "
            "service and delivery; a teaching assumption"
        ),
    )
    failure_delivery: float = Field(
        0.4,
        ge=0.0,
        le=MAX_FACTOR,
        description=N_(
            "added to the delivery topic's weight within 30 days of a failed order. "
            "Default 0.4: see failure_service; a teaching assumption"
        ),
    )
    price_cut: float = Field(
        1.0,
        ge=0.0,
        le=MAX_FACTOR,
        description=N_(
            "added to the price topic's weight while a competitor's price cut hits the "
            "customer. Default 1.0: chosen so that price then comes up in about half the "
            "comments or more; a teaching assumption"
        ),
    )
    failure_days: float = Field(
        30.0,
        ge=0.0,
        le=MAX_DAYS,
        description=N_(
            "how many days after a failed order it still colours comments (failure_service, "
            "failure_delivery). Default 30: about a month, a teaching assumption"
        ),
    )


class Surveys(Section):
    """Which surveys go out, and how people answer."""

    after_first_order: bool = Field(
        True, description="a CSAT survey within 24 hours of a customer's first order"
    )
    quarterly_nps: bool = Field(True, description="an NPS survey to a sample every 90 days")
    nps_sample_share: Probability = Field(
        0.3, description=N_("share of active customers sampled for each quarterly NPS")
    )
    after_ticket: bool = Field(
        True, description="a CSAT survey when a complaint case closes (needs a service desk)"
    )
    response_rate: Probability = Field(
        0.12, description="chance of answering for a customer of middling satisfaction"
    )
    extremity_bias: LogOdds = Field(
        2.5,
        description=N_(
            "how much more the very satisfied and very dissatisfied answer: "
            "log-odds of answering + this × (2·|satisfaction − 0.5|)²"
        ),
    )
    score_noise: float = Field(
        1.0, gt=0.0, le=MAX_FACTOR, description="spread of an NPS answer around 10 × s"
    )
    comment_rate: Probability = Field(0.5, description="chance that an answer has a comment")
    left_response: Probability = Field(
        0.3,
        description=N_(
            "a customer who has left answers with this share of the chance they would "
            "have had as a customer. Default 0.3: chosen so that lost customers seldom "
            "answer; a teaching assumption"
        ),
    )
    topics: Topics = Field(default_factory=Topics)

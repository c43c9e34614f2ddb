"""The `surveys` section: NPS and CSAT surveys, and who answers them.

Answers follow satisfaction, but the chance of answering rises for the delighted and the
furious (non-response bias toward the extremes), so the silent middle is under-heard;
the truth tables keep everyone's satisfaction, so the bias can be measured.
"""

from __future__ import annotations

from pydantic import Field

from sim.i18n import N_
from sim.sections.base import MAX_FACTOR, LogOdds, Probability, Section


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

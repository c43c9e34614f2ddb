"""Surveys: who is asked, who answers (the extremes more than the middle), what they say.

Comments come from templates in the scenario's language, by topic (price, quality,
service, delivery) and tone; the topic follows the customer's needs and what happened to
them lately (a failure, a competitor's price cut), so a monthly keyword heat-map means
something.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.sections.surveys import Surveys
from sim.world.rng import SURVEYS, keyed_uniforms

if TYPE_CHECKING:
    from sim.world import World

TOPICS = ("price", "quality", "service", "delivery")

COMMENTS = {
    "zh": {
        ("price", "neg"): ["价格太贵了", "最近涨价，不太划算", "别家更便宜，优惠也多"],
        ("price", "mid"): ["价格还可以", "希望多一些优惠"],
        ("price", "pos"): ["价格实惠，经常有优惠", "性价比很高"],
        ("quality", "neg"): ["品质下降了", "味道不如以前", "不新鲜"],
        ("quality", "mid"): ["品质一般", "味道还行"],
        ("quality", "pos"): ["品质很好，味道稳定", "很新鲜，质量好"],
        ("service", "neg"): ["服务态度差", "投诉了没人理", "店员不耐烦"],
        ("service", "mid"): ["服务一般", "店员还算礼貌"],
        ("service", "pos"): ["服务热情周到", "店员很友好，问题解决得快"],
        ("delivery", "neg"): ["配送太慢", "送达晚了，还送错了"],
        ("delivery", "mid"): ["配送速度一般"],
        ("delivery", "pos"): ["配送很快", "准时送达"],
    },
    "en": {
        ("price", "neg"): [
            "Too expensive now",
            "Prices went up, not worth it",
            "Cheaper elsewhere, with better discounts",
        ],
        ("price", "mid"): ["Price is fine", "Would like more discounts"],
        ("price", "pos"): ["Good value, regular discounts", "Great value for money"],
        ("quality", "neg"): ["Quality has dropped", "Not as good as it used to be", "Not fresh"],
        ("quality", "mid"): ["Quality is average", "Taste is okay"],
        ("quality", "pos"): ["Great quality, always consistent", "Fresh and good quality"],
        ("service", "neg"): [
            "Rude staff",
            "Complained and nobody answered",
            "Staff were impatient",
        ],
        ("service", "mid"): ["Service is okay", "Staff were polite enough"],
        ("service", "pos"): ["Friendly, helpful staff", "Problem solved quickly, friendly staff"],
        ("delivery", "neg"): ["Delivery too slow", "Arrived late and wrong"],
        ("delivery", "mid"): ["Delivery speed is average"],
        ("delivery", "pos"): ["Fast delivery", "Always on time"],
    },
}


def answer_probability(sat: float, surveys: Surveys) -> float:
    """Chance of answering: the middle answers at `response_rate`, the extremes more."""
    base = surveys.response_rate
    if base <= 0.0 or base >= 1.0:
        return base
    logit = math.log(base / (1 - base)) + surveys.extremity_bias * (2 * abs(sat - 0.5)) ** 2
    return 1 / (1 + math.exp(-logit))


def tone(kind: str, score: float) -> str:
    if kind == "nps":
        return "pos" if score >= 9 else "neg" if score <= 6 else "mid"
    return "pos" if score >= 4 else "neg" if score <= 2 else "mid"


class SurveyDesk:
    """Sends surveys and records invitations (truth) and answers."""

    def __init__(self, world: World, surveys: Surveys) -> None:
        self.world = world
        self.surveys = surveys
        self.lang = "zh" if world.scenario.locale.startswith("zh") else "en"
        self.invitations: list[tuple] = []
        self.answers: list[tuple] = []
        self.next_at = math.inf  # the next survey: an edge of sim.world.lives

    def quarterly(self, env: simpy.Environment):
        """Every 90 days from the start date, an NPS survey to a sample of the customer list."""
        w = self.world
        if w.start >= w.end:
            return
        self.next_at = env.now + (w.start + 0.5 - env.now)  # exactly when it fires
        yield env.timeout(w.start + 0.5 - env.now)
        quarter = 0
        while True:
            joined = np.flatnonzero(~np.isnan(w.signup_time))
            if len(joined):
                # one draw per (quarter, customer): who is asked does not depend on who
                # else is on the list (common random numbers across variants and sizes)
                u = keyed_uniforms(w.seed, SURVEYS, quarter, w.pop.key[joined])
                for c in joined[u < self.surveys.nps_sample_share].tolist():
                    self.ask(c, "nps", "quarterly")
            quarter += 1
            self.next_at = env.now + 90.0
            yield env.timeout(90.0)

    def after_first_order(self, env: simpy.Environment, c: int):
        yield env.timeout(float(self.world.survey_rng(c).random()))  # within 24 hours
        self.ask(c, "csat", "first_order")

    def ask(self, c: int, kind: str, occasion: str) -> None:
        """Invite customer c; they may answer, with a score that follows satisfaction."""
        w = self.world
        now = w.env.now
        rng = w.survey_rng(c)
        sat = w.satisfaction_at(c, now)
        p = answer_probability(sat, self.surveys)
        if w.churned(c):
            p *= self.surveys.left_response  # people who have left seldom answer
        u_answer, u_comment, u_topic, u_text = rng.random(4)
        noise = rng.normal(0.0, self.surveys.score_noise)
        answered = bool(u_answer < p)
        self.invitations.append((c, now, kind, occasion, sat, answered))
        if not answered:
            return
        if kind == "nps":
            score = float(np.clip(np.rint(10 * sat + noise), 0, 10))
        else:
            score = float(np.clip(np.rint(1 + 4 * sat + noise / 2.5), 1, 5))
        comment = ""
        if u_comment < self.surveys.comment_rate:
            weights = self.topic_weights(c, now)
            topic = TOPICS[int(np.searchsorted(np.cumsum(weights) / weights.sum(), u_topic))]
            options = COMMENTS[self.lang][(topic, tone(kind, score))]
            comment = options[min(int(u_text * len(options)), len(options) - 1)]
        self.answers.append((c, now, kind, occasion, score, comment))

    def topic_weights(self, c: int, now: float) -> np.ndarray:
        """What customer c talks about: their needs, plus what happened to them lately."""
        w = self.world
        topics = self.surveys.topics
        needs = w.pop.needs[c]
        weights = np.array([needs[0], needs[1], needs[2], topics.delivery])
        if now - w.last_failure[c] < topics.failure_days:
            weights[2] += topics.failure_service
            weights[3] += topics.failure_delivery
        if w.shocks is not None and w.shocks.price_cut_hits(c, now):
            weights[0] += topics.price_cut
        return weights

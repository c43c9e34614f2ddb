"""The world's behaviour constants are scenario fields (issue 17, part 6).

Each is in `sim schema` with its description in English and Chinese, defaults to the
value the world used before (so the shipped tables stay the same: tests/test_datasets.py),
acts on the behaviour it names, and a bad value gets the error layer's message naming
file, field and fix.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from worlds import COFFEE, pure

import sim
from sim.i18n import _, using
from sim.scenario import Scenario, ScenarioError, json_schema, parse_scenario
from sim.sections.service import DeskPolicy, Recovery
from sim.sections.shocks import Shock
from sim.world import World
from sim.world.feedback import COMMENTS
from sim.world.population import draw_population
from sim.world.service import recovery_quality
from sim.world.shocks import rate_multiplier

ROOT = Path(__file__).resolve().parents[1]

# (schema definition, field, the constant the world used before this field existed)
FIELDS = [
    ("Shock", "rate_cut", 0.8),
    ("Shock", "leave_logodds", 2.5),
    ("Shock", "recall_failure", 0.6),
    ("Shock", "outage_failure", 3.0),
    ("Behaviour", "value_weight_base", 0.25),
    ("Behaviour", "value_weight_price", 1.5),
    ("Topics", "delivery", 0.15),
    ("Topics", "failure_service", 0.6),
    ("Topics", "failure_delivery", 0.4),
    ("Topics", "price_cut", 1.0),
    ("Topics", "failure_days", 30.0),
    ("Surveys", "left_response", 0.3),
    ("Recovery", "speed", 0.35),
    ("Recovery", "apology", 0.15),
    ("Recovery", "compensation", 0.2),
    ("Recovery", "escalation", 0.15),
    ("Recovery", "follow_up", 0.15),
    ("Recovery", "late_penalty", 1.5),
    ("Recovery", "broken_promise_floor", 0.5),
    ("Recovery", "follow_up_window_hours", 72.0),
    ("Recovery", "compensation_value", {"none": 0.0, "small": 0.5, "full": 1.0}),
    ("Recovery", "compensation_needed", {"minor": 0.3, "major": 0.6, "severe": 1.0}),
    ("Population", "need_weight", 2.0),
    ("Population", "dominant_need_boost", 4.0),
]
HAN = re.compile(r"[\u4e00-\u9fff]")


def _defs(language: str) -> dict:
    with using(language):
        return json.loads(json_schema())["$defs"]


# ------------------------------------------------------------------------------ schema


@pytest.mark.parametrize(("model", "field", "old"), FIELDS, ids=[f[1] for f in FIELDS])
def test_each_field_is_in_the_schema_with_its_old_value_and_a_cited_default(model, field, old):
    en, zh = _defs("en")[model]["properties"][field], _defs("zh")[model]["properties"][field]
    assert en["default"] == old
    text = en["description"]
    # the default is explained: where it comes from, or that it is a teaching assumption
    assert "Default" in text and ("teaching assumption" in text or "practice" in text), text
    assert zh["description"] != text and HAN.search(zh["description"]), zh["description"]
    with using("zh"):
        assert zh["description"] == _(text)


def test_sim_schema_on_the_command_line_speaks_both_languages():
    def schema(*lang: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "sim", *lang, "schema"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "\\u" not in done.stdout  # readable: × and Chinese as themselves
        return json.loads(done.stdout)["$defs"]

    en, zh = schema("--lang", "en"), schema("--lang", "zh")
    assert en["Shock"]["properties"]["rate_cut"]["description"].startswith("competitor_price_cut")
    assert "购买频率" in zh["Shock"]["properties"]["rate_cut"]["description"]
    assert (
        "72 小时二次回访" in zh["Recovery"]["properties"]["follow_up_window_hours"]["description"]
    )


def test_the_world_keeps_no_module_level_copies_of_the_constants():
    import sim.world.service as service
    import sim.world.shocks as shocks

    for name in ("RATE_CUT", "LEAVE_LOGODDS", "RECALL_FAILURE", "OUTAGE_FAILURE"):
        assert not hasattr(shocks, name), name
    for name in ("WEIGHTS", "COMPENSATION_VALUE", "COMPENSATION_NEEDED", "FOLLOW_UP_WINDOW_HOURS"):
        assert not hasattr(service, name), name


# ------------------------------------------------------------------------------ shocks


def cut(**fields) -> dict:
    return {
        "kind": "competitor_price_cut",
        "day": 20,
        "duration_days": 40,
        "strength": 1.0,
    } | fields


def _world(scenario: Scenario, seed: int = 3) -> sim.Result:
    return sim.run(scenario, seed=seed, customers=600, days=90)


def _in(df: pd.DataFrame, lo: float, hi: float) -> pd.DataFrame:
    return df[(df["day"] >= lo) & (df["day"] < hi)]


def test_rate_multiplier_is_the_closed_form():
    s = Shock(**cut(strength=0.5, rate_cut=0.6))
    x = np.array([0.0, 0.2, 1.0])
    assert np.array_equal(rate_multiplier(s, x), 1.0 - 0.6 * 0.5 * x)
    assert rate_multiplier(Shock(**cut(rate_cut=0.0)), 0.7) == 1.0


def test_a_price_cut_with_no_strength_fields_is_no_price_cut():
    """rate_cut 0 and leave_logodds 0: the orders are those of a world without the shock."""
    without = _world(pure(COFFEE))["orders"]
    inert = _world(pure(COFFEE, shocks=[cut(rate_cut=0.0, leave_logodds=0.0)]))["orders"]
    cols = ["customer_id", "day", "amount", "category"]
    pd.testing.assert_frame_equal(without[cols], inert[cols])
    # the default slows purchases in the window: fewer orders there, the same before it
    hit = _world(pure(COFFEE, shocks=[cut(leave_logodds=0.0)]))["orders"]
    assert len(_in(hit, 0, 20)) == len(_in(without, 0, 20))
    assert len(_in(hit, 20, 60)) < 0.8 * len(_in(without, 20, 60))


def test_rate_cut_slows_the_sensitive_by_its_closed_form():
    """rate_cut 1 at strength 1 on price sensitivity x: rate × (1 − x). Orders in the window
    over orders expected without the cut, Σ(1 − x)λ·T / ΣλT, matches the realised ratio.
    Nobody leaves (dropout ~0), so the only change is the rate."""
    base = pure(
        COFFEE,
        population__dropout={"a": 0.001, "b": 1000.0},
        population__acquisitions_per_day=0.0,
    )
    scenario = base.model_copy(update={"shocks": [Shock(**cut(rate_cut=1.0, leave_logodds=0.0))]})
    res = sim.run(scenario, seed=4, customers=3000, days=90)
    customers = res["customers"]
    lam, x = customers["true_purchase_rate"], customers["true_price_sensitivity"]
    orders = _in(res["orders"], 20, 60)
    expected = float((lam * (1 - x)).sum() * 40.0)
    assert abs(len(orders) - expected) < 4 * math.sqrt(expected), (len(orders), expected)


def test_leave_logodds_raises_churn_in_the_window_only():
    calm = _world(pure(COFFEE, shocks=[cut(rate_cut=0.0, leave_logodds=0.0)]))["customers"]
    hot = _world(pure(COFFEE, shocks=[cut(rate_cut=0.0, leave_logodds=6.0)]))["customers"]

    def churned(c: pd.DataFrame, lo: float, hi: float) -> int:
        return int(((c["churn_day"] >= lo) & (c["churn_day"] < hi)).sum())

    assert churned(hot, -1000, 20) == churned(calm, -1000, 20)
    assert churned(hot, 20, 60) > 2 * churned(calm, 20, 60) + 10


def test_recall_failure_sets_the_failure_share_of_recalled_orders():
    """No service section: orders fail only through the recall, with chance r × strength."""
    recall = {"kind": "product_recall", "day": 10, "duration_days": 60, "strength": 0.5}
    for r in (0.0, 0.6, 1.0):
        sc = pure(COFFEE, shocks=[recall | {"categories": ["coffee"], "recall_failure": r}])
        orders = _world(sc)["orders"]
        failed = orders["service_failure"].astype(str) != "none"
        window = (orders["day"] >= 10) & (orders["day"] < 70) & (orders["category"] == "coffee")
        assert not failed[~window].any()
        n, p = int(window.sum()), r * 0.5
        share = failed[window].mean()
        assert abs(share - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1e-12, (r, share, n)


def test_outage_failure_multiplies_the_failure_chance():
    outage = {"kind": "service_outage", "day": 10, "duration_days": 30, "strength": 0.5}
    for o, expected in ((0.0, 0.05), (3.0, 0.125), (100.0, 1.0)):
        sc = pure(COFFEE, service={"failure_rate": 0.05}, shocks=[outage | {"outage_failure": o}])
        w = World(sc, seed=1)
        t = np.array([w.start + 5.0, w.start + 20.0, w.start + 50.0])
        got = w.failure_chances(np.zeros(3, dtype=np.int64), t)
        assert got[0] == 0.05 and got[2] == 0.05
        assert got[1] == pytest.approx(min(1.0, expected), rel=1e-12)


# ------------------------------------------------------------------------------ loyalty


def _member_world(**behaviour) -> Scenario:
    data = sim.load_scenario(COFFEE).model_dump()
    for key in ("service", "outreach", "surveys", "shocks"):
        data[key] = None
    data["loyalty"]["behaviour"].update(behaviour)
    return Scenario.model_validate(data)


def test_value_weights_are_the_members_weight_and_act_on_leaving():
    w = World(_member_world(value_weight_base=0.1, value_weight_price=2.0), seed=2)
    price = w.pop.needs[:, 0]
    assert np.array_equal(np.array(w.members.weight), 0.1 + 2.0 * price)
    default = sim.run(_member_world(), seed=2, customers=800, days=120)
    # weights 0: the program holds nobody, exactly as a program with no switching cost
    unheld = sim.run(
        _member_world(value_weight_base=0.0, value_weight_price=0.0),
        seed=2,
        customers=800,
        days=120,
    )
    free = sim.run(
        _member_world(switching_cost=0.0, tier_loyalty=0.0), seed=2, customers=800, days=120
    )
    for name in ("orders", "customers", "points_ledger"):
        pd.testing.assert_frame_equal(unheld[name], free[name])
    assert (
        unheld["customers"]["churn_day"].notna().sum()
        > default["customers"]["churn_day"].notna().sum()
    )


# ------------------------------------------------------------------------------ surveys


def _survey_world(**surveys) -> Scenario:
    on = {"response_rate": 0.5, "comment_rate": 1.0, "nps_sample_share": 1.0} | surveys
    return pure(COFFEE, surveys=on, service={"failure_rate": 0.1})


def _topic_share(res: sim.Result, topic: str) -> float:
    texts = {t for (top, _tone), opts in COMMENTS["en"].items() if top == topic for t in opts}
    comments = res["surveys"]["comment"].astype(str)
    comments = comments[comments != ""]
    return float(comments.isin(texts).mean())


def test_topic_weights_move_what_comments_talk_about():
    def run(**topics) -> sim.Result:
        sc = _survey_world(topics=topics)
        return sim.run(sc.model_copy(update={"locale": "en_US"}), seed=5, customers=800, days=120)

    assert _topic_share(run(delivery=0.0, failure_delivery=0.0), "delivery") == 0.0
    assert _topic_share(run(), "delivery") > 0.05
    assert _topic_share(run(delivery=5.0), "delivery") > 0.6
    # a failure colours comments only within failure_days
    none = run(failure_days=0.0, delivery=0.0, failure_delivery=5.0)
    assert _topic_share(none, "delivery") == 0.0


def test_topic_weights_closed_form():
    sc = _survey_world(topics={"delivery": 0.3, "failure_service": 1.0, "failure_delivery": 2.0})
    w = World(sc.model_copy(update={"shocks": [Shock(**cut())]}), seed=1)
    desk, c = w.survey_desk, 0
    needs = w.pop.needs[c]
    w.last_failure[c] = w.start
    t_cut = w.start + 30.0  # inside the price cut (days 20-60), 30 days after the failure
    got = desk.topic_weights(c, w.start + 10.0)
    assert np.allclose(got, [needs[0], needs[1], needs[2] + 1.0, 0.3 + 2.0])
    got = desk.topic_weights(c, t_cut)
    assert np.allclose(got, [needs[0] + 1.0, needs[1], needs[2], 0.3])


def test_left_response_zero_means_no_answer_after_leaving():
    def late_answers(left: float) -> int:
        res = sim.run(_survey_world(left_response=left), seed=6, customers=800, days=200)
        s = res["surveys"].merge(res["customers"][["customer_id", "churn_day"]], on="customer_id")
        return int((s["day"] > s["churn_day"]).sum())

    assert late_answers(0.0) == 0
    assert late_answers(1.0) > 0


# ------------------------------------------------------------------------------ recovery


def test_recovery_quality_follows_the_fields():
    good = DeskPolicy(apology=True, compensation="small", escalation="always", follow_up_hours=24)
    default = recovery_quality("major", 10, good, True, 24)
    assert default["total"] == pytest.approx(0.35 + 0.15 + 0.2 * (0.5 / 0.6) + 0.15 + 0.15)
    only_speed = Recovery(speed=1.0, apology=0.0, compensation=0.0, escalation=0.0, follow_up=0.0)
    late = recovery_quality("major", 48 * 1.5, good, True, 24, only_speed)
    assert late["total"] == pytest.approx(1.0 - 1.5 * 0.5)
    lenient = only_speed.model_copy(update={"late_penalty": 0.0})
    assert recovery_quality("major", 480, good, True, 24, lenient)["total"] == 1.0
    floor = only_speed.model_copy(update={"broken_promise_floor": 0.0})
    assert recovery_quality("major", 480, good, True, 24, floor)["total"] == 0.0
    assert recovery_quality("major", 480, good, True, 24, only_speed)["total"] == -0.5
    short = Recovery(follow_up_window_hours=12.0)
    assert recovery_quality("minor", 1, good, True, 24, short)["follow_up"] == 0.0
    rich = Recovery(compensation_value={"none": 0.0, "small": 1.0, "full": 1.0})
    assert recovery_quality("severe", 1, good, True, 24, rich)["compensation"] == 1.0
    needy = Recovery(compensation_needed={"minor": 1.0, "major": 1.0, "severe": 1.0})
    assert recovery_quality("minor", 1, good, True, 24, needy)["compensation"] == 0.5


def test_recovery_weights_act_on_the_tickets_table():
    """All the weight on the apology, and a desk that never apologises: every case scores 0;
    all of it on escalation, with every case escalated: every case scores 1."""
    service = {
        "failure_rate": 0.1,
        "complain_prob": {"minor": 1.0, "major": 1.0, "severe": 1.0},
    }
    zero = {"speed": 0.0, "apology": 1.0, "compensation": 0.0, "escalation": 0.0, "follow_up": 0.0}
    sc = pure(COFFEE, service=service | {"policy": {"apology": False}, "recovery": zero})
    quality = _world(sc)["tickets"]["recovery_quality"].dropna()
    assert len(quality) > 20 and (quality == 0.0).all()
    one = zero | {"apology": 0.0, "escalation": 1.0}
    sc = pure(COFFEE, service=service | {"policy": {"escalation": "always"}, "recovery": one})
    quality = _world(sc)["tickets"]["recovery_quality"].dropna()
    assert len(quality) > 20 and (quality == 1.0).all()


# ------------------------------------------------------------------------------ population


@pytest.mark.parametrize(("weight", "boost"), [(2.0, 4.0), (2.0, 0.0), (8.0, 4.0)])
def test_need_weights_set_the_dirichlet_mean(weight, boost):
    """The dominant need's sensitivity is Beta(weight + boost, 2·weight): its mean is
    (weight + boost) / (3·weight + boost), 0.6 by default."""
    sc = pure(
        COFFEE,
        population__initial_customers=20000,
        population__acquisitions_per_day=0.0,
        population__need_weight=weight,
        population__dominant_need_boost=boost,
    )
    pop = draw_population(sc, seed=8)
    dominant = pop.needs[np.arange(len(pop)), pop.dominant_need]
    a, b = weight + boost, 2 * weight
    mean, sd = a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert abs(dominant.mean() - mean) < 4 * sd / math.sqrt(len(pop))


# ------------------------------------------------------------------------------ bad values


BAD = [
    ("shocks:\n  - {kind: competitor_price_cut, day: 3, rate_cut: -0.1}\n", "shocks[0].rate_cut"),
    ("shocks:\n  - {kind: competitor_price_cut, day: 3, rate_cut: 1.5}\n", "shocks[0].rate_cut"),
    (
        "shocks:\n  - {kind: competitor_price_cut, day: 3, leave_logodds: high}\n",
        "shocks[0].leave_logodds",
    ),
    (
        "shocks:\n  - {kind: product_recall, day: 3, categories: [coffee], rate_cut: 0.5}\n",
        "shocks[0].rate_cut",
    ),
    (
        "shocks:\n  - {kind: service_outage, day: 3, outage_failure: -1}\n",
        "shocks[0].outage_failure",
    ),
    ("loyalty:\n  behaviour:\n    value_weight_base: -1\n", "loyalty.behaviour.value_weight_base"),
    (
        "loyalty:\n  behaviour:\n    value_weight_price: lots\n",
        "loyalty.behaviour.value_weight_price",
    ),
    ("surveys:\n  topics:\n    delivery: -0.2\n", "surveys.topics.delivery"),
    ("surveys:\n  left_response: 2\n", "surveys.left_response"),
    ("service:\n  recovery:\n    speed: 0.5\n", "service.recovery"),
    (
        "service:\n  recovery:\n    compensation_needed: {minor: 0, major: 0.6, severe: 1}\n",
        "service.recovery.compensation_needed",
    ),
    (
        "service:\n  recovery:\n    compensation_value: {none: 0, small: 0.5}\n",
        "service.recovery.compensation_value",
    ),
    ("service:\n  recovery:\n    late_penalty: -1\n", "service.recovery.late_penalty"),
    ("population:\n  need_weight: 0\n", "population.need_weight"),
]


@pytest.mark.parametrize(("text", "path"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_a_bad_value_names_file_field_and_fix(text, path):
    with pytest.raises(ScenarioError) as info:
        parse_scenario("name: x\n" + text, "bad.yaml")
    report = info.value.report()
    assert "Traceback" not in report
    assert [p.path for p in info.value.problems] == [path], report
    problem = info.value.problems[0]
    assert problem.line is not None and problem.expected and problem.found, report
    assert f"bad.yaml:{problem.line}: {path}" in report, report


def test_the_wrong_kind_and_the_weights_say_how_to_fix_them():
    with pytest.raises(ScenarioError) as info:
        parse_scenario(
            "name: x\nshocks:\n  - {kind: product_recall, day: 3, categories: [coffee], "
            "rate_cut: 0.5}\n",
            "bad.yaml",
        )
    assert "rate_cut applies to competitor_price_cut shocks only: delete it" in info.value.report()
    with pytest.raises(ScenarioError) as info:
        parse_scenario("name: x\nservice:\n  recovery:\n    speed: 0.5\n", "bad.yaml")
    report = info.value.report()
    assert "adding up to 1" in report and "1.15" in report and "lower one weight" in report
    with using("zh"), pytest.raises(ScenarioError) as info:
        parse_scenario("name: x\nservice:\n  recovery:\n    speed: 0.5\n", "bad.yaml")
    assert "五项权重之和为 1" in info.value.report()


def test_a_dumped_scenario_with_every_shock_kind_loads_again():
    """Every shock holds every strength field at its default: a model_dump round trip (as
    the lab and experiments do) is accepted."""
    sc = pure(
        COFFEE,
        shocks=[
            cut(rate_cut=0.5),
            {"kind": "product_recall", "day": 5, "categories": ["coffee"], "recall_failure": 0.9},
            {"kind": "service_outage", "day": 5, "outage_failure": 1.0},
        ],
    )
    again = Scenario.model_validate(sc.model_dump())
    assert [s.rate_cut for s in again.shocks] == [0.5, 0.8, 0.8]
    assert [s.recall_failure for s in again.shocks] == [0.6, 0.9, 0.6]

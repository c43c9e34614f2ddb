"""Messages and surveys: timing against their triggers, opt-outs, fatigue, response bias."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from worlds import pure

import sim
from sim.scenario import Scenario, ScenarioError, parse_scenario
from sim.sections.surveys import Surveys
from sim.world.feedback import answer_probability

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"

TRIGGERS = [
    {"kind": "welcome", "channel": "sms", "days": 1, "conversion": 0.2},
    {"kind": "birthday", "channel": "sms", "coupon": 10, "conversion": 0.3},
    {"kind": "inactivity", "channel": "app", "days": 30, "coupon": 5, "conversion": 0.2},
    {"kind": "winback", "channel": "sms", "days": 90, "coupon": 15, "conversion": 0.2},
    {"kind": "campaign", "channel": "email", "days": 7, "conversion": 0.03},
    {"kind": "vip_at_risk", "channel": "phone", "days": 21, "conversion": 0.5},
]


def world(
    triggers=TRIGGERS,
    surveys: dict | None = None,
    fatigue: dict | None = None,
    service: dict | None = None,
) -> Scenario:
    data = pure(COFFEE).model_dump()
    data["outreach"] = {"triggers": triggers, **({"fatigue": fatigue} if fatigue else {})}
    data["surveys"] = surveys if surveys is not None else {}
    data["service"] = service
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def result() -> sim.Result:
    return sim.run(world(service={}), seed=4, customers=1500, days=240)


def test_tables_follow_the_contract(result):
    t = result["touches"]
    assert list(t.columns[:8]) == [
        "touch_id",
        "customer_id",
        "day",
        "trigger",
        "channel",
        "cost",
        "opened",
        "converted",
    ]
    assert t["touch_id"].is_unique and t["day"].is_monotonic_increasing
    s = result["surveys"]
    assert list(s.columns[:5]) == ["customer_id", "day", "kind", "score", "comment"]
    assert set(s["kind"]) == {"nps", "csat"}
    nps = s[s["kind"] == "nps"]["score"]
    assert nps.between(0, 10).all() and s[s["kind"] == "csat"]["score"].between(1, 5).all()
    assert set(t["trigger"]) == {x["kind"] for x in TRIGGERS}


def test_opted_out_customers_receive_nothing_afterwards(result):
    t = result["touches"]
    outs = t[t["opted_out"]]
    assert len(outs) > 10
    first_out = outs.groupby("customer_id")["day"].min()
    later = t.merge(first_out.rename("out_day"), left_on="customer_id", right_index=True)
    assert (later["day"] <= later["out_day"]).all()
    assert result["customers"]["opted_out"].sum() == len(first_out)


def test_triggered_messages_never_precede_their_trigger(result):
    t, o, c = result["touches"], result["orders"], result["customers"]
    c = c.set_index("customer_id")
    welcome = t[t["trigger"] == "welcome"]
    assert (welcome["day"] >= c.loc[welcome["customer_id"], "signup_day"].to_numpy() + 1).all()
    # inactivity and win-back: the last order before the message is at least N days old
    for name, days in (("inactivity", 30), ("winback", 90)):
        sent = t[t["trigger"] == name][["customer_id", "day"]].rename(columns={"day": "sent"})
        pairs = sent.merge(o[["customer_id", "day"]], on="customer_id")
        # (strictly before: a won-back customer orders the moment the offer converts)
        last = pairs[pairs["day"] < pairs["sent"]].groupby(["customer_id", "sent"])["day"].max()
        gap = last.index.get_level_values("sent") - last.to_numpy()
        assert len(gap) > 0 and (gap >= days).all() and (gap < days + 1).all(), name
    birthday = t[t["trigger"] == "birthday"]
    start = pd.Timestamp(result.scenario.start_date)
    sent_on = start + pd.to_timedelta(np.floor(birthday["day"]), "D")
    born = pd.to_datetime(c.loc[birthday["customer_id"], "birth_date"].to_numpy())
    assert (sent_on.dt.month.to_numpy() == born.month).all()
    assert (sent_on.dt.day.to_numpy() == born.day).all()


def test_triggered_orders_follow_a_converted_message(result):
    t, o = result["touches"], result["orders"]
    triggered = o[o["triggered_by"] != ""]
    assert len(triggered) > 20
    conv = t[t["converted"]]
    for row in triggered.itertuples():
        before = conv[
            (conv["customer_id"] == row.customer_id)
            & (conv["day"] <= row.day)
            & (conv["trigger"] == row.triggered_by)
        ]
        assert len(before), row
    assert (triggered["discount"] <= triggered["amount"]).all()
    coupons = triggered[triggered["triggered_by"] == "birthday"]["discount"]
    assert (coupons > 0).all()


def test_inactivity_warnings_also_reach_those_already_gone(result):
    """What the CRM sees is not the truth: part of a churn warning's cost is wasted."""
    t, c = result["touches"], result["customers"].set_index("customer_id")
    warn = t[t["trigger"] == "inactivity"]
    gone = c.loc[warn["customer_id"], "churn_day"].to_numpy() < warn["day"].to_numpy()
    assert 0.1 < gone.mean() < 0.95


def test_win_back_brings_some_leavers_back(result):
    c = result["customers"]
    back = c[c["times_won_back"] > 0]
    assert len(back) > 0
    o = result["orders"]
    t = result["touches"]
    for cid in back["customer_id"]:
        won = t[(t["customer_id"] == cid) & (t["trigger"] == "winback") & t["converted"]]
        assert len(won) and (o[o["customer_id"] == cid]["day"] >= won["day"].min()).any()


def test_too_much_contact_annoys_and_drives_opt_outs():
    gentle = [x for x in TRIGGERS if x["kind"] != "campaign"]
    daily = [*gentle, {"kind": "campaign", "channel": "email", "days": 2}]
    a = sim.run(world(gentle), seed=2, customers=1500, days=200)
    b = sim.run(world(daily), seed=2, customers=1500, days=200)
    assert b["customers"]["opted_out"].sum() > 3 * max(1, a["customers"]["opted_out"].sum())
    assert (
        b["customers"]["true_satisfaction_end"].mean()
        < a["customers"]["true_satisfaction_end"].mean() - 0.05
    )
    assert b.summary()["churned"] > a.summary()["churned"]


def test_survey_answers_are_biased_toward_the_extremes():
    biased = sim.run(
        world([], {"extremity_bias": 3.0, "nps_sample_share": 1.0}, service={"failure_rate": 0.05}),
        seed=1,
        customers=3000,
        days=200,
    )
    inv = biased["survey_invitations"]
    inv = inv[inv["kind"] == "nps"]
    sat = inv["true_satisfaction"]
    low = inv[sat < 0.3]["responded"].mean()
    middle = inv[(sat > 0.4) & (sat < 0.6)]["responded"].mean()
    high = inv[sat > 0.85]["responded"].mean()
    assert (inv["true_satisfaction"] < 0.3).sum() > 50, "the world needs unhappy customers"
    assert low > 1.5 * middle and high > 1.5 * middle, (low, middle, high)
    # with no bias the answer rate does not depend on satisfaction
    flat = sim.run(
        world([], {"extremity_bias": 0.0, "nps_sample_share": 1.0, "response_rate": 0.3}),
        seed=1,
        customers=3000,
        days=200,
    )
    inv = flat["survey_invitations"].merge(flat["customers"][["customer_id", "churn_day"]])
    still_there = ~(inv["churn_day"] < inv["day"])  # those who left answer less (x0.3)
    inv = inv[(inv["kind"] == "nps") & still_there]
    lo = inv[inv["true_satisfaction"] < 0.5]["responded"].mean()
    hi = inv[inv["true_satisfaction"] >= 0.5]["responded"].mean()
    assert abs(lo - hi) < 0.05 and abs(inv["responded"].mean() - 0.3) < 0.03


def test_answer_probability_closed_form():
    s = Surveys(response_rate=0.1, extremity_bias=2.0)
    assert answer_probability(0.5, s) == pytest.approx(0.1)
    odds = 0.1 / 0.9 * np.exp(2.0)
    assert answer_probability(1.0, s) == pytest.approx(odds / (1 + odds))
    assert answer_probability(0.0, s) == pytest.approx(answer_probability(1.0, s))


def test_comments_speak_the_scenario_language(result):
    comments = result["surveys"]["comment"]
    comments = comments[comments != ""]
    assert len(comments) > 20
    assert comments.str.contains(r"[\u4e00-\u9fff]").all()


def test_unknown_channel_is_reported_with_its_line():
    text = "name: x\noutreach:\n  triggers:\n    - kind: welcome\n      channel: wechat\n"
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "x.yaml")
    assert "x.yaml:5" in err.value.report() and "wechat" in err.value.report()


def test_won_back_customers_are_not_active_while_gone():
    """A customer who left and was won back counts as churned on the day they left,
    inactive while gone, and active again from the day they came back."""
    data = sim.load_scenario(COFFEE).model_dump()
    data["outreach"]["triggers"][3]["conversion"] = 0.9  # the win-back offer
    r = sim.run(Scenario.model_validate(data), seed=4, customers=400, days=300)
    daily, cust = r["daily"], r["customers"]
    assert daily["won_back"].sum() == cust["times_won_back"].sum() > 10
    moves = daily["new"] - daily["churned"] + daily["won_back"]
    assert (daily["active"].diff().iloc[1:] == moves.iloc[1:]).all()
    # at the end: everyone who joined and has no churn_day, won back or not
    horizon = r.scenario.horizon_days
    still = (cust["signup_day"] < horizon) & cust["churn_day"].isna()
    assert daily["active"].iloc[-1] == still.sum()
    # more customers left in the horizon than are gone at its end: the returns
    gone = cust["churn_day"].between(0, horizon, inclusive="left").sum()
    assert daily["churned"].sum() > gone

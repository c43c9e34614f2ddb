"""Survey bias, NPS, comment keywords, silent defections and outreach tables, on hand-made data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analytics import feedback as fb
from sim.world.feedback import COMMENTS


def test_nps_of_a_hand_made_survey():
    # 3 promoters (9, 10, 9), 2 passives (7, 8), 5 detractors (0-6) of 10: 30% - 50%
    assert fb.nps([9, 10, 9, 7, 8, 6, 5, 0, 3, 6]) == pytest.approx(-20.0)
    assert fb.nps(pd.Series([10, 10, 9])) == pytest.approx(100.0)
    assert math.isnan(fb.nps([]))


def test_expected_nps_without_noise_uses_the_bands():
    # 10·s rounds to 9 and 10 (promoters), 7 (passive), 6 and 2 (detractors)
    assert fb.expected_nps([0.9, 0.96, 0.7, 0.6, 0.2], noise=0) == pytest.approx(0.0)
    assert fb.expected_nps([0.9, 0.9, 0.7, 0.2], noise=0) == pytest.approx(25.0)


def test_expected_nps_with_noise_is_the_closed_form():
    # s = 0.85: exactly on the promoter edge (P = 0.5); detractor P = Φ(-2) = 0.02275
    assert fb.expected_nps([0.85], noise=1.0) == pytest.approx(100 * (0.5 - 0.0227501), abs=1e-4)


def test_response_by_band_counts_and_rates():
    inv = pd.DataFrame(
        {
            "true_satisfaction": [0.05, 0.1, 0.5, 0.5, 0.55, 0.45, 0.95, 0.9],
            "responded": [True, False, False, False, True, False, True, True],
            "kind": ["nps"] * 8,
        }
    )
    t = fb.response_by_band(inv, bands=5)
    assert list(t.index) == ["0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"]
    assert t["invited"].tolist() == [2, 0, 4, 0, 2]
    assert t["responded"].tolist() == [1, 0, 1, 0, 2]
    assert t.loc["0.0-0.2", "rate"] == 0.5 and t.loc["0.4-0.6", "rate"] == 0.25
    assert t.loc["0.8-1.0", "rate"] == 1.0 and np.isnan(t.loc["0.2-0.4", "rate"])
    assert fb.response_by_band(inv, kind="csat")["invited"].sum() == 0


def test_nps_bias_separates_noise_from_non_response():
    inv = pd.DataFrame(
        {
            "kind": ["nps"] * 4,
            "true_satisfaction": [0.95, 0.95, 0.3, 0.3],
            "responded": [True, True, False, False],
        }
    )
    surveys = pd.DataFrame({"kind": ["nps", "nps"], "score": [10.0, 9.0]})
    b = fb.nps_bias(inv, surveys, noise=0)
    assert b == {
        "invited": 4,
        "answered": 2,
        "response_rate": 0.5,
        "surveyed": 100.0,
        "answerers": 100.0,
        "everyone": 0.0,
    }


def test_never_answered_and_active_when_asked():
    inv = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3],
            "day": [10.0, 100.0, 50.0, 50.0],
            "true_satisfaction": [0.4, 0.6, 0.9, 0.5],
            "responded": [False, False, True, False],
        }
    )
    people = fb.never_answered(inv)
    assert people.loc[1].tolist() == [2, 0, pytest.approx(0.5), True]
    assert not people.loc[2, "silent"] and people["silent"].sum() == 2
    customers = pd.DataFrame({"customer_id": [1, 2, 3], "churn_day": [60.0, np.nan, 50.0]})
    assert fb.active_when_asked(inv, customers).tolist() == [True, False, True, False]


def test_keyword_counts_per_month_on_known_comments():
    surveys = pd.DataFrame(
        {
            "day": [-3.0, 0.5, 10.0, 20.0, 31.0, 40.0, 70.0],
            "comment": [
                "价格太贵了",
                "价格太贵了",
                "服务态度差",
                "",
                "配送很快",
                "品质很好，味道稳定",
                None,
            ],
        }
    )
    counts = fb.keyword_counts(surveys, "2026-01-01", "zh", horizon=90)
    assert list(counts.index) == ["2026-01", "2026-02", "2026-03"]
    assert counts.loc["2026-01"].tolist() == [1, 0, 1, 0]  # day −3 is before the start
    assert counts.loc["2026-02"].tolist() == [0, 1, 0, 1]
    assert counts.loc["2026-03"].sum() == 0
    shares = fb.keyword_counts(surveys, "2026-01-01", "zh", horizon=90, share=True)
    assert shares.loc["2026-01", "price"] == 0.5


def test_english_keywords_ignore_case_and_custom_lists_work():
    s = pd.Series(["Too EXPENSIVE now", "Rude staff", "Arrived late and wrong", "fine"])
    t = fb.comment_topics(s, "en")
    assert t.sum().tolist() == [1, 0, 1, 1]
    assert fb.comment_topics(s, "en", {"mood": ("fine",)})["mood"].tolist() == [0, 0, 0, 1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_comment_template_maps_to_exactly_its_topic(lang):
    for (topic, _tone), texts in COMMENTS[lang].items():
        found = fb.comment_topics(pd.Series(texts), lang)
        assert found[topic].all(), (topic, texts)
        assert (found.sum(axis=1) == 1).all(), (topic, texts)


def _orders():
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3, 4, 5],
            "day": [1.0, 5.0, 2.0, 3.0, 4.0, 6.0, 7.0],
            "service_failure": ["minor", "none", "severe", "major", "minor", "none", "major"],
            "complained": [False, False, True, False, False, False, False],
            "net_amount": [10.0] * 7,
        }
    )


def _customers():
    return pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5],
            "churn_day": [50.0, 60.0, np.nan, 20.0, 400.0],
            "true_satisfaction_end": [0.5, 0.7, 0.6, 0.8, 0.4],
        }
    )


def test_silent_share_and_defections_on_a_hand_made_pair():
    orders, customers = _orders(), _customers()
    assert fb.silent_share(orders) == pytest.approx(4 / 5)
    quiet = fb.silent_defections(customers, orders, horizon=365)
    # 1: silent failure, left; 2 complained; 3 silent but stayed; 4 no failure; 5 left too late
    assert quiet.index.tolist() == [1]
    assert quiet.loc[1, "worst"] == "minor" and quiet.loc[1, "failures"] == 1
    assert fb.silent_defections(customers, orders).index.tolist() == [1, 5]
    groups = fb.failure_groups(customers, orders)
    assert groups.to_dict() == {
        1: "failure, silent",
        2: "failure, complained",
        3: "failure, silent",
        4: "no failure",
        5: "failure, silent",
    }
    out = fb.outcomes_by_group(customers, orders, horizon=365)
    assert out.loc["failure, silent", "customers"] == 3
    assert out.loc["failure, silent", "left"] == pytest.approx(1 / 3)


def test_outreach_tables_count_orders_cost_and_opt_outs():
    touches = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 1],
            "day": [1.0, 1.0, 2.0, 400.0],
            "trigger": ["welcome", "campaign", "campaign", "campaign"],
            "channel": ["sms", "app", "app", "app"],
            "cost": [0.05, 0.01, 0.01, 0.01],
            "opened": [True, True, False, True],
            "converted": [True, False, False, True],
            "opted_out": [False, True, False, False],
            "coupon": [5.0, 0.0, 0.0, 3.0],
        }
    )
    orders = pd.DataFrame(
        {
            "day": [2.0, 3.0, 401.0],
            "triggered_by": ["welcome", "", "campaign"],
            "net_amount": [20.0, 30.0, 9.0],
        }
    )
    t = fb.outreach_by_trigger(touches, orders, horizon=365)
    assert t.loc["campaign", "messages"] == 2 and t.loc["campaign", "opt_outs"] == 1
    assert t.loc["welcome", "orders"] == 1 and t.loc["welcome", "revenue"] == 20.0
    assert t.loc["campaign", "orders"] == 0
    c = fb.cost_by_channel(touches, horizon=365)
    assert c.loc["app", "cost"] == pytest.approx(0.02) and c.loc["sms", "coupons"] == 5.0
    customers = pd.DataFrame(
        {"customer_id": [1, 2, 3], "churn_day": [10.0, np.nan, 500.0], "opted_out": [0, 1, 0]}
    )
    head = fb.outreach_headline({"touches": touches, "orders": orders, "customers": customers}, 365)
    assert head["messages"] == 3 and head["triggered_orders"] == 1
    assert head["opted_out"] == 1 and head["churned"] == 1 and head["revenue"] == 50.0


def test_messages_after_complaint_counts_the_window():
    tickets = pd.DataFrame({"ticket_id": [1, 2], "customer_id": [1, 2], "opened_day": [10.0, 10.0]})
    touches = pd.DataFrame(
        {"customer_id": [1, 1, 1, 3], "day": [9.0, 10.5, 16.9, 11.0], "trigger": ["a"] * 4}
    )
    out = fb.messages_after_complaint(tickets, touches, window_days=7)
    assert out["messages"].tolist() == [2, 0]


def test_language_of_a_locale():
    assert fb.language("zh_CN") == "zh" and fb.language("en_US") == "en"

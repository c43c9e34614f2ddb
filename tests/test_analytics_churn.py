"""Churn warning scored on hand-made cases with known answers, and against simulated truth."""

from __future__ import annotations

import numpy as np
import pytest

from sim import datasets
from sim.analytics import (
    BGNBD,
    model_flag_age,
    rfm_summary,
    rule_flag_day,
    score_flags,
    score_warnings,
    warning_table,
    winback_value,
)

NAN = np.nan


def test_scores_on_a_tiny_case():
    # five customers: churned at 10 (flagged 40), churned at 50 (flagged 20: early),
    # churned at 80 (never flagged), active (flagged 60: a false alarm), active (not flagged)
    flag = [40, 20, NAN, 60, NAN]
    churn = [10, 50, 80, NAN, NAN]
    s = score_warnings(flag, churn, as_of=100, cost_per_false_alarm=7.5)
    assert (s.flagged, s.true_positives, s.false_positives, s.false_negatives) == (3, 2, 1, 1)
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(2 / 3)
    assert s.median_lead_days == pytest.approx(((10 - 40) + (50 - 20)) / 2)
    assert s.false_alarm_cost == 7.5
    # on day 30 the early flag (20) still looks like a false alarm: customer 2 leaves on day
    # 50, so only a later look proves it right; customer 1 (gone on 10) is not flagged yet
    s30 = score_warnings(flag, churn, as_of=30)
    assert (s30.true_positives, s30.false_positives, s30.false_negatives) == (0, 1, 1)
    assert winback_value(s, offer_cost=2, win_rate=0.5, value_if_won=10) == 2 * 5 - 3 * 2


def test_nothing_flagged_gives_nan_precision_not_an_error():
    s = score_warnings([NAN, NAN], [5, NAN], as_of=10)
    assert np.isnan(s.precision) and s.recall == 0 and np.isnan(s.median_lead_days)


def test_rule_flags_n_days_after_the_last_order():
    assert rule_flag_day([3.0, 10.5], 90).tolist() == [93.0, 100.5]


def test_model_flag_age_is_where_p_alive_crosses_the_threshold():
    m = BGNBD(params={"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5})
    x, tx = np.array([1.0, 4.0, 20.0, 0.0]), np.array([3.0, 10.0, 30.0, 0.0])
    age = model_flag_age(m, x, tx, threshold=0.4)
    assert np.isinf(age[3])  # one-time buyers never look dead under BG/NBD
    assert np.allclose(m.p_alive(x[:3], tx[:3], age[:3]), 0.4)
    assert (m.p_alive(x[:3], tx[:3], age[:3] - 0.01) > 0.4).all()


def test_warnings_against_the_simulators_truth():
    """In the simulator a customer leaves right after their last order, so the rule
    "no order for 90 days" always notices exactly 90 days late, and the model earlier."""
    tables = datasets.load("coffee_chain", ["customers", "orders"])
    cust, orders = tables["customers"].set_index("customer_id"), tables["orders"]
    summary = rfm_summary(orders, observation_end=364)
    model = BGNBD().fit(summary["frequency"], summary["recency"], summary["T"])
    first = np.floor(orders.groupby("customer_id")["day"].min())
    flags = warning_table(summary, model, first, days_without_order=90)
    churn = cust["churn_day"].reindex(summary.index)
    rule = score_warnings(flags["rule_flag_day"], churn, as_of=364)
    last_true = orders.groupby("customer_id")["day"].max().reindex(summary.index)
    gone = churn <= 364
    assert np.allclose(churn[gone], last_true[gone])  # truth: churn on the last order's day
    lead = (churn - flags["rule_flag_day"])[gone & (flags["rule_flag_day"] <= 364)]
    assert ((lead > -91) & (lead <= -89)).all()
    # recall by hand: churned customers whose last order is at least 90 days before the end
    expect = int((gone & (np.floor(last_true) + 90 <= 364)).sum())
    assert rule.true_positives == expect
    model_score = score_warnings(flags["model_flag_day"], churn, as_of=364)
    assert model_score.median_lead_days > rule.median_lead_days
    assert model_score.precision > 0.8 and model_score.recall > 0.8


def test_yes_no_flags_against_a_holdout():
    s = score_flags([True, True, False, False], [True, False, True, False], 3.0)
    assert (s.true_positives, s.false_positives, s.false_negatives) == (1, 1, 1)
    assert s.precision == 0.5 and s.false_alarm_cost == 3.0 and np.isnan(s.median_lead_days)

"""Kaplan-Meier and the cohort matrix on tiny cases, cross-checked against lifelines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import datasets
from sim.analytics import cohort_retention, kaplan_meier, observed_lifetimes, true_lifetimes


def test_kaplan_meier_by_hand():
    # 4 lifetimes: 2 (event), 3 (censored), 5 (event), 5 (event)
    km = kaplan_meier([2, 3, 5, 5], [True, False, True, True])
    assert km.loc[0] == 1 and km.loc[2] == pytest.approx(3 / 4)
    assert km.loc[3] == pytest.approx(3 / 4)  # censoring does not drop the curve
    assert km.loc[5] == pytest.approx(0)


def test_kaplan_meier_equals_lifelines():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(3)
    d = rng.integers(0, 40, 300).astype(float)
    e = rng.random(300) < 0.6
    ours = kaplan_meier(d, e)
    theirs = lifelines.KaplanMeierFitter().fit(d, e).survival_function_["KM_estimate"]
    assert np.allclose(ours.to_numpy(), theirs.to_numpy())
    assert np.allclose(ours.index.to_numpy(), theirs.index.to_numpy())


def test_cohort_matrix_by_hand():
    orders = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3], "day": [0, 35, 5, 70, 40]})
    m = cohort_retention(orders, period_days=30)
    assert m.loc[0].tolist() == [1.0, 0.5, 0.5]
    assert m.loc[30, 0] == 1.0 and m.loc[30, 1] == 0.0 and np.isnan(m.loc[30, 2])


def test_lifetimes_from_truth_and_from_silence():
    cust = pd.DataFrame(
        {"customer_id": [1, 2], "signup_day": [0.0, 10.0], "churn_day": [30.0, np.nan]}
    )
    lt = true_lifetimes(cust, end_day=100)
    assert lt["duration"].tolist() == [30.0, 90.0] and lt["observed"].tolist() == [True, False]
    orders = pd.DataFrame({"customer_id": [1, 1, 2], "day": [0.0, 30.0, 95.0]})
    seen = observed_lifetimes(orders, as_of=100, inactive_days=60)
    assert seen["duration"].tolist() == [30.0, 5.0] and seen["observed"].tolist() == [True, False]


def test_true_survival_on_the_simulated_world_is_a_falling_curve():
    cust = datasets.load("coffee_chain", ["customers"])["customers"]
    lt = true_lifetimes(cust, end_day=365)
    km = kaplan_meier(lt["duration"], lt["observed"])
    assert (np.diff(km.to_numpy()) <= 0).all() and 0.2 < km.iloc[-1] < 0.9

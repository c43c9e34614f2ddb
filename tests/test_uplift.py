"""Control groups (对照组): a trigger's holdout, and the offered-vs-control measurement."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim import datasets
from sim.analytics.uplift import offer_test
from sim.experiments.stats import welch_difference
from tests.worlds import COFFEE


def test_welch_interval_matches_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(1.0, 2.0, 40), rng.normal(0.0, 0.5, 15)
    d = welch_difference(a, b)
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert d.mean == pytest.approx(a.mean() - b.mean()) and d.significant
    assert (d.low, d.high) == pytest.approx((ci.low, ci.high), rel=1e-9)


def _winback(holdout: float, conversion: float = 0.1) -> sim.Scenario:
    s = sim.load_scenario(COFFEE)
    for t in s.outreach.triggers:
        if t.kind == "winback":
            t.holdout, t.conversion = holdout, conversion
    return s


@functools.cache
def _tables(holdout: float, conversion: float = 0.1) -> dict[str, pd.DataFrame]:
    return sim.run(_winback(holdout, conversion), seed=11, customers=1000, days=365).tables


def test_no_holdout_changes_nothing_and_all_holdout_sends_nothing():
    none = _tables(0.0)
    assert none["holdouts"].empty
    everyone = _tables(1.0)
    assert (everyone["touches"]["trigger"] != "winback").all()
    assert (everyone["holdouts"]["trigger"] == "winback").all()
    assert len(everyone["holdouts"]) > 100
    # the other triggers' messages up to the first win-back day are untouched
    first = everyone["holdouts"]["day"].min()
    a, b = (t["touches"] for t in (none, everyone))
    early = [x[(x["day"] <= first) & (x["trigger"] != "winback")] for x in (a, b)]
    pd.testing.assert_frame_equal(
        early[0].drop(columns="touch_id").reset_index(drop=True),
        early[1].drop(columns="touch_id").reset_index(drop=True),
    )


def test_control_group_is_the_share_asked_for_and_stays_put():
    t = _tables(0.3)
    sent = set(t["touches"].loc[t["touches"]["trigger"] == "winback", "customer_id"])
    kept = set(t["holdouts"]["customer_id"])
    assert not sent & kept  # a customer is in the control group of every firing, or none
    share = len(kept) / len(sent | kept)
    n = len(sent | kept)
    assert abs(share - 0.3) < 3 * np.sqrt(0.3 * 0.7 / n)
    held = t["holdouts"]
    assert (t["touches"]["cost"] >= 0).all() and "cost" not in held


def test_an_offer_that_converts_nobody_is_within_noise():
    t = _tables(0.3, 0.0)
    test = offer_test(t["touches"], t["holdouts"], t["orders"], "winback")
    assert test.lift("ordered").within_noise
    strong = _tables(0.3, 0.6)
    lift = offer_test(strong["touches"], strong["holdouts"], strong["orders"], "winback")
    assert not lift.lift("ordered").within_noise and lift.lift("ordered").difference > 0.1


def test_shipped_winback_offer_measured_against_its_control_group():
    """Notebook 05 reads these: the coffee chain's win-back brings 9.7 points more customers
    back within 60 days than its control group (95% CI 5.2 to 14.2), seed 7."""
    t = datasets.load("coffee_chain", ["touches", "holdouts", "orders"])
    test = offer_test(t["touches"], t["holdouts"], t["orders"], "winback", window_days=60)
    offered, control = test.sizes
    assert control > 200 and offered > 3 * control
    ordered = test.lift("ordered")
    assert ordered.ci_low > 0 and ordered.difference == pytest.approx(0.0973, abs=0.001)


def test_offer_test_without_control_group_says_how_to_get_one():
    t = _tables(0.0)
    with pytest.raises(ValueError, match="holdout"):
        offer_test(t["touches"], t["holdouts"], t["orders"], "winback")

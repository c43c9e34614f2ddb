"""RFM scores (tie rule), the segment map, value pyramid, Pareto share, tags, lifecycle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import datasets
from sim.analytics import (
    SEGMENT_MAP,
    SEGMENTS,
    agreement,
    apply_tags,
    behaviour_features,
    lifecycle_stage,
    needs_groups,
    pareto_share,
    quantile_score,
    rfm_scores,
    rfm_segment,
    tag_features,
    value_pyramid,
)


def test_quantile_scores_and_the_tie_rule():
    assert quantile_score([10, 20, 30, 40, 50]).tolist() == [1, 2, 3, 4, 5]
    assert quantile_score([10, 20, 30, 40, 50], higher_is_better=False).tolist() == [5, 4, 3, 2, 1]
    # ties share their average rank: six zeros average rank 3.5/10 -> score ceil(1.75) = 2
    s = quantile_score([0, 0, 0, 0, 0, 0, 7, 8, 9, 10])
    assert s.tolist() == [2] * 6 + [4, 4, 5, 5]
    assert (quantile_score([3, 1, 3]) == quantile_score([3, 1, 3])).all()


def test_every_rf_cell_has_exactly_one_named_segment():
    assert set(SEGMENTS) == {
        "champions", "loyal", "potential loyalists", "new", "promising", "need attention",
        "about to sleep", "at risk", "can't lose", "hibernating",
    }  # fmt: skip
    import re

    for r in range(1, 6):
        for f in range(1, 6):
            hits = [n for p, n in SEGMENT_MAP.items() if re.fullmatch(p, f"{r}{f}")]
            assert len(hits) == 1, (r, f, hits)


def test_rfm_scores_and_segments_on_a_tiny_summary():
    summary = pd.DataFrame(
        {
            "frequency": [10, 0, 5, 1, 0],
            "recency": [99, 0, 20, 90, 0],
            "T": [100, 100, 100, 100, 5],
            "monetary_value": [20.0, 0.0, 30.0, 10.0, 0.0],
        },
        index=pd.Index([1, 2, 3, 4, 5], name="customer_id"),
    )
    sc = rfm_scores(summary)
    assert sc["R"].tolist() == [5, 1, 2, 3, 4]  # silence 1, 100, 80, 10, 5 days
    assert sc["F"].tolist() == [5, 2, 4, 3, 2]
    seg = rfm_segment(sc)
    assert seg.loc[1] == "champions" and seg.loc[2] == "hibernating" and seg.loc[3] == "at risk"


def test_pareto_share_and_pyramid():
    values = pd.Series([100.0, 50, 20, 10, 5, 5, 4, 3, 2, 1], index=range(10))
    assert pareto_share(values, 0.2) == pytest.approx(150 / 200)
    pyr = value_pyramid(values, vip=0.1, high_potential=0.3)
    assert pyr.tolist()[:4] == ["VIP", "high potential", "high potential", "regular"]
    # ties: stable order by index
    tied = value_pyramid(pd.Series([5.0, 5.0, 5.0, 5.0]), vip=0.25, high_potential=0.5)
    assert tied.tolist() == ["VIP", "high potential", "regular", "regular"]


def test_cdnow_value_concentration_is_near_the_68_percent_of_the_full_data():
    """DESIGN: the top 20% of all 23,570 CDNOW customers bring 68%. The 1/10 sample (whole
    18 months) gives 67.4%: close, but the full-data figure itself cannot be checked here."""
    raw = datasets.load("cdnow_sample")
    share = pareto_share(raw.groupby("customer_id")["amount"].sum(), 0.2)
    assert share == pytest.approx(0.674, abs=0.001)
    assert share < 0.8  # the 80/20 claim does not hold here


def test_tags_follow_rules_a_trainer_can_change():
    orders = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3],
            "day": [0.0, 5.0, 6.0, 1.0, 2.0, 50.0],
            "category": ["coffee", "merchandise", "coffee", "coffee", "coffee", "coffee"],
            "amount": [10.0, 40.0, 10.0, 10.0, 10.0, 12.0],
            "discount": [3.0, 20.0, 0.0, 1.0, 0.5, 0.0],
            # customer 2's discounts are a tier's (no message), customer 1's two are coupons
            "triggered_by": ["monthly_offer", "birthday", None, None, None, "welcome"],
        }
    )
    f = tag_features(orders, as_of=100)
    assert f["coupon_orders"].tolist() == [2, 0, 0]
    tags = apply_tags(f)
    assert tags["discount-sensitive"].tolist() == [True, False, False]
    assert tags["churn warning"].tolist() == [True, True, False]
    assert tags["new-product early adopter"].tolist() == [True, False, False]
    mine = apply_tags(f, {"sleeping": "days_since_last > 60"})
    assert list(mine.columns) == ["sleeping"] and mine["sleeping"].sum() == 2


def test_discount_tag_finds_the_price_driven_in_the_shipped_world():
    """The tag finds customers the truth calls price-driven well above their share (4.3% of
    customers tagged, 54% of them price-driven against 34% of everyone, seed 7)."""
    t = datasets.load("coffee_chain", ["customers", "orders"])
    truth = t["customers"].set_index("customer_id")["true_price_sensitivity"] > 0.5
    f = tag_features(t["orders"], as_of=365)
    tagged = apply_tags(f)["discount-sensitive"]
    found = truth[tagged[tagged].index]
    assert len(found) >= 0.03 * len(f)
    assert found.mean() >= 1.4 * truth[f.index].mean()
    with pytest.raises(ValueError, match="columns are"):
        apply_tags(f, {"typo": "days_since_lst > 3"})


def test_lifecycle_stages():
    orders = pd.DataFrame({"customer_id": [1, 2, 2, 3, 4], "day": [95.0, 10, 80, 30, 0]})
    stage = lifecycle_stage([1, 2, 3, 4, 5], orders, as_of=100, lost_days=90)
    assert stage.tolist() == ["new", "active", "at risk", "lost", "prospect"]


def test_needs_groups_from_behaviour():
    orders = pd.DataFrame(
        {
            "customer_id": [1] * 3 + [2] * 3 + [3] * 3 + [4],
            "category": ["beans"] * 3 + ["coffee"] * 3 + ["bakery"] * 3 + ["coffee"],
            "amount": [90.0] * 3 + [30.0] * 3 + [10.0] * 3 + [30.0],
            "discount": [0.0] * 10,
        }
    )
    levels = {"coffee": 1.0, "bakery": 0.7, "beans": 3.0}
    f = behaviour_features(orders, levels)
    assert f.loc[1, "premium_share"] == 1 and f.loc[3, "price_index"] == pytest.approx(10 / 0.7)
    g = needs_groups(f)
    assert g.loc[1] == "quality" and g.loc[4] == "unclear"  # 1 order: too few to say
    truth = pd.Series(["quality", "price", "price", "service"], index=[1, 2, 3, 4])
    table = agreement(g, truth)
    assert np.allclose(table.sum(axis=1), 1)

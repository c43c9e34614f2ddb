"""The RFM summary: exact on tiny cases, equal to the published CDNOW summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import datasets
from sim.analytics import rfm_summary


def test_tiny_orders_table_in_btyd_conventions():
    orders = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2, 3, 3],
            "day": [0.2, 0.9, 3.5, 10.1, 4.0, 2.0, 12.5],
            "net_amount": [5.0, 7.0, 10.0, 20.0, 8.0, 3.0, 4.0],
        }
    )
    s = rfm_summary(orders, observation_end=11)
    # customer 1: days 0 (two orders, one period), 3, 10 -> 2 repeats; order on day 12.5 of
    # customer 3 is after the observation end and ignored
    assert s.loc[1].tolist() == [2, 10.0, 11.0, 15.0]
    assert s.loc[2].tolist() == [0, 0.0, 7.0, 0.0]
    assert s.loc[3].tolist() == [0, 0.0, 9.0, 0.0]
    weeks = rfm_summary(orders, observation_end=11, unit_days=7)
    assert weeks.loc[1, "T"] == pytest.approx(11 / 7)
    every = rfm_summary(orders, observation_end=11, period_days=0)
    assert every.loc[1, "frequency"] == 3 and every.loc[1, "recency"] == pytest.approx(9.9)


def test_default_observation_end_is_the_last_purchase_day():
    orders = pd.DataFrame({"customer_id": [1, 2], "day": [1.5, 9.7], "net_amount": [1.0, 2.0]})
    assert rfm_summary(orders)["T"].tolist() == [8.0, 0.0]


def test_dates_as_yyyymmdd_integers_work_like_datetimes():
    orders = pd.DataFrame(
        {"customer_id": [1, 1], "date": [19970101, 19970115], "amount": [10.0, 30.0]}
    )
    s = rfm_summary(orders, observation_end="1997-01-29", unit_days=7)
    assert s.loc[1].tolist() == [1, 2.0, 4.0, 30.0]


def test_cdnow_raw_transactions_give_the_published_summary():
    raw = datasets.load("cdnow_sample")
    assert list(raw.columns[:4]) == ["customer_id", "date", "quantity", "amount"]
    published = datasets.load_cdnow_summary().set_index("customer_id")
    ours = rfm_summary(raw, observation_end="1997-09-30", unit_days=7)
    assert len(ours) == len(published) == 2357
    assert (ours.index == published.index).all()
    assert (ours["frequency"] == published["frequency"]).all()
    for col in ("recency", "T", "monetary_value"):  # published to 2 decimals
        assert np.abs(ours[col] - published[col]).max() <= 0.005 + 1e-9, col
    plain = pd.read_csv(datasets.CDNOW_DIR / "cdnow_customers_summary.csv")
    assert (
        plain[["frequency", "recency", "T"]].to_numpy()
        == published[["frequency", "recency", "T"]].to_numpy()
    ).all()


def test_cdnow_is_listed_with_the_simulated_datasets():
    assert {"cdnow_sample", "coffee_chain"} <= set(datasets.available())

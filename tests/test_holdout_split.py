"""The calibration/holdout split in lifetimes' conventions, what BG/NBD expects of the holdout
(CDNOW: 1,882 happened, the model fitted on the calibration period expects 1,653.4; FHL 2005),
holdout.json's numbers, and the diagnostic charts' bars read back from their Figures."""

from __future__ import annotations

import datetime as dt
import json

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from sim import analytics as an  # noqa: E402
from sim.analytics.btyd import BGNBD, GammaGamma  # noqa: E402
from sim.calibrate.holdout import (  # noqa: E402
    Expected,
    Observed,
    base_purchases,
    holdout_json,
    spread,
    write_holdout,
)
from sim.datasets import load_cdnow_sample  # noqa: E402
from sim.views.holdout_plots import (  # noqa: E402
    plot_calibration_vs_holdout,
    plot_cumulative_transactions,
    plot_period_transactions,
)

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


def _log() -> pd.DataFrame:
    """A tiny log whose summary is known by hand (calibration to 2024-01-10, holdout to
    2024-01-20): a buys twice on day 1 (one occasion), again on 5, twice on 12 (one
    occasion) and on 15; b buys once on 3 and never again; c buys on 10 and 20; d first
    buys on 11 (holdout only: left out)."""
    rows = [
        ("a", "2024-01-01 09:00", 10.0),
        ("a", "2024-01-01 17:30", 5.0),
        ("a", "2024-01-05", 20.0),
        ("a", "2024-01-12 08:00", 7.0),
        ("a", "2024-01-12 20:00", 3.0),
        ("a", "2024-01-15", 30.0),
        ("b", "2024-01-03", 8.0),
        ("c", "2024-01-10", 4.0),
        ("c", "2024-01-20", 6.0),
        ("d", "2024-01-11", 99.0),
        ("a", "2024-01-21", 50.0),  # after the observation end: ignored
    ]
    return pd.DataFrame(rows, columns=["id", "when", "paid"])


def test_the_split_follows_lifetimes_conventions_on_a_tiny_log():
    s = an.calibration_and_holdout(_log(), "id", "when", "2024-01-10", "2024-01-20", amount="paid")
    assert list(s.index) == ["a", "b", "c"]  # d's first purchase is in the holdout
    assert list(s.columns) == [
        "frequency_cal", "recency_cal", "T_cal", "monetary_value_cal",
        "frequency_holdout", "monetary_value_holdout", "duration_holdout",
    ]  # fmt: skip
    a, b, c = (s.loc[k] for k in "abc")
    # a: occasions on 1 and 5 in calibration -> 1 repeat, recency 4, T 9, repeat value 20
    assert (a.frequency_cal, a.recency_cal, a.T_cal, a.monetary_value_cal) == (1, 4, 9, 20)
    # ... and 12 (7 + 3 = one occasion of 10) and 15 (30) in the holdout: 2, mean 20
    assert (a.frequency_holdout, a.monetary_value_holdout) == (2, 20)
    assert (b.frequency_cal, b.recency_cal, b.T_cal, b.monetary_value_cal) == (0, 0, 7, 0)
    assert (b.frequency_holdout, b.monetary_value_holdout) == (0, 0)
    assert (c.frequency_cal, c.T_cal, c.frequency_holdout, c.monetary_value_holdout) == (0, 0, 1, 6)
    assert (s["duration_holdout"] == 10).all()
    revenue = an.holdout_revenue(_log(), "id", "when", "paid", "2024-01-10", "2024-01-20")
    assert revenue == 10 + 30 + 6  # the calibration customers' holdout spend, d's left out
    daily = an.daily_repeat_purchases(_log(), "id", "when", end="2024-01-20")
    assert daily.sum() == 4  # a on 5, 12, 15 (21 is past the end), c on 20
    assert len(daily) == 20 and daily[pd.Timestamp("2024-01-12")] == 1


def test_without_amounts_and_with_yyyymmdd_numbers():
    log = pd.DataFrame({"id": [1, 1, 1, 2], "day": [20240101, 20240101, 20240108, 20240102]})
    s = an.calibration_and_holdout(log, "id", "day", "2024-01-05", "2024-01-09")
    assert "monetary_value_cal" not in s and "monetary_value_holdout" not in s
    assert s.loc[1, "frequency_holdout"] == 1 and s.loc[2, "T_cal"] == 3


def test_an_observation_end_before_the_calibration_end_is_refused():
    with pytest.raises(ValueError, match="observation_end 2024-01-01 must be after"):
        an.calibration_and_holdout(_log(), "id", "when", "2024-01-10", "2024-01-01")


@pytest.fixture(scope="module")
def cdnow():
    t = load_cdnow_sample()
    s = an.calibration_and_holdout(t, "customer_id", "date", CAL_END, OBS_END, amount="amount")
    model = BGNBD().fit(s["frequency_cal"], s["recency_cal"], s["T_cal"])
    return t, s, model


def test_cdnow_holdout_is_1882_repeat_purchases(cdnow):
    t, s, _model = cdnow
    assert len(s) == 2357 and s["duration_holdout"].iloc[0] == 273
    assert s["frequency_holdout"].sum() == 1882
    # the published calibration summary (weeks): the same frequencies and ages
    pub = pd.read_csv("datasets/cdnow_sample/cdnow_customers_summary_with_transactions.csv")
    assert (s["frequency_cal"].to_numpy() == pub["x"].to_numpy()).all()
    assert np.allclose(s["T_cal"] / 7, pub["T"], atol=0.01)
    assert np.allclose(s["recency_cal"] / 7, pub["t_x"], atol=0.01)


def test_cdnow_model_expects_1653_4_in_days_and_in_weeks(cdnow):
    t, s, days = cdnow
    assert days.params["alpha"] / 7 == pytest.approx(4.414, abs=0.001)  # FHL's weekly α
    in_days = an.expected_holdout_purchases(days, s).sum()
    weeks = BGNBD().fit(s["frequency_cal"] / 1, s["recency_cal"] / 7, s["T_cal"] / 7)
    in_weeks = an.expected_holdout_purchases(weeks, s, unit_days=7).sum()
    assert in_days == pytest.approx(1653.4, abs=0.5)
    assert in_weeks == pytest.approx(in_days, rel=1e-6)
    cumulative = an.expected_cumulative(days, s, 273)
    assert cumulative[-1] == pytest.approx(in_days) and (np.diff(cumulative) > 0).all()


def test_cdnow_model_revenue_is_spend_times_purchases(cdnow):
    t, s, model = cdnow
    gg = GammaGamma().fit(s["frequency_cal"], s["monetary_value_cal"])
    revenue = an.expected_holdout_revenue(model, gg, s)
    # a one-time buyer is valued at the population's mean spend p·γ/(q − 1)
    p, q, v = gg.params.values()
    one = s["frequency_cal"].to_numpy() == 0
    purchases = an.expected_holdout_purchases(model, s)
    assert np.allclose(revenue[one], purchases[one] * p * v / (q - 1))
    assert 55_000 < revenue.sum() < 65_000  # ~59,900 against 70,976 spent


# ---------------------------------------------------------------------- holdout.json


def _observed(orders: int = 1882, revenue: float = 70976.39) -> Observed:
    return Observed(
        dt.date(1997, 1, 1), dt.date(1997, 9, 30), dt.date(1997, 10, 1), dt.date(1998, 6, 30),
        2357, orders, revenue,
    )  # fmt: skip


def test_holdout_json_keys_and_the_interval_of_a_known_spread(tmp_path):
    # replications 1600, 1601, ..., 1700: mean 1650, sd √(101·102/12) = 29.3, the middle 95%
    # from 1602.5 to 1697.5
    orders = list(range(1600, 1701))
    simulated = {"replications": len(orders), "repeat_orders": orders,
                 "revenue": [o * 30.0 for o in orders]}  # fmt: skip
    data = holdout_json(_observed(), simulated, Expected(1653.4087, 59931.626))
    assert data["simulated_repeat_orders"] == {
        "mean": 1650.0, "sd": 29.3, "low": 1602.5, "high": 1697.5,
    }  # fmt: skip
    assert data["simulated_revenue"] == {
        "mean": 49500.0, "sd": 879.01, "low": 48075.0, "high": 50925.0,
    }  # fmt: skip
    assert data["actual_repeat_orders"] == 1882 and data["model_expected_repeat_orders"] == 1653.4
    assert data["model_expected_revenue"] == 59931.63 and data["actual_revenue"] == 70976.39
    assert data["replications"] == 101
    assert (data["calibration_end"], data["holdout_start"], data["holdout_end"]) == (
        "1997-09-30", "1997-10-01", "1998-06-30",
    )  # fmt: skip
    path = write_holdout(tmp_path / "holdout.json", data)
    assert json.loads(path.read_text(encoding="utf-8")) == data
    assert not [p for p in tmp_path.iterdir() if p.name != "holdout.json"]  # no temporary left


def test_spread_of_too_few_replications_has_no_range():
    assert spread([5.0]) == {"mean": 5.0, "sd": None, "low": None, "high": None}
    assert spread([]) == {"mean": None, "sd": None, "low": None, "high": None}
    two = spread([0.0, 40.0])
    assert (two["low"], two["high"]) == pytest.approx((1.0, 39.0))  # 2.5% and 97.5% of the way
    assert two["sd"] == pytest.approx(40 / np.sqrt(2))


def test_base_purchases_of_a_fake_run():
    customers = pd.DataFrame(
        {"customer_id": [1, 2, 3, 4], "base_customer": ["x", "y", "", "z"]}
    )  # 3 arrived during the horizon; z buys nothing
    orders = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 3, 1, 2],
            "day": [0.2, 0.7, 3.5, 9.9, 1.0, 10.0, -0.5],  # 0.2 and 0.7: one occasion
            "net_amount": [5.0, 1.0, 2.0, 4.0, 100.0, 50.0, 7.0],
        }
    )
    out = base_purchases({"customers": customers, "orders": orders}, horizon=10)
    assert out["repeat_orders"] == 3  # 1 on days 0 and 3, 2 on day 9; day 10 is past the end
    assert out["revenue"] == 5 + 1 + 2 + 4
    assert out["counts"] == [1, 1, 1]  # z none, y one, x two
    assert out["daily"] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 1]
    assert out["by_customer"] == {"x": 2, "y": 1}


# ---------------------------------------------------------------------- charts


def _heights(fig) -> np.ndarray:
    return np.array([p.get_height() for p in fig.axes[0].patches])


def test_calibration_vs_holdout_bars_are_the_group_means(cdnow):
    t, s, model = cdnow
    simulated = np.full(len(s), 0.5)
    fig = plot_calibration_vs_holdout(s, model, simulated, max_frequency=3)
    h = _heights(fig).reshape(3, 4)  # actual, model, simulated × frequency 0..3+
    x = np.minimum(s["frequency_cal"], 3)
    actual = s["frequency_holdout"].groupby(x).mean().to_numpy()
    assert np.allclose(h[0], actual)
    assert h[0][0] == pytest.approx(334 / 1411)  # one-time buyers: 334 purchases among 1,411
    expected = pd.Series(an.expected_holdout_purchases(model, s)).groupby(x.to_numpy()).mean()
    assert np.allclose(h[1], expected.to_numpy()) and np.allclose(h[2], 0.5)
    labels = [tick.get_text() for tick in fig.axes[0].get_xticklabels()]
    assert labels == ["0", "1", "2", "3+"]


def test_period_transactions_bars_count_customers(cdnow):
    t, s, _model = cdnow
    simulated = pd.Series([1700.0, 300, 150, 80, 127], name="customers")
    fig = plot_period_transactions(s["frequency_holdout"], simulated, max_count=4)
    h = _heights(fig).reshape(2, 5)
    assert h[0].tolist() == [1673, 302, 153, 77, (s["frequency_holdout"] >= 4).sum()]
    assert h[1].tolist() == [1700, 300, 150, 80, 127] and h[0].sum() == 2357


def test_cumulative_chart_starts_the_twin_from_the_actual(cdnow):
    t, s, model = cdnow
    daily = an.daily_repeat_purchases(t, "customer_id", "date", end=OBS_END)
    days = pd.date_range("1997-10-01", OBS_END)
    sim = pd.DataFrame({0: np.full(len(days), 6.0), 1: np.full(len(days), 8.0)}, index=days)
    model_path = an.expected_cumulative(model, s, len(days))
    fig = plot_cumulative_transactions(daily, sim, "1997-10-01", model_path)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    actual = lines["actual"].get_ydata()
    before = daily[daily.index < "1997-10-01"].sum()
    assert actual[-1] == daily.sum() == before + 1882
    twin = lines["simulated twin"].get_ydata()
    assert twin[0] == before + 7 and twin[-1] == before + 7 * len(days)
    assert lines["BG/NBD model"].get_ydata()[-1] == pytest.approx(before + 1653.4, abs=0.5)

"""Threshold panels and exercise checkers, driven as a notebook would, without a browser."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim import analytics as an  # noqa: E402
from sim import datasets  # noqa: E402
from sim.views.analytics_widgets import pyramid_panel, warning_panel  # noqa: E402
from sim.views.exercises import (  # noqa: E402
    check_lead_sign,
    check_pareto_share,
    check_precision,
    check_segment_count,
)


def test_pyramid_panel_redraws_when_a_slider_moves():
    value = pd.Series(np.arange(100, 0, -1, dtype=float))
    panel = pyramid_panel(value)
    assert "5 customers" in panel.html.value and panel.figure is not None
    first = panel.figure
    panel.sliders["VIP share"].value = 0.10
    assert "10 customers" in panel.html.value and panel.figure is not first
    assert all("sim-threshold" in s._dom_classes for s in panel.sliders.values())


def test_warning_panel_rescores_on_each_threshold():
    flags_for = lambda days, thr: pd.DataFrame(  # noqa: E731
        {"rule_flag_day": [10 + days, 50 + days], "model_flag_day": [20 / thr, 200 / thr]}
    )
    panel = warning_panel(flags_for, [15, np.nan], 100, offer_cost=1, win_rate=0.5,
                          value_if_won=10)  # fmt: skip
    before = panel.html.value
    panel.sliders["no order for (days)"].value = 30
    assert panel.html.value != before and "precision" in panel.html.value


def test_checkers_explain_the_usual_mistakes():
    orders = pd.DataFrame(
        {"customer_id": [1, 2, 3, 4, 5, 1], "net_amount": [100.0, 10, 10, 10, 10, 100]}
    )
    right = an.pareto_share(orders.groupby("customer_id")["net_amount"].sum())
    assert check_pareto_share(right, orders).ok
    assert "percentage" in check_pareto_share(right * 100, orders).message
    assert "rule of thumb" in check_pareto_share(0.8, orders).message
    seg = pd.Series(["champions", "loyal", "loyal"])
    assert check_segment_count(1, seg).ok
    assert "'loyal'" in check_segment_count(2, seg).message
    flags, churn = [1.0, 2.0, 3.0, np.nan], [1.0, np.nan, np.nan, 4.0]  # 3 flagged, 1 right
    assert check_precision(1 / 3, flags, churn, 10).ok
    assert "recall" in check_precision(1 / 2, flags, churn, 10).message
    assert "false-alarm" in check_precision(2 / 3, flags, churn, 10).message
    assert check_lead_sign("after").ok and not check_lead_sign("before").ok


def test_shipped_world_checkers_accept_the_notebook_answers():
    orders = datasets.load("coffee_chain", ["orders"])["orders"]
    revenue = orders.groupby("customer_id")["net_amount"].sum().sort_values(ascending=False)
    share = revenue.iloc[: round(0.2 * len(revenue))].sum() / revenue.sum()
    assert check_pareto_share(share, orders).ok

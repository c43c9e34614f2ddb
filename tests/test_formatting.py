"""The one formatting layer (sim.figures.fmt, fmt_table, table): numbers read like a
business report. Each case is a finding of issue 12 (part 5) a trainee saw on screen."""

import pandas as pd

from sim.figures import fmt, fmt_table, plain, report, table
from sim.views.outreach_views import headline_html, headline_table
from sim.views.service_views import policy_table


def test_counts_are_whole_numbers_with_separators():
    assert fmt(352.0) == "352"  # was "352.0 customers"
    assert fmt(-71.23) == "-71"  # was "−71.23 customers"
    assert fmt(1234567) == "1,234,567"
    assert fmt(3.44) == "3.4"  # a mean count below 10 keeps one decimal
    assert fmt(12, signed=True) == "+12"


def test_money_has_separators_and_its_currency():
    assert fmt(462400.0, "money", currency="CNY") == "462,400 CNY"  # was 4.624e+05
    assert fmt(32.254, "money", currency="CNY") == "32.25 CNY"
    assert fmt(-1234.6, "money", signed=True) == "-1,235"


def test_days_read_as_days_or_as_dates():
    assert fmt(-179.999948, "days") == "-180 days"  # was −179.999948
    assert fmt(1, "days") == "1 day" and fmt(2.5, "days") == "2.5 days"
    assert fmt(45.7, "days", start="2026-01-01") == "2026-02-15"


def test_shares_are_percentages_and_plain_numbers_never_scientific():
    assert fmt(0.7678, "share") == "76.8%"
    assert fmt(-0.0125, "share", signed=True) == "-1.2 pp"
    assert plain(4.624e5) == "462,400" and plain(0.01234) == "0.0123" and plain(1e-5) == "0.00001"
    assert fmt(float("nan"), "count") == "–" and fmt(None) == "–"  # tier mix showed nan
    assert fmt(12345, "id") == "12345"
    assert fmt(0.6364, "z") == "+0.64" and fmt(-1.4, "z") == "-1.40"  # tournament scores


def test_fmt_table_writes_each_row_in_its_unit_with_labels():
    df = pd.DataFrame(
        {"baseline": [0.77, 462400.0, 352.0], "neglect": [0.7, 460000.0, float("nan")]},
        index=["retention", "revenue", "active_at_end"],
    )
    out = fmt_table(df, {"retention": "share", "revenue": "money", "active_at_end": "count"},
                    by="index", currency="CNY", labels=True)  # fmt: skip
    assert out.loc["retention of the starting base"].tolist() == ["77.0%", "70.0%"]
    assert out.loc["revenue"].tolist() == ["462,400 CNY", "460,000 CNY"]
    assert out.loc["active customers at the end"].tolist() == ["352", "–"]
    assert fmt_table(df, {"baseline": "share"}).loc["revenue", "baseline"] == "46,240,000.0%"


def test_summary_table_money_carries_the_currency():
    shown = table({"scenario": "x", "currency": "CNY", "revenue": 462400.0, "retention": 0.5})
    assert shown.loc["revenue", "value"] == "462,400 CNY"
    assert shown.loc["retention of the starting base", "value"] == "50.0%"


def test_panel_tables_never_show_scientific_notation_or_stray_decimals():
    policies = pd.DataFrame(
        {"baseline": [0.81, 462400.0, 352.0, 5.24], "your policy": [0.8, 470000.0, 340.0, 9.0]},
        index=["retention", "revenue", "tickets", "mean_response_h"],
    )
    policies["your policy vs baseline"] = policies["your policy"] - policies["baseline"]
    html = policy_table(policies, "CNY").to_html()
    assert "e+0" not in html and "462,400 CNY" in html and "+7,600 CNY" in html
    assert ">352<" in html and "-12<" in html and "5.2 h" in html and "-1.0 pp" in html
    assert "mean first response" in html and "mean_response_h" not in html  # labelled rows
    head = headline_table({"messages": 120, "revenue": 4.6e5}, {"messages": 49, "revenue": 4.7e5})
    text = headline_html(head, "CNY")
    assert "-71<" in text and "+10,000 CNY" in text and "e+0" not in text


def test_report_writes_a_cohort_by_row_with_labels():
    cohort = pd.DataFrame(  # notebook 04 showed 88.000, 0.477, 32.875 (cohort.round(3))
        {"baseline": [88.0, 0.477, 0.646, 32.875], "no failures": [88.0, 0.364, 0.724, 38.52]},
        index=["customers", "left", "satisfaction_end", "orders_per_customer"],
    )
    out = report(cohort, by="index")
    assert out.loc["customers"].tolist() == ["88", "88"]
    assert out.loc["left"].tolist() == ["47.7%", "36.4%"]
    assert out.loc["satisfaction at the end", "no failures"] == "72.4%"
    assert out.loc["orders per customer", "baseline"] == "33"
    assert cohort.loc["left", "baseline"] == 0.477  # the numbers themselves are untouched


def test_report_writes_warning_scores_by_column_in_days_money_and_shares():
    scores = pd.DataFrame(  # notebook 05's table.round(3): 1557.0, 0.940, -89.501
        {"flagged": [1557.0], "precision": [0.94], "median_lead_days": [-89.501],
         "false_alarm_cost": [465.0], "mystery": [0.123456]},
        index=["rule 90 days"],
    )  # fmt: skip
    row = report(scores, currency="CNY").loc["rule 90 days"]
    assert row["flagged"] == "1,557" and row["precision"] == "94.0%"
    assert row["median warning lead (negative: late)"] == "-90 days"
    assert row["cost of false alarms"] == "465 CNY" and row["mystery"] == "0.123"


def test_report_of_a_dict_is_one_labelled_value_per_row():
    head = {"messages": 24008, "message_cost": 1487.02, "opted_out": 0, "revenue": 973136.57}
    out = report(head, currency="CNY")  # notebook 06 printed this dict as it was
    assert out["value"].tolist() == ["24,008", "1,487 CNY", "0", "973,137 CNY"]
    assert list(out.index) == [
        "messages sent", "message cost", "opted out", "revenue",
    ]  # fmt: skip
    params = report({"r": 1.7432, "alpha": 16.5121})  # fitted BG/NBD, was {'r': 1.743, ...}
    assert params.loc["alpha: purchase-rate scale (days)", "value"] == "16.51"


def test_report_signs_differences_in_the_unit_of_the_rows_last_level():
    rows = pd.MultiIndex.from_tuples([("minor", "satisfaction_end"), ("minor", "orders")])
    paired = pd.DataFrame(
        {"with failure": [0.764, 24.627], "difference": [0.071, -0.424], "se": [0.002, 0.33]},
        index=rows,
    )
    out = report(paired, by="index")
    assert out.loc[("minor", "satisfaction at the end")].tolist() == ["76.4%", "+7.1 pp", "0.2%"]
    assert out.loc[("minor", "orders")].tolist() == ["25", "-0.4", "0.3"]
    change = report(pd.DataFrame({1.5: [-233.4]}), unit="money", signed=True, currency="CNY")
    assert change.iloc[0, 0] == "-233 CNY"
    assert fmt(0.005, "money", currency="CNY") == "0.005 CNY"  # a message cost, was 0.01
    assert fmt(1e-12, "money", currency="CNY") == "0 CNY" and plain(-1e-12) == "0"


# ------------------------------------------------------------- Chinese (issue 14, part 4)


def test_chinese_money_is_yuan_and_large_amounts_are_in_wan():
    from sim.i18n import using

    with using("zh"):
        assert fmt(12345.0, "money", currency="CNY") == "¥12,345"
        assert fmt(32.254, "money", currency="CNY") == "¥32.25"
        assert fmt(462400.0, "money", currency="CNY") == "¥46.2 万"
        assert fmt(100000.0, "money", currency="CNY") == "¥10 万"  # a trailing .0 dropped
        assert fmt(99999.0, "money", currency="CNY") == "¥99,999"  # below 100,000: as is
        assert fmt(-125000.0, "money", currency="CNY") == "-¥12.5 万"
        assert fmt(7600.0, "money", signed=True, currency="CNY") == "+¥7,600"
        assert fmt(462400.0, "money", currency="USD") == "46.2 万 USD"  # other codes stay
        assert fmt(1_500_000, "count") == "150 万" and fmt(352.0) == "352"
        assert fmt(0.7678, "share") == "76.8%"  # a percentage reads the same
    with using("en"):
        assert fmt(462400.0, "money", currency="CNY") == "462,400 CNY"


def test_chinese_units_for_days_hours_and_percentage_points():
    from sim.i18n import using

    with using("zh"):
        assert fmt(12, "days") == "12 天" and fmt(1, "days") == "1 天"
        assert fmt(5.24, "hours") == "5.2 小时"
        assert fmt(-0.0125, "share", signed=True) == "-1.2 个百分点"
        assert fmt(45.7, "days", start="2026-01-01") == "2026-02-15"


def test_month_ticks_and_money_axes_the_chinese_way():
    from sim.figures import fmt_month, money_scale
    from sim.i18n import using

    with using("zh"):
        assert fmt_month("2026-03-15") == "2026年3月"
        assert fmt_month(pd.Period("2026-11", freq="M")) == "2026年11月"
        assert money_scale("CNY") == (10_000.0, "万元") and money_scale("USD")[1] == "万 USD"
    with using("en"):
        assert fmt_month("2026-03-15") == "2026-03"
        assert money_scale("CNY") == (1_000.0, "thousand CNY")


def test_summary_table_in_chinese():
    from sim.i18n import using

    with using("zh"):
        shown = table({"scenario": "x", "currency": "CNY", "revenue": 462400.0, "retention": 0.5})
    assert shown.loc["营收", "值"] == "¥46.2 万"
    assert shown.loc["期初客户的留存率", "值"] == "50.0%" and shown.index.name == "指标"

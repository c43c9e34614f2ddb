"""The SQL exercises of notebook 01 (sim.sqlcheck) on the shipped coffee chain's SQLite
file: a right, a wrong and a partial query each, and the coaching each mistake gets."""

from __future__ import annotations

import pytest

from sim import datasets, sqlcheck, sqlfile
from sim.i18n import using


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return sqlfile.to_sql(
        datasets.load("coffee_chain"), tmp_path_factory.mktemp("sql") / "w.sqlite"
    )


@pytest.fixture(autouse=True)
def english():
    with using("en"):
        yield


VIP = (
    "SELECT customer_id FROM orders GROUP BY customer_id ORDER BY SUM(net_amount) DESC "
    "LIMIT (SELECT ROUND(COUNT(DISTINCT customer_id) * 0.05) FROM orders)"
)
WARN = (
    "SELECT customer_id FROM orders GROUP BY customer_id "
    "HAVING MAX(date) <= date((SELECT MAX(date) FROM daily), '-90 days')"
)
NEW = "SELECT substr(signup_date, 1, 7) AS month, COUNT(*) FROM customers GROUP BY month"


def test_an_empty_query_waits_and_a_broken_one_says_why(db):
    for check in (sqlcheck.check_vip_sql, sqlcheck.check_churn_warning_sql):
        feedback = check("", db)
        assert not feedback.answered and not feedback.ok
    broken = sqlcheck.check_vip_sql("SELEC customer_id FROM orders", db)
    assert broken.answered and not broken.ok and "syntax error" in broken.message


def test_vip_list(db):
    customers = datasets.load("coffee_chain", ["orders"])["orders"]["customer_id"].nunique()
    right = sqlcheck.check_vip_sql(VIP, db)
    assert right.ok and f"{round(0.05 * customers)} VIP" in right.message
    by_count = (
        "SELECT customer_id FROM orders GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 173"
    )
    assert "how many orders" in sqlcheck.check_vip_sql(by_count, db).message
    orders = "SELECT customer_id FROM orders ORDER BY net_amount DESC LIMIT 173"
    assert "not customers" in sqlcheck.check_vip_sql(orders, db).message
    names = sqlcheck.check_vip_sql("SELECT name FROM customers LIMIT 173", db)
    assert not names.ok and "return a customer_id column" in names.message
    partial = sqlcheck.check_vip_sql(VIP.split(" LIMIT")[0] + " LIMIT 150", db)
    assert not partial.ok and "150 of the 173" in partial.message


def test_churn_warning(db):
    right = sqlcheck.check_churn_warning_sql(WARN, db)
    assert right.ok
    strict = sqlcheck.check_churn_warning_sql(WARN.replace("<=", "<"), db)
    assert strict.ok  # "no order for 90 days": at least or more than 90, both right
    active_only = (
        WARN + " AND customer_id IN (SELECT customer_id FROM customers WHERE churn_day IS NULL)"
    )
    feedback = sqlcheck.check_churn_warning_sql(active_only, db)
    assert not feedback.ok and "already gone" in feedback.message
    rows = "SELECT o.customer_id FROM orders o JOIN customers c USING (customer_id)"
    assert "not customers" in sqlcheck.check_churn_warning_sql(rows, db).message
    sixty = sqlcheck.check_churn_warning_sql(WARN.replace("90", "60"), db)
    assert not sixty.ok and "do not belong" in sixty.message


def test_service_history(db):
    customer = 663  # three complaints in the shipped world
    right = f"SELECT * FROM tickets WHERE customer_id = {customer} ORDER BY opened_day"
    assert sqlcheck.check_service_history_sql(right, db, customer).ok
    no_key = f"SELECT t.ticket_id FROM tickets t, customers c WHERE t.customer_id = {customer}"
    assert "without a key" in sqlcheck.check_service_history_sql(no_key, db, customer).message
    unordered = right.replace("opened_day", "severity")
    assert (
        "sort them by opened_day"
        in sqlcheck.check_service_history_sql(unordered, db, customer).message
    )
    partial = sqlcheck.check_service_history_sql(right + " LIMIT 1", db, customer)
    assert not partial.ok and "1 of the 3" in partial.message


def test_new_customers_by_month(db):
    right = sqlcheck.check_new_by_month_sql(NEW, db)
    assert right.ok and "18 months" in right.message
    orders = "SELECT substr(date, 1, 7) AS month, COUNT(*) FROM orders GROUP BY month"
    assert "orders per month" in sqlcheck.check_new_by_month_sql(orders, db).message
    buyers = orders.replace("COUNT(*)", "COUNT(DISTINCT customer_id)")
    assert "ordered in each month" in sqlcheck.check_new_by_month_sql(buyers, db).message
    active = NEW.replace("GROUP BY", "WHERE churn_day IS NULL GROUP BY")
    assert "gone since" in sqlcheck.check_new_by_month_sql(active, db).message
    partial = sqlcheck.check_new_by_month_sql(
        NEW.replace("customers", "customers WHERE customer_id > 100"), db
    )
    assert not partial.ok


def test_feedback_speaks_chinese(db):
    with using("zh"):
        assert "VIP" in sqlcheck.check_vip_sql(VIP, db).message
        assert "尚未" in str(sqlcheck.check_vip_sql("", db)) or "还没" in str(
            sqlcheck.check_vip_sql("", db)
        )

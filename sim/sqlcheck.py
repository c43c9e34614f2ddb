"""SQL exercises against a world's SQLite file (sim.sqlfile): run a trainee's query, compare
its rows with the truth, and coach on the usual mistakes (counting orders instead of
customers, leaving out customers who have gone, a join without a key).

Each checker takes the query text first and returns a `Feedback` (sim.views.exercises);
an empty query (as the notebooks ship) is "not answered yet", and a query that fails says
SQLite's own error. The truths are computed with pandas, not with the expected SQL.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sim.analytics import value_pyramid
from sim.i18n import _
from sim.views.exercises import Feedback


def query(db: str | os.PathLike, sql: str) -> pd.DataFrame:
    """The rows of `sql` run on the SQLite file `db`, opened read-only."""
    con = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True)
    try:
        return pd.read_sql(sql, con)
    finally:
        con.close()


def _table(db: str | os.PathLike, name: str) -> pd.DataFrame:
    return query(db, f'SELECT * FROM "{name}"')


def sql_exercise(check: Callable[..., Feedback]) -> Callable[..., Feedback]:
    """A checker that waits while the query is empty and reports a query SQLite refuses."""

    @functools.wraps(check)
    def checked(
        sql: object, db: str | os.PathLike | None = None, *args: object, **kwargs: object
    ) -> Feedback:
        if sql is None or not str(sql).strip():
            return Feedback(
                False,
                _("not answered yet: write your query between the quotes above, then run it"),
                answered=False,
            )
        try:
            rows = query(db, str(sql))
        except (sqlite3.Error, pd.errors.DatabaseError) as exc:
            return Feedback(False, _("SQLite could not run it: {error}", error=exc))
        return check(rows, db, *args, **kwargs)

    return checked


def _customers(rows: pd.DataFrame) -> set[int] | Feedback:
    """The customer ids of a one-row-per-customer answer, or the feedback on why it is not
    one (no customer_id column; repeated customers: rows of orders, not of customers)."""
    if "customer_id" not in rows.columns:
        return Feedback(False, _("return a customer_id column (one row per customer)"))
    ids = rows["customer_id"]
    if ids.duplicated().any():
        return Feedback(
            False,
            _(
                "{n} rows but {k} customers: your rows are orders (or joined rows), not "
                "customers; GROUP BY customer_id, or SELECT DISTINCT",
                n=len(ids),
                k=ids.nunique(),
            ),
        )
    return set(ids.astype(int).tolist())


def _compare(found: set, right: set, what: str) -> Feedback:
    if found == right:
        return Feedback(True, _("right: {n} {what}", n=len(right), what=what))
    hit = len(found & right)
    return Feedback(
        False,
        _(
            "{hit} of the {n} {what} are there, {extra} that do not belong; {hint}",
            hit=hit,
            n=len(right),
            what=what,
            extra=len(found - right),
            hint=_("too many rows: check the condition")
            if len(found) > len(right)
            else _("rows missing: check the condition"),
        ),
    )


# ---------------------------------------------------------------- VIP list by the pyramid


def vip_truth(db: str | os.PathLike, vip: float = 0.05) -> set[int]:
    """The VIPs of the value pyramid: the top `vip` share of customers with orders by revenue."""
    revenue = _table(db, "orders").groupby("customer_id")["net_amount"].sum()
    pyramid = value_pyramid(revenue, vip=vip)
    return set(pyramid.index[pyramid == "VIP"].tolist())


@sql_exercise
def check_vip_sql(rows: pd.DataFrame, db: str | os.PathLike, vip: float = 0.05) -> Feedback:
    """The VIP list: the top 5% of customers by revenue (SUM of net_amount), one row each."""
    found = _customers(rows)
    if isinstance(found, Feedback):
        return found
    right = vip_truth(db, vip)
    by_count = _table(db, "orders").groupby("customer_id").size()
    top = set(by_count.sort_values(ascending=False, kind="stable").index[: len(right)])
    if found != right and len(found & top) > len(found & right):
        return Feedback(
            False,
            _(
                "you ranked customers by how many orders they placed; the value pyramid ranks "
                "them by revenue: SUM(net_amount)"
            ),
        )
    return _compare(found, right, _("VIP customers"))


# ---------------------------------------------------------------- no order for 90 days


def churn_warning_truth(db: str | os.PathLike, days: int = 90) -> tuple[set[int], set[int]]:
    """Customers whose last order is at least / more than `days` days before the last day of
    the world (both readings of "no order for 90 days" are right)."""
    orders = _table(db, "orders")
    last = pd.to_datetime(orders.groupby("customer_id")["date"].max())
    end = pd.to_datetime(_table(db, "daily")["date"]).max()
    gap = (end - last).dt.days
    return set(gap.index[gap >= days].tolist()), set(gap.index[gap > days].tolist())


@sql_exercise
def check_churn_warning_sql(rows: pd.DataFrame, db: str | os.PathLike, days: int = 90) -> Feedback:
    """流失预警: every customer with no order in the last `days` days of the world."""
    found = _customers(rows)
    if isinstance(found, Feedback):
        return found
    at_least, more_than = churn_warning_truth(db, days)
    if found in (at_least, more_than):
        return Feedback(True, _("right: {n} customers to warn about", n=len(found)))
    customers = _table(db, "customers")
    active = set(customers.loc[customers["churn_day"].isna(), "customer_id"].tolist())
    if found and found <= at_least and found in (at_least & active, more_than & active):
        return Feedback(
            False,
            _(
                "you left out the {n} customers who have already gone: they are exactly the "
                "ones with no recent order, and a real CRM does not know churn_day",
                n=len(at_least - found),
            ),
        )
    return _compare(found, at_least, _("customers to warn about"))


# ---------------------------------------------------------------- one customer's service history


@sql_exercise
def check_service_history_sql(
    rows: pd.DataFrame, db: str | os.PathLike, customer_id: int
) -> Feedback:
    """The complaints of `customer_id`, oldest first: a row per ticket, with ticket_id."""
    if "ticket_id" not in rows.columns:
        return Feedback(False, _("return a ticket_id column (one row per ticket)"))
    tickets = _table(db, "tickets")
    right = tickets[tickets["customer_id"] == customer_id].sort_values("opened_day")
    found = rows["ticket_id"].astype(int)
    if found.duplicated().any():
        return Feedback(
            False,
            _(
                "{n} rows for {k} tickets: a join without a key (ON t.customer_id = "
                "c.customer_id) pairs every ticket with every row of the other table",
                n=len(found),
                k=found.nunique(),
            ),
        )
    if set(found) != set(right["ticket_id"]):
        return _compare(set(found), set(right["ticket_id"]), _("tickets of this customer"))
    if found.tolist() != right["ticket_id"].tolist():
        return Feedback(
            False,
            _("the right tickets; now sort them by opened_day, so the history reads oldest first"),
        )
    return Feedback(True, _("right: {n} tickets, oldest first", n=len(right)))


# ---------------------------------------------------------------- new customers by month


def new_by_month_truth(db: str | os.PathLike) -> pd.Series:
    """Customers by the month of their signup_date ('YYYY-MM' -> count)."""
    month = _table(db, "customers")["signup_date"].str[:7]
    return month.value_counts().sort_index()


@sql_exercise
def check_new_by_month_sql(rows: pd.DataFrame, db: str | os.PathLike) -> Feedback:
    """New customers by month: two columns, the month ('YYYY-MM') and how many joined."""
    if rows.shape[1] < 2:
        return Feedback(False, _("return two columns: the month (YYYY-MM) and the count"))
    found = pd.Series(
        pd.to_numeric(rows.iloc[:, 1], errors="coerce").to_numpy(),
        index=rows.iloc[:, 0].astype(str).str[:7],
    ).sort_index()
    right = new_by_month_truth(db)
    if (
        found.index.tolist() == right.index.tolist()
        and (found.to_numpy() == right.to_numpy()).all()
    ):
        return Feedback(True, _("right: {n} months", n=len(right)))
    orders = _table(db, "orders")
    month = orders["date"].str[:7]
    if _same(found, month.value_counts()):
        return Feedback(
            False,
            _(
                "those are orders per month; count customers, and only in the month they "
                "joined (signup_date)"
            ),
        )
    if _same(found, orders.groupby(month)["customer_id"].nunique()):
        return Feedback(
            False,
            _(
                "those are the customers who ordered in each month; new customers are the ones "
                "whose signup_date falls in it"
            ),
        )
    if found.index.tolist() == right.index.tolist() and (found <= right).all():
        return Feedback(
            False,
            _(
                "too few in {n} months: you left out customers who have gone since; everyone "
                "who joined in a month is new in it",
                n=int((found < right).sum()),
            ),
        )
    common = found.index.intersection(right.index)
    good = int((found.reindex(common) == right.reindex(common)).sum())
    return Feedback(
        False,
        _("{good} of {n} months right; group customers by substr(signup_date, 1, 7)",
          good=good, n=len(right)),
    )  # fmt: skip


def _same(found: pd.Series, other: pd.Series) -> bool:
    other = other.sort_index()
    common = found.index.intersection(other.index)
    return len(common) > 0 and bool((found.reindex(common) == other.reindex(common)).all())

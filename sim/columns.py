"""The data dictionary of the Result tables: what each table and column means, its label
for people (English or Chinese), and the kind of data it holds.

The workbook's README sheet, the SQLite file's `readme` table and their column headers all
come from here, so a column is described once. A column not listed here (one added later)
is still written: its label is its name and its kind comes from its dtype.

Kinds, and how a file stores them (`as_stored` and `restore` are the documented round trip):
integer (INTEGER), real (REAL), boolean (INTEGER 0/1 in SQLite, TRUE/FALSE in Excel),
date (ISO TEXT 'YYYY-MM-DD' in SQLite, a date cell in Excel) and text (TEXT; a category
comes back as plain text, empty text as '').
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.i18n import N_, _

INTEGER, REAL, BOOLEAN, DATE, TEXT = "integer", "real", "boolean", "date", "text"
KINDS = (INTEGER, REAL, BOOLEAN, DATE, TEXT)

# How a number is shown: money in the currency, days as fractions, shares and ids.
MONEY = {
    "amount",
    "discount",
    "net_amount",
    "gross_margin",
    "true_mean_spend",
    "revenue",
    "points_liability",
    "outreach_cost",
    "cost",
    "coupon",
}
DAYS = {"day", "signup_day", "churn_day", "opened_day", "first_response_day"} | {
    "resolved_day",
    "follow_up_day",
}

# What each table holds: one row per ...
TABLES: dict[str, str] = {
    "customers": N_("one row per customer who joined before the horizon ended"),
    "orders": N_("one row per order, in time order"),
    "daily": N_("one row per simulated day"),
    "points_ledger": N_("one row per movement of loyalty points"),
    "tiers": N_("one row per tier change"),
    "rewards": N_("one row per reward the loyalty program offers"),
    "redemptions": N_("one row per reward redeemed"),
    "tickets": N_("one row per complaint"),
    "inquiries": N_("one row per question at the service desk that is not a complaint"),
    "touches": N_("one row per outbound message or account-manager call"),
    "holdouts": N_("one row per customer kept out of a message as its control group"),
    "surveys": N_("one row per survey answer"),
    "survey_invitations": N_("truth: one row per survey sent, answered or not"),
    "renewals": N_("contractual worlds: one row per contract end"),
    "crm_export": N_("a CRM export of the customers, as received: duplicates, gaps, old cities"),
}

# column -> (label, meaning); a (table, column) entry overrides the column's own.
COLUMNS: dict[str, tuple[str, str]] = {
    "customer_id": (N_("customer id"), N_("the customer (customers.customer_id)")),
    "order_id": (N_("order id"), N_("the order, numbered in time order")),
    "ticket_id": (N_("ticket id"), N_("the complaint case")),
    "inquiry_id": (N_("inquiry id"), N_("the question")),
    "touch_id": (N_("message id"), N_("the outbound message")),
    "crm_id": (N_("CRM record id"), N_("the record's number in the CRM (not the person)")),
    "name": (N_("name"), N_("name in the scenario's locale")),
    "gender": (N_("gender"), N_("F or M")),
    "birth_date": (N_("birth date"), N_("date of birth")),
    "city": (N_("city"), N_("city of residence")),
    "phone": (N_("phone"), N_("mobile number")),
    "email": (N_("email"), N_("e-mail address (unique)")),
    "preferred_channel": (N_("preferred channel"), N_("the channel the customer prefers")),
    "signup_day": (N_("signup day"), N_("day of the first order, or of the contract start")),
    "signup_date": (N_("signup date"), N_("the calendar date of signup_day")),
    "churn_day": (
        N_("churn day (truth)"),
        N_("truth: the day the customer left; empty if still active at the end"),
    ),
    "true_purchase_rate": (N_("orders per day (truth)"), N_("truth: orders per day while active")),
    "true_dropout_prob": (
        N_("chance of leaving (truth)"),
        N_("truth: the chance of leaving after each repeat order or at each renewal"),
    ),
    "true_mean_spend": (N_("mean spend (truth)"), N_("truth: the mean amount of one order")),
    "true_spend_scale": (N_("spend spread (truth)"), N_("truth: the spend model's scale")),
    "true_price_sensitivity": (N_("price sensitivity (truth)"), N_("truth: weight of price")),
    "true_quality_sensitivity": (
        N_("quality sensitivity (truth)"),
        N_("truth: weight of quality"),
    ),
    "true_service_sensitivity": (
        N_("service sensitivity (truth)"),
        N_("truth: weight of service"),
    ),
    "true_needs_profile": (
        N_("main need (truth)"),
        N_("truth: the dominant need: price, quality or service"),
    ),
    "true_satisfaction_start": (
        N_("satisfaction at the start (truth)"),
        N_("truth: satisfaction (0-1) when joining"),
    ),
    "true_satisfaction_end": (
        N_("satisfaction at the end (truth)"),
        N_("truth: satisfaction (0-1) at the end, or when leaving"),
    ),
    "opted_out": (N_("opted out"), N_("opted out of all messages")),
    "times_won_back": (N_("times won back"), N_("how often a win-back offer brought them back")),
    "referred_by": (
        N_("referred by"),
        N_(
            "the customer_id of the member who referred them (loyalty.referral_bonus); "
            "empty if nobody did"
        ),
    ),
    "base_customer": (
        N_("base customer"),
        N_("the pseudonym of a twin's real customer (population.base); empty if simulated"),
    ),
    "day": (N_("day (from start)"), N_("days from the start date (negative: before it)")),
    "date": (N_("date"), N_("the calendar date")),
    "category": (N_("category"), N_("product category")),
    "channel": (N_("channel"), N_("the channel used")),
    "amount": (N_("amount"), N_("amount before discount")),
    "discount": (N_("discount"), N_("discount given")),
    "net_amount": (N_("net amount"), N_("amount minus discount: the revenue")),
    "points_earned": (N_("points earned"), N_("loyalty points earned on this order")),
    "points_redeemed": (N_("points redeemed"), N_("loyalty points spent on this order")),
    "gross_margin": (N_("gross margin"), N_("net amount times the category's margin")),
    "fulfilment_problem": (N_("fulfilment problem"), N_("the order went wrong (contractual)")),
    "service_failure": (
        N_("service failure (truth)"),
        N_("truth: none, or the severity of a failure on this order"),
    ),
    "complained": (N_("customer complained"), N_("the customer complained about that failure")),
    "triggered_by": (
        N_("triggered by"),
        N_("the outreach trigger that led to this order (empty: none)"),
    ),
    "active": (N_("active customers"), N_("customers joined and not gone at the end of the day")),
    "new": (N_("new customers"), N_("customers who joined that day")),
    "churned": (N_("churned customers"), N_("truth: customers who left that day")),
    "won_back": (N_("won back"), N_("customers who came back that day")),
    "orders": (N_("orders"), N_("orders that day")),
    "revenue": (N_("revenue"), N_("net amount of the day's orders")),
    "points_liability": (N_("points liability"), N_("outstanding points at their reward cost")),
    "points_outstanding": (N_("points outstanding"), N_("points held by members")),
    "open_tickets": (N_("open tickets"), N_("complaints open at the end of the day")),
    "service_failures": (N_("service failures"), N_("orders that went wrong that day")),
    "complaints": (N_("complaints"), N_("how many of those customers complained")),
    "shock": (N_("sudden variables"), N_("the shocks running that day (empty: none)")),
    "messages": (N_("messages sent"), N_("outbound messages sent that day")),
    "outreach_cost": (N_("outreach cost"), N_("what those messages cost")),
    "delta": (N_("points change"), N_("points added (+) or removed (-)")),
    "reason": (N_("reason"), N_("earn, bonus, redeem, expire, adjust or referral")),
    "balance": (N_("points balance"), N_("the customer's points after this movement")),
    "tier_from": (N_("tier before"), N_("the tier left")),
    "tier_to": (N_("tier after"), N_("the tier reached")),
    "reward": (N_("reward"), N_("the reward")),
    "points": (N_("points"), N_("its price in points")),
    "cost": (N_("cost"), N_("what it cost the business")),
    "times_affordable": (N_("times affordable"), N_("member orders after which it was affordable")),
    "times_redeemed": (N_("times redeemed"), N_("how often it was redeemed")),
    "redemption_rate": (N_("redemption rate"), N_("times redeemed / times affordable")),
    "opened_day": (N_("opened day"), N_("when the customer asked or complained")),
    "severity": (N_("severity"), N_("how bad the failure was")),
    "first_response_day": (N_("first response day"), N_("when the desk answered (empty: not yet)")),
    "resolved_day": (N_("resolved day"), N_("when it was resolved (empty: still open)")),
    "follow_up_day": (N_("follow-up day"), N_("when the desk followed up (empty: no follow-up)")),
    "escalated": (N_("escalated"), N_("sent on to level 2")),
    "handling": (N_("handling"), N_("how it was handled (apology, compensation, ...)")),
    "csat": (N_("CSAT"), N_("the customer's satisfaction with the case (1-5)")),
    "promise_kept": (
        N_("promise kept"),
        N_("first response within the 48-hour response promise"),
    ),
    "recovery_quality": (
        N_("recovery quality (truth)"),
        N_("truth: how well the case was handled, -0.5 to 1"),
    ),
    "trigger": (N_("trigger"), N_("why it was sent")),
    "opened": (N_("was opened"), N_("the message was opened")),
    "converted": (N_("did convert"), N_("it led to an order, or brought a lost customer back")),
    "coupon": (N_("coupon"), N_("the coupon redeemed through it (0: none)")),
    "kind": (N_("survey kind"), N_("nps or csat")),
    "score": (N_("score"), N_("the answer (0-10 for NPS)")),
    "comment": (N_("comment"), N_("free remarks (empty: none)")),
    "occasion": (N_("occasion"), N_("first_order, quarterly or ticket")),
    "true_satisfaction": (N_("satisfaction (truth)"), N_("truth: satisfaction (0-1) when asked")),
    "responded": (N_("did respond"), N_("whether they answered")),
    "satisfaction": (N_("satisfaction"), N_("the account's satisfaction at the contract end")),
    "lapse_prob": (N_("chance of lapsing (truth)"), N_("truth: its chance of lapsing then")),
    "outcome": (N_("outcome"), N_("renewed or lapsed")),
}
COLUMNS_IN: dict[tuple[str, str], tuple[str, str]] = {
    ("daily", "day"): (N_("day (from start)"), N_("the simulated day, 0 to horizon - 1")),
    ("orders", "channel"): (N_("channel"), N_("channel of the order")),
    ("tickets", "channel"): (N_("channel"), N_("how the complaint came in")),
    ("touches", "channel"): (N_("channel"), N_("how the message was sent")),
    ("touches", "cost"): (N_("cost"), N_("what the message cost")),
    ("touches", "opted_out"): (N_("opted out"), N_("this message made the customer opt out")),
    ("tickets", "cost"): (N_("cost"), N_("compensation paid on the case")),
    ("redemptions", "points"): (N_("points"), N_("points spent")),
    ("holdouts", "day"): (N_("day (from start)"), N_("the day the trigger fired")),
    ("holdouts", "trigger"): (N_("trigger"), N_("whose control group")),
    ("renewals", "day"): (N_("day (from start)"), N_("the day the term ended")),
}


@dataclass(frozen=True)
class Column:
    """One column of a table as the files describe it."""

    table: str
    name: str
    kind: str
    label: str  # in the language in use
    meaning: str  # in the language in use


def kind_of(series: pd.Series) -> str:
    """The kind of data a column holds, from its dtype."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return BOOLEAN
    if pd.api.types.is_integer_dtype(dtype):
        return INTEGER
    if pd.api.types.is_float_dtype(dtype):
        return REAL
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return DATE
    return TEXT


def describe(table: str, df: pd.DataFrame) -> list[Column]:
    """The columns of `table` (a DataFrame of the contract), labelled in the language in use."""
    out = []
    for name in df.columns:
        label, meaning = COLUMNS_IN.get((table, name)) or COLUMNS.get(name, (name, ""))
        out.append(Column(table, name, kind_of(df[name]), _(label), _(meaning) if meaning else ""))
    return out


def table_meaning(table: str) -> str:
    """What `table` holds, in the language in use ('' for a table not described)."""
    return _(TABLES[table]) if table in TABLES else ""


def as_stored(df: pd.DataFrame) -> pd.DataFrame:
    """`df` as a workbook or database gives it back through `restore`: categories and
    other text as plain text; numbers, booleans and dates unchanged."""
    out = df.copy()
    for name in out.columns:
        if kind_of(out[name]) == TEXT:
            out[name] = out[name].astype(str)
    return out


def restore(df: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """A table read from a file (pandas.read_sql / read_excel) with the dtypes its kinds say:
    0/1 and TRUE/FALSE to bool, ISO text and date cells to datetime64[s], empty text to ''."""
    out = df.copy()
    for name, kind in kinds.items():
        col = out[name]
        if kind == INTEGER:
            out[name] = col.astype("int64") if not col.isna().any() else col.astype("float64")
        elif kind == REAL:
            out[name] = col.astype("float64")
        elif kind == BOOLEAN:
            out[name] = col.astype("int64").astype(bool)
        elif kind == DATE:
            out[name] = pd.to_datetime(col).astype("datetime64[s]")
        else:
            out[name] = col.astype(object).where(col.notna(), "").astype(str)
    return out

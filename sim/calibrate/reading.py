"""Reading a planner's CRM export into purchase occasions, with everything wrong said at once.

`read_export` finds the customer, date, amount and (optional) category columns by their
usual English or Chinese names (or the `*_col` options), reads only those (and a status
column, to drop cancelled orders), and merges one customer's orders of one calendar day
into one purchase occasion, amounts summed: the buy-till-you-die convention of lifetimes'
`summary_data_from_transaction_data`, BTYD's `dc.MergeTransactionsOnSameDate` and
CLVTools' `clvdata`. Returns (negative amounts) and cancelled rows are dropped and counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate.errors import fail
from sim.calibrate.sources import Table, open_table
from sim.calibrate.values import cancelled, parse_amounts, parse_dates, texts
from sim.i18n import N_, _
from sim.problems import Problem

ROLES = ("customer", "date", "amount", "category", "status")
REQUIRED = ("customer", "date", "amount")
OPTION = {
    "customer": "--customer-col",
    "date": "--date-col",
    "amount": "--amount-col",
    "category": "--category-col",
}
# the usual names, best first (compared without case, spaces, '_', '-' or '.')
NAMES = {
    "customer": (
        "customer id", "customer_id", "cust_id", "member id", "customer", "customer no",
        "customer number", "client id", "user id", "member no",
        "客户编号", "客户ID", "会员号", "顾客编号", "客户号", "会员编号", "会员ID", "用户ID",
    ),
    "date": (
        "date", "order_date", "order date", "purchase date", "transaction date", "order time",
        "日期", "下单日期", "订单日期", "交易日期", "购买日期", "下单时间",
    ),
    "amount": (
        "amount", "total", "sales", "order amount", "order total", "revenue", "net amount",
        "金额", "订单金额", "实付金额", "支付金额", "销售额", "实付款",
    ),
    "category": (
        "category", "product category", "品类", "类别", "商品类别", "商品分类", "分类",
    ),
    "status": ("status", "order status", "状态", "订单状态"),
}  # fmt: skip
ROLE_WORD = {
    "customer": N_("customer id"),
    "date": N_("order date"),
    "amount": N_("amount"),
    "category": N_("category"),
}
MERGED = N_(
    "several orders of one customer on one calendar day count as one purchase occasion, "
    "their amounts summed (the buy-till-you-die convention)"
)
SHOWN_ROWS = 5  # bad rows named one by one in a message; the rest are counted
_CJK = re.compile(r"[\u4e00-\u9fff]")


def normal(name: str) -> str:
    """A column name compared without case, spaces, '_', '-' or '.'."""
    return re.sub(r"[\s_\-.]+", "", str(name)).lower()


_RANK = {role: {normal(n): i for i, n in enumerate(names)} for role, names in NAMES.items()}


@dataclass
class ReadReport:
    """What was read and what was left out: shown by the command and the report."""

    source: str
    format: str
    rows_read: int
    customers: int
    occasions: int
    first_date: dt.date
    last_date: dt.date
    columns: dict[str, str]
    dropped: dict[str, int] = field(default_factory=dict)
    zero_amount_rows: int = 0
    merged_rows: int = 0
    encoding: str | None = None
    sheet: str | None = None
    headerless: bool = False
    day_first: bool = False
    chinese_headers: bool = False
    convention: str = MERGED

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())


@dataclass
class Export:
    """A CRM export read: one row per customer and purchase day (`occasions`: customer,
    date as datetime64 at midnight, amount summed, category of the day's largest order or
    None), and the `report` of what was read."""

    occasions: pd.DataFrame
    report: ReadReport

    @property
    def has_categories(self) -> bool:
        return self.occasions["category"].notna().any()


# ------------------------------------------------------------------ columns


def _choose(
    table: Table, flags: dict[str, str | None], source: str
) -> tuple[dict[str, int], list[Problem]]:
    """Position of each role's column (by option, by name, or by content when the file
    has no header), and a problem for each required one not found."""
    chosen: dict[str, int] = {}
    problems: list[Problem] = []
    header = table.header
    for role in ROLES:
        flag = flags.get(role)
        if flag is not None:
            position = _by_option(header, flag)
            if position is None:
                problems.append(
                    Problem(
                        OPTION[role],
                        None,
                        _("a column of the export (its name, or its number from 1)"),
                        repr(flag),
                        _("its columns are: {columns}", columns=_shown(header)),
                    )
                )
            else:
                chosen[role] = position
            continue
        if table.headerless:
            continue
        ranked = [
            (_RANK[role][normal(h)], i) for i, h in enumerate(header) if normal(h) in _RANK[role]
        ]
        ranked = [(r, i) for r, i in ranked if i not in chosen.values()]
        if ranked:
            chosen[role] = min(ranked)[1]
    if table.headerless:
        _guess_by_content(table, chosen)
    for role in REQUIRED:
        if role not in chosen and flags.get(role) is None:
            problems.append(_missing(role, header))
    return chosen, problems


def _by_option(header: list[str], flag: str) -> int | None:
    for i, name in enumerate(header):
        if name == flag or normal(name) == normal(flag):
            return i
    if flag.strip().isdigit() and 1 <= int(flag) <= len(header):
        return int(flag) - 1
    return None


def _shown(header: list[str]) -> str:
    more = len(header) - 12
    text = ", ".join(header[:12])
    return _("{files} and more", files=text) if more > 0 else text


def _missing(role: str, header: list[str]) -> Problem:
    names = NAMES[role][:4] + tuple(n for n in NAMES[role] if _CJK.search(n))[:4]
    return Problem(
        _(ROLE_WORD[role]),
        1,
        _("a column named like {names}", names=", ".join(names)),
        _("the columns {columns}", columns=_shown(header)),
        _("name the column with {option} COLUMN", option=OPTION[role]),
    )


def _guess_by_content(table: Table, chosen: dict[str, int]) -> None:
    """Roles of a headerless file's columns, from its first rows: the column of dates,
    the last column of numbers with decimals (the amount), the first other one (the id)."""
    sample = table.sample
    for position in sample.columns:
        if "date" in chosen:
            break
        if position in chosen.values():
            continue
        column = sample[position]
        dates, bad, _day_first = parse_dates(column)
        filled = column.astype(str).str.strip() != ""
        if filled.any() and not bad.any() and (~np.isnat(dates)).sum() == filled.sum():
            chosen["date"] = position
    if "amount" not in chosen:
        numeric = []
        for position in sample.columns:
            if position in chosen.values():
                continue
            number, bad, empty = parse_amounts(sample[position])
            if not bad.any() and not empty.all():
                decimals = sample[position].astype(str).str.contains(".", regex=False).any()
                numeric.append((decimals, position))
        if numeric:
            chosen["amount"] = max(numeric)[1]  # with decimals first, then the last column
    if "customer" not in chosen:
        rest = [p for p in sample.columns if p not in chosen.values()]
        if rest:
            chosen["customer"] = rest[0]


# ------------------------------------------------------------------ rows


def _bad_rows(
    column: str, rows: np.ndarray, values: list, expected: str, hint: str
) -> list[Problem]:
    """One problem per bad row for the first few, and one counting them all."""
    out = [
        Problem(
            column,
            int(row),
            expected,
            repr(str(value)) if value != "" else _("an empty cell"),
            hint,
        )
        for row, value in zip(rows[:SHOWN_ROWS], values[:SHOWN_ROWS], strict=True)
    ]
    if len(rows) > SHOWN_ROWS:
        out.append(
            Problem(
                column,
                None,
                expected,
                _(
                    "{n:,} rows that are not (rows {rows} shown below)",
                    n=len(rows),
                    rows=", ".join(str(int(r)) for r in rows[:SHOWN_ROWS]),
                ),
                hint,
            )
        )
    return out


def read_export(
    path: str | Path,
    *,
    customer_col: str | None = None,
    date_col: str | None = None,
    amount_col: str | None = None,
    category_col: str | None = None,
    salt: bytes | None = None,
) -> Export:
    """The purchase occasions of a CRM export (.csv/.txt, .xlsx, .parquet), or ExportError
    listing every problem found. With `salt`, customer ids are pseudonymised as read
    (sim.calibrate.privacy), so the raw ids go no further than this function."""
    path = Path(path)
    source = str(path)
    flags = {
        "customer": customer_col,
        "date": date_col,
        "amount": amount_col,
        "category": category_col,
    }

    def looks_right(header: list[str]) -> bool:
        return all(
            flags[r] is not None or any(normal(h) in _RANK[r] for h in header) for r in REQUIRED
        )

    table = open_table(path, looks_right)
    chosen, problems = _choose(table, flags, source)
    if problems:
        raise fail(problems, source)
    positions = sorted(set(chosen.values()))
    frame = table.read(positions)  # only these columns, every row
    header = table.header
    name = {role: header[chosen[role]] for role in ROLES if role in chosen}
    return _occasions(frame, chosen, name, table, source, salt)


def _occasions(
    frame: pd.DataFrame,
    chosen: dict[str, int],
    name: dict[str, str],
    table: Table,
    source: str,
    salt: bytes | None,
) -> Export:
    ids = texts(frame[chosen["customer"]])
    blank = (ids == "") & _blank(frame, chosen, "date") & _blank(frame, chosen, "amount")
    frame, ids = frame[~blank], ids[~blank]  # wholly empty lines are not rows
    rows = frame.index.to_numpy()
    if len(frame) == 0:
        raise fail(
            [
                Problem(
                    "",
                    None,
                    _("at least one row of orders under the header"),
                    _("a header and no rows"),
                    _("export the orders again, with their rows"),
                )
            ],
            source,
        )
    dates, bad_date, day_first = parse_dates(frame[chosen["date"]])
    amount, bad_amount, no_amount = parse_amounts(frame[chosen["amount"]])
    problems: list[Problem] = []
    hint_id = _("every order needs its customer's id; fill it or delete the row")
    missing_id = np.flatnonzero(ids == "")
    problems += _bad_rows(name["customer"], rows[missing_id], [""] * len(missing_id),
                          _("a customer id"), hint_id)  # fmt: skip
    raw_dates = frame[chosen["date"]].astype(object).tolist()
    wrong = np.flatnonzero(bad_date | np.isnat(dates))
    problems += _bad_rows(
        name["date"],
        rows[wrong],
        [raw_dates[i] if bad_date[i] else "" for i in wrong],
        _("a date such as 2025-10-01, 2025/10/01, 20251001 or 2025年10月1日"),
        _("write the dates in one of these forms, or choose the date column with --date-col"),
    )
    raw_amounts = frame[chosen["amount"]].astype(object).tolist()
    wrong = np.flatnonzero(bad_amount | no_amount)
    problems += _bad_rows(
        name["amount"],
        rows[wrong],
        ["" if no_amount[i] else raw_amounts[i] for i in wrong],
        _("a number such as 128.50"),
        _("write amounts as plain numbers, or choose the amount column with --amount-col"),
    )
    if problems:
        raise fail(problems, source)
    keep = np.ones(len(frame), dtype=bool)
    dropped: dict[str, int] = {}
    if "status" in chosen:
        cancel = cancelled(frame[chosen["status"]])
        dropped["cancelled"] = int(cancel.sum())
        keep &= ~cancel
    returns = keep & (amount < 0)
    dropped["returns"] = int(returns.sum())
    keep &= ~returns
    if not keep.any():
        raise fail(
            [
                Problem(
                    name["amount"],
                    None,
                    _("at least one purchase (an amount of 0 or more, not cancelled)"),
                    _(
                        "{n:,} rows, every one a return or cancelled",
                        n=len(frame),
                    ),
                    _("export the purchases, not only the returns"),
                )
            ],
            source,
        )
    category = None
    if "category" in chosen:
        category = texts(frame[chosen["category"]])[keep]
        category = np.where(category == "", None, category)
    customer = ids[keep]
    if salt is not None:
        from sim.calibrate.privacy import pseudonymise

        customer = pseudonymise(customer, salt)
    occasions = _merge_days(customer, dates[keep], amount[keep], category)
    report = ReadReport(
        source=source,
        format=table.format,
        rows_read=len(frame),
        customers=int(occasions["customer"].nunique()),
        occasions=len(occasions),
        first_date=occasions["date"].min().date(),
        last_date=occasions["date"].max().date(),
        columns=name,
        dropped=dropped,
        zero_amount_rows=int((amount[keep] == 0).sum()),
        merged_rows=int(keep.sum()) - len(occasions),
        encoding=table.encoding,
        sheet=table.sheet,
        headerless=table.headerless,
        day_first=day_first,
        chinese_headers=any(_CJK.search(h) for h in name.values()),
    )
    return Export(occasions, report)


def _blank(frame: pd.DataFrame, chosen: dict[str, int], role: str) -> np.ndarray:
    column = frame[chosen[role]]
    return (column.isna() | (column.astype(str).str.strip() == "")).to_numpy()


def _merge_days(customer, dates, amount, category) -> pd.DataFrame:
    """One row per customer and calendar day: amounts summed, the category of the day's
    largest order."""
    frame = pd.DataFrame(
        {
            "customer": pd.Series(customer, dtype=object),
            "date": pd.to_datetime(dates).astype("datetime64[ns]"),
            "amount": amount,
            "category": pd.Series(
                category if category is not None else [None] * len(customer), dtype=object
            ),
        }
    )
    frame = frame.sort_values(
        ["customer", "date", "amount"], ascending=[True, True, False], kind="stable"
    )
    grouped = frame.groupby(["customer", "date"], sort=False, observed=True)
    out = grouped.agg(amount=("amount", "sum"), category=("category", "first")).reset_index()
    if category is None:
        out["category"] = None
    return out[["customer", "date", "amount", "category"]]

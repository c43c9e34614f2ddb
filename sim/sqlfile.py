"""A run's tables as one SQLite database file (the standard library's sqlite3), for
trainees who query a CRM in SQL.

Types follow sim.columns: INTEGER, REAL, TEXT; booleans are INTEGER 0/1, dates ISO TEXT
('YYYY-MM-DD', so they sort and compare as dates), missing numbers NULL. Every table that
names a customer has a FOREIGN KEY to customers; ids are PRIMARY KEYs; the columns people
filter by are indexed. The `readme` table describes every table and column (its rows with
an empty column_name describe the table). The file is written under a temporary name in one
transaction and renamed into place only when complete (sim.outputs.write_with).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from sim import columns as dictionary
from sim.i18n import _
from sim.outputs import OutputError, write_with

SQL_TYPES = {
    dictionary.INTEGER: "INTEGER",
    dictionary.REAL: "REAL",
    dictionary.BOOLEAN: "INTEGER",
    dictionary.DATE: "TEXT",
    dictionary.TEXT: "TEXT",
}
# table -> its primary key (one id column); tables without one keep SQLite's rowid
PRIMARY_KEYS = {
    "customers": "customer_id",
    "orders": "order_id",
    "tickets": "ticket_id",
    "inquiries": "inquiry_id",
    "touches": "touch_id",
    "daily": "day",
    "rewards": "reward",
}
# (table, column) -> (parent table, its key), besides every customer_id -> customers
REFERENCES = {("redemptions", "reward"): ("rewards", "reward")}
# columns people filter or sort by, indexed where a table has them (and every customer_id)
INDEXED = (
    "day",
    "date",
    "signup_day",
    "signup_date",
    "churn_day",
    "city",
    "category",
    "opened_day",
    "trigger",
    "kind",
    "reason",
    "true_needs_profile",
)
README = "readme"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _references(table: str, name: str) -> tuple[str, str] | None:
    if (table, name) in REFERENCES:
        return REFERENCES[(table, name)]
    if name == "customer_id" and table != "customers":
        return ("customers", "customer_id")
    return None


def create_statement(table: str, cols: list[dictionary.Column], present: set[str]) -> str:
    """CREATE TABLE for `table`: typed columns, its primary key, its foreign keys (to the
    tables in `present`), booleans checked to be 0 or 1."""
    key = PRIMARY_KEYS.get(table)
    parts = []
    for col in cols:
        sql = f"{_quote(col.name)} {SQL_TYPES[col.kind]}"
        if col.name == key:
            sql += " PRIMARY KEY NOT NULL"
        if col.kind == dictionary.BOOLEAN:
            sql += f" NOT NULL CHECK ({_quote(col.name)} IN (0, 1))"
        parts.append(sql)
    for col in cols:
        ref = _references(table, col.name)
        if ref and ref[0] in present:
            parts.append(
                f"FOREIGN KEY ({_quote(col.name)}) REFERENCES {_quote(ref[0])} ({_quote(ref[1])})"
            )
    return f"CREATE TABLE {_quote(table)} (\n  " + ",\n  ".join(parts) + "\n)"


def _values(series: pd.Series, kind: str) -> list:
    """A column as Python values sqlite3 binds: None for missing, 0/1, ISO dates."""
    missing = series.isna().to_numpy()
    if kind == dictionary.DATE:
        values = series.dt.strftime("%Y-%m-%d").astype(object).tolist()
    elif kind == dictionary.BOOLEAN:
        values = series.astype("int64").tolist()
    elif kind == dictionary.TEXT:
        values = series.astype(object).tolist()
    else:
        values = series.tolist()
    if missing.any():
        values = [None if gone else v for v, gone in zip(values, missing, strict=True)]
    return values


def _order(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Parents first (customers, rewards), then the rest in their order."""
    parents = [name for name in ("customers", "rewards") if name in tables]
    return parents + [name for name in tables if name not in parents]


def write_database(tables: Mapping[str, pd.DataFrame], target: str | os.PathLike) -> None:
    """Write `tables` into a new SQLite file at `target` (which must not exist): schema,
    rows in one transaction, indexes, the readme table; OutputError if a foreign key breaks."""
    con = sqlite3.connect(target, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = OFF")  # a temporary file: removed if anything fails
        con.execute("PRAGMA synchronous = OFF")
        con.execute("BEGIN")
        present = set(tables)
        readme: list[tuple] = []
        for table in _order(tables):
            df = tables[table]
            cols = dictionary.describe(table, df)
            con.execute(create_statement(table, cols, present))
            if len(df):
                marks = ", ".join("?" * len(cols))
                rows = zip(*(_values(df[c.name], c.kind) for c in cols), strict=True)
                con.executemany(f"INSERT INTO {_quote(table)} VALUES ({marks})", rows)
            readme.append((table, "", "", "", table, dictionary.table_meaning(table)))
            readme += [(table, c.name, c.kind, SQL_TYPES[c.kind], c.label, c.meaning) for c in cols]
            for col in cols:
                if col.name != PRIMARY_KEYS.get(table) and (
                    col.name in INDEXED or _references(table, col.name)
                ):
                    con.execute(
                        f"CREATE INDEX {_quote(f'{table}_{col.name}')} "
                        f"ON {_quote(table)} ({_quote(col.name)})"
                    )
        con.execute(
            f"CREATE TABLE {README} (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
            "kind TEXT NOT NULL, sql_type TEXT NOT NULL, label TEXT NOT NULL, "
            "meaning TEXT NOT NULL, PRIMARY KEY (table_name, column_name))"
        )
        con.executemany(f"INSERT INTO {README} VALUES (?, ?, ?, ?, ?, ?)", readme)
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, _rowid, parent, _fk = broken[0]
            raise OutputError(
                _(
                    "{path}: {n} rows of table {table} name a row of {parent} that is not "
                    "there; nothing was written",
                    path=target,
                    n=len(broken),
                    table=table,
                    parent=parent,
                )
            )
        con.execute("COMMIT")
    finally:
        con.close()


def to_sql(
    tables: Mapping[str, pd.DataFrame],
    path: str | os.PathLike,
    overwrite: bool = False,
    option: str = "--out",
) -> Path:
    """Write `tables` as the SQLite file `path`, atomically; `overwrite` replaces a file."""
    return write_with(path, lambda tmp: write_database(tables, tmp), force=overwrite, option=option)


def kinds(con: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """table -> column -> kind, from the file's readme table."""
    found: dict[str, dict[str, str]] = {}
    rows = con.execute(
        f"SELECT table_name, column_name, kind FROM {README} WHERE column_name != '' ORDER BY rowid"
    )
    for table, name, kind in rows:
        found.setdefault(table, {})[name] = kind
    return found


def read_sql(path: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """Every table of a file `to_sql` wrote, with the dtypes of sim.columns.as_stored."""
    con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        out = {}
        for table, cols in kinds(con).items():
            raw = pd.read_sql(f"SELECT * FROM {_quote(table)} ORDER BY rowid", con)
            out[table] = dictionary.restore(raw, cols)
        return out
    finally:
        con.close()

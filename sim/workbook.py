"""A run's tables as one Excel workbook, for a class that lives in Excel (written by
sim.xlsx, column at a time: openpyxl's write-only mode was three times too slow; read back
with pandas and openpyxl).

A sheet per table, named as the table: a frozen bold header row (the column names; in
Chinese the columns' Chinese labels), money in the currency, days with two decimals, dates as
date cells, column widths set; a README sheet first describes every table and column.
Missing numbers and empty text are empty cells. Excel holds at most MAX_ROWS rows a sheet:
a table longer than that is refused, naming it, before anything is written. The file is
written under a temporary name and renamed into place only when complete.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from sim import columns as dictionary
from sim import xlsx
from sim.i18n import _, language_in_use
from sim.outputs import OutputError, write_with

MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header row included
README = "README"
CURRENCY_FORMATS = {"CNY": '"¥"#,##0.00', "USD": '"$"#,##0.00', "EUR": '"€"#,##0.00'}
DAY_FORMAT = "0.00"
REAL_FORMAT = "0.000"
DATE_FORMAT = "yyyy-mm-dd"
README_HEADER = ("table", "column", "label", "kind", "meaning")


def money_format(currency: str) -> str:
    """Excel's number format for amounts in `currency` (its symbol, else its code)."""
    return CURRENCY_FORMATS.get(currency, f'#,##0.00 "{currency}"' if currency else "#,##0.00")


def check_rows(tables: Mapping[str, pd.DataFrame], path: str | os.PathLike = "") -> None:
    """OutputError naming every table longer than a sheet holds, and the fix."""
    over = [(name, len(df)) for name, df in tables.items() if len(df) > MAX_ROWS - 1]
    if over:
        listed = [_("table {table} has {rows:,} rows", table=t, rows=n) for t, n in over]
        raise OutputError(
            _(
                "{path}: Excel holds at most {limit:,} rows a sheet, and {tables}; nothing was "
                "written. Use --format sqlite (no such limit), or fewer --customers or --days",
                path=path,
                limit=MAX_ROWS - 1,
                tables=_("; ").join(listed),
            )
        )


def _width(text: str) -> float:
    """Excel column width of `text`: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _header_label(col: dictionary.Column, labels: bool | None = None) -> str:
    """The header of a column: its label (by default in Chinese only), else its name."""
    if labels is None:
        labels = language_in_use() == "zh"
    return col.label if labels else col.name


def _number_format(col: dictionary.Column, currency: str) -> str | None:
    if col.kind == dictionary.DATE:
        return DATE_FORMAT
    if col.kind == dictionary.REAL:
        if col.name in dictionary.MONEY:
            return money_format(currency)
        return DAY_FORMAT if col.name in dictionary.DAYS else REAL_FORMAT
    if col.kind == dictionary.INTEGER and col.name in dictionary.MONEY:
        return money_format(currency)
    return None


KINDS = {
    dictionary.INTEGER: "number",
    dictionary.REAL: "number",
    dictionary.BOOLEAN: "boolean",
    dictionary.DATE: "date",
    dictionary.TEXT: "text",
}


def _write_sheet(
    out: xlsx.Writer, table: str, df: pd.DataFrame, currency: str, labels: bool | None
) -> list:
    cols = dictionary.describe(table, df)
    head = df.head(50)
    widths = []
    for col in cols:
        sample = [_width(str(v)) for v in head[col.name].tolist()]
        fixed = {dictionary.DATE: 11, dictionary.BOOLEAN: 7}.get(col.kind, 10)
        widths.append(
            min(max([_width(_header_label(col, labels)) + 2, fixed, *(w + 2 for w in sample)]), 40)
        )
    columns = [
        xlsx.Column(
            df[col.name],
            KINDS[col.kind],
            xlsx.Style(number_format=_number_format(col, currency)),
        )
        for col in cols
    ]
    out.sheet(table, [_header_label(c, labels) for c in cols], columns, widths)
    return cols


def _write_readme(out: xlsx.Writer, described: list[tuple[str, list]], about: list[str]) -> None:
    rows = []
    for table, cols in described:
        rows.append((table, "", "", "", dictionary.table_meaning(table)))
        rows += [(table, c.name, c.label, c.kind, c.meaning) for c in cols]
    rows.append(("", "", "", "", ""))
    rows += [("", "", "", "", line) for line in about]
    frame = pd.DataFrame(rows, columns=list(README_HEADER), dtype=object)
    wrap = xlsx.Style(wrap=True)
    columns = [xlsx.Column(frame[name].astype(str), "text", wrap) for name in README_HEADER]
    out.sheet(README, list(README_HEADER), columns, [20, 26, 30, 9, 70])


def notes(currency: str) -> list[str]:
    """What the README sheet says about the file as a whole, in the language in use."""
    return [
        _(
            "Headers: in English the column names of the data contract, in Chinese their "
            "labels; this sheet gives both."
        ),
        _(
            "Days count from the scenario's start date (negative: before it); dates are "
            "calendar days. Money is in {currency}.",
            currency=currency or "-",
        ),
        _("Empty cells: a missing number (for example churn_day of an active customer)."),
        _("Columns marked (truth) are the simulator's truth, which a real CRM never sees."),
    ]


def write_workbook(
    tables: Mapping[str, pd.DataFrame],
    target: str | os.PathLike,
    currency: str = "",
    labels: bool | None = None,
) -> None:
    """Write `tables` as a workbook at `target`: the README sheet, then a sheet per table.
    Headers are the columns' labels when `labels` (by default: when the language is zh),
    else their names."""
    check_rows(tables, target)
    out = xlsx.Writer(target)
    described = [(t, dictionary.describe(t, df)) for t, df in tables.items()]
    _write_readme(out, described, notes(currency))
    for table, df in tables.items():
        _write_sheet(out, table, df, currency, labels)
    out.close()


def to_excel(
    tables: Mapping[str, pd.DataFrame],
    path: str | os.PathLike,
    currency: str = "",
    overwrite: bool = False,
    option: str = "--out",
    labels: bool | None = None,
) -> Path:
    """Write `tables` as the workbook `path`, atomically; refused when a table is longer than
    a sheet holds (check_rows), before anything is written."""
    check_rows(tables, path)
    return write_with(
        path,
        lambda tmp: write_workbook(tables, tmp, currency, labels),
        force=overwrite,
        option=option,
    )


def read_excel(path: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """Every table of a workbook `to_excel` wrote, with the dtypes of sim.columns.as_stored
    (the headers read back as the contract's column names, in either language)."""
    readme = pd.read_excel(path, sheet_name=README, engine="openpyxl", dtype=object)
    listed = readme.dropna(subset=["column"])
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    out = {}
    for table, rows in listed.groupby("table", sort=False):
        kinds = dict(zip(rows["column"], rows["kind"], strict=True))
        raw = sheets[table]
        raw.columns = list(kinds)
        out[table] = dictionary.restore(raw, kinds)
    return out

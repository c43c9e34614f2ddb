"""A run's tables as one Excel workbook (openpyxl, write-only mode), for a class that
lives in Excel.

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
from copy import copy
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from sim import columns as dictionary
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
        raise OutputError(
            _(
                "{path}: Excel holds at most {limit:,} rows a sheet, and {tables}; nothing was "
                "written. Use --format sqlite (no such limit), or fewer --customers or --days",
                path=path,
                limit=MAX_ROWS - 1,
                tables=", ".join(
                    _("table {table} has {rows:,} rows", table=name, rows=rows)
                    for name, rows in over
                ),
            )
        )


def _width(text: str) -> float:
    """Excel column width of `text`: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _header_label(col: dictionary.Column) -> str:
    return col.label if language_in_use() == "zh" else col.name


def _number_format(col: dictionary.Column, currency: str) -> str | None:
    if col.kind == dictionary.REAL:
        if col.name in dictionary.MONEY:
            return money_format(currency)
        return DAY_FORMAT if col.name in dictionary.DAYS else REAL_FORMAT
    if col.kind == dictionary.INTEGER and col.name in dictionary.MONEY:
        return money_format(currency)
    return None


def _cells(series: pd.Series, col: dictionary.Column, proto: WriteOnlyCell | None) -> list:
    """A column as what openpyxl writes: None for missing or empty, dates, styled numbers."""
    missing = series.isna().to_numpy()
    if col.kind == dictionary.DATE:
        values = list(series.dt.date)
    elif col.kind == dictionary.TEXT:
        values = series.astype(object).tolist()
        missing = missing | (series.astype(str) == "").to_numpy()
        values = [
            _text_cell(proto, v) if isinstance(v, str) and v[:1] == "=" else v for v in values
        ]
    else:
        values = series.tolist()
    if proto is not None and col.kind != dictionary.TEXT:
        values = [_styled(proto, v) for v in values]
    if missing.any():
        values = [None if gone else v for v, gone in zip(values, missing, strict=True)]
    return values


def _styled(proto: WriteOnlyCell, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(proto.parent, value=value)
    cell._style = copy(proto._style)
    return cell


def _text_cell(proto: WriteOnlyCell | None, value: str) -> WriteOnlyCell:
    """Text that starts with '=' stays text (openpyxl would write a formula)."""
    cell = WriteOnlyCell(proto.parent if proto is not None else None, value=value)
    cell.data_type = "s"
    return cell


def _write_sheet(wb: Workbook, table: str, df: pd.DataFrame, currency: str) -> list:
    ws = wb.create_sheet(table)
    cols = dictionary.describe(table, df)
    ws.freeze_panes = "A2"
    head = df.head(50)
    for i, col in enumerate(cols, start=1):
        sample = [_width(str(v)) for v in head[col.name].tolist()]
        fixed = {dictionary.DATE: 11, dictionary.BOOLEAN: 7}.get(col.kind, 10)
        wide = max([_width(_header_label(col)) + 2, fixed, *(w + 2 for w in sample)])
        ws.column_dimensions[get_column_letter(i)].width = min(wide, 40)
    bold = Font(bold=True)
    header = []
    for col in cols:
        cell = WriteOnlyCell(ws, value=_header_label(col))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    columns = []
    for col in cols:
        fmt = _number_format(col, currency)
        proto = None
        if fmt is not None or col.kind == dictionary.TEXT:
            proto = WriteOnlyCell(ws, value=0)
            if fmt is not None:
                proto.number_format = fmt
        columns.append(_cells(df[col.name], col, proto))
    for row in zip(*columns, strict=True):
        ws.append(row)
    return cols


def _write_readme(wb: Workbook, described: list[tuple[str, list]], about: list[str]) -> None:
    ws = wb.create_sheet(README, 0)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (20, 26, 30, 9, 70), strict=True):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for name in README_HEADER:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for table, cols in described:
        cell = WriteOnlyCell(ws, value=dictionary.table_meaning(table) or None)
        cell.alignment = wrap
        name = WriteOnlyCell(ws, value=table)
        name.font = bold
        ws.append([name, None, None, None, cell])
        for col in cols:
            ws.append([table, col.name, col.label, col.kind, col.meaning or None])
    ws.append([])
    for line in about:
        ws.append([None, None, None, None, line])


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
    tables: Mapping[str, pd.DataFrame], target: str | os.PathLike, currency: str = ""
) -> None:
    """Write `tables` as a workbook at `target`: the README sheet, then a sheet per table."""
    check_rows(tables, target)
    wb = Workbook(write_only=True)
    described = [(t, _write_sheet(wb, t, df, currency)) for t, df in tables.items()]
    _write_readme(wb, described, notes(currency))
    wb.save(target)


def to_excel(
    tables: Mapping[str, pd.DataFrame],
    path: str | os.PathLike,
    currency: str = "",
    overwrite: bool = False,
    option: str = "--out",
) -> Path:
    """Write `tables` as the workbook `path`, atomically; refused when a table is longer than
    a sheet holds (check_rows), before anything is written."""
    check_rows(tables, path)
    return write_with(
        path,
        lambda tmp: write_workbook(tables, tmp, currency),
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

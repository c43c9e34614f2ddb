"""Reading the cells of an export's date, amount and status columns, whatever their form.

Dates: ISO (2025-10-01), 2025/10/01, 2025.10.01, 20251001 (as CDNOW writes them),
2025年10月1日, 01/10/2025 (day or month first, decided for the whole column), month names
(Oct 1, 2025), Excel date cells and serial numbers; a time of day is dropped (a datetime is
its calendar day). Each distinct text is parsed once, so a million rows cost little.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIALS = (20_000, 110_000)  # Excel serial numbers of 1954..2201: plausible order dates

_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_ZH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_TIME = re.compile(
    r"(?:[T ]\s*|(?<=日)|(?<=号))\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?\s*"
    r"(?:Z|[+-]\d{2}:?\d{2})?$"
)
_LETTERS = re.compile(r"[A-Za-z]{3}")
CANCELLED = ("cancel", "refund", "退款", "取消", "已退")


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        day = dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def _serial(number: float) -> dt.date | None:
    """A number as a date: 20251001 (yyyymmdd) or an Excel serial day."""
    if not np.isfinite(number) or number != int(number):
        return None
    n = int(number)
    if 19_000_101 <= n <= 22_001_231:
        return _date(str(n)[:4], str(n)[4:6], str(n)[6:])
    if SERIALS[0] <= n <= SERIALS[1]:
        return EXCEL_EPOCH + dt.timedelta(days=n)
    return None


def _text_date(text: str, day_first: bool) -> dt.date | None:
    for pattern in (_YMD, _ZH, _COMPACT):
        m = pattern.match(text)
        if m:
            return _date(*m.groups())
    m = _DMY.match(text)
    if m:
        a, b, year = m.groups()
        return _date(year, a, b) if not day_first else _date(year, b, a)
    if _LETTERS.search(text):  # Oct 1, 2025 / 1 October 2025
        stamp = pd.to_datetime(text, errors="coerce")
        if not pd.isna(stamp) and EARLIEST <= stamp.date() <= LATEST:
            return stamp.date()
    return None


def _day_first(texts: list[str]) -> bool:
    """Whether dd/mm/yyyy rather than mm/dd/yyyy: a first field above 12 says so; a
    second field above 12 says the opposite; with neither, month first (as Excel's US
    exports write them)."""
    firsts, seconds = [], []
    for text in texts:
        m = _DMY.match(text)
        if m:
            firsts.append(int(m[1]))
            seconds.append(int(m[2]))
    return bool(firsts) and max(firsts) > 12 >= max(seconds)


def parse_dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray, bool]:
    """(datetime64[D] per cell, True where a filled cell is not a date, whether text
    dates of the dd/mm/yyyy kind were read day first). Empty cells are NaT and not bad."""
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.to_numpy().astype("datetime64[D]")
        return out, np.zeros(len(values), dtype=bool), False
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = [_TIME.sub("", v.strip()) if isinstance(v, str) else v for v in uniques.tolist()]
    day_first = _day_first([t for t in texts if isinstance(t, str)])
    parsed: list[dt.date | None] = []
    empty: list[bool] = []
    for value in texts:
        blank = value is None or (isinstance(value, str) and not value)
        empty.append(blank)
        if blank:
            parsed.append(None)
        elif isinstance(value, dt.datetime | pd.Timestamp):
            parsed.append(value.date())
        elif isinstance(value, dt.date):
            parsed.append(value)
        elif isinstance(value, int | float | np.integer | np.floating) and not isinstance(
            value, bool
        ):
            parsed.append(_serial(float(value)))
        elif isinstance(value, str):
            parsed.append(_text_date(value, day_first))
        else:
            parsed.append(None)
    table = np.array(
        [np.datetime64(p, "D") if p is not None else np.datetime64("NaT") for p in parsed]
        + [np.datetime64("NaT")],
        dtype="datetime64[D]",
    )
    blank = np.array(empty + [True])
    out = table[codes]  # -1 (missing) picks the trailing NaT
    bad = ~blank[codes] & np.isnat(out)
    return out, bad, day_first


_MONEY = re.compile(r"[¥￥$€£,\s]|元|RMB|CNY|USD|EUR|GBP", re.IGNORECASE)


def parse_amounts(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(amount per cell as float, True where a filled cell is not a number, True where
    the cell is empty). Currency signs, thousands separators and (12.50) are understood."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        number = values.to_numpy(dtype=float, na_value=np.nan)
        empty = np.isnan(number)
        return number, ~empty & ~np.isfinite(number), empty
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    empty = (text == "").to_numpy()
    cleaned = text.str.replace(_MONEY, "", regex=True)
    cleaned = cleaned.str.replace(r"^\((.*)\)$", r"-\1", regex=True)
    number = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~empty & ~np.isfinite(number)
    return number, bad, empty


def cancelled(values: pd.Series) -> np.ndarray:
    """True where a status cell says the order was cancelled or refunded (English or Chinese)."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.lower()
    hit = np.zeros(len(values), dtype=bool)
    for word in CANCELLED:
        hit |= text.str.contains(word, regex=False).to_numpy()
    return hit


def texts(values: pd.Series) -> np.ndarray:
    """Cells as stripped text ("" for empty); whole numbers without a trailing .0 (an id
    Excel stored as 1001.0 is 1001)."""
    if pd.api.types.is_float_dtype(values):
        number = values.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(number) & (number == np.round(number))
        out = np.where(
            whole,
            np.char.mod("%d", np.where(whole, number, 0).astype(np.int64)),
            values.astype(str),
        )
        return np.where(np.isnan(number), "", out).astype(object)
    if pd.api.types.is_integer_dtype(values):
        return values.astype(str).to_numpy(dtype=object)

    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, float) and v == int(v):
            return str(int(v))
        return str(v).strip()

    return np.array([one(v) for v in values.tolist()], dtype=object)

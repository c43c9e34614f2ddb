"""The existing customers a twin starts from (`population.base`): their purchase history.

A base file is a CSV written by `python -m sim calibrate`, one row per customer seen before
the start, with the BG/NBD summary of their history (Fader, Hardie and Lee 2005):

    customer        a pseudonym (the salted hash of the CRM's id)
    first_day       table day of their first purchase (<= 0: before the start)
    last_day        table day of their last purchase (first_day <= last_day <= 0)
    frequency       repeat purchase occasions (x), a whole number >= 0
    recency         days from the first to the last purchase (t_x)
    T               days from the first purchase to the end of the calibration period
    monetary_value  mean amount of the repeat occasions (0 when frequency is 0)
    spend           total amount of all occasions

Each customer enters the world at the start with what the model believes about them given
that history (sim.world.population.draw_base). The file is read once per run and checked
as a whole: every problem names the file, the column, the row and the fix.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.i18n import N_, _
from sim.problems import Problem, ScenarioError

NUMBERS = ("first_day", "last_day", "frequency", "recency", "T", "monetary_value", "spend")
COLUMNS = ("customer", *NUMBERS)
# rows named for one kind of problem; the rest are counted
SHOWN_ROWS = 5


@dataclass(frozen=True)
class Base:
    """Column arrays of a base file, in its row order."""

    customer: np.ndarray  # object array of pseudonyms
    first_day: np.ndarray
    last_day: np.ndarray
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary_value: np.ndarray
    spend: np.ndarray

    def __len__(self) -> int:
        return len(self.customer)


def read_base(path: str | Path) -> Base:
    """Read and check a base file; raise ScenarioError listing every problem found."""
    path = Path(path)
    try:
        stat = os.stat(path)
    except OSError:
        raise ScenarioError(
            [
                Problem(
                    "",
                    None,
                    _("a base file of existing customers (CSV)"),
                    _("no such file"),
                    _(
                        "check population.base in the scenario (a path relative to the "
                        "scenario file), or run python -m sim calibrate again"
                    ),
                )
            ],
            str(path),
            N_("base file"),
        ) from None
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read(path: str, _mtime: int, _size: int) -> Base:
    """The file's content, cached while the file does not change (a run reads it once,
    replications and the lab's re-runs read it from memory)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise _error(
            path,
            [Problem("", None, _("a header line: {names}", names=_names()), _("an empty file"))],
        )
    header = [cell.strip() for cell in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise _error(
            path,
            [
                Problem(
                    name,
                    1,
                    _("a column {name}", name=name),
                    _("the columns {found}", found=", ".join(header) or "-"),
                    _("a base file has the columns {names}", names=_names()),
                )
                for name in missing
            ],
        )
    at = {c: header.index(c) for c in COLUMNS}
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    lines = [i + 2 for i, r in enumerate(rows[1:]) if any(cell.strip() for cell in r)]
    bad: dict[tuple[str, str, str], list[int]] = {}

    def flag(column: str, expected: str, hint: str, line: int) -> None:
        bad.setdefault((column, expected, hint), []).append(line)

    values = {c: np.full(len(body), np.nan) for c in NUMBERS}
    ids = np.empty(len(body), dtype=object)
    for i, (row, line) in enumerate(zip(body, lines, strict=True)):
        ids[i] = row[at["customer"]].strip() if at["customer"] < len(row) else ""
        if not ids[i]:
            flag("customer", _("a customer pseudonym"), _("fill in the customer column"), line)
        for c in NUMBERS:
            cell = row[at[c]].strip() if at[c] < len(row) else ""
            try:
                v = float(cell)
            except ValueError:
                v = math.nan
            if not math.isfinite(v):
                flag(c, _("a number"), _("write a plain number such as 12.5"), line)
            values[c][i] = v
    _check_rows(values, lines, flag)
    seen: dict[str, int] = {}
    for i, name in enumerate(ids):
        if name and seen.setdefault(name, lines[i]) != lines[i]:
            flag("customer", _("each customer once"), _("merge the rows of one customer"), lines[i])
    if not body:
        raise _error(path, [Problem("", None, _("at least one customer row"), _("only a header"))])
    if bad:
        raise _error(path, [_problem(key, rows_) for key, rows_ in bad.items()])
    return Base(customer=ids, **values)


def _check_rows(values: dict[str, np.ndarray], lines: list[int], flag) -> None:
    """The rules a BG/NBD history obeys (NaN cells are already reported)."""
    v = values
    rules = (
        (
            "frequency",
            (v["frequency"] >= 0) & (v["frequency"] == np.round(v["frequency"])),
            _("a whole number of repeat purchases >= 0"),
            _("frequency counts purchase occasions after the first"),
        ),
        (
            "recency",
            v["recency"] >= 0,
            _("a number of days >= 0"),
            _("recency is last minus first purchase"),
        ),
        (
            "recency",
            v["recency"] <= v["T"] + 1e-9,
            _("at most T"),
            _("recency and T must use the same unit (days)"),
        ),
        (
            "recency",
            (v["frequency"] == 0) | (v["recency"] > 0),
            _("above 0 for a customer with repeat purchases"),
            _("frequency should count repeat purchase days"),
        ),
        (
            "T",
            v["T"] >= 0,
            _("a number of days >= 0"),
            _("T is the calibration end minus the first purchase"),
        ),
        (
            "first_day",
            v["first_day"] <= 0,
            _("a day <= 0 (before the start)"),
            _("first_day counts from the scenario's start_date"),
        ),
        (
            "last_day",
            (v["last_day"] >= v["first_day"]) & (v["last_day"] <= 0),
            _("a day between first_day and 0"),
            _("last_day counts from the scenario's start_date"),
        ),
        (
            "monetary_value",
            v["monetary_value"] >= 0,
            _("an amount >= 0"),
            _("returns belong out of the base"),
        ),
        ("spend", v["spend"] >= 0, _("an amount >= 0"), _("returns belong out of the base")),
    )
    with np.errstate(invalid="ignore"):
        for column, ok, expected, hint in rules:
            known = ~np.isnan(v[column])
            for i in np.flatnonzero(known & ~ok).tolist():
                flag(column, expected, hint, lines[i])


def _problem(key: tuple[str, str, str], lines: list[int]) -> Problem:
    column, expected, hint = key
    shown = ", ".join(str(n) for n in lines[:SHOWN_ROWS])
    found = (
        _("rows {rows}", rows=shown)
        if len(lines) <= SHOWN_ROWS
        else _("rows {rows} and {more:,} more", rows=shown, more=len(lines) - SHOWN_ROWS)
    )
    return Problem(column, lines[0], expected, found, hint)


def _names() -> str:
    return ", ".join(COLUMNS)


def _error(path: str, problems: list[Problem]) -> ScenarioError:
    return ScenarioError(problems, path, N_("base file"))

"""Small ready-made tables shipped under datasets/, so a notebook can open without simulating.

    >>> from sim import datasets
    >>> tables = datasets.load("coffee_chain")
    >>> tables["orders"].head(3)
       order_id  customer_id        day        date category channel  amount ...
    0         1            1 -179.99...  2025-07-05   coffee   store   ...

Each dataset is a folder written by `python -m sim run ... --csv-only` (see
datasets/README.md for the exact command and every column).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

DATASETS_DIR = Path(__file__).resolve().parents[1] / "datasets"

# Columns parsed as dates, per table.
_DATES = {
    "customers": ["birth_date", "signup_date"],
    "orders": ["date"],
    "daily": ["date"],
}
_CATEGORIES = {
    "customers": ["gender", "preferred_channel", "true_needs_profile"],
    "orders": ["category", "channel"],
}


def available() -> list[str]:
    """Names of the shipped datasets."""
    return sorted(p.name for p in DATASETS_DIR.iterdir() if (p / "summary.json").exists())


def load(name: str, tables: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Load a shipped dataset as a dict of DataFrames (all tables, or those named)."""
    folder = DATASETS_DIR / name
    if not (folder / "summary.json").exists():
        raise FileNotFoundError(
            f"no dataset {name!r} under {DATASETS_DIR}; available: {', '.join(available())}"
        )
    wanted = tables or sorted(p.stem for p in folder.glob("*.csv"))
    out = {}
    for table in wanted:
        path = folder / f"{table}.csv"
        if not path.exists():
            raise FileNotFoundError(f"{path}: dataset {name!r} has no table {table!r}")
        df = pd.read_csv(path, parse_dates=_DATES.get(table, []))
        for col in _CATEGORIES.get(table, []):
            if col in df:
                df[col] = df[col].astype("category")
        out[table] = df
    return out


def summary(name: str) -> dict:
    """The summary.json of a shipped dataset (scenario, seed, headline figures)."""
    return json.loads((DATASETS_DIR / name / "summary.json").read_text(encoding="utf-8"))

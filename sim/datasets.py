"""Small ready-made tables shipped under datasets/, so a notebook can open without simulating.

    >>> from sim import datasets
    >>> tables = datasets.load("coffee_chain")
    >>> tables["orders"].head(3)
       order_id  customer_id        day        date category channel  amount ...
    0         1            1 -179.99...  2025-07-05   coffee   store   ...

Each simulated dataset is a folder written by `python -m sim run ... --csv-only` (see
datasets/README.md for the exact command and every column). `cdnow_sample` is real data: the
CDNOW purchase history sample (2,357 customers, 1997-98) as shipped in the lifetimes package.

    >>> datasets.load("cdnow_sample").head(2)
       customer_id       date  quantity  amount
    0            1 1997-01-01         2   29.33
    1            1 1997-01-18         2   29.73
"""

from __future__ import annotations

import json
import sysconfig
from pathlib import Path

import pandas as pd

from sim.i18n import _


def _shipped_dir(name: str) -> Path:
    """datasets/ or scenarios/ beside the package in a checkout (and an editable install);
    otherwise where a wheel puts it: <prefix>/share/customer-workbench/NAME (pyproject's
    data-files)."""
    checkout = Path(__file__).resolve().parents[1] / name
    if checkout.is_dir():
        return checkout
    return Path(sysconfig.get_path("data")) / "share" / "customer-workbench" / name


def _datasets_dir() -> Path:
    return _shipped_dir("datasets")


DATASETS_DIR = _datasets_dir()
# The shipped scenarios, wherever the notebook or script runs from:
# sim.load_scenario(sim.SCENARIOS / "coffee_chain.yaml").
SCENARIOS = _shipped_dir("scenarios")

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


CDNOW_DIR = DATASETS_DIR / "cdnow_sample"
# Real (not simulated) datasets: name -> the file whose presence marks them as shipped.
_REAL = {"cdnow_sample": CDNOW_DIR / "CDNOW_sample.txt"}


def available() -> list[str]:
    """Names of the shipped datasets (simulated worlds and real data)."""
    simulated = [p.name for p in DATASETS_DIR.iterdir() if (p / "summary.json").exists()]
    return sorted(simulated + [name for name, f in _REAL.items() if f.exists()])


def load_cdnow_sample() -> pd.DataFrame:
    """CDNOW raw transactions: one row per purchase (customer_id, date, quantity, amount).

    customer_id is the sample's own index 1..2,357 (the file also holds the full-data id,
    kept as `master_id`). Several purchases on one day stay separate rows.
    """
    df = pd.read_csv(
        CDNOW_DIR / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "quantity", "amount"],
        dtype={"master_id": "int64", "customer_id": "int64", "date": str},
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df[["customer_id", "date", "quantity", "amount", "master_id"]]


def load_cdnow_summary() -> pd.DataFrame:
    """The published CDNOW calibration summary (weeks, to 1997-09-30), one row per customer.

    Columns customer_id, frequency, recency, T, monetary_value (mean repeat-purchase value,
    0 for customers without repeat purchases), as in Fader, Hardie and Lee (2005).
    """
    df = pd.read_csv(CDNOW_DIR / "cdnow_customers_summary_with_transactions.csv")
    df.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    return df


def load(name: str, tables: list[str] | None = None) -> dict[str, pd.DataFrame] | pd.DataFrame:
    """Load a shipped dataset: a dict of DataFrames for a simulated world (all tables, or
    those named); the transactions DataFrame for `cdnow_sample`."""
    if name == "cdnow_sample":
        return load_cdnow_sample()
    folder = DATASETS_DIR / name
    if not (folder / "summary.json").exists():
        raise FileNotFoundError(
            _(
                "no dataset {name} under {folder}; available: {names}",
                name=repr(name),
                folder=DATASETS_DIR,
                names=", ".join(available()),
            )
        )
    wanted = tables or sorted(p.stem for p in folder.glob("*.csv"))
    out = {}
    for table in wanted:
        path = folder / f"{table}.csv"
        if not path.exists():
            raise FileNotFoundError(
                _(
                    "{file}: dataset {name} has no table {table}",
                    file=path,
                    name=repr(name),
                    table=repr(table),
                )
            )
        df = pd.read_csv(path, parse_dates=_DATES.get(table, []))
        for col in _CATEGORIES.get(table, []):
            if col in df:
                df[col] = df[col].astype("category")
        out[table] = df
    return out


def summary(name: str) -> dict:
    """The summary.json of a shipped dataset (scenario, seed, headline figures)."""
    return json.loads((DATASETS_DIR / name / "summary.json").read_text(encoding="utf-8"))

"""What happens while the world runs, appended as plain columns; tables are built at the end.

Processes either append one event at a time (scalars to lists) or a settled batch (arrays);
`OrderLog.arrays()` joins both into one set of columns in a canonical order.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np


class OrderLog:
    """Orders as columns: customer index, env time, raw spend draw, category draw, a
    fulfilment problem, the severity of a service failure (0 none, 1 minor, 2 major,
    3 severe), whether the customer complained about it, the outreach trigger behind it,
    its discount and the loyalty points earned and redeemed on it."""

    NAMES = (
        "cust",
        "time",
        "z",
        "ucat",
        "problem",
        "failure",
        "complained",
        "trigger",
        "discount",
        "points_earned",
        "points_redeemed",
    )
    TYPES = (
        np.int64,
        np.float64,
        np.float64,
        np.float64,
        bool,
        np.int8,
        bool,
        np.int16,
        np.float64,
        np.int64,
        np.int64,
    )
    # the typed column (array module code) each column is kept in, order by order
    CODES = ("q", "d", "d", "d", "b", "b", "b", "h", "d", "q", "q")

    def __init__(self) -> None:
        self._empty()

    def _empty(self) -> None:
        # settled batches: only what varies (the rest is zero), as typed columns (a numpy
        # array per batch took ~100 bytes of header for ~3 orders of 24 bytes)
        self._batch_cust, self._batch_len = array("q"), array("q")
        self._batch_cols = (array("d"), array("d"), array("d"))  # time, z, ucat
        # rounds of many customers' orders placed by a window: whole columns, any of NAMES
        self._wide: list[dict[str, np.ndarray]] = []
        # orders placed one at a time, as typed columns (69 bytes an order, where lists of
        # Python numbers took ~190)
        self._rows = [array(code) for code in self.CODES]

    def add(
        self,
        cust: int,
        time: float,
        z: float,
        ucat: float,
        problem: bool = False,
        failure: int = 0,
        complained: bool = False,
        trigger: int = 0,
        discount: float = 0.0,
        points_earned: int = 0,
        points_redeemed: int = 0,
    ) -> int:
        """Append one order; return its position (to mark a failure on it later)."""
        rows = self._rows
        rows[0].append(cust)
        rows[1].append(time)
        rows[2].append(z)
        rows[3].append(ucat)
        rows[4].append(bool(problem))  # (a numpy bool is no int to `array`)
        rows[5].append(failure)
        rows[6].append(bool(complained))
        rows[7].append(trigger)
        rows[8].append(discount)
        rows[9].append(points_earned)
        rows[10].append(points_redeemed)
        return len(rows[0]) - 1

    def mark(self, position: int, failure: int, complained: bool) -> None:
        self._rows[5][position] = failure
        self._rows[6][position] = bool(complained)

    def add_batch(self, cust: int, times: Sequence[float], z: np.ndarray, ucat: np.ndarray) -> None:
        """A settled run of one customer's orders (no failures, triggers or points): their
        times (a list or an array) and float64 arrays of their draws."""
        if len(times):
            self._batch_cust.append(cust)
            self._batch_len.append(len(times))
            time, z_col, ucat_col = self._batch_cols
            time.extend(times)
            z_col.frombytes(z.tobytes())  # float64 arrays, so the bytes are doubles
            ucat_col.frombytes(ucat.tobytes())

    def add_columns(self, **columns: np.ndarray) -> None:
        """Many orders at once as columns (`cust` and `time` required; the rest default to
        zero), e.g. one round of the orders a window places for many customers."""
        if len(columns["cust"]):
            self._wide.append(columns)

    def __len__(self) -> int:
        wide = sum(len(w["cust"]) for w in self._wide)
        return len(self._rows[0]) + len(self._batch_cols[0]) + wide

    def arrays(self, release: bool = False) -> dict[str, np.ndarray]:
        """All orders sorted by time, ties by customer: the same whichever path logged them.
        `release` empties the log column by column as it goes (the world's tables are
        built once), so a large world never holds the log and its columns together."""
        batched = len(self._batch_cols[0])
        batch = dict(zip(("time", "z", "ucat"), self._batch_cols, strict=True))
        counts = np.frombuffer(self._batch_len, dtype=np.int64)
        wide_len = [len(w["cust"]) for w in self._wide]
        cols: list[np.ndarray | None] = []  # None: a column of zeros (nothing set it)
        for i, (name, kind) in enumerate(zip(self.NAMES, self.TYPES, strict=True)):
            zeros = name not in batch and name != "cust" and not self._rows[i]
            if zeros and all(name not in w for w in self._wide):
                cols.append(None)
                continue
            if name == "cust":
                head = np.repeat(np.frombuffer(self._batch_cust, dtype=np.int64), counts)
            elif name in batch:
                head = np.frombuffer(batch[name], dtype=np.float64)  # a view: sorting copies it
            else:
                head = np.zeros(batched, dtype=kind)
            parts = [head]
            for w, n in zip(self._wide, wide_len, strict=True):
                col = w.pop(name, None) if release else w.get(name)
                parts.append(
                    np.zeros(n, dtype=kind) if col is None else col.astype(kind, copy=False)
                )
            rows = self._rows[i]
            parts.append(
                np.frombuffer(rows, dtype=rows.typecode).astype(kind) if rows else head[:0]
            )
            if release:
                self._rows[i] = array(rows.typecode)
            cols.append(np.concatenate(parts) if len(parts) > 2 or len(parts[-1]) else head)
        del batch, counts, head, parts, rows
        if release:
            self._empty()  # the typed columns live on in `cols`' views until they are sorted
        order = np.lexsort((cols[0], cols[1]))  # by time, ties by customer
        out = {}
        for name, kind in zip(self.NAMES, self.TYPES, strict=True):
            col = cols.pop(0)  # sorted one at a time to keep the peak low
            out[name] = np.zeros(len(order), dtype=kind) if col is None else col[order]
        return out


class EventLog:
    """A small list-of-tuples log for rare events (renewals, contacts)."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.rows: list[tuple] = []

    def add(self, *row: object) -> None:
        self.rows.append(row)


class LedgerColumns:
    """The points ledger as typed columns: `append` takes the engine's row tuple
    (customer_id, day, delta, reason, balance) and keeps 33 bytes of it instead of a
    ~190-byte tuple (a 100,000-customer world writes millions of rows)."""

    REASONS = ("earn", "bonus", "redeem", "expire", "adjust", "referral")

    def __init__(self) -> None:
        self.cust, self.day, self.delta = array("q"), array("d"), array("q")
        self.reason, self.balance = array("b"), array("q")
        self._code = {r: i for i, r in enumerate(self.REASONS)}

    def append(self, row: tuple) -> None:
        cust, day, delta, reason, balance = row
        self.cust.append(cust)
        self.day.append(day)
        self.delta.append(delta)
        self.reason.append(self._code[reason])
        self.balance.append(balance)

    def columns(self) -> dict[str, np.ndarray]:
        """The rows as numpy columns (reason as its index into REASONS)."""
        return {
            "customer_id": np.frombuffer(self.cust, dtype=np.int64),
            "day": np.frombuffer(self.day, dtype=np.float64),
            "delta": np.frombuffer(self.delta, dtype=np.int64),
            "reason": np.frombuffer(self.reason, dtype=np.int8),
            "balance": np.frombuffer(self.balance, dtype=np.int64),
        }

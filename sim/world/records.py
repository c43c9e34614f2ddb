"""What happens while the world runs, appended as plain columns; tables are built at the end.

Processes either append one event at a time (scalars to lists) or a settled batch (arrays);
`OrderLog.arrays()` joins both into one set of columns in a canonical order.
"""

from __future__ import annotations

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

    def __init__(self) -> None:
        self._chunks: list[tuple[np.ndarray, ...]] = []
        self._rows: list[list] = [[] for _ in self.NAMES]

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
        values = (
            cust,
            time,
            z,
            ucat,
            problem,
            failure,
            complained,
            trigger,
            discount,
            points_earned,
            points_redeemed,
        )
        for col, value in zip(self._rows, values, strict=True):
            col.append(value)
        return len(self._rows[0]) - 1

    def mark(self, position: int, failure: int, complained: bool) -> None:
        self._rows[5][position] = failure
        self._rows[6][position] = complained

    def add_batch(self, cust: int, times: np.ndarray, z: np.ndarray, ucat: np.ndarray) -> None:
        if len(times):
            n = len(times)
            self._chunks.append(
                (
                    np.full(n, cust, dtype=np.int64),
                    times,
                    z,
                    ucat,
                    np.zeros(n, dtype=bool),
                    np.zeros(n, dtype=np.int8),
                    np.zeros(n, dtype=bool),
                    np.zeros(n, dtype=np.int16),
                    np.zeros(n),
                    np.zeros(n, dtype=np.int64),
                    np.zeros(n, dtype=np.int64),
                )
            )

    def __len__(self) -> int:
        return len(self._rows[0]) + sum(len(c[0]) for c in self._chunks)

    def arrays(self) -> dict[str, np.ndarray]:
        """All orders sorted by time, ties by customer: the same whichever path logged them."""
        parts = list(self._chunks)
        if self._rows[0]:
            parts.append(
                tuple(
                    np.asarray(col, dtype=t) for col, t in zip(self._rows, self.TYPES, strict=True)
                )
            )
        if parts:
            cols = [np.concatenate([p[i] for p in parts]) for i in range(len(self.NAMES))]
        else:
            cols = [np.empty(0, dtype=t) for t in self.TYPES]
        order = np.lexsort((cols[0], cols[1]))  # by time, ties by customer
        return dict(zip(self.NAMES, (c[order] for c in cols), strict=True))


class EventLog:
    """A small list-of-tuples log for rare events (renewals, contacts)."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.rows: list[tuple] = []

    def add(self, *row: object) -> None:
        self.rows.append(row)

"""What happens while the world runs, appended as plain columns; tables are built at the end.

Processes either append one event at a time (scalars to lists) or a settled batch (arrays);
`OrderLog.arrays()` joins both into one set of columns in a canonical order.
"""

from __future__ import annotations

import numpy as np


class OrderLog:
    """Orders as columns: customer index, env time, raw spend draw, category draw, problem."""

    def __init__(self) -> None:
        self._chunks: list[tuple[np.ndarray, ...]] = []
        self._cust: list[int] = []
        self._time: list[float] = []
        self._z: list[float] = []
        self._ucat: list[float] = []
        self._problem: list[bool] = []

    def add(self, cust: int, time: float, z: float, ucat: float, problem: bool = False) -> None:
        self._cust.append(cust)
        self._time.append(time)
        self._z.append(z)
        self._ucat.append(ucat)
        self._problem.append(problem)

    def add_batch(self, cust: int, times: np.ndarray, z: np.ndarray, ucat: np.ndarray) -> None:
        if len(times):
            cust_col = np.full(len(times), cust, dtype=np.int64)
            self._chunks.append((cust_col, times, z, ucat, np.zeros(len(times), dtype=bool)))

    def __len__(self) -> int:
        return len(self._cust) + sum(len(c[0]) for c in self._chunks)

    def arrays(self) -> dict[str, np.ndarray]:
        """All orders sorted by time, ties by customer: the same whichever path logged them."""
        parts = list(self._chunks)
        if self._cust:
            parts.append(
                (
                    np.asarray(self._cust, dtype=np.int64),
                    np.asarray(self._time, dtype=np.float64),
                    np.asarray(self._z, dtype=np.float64),
                    np.asarray(self._ucat, dtype=np.float64),
                    np.asarray(self._problem, dtype=bool),
                )
            )
        if parts:
            cols = [np.concatenate([p[i] for p in parts]) for i in range(5)]
        else:
            cols = [np.empty(0, np.int64), *(np.empty(0) for _ in range(3)), np.empty(0, bool)]
        order = np.lexsort((cols[0], cols[1]))  # by time, ties by customer
        return dict(
            zip(("cust", "time", "z", "ucat", "problem"), (c[order] for c in cols), strict=True)
        )


class EventLog:
    """A small list-of-tuples log for rare events (renewals, contacts)."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.rows: list[tuple] = []

    def add(self, *row: object) -> None:
        self.rows.append(row)

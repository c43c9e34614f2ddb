"""Every per-customer array of one world, in one place, able to grow during a run.

A struct of arrays: row c of every column is customer c. The columns are

- the traits `sim.world.population.Population` draws (signup, purchase_rate, key, ...);
- the world's state of each customer (`World.STATE`: signup_time, churn_time, sat, ...);
- each subsystem's own state, added by the subsystem with `add` (the lives' next order
  and purchase draws, the outbox's opt-outs and message ring, the program's refusals).

`append` brings in new customers mid-run (a referred friend): it writes their traits,
fills every other column with its fill value, and doubles the capacity when it runs out,
so growing by one customer at a time costs amortised O(columns). A column is read as
`store.name`, which is rebound to the current rows after every append: code keeps the
store, never a column, across an append, unless the store re-shares it (`share`: the
store sets the holder's attribute again after each append). `View` gives a subsystem only
the columns it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

import numpy as np

from sim.world.population import Population

TRAIT = object()  # the fill of a trait column: append must be given its rows


class CustomerStore:
    """The columns of every customer of one world (see the module's docstring)."""

    def __init__(self, pop: Population) -> None:
        self.n = len(pop)
        self._data: dict[str, np.ndarray] = {}
        self._fill: dict[str, Any] = {}
        self._on_append: list[Callable[[np.ndarray], None]] = []
        self._shared: list[tuple[object, dict[str, str]]] = []
        for f in fields(Population):
            self._data[f.name] = np.asarray(getattr(pop, f.name))
            self._fill[f.name] = TRAIT  # a new customer brings their own
        self._bind()

    def __len__(self) -> int:
        return self.n

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self._data)

    def add(
        self, name: str, fill: Any, dtype: Any = float, shape: tuple[int, ...] = ()
    ) -> np.ndarray:
        """A new column of state, every row `fill`; returns its current rows."""
        if name in self._data:
            raise ValueError(f"the store already has a column {name!r}")
        capacity = len(next(iter(self._data.values()))) if self._data else self.n
        self._data[name] = np.full((capacity, *shape), fill, dtype=dtype)
        self._fill[name] = fill
        setattr(self, name, self._data[name][: self.n])
        return getattr(self, name)

    def set(self, name: str, values: np.ndarray) -> None:
        """Replace a column's rows with `values` (a state column whose rows start unequal)."""
        self._data[name][: self.n] = values

    def share(self, holder: object, **attributes: str) -> None:
        """Set holder.attribute to the column named for it, now and after every append: a
        subsystem reads its columns as plain attributes (the hot path pays nothing)."""
        self._shared.append((holder, attributes))
        for attribute, name in attributes.items():
            setattr(holder, attribute, getattr(self, name))

    def on_append(self, callback: Callable[[np.ndarray], None]) -> None:
        """Call `callback(new_rows)` after each append (a subsystem's derived columns)."""
        self._on_append.append(callback)

    def close(self) -> None:
        """Forget the holders and callbacks (they hold the store back: a cycle the garbage
        collector would have to find); the columns stay readable."""
        self._shared.clear()
        self._on_append.clear()

    def append(self, **traits: np.ndarray) -> np.ndarray:
        """Add customers with these traits (every trait column, k rows each); every other
        column gets its fill value unless given. Returns the new rows' indices."""
        missing = [n for n, f in self._fill.items() if f is TRAIT and n not in traits]
        unknown = [n for n in traits if n not in self._data]
        if missing or unknown:
            raise ValueError(f"append needs every trait: missing {missing}, unknown {unknown}")
        k = len(next(iter(traits.values())))
        lo, hi = self.n, self.n + k
        capacity = len(next(iter(self._data.values())))
        if hi > capacity:
            grown = max(2 * capacity, hi, 16)
            for name, old in self._data.items():
                new = np.empty((grown, *old.shape[1:]), dtype=old.dtype)
                new[:lo] = old[:lo]
                self._data[name] = new
        for name, column in self._data.items():
            if name in traits:
                column[lo:hi] = traits[name]
            else:
                column[lo:hi] = self._fill[name]
        self.n = hi
        self._bind()
        for holder, attributes in self._shared:
            for attribute, name in attributes.items():
                setattr(holder, attribute, getattr(self, name))
        rows = np.arange(lo, hi)
        for callback in self._on_append:
            callback(rows)
        return rows

    def drop(self, *names: str) -> None:
        """Let go of columns nobody reads any more (a finished run's purchase draws)."""
        for name in names:
            del self._data[name], self._fill[name]
            delattr(self, name)

    def view(self, *names: str) -> View:
        """A view of only these columns (a subsystem's narrow window on the store)."""
        unknown = [n for n in names if n not in self._data]
        if unknown:
            raise ValueError(f"no such columns: {unknown}")
        return View(self, frozenset(names))

    def _bind(self) -> None:
        for name, column in self._data.items():
            setattr(self, name, column[: self.n])


class View:
    """Some columns of a store, always its current rows."""

    __slots__ = ("_store", "_names")

    def __init__(self, store: CustomerStore, names: frozenset[str]) -> None:
        self._store = store
        self._names = names

    def __getattr__(self, name: str) -> np.ndarray:
        if name in self._names:
            return getattr(self._store, name)
        raise AttributeError(f"this view of the customer store has no column {name!r}")

    def __len__(self) -> int:
        return self._store.n

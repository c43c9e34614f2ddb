"""The world's SimPy environment: SimPy's own, plus the two things its public API lacks.

- `call_at(t, callback)`: run a callback at an absolute time. `timeout(t - now)` lands at
  now + (t - now), which need not equal t in floating point, and an order worked out
  ahead must happen at exactly the time the one-event-per-order reference gives it.
- `close()`: end every process still waiting once a run is over, so a world is freed when
  dropped instead of by a garbage-collector pass over all it made (0.1-0.3 s a run).

Both need SimPy's queue, so this is the only module that touches SimPy's internals, and it
checks at import that they are the ones it was written against.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Generator
from heapq import heappush

import simpy
from simpy.events import NORMAL

TESTED = "4.1"  # the SimPy series whose internals (Environment._queue, _eid) this relies on
if not simpy.__version__.startswith(TESTED + ".") or not hasattr(simpy.Environment(), "_eid"):
    raise ImportError(
        f"sim.world.clock was written for SimPy {TESTED}.x, but SimPy {simpy.__version__} "
        f"is installed; install the pinned version: pip install 'simpy=={TESTED}.2'"
    )

AFTER_OTHERS = 2  # among events due at the same time, after URGENT (0) and NORMAL (1)


class _Due(simpy.Event):
    """An event already triggered (ok, no value) that runs its callback when due."""

    def __init__(self, env: simpy.Environment, callback: Callable[[simpy.Event], None]):
        super().__init__(env)
        self.callbacks.append(callback)
        self._ok = True
        self._value = None


class Clock(simpy.Environment):
    """A SimPy Environment that can run a callback at an exact time and close itself."""

    def __init__(self) -> None:
        super().__init__()
        self._running: weakref.WeakSet[Generator] = weakref.WeakSet()

    def process(self, generator: Generator) -> simpy.Process:
        """As SimPy's, remembering the generator so that `close` can end it."""
        self._running.add(generator)
        return super().process(generator)

    def call_at(
        self, t: float, callback: Callable[[simpy.Event], None], priority: int = NORMAL
    ) -> None:
        """Run `callback(event)` at exactly env time `t` (not before now); among events
        due at the same time, lower `priority` runs first (SimPy's URGENT, NORMAL, then
        AFTER_OTHERS)."""
        if t < self.now:
            raise ValueError(f"cannot schedule at {t}, before now ({self.now})")
        heappush(self._queue, (t, priority, next(self._eid), _Due(self, callback)))

    def close(self) -> None:
        """End every process still waiting and drop everything scheduled."""
        for generator in list(self._running):
            generator.close()
        self._running = weakref.WeakSet()
        self._queue.clear()

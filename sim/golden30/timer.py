"""The 30-minute clock: a plain object with an injectable clock (tests pass a fake one, so
nothing ever waits). Its widget is in sim.golden30.widgets."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.i18n import _


@dataclass
class Timer:
    """Counts down `minutes` from `start()`; `clock` returns seconds (time.monotonic)."""

    minutes: float = 30.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    started: float | None = None
    stopped: float | None = None

    def start(self) -> Timer:
        self.started, self.stopped = self.clock(), None
        return self

    def stop(self) -> float:
        """Freeze the clock (when the answers are handed in); returns seconds used."""
        if self.stopped is None:
            self.stopped = self.clock()
        return self.elapsed

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        end = self.stopped if self.stopped is not None else self.clock()
        return max(0.0, end - self.started)

    @property
    def remaining(self) -> float:
        return max(0.0, self.minutes * 60 - self.elapsed)

    @property
    def expired(self) -> bool:
        return self.started is not None and self.remaining <= 0

    def text(self) -> str:
        """'23:41 left', 'not started (30 minutes)' or 'time is up (31:05 used)'. Plain
        words: a clock emoji draws as a box where the browser lacks an emoji font."""
        if self.started is None:
            return _("not started ({minutes:g} minutes)", minutes=self.minutes)
        used = _mmss(self.elapsed)
        if self.stopped is not None:
            if self.expired:
                return _("handed in after {used} (over time)", used=used)
            return _("handed in after {used}", used=used)
        if self.expired:
            return _("time is up ({used} used)", used=used)
        return _("{left} left", left=_mmss(self.remaining))


def _mmss(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"

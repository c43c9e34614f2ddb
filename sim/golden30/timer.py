"""The 30-minute clock: a plain object with an injectable clock, and a thin widget over it.

Tests pass a fake clock, so nothing ever waits; the widget redraws once a second on the
notebook's event loop when there is one, and on every `refresh()` otherwise.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


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
        """'⏱ 23:41 left', '⏱ not started' or '⏱ time is up (31:05 used)'."""
        if self.started is None:
            return f"⏱ not started ({self.minutes:g} minutes)"
        used = _mmss(self.elapsed)
        if self.stopped is not None:
            return f"⏱ handed in after {used}" + (" (over time)" if self.expired else "")
        if self.expired:
            return f"⏱ time is up ({used} used)"
        return f"⏱ {_mmss(self.remaining)} left"


def _mmss(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def timer_widget(timer: Timer, tick: float = 1.0):
    """An ipywidgets Label showing the time left, redrawn every `tick` seconds when a
    running event loop (the notebook's) is available; `.refresh()` redraws it by hand."""
    import ipywidgets as widgets

    label = widgets.Label(value=timer.text())
    label.add_class("golden30-timer")

    def refresh() -> str:
        label.value = timer.text()
        return label.value

    async def ticker() -> None:
        while timer.stopped is None and not timer.expired:
            await asyncio.sleep(tick)
            refresh()
        refresh()

    try:
        label._task = asyncio.get_running_loop().create_task(ticker())
    except RuntimeError:  # no running loop (a plain script, a test): refresh by hand
        label._task = None
    label.refresh = refresh
    return label

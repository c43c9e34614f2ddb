"""The golden-30 widgets: a clock the trainee starts, and a Hand-in button that grades.

Both are thin over plain objects (Timer, grade): their callbacks are returned so tests press
them without a browser. The clock redraws once a second on the notebook's event loop when
there is one, and on every `refresh()` otherwise.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable

from sim.golden30.case import Case
from sim.golden30.checks import Report, grade
from sim.golden30.timer import Timer
from sim.i18n import _


def timer_widget(timer: Timer, tick: float = 1.0):
    """A Start button and the time left. The clock starts when the trainee presses Start
    (not when the cell runs), so "Run all cells" leaves the test waiting for them.
    `.start()` presses the button, `.refresh()` redraws, `.label` holds the text."""
    import ipywidgets as widgets

    label = widgets.Label(value=timer.text())
    button = widgets.Button(description=_("Start the 30 minutes"), button_style="primary")
    button.add_class("golden30-start")
    box = widgets.HBox([button, label])
    box.add_class("golden30-timer")

    def refresh() -> str:
        label.value = timer.text()
        return label.value

    async def ticker() -> None:
        while timer.stopped is None and not timer.expired:
            await asyncio.sleep(tick)
            refresh()
        refresh()

    def start(_click: object = None) -> str:
        if timer.started is None:
            timer.start()
        button.disabled = True
        try:
            box._task = asyncio.get_running_loop().create_task(ticker())
        except RuntimeError:  # no running loop (a plain script, a test): refresh by hand
            box._task = None
        return refresh()

    button.on_click(start)
    box._task = None
    if timer.started is not None:
        start()
    box.label, box.button, box.refresh, box.start = label, button, refresh, start
    return box


def hand_in_widget(
    answers: Callable[[], tuple[dict, dict, dict]], case: Case, timer: Timer | None = None
):
    """A Hand-in button: grades `answers()` (the trainee's three dicts, read when pressed)
    and stops the clock. Until pressed it says so. `.hand_in()` presses it and returns the
    Report; `.view` shows the result."""
    import ipywidgets as widgets

    button = widgets.Button(description=_("Hand in"), button_style="success")
    button.add_class("golden30-hand-in")
    waiting = _(
        "Not handed in yet: answer the three tasks, then press Hand in (it stops the clock)."
    )
    view = widgets.HTML(value=f"<pre>{html.escape(waiting)}</pre>")
    box = widgets.VBox([button, view])

    def hand_in(_click: object = None) -> Report:
        report = grade(*answers(), case, timer)
        view.value = f"<pre>{html.escape(str(report))}</pre>"
        button.disabled = report.answered
        return report

    button.on_click(hand_in)
    box.button, box.view, box.hand_in = button, view, hand_in
    return box

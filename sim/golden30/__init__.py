"""黄金30分钟 the golden-30-minutes test: one customer's record, three tasks, 30 minutes.

Modules: case (pick the customer by seed, the record, the answer key), checks (partial
credit and coaching feedback), timer (an injectable clock), widgets (the clock the
trainee starts, the Hand-in button).
Trainer: `python -m sim.golden30 --seed 7 --out keys/golden30.json` writes the answer key.
"""

from sim.golden30.case import (
    CLV,
    Case,
    CaseError,
    answer_key,
    make_case,
    pick_customer,
    write_answer_key,
)
from sim.golden30.checks import (
    Item,
    Report,
    check_opportunity,
    check_service,
    check_value,
    grade,
    offer_cost,
)
from sim.golden30.timer import Timer
from sim.golden30.widgets import hand_in_widget, timer_widget

__all__ = [
    "CLV",
    "Case",
    "CaseError",
    "Item",
    "Report",
    "Timer",
    "answer_key",
    "check_opportunity",
    "check_service",
    "check_value",
    "grade",
    "hand_in_widget",
    "make_case",
    "offer_cost",
    "pick_customer",
    "timer_widget",
    "write_answer_key",
]

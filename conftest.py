"""Repository-wide pytest setup: guard notebook runs against a known kernel-client stall
(sim/kernel_polling.py says what it is and what the guard measured), so every pytest run
here, nbval included, polls the kernel's reply socket in short slices. Notebook kernels
import `sim` from this checkout (PYTHONPATH), not from wherever the package is installed,
so a worktree's notebooks test the worktree's code. Under nbval, each notebook ends with
the "after run all" checks of tests/after_run_all.py (every exercise still unanswered).

Slowest files first, for both `make test` runs (tests/ and the notebooks under nbval):
pytest-xdist hands each worker a whole file at a time, in collection order (the Makefile
turns off its own reordering by test count, which sent the six browser tests, some three
minutes of work, last and left the other worker idle for 124 s). Starting the long files
first lets the short ones fill in beside them. The list is by measured time, slowest
first (`pytest --durations=0`)."""

import os
from pathlib import Path

import pytest

from sim import kernel_polling

pytest_plugins = ["tests.after_run_all"]

ROOT = str(Path(__file__).resolve().parent)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [ROOT, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != ROOT]]
)
kernel_polling.install()

# Tests read English unless they choose Chinese themselves (a zh_* locale on the machine
# running them must not change what they see); subprocesses inherit this.
os.environ["SIM_LANG"] = "en"

SLOWEST_FIRST = (
    "tests/test_browser.py",  # JupyterLab and Voila in Chromium: ~185 s
    "tests/test_levers_act.py",  # every lever's two ends: ~150 s
    "tests/test_app_room.py",  # a room of Voila pages: ~100 s
    "tests/test_loyalty_world.py",
    "tests/test_experiments_runs.py",
    "notebooks/07_planner_what_if.ipynb",
    "notebooks/zh/07_planner_what_if.ipynb",
    "notebooks/04_complaint_handling.ipynb",
    "notebooks/zh/04_complaint_handling.ipynb",
    "notebooks/00_start_here.ipynb",
    "notebooks/zh/00_start_here.ipynb",
    "notebooks/10_your_own_customers.ipynb",
    "notebooks/zh/10_your_own_customers.ipynb",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the files of SLOWEST_FIRST to the front, in its order; every other item keeps
    its place (the sort is stable, so a file's tests stay together and in order)."""
    rank = {path: i for i, path in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))

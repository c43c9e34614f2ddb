"""Slowest files first, for both `make test` runs (tests/ and the notebooks under nbval).

pytest-xdist hands each worker a whole file at a time, in collection order (the Makefile
turns off its own reordering by test count, which sent the six browser tests, some three
minutes of work, last). Starting the long files first lets the short ones fill in beside
them, so neither worker waits idle at the end: the unit run ended with one worker alone for
124 s before. The list is by measured time, slowest first (`pytest --durations=0`).
"""

from __future__ import annotations

import pytest

SLOWEST_FIRST = (
    "tests/test_exercises_unsolved.py",  # executes every notebook: ~300 s
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

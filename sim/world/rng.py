"""Random streams: everything random flows from one seed through SeedSequence.

Each subsystem gets its own stream, and each customer its own purchase stream, so a
change in one part of the world (a loyalty rule, a message) does not shift the draws of
another: replication k of every variant sees the same customers making the same choices
until something in the variant actually changes them (common random numbers).
"""

from __future__ import annotations

import numpy as np

# Subsystem numbers are part of the reproducibility contract: never renumber them.
POPULATION = 0
PROFILES = 1
PURCHASES = 2
SERVICE = 3
OUTREACH = 4
SURVEYS = 5
SHOCKS = 6
LOYALTY = 7


def stream(seed: int, subsystem: int) -> np.random.Generator:
    """The generator of one subsystem."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(subsystem,)))
    )


def customer_stream(
    seed: int, subsystem: int, customer_id: int, life: int = 0
) -> np.random.Generator:
    """The generator of one customer within a subsystem (for common random numbers);
    `life` > 0 for a customer who came back after leaving."""
    key = (subsystem, customer_id) if life == 0 else (subsystem, customer_id, life)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))

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


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a well-mixed 64-bit hash of each element (wrapping math)."""
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def keyed_uniforms(seed: int, subsystem: int, *keys: np.ndarray | int) -> np.ndarray:
    """Uniforms in [0, 1) that depend only on (seed, subsystem, keys), element-wise.

    A counter-based draw: customer c's draw for (day, trigger) is the same whoever else
    is drawn for at the same moment, which keeps common random numbers intact when a
    variant changes who gets a message, and lets a whole batch be drawn in one vector.
    """
    with np.errstate(over="ignore"):
        h = _splitmix(np.asarray([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))
        h = _splitmix(h ^ np.uint64(subsystem))
        for key in keys:
            h = _splitmix(h ^ np.asarray(key, dtype=np.int64).astype(np.uint64))
    return (h >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)

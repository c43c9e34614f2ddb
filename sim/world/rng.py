"""Random streams: everything random flows from one seed through SeedSequence.

Each subsystem gets its own stream, and each customer its own purchase stream, so a
change in one part of the world (a loyalty rule, a message) does not shift the draws of
another: replication k of every variant sees the same customers making the same choices
until something in the variant actually changes them (common random numbers).
"""

from __future__ import annotations

import numpy as np
from numpy.random.bit_generator import ISeedSequence

# Subsystem numbers are part of the reproducibility contract: never renumber them.
POPULATION = 0
PROFILES = 1
PURCHASES = 2
SERVICE = 3
OUTREACH = 4
SURVEYS = 5
SHOCKS = 6
LOYALTY = 7
INQUIRIES = 8  # the desk's questions that are not complaints: one stream per day
REFERRALS = 9  # a member's referrals: whether an order brings a friend, and when they come


def stream(seed: int, subsystem: int, *part: int) -> np.random.Generator:
    """The generator of one subsystem (or of one `part` of it, e.g. a trait of a block)."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(subsystem, *part)))
    )


def customer_stream(
    seed: int, subsystem: int, customer_id: int, life: int = 0
) -> np.random.Generator:
    """The generator of one customer within a subsystem (for common random numbers);
    `life` > 0 for a customer who came back after leaving."""
    return np.random.Generator(np.random.PCG64(HashedKey(seed, subsystem, customer_id, life)))


_MASK = (1 << 64) - 1
# SplitMix64's constants: its step, and its finaliser's two multipliers
GOLDEN, MIX1, MIX2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def _finalise(z: int) -> int:
    """SplitMix64's finaliser on a Python int (the scalar twin of `_splitmix`)."""
    z = ((z ^ (z >> 30)) * MIX1) & _MASK
    z = ((z ^ (z >> 27)) * MIX2) & _MASK
    return z ^ (z >> 31)


def _mix(z: int) -> int:
    """SplitMix64's step and finaliser: a well-mixed hash of z."""
    return _finalise((z + GOLDEN) & _MASK)


class HashedKey(ISeedSequence):
    """The seed of one customer's stream: the key (seed, subsystem, customer, life)
    hashed with SplitMix64 into the words a bit generator asks for.

    What `SeedSequence(seed, spawn_key=...)` does for a key, at about half its cost
    (8 µs a stream): a run makes tens of thousands of customer streams. Distinct keys
    give well-mixed, unrelated 256-bit PCG64 seeds (SplitMix64 is the generator the
    xoshiro and PCG authors recommend for seeding).
    """

    __slots__ = ("h",)

    def __init__(self, seed: int, subsystem: int, customer: int, life: int = 0) -> None:
        if not (0 <= customer < 1 << 40 and 0 <= life < 1 << 16 and 0 <= subsystem < 256):
            raise ValueError(f"key out of range: {subsystem=}, {customer=}, {life=}")
        packed = subsystem << 56 | life << 40 | customer
        self.h = _mix(_mix(int(seed) & _MASK) ^ packed)

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        return _run_from(self.h, n_words, dtype)


def _run_from(h: int, n_words: int, dtype) -> np.ndarray:
    """`n_words` words of SplitMix64 run from the hash `h` (a HashedKey's state)."""
    keep = (1 << np.dtype(dtype).itemsize * 8) - 1
    words, z = [], h
    for _ in range(n_words):
        z = (z + GOLDEN) & _MASK
        words.append(_finalise(z) & keep)
    return np.array(words, dtype=dtype)


class _Prehashed(ISeedSequence):
    """A HashedKey whose hash and PCG64 seed words were worked out for many keys at once
    (`Streams`): the same seed, without the per-key Python arithmetic."""

    __slots__ = ("h", "words")

    def __init__(self, h: int, words: np.ndarray) -> None:
        self.h, self.words = h, words

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        if n_words == len(self.words) and np.dtype(dtype) == np.uint64:
            return self.words
        return _run_from(self.h, n_words, dtype)


class Streams:
    """The customer streams of one world: `customer_stream`'s generators for each
    customer's key (`Population.key`: who they are, whatever the world's size), with the
    seeds of every first life in a subsystem hashed as one vector the first time that
    subsystem asks (a run makes tens of thousands of streams); `kept` ones last the run."""

    WORDS = 4  # what PCG64 asks its seed for: four 64-bit words

    def __init__(self, seed: int, keys) -> None:
        """`keys`: the customers' keys, or a customer store (whose rows may grow mid-run)."""
        self.seed = int(seed)
        if hasattr(keys, "on_append"):  # a CustomerStore
            self._store = keys.view("key")
        else:
            self._keys = np.asarray(keys, dtype=np.int64)
            self._store = None
        self._hashes: dict[int, np.ndarray] = {}
        self._words: dict[int, np.ndarray] = {}
        self._kept: dict[tuple[int, int], np.random.Generator] = {}

    @property
    def keys(self) -> np.ndarray:
        return self._store.key if self._store is not None else self._keys

    def kept(self, subsystem: int, customer: int) -> np.random.Generator:
        """The customer's one stream in `subsystem` for the whole run, made on first use."""
        g = self._kept.get((subsystem, customer))
        if g is None:
            g = self._kept[(subsystem, customer)] = self.new(subsystem, customer)
        return g

    def clear(self) -> None:
        """Let go of the kept streams (the run is over)."""
        self._kept.clear()

    def new(self, subsystem: int, customer: int, life: int = 0) -> np.random.Generator:
        """A new generator for the customer in row `customer`, equal to
        `customer_stream(seed, subsystem, key, life)`."""
        if subsystem not in self._words:
            self._hash(subsystem)
        if life or customer >= len(self._hashes[subsystem]):  # (joined after the hashing)
            return customer_stream(self.seed, subsystem, int(self.keys[customer]), life)
        key = _Prehashed(int(self._hashes[subsystem][customer]), self._words[subsystem][customer])
        return np.random.Generator(np.random.PCG64(key))

    def _hash(self, subsystem: int) -> None:
        if len(self.keys):
            HashedKey(self.seed, subsystem, int(self.keys.max()))  # checks the range
        packed = np.uint64(subsystem << 56) | np.asarray(self.keys).astype(np.uint64)  # life 0
        with np.errstate(over="ignore"):
            h = _splitmix(np.uint64(_mix(self.seed & _MASK)) ^ packed)
            steps = np.arange(self.WORDS, dtype=np.uint64) * _GOLDEN
            self._words[subsystem] = _splitmix(h[:, None] + steps)
        self._hashes[subsystem] = h


_GOLDEN, _MIX1, _MIX2 = np.uint64(GOLDEN), np.uint64(MIX1), np.uint64(MIX2)


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
    Leading whole-number keys are hashed as Python ints, the rest element-wise.
    """
    h = _mix(_mix(int(seed) & _MASK) ^ int(subsystem))
    keys_left = list(keys)
    while keys_left and isinstance(keys_left[0], int | np.integer):
        h = _mix(h ^ (int(keys_left.pop(0)) & _MASK))
    out = np.asarray([h], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for key in keys_left:
            out = _splitmix(out ^ np.asarray(key, dtype=np.int64).astype(np.uint64))
    return (out >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)

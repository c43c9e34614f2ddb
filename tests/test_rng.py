"""Random streams: keyed customer streams are distinct, reproducible, and the same however
they are made (one key at a time, or a whole subsystem's seeds hashed as one vector)."""

import numpy as np
import pytest

from sim.world import rng
from sim.world.population import ACQUIRED_KEY

KEYS = np.r_[np.arange(300), ACQUIRED_KEY + np.arange(200)]  # a base and acquisitions


def test_streams_equal_customer_stream_of_the_rows_key_for_every_subsystem_and_life():
    streams = rng.Streams(seed=2026, keys=KEYS[::-1])  # rows need not be in key order
    for subsystem in (rng.PURCHASES, rng.SERVICE, rng.SURVEYS, rng.LOYALTY):
        for c in (0, 1, 2, 255, 256, 499):
            key = int(KEYS[::-1][c])
            for life in (0, 1, 3):
                made = streams.new(subsystem, c, life).random(8)
                one = rng.customer_stream(2026, subsystem, key, life).random(8)
                assert np.array_equal(made, one), (subsystem, c, life)


def test_vector_seeds_are_the_keys_words_bit_for_bit():
    streams = rng.Streams(seed=7, keys=np.arange(1000))
    streams.new(rng.SURVEYS, 0)
    words = streams._words[rng.SURVEYS]
    for c in range(0, 1000, 37):
        key = rng.HashedKey(7, rng.SURVEYS, c)
        assert np.array_equal(words[c], key.generate_state(4, np.uint64))
        assert int(streams._hashes[rng.SURVEYS][c]) == key.h
        # other requests (32-bit words) come from the same run of SplitMix64
        assert np.array_equal(
            rng._Prehashed(key.h, words[c]).generate_state(8), key.generate_state(8)
        )


def test_distinct_keys_give_distinct_streams():
    streams = rng.Streams(seed=11, keys=np.arange(20_000))
    first = {
        streams.new(sub, c).integers(1 << 62)
        for sub in (rng.PURCHASES, rng.LOYALTY)
        for c in range(20_000)
    }
    assert len(first) == 40_000
    assert rng.customer_stream(11, 2, 5).random() != rng.customer_stream(12, 2, 5).random()


def test_out_of_range_keys_are_refused():
    with pytest.raises(ValueError, match="key out of range"):
        rng.HashedKey(1, 256, 0)
    with pytest.raises(ValueError, match="key out of range"):
        rng.Streams(1, np.arange(10)).new(2, 3, life=1 << 16)


def test_kept_streams_last_the_run_and_go_when_cleared():
    streams = rng.Streams(seed=3, keys=np.arange(10))
    kept = streams.kept(rng.SERVICE, 4)
    assert streams.kept(rng.SERVICE, 4) is kept
    assert np.array_equal(kept.random(3), rng.customer_stream(3, rng.SERVICE, 4).random(3))
    streams.clear()
    assert streams.kept(rng.SERVICE, 4) is not kept

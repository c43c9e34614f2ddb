"""Differences shown with their 95% interval: the paired-difference helper against closed
forms, and how a difference within noise is written."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.stats import paired_difference


def test_the_interval_of_three_pairs_is_the_closed_form_t_interval():
    # differences 1, 2, 3: mean 2, sd 1; with 2 degrees of freedom the t quantile has a
    # closed form, t(p) = (2p − 1) / sqrt(2p(1 − p))
    d = paired_difference([10.0, 20.0, 30.0], [11.0, 22.0, 33.0])
    t = (2 * 0.975 - 1) / math.sqrt(2 * 0.975 * 0.025)
    half = t * 1.0 / math.sqrt(3)
    assert (d.mean, d.n) == (2.0, 3)
    assert d.low == pytest.approx(2 - half, rel=1e-9) and d.high == pytest.approx(2 + half)
    assert d.within_noise and not d.significant  # 3 pairs this spread cannot tell
    wider = paired_difference([10.0, 20.0, 30.0, 40.0], [12.0, 23.0, 31.5, 42.5])
    assert wider.low > 0 and wider.significant and not wider.within_noise


def test_normal_pairs_with_known_sd_cover_the_true_difference_95_percent_of_the_time():
    """5 pairs of normal runs, difference N(0.3, 2²): 4,000 intervals cover 0.3 in 95% of
    cases (binomial se 0.34 points), and their mean half-width is t · E[s] / √5 with
    E[s] = c4(5) · σ, c4(n) = sqrt(2/(n−1)) Γ(n/2) / Γ((n−1)/2)."""
    rng = np.random.default_rng(12)
    n, sigma, delta, trials = 5, 2.0, 0.3, 4000
    base = rng.normal(100.0, 5.0, size=(trials, n))
    variant = base + rng.normal(delta, sigma, size=(trials, n))
    found = [paired_difference(a, b) for a, b in zip(base, variant, strict=True)]
    covered = np.mean([d.low <= delta <= d.high for d in found])
    assert covered == pytest.approx(0.95, abs=0.012)
    c4 = math.sqrt(2 / (n - 1)) * math.gamma(n / 2) / math.gamma((n - 1) / 2)
    t4 = 2.7764451051977987  # t(0.975, 4)
    half = np.mean([(d.high - d.low) / 2 for d in found])
    assert half == pytest.approx(t4 * c4 * sigma / math.sqrt(n), rel=0.03)


def test_a_no_op_change_is_within_noise_and_a_missing_pair_is_dropped():
    same = paired_difference([3.0, 4.0, 5.0], [3.0, 4.0, 5.0])
    assert (same.mean, same.low, same.high) == (0.0, 0.0, 0.0) and same.within_noise
    d = paired_difference([1.0, None, 3.0], [2.0, 7.0, 4.5])
    assert d.n == 2 and d.mean == 1.25
    one = paired_difference([1.0], [2.0])
    assert one.n == 1 and not one.known and not one.within_noise and not one.significant
    with pytest.raises(ValueError, match="2 baseline and 3 variant"):
        paired_difference([1.0, 2.0], [1.0, 2.0, 3.0])

"""Differences shown with their 95% interval: the paired-difference helper against closed
forms, and how a difference within noise is written."""

from __future__ import annotations

import concurrent.futures as cf
import math
import operator
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import sim  # noqa: E402
from sim.experiments import build_variant, read_variant, what_if  # noqa: E402
from sim.experiments.stats import paired_difference  # noqa: E402
from sim.experiments.sweep import Sweep  # noqa: E402
from sim.views.noise import (  # noqa: E402
    WITHIN_NOISE,
    Background,
    FigureSource,
    Paired,
    change_html,
    noise_style,
    pair_runs,
)
from sim.views.report import NOISE_MARK, plot_heatmap  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COFFEE = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml")


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


def _sweep_runs() -> pd.DataFrame:
    """A 1 × 2 grid and the baseline, 3 replications: point 'b' moves margin by +10 in
    every replication, point 'a' by −1, +1, 0 (within noise)."""
    base = [100.0, 120.0, 110.0]
    moves = {"x=1, y=1": [-1.0, 1.0, 0.0], "x=1, y=2": [10.0, 10.5, 9.5]}
    rows = [("baseline", k, k, "margin_after_costs", v) for k, v in enumerate(base)]
    for point, delta in moves.items():
        rows += [(point, k, k, "margin_after_costs", base[k] + d) for k, d in enumerate(delta)]
    return pd.DataFrame(rows, columns=["point", "replication", "seed", "metric", "value"])


def test_a_sweep_marks_the_points_within_noise_and_the_heatmap_shows_the_mark():
    sw = Sweep(
        scenario=None,
        grid={"x": [1], "y": [1, 2]},
        points=[{"x": 1, "y": 1}, {"x": 1, "y": 2}],
        seed=0,
        seeds=[0, 1, 2],
        runs=_sweep_runs(),
    )
    noise = sw.noise("margin_after_costs")
    assert noise.loc[1, 1] and not noise.loc[1, 2]
    fig = plot_heatmap(sw.pivot("margin_after_costs"), noise=noise)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["≈ 110", "120"]
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_xy() == (-0.5, -0.5)
    legend = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert legend == [NOISE_MARK] and "within noise" in NOISE_MARK
    plain = plot_heatmap(sw.pivot("margin_after_costs"))  # no mask: no mark, no legend
    assert [t.get_text() for t in plain.axes[0].texts] == ["110", "120"] and not plain.legends


def test_change_html_writes_within_noise_in_words_and_a_muted_style():
    quiet = paired_difference([1.0, 2.0, 3.0], [1.5, 1.5, 3.0])
    cell = change_html(quiet, "money")
    assert WITHIN_NOISE in cell and "sim-within-noise" in cell and "font-style:italic" in cell
    moved = paired_difference([0.10, 0.20, 0.30], [0.15, 0.26, 0.34], level=0.95)
    cell = change_html(moved, "share")
    assert WITHIN_NOISE not in cell and cell.startswith("<b>+5.0 pp</b>")
    assert "[+" in cell  # both bounds above 0
    assert "one run" in change_html(paired_difference([1.0], [2.0]), "count")
    assert change_html(None, "count") == ""


def test_what_if_reads_within_noise_for_a_no_op_and_not_for_a_lever_that_acts():
    program = build_variant(COFFEE, read_variant(ROOT / "scenarios/variants/coffee_loyalty.yaml"))
    size = {"customers": 150, "days": 90, "seed": 7, "replications": 3}
    same = what_if(program, {"loyalty.rules[weekend_double].multiplier": 2.0}, **size)
    assert (same["difference"] == 0).all() and (same["reading"] == WITHIN_NOISE).all()
    more = what_if(program, {"loyalty.rules[weekend_double].multiplier": 4.0}, **size)
    issued = more.loc["points_issued"]
    assert issued["ci_low"] > 0 and issued["reading"] == ""
    styled = noise_style(same).to_html()
    assert "font-style:italic" in styled or "font-style: italic" in styled


class Counting(cf.ThreadPoolExecutor):
    """A pool that counts what it was asked to run."""

    def __init__(self) -> None:
        super().__init__(2)
        self.asked: list[tuple] = []

    def submit(self, fn, /, *args, **kwargs):
        self.asked.append(args)
        return super().submit(fn, *args, **kwargs)


def test_replications_on_a_pool_come_back_in_seed_order_and_skip_what_is_known():
    seeds = [5, 6, 7, 8]
    kept = {(1000, 5): 1005}  # the baseline's first replication is already known
    source = FigureSource(
        operator.add, lambda w, s: kept.get((w, s)), lambda w, s, f: kept.update({(w, s): f})
    )
    here = pair_runs(FigureSource(operator.add), 1000, 2000, seeds, Paired(replications=4))
    with Counting() as pool:
        steps = []
        paired = pair_runs(
            source, 1000, 2000, seeds, Paired(replications=4), lambda d, t: steps.append(d),
            pool=pool,
        )  # fmt: skip
    assert paired == here and paired.baseline == [1005, 1006, 1007, 1008]
    assert steps == [1, 2, 3, 4] and (1000, 5) not in pool.asked and len(pool.asked) == 7
    assert kept == {(w, s): w + s for w in (1000, 2000) for s in seeds}  # all remembered


def test_a_cancelled_pool_job_stops_after_the_pair_it_has_and_drops_the_rest():
    paired = Paired(replications=4)
    source = FigureSource(operator.add, lambda w, s: None, lambda w, s, f: None)
    with Counting() as pool:
        out = pair_runs(
            source, 1, 2, [5, 6, 7, 8], paired, cancelled=lambda: paired.n >= 1,
            pool=pool,
        )  # fmt: skip
    assert out.n == 1 and out.baseline == [6] and out.variant == [7]


def test_a_failing_worker_run_raises_and_a_dead_worker_is_replaced():
    jobs = Background(threaded=True, workers=2)
    pool = jobs.pool()
    source = FigureSource(operator.truediv, lambda w, s: None, lambda w, s, f: None)
    with pytest.raises(ZeroDivisionError):
        pair_runs(source, 1, 2, [1, 0], Paired(replications=2), pool=pool)
    assert jobs.pool() is pool  # an error in a run does not break the pool
    with pytest.raises(cf.process.BrokenProcessPool):
        pool.submit(os._exit, 1).result()  # a worker dies (killed, out of memory...)
    fresh = jobs.pool()
    assert fresh is not pool and fresh.submit(operator.add, 2, 3).result() == 5
    assert Background(threaded=False, workers=2).pool() is None  # inline: no processes

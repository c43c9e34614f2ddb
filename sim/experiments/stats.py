"""Paired differences and t-based confidence intervals over replications.

Replication k of every variant shares its seed (common random numbers), so the
difference variant − baseline is taken per replication and its mean gets a Student-t
interval: mean ± t(0.975, n−1) · sd / √n.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.i18n import N_, _

LEVEL = 0.95
# how pages say that a difference's interval includes 0 (tables hold it in English; pages
# show it translated, with _(WITHIN_NOISE))
WITHIN_NOISE = N_("within noise")


def mean_ci(values: Sequence[float], level: float = LEVEL) -> tuple[float, float, float, int]:
    """(mean, low, high, n) of the t-interval for the mean; NaN bounds when n < 2."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan, 0
    mean = float(x.mean())
    if n < 2:
        return mean, np.nan, np.nan, n
    sd = float(x.std(ddof=1))
    if sd == 0.0:  # identical values (e.g. a variant equal to the baseline under CRN)
        return mean, mean, mean, n
    from scipy import stats  # imported when needed: `import sim` stays quick

    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / np.sqrt(n)
    return mean, mean - half, mean + half, n


@dataclass(frozen=True)
class Difference:
    """A paired difference variant − baseline over replications: its mean, the bounds of
    its t-interval (NaN with fewer than 2 pairs) and the number of pairs."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def known(self) -> bool:
        """Whether there is an interval at all (two pairs or more)."""
        return self.n >= 2 and bool(np.isfinite(self.low) and np.isfinite(self.high))

    @property
    def within_noise(self) -> bool:
        """The interval includes 0: these replications cannot tell variant from baseline
        (a no-op change under common random numbers gives [0, 0], within noise too)."""
        return self.known and self.low <= 0 <= self.high

    @property
    def significant(self) -> bool:
        """The interval excludes 0."""
        return self.known and not self.within_noise


def paired_difference(
    baseline: Sequence[float | None], variant: Sequence[float | None], level: float = LEVEL
) -> Difference:
    """The paired difference of two runs lists, replication k against replication k (the
    same seed: common random numbers); pairs missing a value on either side are dropped."""
    if len(baseline) != len(variant):
        raise ValueError(f"paired runs: {len(baseline)} baseline and {len(variant)} variant")
    a = np.array([np.nan if v is None else v for v in baseline], dtype=float)
    b = np.array([np.nan if v is None else v for v in variant], dtype=float)
    mean, low, high, n = mean_ci(b - a, level)
    return Difference(float(mean), float(low), float(high), n)


def welch_difference(
    treated: Sequence[float], control: Sequence[float], level: float = LEVEL
) -> Difference:
    """treated − control for two independent groups, with Welch's t-interval: the one to use
    when a control group, not common random numbers, is the comparison (n: both groups)."""
    a, b = (np.asarray(x, dtype=float) for x in (treated, control))
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    n = len(a) + len(b)
    diff = float(a.mean() - b.mean()) if len(a) and len(b) else np.nan
    if len(a) < 2 or len(b) < 2:
        return Difference(diff, np.nan, np.nan, n)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    if se == 0.0:
        return Difference(diff, diff, diff, n)
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    from scipy import stats

    half = float(stats.t.ppf(0.5 + level / 2, dof)) * se
    return Difference(diff, diff - half, diff + half, n)


def paired_table(
    runs: pd.DataFrame, baseline: str, level: float = LEVEL, group: str = "variant"
) -> pd.DataFrame:
    """One row per (variant, metric): baseline mean, variant mean, paired difference, CI, n,
    and whether the CI excludes 0 (`significant`) or includes it (`within_noise`; both are
    false with fewer than 2 pairs).

    `runs` is tidy: columns `group`, replication, metric, value. The difference is taken
    within each replication; replications missing the metric on either side are dropped.
    """
    wide = runs.pivot_table(
        index=["metric", "replication"], columns=group, values="value", aggfunc="first"
    )
    if baseline not in wide:
        raise ValueError(_("no runs of the baseline {name}", name=repr(baseline)))
    order = list(dict.fromkeys(runs[group]))
    metrics = list(dict.fromkeys(runs["metric"]))
    rows = []
    for name in [g for g in order if g != baseline]:
        for metric in metrics:
            if metric not in wide.index.get_level_values(0):
                continue
            block = wide.loc[metric]
            base = block[baseline] if baseline in block else pd.Series(dtype=float)
            var = block[name] if name in block else pd.Series(dtype=float)
            if base.isna().all() and var.isna().all():
                continue
            both = pd.concat([base.rename("a"), var.rename("b")], axis=1)
            d = paired_difference(both["a"].tolist(), both["b"].tolist(), level)
            rows.append(
                {
                    group: name,
                    "metric": metric,
                    "baseline_mean": _mean(base),
                    "variant_mean": _mean(var),
                    "difference": d.mean,
                    "ci_low": d.low,
                    "ci_high": d.high,
                    "n": d.n,
                    "relative": d.mean / abs(_mean(base)) if _mean(base) else np.nan,
                    "significant": d.significant,
                    "within_noise": d.within_noise,
                }
            )
    return pd.DataFrame(rows, columns=[group, *_COLUMNS])


def summary_table(runs: pd.DataFrame, by: Sequence[str], level: float = LEVEL) -> pd.DataFrame:
    """Mean and t-interval of every metric per group (e.g. per grid point of a sweep)."""
    rows = []
    for key, block in runs.groupby([*by, "metric"], sort=False):
        mean, low, high, n = mean_ci(block["value"].to_numpy(), level)
        labels = dict(zip([*by, "metric"], key, strict=True))
        rows.append({**labels, "mean": mean, "ci_low": low, "ci_high": high, "n": n})
    return pd.DataFrame(rows)


def _mean(s: pd.Series) -> float:
    s = s.dropna()
    return float(s.mean()) if len(s) else np.nan


_COLUMNS = [
    "metric",
    "baseline_mean",
    "variant_mean",
    "difference",
    "ci_low",
    "ci_high",
    "n",
    "relative",
    "significant",
    "within_noise",
]

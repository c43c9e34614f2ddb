"""Paired differences and t-based confidence intervals over replications.

Replication k of every variant shares its seed (common random numbers), so the
difference variant − baseline is taken per replication and its mean gets a Student-t
interval: mean ± t(0.975, n−1) · sd / √n.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

LEVEL = 0.95


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


def welch_ci(
    treated: Sequence[float], control: Sequence[float], level: float = LEVEL
) -> tuple[float, float, float]:
    """(difference of means, low, high) for two independent groups: Welch's t-interval,
    the one to use when a control group, not common random numbers, is the comparison."""
    a, b = (np.asarray(x, dtype=float) for x in (treated, control))
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    diff = float(a.mean() - b.mean()) if len(a) and len(b) else np.nan
    if len(a) < 2 or len(b) < 2:
        return diff, np.nan, np.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    if se == 0.0:
        return diff, diff, diff
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    from scipy import stats

    half = float(stats.t.ppf(0.5 + level / 2, dof)) * se
    return diff, diff - half, diff + half


def paired_table(
    runs: pd.DataFrame, baseline: str, level: float = LEVEL, group: str = "variant"
) -> pd.DataFrame:
    """One row per (variant, metric): baseline mean, variant mean, paired difference, CI, n.

    `runs` is tidy: columns `group`, replication, metric, value. The difference is taken
    within each replication; replications missing the metric on either side are dropped.
    """
    wide = runs.pivot_table(
        index=["metric", "replication"], columns=group, values="value", aggfunc="first"
    )
    if baseline not in wide:
        raise ValueError(f"no runs of the baseline {baseline!r}")
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
            diff = (var - base).dropna()
            mean, low, high, n = mean_ci(diff.to_numpy(), level)
            rows.append(
                {
                    group: name,
                    "metric": metric,
                    "baseline_mean": _mean(base),
                    "variant_mean": _mean(var),
                    "difference": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "n": n,
                    "relative": mean / abs(_mean(base)) if _mean(base) else np.nan,
                    "significant": bool(n >= 2 and (low > 0 or high < 0)),
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
]

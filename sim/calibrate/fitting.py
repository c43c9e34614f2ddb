"""Fitting a world to an export's calibration period: BG/NBD, Gamma-Gamma, arrivals, mix.

Everything is in days, the scenario's unit: the per-customer summary follows lifetimes'
`summary_data_from_transaction_data` (frequency = repeat purchase days, recency = days from
the first to the last, T = days from the first to the calibration end, monetary_value = mean
of the repeat days' amounts), through sim.analytics.rfm_summary. BG/NBD's α in days is 7×
its value in weeks; r, a, b and the Gamma-Gamma parameters do not depend on the unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analytics.btyd import BGNBD, FitError, GammaGamma
from sim.analytics.rfm import rfm_summary
from sim.calibrate.errors import fail
from sim.calibrate.reading import Export
from sim.i18n import N_, _
from sim.problems import Problem

MAX_CATEGORIES = 100  # the scenario's catalogue holds at most this many
OTHER = "other"
PATTERN_P = 0.01  # a weekday or month pattern is "shown" below this p-value ...
PATTERN_SIZE = 0.10  # ... and when some day or month is 10% off the average
RECENT_DAYS = 90  # the last days of calibration compared with the mean arrival rate
WEEKDAYS = (
    N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
)  # fmt: skip


@dataclass
class CategoryFit:
    """A category's share of purchase occasions and its price level (mean occasion amount
    relative to the overall mean: the share-weighted levels average 1, so the world's
    mean spend is the Gamma-Gamma one)."""

    name: str
    share: float
    price_level: float
    occasions: int
    mean_amount: float


@dataclass
class Pattern:
    """Purchase occasions by weekday (Mon..Sun) or calendar month (1..12), each relative to
    what an even spread would give (1 = average), and the chi-square test of evenness."""

    index: dict[str, float]
    p_value: float

    @property
    def shown(self) -> bool:
        """Whether the data shows the pattern (not only noise)."""
        size = max(abs(v - 1) for v in self.index.values())
        return self.p_value < PATTERN_P and size > PATTERN_SIZE


@dataclass
class Fit:
    """What the calibration period says: per-customer summary, the two models with
    standard errors, arrivals, categories, and weekday and month patterns (reported; the
    scenario has no field for them)."""

    calibration_start: dt.date
    calibration_end: dt.date
    summary: pd.DataFrame
    bgnbd: BGNBD
    gamma_gamma: GammaGamma
    acquisitions_per_day: float
    acquisitions_se: float
    acquisitions_by_month: pd.Series
    recent_acquisitions_per_day: float
    recent_days: int
    categories: list[CategoryFit]
    weekday: Pattern | None
    month: Pattern | None
    spenders: int = 0
    notes: list[str] = field(default_factory=list)
    units: str = "days"

    @property
    def customers(self) -> int:
        return len(self.summary)

    @property
    def repeat_customers(self) -> int:
        return int((self.summary["frequency"] > 0).sum())

    @property
    def calibration_days(self) -> int:
        return (self.calibration_end - self.calibration_start).days + 1


def summarise(occasions: pd.DataFrame, calibration_end: dt.date) -> pd.DataFrame:
    """One row per customer seen up to `calibration_end` (inclusive): frequency, recency, T,
    monetary_value in days (lifetimes' conventions) and first_date, last_date, orders,
    spend, indexed by customer."""
    end = pd.Timestamp(calibration_end)
    cal = occasions[occasions["date"] <= end]
    rfm = rfm_summary(
        cal.rename(columns={"customer": "customer_id"}), observation_end=end, period_days=1
    )
    by = cal.groupby("customer", sort=True)["date"]
    out = rfm.rename_axis("customer")
    out["first_date"] = by.min()
    out["last_date"] = by.max()
    out["orders"] = out["frequency"] + 1
    out["spend"] = cal.groupby("customer", sort=True)["amount"].sum()
    return out


def _gamma_gamma_errors(model: GammaGamma, frequency, monetary) -> dict[str, float]:
    """Standard errors of p, q, γ from a finite-difference Hessian of the log-likelihood
    (in the log-parameters, then the delta method), as BGNBD does its own."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    x, m = x[keep], m[keep]
    theta = np.log([model.params[k] for k in model.names])
    n, h = len(x), 1e-4

    def f(th: np.ndarray) -> float:
        return float(model._negll(th, x, m)) * n

    hess = np.empty((3, 3))
    for i in range(3):
        for j in range(3):
            ei, ej = np.eye(3)[i] * h, np.eye(3)[j] * h
            hess[i, j] = (
                f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej) + f(theta - ei - ej)
            ) / (4 * h * h)
    try:
        cov = np.linalg.inv((hess + hess.T) / 2)
    except np.linalg.LinAlgError:
        return dict.fromkeys(model.names, float("nan"))
    se = np.sqrt(np.clip(np.diag(cov), 0, None)) * np.exp(theta)
    return dict(zip(model.names, se.tolist(), strict=True))


def _categories(cal: pd.DataFrame) -> list[CategoryFit]:
    """Shares and price levels of the categories (one "all" when the export has none)."""
    if cal["category"].isna().all():
        mean = float(cal["amount"].mean())
        return [CategoryFit("all", 1.0, 1.0, len(cal), mean)]
    names = cal["category"].fillna(OTHER).astype(str)
    counts = names.value_counts()
    if len(counts) > MAX_CATEGORIES:  # the long tail becomes one category
        tail = counts.index[MAX_CATEGORIES - 1 :]
        names = names.where(~names.isin(tail), OTHER)
        counts = names.value_counts()
    overall = float(cal["amount"].mean())
    means = cal["amount"].groupby(names).mean()
    shares = np.round(counts.to_numpy() / counts.sum(), 6)
    shares[0] += 1.0 - shares.sum()  # exactly 1, as the scenario checks
    out = []
    for (name, count), share in zip(counts.items(), shares, strict=True):
        level = float(means[name]) / overall if overall > 0 else 1.0
        out.append(
            CategoryFit(str(name), float(share), float(np.clip(level, 1e-3, 100.0)), int(count),
                        float(means[name]))
        )  # fmt: skip
    return out


def _pattern(observed: np.ndarray, expected: np.ndarray, labels: list[str]) -> Pattern | None:
    from scipy.stats import chisquare

    if observed.sum() < 100 or (expected <= 0).any():
        return None
    expected = expected / expected.sum() * observed.sum()
    p = float(chisquare(observed, expected).pvalue)
    index = {k: float(o / e) for k, o, e in zip(labels, observed, expected, strict=True)}
    return Pattern(index, p)


def _weekday(cal: pd.DataFrame, start: dt.date, end: dt.date) -> Pattern | None:
    days = pd.date_range(start, end, freq="D")
    expected = np.bincount(days.day_of_week, minlength=7).astype(float)
    observed = np.bincount(cal["date"].dt.day_of_week, minlength=7).astype(float)
    return _pattern(observed, expected, [str(w) for w in WEEKDAYS])


def _month(cal: pd.DataFrame, start: dt.date, end: dt.date) -> Pattern | None:
    """By calendar month, only with a year or more of calibration (else a month pattern
    is the customers' growth or decline, not the season)."""
    if (end - start).days + 1 < 365:
        return None
    days = pd.date_range(start, end, freq="D")
    expected = np.bincount(days.month - 1, minlength=12).astype(float)
    observed = np.bincount(cal["date"].dt.month - 1, minlength=12).astype(float)
    return _pattern(observed, expected, [str(m) for m in range(1, 13)])


def _arrivals(
    summary: pd.DataFrame, start: dt.date, end: dt.date
) -> tuple[float, float, pd.Series, float]:
    """(new customers a day over the calibration period, its Poisson standard error, the
    rate by month, the rate over its last RECENT_DAYS days)."""
    days = (end - start).days + 1
    n = len(summary)
    first = summary["first_date"]
    months = pd.period_range(start, end, freq="M")
    in_window = pd.Series(pd.date_range(start, end, freq="D")).dt.to_period("M").value_counts()
    count = first.dt.to_period("M").value_counts().reindex(months, fill_value=0)
    by_month = (count / in_window.reindex(months)).astype(float)
    recent_from = pd.Timestamp(end) - pd.Timedelta(days=min(RECENT_DAYS, days) - 1)
    recent = float((first >= recent_from).sum()) / min(RECENT_DAYS, days)
    return n / days, float(np.sqrt(n)) / days, by_month, recent


def fit(export: Export, calibration_end: dt.date | str) -> Fit:
    """The world fitted to the export's occasions up to `calibration_end` (inclusive), or
    ExportError when the data cannot identify it (one customer, nobody buying twice)."""
    end = pd.Timestamp(calibration_end).date()
    source = export.report.source
    occasions = export.occasions
    start = occasions["date"].min().date()
    summary = summarise(occasions, end)
    cal = occasions[occasions["date"] <= pd.Timestamp(end)]
    customer_col = export.report.columns.get("customer", "")
    _check_enough(summary, source, customer_col)
    bgnbd = BGNBD()
    gg = GammaGamma()
    try:
        bgnbd.fit(summary["frequency"], summary["recency"], summary["T"])
        gg.fit(summary["frequency"], summary["monetary_value"])
    except FitError as exc:
        raise fail(
            [Problem(customer_col, None, _("purchases the models can be fitted to"), str(exc),
                     _("calibrate on a longer period, or on more customers"))],
            source,
        ) from None  # fmt: skip
    gg.standard_errors = _gamma_gamma_errors(gg, summary["frequency"], summary["monetary_value"])
    rate, rate_se, by_month, recent = _arrivals(summary, start, end)
    out = Fit(
        calibration_start=start,
        calibration_end=end,
        summary=summary,
        bgnbd=bgnbd,
        gamma_gamma=gg,
        acquisitions_per_day=rate,
        acquisitions_se=rate_se,
        acquisitions_by_month=by_month,
        recent_acquisitions_per_day=recent,
        recent_days=min(RECENT_DAYS, (end - start).days + 1),
        categories=_categories(cal),
        weekday=_weekday(cal, start, end),
        month=_month(cal, start, end),
        spenders=int(((summary["frequency"] > 0) & (summary["monetary_value"] > 0)).sum()),
    )
    if recent < rate / 4:
        out.notes.append(
            _(
                "new customers arrived at {recent:.2f} a day over the last {days} days of "
                "calibration against {rate:.2f} on average: the export may be one cohort (as "
                "CDNOW is); the twin takes the recent rate, set acquisitions_per_day to what "
                "you expect",
                recent=recent,
                days=out.recent_days,
                rate=rate,
            )
        )
    return out


def _check_enough(summary: pd.DataFrame, source: str, column: str) -> None:
    """ExportError unless there are two customers and someone bought on a second day."""
    problems = []
    if len(summary) < 2:
        problems.append(
            Problem(
                column,
                None,
                _("the orders of at least 2 customers (the models describe how customers differ)"),
                _("{n} customer", n=len(summary)),
                _("export the orders of all customers, not of one"),
            )
        )
    elif not (summary["frequency"] > 0).any():
        problems.append(
            Problem(
                column,
                None,
                _("some customers who bought on more than one day"),
                _("{n:,} customers, each buying on one day only", n=len(summary)),
                _("calibrate on a longer period (an earlier --holdout-from, or more history)"),
            )
        )
    if problems:
        raise fail(problems, source)

"""Churn early warning (流失预警): when a rule or a model flags each customer, scored against truth.

A warning is a flag day per customer (NaN = never flagged). Scoring compares flags raised by
`as_of` with who had really left by then (the simulator's `churn_day`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from sim.analytics.btyd import BGNBD


def rule_flag_day(last_order_day, days_without_order: float = 90) -> np.ndarray:
    """The inactivity rule ("no order for N days") fires N days after the last order."""
    return np.asarray(last_order_day, dtype=float) + days_without_order


def model_flag_age(model: BGNBD, frequency, recency, threshold: float = 0.5) -> np.ndarray:
    """Age (model time unit) at which P(alive) first drops below `threshold`, if no new order.

    P(alive) falls as silence grows, so the age solves P(alive) = threshold in closed form.
    One-time buyers stay at P(alive) = 1 under BG/NBD, so they are never flagged (inf).
    """
    p = model.params
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    has = x > 0
    log_ratio = (
        np.log((1 - threshold) / threshold)
        - np.log(p["a"])
        + np.log(np.where(has, p["b"] + x - 1, 1.0))
    )
    age = (p["alpha"] + t_x) * np.exp(np.maximum(log_ratio, 0) / (p["r"] + x)) - p["alpha"]
    return np.where(has, np.maximum(age, t_x), np.inf)


@dataclass(frozen=True)
class WarningScore:
    """How a warning did against the truth at one moment."""

    flagged: int
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float
    recall: float
    median_lead_days: float  # churn_day - flag_day over true positives; negative = late
    false_alarm_cost: float

    def as_dict(self) -> dict:
        return asdict(self)

    def _replace_lead(self) -> WarningScore:
        return replace(self, median_lead_days=float("nan"))


def score_warnings(
    flag_day, churn_day, as_of: float, cost_per_false_alarm: float = 0.0
) -> WarningScore:
    """Precision, recall, lead time and false-alarm cost of flags raised by `as_of`.

    A customer counts as churned when churn_day <= as_of (NaN: still active) and as flagged
    when flag_day <= as_of. Lead time is churn_day - flag_day: positive means warned before
    leaving, negative means noticed that many days after they had gone.
    """
    flag = np.asarray(flag_day, dtype=float)
    churn = np.asarray(churn_day, dtype=float)
    flagged = flag <= as_of
    gone = churn <= as_of
    tp = int((flagged & gone).sum())
    fp = int((flagged & ~gone).sum())
    fn = int((~flagged & gone).sum())
    lead = (churn - flag)[flagged & gone]
    return WarningScore(
        flagged=int(flagged.sum()),
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        precision=tp / (tp + fp) if tp + fp else float("nan"),
        recall=tp / (tp + fn) if tp + fn else float("nan"),
        median_lead_days=float(np.median(lead)) if len(lead) else float("nan"),
        false_alarm_cost=fp * cost_per_false_alarm,
    )


def score_flags(flagged, left, cost_per_false_alarm: float = 0.0) -> WarningScore:
    """Score yes/no flags against yes/no truth (e.g. real data: no purchase in a holdout).

    Without churn days there is no lead time (NaN).
    """
    f = np.asarray(flagged, dtype=bool)
    g = np.asarray(left, dtype=bool)
    return score_warnings(
        np.where(f, 0.0, np.nan), np.where(g, 0.0, np.nan), 0.0, cost_per_false_alarm
    )._replace_lead()


def winback_value(
    score: WarningScore, offer_cost: float, win_rate: float, value_if_won: float
) -> float:
    """Net value of sending a win-back (挽回) offer to every flagged customer.

    Churned customers come back with probability `win_rate` and bring `value_if_won`; every
    offer costs `offer_cost` (active customers flagged by mistake cost an offer for nothing).
    """
    return score.true_positives * win_rate * value_if_won - score.flagged * offer_cost


def warning_table(
    summary: pd.DataFrame,
    model: BGNBD,
    first_day: pd.Series,
    days_without_order: float = 90,
    p_alive_threshold: float = 0.5,
    unit_days: float = 1,
) -> pd.DataFrame:
    """Flag days of the rule and of the model for every customer of an rfm_summary.

    `first_day` is each customer's first purchase day (on the day axis of `summary`).
    """
    first = first_day.reindex(summary.index).to_numpy(dtype=float)
    last = first + summary["recency"].to_numpy() * unit_days
    age = model_flag_age(model, summary["frequency"], summary["recency"], p_alive_threshold)
    return pd.DataFrame(
        {
            "last_order_day": last,
            "rule_flag_day": rule_flag_day(last, days_without_order),
            "model_flag_day": first + age * unit_days,
        },
        index=summary.index,
    )

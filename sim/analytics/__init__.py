"""Customer analytics over the data contract's tables: pure functions, no SimPy, no widgets.

RFM and segments (客户细分), customer value (BG/NBD, Gamma-Gamma, CLV), churn early warning
(流失预警), retention curves and cohorts, dynamic tags (动态标签), lifecycle stages, and
control-group tests of a message (对照组), and the calibration/holdout check of a BTYD fit
(its charts: sim.views.holdout_plots).
"""

from sim.analytics.btyd import BGNBD, FitError, GammaGamma, clv
from sim.analytics.churn import (
    WarningScore,
    model_flag_age,
    rule_flag_day,
    score_flags,
    score_warnings,
    warning_table,
    winback_value,
)
from sim.analytics.holdout import (
    calibration_and_holdout,
    customers_by_purchases,
    daily_repeat_purchases,
    expected_cumulative,
    expected_holdout_purchases,
    expected_holdout_revenue,
    holdout_by_frequency,
    holdout_revenue,
)
from sim.analytics.lifecycle import STAGES, lifecycle_stage
from sim.analytics.retention import (
    cohort_retention,
    kaplan_meier,
    observed_lifetimes,
    true_lifetimes,
)
from sim.analytics.rfm import rfm_summary
from sim.analytics.segments import (
    SEGMENT_MAP,
    SEGMENTS,
    agreement,
    behaviour_features,
    needs_groups,
    pareto_share,
    quantile_score,
    rfm_scores,
    rfm_segment,
    value_pyramid,
)
from sim.analytics.tags import DEFAULT_TAGS, apply_tags, tag_features
from sim.analytics.uplift import Lift, OfferTest, offer_test

__all__ = [
    "BGNBD",
    "DEFAULT_TAGS",
    "SEGMENTS",
    "SEGMENT_MAP",
    "STAGES",
    "FitError",
    "GammaGamma",
    "WarningScore",
    "agreement",
    "apply_tags",
    "behaviour_features",
    "calibration_and_holdout",
    "clv",
    "cohort_retention",
    "customers_by_purchases",
    "daily_repeat_purchases",
    "expected_cumulative",
    "expected_holdout_purchases",
    "expected_holdout_revenue",
    "holdout_by_frequency",
    "holdout_revenue",
    "kaplan_meier",
    "lifecycle_stage",
    "model_flag_age",
    "needs_groups",
    "observed_lifetimes",
    "pareto_share",
    "quantile_score",
    "rfm_scores",
    "rfm_segment",
    "rfm_summary",
    "rule_flag_day",
    "score_flags",
    "score_warnings",
    "tag_features",
    "offer_test",
    "Lift",
    "OfferTest",
    "true_lifetimes",
    "value_pyramid",
    "warning_table",
    "winback_value",
]

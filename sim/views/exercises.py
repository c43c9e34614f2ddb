"""Exercise checkers: each compares a trainee's answer with the right one and says what is off.

A checker returns a `Feedback` (ok + message) and never raises for a wrong answer, so a
notebook cell can `print(check_...(answer, ...))`. An answer still `None` (as the notebooks
ship) is "not answered yet", neither right nor wrong: after "Run all cells" every exercise
waits for the trainee. tests/ drive each checker with right, wrong and partial answers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analytics import pareto_share, score_warnings
from sim.i18n import _


@dataclass(frozen=True)
class Feedback:
    ok: bool
    message: str
    answered: bool = True

    def __str__(self) -> str:
        return ("✔ " if self.ok else "✘ " if self.answered else "… ") + self.message

    def __bool__(self) -> bool:
        return self.ok


def not_answered() -> Feedback:
    """The feedback to an answer still None, in the language in use."""
    return Feedback(
        False,
        _("not answered yet: put your answer in place of None above, then run this cell again"),
        answered=False,
    )


NOT_ANSWERED = not_answered()  # in the language in use at import; checkers call not_answered()


def exercise(check: Callable[..., Feedback]) -> Callable[..., Feedback]:
    """A checker that answers `not_answered()` while the trainee's answer (its first
    argument) is still None, and checks it otherwise."""

    @functools.wraps(check)
    def checked(answer: object, *args: object, **kwargs: object) -> Feedback:
        return not_answered() if answer is None else check(answer, *args, **kwargs)

    return checked


def _close(a: float, b: float, tol: float) -> bool:
    return bool(np.isfinite(a) and abs(a - b) <= tol)


@exercise
def check_pareto_share(answer, orders: pd.DataFrame, top: float = 0.2) -> Feedback:
    """Share of revenue from the top `top` of customers by revenue (a number 0..1)."""
    try:
        a = float(answer)
    except (TypeError, ValueError):
        return Feedback(
            False, _("give one number between 0 and 1, not {kind}", kind=type(answer).__name__)
        )
    revenue = orders.groupby("customer_id")["net_amount"].sum()
    right = pareto_share(revenue, top)
    if _close(a, right, 0.005):
        return Feedback(
            True,
            _("right: the top {top} bring {share} of revenue", top=f"{top:.0%}",
              share=f"{right:.1%}"),
        )  # fmt: skip
    if _close(a / 100, right, 0.005):
        return Feedback(
            False, _("that is a percentage: give the share as a fraction (0.59, not 59)")
        )
    if _close(a, pareto_share(orders.groupby("customer_id").size(), top), 0.005):
        return Feedback(False, _("you ranked by number of orders: rank customers by revenue"))
    if _close(a, top, 0.01) or _close(a, 0.8, 0.005):
        return Feedback(False, _("that is the rule of thumb, not what this data says: compute it"))
    if _close(a, 1 - right, 0.005):
        return Feedback(False, _("that is the share of the other 80%: sort from best to worst"))
    hint = _("higher") if a < right else _("lower")
    return Feedback(
        False,
        _(
            "not quite ({answer}); the right share is {hint}. Sum net_amount "
            "per customer, sort descending, take the top 20% of customers",
            answer=f"{a:.3f}",
            hint=hint,
        ),
    )


@exercise
def check_segment_count(answer, segments: pd.Series, name: str = "champions") -> Feedback:
    """How many customers fall in segment `name`."""
    right = int((segments == name).sum())
    try:
        a = int(answer)
    except (TypeError, ValueError):
        return Feedback(False, _("give a whole number of customers"))
    if a == right:
        return Feedback(True, _("right: {n} {segment}", n=right, segment=name))
    if len(segments) and a == round(100 * right / len(segments)) and a != right:
        return Feedback(False, _("that looks like a percentage: count customers"))
    counts = segments.value_counts()
    other = [str(k) for k, v in counts.items() if v == a and k != name]
    if other:
        return Feedback(
            False,
            _("that is the size of {other}; filter on {segment}", other=repr(other[0]),
              segment=repr(name)),
        )  # fmt: skip
    return Feedback(
        False,
        _(
            "not quite: {answer} vs the count of segment == {segment}; "
            "check you used rfm_segment on this notebook's scores",
            answer=a,
            segment=repr(name),
        ),
    )


@exercise
def check_precision(answer, flag_day, churn_day, as_of: float) -> Feedback:
    """Precision of a warning: of the customers flagged by `as_of`, the share who had left."""
    try:
        a = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, _("give one number between 0 and 1"))
    s = score_warnings(flag_day, churn_day, as_of)
    if _close(a, s.precision, 0.002):
        return Feedback(
            True,
            _(
                "right: {precision} ({hits} of {flagged} flagged had really left)",
                precision=f"{s.precision:.3f}",
                hits=s.true_positives,
                flagged=s.flagged,
            ),
        )
    if _close(a, s.recall, 0.002):
        return Feedback(
            False,
            _("that is recall (share of leavers caught); precision divides by the number flagged"),
        )
    if _close(a, 1 - s.precision, 0.002):
        return Feedback(
            False, _("that is the false-alarm share: precision is the share that really left")
        )
    if a > 1:
        return Feedback(False, _("precision is a share between 0 and 1"))
    return Feedback(
        False,
        _(
            "not quite: precision = true positives / flagged; "
            "{flagged} customers were flagged by day {day}",
            flagged=s.flagged,
            day=f"{as_of:g}",
        ),
    )


@exercise
def check_lead_sign(answer: str) -> Feedback:
    """Does an inactivity rule warn before or after a silent customer has left?"""
    text = str(answer).strip().lower()
    if text in {"after", "late", "afterwards", "之后", "晚", "滞后"}:
        return Feedback(
            True,
            _(
                "right: the customer left after their last order; the rule "
                "speaks only after N silent days, so it is always N days late"
            ),
        )
    if text in {"before", "early", "之前", "早", "提前"}:
        return Feedback(
            False,
            _(
                "look at median_lead_days: it is negative. Silent customers "
                "leave right after their last order; silence is only visible later"
            ),
        )
    return Feedback(False, _("answer 'before' or 'after'"))


@exercise
def check_duplicate_pairs(pairs: pd.DataFrame, truth: pd.DataFrame) -> Feedback:
    """Duplicate pairs found in a CRM extract (columns crm_id_a, crm_id_b) against the truth."""
    from sim.crm import check_duplicates

    if not {"crm_id_a", "crm_id_b"} <= set(pairs.columns):
        return Feedback(False, _("give a DataFrame with columns crm_id_a and crm_id_b"))
    r = check_duplicates(pairs, truth)
    if r["recall"] >= 0.95 and r["precision"] >= 0.95:
        return Feedback(
            True,
            _(
                "found {found} pairs: precision {precision}, recall {recall} of {true} true pairs",
                found=r["found"],
                precision=f"{r['precision']:.0%}",
                recall=f"{r['recall']:.0%}",
                true=r["true_pairs"],
            ),
        )
    msgs = []
    if r["recall"] < 0.95:
        a, b = r["missed"][0]
        msgs.append(
            _(
                "you found {recall} of the {true} true pairs; e.g. rows {a} and {b} are one "
                "person. Are their phones or e-mails written differently? Normalise before "
                "comparing",
                recall=f"{r['recall']:.0%}",
                true=r["true_pairs"],
                a=a,
                b=b,
            )
        )
    if r["precision"] < 0.95:
        a, b = r["wrong"][0]
        msgs.append(
            _(
                "{share} of your pairs are different people (e.g. rows {a} and {b}): a shared "
                "birth date or city alone is not enough",
                share=f"{1 - r['precision']:.0%}",
                a=a,
                b=b,
            )
        )
    return Feedback(False, _("; ").join(msgs))


@exercise
def check_masked_export(export: pd.DataFrame, extract: pd.DataFrame) -> Feedback:
    """An export for marketing must not hold a full phone number, e-mail or name."""
    from sim.crm import normalise_email, normalise_phone

    phones = {normalise_phone(p) for p in extract["phone"].dropna()} - {""}
    emails = {normalise_email(e) for e in extract["email"].dropna()} - {""}
    names = set(extract["name"].dropna().astype(str))
    for col in export.columns:
        values = export[col].dropna().astype(str)
        if values.map(normalise_phone).isin(phones).any():
            return Feedback(
                False, _("column {column} holds full phone numbers: mask or drop it",
                         column=repr(col))
            )  # fmt: skip
        if values.map(normalise_email).isin(emails).any():
            return Feedback(
                False, _("column {column} holds full e-mail addresses: mask or drop it",
                         column=repr(col))
            )  # fmt: skip
        if values.isin(names).any():
            return Feedback(
                False, _("column {column} holds names: marketing needs no names", column=repr(col))
            )
        if col == "crm_id":
            return Feedback(False, _("crm_id links straight back to the person: pseudonymise it"))
    return Feedback(True, _("no personal data left in {n} columns", n=len(export.columns)))

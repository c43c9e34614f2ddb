"""What every scenario model shares: unknown keys are errors; common number types.

Every number a scenario holds has a finite range chosen from what it means, so that
`validate` accepts only worlds `run` can run: floats are finite (no .inf, no .nan) in
every Section, and each field states its upper bound (`python -m sim schema` shows them
as maximum). The bounds shared by many fields are named here, once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from sim.i18n import N_, _

# The shared bounds. A new field picks one of the types below or states its own `le=`;
# tests/test_bounds.py fails for a number without an upper bound.
MAX_CUSTOMERS = 5_000_000  # the initial base (as --customers); the run-size check does the rest
MAX_DAYS = 3650  # a horizon, window, term or delay: ten years, the longest horizon
MAX_HOURS = 24 * 365  # a promise, delay or handling time: a year
MAX_MONEY = 1e6  # a cost, coupon or compensation, in the catalogue's currency
MAX_POINTS = 10**9  # a points bonus, cap, threshold or reward price
MAX_AGENTS = 1000  # agents at one level of a service desk
MAX_SHAPE = 1e4  # a parameter of a gamma or beta prior
MAX_FACTOR = 100.0  # a multiplier or boost (open rate x this, ...)
MAX_LOG_ODDS = 100.0  # an effect on the log-odds of leaving or answering (e^100 is certain)
EARLIEST_DATE = dt.date(1900, 1, 1)  # calendar dates (start dates, promotions)
LATEST_DATE = dt.date(2200, 12, 31)

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
# Unbounded above: a field of these types must add its own `le=` (or use a type below).
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
Money = Annotated[float, Field(ge=0.0, le=MAX_MONEY)]
Days = Annotated[float, Field(gt=0.0, le=MAX_DAYS)]
Hours = Annotated[float, Field(gt=0.0, le=MAX_HOURS)]
Shape = Annotated[float, Field(gt=0.0, le=MAX_SHAPE)]
Factor = Annotated[float, Field(ge=0.0, le=MAX_FACTOR)]
LogOdds = Annotated[float, Field(ge=0.0, le=MAX_LOG_ODDS)]
Points = Annotated[int, Field(ge=0, le=MAX_POINTS)]
CalendarDate = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


class Section(BaseModel):
    """Base for every scenario section: unknown keys are errors, values are checked."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, frozen=False, allow_inf_nan=False
    )


def invalid(expected: str, found: str, hint: str = "", at: tuple = ()) -> PydanticCustomError:
    """An error for a validator to raise, rendered as a Problem with this wording.

    `at` extends the location pydantic knows (the validated field or model), e.g.
    ("categories", 3, "name") to point at the offending item of a list.
    """
    template = "expected {expected}, found {found}" + ("; {hint}" if hint else "")
    ctx = {"expected": expected, "found": found, "hint": hint, "at": tuple(at)}
    return PydanticCustomError("scenario", template, ctx)


SHARES_ADDING_UP = N_("shares adding up to {total:g}")


def describe(value: Any) -> str:
    """A value as the user wrote it in YAML, short enough for one line (in the language in
    use; the user's own text and numbers as written)."""
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if not value.strip():
            return _("empty text")
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return _("a mapping") if value else _("an empty mapping")
    if isinstance(value, list):
        if len(value) == 1:
            return _("a list of 1 item")
        return _("a list of {n} items", n=len(value))
    if isinstance(value, int | float):
        return repr(value)
    return _("a {type} value", type=type(value).__name__)

"""What every scenario model shares: unknown keys are errors; common number types."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]


class Section(BaseModel):
    """Base for every scenario section: unknown keys are errors, values are checked."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def invalid(expected: str, found: str, hint: str = "", at: tuple = ()) -> PydanticCustomError:
    """An error for a validator to raise, rendered as a Problem with this wording.

    `at` extends the location pydantic knows (the validated field or model), e.g.
    ("categories", 3, "name") to point at the offending item of a list.
    """
    template = "expected {expected}, found {found}" + ("; {hint}" if hint else "")
    ctx = {"expected": expected, "found": found, "hint": hint, "at": tuple(at)}
    return PydanticCustomError("scenario", template, ctx)


def describe(value: Any) -> str:
    """A value as the user wrote it in YAML, short enough for one line."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if not value.strip():
            return "empty text"
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, int | float):
        return repr(value)
    return f"a {type(value).__name__} value"

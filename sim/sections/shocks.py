"""The `shocks` section: sudden variables on scheduled days, hitting the sensitive hardest.

- competitor_price_cut: price-sensitive customers buy less often and are likelier to leave.
- product_recall: orders in the recalled categories go wrong far more often.
- service_outage: every order is likelier to go wrong, and the desk loses agents.

How hard each kind hits at full strength is a field of its own (`rate_cut`,
`leave_logodds`, `recall_failure`, `outage_failure`), so a trainer can move it; a field
belongs to one kind and is refused on the others.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.i18n import N_, _
from sim.sections.base import (
    MAX_DAYS,
    Days,
    Factor,
    LogOdds,
    Probability,
    Section,
    invalid,
)

# Which kind each strength field belongs to. Moved on another kind it would do nothing, so
# it is refused there (at its default it is let through: a dumped scenario holds them all).
KIND_OF_FIELD = {
    "rate_cut": "competitor_price_cut",
    "leave_logodds": "competitor_price_cut",
    "recall_failure": "product_recall",
    "outage_failure": "service_outage",
}


class Shock(Section):
    """One sudden variable: what, when, for how long, how hard, and whom it hits."""

    kind: Literal["competitor_price_cut", "product_recall", "service_outage"]
    name: str = Field("", description="a label for charts; defaults to the kind")
    day: float = Field(ge=0, le=MAX_DAYS, description="the day it starts (days from start_date)")
    duration_days: Days = Field(30.0, description="how long it lasts")
    strength: Probability = Field(
        0.5, description="how hard it hits, from 0 (not at all) to 1 (as hard as it can)"
    )
    needs: Literal["price", "quality", "service"] | None = Field(
        None,
        description="whose sensitivity scales the hit (competitor_price_cut: price by default)",
    )
    categories: list[str] = Field(
        default_factory=list, description="the categories recalled (product_recall)"
    )
    rate_cut: Probability = Field(
        0.8,
        description=N_(
            "competitor_price_cut: purchase rate × (1 − this × strength × sensitivity) "
            "while it lasts. Default 0.8: chosen so that a full-strength cut leaves the most "
            "price-sensitive customer a fifth of their purchases; a teaching assumption"
        ),
    )
    leave_logodds: LogOdds = Field(
        2.5,
        description=N_(
            "competitor_price_cut: log-odds of leaving + this × strength × sensitivity "
            "while it lasts. Default 2.5: chosen so that a half-strength cut about doubles "
            "a typical price-driven customer's odds of leaving (sensitivity 0.6, "
            "e^0.75 ≈ 2.1); a teaching assumption"
        ),
    )
    recall_failure: Probability = Field(
        0.6,
        description=N_(
            "product_recall: failure chance in the recalled categories f + (1 − f) × this "
            "× strength. Default 0.6: chosen so that a full-strength recall spoils most "
            "orders of those categories; a teaching assumption"
        ),
    )
    outage_failure: Factor = Field(
        3.0,
        description=N_(
            "service_outage: failure chance of every order f × (1 + this × strength), at "
            "most 1. Default 3.0: chosen so that a full-strength outage makes failures four "
            "times as frequent; a teaching assumption"
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: object) -> object:
        if isinstance(data, dict):
            data = dict(data)
            if not data.get("name"):
                data["name"] = data.get("kind", "")
            if data.get("kind") == "competitor_price_cut" and data.get("needs") is None:
                data["needs"] = "price"
        return data

    @model_validator(mode="after")
    def _complete(self) -> Shock:
        for name, kind in KIND_OF_FIELD.items():
            moved = getattr(self, name) != type(self).model_fields[name].default
            if moved and self.kind != kind:
                raise invalid(
                    _("a field of a {kind} shock", kind=self.kind),
                    name,
                    _("{name} applies to {owner} shocks only: delete it", name=name, owner=kind),
                    at=(name,),
                )
        if self.kind == "product_recall" and not self.categories:
            raise invalid(
                _("the categories recalled"),
                _("no categories"),
                _("add categories: [name, ...] from the catalogue"),
                at=("categories",),
            )
        return self

    @property
    def end(self) -> float:
        return self.day + self.duration_days

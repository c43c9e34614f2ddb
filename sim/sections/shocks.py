"""The `shocks` section: sudden variables on scheduled days, hitting the sensitive hardest.

- competitor_price_cut: price-sensitive customers buy less often and are likelier to leave.
- product_recall: orders in the recalled categories go wrong far more often.
- service_outage: every order is likelier to go wrong, and the desk loses agents.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.i18n import _
from sim.sections.base import MAX_DAYS, Days, Probability, Section, invalid


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

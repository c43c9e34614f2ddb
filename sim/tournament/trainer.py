"""The trainer's file: rounds, the undated shock, replications, scorecard weights, costs.

Teams never see this file. A shock here has a `window` instead of a `day`: the day is drawn
from the window with the trainer's seed, separately for each round, so the practice round
does not give away the day of the scored rounds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from sim.figures import FIGURES
from sim.i18n import N_, _
from sim.problems import FileKind, Problem, validated
from sim.scenario import problems_from
from sim.sections.base import (
    MAX_DAYS,
    MAX_FACTOR,
    Days,
    Factor,
    Probability,
    Section,
    describe,
    invalid,
)
from sim.sections.shocks import Shock
from sim.yamlfile import read_text, read_yaml

TRAINER = FileKind(N_("trainer file"), "scenarios/tournament/trainer.yaml")
# Scorecard metrics and whether more is better; weights in the trainer file name these.
SCORED: dict[str, bool] = {
    name: bool(FIGURES[name].higher_is_better)
    for name in ("retention", "margin_after_costs", "nps", "points_liability", "complaints")
}


DayOfRun = Annotated[int, Field(ge=0, le=MAX_DAYS)]


class UndatedShock(Section):
    """A sudden variable announced to the teams, whose day is drawn from `window`."""

    kind: Literal["competitor_price_cut", "product_recall", "service_outage"]
    name: str = ""
    window: tuple[DayOfRun, DayOfRun] = Field(description="first and last day it may start on")
    duration_days: Days = 30.0
    strength: Probability = 0.5
    needs: Literal["price", "quality", "service"] | None = None
    categories: list[str] = Field(default_factory=list)

    @field_validator("window")
    @classmethod
    def _ordered(cls, window: tuple[int, int]) -> tuple[int, int]:
        if window[0] < 0 or window[1] < window[0] or window[1] > MAX_DAYS:
            raise invalid(
                _("[first day, last day] with 0 <= first <= last <= {most}", most=MAX_DAYS),
                repr(list(window)),
            )
        return window


class Round(Section):
    """One round: a practice round is for learning, scored rounds count."""

    name: str = Field(min_length=1)
    kind: Literal["practice", "scored"] = "scored"


# (expected, found, hint) for a trainer file that still has the costs section of old
NO_COSTS = (
    N_("no costs section"),
    "costs",
    N_(
        "staff cost is the scenario's service.agent_cost_per_hour, the same in the lab and the "
        "tournament: delete costs from the trainer file"
    ),
)


def _no_costs_words() -> tuple[str, str, str]:
    """(expected, found, hint) for the old costs section, in the language in use."""
    return _(NO_COSTS[0]), NO_COSTS[1], _(NO_COSTS[2])


class Trainer(Section):
    """Everything the trainer decides and the teams do not see."""

    name: str = "Customer-management tournament"
    seed: int = Field(
        2026, ge=0, le=2**63 - 1, description="draws the shock days and the round seeds"
    )
    replications: int = Field(10, ge=1, le=1000)
    round: Literal["practice", "scored"] = "practice"
    rounds: list[Round] = Field(
        default_factory=lambda: [
            Round(name="practice", kind="practice"),
            Round(name="round 1", kind="scored"),
            Round(name="round 2", kind="scored"),
        ],
        min_length=1,
    )
    shocks: list[UndatedShock] | None = Field(
        default_factory=lambda: [
            UndatedShock(
                kind="competitor_price_cut",
                name="competitor price war",
                window=(60, 300),
                duration_days=45,
                strength=0.5,
            )
        ],
        description="replace the scenario's own shocks; null keeps the scenario's",
    )
    weights: dict[str, Factor] = Field(
        default_factory=lambda: {
            "retention": 0.30,
            "margin_after_costs": 0.30,
            "nps": 0.15,
            "points_liability": 0.10,
            "complaints": 0.15,
        }
    )
    min_spread: dict[str, Annotated[float, Field(ge=0.0, le=1e6)]] = Field(
        default_factory=lambda: {
            "retention": 0.005,
            "margin_after_costs": 0.005,
            "nps": 1.0,
            "points_liability": 0.01,
            "complaints": 1.0,
        },
        description="differences between teams smaller than this are noise (margin and "
        "liability: a share of the field's mean; others: in the metric's unit)",
    )
    z_cap: float = Field(
        2.0, gt=0, le=MAX_FACTOR, description="a metric's z-score counts at most this much"
    )
    shock_impact: bool = Field(
        True, description="also run each team without the shocks to show what they did"
    )

    @model_validator(mode="before")
    @classmethod
    def _no_costs(cls, data: object) -> object:
        if isinstance(data, dict) and "costs" in data:
            raise invalid(*_no_costs_words(), at=("costs",))
        return data

    @field_validator("weights", "min_spread")
    @classmethod
    def _known(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [k for k in value if k not in SCORED]
        if unknown:
            hint = _("margin is now named margin_after_costs") if "margin" in unknown else ""
            metrics = _("scorecard metrics: {metrics}", metrics=", ".join(SCORED))
            raise invalid(metrics, ", ".join(unknown), hint)
        return value

    @model_validator(mode="after")
    def _rounds(self) -> Trainer:
        names = [r.name for r in self.rounds]
        if len(set(names)) != len(names):
            raise invalid(_("round names used once"), ", ".join(names), at=("rounds",))
        if sum(self.weights.values()) <= 0:
            raise invalid(_("at least one positive weight"), _("all weights 0"), at=("weights",))
        return self

    def rounds_of(self, kind: str) -> list[tuple[int, Round]]:
        """(index, round) of the rounds of one kind, in the file's order."""
        return [(i, r) for i, r in enumerate(self.rounds) if r.kind == kind]


def round_seed(trainer: Trainer, index: int) -> int:
    """The root seed of round `index`: replication k of every team uses the same world."""
    state = np.random.SeedSequence([trainer.seed, index]).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))


def round_shocks(trainer: Trainer, index: int, horizon: int) -> list[Shock] | None:
    """The dated shocks of round `index`: each day drawn from its window (clipped to the
    horizon) by the trainer's seed, so the same file always gives the same days."""
    if trainer.shocks is None:
        return None
    out = []
    for j, s in enumerate(trainer.shocks):
        low, high = s.window[0], min(s.window[1], horizon - 1)
        if low > high:
            raise TRAINER.fail(
                [
                    Problem(
                        f"shocks[{j}].window",
                        None,
                        _("a window that starts within the horizon ({days} days)", days=horizon),
                        f"[{s.window[0]}, {s.window[1]}]",
                        _("move the window earlier, or run more --days"),
                    )
                ],
                "trainer",
            )
        rng = np.random.default_rng(np.random.SeedSequence([trainer.seed, index, 1000 + j]))
        day = int(rng.integers(low, high + 1))
        data = s.model_dump(exclude={"window"})
        out.append(Shock.model_validate({**data, "day": day}))
    return out


def load_trainer(path: str | Path | None) -> Trainer:
    """The trainer's file (None: the defaults); ScenarioError names file, field and line."""
    if path is None:
        return Trainer()
    source = str(path)
    data, lines, problems, _ = read_yaml(read_text(Path(path), TRAINER), source, TRAINER)
    data = data or {}
    if isinstance(data, dict) and "tournament" in data and len(data) == 1:
        data, lines = (
            data["tournament"],
            {k[1:]: v for k, v in lines.items() if k[:1] == ("tournament",)},
        )
    if not isinstance(data, dict):
        found = describe(data)
        raise TRAINER.fail([Problem("", 1, _("a mapping of trainer settings"), found)], source)
    if "costs" in data:  # reported with every other problem, not instead of them
        problems = [*problems, Problem("costs", lines.get(("costs",)), *_no_costs_words())]
        data = {k: v for k, v in data.items() if k != "costs"}
    return validated(
        Trainer, data, source, lambda err: problems_from(err, lines, Trainer), problems, TRAINER
    )

"""Invalid loyalty sections are rejected with the field path, the line and a hint.

Until `Scenario` gains its `loyalty:` field, a stand-in host model (catalogue + loyalty,
with the category check the Scenario will run) goes through the scenario error layer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError, model_validator

import sim.scenario as scenario
from sim.loyalty import LoyaltyProgram
from sim.scenario import Catalogue, _Model
from sim.yamlfile import read_yaml

VARIANTS = Path(__file__).resolve().parents[1] / "scenarios" / "variants"


class Host(_Model):
    """What Scenario will look like around the section, for the error layer's paths."""

    catalogue: Catalogue = Catalogue()
    loyalty: LoyaltyProgram | None = None

    @model_validator(mode="after")
    def _categories(self) -> Host:
        if self.loyalty is not None:
            error = self.loyalty.category_error([c.name for c in self.catalogue.categories])
            if error is not None:
                raise error
        return self


CATALOGUE = """\
catalogue:
  categories:
    - {name: coffee, share: 0.7}
    - {name: beans, share: 0.3}
loyalty:
"""


def problems(section: str, monkeypatch: pytest.MonkeyPatch) -> list[scenario.Problem]:
    monkeypatch.setattr(scenario, "Scenario", Host)
    text = CATALOGUE + section
    data, lines, found, _ = read_yaml(text, "test")
    with pytest.raises(ValidationError) as err:
        Host.model_validate(data)
    return found + scenario.problems_from(err.value, lines)


@pytest.mark.parametrize(
    ("section", "path", "line", "says"),
    [
        (
            "  tiers:\n    - {name: silver, threshold: 500}\n    - {name: gold, threshold: 300}\n",
            "loyalty.tiers[1].threshold",
            8,
            "a threshold above silver's 500",
        ),
        (
            "  rules:\n    - {kind: weekday, name: w, days: [sat], multiplier: -2}\n",
            "loyalty.rules[0].multiplier",
            7,
            "a number >= 0",
        ),
        (
            "  rewards:\n    - {name: mug, points: 0}\n",
            "loyalty.rewards[0].points",
            7,
            "a point cost of at least 1",
        ),
        (
            "  rules:\n"
            "    - {kind: weekday, name: w, days: [sat]}\n"
            "    - {kind: category, name: c, categories: [coffee, bean], multiplier: 3}\n",
            "loyalty.rules[1].categories[1]",
            8,
            "did you mean 'beans'?",
        ),
        (
            "  rules:\n    - {kind: weekend, name: w, days: [sat]}\n",
            "loyalty.rules[0].kind",
            7,
            "did you mean 'weekday'?",
        ),
        (
            "  rules:\n    - {kind: weekday, name: w, days: [sat, funday]}\n",
            "loyalty.rules[0].days[1]",
            7,
            "one of mon, tue, wed",
        ),
        (
            "  rules:\n    - {kind: weekday, name: w, days: [sat], multiplyer: 2}\n",
            "loyalty.rules[0].multiplyer",
            7,
            "did you mean 'multiplier'?",
        ),
        (
            "  tiers: [{name: gold, threshold: 10}]\n"
            "  rules:\n    - {kind: tier, name: t, tiers: [glod]}\n",
            "loyalty.rules[0].tiers[0]",
            8,
            "did you mean 'gold'?",
        ),
        (
            "  rules:\n    - {kind: date_range, name: d, start: 2026-03-01, end: 2026-02-01}\n",
            "loyalty.rules[0].end",
            7,
            "an end date on or after the start",
        ),
        (
            "  rewards:\n    - {name: mug, points: 10}\n    - {name: mug, points: 20}\n",
            "loyalty.rewards[1].name",
            8,
            "a reward name used only once",
        ),
        (
            "  referral_bonus: 100\n",
            "loyalty.referral_bonus",
            6,
            "a referral bonus in points that buy something",
        ),
        (
            "  expiry: {policy: monthly}\n",
            "loyalty.expiry.policy",
            6,
            "'month_end'",
        ),
    ],
)
def test_invalid_programs_name_field_and_line(
    section: str, path: str, line: int, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = problems(section, monkeypatch)
    rendered = [p.render("x.yaml") for p in found]
    assert any(p.path == path and p.line == line for p in found), rendered
    assert any(says in r for r in rendered), rendered


def test_check_against_lists_every_unknown_category() -> None:
    program = LoyaltyProgram.model_validate(
        {
            "rules": [
                {"kind": "category", "name": "a", "categories": ["beans", "bean"]},
                {"kind": "category", "name": "b", "categories": ["cake"]},
            ]
        }
    )
    assert [p for p, _ in program.check_against(["coffee", "beans"])] == [
        ("rules", 0, "categories", 1),
        ("rules", 1, "categories", 0),
    ]
    assert program.check_against(["beans", "bean", "cake"]) == []


def test_weekday_names_are_forgiving() -> None:
    rule = {"kind": "weekday", "name": "w", "days": ["Saturday", "SUN", "mon"]}
    program = LoyaltyProgram.model_validate({"rules": [rule]})
    assert program.rules[0].days == ["sat", "sun", "mon"]


def test_base_tier_must_differ_from_tiers() -> None:
    with pytest.raises(ValidationError, match="base tier name"):
        LoyaltyProgram.model_validate(
            {"base_tier": "gold", "tiers": [{"name": "gold", "threshold": 1}]}
        )


@pytest.mark.parametrize("name", ["coffee_loyalty", "small_program", "no_program"])
def test_variant_sections_validate(name: str) -> None:
    section = yaml.safe_load((VARIANTS / f"{name}.yaml").read_text(encoding="utf-8"))["loyalty"]
    if name == "no_program":
        assert section is None
        return
    program = LoyaltyProgram.model_validate(section)
    assert program.rules and program.rewards


def test_coffee_loyalty_fits_the_coffee_catalogue() -> None:
    section = yaml.safe_load((VARIANTS / "coffee_loyalty.yaml").read_text(encoding="utf-8"))
    program = LoyaltyProgram.model_validate(section["loyalty"])
    base = scenario.load_scenario(VARIANTS.parent / "coffee_chain.yaml")
    assert program.check_against([c.name for c in base.catalogue.categories]) == []
    assert [t.name for t in program.tiers] == ["silver", "gold", "platinum"]

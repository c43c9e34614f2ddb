"""Every number a scenario holds has a finite range; `validate` accepts only what `run` runs.

The regression cases are the ones the hardening issue reported: each passed `validate`
and then hung, filled the machine or crashed `run` with a traceback. Now each exits 2
naming the field, before anything is simulated.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from sim.cli import main
from sim.scenario import Scenario, json_schema, load_scenario
from sim.tournament.teams import SubmissionError, read_team
from sim.tournament.trainer import Trainer

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
B2B = ROOT / "scenarios" / "b2b_contracts.yaml"
TELECOM = ROOT / "scenarios" / "telecom_service.yaml"


def _numeric(annotation: typing.Any) -> bool:
    return annotation in (int, float)


def _bounds(annotation: typing.Any, metadata: list) -> list[tuple[typing.Any, list]]:
    """(number type, its constraints) for each number an annotation holds, dict values
    and optional fields included."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        meta = [m for e in extra for m in getattr(e, "metadata", [e])]
        return _bounds(inner, metadata + meta)
    if _numeric(annotation):
        return [(annotation, metadata)]
    if origin is dict:
        return _bounds(typing.get_args(annotation)[1], [])
    if origin in (list, tuple):
        return [b for a in typing.get_args(annotation) for b in _bounds(a, [])]
    if origin in (typing.Union, type(int | None)):
        return [b for a in typing.get_args(annotation) for b in _bounds(a, metadata)]
    return []


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []

    def visit(m: typing.Any) -> None:
        if isinstance(m, type) and issubclass(m, BaseModel) and m not in seen:
            seen.append(m)
            for f in m.model_fields.values():
                for a in _flatten(f.annotation):
                    visit(a)

    visit(root)
    return seen


def _flatten(annotation: typing.Any) -> list:
    args = typing.get_args(annotation)
    return [annotation] + [x for a in args for x in _flatten(a)]


@pytest.mark.parametrize("root", [Scenario, Trainer])
def test_every_number_has_a_finite_range(root):
    missing = []
    for model in _models(root):
        assert model.model_config.get("allow_inf_nan") is False, model.__name__
        for name, field in model.model_fields.items():
            for _kind, meta in _bounds(field.annotation, list(field.metadata)):
                upper = [getattr(m, "le", None) or getattr(m, "lt", None) for m in meta]
                lower = [
                    getattr(m, "ge", None) if getattr(m, "ge", None) is not None else m.gt
                    for m in meta
                    if getattr(m, "ge", None) is not None or getattr(m, "gt", None) is not None
                ]
                if not any(u is not None for u in upper) or not lower:
                    missing.append(f"{model.__name__}.{name}")
    assert missing == []


def test_the_json_schema_documents_the_ranges():
    defs = json.loads(json_schema())["$defs"]
    agents = defs["Service"]["properties"]["l1_agents"]
    assert (agents["minimum"], agents["maximum"]) == (1, 1000)
    start = json.loads(json_schema())["properties"]["start_date"]
    assert start["type"] == "string" and "format" in start
    r = defs["GammaPrior"]["properties"]["r"]
    assert r["exclusiveMinimum"] == 0 and r["maximum"] == 1e4


def _write(tmp_path: Path, base: Path, patch: dict, name: str = "case.yaml") -> Path:
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    for dotted, value in patch.items():
        node = data
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


INF = float("inf")
# (base scenario, field, value) from the issue: each validated, then hung or crashed
CASES = [
    (COFFEE, "service.l2_agents", 1e20),
    (COFFEE, "population.initial_customers", 1e9),
    (COFFEE, "population.acquisitions_per_day", 1e7),
    (B2B, "population.purchase_rate.r", INF),
    (B2B, "population.history_days", 1e20),
    (COFFEE, "population.purchase_rate.r", INF),
    (COFFEE, "catalogue.categories", [{"name": "coffee", "share": 1.0, "price_level": 1e308}]),
    (COFFEE, "population.spend.gamma", INF),
    (COFFEE, "population.spend.p", 1e308),
    (COFFEE, "outreach.channels", {"sms": {"cost": 1e308, "open_rate": 0.3}}),
    (COFFEE, "loyalty.signup_bonus", 1e20),
    (COFFEE, "loyalty.base_points_per_unit", 1e308),
    (COFFEE, "service.agent_cost_per_hour", INF),
    (COFFEE, "start_date", "0001-01-01"),
    (COFFEE, "start_date", "9999-12-31"),
    (COFFEE, "population.purchase_rate.alpha", 1e-300),  # numpy: "lam value too large"
    (COFFEE, "population.spend.q", 1.0),  # infinite mean spend
    (COFFEE, "population.satisfaction_effect", float("nan")),
    (TELECOM, "setting.term_days", 10**12),
]


@pytest.mark.parametrize(("base", "field", "value"), CASES, ids=[f"{c[1]}={c[2]}" for c in CASES])
def test_issue_magnitudes_exit_2_naming_the_field(tmp_path, capsys, base, field, value):
    path = _write(tmp_path, base, {field: value})
    if isinstance(value, str):  # a date: keep it a date in YAML, not quoted text
        text = path.read_text(encoding="utf-8").replace(f"'{value}'", value)
        path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{field}" in err.replace("[0].price_level", "").replace(".sms.cost", ""), err
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert not (tmp_path / "out").exists()


def test_the_limit_is_said_in_the_message(tmp_path, capsys):
    path = _write(tmp_path, COFFEE, {"service.l1_agents": 1000000})
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "service.l1_agents: expected a number <= 1000, found 1000000" in err


def test_an_infinite_number_is_named_as_such(tmp_path, capsys):
    path = _write(tmp_path, B2B, {"population.purchase_rate.r": INF})
    assert main(["validate", str(path)]) == 2
    assert "population.purchase_rate.r: expected a finite number" in capsys.readouterr().err


def test_a_date_out_of_range_says_the_range(tmp_path):
    path = _write(tmp_path, COFFEE, {"start_date": "0001-01-01"})
    path.write_text(path.read_text().replace("'0001-01-01'", "0001-01-01"))
    with pytest.raises(ValueError, match="start_date: expected a date on or after 1900-01-01"):
        load_scenario(path)


@pytest.mark.parametrize(
    ("levers", "field"),
    [
        ({"service": {"l2_agents": 1000000}}, "service.l2_agents"),
        ({"service": {"l1_agents": 1e9}}, "service.l1_agents"),
        ({"service": {"policy": {"response_hours": INF}}}, "service.policy.response_hours"),
        ({"loyalty": {"signup_bonus": 1e20}}, "loyalty.signup_bonus"),
        (
            {"outreach": {"triggers": [{"kind": "campaign", "channel": "sms", "days": 1e-9}]}},
            "outreach.triggers[0].days",
        ),
    ],
)
def test_a_team_file_meets_the_same_bounds(tmp_path, levers, field):
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump({"team": {"name": "t"}, **levers}), encoding="utf-8")
    with pytest.raises(SubmissionError) as info:
        read_team(path, load_scenario(COFFEE))
    assert field in [p.path for p in info.value.problems]
    assert path.exists()


def test_every_shipped_file_still_validates():
    from sim.experiments.design import build_variant, read_variant
    from sim.tournament.teams import read_teams
    from sim.tournament.trainer import load_trainer

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        load_scenario(path)
    coffee = load_scenario(COFFEE)
    for path in sorted((ROOT / "scenarios" / "variants").glob("*.yaml")):
        build_variant(coffee, read_variant(path))
    assert len(read_teams(ROOT / "scenarios" / "tournament" / "submissions", coffee)) == 3
    load_trainer(ROOT / "scenarios" / "tournament" / "trainer.yaml")

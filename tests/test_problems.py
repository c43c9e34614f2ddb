"""The shared error layer: every kind of file a user writes is named as what it is, and
problems found before validation are reported with pydantic's, never lost."""

import pickle

import pytest
from pydantic import BaseModel, ConfigDict

from sim.problems import SCENARIO, Problem, ScenarioError, validated
from sim.roleplay.script import ScriptError, load_script, parse_script
from sim.tournament.trainer import load_trainer
from sim.yamlfile import read_yaml


class _Knobs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int


def _convert(err) -> list[Problem]:
    return [
        Problem(".".join(map(str, e["loc"])), None, e["type"], repr(e["input"]))
        for e in err.errors()
    ]


def test_validated_keeps_earlier_problems_beside_pydantics():
    earlier = [Problem("level", 3, "each key only once in a mapping", "'level' twice")]
    with pytest.raises(ScenarioError) as info:
        validated(_Knobs, {"level": "high"}, "knobs.yaml", _convert, earlier)
    assert [p.expected for p in info.value.problems] == [
        "int_parsing",
        "each key only once in a mapping",
    ]
    with pytest.raises(ScenarioError) as info:  # valid data, but an earlier problem
        validated(_Knobs, {"level": 2}, "knobs.yaml", _convert, earlier)
    assert info.value.problems == earlier
    assert validated(_Knobs, {"level": 2}, "knobs.yaml", _convert).level == 2


def test_a_missing_script_or_trainer_file_is_called_what_it_is(tmp_path):
    with pytest.raises(ScriptError) as info:
        load_script(tmp_path / "wrong_ordr.yaml")
    text = str(info.value)
    assert "cannot use this role-play script" in text
    assert "expected an existing role-play script file" in text
    with pytest.raises(ScenarioError) as info:
        load_trainer(tmp_path / "trainer.yaml")
    assert "cannot use this trainer file" in str(info.value)
    assert "expected an existing trainer file" in str(info.value)


def test_yaml_trouble_in_a_script_is_a_script_error_with_a_script_hint():
    with pytest.raises(ScriptError) as info:
        parse_script("id: a\n---\nid: b\n", "two.yaml")
    (problem,) = info.value.problems
    assert problem.line == 2
    assert "a role-play script file holds one YAML document" in problem.hint
    with pytest.raises(ScenarioError) as info:
        read_yaml("a: 1\n---\nb: 2\n", "two.yaml", SCENARIO)
    assert "a scenario file holds one YAML document" in info.value.problems[0].hint


def test_errors_keep_their_kind_through_pickling():
    err = ScriptError([Problem("nodes", 4, "a list", "a number")], "s.yaml")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is ScriptError and str(again) == str(err)
    assert "cannot use this role-play script" in str(again)
    named = ScenarioError([Problem("", None, "x", "y")], "t.yaml", "trainer file")
    assert pickle.loads(pickle.dumps(named)).what == "trainer file"


def test_a_team_file_that_is_not_yaml_is_a_team_file_error(tmp_path):
    from sim.scenario import load_scenario
    from sim.tournament.teams import SubmissionError, read_teams

    (tmp_path / "bad.yaml").write_text("loyalty: [1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        read_teams(tmp_path, load_scenario("scenarios/coffee_chain.yaml"))
    text = str(info.value)
    assert "cannot use this team file" in text and "bad.yaml:2" in text
    assert any(isinstance(e, SubmissionError) for e in info.value.errors)

"""Bad scenario files give a one-screen message naming file, field, line and fix.

Every case runs `python -m sim validate FILE` as a user would and checks the exit code
(2), that no traceback leaks, that the message names the file, the field path and the
right line, and that it fits on a screen. Unit tests of `parse_scenario` check the
"did you mean" hints and that every problem in a file is reported in one go.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sim.scenario import Problem, ScenarioError, load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
MAX_LINES = 25


def _sim(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@dataclass(frozen=True)
class Bad:
    """A malformed scenario and what its message must say."""

    id: str
    content: str | bytes | None  # None: no file at all
    path: str  # the field path as rendered, "(top level)" for the whole file
    line: int | None  # the line the message points at (None: no line to point at)
    says: str  # a piece of the expected/found/hint text


BAD = [
    Bad(
        "typo_top_level_key",
        "name: x\npopulaton:\n  initial_customers: 10\n",
        "populaton",
        2,
        "did you mean 'population'?",
    ),
    Bad(
        "typo_nested_key",
        "name: x\npopulation:\n  initial_customers: 10\n  acqusitions_per_day: 3\n",
        "population.acqusitions_per_day",
        4,
        "did you mean 'acquisitions_per_day'?",
    ),
    Bad(
        "unknown_key_in_list_item",
        "name: x\ncatalogue:\n  categories:\n"
        "    - {name: a, share: 0.5}\n    - {name: b, share: 0.3}\n"
        "    - name: c\n      shre: 0.2\n",
        "catalogue.categories[2].shre",
        7,
        "did you mean 'share'?",
    ),
    Bad(
        "negative_population",
        "name: x\npopulation:\n  initial_customers: -5\n",
        "population.initial_customers",
        3,
        "expected a number >= 0, found -5",
    ),
    Bad(
        "horizon_zero",
        "name: x\n\nhorizon_days: 0\n",
        "horizon_days",
        3,
        "expected a number > 0, found 0",
    ),
    Bad(
        "margin_above_one",
        "name: x\ncatalogue:\n  categories:\n"
        "    - {name: a, share: 0.5}\n    - {name: b, share: 0.5, margin: 1.5}\n",
        "catalogue.categories[1].margin",
        5,
        "found 1.5",
    ),
    Bad(
        "needs_share_above_one",
        "name: x\npopulation:\n  needs_mix:\n    price: 1.5\n    quality: 0.3\n",
        "population.needs_mix.price",
        4,
        "between 0 and 1",
    ),
    Bad(
        "shares_not_summing_to_one",
        "name: x\ncatalogue:\n  categories:\n"
        "    - {name: a, share: 0.5}\n    - {name: b, share: 0.4}\n",
        "catalogue.categories",
        3,
        "adding up to 0.9",
    ),
    Bad(
        "wrong_type",
        'name: x\nhorizon_days: "a year"\n',
        "horizon_days",
        2,
        "expected a whole number, found 'a year'",
    ),
    Bad(
        "bad_setting_kind",
        "name: x\nsetting:\n  kind: contract\n",
        "setting.kind",
        3,
        "did you mean 'contractual'?",
    ),
    Bad(
        "contractual_key_in_non_contractual",
        "name: x\nsetting:\n  kind: non_contractual\n  term_days: 365\n",
        "setting.term_days",
        4,
        "only applies to kind: contractual",
    ),
    Bad(
        "impossible_date",
        "name: x\nstart_date: 2026-02-30\n",
        "start_date",
        2,
        "a date like 2026-01-01",
    ),
    Bad(
        "duplicate_key",
        "name: x\npopulation:\n  initial_customers: 10\nseed: 1\npopulation:\n  history_days: 5\n",
        "population",
        5,
        "first on line 2, again on line 5",
    ),
    Bad(
        "yaml_syntax_error",
        "name: x\nhorizon_days 365\nseed: 1\n",
        "(top level)",
        2,
        "could not find expected ':'",
    ),
    Bad(
        "tab_indentation",
        "name: x\npopulation:\n\tinitial_customers: 10\n",
        "(top level)",
        3,
        "spaces, never tabs",
    ),
    Bad("empty_file", "", "(top level)", None, "an empty file"),
    Bad("only_comments", "# nothing yet\n\n", "(top level)", None, "only comments"),
    Bad("a_list", "- name: x\n- name: y\n", "(top level)", 1, "a list of 2 items"),
    Bad(
        "not_yaml_at_all",
        "This is a note about customers, not a scenario.\n",
        "(top level)",
        1,
        "expected a mapping",
    ),
    Bad(
        "loyalty_typo",
        "name: x\nloyalty:\n  points_per_yuan: 1\n",
        "loyalty.points_per_yuan",
        3,
        "did you mean 'base_points_per_unit'?",
    ),
    Bad(
        "yes_for_a_number",
        "name: x\nseed: yes\n",
        "seed",
        2,
        "YAML reads yes/no/on/off",
    ),
    Bad("missing_name", "description: nameless\nseed: 1\n", "name", 1, "required"),
    Bad(
        "setting_as_text",
        "name: x\nsetting: contractual\n",
        "setting",
        2,
        "setting: {kind: contractual}",
    ),
    Bad(
        "empty_section",
        "name: x\npopulation:\nseed: 1\n",
        "population",
        2,
        "delete the line to use the defaults",
    ),
    Bad("binary_file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "(top level)", None, "binary"),
    Bad("not_utf8", b"name: x\ndescription: caf\xe9\n", "(top level)", 2, "not UTF-8"),
    Bad("missing_file", None, "(top level)", None, "no file at that path"),
]


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
def test_validate_reports_bad_file(case: Bad, tmp_path: Path) -> None:
    target = tmp_path / f"{case.id}.yaml"
    if isinstance(case.content, bytes):
        target.write_bytes(case.content)
    elif case.content is not None:
        target.write_text(case.content, encoding="utf-8")

    done = _sim("validate", target)

    assert done.returncode == 2, done.stderr
    err = done.stderr
    assert "Traceback" not in err, err
    assert target.name in err, err
    assert f": {case.path}: " in err, err
    if case.line is not None:
        assert f"{target}:{case.line}: {case.path}: " in err, err
    else:
        assert f"{target}: {case.path}: " in err, err
    assert case.says in err, err
    assert len(err.splitlines()) <= MAX_LINES, err


def test_validate_directory(tmp_path: Path) -> None:
    (tmp_path / "world.yaml").write_text("name: x\n", encoding="utf-8")
    done = _sim("validate", tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "found a directory" in done.stderr
    assert "world.yaml" in done.stderr  # suggests the file inside


def test_validate_many_files_reports_each(tmp_path: Path) -> None:
    good, bad = SHIPPED[0], tmp_path / "bad.yaml"
    bad.write_text("name: x\nhorizon_days: 0\n", encoding="utf-8")
    done = _sim("validate", good, bad)
    assert done.returncode == 2
    assert f"{good.relative_to(ROOT)}: ok" in done.stdout or f"{good}: ok" in done.stdout
    assert f"{bad}:2: horizon_days" in done.stderr


def test_missing_file_suggests_a_close_name(tmp_path: Path) -> None:
    (tmp_path / "coffee_chain.yaml").write_text("name: x\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "cofee_chain.yaml")
    assert "did you mean" in info.value.report()
    assert "coffee_chain.yaml" in info.value.report()


def test_run_missing_scenario_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _sim("run", tmp_path / "MISSING.yaml", "--out", out)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "MISSING.yaml" in done.stderr
    assert not out.exists()


# ------------------------------------------------------------------ parse_scenario


def _problems(text: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    return info.value.problems


def _only(text: str) -> Problem:
    problems = _problems(text)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("text", "path", "line", "hint"),
    [
        ("name: x\npopulaton: {}\n", "populaton", 2, "did you mean 'population'?"),
        ("name: x\nHorizon_Days: 3\n", "Horizon_Days", 2, "did you mean 'horizon_days'?"),
        (
            "name: x\npopulation:\n  acqusitions_per_day: 3\n",
            "population.acqusitions_per_day",
            3,
            "did you mean 'acquisitions_per_day'?",
        ),
        (
            "name: x\ncatalogue:\n  categories:\n    - {name: a, shre: 1}\n",
            "catalogue.categories[0].shre",
            4,
            "did you mean 'share'?",
        ),
        (
            "name: x\npopulation:\n  needs_mix: {price: 0.5, qualty: 0.5}\n",
            "population.needs_mix.qualty",
            3,
            "did you mean 'quality'?",
        ),
        ("name: x\nlocale: zh-CN\n", "locale", 2, "did you mean 'zh_CN'?"),
        ("name: x\nsetting: {kind: contract}\n", "setting.kind", 2, "did you mean 'contractual'?"),
        (
            "name: x\ninitial_customers: 10\n",
            "initial_customers",
            2,
            "belongs under 'population:'",
        ),
        (
            "name: x\nsetting:\n  kind: non_contractual\n  term_days: 30\n",
            "setting.term_days",
            4,
            "'term_days' only applies to kind: contractual",
        ),
        ("name: x\nzzz: 1\n", "zzz", 2, "known keys here: name, description"),
    ],
    ids=[
        "top",
        "case",
        "nested",
        "list_item",
        "needs_mix_key",
        "locale",
        "kind",
        "misplaced",
        "other_kind",
        "no_match",
    ],
)
def test_unknown_keys_get_a_hint(text: str, path: str, line: int, hint: str) -> None:
    problem = _only(text)
    assert (problem.path, problem.line) == (path, line)
    assert hint in problem.hint


NESTED = """\
name: many problems
horizon_days: 0
population:
  initial_customers: -5
  acqusitions_per_day: 3
  needs_mix: {price: 1.5, quality: 0.3, service: 0.2}
catalogue:
  categories:
    - {name: a, share: 0.5}
    - {name: b, share: 0.3, margin: 1.5}
    - name: c
      shre: 0.2
setting:
  kind: non_contractual
  term_days: 365
start_date: 2026-02-30
seed: 1
seed: 2
"""


def test_every_problem_reported_at_once_sorted_by_line() -> None:
    problems = _problems(NESTED)
    got = [(p.path, p.line) for p in problems]
    assert got == [
        ("horizon_days", 2),
        ("population.initial_customers", 4),
        ("population.acqusitions_per_day", 5),
        ("population.needs_mix.price", 6),
        ("catalogue.categories[1].margin", 10),
        ("catalogue.categories[2].shre", 12),  # not also "share is missing"
        ("setting.term_days", 15),
        ("start_date", 16),
        ("seed", 18),  # given twice
    ]
    report = ScenarioError(problems, "t.yaml").report().splitlines()
    assert report[0] == "t.yaml: cannot use this scenario, 9 problems:"
    assert report[1].startswith("  t.yaml:2: horizon_days: expected a number > 0, found 0")
    assert "first on line 17, again on line 18" in report[-1]


def test_missing_required_key_points_at_its_mapping() -> None:
    problem = _only("name: x\ncatalogue:\n  categories:\n    - name: a\n      margin: 0.5\n")
    assert (problem.path, problem.line) == ("catalogue.categories[0].share", 4)
    assert problem.found == "no 'share' key"


def test_misspelt_required_key_is_one_problem() -> None:
    problem = _only("name: x\ncatalogue:\n  categories:\n    - {name: a, shre: 1}\n")
    assert (problem.path, problem.line) == ("catalogue.categories[0].shre", 4)
    assert problem.hint == "did you mean 'share'?"


def test_duplicate_key_lines_point_at_the_value_that_counts() -> None:
    text = "name: x\npopulation:\n  seed_ignored: 1\npopulation:\n  initial_customers: -1\n"
    problems = _problems(text)
    assert [(p.path, p.line) for p in problems] == [
        ("population", 4),
        ("population.initial_customers", 5),
    ]
    assert "first on line 2, again on line 4" in problems[0].found


def test_nested_duplicate_keys() -> None:
    problem = _only("name: x\npopulation:\n  history_days: 1\n  history_days: 2\n")
    assert (problem.path, problem.line) == ("population.history_days", 4)


def test_duplicate_category_names_point_at_the_second() -> None:
    text = (
        "name: x\ncatalogue:\n  currency: EURO\n  categories:\n"
        "    - {name: tea, share: 0.5}\n    - {name: tea, share: 0.5}\n"
    )
    problems = _problems(text)  # the currency does not hide the repeated name
    assert [(p.path, p.line) for p in problems] == [
        ("catalogue.currency", 3),
        ("catalogue.categories[1].name", 6),
    ]


def test_yaml_syntax_error_points_at_the_cause() -> None:
    problem = _only('name: x\ndescription: "never closed\nseed: 1\n')
    assert problem.line == 2
    assert "never closed" in problem.hint


def test_scalar_and_null_documents() -> None:
    assert _only("42\n").found == "42"
    assert _only("---\n~\n").found == "nothing (null)"


def test_percentages_and_booleans_in_shares() -> None:
    problems = _problems("name: x\npopulation:\n  channel_mix: {store: 40%, app: yes}\n")
    assert {p.path for p in problems} == {
        "population.channel_mix.store",
        "population.channel_mix.app",
    }
    assert any("40% as 0.4" in p.hint for p in problems)


def test_python_tags_are_refused() -> None:
    problem = _only("name: !!python/object/apply:os.system [echo hi]\n")
    assert problem.line == 1
    assert "not allowed" in problem.hint


def test_valid_text_parses() -> None:
    scenario = parse_scenario("name: x\nsetting: {kind: contractual, term_days: 30}\n")
    assert scenario.setting.kind == "contractual"
    assert scenario.setting.term_days == 30


def test_error_survives_pickling() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario("name: x\nhorizon_days: 0\n", "t.yaml")
    again = pickle.loads(pickle.dumps(info.value))
    assert again.problems == info.value.problems
    assert again.report() == info.value.report()


def test_overrides_out_of_range_raise_scenario_error() -> None:
    scenario = parse_scenario("name: x\n")
    with pytest.raises(ScenarioError) as info:
        scenario.with_overrides(days=100_000)
    assert info.value.problems[0].path == "days"


# ------------------------------------------------------------- shipped and schema


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenarios_validate(path: Path) -> None:
    done = _sim("validate", path)
    assert done.returncode == 0, done.stderr
    assert ": ok (" in done.stdout


def _schema() -> dict:
    done = _sim("schema")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_schema_is_json_with_the_main_sections() -> None:
    schema = _schema()
    assert {"name", "population", "catalogue", "setting"} <= set(schema["properties"])
    assert schema["required"] == ["name"]
    assert schema["additionalProperties"] is False
    for section in ("loyalty", "service", "outreach", "surveys", "shocks"):
        assert section in schema["properties"], section
    assert "LoyaltyProgram" in schema["$defs"] and "DeskPolicy" in schema["$defs"]


def _plain(value: object) -> object:
    """YAML data as an editor sees it (dates stay text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_schema_validates_shipped_scenarios() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(_schema())
    for path in SHIPPED:
        data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], (path.name, errors)
    typo = {"name": "x", "populaton": {}, "setting": {"kind": "non_contractual", "term_days": 3}}
    assert len(list(validator.iter_errors(typo))) == 2

"""Mutated shipped files never crash, hang or exhaust the machine.

Hypothesis takes a shipped scenario, variant or team file and changes one thing: a value's
type, its magnitude, a non-finite number, control characters, a missing or an unknown key.
Each mutant must either be refused with exit 2 naming the field (or a part of its path),
or validate and then run cleanly on a small world. The run is a subprocess under an
address-space limit (resource.setrlimit) and a time limit, so a hang or a runaway
allocation fails the example instead of the machine. Derandomized: CI sees the same cases.
"""
# A raw control character in the file (not an escaped one) is the one known failure: see
# test_a_raw_control_character_in_a_scenario_is_refused.

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.experiments.design import build_variant, read_variant
from sim.problems import ScenarioError, render_path
from sim.scenario import load_scenario
from sim.tournament.teams import read_team

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
VARIANTS = sorted((ROOT / "scenarios" / "variants").glob("*.yaml"))
TEAMS = sorted((ROOT / "scenarios" / "tournament" / "submissions").glob("*.yaml"))
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"

RUN_SECONDS = 90  # a small world runs in a few seconds; more is a hang
RUN_MEMORY = 3 * 2**30  # address space of the run: a small world needs far less
SMALL = ["--customers", "200", "--days", "60"]

BAD_VALUES = [
    "text",
    "",
    None,
    True,
    [1, 2],
    {"x": 1},
    -1,
    0,
    0.5,
    1e20,
    -1e20,
    1e308,
    10**12,
    math.inf,
    -math.inf,
    math.nan,
    "1e9",
    "a\x00b\x1b[31m\u202e",  # control characters, escaped in the file by safe_dump
    "2026-02-30",
]


def _leaves(data: Any, path: tuple = ()) -> list[tuple]:
    """Every path into the data: mappings' keys and list items, all levels."""
    out = [path] if path else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _leaves(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _leaves(v, path + (i,))
    return out


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutants(draw, files: list[Path]) -> tuple[Path, dict, tuple, str]:
    """(original file, mutated data, the path changed, what was done)."""
    source = draw(st.sampled_from(files))
    data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    path = draw(st.sampled_from(_leaves(data)))
    how = draw(st.sampled_from(["value", "value", "value", "missing", "unknown"]))
    parent = _parent(data, path)
    if how == "value":
        parent[path[-1]] = draw(st.sampled_from(BAD_VALUES))
    elif how == "missing" and isinstance(parent, dict):
        del parent[path[-1]]
    elif how == "missing":
        parent.pop(path[-1])
    else:
        target = parent[path[-1]]
        if isinstance(target, dict):
            target["zz_unknown"] = 1
            path = path + ("zz_unknown",)
        else:
            parent[path[-1]] = {"zz_unknown": 1}
    return source, data, path, how


def _write(tmp: Path, name: str, data: Any) -> Path:
    path = tmp / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _names_the_field(err: ScenarioError, path: tuple) -> bool:
    """A problem points at the changed path, its parent or something below it; or, for a
    cross-reference (a category deleted that a rule names), the report names the path."""
    changed, parent = render_path(path), render_path(path[:-1])
    if any(p.path in (changed, parent) or p.path.startswith(changed) for p in err.problems):
        return True
    return changed in err.report()


def _limit() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (RUN_MEMORY, RUN_MEMORY))


def _run(scenario_file: Path, out: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sim", "run", str(scenario_file), "--out", str(out)]
    cmd += [*SMALL, "--quiet", "--csv-only"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        preexec_fn=_limit,
        cwd=ROOT,
        env=env,
    )


def _check_runs(scenario_file: Path, tmp: Path) -> None:
    out = tmp / "out"
    done = _run(scenario_file, out)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode in (0, 2), done.stderr[-3000:]
    if done.returncode == 0:
        assert (out / "orders.csv").exists() and (out / "summary.json").exists()
    else:  # refused late (the run-size check): nothing half-written
        assert not out.exists()


# 12 mutants per test in `make test`; SIM_MUTATION_EXAMPLES=200 for a longer hunt.
SETTINGS = settings(
    max_examples=int(os.environ.get("SIM_MUTATION_EXAMPLES", "12")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(case=mutants(SCENARIOS))
def test_a_mutated_scenario_is_refused_naming_the_field_or_runs(tmp_path_factory, case):
    source, data, path, _how = case
    tmp = tmp_path_factory.mktemp("scenario")
    file = _write(tmp, source.name, data)
    before = file.read_bytes()
    try:
        load_scenario(file)
    except ScenarioError as err:
        assert _names_the_field(err, path), (path, err.report())
        assert main(["validate", str(file)]) == 2
    else:
        _check_runs(file, tmp)
    assert file.read_bytes() == before  # the input is never touched


@SETTINGS
@given(case=mutants(VARIANTS + TEAMS))
def test_a_mutated_variant_or_team_file_is_refused_naming_the_field_or_runs(tmp_path_factory, case):
    source, data, path, _how = case
    tmp = tmp_path_factory.mktemp("variant")
    file = _write(tmp, source.name, data)
    before = file.read_bytes()
    coffee = load_scenario(COFFEE)
    try:
        if source in TEAMS:
            _team, scenario = read_team(file, coffee)
        else:
            scenario = build_variant(coffee, read_variant(file))
    except ScenarioError as err:
        assert _names_the_field(err, path), (path, err.report())
    else:
        merged = _write(tmp, "merged.yaml", scenario.model_dump(mode="json"))
        _check_runs(merged, tmp)
    assert file.read_bytes() == before


@settings(max_examples=5, deadline=None, derandomize=True, database=None)
@given(
    source=st.sampled_from(SCENARIOS),
    char=st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\ufffe"]),
    where=st.floats(0, 1),
)
def test_a_raw_control_character_in_a_scenario_is_refused(tmp_path_factory, source, char, where):
    text = source.read_text(encoding="utf-8")
    at = int(where * len(text))
    file = tmp_path_factory.mktemp("raw") / source.name
    file.write_text(text[:at] + char + text[at:], encoding="utf-8")
    try:
        load_scenario(file)
    except ScenarioError as err:
        assert all(p.line is not None for p in err.problems), err.report()

"""Every kind of file a user gives is read the same careful way: a regular file only, at
most 1 MiB, UTF-8; odd bytes, FIFOs, devices and symlinks out of the submissions folder
are refused with a message (exit 2), never a traceback, a hang or an echo of the file."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.cli import main
from sim.experiments.design import read_variant
from sim.problems import ScenarioError
from sim.roleplay.script import ScriptError, load_script
from sim.scenario import load_scenario
from sim.tournament.teams import SubmissionError, read_team, read_teams
from sim.tournament.trainer import NO_COSTS, TRAINER, load_trainer
from sim.yamlfile import MAX_BYTES

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "scenarios" / "tournament" / "submissions"
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"


@pytest.fixture(scope="module")
def base():
    return load_scenario(COFFEE)


def _team(path: Path):
    return read_team(path, load_scenario(COFFEE), path.parent)


# every reader of a user's YAML file, the shipped file it can start from, its error
KINDS: dict[str, tuple[Callable, Path, type[ScenarioError]]] = {
    "scenario": (load_scenario, COFFEE, ScenarioError),
    "variant": (read_variant, ROOT / "scenarios" / "variants" / "no_program.yaml", ScenarioError),
    "team file": (_team, SUBMISSIONS / "steady_brew.yaml", SubmissionError),
    "trainer file": (
        load_trainer,
        ROOT / "scenarios" / "tournament" / "trainer.yaml",
        ScenarioError,
    ),
    "role-play script": (
        load_script,
        ROOT / "scenarios" / "roleplay" / "wrong_order.yaml",
        ScriptError,
    ),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize(("byte", "name"), [(b"\x07", "BEL"), (b"\x1b", "ESC")])
def test_a_control_character_is_a_problem_at_its_line_in_every_kind(
    kind: str, byte: bytes, name: str, tmp_path: Path
) -> None:
    read, shipped, error = KINDS[kind]
    lines = shipped.read_bytes().splitlines(keepends=True)
    at = next(i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith(b"#"))
    lines[at] = lines[at].rstrip(b"\n") + byte + b"\n"
    path = tmp_path / shipped.name
    path.write_bytes(b"".join(lines))
    with pytest.raises(error) as info:
        read(path)
    (problem,) = info.value.problems
    assert problem.line == at + 1
    assert f"({name})" in problem.found
    assert f"at column {len(lines[at].decode()) - 1}" in problem.found  # characters
    assert problem.hint.startswith("delete it")


def test_a_control_character_exits_2_from_the_cli(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bell.yaml"
    bad.write_bytes(b"name: coffee\x07\n")
    script = tmp_path / "script.yaml"
    script.write_bytes(b"id: x\x1b[31m\n")
    assert main(["validate", str(bad)]) == 2
    assert main(["roleplay", "lint", str(script)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: (top level): expected plain text, found a bell character (BEL)" in err
    assert f"{script}:1: (top level): expected plain text, found an escape character (ESC)" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_fifo_is_refused_without_waiting_for_a_writer(kind: str, tmp_path: Path) -> None:
    # opened non-blocking and refused by its type: if it waited, this test would hang
    read, _, error = KINDS[kind]
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(error) as info:
        read(fifo)
    assert info.value.problems[0].found == "a named pipe (FIFO), not a file"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_without_reading_it(capsys) -> None:
    assert main(["validate", "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert "/dev/zero: (top level): expected a scenario file, found a device, not a file" in err
    with pytest.raises(ScenarioError, match="found a device"):
        load_trainer("/dev/zero")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# padding\n" * (MAX_BYTES // 10 + 1))
    with pytest.raises(ScenarioError) as info:
        load_scenario(big)
    (problem,) = info.value.problems
    assert problem.expected == "a scenario file of at most 1,024 KiB"
    assert problem.found == f"{big.stat().st_size:,} bytes"
    just = tmp_path / "just.yaml"  # exactly at the limit is read (and is only comments)
    just.write_bytes(b"#" * (MAX_BYTES - 1) + b"\n")
    with pytest.raises(ScenarioError, match="only comments"):
        load_scenario(just)


def test_a_trainer_file_is_called_a_trainer_file_once() -> None:
    assert TRAINER.file == "trainer file"
    with pytest.raises(ScenarioError) as info:
        load_trainer(ROOT / "scenarios")
    assert "expected a trainer file, found a directory" in str(info.value)


SHADOW = "root:$6$secret.hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"


def test_a_symlink_out_of_the_submissions_folder_is_refused_and_not_echoed(
    tmp_path: Path, base
) -> None:
    outside = tmp_path / "etc" / "shadow"
    outside.parent.mkdir()
    outside.write_text(SHADOW, encoding="utf-8")
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(SUBMISSIONS / "steady_brew.yaml", folder)
    (folder / "evil.yaml").symlink_to(outside)
    with pytest.raises(SubmissionError) as info:
        read_teams(folder, base)
    text = info.value.report()
    assert f"{folder / 'evil.yaml'}: (top level): expected a team file inside {folder}" in text
    assert "found a symlink to a file outside that folder" in text
    assert "19000" not in text and "secret" not in text and "daemon" not in text


def test_a_symlink_inside_the_submissions_folder_is_followed(tmp_path: Path, base) -> None:
    folder = tmp_path / "submissions"
    (folder / "drafts").mkdir(parents=True)
    shutil.copy(SUBMISSIONS / "steady_brew.yaml", folder / "drafts" / "v3.yml.txt")
    (folder / "steady.yaml").symlink_to(Path("drafts") / "v3.yml.txt")
    ((team, _),) = read_teams(folder, base)
    assert team.name == "Steady Brew"


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:hunter2 {}\n",
        "a: *hunter2\n",
        "a: !!int hunter2\n",
        "a: &hunter2 1\nb: &hunter2 2\n",
        "password: [hunter2\n",
        "hunter2 hunter2\nb: 1\n",
    ],
)
def test_text_that_is_not_yaml_is_never_quoted_back(text: str, tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "hunter2" not in info.value.report()


def test_the_team_block_is_validated_with_did_you_mean(tmp_path: Path, base) -> None:
    path = tmp_path / "team.yaml"
    path.write_text("team:\n  nmae: Foo\n  members: 5\nloyalty: null\n", encoding="utf-8")
    with pytest.raises(SubmissionError) as info:
        read_team(path, base)
    got = [(p.path, p.line, p.expected, p.found, p.hint) for p in info.value.problems]
    assert got == [
        ("team.nmae", 2, "a known key", "unknown key 'nmae'", "did you mean 'name'?"),
        ("team.members", 3, "a list", "5", ""),
    ]


def test_the_team_block_may_be_a_name_and_members_must_be_text(tmp_path: Path, base) -> None:
    path = tmp_path / "coupons.yaml"
    path.write_text("team: Coupon Storm\nloyalty: null\n", encoding="utf-8")
    team, _ = read_team(path, base)
    assert (team.name, team.members, team.notes) == ("Coupon Storm", [], "")
    path.write_text("team: {members: [Li Na, 7]}\nloyalty: null\n", encoding="utf-8")
    with pytest.raises(SubmissionError) as info:
        read_team(path, base)
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.expected) == ("team.members[1]", 1, "text")


def test_trainer_errors_read_like_the_rest_of_the_layer(tmp_path: Path) -> None:
    path = tmp_path / "trainer.yaml"
    path.write_text(
        "replications: many\nseeed: 3\nrounds:\n  - {name: a, kind: scord}\n"
        "weights: {retention: -1}\ncosts: 5\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        load_trainer(path)
    got = [(p.path, p.line, p.expected, p.hint) for p in info.value.problems]
    assert got == [
        ("replications", 1, "a whole number", ""),
        ("seeed", 2, "a known key", "did you mean 'seed'?"),
        ("rounds[0].kind", 4, "one of practice, scored", "did you mean 'scored'?"),
        ("weights.retention", 5, "a number >= 0", ""),
        ("costs", 6, "no costs section", NO_COSTS[2]),  # gone: staff cost is the scenario's
    ]
    assert "Input should" not in info.value.report()

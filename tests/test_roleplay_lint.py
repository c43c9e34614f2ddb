"""The role-play linter and schema errors: each defect kind on a small bad script, at the
right line, through `python -m sim roleplay lint` (exit 2, `file:line: message`, no
traceback); every shipped script lints clean."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from sim.cli import main
from sim.roleplay.engine import play
from sim.roleplay.lint import lint_script
from sim.roleplay.script import ScriptError, parse_script

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "scenarios" / "roleplay").glob("*.yaml"))

GOOD = """\
id: small
title: Small
situation: A small case.
start: a
nodes:
  a:
    say: Hello.
    choices:
      - text: Sorry.
        flags: [apologised]
        goto: end
  end:
    ending: good
    say: Thanks.
    debrief: Fine.
"""


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "roleplay", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


@dataclass(frozen=True)
class Bad:
    """A defective script: `#!` marks the line the message must point at."""

    id: str
    text: str
    says: str


def _edit(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


LINT = [
    Bad(
        "unreachable",
        GOOD + "  orphan:  #!\n    ending: lost\n    say: Bye.\n    debrief: Lost.\n",
        "unreachable node 'orphan'",
    ),
    Bad(
        "dead_end",
        _edit("        goto: end\n", "        goto: limbo\n") + "  limbo:  #!\n    say: Hmm.\n",
        "dead end: 'limbo' is not an ending and has no choices",
    ),
    Bad(
        "undefined_target",
        _edit("        goto: end\n", "        goto: ned  #!\n"),
        "undefined target 'ned'; did you mean 'end'?",
    ),
    Bad(
        "undefined_start",
        _edit("start: a\n", "start: b  #!\n"),
        "undefined start node 'b'",
    ),
    Bad(
        "unscored_choice",
        _edit(
            "        goto: end\n", "        goto: end\n      - text: Hm.  #!\n        goto: end\n"
        ),
        "unscored choice",
    ),
    Bad(
        "ending_without_debrief",
        _edit("    debrief: Fine.\n", "").replace("  end:\n", "  end:  #!\n"),
        "ending 'end' has no debrief",
    ),
    Bad(
        "missing_translation",
        _edit("title: Small\n", "title: Small\nlanguages: [en, zh]\n")
        .replace("say: Hello.", "say: {en: Hello.}  #!")
        .replace("title: Small", "title: {en: Small, zh: 小}")
        .replace("situation: A small case.", "situation: {en: A small case., zh: 小案例。}")
        .replace("text: Sorry.", "text: {en: Sorry., zh: 抱歉。}")
        .replace("say: Thanks.", "say: {en: Thanks., zh: 谢谢。}")
        .replace("debrief: Fine.", "debrief: {en: Fine., zh: 好。}"),
        "nodes.a.say: missing zh translation",
    ),
    Bad(
        "unknown_name_in_condition",
        _edit(
            "        flags: [apologised]\n",
            "        flags: [apologised]\n        when: trsut < 3  #!\n",
        ),
        "unknown name 'trsut' in condition; did you mean 'trust'?",
    ),
    Bad(
        "loop_without_ending",
        _edit("        goto: end\n", "        goto: loop\n")
        + "  loop:  #!\n    say: Again.\n    choices:\n      - text: Again.\n"
        "        effects: {minutes: 1}\n        goto: loop\n",
        "no ending can be reached from 'loop'",
    ),
    Bad(
        "branch_loop",
        _edit("        goto: end\n", "        goto: b\n")
        + "  b:\n    say: B.\n    branches:  #!\n      - {when: trust > 1, goto: c}\n"
        "    choices:\n      - {text: Ok., flags: [resolved], goto: end}\n"
        "  c:\n    say: C.\n    branches:\n      - {when: mood < 99, goto: b}\n"
        "    choices:\n      - {text: Ok., flags: [resolved], goto: end}\n",
        "branches jump in a circle without a reply in between (b -> c -> b)",
    ),
    Bad(
        "every_choice_blocked",
        _edit(
            "        flags: [apologised]\n",
            "        flags: [apologised]\n        when: trust > 90\n",
        ).replace("  a:\n", "  a:  #!\n"),
        "every choice has a condition: when none holds the conversation is stuck",
    ),
]

LINT += [
    # issue 12 part 8: credit only what a reply did
    Bad(
        "acknowledged_without_naming_the_problem",
        _edit("    say: Hello.\n", "    say: My twelve lattes have the wrong milk.\n").replace(
            "        goto: end\n",
            "        goto: end\n"
            "      - text: Let me look up your order right away.\n"
            "        flags: [acknowledged]  #!\n        goto: end\n",
            1,
        ),
        "tagged acknowledged but the en reply names nothing the customer said",
    ),
    Bad(
        "owned_fix_without_a_commitment",
        _edit("        flags: [apologised]\n", "")
        .replace("text: Sorry.", "text: That is our mistake, and I'm sorry.")
        .replace(
            "        goto: end\n",
            "        flags: [apologised, owned_fix]  #!\n        goto: end\n",
            1,
        ),
        "tagged owned_fix but the en reply does not do it",
    ),
    Bad(
        "apologised_without_sorry",
        _edit("text: Sorry.", "text: We will remake it.").replace(
            "        flags: [apologised]\n", "        flags: [apologised]  #!\n"
        ),
        "tagged apologised but the en reply does not do it: say sorry in it",
    ),
    Bad(
        "apologised_without_sorry_zh",
        _edit("title: Small\n", "title: {en: Small, zh: 小}\nlanguages: [en, zh]\n")
        .replace("situation: A small case.", "situation: {en: A small case., zh: 小案例。}")
        .replace("say: Hello.", "say: {en: Hello., zh: 你好。}")
        .replace("text: Sorry.", "text: {en: Sorry., zh: 好的。}")
        .replace("say: Thanks.", "say: {en: Thanks., zh: 谢谢。}")
        .replace("debrief: Fine.", "debrief: {en: Fine., zh: 好。}")
        .replace("        flags: [apologised]\n", "        flags: [apologised]  #!\n"),
        "tagged apologised but the zh reply does not do it",
    ),
    Bad(
        "event_without_label",
        _edit(
            "nodes:\n",
            "events:\n  - id: storm  #!\n    at: {turn: 1}\n    text: A storm.\nnodes:\n",
        ),
        "event 'storm' has no label",
    ),
    Bad(
        "line_repeats_on_a_revisit",
        _edit("    say: Hello.\n", "    say: Hello.  #!\n").replace(
            "        goto: end\n",
            "        goto: end\n      - text: Pardon?\n        effects: {minutes: 1}\n"
            "        goto: a\n",
            1,
        ),
        "the customer would say the same line word for word: add 'again:'",
    ),
    Bad(
        "same_line_in_two_nodes",
        _edit("    say: Thanks.\n", "    say: Hello.  #!\n"),
        "the same line as a.say (en)",
    ),
    Bad(
        "asks_for_manager_unmarked",
        _edit("    say: Hello.\n", "    say: I want to talk to your manager.  #!\n"),
        "this spoken line asks for a manager: add 'asks_for_manager: true'",
    ),
]

SCHEMA = [
    Bad("typo_key", _edit("    choices:\n", "    chioces:  #!\n"), "did you mean 'choices'?"),
    Bad("unknown_flag", _edit("[apologised]", "[apologized]  #!"), "did you mean 'apologised'?"),
    Bad("wrong_type", _edit("start: a\n", "start: a\nmood: lots  #!\n"), "expected a number"),
    Bad(
        "out_of_range",
        _edit("start: a\n", "start: a\ntrust: 140  #!\n"),
        "expected a number <= 100",
    ),
    Bad(
        "bad_condition",
        _edit(
            "        flags: [apologised]\n",
            "        flags: [apologised]\n        when: trust <  #!\n",
        ),
        "the condition ends too early",
    ),
    Bad(
        "typo_in_effects",
        _edit("        flags: [apologised]\n", "        effects: {mod: 3}  #!\n"),
        "did you mean 'mood'?",
    ),
    Bad("language_typo", _edit("title: Small\n", "title: {en: Small, zn: 小}  #!\n"), "'zh'"),
    Bad(
        "event_without_trigger",
        _edit("nodes:\n", "events:\n  - id: x  #!\n    text: Boom.\nnodes:\n"),
        "'at:' (a turn or hours) or 'when:'",
    ),
    Bad("missing_start", _edit("start: a\n", ""), "no 'start' key"),
    # what the engine cannot play is refused at load time (it crashed `roleplay play`)
    Bad(
        "parentheses_199_deep",
        _edit(
            "        flags: [apologised]\n",
            f"        flags: [apologised]\n        when: {'(' * 199}trust{')' * 199} > 3  #!\n",
        ),
        "more than 20 levels of '(' or 'not' inside each other",
    ),
    Bad(
        "1000_chained_not",
        _edit(
            "        flags: [apologised]\n",
            f"        flags: [apologised]\n        when: {'not ' * 1000}apologised  #!\n",
        ),
        "more than 20 levels of '(' or 'not' inside each other",
    ),
    Bad(
        "infinite_hours",
        _edit("        flags: [apologised]\n", "        effects: {hours: .inf}  #!\n"),
        "choices[0].effects.hours: expected a finite number (not .inf or .nan), found inf",
    ),
    Bad(
        "nan_hours",
        _edit("        flags: [apologised]\n", "        effects: {hours: .nan}  #!\n"),
        "choices[0].effects.hours: expected a finite number (not .inf or .nan), found nan",
    ),
    Bad(
        "1e308_hours",
        _edit("        flags: [apologised]\n", "        effects: {hours: 1e308}  #!\n"),
        "choices[0].effects.hours: expected a number <= 8760, found '1e308'",
    ),
    Bad(
        "event_at_infinite_hours",
        _edit(
            "nodes:\n", "events:\n  - id: x\n    text: Boom.\n    at: {hours: .inf}  #!\nnodes:\n"
        ),
        "events[0].at.hours: expected a finite number",
    ),
    Bad(
        "start_hours_nan",
        _edit("start: a\n", "start: a\nstart_hours: .nan  #!\n"),
        "start_hours: expected a finite number",
    ),
]


def _marked_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if "#!" in line)


@pytest.mark.parametrize("bad", LINT, ids=lambda b: b.id)
def test_linter_finds_each_defect_at_its_line(bad: Bad, tmp_path: Path) -> None:
    issues = lint_script(parse_script(bad.text, "bad.yaml"))
    rendered = [i.render("bad.yaml") for i in issues]
    line = _marked_line(bad.text)
    assert any(r.startswith(f"bad.yaml:{line}: ") and bad.says in r for r in rendered), rendered

    path = tmp_path / "bad.yaml"
    path.write_text(bad.text, encoding="utf-8")
    p = cli("lint", path)
    assert p.returncode == 2
    assert f"{path}:{line}: " in p.stderr and bad.says in p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("bad", SCHEMA, ids=lambda b: b.id)
def test_schema_errors_name_line_and_hint(bad: Bad, tmp_path: Path) -> None:
    with pytest.raises(ScriptError) as info:
        parse_script(bad.text, "bad.yaml")
    line = _marked_line(bad.text) if "#!" in bad.text else None
    report = info.value.report()
    assert bad.says in report
    if line is not None:
        assert any(p.line == line for p in info.value.problems), report

    path = tmp_path / "bad.yaml"
    path.write_text(bad.text, encoding="utf-8")
    p = cli("lint", path)
    assert p.returncode == 2 and bad.says in p.stderr and "Traceback" not in p.stderr


def test_a_clean_script_lints_clean() -> None:
    assert lint_script(parse_script(GOOD)) == []


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_shipped_scripts_lint_clean(path: Path) -> None:
    p = cli("lint", path)
    assert p.returncode == 0, p.stderr
    assert p.stderr == "" and ": ok (" in p.stdout


def test_lint_of_a_missing_file_and_play_of_a_broken_script(tmp_path: Path) -> None:
    p = cli("lint", tmp_path / "nope.yaml")
    assert p.returncode == 2 and "no file at that path" in p.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(_edit("        goto: end\n", "        goto: ned\n"), encoding="utf-8")
    p = cli("play", bad)
    assert p.returncode == 2 and "undefined target 'ned'" in p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize(
    "bad",
    [b for b in LINT + SCHEMA if b.id in {"branch_loop", "every_choice_blocked", "1e308_hours"}]
    + [b for b in SCHEMA if b.id in {"parentheses_199_deep", "infinite_hours"}],
    ids=lambda b: b.id,
)
def test_play_refuses_what_it_cannot_play_with_exit_2(bad: Bad, tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(bad.text, encoding="utf-8")
    assert main(["roleplay", "play", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{_marked_line(bad.text)}: " in err and bad.says in err


def test_a_long_chain_of_branches_lints_clean_and_plays() -> None:
    # 60 nodes each branching to the next: more than the engine's old fixed 50 jumps
    chain = "".join(
        f"  n{i}:\n    say: N{i}.\n    branches:\n      - {{when: trust > 1, goto: n{i + 1}}}\n"
        "    choices:\n      - {text: Ok., flags: [resolved], goto: end}\n"
        for i in range(60)
    )
    text = _edit("        goto: end\n", "        goto: n0\n") + chain
    text += (
        "  n60:\n    say: Last.\n    choices:\n      - {text: Ok., flags: [resolved], goto: end}\n"
    )
    script = parse_script(text)
    assert lint_script(script) == []
    transcript = play(script, [0, 0])
    assert transcript.ending == "end"
    assert [item[1] for item in transcript.log if item[0] == "node"][-2:] == ["n60", "end"]
